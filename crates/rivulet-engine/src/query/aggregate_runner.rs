//! Persistent aggregate queries (`CREATE TABLE … AS SELECT … GROUP BY …`). Over a source with
//! one partition (or a TABLE source, whatever its partitions), one task reads it, decodes and filters each record, feeds
//! the [`AggregateOperator`](crate::operator::AggregateOperator) (a TABLE source's records as
//! changelog entries: tombstones and rows WHERE rejects undo their key's previous row, see
//! `operator::hash_aggregate::table_changes`) and appends the changes it returns
//! to the sink topic as a changelog: key = the grouping columns in the sink's key format (for a
//! windowed table followed by the window, laid out as Kafka Streams' windowed serdes do), value
//! = the value columns, or a tombstone (null value) when HAVING turns false.
//! Output partition: Kafka's partitioner over the inner key bytes (Kafka Streams'
//! `WindowedStreamPartitioner` also hashes only the inner key).
//!
//! Over a source with several partitions the query runs in two stages, as ksqlDB's does: the
//! first ([`crate::query::repartition`]), one task per source partition, decodes, filters and
//! evaluates group keys and aggregate arguments into the query's internal repartition topic
//! (as many partitions as the source, partitioned by the group key); the second, here, runs one
//! aggregate task per repartition partition, each with its own operator (one shuffle partition:
//! the task's stream time is its repartition partition's, as a Kafka Streams task's), its own
//! checkpoint (task number = partition), groups `_rivulet-query-<ID>-aggregate-<r>` (progress)
//! and `…-origin`, and producer id. Each task reads a single partition, so its replay is
//! deterministic; all of them feed the one table store pull queries read. Watermark records of
//! the first stage advance a task's stream time (idle partitions, see the repartition module).
//! A query an older version ran as one task over several partitions keeps that one task.
//! Idle partitions of the one-task path: the operator's event-time idle timeout, across the
//! sink partitions it shuffles by (see [`crate::operator::hash_aggregate`]).
//!
//! The rest of this doc describes one task; a second-stage task is one over one repartition
//! partition.
//!
//! Checkpoints (when the engine has a state directory): at a batch boundary, once every
//! checkpoint interval, the task serializes the operator state (postcard), saves it with
//! [`CheckpointStore`] together with the next source offset of every source partition and,
//! per sink partition, the sink's end after the task's last append (its *floor*), then commits
//! its progress (group `_rivulet-query-<ID>`) as before. TERMINATE removes the checkpoints (and the
//! repartition topic).
//!
//! Exactly-once output, on a log that keeps producer tags (the embedded log): every append
//! carries a [`ProducerTag`] whose producer is the query's id for the source partition the
//! records came from ([`producer_id`], as stateless tasks do) and whose sequence is the offset
//! that partition's batch read up to; an iteration appends, per sink partition, one batch per
//! source partition, in processing order.
//!
//! Restart: the task restores the state from the checkpoint and rewinds every source partition
//! to the checkpoint's offsets; without a checkpoint (none yet, or unreadable: logged) it starts
//! from empty state at the query's origin (group `_rivulet-query-<ID>-origin`, which also
//! keeps the sink ends at the query's first start, the floors used then). For each sink
//! partition and source partition it asks the sink for the producer's last sequence at or past
//! the floor; while replaying, output caused by a source record below that sequence is not
//! appended again (it was, before the crash). Each output, EMIT FINAL emissions included, is
//! attributed to the input record whose processing produced it. Replay of the same records in
//! the same order from the same state is deterministic, so the sink ends up holding exactly
//! what an uninterrupted run writes — for a task reading one partition (a one-partition
//! source, or a second-stage task). A task reading several partitions (only the one-task path
//! kept for older queries) reads them in turn, a batch each, and batch sizes depend on what was
//! available when read: a replay may interleave them differently, which can change
//! intermediate EMIT CHANGES values of keys present in several partitions and stream-time
//! decisions (late drops, window closing) — dedupe still writes no source record's output
//! twice, but that output may differ from the lost run's.
//! On a log without tags, or when the sink is the source, delivery is at-least-once: output of
//! records at or past the committed progress is written again; records below it only rebuild
//! state. If the source's retention deleted records since the checkpoint (or origin), the
//! restored state lacks them.
//!
//! This module owns the log I/O of aggregate queries; it must not implement grouping or
//! windows (the operator does) nor change the catalog.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::{atomic::Ordering, Arc},
    time::{Duration, Instant},
};

