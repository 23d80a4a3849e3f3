//! Identifiers: names of sources, columns, fields, functions, types and query ids.
//!
//! Owns [`Identifier`] (the name after ksqlDB's case rules) and the quoting rules of the printer.
//! It must not decide what a name refers to.

use std::fmt;

use crate::lexer::{is_identifier_part, is_identifier_start};
use crate::token::Keyword;

/// A name, as ksqlDB stores it: unquoted words upper-cased, quoted ones verbatim. Two spellings
/// that ksqlDB treats as the same name (`riderLocations`, `RIDERLOCATIONS`, `` `RIDERLOCATIONS` ``)
/// give equal identifiers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identifier(String);

impl Identifier {
    /// An identifier with exactly this (already case-resolved) value.
    pub fn new(value: impl Into<String>) -> Self {
        Identifier(value.into())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The name back-quoted (`` `name` ``), embedded back-quotes doubled.
    pub fn quoted(&self) -> String {
        format!("`{}`", self.0.replace('`', "``"))
    }

    /// Whether printing needs quotes: the name is not a valid unquoted identifier once
    /// upper-cased, or is a keyword (reserved or not: `TIME` prints as `` `TIME` ``).
    pub fn needs_quotes(&self) -> bool {
        !is_plain(&self.0) || Keyword::lookup(&self.0).is_some()
    }

    /// The name as a function or type-constructor name: quoted only when the grammar needs it
    /// (invalid unquoted, reserved keyword, or one of the constructor words ARRAY/MAP/STRUCT).
    pub(crate) fn display_as_function(&self) -> String {
        let needs = !is_plain(&self.0)
            || Keyword::lookup(&self.0).is_some_and(|k| {
                k.is_reserved() || matches!(k, Keyword::Array | Keyword::Map | Keyword::Struct)
            });
        if needs {
            self.quoted()
        } else {
            self.0.clone()
        }
    }

    /// The name where only reserved words and invalid names need quotes (property keys).
    pub(crate) fn display_minimal(&self) -> String {
        if !is_plain(&self.0) || Keyword::lookup(&self.0).is_some_and(Keyword::is_reserved) {
            self.quoted()
        } else {
            self.0.clone()
        }
    }
}

/// Whether `s` reads back unchanged as an unquoted identifier: `[A-Z_][A-Z0-9_@]*`.
fn is_plain(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if is_identifier_start(c) && !c.is_ascii_lowercase() => {}
        _ => return false,
    }
    chars.all(|c| is_identifier_part(c) && !c.is_ascii_lowercase())
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.needs_quotes() {
            f.write_str(&self.quoted())
        } else {
            f.write_str(&self.0)
        }
    }
}

impl From<&str> for Identifier {
    fn from(s: &str) -> Self {
        Identifier::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_rules() {
        assert_eq!(Identifier::new("NAME").to_string(), "NAME");
        assert_eq!(Identifier::new("TIME").to_string(), "`TIME`");
        assert_eq!(Identifier::new("dev_id").to_string(), "`dev_id`");
        assert_eq!(Identifier::new("a`b").to_string(), "`a``b`");
        assert_eq!(Identifier::new("1ABC").to_string(), "`1ABC`");
        assert_eq!(Identifier::new("A@B").to_string(), "A@B");
        assert_eq!(Identifier::new("").to_string(), "``");
        assert_eq!(Identifier::new("REPLACE").display_as_function(), "REPLACE");
        assert_eq!(Identifier::new("MAP").display_as_function(), "`MAP`");
        assert_eq!(Identifier::new("TIMESTAMP").display_minimal(), "TIMESTAMP");
        assert_eq!(Identifier::new("FROM").display_minimal(), "`FROM`");
    }
}
