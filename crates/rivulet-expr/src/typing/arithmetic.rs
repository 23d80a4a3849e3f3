//! Typing of `+ - * / %`, unary minus and string concatenation: ksqlDB's `Operator.resultType`
//! (INT op INT → INT, with BIGINT → BIGINT, with DOUBLE → DOUBLE, DECIMAL op DOUBLE → DOUBLE,
//! DECIMAL op exact → DECIMAL with SqlDecimal's precision/scale rules, STRING + STRING →
//! STRING).
//!
//! This module owns those rules and the casts they insert. It must not evaluate (the kernels in
//! `eval::arithmetic` do).

use rivulet_core::DataType;

use super::coercion::{as_decimal, coerce};
use crate::{
    error::TypeError,
    expr::{ArithmeticOp, Expr},
};

/// The DECIMAL result of `DECIMAL(p1, s1) op DECIMAL(p2, s2)` (ksqlDB's `SqlDecimal`).
pub fn decimal_result_type(op: ArithmeticOp, a: (u8, u8), b: (u8, u8)) -> DataType {
    let (p1, s1) = (i64::from(a.0), i64::from(a.1));
    let (p2, s2) = (i64::from(b.0), i64::from(b.1));
    let (precision, scale) = match op {
        ArithmeticOp::Add | ArithmeticOp::Subtract => {
            (s1.max(s2) + (p1 - s1).max(p2 - s2) + 1, s1.max(s2))
        }
        ArithmeticOp::Multiply => (p1 + p2 + 1, s1 + s2),
        ArithmeticOp::Divide => {
            let scale = 6.max(s1 + p2 + 1);
            (p1 - s1 + s2 + scale, scale)
        }
        ArithmeticOp::Modulus => ((p1 - s1).min(p2 - s2) + s1.max(s2), s1.max(s2)),
    };
    let clamp = |v: i64| v.clamp(0, i64::from(u8::MAX)) as u8;
    let scale = clamp(scale);
    DataType::Decimal {
        precision: clamp(precision).max(scale).max(1),
        scale,
    }
}

/// The result type of `left op right`, or the ksqlDB error.
pub fn arithmetic_result_type(
    op: ArithmeticOp,
    left: &DataType,
    right: &DataType,
) -> Result<DataType, TypeError> {
    use DataType::*;
    let unsupported = || TypeError::UnsupportedArithmetic {
        op,
        left: left.clone(),
        right: right.clone(),
    };
    match (left, right) {
        (String, String) if op == ArithmeticOp::Add => Ok(String),
        (l, r) if l.is_numeric() && r.is_numeric() => Ok(match (l, r) {
            (Double, _) | (_, Double) => Double,
            (Decimal { .. }, _) | (_, Decimal { .. }) => {
                let a = as_decimal(l).ok_or_else(unsupported)?;
                let b = as_decimal(r).ok_or_else(unsupported)?;
                decimal_result_type(op, a, b)
            }
            (Bigint, _) | (_, Bigint) => Bigint,
            _ => Int,
        }),
        _ => Err(unsupported()),
    }
}

/// The type an operand is cast to before the operation.
fn operand_type(operand: &DataType, result: &DataType) -> DataType {
    match (result, operand) {
        (DataType::Decimal { .. }, DataType::Decimal { .. }) => operand.clone(),
        (DataType::Decimal { .. }, _) => {
            let (precision, scale) = operand.as_decimal().unwrap_or((10, 0));
            DataType::Decimal { precision, scale }
        }
        _ => result.clone(),
    }
}

/// `left op right`. A NULL literal operand takes the other operand's type.
pub fn arithmetic(op: ArithmeticOp, left: Expr, right: Expr) -> Result<Expr, TypeError> {
    let (left, right) = match (left.is_null_literal(), right.is_null_literal()) {
        (true, true) => {
            return Err(TypeError::Invalid(format!(
                "Arithmetic on types null and null are not supported ({})",
                op.symbol()
            )))
        }
        (true, false) => {
            let t = right.data_type();
            (coerce(left, &t)?, right)
        }
        (false, true) => {
            let t = left.data_type();
            let right = coerce(right, &t)?;
            (left, right)
        }
        _ => (left, right),
    };
    let (lt, rt) = (left.data_type(), right.data_type());
    let data_type = arithmetic_result_type(op, &lt, &rt)?;
    let left = coerce(left, &operand_type(&lt, &data_type))?;
    let right = coerce(right, &operand_type(&rt, &data_type))?;
    Ok(Expr::Arithmetic {
        op,
        left: Box::new(left),
        right: Box::new(right),
        data_type,
    })
}

/// String concatenation (`a || b`, `a + b` on strings): NULL if either side is NULL (use CONCAT
/// to skip NULLs).
pub fn concat(left: Expr, right: Expr) -> Result<Expr, TypeError> {
    for e in [&left, &right] {
        let t = e.data_type();
        if !e.is_null_literal() && t != DataType::String {
            return Err(TypeError::NotString {
                context: "||",
                actual: t,
            });
        }
    }
    arithmetic(
        ArithmeticOp::Add,
        coerce(left, &DataType::String)?,
        coerce(right, &DataType::String)?,
    )
}

/// Unary minus on a number; a numeric literal is negated in place.
pub fn negate(expr: Expr) -> Result<Expr, TypeError> {
    let t = expr.data_type();
    if expr.is_null_literal() {
        return Ok(expr);
    }
    if !t.is_numeric() {
        return Err(TypeError::UnsupportedUnary {
            op: '-',
            operand: t,
        });
    }
    if let Expr::Literal(v, t) = &expr {
        if let Ok(n) = crate::eval::arithmetic::negate(v) {
            return Ok(Expr::Literal(n, t.clone()));
        }
    }
    Ok(Expr::Negate(Box::new(expr)))
}

/// Unary plus: numbers only, no-op.
pub fn unary_plus(expr: Expr) -> Result<Expr, TypeError> {
    let t = expr.data_type();
    if expr.is_null_literal() || t.is_numeric() {
        Ok(expr)
    } else {
        Err(TypeError::UnsupportedUnary {
            op: '+',
            operand: t,
        })
    }
}
