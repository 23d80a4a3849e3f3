//! Implicit coercion: which types widen to which (INT → BIGINT → DECIMAL → DOUBLE, collections
//! element-wise), the common type of a list of expressions (IN lists, constructors, CASE
//! branches, generic function arguments) and the literal-only conversions ksqlDB allows there
//! (numeric, boolean and ISO-8601 strings).
//!
//! This module owns those rules and the insertion of implicit `Cast` nodes. It must not decide
//! operator-specific result types (arithmetic, comparison and function typing do that).

use rivulet_core::{DataType, Decimal, StructField, Value};

use crate::{error::TypeError, eval::cast::cast_value, expr::Expr};

/// ksqlDB's type of a DECIMAL literal: its digits and scale, with `|v| < 1` counting one integer
/// digit (`0.05` is DECIMAL(3, 2)).
pub(crate) fn decimal_literal_type(d: &Decimal) -> DataType {
    let digits = {
        let mut n = d.unscaled.unsigned_abs();
        let mut digits = 1u32;
        while n >= 10 {
            n /= 10;
            digits += 1;
        }
        digits
    };
    let scale = u32::from(d.scale);
    let precision = if digits <= scale { scale + 1 } else { digits };
    DataType::Decimal {
        precision: precision.min(u32::from(u8::MAX)) as u8,
        scale: d.scale,
    }
}

/// The DECIMAL an exact numeric type widens to: INT → DECIMAL(10, 0), BIGINT → DECIMAL(19, 0).
pub(crate) fn as_decimal(t: &DataType) -> Option<(u8, u8)> {
    t.as_decimal()
}

/// The narrowest DECIMAL holding both: the larger integer part and the larger scale.
pub(crate) fn widen_decimals(a: (u8, u8), b: (u8, u8)) -> DataType {
    let whole = (a.0.saturating_sub(a.1)).max(b.0.saturating_sub(b.1));
    let scale = a.1.max(b.1);
    DataType::Decimal {
        precision: whole.saturating_add(scale).max(1),
        scale,
    }
}

/// The cost of an implicit cast from `from` to `to`, or `None` when only an explicit CAST may
/// convert. Equal types cost 0; a cheaper widening is preferred when choosing an overload.
pub fn implicit_cast_cost(from: &DataType, to: &DataType) -> Option<u32> {
    use DataType::*;
    if from == to {
        return Some(0);
    }
    match (from, to) {
        (Int, Bigint) => Some(1),
        (Int, Decimal { .. }) => Some(2),
        (Int, Double) => Some(3),
        (Bigint, Decimal { .. }) => Some(1),
        (Bigint, Double) => Some(2),
        (
            Decimal {
                precision: p1,
                scale: s1,
            },
            Decimal {
                precision: p2,
                scale: s2,
            },
        ) => (s1 <= s2 && p1 - s1 <= p2 - s2).then_some(1),
        (Decimal { .. }, Double) => Some(1),
        (Array(a), Array(b)) => implicit_cast_cost(a, b),
        (Map(k1, v1), Map(k2, v2)) => {
            Some(implicit_cast_cost(k1, k2)? + implicit_cast_cost(v1, v2)?)
        }
        (Struct(a), Struct(b)) if a.len() == b.len() => {
            let mut cost = 0;
            for (fa, fb) in a.iter().zip(b) {
                if fa.name != fb.name {
                    return None;
                }
                cost += implicit_cast_cost(&fa.data_type, &fb.data_type)?;
            }
            Some(cost)
        }
        _ => None,
    }
}

/// The type both widen to, if any.
pub fn common_type(a: &DataType, b: &DataType) -> Option<DataType> {
    use DataType::*;
    if a == b {
        return Some(a.clone());
    }
    match (a, b) {
        (Double, x) | (x, Double) if x.is_numeric() => Some(Double),
        (Decimal { .. }, x) | (x, Decimal { .. }) if x.is_numeric() => {
            Some(widen_decimals(as_decimal(a)?, as_decimal(b)?))
        }
        (Int | Bigint, Int | Bigint) => Some(Bigint),
        (Array(x), Array(y)) => Some(Array(Box::new(common_type(x, y)?))),
        (Map(k1, v1), Map(k2, v2)) => Some(Map(
            Box::new(common_type(k1, k2)?),
            Box::new(common_type(v1, v2)?),
        )),
        (Struct(x), Struct(y)) if x.len() == y.len() => {
            let mut fields = Vec::with_capacity(x.len());
            for (fx, fy) in x.iter().zip(y) {
                if fx.name != fy.name {
                    return None;
                }
                fields.push(StructField {
                    name: fx.name.clone(),
                    data_type: common_type(&fx.data_type, &fy.data_type)?,
                });
            }
            Some(Struct(fields))
        }
        _ => None,
    }
}