use bytes::Bytes;
use rivulet_core::{Column, ColumnKind, LoggedRecord, Record, Value};
use rivulet_format::{encode_windowed_key, Format, Serde, WindowKind};
use rivulet_log::{
    partitioner::partition_for_key, CommittedOffset, Log, PartitionDescription, ProducerTag,
    ReadLimits,
};
use rivulet_sql::{
    planner::{QueryPlan, WindowShape},
    Emit,
};
use serde::Deserialize;
use tokio::sync::watch;

use super::{
    persistent::{consumer_group, producer_id, QueryStats, RunningQuery},
    repartition::{self, RepartitionRecord},
    row_decoder::{DecodedRow, RowDecoder},
    row_encoder::RowEncoder,
    StartFrom,
};
use crate::{
    catalog::Source,
    checkpoint::{Checkpoint, CheckpointStore, Position},
    operator::{
        hash_aggregate::{GroupState, PreviousRow},
        AggregateOperator, AggregateState, Change, KeyCodec,
    },
    processing_log::{ErrorKind, Failure, ProcessingLog},
    table_store::TableStore,
    EngineError,
};

const BATCH_RECORDS: usize = 16_384;
const BATCH_BYTES: usize = 8 << 20;

/// The consumer group remembering where an aggregate query first read each partition.
pub fn origin_group(query_id: &str) -> String {
    format!("_rivulet-query-{query_id}-origin")
}

/// A key codec writing `columns` (the grouping keys) in `format`.
pub fn key_codec(format: Format, columns: Vec<Column>) -> Result<KeyCodec, EngineError> {
    let serde =
        Serde::new(format, columns, false).map_err(|e| EngineError::statement(e.to_string()))?;
    Ok(Box::new(move |values: &[Value], out: &mut Vec<u8>| {
        serde
            .encode(values, out)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }))
}

/// The grouping keys as key columns of the sink (named as the projection names them).
fn group_key_columns(plan: &QueryPlan) -> Vec<Column> {
    let Some(aggregate) = &plan.aggregate else {
        return Vec::new();
    };
    aggregate
        .group_by
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let name = aggregate.key_columns[i]
                .and_then(|c| plan.columns.get(c))
                .map_or_else(|| format!("KSQL_COL_{i}"), |c| c.name.clone());
            Column::new(name, g.data_type(), ColumnKind::Key)
        })
        .collect()
}

/// Where and how often an aggregate query checkpoints its state.
#[derive(Debug, Clone)]
pub struct Checkpointing {
    pub store: CheckpointStore,
    pub interval: Duration,
}

