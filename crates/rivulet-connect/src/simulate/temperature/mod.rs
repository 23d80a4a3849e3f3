//! Simulated temperature sensors (`rivulet simulate temperature`): the producer of the Quix Streams
//! temperature tutorial (seed 002, `sensor_stream_producer.py`), as records for
//! `POST /topics/raw-temp-data/records`.
//!
//! Owns the record shape and its pacing: key `Sensor1`…`SensorN` chosen at random, header `uuid`
//! (a version-4 UUID), value `{"ts": "YYYY-MM-DDTHH:MM:SS.ffffff", "value": 0..=100}` and a random
//! pause of 0..=`max_pause` whole milliseconds after each reading, all drawn from one seeded RNG so
//! a seed replays the same keys, values, uuids and pauses. It must not know how the server stores
//! records, and must not do HTTP itself: [`send`] posts what this module generates.
//!
//! Deliberate differences from the seed, each for a reason:
//! - the value is a JSON object, as the fixtures have it; the seed serialised it twice (a JSON
//!   string holding the object), which is why its processor had to `json.loads` each value;
//! - `ts` is naive UTC (the seed wrote host local time, the same thing on a UTC host) and always has
//!   six fractional digits (Python's `isoformat()` drops them when the microseconds are 0, which the
//!   seed processor's own `%Y-%m-%dT%H:%M:%S.%f` then fails to parse);
//! - each record carries `timestamp` (epoch ms of `ts`), what a Kafka producer stamps at `send()`.

mod send;

use std::time::Duration;

use chrono::DateTime;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use serde_json::{json, Value};

use super::phones::{uuid, SimError};

pub use send::run_temperature;

/// The topic the tutorial's producer writes to.
pub const TEMPERATURE_TOPIC: &str = "raw-temp-data";

/// The tutorial's producer stops after this many readings.
pub const TUTORIAL_READINGS: u64 = 10_000;

/// Highest temperature reading (`random.randint(0, 100)`, inclusive).
pub const MAX_VALUE: u8 = 100;

/// What `rivulet simulate temperature` runs.
#[derive(Debug, Clone, PartialEq)]
pub struct TemperatureSimConfig {
    /// Sensors `Sensor1`…`SensorN` (the tutorial has 5).
    pub sensors: usize,
    /// Longest pause between two readings; each pause is a whole number of milliseconds drawn
    /// uniformly from 0 to this, both included (the tutorial: 1 s).
    pub max_pause: Duration,
    /// Stop after this many readings; `None` runs until stopped (the tutorial: 10 000).
    pub count: Option<u64>,
    /// Same seed, same keys, values, uuids and pauses; `None` picks one at random.
    pub seed: Option<u64>,
    /// Topic to write to.
    pub topic: String,
    /// Base URL of the Rivulet server (`http://host:port`).
    pub url: String,
}

impl Default for TemperatureSimConfig {
    fn default() -> Self {
        TemperatureSimConfig {
            sensors: 5,
            max_pause: Duration::from_millis(1000),
            count: Some(TUTORIAL_READINGS),
            seed: None,
            topic: TEMPERATURE_TOPIC.to_string(),
            url: "http://127.0.0.1:8088".to_string(),
        }
    }
}

impl TemperatureSimConfig {
    /// The same settings with the seed fixed (a random one when none was given), so a caller can
    /// print the seed that reproduces the run.
    pub fn seeded(mut self) -> Self {
        self.seed
            .get_or_insert_with(|| rand::thread_rng().next_u64());
        self
    }

    /// Where the records go: `{url}/topics/{topic}/records?raw=true` — raw, as the tutorial's
    /// Kafka producer writes them, even when a stream is declared over the topic.
    pub fn records_url(&self) -> String {
        format!(
            "{}/topics/{}/records?raw=true",
            self.url.trim_end_matches('/'),
            self.topic
        )
    }

