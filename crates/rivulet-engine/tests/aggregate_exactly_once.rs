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
//! sessions) and EMIT FINAL (rows held in checkpointed state until sessions close). The kill
//! -9 version is `crates/rivulet/tests/crash.rs`.

mod support;

use std::{path::Path, sync::Arc, time::Duration};

use bytes::Bytes;
use rivulet_core::Record;
use rivulet_engine::{Engine, EngineConfig, Session};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
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

/// Every sink partition's records as (key, value, timestamp), in order.
type Sink = Vec<Vec<(Vec<u8>, Option<Vec<u8>>, i64)>>;

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
