//! The first stage of an aggregate query over a source with several partitions, as ksqlDB's
//! `Aggregate-GroupBy-repartition` step: one task per source partition decodes each record,
//! applies WHERE, evaluates the grouping expressions and the aggregate arguments, and appends
//! the result to the query's internal repartition topic
//! (`_confluent-ksql-<service id>query_<query id>-Aggregate-GroupBy-repartition`, as many
//! partitions as the source), in the partition Kafka's partitioner gives the group's key bytes,
//! with the record's event time as its timestamp. The second stage
//! ([`crate::query::aggregate_runner`]) runs one aggregate task per repartition partition.
//!
//! A repartition record carries what the second stage needs and nothing else: key = the key
//! bytes (as the sink's key format writes the grouping columns), value = postcard of the key
//! values and, per aggregate call, its argument values (ksqlDB's repartition topic also holds
//! the evaluated key and the columns the aggregation needs). So the second stage neither
//! decodes source formats nor evaluates expressions again, and a record that fails to decode or
//! evaluate is reported once, with its source topic, partition and offset.
//!
//! Idle partitions: when `idle timeout` is set and the event time this task has written
//! advanced that much since it last wrote to a repartition partition (or since its first
//! record, for a partition it has not written), it appends a *watermark* there, right after the
//! record that moved its stream time (so batch sizes do not change the decisions): a record with no key and no value and the header [`WATERMARK_HEADER`] (8 bytes,
//! big-endian, the time), which only the second stage reads; that task advances its stream
//! time, closing windows of keys that went silent. The decision is written to the log, so a
//! second-stage replay reads the same watermarks at the same positions.
//!
//! Exactly-once, as the stateless tasks of [`crate::query::persistent`]: each task commits its
//! source offset and its floors in the repartition partitions in group
//! `_rivulet-query-<ID>-<partition>`, and tags its appends with (its producer id, the source
//! offset its batch read up to); a restarted task does not append again what a tagged batch
//! already holds. The repartition topic keeps its records for the source's retention.
//!
//! This module owns the first stage's log I/O and the repartition record format; it must not
//! aggregate (the operator does, in the second stage) nor change the catalog.

