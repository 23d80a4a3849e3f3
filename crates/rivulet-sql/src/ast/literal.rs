//! Literal values: NULL, booleans, INT/BIGINT, DECIMAL (with precision and scale), DOUBLE, strings.
//!
//! Owns [`Literal`] and [`DecimalLiteral`] and their canonical text. It must not coerce or
//! evaluate (that belongs to the planner and the runtime).

use std::fmt;

use super::write_string_literal;

/// A literal as written. Numbers keep ksqlDB's literal typing: digits only are `Integer` when
/// they fit 32 bits, else `BigInt`; a `.` without exponent is `Decimal`; an exponent is `Double`.
/// A leading `-` directly before a number is part of the literal (`-1` is `Integer(-1)`).
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Boolean(bool),
    Integer(i32),
    BigInt(i64),
    Decimal(DecimalLiteral),
    Double(f64),
    String(String),
}

impl Literal {
    /// The value as text when it is a string literal.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Literal::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the literal is a number (of any type).
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Literal::Integer(_) | Literal::BigInt(_) | Literal::Decimal(_) | Literal::Double(_)
        )
    }
}

/// A DECIMAL literal such as `12.50`: its digits and ksqlDB's DECIMAL(precision, scale) typing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DecimalLiteral {
    text: String,
    precision: u32,
    scale: u32,
}

impl DecimalLiteral {
    /// Reads `[-]digits.digits` (either side of the `.` may be empty, not both; the `.` may be
    /// absent). Leading zeros of the integer part are dropped, fraction digits are kept as written
    /// (they make the scale). `None` if `text` is not of that form.
    pub fn parse(text: &str) -> Option<DecimalLiteral> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int_part, frac_part, has_point) = match unsigned.split_once('.') {
            Some((i, f)) => (i, f, true),
            None => (unsigned, "", false),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !all_digits(int_part)
            || !all_digits(frac_part)
        {
            return None;
        }
        let int_trimmed = int_part.trim_start_matches('0');
        let int_canonical = if int_trimmed.is_empty() {
            "0"
        } else {
            int_trimmed
        };
        let scale = u32::try_from(frac_part.len()).ok()?;
        let unscaled = format!("{int_trimmed}{frac_part}");
        let significant = unscaled.trim_start_matches('0').len().max(1);
        let precision = u32::try_from(significant).ok()?.max(scale);
        let sign = if negative { "-" } else { "" };
        let point = if has_point { "." } else { "" };
        Some(DecimalLiteral {
            text: format!("{sign}{int_canonical}{point}{frac_part}"),
            precision,
            scale,
        })
    }

    /// The canonical digits, e.g. `-0.50` (re-lexes as the same DECIMAL literal).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Total significant digits (at least the scale, at least 1).
    pub fn precision(&self) -> u32 {
        self.precision
    }

    /// Digits after the point.
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// The same value with the sign flipped.
    pub(crate) fn negated(&self) -> DecimalLiteral {
        let text = match self.text.strip_prefix('-') {
            Some(rest) => rest.to_string(),
            None => format!("-{}", self.text),
        };
        DecimalLiteral { text, ..*self }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("NULL"),
            Literal::Boolean(true) => f.write_str("TRUE"),
            Literal::Boolean(false) => f.write_str("FALSE"),
            Literal::Integer(v) => write!(f, "{v}"),
            Literal::BigInt(v) => write!(f, "{v}"),
            Literal::Decimal(d) => f.write_str(&d.text),
            // `{:E}` is the shortest text that reads back to the same f64, always with an
            // exponent, so it re-lexes as a DOUBLE literal.
            Literal::Double(v) => write!(f, "{v:E}"),
            Literal::String(s) => write_string_literal(f, s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_precision_and_scale() {
        let d = DecimalLiteral::parse("12.50").unwrap();
        assert_eq!((d.text(), d.precision(), d.scale()), ("12.50", 4, 2));
        let d = DecimalLiteral::parse(".5").unwrap();
        assert_eq!((d.text(), d.precision(), d.scale()), ("0.5", 1, 1));
        let d = DecimalLiteral::parse("0.05").unwrap();
        assert_eq!((d.text(), d.precision(), d.scale()), ("0.05", 2, 2));
        let d = DecimalLiteral::parse("007.").unwrap();
        assert_eq!((d.text(), d.precision(), d.scale()), ("7.", 1, 0));
        assert_eq!(
            DecimalLiteral::parse("1.5").unwrap().negated().text(),
            "-1.5"
        );
        assert!(DecimalLiteral::parse(".").is_none());
    }

    #[test]
    fn doubles_print_with_an_exponent() {
        assert_eq!(Literal::Double(1000.0).to_string(), "1E3");
        assert_eq!(Literal::Double(0.015).to_string(), "1.5E-2");
        assert_eq!(Literal::String("it's".into()).to_string(), "'it''s'");
    }
}
