//! Typing of the boolean connectives, IS [NOT] NULL, LIKE and CASE: operands that must be
//! BOOLEAN or STRING, and the common type of CASE branches.
//!
//! This module owns those checks. It must not evaluate (see `eval`) nor type comparisons
//! (see `comparison`).

use rivulet_core::DataType;

use super::coercion::{coerce, unify};
use crate::{error::TypeError, expr::Expr};

fn boolean_operand(e: Expr, context: &'static str) -> Result<Expr, TypeError> {
    if e.is_null_literal() {
        return coerce(e, &DataType::Boolean);
    }
    let t = e.data_type();
    if t != DataType::Boolean {
        return Err(TypeError::NotBoolean { context, actual: t });
    }
    Ok(e)
}

/// `a AND b AND …` (three-valued). Nested ANDs are flattened.
pub fn and(operands: Vec<Expr>) -> Result<Expr, TypeError> {
    let mut flat = Vec::with_capacity(operands.len());
    for e in operands {
        match boolean_operand(e, "AND")? {
            Expr::And(inner) => flat.extend(inner),
            e => flat.push(e),
        }
    }
    Ok(match flat.len() {
        1 => flat.remove(0),
        _ => Expr::And(flat),
    })
}

/// `a OR b OR …` (three-valued). Nested ORs are flattened.
pub fn or(operands: Vec<Expr>) -> Result<Expr, TypeError> {
    let mut flat = Vec::with_capacity(operands.len());
    for e in operands {
        match boolean_operand(e, "OR")? {
            Expr::Or(inner) => flat.extend(inner),
            e => flat.push(e),
        }
    }
    Ok(match flat.len() {
        1 => flat.remove(0),
        _ => Expr::Or(flat),
    })
}

/// `NOT e` (NOT NULL is NULL).
pub fn not(e: Expr) -> Result<Expr, TypeError> {
    Ok(Expr::Not(Box::new(boolean_operand(e, "NOT")?)))
}

/// `e IS [NOT] NULL`, for any type.
pub fn is_null(e: Expr, negated: bool) -> Expr {
    Expr::IsNull {
        expr: Box::new(e),
        negated,
    }
}

fn string_operand(e: Expr, context: &'static str) -> Result<Expr, TypeError> {
    if e.is_null_literal() {
        return coerce(e, &DataType::String);
    }
    let t = e.data_type();
    if t != DataType::String {
        return Err(TypeError::NotString { context, actual: t });
    }
    Ok(e)
}

/// `e [NOT] LIKE pattern [ESCAPE c]` on strings.
pub fn like(
    e: Expr,
    pattern: Expr,
    escape: Option<char>,
    negated: bool,
) -> Result<Expr, TypeError> {
    Ok(Expr::Like {
        expr: Box::new(string_operand(e, "LIKE")?),
        pattern: Box::new(string_operand(pattern, "LIKE")?),
        escape,
        negated,
    })
}

/// `CASE [operand] WHEN w THEN t … [ELSE e] END`. Searched WHENs must be BOOLEAN; with an
/// operand, the operand and WHEN values are coerced to their common type and compared for equality. THEN/ELSE branches are
/// coerced to their common type (ksqlDB demands identical types; Rivulet also widens numbers).
pub fn case(
    operand: Option<Expr>,
    when_then: Vec<(Expr, Expr)>,
    else_: Option<Expr>,
) -> Result<Expr, TypeError> {
    if when_then.is_empty() {
        return Err(TypeError::Invalid(
            "Invalid Case expression. At least one WHEN clause is required".into(),
        ));
    }
    let (whens, thens): (Vec<Expr>, Vec<Expr>) = when_then.into_iter().unzip();
    let (operand, whens) = match operand {
        None => {
            let whens = whens
                .into_iter()
                .map(|w| {
                    boolean_operand(w, "WHEN").map_err(|e| match e {
                        TypeError::NotBoolean { actual, .. } => TypeError::Invalid(format!(
                            "WHEN operand type should be boolean.\nType for WHEN operand is {actual}"
                        )),
                        other => other,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            (None, whens)
        }
        Some(o) => {
            let mut all = Vec::with_capacity(whens.len() + 1);
            all.push(o);
            all.extend(whens);
            let (mut coerced, common) = unify(all)?;
            if common.is_none() {
                return Err(TypeError::Invalid(
                    "Invalid Case expression. The operand and WHEN values are all NULL".into(),
                ));
            }
            let o = coerced.remove(0);
            (Some(Box::new(o)), coerced)
        }
    };
    let mut branches = thens;
    let has_else = else_.is_some();
    if let Some(e) = else_ {
        branches.push(e);
    }
    let (mut branches, common) = unify(branches).map_err(|e| match e {
        TypeError::CannotCoerce { from, to } => TypeError::Invalid(format!(
            "Invalid Case expression. Type for all 'THEN' clauses should be the same.\nTHEN expression has type: {from}.\nPrevious THEN expression(s) type: {to}."
        )),
        TypeError::InvalidLiteral { text, to } => TypeError::Invalid(format!(
            "Invalid Case expression. Type for all 'THEN' clauses should be the same.\nTHEN expression '{text}' is not a {to}."
        )),
        other => other,
    })?;
    let data_type = common.ok_or_else(|| {
        TypeError::Invalid("Invalid Case expression. All case branches have NULL type".into())
    })?;
    let else_ = if has_else {
        branches.pop().map(Box::new)
    } else {
        None
    };
    Ok(Expr::Case {
        operand,
        when_then: whens.into_iter().zip(branches).collect(),
        else_,
        data_type,
    })
}
