//! Property test: the aggregate operator's SESSION-windowed COUNT, SUM, COLLECT_LIST and
//! LATEST_BY_OFFSET against a naive reference model, on random out-of-order input with random
//! gap, grace and retention, EMIT CHANGES and EMIT FINAL. The model keeps every session with
//! its records in a list and recomputes everything by brute force (Kafka Streams'
//! `KStreamSessionWindowAggregate` rules: merge every session with `end >= t - gap` and
//! `start <= t + gap`, late when the merged end is before `stream time - gap - grace`, retract
//! merged-away sessions unless the result is `[t, t]`, outputs stamped with the record's time;
//! sessions held for the retention; EMIT FINAL emits a session's last row once stream time
//! reaches `end + gap + grace`). A merged session's records are the merged sessions' records in
//! store order — by (end, start) — then the new record (ksqlDB's merger: COLLECT_LIST
//! concatenates in that order); LATEST_BY_OFFSET is the record that arrived last. Outputs
//! (key, window, values or tombstone, timestamp) and late-drop counts must match exactly, in
//! order — also when the operator's state goes through checkpoint bytes and a fresh operator
//! at a random point of the input.

use std::{collections::BTreeMap, sync::Arc};

use proptest::prelude::*;
use rivulet_core::{Column, ColumnKind, DataType, Schema, Value};
use rivulet_engine::{
    operator::{AggregateOperator, Change},
    query::aggregate_runner::{decode_state, encode_state},
};
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

#[derive(Debug, Clone, Copy)]
struct Params {
    gap: i64,
    grace: i64,
    retention: i64,
    emit_final: bool,
}

fn plan_sql(sql: &str) -> QueryPlan {
    match parse_statement(sql) {
        Ok(Statement::Query(q)) => plan_query(&q, &One).expect("plans"),
        other => panic!("not a query: {other:?}"),
    }
}

fn plan(p: Params) -> QueryPlan {
    let sql = format!(
        "SELECT k, COUNT(*) AS n, SUM(v) AS total, COLLECT_LIST(v) AS vs, LATEST_BY_OFFSET(v) AS last FROM s WINDOW SESSION ({} MILLISECONDS, RETENTION {} MILLISECONDS, GRACE PERIOD {} MILLISECONDS) GROUP BY k EMIT {};",
        p.gap,
        p.retention,
        p.grace,
        if p.emit_final { "FINAL" } else { "CHANGES" }
    );
    plan_sql(&sql)
}

/// A session row's values: count, sum, the collected values, the latest value.
type Agg = (i64, i32, Vec<i32>, i32);

/// (key, start, end, Some(values) or None for a tombstone, timestamp)
type Out = (String, i64, i64, Option<Agg>, i64);

/// One session of the model: start, end, its records (arrival number, value) in merge order.
type ModelSession = (i64, i64, Vec<(usize, i32)>);

fn model(events: &[(u8, i64, i32)], p: Params) -> (Vec<Out>, u64) {
    let retention = p.retention.max(p.gap + p.grace);
    let mut stream_time = i64::MIN;
    let mut sessions: BTreeMap<String, Vec<ModelSession>> = BTreeMap::new();
    // EMIT FINAL: (end, key, start) -> (values, timestamp) of the latest row.
    let mut pending: BTreeMap<(i64, String, i64), (Agg, i64)> = BTreeMap::new();
    let mut out = Vec::new();
    let mut late = 0;
    for (arrival, (k, ts, v)) in events.iter().enumerate() {
        let key = format!("k{k}");
        stream_time = stream_time.max(*ts);
        for list in sessions.values_mut() {
            list.retain(|(_, end, _)| *end >= stream_time - retention);
        }
        let list = sessions.entry(key.clone()).or_default();
        let touching: Vec<ModelSession> = list
            .iter()
            .filter(|(s, e, _)| *e >= ts - p.gap && *s <= ts + p.gap)
            .cloned()
            .collect();
        let start = touching.iter().map(|s| s.0).fold(*ts, i64::min);
        let end = touching.iter().map(|s| s.1).fold(*ts, i64::max);
        if end < stream_time - p.grace - p.gap {
            late += 1;
            continue;
        }
        list.retain(|(s, e, _)| !(*e >= ts - p.gap && *s <= ts + p.gap));
        let mut changes = Vec::new();
        let mut retracted = touching.clone();
        retracted.sort_by_key(|(s, e, _)| (*e, *s));
        if (start, end) != (*ts, *ts) {
            for (s, e, _) in &retracted {
                changes.push((key.clone(), *s, *e, None, *ts));
            }
        }
        let mut records: Vec<(usize, i32)> = retracted.into_iter().flat_map(|s| s.2).collect();
        records.push((arrival, *v));
        let sum = records.iter().fold(0i32, |a, (_, b)| a.wrapping_add(*b));
        let values: Vec<i32> = records.iter().map(|(_, v)| *v).collect();
        let latest = records
            .iter()
            .max_by_key(|(n, _)| *n)
            .map_or(0, |(_, v)| *v);
        changes.push((
            key.clone(),
            start,
            end,
            Some((records.len() as i64, sum, values, latest)),
            *ts,
        ));
        list.push((start, end, records));
        if !p.emit_final {
            out.extend(changes);
            continue;
        }
        for (k, s, e, agg, t) in changes {
            match agg {
                Some(agg) => {
                    pending.insert((e, k, s), (agg, t));
                }
                None => {
                    pending.remove(&(e, k, s));
                }
            }
        }
        let closed: Vec<_> = pending
            .keys()
            .filter(|(e, _, _)| e + p.gap + p.grace <= stream_time)
            .cloned()
            .collect();
        for at in closed {
            if let Some((agg, t)) = pending.remove(&at) {
                out.push((at.1, at.2, at.0, Some(agg), t));
            }
        }
    }
    (out, late)
}

