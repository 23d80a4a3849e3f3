//! Typing of comparisons, IS [NOT] DISTINCT FROM, BETWEEN and IN, per ksqlDB's
//! `ComparisonUtil`: numbers compare across numeric types; STRING with STRING or with a
//! temporal type (the string is read as that type); DATE with TIMESTAMP; BOOLEAN, ARRAY, MAP and
//! STRUCT only for (in)equality; BYTES with BYTES. A NULL literal operand is rejected
//! (`IS NULL` is the way to ask).
//!
//! This module owns which operands may meet and the casts that make them meet. It must not
//! evaluate (see `eval::compare`).

use rivulet_core::DataType;

use super::coercion::{cast_node, unify};
use crate::{
    error::TypeError,
    expr::{ComparisonOp, Expr},
};

fn is_temporal(t: &DataType) -> bool {
    matches!(t, DataType::Timestamp | DataType::Date | DataType::Time)
}

/// The base type name ksqlDB prints in the NULL-comparison message.
fn base_name(e: &Expr) -> String {
    if e.is_null_literal() {
        return "NULL".into();
    }
    crate::error::base_name(&e.data_type())
}

/// Whether `left op right` is allowed (ksqlDB's handlers, keyed on the left type).
fn comparable(left: &DataType, op: ComparisonOp, right: &DataType) -> bool {
    use DataType::*;
    match left {
        l if l.is_numeric() => right.is_numeric(),
        String => *right == String || is_temporal(right),
        Boolean => *right == Boolean && op.is_equality(),
        Array(_) => matches!(right, Array(_)) && op.is_equality(),
        Map(..) => matches!(right, Map(..)) && op.is_equality(),
        Struct(_) => matches!(right, Struct(_)) && op.is_equality(),
        Time => matches!(right, Time | String),
        Date | Timestamp => matches!(right, Date | Timestamp | String),
        Bytes => *right == Bytes,
        _ => false,
    }
}

/// The temporal type operands are compared as, when one of them is temporal: TIME with TIME
/// or strings, else TIMESTAMP if any is a TIMESTAMP, else DATE.
fn temporal_domain<'a>(types: impl Iterator<Item = &'a DataType> + Clone) -> Option<DataType> {
    if types.clone().any(|t| *t == DataType::Time) {
        Some(DataType::Time)
    } else if types.clone().any(|t| *t == DataType::Timestamp) {
        Some(DataType::Timestamp)
    } else if types.clone().any(|t| *t == DataType::Date) {
        Some(DataType::Date)
    } else {
        None
    }
}

/// Casts a STRING or DATE operand to the temporal domain; a string literal that is not a valid
/// time is a planning error.
fn to_domain(e: Expr, domain: &Option<DataType>) -> Result<Expr, TypeError> {
    let Some(domain) = domain else { return Ok(e) };
    let t = e.data_type();
    if &t == domain {
        return Ok(e);
    }
    let is_literal = matches!(e, Expr::Literal(..));
    let cast = cast_node(e, domain.clone());
    if is_literal {
        if let Expr::Cast { expr, .. } = &cast {
            let text = expr.to_string();
            return Err(TypeError::InvalidLiteral {
                text,
                to: domain.clone(),
            });
        }
    }
    Ok(cast)
}

fn check_not_null(op: ComparisonOp, left: &Expr, right: &Expr) -> Result<(), TypeError> {
    if left.is_null_literal() || right.is_null_literal() {
        return Err(TypeError::NullComparison {
            left: base_name(left),
            op,
            right: base_name(right),
        });
    }
    Ok(())
}

/// `left op right`, BOOLEAN.
pub fn comparison(op: ComparisonOp, left: Expr, right: Expr) -> Result<Expr, TypeError> {
    check_not_null(op, &left, &right)?;
    let (lt, rt) = (left.data_type(), right.data_type());
    if !comparable(&lt, op, &rt) {
        return Err(TypeError::CannotCompare {
            left: lt,
            op,
            right: rt,
        });
    }
    let domain = temporal_domain([&lt, &rt].into_iter());
    Ok(Expr::Comparison {
        op,
        left: Box::new(to_domain(left, &domain)?),
        right: Box::new(to_domain(right, &domain)?),
    })
}

/// `left IS [NOT] DISTINCT FROM right`: NULL-safe equality. A NULL literal takes the other
/// side's type.
pub fn is_distinct_from(left: Expr, right: Expr, negated: bool) -> Result<Expr, TypeError> {
    let (left, right) = match (left.is_null_literal(), right.is_null_literal()) {
        (true, false) => {
            let t = right.data_type();
            (super::coercion::coerce(left, &t)?, right)
        }
        (false, true) => {
            let t = left.data_type();
            let right = super::coercion::coerce(right, &t)?;
            (left, right)
        }
        _ => (left, right),
    };
    let (lt, rt) = (left.data_type(), right.data_type());
    let both_null = left.is_null_literal() && right.is_null_literal();
    if !both_null && !comparable(&lt, ComparisonOp::Eq, &rt) {
        return Err(TypeError::CannotCompare {
            left: lt,
            op: ComparisonOp::Eq,
            right: rt,
        });
    }
    let domain = temporal_domain([&lt, &rt].into_iter());
    Ok(Expr::IsDistinctFrom {
        left: Box::new(to_domain(left, &domain)?),
        right: Box::new(to_domain(right, &domain)?),
        negated,
    })
}

/// `expr [NOT] BETWEEN low AND high`, inclusive: typed as `expr >= low AND expr <= high`.
pub fn between(expr: Expr, low: Expr, high: Expr, negated: bool) -> Result<Expr, TypeError> {
    check_not_null(ComparisonOp::GtEq, &expr, &low)?;
    check_not_null(ComparisonOp::LtEq, &expr, &high)?;
    let (et, lt, ht) = (expr.data_type(), low.data_type(), high.data_type());
    for (op, other) in [(ComparisonOp::GtEq, &lt), (ComparisonOp::LtEq, &ht)] {
        if !comparable(&et, op, other) {
            return Err(TypeError::CannotCompare {
                left: et,
                op,
                right: other.clone(),
            });
        }
    }
    let domain = temporal_domain([&et, &lt, &ht].into_iter());
    Ok(Expr::Between {
        expr: Box::new(to_domain(expr, &domain)?),
        low: Box::new(to_domain(low, &domain)?),
        high: Box::new(to_domain(high, &domain)?),
        negated,
    })
}

/// `expr [NOT] IN (list)`: the value and the items are coerced to their common type (string
/// literals may be read as numbers, booleans or times); NULL items never match.
pub fn in_list(expr: Expr, list: Vec<Expr>, negated: bool) -> Result<Expr, TypeError> {
    if list.is_empty() {
        return Err(TypeError::Invalid("IN list cannot be empty".into()));
    }
    let mut all = Vec::with_capacity(list.len() + 1);
    all.push(expr);
    all.extend(list.into_iter().filter(|e| !e.is_null_literal()));
    let (mut coerced, common) = unify(all)?;
    if common.is_none() {
        return Err(TypeError::Invalid(
            "IN requires a non-NULL value or list item to type it".into(),
        ));
    }
    let expr = coerced.remove(0);
    Ok(Expr::InList {
        expr: Box::new(expr),
        list: coerced,
        negated,
    })
}
