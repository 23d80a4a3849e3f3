//! Exactly-once output of stateful (aggregate) persistent queries across crashes, over a real
//! embedded log, with checkpoints.
//!
//! A fault-injecting wrapper around the embedded log makes the aggregate task stop at chosen
//! points: the n-th tagged sink append fails (earlier appends of its batch, to other sink
//! partitions, succeeded) or the n-th progress commit fails (its appends and its checkpoint
//! succeeded). The input arrives in small chunks, each waited for, so the task runs many
//! batches and checkpoints (every batch, every few batches, or never: replay from the origin)
//! before the fault. The engine is then reopened over the same log and state directory, the
//! rest of the input arrives, and every sink partition must hold, record for record (key,
//! value, timestamp, order), what an uninterrupted run over the same input writes — for a
//! tumbling window with EMIT CHANGES, one with EMIT FINAL (out-of-order input with late
//! drops), an unwindowed aggregation, and session windows with EMIT CHANGES (merges retracting
//! sessions) and EMIT FINAL (rows held in checkpointed state until sessions close). The same
//! over a source with three partitions (two stages through the repartition topic) is checked as
//! the section below explains. The kill -9 version is `crates/rivulet/tests/crash_aggregate.rs`.

mod support;

use std::{path::Path, sync::Arc, time::Duration};

use bytes::Bytes;
use rivulet_core::{Record, Value};
use rivulet_engine::{
    query::repartition::{self, RepartitionRecord},
    Engine, EngineConfig, Session,
};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    partitioner::partition_for_key,
    CommittedOffset, Log, ReadLimits,
};
use serde_json::json;
use support::faulty_log::{Fault, Faulty};

/// The task's progress commits (not the origin's).
fn counted(group: &str, offsets: &[CommittedOffset]) -> bool {
    !group.ends_with("-origin") && offsets.iter().any(|o| o.topic == "readings")
}

const SOURCE: &str = "CREATE STREAM readings (device STRING KEY, v INT) WITH (kafka_topic='readings', value_format='JSON', partitions=1);";

const QUERIES: [&str; 5] = [
    "CREATE TABLE agg WITH (kafka_topic='AGG', partitions=3) AS SELECT device, COUNT(*) AS n, SUM(v) AS total FROM readings WINDOW TUMBLING (SIZE 20 MILLISECONDS) GROUP BY device EMIT CHANGES;",
    "CREATE TABLE agg WITH (kafka_topic='AGG', partitions=3) AS SELECT device, COUNT(*) AS n, MAX(v) AS hi FROM readings WINDOW TUMBLING (SIZE 20 MILLISECONDS, GRACE PERIOD 5 MILLISECONDS) GROUP BY device EMIT FINAL;",
    "CREATE TABLE agg WITH (kafka_topic='AGG', partitions=3) AS SELECT device, COUNT(*) AS n, SUM(v) AS total FROM readings GROUP BY device HAVING COUNT(*) % 4 <> 3 EMIT CHANGES;",
    "CREATE TABLE agg WITH (kafka_topic='AGG', partitions=3) AS SELECT device, WINDOWSTART AS ws, COUNT(*) AS n, SUM(v) AS total FROM readings WINDOW SESSION (18 MILLISECONDS) GROUP BY device EMIT CHANGES;",
    "CREATE TABLE agg WITH (kafka_topic='AGG', partitions=3) AS SELECT device, COUNT(*) AS n, MAX(v) AS hi FROM readings WINDOW SESSION (14 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY device EMIT FINAL;",
];

/// Records in the input, and per chunk.
const TOTAL: i64 = 400;
const CHUNK: i64 = 20;

fn config(state: &Path, interval: Duration) -> EngineConfig {
    EngineConfig {
        state_dir: Some(state.to_path_buf()),
        checkpoint_interval: interval,
        ..EngineConfig::default()
    }
}

async fn run(engine: &Engine, sql: &str) {
    let mut session = Session::default();
    session
        .properties
        .insert("auto.offset.reset".into(), "earliest".into());
    if let Err(f) = engine.execute_script(sql, &mut session).await {
        panic!("{sql} failed: {}", f.error);
    }
}

