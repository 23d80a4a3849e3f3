//! `rivulet demo`: the server on the embedded log with simulated phones, the temperature
//! tutorial's sensors and the GPS fleet feeding it; the seed's phone stream and the seed
//! pipelines' streams and aggregating tables declared ([`PIPELINES`]); the chart feed and the
//! dashboard served.

use std::time::Duration;

use rivulet_connect::{
    sensor_logger::PHONE_TOPIC,
    simulate::fleet::{run_fleet, FleetSimConfig, FLEET_EVENTS_TOPIC},
    simulate::phones::{run_phones, PhoneSimConfig},
    simulate::temperature::{run_temperature, TemperatureSimConfig, TEMPERATURE_TOPIC},
};
use rivulet_log::{LogError, TopicSpec};

use crate::{cli::DemoArgs, config::resolve};

/// The seed pipelines the demo runs, as (the source or table each statement declares, the
/// statement). Aggregations read from the earliest offset, as the tutorials' processors do.
pub const PIPELINES: [(&str, &str); 6] = [
    // Seed 002, the temperature tutorial: count/min/max/mean per sensor over 10 s tumbling
    // windows with 1 s of grace, final results only, in event time (the reading's `ts`).
    (
        "RAW_TEMPERATURE",
        "CREATE STREAM raw_temperature (sensor STRING KEY, ts STRING, value INT) \
         WITH (KAFKA_TOPIC='raw-temp-data', VALUE_FORMAT='JSON', TIMESTAMP='ts', \
         TIMESTAMP_FORMAT='yyyy-MM-dd''T''HH:mm:ss.SSSSSS');",
    ),
    (
        "AGG_TEMPERATURE",
        "CREATE TABLE agg_temperature WITH (KAFKA_TOPIC='agg-temperature') AS \
         SELECT sensor, COUNT(*) AS readings, MIN(value) AS min_temp, MAX(value) AS max_temp, \
         AVG(value) AS mean_temp FROM raw_temperature \
         WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY sensor EMIT FINAL;",
    ),
    // Seed 003, the crash detector: the sum of acceleration magnitudes per phone over 2 s
    // hopping windows advancing by 250 ms, final rows only.
    (
        "PHONE_CRASH_FEATURES",
        "CREATE TABLE phone_crash_features WITH (KAFKA_TOPIC='phone-crash-features') AS \
         SELECT deviceId, SUM(SQRT(values_x * values_x + values_y * values_y + values_z * values_z)) \
         AS magnitude_sum, COUNT(*) AS readings FROM smartphone_sensor_stream \
         WINDOW HOPPING (SIZE 2 SECONDS, ADVANCE BY 250 MILLISECONDS) \
         WHERE name = 'accelerometer' GROUP BY deviceId EMIT FINAL;",
    ),
    // Seed 001, the GPS fleet: its two tables over a stream with JOIN_EVENTS' columns (JSON in
    // place of the seed's AVRO; the join that makes JOIN_EVENTS comes with stream joins).
    (
        "JOIN_EVENTS",
        "CREATE STREAM JOIN_EVENTS (ID VARCHAR, DEVICE_ID VARCHAR, LATITUDE DOUBLE, \
         LONGITUDE DOUBLE, DISTANCE DOUBLE, EVENT_TS BIGINT, DI_ VARCHAR, TEMPERATURE DOUBLE, \
         SOUND DOUBLE, ALTITUDE DOUBLE) WITH (KAFKA_TOPIC='join_events', VALUE_FORMAT='JSON', \
         PARTITIONS=1, TIMESTAMP='EVENT_TS');",
    ),
    (
        "DEVICE_WINAGG_STATUS_PER2S",
        "CREATE TABLE device_winagg_status_per2s AS SELECT \
         CONCAT(CAST(DEVICE_ID AS STRING), '_', CAST(WINDOWSTART AS STRING), '_', CAST(WINDOWEND AS STRING)) AS ID, \
         DEVICE_ID, AS_VALUE(DEVICE_ID) AS \"dev_id\", AVG(LATITUDE) LATITUDE, AVG(LONGITUDE) LONGITUDE, \
         AVG(DISTANCE) DISTANCE, MAX(EVENT_TS) EVENT_TS, COUNT(*) AS event_count, AVG(TEMPERATURE) AS avg_temp, \
         AVG(SOUND) AS avg_sound, AVG(ALTITUDE) AS avg_alt \
         FROM JOIN_EVENTS WINDOW TUMBLING (SIZE 2 SECONDS) GROUP BY DEVICE_ID EMIT CHANGES;",
    ),
    (
        "DEVICE_WINAGG_STATUS_PERDEVICE",
        "CREATE TABLE device_winagg_status_perdevice AS SELECT DEVICE_ID, \
         LATEST_BY_OFFSET(LATITUDE) AS LATITUDE, LATEST_BY_OFFSET(LONGITUDE) AS LONGITUDE, \
         LATEST_BY_OFFSET(DISTANCE) AS DISTANCE, LATEST_BY_OFFSET(EVENT_TS) AS EVENT_TS, \
         LATEST_BY_OFFSET(TEMPERATURE) AS TEMPERATURE, LATEST_BY_OFFSET(SOUND) AS SOUND, \
         LATEST_BY_OFFSET(ALTITUDE) AS ALTITUDE FROM JOIN_EVENTS GROUP BY DEVICE_ID EMIT CHANGES;",
    ),
];

