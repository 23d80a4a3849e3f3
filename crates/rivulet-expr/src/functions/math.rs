//! Math functions (ksqlDB §4.2): ABS, CEIL, FLOOR, ROUND, TRUNC, SIGN, SQRT, CBRT, EXP, LN, LOG,
//! POWER, RANDOM, PI, the trigonometric family, DEGREES, RADIANS, GREATEST and LEAST — with
//! Java's semantics (`Math.round` rounds half toward +∞, `ROUND(d, n)` goes through
//! `BigDecimal.valueOf`, TRUNC rounds toward zero, NaN/±Infinity where Java gives them).
//!
//! This module owns those implementations and their signatures. It must not know about other
//! families nor expression trees.

use std::cmp::Ordering;

use rivulet_core::{DataType, Decimal, Value};

use super::{registry::Builder, Invocation};
use crate::{
    error::FunctionError,
    eval::{cast::rescale, compare::order},
    typing::coercion::widen_decimals,
};

type R = Result<Value, FunctionError>;

/// How a decimal loses digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rounding {
    /// Half rounds toward +∞ (ksqlDB's ROUND: HALF_UP for positives, HALF_DOWN for negatives).
    HalfCeiling,
    /// Toward zero.
    Down,
    Ceiling,
    Floor,
}

/// `d` with `places` digits after the point (negative: to the left of it), as a decimal of
/// scale `max(places, 0)`.
pub(crate) fn round_decimal(d: &Decimal, places: i32, mode: Rounding) -> Option<Decimal> {
    let shift = i32::from(d.scale).checked_sub(places)?;
    if shift <= 0 {
        // Nothing to drop: just widen the scale.
        return rescale(d, u8::try_from(places.max(0)).ok()?);
    }
    let factor = 10i128.checked_pow(u32::try_from(shift).ok()?)?;
    let q = d.unscaled / factor;
    let r = d.unscaled % factor;
    let q = if r == 0 {
        q
    } else {
        match mode {
            Rounding::Down => q,
            Rounding::Ceiling => q + i128::from(r > 0),
            Rounding::Floor => q - i128::from(r < 0),
            Rounding::HalfCeiling => {
                let twice = r.unsigned_abs() * 2;
                let f = factor.unsigned_abs();
                if r > 0 && twice >= f {
                    q + 1
                } else if r < 0 && twice > f {
                    q - 1
                } else {
                    q
                }
            }
        }
    };
    if places >= 0 {
        Some(Decimal::new(q, u8::try_from(places).ok()?))
    } else {
        let back = 10i128.checked_pow(u32::try_from(-places).ok()?)?;
        Some(Decimal::new(q.checked_mul(back)?, 0))
    }
}

/// Java's `Math.round(double)`: half toward +∞, NaN → 0, saturating.
pub(crate) fn java_round(x: f64) -> i64 {
    if x.is_nan() {
        return 0;
    }
    let f = x.floor();
    let r = if x - f >= 0.5 { f + 1.0 } else { f };
    r as i64
}

/// `BigDecimal.valueOf(x).setScale(places, mode).doubleValue()`.
fn round_double(x: f64, places: i32, mode: Rounding) -> Result<f64, FunctionError> {
    if !x.is_finite() {
        return Err("Infinite or NaN".into());
    }
    if places > 300 {
        return Ok(x);
    }
    let text = rivulet_core::value::java_double(x).replace('E', "e");
    let d = crate::eval::cast::parse_big_decimal(&text)
        .ok_or_else(|| FunctionError::from(format!("cannot round {x}")))?;
    match round_decimal(&d, places, mode) {
        Some(r) => Ok(crate::eval::cast::decimal_to_f64(&r)),
        // More digits than a decimal holds: the double has none to lose at that position.
        None => Ok(x),
    }
}

fn decimal_places(inv: &Invocation<'_, '_>, i: usize) -> Result<i32, FunctionError> {
    inv.int(i)
}