/// Why a checkpoint's state could not be turned into bytes or back.
#[derive(Debug, thiserror::Error)]
pub enum StateCodecError {
    #[error("aggregate state does not (de)serialize: {0}")]
    Postcard(#[from] postcard::Error),
}

/// The operator state as checkpoint bytes (postcard); session windows, if any, follow the
/// rest (so other aggregations' checkpoints keep their layout).
pub fn encode_state(state: &AggregateState) -> Result<Vec<u8>, StateCodecError> {
    let mut bytes = postcard::to_allocvec(state)?;
    if !state.sessions.is_empty() {
        bytes.extend(postcard::to_allocvec(&state.sessions)?);
    }
    Ok(bytes)
}

/// [`AggregateState`] as postcard lays it out (a map and a set are a length and their items,
/// as a sequence is), read into vectors first: the map is then built at its final capacity and
/// the sets, whose items come sorted, in bulk — much faster than item by item for 1,000,000
/// keys.
#[derive(Deserialize)]
struct StateWire {
    stream_time: Vec<i64>,
    groups: Vec<(Vec<u8>, GroupState)>,
    closing: Vec<Vec<(i64, Vec<u8>, i64)>>,
    previous: Vec<(Vec<u8>, PreviousRow)>,
}

/// Checkpoint bytes back into operator state.
pub fn decode_state(bytes: &[u8]) -> Result<AggregateState, StateCodecError> {
    let (wire, rest): (StateWire, _) = postcard::take_from_bytes(bytes)?;
    let sessions = if rest.is_empty() {
        Vec::new()
    } else {
        postcard::from_bytes(rest)?
    };
    let mut groups = HashMap::with_capacity_and_hasher(wire.groups.len(), Default::default());
    groups.extend(wire.groups);
    Ok(AggregateState {
        stream_time: wire.stream_time,
        groups,
        closing: wire.closing.into_iter().map(BTreeSet::from_iter).collect(),
        previous: wire.previous.into_iter().collect(),
        sessions,
    })
}

fn find_offset(list: &[CommittedOffset], topic: &str, partition: u32) -> Option<i64> {
    list.iter()
        .find(|c| c.topic == topic && c.partition == partition)
        .map(|c| c.offset)
}

fn find_position(list: &[Position], topic: &str, partition: u32) -> Option<i64> {
    list.iter()
        .find(|c| c.topic == topic && c.partition == partition)
        .map(|c| c.offset)
}

/// Per-query settings of an aggregate query beyond its plan.
#[derive(Debug, Clone, Default)]
pub struct AggregateOptions {
    /// The internal repartition topic used when the source has several partitions (see
    /// [`crate::query::repartition::topic_name`]).
    pub repartition_topic: String,
    /// Idle-partition timeout in event-time ms (`rivulet.watermark.idle.timeout.ms`); `None`
    /// disables it.
    pub idle_timeout_ms: Option<i64>,
}

/// The consumer group of second-stage task `task` (`-origin` appended: its origin group).
pub fn stage2_group(query_id: &str, task: u32) -> String {
    format!("_rivulet-query-{query_id}-aggregate-{task}")
}

/// The producer id of second-stage task `task` in the sink's producer tags.
fn stage2_producer(query_id: &str, task: u32) -> u64 {
    producer_id(&format!("{query_id}-aggregate"), task)
}

/// Starts the aggregate `plan` reading `source` and writing the table `sink`, checkpointing
/// with `checkpointing` when given. A source with one partition runs one task; a source with
/// several runs two stages through the repartition topic (see the module doc).
#[allow(clippy::too_many_arguments)]
pub async fn start(
    log: Arc<dyn Log>,
    processing_log: ProcessingLog,
    query_id: &str,
    source: &Source,
    sink: &Source,
    plan: QueryPlan,
    from: StartFrom,
    store: TableStore,
    checkpointing: Option<Checkpointing>,
    options: AggregateOptions,
) -> Result<RunningQuery, EngineError> {
    let partitions = log.describe_topic(&source.topic).await?.partitions;
    let sink_description = log.describe_topic(&sink.topic).await?;
    if sink_description.partitions.is_empty() {
        return Err(EngineError::server(format!(
            "Sink topic '{}' has no partitions",
            sink.topic
        )));
    }
    let key_format = Format::parse(&sink.key_format.name, sink.key_format.delimiter.as_deref())
        .map_err(|e| EngineError::statement(e.to_string()))?;
    let key_columns = group_key_columns(&plan);
    let codec = || key_codec(key_format, key_columns.clone());
    let plan = Arc::new(plan);
    let stats = Arc::new(QueryStats::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let shared = Shared {
        log: log.clone(),
        processing_log: processing_log.clone(),
        query_id: query_id.to_string(),
        sink,
        plan: plan.clone(),
        store,
        checkpointing,
        stats: stats.clone(),
        stop: stop_rx.clone(),
        final_refilled: std::sync::atomic::AtomicBool::new(false),
    };
    // A query an older version ran as one task over several partitions (its progress is in
    // the single task's group, and it has no repartition topic) keeps running that way: its
    // checkpoint and sink floors are that task's.
    // A TABLE source runs as one task too: undoing a key's previous row needs every version
    // of that key in one place (the source key, not the group key, decides where it is).
    let single = partitions.len() <= 1
        || plan.source_is_table
        || (!log
            .committed_offsets(&consumer_group(query_id))
            .await?
            .is_empty()
            && log
                .describe_topic(&options.repartition_topic)
                .await
                .is_err());
    let mut handles = Vec::new();
    if single {
        let operator = AggregateOperator::new(
            plan.clone(),
            sink_description.partitions.len() as u32,
            codec()?,
        )
        .ok_or_else(|| EngineError::server("not an aggregate query"))?
        .with_idle_timeout(options.idle_timeout_ms);
        let spec = TaskSpec {
            task: 0,
            topic: source.topic.clone(),
            partitions,
            from,
            origin_group: origin_group(query_id),
            progress_group: consumer_group(query_id),
            producer: Box::new(|p| producer_id(query_id, p)),
            input: Input::Source(Box::new(RowDecoder::for_plan(source, &plan)?)),
            sink_by_key: false,
        };
        handles.push(spawn_task(&shared, spec, operator).await?);
    } else {
        let repartition_partitions =
            super::repartition::ensure_topic(&log, &options.repartition_topic, &source.topic)
                .await?;
        let repartition = log.describe_topic(&options.repartition_topic).await?;
        // Second stage first: its origin (the repartition topic's start) is settled before the
        // first stage writes anything.
        for rp in repartition.partitions {
            let task = rp.partition;
            let operator = AggregateOperator::new(plan.clone(), 1, codec()?)
                .ok_or_else(|| EngineError::server("not an aggregate query"))?;
            let spec = TaskSpec {
                task,
                topic: options.repartition_topic.clone(),
                partitions: vec![rp],
                from: StartFrom::Earliest,
                origin_group: format!("{}-origin", stage2_group(query_id, task)),
                progress_group: stage2_group(query_id, task),
                producer: Box::new(move |_| stage2_producer(query_id, task)),
                input: Input::Repartition,
                sink_by_key: true,
            };
            handles.push(spawn_task(&shared, spec, operator).await?);
        }
        tracing::debug!(query = %query_id, partitions = repartition_partitions, "aggregate query runs in two stages");
        let stage1 = super::repartition::Stage1 {
            log: log.clone(),
            processing_log,
            query_id: query_id.to_string(),
            repartition_topic: options.repartition_topic.clone(),
            plan: plan.clone(),
            from,
            stats: stats.clone(),
            stop: stop_rx,
            idle_timeout: options.idle_timeout_ms.filter(|t| *t >= 0),
        };
        match super::repartition::start(stage1, source, codec).await {
            Ok(tasks) => handles.extend(tasks),
            Err(e) => {
                for h in &handles {
                    h.abort();
                }
                return Err(e);
            }
        }
    }
    Ok(RunningQuery::from_parts(stats, stop_tx, handles))
}

/// What every task of one aggregate query shares.
struct Shared<'a> {
    log: Arc<dyn Log>,
    processing_log: ProcessingLog,
    query_id: String,
    sink: &'a Source,
    plan: Arc<QueryPlan>,
    store: TableStore,
    checkpointing: Option<Checkpointing>,
    stats: Arc<QueryStats>,
    stop: watch::Receiver<bool>,
    /// Whether a task already refilled an EMIT FINAL table's store from its sink (once per
    /// start, whichever task restores a checkpoint first).
    final_refilled: std::sync::atomic::AtomicBool,
}

/// What an aggregate task reads.
enum Input {
    /// Source records: decoded and filtered here.
    Source(Box<RowDecoder>),
    /// A repartition topic's evaluated rows and watermarks.
    Repartition,
}

/// One aggregate task: which partitions of which topic it reads, its groups and producers.
struct TaskSpec<'a> {
    /// Its checkpoint's task number.
    task: u32,
    topic: String,
    partitions: Vec<PartitionDescription>,
    from: StartFrom,
    origin_group: String,
    progress_group: String,
    /// Producer id of the appends caused by each input partition.
    producer: Box<dyn Fn(u32) -> u64 + Send + Sync + 'a>,
    input: Input,
    /// Whether the sink partition is computed from the key (second stage: the operator has one
    /// shuffle partition) rather than taken from the operator's change.
    sink_by_key: bool,
}

