//! Turning the column list of a CREATE STREAM/TABLE into a schema: SQL types to engine types,
//! KEY / PRIMARY KEY / HEADERS constraints to column kinds, and ksqlDB's rules on them.
//!
//! It must not look at WITH properties or the catalog.

use rivulet_core::{Column, ColumnKind, DataType, Schema, StructField};
use rivulet_sql::{ColumnConstraint, TableElement};

use crate::{catalog::SourceKind, EngineError};

/// The engine type of a SQL type; custom types are not registered yet.
pub fn data_type(t: &rivulet_sql::DataType) -> Result<DataType, EngineError> {
    use rivulet_sql::DataType as S;
    Ok(match t {
        S::Boolean => DataType::Boolean,
        S::Integer => DataType::Int,
        S::BigInt => DataType::Bigint,
        S::Double => DataType::Double,
        S::Decimal { precision, scale } => DataType::Decimal {
            precision: u8::try_from(*precision)
                .map_err(|_| EngineError::statement("DECIMAL precision must be at most 38"))?,
            scale: u8::try_from(*scale)
                .map_err(|_| EngineError::statement("DECIMAL scale must be at most 38"))?,
        },
        S::String => DataType::String,
        S::Bytes => DataType::Bytes,
        S::Timestamp => DataType::Timestamp,
        S::Date => DataType::Date,
        S::Time => DataType::Time,
        S::Array(e) => DataType::Array(Box::new(data_type(e)?)),
        S::Map(k, v) => DataType::Map(Box::new(data_type(k)?), Box::new(data_type(v)?)),
        S::Struct(fields) => DataType::Struct(
            fields
                .iter()
                .map(|f| {
                    Ok(StructField {
                        name: f.name.as_str().to_string(),
                        data_type: data_type(&f.data_type)?,
                    })
                })
                .collect::<Result<_, EngineError>>()?,
        ),
        S::Custom(name) => {
            return Err(EngineError::statement(format!(
                "Unknown type: {}",
                name.as_str()
            )))
        }
    })
}

/// The schema of a CREATE STREAM/TABLE: key columns first, then value and header columns, in
/// declaration order.
pub fn schema(kind: SourceKind, elements: &[TableElement]) -> Result<Schema, EngineError> {
    let mut keys = Vec::new();
    let mut values = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for e in elements {
        let name = e.name.as_str().to_string();
        if !seen.insert(name.clone()) {
            return Err(EngineError::statement(format!(
                "Cannot add column '{name}' to schema: a column with the same name already exists."
            )));
        }
        let mut column = Column::new(name.clone(), data_type(&e.data_type)?, ColumnKind::Value);
        match &e.constraint {
            None => values.push(column),
            Some(ColumnConstraint::Key) => {
                if kind == SourceKind::Table {
                    return Err(EngineError::statement(format!(
                        "Column `{name}` is a 'KEY' column: please use 'PRIMARY KEY' for tables."
                    )));
                }
                column.kind = ColumnKind::Key;
                keys.push(column);
            }
            Some(ColumnConstraint::PrimaryKey) => {
                if kind == SourceKind::Stream {
                    return Err(EngineError::statement(format!(
                        "Column `{name}` is a 'PRIMARY KEY' column: please use 'KEY' for streams."
                    )));
                }
                column.kind = ColumnKind::Key;
                keys.push(column);
            }
            Some(ColumnConstraint::Headers) => {
                column.kind = ColumnKind::Header;
                values.push(column);
            }
            Some(ColumnConstraint::Header(key)) => {
                column.kind = ColumnKind::Header;
                column.header_key = Some(key.clone());
                values.push(column);
            }
        }
    }
    if kind == SourceKind::Table && keys.is_empty() {
        return Err(EngineError::statement(
            "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.",
        ));
    }
    keys.extend(values);
    Ok(Schema::new(keys))
}
