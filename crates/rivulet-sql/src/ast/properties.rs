//! `WITH (...)` properties of CREATE, CREATE ... AS SELECT, INSERT INTO and connectors.
//!
//! Owns [`Properties`]: keys as written (identifiers case-resolved, strings verbatim), literal
//! values, in order, looked up case-insensitively. It must not validate property names or values
//! (which keys are legal where is the planner's business).

use std::fmt;

use super::identifier::Identifier;
use super::literal::Literal;
use super::write_string_literal;

/// A property key: an identifier (`kafka_topic`, stored upper-cased) or a string
/// (`'connector.class'`, stored verbatim; connector configs are case-sensitive).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PropertyName {
    Identifier(Identifier),
    String(String),
}

impl PropertyName {
    /// The key text.
    pub fn as_str(&self) -> &str {
        match self {
            PropertyName::Identifier(i) => i.as_str(),
            PropertyName::String(s) => s,
        }
    }
}

/// `key = literal`.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub name: PropertyName,
    pub value: Literal,
}

/// The properties of a `WITH (...)` clause, in written order. Empty when there is no clause.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Properties(pub Vec<Property>);

impl Properties {
    /// The value of the first property whose key equals `name` ignoring ASCII case.
    pub fn get(&self, name: &str) -> Option<&Literal> {
        self.0
            .iter()
            .find(|p| p.name.as_str().eq_ignore_ascii_case(name))
            .map(|p| &p.value)
    }

    /// The string value of `name`, if present and a string literal.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Literal::as_str)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Property> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            PropertyName::Identifier(i) => f.write_str(&i.display_minimal())?,
            PropertyName::String(s) => write_string_literal(f, s)?,
        }
        write!(f, "={}", self.value)
    }
}

impl fmt::Display for Properties {
    /// `WITH (K='v', ...)`, or nothing when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return Ok(());
        }
        f.write_str("WITH (")?;
        super::comma_separated(f, &self.0)?;
        f.write_str(")")
    }
}
