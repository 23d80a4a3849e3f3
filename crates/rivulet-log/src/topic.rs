//! Topic specifications and descriptions, and the topic-name rule Kafka applies.

use serde::{Deserialize, Serialize};

use crate::{LogError, LogResult};

/// What to create: a name, a partition count and retention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: u32,
    /// Replication factor; the embedded log keeps one copy and records the value only.
    #[serde(default = "one")]
    pub replication: u16,
    /// Delete segments whose newest record is older than this; `None` keeps forever.
    #[serde(default)]
    pub retention_ms: Option<i64>,
    /// Delete oldest segments while a partition is larger than this; `None` = no limit.
    #[serde(default)]
    pub retention_bytes: Option<u64>,
}

fn one() -> u16 {
    1
}

impl TopicSpec {
    /// A spec with `partitions` partitions and no retention limits.
    pub fn new(name: impl Into<String>, partitions: u32) -> Self {
        TopicSpec {
            name: name.into(),
            partitions,
            replication: 1,
            retention_ms: None,
            retention_bytes: None,
        }
    }

    /// Checks the name and counts as Kafka does.
    pub fn validate(&self) -> LogResult<()> {
        validate_topic_name(&self.name)?;
        if self.partitions == 0 || self.partitions > 10_000 {
            return Err(LogError::InvalidArgument(format!(
                "partitions must be between 1 and 10000, got {}",
                self.partitions
            )));
        }
        if matches!(self.retention_ms, Some(ms) if ms <= 0) {
            return Err(LogError::InvalidArgument(
                "retention_ms must be positive".into(),
            ));
        }
        Ok(())
    }
}

/// Kafka's legal topic names: 1–249 characters of ASCII letters, digits, `.`, `_`, `-`; not `.`
/// or `..`.
pub fn validate_topic_name(name: &str) -> LogResult<()> {
    let legal = !name.is_empty()
        && name.len() <= 249
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
    if legal {
        Ok(())
    } else {
        Err(LogError::InvalidTopicName(name.to_string()))
    }
}

/// One partition as `describe_topic` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionDescription {
    pub partition: u32,
    pub start_offset: i64,
    pub end_offset: i64,
    pub size_bytes: u64,
    pub segments: u32,
}

/// A topic as `describe_topic` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicDescription {
    pub name: String,
    pub replication: u16,
    pub retention_ms: Option<i64>,
    pub retention_bytes: Option<u64>,
    pub partitions: Vec<PartitionDescription>,
}