fn operator(plan: &Arc<QueryPlan>) -> AggregateOperator {
    let codec = Box::new(|values: &[Value], out: &mut Vec<u8>| {
        if let Some(Value::String(s)) = values.first() {
            out.extend_from_slice(s.as_bytes());
        }
        Ok(())
    });
    AggregateOperator::new(plan.clone(), 1, codec).expect("aggregate plan")
}

/// Runs the operator over `events`; before the event at `restart`, its state is checkpointed
/// and restored into a new operator.
fn run(events: &[(u8, i64, i32)], p: Params, restart: Option<usize>) -> (Vec<Out>, u64) {
    let plan = Arc::new(plan(p));
    let mut op = operator(&plan);
    let mut late = 0;
    let mut changes: Vec<Change> = Vec::new();
    for (offset, (k, ts, v)) in events.iter().enumerate() {
        if restart == Some(offset) {
            let bytes = encode_state(op.state()).expect("encodes");
            late += op.late_dropped;
            op = operator(&plan);
            op.restore(decode_state(&bytes).expect("decodes"));
        }
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
            let (s, e) = c.window.expect("windowed");
            let agg = c.row.map(|row| {
                let (Value::Bigint(n), Value::Int(total), Value::Array(vs), Value::Int(last)) =
                    (&row[1], &row[2], &row[3], &row[4])
                else {
                    panic!("unexpected row {row:?}");
                };
                let values = vs
                    .iter()
                    .map(|v| match v {
                        Value::Int(i) => *i,
                        other => panic!("unexpected element {other:?}"),
                    })
                    .collect();
                (*n, *total, values, *last)
            });
            (
                String::from_utf8_lossy(&c.key).into_owned(),
                s,
                e,
                agg,
                c.timestamp,
            )
        })
        .collect();
    (out, late + op.late_dropped)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn session_aggregation_matches_the_model(
        events in prop::collection::vec((0u8..3, 0i64..20_000, -50i32..100), 0..80),
        gap in 1i64..3_000,
        grace in 0i64..4_000,
        retention in 0i64..12_000,
        emit_final in any::<bool>(),
        restart in proptest::option::of(0usize..80),
    ) {
        let p = Params { gap, grace, retention, emit_final };
        let got = run(&events, p, restart);
        let want = model(&events, p);
        prop_assert_eq!(got, want);
    }

    /// Clustered times (many merges, duplicates at the same millisecond).
    #[test]
    fn clustered_sessions_match_the_model(
        events in prop::collection::vec((0u8..2, 0i64..40, -5i32..5), 0..60),
        gap in 1i64..6,
        grace in 0i64..10,
        emit_final in any::<bool>(),
        restart in proptest::option::of(0usize..60),
    ) {
        let events: Vec<_> = events.into_iter().map(|(k, t, v)| (k, t * 100, v)).collect();
        let p = Params { gap: gap * 100, grace: grace * 100, retention: 0, emit_final };
        let got = run(&events, p, restart);
        let want = model(&events, p);
        prop_assert_eq!(got, want);
    }
}

/// Issue 5: a device sending without pause forms one endless session; its checkpointed state
/// must stay the same size however many records it sent (one accumulator set, no rows).
#[test]
fn an_endless_session_keeps_constant_checkpoint_size() {
    let plan = Arc::new(plan_sql(
        "SELECT k, COUNT(*) AS n, SUM(v) AS total, MAX(v) AS hi, LATEST_BY_OFFSET(v) AS last, EARLIEST_BY_OFFSET(v, 3) AS first3, TOPK(v, 3) AS top FROM s WINDOW SESSION (1 SECOND) GROUP BY k EMIT CHANGES;",
    ));
    let mut op = operator(&plan);
    let mut changes: Vec<Change> = Vec::new();
    let mut sizes = Vec::new();
    for i in 0..100_000i64 {
        let row = [
            Value::Bigint(i * 100),
            Value::Int(0),
            Value::Bigint(i),
            Value::from("device-1"),
            Value::Int((i % 500) as i32),
        ];
        op.process(&row, &mut changes);
        changes.clear();
        if i == 999 || i == 99_999 {
            sizes.push(encode_state(op.state()).expect("encodes").len());
        }
    }
    assert!(op.errors.is_empty(), "{:?}", op.errors);
    assert_eq!(op.size(), (1, 1), "one key, one session");
    // Varint-encoded numbers (times, sums, arrival numbers) may grow by a few bytes.
    assert!(
        sizes[1] <= sizes[0] + 32,
        "state grew from {} to {} bytes",
        sizes[0],
        sizes[1]
    );
    let restored = decode_state(&encode_state(op.state()).expect("encodes")).expect("decodes");
    let mut again = operator(&plan);
    again.restore(restored);
    let results = again.current_results();
    let row = results[0].row.as_ref().expect("a row");
    assert_eq!(row[1], Value::Bigint(100_000));
    assert_eq!(row[4], Value::Int(499));
}
