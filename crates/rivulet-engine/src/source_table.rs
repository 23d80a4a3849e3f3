//! Materialization of `CREATE SOURCE TABLE`s: a background reader per table reads every
//! partition of its topic from the beginning and keeps the latest row per key in a
//! [`TableStore`] (a null value deletes the key; records with a null key are dropped, as ksqlDB
//! drops them), so that pull queries can read it. State is in memory: it is rebuilt from the
//! topic at every start.
//!
//! This module owns the reader task; it must not plan queries nor change the catalog.

use std::{sync::Arc, time::Duration};

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
    let topic = source.topic.clone();
    let name = source.name.clone();
    Ok(tokio::spawn(async move {
        if let Err(e) = run(log, &topic, partitions, decoder, store).await {
            tracing::error!(table = %name, error = %e, "source table reader stopped");
        }
    }))
}

async fn run(
    log: Arc<dyn Log>,
    topic: &str,
    mut cursors: Vec<(u32, i64)>,
    mut decoder: RowDecoder,
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
            for record in &batch.records {
                let Some(key) = record.record.key.as_ref() else {
                    continue;
                };
                let row = match decoder.decode(*partition, record) {
                    Ok(DecodedRow::Row(mut row)) => Some(row.split_off(PSEUDO.min(row.len()))),
                    Ok(DecodedRow::NullValue(_)) => None,
                    // Undecodable records are skipped (push queries report them).
                    Err(_) => continue,
                };
                changes.push(Change {
                    key: key.to_vec(),
                    window: None,
                    partition: *partition,
                    timestamp: record.record.timestamp,
                    row,
                });
            }
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