/// Gives `expr` type `to` by an implicit cast: a NULL literal takes the type, a widening inserts
/// a `Cast` (folded for literals), anything else is an error.
pub fn coerce(expr: Expr, to: &DataType) -> Result<Expr, TypeError> {
    if expr.is_null_literal() {
        return Ok(Expr::Literal(Value::Null, to.clone()));
    }
    let from = expr.data_type();
    if &from == to {
        return Ok(expr);
    }
    if implicit_cast_cost(&from, to).is_some() {
        return Ok(cast_node(expr, to.clone()));
    }
    Err(TypeError::CannotCoerce {
        from,
        to: to.clone(),
    })
}

/// A `Cast` node, folded into a literal when its operand is one and the cast succeeds (a
/// failing literal cast stays a node so it fails per row, as ksqlDB evaluates it).
pub(crate) fn cast_node(expr: Expr, to: DataType) -> Expr {
    if let Expr::Literal(v, from) = &expr {
        if !v.is_null() {
            if let Ok(folded) = cast_value(v, from, &to) {
                return Expr::Literal(folded, to);
            }
        }
    }
    Expr::Cast {
        expr: Box::new(expr),
        to,
    }
}

/// The numeric type of a numeric string literal, as ksqlDB reads it in lists: an integer that
/// fits INT or BIGINT, else a DECIMAL of its digits.
fn numeric_string_type(text: &str) -> Option<DataType> {
    let t = text.trim();
    let plain = !t.contains(['.', 'e', 'E']);
    if plain {
        if t.parse::<i32>().is_ok() {
            return Some(DataType::Int);
        }
        if t.parse::<i64>().is_ok() {
            return Some(DataType::Bigint);
        }
    }
    let d = crate::eval::cast::parse_big_decimal(t)?;
    Some(decimal_literal_type(&d))
}

fn string_literal(e: &Expr) -> Option<&str> {
    match e {
        Expr::Literal(Value::String(s), _) => Some(s),
        _ => None,
    }
}

fn is_temporal(t: &DataType) -> bool {
    matches!(t, DataType::Timestamp | DataType::Date | DataType::Time)
}

/// Folds the type of one more list element into the list's common type so far.
fn merge_into(current: DataType, e: &Expr) -> Result<DataType, TypeError> {
    let t = e.data_type();
    if let Some(text) = string_literal(e) {
        if current.is_numeric() {
            let nt = numeric_string_type(text).ok_or_else(|| TypeError::InvalidLiteral {
                text: text.to_string(),
                to: current.clone(),
            })?;
            return common_type(&current, &nt).ok_or(TypeError::CannotCoerce {
                from: nt,
                to: current,
            });
        }
        if current == DataType::Boolean || is_temporal(&current) {
            cast_value(&Value::string(text), &DataType::String, &current).map_err(|_| {
                TypeError::InvalidLiteral {
                    text: text.to_string(),
                    to: current.clone(),
                }
            })?;
            return Ok(current);
        }
    }
    common_type(&current, &t).ok_or(TypeError::CannotCoerce {
        from: t,
        to: current,
    })
}

/// The common type of `exprs` (the first non-NULL element leads; later elements widen it, and
/// string literals may be read as numbers, booleans or times), and the expressions coerced to
/// it. `None` when every element is a NULL literal (or there are none).
pub(crate) fn unify(exprs: Vec<Expr>) -> Result<(Vec<Expr>, Option<DataType>), TypeError> {
    let mut target: Option<DataType> = None;
    for e in exprs.iter().filter(|e| !e.is_null_literal()) {
        target = Some(match target {
            None => e.data_type(),
            Some(current) => merge_into(current, e)?,
        });
    }
    let Some(target) = target else {
        return Ok((exprs, None));
    };
    let coerced = exprs
        .into_iter()
        .map(|e| coerce_element(e, &target))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((coerced, Some(target)))
}

/// Coerces one list element, reading a string literal as the target type when the list's type
/// is numeric, BOOLEAN or temporal.
fn coerce_element(e: Expr, to: &DataType) -> Result<Expr, TypeError> {
    if let Some(text) = string_literal(&e) {
        if to.is_numeric() || *to == DataType::Boolean || is_temporal(to) {
            let v = if *to == DataType::Boolean {
                parse_boolean_exact(text).map(Value::Boolean)
            } else {
                cast_value(&Value::string(text), &DataType::String, to).ok()
            };
            return v.map(|v| Expr::Literal(v, to.clone())).ok_or_else(|| {
                TypeError::InvalidLiteral {
                    text: text.to_string(),
                    to: to.clone(),
                }
            });
        }
    }
    coerce(e, to)
}

/// ksqlDB's lax boolean reading of literals: any prefix of `true`/`yes` is TRUE, of
/// `false`/`no` is FALSE, case-insensitive.
pub(crate) fn parse_boolean_exact(text: &str) -> Option<bool> {
    let t = text.trim();
    if prefix_of(t, "true") || prefix_of(t, "yes") {
        Some(true)
    } else if prefix_of(t, "false") || prefix_of(t, "no") {
        Some(false)
    } else {
        None
    }
}

/// Whether `s` is a non-empty, case-insensitive prefix of `word`.
pub(crate) fn prefix_of(s: &str, word: &str) -> bool {
    !s.is_empty() && s.len() <= word.len() && word[..s.len()].eq_ignore_ascii_case(s)
}
