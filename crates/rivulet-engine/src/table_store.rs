//! Materialized tables: for each `CREATE TABLE … AS SELECT` (aggregating or projecting a
//! table) and `CREATE SOURCE TABLE`, the latest output row per (key, window) exactly as the
//! query emits it (after HAVING / WHERE and projection); a tombstone deletes the entry. Pull
//! queries and `GET /tables/{name}/rows` read these stores instead of re-reading the table's
//! topic.
//!
//! The runners update a store through one call, [`TableStore::apply`], with the changes of
//! every record they process (records replayed after a restart included, so the store is
//! rebuilt with the operator's state; a stateless table query first reloads its sink topic, and
//! so does an EMIT FINAL aggregation restored from a checkpoint, whose state no longer holds the
//! windows it emitted).
//! Stores live in memory only.
//!
//! This module owns the stores; it must not read the log nor plan queries.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, RwLock},
};

use rivulet_core::Value;

use crate::operator::Change;

/// One materialized row.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRow {
    /// `(start, end)` of a windowed table's row.
    pub window: Option<(i64, i64)>,
    /// The timestamp of the change that wrote it (the row's ROWTIME).
    pub timestamp: i64,
    /// The output row, in the order of [`TableStore::columns`].
    pub values: Vec<Value>,
}

type RowKey = (Vec<u8>, Option<(i64, i64)>);

#[derive(Debug, Default)]
struct Rows {
    rows: BTreeMap<RowKey, StoredRow>,
}

/// The materialized rows of one table; cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct TableStore {
    columns: Arc<Vec<String>>,
    rows: Arc<RwLock<Rows>>,
}

impl TableStore {
    /// An empty store of rows whose values are the output columns `columns`, in order.
    pub fn new(columns: Vec<String>) -> TableStore {
        TableStore {
            columns: Arc::new(columns),
            rows: Arc::default(),
        }
    }

    /// The names of the stored rows' columns, in order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Applies the changes the query emitted: an upsert per row, a delete per tombstone.
    pub fn apply(&self, changes: &[Change]) {
        if changes.is_empty() {
            return;
        }
        let mut rows = self.rows.write().unwrap_or_else(|e| e.into_inner());
        for change in changes {
            let key = (change.key.clone(), change.window);
            match &change.row {
                Some(values) => {
                    rows.rows.insert(
                        key,
                        StoredRow {
                            window: change.window,
                            timestamp: change.timestamp,
                            values: values.clone(),
                        },
                    );
                }
                None => {
                    rows.rows.remove(&key);
                }
            }
        }
    }

    /// Whether the (unwindowed) table holds a row for `key`.
    pub fn contains(&self, key: &[u8]) -> bool {
        let rows = self.rows.read().unwrap_or_else(|e| e.into_inner());
        rows.rows.contains_key(&(key.to_vec(), None))
    }

    /// Every row, ordered by key bytes then window.
    pub fn snapshot(&self) -> Vec<StoredRow> {
        let rows = self.rows.read().unwrap_or_else(|e| e.into_inner());
        rows.rows.values().cloned().collect()
    }

    /// How many rows the table holds.
    pub fn len(&self) -> usize {
        self.rows
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .rows
            .len()
    }

    /// Whether the table holds no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The stores of the materialized tables, by table name.
#[derive(Debug, Clone, Default)]
pub struct TableStores {
    stores: Arc<RwLock<HashMap<String, TableStore>>>,
}

impl TableStores {
    /// Registers (or replaces) the store of `table`.
    pub fn insert(&self, table: &str, store: TableStore) {
        self.stores
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(table.to_string(), store);
    }

    /// The store of `table`, if it is materialized.
    pub fn get(&self, table: &str) -> Option<TableStore> {
        self.stores
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(table)
            .cloned()
    }

    /// Forgets the store of `table`.
    pub fn remove(&self, table: &str) {
        self.stores
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(table);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(key: &str, window: Option<(i64, i64)>, row: Option<Vec<Value>>) -> Change {
        Change {
            key: key.as_bytes().to_vec(),
            window,
            partition: 0,
            timestamp: 7,
            row,
        }
    }

    #[test]
    fn upserts_and_tombstones_per_key_and_window() {
        let store = TableStore::new(vec!["K".into(), "N".into()]);
        store.apply(&[
            change("a", None, Some(vec![Value::string("a"), Value::Bigint(1)])),
            change("b", None, Some(vec![Value::string("b"), Value::Bigint(1)])),
            change("a", None, Some(vec![Value::string("a"), Value::Bigint(2)])),
        ]);
        let rows = store.snapshot();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].values[1], Value::Bigint(2));
        store.apply(&[change("b", None, None)]);
        assert_eq!(store.len(), 1);
        store.apply(&[
            change(
                "w",
                Some((0, 10)),
                Some(vec![Value::string("w"), Value::Bigint(1)]),
            ),
            change(
                "w",
                Some((10, 20)),
                Some(vec![Value::string("w"), Value::Bigint(3)]),
            ),
        ]);
        assert_eq!(store.len(), 3);
    }
}
