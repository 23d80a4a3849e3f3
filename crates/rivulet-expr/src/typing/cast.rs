//! Typing of explicit `CAST(x AS T)`: ksqlDB's `CastEvaluator` table — anything but BYTES to
//! STRING; STRING to BOOLEAN, the numbers, the temporal types and BYTES; numbers among
//! themselves; TIMESTAMP to DATE/TIME and DATE to TIMESTAMP; ARRAY/MAP/STRUCT to the same kind
//! element-wise (STRUCT fields matched by name).
//!
//! This module owns which casts exist and DECIMAL parameter checks. It must not convert values
//! (see `eval::cast`).

use rivulet_core::DataType;

use super::coercion::cast_node;
use crate::{error::TypeError, expr::Expr};

/// Whether `CAST(from AS to)` is supported.
pub fn castable(from: &DataType, to: &DataType) -> bool {
    use DataType::*;
    if from == to {
        return true;
    }
    match (from, to) {
        (Bytes, String) => false,
        (Array(a), Array(b)) => castable(a, b),
        (Map(k1, v1), Map(k2, v2)) => castable(k1, k2) && castable(v1, v2),
        (Struct(a), Struct(b)) => {
            b.iter()
                .all(|target| match a.iter().find(|f| f.name == target.name) {
                    None => true,
                    Some(source) => castable(&source.data_type, &target.data_type),
                })
        }
        (_, String) => true,
        (String, Boolean | Int | Bigint | Double | Decimal { .. }) => true,
        (String, Timestamp | Date | Time | Bytes) => true,
        (a, b) if a.is_numeric() && b.is_numeric() => true,
        (Timestamp, Date | Time) | (Date, Timestamp) => true,
        _ => false,
    }
}

/// Checks DECIMAL(p, s) parameters (p ≥ 1, s ≤ p), as ksqlDB's `SqlDecimal` does, everywhere
/// inside `t`.
pub fn validate_type(t: &DataType) -> Result<(), TypeError> {
    match t {
        DataType::Decimal { precision, scale } => {
            if *precision < 1 {
                return Err(TypeError::InvalidDecimal(format!(
                    "DECIMAL precision must be >= 1: DECIMAL({precision},{scale})"
                )));
            }
            if scale > precision {
                return Err(TypeError::InvalidDecimal(format!(
                    "DECIMAL precision must be >= scale: DECIMAL({precision},{scale})"
                )));
            }
            Ok(())
        }
        DataType::Array(e) => validate_type(e),
        DataType::Map(k, v) => {
            validate_type(k)?;
            validate_type(v)
        }
        DataType::Struct(fields) => fields.iter().try_for_each(|f| validate_type(&f.data_type)),
        _ => Ok(()),
    }
}

/// `CAST(expr AS to)`. Casting to the expression's own type is a no-op; casting a literal is
/// done now when it succeeds (otherwise it fails per row, as in ksqlDB).
pub fn cast(expr: Expr, to: DataType) -> Result<Expr, TypeError> {
    validate_type(&to)?;
    if expr.is_null_literal() {
        return Ok(Expr::Cast {
            expr: Box::new(expr),
            to,
        });
    }
    let from = expr.data_type();
    if from == to {
        return Ok(expr);
    }
    if !castable(&from, &to) {
        return Err(TypeError::UnsupportedCast { from, to });
    }
    Ok(cast_node(expr, to))
}