/// Restores one task's state and positions and starts it.
async fn spawn_task(
    shared: &Shared<'_>,
    spec: TaskSpec<'_>,
    mut operator: AggregateOperator,
) -> Result<tokio::task::JoinHandle<()>, EngineError> {
    let log = &shared.log;
    let query_id = shared.query_id.as_str();
    let sink = shared.sink;
    let sink_description = log.describe_topic(&sink.topic).await?;
    let sink_partitions = sink_description.partitions.len() as u32;
    let exactly_once = log.keeps_producer_tags() && spec.topic != sink.topic;
    let window_kind = shared
        .plan
        .aggregate
        .as_ref()
        .and_then(|a| a.window)
        .map(|w| match w.shape {
            WindowShape::Tumbling { size } => WindowKind::Tumbling {
                size_ms: size as i64,
            },
            WindowShape::Hopping { size, .. } => WindowKind::Hopping {
                size_ms: size as i64,
            },
            WindowShape::Session { .. } => WindowKind::Session,
        });
    let schema = shared.plan.output_schema();
    let encoder = RowEncoder::new(&schema, sink)?;
    let origins = log.committed_offsets(&spec.origin_group).await?;
    let progress = log.committed_offsets(&spec.progress_group).await?;
    let first_start = origins.is_empty();

    // The checkpoint, if any and readable; otherwise empty state at the origin.
    let mut checkpoint = None;
    if let Some(c) = &shared.checkpointing {
        match c.store.load(query_id, spec.task) {
            Ok(Some(cp)) => match decode_state(&cp.state) {
                Ok(state) => {
                    operator.restore(state);
                    // Pull queries read the store: refill it with the restored results
                    // (replay after the checkpoint then updates it as before).
                    shared.store.apply(&operator.current_results());
                    checkpoint = Some(cp);
                }
                Err(e) => tracing::warn!(query = %query_id, task = spec.task, error = %e,
                    "checkpoint state unreadable: rebuilding state from the origin"),
            },
            Ok(None) => {}
            Err(e) => tracing::warn!(query = %query_id, task = spec.task, error = %e,
                "checkpoint unreadable: rebuilding state from the origin"),
        }
    }
    if checkpoint.is_some()
        && window_kind.is_some()
        && shared.plan.emit == Some(Emit::Final)
        && !shared.final_refilled.swap(true, Ordering::Relaxed)
    {
        // An EMIT FINAL table's store holds the windows it emitted, which the restored state
        // no longer has: read them back from the sink (without them, only pull queries miss).
        // The whole sink, once, whichever task of a two-stage query restores first.
        if let Err(e) = crate::source_table::load_windows(log.as_ref(), sink, &shared.store).await {
            tracing::warn!(query = %query_id, error = %e,
                "EMIT FINAL table not refilled from its sink: pull queries miss earlier windows");
        }
    }

    let mut new_origins = Vec::new();
    let mut cursors = Vec::with_capacity(spec.partitions.len());
    for p in &spec.partitions {
        let origin = match find_offset(&origins, &spec.topic, p.partition) {
            Some(o) => o.max(p.start_offset),
            None => {
                let o = match spec.from {
                    StartFrom::Earliest => p.start_offset,
                    StartFrom::Latest => p.end_offset,
                };
                new_origins.push(CommittedOffset {
                    topic: spec.topic.clone(),
                    partition: p.partition,
                    offset: o,
                });
                o
            }
        };
        let offset = checkpoint
            .as_ref()
            .and_then(|cp| find_position(&cp.sources, &spec.topic, p.partition))
            .map_or(origin, |o| o.max(p.start_offset));
        let done = find_offset(&progress, &spec.topic, p.partition).unwrap_or(offset);
        cursors.push(Cursor {
            partition: p.partition,
            offset,
            replay_below: done,
        });
    }

    // Per sink partition: the floor of the producer-tag scan, and the sink end now (every
    // later append of this task lands at or past it: the floor of its next checkpoint).
    let mut written_up_to = HashMap::new();
    let mut sink_floors = Vec::with_capacity(sink_description.partitions.len());
    for sp in &sink_description.partitions {
        sink_floors.push((sp.partition, sp.end_offset));
        if !exactly_once {
            continue;
        }
        let floor = match &checkpoint {
            Some(cp) => find_position(&cp.sink_floors, &sink.topic, sp.partition),
            None => find_offset(&origins, &sink.topic, sp.partition),
        };
        let floor = match floor {
            Some(f) => f,
            None if first_start => {
                new_origins.push(CommittedOffset {
                    topic: sink.topic.clone(),
                    partition: sp.partition,
                    offset: sp.end_offset,
                });
                sp.end_offset
            }
            // An origin without sink floors (an older data directory): scan the whole sink.
            None => sp.start_offset,
        };
        for (index, cursor) in cursors.iter().enumerate() {
            let producer = (spec.producer)(cursor.partition);
            let last = log
                .last_producer_sequence(&sink.topic, sp.partition, producer, floor)
                .await?;
            if let Some(sequence) = last.filter(|s| *s > cursor.offset) {
                written_up_to.insert((sp.partition, index), sequence);
            }
        }
    }
    if !written_up_to.is_empty() {
        tracing::info!(query = %query_id, task = spec.task, already_written = ?written_up_to,
            "aggregate query replays past output it already wrote");
    }
    if !new_origins.is_empty() {
        log.commit_offsets(&spec.origin_group, &new_origins).await?;
    }
    let producers = cursors
        .iter()
        .map(|c| (spec.producer)(c.partition))
        .collect();
    let task = AggregateTask {
        log: log.clone(),
        processing_log: shared.processing_log.clone(),
        query_id: query_id.to_string(),
        task: spec.task,
        group: spec.progress_group,
        topic: spec.topic,
        sink_topic: sink.topic.clone(),
        sink_partitions,
        sink_by_key: spec.sink_by_key,
        input: spec.input,
        encoder,
        operator,
        window_kind,
        plan: shared.plan.clone(),
        stats: shared.stats.clone(),
        stop: shared.stop.clone(),
        late_reported: 0,
        store: shared.store.clone(),
        exactly_once,
        producers,
        written_up_to,
        sink_floors,
        checkpointing: shared.checkpointing.clone(),
        epoch: checkpoint.as_ref().map_or(0, |cp| cp.epoch),
    };
    Ok(tokio::spawn(task.run(cursors)))
}

