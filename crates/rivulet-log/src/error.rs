//! Errors of the log, whatever the backend.

use thiserror::Error;

/// What can go wrong talking to a log.
#[derive(Debug, Error)]
pub enum LogError {
    #[error("topic '{0}' does not exist")]
    UnknownTopic(String),
    #[error("topic '{0}' already exists")]
    TopicExists(String),
    #[error("topic '{topic}' has no partition {partition} (it has {partitions})")]
    UnknownPartition {
        topic: String,
        partition: u32,
        partitions: u32,
    },
    #[error(
        "invalid topic name '{0}': use 1 to 249 characters of [a-zA-Z0-9._-], not '.' or '..'"
    )]
    InvalidTopicName(String),
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("record too large: {size} bytes, the limit is {limit}")]
    RecordTooLarge { size: usize, limit: usize },
    #[error("corrupt log data in {path}: {reason}")]
    Corrupt { path: String, reason: String },
    #[error("log I/O error on {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the data directory {path} is in use by another Rivulet process (lock file held)")]
    Locked { path: String },
    #[error("the log is closed")]
    Closed,
    /// A broker-backed log (Kafka) failed to talk to its brokers or was refused by them.
    #[error("Kafka broker error: {0}")]
    Broker(String),
}

impl LogError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        LogError::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}

/// Result of log operations.
pub type LogResult<T> = Result<T, LogError>;
