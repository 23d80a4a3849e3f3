//! Materialization of `CREATE SOURCE TABLE`s: a background reader per table reads every
//! partition of its topic from the beginning and keeps the latest row per key in a
//! [`TableStore`] (a null value deletes the key; records with a null key are dropped, as ksqlDB
//! drops them), so that pull queries can read it. State is in memory: it is rebuilt from the
//! topic at every start. [`load`] reads a topic once, to its current end: a stateless
//! `CREATE TABLE … AS SELECT` refills its sink's store with it when it starts.
//! [`load_windows`] does the same for a windowed aggregation's sink, keyed as the aggregate
//! runner keys its store (the inner key bytes and the window read from the windowed key): an
//! EMIT FINAL aggregation restored from a checkpoint refills its store with the windows it
//! emitted (its state no longer holds them). Stored values follow the store's own column
//! order, matched by name.
//!
//! This module owns the reader task; it must not plan queries nor change the catalog.

use std::{sync::Arc, time::Duration};

use rivulet_core::Value;
use rivulet_format::{decode_windowed_key, WindowKind};
use rivulet_log::{Log, ReadLimits};
use tokio::task::JoinHandle;

use crate::{
    catalog::Source,
    operator::Change,
    query::row_decoder::{DecodedRow, RowDecoder},
    table_store::TableStore,
    EngineError,
};

/// Columns before the source's columns in a decoded row (ROWTIME, ROWPARTITION, ROWOFFSET).
const PSEUDO: usize = 3;

/// A store for `source`'s rows: its columns in declaration order.
pub fn store_for(source: &Source) -> TableStore {
    TableStore::new(
        source
            .schema
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect(),
    )
}

/// How a source's decoded rows become a store's changes.
struct Layout {
    /// Per store column: its index in the decoded row.
    positions: Vec<Option<usize>>,
    /// The key layout of a windowed source.
    window: Option<WindowKind>,
}

impl Layout {
    /// `split_window`: key the store by the inner key and the window of a windowed key
    /// (otherwise by the whole key bytes).
    fn new(source: &Source, store: &TableStore, split_window: bool) -> Layout {
        let schema = source.query_schema();
        Layout {
            positions: store
                .columns()
                .iter()
                .map(|name| schema.index_of(name).map(|i| PSEUDO + i))
                .collect(),
            window: source
                .window
                .as_ref()
                .filter(|_| split_window)
                .map(crate::row_writer::window_kind),
        }
    }
}

/// Starts the reader keeping `store` up to date with `source`'s topic.
pub async fn start(
    log: Arc<dyn Log>,
    source: &Source,
    store: TableStore,
) -> Result<JoinHandle<()>, EngineError> {
    let partitions: Vec<(u32, i64)> = log
        .describe_topic(&source.topic)
        .await?
        .partitions
        .iter()
        .map(|p| (p.partition, p.start_offset))
        .collect();
    let decoder = RowDecoder::new(source)?;
    let layout = Layout::new(source, &store, false);
    let topic = source.topic.clone();
    let name = source.name.clone();
    Ok(tokio::spawn(async move {
        if let Err(e) = run(log, &topic, partitions, decoder, layout, store).await {
            tracing::error!(table = %name, error = %e, "source table reader stopped");
        }
    }))
}

/// Reads `source`'s topic from its start to its current end into `store` (the latest row per
/// key), and returns. Used to refill the store of a table a query writes before the query
/// starts again.
pub async fn load(log: &dyn Log, source: &Source, store: &TableStore) -> Result<(), EngineError> {
    load_with(log, source, store, Layout::new(source, store, false)).await
}

/// Reads the windowed table `source` (an aggregation's sink) from its start to its current
/// end into `store`, keyed by inner key bytes and window as the aggregate runner keys it.
pub async fn load_windows(
    log: &dyn Log,
    source: &Source,
    store: &TableStore,
) -> Result<(), EngineError> {
    load_with(log, source, store, Layout::new(source, store, true)).await
}

async fn load_with(
    log: &dyn Log,
    source: &Source,
    store: &TableStore,
    layout: Layout,
) -> Result<(), EngineError> {
    let limits = ReadLimits {
        max_records: 16_384,
        max_bytes: 8 << 20,
    };
    let mut decoder = RowDecoder::new(source)?;
    let mut changes = Vec::new();
    for p in log.describe_topic(&source.topic).await?.partitions {
        let mut offset = p.start_offset;
        while offset < p.end_offset {
            let batch = log.read(&source.topic, p.partition, offset, limits).await?;
            if batch.records.is_empty() {
                break;
            }
            offset = batch.next_offset;
            changes.clear();
            changes.extend(
                batch
                    .records
                    .iter()
                    .take_while(|r| r.offset < p.end_offset)
                    .filter_map(|r| change_of(&mut decoder, &layout, p.partition, r)),
            );
            store.apply(&changes);
        }
    }
    Ok(())
}

/// One record as a store change: an upsert, or a delete for a null value. `None` for a record
/// with a null key or one that does not decode.
fn change_of(
    decoder: &mut RowDecoder,
    layout: &Layout,
    partition: u32,
    record: &rivulet_core::LoggedRecord,
) -> Option<Change> {
    let key = record.record.key.as_ref()?;
    let (key, window) = match layout.window {
        Some(kind) => {
            let (inner, start, end) = decode_windowed_key(key, kind).ok()?;
            (inner, Some((start, end)))
        }
        None => (&key[..], None),
    };
    let row = match decoder.decode(partition, record) {
        Ok(DecodedRow::Row(mut row)) => Some(
            layout
                .positions
                .iter()
                .map(|p| {
                    p.and_then(|i| row.get_mut(i))
                        .map_or(Value::Null, std::mem::take)
                })
                .collect(),
        ),
        Ok(DecodedRow::NullValue(_)) => None,
        // Undecodable records are skipped (push queries report them).
        Err(_) => return None,
    };
    Some(Change {
        key: key.to_vec(),
        window,
        partition,
        timestamp: record.record.timestamp,
        row,
    })
}

async fn run(
    log: Arc<dyn Log>,
    topic: &str,
    mut cursors: Vec<(u32, i64)>,
    mut decoder: RowDecoder,
    layout: Layout,
    store: TableStore,
) -> Result<(), EngineError> {
    let limits = ReadLimits {
        max_records: 16_384,
        max_bytes: 8 << 20,
    };
    let mut changes = Vec::new();
    loop {
        let mut idle = true;
        for (partition, offset) in cursors.iter_mut() {
            let batch = log.read(topic, *partition, *offset, limits).await?;
            *offset = batch.next_offset;
            if batch.records.is_empty() {
                continue;
            }
            idle = false;
            changes.clear();
            changes.extend(
                batch
                    .records
                    .iter()
                    .filter_map(|r| change_of(&mut decoder, &layout, *partition, r)),
            );
            store.apply(&changes);
        }
        if idle {
            let Some((partition, offset)) = cursors.first().copied() else {
                return Ok(());
            };
            let wait = if cursors.len() == 1 {
                Duration::from_secs(1)
            } else {
                Duration::from_millis(50)
            };
            log.wait_for_data(topic, partition, offset, wait).await?;
        }
    }
}
