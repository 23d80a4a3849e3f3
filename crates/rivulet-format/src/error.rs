//! Errors of the formats: why a format name or property is rejected, why a schema cannot be
//! carried by a format, and why one record's bytes could not be decoded (or a row encoded).
//!
//! This module owns [`FormatError`] and [`ColumnError`] and their text. It must not decide what a
//! caller does with an error (skip the record, log it to the processing log, fail the query):
//! that is the engine's. Messages follow ksqlDB's deserializer texts (`Can't coerce string to
//! type. targetType: BIGINT`, `Can't convert type. sourceType: TextNode, requiredType: BOOLEAN`,
//! `Column count mismatch on deserialization. expected: 3, got: 2`, …) and add the column and, for
//! values, a short excerpt of the offending value. ksqlDB prefixes its processing-log message
//! with `Failed to deserialize value from topic: <topic>. `; the engine knows the topic and the
//! target (key or value) and adds that prefix itself.

use std::fmt;

/// Longest excerpt of an offending value kept in an error, in characters.
const MAX_EXCERPT_CHARS: usize = 80;

/// Why a format, a schema, or one record failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// `KEY_FORMAT`/`VALUE_FORMAT`/`FORMAT` names no format ksqlDB knows.
    #[error("Unknown format: {0}")]
    UnknownFormat(String),
    /// A ksqlDB format Rivulet does not implement yet (the Schema Registry ones).
    #[error(
        "The '{0}' format is not supported yet: Rivulet has no Schema Registry; use JSON, \
         KAFKA, DELIMITED or NONE"
    )]
    NotSupportedYet(String),
    /// A format property (`VALUE_DELIMITER`, `KEY_DELIMITER`, `WRAP_SINGLE_VALUE`) is invalid.
    /// For delimiters ksqlDB prefixes `Configuration VALUE_DELIMITER is invalid: `; the caller
    /// knows which property it was and adds that.
    #[error("{0}")]
    InvalidProperty(String),
    /// The columns cannot be carried by the format (checked once, in `Serde::new`).
    #[error("{0}")]
    UnsupportedSchema(String),
    /// The bytes are not well-formed for the format (JSON syntax, an unterminated CSV quote, a
    /// windowed key shorter than its window bounds).
    #[error("Malformed {what}: {message}")]
    Malformed {
        /// `JSON`, `DELIMITED` or `windowed key`.
        what: &'static str,
        message: String,
    },
    /// The record has more or fewer fields than there are columns (DELIMITED), or the caller
    /// passed a row of the wrong width to `encode`.
    #[error(
        "Column count mismatch on {}. expected: {expected}, got: {actual}",
        if *.serialization { "serialization" } else { "deserialization" }
    )]
    ColumnCount {
        serialization: bool,
        expected: usize,
        actual: usize,
    },
    /// One value could not be converted to (or from) its column's type.
    #[error("{0}")]
    Column(#[from] ColumnError),
}

/// One value that could not be converted to or from its column's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnError {
    /// The column's name; `None` when the problem is the record as a whole (e.g. a JSON array
    /// where an object of several columns was expected).
    pub column: Option<String>,
    /// ksqlDB's JSON path of the value (`$.TIME`, `$.A[2]`, `$.M.k.value`); `None` for formats
    /// without paths (KAFKA, DELIMITED).
    pub path: Option<String>,
    /// What went wrong, in ksqlDB's words where it has some.
    pub message: String,
    /// A short excerpt of the offending value (string contents without quotes).
    pub value: Option<String>,
}

impl ColumnError {
    pub(crate) fn new(column: Option<&str>, message: impl Into<String>) -> Self {
        ColumnError {
            column: column.map(str::to_string),
            path: None,
            message: message.into(),
            value: None,
        }
    }

    pub(crate) fn with_value(mut self, value: &str) -> Self {
        self.value = Some(excerpt(value));
        self
    }
}

impl fmt::Display for ColumnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(path) = &self.path {
            write!(f, ", path: {path}")?;
        }
        match (&self.column, &self.value) {
            (Some(c), Some(v)) => write!(f, " (column {c}, value: {v})"),
            (Some(c), None) => write!(f, " (column {c})"),
            (None, Some(v)) => write!(f, " (value: {v})"),
            (None, None) => Ok(()),
        }
    }
}

impl std::error::Error for ColumnError {}

/// At most [`MAX_EXCERPT_CHARS`] characters of `text`, with `…` when cut.
pub(crate) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(MAX_EXCERPT_CHARS) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_error_names_column_path_and_value() {
        let mut e = ColumnError::new(
            Some("TIME"),
            "Can't coerce string to type. targetType: BIGINT",
        )
        .with_value("abc");
        e.path = Some("$.TIME".to_string());
        let e = FormatError::from(e);
        assert_eq!(
            e.to_string(),
            "Can't coerce string to type. targetType: BIGINT, path: $.TIME (column TIME, value: abc)"
        );
    }

    #[test]
    fn excerpts_are_cut_on_char_boundaries() {
        let long = "é".repeat(200);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), MAX_EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt("short"), "short");
    }

    #[test]
    fn column_count_says_which_direction() {
        let e = FormatError::ColumnCount {
            serialization: false,
            expected: 3,
            actual: 2,
        };
        assert_eq!(
            e.to_string(),
            "Column count mismatch on deserialization. expected: 3, got: 2"
        );
    }
}