use std::{
    collections::HashMap,
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use bytes::Bytes;
use rivulet_core::{Header, LoggedRecord, Record, Value};
use rivulet_expr::aggregate::StoredValue;
use rivulet_log::{
    partitioner::partition_for_key, CommittedOffset, Log, LogError, ProducerTag, ReadLimits,
    TopicSpec,
};
use rivulet_sql::planner::QueryPlan;
use serde::{Deserialize, Serialize};
use tokio::{sync::watch, task::JoinHandle};

use super::{
    persistent::{producer_id, task_group, QueryStats, TaggedAppend},
    row_decoder::{DecodedRow, RowDecoder},
    StartFrom,
};
use crate::{
    catalog::Source,
    operator::{AggregateOperator, KeyCodec},
    processing_log::{ErrorKind, Failure, ProcessingLog},
    EngineError,
};

const BATCH_RECORDS: usize = 16_384;
const BATCH_BYTES: usize = 8 << 20;

/// The header marking a watermark record (see the module doc).
pub const WATERMARK_HEADER: &str = "__rivulet.watermark";

/// The internal repartition topic of aggregate query `query_id` (ksqlDB's name).
pub fn topic_name(service_id: &str, query_id: &str) -> String {
    format!("_confluent-ksql-{service_id}query_{query_id}-Aggregate-GroupBy-repartition")
}

/// Why a repartition record could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RepartitionError {
    #[error("repartition record has no key")]
    NoKey,
    #[error("repartition record value does not decode: {0}")]
    Value(#[from] postcard::Error),
    #[error("watermark header has {0} bytes, not 8")]
    Watermark(usize),
}

#[derive(Serialize, Deserialize)]
struct Wire {
    key: Vec<StoredValue>,
    args: Vec<Vec<StoredValue>>,
}

/// One record of a repartition topic, read back.
#[derive(Debug, Clone, PartialEq)]
pub enum RepartitionRecord {
    /// A row evaluated by the first stage.
    Row {
        /// The group's key bytes.
        key: Vec<u8>,
        key_values: Vec<Value>,
        /// Per aggregate call, its argument values.
        args: Vec<Vec<Value>>,
        /// Event time.
        time: i64,
    },
    /// Input of the first stage reached this event time.
    Watermark(i64),
}

/// The repartition record of an evaluated row.
pub fn encode_row(
    key: &[u8],
    key_values: &[Value],
    args: &[Vec<Value>],
    time: i64,
) -> Result<Record, RepartitionError> {
    let wire = Wire {
        key: key_values.iter().cloned().map(StoredValue).collect(),
        args: args
            .iter()
            .map(|a| a.iter().cloned().map(StoredValue).collect())
            .collect(),
    };
    let value = postcard::to_allocvec(&wire)?;
    Ok(Record::new(
        Some(Bytes::copy_from_slice(key)),
        Some(Bytes::from(value)),
        time,
    ))
}

/// A watermark record at event time `time`.
pub fn encode_watermark(time: i64) -> Record {
    let mut record = Record::new(None, None, time);
    record.headers.push(Header {
        key: WATERMARK_HEADER.to_string(),
        value: Some(Bytes::copy_from_slice(&time.to_be_bytes())),
    });
    record
}

/// Reads a repartition record back.
pub fn decode(record: &Record) -> Result<RepartitionRecord, RepartitionError> {
    if let Some(h) = record.headers.iter().find(|h| h.key == WATERMARK_HEADER) {
        let bytes = h.value.as_deref().unwrap_or_default();
        let time: [u8; 8] = bytes
            .try_into()
            .map_err(|_| RepartitionError::Watermark(bytes.len()))?;
        return Ok(RepartitionRecord::Watermark(i64::from_be_bytes(time)));
    }
    let key = record.key.as_ref().ok_or(RepartitionError::NoKey)?;
    let wire: Wire = postcard::from_bytes(record.value.as_deref().unwrap_or_default())?;
    Ok(RepartitionRecord::Row {
        key: key.to_vec(),
        key_values: wire.key.into_iter().map(|v| v.0).collect(),
        args: wire
            .args
            .into_iter()
            .map(|a| a.into_iter().map(|v| v.0).collect())
            .collect(),
        time: record.timestamp,
    })
}

/// Creates the repartition topic of a query unless it exists: the source's partition count,
/// replication and retention. Returns its partition count.
pub async fn ensure_topic(
    log: &Arc<dyn Log>,
    topic: &str,
    source_topic: &str,
) -> Result<u32, EngineError> {
    match log.describe_topic(topic).await {
        Ok(d) => Ok(d.partitions.len() as u32),
        Err(LogError::UnknownTopic(_)) => {
            let from = log.describe_topic(source_topic).await?;
            let mut spec = TopicSpec::new(topic, from.partitions.len() as u32);
            spec.replication = from.replication;
            spec.retention_ms = from.retention_ms;
            spec.retention_bytes = from.retention_bytes;
            let created = log.create_topic(spec).await?;
            Ok(created.partitions.len() as u32)
        }
        Err(e) => Err(e.into()),
    }
}

/// What the first stage's tasks share.
pub(crate) struct Stage1 {
    pub log: Arc<dyn Log>,
    pub processing_log: ProcessingLog,
    pub query_id: String,
    pub repartition_topic: String,
    pub plan: Arc<QueryPlan>,
    pub from: StartFrom,
    pub stats: Arc<QueryStats>,
    pub stop: watch::Receiver<bool>,
    pub idle_timeout: Option<i64>,
}

/// Starts one first-stage task per partition of `source`; `codec` builds each task's key
/// codec. Every task's position is settled (and committed) before any task starts.
pub(crate) async fn start(
    stage: Stage1,
    source: &Source,
    mut codec: impl FnMut() -> Result<KeyCodec, EngineError>,
) -> Result<Vec<JoinHandle<()>>, EngineError> {
    let log = &stage.log;
    let partitions = log.describe_topic(&source.topic).await?.partitions;
    let target = log.describe_topic(&stage.repartition_topic).await?;
    let target_partitions = target.partitions.len() as u32;
    if target_partitions == 0 {
        return Err(EngineError::server(format!(
            "Repartition topic '{}' has no partitions",
            stage.repartition_topic
        )));
    }
    let exactly_once = log.keeps_producer_tags();
    let find = |topic: &str, partition: u32, list: &[CommittedOffset]| {
        list.iter()
            .find(|c| c.topic == topic && c.partition == partition)
            .map(|c| c.offset)
    };
    let mut setups = Vec::with_capacity(partitions.len());
    for p in &partitions {
        let group = task_group(&stage.query_id, p.partition);
        let committed = log.committed_offsets(&group).await?;
        let mut initial = Vec::new();
        let offset = match find(&source.topic, p.partition, &committed) {
            Some(o) => o,
            None => {
                let o = match stage.from {
                    StartFrom::Earliest => p.start_offset,
                    StartFrom::Latest => p.end_offset,
                };
                initial.push(CommittedOffset {
                    topic: source.topic.clone(),
                    partition: p.partition,
                    offset: o,
                });
                o
            }
        };
        let producer = producer_id(&stage.query_id, p.partition);
        let mut written_up_to = HashMap::new();
        for tp in &target.partitions {
            let floor = match find(&stage.repartition_topic, tp.partition, &committed) {
                Some(f) => f,
                None => {
                    if exactly_once {
                        initial.push(CommittedOffset {
                            topic: stage.repartition_topic.clone(),
                            partition: tp.partition,
                            offset: tp.end_offset,
                        });
                    }
                    tp.end_offset
                }
            };
            if exactly_once {
                let last = log
                    .last_producer_sequence(&stage.repartition_topic, tp.partition, producer, floor)
                    .await?;
                if let Some(sequence) = last.filter(|s| *s > offset) {
                    written_up_to.insert(tp.partition, sequence);
                }
            }
        }
        if !initial.is_empty() {
            log.commit_offsets(&group, &initial).await?;
        }
        let evaluator = AggregateOperator::new(stage.plan.clone(), 1, codec()?)
            .ok_or_else(|| EngineError::server("not an aggregate query"))?;
        let task = RepartitionTask {
            log: log.clone(),
            processing_log: stage.processing_log.clone(),
            query_id: stage.query_id.clone(),
            group,
            topic: source.topic.clone(),
            partition: p.partition,
            target: stage.repartition_topic.clone(),
            target_partitions,
            producer,
            exactly_once,
            written_up_to,
            decoder: RowDecoder::for_plan(source, &stage.plan)?,
            evaluator,
            plan: stage.plan.clone(),
            stats: stage.stats.clone(),
            stop: stage.stop.clone(),
            idle_timeout: stage.idle_timeout,
            stream_time: i64::MIN,
            last_written: vec![i64::MIN; target_partitions as usize],
            next_idle_check: i64::MIN,
        };
        setups.push((task, offset));
    }
    Ok(setups
        .into_iter()
        .map(|(task, offset)| tokio::spawn(task.run(offset)))
        .collect())
}

struct RepartitionTask {
    log: Arc<dyn Log>,
    processing_log: ProcessingLog,
    query_id: String,
    group: String,
    topic: String,
    partition: u32,
    /// The repartition topic and its partition count.
    target: String,
    target_partitions: u32,
    /// This task's producer id in the repartition topic's producer tags.
    producer: u64,
    exactly_once: bool,
    /// Per repartition partition: source offsets below this were written there before a
    /// restart.
    written_up_to: HashMap<u32, i64>,
    decoder: RowDecoder,
    /// Evaluates group keys and aggregate arguments (its state stays empty).
    evaluator: AggregateOperator,
    plan: Arc<QueryPlan>,
    stats: Arc<QueryStats>,
    stop: watch::Receiver<bool>,
    idle_timeout: Option<i64>,
    /// Largest event time this task wrote (since it started).
    stream_time: i64,
    /// Per repartition partition: this task's stream time when it last wrote there.
    last_written: Vec<i64>,
    /// Stream time at which some partition may have become idle (`i64::MIN`: not started).
    next_idle_check: i64,
}

impl RepartitionTask {
    async fn run(mut self, mut offset: i64) {
        let limits = ReadLimits {
            max_records: BATCH_RECORDS,
            max_bytes: BATCH_BYTES,
        };
        let mut out: Vec<Vec<Record>> = vec![Vec::new(); self.target_partitions as usize];
        loop {
            if *self.stop.borrow() {
                return;
            }
            let batch = match self
                .log
                .read(&self.topic, self.partition, offset, limits)
                .await
            {
                Ok(b) => b,
                Err(e) => return self.failed("read", &e.to_string()),
            };
            if batch.records.is_empty() {
                let mut stop = self.stop.clone();
                tokio::select! {
                    _ = stop.changed() => return,
                    waited = self.log.wait_for_data(&self.topic, self.partition, batch.next_offset, Duration::from_secs(30)) => {
                        if let Err(e) = waited {
                            return self.failed("wait", &e.to_string());
                        }
                    }
                }
                offset = batch.next_offset;
                continue;
            };
            self.stats
                .consumed
                .fetch_add(batch.records.len() as u64, Ordering::Relaxed);
            for record in &batch.records {
                if let Some((partition, r)) = self.process(record) {
                    self.push(&mut out, partition, record.offset, r);
                    self.watermarks(&mut out, record.offset);
                }
            }
            if !self.written_up_to.is_empty() {
                self.written_up_to
                    .retain(|_, up_to| *up_to > batch.next_offset);
            }
            let batches = out
                .iter_mut()
                .enumerate()
                .map(|(p, records)| (p as u32, records));
            let step = TaggedAppend {
                log: self.log.as_ref(),
                group: &self.group,
                source: (&self.topic, self.partition, batch.next_offset),
                target: &self.target,
                tag: self.exactly_once.then_some(ProducerTag {
                    producer: self.producer,
                    sequence: batch.next_offset,
                }),
                produced: None,
            };
            if let Err((step, e)) = step.run(batches).await {
                return self.failed(step, &e.to_string());
            }
            offset = batch.next_offset;
        }
    }

    /// Appends a watermark at this task's stream time to every repartition partition it has
    /// not written for the idle timeout (event time), after source record `offset`. Checked
    /// after each record, so the decisions do not depend on batch sizes.
    fn watermarks(&mut self, out: &mut [Vec<Record>], offset: i64) {
        let Some(timeout) = self.idle_timeout else {
            return;
        };
        let now = self.stream_time;
        if now < self.next_idle_check {
            return;
        }
        if self.next_idle_check == i64::MIN {
            // The idle clock of every partition starts at this task's first record.
            self.last_written
                .iter_mut()
                .for_each(|t| *t = (*t).max(now));
        }
        for partition in 0..self.target_partitions {
            if now.saturating_sub(self.last_written[partition as usize]) >= timeout.max(1) {
                self.push(out, partition, offset, encode_watermark(now));
            }
        }
        let oldest = self.last_written.iter().copied().min().unwrap_or(now);
        self.next_idle_check = oldest.saturating_add(timeout.max(1));
    }

    /// Queues `record` (caused by source record `offset`) for repartition partition
    /// `partition`, unless a restart found it already written.
    fn push(&mut self, out: &mut [Vec<Record>], partition: u32, offset: i64, record: Record) {
        self.last_written[partition as usize] = self.stream_time;
        if self
            .written_up_to
            .get(&partition)
            .is_some_and(|&up_to| offset < up_to)
        {
            self.stats.deduplicated.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if let Some(queue) = out.get_mut(partition as usize) {
            queue.push(record);
        }
    }

    /// Decodes, filters and evaluates one record: its repartition partition and record.
    fn process(&mut self, record: &LoggedRecord) -> Option<(u32, Record)> {
        let row = match self.decoder.decode(self.partition, record) {
            Ok(DecodedRow::Row(row)) => row,
            // GROUP BY drops tombstones, as ksqlDB does.
            Ok(DecodedRow::NullValue(_)) => return None,
            Err(e) => {
                let kind = ErrorKind::Deserialization { target: e.target };
                self.report(record.offset, "deserializer", kind, e.error.to_string());
                return None;
            }
        };
        if let Some(filter) = &self.plan.filter {
            match rivulet_expr::eval_predicate(filter, &row) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    let kind = ErrorKind::RecordProcessing;
                    self.report(record.offset, "filter", kind, e.to_string());
                    return None;
                }
            }
        }
        let time = self.evaluator.evaluate(&row);
        for e in std::mem::take(&mut self.evaluator.errors) {
            self.report(
                record.offset,
                e.step,
                ErrorKind::RecordProcessing,
                e.message,
            );
        }
        let time = time?;
        let (key, key_values, args) = self.evaluator.evaluated();
        let encoded = match encode_row(key, key_values, args, time) {
            Ok(r) => r,
            Err(e) => {
                let kind = ErrorKind::RecordProcessing;
                self.report(record.offset, "repartition", kind, e.to_string());
                return None;
            }
        };
        let partition = partition_for_key(key, self.target_partitions);
        self.stream_time = self.stream_time.max(time);
        Some((partition, encoded))
    }

    fn report(&self, offset: i64, step: &'static str, kind: ErrorKind, message: String) {
        self.stats.errors.fetch_add(1, Ordering::Relaxed);
        self.processing_log.log(Failure {
            query_id: self.query_id.clone(),
            step,
            kind,
            message,
            topic: self.topic.clone(),
            partition: self.partition,
            offset,
        });
    }

    fn failed(&self, step: &'static str, message: &str) {
        self.stats.failed.store(true, Ordering::Relaxed);
        self.processing_log.log(Failure::production(
            &self.query_id,
            step,
            message,
            &self.target,
            self.partition,
        ));
        tracing::error!(query = %self.query_id, topic = %self.topic, partition = self.partition, step, message, "repartition task stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_watermarks_read_back_as_written() {
        let args = vec![vec![], vec![Value::Int(7), Value::Null]];
        let key_values = vec![Value::String("dev-1".into())];
        let record = encode_row(b"dev-1", &key_values, &args, 1234).expect("encodes");
        assert_eq!(record.timestamp, 1234);
        assert_eq!(
            decode(&record).expect("decodes"),
            RepartitionRecord::Row {
                key: b"dev-1".to_vec(),
                key_values,
                args,
                time: 1234,
            }
        );
        let watermark = encode_watermark(-5);
        assert!(watermark.key.is_none() && watermark.value.is_none());
        assert_eq!(
            decode(&watermark).expect("decodes"),
            RepartitionRecord::Watermark(-5)
        );
    }

    #[test]
    fn damaged_records_are_errors() {
        let mut record = encode_row(b"k", &[Value::Int(1)], &[], 0).expect("encodes");
        record.value = Some(Bytes::from_static(&[0xff, 0xff, 0xff]));
        assert!(decode(&record).is_err());
        record.key = None;
        assert!(matches!(decode(&record), Err(RepartitionError::NoKey)));
        let mut watermark = encode_watermark(3);
        watermark.headers[0].value = Some(Bytes::from_static(b"abc"));
        assert!(matches!(
            decode(&watermark),
            Err(RepartitionError::Watermark(3))
        ));
    }

    #[test]
    fn topic_is_named_as_ksqldb_names_it() {
        assert_eq!(
            topic_name("default_", "CTAS_COUNTS_3"),
            "_confluent-ksql-default_query_CTAS_COUNTS_3-Aggregate-GroupBy-repartition"
        );
    }
}
