//! `INSERT INTO <stream|table> [(columns)] VALUES (…)`, as ksqlDB's `InsertValuesExecutor` runs
//! it: the column list (or every key and value column, keys first), each value an expression
//! without column references evaluated once and coerced to its column's type by ksqlDB's strict
//! rules (`DefaultSqlValueCoercer.STRICT`: numeric widening INT → BIGINT → DECIMAL → DOUBLE,
//! ISO-8601 strings to TIMESTAMP/DATE/TIME, base64 strings to BYTES, collections element-wise),
//! ROWTIME optional (else now), then one record written through [`RowWriter`].
//!
//! This module owns the statement's validation, evaluation, coercion and its error messages
//! (ksqlDB's wording: `Failed to insert values into 'T'. Expected type INTEGER for field `A`
//! but got STRING(abc)`). It must not encode rows or pick partitions (the row writer does) nor
//! touch the catalog.

use std::sync::Arc;

use rivulet_core::{base64, time::now_ms, ColumnKind, DataType, Decimal, Value};
use rivulet_expr::eval::cast::cast_value;
use rivulet_sql::{
    planner::{bind_expression, Scope},
    InsertValues,
};

use crate::{catalog::SourceKind, row_writer::RowWriter, session::Session, Engine, EngineError};

/// The property (server config, or a request's override to `false`) that turns the statement off.
pub const ENABLED_PROPERTY: &str = "ksql.insert.into.values.enabled";

/// Runs one INSERT VALUES statement; it produces no entity.
pub async fn execute(
    engine: &Engine,
    insert: &InsertValues,
    session: &Session,
) -> Result<(), EngineError> {
    let target = insert.target.as_str();
    let source = engine.catalog().await.get(target).cloned().ok_or_else(|| {
        EngineError::statement(format!(
            "Cannot insert values into an unknown stream/table: {target}"
        ))
    })?;
    if source.is_source {
        return Err(EngineError::statement(format!(
            "Cannot insert values into read-only {}: {}",
            source.kind.lower(),
            source.name
        )));
    }
    let headers: Vec<&str> = if insert.columns.is_empty() {
        source
            .schema
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Header)
            .map(|c| c.name.as_str())
            .collect()
    } else {
        insert
            .columns
            .iter()
            .map(|c| c.as_str())
            .filter(|n| {
                source
                    .schema
                    .column(n)
                    .is_some_and(|c| c.kind == ColumnKind::Header)
            })
            .collect()
    };
    if !headers.is_empty() {
        return Err(EngineError::statement(format!(
            "Cannot insert into HEADER columns: {}",
            headers.join(", ")
        )));
    }
    let disabled = !engine.config().insert_values_enabled
        || session
            .property(ENABLED_PROPERTY)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("false"));
    if disabled {
        return Err(EngineError::statement(
            "The server has disabled INSERT INTO ... VALUES functionality. To enable it, restart your ksqlDB server with 'ksql.insert.into.values.enabled'=true",
        ));
    }
    let failed = |message: String| {
        EngineError::statement(format!(
            "Failed to insert values into '{target}'. {message}"
        ))
    };
    let mut writer = RowWriter::open(engine.log.clone(), Arc::new(source.clone())).await?;
    let (row, timestamp) = build_row(&writer, insert, source.kind).map_err(failed)?;
    let record = writer
        .encode(row, timestamp)
        .map_err(|e| failed(e.to_string()))?;
    writer
        .append(vec![record])
        .await
        .map_err(|e| failed(e.to_string()))?;
    Ok(())
}

