//! The [`Log`] trait on a Kafka-protocol broker (Apache Kafka, tansu, …) through rdkafka, with
//! librdkafka built from source by `rdkafka-sys` (a fresh machine needs gcc, make and zlib's
//! sources only, no system librdkafka).
//!
//! How each part of the trait maps onto Kafka:
//! - topics: CreateTopics with the requested partitions, replication, `retention.ms` and
//!   `retention.bytes` (`-1` for unlimited: tansu wants them given), DeleteTopics, Metadata
//!   (`topics`);
//! - appends: an idempotent producer with `acks=all`; what an append guarantees is in
//!   [`append`](crate::append) (acknowledged before it returns, consecutive offsets,
//!   all-or-nothing per producer batch);
//! - reads and waits: assigned consumers, no group rebalancing (`reads`);
//! - offsets and time lookups: ListOffsets (watermarks, offsets by time), a time lookup then
//!   scanning from the broker's answer to the first record at or after the time;
//! - consumer-group commits: OffsetCommit / OffsetFetch through the group coordinator
//!   (`groups`);
//! - producer tags: not kept (the trait's defaults), so writes to Kafka are at-least-once.
//!
//! This module owns the [`KafkaLog`] façade, which checks topics and partitions and hands each
//! call to its module. It must not know SQL, value formats or HTTP.

mod append;
mod config;
mod error;
mod groups;
mod reads;
mod records;
mod topics;

use std::time::Duration;

use async_trait::async_trait;
pub use config::KafkaConfig;
use rivulet_log::{
    CommittedOffset, Log, LogError, LogResult, PartitionOffsets, ReadBatch, ReadLimits, Record,
    TopicDescription, TopicSpec,
};

use crate::{append::Appender, groups::Groups, reads::Readers, topics::Topics};

/// How long a time lookup waits at the end of a partition for records a broker reported short.
const TIME_SCAN_TAIL_WAIT: Duration = Duration::from_millis(200);

/// A log whose topics live on Kafka-protocol brokers.
pub struct KafkaLog {
    config: KafkaConfig,
    topics: Topics,
    appender: Appender,
    readers: Readers,
    groups: Groups,
}

impl std::fmt::Debug for KafkaLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaLog")
            .field("bootstrap_servers", &self.config.bootstrap_servers)
            .finish_non_exhaustive()
    }
}

impl KafkaLog {
    /// Creates the clients and checks that the brokers answer (a metadata request).
    pub async fn connect(config: KafkaConfig) -> LogResult<Self> {
        let log = KafkaLog {
            topics: Topics::new(&config)?,
            appender: Appender::new(&config)?,
            readers: Readers::new(&config),
            groups: Groups::new(&config),
            config,
        };
        log.topics.all().await.map_err(|e| {
            LogError::Broker(format!(
                "the Kafka brokers at {} do not answer: {e}",
                log.config.bootstrap_servers
            ))
        })?;
        Ok(log)
    }

    /// Forgets what is cached of a topic the brokers say does not exist (deleted by another
    /// client), so the next call asks them again.
    fn forget_if_gone<T>(&self, topic: &str, result: LogResult<T>) -> LogResult<T> {
        if matches!(&result, Err(LogError::UnknownTopic(_))) {
            self.topics.forget(topic);
            self.readers.forget(topic);
            self.appender.forget(topic);
        }
        result
    }

    /// The settings this log was opened with.
    pub fn config(&self) -> &KafkaConfig {
        &self.config
    }

    /// Waits (up to `timeout`) until every record handed to the producer has an outcome. Every
    /// append already waits for its own records; this is for shutdown.
    pub async fn close(&self, timeout: Duration) {
        self.appender.flush(timeout).await;
    }
}

#[async_trait]
impl Log for KafkaLog {
    async fn create_topic(&self, spec: TopicSpec) -> LogResult<TopicDescription> {
        self.topics.create(&spec).await?;
        self.topics.describe(&spec.name).await
    }

    async fn delete_topic(&self, topic: &str) -> LogResult<()> {
        // Readers go first: none should fetch from a topic while it is deleted.
        self.readers.forget(topic);
        self.appender.forget(topic);
        self.topics.delete(topic).await
    }

    async fn list_topics(&self) -> LogResult<Vec<String>> {
        Ok(self
            .topics
            .all()
            .await?
            .into_iter()
            .map(|(name, _)| name)
            .collect())
    }

    async fn describe_topic(&self, topic: &str) -> LogResult<TopicDescription> {
        self.topics.describe(topic).await
    }

    async fn append(&self, topic: &str, partition: u32, records: Vec<Record>) -> LogResult<i64> {
        self.topics.check_partition(topic, partition).await?;
        if records.is_empty() {
            return Ok(self.topics.offsets(topic, partition).await?.end);
        }
        let appended = self.appender.append(topic, partition, &records).await;
        self.forget_if_gone(topic, appended)
    }

    async fn read(
        &self,
        topic: &str,
        partition: u32,
        offset: i64,
        limits: ReadLimits,
    ) -> LogResult<ReadBatch> {
        self.topics.check_partition(topic, partition).await?;
        let read = self
            .readers
            .read(&self.topics, topic, partition, offset, limits)
            .await;
        self.forget_if_gone(topic, read)
    }

    async fn wait_for_data(
        &self,
        topic: &str,
        partition: u32,
        offset: i64,
        timeout: Duration,
    ) -> LogResult<bool> {
        self.topics.check_partition(topic, partition).await?;
        let waited = self
            .readers
            .wait_for_data(topic, partition, offset, timeout)
            .await;
        self.forget_if_gone(topic, waited)
    }

    async fn offset_for_timestamp(
        &self,
        topic: &str,
        partition: u32,
        timestamp_ms: i64,
    ) -> LogResult<Option<i64>> {
        self.topics.check_partition(topic, partition).await?;
        let Some(from) = self
            .topics
            .offset_for_timestamp(topic, partition, timestamp_ms)
            .await?
        else {
            return Ok(None);
        };
        // Kafka answers with the exact record; a broker may answer with the start of a batch
        // (tansu answers 0): the first record at or after the time from there is the answer.
        let mut offset = from;
        loop {
            let batch = self
                .read(topic, partition, offset, ReadLimits::default())
                .await?;
            if let Some(found) = batch
                .records
                .iter()
                .find(|r| r.record.timestamp >= timestamp_ms)
            {
                return Ok(Some(found.offset));
            }
            if batch.records.is_empty()
                && !self
                    .wait_for_data(topic, partition, batch.next_offset, TIME_SCAN_TAIL_WAIT)
                    .await?
            {
                return Ok(None);
            }
            offset = batch.next_offset;
        }
    }

    async fn offsets(&self, topic: &str, partition: u32) -> LogResult<PartitionOffsets> {
        self.topics.check_partition(topic, partition).await?;
        self.topics.offsets(topic, partition).await
    }

    async fn commit_offsets(&self, group: &str, offsets: &[CommittedOffset]) -> LogResult<()> {
        for o in offsets {
            self.topics.check_partition(&o.topic, o.partition).await?;
            if o.offset < 0 {
                return Err(LogError::InvalidArgument(format!(
                    "committed offset must not be negative, got {} for {}/{}",
                    o.offset, o.topic, o.partition
                )));
            }
        }
        self.groups.commit(group, offsets).await
    }

    async fn committed_offsets(&self, group: &str) -> LogResult<Vec<CommittedOffset>> {
        let partitions = self.topics.all().await?;
        self.groups.committed(group, &partitions).await
    }
}
