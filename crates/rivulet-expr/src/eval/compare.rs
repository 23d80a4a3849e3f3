//! Comparing values as ksqlDB does after typing: numbers across INT/BIGINT/DOUBLE/DECIMAL,
//! strings and bytes lexicographically, temporal values by instant, and ARRAY/MAP/STRUCT by
//! equality only (Java's `equals`: maps ignore entry order, NULL elements equal each other).
//! LIKE matching lives here too.
//!
//! This module owns value ordering and equality. It must not handle SQL NULL operands (the
//! evaluator does: a comparison with NULL is FALSE) nor convert types (casts are explicit nodes).

use std::cmp::Ordering;

use rivulet_core::Value;

use crate::{error::EvalError, expr::ComparisonOp};

/// `l op r` for non-NULL, comparable operands. Incomparable values (NaN) give FALSE.
pub(crate) fn compare(op: ComparisonOp, l: &Value, r: &Value) -> bool {
    match op {
        ComparisonOp::Eq => equal(l, r),
        ComparisonOp::NotEq => !equal(l, r),
        ComparisonOp::Lt => order(l, r) == Some(Ordering::Less),
        ComparisonOp::LtEq => matches!(order(l, r), Some(Ordering::Less | Ordering::Equal)),
        ComparisonOp::Gt => order(l, r) == Some(Ordering::Greater),
        ComparisonOp::GtEq => matches!(order(l, r), Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// Ordering of two scalar values of comparable kinds.
pub(crate) fn order(l: &Value, r: &Value) -> Option<Ordering> {
    match (l, r) {
        // Decimal against double: compare as doubles (ksqlDB converts the double to a decimal;
        // the two agree except beyond 17 significant digits).
        (Value::Decimal(d), Value::Double(x)) => super::cast::decimal_to_f64(d).partial_cmp(x),
        (Value::Double(x), Value::Decimal(d)) => x.partial_cmp(&super::cast::decimal_to_f64(d)),
        _ => l.sql_cmp(r),
    }
}

/// SQL equality of non-NULL values; inside collections NULL equals NULL.
pub(crate) fn equal(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y))
        }
        (Value::Map(a), Value::Map(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, v)| {
                    b.iter()
                        .find(|(k2, _)| equal(k, k2))
                        .is_some_and(|(_, v2)| equal(v, v2))
                })
        }
        (Value::Struct(a), Value::Struct(b)) => {
            a.len() == b.len()
                && a.iter().all(|(name, v)| {
                    b.iter()
                        .find(|(n2, _)| n2 == name)
                        .is_some_and(|(_, v2)| equal(v, v2))
                })
        }
        _ => order(l, r) == Some(Ordering::Equal),
    }
}

/// One piece of a LIKE pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Char(char),
    /// `_`
    One,
    /// `%`
    Any,
}

fn compile_like(pattern: &str, escape: Option<char>) -> Result<Vec<Piece>, EvalError> {
    let mut pieces = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if Some(c) == escape {
            match chars.next() {
                Some(next) => pieces.push(Piece::Char(next)),
                None => {
                    return Err(EvalError::Like(
                        "LIKE pattern must not end with escape character".into(),
                    ))
                }
            }
        } else if c == '%' {
            if pieces.last() != Some(&Piece::Any) {
                pieces.push(Piece::Any);
            }
        } else if c == '_' {
            pieces.push(Piece::One);
        } else {
            pieces.push(Piece::Char(c));
        }
    }
    Ok(pieces)
}

/// `value LIKE pattern [ESCAPE c]`: `%` any run of characters, `_` exactly one, the escape
/// character makes the next one literal; the whole value must match, case-sensitively.
pub(crate) fn like(value: &str, pattern: &str, escape: Option<char>) -> Result<bool, EvalError> {
    let pieces = compile_like(pattern, escape)?;
    let text: Vec<char> = value.chars().collect();
    // Greedy matching with backtracking to the last `%` (linear for the usual patterns).
    let (mut t, mut p) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pieces.get(p) {
            Some(Piece::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Piece::One) => {
                t += 1;
                p += 1;
            }
            Some(Piece::Char(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return Ok(false),
            },
        }
    }
    Ok(pieces[p..].iter().all(|piece| *piece == Piece::Any))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        let cases: &[(&str, &str, Option<char>, bool)] = &[
            ("barfoobaz", "%foo%", None, true),
            ("foo", "f_o", None, true),
            ("fo", "f_o", None, false),
            ("foobar", "%oba%", None, true),
            ("foobar", "foo", None, false),
            ("", "%", None, true),
            ("", "_", None, false),
            ("%", "!%", Some('!'), true),
            ("x", "!%", Some('!'), false),
            ("a_b", "a!_b", Some('!'), true),
            ("axb", "a!_b", Some('!'), false),
            ("a!b", "a!!b", Some('!'), true),
            ("line1\nline2", "line1%", None, true),
            ("mississippi", "%iss%ppi", None, true),
            ("mississippi", "m%s_i%i", None, true),
            ("Foo", "foo", None, false),
        ];
        for (value, pattern, escape, expected) in cases {
            assert_eq!(
                like(value, pattern, *escape),
                Ok(*expected),
                "{value} LIKE {pattern}"
            );
        }
        assert!(like("a", "a!", Some('!')).is_err());
    }

    #[test]
    fn collections_compare_by_java_equals() {
        let m1 = Value::Map(vec![
            (Value::from("a"), Value::Int(1)),
            (Value::from("b"), Value::Null),
        ]);
        let m2 = Value::Map(vec![
            (Value::from("b"), Value::Null),
            (Value::from("a"), Value::Bigint(1)),
        ]);
        assert!(equal(&m1, &m2));
        let a1 = Value::Array(vec![Value::Int(1), Value::Int(2)]);
        let a2 = Value::Array(vec![Value::Int(1)]);
        assert!(!equal(&a1, &a2));
        assert!(compare(
            ComparisonOp::Lt,
            &Value::Int(1),
            &Value::Double(1.5)
        ));
        assert!(!compare(
            ComparisonOp::Eq,
            &Value::Double(f64::NAN),
            &Value::Double(f64::NAN)
        ));
    }
}
