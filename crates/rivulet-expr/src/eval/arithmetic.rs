//! Arithmetic on values as ksqlDB's generated Java computes it: INT and BIGINT wrap on overflow
//! (Java's `+ - * / %`), integer division truncates, integer division or modulus by zero fails,
//! DOUBLE follows IEEE 754 (`1.0 / 0` is Infinity), and DECIMAL is exact at the result type's
//! scale.
//!
//! This module owns the numeric kernels. It must not pick result types (the typing builders
//! do) nor handle NULL (the evaluator returns NULL before calling in).

use rivulet_core::{DataType, Decimal, Value};

use super::cast::rescale;
use crate::{error::EvalError, expr::ArithmeticOp};

/// `l op r` for non-NULL operands of the expression's type `t`.
pub(crate) fn binary(
    op: ArithmeticOp,
    l: &Value,
    r: &Value,
    t: &DataType,
) -> Result<Value, EvalError> {
    use ArithmeticOp::*;
    Ok(match (l, r) {
        (Value::Int(a), Value::Int(b)) => Value::Int(match op {
            Add => a.wrapping_add(*b),
            Subtract => a.wrapping_sub(*b),
            Multiply => a.wrapping_mul(*b),
            Divide if *b == 0 => return Err(EvalError::DivisionByZero),
            Divide => a.wrapping_div(*b),
            Modulus if *b == 0 => return Err(EvalError::DivisionByZero),
            Modulus => a.wrapping_rem(*b),
        }),
        (Value::Bigint(a), Value::Bigint(b)) => Value::Bigint(match op {
            Add => a.wrapping_add(*b),
            Subtract => a.wrapping_sub(*b),
            Multiply => a.wrapping_mul(*b),
            Divide if *b == 0 => return Err(EvalError::DivisionByZero),
            Divide => a.wrapping_div(*b),
            Modulus if *b == 0 => return Err(EvalError::DivisionByZero),
            Modulus => a.wrapping_rem(*b),
        }),
        (Value::Double(a), Value::Double(b)) => Value::Double(double(op, *a, *b)),
        (Value::Decimal(a), Value::Decimal(b)) => Value::Decimal(decimal(op, a, b, t)?),
        (Value::String(a), Value::String(b)) if op == Add => {
            let mut s = String::with_capacity(a.len() + b.len());
            s.push_str(a);
            s.push_str(b);
            Value::string(s)
        }
        // Operands of different kinds only reach here when a plan was built by hand: widen to
        // the result type.
        _ => match t {
            DataType::Double => {
                let (a, b) = (as_f64(l)?, as_f64(r)?);
                Value::Double(double(op, a, b))
            }
            DataType::Decimal { .. } => {
                Value::Decimal(decimal(op, &as_decimal(l)?, &as_decimal(r)?, t)?)
            }
            DataType::Bigint => binary(
                op,
                &Value::Bigint(as_i64(l)?),
                &Value::Bigint(as_i64(r)?),
                t,
            )?,
            DataType::Int => binary(
                op,
                &Value::Int(as_i64(l)? as i32),
                &Value::Int(as_i64(r)? as i32),
                t,
            )?,
            _ => return Err(EvalError::unexpected(format!("{t} operand"), l)),
        },
    })
}

fn double(op: ArithmeticOp, a: f64, b: f64) -> f64 {
    match op {
        ArithmeticOp::Add => a + b,
        ArithmeticOp::Subtract => a - b,
        ArithmeticOp::Multiply => a * b,
        ArithmeticOp::Divide => a / b,
        ArithmeticOp::Modulus => a % b,
    }
}

fn as_f64(v: &Value) -> Result<f64, EvalError> {
    match v {
        Value::Decimal(d) => Ok(super::cast::decimal_to_f64(d)),
        _ => v
            .as_f64()
            .ok_or_else(|| EvalError::unexpected("a number", v)),
    }
}

fn as_i64(v: &Value) -> Result<i64, EvalError> {
    v.as_i64()
        .ok_or_else(|| EvalError::unexpected("an integer", v))
}

fn as_decimal(v: &Value) -> Result<Decimal, EvalError> {
    match v {
        Value::Decimal(d) => Ok(*d),
        Value::Int(_) | Value::Bigint(_) => Ok(Decimal::new(i128::from(as_i64(v)?), 0)),
        _ => Err(EvalError::unexpected("a decimal", v)),
    }
}

