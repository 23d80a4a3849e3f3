//! Session variables and `${name}` substitution (ksqlDB's DEFINE / UNDEFINE), a text pre-pass.
//!
//! Owns [`Variables`] (names match ignoring case) and [`substitute`]. Inside string literals a
//! value is inserted with its quotes doubled; outside, the value must be a literal or an
//! identifier (so a variable cannot inject SQL); `$${name}` is an escaped, literal `${name}`;
//! undefined references are left as they are; nothing is substituted in comments or quoted
//! identifiers. It must not parse statements.

use std::collections::BTreeMap;

use crate::error::SqlError;
use crate::lexer::{is_identifier_part, is_identifier_start};

/// Defined variables. Names are case-insensitive; the spelling of the last DEFINE is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variables {
    by_upper_name: BTreeMap<String, (String, String)>,
}

impl Variables {
    pub fn new() -> Self {
        Self::default()
    }

    /// Defines or redefines `name`.
    pub fn define(&mut self, name: &str, value: &str) {
        self.by_upper_name.insert(
            name.to_ascii_uppercase(),
            (name.to_string(), value.to_string()),
        );
    }

    /// Removes `name`; `false` if it was not defined (ksqlDB then warns).
    pub fn undefine(&mut self, name: &str) -> bool {
        self.by_upper_name
            .remove(&name.to_ascii_uppercase())
            .is_some()
    }

    /// The value of `name`, ignoring case.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.by_upper_name
            .get(&name.to_ascii_uppercase())
            .map(|(_, v)| v.as_str())
    }

    /// `(name, value)` pairs ordered by upper-cased name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.by_upper_name
            .values()
            .map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.by_upper_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_upper_name.is_empty()
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for Variables {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut vars = Variables::new();
        for (k, v) in iter {
            vars.define(k.as_ref(), v.as_ref());
        }
        vars
    }
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Code,
    String,
    Quoted(char),
    LineComment,
    BlockComment,
}

/// Replaces `${name}` references in `sql` by the variables' values (see the module docs).
pub fn substitute(sql: &str, vars: &Variables) -> Result<String, SqlError> {
    let mut out = String::with_capacity(sql.len());
    let mut state = State::Code;
    let (mut line, mut column) = (1u32, 1u32);
    let mut i = 0;
    while i < sql.len() {
        let rest = &sql[i..];
        let Some(c) = rest.chars().next() else { break };
        let mut consumed = c.len_utf8();
        match state {
            State::Code | State::String if rest.starts_with("$${") => {
                out.push_str("${");
                consumed = 3;
            }
            State::Code | State::String if rest.starts_with("${") => match reference(rest) {
                Some((name, len)) => {
                    consumed = len;
                    match vars.get(name) {
                        None => out.push_str(&rest[..len]),
                        Some(value) if state == State::String => {
                            out.push_str(&value.replace('\'', "''"))
                        }
                        Some(value) => {
                            if !is_literal_or_identifier(value) {
                                return Err(SqlError::new(
                                    line,
                                    column,
                                    format!(
                                        "Illegal argument: variable '{name}' is used outside \
                                             quotes, so its value must be a literal or an \
                                             identifier. Got: '{value}'"
                                    ),
                                ));
                            }
                            out.push_str(value);
                        }
                    }
                }
                None => out.push('$'),
            },
            State::Code => {
                if rest.starts_with("--") {
                    state = State::LineComment;
                    out.push_str("--");
                    consumed = 2;
                } else if rest.starts_with("/*") {
                    state = State::BlockComment;
                    out.push_str("/*");
                    consumed = 2;
                } else {
                    if c == '\'' {
                        state = State::String;
                    } else if c == '"' || c == '`' {
                        state = State::Quoted(c);
                    }
                    out.push(c);
                }
            }
            State::String => {
                if c == '\'' {
                    if rest[1..].starts_with('\'') {
                        out.push_str("''");
                        consumed = 2;
                    } else {
                        state = State::Code;
                        out.push(c);
                    }
                } else {
                    out.push(c);
                }
            }
            State::Quoted(q) => {
                if c == q {
                    if rest[1..].starts_with(q) {
                        out.push(q);
                        out.push(q);
                        consumed = 2;
                    } else {
                        state = State::Code;
                        out.push(c);
                    }
                } else {
                    out.push(c);
                }
            }
            State::LineComment => {
                if c == '\n' {
                    state = State::Code;
                }
                out.push(c);
            }
            State::BlockComment => {
                if rest.starts_with("*/") {
                    out.push_str("*/");
                    consumed = 2;
                    state = State::Code;
                } else {
                    out.push(c);
                }
            }
        }
        for ch in sql[i..i + consumed].chars() {
            if ch == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        i += consumed;
    }
    Ok(out)
}

/// `${name}` at the start of `text`: the name and the reference's length in bytes.
fn reference(text: &str) -> Option<(&str, usize)> {
    let inner = text.strip_prefix("${")?;
    let name_len = inner
        .char_indices()
        .take_while(|(i, c)| {
            if *i == 0 {
                is_identifier_start(*c)
            } else {
                is_identifier_part(*c)
            }
        })
        .count();
    if name_len == 0 || !inner[name_len..].starts_with('}') {
        return None;
    }
    Some((&inner[..name_len], name_len + 3))
}

/// Whether a value may stand outside quotes: an identifier, a quoted identifier, a string
/// literal, a boolean or a number (as ksqlDB's substitutor checks).
fn is_literal_or_identifier(value: &str) -> bool {
    let mut chars = value.chars();
    let identifier = chars.next().is_some_and(is_identifier_start) && chars.all(is_identifier_part);
    identifier
        || is_quoted(value, '\'')
        || is_quoted(value, '"')
        || is_quoted(value, '`')
        || value.eq_ignore_ascii_case("true")
        || value.eq_ignore_ascii_case("false")
        || is_number(value)
}

/// `q...q` with every inner `q` doubled.
fn is_quoted(value: &str, q: char) -> bool {
    let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) else {
        return false;
    };
    if value.len() < 2 {
        return false;
    }
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == q && chars.next() != Some(q) {
            return false;
        }
    }
    true
}

