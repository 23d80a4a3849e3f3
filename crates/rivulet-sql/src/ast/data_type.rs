//! SQL types: BOOLEAN, INTEGER, BIGINT, DOUBLE, DECIMAL(p, s), STRING, BYTES, TIMESTAMP, DATE,
//! TIME, ARRAY<T>, MAP<K, V>, STRUCT<...> and custom type names (`CREATE TYPE`).
//!
//! Owns [`DataType`] and its canonical text (ksqlDB's names: `INTEGER`, `STRING`). It must not
//! resolve custom names nor check coercions.

use std::fmt;

use super::identifier::Identifier;

/// A type as written in a column definition, CAST, or CREATE TYPE.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DataType {
    Boolean,
    /// `INT` or `INTEGER`.
    Integer,
    BigInt,
    Double,
    Decimal {
        precision: u32,
        scale: u32,
    },
    /// `STRING` or `VARCHAR`.
    String,
    Bytes,
    Timestamp,
    Date,
    Time,
    Array(Box<DataType>),
    Map(Box<DataType>, Box<DataType>),
    Struct(Vec<StructField>),
    /// A name registered with `CREATE TYPE` (or unknown).
    Custom(Identifier),
}

/// One field of a STRUCT type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StructField {
    pub name: Identifier,
    pub data_type: DataType,
}

impl DataType {
    /// The built-in type an unquoted base type name stands for (`VARCHAR` -> STRING).
    pub fn builtin(upper_name: &str) -> Option<DataType> {
        Some(match upper_name {
            "BOOLEAN" => DataType::Boolean,
            "INT" | "INTEGER" => DataType::Integer,
            "BIGINT" => DataType::BigInt,
            "DOUBLE" => DataType::Double,
            "STRING" | "VARCHAR" => DataType::String,
            "BYTES" => DataType::Bytes,
            "TIMESTAMP" => DataType::Timestamp,
            "DATE" => DataType::Date,
            "TIME" => DataType::Time,
            _ => return None,
        })
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataType::Boolean => f.write_str("BOOLEAN"),
            DataType::Integer => f.write_str("INTEGER"),
            DataType::BigInt => f.write_str("BIGINT"),
            DataType::Double => f.write_str("DOUBLE"),
            DataType::Decimal { precision, scale } => write!(f, "DECIMAL({precision}, {scale})"),
            DataType::String => f.write_str("STRING"),
            DataType::Bytes => f.write_str("BYTES"),
            DataType::Timestamp => f.write_str("TIMESTAMP"),
            DataType::Date => f.write_str("DATE"),
            DataType::Time => f.write_str("TIME"),
            DataType::Array(element) => {
                f.write_str("ARRAY<")?;
                fmt::Display::fmt(&**element, f)?;
                f.write_str(">")
            }
            DataType::Map(key, value) => {
                f.write_str("MAP<")?;
                fmt::Display::fmt(&**key, f)?;
                f.write_str(", ")?;
                fmt::Display::fmt(&**value, f)?;
                f.write_str(">")
            }
            DataType::Struct(fields) => {
                f.write_str("STRUCT<")?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    fmt::Display::fmt(&field.name, f)?;
                    f.write_str(" ")?;
                    fmt::Display::fmt(&field.data_type, f)?;
                }
                f.write_str(">")
            }
            DataType::Custom(name) => {
                // A custom type spelled like a built-in one must stay quoted to stay custom.
                if DataType::builtin(name.as_str()).is_some() || name.as_str() == "DECIMAL" {
                    f.write_str(&name.quoted())
                } else {
                    write!(f, "{name}")
                }
            }
        }
    }
}