fn overflow(what: &str) -> EvalError {
    EvalError::Overflow(format!("DECIMAL {what} exceeds 38 digits"))
}

/// Both operands at the larger scale.
fn aligned(a: &Decimal, b: &Decimal) -> Result<(i128, i128, u8), EvalError> {
    let scale = a.scale.max(b.scale);
    let a = rescale(a, scale).ok_or_else(|| overflow("operand"))?;
    let b = rescale(b, scale).ok_or_else(|| overflow("operand"))?;
    Ok((a.unscaled, b.unscaled, scale))
}

/// `n / d` rounded half away from zero (HALF_UP); `None` on overflow (`i128::MIN / -1`).
fn div_half_up(n: i128, d: i128) -> Option<i128> {
    let q = n.checked_div(d)?;
    let r = n.checked_rem(d)?;
    Some(if r.unsigned_abs() >= d.unsigned_abs() - r.unsigned_abs() {
        if (n < 0) == (d < 0) {
            q + 1
        } else {
            q - 1
        }
    } else {
        q
    })
}

/// DECIMAL arithmetic at the result type's scale. Addition, subtraction, multiplication and
/// modulus are exact; division is rounded HALF_UP to the result scale (ksqlDB fails with
/// "Rounding necessary" on a non-terminating quotient; Rivulet rounds, see the crate docs).
pub(crate) fn decimal(
    op: ArithmeticOp,
    a: &Decimal,
    b: &Decimal,
    t: &DataType,
) -> Result<Decimal, EvalError> {
    let target_scale = match t {
        DataType::Decimal { scale, .. } => *scale,
        _ => a.scale.max(b.scale),
    };
    let exact = match op {
        ArithmeticOp::Add | ArithmeticOp::Subtract => {
            let (x, y, scale) = aligned(a, b)?;
            let v = if op == ArithmeticOp::Add {
                x.checked_add(y)
            } else {
                x.checked_sub(y)
            };
            Decimal::new(v.ok_or_else(|| overflow("sum"))?, scale)
        }
        ArithmeticOp::Multiply => Decimal::new(
            a.unscaled
                .checked_mul(b.unscaled)
                .ok_or_else(|| overflow("product"))?,
            a.scale
                .checked_add(b.scale)
                .ok_or_else(|| overflow("product"))?,
        ),
        ArithmeticOp::Divide => {
            if b.unscaled == 0 {
                return Err(EvalError::DivisionByZero);
            }
            // a / b at scale S: (a.u × 10^(S + b.s − a.s)) / b.u
            let shift = i32::from(target_scale) + i32::from(b.scale) - i32::from(a.scale);
            let (n, d) = if shift >= 0 {
                let f = 10i128
                    .checked_pow(shift as u32)
                    .ok_or_else(|| overflow("quotient"))?;
                (
                    a.unscaled
                        .checked_mul(f)
                        .ok_or_else(|| overflow("quotient"))?,
                    b.unscaled,
                )
            } else {
                let f = 10i128
                    .checked_pow((-shift) as u32)
                    .ok_or_else(|| overflow("quotient"))?;
                (
                    a.unscaled,
                    b.unscaled
                        .checked_mul(f)
                        .ok_or_else(|| overflow("quotient"))?,
                )
            };
            let q = div_half_up(n, d).ok_or_else(|| overflow("quotient"))?;
            return Ok(Decimal::new(q, target_scale));
        }
        ArithmeticOp::Modulus => {
            if b.unscaled == 0 {
                return Err(EvalError::DivisionByZero);
            }
            let (x, y, scale) = aligned(a, b)?;
            Decimal::new(
                x.checked_rem(y).ok_or_else(|| overflow("remainder"))?,
                scale,
            )
        }
    };
    rescale(&exact, target_scale).ok_or_else(|| overflow("result"))
}

/// Unary minus (INT and BIGINT wrap, as Java's `-Integer.MIN_VALUE` does).
pub(crate) fn negate(v: &Value) -> Result<Value, EvalError> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Int(i) => Value::Int(i.wrapping_neg()),
        Value::Bigint(i) => Value::Bigint(i.wrapping_neg()),
        Value::Double(d) => Value::Double(-d),
        Value::Decimal(d) => Value::Decimal(Decimal::new(
            d.unscaled
                .checked_neg()
                .ok_or_else(|| overflow("negation"))?,
            d.scale,
        )),
        other => return Err(EvalError::unexpected("a number", other)),
    })
}
