//! Throughput of a stateless persistent query: the seed phone stream's CSAS (filter on `name`,
//! projection of three columns, JSON in and out) over 200,000 phone records pre-written to an
//! embedded log (fsync never for appends; offset commits always fsync), one partition, so one
//! query task on one core. Each iteration creates a
//! new CSAS reading from earliest and times it until its sink topic holds every output record;
//! throughput is source records per second. The median over the iterations is printed at the
//! end, besides criterion's own estimate.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rivulet_core::Record;
use rivulet_engine::{Engine, EngineConfig, Session};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    FsyncPolicy, Log,
};

const RECORDS: usize = 200_000;
const SEED: &str = "CREATE stream smartphone_sensor_stream (name varchar, time bigint, values_x double, values_y double, values_z double, messageId bigint, sessionId varchar, deviceId varchar) WITH (kafka_topic='smartphone-sensor-data', value_format='JSON', partitions=1);";
const NAMES: [&str; 4] = [
    "accelerometeruncalibrated",
    "gyroscopeuncalibrated",
    "magnetometeruncalibrated",
    "gravity",
];

fn phone_record(i: usize) -> Record {
    let value = format!(
        r#"{{"name":"{}","time":{},"values_x":{},"values_y":{},"values_z":{},"messageId":{},"sessionId":"6c8a0e56-6f5d-4a4e-9b1f-0d2c1f6b1a11","deviceId":"86a5b0e3-5d2f-4c55-8d0c-{:012}"}}"#,
        NAMES[i % NAMES.len()],
        1_684_615_020_438_850_600u64 + i as u64 * 1_000_000,
        0.9939 + i as f64 * 1e-6,
        -0.5736,
        -0.1787,
        i / 50,
        i % 8
    );
    Record::new(None, Some(Bytes::from(value)), 1_717_000_000_000 + i as i64)
}

fn bench(c: &mut Criterion) {
    // One thread runs the query's single partition task and the bench's (1 ms) poll of the
    // sink's end offset; the log's fsyncs of offset commits run on its own threads.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => panic!("runtime: {e}"),
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = EmbeddedConfig::new(dir.path());
    config.fsync = FsyncPolicy::Never;
    let log = EmbeddedLog::open(config).expect("log");
    let engine = runtime.block_on(async {
        let dyn_log: Arc<dyn Log> = log.clone();
        let engine = Engine::open(dyn_log, EngineConfig::default())
            .await
            .expect("engine");
        engine
            .execute_script(SEED, &mut Session::default())
            .await
            .expect("seed stream");
        for chunk in (0..RECORDS).collect::<Vec<_>>().chunks(5_000) {
            let records = chunk.iter().map(|i| phone_record(*i)).collect();
            log.append("smartphone-sensor-data", 0, records)
                .await
                .expect("append");
        }
        engine
    });
    let expected = (RECORDS / NAMES.len()) as i64;
    // One CSAS and out, without criterion: for instruction counts under
    // `valgrind --tool=callgrind`, which are repeatable on a busy machine.
    if std::env::var_os("RIVULET_BENCH_ONCE").is_some() {
        let elapsed = runtime.block_on(run_once(&engine, &log, "ACCEL_ONCE", expected));
        println!("csas once: {elapsed:?} for {RECORDS} records");
        runtime.block_on(engine.shutdown());
        return;
    }
    let durations = Arc::new(Mutex::new(Vec::new()));
    let mut n = 0;
    let mut g = c.benchmark_group("csas");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(RECORDS as u64));
    g.bench_function("filter_project_json_200k", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                n += 1;
                let sink = format!("ACCEL_{n}");
                let elapsed = runtime.block_on(run_once(&engine, &log, &sink, expected));
                if let Ok(mut d) = durations.lock() {
                    d.push(elapsed);
                }
                total += elapsed;
            }
            total
        })
    });
    g.finish();
    if let Ok(mut d) = durations.lock() {
        d.sort();
        if let Some(median) = d.get(d.len() / 2) {
            println!(
                "csas median over {} runs: {:?} for {RECORDS} records = {:.0} records/s ({} output records)",
                d.len(),
                median,
                RECORDS as f64 / median.as_secs_f64(),
                expected
            );
        }
    }
    runtime.block_on(engine.shutdown());
}

/// Creates the CSAS into `sink` reading from earliest, waits until the sink holds `expected`
/// records, terminates it: the time from CREATE to the last output record.
async fn run_once(engine: &Engine, log: &EmbeddedLog, sink: &str, expected: i64) -> Duration {
    let sql = format!(
        "CREATE STREAM {sink} AS SELECT deviceId, time, values_x FROM smartphone_sensor_stream WHERE name = 'accelerometeruncalibrated';"
    );
    let mut session = Session::default();
    session
        .properties
        .insert("auto.offset.reset".into(), "earliest".into());
    let start = Instant::now();
    engine
        .execute_script(&sql, &mut session)
        .await
        .expect("csas");
    loop {
        let d = log.describe_topic(sink).await.expect("sink");
        if d.partitions.iter().map(|p| p.end_offset).sum::<i64>() >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let elapsed = start.elapsed();
    engine
        .execute_script("TERMINATE ALL;", &mut Session::default())
        .await
        .expect("terminate");
    elapsed
}

criterion_group!(benches, bench);
criterion_main!(benches);