/// Readings `from..to`, 7 devices, event time mostly rising with some disorder (late records
/// for EMIT FINAL).
fn readings(from: i64, to: i64) -> Vec<Record> {
    (from..to)
        .map(|i| {
            let ts = 1_000 + i * 3 - (i % 5) * 4;
            Record::new(
                Some(Bytes::from(format!("dev-{}", i % 7))),
                Some(Bytes::from(json!({ "v": i }).to_string())),
                ts,
            )
        })
        .collect()
}

/// A sink record as (key, value, timestamp).
type SinkRecord = (Vec<u8>, Option<Vec<u8>>, i64);

/// Every sink partition's records, in order.
type Sink = Vec<Vec<SinkRecord>>;

async fn sink(log: &EmbeddedLog) -> Sink {
    let mut out = Vec::new();
    for p in log.describe_topic("AGG").await.expect("sink").partitions {
        let limits = ReadLimits {
            max_records: 1_000_000,
            max_bytes: 1 << 30,
        };
        let batch = log.read("AGG", p.partition, 0, limits).await.expect("read");
        out.push(
            batch
                .records
                .into_iter()
                .map(|r| {
                    (
                        r.record.key.map(|k| k.to_vec()).unwrap_or_default(),
                        r.record.value.map(|v| v.to_vec()),
                        r.record.timestamp,
                    )
                })
                .collect(),
        );
    }
    out
}

async fn query_id(engine: &Engine) -> Option<(String, String)> {
    let shown = engine
        .execute_script("SHOW QUERIES;", &mut Session::default())
        .await
        .ok()?;
    let q = &shown[0]["queries"][0];
    Some((
        q["id"].as_str()?.to_string(),
        q["state"].as_str()?.to_string(),
    ))
}

/// Appends chunks `from..to` one at a time, each after the query committed the previous one;
/// stops waiting (not appending) once the query is in ERROR. Returns whether it failed.
async fn feed(engine: &Engine, log: &EmbeddedLog, from: i64, to: i64) -> bool {
    let mut failed = false;
    let mut at = from;
    while at < to {
        let end = (at + CHUNK).min(to);
        log.append("readings", 0, readings(at, end))
            .await
            .expect("append");
        at = end;
        for _ in 0..1000 {
            let Some((id, state)) = query_id(engine).await else {
                break;
            };
            if state == "ERROR" {
                failed = true;
                break;
            }
            let group = format!("_rivulet-query-{id}");
            let committed = log.committed_offsets(&group).await.expect("offsets");
            if committed.iter().any(|c| c.offset >= end) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    failed
}

/// Waits until the sink stops changing.
async fn settled(log: &EmbeddedLog) -> Sink {
    let mut last = sink(log).await;
    loop {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let now = sink(log).await;
        if now == last {
            return now;
        }
        last = now;
    }
}

/// What an uninterrupted run writes: the same input, chunk by chunk, no fault.
async fn uninterrupted(query: &str) -> Sink {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path().join("log"))).expect("log");
    let engine = Engine::open(
        log.clone(),
        config(&dir.path().join("state"), Duration::ZERO),
    )
    .await
    .expect("engine");
    run(&engine, SOURCE).await;
    run(&engine, query).await;
    assert!(!feed(&engine, &log, 0, TOTAL).await);
    let out = settled(&log).await;
    // TERMINATE removes the query's checkpoint.
    let (id, _) = query_id(&engine).await.expect("query");
    assert!(dir.path().join("state").join(&id).exists(), "checkpointed");
    run(&engine, &format!("TERMINATE {id};")).await;
    assert!(
        !dir.path().join("state").join(&id).exists(),
        "{id}: checkpoint left"
    );
    engine.shutdown().await;
    out
}

