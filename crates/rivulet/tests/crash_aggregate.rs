//! kill -9 of the real binary while windowed CTAS queries over a 3-partition source run under
//! load (three producers, one per source partition, every key on every partition): the queries
//! run in two stages through their repartition topics (see
//! `rivulet_engine::query::repartition`). After two kills and a restart:
//! - each repartition topic holds every stored input record exactly once (key, evaluated
//!   argument, event time), so the first stage lost and duplicated nothing;
//! - each sink holds exactly what an uninterrupted second stage writes over that repartition
//!   content — computed by a fresh server whose data directory holds a copy of the repartition
//!   topics before the same statements run (same query ids, so its second stage reads them) —
//!   record for record and in order per sink partition and writing task (tasks share sink
//!   partitions, so only each task's sequence is defined, as with Kafka Streams), for a tumbling
//!   window with EMIT FINAL and one with EMIT CHANGES. State comes back from checkpoints
//!   (`<data dir>/state`, one per second-stage task), output is deduplicated with producer tags
//!   (see `rivulet_engine::query::aggregate_runner`). A short idle timeout makes the first stage
//!   write watermarks too: the fresh server reads them from the copy, so they are checked as
//!   well.

mod common;

use std::{path::Path, time::Duration};

use common::{Http, Proc};
use rivulet_engine::query::repartition::{self, RepartitionRecord};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    partitioner::partition_for_key,
    FsyncPolicy, Log, LoggedRecord, ReadLimits, TopicSpec,
};
use serde_json::{json, Value};

const STATEMENTS: &str =
    "CREATE STREAM readings (k STRING KEY, producer INT, seq BIGINT, ts BIGINT) \
    WITH (kafka_topic='readings', partitions=3, value_format='JSON', timestamp='ts'); \
    CREATE TABLE final_counts WITH (kafka_topic='final_counts', partitions=2) AS \
    SELECT k, COUNT(*) AS n, MAX(seq) AS hi FROM readings \
    WINDOW TUMBLING (SIZE 200 MILLISECONDS, GRACE PERIOD 2 SECONDS) GROUP BY k EMIT FINAL; \
    CREATE TABLE change_sums WITH (kafka_topic='change_sums', partitions=2) AS \
    SELECT k, COUNT(*) AS n, SUM(seq) AS total FROM readings \
    WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY k EMIT CHANGES;";

const SINKS: [&str; 2] = ["final_counts", "change_sums"];