fn abs(inv: &mut Invocation<'_, '_>) -> R {
    Ok(match inv.arg(0) {
        Value::Int(v) => Value::Int(v.wrapping_abs()),
        Value::Bigint(v) => Value::Bigint(v.wrapping_abs()),
        Value::Double(v) => Value::Double(v.abs()),
        Value::Decimal(d) => Value::Decimal(Decimal::new(
            d.unscaled.checked_abs().ok_or("DECIMAL overflow")?,
            d.scale,
        )),
        other => return Err(unexpected(other)),
    })
}

fn unexpected(v: &Value) -> FunctionError {
    FunctionError::Eval(crate::error::EvalError::unexpected("a number", v))
}

fn ceil_floor(inv: &Invocation<'_, '_>, mode: Rounding) -> R {
    Ok(match inv.arg(0) {
        v @ (Value::Int(_) | Value::Bigint(_)) => v.clone(),
        Value::Double(v) => Value::Double(if mode == Rounding::Ceiling {
            v.ceil()
        } else {
            v.floor()
        }),
        Value::Decimal(d) => {
            let r = round_decimal(d, 0, mode).and_then(|r| rescale(&r, d.scale));
            Value::Decimal(r.ok_or("DECIMAL overflow")?)
        }
        other => return Err(unexpected(other)),
    })
}

fn ceil(inv: &mut Invocation<'_, '_>) -> R {
    ceil_floor(inv, Rounding::Ceiling)
}

fn floor(inv: &mut Invocation<'_, '_>) -> R {
    ceil_floor(inv, Rounding::Floor)
}

fn round_or_trunc(inv: &Invocation<'_, '_>, mode: Rounding) -> R {
    let with_places = inv.len() == 2;
    Ok(match inv.arg(0) {
        Value::Int(v) => Value::Bigint(i64::from(*v)),
        Value::Bigint(v) => Value::Bigint(*v),
        Value::Double(x) if !with_places => Value::Bigint(if mode == Rounding::Down {
            *x as i64
        } else {
            java_round(*x)
        }),
        Value::Double(x) => Value::Double(round_double(*x, decimal_places(inv, 1)?, mode)?),
        Value::Decimal(d) if !with_places => {
            Value::Decimal(round_decimal(d, 0, mode).ok_or("DECIMAL overflow")?)
        }
        Value::Decimal(d) => {
            let r = round_decimal(d, decimal_places(inv, 1)?, mode)
                .and_then(|r| rescale(&r, d.scale))
                .ok_or("DECIMAL overflow")?;
            Value::Decimal(r)
        }
        other => return Err(unexpected(other)),
    })
}

fn round(inv: &mut Invocation<'_, '_>) -> R {
    round_or_trunc(inv, Rounding::HalfCeiling)
}

fn trunc(inv: &mut Invocation<'_, '_>) -> R {
    round_or_trunc(inv, Rounding::Down)
}

/// DECIMAL(p, s) → DECIMAL(p − s, 0).
fn integral_decimal(args: &[DataType]) -> DataType {
    match args.first() {
        Some(DataType::Decimal { precision, scale }) => DataType::Decimal {
            precision: precision.saturating_sub(*scale).max(1),
            scale: 0,
        },
        _ => DataType::Decimal {
            precision: 10,
            scale: 0,
        },
    }
}

/// The common DECIMAL of all arguments.
fn widest_decimal(args: &[DataType]) -> DataType {
    args.iter()
        .filter_map(DataType::as_decimal)
        .reduce(|a, b| match widen_decimals(a, b) {
            DataType::Decimal { precision, scale } => (precision, scale),
            _ => a,
        })
        .map_or(
            DataType::Decimal {
                precision: 10,
                scale: 0,
            },
            |(precision, scale)| DataType::Decimal { precision, scale },
        )
}