/// Runs `query` over the first half of the input with `fault`, restarts, feeds the rest and
/// compares with `want`. A fault past the task's appends or commits in the first half never
/// fires: that run is a clean restart (allowed only when `must_fail` is false).
async fn crash_and_restart(
    query: &str,
    fault: Fault,
    interval: Duration,
    want: &Sink,
    must_fail: bool,
) {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path().join("log"))).expect("log");
    let faulty = Arc::new(Faulty::new(log.clone(), fault, counted));
    let engine = Engine::open(faulty.clone(), config(&state, interval))
        .await
        .expect("engine opens");
    run(&engine, SOURCE).await;
    run(&engine, query).await;
    let half = TOTAL / 2;
    let failed = feed(&engine, &log, 0, half).await;
    assert!(
        failed || !must_fail,
        "the injected fault stopped the query ({fault:?})"
    );
    engine.shutdown().await;
    drop(engine);
    // The input the crashed run had not seen yet arrives too (at once, as after a downtime).
    let fed = log.offsets("readings", 0).await.expect("offsets").end;
    if fed < half {
        log.append("readings", 0, readings(fed, half))
            .await
            .expect("append");
    }

    let engine = Engine::open(log.clone(), config(&state, interval))
        .await
        .expect("engine reopens");
    assert!(!feed(&engine, &log, half, TOTAL).await);
    let got = settled(&log).await;
    engine.shutdown().await;
    for (p, (got, want)) in got.iter().zip(want).enumerate() {
        assert_eq!(
            got.len(),
            want.len(),
            "{query}\n{fault:?}, checkpoint every {interval:?}: sink partition {p} length"
        );
        assert!(
            got == want,
            "{query}\n{fault:?}, checkpoint every {interval:?}: sink partition {p} differs"
        );
    }
}

