//! The GPS fleet's joined events (seed 001): what the fleet pipeline's `JOIN_EVENTS` stream
//! carries — a device's location joined with its latest status — for the pipeline's two
//! aggregating tables, until Rivulet runs the stream-stream join that makes them from the
//! `device_location` and `device_status` topics.
//!
//! It owns the shape and the statistics of those events: devices `dev-1`… in turn, positions
//! drawn around (9, 107) with σ = 0.1·√10 ≈ 0.316° (the seed's generator restarts from the origin
//! at every message), the distance from the origin in km as GEO_DISTANCE computes it, and sound,
//! temperature and altitude uniform in the seed's ranges with the seed's anomaly rates (an anomaly
//! lands outside its range by a U(1 %, 20 %) share of the range, as the article intends). Events
//! go to a running Rivulet over `POST /topics/{topic}/records`; it must not reach into the server.

use std::{future::Future, time::Duration};

use bytes::Bytes;
use http_body_util::Full;
use hyper::Uri;
use hyper_util::{
    client::legacy::{connect::HttpConnector, Client},
    rt::TokioExecutor,
};
use rand::{rngs::StdRng, Rng, RngCore, SeedableRng};
use serde_json::{json, Value};

use super::phones::post;

/// The topic the demo's `JOIN_EVENTS` stream reads.
pub const FLEET_EVENTS_TOPIC: &str = "join_events";
/// The fleet's origin (latitude, longitude).
pub const ORIGIN: (f64, f64) = (9.0, 107.0);
/// Earth radius GEO_DISTANCE uses, in km.
const EARTH_RADIUS_KM: f64 = 6371.0;

/// How the fleet simulator runs.
#[derive(Debug, Clone)]
pub struct FleetSimConfig {
    /// Devices `dev-1`…`dev-N`, used in turn.
    pub devices: usize,
    /// Pause between two events (the seed's status producer: 0.5 s).
    pub period: Duration,
    /// Same seed, same events (but the event times).
    pub seed: Option<u64>,
    pub topic: String,
    /// Base URL of the Rivulet server (`http://host:port`).
    pub url: String,
}

impl Default for FleetSimConfig {
    fn default() -> Self {
        FleetSimConfig {
            devices: 3,
            period: Duration::from_millis(500),
            seed: None,
            topic: FLEET_EVENTS_TOPIC.to_string(),
            url: "http://127.0.0.1:8088".to_string(),
        }
    }
}

/// A standard normal sample (Box–Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// A reading in `[min, max]`, or with probability `anomaly_rate` outside it.
fn reading(rng: &mut StdRng, min: f64, max: f64, anomaly_rate: f64) -> f64 {
    let range = max - min;
    if rng.gen_bool(anomaly_rate) {
        let offset = range * rng.gen_range(0.01..0.2);
        if rng.gen_bool(0.5) {
            max + offset
        } else {
            min - offset
        }
    } else {
        rng.gen_range(min..=max)
    }
}

/// Great-circle distance in km, as ksqlDB's GEO_DISTANCE computes it.
pub fn geo_distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
}

/// One joined event of device `dev-<n>` at `event_ts` (epoch ms), with the JOIN_EVENTS columns.
pub fn fleet_event(rng: &mut StdRng, n: usize, event_ts: i64) -> Value {
    let sigma = 0.1 * 10f64.sqrt();
    let latitude = ORIGIN.0 + sigma * normal(rng);
    let longitude = ORIGIN.1 + sigma * normal(rng);
    let device = format!("dev-{n}");
    json!({
        "ID": format!("ids_{event_ts}"),
        "DEVICE_ID": device,
        "LATITUDE": latitude,
        "LONGITUDE": longitude,
        "DISTANCE": geo_distance_km(latitude, longitude, ORIGIN.0, ORIGIN.1),
        "EVENT_TS": event_ts,
        "DI_": device,
        "TEMPERATURE": reading(rng, 20.0, 30.0, 0.15),
        "SOUND": reading(rng, 30.0, 50.0, 0.25),
        "ALTITUDE": reading(rng, 1000.0, 2000.0, 0.10),
    })
}

/// Sends joined events until `stop` resolves; returns how many the server acknowledged.
pub async fn run_fleet<S: Future<Output = ()>>(
    config: FleetSimConfig,
    stop: S,
) -> Result<u64, String> {
    let uri: Uri = format!(
        "{}/topics/{}/records",
        config.url.trim_end_matches('/'),
        config.topic
    )
    .parse()
    .map_err(|e| format!("invalid simulator URL {}: {e}", config.url))?;
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let seed = config.seed.unwrap_or_else(|| rand::thread_rng().next_u64());
    let mut rng = StdRng::seed_from_u64(seed);
    let devices = config.devices.max(1);
    let mut sent = 0u64;
    let mut tick = tokio::time::interval(config.period);
    tokio::pin!(stop);
    for i in 0usize.. {
        tokio::select! {
            _ = &mut stop => break,
            _ = tick.tick() => {}
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let n = i % devices + 1;
        let event = fleet_event(&mut rng, n, now);
        let body = json!({"records": [{"value": event, "timestamp": now}]});
        match post(&client, &uri, Bytes::from(body.to_string())).await {
            Ok((status, _)) if status.is_success() => sent += 1,
            Ok((status, text)) => tracing::warn!(%status, %text, "fleet event refused"),
            Err(e) => tracing::debug!(error = %e, "fleet event not sent"),
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_have_the_join_events_columns_and_ranges() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut anomalies = 0;
        for i in 0..3000 {
            let e = fleet_event(&mut rng, i % 3 + 1, 1_000 + i as i64);
            for column in [
                "ID",
                "DEVICE_ID",
                "LATITUDE",
                "LONGITUDE",
                "DISTANCE",
                "EVENT_TS",
                "DI_",
                "TEMPERATURE",
                "SOUND",
                "ALTITUDE",
            ] {
                assert!(!e[column].is_null(), "{column} in {e}");
            }
            let (lat, lon) = (
                e["LATITUDE"].as_f64().unwrap(),
                e["LONGITUDE"].as_f64().unwrap(),
            );
            assert!((lat - 9.0).abs() < 3.0 && (lon - 107.0).abs() < 3.0, "{e}");
            let d = e["DISTANCE"].as_f64().unwrap();
            assert!((d - geo_distance_km(lat, lon, 9.0, 107.0)).abs() < 1e-9);
            let t = e["TEMPERATURE"].as_f64().unwrap();
            assert!((18.0..=32.0).contains(&t), "{t}");
            if !(20.0..=30.0).contains(&t) {
                anomalies += 1;
            }
        }
        // 15 % anomalies on temperature: between 10 % and 20 % of 3000 here.
        assert!((300..600).contains(&anomalies), "{anomalies}");
    }

    #[test]
    fn geo_distance_matches_a_known_value() {
        // One degree of latitude is about 111.19 km on a 6371 km sphere.
        assert!((geo_distance_km(9.0, 107.0, 10.0, 107.0) - 111.19).abs() < 0.01);
    }
}
