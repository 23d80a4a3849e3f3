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

fn string_codec() -> rivulet_engine::operator::KeyCodec {
    Box::new(|values: &[Value], out: &mut Vec<u8>| {
        if let Some(Value::String(s)) = values.first() {
            out.extend_from_slice(s.as_bytes());
        }
        Ok(())
    })
}

fn scan_row(k: &str, ts: i64, v: i32, offset: usize) -> [Value; 5] {
    [
        Value::Bigint(ts),
        Value::Int(0),
        Value::Bigint(offset as i64),
        Value::from(k),
        Value::Int(v),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// The two stages of a repartitioned query (evaluate in one operator, aggregate the
    /// evaluated values in another) give exactly what one operator gives.
    #[test]
    fn evaluating_and_aggregating_apart_matches_processing(
        events in prop::collection::vec((0u8..3, 0i64..20_000, -50i32..100), 0..80),
        grace in 0i64..6_000,
        emit_final in any::<bool>(),
    ) {
        let plan = Arc::new(plan(1000, 500, grace, emit_final));
        let mut one = AggregateOperator::new(plan.clone(), 1, string_codec()).expect("plan");
        let mut first = AggregateOperator::new(plan.clone(), 1, string_codec()).expect("plan");
        let mut second = AggregateOperator::new(plan, 1, string_codec()).expect("plan");
        let (mut want, mut got) = (Vec::new(), Vec::new());
        for (offset, (k, ts, v)) in events.iter().enumerate() {
            let row = scan_row(&format!("k{k}"), *ts, *v, offset);
            one.process(&row, &mut want);
            let time = first.evaluate(&row).expect("evaluates");
            let (key, key_values, args) = first.evaluated();
            let (key, key_values, args) = (key.to_vec(), key_values.to_vec(), args.to_vec());
            second.process_evaluated(&key, key_values, args, time, &mut got);
            // A watermark at or below stream time changes nothing.
            second.advance_stream_time(time, &mut got);
        }
        prop_assert_eq!(got, want);
        prop_assert_eq!(second.late_dropped, one.late_dropped);
        prop_assert!(first.state().groups.is_empty(), "evaluating keeps no state");
    }
}

/// Two keys on different shuffle partitions of 2.
fn keys_on_two_partitions() -> (String, String) {
    use rivulet_log::partitioner::partition_for_key;
    let keys: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
    let a = keys
        .iter()
        .find(|k| partition_for_key(k.as_bytes(), 2) == 0)
        .expect("a key on 0");
    let b = keys
        .iter()
        .find(|k| partition_for_key(k.as_bytes(), 2) == 1)
        .expect("a key on 1");
    (a.clone(), b.clone())
}

/// EMIT FINAL windows (key, start) emitted for `events` over 2 shuffle partitions.
fn finals(idle: Option<i64>, events: &[(&str, i64)]) -> Vec<(String, i64)> {
    let plan = Arc::new(plan(1000, 1000, 0, true));
    let mut op = AggregateOperator::new(plan, 2, string_codec())
        .expect("plan")
        .with_idle_timeout(idle);
    let mut out = Vec::new();
    for (offset, (k, ts)) in events.iter().enumerate() {
        op.process(&scan_row(k, *ts, 1, offset), &mut out);
    }
    out.into_iter()
        .map(|c| {
            let (start, _) = c.window.expect("windowed");
            (String::from_utf8_lossy(&c.key).into_owned(), start)
        })
        .collect()
}

#[test]
fn an_idle_partition_follows_the_stream_time_after_the_timeout() {
    let (a, b) = keys_on_two_partitions();
    let events = [(a.as_str(), 100), (b.as_str(), 200), (b.as_str(), 4_000)];
    // Without the timeout, a's window stays open: its partition saw nothing past 100.
    assert_eq!(finals(None, &events), vec![(b.clone(), 0)]);
    // 3,800 ms behind b's partition is not yet idle at a 5,000 ms timeout.
    assert_eq!(finals(Some(5_000), &events), vec![(b.clone(), 0)]);
    // It is at 3,000 ms: b's record at 4,000 advances a's partition and closes its window.
    assert_eq!(
        finals(Some(3_000), &events),
        vec![(b.clone(), 0), (a.clone(), 0)]
    );
    // A negative timeout is no timeout.
    assert_eq!(finals(Some(-1), &events), vec![(b.clone(), 0)]);
    // After the advance, a late record of a's closed window is dropped, as any late record.
    let mut late = events.to_vec();
    late.push((a.as_str(), 500));
    assert_eq!(
        finals(Some(3_000), &late),
        vec![(b.clone(), 0), (a.clone(), 0)]
    );
}
