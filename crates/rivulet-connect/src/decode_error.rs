//! The error every ingest decoder answers with: where JSON text broke (line, column, byte), or
//! every field problem of a well-formed document, each with its path (`payload[3].time`).
//!
//! This module owns only the error shape; it must not know HTTP status codes (the server maps
//! `Syntax` to 400 and `Invalid` to 422).

/// Why a body is not a batch.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Not JSON: where parsing stopped.
    #[error("malformed JSON at line {line}, column {column} (byte {byte}): {message}")]
    Syntax {
        line: usize,
        column: usize,
        byte: usize,
        message: String,
    },
    /// JSON, but not a valid batch: every problem found, each with its field path.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
}

/// One problem with one field, e.g. `payload[3].time: expected an integer or a string of digits
/// (epoch nanoseconds)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct FieldError {
    pub path: String,
    pub message: String,
}