/// The row (one value per writable column) and ROWTIME of the statement.
fn build_row(
    writer: &RowWriter,
    insert: &InsertValues,
    kind: SourceKind,
) -> Result<(Vec<Value>, i64), String> {
    let writable = writer.columns();
    let names: Vec<String> = if insert.columns.is_empty() {
        writable.iter().map(|c| c.name.clone()).collect()
    } else {
        insert
            .columns
            .iter()
            .map(|c| c.as_str().to_string())
            .collect()
    };
    if names.len() != insert.values.len() {
        return Err(format!(
            "Expected a value for each column. Expected Columns: [{}]. Got [{}]",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            insert
                .values
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut row = vec![Value::Null; writable.len()];
    let mut given = vec![false; writable.len()];
    let mut timestamp = None;
    for (name, expr) in names.iter().zip(&insert.values) {
        let (slot, column_type) = if name == "ROWTIME" {
            (None, DataType::Bigint)
        } else if name == "ROWPARTITION" || name == "ROWOFFSET" {
            return Err(format!("Inserting into column `{name}` is not allowed."));
        } else {
            match writable.iter().position(|c| &c.name == name) {
                Some(i) => (Some(i), writable[i].data_type.clone()),
                None => return Err(format!("Column name `{name}` does not exist.")),
            }
        };
        let bound = bind_expression(expr, &Scope::default()).map_err(|e| e.message)?;
        let value = rivulet_expr::eval(&bound, &[]).map_err(|e| e.to_string())?;
        let from = bound.data_type();
        let coerced = coerce_strict(&value, &from, &column_type).ok_or_else(|| {
            format!(
                "Expected type {column_type} for field `{name}` but got {}({value}){}",
                rivulet_expr::error::base_name(&from),
                parse_hint(&from, &column_type)
            )
        })?;
        match slot {
            Some(i) => {
                row[i] = coerced;
                given[i] = true;
            }
            None => {
                timestamp = match coerced {
                    Value::Bigint(t) => Some(t),
                    _ => None,
                }
            }
        }
    }
    if kind == SourceKind::Table {
        let missing: Vec<&str> = writer
            .key_columns()
            .iter()
            .enumerate()
            .filter(|(i, _)| !given[*i])
            .map(|(_, c)| c.name.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "Value for primary key column(s) {} is required for tables",
                missing.join(", ")
            ));
        }
    }
    Ok((row, timestamp.unwrap_or_else(now_ms)))
}

/// ksqlDB's hint after a string that is not a time.
fn parse_hint(from: &DataType, to: &DataType) -> &'static str {
    match (from, to) {
        (DataType::String, DataType::Timestamp) => {
            ". Timestamp format must be yyyy-mm-ddThh:mm:ss[.S]"
        }
        (DataType::String, DataType::Time) => ". Time format must be hh:mm:ss[.S]",
        (DataType::String, DataType::Date) => ". Date format must be yyyy-mm-dd",
        _ => "",
    }
}