fn sign(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Int(match inv.arg(0) {
        Value::Int(v) => v.signum(),
        Value::Bigint(v) => v.signum() as i32,
        Value::Double(v) if v.is_nan() || *v == 0.0 => 0,
        Value::Double(v) => v.signum() as i32,
        other => return Err(unexpected(other)),
    }))
}

fn power(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Double(inv.double(0)?.powf(inv.double(1)?)))
}

fn log(inv: &mut Invocation<'_, '_>) -> R {
    if inv.len() == 1 {
        // ksqlDB's LOG(x) is Java's Math.log: the natural logarithm (its docs say base 10).
        return Ok(Value::Double(inv.double(0)?.ln()));
    }
    let (base, value) = (inv.double(0)?, inv.double(1)?);
    if base <= 0.0 || base == 1.0 {
        return Ok(Value::Double(f64::NAN));
    }
    Ok(Value::Double(value.ln() / base.ln()))
}

fn atan2(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Double(inv.double(0)?.atan2(inv.double(1)?)))
}

fn pi(_: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Double(std::f64::consts::PI))
}

fn random(_: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Double(rand::random::<f64>()))
}

fn extreme(inv: &mut Invocation<'_, '_>, want: Ordering) -> R {
    let mut best: Option<&Value> = None;
    for v in inv.args.iter().filter(|v| !v.is_null()) {
        best = match best {
            Some(b) if order(v, b) != Some(want) => Some(b),
            _ => Some(v),
        };
    }
    Ok(best.cloned().unwrap_or(Value::Null))
}

fn greatest(inv: &mut Invocation<'_, '_>) -> R {
    extreme(inv, Ordering::Greater)
}

fn least(inv: &mut Invocation<'_, '_>) -> R {
    extreme(inv, Ordering::Less)
}

/// Registers a `DOUBLE -> DOUBLE` function from an `f64` method.
macro_rules! unary_double {
    ($b:expr, $name:literal, $description:literal, $f:expr) => {{
        fn implementation(inv: &mut Invocation<'_, '_>) -> R {
            let f: fn(f64) -> f64 = $f;
            Ok(Value::Double(f(inv.double(0)?)))
        }
        $b.add($name, $description, &["DOUBLE -> DOUBLE"], implementation);
    }};
}

