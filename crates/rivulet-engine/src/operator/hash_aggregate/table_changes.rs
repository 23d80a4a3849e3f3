//! Aggregating a TABLE (reference 3.4): the source is a changelog, so each record replaces the
//! previous row of its key. The operator keeps, per source key, the group and the aggregate
//! arguments of the row it last added ([`PreviousRow`], in [`AggregateState::previous`], so it
//! is checkpointed with the groups). A new version of a key's row first undoes the old row in
//! its group ([`rivulet_expr::aggregate::AggregateCall::undo`]), then adds the new row to its
//! group; a tombstone, or a row that fails WHERE or has a NULL grouping value, only undoes.
//!
//! Emission follows ksqlDB's functional tests (count.json "count table", group-by.json
//! "(table->table)" cases, sum.json "sum int left join of table", collect-list.json "… table"):
//! - a row moving to another group emits the old group's new value first, then the new
//!   group's; a group whose rows all left stays, and is emitted with COUNT 0 / SUM 0 (not a
//!   tombstone) unless HAVING turns it into one;
//! - an update within one group emits that group once, with the undo and the add applied;
//! - each output's timestamp is the largest of the group's previous timestamp and the record's.
//!
//! The planner only lets functions that can undo aggregate a table, and no WINDOW; this module
//! must not decide either, nor read the log (the runners pass decoded, filtered rows).

use rivulet_core::Value;
use rivulet_expr::aggregate::StoredValue;
use rivulet_log::partitioner::partition_for_key;
use serde::{Deserialize, Serialize};

use super::{result, AggregateOperator, AggregateState, Change, GroupState, WindowState};

/// What a source key's current row contributed: its group and each call's argument values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviousRow {
    /// The group's key bytes.
    pub group: Vec<u8>,
    /// Per aggregate call, the argument values the row was added with.
    pub args: Vec<Vec<StoredValue>>,
}

impl AggregateOperator {
    /// Feeds one decoded source record: `row` its scan row (`None` for a null value),
    /// `passes` whether it passed WHERE, `key` and `record_time` the record's key bytes and
    /// timestamp. Over a TABLE source it is a changelog entry ([`Self::process_table_change`];
    /// null keys dropped, as ksqlDB does); over a stream a passing row is aggregated and a null
    /// value dropped, as ksqlDB's GROUP BY does.
    pub fn process_source(
        &mut self,
        key: Option<&[u8]>,
        record_time: i64,
        row: Option<&[Value]>,
        passes: bool,
        out: &mut Vec<Change>,
    ) {
        if !self.plan.source_is_table {
            if let Some(row) = row.filter(|_| passes) {
                self.process(row, out);
            }
            return;
        }
        let Some(key) = key else {
            return;
        };
        let time = match row.and_then(|r| r.first()) {
            Some(Value::Bigint(t)) => *t,
            _ => record_time,
        };
        self.process_table_change(key, time, row.filter(|_| passes), out);
    }