struct Cursor {
    partition: u32,
    offset: i64,
    /// Records below this offset were processed before a restart: they rebuild state only.
    replay_below: i64,
}

struct AggregateTask {
    log: Arc<dyn Log>,
    processing_log: ProcessingLog,
    query_id: String,
    /// Its checkpoint's task number.
    task: u32,
    group: String,
    topic: String,
    sink_topic: String,
    sink_partitions: u32,
    /// See [`TaskSpec::sink_by_key`].
    sink_by_key: bool,
    input: Input,
    encoder: RowEncoder,
    operator: AggregateOperator,
    window_kind: Option<WindowKind>,
    plan: Arc<QueryPlan>,
    stats: Arc<QueryStats>,
    stop: watch::Receiver<bool>,
    late_reported: u64,
    /// The materialized rows pull queries read (see [`crate::table_store`]).
    store: TableStore,
    /// Whether appends are tagged (see the module doc).
    exactly_once: bool,
    /// Producer id per cursor (source partition).
    producers: Vec<u64>,
    /// Per (sink partition, cursor index): source offsets below this were written there
    /// before a restart.
    written_up_to: HashMap<(u32, usize), i64>,
    /// Per sink partition: the sink's end after this task's last append (or at its start).
    sink_floors: Vec<(u32, i64)>,
    checkpointing: Option<Checkpointing>,
    epoch: u64,
}

