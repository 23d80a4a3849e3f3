//! Errors of statement execution, carrying ksqlDB's error codes (HTTP status × 100 + detail).

use thiserror::Error;

/// 400: a request the server cannot act on.
pub const BAD_REQUEST: u32 = 40000;
/// 400: a statement that does not parse or validate (unknown source, bad property…).
pub const BAD_STATEMENT: u32 = 40001;
/// 400: a SELECT or PRINT sent to `/ksql`.
pub const QUERY_ENDPOINT: u32 = 40002;
/// 404: an unknown entity.
pub const NOT_FOUND: u32 = 40400;
/// 500: the server failed.
pub const SERVER_ERROR: u32 = 50000;

/// A failed statement.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("{message}")]
pub struct EngineError {
    pub code: u32,
    pub message: String,
}

impl EngineError {
    pub fn new(code: u32, message: impl Into<String>) -> Self {
        EngineError {
            code,
            message: message.into(),
        }
    }

    pub fn statement(message: impl Into<String>) -> Self {
        Self::new(BAD_STATEMENT, message)
    }

    pub fn server(message: impl Into<String>) -> Self {
        Self::new(SERVER_ERROR, message)
    }

    /// The HTTP status this error maps to.
    pub fn http_status(&self) -> u16 {
        (self.code / 100) as u16
    }
}

impl From<rivulet_sql::SqlError> for EngineError {
    fn from(e: rivulet_sql::SqlError) -> Self {
        EngineError::new(e.code, e.message)
    }
}

impl From<rivulet_log::LogError> for EngineError {
    fn from(e: rivulet_log::LogError) -> Self {
        match e {
            rivulet_log::LogError::UnknownTopic(_)
            | rivulet_log::LogError::TopicExists(_)
            | rivulet_log::LogError::InvalidTopicName(_)
            | rivulet_log::LogError::InvalidArgument(_) => EngineError::statement(e.to_string()),
            other => EngineError::server(other.to_string()),
        }
    }
}