/// `[+-]digits[.digits][e[+-]digits]` or `[+-].digits...`.
fn is_number(value: &str) -> bool {
    let v = value.strip_prefix(['-', '+']).unwrap_or(value);
    let (mantissa, exponent) = match v.find(['e', 'E']) {
        Some(i) => (&v[..i], Some(&v[i + 1..])),
        None => (v, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = !(int.is_empty() && frac.is_empty()) && digits(int) && digits(frac);
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Variables {
        [
            ("format", "AVRO"),
            ("replicas", "3"),
            ("name", "user"),
            ("topic", "'my_topic'"),
            ("quote", "it's"),
            ("bad", "1; DROP STREAM x"),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn substitutes_in_code_and_strings() {
        let sql = "CREATE STREAM s (id INT) WITH (value_format='${format}', replicas=${REPLICAS});";
        assert_eq!(
            substitute(sql, &vars()).unwrap(),
            "CREATE STREAM s (id INT) WITH (value_format='AVRO', replicas=3);"
        );
        assert_eq!(
            substitute("SELECT a AS ${name} FROM s", &vars()).unwrap(),
            "SELECT a AS user FROM s"
        );
        assert_eq!(
            substitute("PRINT ${topic};", &vars()).unwrap(),
            "PRINT 'my_topic';"
        );
        assert_eq!(substitute("'${quote}'", &vars()).unwrap(), "'it''s'");
    }

    #[test]
    fn leaves_escapes_comments_quoted_identifiers_and_unknowns() {
        let sql = "$${name} `${name}` -- ${name}\n/* ${name} */ ${nope} '$${name}'";
        assert_eq!(
            substitute(sql, &vars()).unwrap(),
            "${name} `${name}` -- ${name}\n/* ${name} */ ${nope} '${name}'"
        );
    }

    #[test]
    fn rejects_values_that_would_inject_sql() {
        let e = substitute("SELECT * FROM s WHERE x = ${bad};", &vars()).unwrap_err();
        assert_eq!((e.line, e.column), (1, 27));
        assert!(e.reason.starts_with("Illegal argument: variable 'bad'"));
    }

    #[test]
    fn names_are_case_insensitive() {
        let mut v = Variables::new();
        v.define("Replicas", "3");
        assert_eq!(v.get("REPLICAS"), Some("3"));
        assert!(v.undefine("replicas"));
        assert!(!v.undefine("replicas"));
    }

    #[test]
    fn numbers() {
        for ok in ["1", "-1.5", ".5", "1e3", "1.5E-2", "+2"] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in ["", ".", "e3", "1e", "1.2.3", "0x10"] {
            assert!(!is_number(bad), "{bad}");
        }
    }
}