/// Declares each of [`PIPELINES`] that the catalog does not hold yet (a restarted demo keeps
/// the ones its command log restored).
async fn declare_pipelines(engine: &rivulet_engine::Engine) -> anyhow::Result<()> {
    let mut session = rivulet_engine::Session::default();
    session
        .properties
        .insert("auto.offset.reset".into(), "earliest".into());
    for (name, statement) in PIPELINES {
        if engine.catalog().await.get(name).is_some() {
            continue;
        }
        if let Err(f) = engine.execute_script(statement, &mut session).await {
            anyhow::bail!("declaring {name}: {}", f.error);
        }
    }
    Ok(())
}

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let resolved = resolve(&args.server)?;
    let running = super::server::start(&resolved).await?;
    let addr = running.addr;
    let mut session = rivulet_engine::Session::default();
    if running
        .engine
        .catalog()
        .await
        .get("SMARTPHONE_SENSOR_STREAM")
        .is_none()
    {
        if let Err(f) = running
            .engine
            .execute_script(
                rivulet_connect::phone_chart::SEED_STREAM_CREATE,
                &mut session,
            )
            .await
        {
            anyhow::bail!("declaring the phone stream: {}", f.error);
        }
    }
    // The tutorial's topic gets one partition whatever --default-partitions says, so its
    // readings stay in one ordered stream; a topic kept from an earlier run is left as it is.
    match running
        .log
        .create_topic(TopicSpec::new(TEMPERATURE_TOPIC, 1))
        .await
    {
        Ok(_) | Err(LogError::TopicExists(_)) => {}
        Err(e) => anyhow::bail!("creating topic {TEMPERATURE_TOPIC}: {e}"),
    }
    declare_pipelines(&running.engine).await?;
    super::server::print_banner(&resolved, addr);
    println!(
        "  running  phone simulator: {} phones × 5 sensors × {} Hz → topic {PHONE_TOPIC}",
        args.devices, args.rate
    );
    let temperature = TemperatureSimConfig {
        count: None,
        seed: args.seed,
        url: format!("http://{addr}"),
        ..TemperatureSimConfig::default()
    };
    println!(
        "  running  temperature simulator: {} sensors (Sensor1…Sensor{}), a reading every 0–{} ms → topic {TEMPERATURE_TOPIC}",
        temperature.sensors,
        temperature.sensors,
        temperature.max_pause.as_millis()
    );
    println!("  running  fleet simulator: 3 devices, one joined location/status event every 0.5 s → topic {FLEET_EVENTS_TOPIC}");
    println!("  running  stream SMARTPHONE_SENSOR_STREAM over {PHONE_TOPIC} (ksqlDB API on the same port)");
    println!("  running  seed pipelines (rivulet sql -e 'SHOW QUERIES;'):");
    println!("           AGG_TEMPERATURE      tumbling 10 s, grace 1 s, EMIT FINAL  → topic agg-temperature");
    println!("           PHONE_CRASH_FEATURES hopping 2 s / 250 ms SUM, EMIT FINAL → topic phone-crash-features");
    println!(
        "           DEVICE_WINAGG_STATUS_PER2S, DEVICE_WINAGG_STATUS_PERDEVICE over JOIN_EVENTS"
    );
    println!("  dashboard http://{addr}/");
    println!("  chart    GET  http://{addr}/chart-data/1   (the seed dashboard's SSE feed)");
    println!("  try      curl 'http://{addr}/topics/{PHONE_TOPIC}/records?offset=0&limit=3'");
    println!("           curl -N 'http://{addr}/query-sse?sql=SELECT%20*%20FROM%20smartphone_sensor_stream%20EMIT%20CHANGES%3B'");
    println!("           rivulet sql --url http://{addr}");
    println!("Press Ctrl-C to stop.");

    let config = PhoneSimConfig {
        devices: args.devices,
        rate_hz: args.rate,
        batch_period: Duration::from_millis(200),
        seed: args.seed,
        url: format!("http://{addr}/phone-producer/"),
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let sim = tokio::spawn(run_phones(config, stopped(stop_rx.clone()), |p| {
        tracing::debug!(?p, "phone simulator")
    }));
    let temp_sim = tokio::spawn(run_temperature(
        temperature,
        stopped(stop_rx.clone()),
        |p| tracing::debug!(?p, "temperature simulator"),
    ));
    let fleet = FleetSimConfig {
        seed: args.seed,
        url: format!("http://{addr}"),
        ..FleetSimConfig::default()
    };
    let fleet_sim = tokio::spawn(run_fleet(fleet, stopped(stop_rx)));
    super::shutdown_signal().await;
    println!("Stopping…");
    let _ = stop_tx.send(true);
    match sim.await? {
        Ok(stats) => println!("phone simulator: {stats:?}"),
        Err(e) => eprintln!("phone simulator stopped: {e}"),
    }
    match temp_sim.await? {
        Ok(stats) => println!("temperature simulator: {stats:?}"),
        Err(e) => eprintln!("temperature simulator stopped: {e}"),
    }
    match fleet_sim.await? {
        Ok(sent) => println!("fleet simulator: {sent} events"),
        Err(e) => eprintln!("fleet simulator stopped: {e}"),
    }
    running.stop().await
}
