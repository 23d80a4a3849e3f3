//! SQL data types as the engine and the formats know them (ksqlDB's type system), printed as
//! ksqlDB prints them in `columnTypes` and schema strings.

use std::fmt;

/// A column or expression type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DataType {
    Boolean,
    Int,
    Bigint,
    Double,
    Decimal {
        precision: u8,
        scale: u8,
    },
    String,
    Bytes,
    /// Epoch milliseconds, UTC.
    Timestamp,
    /// Days since the epoch.
    Date,
    /// Milliseconds since midnight.
    Time,
    Array(Box<DataType>),
    Map(Box<DataType>, Box<DataType>),
    Struct(Vec<StructField>),
}

/// One field of a STRUCT type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StructField {
    pub name: String,
    pub data_type: DataType,
}

impl DataType {
    /// INT, BIGINT, DOUBLE or DECIMAL.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            DataType::Int | DataType::Bigint | DataType::Double | DataType::Decimal { .. }
        )
    }

    /// The DECIMAL an integer type widens to (INT → DECIMAL(10,0), BIGINT → DECIMAL(19,0)).
    pub fn as_decimal(&self) -> Option<(u8, u8)> {
        match self {
            DataType::Int => Some((10, 0)),
            DataType::Bigint => Some((19, 0)),
            DataType::Decimal { precision, scale } => Some((*precision, *scale)),
            _ => None,
        }
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataType::Boolean => f.write_str("BOOLEAN"),
            DataType::Int => f.write_str("INTEGER"),
            DataType::Bigint => f.write_str("BIGINT"),
            DataType::Double => f.write_str("DOUBLE"),
            DataType::Decimal { precision, scale } => write!(f, "DECIMAL({precision}, {scale})"),
            DataType::String => f.write_str("STRING"),
            DataType::Bytes => f.write_str("BYTES"),
            DataType::Timestamp => f.write_str("TIMESTAMP"),
            DataType::Date => f.write_str("DATE"),
            DataType::Time => f.write_str("TIME"),
            DataType::Array(e) => write!(f, "ARRAY<{e}>"),
            DataType::Map(k, v) => write!(f, "MAP<{k}, {v}>"),
            DataType::Struct(fields) if fields.is_empty() => f.write_str("STRUCT< >"),
            DataType::Struct(fields) => {
                f.write_str("STRUCT<")?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{}` {}", field.name, field.data_type)?;
                }
                f.write_str(">")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_as_ksqldb_does() {
        let t = DataType::Struct(vec![
            StructField {
                name: "F1".into(),
                data_type: DataType::String,
            },
            StructField {
                name: "F2".into(),
                data_type: DataType::Array(Box::new(DataType::Int)),
            },
        ]);
        assert_eq!(t.to_string(), "STRUCT<`F1` STRING, `F2` ARRAY<INTEGER>>");
        assert_eq!(
            DataType::Map(
                Box::new(DataType::String),
                Box::new(DataType::Decimal {
                    precision: 4,
                    scale: 2
                })
            )
            .to_string(),
            "MAP<STRING, DECIMAL(4, 2)>"
        );
        assert_eq!(DataType::Struct(vec![]).to_string(), "STRUCT< >");
    }
}