async fn create(http: &Http) {
    let (status, body) = http
        .post(
            "/ksql",
            // An idle timeout shorter than the gap between a task's writes to one repartition
            // partition (keys cycle through 7 values 10 ms apart): the first stage also writes
            // watermarks, which the check below sees in the log.
            &json!({"ksql": STATEMENTS, "streamsProperties": {"auto.offset.reset": "earliest",
                "rivulet.watermark.idle.timeout.ms": "40"}}),
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
}

/// Every record of a sink, per partition, as (key, value, timestamp), in order.
async fn sink(http: &Http, topic: &str) -> Vec<Vec<(Value, Value, Value)>> {
    let mut out = Vec::new();
    for partition in 0..2 {
        out.push(
            http.read_all(topic, partition)
                .await
                .into_iter()
                .map(|r| (r["key"].clone(), r["value"].clone(), r["timestamp"].clone()))
                .collect(),
        );
    }
    out
}

/// Both sinks once they stopped changing for a while.
async fn settled(http: &Http) -> Vec<Vec<Vec<(Value, Value, Value)>>> {
    let mut last = Vec::new();
    for sink_topic in SINKS {
        last.push(sink(http, sink_topic).await);
    }
    loop {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let mut now = Vec::new();
        for sink_topic in SINKS {
            now.push(sink(http, sink_topic).await);
        }
        if now == last {
            return now;
        }
        last = now;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_of_running_windowed_ctas_writes_exactly_the_uninterrupted_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Proc::server(dir.path(), &["--fsync", "always"]);
    create(&Http::new(&server.url)).await;

    let mut next_seq = [0u64; 3];
    for round in 0..2 {
        let http = Http::new(&server.url);
        let mut producers = Vec::new();
        for (producer, start) in next_seq.iter().copied().enumerate() {
            let http = http.clone();
            producers.push(tokio::spawn(async move {
                let mut seq = start;
                loop {
                    let records: Vec<_> = (0..20)
                        .map(|i| {
                            let s = seq + i;
                            json!({"key": format!("k{}", s % 7), "partition": producer,
                                   "value": {"producer": producer, "seq": s, "ts": s * 10}})
                        })
                        .collect();
                    match http
                        .post("/topics/readings/records", &json!({ "records": records }))
                        .await
                    {
                        Ok((200, _)) => seq += 20,
                        Ok((status, body)) => panic!("produce failed: {status} {body}"),
                        // The server is gone; the check reads what is stored.
                        Err(_) => return seq + 20,
                    }
                }
            }));
        }
        // Past the first checkpoints (every second), mid-interval.
        tokio::time::sleep(Duration::from_millis(1700 + 600 * round)).await;
        server.kill9();
        for (p, task) in producers.into_iter().enumerate() {
            next_seq[p] = task.await.unwrap();
        }
        server = Proc::server(dir.path(), &[]);
    }
    let http = Http::new(&server.url);
    let got = settled(&http).await;
    let mut input = Vec::new();
    for p in 0..3 {
        input.extend(http.read_all_raw("readings", p).await);
    }
    assert!(input.len() > 500, "too little load: {}", input.len());
    let checkpoints: Vec<usize> = std::fs::read_dir(dir.path().join("state"))
        .expect("state dir")
        .map(|d| {
            std::fs::read_dir(d.expect("entry").path())
                .expect("dir")
                .count()
        })
        .collect();
    assert_eq!(
        checkpoints,
        [3, 3],
        "one checkpoint directory per query, one checkpoint per second-stage task"
    );
    server.kill9();

    // The repartition topics: every input record exactly once.
    let repartitioned = repartition_topics(dir.path()).await;
    assert_eq!(repartitioned.len(), 2, "one repartition topic per query");
    let mut want_rows: Vec<(String, i64, i64)> = input
        .iter()
        .map(|r| {
            (
                r["key"].as_str().expect("key").to_string(),
                r["value"]["SEQ"]
                    .as_i64()
                    .unwrap_or_else(|| panic!("SEQ in {r}")),
                r["value"]["TS"]
                    .as_i64()
                    .unwrap_or_else(|| panic!("TS in {r}")),
            )
        })
        .collect();
    want_rows.sort();
    for (topic, partitions) in &repartitioned {
        let mut rows = Vec::new();
        let mut watermarks = 0;
        for records in partitions {
            for r in records {
                if r.record.key.is_none() {
                    watermarks += 1;
                }
                if let RepartitionRecord::Row {
                    key_values,
                    args,
                    time,
                    ..
                } = repartition::decode(&r.record).expect("decodes")
                {
                    let seq = args
                        .iter()
                        .flatten()
                        .find_map(|v| match v {
                            rivulet_core::Value::Bigint(s) => Some(*s),
                            _ => None,
                        })
                        .expect("seq argument");
                    rows.push((key_values[0].to_string(), seq, time));
                }
            }
        }
        rows.sort();
        assert!(watermarks > 0, "{topic}: no watermark records");
        eprintln!("{topic}: {} rows, {watermarks} watermarks", rows.len());
        assert!(
            rows == want_rows,
            "{topic}: {} rows for {} input records (lost or duplicated)",
            rows.len(),
            want_rows.len()
        );
    }

    // An uninterrupted second stage: a fresh server over a copy of the repartition topics.
    let fresh_dir = tempfile::tempdir().unwrap();
    copy_topics(fresh_dir.path(), &repartitioned).await;
    let fresh = Proc::server(fresh_dir.path(), &[]);
    let fresh_http = Http::new(&fresh.url);
    create(&fresh_http).await;
    let (_, topics) = fresh_http
        .post("/ksql", &json!({"ksql": "SHOW ALL TOPICS;"}))
        .await
        .unwrap();
    for (topic, _) in &repartitioned {
        assert!(
            topics.to_string().contains(topic.as_str()),
            "the fresh server's queries read {topic}: {topics}"
        );
    }
    let want = settled(&fresh_http).await;
    for (s, sink_topic) in SINKS.iter().enumerate() {
        for p in 0..2 {
            let (g, w) = (by_task(&got[s][p]), by_task(&want[s][p]));
            for task in 0..3 {
                let (g, w) = (&g[task], &w[task]);
                assert_eq!(
                    g.len(),
                    w.len(),
                    "{sink_topic}/{p}, task {task}: output count after two kill -9 differs from an uninterrupted run"
                );
                if let Some(i) = (0..g.len()).find(|&i| g[i] != w[i]) {
                    panic!(
                        "{sink_topic}/{p}, task {task}: record {i} differs: {:?} vs uninterrupted {:?}",
                        g[i], w[i]
                    );
                }
            }
            assert!(
                got[s][p].len() > 10,
                "{sink_topic}/{p}: too little output: {}",
                got[s][p].len()
            );
        }
        eprintln!(
            "{sink_topic} after two kill -9: {} + {} output records, exactly the uninterrupted run's",
            got[s][0].len(),
            got[s][1].len()
        );
    }
}

type Output = (Value, Value, Value);

/// A sink partition's records split by the second-stage task that wrote them: the repartition
/// partition of their (inner) key.
fn by_task(records: &[Output]) -> Vec<Vec<Output>> {
    let mut tasks = vec![Vec::new(); 3];
    for r in records {
        let key = r.0.as_str().expect("a string key");
        tasks[partition_for_key(key.as_bytes(), 3) as usize].push(r.clone());
    }
    tasks
}

/// Every repartition topic of the data directory `dir` (no server running on it), with each
/// partition's records.
async fn repartition_topics(dir: &Path) -> Vec<(String, Vec<Vec<LoggedRecord>>)> {
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir)).expect("log");
    let limits = ReadLimits {
        max_records: 10_000_000,
        max_bytes: 1 << 30,
    };
    let mut out = Vec::new();
    for topic in log.list_topics().await.expect("topics") {
        if !topic.ends_with("-Aggregate-GroupBy-repartition") {
            continue;
        }
        let mut partitions = Vec::new();
        for p in log.describe_topic(&topic).await.expect("topic").partitions {
            let batch = log
                .read(&topic, p.partition, 0, limits)
                .await
                .expect("read");
            partitions.push(batch.records);
        }
        out.push((topic, partitions));
    }
    log.close();
    out
}

/// Writes `topics` into a new data directory `dir`, record for record.
async fn copy_topics(dir: &Path, topics: &[(String, Vec<Vec<LoggedRecord>>)]) {
    let mut config = EmbeddedConfig::new(dir);
    config.fsync = FsyncPolicy::Always;
    let log = EmbeddedLog::open(config).expect("log");
    for (topic, partitions) in topics {
        log.create_topic(TopicSpec::new(topic.as_str(), partitions.len() as u32))
            .await
            .expect("create");
        for (p, records) in partitions.iter().enumerate() {
            let records = records.iter().map(|r| r.record.clone()).collect();
            log.append(topic, p as u32, records).await.expect("append");
        }
    }
    log.close();
}
