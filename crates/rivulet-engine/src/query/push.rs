//! Transient push queries (`SELECT … EMIT CHANGES`): one task per source partition reads from
//! the latest (or earliest) offset, decodes, filters and projects each record, and sends the
//! rows to the client's channel until the client goes, the query is closed, or its LIMIT is
//! reached. A record that fails to decode or evaluate is counted and goes to the processing log
//! ([`crate::processing_log`]); the query goes on. A query with GROUP BY runs one aggregating
//! task over all partitions instead ([`super::push_aggregate`]). Over a table, a record
//! with a null value is a deletion: the client gets a tombstone for its key
//! ([`super::tombstone`]).

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use rivulet_core::{Schema, Value};
use rivulet_expr::{eval, eval_predicate};
use rivulet_log::{Log, ReadLimits};
use rivulet_sql::planner::QueryPlan;
use tokio::{
    sync::{mpsc, watch},
    task::JoinHandle,
};

use super::{
    push_aggregate::{AggregatePushTask, Cursor, ToClient},
    row_decoder::{DecodedRow, RowDecoder},
    tombstone::{PushItem, TombstoneLayout},
};
use crate::{
    catalog::Source,
    processing_log::{ErrorKind, Failure, ProcessingLog},
    EngineError,
};

/// Where a query starts reading (`auto.offset.reset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartFrom {
    Earliest,
    Latest,
}

impl StartFrom {
    /// From an `auto.offset.reset` value; ksqlDB's default is latest.
    pub fn from_property(value: Option<&str>) -> StartFrom {
        match value.map(|v| v.trim().to_ascii_lowercase()) {
            Some(v) if v == "earliest" => StartFrom::Earliest,
            _ => StartFrom::Latest,
        }
    }
}

/// The running push queries, by id, so `/close-query` can stop one.
#[derive(Default, Clone)]
pub struct PushRegistry {
    queries: Arc<Mutex<HashMap<String, RegisteredPush>>>,
}

/// A running push query's stop switch and SQL text (for SHOW QUERIES).
struct RegisteredPush {
    stop: watch::Sender<bool>,
    sql: String,
}

impl PushRegistry {
    /// Stops a running query; false if there is none with this id.
    pub fn close(&self, id: &str) -> bool {
        let found = self.queries.lock().ok().and_then(|mut q| {
            q.remove(id).or_else(|| {
                let key = q.keys().find(|k| k.eq_ignore_ascii_case(id))?.clone();
                q.remove(&key)
            })
        });
        match found {
            Some(registered) => {
                let _ = registered.stop.send(true);
                true
            }
            None => false,
        }
    }

