//! Transient aggregate push queries (`SELECT … [WINDOW …] GROUP BY … EMIT CHANGES`): one task
//! reads every partition of the source from the latest (or earliest) offset, decodes and
//! filters each record, feeds the I/O-free
//! [`AggregateOperator`](crate::operator::AggregateOperator) (a TABLE source's records as
//! changelog entries that undo their key's previous row) and sends every row it emits to
//! the client at once (ksqlDB with record caching off, reference 3.3 and 3.10: every input
//! that updates a group emits the group's new row).
//!
//! Stream time, grace and late records follow the operator, with one shuffle partition per
//! source partition (ksqlDB's repartition topic has as many partitions as its source). Group
//! keys are encoded as JSON for the state's map: a transient query writes no key bytes anywhere.
//! A group's deletion (HAVING turned false, a table aggregation's group emptied, a session
//! merged away) goes to the client as a tombstone of its key ([`super::tombstone`]); the key
//! values are read back from the group's key bytes. A record that fails to decode or evaluate is
//! counted and goes to the processing log; the query goes on.
//!
//! This module owns the log reading of aggregate push queries; it must not implement grouping
//! or windows (the operator does), nor register the query (see [`super::push`]).

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use rivulet_core::{Column, ColumnKind, LoggedRecord, Value};
use rivulet_format::{Format, Serde};
use rivulet_log::{Log, ReadLimits};
use rivulet_sql::planner::{QueryPlan, AGGREGATE_ROW_PREFIX};
use tokio::sync::mpsc;

use super::{
    aggregate_runner::key_codec,
    row_decoder::{DecodedRow, RowDecoder},
    tombstone::{PushItem, TombstoneLayout},
};
use crate::{
    catalog::Source,
    operator::{AggregateOperator, Change},
    processing_log::{ErrorKind, Failure, ProcessingLog},
    EngineError,
};

const BATCH_RECORDS: usize = 1000;
const BATCH_BYTES: usize = 1 << 20;

/// Where the task reads one partition.
pub(crate) struct Cursor {
    pub partition: u32,
    pub offset: i64,
}

/// Where the rows go: the client's channel, and the query's error counter.
pub(crate) struct ToClient {
    pub tx: mpsc::Sender<PushItem>,
    pub errors: Arc<AtomicU64>,
}

/// The single task of an aggregate push query.
pub(crate) struct AggregatePushTask {
    log: Arc<dyn Log>,
    processing_log: ProcessingLog,
    query_id: String,
    topic: String,
    decoder: RowDecoder,
    operator: AggregateOperator,
    /// Reads a group's key values back from its key bytes (for tombstones).
    keys: Serde,
    tombstones: TombstoneLayout,
    plan: Arc<QueryPlan>,
    tx: mpsc::Sender<PushItem>,
    errors: Arc<AtomicU64>,
}

impl AggregatePushTask {
    /// A task for the aggregate `plan` over `source`, which has `partitions` partitions.
    pub(crate) fn new(
        log: Arc<dyn Log>,
        processing_log: ProcessingLog,
        query_id: String,
        source: &Source,
        plan: Arc<QueryPlan>,
        partitions: u32,
        to_client: ToClient,
    ) -> Result<AggregatePushTask, EngineError> {
        let ToClient { tx, errors } = to_client;
        let key_columns: Vec<Column> = plan
            .aggregate
            .as_ref()
            .map(|a| {
                a.group_by
                    .iter()
                    .enumerate()
                    .map(|(i, g)| Column::new(format!("K{i}"), g.data_type(), ColumnKind::Key))
                    .collect()
            })
            .unwrap_or_default();
        let keys = Serde::new(Format::Json, key_columns.clone(), false)
            .map_err(|e| EngineError::statement(e.to_string()))?;
        // The aggregate row: ROWTIME, WINDOWSTART, WINDOWEND, the grouping keys, the results.
        let key_end = AGGREGATE_ROW_PREFIX + key_columns.len();
        let tombstones = TombstoneLayout::new(&plan.columns, |i| (1..key_end).contains(&i));
        let codec = key_codec(Format::Json, key_columns)?;
        let operator = AggregateOperator::new(plan.clone(), partitions, codec)
            .ok_or_else(|| EngineError::server("not an aggregate query"))?;
        Ok(AggregatePushTask {
            log,
            processing_log,
            query_id,
            topic: source.topic.clone(),
            decoder: RowDecoder::for_plan(source, &plan)?,
            operator,
            keys,
            tombstones,
            plan,
            tx,
            errors,
        })
    }

    /// Reads every partition in turn until the client goes or a read fails.
    pub(crate) async fn run(mut self, mut cursors: Vec<Cursor>) {
        let limits = ReadLimits {
            max_records: BATCH_RECORDS,
            max_bytes: BATCH_BYTES,
        };
        let mut changes = Vec::new();
        loop {
            let mut idle = true;
            for cursor in cursors.iter_mut() {
                let (partition, offset) = (cursor.partition, cursor.offset);
                let batch = match self.log.read(&self.topic, partition, offset, limits).await {
                    Ok(b) => b,
                    Err(e) => {
                        tracing::warn!(topic = %self.topic, partition, error = %e, "aggregate push query stopped reading");
                        return;
                    }
                };
                cursor.offset = batch.next_offset;
                if batch.records.is_empty() {
                    continue;
                }
                idle = false;
                for record in &batch.records {
                    changes.clear();
                    self.process(partition, record, &mut changes);
                    for change in changes.drain(..) {
                        let item = match change.row {
                            Some(row) => PushItem::Row(row),
                            None => self.tombstone(&change),
                        };
                        if self.tx.send(item).await.is_err() {
                            return;
                        }
                    }
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
                tokio::select! {
                    _ = self.tx.closed() => return,
                    waited = self.log.wait_for_data(&self.topic, first.partition, first.offset, wait) => {
                        if waited.is_err() {
                            return;
                        }
                    }
                }
            }
        }
    }

    /// The tombstone of a deleted group and window: its key values (NULL if its key bytes do
    /// not read back) and window bounds where the projection has them.
    fn tombstone(&self, change: &Change) -> PushItem {
        let (start, end) = change.window.map_or((Value::Null, Value::Null), |(s, e)| {
            (Value::Bigint(s), Value::Bigint(e))
        });
        let mut row = vec![Value::Null, start, end];
        if self.keys.decode(Some(&change.key), &mut row).is_err() {
            let n = self.keys.columns().len();
            row.extend(std::iter::repeat_with(|| Value::Null).take(n));
        }
        PushItem::Tombstone(self.tombstones.row(&row))
    }

    /// Decodes, filters and aggregates one record; errors are counted and logged.
    fn process(&mut self, partition: u32, record: &LoggedRecord, changes: &mut Vec<Change>) {
        let row = match self.decoder.decode(partition, record) {
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
                let message = e.error.to_string();
                self.fail(partition, record.offset, "deserializer", kind, message);
                return;
            }
        };
        let passes = match &self.plan.filter {
            None => true,
            Some(filter) => match rivulet_expr::eval_predicate(filter, &row) {
                Ok(b) => b,
                Err(e) => {
                    let kind = ErrorKind::RecordProcessing;
                    self.fail(partition, record.offset, "filter", kind, e.to_string());
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
            let kind = ErrorKind::RecordProcessing;
            self.fail(partition, offset, e.step, kind, e.message);
        }
    }

    fn fail(
        &self,
        partition: u32,
        offset: i64,
        step: &'static str,
        kind: ErrorKind,
        message: String,
    ) {
        self.errors.fetch_add(1, Ordering::Relaxed);
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
}
