//! `rivulet demo`: the server on the embedded log with simulated phones and the temperature
//! tutorial's sensors feeding it, the seed's phone stream declared, and its chart feed served.
//! Later issues add the aggregating seed pipelines and the dashboard page here.

use std::time::Duration;

use rivulet_connect::{
    sensor_logger::PHONE_TOPIC,
    simulate::phones::{run_phones, PhoneSimConfig},
    simulate::temperature::{run_temperature, TemperatureSimConfig, TEMPERATURE_TOPIC},
};
use rivulet_log::{Log, LogError, TopicSpec};

use crate::{cli::DemoArgs, config::resolve};

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
    println!("  running  stream SMARTPHONE_SENSOR_STREAM over {PHONE_TOPIC} (ksqlDB API on the same port)");
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
    let temp_sim = tokio::spawn(run_temperature(temperature, stopped(stop_rx), |p| {
        tracing::debug!(?p, "temperature simulator")
    }));
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
    running.stop().await
}
