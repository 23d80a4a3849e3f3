//! Persistent queries (`CREATE STREAM … AS SELECT`, `INSERT INTO … SELECT`): one task per
//! source partition reads the source topic, decodes, filters and projects each record, encodes
//! the row with the sink's formats and appends it to the sink topic, keeping the record's
//! timestamp (ROWTIME). Output goes to the sink partition Kafka's default partitioner would
//! pick (murmur2 of the serialized key); keyless rows go to the source partition number modulo
//! the sink's partition count.
//!
//! Progress: each task commits, in its own consumer group `_rivulet-query-<ID>-<partition>` and
//! in one atomic commit after each batch, the next source offset and, per sink partition, the
//! sink's end offset right after the task's last append there (its *floor*: every later append
//! of the task lands at or past it). A restarted task resumes from its committed source offset.
//!
//! Exactly-once output, on a log that keeps producer tags (the embedded log): every append
//! carries the tag (task's producer id, source offset the batch read up to). On restart the task
//! asks each sink partition for its last tag at or past its floor; source records below that
//! sequence were already written to that partition before the crash and are not written again.
//! So a crash between an append and its commit neither loses nor duplicates output: the sink
//! holds exactly what an uninterrupted run writes. On a log without tags (or when a query writes
//! into its own source topic) delivery is at-least-once: that batch is written again.
//!
//! A `CREATE TABLE … AS SELECT` without GROUP BY over a TABLE runs here too, as a changelog
//! (reference 3.4): records with a null key are dropped; a source tombstone is forwarded as a
//! tombstone of the projected key; a row WHERE rejects becomes a tombstone when its key is in
//! the result (a key never in it gets none: ksqlDB's table filters emit no spurious
//! tombstones). Its rows are materialized in a [`TableStore`] for pull queries, reloaded from
//! the sink topic at start; the store also tells which keys are in the result.
//!
//! A record that fails to decode, evaluate or encode goes to the processing log
//! ([`crate::processing_log`]) with its topic, partition and offset, and the query goes on: a
//! record that fails to decode or encode is skipped; an expression that fails yields NULL (in
//! the filter: the record is dropped). A failed append or commit stops the query (state ERROR),
//! as ksqlDB's `ksql.fail.on.production.error=true` does.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use rivulet_core::{ColumnKind, LoggedRecord, Record, Value};
use rivulet_expr::{eval, eval_predicate};
use rivulet_log::{
    partitioner::partition_for_key, CommittedOffset, Log, LogError, ProducerTag, ReadLimits,
};
use rivulet_sql::planner::QueryPlan;
use tokio::{sync::watch, task::JoinHandle};

use super::{
    row_decoder::{DecodedRow, RowDecoder},
    row_encoder::RowEncoder,
    StartFrom,
};
use crate::{
    catalog::Source,
    operator::Change,
    processing_log::{ErrorKind, Failure, FormatFailure, ProcessingLog},
    table_store::TableStore,
    EngineError,
};

/// Records read per batch (and so appended and committed per batch, at most).
const BATCH_RECORDS: usize = 16_384;
const BATCH_BYTES: usize = 8 << 20;

/// The consumer group that held a persistent query's source offsets before tasks had their own
/// groups; read as a fallback so queries of older data directories resume where they were.
pub fn consumer_group(query_id: &str) -> String {
    format!("_rivulet-query-{query_id}")
}

/// The consumer group holding one task's progress: its source offset and its sink floors.
pub fn task_group(query_id: &str, partition: u32) -> String {
    format!("_rivulet-query-{query_id}-{partition}")
}

/// The producer id of one task: FNV-1a of `<query id>/<source partition>`, stable across
/// restarts and versions.
pub fn producer_id(query_id: &str, partition: u32) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in format!("{query_id}/{partition}").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// One batch's output step of a task that reads one source partition: append each target
/// partition's queued records (tagged with `tag` when the log dedupes, see the module doc), then
/// commit in one atomic commit to `group` the source's next offset and, when tagged, each
/// appended partition's end (its floor).
pub(crate) struct TaggedAppend<'a> {
    pub log: &'a dyn Log,
    pub group: &'a str,
    /// Source topic, partition and the offset the batch read up to.
    pub source: (&'a str, u32, i64),
    pub target: &'a str,
    /// `None`: untagged appends, floors not committed (at-least-once).
    pub tag: Option<ProducerTag>,
    /// Counts the records appended, if given.
    pub produced: Option<&'a AtomicU64>,
}