    /// Whether [`run_temperature`] would take these settings (so a caller can say so before
    /// printing what it runs).
    pub fn validate(&self) -> Result<(), SimError> {
        send::check(self).map(|_| ())
    }

    /// Longest pause in whole milliseconds (the unit pauses are drawn in).
    fn max_pause_ms(&self) -> u64 {
        u64::try_from(self.max_pause.as_millis()).unwrap_or(u64::MAX)
    }
}

/// One reading, as the tutorial's producer makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemperatureReading {
    /// `Sensor1`…`SensorN`: the record key.
    pub sensor: String,
    /// The `uuid` header.
    pub uuid: String,
    /// When it was read, epoch microseconds (`ts`).
    pub time_us: i64,
    /// The temperature, 0..=100.
    pub value: u8,
    /// The pause before the next reading.
    pub pause_after: Duration,
}

/// Latest instant `ts` can show (9999-12-31T23:59:59.999999).
const MAX_TS_US: i64 = 253_402_300_799_999_999;

/// `ts` text: naive UTC `YYYY-MM-DDTHH:MM:SS.ffffff` (times outside years 1970..=9999 are clamped).
pub fn iso_ts(time_us: i64) -> String {
    DateTime::from_timestamp_micros(time_us.clamp(0, MAX_TS_US))
        .unwrap_or_default()
        .naive_utc()
        .format("%Y-%m-%dT%H:%M:%S%.6f")
        .to_string()
}

impl TemperatureReading {
    /// The `ts` field.
    pub fn ts(&self) -> String {
        iso_ts(self.time_us)
    }

    /// The record value: `{"ts": …, "value": …}`.
    pub fn value_json(&self) -> Value {
        json!({"ts": self.ts(), "value": self.value})
    }

    /// The record as `POST /topics/{topic}/records` takes it:
    /// `{"key", "headers": {"uuid"}, "value": {"ts", "value"}, "timestamp"}`.
    pub fn to_record(&self) -> Value {
        json!({
            "key": self.sensor,
            "headers": {"uuid": self.uuid},
            "value": self.value_json(),
            "timestamp": self.time_us.div_euclid(1000),
        })
    }
}

/// The pure reading generator: deterministic for a seed and a start time.
#[derive(Debug, Clone)]
pub struct TemperatureSimulator {
    seed: u64,
    rng: StdRng,
    sensors: Vec<String>,
    max_pause_ms: u64,
    next_us: i64,
}

impl TemperatureSimulator {
    /// A generator whose first reading is at `start_us` (epoch microseconds). Zero sensors count
    /// as one.
    pub fn new(config: &TemperatureSimConfig, start_us: i64) -> Self {
        let seed = config.seed.unwrap_or_else(|| rand::thread_rng().next_u64());
        TemperatureSimulator {
            seed,
            rng: StdRng::seed_from_u64(seed),
            sensors: (1..=config.sensors.max(1))
                .map(|i| format!("Sensor{i}"))
                .collect(),
            max_pause_ms: config.max_pause_ms(),
            next_us: start_us,
        }
    }

    /// The seed in use (the configured one, or the one picked at random).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The sensor names, `Sensor1`…`SensorN`.
    pub fn sensors(&self) -> &[String] {
        &self.sensors
    }

    /// The next reading; the one after comes `pause_after` later. Draws in the seed's order: the
    /// sensor (`random.choice`), the value (`random.randint(0, 100)`), the uuid, the pause
    /// (`random.randint(0, 1000) / 1000`).
    pub fn next_reading(&mut self) -> TemperatureReading {
        let sensor = self.sensors[self.rng.gen_range(0..self.sensors.len())].clone();
        let value = self.rng.gen_range(0..=MAX_VALUE);
        let uuid = uuid(&mut self.rng);
        let pause_ms = self.rng.gen_range(0..=self.max_pause_ms);
        let pause_after = Duration::from_millis(pause_ms);
        let time_us = self.next_us;
        let pause_us = i64::try_from(pause_ms.saturating_mul(1000)).unwrap_or(i64::MAX);
        self.next_us = self.next_us.saturating_add(pause_us);
        TemperatureReading {
            sensor,
            uuid,
            time_us,
            value,
            pause_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// 2024-06-14T10:15:01.213000 UTC, the fixtures' first reading.
    const T0_US: i64 = 1_718_360_101_213_000;

    /// The shared fixture `quix-temperature/raw-temp-data.records.json`, copied.
    const FIXTURE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/raw-temp-data.records.json"
    ));