impl AggregateTask {
    async fn run(mut self, mut cursors: Vec<Cursor>) {
        let limits = ReadLimits {
            max_records: BATCH_RECORDS,
            max_bytes: BATCH_BYTES,
        };
        let mut changes = Vec::new();
        // By (sink partition, cursor index): one append each, in processing order.
        let mut out: BTreeMap<(u32, usize), Vec<Record>> = BTreeMap::new();
        let mut last_checkpoint = Instant::now();
        let mut dirty = false;
        loop {
            if *self.stop.borrow() {
                return;
            }
            let mut idle = true;
            let mut position = Vec::new();
            for (index, cursor) in cursors.iter_mut().enumerate() {
                let batch = match self
                    .log
                    .read(&self.topic, cursor.partition, cursor.offset, limits)
                    .await
                {
                    Ok(b) => b,
                    Err(e) => return self.failed("read", &e.to_string()),
                };
                if batch.records.is_empty() {
                    cursor.offset = batch.next_offset;
                    continue;
                }
                idle = false;
                for record in &batch.records {
                    changes.clear();
                    self.process(cursor.partition, record, &mut changes);
                    self.store.apply(&changes);
                    if record.offset < cursor.replay_below {
                        continue;
                    }
                    if matches!(self.input, Input::Source(_)) {
                        // (The first stage counts a repartitioned query's source records.)
                        self.stats.consumed.fetch_add(1, Ordering::Relaxed);
                    }
                    for change in changes.drain(..) {
                        if let Some((partition, r)) = self.encode(change, record.offset) {
                            if self
                                .written_up_to
                                .get(&(partition, index))
                                .is_some_and(|&up_to| record.offset < up_to)
                            {
                                self.stats.deduplicated.fetch_add(1, Ordering::Relaxed);
                                continue;
                            }
                            out.entry((partition, index)).or_default().push(r);
                        }
                    }
                }
                cursor.offset = batch.next_offset;
                if !self.written_up_to.is_empty() {
                    let next = batch.next_offset;
                    self.written_up_to
                        .retain(|(_, i), up_to| *i != index || *up_to > next);
                }
                if cursor.offset > cursor.replay_below {
                    position.push(CommittedOffset {
                        topic: self.topic.clone(),
                        partition: cursor.partition,
                        offset: cursor.offset,
                    });
                }
            }
            let late = self.operator.late_dropped;
            self.stats
                .late_dropped
                .fetch_add(late - self.late_reported, Ordering::Relaxed);
            self.late_reported = late;
            for ((partition, index), records) in out.iter_mut() {
                if records.is_empty() {
                    continue;
                }
                let n = records.len() as u64;
                let records = std::mem::take(records);
                let appended = match (self.producers.get(*index), cursors.get(*index)) {
                    (Some(&producer), Some(cursor)) if self.exactly_once => {
                        let tag = ProducerTag {
                            producer,
                            sequence: cursor.offset,
                        };
                        self.log
                            .append_tagged(&self.sink_topic, *partition, records, tag)
                            .await
                    }
                    _ => self.log.append(&self.sink_topic, *partition, records).await,
                };
                let base = match appended {
                    Ok(base) => base,
                    Err(e) => return self.failed("append", &e.to_string()),
                };
                if let Some(floor) = self.sink_floors.iter_mut().find(|f| f.0 == *partition) {
                    floor.1 = base + n as i64;
                }
                self.stats.produced.fetch_add(n, Ordering::Relaxed);
            }
            dirty |= !idle;
            if dirty {
                if let Some(interval) = self.checkpointing.as_ref().map(|c| c.interval) {
                    if last_checkpoint.elapsed() >= interval {
                        if let Err(e) = self.checkpoint(&cursors).await {
                            return self.failed("checkpoint", &e);
                        }
                        last_checkpoint = Instant::now();
                        dirty = false;
                    }
                }
            }
            if !position.is_empty() {
                if let Err(e) = self.log.commit_offsets(&self.group, &position).await {
                    return self.failed("commit", &e.to_string());
                }
            }
            if idle {
                let Some(first) = cursors.first() else {
                    return;
                };
                let wait = if cursors.len() == 1 {
                    Duration::from_secs(30)
                } else {
                    Duration::from_millis(50)
                };
                let mut stop = self.stop.clone();
                tokio::select! {
                    _ = stop.changed() => return,
                    waited = self.log.wait_for_data(&self.topic, first.partition, first.offset, wait) => {
                        if let Err(e) = waited {
                            return self.failed("wait", &e.to_string());
                        }
                    }
                }
            }
        }
    }