impl TaggedAppend<'_> {
    /// Appends and commits; empty queues are skipped, appended ones left empty. On failure,
    /// the step (`append` or `commit`) and the error.
    pub async fn run<'r>(
        self,
        batches: impl Iterator<Item = (u32, &'r mut Vec<Record>)>,
    ) -> Result<(), (&'static str, LogError)> {
        let (topic, partition, next) = self.source;
        let mut position = vec![CommittedOffset {
            topic: topic.to_string(),
            partition,
            offset: next,
        }];
        for (partition, records) in batches {
            if records.is_empty() {
                continue;
            }
            let n = records.len() as u64;
            let records = std::mem::take(records);
            let appended = match self.tag {
                Some(tag) => {
                    self.log
                        .append_tagged(self.target, partition, records, tag)
                        .await
                }
                None => self.log.append(self.target, partition, records).await,
            };
            let base = appended.map_err(|e| ("append", e))?;
            if let Some(produced) = self.produced {
                produced.fetch_add(n, Ordering::Relaxed);
            }
            if self.tag.is_some() {
                position.push(CommittedOffset {
                    topic: self.target.to_string(),
                    partition,
                    offset: base + n as i64,
                });
            }
        }
        self.log
            .commit_offsets(self.group, &position)
            .await
            .map_err(|e| ("commit", e))
    }
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
    /// Output records not written again after a restart because the sink already held them.
    pub deduplicated: AtomicU64,
    /// Set when a task stopped on an error it cannot skip (append or commit failed).
    pub failed: AtomicBool,
    /// Records (per window) an aggregation dropped because their window had closed.
    pub late_dropped: AtomicU64,
}

/// How long [`RunningQuery::stop`] lets a task finish its batch before aborting it.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// The tasks of a running persistent query.
pub struct RunningQuery {
    pub stats: Arc<QueryStats>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningQuery {
    /// A query run by `tasks` (another runner's, e.g. the aggregate runner).
    pub(crate) fn from_parts(
        stats: Arc<QueryStats>,
        stop: watch::Sender<bool>,
        tasks: Vec<JoinHandle<()>>,
    ) -> RunningQuery {
        RunningQuery { stats, stop, tasks }
    }

    /// `RUNNING`, or `ERROR` once a task stopped on a production error.
    pub fn state(&self) -> &'static str {
        if self.stats.failed.load(Ordering::Relaxed) {
            "ERROR"
        } else {
            "RUNNING"
        }
    }

