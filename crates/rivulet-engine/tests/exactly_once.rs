//! Exactly-once output of stateless persistent queries across a crash, over a real embedded log.
//!
//! A fault-injecting wrapper around the embedded log makes a query's task stop at the worst
//! moments: after its batch was appended to the sink but before the commit of its progress, and
//! after the batch reached one sink partition but not the next. The engine is then reopened over
//! the same log (a restart), and the sink must hold exactly what an uninterrupted run writes: no
//! record twice, none missing. The process-level version of this (kill -9 of the real binary)
//! is `crates/rivulet/tests/crash.rs`.

mod support;

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use bytes::Bytes;
use rivulet_core::Record;
use rivulet_engine::{Engine, EngineConfig, Session};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    CommittedOffset, Log, ReadLimits,
};
use serde_json::{json, Value};
use support::faulty_log::{Fault, Faulty};

/// A task's commits after a batch (not the initial ones, at offset 0).
fn counted(_group: &str, offsets: &[CommittedOffset]) -> bool {
    offsets
        .iter()
        .any(|o| o.topic == "readings" && o.offset > 0)
}

const SOURCE: &str = "CREATE STREAM readings (device STRING KEY, v INT) WITH (kafka_topic='readings', value_format='JSON', partitions=2);";
const CSAS: &str = "CREATE STREAM out WITH (kafka_topic='OUT', partitions=3) AS SELECT device, v * 10 AS v10 FROM readings WHERE v % 3 <> 0;";

async fn run(engine: &Engine, sql: &str) {
    let mut session = Session::default();
    session
        .properties
        .insert("auto.offset.reset".into(), "earliest".into());
    if let Err(f) = engine.execute_script(sql, &mut session).await {
        panic!("{sql} failed: {}", f.error);
    }
}

/// Appends `count` readings in batches of 7 to both source partitions, keyed by 5 devices.
async fn produce(log: &EmbeddedLog, from: i64, count: i64) {
    let mut v = from;
    while v < from + count {
        for partition in 0..2u32 {
            let records: Vec<Record> = (v..(v + 7).min(from + count))
                .map(|i| {
                    let v = i + i64::from(partition) * 100_000;
                    Record::new(
                        Some(Bytes::from(format!("dev-{}", i % 5))),
                        Some(Bytes::from(json!({ "v": v }).to_string())),
                        1_000 + i,
                    )
                })
                .collect();
            log.append("readings", partition, records)
                .await
                .expect("append");
        }
        v += 7;
    }
}

/// Every sink record: (device, value) → how many times it is there, and the total. Values are
/// unique in the input (partition 1 adds 100,000), so any count above one is a duplicate.
async fn sink(log: &EmbeddedLog) -> (BTreeMap<(String, i64), usize>, usize) {
    let mut out = BTreeMap::new();
    let mut total = 0;
    for p in log
        .describe_topic("OUT")
        .await
        .expect("sink topic")
        .partitions
    {
        let limits = ReadLimits {
            max_records: 1_000_000,
            max_bytes: 1 << 30,
        };
        let batch = log.read("OUT", p.partition, 0, limits).await.expect("read");
        for r in batch.records {
            let key = String::from_utf8_lossy(r.record.key.as_deref().unwrap_or(b"")).into_owned();
            let value: Value =
                serde_json::from_slice(r.record.value.as_deref().unwrap_or(b"null")).expect("json");
            *out.entry((key, value["V10"].as_i64().unwrap_or(-1)))
                .or_default() += 1;
            total += 1;
        }
    }
    (out, total)
}

/// What an uninterrupted run writes for readings `0..count` on both partitions.
fn expected(count: i64) -> (BTreeMap<(String, i64), usize>, usize) {
    let mut out = BTreeMap::new();
    let mut total = 0;
    for partition in 0..2 {
        for i in (0..count).filter(|i| (i + partition * 100_000) % 3 != 0) {
            let v = i + partition * 100_000;
            *out.entry((format!("dev-{}", i % 5), v * 10)).or_default() += 1;
            total += 1;
        }
    }
    (out, total)
}

async fn wait_for_total(log: &EmbeddedLog, total: usize) {
    for _ in 0..1000 {
        if sink(log).await.1 >= total {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A little longer, to catch records written twice.
    tokio::time::sleep(Duration::from_millis(200)).await;
}

async fn crash_and_restart(fault: Fault) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).expect("log opens");
    let faulty = Arc::new(Faulty::new(log.clone(), fault, counted));
    let engine = Engine::open(faulty.clone(), EngineConfig::default())
        .await
        .expect("engine opens");
    run(&engine, SOURCE).await;
    produce(&log, 0, 140).await;
    run(&engine, CSAS).await;
    // The task that hit the fault stops (state ERROR); wait until it has.
    let mut failed = false;
    for _ in 0..500 {
        let shown = engine
            .execute_script("SHOW QUERIES;", &mut Session::default())
            .await
            .expect("show queries");
        if shown[0]["queries"][0]["state"] == "ERROR" {
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(failed, "the injected fault stopped the query ({fault:?})");
    let before = sink(&log).await.1;
    engine.shutdown().await;
    drop(engine);

    // Restart over the same log; more input arrives.
    let engine = Engine::open(log.clone(), EngineConfig::default())
        .await
        .expect("engine reopens");
    produce(&log, 140, 70).await;
    let (want, want_total) = expected(210);
    wait_for_total(&log, want_total).await;
    let (got, got_total) = sink(&log).await;
    let twice: Vec<_> = got.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "{fault:?}: records written twice after the restart: {twice:?}"
    );
    assert_eq!(
        got_total, want_total,
        "{fault:?}: sink holds {before} before the restart"
    );
    assert_eq!(got, want, "{fault:?}");
    engine.shutdown().await;
}

#[tokio::test]
async fn a_crash_between_append_and_commit_writes_nothing_twice() {
    for n in [1, 2] {
        crash_and_restart(Fault::Commit(n)).await;
    }
}

#[tokio::test]
async fn a_crash_between_two_sink_partitions_writes_nothing_twice() {
    for n in [2, 3, 4] {
        crash_and_restart(Fault::Append(n)).await;
    }
}