pub(crate) fn register(b: &mut Builder) {
    let same_four = &[
        "INT -> INT",
        "BIGINT -> BIGINT",
        "DOUBLE -> DOUBLE",
        "DECIMAL -> DECIMAL",
    ];
    b.add(
        "ABS",
        "Returns the absolute value of its argument.",
        same_four,
        abs,
    );
    b.add(
        "CEIL",
        "Returns the smallest integer greater than or equal to the argument (DECIMAL keeps its scale).",
        same_four,
        ceil,
    );
    b.add(
        "FLOOR",
        "Returns the largest integer less than or equal to the argument (DECIMAL keeps its scale).",
        same_four,
        floor,
    );
    let rounding_sigs = || {
        vec![
            super::registry::sig("INT -> BIGINT"),
            super::registry::sig("BIGINT -> BIGINT"),
            super::registry::sig("DOUBLE -> BIGINT"),
            super::registry::sig("DOUBLE, INT -> DOUBLE"),
            super::registry::sig("DECIMAL -> DECIMAL").derive(integral_decimal),
            super::registry::sig("DECIMAL, INT -> DECIMAL"),
        ]
    };
    b.add_signatures(
        "ROUND",
        "Rounds to the given number of decimal places (default 0); halves round toward positive infinity, a negative scale rounds left of the point.",
        rounding_sigs(),
        round,
    );
    b.add_signatures(
        "TRUNC",
        "Truncates toward zero to the given number of decimal places (default 0); a negative scale truncates left of the point.",
        rounding_sigs(),
        trunc,
    );
    b.add(
        "SIGN",
        "Returns the sign of the argument: -1, 0 or 1.",
        &["INT -> INT", "BIGINT -> INT", "DOUBLE -> INT"],
        sign,
    );
    unary_double!(
        b,
        "SQRT",
        "Returns the square root of the argument (NaN if negative).",
        f64::sqrt
    );
    unary_double!(
        b,
        "CBRT",
        "Returns the cube root of the argument.",
        f64::cbrt
    );
    unary_double!(
        b,
        "EXP",
        "Returns e raised to the power of the argument.",
        f64::exp
    );
    unary_double!(
        b,
        "LN",
        "Returns the natural logarithm of the argument.",
        f64::ln
    );
    unary_double!(
        b,
        "SIN",
        "Returns the sine of an angle in radians.",
        f64::sin
    );
    unary_double!(
        b,
        "COS",
        "Returns the cosine of an angle in radians.",
        f64::cos
    );
    unary_double!(
        b,
        "TAN",
        "Returns the tangent of an angle in radians.",
        f64::tan
    );
    unary_double!(
        b,
        "COT",
        "Returns the cotangent of an angle in radians.",
        |x| 1.0 / x.tan()
    );
    unary_double!(
        b,
        "ASIN",
        "Returns the arc sine (NaN outside [-1, 1]).",
        f64::asin
    );
    unary_double!(
        b,
        "ACOS",
        "Returns the arc cosine (NaN outside [-1, 1]).",
        f64::acos
    );
    unary_double!(b, "ATAN", "Returns the arc tangent.", f64::atan);
    unary_double!(b, "SINH", "Returns the hyperbolic sine.", f64::sinh);
    unary_double!(b, "COSH", "Returns the hyperbolic cosine.", f64::cosh);
    unary_double!(b, "TANH", "Returns the hyperbolic tangent.", f64::tanh);
    unary_double!(
        b,
        "DEGREES",
        "Converts radians to degrees.",
        f64::to_degrees
    );
    unary_double!(
        b,
        "RADIANS",
        "Converts degrees to radians.",
        f64::to_radians
    );
    b.add(
        "ATAN2",
        "Returns the angle of the point (x, y) from the positive x axis: ATAN2(y, x).",
        &["DOUBLE, DOUBLE -> DOUBLE"],
        atan2,
    );
    b.add(
        "POWER",
        "Returns the base raised to the power of the exponent.",
        &["DOUBLE, DOUBLE -> DOUBLE"],
        power,
    );
    b.add(
        "LOG",
        "LOG(value) is the natural logarithm, as ksqlDB computes it; LOG(base, value) the logarithm in that base (NaN for a base <= 0 or 1).",
        &["DOUBLE -> DOUBLE", "DOUBLE, DOUBLE -> DOUBLE"],
        log,
    );
    b.add("PI", "Returns the value of pi.", &["-> DOUBLE"], pi);
    b.add(
        "RANDOM",
        "Returns a random DOUBLE in [0.0, 1.0).",
        &["-> DOUBLE"],
        random,
    )
    .nondeterministic();
    let ordered: Vec<super::Signature> = [
        "INT, INT... -> INT",
        "BIGINT, BIGINT... -> BIGINT",
        "DOUBLE, DOUBLE... -> DOUBLE",
        "STRING, STRING... -> STRING",
        "BYTES, BYTES... -> BYTES",
        "DATE, DATE... -> DATE",
        "TIME, TIME... -> TIME",
        "TIMESTAMP, TIMESTAMP... -> TIMESTAMP",
    ]
    .iter()
    .map(|s| super::registry::sig(s))
    .chain(std::iter::once(
        super::registry::sig("DECIMAL, DECIMAL... -> DECIMAL").derive(widest_decimal),
    ))
    .collect();
    b.add_signatures(
        "GREATEST",
        "Returns the largest non-NULL argument, or NULL if all are NULL.",
        ordered.clone(),
        greatest,
    )
    .custom_nulls();
    b.add_signatures(
        "LEAST",
        "Returns the smallest non-NULL argument, or NULL if all are NULL.",
        ordered,
        least,
    )
    .custom_nulls();
}
