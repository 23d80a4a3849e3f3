//! Persistent queries (`CREATE STREAM … AS SELECT`, `INSERT INTO … SELECT`): one task per
//! source partition reads the source topic, decodes, filters and projects each record, encodes
//! the row with the sink's formats and appends it to the sink topic, keeping the record's
//! timestamp (ROWTIME). Output goes to the sink partition Kafka's default partitioner would
//! pick (murmur2 of the serialized key); keyless rows go to the source partition number modulo
//! the sink's partition count.
//!
//! Progress is the consumer group `_rivulet-query-<ID>`: after each appended batch the task
//! commits the next source offset, and a restarted query resumes from there. Delivery is
//! at-least-once: a crash between an append and its commit writes that batch again on restart.
//!
//! A record that fails to decode is skipped; an expression that fails to evaluate yields NULL
//! (the filter: the record is dropped); a row that fails to encode is skipped. Each is counted
//! and logged with tracing, and the query goes on. A failed append or commit stops the query
//! (state ERROR), as ksqlDB's `ksql.fail.on.production.error=true` does.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use rivulet_core::{LoggedRecord, Record, Value};
use rivulet_expr::{eval, eval_predicate};
use rivulet_log::{partitioner::partition_for_key, CommittedOffset, Log, ReadLimits};
use rivulet_sql::planner::QueryPlan;
use tokio::{sync::watch, task::JoinHandle};

use super::{
    row_decoder::{DecodedRow, RowDecoder},
    row_encoder::RowEncoder,
    StartFrom,
};
use crate::{catalog::Source, EngineError};

/// Records read per batch (and so appended and committed per batch, at most).
const BATCH_RECORDS: usize = 16_384;
const BATCH_BYTES: usize = 8 << 20;

/// The consumer group holding a persistent query's progress.
pub fn consumer_group(query_id: &str) -> String {
    format!("_rivulet-query-{query_id}")
}

/// Counters of one running query, shared by its tasks.
#[derive(Debug, Default)]
pub struct QueryStats {
    /// Records read from the source.
    pub consumed: AtomicU64,
    /// Records appended to the sink.
    pub produced: AtomicU64,
    /// Records that failed to decode, evaluate or encode.
    pub errors: AtomicU64,
    /// Set when a task stopped on an error it cannot skip (append or commit failed).
    pub failed: AtomicBool,
}

/// The tasks of a running persistent query.
pub struct RunningQuery {
    pub stats: Arc<QueryStats>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningQuery {
    /// `RUNNING`, or `ERROR` once a task stopped on a production error.
    pub fn state(&self) -> &'static str {
        if self.stats.failed.load(Ordering::Relaxed) {
            "ERROR"
        } else {
            "RUNNING"
        }
    }

    /// Stops every task and waits for them to end.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        for t in std::mem::take(&mut self.tasks) {
            t.abort();
            let _ = t.await;
        }
    }
}