/// ksqlDB's strict value coercion (`DefaultSqlValueCoercer.STRICT`): `None` when `v` of type
/// `from` cannot become a `to` without loss or a lax conversion.
pub fn coerce_strict(v: &Value, from: &DataType, to: &DataType) -> Option<Value> {
    use DataType as T;
    if v.is_null() {
        return Some(Value::Null);
    }
    if from == to {
        return Some(v.clone());
    }
    match (to, v) {
        (T::Bigint, Value::Int(i)) => Some(Value::Bigint(i64::from(*i))),
        (T::Double, Value::Int(_) | Value::Bigint(_) | Value::Decimal(_)) => {
            v.as_f64().map(Value::Double)
        }
        (T::Decimal { precision, scale }, _) => {
            let d = match v {
                Value::Int(i) => Decimal::new(i128::from(*i), 0),
                Value::Bigint(i) => Decimal::new(i128::from(*i), 0),
                Value::Decimal(d) => *d,
                _ => return None,
            };
            fit_decimal(&d, *precision, *scale).map(Value::Decimal)
        }
        (T::Timestamp | T::Date | T::Time, Value::String(_)) => cast_value(v, from, to).ok(),
        (T::Bytes, Value::String(s)) => base64::decode(s).map(|b| Value::Bytes(b.into())),
        (T::Array(to_e), Value::Array(items)) => {
            let T::Array(from_e) = from else { return None };
            items
                .iter()
                .map(|item| coerce_strict(item, from_e, to_e))
                .collect::<Option<Vec<_>>>()
                .map(Value::Array)
        }
        (T::Map(to_k, to_v), Value::Map(entries)) => {
            let T::Map(from_k, from_v) = from else {
                return None;
            };
            entries
                .iter()
                .map(|(k, val)| {
                    Some((
                        coerce_strict(k, from_k, to_k)?,
                        coerce_strict(val, from_v, to_v)?,
                    ))
                })
                .collect::<Option<Vec<_>>>()
                .map(Value::Map)
        }
        (T::Struct(to_fields), Value::Struct(fields)) => {
            let T::Struct(from_fields) = from else {
                return None;
            };
            let find_target = |name: &str| {
                to_fields.iter().position(|f| f.name == name).or_else(|| {
                    to_fields
                        .iter()
                        .position(|f| f.name.eq_ignore_ascii_case(name))
                })
            };
            let mut out: Vec<(Arc<str>, Value)> = to_fields
                .iter()
                .map(|f| (Arc::from(f.name.as_str()), Value::Null))
                .collect();
            for (name, val) in fields {
                let target = find_target(name)?;
                let from_t = &from_fields
                    .iter()
                    .find(|f| f.name == name.as_ref())?
                    .data_type;
                out[target].1 = coerce_strict(val, from_t, &to_fields[target].data_type)?;
            }
            Some(Value::Struct(out))
        }
        _ => None,
    }
}

/// `d` as DECIMAL(precision, scale) when no digit is lost.
fn fit_decimal(d: &Decimal, precision: u8, scale: u8) -> Option<Decimal> {
    let fitted = d.rescale(scale)?;
    if fitted.rescale(d.scale)? != *d {
        return None;
    }
    let digits = {
        let mut n = fitted.unscaled.unsigned_abs();
        let mut digits = 1u8;
        while n >= 10 {
            n /= 10;
            digits += 1;
        }
        digits
    };
    let whole = digits.saturating_sub(scale);
    (whole <= precision.saturating_sub(scale)).then_some(fitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn strict_coercion_widens_numbers_only() {
        assert_eq!(
            coerce_strict(&Value::Int(1), &DataType::Int, &DataType::Bigint),
            Some(Value::Bigint(1))
        );
        assert_eq!(
            coerce_strict(&Value::Bigint(1), &DataType::Bigint, &DataType::Int),
            None
        );
        assert_eq!(
            coerce_strict(&Value::from("12"), &DataType::String, &DataType::Int),
            None
        );
        assert_eq!(
            coerce_strict(&Value::Int(12), &DataType::Int, &DataType::String),
            None
        );
        let d = |p, s| DataType::Decimal {
            precision: p,
            scale: s,
        };
        let v = Value::Decimal(dec("10.010"));
        assert_eq!(
            coerce_strict(&v, &d(5, 3), &d(4, 2)),
            Some(Value::Decimal(dec("10.01")))
        );
        assert_eq!(coerce_strict(&v, &d(5, 3), &d(4, 1)), None);
        assert_eq!(
            coerce_strict(&Value::Bigint(3), &DataType::Bigint, &d(3, 2)),
            Some(Value::Decimal(dec("3.00")))
        );
        assert_eq!(
            coerce_strict(&Value::Bigint(300), &DataType::Bigint, &d(3, 2)),
            None
        );
    }

    #[test]
    fn strings_become_times_and_bytes() {
        assert_eq!(
            coerce_strict(
                &Value::from("2018-09-01T09:01:15.000"),
                &DataType::String,
                &DataType::Timestamp
            ),
            Some(Value::Timestamp(1_535_792_475_000))
        );
        assert_eq!(
            coerce_strict(&Value::from("IQ=="), &DataType::String, &DataType::Bytes),
            Some(Value::Bytes(bytes::Bytes::from_static(&[33])))
        );
    }
}