async fn all_faults(query: &str) {
    let want = uninterrupted(query).await;
    assert!(want.iter().map(Vec::len).sum::<usize>() > 50, "{want:?}");
    for interval in [
        Duration::ZERO,
        Duration::from_millis(15),
        Duration::from_secs(3600),
    ] {
        for fault in [
            Fault::Append(4),
            Fault::Append(11),
            Fault::Commit(3),
            Fault::Commit(7),
        ] {
            crash_and_restart(query, fault, interval, &want, true).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tumbling_emit_changes_survives_crashes_exactly_once() {
    all_faults(QUERIES[0]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tumbling_emit_final_survives_crashes_exactly_once() {
    all_faults(QUERIES[1]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unwindowed_having_survives_crashes_exactly_once() {
    all_faults(QUERIES[2]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_emit_changes_survives_crashes_exactly_once() {
    all_faults(QUERIES[3]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_emit_final_survives_crashes_exactly_once() {
    all_faults(QUERIES[4]).await;
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 8, ..Default::default() })]

    /// Random query, crash point and checkpoint interval against the uninterrupted output.
    #[test]
    fn random_crash_and_checkpoint_points_change_no_output(
        query in 0usize..QUERIES.len(),
        append in proptest::bool::ANY,
        at in 1i64..30,
        interval_ms in proptest::sample::select(vec![0u64, 3, 10, 40, 3_600_000]),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let want = uninterrupted(QUERIES[query]).await;
            let fault = if append { Fault::Append(at) } else { Fault::Commit(at) };
            let interval = Duration::from_millis(interval_ms);
            crash_and_restart(QUERIES[query], fault, interval, &want, false).await;
        });
    }
}

// ---------------------------------------------------------------------------------------------
// A source with several partitions: two stages through the repartition topic.
//
// Records of one key arrive on every source partition, so the order the first stage's tasks
// write a repartition partition in depends on timing, in an uninterrupted run as after a
// crash: any interleaving that keeps each source partition's order is a valid run. So the check
// is, after crashes and restarts: (1) the repartition topic holds each input record exactly
// once, in its source partition's order; (2) the sink holds, record for record, what an
// uninterrupted run writes over that repartition content — computed by a fresh engine whose
// 3-partition source holds, in partition r, the rows of repartition partition r (their keys
// hash to r, so its first stage copies them in order and its second stage sees the same
// input).

const SOURCE3: &str = "CREATE STREAM readings (device STRING KEY, v INT) WITH (kafka_topic='readings', value_format='JSON', partitions=3);";

const QUERIES3: [&str; 3] = [
    "CREATE TABLE agg WITH (kafka_topic='AGG', partitions=2) AS SELECT device, COUNT(*) AS n, SUM(v) AS total FROM readings WINDOW TUMBLING (SIZE 20 MILLISECONDS) GROUP BY device EMIT CHANGES;",
    "CREATE TABLE agg WITH (kafka_topic='AGG', partitions=2) AS SELECT device, COUNT(*) AS n, MAX(v) AS hi FROM readings WINDOW TUMBLING (SIZE 20 MILLISECONDS, GRACE PERIOD 5 MILLISECONDS) GROUP BY device EMIT FINAL;",
    "CREATE TABLE agg WITH (kafka_topic='AGG', partitions=2) AS SELECT device, COUNT(*) AS n, SUM(v) AS total FROM readings WHERE v % 11 <> 5 GROUP BY device HAVING COUNT(*) % 4 <> 3 EMIT CHANGES;",
];

/// Reading `i` of the 3-partition source: as [`readings`], keyed `dev-(i % 13)` (13 devices:
/// every repartition partition gets some).
fn reading3(i: i64) -> Record {
    let mut r = readings(i, i + 1).remove(0);
    r.key = Some(Bytes::from(format!("dev-{}", i % 13)));
    r
}

/// Readings `from..to`: reading `i` goes to source partition `i % 3`, so every key is on every
/// partition.
fn readings3(from: i64, to: i64) -> Vec<Vec<Record>> {
    let mut out = vec![Vec::new(); 3];
    for i in from..to {
        out[(i % 3) as usize].push(reading3(i));
    }
    out
}

/// Whether the query's every task has committed everything its input holds.
async fn caught_up(log: &EmbeddedLog, id: &str) -> bool {
    let Some(repartition) = repartition_topic(log).await else {
        return false;
    };
    for p in 0..3u32 {
        let end = log.offsets("readings", p).await.expect("offsets").end;
        let group = format!("_rivulet-query-{id}-{p}");
        let committed = log.committed_offsets(&group).await.expect("offsets");
        if !committed
            .iter()
            .any(|c| c.topic == "readings" && c.partition == p && c.offset >= end)
        {
            return false;
        }
    }
    for r in 0..3u32 {
        let end = log.offsets(&repartition, r).await.expect("offsets").end;
        let group = format!("_rivulet-query-{id}-aggregate-{r}");
        let committed = log.committed_offsets(&group).await.expect("offsets");
        if end > 0
            && !committed
                .iter()
                .any(|c| c.topic == repartition && c.offset >= end)
        {
            return false;
        }
    }
    true
}

async fn repartition_topic(log: &EmbeddedLog) -> Option<String> {
    log.list_topics()
        .await
        .expect("topics")
        .into_iter()
        .find(|t| t.ends_with("-Aggregate-GroupBy-repartition"))
}

/// Appends `input` chunk by chunk (all partitions of a chunk, then waits for the query); stops
/// waiting once the query is in ERROR. Returns whether it failed.
async fn feed3(engine: &Engine, log: &EmbeddedLog, from: i64, to: i64) -> bool {
    let mut failed = false;
    let mut at = from;
    while at < to {
        let end = (at + CHUNK).min(to);
        for (p, records) in readings3(at, end).into_iter().enumerate() {
            log.append("readings", p as u32, records)
                .await
                .expect("append");
        }
        at = end;
        for _ in 0..1000 {
            if failed {
                break;
            }
            let Some((id, state)) = query_id(engine).await else {
                break;
            };
            if state == "ERROR" {
                failed = true;
                break;
            }
            if caught_up(log, &id).await {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    failed
}

/// Every record of every repartition partition, decoded.
async fn repartitioned(log: &EmbeddedLog) -> Vec<Vec<RepartitionRecord>> {
    let topic = repartition_topic(log).await.expect("a repartition topic");
    let limits = ReadLimits {
        max_records: 1_000_000,
        max_bytes: 1 << 30,
    };
    let mut out = Vec::new();
    for p in log.describe_topic(&topic).await.expect("topic").partitions {
        let batch = log
            .read(&topic, p.partition, 0, limits)
            .await
            .expect("read");
        out.push(
            batch
                .records
                .iter()
                .map(|r| repartition::decode(&r.record).expect("decodes"))
                .collect(),
        );
    }
    out
}

/// The reading a repartition row came from: (device, v, time).
fn reading_of(row: &RepartitionRecord) -> Option<(String, i64, i64)> {
    let RepartitionRecord::Row {
        key_values,
        args,
        time,
        ..
    } = row
    else {
        return None;
    };
    let device = match key_values.first() {
        Some(Value::String(s)) => s.to_string(),
        other => panic!("device key: {other:?}"),
    };
    let v = match args.iter().flatten().next() {
        Some(Value::Int(v)) => i64::from(*v),
        other => panic!("v argument: {other:?}"),
    };
    Some((device, v, *time))
}

/// Checks (1) of the section doc and returns the repartition rows.
fn check_repartitioned(query: &str, content: &[Vec<RepartitionRecord>]) {
    let mut seen = Vec::new();
    for (r, records) in content.iter().enumerate() {
        let mut last = [-1i64; 3];
        for (device, v, time) in records.iter().filter_map(reading_of) {
            let want = reading3(v);
            assert_eq!(
                (Some(device.as_bytes()), time),
                (want.key.as_deref(), want.timestamp),
                "{query}: repartition record {v}"
            );
            let p = (v % 3) as usize;
            assert!(
                v > last[p],
                "{query}: repartition partition {r}: reading {v} after {} of source partition {p}",
                last[p]
            );
            last[p] = v;
            seen.push(v);
        }
    }
    seen.sort_unstable();
    let want: Vec<i64> = (0..TOTAL)
        .filter(|v| !query.contains("WHERE") || v % 11 != 5)
        .collect();
    assert_eq!(seen, want, "{query}: repartition rows lost or duplicated");
}

/// What an uninterrupted run writes over `content` (see the section doc).
async fn uninterrupted3(query: &str, content: &[Vec<RepartitionRecord>]) -> Sink {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path().join("log"))).expect("log");
    let engine = Engine::open(
        log.clone(),
        config(&dir.path().join("state"), Duration::ZERO),
    )
    .await
    .expect("engine");
    run(&engine, SOURCE3).await;
    run(&engine, query).await;
    for (r, records) in content.iter().enumerate() {
        let records: Vec<Record> = records
            .iter()
            .filter_map(reading_of)
            .map(|(device, v, time)| {
                Record::new(
                    Some(Bytes::from(device)),
                    Some(Bytes::from(json!({ "v": v }).to_string())),
                    time,
                )
            })
            .collect();
        log.append("readings", r as u32, records)
            .await
            .expect("append");
    }
    let (id, _) = query_id(&engine).await.expect("query");
    while !caught_up(&log, &id).await {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let out = settled(&log).await;
    // The fresh run's first stage copied each partition as it was.
    let copied = repartitioned(&log).await;
    let rows = |c: &[Vec<RepartitionRecord>]| -> Vec<Vec<_>> {
        c.iter()
            .map(|p| p.iter().filter_map(reading_of).collect())
            .collect()
    };
    assert_eq!(rows(&copied), rows(content), "{query}: fresh repartition");
    // Internal topics are hidden from SHOW TOPICS; TERMINATE removes the repartition topic
    // and every task's checkpoint.
    let topics = engine
        .execute_script("SHOW TOPICS;", &mut Session::default())
        .await
        .expect("show topics");
    assert!(!topics[0].to_string().contains("repartition"), "{topics:?}");
    let all = engine
        .execute_script("SHOW ALL TOPICS;", &mut Session::default())
        .await
        .expect("show all topics");
    assert!(all[0].to_string().contains(&format!(
        "_confluent-ksql-default_query_{id}-Aggregate-GroupBy-repartition"
    )));
    let state = dir.path().join("state").join(&id);
    let checkpoints = std::fs::read_dir(&state).expect("checkpoints").count();
    assert_eq!(checkpoints, 3, "one checkpoint per second-stage task");
    run(&engine, &format!("TERMINATE {id};")).await;
    assert!(!state.exists(), "{id}: checkpoints left");
    assert!(
        repartition_topic(&log).await.is_none(),
        "repartition topic left"
    );
    engine.shutdown().await;
    out
}

/// Commits of both stages' tasks (not the origins').
fn counted3(group: &str, offsets: &[CommittedOffset]) -> bool {
    !group.ends_with("-origin")
        && offsets
            .iter()
            .any(|o| o.topic == "readings" || o.topic.ends_with("-repartition"))
}

/// Runs `query` over the first half of the input with `fault`, restarts, feeds the rest, then
/// checks the repartition topic and compares the sink with an uninterrupted run over it.
async fn crash_and_restart3(query: &str, fault: Fault, interval: Duration, must_fail: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path().join("log"))).expect("log");
    let faulty = Arc::new(Faulty::new(log.clone(), fault, counted3));
    let engine = Engine::open(faulty.clone(), config(&state, interval))
        .await
        .expect("engine opens");
    run(&engine, SOURCE3).await;
    run(&engine, query).await;
    let half = TOTAL / 2;
    let failed = feed3(&engine, &log, 0, half).await;
    assert!(
        failed || !must_fail,
        "the injected fault stopped the query ({fault:?})"
    );
    engine.shutdown().await;
    drop(engine);

    let engine = Engine::open(log.clone(), config(&state, interval))
        .await
        .expect("engine reopens");
    assert!(!feed3(&engine, &log, half, TOTAL).await);
    let (id, _) = query_id(&engine).await.expect("query");
    while !caught_up(&log, &id).await {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let got = settled(&log).await;
    engine.shutdown().await;
    let content = repartitioned(&log).await;
    check_repartitioned(query, &content);
    let want = uninterrupted3(query, &content).await;
    assert!(want.iter().map(Vec::len).sum::<usize>() > 50, "{want:?}");
    let windowed = query.contains("WINDOW");
    let (got, want) = (by_task(&got, windowed), by_task(&want, windowed));
    for (p, (got, want)) in got.iter().zip(&want).enumerate() {
        for (r, (got, want)) in got.iter().zip(want).enumerate() {
            assert_eq!(
                got.len(),
                want.len(),
                "{query}\n{fault:?}, checkpoint every {interval:?}: sink partition {p}, task {r}: length"
            );
            if let Some(i) = (0..got.len()).find(|&i| got[i] != want[i]) {
                panic!(
                    "{query}\n{fault:?}, checkpoint every {interval:?}: sink partition {p}, task {r}, record {i}: {:?} vs uninterrupted {:?}",
                    got[i], want[i]
                );
            }
        }
    }
}

/// A sink partition's records split by the second-stage task that wrote them (the repartition
/// partition of their inner key): several tasks write one sink partition, so only each task's
/// own sequence is defined, as with Kafka Streams tasks sharing an output partition.
fn by_task(sink: &Sink, windowed: bool) -> Vec<Vec<Vec<SinkRecord>>> {
    sink.iter()
        .map(|records| {
            let mut tasks = vec![Vec::new(); 3];
            for r in records {
                let inner = if windowed {
                    &r.0[..r.0.len() - 8]
                } else {
                    &r.0[..]
                };
                tasks[partition_for_key(inner, 3) as usize].push(r.clone());
            }
            tasks
        })
        .collect()
}

async fn all_faults3(query: &str) {
    for interval in [
        Duration::ZERO,
        Duration::from_millis(15),
        Duration::from_secs(3600),
    ] {
        for fault in [
            Fault::Append(4),
            Fault::Append(13),
            Fault::Commit(3),
            Fault::Commit(10),
        ] {
            crash_and_restart3(query, fault, interval, true).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_partitions_tumbling_emit_changes_survives_crashes_exactly_once() {
    all_faults3(QUERIES3[0]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_partitions_tumbling_emit_final_survives_crashes_exactly_once() {
    all_faults3(QUERIES3[1]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_partitions_unwindowed_where_having_survives_crashes_exactly_once() {
    all_faults3(QUERIES3[2]).await;
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 6, ..Default::default() })]

    /// Random query, crash point and checkpoint interval over a 3-partition source.
    #[test]
    fn three_partitions_random_crash_and_checkpoint_points_change_no_output(
        query in 0usize..3,
        append in proptest::bool::ANY,
        at in 1i64..40,
        interval_ms in proptest::sample::select(vec![0u64, 3, 10, 40, 3_600_000]),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let fault = if append { Fault::Append(at) } else { Fault::Commit(at) };
            let interval = Duration::from_millis(interval_ms);
            crash_and_restart3(QUERIES3[query], fault, interval, false).await;
        });
    }
}
