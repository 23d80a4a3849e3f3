//! Deletions on push queries over tables: what a push query hands its client is a row or,
//! when a table result loses a key (a source table's tombstone, a CTAS table's tombstone,
//! HAVING turning false, a table aggregation's group emptied), a tombstone. A tombstone is
//! laid out as ksqlDB's `TombstoneFactory` lays it out: the output columns that are the
//! result's key columns carry the key's values, every other column is NULL (reference 1.5
//! and 3.4). An output column is a key column when it is a bare reference to a key column of
//! the row the projection reads (the source's key columns and window bounds, or the aggregate
//! row's grouping keys and window bounds).
//!
//! `/query` writes tombstones as `{"row":{"columns":[…],"tombstone":true}}`; `/query-stream`
//! and the SSE feeds drop them ([`super::PushQuery::next`] skips them).
//!
//! This module owns the item type and the tombstone layout; it must not read the log nor
//! decide when a key is deleted (the push tasks and the aggregate operator do).

use rivulet_core::Value;
use rivulet_expr::Expr;
use rivulet_sql::planner::OutputColumn;

/// One item of a push query's output.
#[derive(Debug, Clone, PartialEq)]
pub enum PushItem {
    /// A result row, one value per output column.
    Row(Vec<Value>),
    /// A deleted key of a table result: key columns filled, the others NULL.
    Tombstone(Vec<Value>),
}

/// Where each output column of a tombstone takes its value from.
#[derive(Debug, Clone, Default)]
pub struct TombstoneLayout {
    /// Per output column: the index of its key value in the projection's input row, or
    /// `None` for a column that is NULL in a tombstone.
    slots: Vec<Option<usize>>,
}

impl TombstoneLayout {
    /// The layout of `columns`, whose expressions read a row in which `is_key(i)` says which
    /// positions hold key values (key columns, window bounds).
    pub fn new(columns: &[OutputColumn], is_key: impl Fn(usize) -> bool) -> TombstoneLayout {
        TombstoneLayout {
            slots: columns
                .iter()
                .map(|c| match &c.expr {
                    Expr::Column { index, .. } if is_key(*index) => Some(*index),
                    _ => None,
                })
                .collect(),
        }
    }

    /// The tombstone for the key held by `input` (a row laid out as the projection reads it;
    /// its non-key positions are not read).
    pub fn row(&self, input: &[Value]) -> Vec<Value> {
        self.slots
            .iter()
            .map(|slot| {
                slot.and_then(|i| input.get(i).cloned())
                    .unwrap_or(Value::Null)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use rivulet_core::{ColumnKind, DataType};

    use super::*;

    fn column(name: &str, expr: Expr) -> OutputColumn {
        OutputColumn {
            name: name.into(),
            expr,
            kind: ColumnKind::Value,
        }
    }

    fn col(index: usize) -> Expr {
        Expr::Column {
            index,
            data_type: DataType::String,
        }
    }

    #[test]
    fn key_columns_are_filled_and_the_others_null() {
        // Input row: [ROWTIME, ROWPARTITION, ROWOFFSET, ID (key), V].
        let layout = TombstoneLayout::new(
            &[
                column("V", col(4)),
                column("ID", col(3)),
                column("ROWTIME", col(0)),
                column("C", Expr::Literal(Value::Int(1), DataType::Int)),
            ],
            |i| i == 3,
        );
        let input = vec![
            Value::Bigint(5),
            Value::Null,
            Value::Null,
            Value::from("k"),
            Value::Int(9),
        ];
        assert_eq!(
            layout.row(&input),
            vec![Value::Null, Value::from("k"), Value::Null, Value::Null]
        );
    }
}
