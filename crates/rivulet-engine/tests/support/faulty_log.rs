//! A fault-injecting wrapper around the real embedded log for crash tests: it fails the n-th
//! counted commit or the n-th tagged append, once, and passes everything else through. A test
//! then reopens the engine over the same log, as a restart after a crash would.

use std::{
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::Duration,
};

use async_trait::async_trait;
use rivulet_core::Record;
use rivulet_log::{
    embedded::EmbeddedLog, CommittedOffset, Log, LogError, LogResult, PartitionOffsets,
    ProducerTag, ReadBatch, ReadLimits, TopicDescription, TopicSpec,
};

/// Where the wrapper fails.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// The n-th commit of a query task fails (its appends before it succeeded).
    Commit(i64),
    /// The n-th tagged append fails (earlier appends of the same batch succeeded).
    Append(i64),
}

/// The embedded log, failing once at the chosen point; everything else passes through.
pub struct Faulty {
    inner: Arc<EmbeddedLog>,
    fault: Fault,
    /// Which commits count towards [`Fault::Commit`]: a task's commits after a batch.
    counts: fn(&str, &[CommittedOffset]) -> bool,
    commits: AtomicI64,
    appends: AtomicI64,
}

impl Faulty {
    /// The embedded log `inner`, failing at `fault`; `counts` picks the commits numbered.
    pub fn new(
        inner: Arc<EmbeddedLog>,
        fault: Fault,
        counts: fn(&str, &[CommittedOffset]) -> bool,
    ) -> Faulty {
        Faulty {
            inner,
            fault,
            counts,
            commits: AtomicI64::new(0),
            appends: AtomicI64::new(0),
        }
    }
}

fn injected() -> LogError {
    LogError::Io {
        path: "fault injection".into(),
        source: std::io::Error::other("injected crash"),
    }
}

#[async_trait]
impl Log for Faulty {
    async fn create_topic(&self, spec: TopicSpec) -> LogResult<TopicDescription> {
        self.inner.create_topic(spec).await
    }
    async fn delete_topic(&self, topic: &str) -> LogResult<()> {
        self.inner.delete_topic(topic).await
    }
    async fn list_topics(&self) -> LogResult<Vec<String>> {
        self.inner.list_topics().await
    }
    async fn describe_topic(&self, topic: &str) -> LogResult<TopicDescription> {
        self.inner.describe_topic(topic).await
    }
    async fn append(&self, topic: &str, partition: u32, records: Vec<Record>) -> LogResult<i64> {
        self.inner.append(topic, partition, records).await
    }
    async fn append_tagged(
        &self,
        topic: &str,
        partition: u32,
        records: Vec<Record>,
        tag: ProducerTag,
    ) -> LogResult<i64> {
        let n = self.appends.fetch_add(1, Ordering::SeqCst) + 1;
        if matches!(self.fault, Fault::Append(at) if at == n) {
            return Err(injected());
        }
        self.inner
            .append_tagged(topic, partition, records, tag)
            .await
    }
    fn keeps_producer_tags(&self) -> bool {
        self.inner.keeps_producer_tags()
    }
    async fn last_producer_sequence(
        &self,
        topic: &str,
        partition: u32,
        producer: u64,
        from_offset: i64,
    ) -> LogResult<Option<i64>> {
        self.inner
            .last_producer_sequence(topic, partition, producer, from_offset)
            .await
    }
    async fn read(
        &self,
        topic: &str,
        partition: u32,
        offset: i64,
        limits: ReadLimits,
    ) -> LogResult<ReadBatch> {
        self.inner.read(topic, partition, offset, limits).await
    }
    async fn wait_for_data(
        &self,
        topic: &str,
        partition: u32,
        offset: i64,
        timeout: Duration,
    ) -> LogResult<bool> {
        self.inner
            .wait_for_data(topic, partition, offset, timeout)
            .await
    }
    async fn offset_for_timestamp(
        &self,
        topic: &str,
        partition: u32,
        timestamp_ms: i64,
    ) -> LogResult<Option<i64>> {
        self.inner
            .offset_for_timestamp(topic, partition, timestamp_ms)
            .await
    }
    async fn offsets(&self, topic: &str, partition: u32) -> LogResult<PartitionOffsets> {
        self.inner.offsets(topic, partition).await
    }
    async fn commit_offsets(&self, group: &str, offsets: &[CommittedOffset]) -> LogResult<()> {
        if (self.counts)(group, offsets) {
            let n = self.commits.fetch_add(1, Ordering::SeqCst) + 1;
            if matches!(self.fault, Fault::Commit(at) if at == n) {
                return Err(injected());
            }
        }
        self.inner.commit_offsets(group, offsets).await
    }
    async fn committed_offsets(&self, group: &str) -> LogResult<Vec<CommittedOffset>> {
        self.inner.committed_offsets(group).await
    }
}
