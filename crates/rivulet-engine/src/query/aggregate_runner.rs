//! Persistent aggregate queries (`CREATE TABLE … AS SELECT … GROUP BY …`): one task reads every
//! partition of the source stream, decodes and filters each record, feeds the
//! [`AggregateOperator`](crate::operator::AggregateOperator) and appends the changes it returns
//! to the sink topic as a changelog: key = the grouping columns in the sink's key format (for a
//! windowed table followed by the window, laid out as Kafka Streams' windowed serdes do), value
//! = the value columns, or a tombstone (null value) when HAVING turns false.
//! Output partition: Kafka's partitioner over the inner key bytes (Kafka Streams'
//! `WindowedStreamPartitioner` also hashes only the inner key).
//!
//! Restart: operator state is kept in memory only (checkpoints come later). To keep results
//! correct after a restart, the query remembers where it first started reading each partition
//! (consumer group `_rivulet-query-<ID>-origin`) and, on restart, re-reads the source from
//! there, rebuilding the state without writing output for records below its committed progress
//! (group `_rivulet-query-<ID>`); output resumes with the first record not yet processed.
//! Delivery is at-least-once: changes appended after the last commit before a crash are
//! appended again (idempotent upserts for a changelog reader). If the source's retention has
//! deleted records since the origin, the rebuilt state lacks them.
//!
//! This module owns the log I/O of aggregate queries; it must not implement grouping or
//! windows (the operator does) nor change the catalog.

use std::{
    collections::HashMap,
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use bytes::Bytes;
use rivulet_core::{Column, ColumnKind, LoggedRecord, Record, Value};
use rivulet_format::{encode_windowed_key, Format, Serde, WindowKind};
use rivulet_log::{CommittedOffset, Log, ReadLimits};
use rivulet_sql::planner::{QueryPlan, WindowShape};
use tokio::sync::watch;

use super::{
    persistent::{consumer_group, QueryStats, RunningQuery},
    row_decoder::{DecodedRow, RowDecoder},
    row_encoder::RowEncoder,
    StartFrom,
};
use crate::{
    catalog::Source,
    operator::{AggregateOperator, Change, KeyCodec},
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

/// Starts the aggregate `plan` reading `source` and writing the table `sink`.
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
) -> Result<RunningQuery, EngineError> {
    let partitions = log.describe_topic(&source.topic).await?.partitions;
    let sink_partitions = log.describe_topic(&sink.topic).await?.partitions.len() as u32;
    if sink_partitions == 0 {
        return Err(EngineError::server(format!(
            "Sink topic '{}' has no partitions",
            sink.topic
        )));
    }
    let key_format = Format::parse(&sink.key_format.name, sink.key_format.delimiter.as_deref())
        .map_err(|e| EngineError::statement(e.to_string()))?;
    let codec = key_codec(key_format, group_key_columns(&plan))?;
    let window_kind = plan
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
        });
    let schema = plan.output_schema();
    let encoder = RowEncoder::new(&schema, sink)?;
    let plan = Arc::new(plan);
    let operator = AggregateOperator::new(plan.clone(), sink_partitions, codec)
        .ok_or_else(|| EngineError::server("not an aggregate query"))?;

    let origin_group = origin_group(query_id);
    let progress_group = consumer_group(query_id);
    let origins = log.committed_offsets(&origin_group).await?;
    let progress = log.committed_offsets(&progress_group).await?;
    let find = |list: &[CommittedOffset], p: u32| {
        list.iter()
            .find(|c| c.topic == source.topic && c.partition == p)
            .map(|c| c.offset)
    };
    let mut new_origins = Vec::new();
    let mut cursors = Vec::with_capacity(partitions.len());
    for p in &partitions {
        let origin = match find(&origins, p.partition) {
            Some(o) => o.max(p.start_offset),
            None => {
                let o = match from {
                    StartFrom::Earliest => p.start_offset,
                    StartFrom::Latest => p.end_offset,
                };
                new_origins.push(CommittedOffset {
                    topic: source.topic.clone(),
                    partition: p.partition,
                    offset: o,
                });
                o
            }
        };
        let done = find(&progress, p.partition).unwrap_or(origin);
        cursors.push(Cursor {
            partition: p.partition,
            offset: origin,
            replay_below: done,
        });
    }
    if !new_origins.is_empty() {
        log.commit_offsets(&origin_group, &new_origins).await?;
    }
    let stats = Arc::new(QueryStats::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let task = AggregateTask {
        log,
        processing_log,
        query_id: query_id.to_string(),
        group: progress_group,
        topic: source.topic.clone(),
        sink_topic: sink.topic.clone(),
        decoder: RowDecoder::new(source)?,
        encoder,
        operator,
        window_kind,
        plan,
        stats: stats.clone(),
        stop: stop_rx,
        late_reported: 0,
        store,
    };
    let handle = tokio::spawn(task.run(cursors));
    Ok(RunningQuery::from_parts(stats, stop_tx, vec![handle]))
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
    group: String,
    topic: String,
    sink_topic: String,
    decoder: RowDecoder,
    encoder: RowEncoder,
    operator: AggregateOperator,
    window_kind: Option<WindowKind>,
    plan: Arc<QueryPlan>,
    stats: Arc<QueryStats>,
    stop: watch::Receiver<bool>,
    late_reported: u64,
    /// The materialized rows pull queries read (see [`crate::table_store`]).
    store: TableStore,
}

impl AggregateTask {
    async fn run(mut self, mut cursors: Vec<Cursor>) {
        let limits = ReadLimits {
            max_records: BATCH_RECORDS,
            max_bytes: BATCH_BYTES,
        };
        let mut changes = Vec::new();
        let mut out: HashMap<u32, Vec<Record>> = HashMap::new();
        loop {
            if *self.stop.borrow() {
                return;
            }
            let mut idle = true;
            let mut position = Vec::new();
            for cursor in cursors.iter_mut() {
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
                    self.stats.consumed.fetch_add(1, Ordering::Relaxed);
                    for change in changes.drain(..) {
                        if let Some((partition, r)) = self.encode(change, record.offset) {
                            out.entry(partition).or_default().push(r);
                        }
                    }
                }
                cursor.offset = batch.next_offset;
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

    /// Decodes, filters and aggregates one record.
    fn process(&mut self, partition: u32, record: &LoggedRecord, changes: &mut Vec<Change>) {
        let row = match self.decoder.decode(partition, record) {
            Ok(DecodedRow::Row(row)) => row,
            // GROUP BY drops tombstones, as ksqlDB does.
            Ok(DecodedRow::NullValue(_)) => return,
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
        if let Some(filter) = &self.plan.filter {
            match rivulet_expr::eval_predicate(filter, &row) {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    let kind = ErrorKind::RecordProcessing;
                    self.report(partition, record.offset, "filter", kind, e.to_string());
                    return;
                }
            }
        }
        self.operator.process(&row, changes);
        for e in std::mem::take(&mut self.operator.errors) {
            self.report(
                partition,
                record.offset,
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
        let partition = change.partition;
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
        self.processing_log.log(Failure {
            query_id: self.query_id.clone(),
            step,
            kind: ErrorKind::Production,
            message: message.to_string(),
            topic: self.sink_topic.clone(),
            partition: 0,
            offset: -1,
        });
        tracing::error!(query = %self.query_id, topic = %self.topic, step, message, "aggregate query stopped");
    }
}