    fn config(seed: u64) -> TemperatureSimConfig {
        TemperatureSimConfig {
            seed: Some(seed),
            ..TemperatureSimConfig::default()
        }
    }

    fn keys(v: &Value) -> BTreeSet<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn parse_ts(ts: &str) -> chrono::NaiveDateTime {
        // The seed processor's own format, `%Y-%m-%dT%H:%M:%S.%f`.
        chrono::NaiveDateTime::parse_from_str(ts, "%Y-%m-%dT%H:%M:%S%.f")
            .unwrap_or_else(|e| panic!("{ts:?} does not parse: {e}"))
    }

    #[test]
    fn defaults_are_the_tutorials() {
        let c = TemperatureSimConfig::default();
        assert_eq!(c.sensors, 5);
        assert_eq!(c.max_pause, Duration::from_secs(1));
        assert_eq!(c.count, Some(10_000));
        assert_eq!(c.topic, "raw-temp-data");
        assert_eq!(
            c.records_url(),
            "http://127.0.0.1:8088/topics/raw-temp-data/records?raw=true"
        );
        let sim = TemperatureSimulator::new(&c, T0_US);
        assert_eq!(
            sim.sensors(),
            ["Sensor1", "Sensor2", "Sensor3", "Sensor4", "Sensor5"]
        );
    }

    #[test]
    fn records_have_the_fixture_shape() {
        let fixture: Value = serde_json::from_str(FIXTURE).expect("fixture parses");
        let expected = &fixture["records"][0];
        let mut sim = TemperatureSimulator::new(&config(7), T0_US);
        for _ in 0..200 {
            let record = sim.next_reading().to_record();
            // The fixture's fields, plus the Kafka timestamp.
            let mut want = keys(expected);
            want.insert("timestamp".into());
            assert_eq!(keys(&record), want, "{record}");
            assert_eq!(keys(&record["headers"]), keys(&expected["headers"]));
            assert_eq!(keys(&record["value"]), keys(&expected["value"]));
            // Types as in the fixture: string key, string uuid, string ts, integer value.
            assert!(record["key"].is_string());
            assert!(record["headers"]["uuid"].is_string());
            assert!(record["value"]["ts"].is_string());
            assert!(record["value"]["value"].is_u64(), "{record}");
            assert!(record["timestamp"].is_i64());
            let uuid = record["headers"]["uuid"].as_str().unwrap_or_default();
            assert_eq!(uuid.len(), 36);
            assert_eq!(&uuid[14..15], "4", "{uuid}");
        }
    }

    #[test]
    fn ts_looks_like_the_fixtures_and_parses() {
        let fixture: Value = serde_json::from_str(FIXTURE).expect("fixture parses");
        let first = fixture["records"][0]["value"]["ts"].as_str().unwrap_or("");
        assert_eq!(iso_ts(T0_US), first);
        for r in fixture["records"].as_array().into_iter().flatten() {
            let ts = r["value"]["ts"].as_str().unwrap_or("");
            let us = parse_ts(ts).and_utc().timestamp_micros();
            assert_eq!(iso_ts(us), ts, "fixture ts round-trips");
        }
        // Whole seconds keep their six zeros (Python's isoformat() would drop them).
        assert_eq!(iso_ts(1_718_360_101_000_000), "2024-06-14T10:15:01.000000");
        assert_eq!(iso_ts(0), "1970-01-01T00:00:00.000000");
        assert_eq!(iso_ts(-5), "1970-01-01T00:00:00.000000");
        assert_eq!(iso_ts(i64::MAX), "9999-12-31T23:59:59.999999");
        let mut sim = TemperatureSimulator::new(&config(1), T0_US);
        for _ in 0..100 {
            let r = sim.next_reading();
            let ts = r.ts();
            assert_eq!(ts.len(), "2024-06-14T10:15:01.213000".len());
            assert_eq!(parse_ts(&ts).and_utc().timestamp_micros(), r.time_us);
            assert_eq!(r.to_record()["timestamp"], r.time_us / 1000);
        }
    }

