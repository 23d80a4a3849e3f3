//! The durable log: Kafka-shaped topics with partitions of offset-ordered records.
//!
//! This crate owns the [`Log`] trait, the topic and partition descriptions, the default
//! partitioner (Kafka's murmur2) and the embedded backend behind the trait, [`embedded`] (segment
//! files on local disk). The Kafka backend lives in its own crate, `rivulet-log-kafka`, so that
//! librdkafka is built only where it is used. It must not know SQL, formats of values, or HTTP.

pub mod embedded;
pub mod error;
pub mod fsync;
pub mod partitioner;
pub mod topic;

use std::time::Duration;

use async_trait::async_trait;
pub use error::{LogError, LogResult};
pub use fsync::FsyncPolicy;
pub use rivulet_core::{Header, LoggedRecord, Record};
pub use topic::{PartitionDescription, TopicDescription, TopicSpec};

/// Records read from one partition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadBatch {
    /// Records in offset order, starting at or after the requested offset.
    pub records: Vec<LoggedRecord>,
    /// The offset to read from next.
    pub next_offset: i64,
    /// The partition's end offset (one past the last readable record) when the read was served.
    pub high_watermark: i64,
    /// The partition's first retained offset when the read was served.
    pub log_start_offset: i64,
}

/// Bounds of one read: at most this many records and (roughly) bytes; at least one record is
/// returned when any is available, however large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    pub max_records: usize,
    pub max_bytes: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_records: 500,
            max_bytes: 1 << 20,
        }
    }
}

/// First and end offsets of a partition (end = offset the next record will get).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionOffsets {
    pub start: i64,
    pub end: i64,
}

/// Who appended a batch and how far its input went: `producer` names one writer (for example
/// one source partition of one persistent query), `sequence` grows with each of its batches.
/// A backend that keeps tags stores one per appended batch, invisible to record readers, so a
/// writer that restarts can learn which of its batches are already in the log
/// ([`Log::last_producer_sequence`]): appends become exactly-once without a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProducerTag {
    pub producer: u64,
    pub sequence: i64,
}

/// A committed offset of a consumer group on one partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedOffset {
    pub topic: String,
    pub partition: u32,
    pub offset: i64,
}

/// A Kafka-shaped log. Every method is safe to call concurrently.
///
/// Offsets are per partition, dense from the log start, and assigned at append time. A record is
/// readable once it is acknowledged (for `fsync = always`, once it is on disk), and readers see
/// records in the order their appends were acknowledged.
#[async_trait]
pub trait Log: Send + Sync + 'static {
    /// Creates a topic; fails with [`LogError::TopicExists`] if it exists.
    async fn create_topic(&self, spec: TopicSpec) -> LogResult<TopicDescription>;
    /// Deletes a topic and all its data.
    async fn delete_topic(&self, topic: &str) -> LogResult<()>;
    /// Names of all topics, sorted.
    async fn list_topics(&self) -> LogResult<Vec<String>>;
    /// Partitions, offsets, sizes and retention of one topic.
    async fn describe_topic(&self, topic: &str) -> LogResult<TopicDescription>;

    /// Appends `records` to one partition atomically (all or none) and returns the base offset
    /// (the offset of the first record). Returns once the records are durable per the log's
    /// fsync policy. An empty batch appends nothing and returns the end offset.
    async fn append(&self, topic: &str, partition: u32, records: Vec<Record>) -> LogResult<i64>;

    /// Reads from `offset` (clamped up to the log start if it was deleted by retention).
    /// Returns at once, with no records if `offset` is at the end.
    async fn read(
        &self,
        topic: &str,
        partition: u32,
        offset: i64,
        limits: ReadLimits,
    ) -> LogResult<ReadBatch>;

    /// Waits until the partition's end offset is greater than `offset` or `timeout` passes;
    /// returns whether data is available. Never sleep-polls.
    async fn wait_for_data(
        &self,
        topic: &str,
        partition: u32,
        offset: i64,
        timeout: Duration,
    ) -> LogResult<bool>;

    /// The earliest offset whose record timestamp is at or after `timestamp_ms`, or `None` when
    /// every record is older (Kafka's ListOffsets by time).
    async fn offset_for_timestamp(
        &self,
        topic: &str,
        partition: u32,
        timestamp_ms: i64,
    ) -> LogResult<Option<i64>>;

    /// Log start and end offsets of a partition.
    async fn offsets(&self, topic: &str, partition: u32) -> LogResult<PartitionOffsets>;

    /// [`Log::append`] of a batch carrying `tag`. Backends without tags append untagged (the
    /// default); [`Log::keeps_producer_tags`] says which.
    async fn append_tagged(
        &self,
        topic: &str,
        partition: u32,
        records: Vec<Record>,
        tag: ProducerTag,
    ) -> LogResult<i64> {
        let _ = tag;
        self.append(topic, partition, records).await
    }

    /// Whether [`Log::append_tagged`] stores tags and [`Log::last_producer_sequence`] finds them.
    fn keeps_producer_tags(&self) -> bool {
        false
    }

    /// The highest sequence `producer` tagged a batch with at or after `from_offset`, if any
    /// (`None` as well on backends that keep no tags). Cost grows with the data after
    /// `from_offset`: callers pass the partition end they saw before their last append.
    async fn last_producer_sequence(
        &self,
        topic: &str,
        partition: u32,
        producer: u64,
        from_offset: i64,
    ) -> LogResult<Option<i64>> {
        let _ = (topic, partition, producer, from_offset);
        Ok(None)
    }

    /// Stores committed offsets for a consumer group (durably).
    async fn commit_offsets(&self, group: &str, offsets: &[CommittedOffset]) -> LogResult<()>;
    /// Committed offsets of a consumer group, all topics.
    async fn committed_offsets(&self, group: &str) -> LogResult<Vec<CommittedOffset>>;
}
