//! Property test: the aggregate operator's windowed COUNT/SUM against a naive reference model,
//! on random out-of-order input, random window size/advance (tumbling and hopping), random
//! grace, EMIT CHANGES and EMIT FINAL. The model keeps every window in a map and recomputes
//! closing by brute force; outputs (key, window, values, timestamp) and late-drop counts must
//! match exactly, in order.

use std::{collections::BTreeMap, sync::Arc};

use proptest::prelude::*;
use rivulet_core::{Column, ColumnKind, DataType, Schema, Value};
use rivulet_engine::operator::{AggregateOperator, Change};
use rivulet_sql::{
    parse_statement,
    planner::{plan_query, PlannedSource, QueryPlan, SourceCatalog},
    Statement,
};

struct One;

impl SourceCatalog for One {
    fn source(&self, name: &str) -> Option<PlannedSource> {
        (name == "S").then(|| PlannedSource {
            name: "S".into(),
            is_table: false,
            schema: Schema::new(vec![
                Column::new("K", DataType::String, ColumnKind::Key),
                Column::new("V", DataType::Int, ColumnKind::Value),
            ]),
        })
    }
}

fn plan(size: i64, advance: i64, grace: i64, emit_final: bool) -> QueryPlan {
    let sql = format!(
        "SELECT k, COUNT(*) AS n, SUM(v) AS total FROM s WINDOW HOPPING (SIZE {size} MILLISECONDS, ADVANCE BY {advance} MILLISECONDS, GRACE PERIOD {grace} MILLISECONDS) GROUP BY k EMIT {};",
        if emit_final { "FINAL" } else { "CHANGES" }
    );
    match parse_statement(&sql) {
        Ok(Statement::Query(q)) => plan_query(&q, &One).expect("plans"),
        other => panic!("not a query: {other:?}"),
    }
}

/// (key, start, end, count, sum, timestamp)
type Out = (String, i64, i64, i64, i32, i64);

fn model(
    events: &[(u8, i64, i32)],
    size: i64,
    advance: i64,
    grace: i64,
    emit_final: bool,
) -> (Vec<Out>, u64) {
    let mut stream_time = i64::MIN;
    // (key, start) -> (count, sum, max ts)
    let mut open: BTreeMap<(String, i64), (i64, i32, i64)> = BTreeMap::new();
    let mut closed: std::collections::HashSet<(String, i64)> = Default::default();
    let mut out = Vec::new();
    let mut late = 0;
    for (k, ts, v) in events {
        let key = format!("k{k}");
        stream_time = stream_time.max(*ts);
        let mut start = 0;
        while start <= *ts {
            if start + size > *ts {
                if start + size + grace <= stream_time {
                    late += 1;
                } else {
                    let e = open.entry((key.clone(), start)).or_insert((0, 0, *ts));
                    e.0 += 1;
                    e.1 = e.1.wrapping_add(*v);
                    e.2 = e.2.max(*ts);
                    if !emit_final {
                        out.push((key.clone(), start, start + size, e.0, e.1, e.2));
                    }
                }
            }
            start += advance;
        }
        // Close every window stream time has passed, in (end, key) order.
        let mut closing: Vec<_> = open
            .iter()
            .filter(|((_, s), _)| s + size + grace <= stream_time)
            .map(|((k, s), agg)| (s + size, k.clone(), *s, *agg))
            .collect();
        closing.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        for (end, k, s, (n, total, t)) in closing {
            open.remove(&(k.clone(), s));
            closed.insert((k.clone(), s));
            if emit_final {
                out.push((k, s, end, n, total, t));
            }
        }
    }
    (out, late)
}

fn run(
    events: &[(u8, i64, i32)],
    size: i64,
    advance: i64,
    grace: i64,
    emit_final: bool,
) -> (Vec<Out>, u64) {
    let plan = Arc::new(plan(size, advance, grace, emit_final));
    let codec = Box::new(|values: &[Value], out: &mut Vec<u8>| {
        if let Some(Value::String(s)) = values.first() {
            out.extend_from_slice(s.as_bytes());
        }
        Ok(())
    });
    let mut op = AggregateOperator::new(plan, 1, codec).expect("aggregate plan");
    let mut changes: Vec<Change> = Vec::new();
    for (offset, (k, ts, v)) in events.iter().enumerate() {
        let row = [
            Value::Bigint(*ts),
            Value::Int(0),
            Value::Bigint(offset as i64),
            Value::from(format!("k{k}").as_str()),
            Value::Int(*v),
        ];
        op.process(&row, &mut changes);
    }
    assert!(op.errors.is_empty(), "{:?}", op.errors);
    let out = changes
        .into_iter()
        .map(|c| {
            let row = c.row.expect("no HAVING: no tombstones");
            let (s, e) = c.window.expect("windowed");
            let (Value::Bigint(n), Value::Int(total)) = (&row[1], &row[2]) else {
                panic!("unexpected row {row:?}");
            };
            (
                String::from_utf8_lossy(&c.key).into_owned(),
                s,
                e,
                *n,
                *total,
                c.timestamp,
            )
        })
        .collect();
    (out, op.late_dropped)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn windowed_aggregation_matches_the_model(
        events in prop::collection::vec((0u8..3, 0i64..20_000, -50i32..100), 0..80),
        size_steps in 1i64..8,
        hops in 1i64..5,
        grace in 0i64..6_000,
        emit_final in any::<bool>(),
    ) {
        let advance = 250 * size_steps;
        let size = advance * hops;
        let got = run(&events, size, advance, grace, emit_final);
        let want = model(&events, size, advance, grace, emit_final);
        prop_assert_eq!(got, want);
    }
}