    #[test]
    fn sensors_values_and_pauses_stay_in_range_and_all_occur() {
        let mut sim = TemperatureSimulator::new(&config(11), T0_US);
        let mut per_sensor = BTreeMap::new();
        let (mut lowest, mut highest) = (u8::MAX, 0);
        let mut longest = Duration::ZERO;
        let mut previous = None;
        for _ in 0..5_000 {
            let r = sim.next_reading();
            *per_sensor.entry(r.sensor.clone()).or_insert(0) += 1;
            assert!(r.value <= 100);
            lowest = lowest.min(r.value);
            highest = highest.max(r.value);
            assert!(r.pause_after <= Duration::from_secs(1));
            assert_eq!(r.pause_after.subsec_micros() % 1000, 0, "whole ms");
            longest = longest.max(r.pause_after);
            if let Some((t, pause)) = previous {
                assert_eq!(r.time_us - t, i64::try_from(pause).unwrap_or(-1));
            }
            previous = Some((r.time_us, r.pause_after.as_micros()));
        }
        let names: Vec<_> = per_sensor.keys().cloned().collect();
        assert_eq!(
            names,
            ["Sensor1", "Sensor2", "Sensor3", "Sensor4", "Sensor5"]
        );
        // Uniform choice: each sensor near 1000 of 5000.
        assert!(per_sensor.values().all(|n| (800..1200).contains(n)));
        assert_eq!((lowest, highest), (0, 100));
        assert!(longest > Duration::from_millis(990));
        // 0..=1000 ms, mean ~500 ms: about two readings a second, as the seed really produced.
        let span_s = (sim.next_us - T0_US) as f64 / 1e6;
        assert!((2_250.0..2_750.0).contains(&span_s), "{span_s}");
    }

    #[test]
    fn max_pause_bounds_every_pause() {
        for max in [0u64, 1, 50] {
            let mut sim = TemperatureSimulator::new(
                &TemperatureSimConfig {
                    max_pause: Duration::from_millis(max),
                    sensors: 2,
                    ..config(3)
                },
                T0_US,
            );
            for _ in 0..500 {
                let r = sim.next_reading();
                assert!(r.pause_after <= Duration::from_millis(max));
                assert!(r.sensor == "Sensor1" || r.sensor == "Sensor2");
            }
        }
    }

    #[test]
    fn a_seed_replays_the_same_readings() {
        let run = |seed| {
            let mut sim = TemperatureSimulator::new(&config(seed), T0_US);
            (0..50).map(|_| sim.next_reading()).collect::<Vec<_>>()
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
        let picked = TemperatureSimConfig::default().seeded();
        assert!(picked.seed.is_some());
        assert_eq!(config(9).seeded().seed, Some(9));
        // Uuids differ from one reading to the next.
        let uuids: BTreeSet<_> = run(5).into_iter().map(|r| r.uuid).collect();
        assert_eq!(uuids.len(), 50);
    }

    #[test]
    fn zero_sensors_means_one() {
        let mut sim = TemperatureSimulator::new(
            &TemperatureSimConfig {
                sensors: 0,
                ..config(1)
            },
            T0_US,
        );
        assert_eq!(sim.next_reading().sensor, "Sensor1");
    }
}