    /// Stops every task and waits for them to end. A task sees the stop signal between
    /// batches (or while it waits for input) and ends there, so work in flight — an append and
    /// its commit, a checkpoint being written on the blocking pool — completes first and
    /// cannot race a restarted query's; a task still busy after `STOP_GRACE` is aborted.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        for mut t in std::mem::take(&mut self.tasks) {
            if tokio::time::timeout(STOP_GRACE, &mut t).await.is_err() {
                t.abort();
                let _ = t.await;
            }
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
/// before the first batch does not skip records. `table`: the store of a table projected
/// from a table (reloaded from the sink first).
#[allow(clippy::too_many_arguments)]
pub async fn start(
    log: Arc<dyn Log>,
    processing_log: ProcessingLog,
    query_id: &str,
    source: &Source,
    sink: &Source,
    plan: QueryPlan,
    from: StartFrom,
    table: Option<TableStore>,
) -> Result<RunningQuery, EngineError> {
    if let Some(store) = &table {
        // The sink's rows as they are: what pull queries see, and which keys are in the result.
        crate::source_table::load(log.as_ref(), sink, store).await?;
    }
    let partitions = log.describe_topic(&source.topic).await?.partitions;
    let sink_description = log.describe_topic(&sink.topic).await?;
    let sink_partitions = sink_description.partitions.len() as u32;
    if sink_partitions == 0 {
        return Err(EngineError::server(format!(
            "Sink topic '{}' has no partitions",
            sink.topic
        )));
    }
    let exactly_once = log.keeps_producer_tags() && source.topic != sink.topic;
    let legacy = log.committed_offsets(&consumer_group(query_id)).await?;
    let schema = plan.output_schema();
    let plan = Arc::new(plan);
    let stats = Arc::new(QueryStats::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    // Every task's position is settled (and committed) before any task starts, so a failure
    // here leaves no task running without its query.
    let mut setups = Vec::with_capacity(partitions.len());
    for p in &partitions {
        let group = task_group(query_id, p.partition);
        let committed = log.committed_offsets(&group).await?;
        let find = |topic: &str, partition: u32, list: &[CommittedOffset]| {
            list.iter()
                .find(|c| c.topic == topic && c.partition == partition)
                .map(|c| c.offset)
        };
        let mut initial = Vec::new();
        let offset = match find(&source.topic, p.partition, &committed)
            .or_else(|| find(&source.topic, p.partition, &legacy))
        {
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
        let producer = producer_id(query_id, p.partition);
        let mut written_up_to = HashMap::new();
        for sp in &sink_description.partitions {
            let floor = match find(&sink.topic, sp.partition, &committed) {
                Some(f) => f,
                None => {
                    if exactly_once {
                        initial.push(CommittedOffset {
                            topic: sink.topic.clone(),
                            partition: sp.partition,
                            offset: sp.end_offset,
                        });
                    }
                    sp.end_offset
                }
            };
            if exactly_once {
                let last = log
                    .last_producer_sequence(&sink.topic, sp.partition, producer, floor)
                    .await?;
                if let Some(sequence) = last.filter(|s| *s > offset) {
                    written_up_to.insert(sp.partition, sequence);
                }
            }
        }
        if !written_up_to.is_empty() {
            tracing::info!(query = %query_id, partition = p.partition, resume_from = offset,
                already_written = ?written_up_to, "persistent query resumes past output it already wrote");
        }
        if !initial.is_empty() {
            log.commit_offsets(&group, &initial).await?;
        }
        setups.push((p.partition, group, offset, producer, written_up_to));
    }
    let mut tasks = Vec::with_capacity(setups.len());
    for (partition, group, offset, producer, written_up_to) in setups {
        let task = PartitionTask {
            log: log.clone(),
            processing_log: processing_log.clone(),
            query_id: query_id.to_string(),
            group,
            topic: source.topic.clone(),
            partition,
            sink_topic: sink.topic.clone(),
            sink_partitions,
            producer,
            exactly_once,
            written_up_to,
            decoder: RowDecoder::for_plan(source, &plan)?,
            encoder: RowEncoder::new(&schema, sink)?,
            plan: plan.clone(),
            stats: stats.clone(),
            stop: stop_rx.clone(),
            table: table.clone(),
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
    processing_log: ProcessingLog,
    query_id: String,
    group: String,
    topic: String,
    partition: u32,
    sink_topic: String,
    sink_partitions: u32,
    /// This task's producer id in the sink's producer tags.
    producer: u64,
    /// Whether appends are tagged and checked (see the module doc).
    exactly_once: bool,
    /// Per sink partition: source offsets below this were written there before a restart.
    written_up_to: HashMap<u32, i64>,
    decoder: RowDecoder,
    encoder: RowEncoder,
    plan: Arc<QueryPlan>,
    stats: Arc<QueryStats>,
    stop: watch::Receiver<bool>,
    /// A table projected from a table: its materialized rows (see the module doc).
    table: Option<TableStore>,
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
                    if self
                        .written_up_to
                        .get(&partition)
                        .is_some_and(|&up_to| record.offset < up_to)
                    {
                        self.stats.deduplicated.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    out.entry(partition).or_default().push(r);
                }
            }
            if !self.written_up_to.is_empty() {
                self.written_up_to
                    .retain(|_, up_to| *up_to > batch.next_offset);
            }
            let batches = out.iter_mut().map(|(p, records)| (*p, records));
            let step = TaggedAppend {
                log: self.log.as_ref(),
                group: &self.group,
                source: (&self.topic, self.partition, batch.next_offset),
                target: &self.sink_topic,
                tag: self.exactly_once.then_some(ProducerTag {
                    producer: self.producer,
                    sequence: batch.next_offset,
                }),
                produced: Some(&self.stats.produced),
            };
            if let Err((step, e)) = step.run(batches).await {
                return self.failed(step, &e.to_string());
            }
            offset = batch.next_offset;
        }
    }

    /// Decodes, filters, projects and encodes one record: its sink partition and record.
    fn process(&mut self, record: &LoggedRecord) -> Option<(u32, Record)> {
        let table = self.table.is_some();
        if table && record.record.key.is_none() {
            // Tables drop records with a null key, as ksqlDB does.
            return None;
        }
        let (mut row, mut null_value) = match self.decoder.decode_first(self.partition, record) {
            Ok(DecodedRow::Row(row)) => (row, false),
            // A table's tombstone deletes the key's row from the result.
            Ok(DecodedRow::NullValue(row)) if table => (row, true),
            // A null value goes through a projection as a null value with its key, as ksqlDB
            // does (its functional tests null.json "stream clone row with null value" and
            // "stream filter with null value"): a filter drops it, whatever its predicate.
            Ok(DecodedRow::NullValue(_)) if self.plan.filter.is_some() => return None,
            Ok(DecodedRow::NullValue(row)) => (row, true),
            Err(e) => {
                self.skip_format(record.offset, "deserializer", e, false);
                return None;
            }
        };
        if let Some(filter) = self.plan.filter.as_ref().filter(|_| !null_value) {
            match eval_predicate(filter, &row) {
                Ok(true) => {}
                // A table's row that WHERE rejects leaves the result.
                Ok(false) if table => null_value = true,
                Ok(false) => return None,
                Err(e) => {
                    self.skip(record.offset, "filter", e.to_string());
                    if !table {
                        return None;
                    }
                    null_value = true;
                }
            }
        }
        // The columns the filter did not need, for the rows it kept.
        if !null_value {
            if let Err(e) = self.decoder.complete(record, &mut row) {
                self.skip_format(record.offset, "deserializer", e, false);
                return None;
            }
        }
        let timestamp = match row.first() {
            Some(Value::Bigint(t)) => *t,
            _ => record.record.timestamp,
        };
        let mut out = Vec::with_capacity(self.plan.columns.len());
        for i in 0..self.plan.columns.len() {
            if null_value && self.plan.columns[i].kind != ColumnKind::Key {
                // Not evaluated: the value is written null.
                out.push(Value::Null);
                continue;
            }
            match eval(&self.plan.columns[i].expr, &row) {
                Ok(v) => out.push(v),
                Err(e) => {
                    self.skip(record.offset, "project", e.to_string());
                    out.push(Value::Null);
                }
            }
        }
        let upsert = (table && !null_value).then(|| out.clone());
        let encoded = if null_value {
            self.encoder.encode_null_value(&mut out)
        } else {
            self.encoder.encode(&mut out)
        };
        let encoded = match encoded {
            Ok(e) => e,
            Err(e) => {
                self.skip_format(record.offset, "serializer", e, true);
                return None;
            }
        };
        let partition = match &encoded.key {
            Some(key) => partition_for_key(key, self.sink_partitions),
            None => self.partition % self.sink_partitions,
        };
        if let (Some(store), Some(key)) = (&self.table, &encoded.key) {
            // With WHERE, a tombstone only for a key in the result (no spurious tombstones,
            // as ksqlDB's table filter); without, source tombstones are forwarded as they come.
            if upsert.is_none() && self.plan.filter.is_some() && !store.contains(key) {
                return None;
            }
            store.apply(&[Change {
                key: key.to_vec(),
                window: None,
                partition,
                timestamp,
                row: upsert,
            }]);
        }
        Some((
            partition,
            Record::new(encoded.key, encoded.value, timestamp),
        ))
    }

    /// An expression failed on a record: a RECORD_PROCESSING_ERROR.
    fn skip(&self, offset: i64, step: &'static str, message: String) {
        self.report(offset, step, ErrorKind::RecordProcessing, message);
    }

    /// A key or value failed to decode (or, `encoding`, to encode).
    fn skip_format(&self, offset: i64, step: &'static str, e: FormatFailure, encoding: bool) {
        let kind = if encoding {
            ErrorKind::Serialization { target: e.target }
        } else {
            ErrorKind::Deserialization { target: e.target }
        };
        self.report(offset, step, kind, e.error.to_string());
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
            &self.sink_topic,
            self.partition,
        ));
        tracing::error!(query = %self.query_id, topic = %self.topic, partition = self.partition, step, message, "persistent query stopped");
    }
}
