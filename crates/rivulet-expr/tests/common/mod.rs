//! Helpers shared by the integration tests: literal and column builders, value shorthands and
//! one-call evaluation.

#![allow(dead_code)]

use rivulet_core::{DataType, Decimal, StructField, Value};
use rivulet_expr::{eval, EvalError, Expr};

pub fn lit(v: impl Into<Value>) -> Expr {
    Expr::literal(v)
}

pub fn s(text: &str) -> Expr {
    Expr::string(text)
}

pub fn null() -> Expr {
    Expr::null()
}

pub fn dec(text: &str) -> Expr {
    Expr::decimal(text.parse().expect("test decimal"))
}

pub fn col(index: usize, t: DataType) -> Expr {
    Expr::column(index, t)
}

/// A typed literal of any value (collections included).
pub fn typed(v: Value, t: DataType) -> Expr {
    Expr::Literal(v, t)
}

pub fn vs(text: &str) -> Value {
    Value::string(text)
}

pub fn vd(text: &str) -> Value {
    Value::Decimal(text.parse::<Decimal>().expect("test decimal"))
}

pub fn arr(items: Vec<Value>) -> Value {
    Value::Array(items)
}

pub fn array_of(t: DataType) -> DataType {
    DataType::Array(Box::new(t))
}

pub fn map_of(k: DataType, v: DataType) -> DataType {
    DataType::Map(Box::new(k), Box::new(v))
}

pub fn decimal(precision: u8, scale: u8) -> DataType {
    DataType::Decimal { precision, scale }
}

pub fn struct_of(fields: &[(&str, DataType)]) -> DataType {
    DataType::Struct(
        fields
            .iter()
            .map(|(n, t)| StructField {
                name: (*n).to_string(),
                data_type: t.clone(),
            })
            .collect(),
    )
}

/// Evaluates an expression with no input columns.
pub fn run(e: &Expr) -> Result<Value, EvalError> {
    eval(e, &[])
}

/// Exact value equality, including the DECIMAL scale and the variant (INT vs BIGINT).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Decimal(x), Value::Decimal(y)) => x.unscaled == y.unscaled && x.scale == y.scale,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Bigint(x), Value::Bigint(y)) => x == y,
        (Value::Int(_), _) | (_, Value::Int(_)) | (Value::Bigint(_), _) | (_, Value::Bigint(_)) => {
            false
        }
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits() || x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
        }
        (Value::Struct(x), Value::Struct(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((n1, v1), (n2, v2))| n1 == n2 && same(v1, v2))
        }
        _ => a == b,
    }
}
