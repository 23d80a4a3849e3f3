//! SQL types as written (the AST's) to the engine's types.

use rivulet_core::{DataType, StructField};

use super::PlanError;
use crate::ast;

/// The engine type of a written type; custom type names are not registered yet.
pub fn data_type(t: &ast::DataType) -> Result<DataType, PlanError> {
    use ast::DataType as S;
    Ok(match t {
        S::Boolean => DataType::Boolean,
        S::Integer => DataType::Int,
        S::BigInt => DataType::Bigint,
        S::Double => DataType::Double,
        S::Decimal { precision, scale } => DataType::Decimal {
            precision: u8::try_from(*precision)
                .map_err(|_| PlanError::new("DECIMAL precision must be at most 38"))?,
            scale: u8::try_from(*scale)
                .map_err(|_| PlanError::new("DECIMAL scale must be at most 38"))?,
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
                .collect::<Result<_, PlanError>>()?,
        ),
        S::Custom(name) => return Err(PlanError::new(format!("Unknown type: {}", name.as_str()))),
    })
}
