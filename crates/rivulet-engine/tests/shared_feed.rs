//! Encoded feeds of a shared push query over a real embedded log: a subscriber that does not
//! read loses its oldest batches (counted) while the producer and the other subscriber go on
//! unhindered, every row is accounted for (delivered, coalesced or lost), and pacing coalesces.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use bytes::Bytes;
use rivulet_core::{Record, Schema, Value};
use rivulet_engine::{
    query::{Encode, FeedPolicy, FeedSubscription},
    Engine, EngineConfig, Session,
};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    Log,
};
use serde_json::json;

const SEED: &str = "CREATE stream smartphone_sensor_stream (name varchar, time bigint, values_x double, values_y double, values_z double, messageId bigint, sessionId varchar, deviceId varchar) WITH (kafka_topic='smartphone-sensor-data', value_format='JSON', partitions=1);";
const QUERY: &str = "select deviceId, time, values_x, values_y, values_z\nfrom smartphone_sensor_stream where name = 'accelerometeruncalibrated' emit changes;";

async fn setup() -> (tempfile::TempDir, Arc<EmbeddedLog>, Arc<Engine>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).expect("log opens");
    let dyn_log: Arc<dyn Log> = log.clone();
    let engine = Engine::open(dyn_log, EngineConfig::default())
        .await
        .expect("engine opens");
    if let Err(f) = engine.execute_script(SEED, &mut Session::default()).await {
        panic!("{SEED}: {}", f.error);
    }
    (dir, log, engine)
}

/// `time` as the event, one line.
fn time_line(_: &Schema, row: &[Value]) -> Bytes {
    let time = row.get(1).and_then(Value::as_i64).unwrap_or(-1);
    Bytes::from(format!("{time}\n"))
}

/// Accelerometer rows with times `from..from + n`, and as many gyroscope rows the query skips.
async fn produce(log: &EmbeddedLog, from: i64, n: i64) {
    let records = (from..from + n)
        .flat_map(|t| {
            ["accelerometeruncalibrated", "gyroscopeuncalibrated"].map(|name| {
                let value = json!({"name": name, "time": t, "values_x": 1.0, "values_y": 2.0,
                    "values_z": 3.0, "messageId": 1, "sessionId": "s", "deviceId": "d"});
                Record::new(
                    None,
                    Some(Bytes::from(value.to_string())),
                    1_717_000_000_000,
                )
            })
        })
        .collect();
    log.append("smartphone-sensor-data", 0, records)
        .await
        .expect("append");
}

/// What one subscriber was told, summed over its deliveries.
#[derive(Default, Debug)]
struct Seen {
    events: u64,
    coalesced: u64,
    lagged: u64,
    last_time: Option<i64>,
}

impl Seen {
    fn accounted(&self) -> u64 {
        self.events + self.coalesced + self.lagged
    }
}

/// Reads deliveries until the row with time `last` arrived (or 10 s passed).
async fn read_until(feed: &mut FeedSubscription, last: i64, seen: &mut Seen) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while seen.last_time != Some(last) {
        let delivery = tokio::time::timeout_at(deadline, feed.next())
            .await
            .expect("the last row within 10 s")
            .expect("the feed goes on");
        seen.events += delivery.batch.events.len() as u64;
        seen.coalesced += delivery.coalesced;
        seen.lagged += delivery.lagged;
        let joined = String::from_utf8_lossy(&delivery.batch.joined).into_owned();
        assert_eq!(
            joined,
            delivery
                .batch
                .events
                .iter()
                .map(|e| String::from_utf8_lossy(e).into_owned())
                .collect::<String>(),
            "joined is the events end to end"
        );
        if let Some(t) = joined.lines().last().and_then(|l| l.parse().ok()) {
            seen.last_time = Some(t);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_that_does_not_read_loses_its_oldest_batches_and_slows_nobody() {
    let (_dir, log, engine) = setup().await;
    let policy = FeedPolicy {
        interval: Duration::from_millis(2),
        deliveries_per_second: u32::MAX,
        max_rows: 1000,
        rows_per_second: u32::MAX,
        queue_batches: 8,
    };
    let encode: Encode = time_line;
    let mut reader = engine
        .subscribe_push(QUERY)
        .await
        .expect("subscribes")
        .feed("times", encode, policy);
    let mut idle = engine
        .subscribe_push(QUERY)
        .await
        .expect("subscribes")
        .feed("times", encode, policy);

    const BURSTS: i64 = 60;
    const ROWS: i64 = 10;
    let last = BURSTS * ROWS - 1;
    let reading = tokio::spawn(async move {
        let mut seen = Seen::default();
        read_until(&mut reader, last, &mut seen).await;
        seen
    });
    // Bursts further apart than the interval: at least one batch each, far more than the idle
    // subscriber's queue holds.
    let started = Instant::now();
    for burst in 0..BURSTS {
        produce(&log, burst * ROWS, ROWS).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let producing = started.elapsed();
    assert!(
        producing < Duration::from_secs(5),
        "the producer waited on a subscriber: {producing:?}"
    );

    let seen = reading.await.expect("reader");
    assert_eq!(seen.last_time, Some(last));
    assert_eq!(seen.coalesced, 0, "{seen:?}");
    assert_eq!(
        seen.accounted(),
        (BURSTS * ROWS) as u64,
        "every row delivered or counted: {seen:?}"
    );

    // The idle subscriber fell behind its queue: its loss is known without waiting, then it
    // reads on from its oldest kept batch, and every row is accounted for too.
    let mut idle_seen = Seen {
        lagged: idle.lost_now(),
        ..Seen::default()
    };
    assert!(idle_seen.lagged > 0, "nothing counted as lost");
    read_until(&mut idle, last, &mut idle_seen).await;
    assert!(idle_seen.events < (BURSTS * ROWS) as u64, "{idle_seen:?}");
    assert_eq!(
        idle_seen.accounted(),
        (BURSTS * ROWS) as u64,
        "every row delivered or counted: {idle_seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_faster_than_the_pace_are_coalesced_keeping_the_newest() {
    let (_dir, log, engine) = setup().await;
    let policy = FeedPolicy {
        interval: Duration::from_millis(200),
        deliveries_per_second: u32::MAX,
        max_rows: 10,
        rows_per_second: u32::MAX,
        queue_batches: 8,
    };
    let mut feed = engine
        .subscribe_push(QUERY)
        .await
        .expect("subscribes")
        .feed("times", time_line, policy);
    // A first row goes out at once; the next 500, arriving within the interval, as one batch
    // of 10 evenly spaced rows ending with the newest.
    produce(&log, 0, 1).await;
    let first = tokio::time::timeout(Duration::from_secs(10), feed.next())
        .await
        .expect("a batch")
        .expect("the feed goes on");
    assert_eq!(first.batch.events, vec![Bytes::from("0\n")]);
    produce(&log, 1, 500).await;
    let mut seen = Seen::default();
    read_until(&mut feed, 500, &mut seen).await;
    assert_eq!(seen.accounted(), 500, "{seen:?}");
    assert!(seen.events <= 20, "{seen:?}");
    assert!(seen.coalesced >= 480, "{seen:?}");
}