    /// Saves the state with the cursors' offsets and the sink floors (a batch boundary: every
    /// append so far is done).
    async fn checkpoint(&mut self, cursors: &[Cursor]) -> Result<(), String> {
        let Some(checkpointing) = &self.checkpointing else {
            return Ok(());
        };
        let state = encode_state(self.operator.state()).map_err(|e| e.to_string())?;
        self.epoch += 1;
        let checkpoint = Checkpoint {
            epoch: self.epoch,
            sources: cursors
                .iter()
                .map(|c| Position {
                    topic: self.topic.clone(),
                    partition: c.partition,
                    offset: c.offset,
                })
                .collect(),
            sink_floors: self
                .sink_floors
                .iter()
                .map(|&(partition, offset)| Position {
                    topic: self.sink_topic.clone(),
                    partition,
                    offset,
                })
                .collect(),
            state,
        };
        let store = checkpointing.store.clone();
        let query_id = self.query_id.clone();
        let task = self.task;
        tokio::task::spawn_blocking(move || store.save(&query_id, task, &checkpoint))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())
    }

    /// Decodes, filters and aggregates one record (a source record, or a repartition record
    /// the first stage evaluated).
    fn process(&mut self, partition: u32, record: &LoggedRecord, changes: &mut Vec<Change>) {
        let decoder = match &mut self.input {
            Input::Source(decoder) => decoder,
            Input::Repartition => {
                match repartition::decode(&record.record) {
                    Ok(RepartitionRecord::Row {
                        key,
                        key_values,
                        args,
                        time,
                    }) => self
                        .operator
                        .process_evaluated(&key, key_values, args, time, changes),
                    Ok(RepartitionRecord::Watermark(time)) => {
                        self.operator.advance_stream_time(time, changes)
                    }
                    Err(e) => {
                        let kind = ErrorKind::Deserialization {
                            target: crate::processing_log::Target::Value,
                        };
                        self.report(partition, record.offset, "repartition", kind, e.to_string());
                        return;
                    }
                }
                self.report_operator_errors(partition, record.offset);
                return;
            }
        };
        let row = match decoder.decode(partition, record) {
            Ok(DecodedRow::Row(row)) => row,
            // A table's tombstone deletes its key's row; a stream's is dropped.
            Ok(DecodedRow::NullValue(_)) => {
                let key = record.record.key.as_deref();
                let time = record.record.timestamp;
                self.operator
                    .process_source(key, time, None, false, changes);
                self.report_operator_errors(partition, record.offset);
                return;
            }
            Err(e) => {
                let kind = ErrorKind::Deserialization { target: e.target };
                self.report(
                    partition,
                    record.offset,
                    "deserializer",
                    kind,
                    e.error.to_string(),
                );
                return;
            }
        };
        let passes = match &self.plan.filter {
            None => true,
            Some(filter) => match rivulet_expr::eval_predicate(filter, &row) {
                Ok(b) => b,
                Err(e) => {
                    let kind = ErrorKind::RecordProcessing;
                    self.report(partition, record.offset, "filter", kind, e.to_string());
                    false
                }
            },
        };
        // Over a table, a row WHERE rejects removes its key's previous row from the aggregate.
        let key = record.record.key.as_deref();
        let time = record.record.timestamp;
        self.operator
            .process_source(key, time, Some(&row), passes, changes);
        self.report_operator_errors(partition, record.offset);
    }

    /// Reports the rows the operator could not aggregate to the processing log.
    fn report_operator_errors(&mut self, partition: u32, offset: i64) {
        for e in std::mem::take(&mut self.operator.errors) {
            self.report(
                partition,
                offset,
                e.step,
                ErrorKind::RecordProcessing,
                e.message,
            );
        }
    }

    /// One change as a sink record: windowed key, value or tombstone, partition.
    fn encode(&mut self, change: Change, offset: i64) -> Option<(u32, Record)> {
        let value = match change.row {
            None => None,
            Some(mut row) => match self.encoder.encode(&mut row) {
                Ok(encoded) => encoded.value,
                Err(e) => {
                    let kind = ErrorKind::Serialization { target: e.target };
                    self.report(0, offset, "serializer", kind, e.error.to_string());
                    return None;
                }
            },
        };
        let partition = if self.sink_by_key {
            partition_for_key(&change.key, self.sink_partitions)
        } else {
            change.partition
        };
        let key = match (change.window, self.window_kind) {
            (Some((start, end)), Some(kind)) => encode_windowed_key(&change.key, start, end, kind),
            _ => change.key,
        };
        Some((
            partition,
            Record::new(Some(Bytes::from(key)), value, change.timestamp),
        ))
    }

    fn report(
        &self,
        partition: u32,
        offset: i64,
        step: &'static str,
        kind: ErrorKind,
        message: String,
    ) {
        self.stats.errors.fetch_add(1, Ordering::Relaxed);
        self.processing_log.log(Failure {
            query_id: self.query_id.clone(),
            step,
            kind,
            message,
            topic: self.topic.clone(),
            partition,
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
            0,
        ));
        tracing::error!(query = %self.query_id, topic = %self.topic, step, message, "aggregate query stopped");
    }
}