    /// Ids of the running push queries.
    pub fn ids(&self) -> Vec<String> {
        self.queries
            .lock()
            .map(|q| q.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Id and SQL text of each running push query, by id.
    pub fn running(&self) -> Vec<(String, String)> {
        let mut running: Vec<(String, String)> = self
            .queries
            .lock()
            .map(|q| {
                q.iter()
                    .map(|(id, r)| (id.clone(), r.sql.clone()))
                    .collect()
            })
            .unwrap_or_default();
        running.sort();
        running
    }
}

/// A running push query, as its client sees it.
pub struct PushQuery {
    pub id: String,
    pub schema: Schema,
    pub limit: Option<u32>,
    /// Records that failed to decode or evaluate so far.
    pub errors: Arc<AtomicU64>,
    rows: mpsc::Receiver<PushItem>,
    stopped: watch::Receiver<bool>,
    sent: u64,
    tasks: Vec<JoinHandle<()>>,
    registry: PushRegistry,
}

impl PushQuery {
    /// The next row, skipping tombstones (as `/query-stream` and the SSE feeds drop them);
    /// `None` once the query is closed or its LIMIT was reached.
    pub async fn next(&mut self) -> Option<Vec<Value>> {
        loop {
            match self.next_item().await? {
                PushItem::Row(row) => return Some(row),
                PushItem::Tombstone(_) => tracing::trace!(query = %self.id, "Dropped tombstone"),
            }
        }
    }

    /// The next row or tombstone (a tombstone counts toward LIMIT, as a row does); `None`
    /// once the query is closed or its LIMIT was reached.
    pub async fn next_item(&mut self) -> Option<PushItem> {
        if self.limit.is_some_and(|l| self.sent >= u64::from(l)) || *self.stopped.borrow() {
            return None;
        }
        tokio::select! {
            item = self.rows.recv() => {
                self.sent += 1;
                item
            }
            _ = self.stopped.changed() => None,
        }
    }

    /// Whether the LIMIT was reached (as opposed to a close).
    pub fn limit_reached(&self) -> bool {
        self.limit.is_some_and(|l| self.sent >= u64::from(l))
    }
}

impl Drop for PushQuery {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        if let Ok(mut q) = self.registry.queries.lock() {
            q.remove(&self.id);
        }
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A ksqlDB-style transient query id.
pub fn transient_id(source: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let n = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    format!(
        "transient_{source}_{}",
        (nanos ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)) >> 1
    )
}

/// Starts `plan` (the query `sql`) over `source`.
pub async fn start(
    log: Arc<dyn Log>,
    processing_log: ProcessingLog,
    registry: PushRegistry,
    source: &Source,
    plan: QueryPlan,
    sql: &str,
    from: StartFrom,
) -> Result<PushQuery, EngineError> {
    let partitions = log.describe_topic(&source.topic).await?.partitions;
    let id = transient_id(&source.name);
    let (tx, rx) = mpsc::channel(1024);
    let (stop_tx, stop_rx) = watch::channel(false);
    let errors = Arc::new(AtomicU64::new(0));
    let plan = Arc::new(plan);
    let mut tasks = Vec::with_capacity(partitions.len());
    let start_of = |p: &rivulet_log::PartitionDescription| match from {
        StartFrom::Earliest => p.start_offset,
        StartFrom::Latest => p.end_offset,
    };
    if plan.aggregate.is_some() {
        // GROUP BY: one task over every partition (see `push_aggregate`).
        let task = AggregatePushTask::new(
            log.clone(),
            processing_log.clone(),
            id.clone(),
            source,
            plan.clone(),
            partitions.len() as u32,
            ToClient {
                tx: tx.clone(),
                errors: errors.clone(),
            },
        )?;
        let cursors = partitions
            .iter()
            .map(|p| Cursor {
                partition: p.partition,
                offset: start_of(p),
            })
            .collect();
        tasks.push(tokio::spawn(task.run(cursors)));
    }
    for p in partitions.iter().filter(|_| plan.aggregate.is_none()) {
        let start = start_of(p);
        let decoder = RowDecoder::for_plan(source, &plan)?;
        let tombstones = plan
            .source_is_table
            .then(|| TombstoneLayout::new(&plan.columns, |i| decoder.is_key_row(i)));
        let task = PartitionTask {
            log: log.clone(),
            processing_log: processing_log.clone(),
            query_id: id.clone(),
            topic: source.topic.clone(),
            partition: p.partition,
            decoder,
            tombstones,
            plan: plan.clone(),
            tx: tx.clone(),
            errors: errors.clone(),
        };
        tasks.push(tokio::spawn(task.run(start)));
    }
    if let Ok(mut q) = registry.queries.lock() {
        q.insert(
            id.clone(),
            RegisteredPush {
                stop: stop_tx,
                sql: sql.to_string(),
            },
        );
    }
    Ok(PushQuery {
        id,
        schema: plan.output_schema(),
        limit: plan.limit,
        errors,
        rows: rx,
        stopped: stop_rx,
        sent: 0,
        tasks,
        registry,
    })
}

struct PartitionTask {
    log: Arc<dyn Log>,
    processing_log: ProcessingLog,
    query_id: String,
    topic: String,
    partition: u32,
    decoder: RowDecoder,
    /// For a table source: how a deleted key is written.
    tombstones: Option<TombstoneLayout>,
    plan: Arc<QueryPlan>,
    tx: mpsc::Sender<PushItem>,
    errors: Arc<AtomicU64>,
}

impl PartitionTask {
    async fn run(mut self, mut offset: i64) {
        let limits = ReadLimits {
            max_records: 1000,
            max_bytes: 1 << 20,
        };
        loop {
            let batch = match self
                .log
                .read(&self.topic, self.partition, offset, limits)
                .await
            {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(topic = %self.topic, partition = self.partition, error = %e, "push query stopped reading");
                    return;
                }
            };
            if batch.records.is_empty() {
                tokio::select! {
                    _ = self.tx.closed() => return,
                    waited = self.log.wait_for_data(&self.topic, self.partition, batch.next_offset, Duration::from_secs(30)) => {
                        if waited.is_err() {
                            return;
                        }
                    }
                }
                offset = batch.next_offset;
                continue;
            }
            for record in &batch.records {
                let Some(row) = self.process(record) else {
                    continue;
                };
                if self.tx.send(row).await.is_err() {
                    return;
                }
            }
            offset = batch.next_offset;
        }
    }

    /// Decodes, filters and projects one record; errors are counted and logged.
    fn process(&mut self, record: &rivulet_core::LoggedRecord) -> Option<PushItem> {
        let mut row = match self.decoder.decode_first(self.partition, record) {
            Ok(DecodedRow::Row(row)) => row,
            // A table's null value deletes its key (whatever WHERE says, as a KTable filter
            // forwards deletions); tables drop records with a null key. ksqlDB's push queries
            // drop null-value stream records ("invalid data"), unlike persistent queries
            // (TransientQuerySinkProcessor).
            Ok(DecodedRow::NullValue(row)) => {
                let layout = self.tombstones.as_ref()?;
                record.record.key.as_ref()?;
                return Some(PushItem::Tombstone(layout.row(&row)));
            }
            Err(e) => {
                let kind = ErrorKind::Deserialization { target: e.target };
                self.fail(record.offset, "deserializer", kind, e.error.to_string());
                return None;
            }
        };
        if let Some(filter) = &self.plan.filter {
            match eval_predicate(filter, &row) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    let kind = ErrorKind::RecordProcessing;
                    self.fail(record.offset, "filter", kind, e.to_string());
                    return None;
                }
            }
        }
        // The columns the filter did not need, for the rows it kept.
        if let Err(e) = self.decoder.complete(record, &mut row) {
            let kind = ErrorKind::Deserialization { target: e.target };
            self.fail(record.offset, "deserializer", kind, e.error.to_string());
            return None;
        }
        let mut out = Vec::with_capacity(self.plan.columns.len());
        for c in &self.plan.columns {
            match eval(&c.expr, &row) {
                Ok(v) => out.push(v),
                Err(e) => {
                    let kind = ErrorKind::RecordProcessing;
                    self.fail(record.offset, "project", kind, e.to_string());
                    out.push(Value::Null);
                }
            }
        }
        Some(PushItem::Row(out))
    }

    fn fail(&self, offset: i64, step: &'static str, kind: ErrorKind, message: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
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
}
