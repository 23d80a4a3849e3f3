//! SQL values as ksqlDB's REST API writes them in query rows: numbers as numbers (DECIMAL in
//! plain notation), TIMESTAMP as `yyyy-MM-ddTHH:mm:ss.SSS`, DATE as `yyyy-MM-dd`, TIME as Java's
//! `LocalTime` text, BYTES as base64, collections as JSON.

use std::fmt::Write;

use rivulet_core::{base64, time, Schema, Value};

fn json_string(s: &str, out: &mut String) {
    match serde_json::to_string(s) {
        Ok(text) => out.push_str(&text),
        Err(_) => out.push_str("\"\""),
    }
}

/// Java's `LocalTime.toString()`: `HH:mm` when seconds and millis are zero, else `HH:mm:ss`
/// (with `.SSS` when there are milliseconds).
fn local_time(ms_of_day: i32) -> String {
    let ms = i64::from(ms_of_day).rem_euclid(time::MS_PER_DAY);
    let (h, m, s, frac) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    match (s, frac) {
        (0, 0) => format!("{h:02}:{m:02}"),
        (_, 0) => format!("{h:02}:{m:02}:{s:02}"),
        _ => format!("{h:02}:{m:02}:{s:02}.{frac:03}"),
    }
}

/// Appends one value's JSON.
pub fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Bigint(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Double(d) if d.is_finite() => {
            let mut buf = ryu_like(*d);
            if !buf.contains(['.', 'e', 'E']) {
                buf.push_str(".0");
            }
            out.push_str(&buf);
        }
        Value::Double(d) => json_string(&d.to_string(), out),
        Value::Decimal(d) => {
            let _ = write!(out, "{d}");
        }
        Value::String(s) => json_string(s, out),
        Value::Bytes(b) => json_string(&base64::encode(b), out),
        Value::Timestamp(ms) => json_string(&time::format_timestamp(*ms), out),
        Value::Date(days) => json_string(&time::format_date(*days), out),
        Value::Time(ms) => json_string(&local_time(*ms), out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(&k.to_string(), out);
                out.push(':');
                write_value(v, out);
            }
            out.push('}');
        }
        Value::Struct(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(k, out);
                out.push(':');
                write_value(v, out);
            }
            out.push('}');
        }
    }
}

/// Shortest round-trip text of a finite double, as JSON allows it.
fn ryu_like(d: f64) -> String {
    serde_json::Number::from_f64(d)
        .map(|n| n.to_string())
        .unwrap_or_else(|| "null".into())
}

/// A row as a JSON array: `[v1,v2,…]`.
pub fn row_json(row: &[Value]) -> String {
    let mut out = String::with_capacity(16 * row.len() + 2);
    out.push('[');
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_value(v, &mut out);
    }
    out.push(']');
    out
}

/// A row as a JSON object keyed by column name.
pub fn row_object(schema: &Schema, row: &[Value]) -> String {
    let mut out = String::with_capacity(24 * row.len() + 2);
    out.push('{');
    for (i, (c, v)) in schema.columns.iter().zip(row).enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(&c.name, &mut out);
        out.push(':');
        write_value(v, &mut out);
    }
    out.push('}');
    out
}

/// The legacy `/query` header's schema string: `` `NAME` TYPE, … ``.
pub fn schema_string(schema: &Schema) -> String {
    schema
        .columns
        .iter()
        .map(|c| format!("`{}` {}", c.name, c.data_type))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_as_ksqldb_rest_writes_them() {
        let row = vec![
            Value::from("d1"),
            Value::Bigint(1_684_615_020_438_850_600),
            Value::Double(0.9939),
            Value::Double(1.0),
            Value::Null,
            Value::Timestamp(1),
            Value::Time(13 * 3_600_000 + 25 * 60_000),
            Value::Time(13 * 3_600_000 + 25 * 60_000 + 7000),
            Value::Decimal("12.50".parse().unwrap()),
            Value::Bytes(bytes::Bytes::from_static(b"hi")),
        ];
        assert_eq!(
            row_json(&row),
            r#"["d1",1684615020438850600,0.9939,1.0,null,"1970-01-01T00:00:00.001","13:25","13:25:07",12.50,"aGk="]"#
        );
    }
}