#[cfg(test)]
mod tests {
    use rivulet_expr::aggregate::{Accumulator, StoredValue};

    use super::*;
    use crate::operator::hash_aggregate::WindowState;

    #[test]
    fn state_bytes_decode_to_the_encoded_state() {
        let mut state = AggregateState {
            stream_time: vec![5, i64::MIN],
            closing: vec![BTreeSet::new(), BTreeSet::new()],
            ..AggregateState::default()
        };
        for i in 0..100i64 {
            let key = format!("k{i}").into_bytes();
            state.groups.insert(
                key.clone(),
                GroupState {
                    key: vec![StoredValue(Value::Bigint(i))],
                    partition: (i % 2) as u32,
                    windows: vec![WindowState {
                        start: i * 10,
                        max_time: i * 10 + 3,
                        accumulators: vec![Accumulator::Count(i), Accumulator::SumDouble(0.5)],
                    }],
                },
            );
            state.closing[(i % 2) as usize].insert((i * 10 + 20, key, i * 10));
        }
        let bytes = encode_state(&state).expect("encodes");
        let back = decode_state(&bytes).expect("decodes");
        assert_eq!(back.stream_time, state.stream_time);
        assert_eq!(back.groups, state.groups);
        assert_eq!(back.closing, state.closing);
        assert!(decode_state(&bytes[..bytes.len() / 2]).is_err());
    }
}
