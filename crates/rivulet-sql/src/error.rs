//! The one error type of this crate: a syntax error with its position, in ksqlDB's words.
//!
//! Owns [`SqlError`] and the ksqlDB error code it carries. It must not know how the parser
//! decides what went wrong; it only formats `line L:C: reason` the way ksqlDB (ANTLR) does.

use thiserror::Error;

/// ksqlDB's `error_code` for a bad statement (parse or validation error): HTTP 400.
pub const BAD_STATEMENT: u32 = 40001;

/// A statement that could not be lexed, substituted or parsed.
///
/// `line` and `column` are 1-based and point at the offending token (columns count characters,
/// not bytes). `message` is the full text a client sees, `line 1:10: mismatched input 'FORM'
/// expecting 'FROM'`; `reason` is the same without the `line L:C: ` prefix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct SqlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
    pub reason: String,
    pub code: u32,
}

impl SqlError {
    /// An error at `line:column` (1-based) with the given reason.
    pub fn new(line: u32, column: u32, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        SqlError {
            line,
            column,
            message: format!("line {line}:{column}: {reason}"),
            reason,
            code: BAD_STATEMENT,
        }
    }

    /// The same error with its position moved from statement-relative to script-relative:
    /// `start_line`/`start_column` are where the statement begins in the script (see
    /// [`crate::StatementSource`]).
    pub fn relocated(&self, start_line: u32, start_column: u32) -> SqlError {
        let line = start_line.saturating_add(self.line.saturating_sub(1));
        let column = if self.line <= 1 {
            start_column.saturating_add(self.column.saturating_sub(1))
        } else {
            self.column
        };
        SqlError::new(line, column, self.reason.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_has_ksqldb_prefix_and_code() {
        let e = SqlError::new(3, 14, "mismatched input 'FORM' expecting 'FROM'");
        assert_eq!(
            e.to_string(),
            "line 3:14: mismatched input 'FORM' expecting 'FROM'"
        );
        assert_eq!(e.code, 40001);
    }

    #[test]
    fn relocation_shifts_first_line_columns_only() {
        let e = SqlError::new(1, 5, "x");
        let r = e.relocated(4, 10);
        assert_eq!((r.line, r.column), (4, 14));
        let e = SqlError::new(2, 5, "x");
        let r = e.relocated(4, 10);
        assert_eq!((r.line, r.column), (5, 5));
    }
}
