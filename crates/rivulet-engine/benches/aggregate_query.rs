//! End-to-end throughput of a persistent aggregate query (`CREATE TABLE … AS SELECT … GROUP BY`)
//! over a source with 1 or 3 partitions: 300,000 JSON records (`{"SENSOR": …, "VALUE": …}`,
//! 100 sensors, keys spread over every partition, one every millisecond of event time) are
//! pre-written, then the query starts from the earliest offset; the figure is source records
//! per second until every task has committed the whole input (decode, filter, aggregate,
//! encode, append to the sink, checkpoints every second). With 3 partitions the query runs in
//! two stages through its repartition topic. Tasks run on a 2-thread runtime.
//!
//! Plain `main` (no criterion): each case runs 3 times on a fresh log, the median is printed.

use std::{sync::Arc, time::Instant};

use bytes::Bytes;
use rivulet_core::Record;
use rivulet_engine::{Engine, EngineConfig, Session};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    FsyncPolicy, Log,
};

const RECORDS: usize = 300_000;
const QUERY: &str = "CREATE TABLE counts AS SELECT sensor, COUNT(*) AS n, MAX(value) AS hi FROM temps WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY sensor EMIT CHANGES;";

/// Whether every committed position of the query's groups reached the end of what it reads.
async fn done(log: &EmbeddedLog, partitions: u32) -> bool {
    let ends: u64 = {
        let mut n = 0;
        for p in 0..partitions {
            n += log.offsets("temps", p).await.expect("offsets").end as u64;
        }
        n
    };
    let mut stats = 0u64;
    for topic in log.list_topics().await.expect("topics") {
        if topic == "COUNTS" {
            for p in log.describe_topic(&topic).await.expect("sink").partitions {
                stats += p.end_offset as u64;
            }
        }
    }
    // EMIT CHANGES without HAVING: one output per input record.
    stats >= ends
}

async fn once(partitions: u32) -> f64 {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = EmbeddedConfig::new(dir.path().join("log"));
    config.fsync = FsyncPolicy::Never;
    let log = EmbeddedLog::open(config).expect("log");
    let engine = Engine::open(
        log.clone() as Arc<dyn Log>,
        EngineConfig {
            state_dir: Some(dir.path().join("state")),
            ..EngineConfig::default()
        },
    )
    .await
    .expect("engine");
    let mut session = Session::default();
    session
        .properties
        .insert("auto.offset.reset".into(), "earliest".into());
    let create = format!("CREATE STREAM temps (id STRING KEY, sensor STRING, value INT) WITH (kafka_topic='temps', partitions={partitions}, value_format='JSON');");
    engine
        .execute_script(&create, &mut session)
        .await
        .expect("source");
    for chunk in (0..RECORDS).collect::<Vec<_>>().chunks(10_000) {
        let mut per_partition = vec![Vec::new(); partitions as usize];
        for i in chunk {
            let value = format!(r#"{{"SENSOR":"sensor-{}","VALUE":{}}}"#, i % 100, i % 1000);
            per_partition[i % partitions as usize].push(Record::new(
                Some(Bytes::from(format!("id-{i}"))),
                Some(Bytes::from(value)),
                *i as i64,
            ));
        }
        for (p, records) in per_partition.into_iter().enumerate() {
            log.append("temps", p as u32, records)
                .await
                .expect("append");
        }
    }
    let started = Instant::now();
    engine
        .execute_script(QUERY, &mut session)
        .await
        .expect("query");
    while !done(&log, partitions).await {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let rate = RECORDS as f64 / started.elapsed().as_secs_f64();
    engine.shutdown().await;
    rate
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    for partitions in [1u32, 3] {
        let mut rates: Vec<f64> = (0..3).map(|_| runtime.block_on(once(partitions))).collect();
        rates.sort_by(f64::total_cmp);
        println!(
            "aggregate query, {partitions} source partition(s): median {:.0} records/s (runs: {:?})",
            rates[1],
            rates.iter().map(|r| *r as u64).collect::<Vec<_>>()
        );
    }
}
