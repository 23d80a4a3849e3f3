//! kill -9 of the real binary while windowed CTAS queries run under load: after two kills and a
//! restart, each sink holds exactly what an uninterrupted run writes over the same stored input
//! (computed by a fresh server fed a copy of that input), record for record and in order per
//! sink partition — for a tumbling window with EMIT FINAL and one with EMIT CHANGES. Their
//! state comes back from checkpoints (`<data dir>/state`), their output is deduplicated with
//! producer tags (see `rivulet_engine::query::aggregate_runner`).

mod common;

use std::time::Duration;

use common::{Http, Proc};
use serde_json::{json, Value};

const STATEMENTS: &str =
    "CREATE STREAM readings (k STRING KEY, producer INT, seq BIGINT, ts BIGINT) \
    WITH (kafka_topic='readings', partitions=1, value_format='JSON', timestamp='ts'); \
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
            &json!({"ksql": STATEMENTS, "streamsProperties": {"auto.offset.reset": "earliest"}}),
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
                            json!({"key": format!("k{}", s % 7), "partition": 0,
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
    let input = http.read_all("readings", 0).await;
    assert!(input.len() > 500, "too little load: {}", input.len());
    let checkpoints = std::fs::read_dir(dir.path().join("state"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(checkpoints, 2, "one checkpoint directory per query");

    // An uninterrupted run: a fresh server, the same statements, the same stored input.
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = Proc::server(fresh_dir.path(), &[]);
    let fresh_http = Http::new(&fresh.url);
    create(&fresh_http).await;
    for chunk in input.chunks(500) {
        let records: Vec<_> = chunk
            .iter()
            .map(|r| json!({"key": r["key"], "value": r["value"], "partition": 0}))
            .collect();
        let (status, body) = fresh_http
            .post("/topics/readings/records", &json!({ "records": records }))
            .await
            .unwrap();
        assert_eq!(status, 200, "{body}");
    }
    let want = settled(&fresh_http).await;
    for (s, sink_topic) in SINKS.iter().enumerate() {
        for p in 0..2 {
            let (g, w) = (&got[s][p], &want[s][p]);
            assert!(
                w.len() > 10,
                "{sink_topic}/{p}: too little output: {}",
                w.len()
            );
            assert_eq!(
                g.len(),
                w.len(),
                "{sink_topic}/{p}: output count after two kill -9 differs from an uninterrupted run"
            );
            if let Some(i) = (0..g.len()).find(|&i| g[i] != w[i]) {
                panic!(
                    "{sink_topic}/{p}: record {i} differs: {:?} vs uninterrupted {:?}",
                    g[i], w[i]
                );
            }
        }
        eprintln!(
            "{sink_topic} after two kill -9: {} + {} output records, exactly the uninterrupted run's",
            got[s][0].len(),
            got[s][1].len()
        );
    }
}