impl Drop for RunningQuery {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Starts `plan` reading `source` and writing `sink`. Where a partition has no committed
/// offset yet, it starts from `from` and that position is committed at once, so a restart
/// before the first batch does not skip records.
pub async fn start(
    log: Arc<dyn Log>,
    query_id: &str,
    source: &Source,
    sink: &Source,
    plan: QueryPlan,
    from: StartFrom,
) -> Result<RunningQuery, EngineError> {
    let partitions = log.describe_topic(&source.topic).await?.partitions;
    let sink_partitions = log.describe_topic(&sink.topic).await?.partitions.len() as u32;
    if sink_partitions == 0 {
        return Err(EngineError::server(format!(
            "Sink topic '{}' has no partitions",
            sink.topic
        )));
    }
    let group = consumer_group(query_id);
    let committed = log.committed_offsets(&group).await?;
    let mut initial = Vec::new();
    let mut starts = Vec::with_capacity(partitions.len());
    for p in &partitions {
        let found = committed
            .iter()
            .find(|c| c.topic == source.topic && c.partition == p.partition)
            .map(|c| c.offset);
        let offset = match found {
            Some(o) => o,
            None => {
                let o = match from {
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
        starts.push((p.partition, offset));
    }
    if !initial.is_empty() {
        log.commit_offsets(&group, &initial).await?;
    }
    let schema = plan.output_schema();
    let plan = Arc::new(plan);
    let stats = Arc::new(QueryStats::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = Vec::with_capacity(starts.len());
    for (partition, offset) in starts {
        let task = PartitionTask {
            log: log.clone(),
            query_id: query_id.to_string(),
            group: group.clone(),
            topic: source.topic.clone(),
            partition,
            sink_topic: sink.topic.clone(),
            sink_partitions,
            decoder: RowDecoder::new(source)?,
            encoder: RowEncoder::new(&schema, sink)?,
            plan: plan.clone(),
            stats: stats.clone(),
            stop: stop_rx.clone(),
        };
        tasks.push(tokio::spawn(task.run(offset)));
    }
    Ok(RunningQuery {
        stats,
        stop: stop_tx,
        tasks,
    })
}

struct PartitionTask {
    log: Arc<dyn Log>,
    query_id: String,
    group: String,
    topic: String,
    partition: u32,
    sink_topic: String,
    sink_partitions: u32,
    decoder: RowDecoder,
    encoder: RowEncoder,
    plan: Arc<QueryPlan>,
    stats: Arc<QueryStats>,
    stop: watch::Receiver<bool>,
}

impl PartitionTask {
    async fn run(mut self, mut offset: i64) {
        let limits = ReadLimits {
            max_records: BATCH_RECORDS,
            max_bytes: BATCH_BYTES,
        };
        let mut out: HashMap<u32, Vec<Record>> = HashMap::new();
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
            }
            self.stats
                .consumed
                .fetch_add(batch.records.len() as u64, Ordering::Relaxed);
            for record in &batch.records {
                if let Some((partition, r)) = self.process(record) {
                    out.entry(partition).or_default().push(r);
                }
            }
            for (partition, records) in out.iter_mut() {
                if records.is_empty() {
                    continue;
                }
                let n = records.len() as u64;
                let records = std::mem::take(records);
                if let Err(e) = self.log.append(&self.sink_topic, *partition, records).await {
                    return self.failed("append", &e.to_string());
                }
                self.stats.produced.fetch_add(n, Ordering::Relaxed);
            }
            offset = batch.next_offset;
            let position = [CommittedOffset {
                topic: self.topic.clone(),
                partition: self.partition,
                offset,
            }];
            if let Err(e) = self.log.commit_offsets(&self.group, &position).await {
                return self.failed("commit", &e.to_string());
            }
        }
    }

    /// Decodes, filters, projects and encodes one record: its sink partition and record.
    fn process(&mut self, record: &LoggedRecord) -> Option<(u32, Record)> {
        let row = match self.decoder.decode(self.partition, record) {
            Ok(DecodedRow::Row(row)) => row,
            Ok(DecodedRow::Skip) => return None,
            Err(e) => {
                self.skip(record.offset, "deserialization", &e.to_string());
                return None;
            }
        };
        if let Some(filter) = &self.plan.filter {
            match eval_predicate(filter, &row) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    self.skip(record.offset, "filter", &e.to_string());
                    return None;
                }
            }
        }
        let timestamp = match row.first() {
            Some(Value::Bigint(t)) => *t,
            _ => record.record.timestamp,
        };
        let mut out = Vec::with_capacity(self.plan.columns.len());
        for i in 0..self.plan.columns.len() {
            match eval(&self.plan.columns[i].expr, &row) {
                Ok(v) => out.push(v),
                Err(e) => {
                    self.skip(record.offset, "projection", &e.to_string());
                    out.push(Value::Null);
                }
            }
        }
        let encoded = match self.encoder.encode(&mut out) {
            Ok(e) => e,
            Err(e) => {
                self.skip(record.offset, "serialization", &e.to_string());
                return None;
            }
        };
        let partition = match &encoded.key {
            Some(key) => partition_for_key(key, self.sink_partitions),
            None => self.partition % self.sink_partitions,
        };
        Some((
            partition,
            Record::new(encoded.key, encoded.value, timestamp),
        ))
    }

    fn skip(&self, offset: i64, step: &str, message: &str) {
        self.stats.errors.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(query = %self.query_id, topic = %self.topic, partition = self.partition, offset, step, message, "record failed in a persistent query");
    }

    fn failed(&self, step: &str, message: &str) {
        self.stats.failed.store(true, Ordering::Relaxed);
        tracing::error!(query = %self.query_id, topic = %self.topic, partition = self.partition, step, message, "persistent query stopped");
    }
}