    /// Applies one changelog record of a TABLE source: `source_key` is the record's key bytes,
    /// `time` its ROWTIME, `row` the scan row when there is a new row that passed WHERE (`None`
    /// for a tombstone or a row WHERE rejects). Appends the changes it causes to `out`.
    pub fn process_table_change(
        &mut self,
        source_key: &[u8],
        time: i64,
        row: Option<&[Value]>,
        out: &mut Vec<Change>,
    ) {
        let plan = self.plan.clone();
        let Some(aggregate) = plan.aggregate.as_ref() else {
            return;
        };
        let adds = match row {
            Some(row) if self.group_key(aggregate, row) => {
                self.eval_args(aggregate, row);
                true
            }
            _ => false,
        };
        let previous = self.state.previous.remove(source_key);
        let same_group = adds
            && previous
                .as_ref()
                .is_some_and(|p| p.group == self.key_buffer);
        if let Some(previous) = previous {
            if let Some(group) = self.state.groups.get_mut(&previous.group) {
                if let Some(w) = group.windows.first_mut() {
                    w.max_time = w.max_time.max(time);
                    for ((call, acc), args) in aggregate
                        .calls
                        .iter()
                        .zip(w.accumulators.iter_mut())
                        .zip(previous.args)
                    {
                        let mut args: Vec<Value> = args.into_iter().map(|v| v.0).collect();
                        call.undo(acc, &mut args);
                    }
                    if !same_group {
                        if let Some(change) = result(
                            &plan,
                            &mut self.errors,
                            &group.key,
                            w,
                            None,
                            &previous.group,
                            group.partition,
                            false,
                        ) {
                            out.push(change);
                        }
                    }
                }
            }
        }
        if !adds {
            return;
        }
        let kept: Vec<Vec<StoredValue>> = self
            .args
            .iter()
            .map(|args| args.iter().cloned().map(StoredValue).collect())
            .collect();
        let partition = partition_for_key(&self.key_buffer, self.partitions);
        let state: &mut AggregateState = &mut self.state;
        let group = state
            .groups
            .entry(self.key_buffer.clone())
            .or_insert_with(|| GroupState {
                key: self.key_values.iter().cloned().map(StoredValue).collect(),
                partition,
                windows: Vec::new(),
            });
        if group.windows.is_empty() {
            group.windows.push(WindowState {
                start: 0,
                max_time: time,
                accumulators: aggregate.calls.iter().map(|c| c.init()).collect(),
            });
        }
        let w = &mut group.windows[0];
        w.max_time = w.max_time.max(time);
        for ((call, acc), args) in aggregate
            .calls
            .iter()
            .zip(w.accumulators.iter_mut())
            .zip(self.args.iter_mut())
        {
            call.update(acc, args);
        }
        if let Some(change) = result(
            &plan,
            &mut self.errors,
            &group.key,
            &group.windows[0],
            None,
            &self.key_buffer,
            group.partition,
            false,
        ) {
            out.push(change);
        }
        state.previous.insert(
            source_key.to_vec(),
            PreviousRow {
                group: self.key_buffer.clone(),
                args: kept,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rivulet_core::{Column, ColumnKind, DataType, Schema};
    use rivulet_sql::{
        parse_statement,
        planner::{plan_query, PlannedSource, SourceCatalog},
        Statement,
    };

    use super::*;

    /// `T (ID STRING PRIMARY KEY, REGION STRING, X INT)`.
    struct Table;

    impl SourceCatalog for Table {
        fn source(&self, name: &str) -> Option<PlannedSource> {
            (name == "T").then(|| PlannedSource {
                name: "T".into(),
                is_table: true,
                schema: Schema::new(vec![
                    Column::new("ID", DataType::String, ColumnKind::Key),
                    Column::new("REGION", DataType::String, ColumnKind::Value),
                    Column::new("X", DataType::Int, ColumnKind::Value),
                ]),
            })
        }
    }

    fn operator(sql: &str) -> AggregateOperator {
        let plan = match parse_statement(sql) {
            Ok(Statement::Query(q)) => plan_query(&q, &Table).expect("plans"),
            other => panic!("not a query: {other:?}"),
        };
        let codec: super::super::KeyCodec = Box::new(|values: &[Value], out: &mut Vec<u8>| {
            for v in values {
                out.extend_from_slice(v.to_string().as_bytes());
            }
            Ok(())
        });
        AggregateOperator::new(Arc::new(plan), 1, codec).expect("an aggregate")
    }

    fn row(time: i64, id: &str, region: Option<&str>, x: Option<i32>) -> Vec<Value> {
        vec![
            Value::Bigint(time),
            Value::Null,
            Value::Null,
            Value::string(id),
            region.map_or(Value::Null, Value::string),
            x.map_or(Value::Null, Value::Int),
        ]
    }

    /// Feeds (key, time, new row) and returns each output as (group, values or None, time).
    fn run(
        op: &mut AggregateOperator,
        records: &[(&str, i64, Option<Vec<Value>>)],
    ) -> Vec<(String, Option<Vec<Value>>, i64)> {
        let mut out = Vec::new();
        for (key, time, row) in records {
            op.process_table_change(key.as_bytes(), *time, row.as_deref(), &mut out);
        }
        out.into_iter()
            .map(|c| {
                (
                    String::from_utf8_lossy(&c.key).into_owned(),
                    c.row,
                    c.timestamp,
                )
            })
            .collect()
    }

    #[test]
    fn rows_move_between_groups_and_counts_go_back_to_zero() {
        let mut op = operator(
            "SELECT region, COUNT(*) AS n, SUM(x) AS s FROM t GROUP BY region EMIT CHANGES;",
        );
        let out = run(
            &mut op,
            &[
                ("a", 1, Some(row(1, "a", Some("east"), Some(5)))),
                ("b", 2, Some(row(2, "b", Some("east"), Some(7)))),
                // a moves to west: east is undone first, then west gets a.
                ("a", 3, Some(row(3, "a", Some("west"), Some(1)))),
                // b changes within east: one output.
                ("b", 4, Some(row(4, "b", Some("east"), Some(10)))),
                // b is deleted: east goes back to 0, not a tombstone.
                ("b", 5, None),
                // A tombstone of an unknown key changes nothing.
                ("zz", 6, None),
            ],
        );
        let v =
            |r: &str, n: i64, s: i32| Some(vec![Value::string(r), Value::Bigint(n), Value::Int(s)]);
        assert_eq!(
            out,
            vec![
                ("east".into(), v("east", 1, 5), 1),
                ("east".into(), v("east", 2, 12), 2),
                ("east".into(), v("east", 1, 7), 3),
                ("west".into(), v("west", 1, 1), 3),
                ("east".into(), v("east", 1, 10), 4),
                ("east".into(), v("east", 0, 0), 5),
            ]
        );
        assert!(op.state().previous.contains_key("a".as_bytes()));
        assert!(!op.state().previous.contains_key("b".as_bytes()));
    }

    #[test]
    fn having_turns_an_emptied_group_into_a_tombstone_and_null_groups_only_undo() {
        let mut op = operator(
            "SELECT region, COUNT(*) AS n FROM t GROUP BY region HAVING COUNT(*) > 0 EMIT CHANGES;",
        );
        let out = run(
            &mut op,
            &[
                ("a", 1, Some(row(1, "a", Some("east"), Some(5)))),
                // A NULL grouping value: a's row leaves east and joins no group.
                ("a", 2, Some(row(2, "a", None, Some(5)))),
                ("a", 3, Some(row(3, "a", Some("east"), Some(5)))),
            ],
        );
        let v = |n: i64| Some(vec![Value::string("east"), Value::Bigint(n)]);
        assert_eq!(
            out,
            vec![
                ("east".into(), v(1), 1),
                ("east".into(), None, 2),
                ("east".into(), v(1), 3),
            ]
        );
    }

    #[test]
    fn previous_rows_survive_a_state_round_trip() {
        let sql = "SELECT region, COLLECT_LIST(x) AS xs, AVG(x) AS mean FROM t GROUP BY region EMIT CHANGES;";
        let mut op = operator(sql);
        run(
            &mut op,
            &[
                ("a", 1, Some(row(1, "a", Some("east"), Some(1)))),
                ("b", 2, Some(row(2, "b", Some("east"), Some(3)))),
            ],
        );
        let bytes = postcard::to_allocvec(op.state()).expect("encodes");
        let mut restored = operator(sql);
        restored.restore(postcard::from_bytes(&bytes).expect("decodes"));
        let out = run(
            &mut restored,
            &[("a", 3, Some(row(3, "a", Some("east"), Some(5))))],
        );
        assert_eq!(
            out,
            vec![(
                "east".into(),
                Some(vec![
                    Value::string("east"),
                    Value::Array(vec![Value::Int(3), Value::Int(5)]),
                    Value::Double(4.0)
                ]),
                3
            )]
        );
    }
}
