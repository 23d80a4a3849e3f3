//! Simulated Sensor Logger phones (`rivulet simulate phones`): realistic push batches per device
//! and a runner that posts them to the push endpoint every batch period.
//!
//! Owns the batch shape a phone sends (ids, `messageId` counter, interleaved readings with
//! nanosecond times ending in `00`, Android's `accuracy`) and their pacing. It must not know how
//! the server stores them; the physics lives in [`motion`], the HTTP side in [`push`].

mod motion;
mod push;

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use serde_json::{json, Value};

use motion::{add, noise3, Motion, Vec3, G};

pub(crate) use push::{deliver, post, Tally};
pub use push::{run_phones, SimError, SimProgress, SimStats};

/// The push URL a default simulator posts to.
pub const DEFAULT_PUSH_URL: &str = "http://127.0.0.1:8088/phone-producer/";

/// The sensors each simulated phone reports, in the order they interleave.
pub const SIMULATED_SENSORS: [&str; 5] = [
    "accelerometer",
    "accelerometeruncalibrated",
    "gyroscope",
    "magnetometer",
    "gravity",
];

/// A sensor's sampling lag after the tick, ns (the app's sensors are not sampled at once).
const SENSOR_LAG_NS: [i64; 5] = [0, 1_200, 3_400, 5_600, 7_900];

/// After a pause longer than this, a phone skips ahead instead of sending everything missed.
const MAX_CATCH_UP_NS: i64 = 5_000_000_000;

/// What `rivulet simulate phones` runs.
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneSimConfig {
    /// Simulated phones.
    pub devices: usize,
    /// Readings per second per sensor per device.
    pub rate_hz: f64,
    /// How often each phone posts a batch (default 200 ms).
    pub batch_period: Duration,
    /// Same seed, same ids and same readings for the same times; `None` picks one at random.
    pub seed: Option<u64>,
    /// Full URL of the push endpoint.
    pub url: String,
}

impl Default for PhoneSimConfig {
    fn default() -> Self {
        PhoneSimConfig {
            devices: 3,
            rate_hz: 50.0,
            batch_period: Duration::from_millis(200),
            seed: None,
            url: DEFAULT_PUSH_URL.to_string(),
        }
    }
}

/// The pure batch generator: deterministic for a seed and a sequence of `now_ns` per device.
#[derive(Debug, Clone)]
pub struct PhoneSimulator {
    seed: u64,
    sample_period_ns: f64,
    batch_period_ns: i64,
    devices: Vec<Phone>,
}

/// One simulated phone.
#[derive(Debug, Clone)]
pub(crate) struct Phone {
    rng: StdRng,
    session_id: String,
    device_id: String,
    /// Android phones send `accuracy` and report in m/s²; iPhones report raw acceleration in g.
    android: bool,
    message_id: i64,
    /// Time of the first sample tick and the index of the next one.
    origin_ns: Option<i64>,
    next_tick: i64,
    motion: Motion,
    accel_bias: Vec3,
}

/// SplitMix64: spreads one seed over independent device streams.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A random (version 4) UUID in its usual lower-case text form.
pub(crate) fn uuid(rng: &mut StdRng) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0F) | 0x40;
    b[8] = (b[8] & 0x3F) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Rounds a time down to whole 100 ns, as the app's JavaScript doubles print.
fn app_time(ns: i64) -> i64 {
    ns - ns.rem_euclid(100)
}

fn xyz(v: Vec3) -> Value {
    json!({"z": v[2], "y": v[1], "x": v[0]})
}

impl Phone {
    fn new(seed: u64, index: usize) -> Self {
        let mut rng = StdRng::seed_from_u64(splitmix(seed ^ splitmix(index as u64)));
        let session_id = uuid(&mut rng);
        let device_id = uuid(&mut rng);
        let motion = Motion::new(&mut rng);
        let accel_bias = noise3(&mut rng, 0.05);
        Phone {
            rng,
            session_id,
            device_id,
            android: index & 1 == 0,
            message_id: 0,
            origin_ns: None,
            next_tick: 0,
            motion,
            accel_bias,
        }
    }

    pub(crate) fn session_id(&self) -> &str {
        &self.session_id
    }

    pub(crate) fn device_id(&self) -> &str {
        &self.device_id
    }

    /// The readings of the sample ticks before `now_ns` not sent yet, then the batch around them.
    pub(crate) fn next_batch(
        &mut self,
        now_ns: i64,
        sample_period_ns: f64,
        batch_ns: i64,
    ) -> Value {
        let origin = *self
            .origin_ns
            .get_or_insert(now_ns.saturating_sub(batch_ns));
        let tick_time =
            |k: i64| origin.saturating_add((k as f64 * sample_period_ns).round() as i64);
        let oldest = now_ns.saturating_sub(MAX_CATCH_UP_NS);
        if tick_time(self.next_tick) < oldest {
            // Skip what a long pause left behind (the phone would have dropped it too).
            let behind = (oldest - tick_time(self.next_tick)) as f64 / sample_period_ns;
            self.next_tick += behind.ceil() as i64;
        }
        let dt_s = sample_period_ns / 1e9;
        let mut payload = Vec::new();
        while tick_time(self.next_tick) < now_ns {
            let t = tick_time(self.next_tick);
            self.next_tick += 1;
            let frame = self.motion.step(dt_s, &mut self.rng);
            let rng = &mut self.rng;
            let accel = add(frame.user_acceleration, noise3(rng, 0.03));
            let raw = add(add(frame.user_acceleration, frame.gravity), self.accel_bias);
            let raw = add(raw, noise3(rng, 0.03));
            let gyro = add(frame.rotation_rate, noise3(rng, 0.004));
            let mag = add(frame.magnetic_field, noise3(rng, 0.35));
            let (uncalibrated, gravity) = if self.android {
                (raw, frame.gravity)
            } else {
                // iOS: raw acceleration in g with the opposite sign convention.
                (
                    [-raw[0] / G, -raw[1] / G, -raw[2] / G],
                    [-frame.gravity[0], -frame.gravity[1], -frame.gravity[2]],
                )
            };
            let values = [accel, uncalibrated, gyro, mag, gravity];
            for (s, (name, v)) in SIMULATED_SENSORS.iter().zip(values).enumerate() {
                let time = app_time(t.saturating_add(SENSOR_LAG_NS[s]));
                let mut reading = json!({"name": name, "time": time, "values": xyz(v)});
                // Android adds `accuracy` to its calibrated sensors.
                if self.android && *name != "accelerometeruncalibrated" {
                    if let Some(obj) = reading.as_object_mut() {
                        obj.insert("accuracy".into(), json!(3));
                    }
                }
                payload.push(reading);
            }
        }
        let batch = json!({
            "messageId": self.message_id,
            "sessionId": self.session_id,
            "deviceId": self.device_id,
            "payload": payload,
        });
        self.message_id += 1;
        batch
    }
}

impl PhoneSimulator {
    pub fn new(config: &PhoneSimConfig) -> Self {
        let seed = config.seed.unwrap_or_else(|| rand::thread_rng().next_u64());
        let rate = if config.rate_hz.is_finite() && config.rate_hz > 0.0 {
            config.rate_hz
        } else {
            PhoneSimConfig::default().rate_hz
        };
        let batch_period_ns = i64::try_from(config.batch_period.as_nanos())
            .unwrap_or(i64::MAX)
            .max(1);
        PhoneSimulator {
            seed,
            sample_period_ns: 1e9 / rate,
            batch_period_ns,
            devices: (0..config.devices).map(|i| Phone::new(seed, i)).collect(),
        }
    }

    /// The seed in use (the configured one, or the one picked at random).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Simulated phones so far (asking for a higher index adds phones).
    pub fn devices(&self) -> usize {
        self.devices.len()
    }

    fn phone(&mut self, device: usize) -> &mut Phone {
        while self.devices.len() <= device {
            let next = Phone::new(self.seed, self.devices.len());
            self.devices.push(next);
        }
        &mut self.devices[device]
    }

    /// The recording's session id of `device` (stable for the seed).
    pub fn session_id(&mut self, device: usize) -> &str {
        self.phone(device).session_id()
    }

    /// The device id of `device` (stable for the seed).
    pub fn device_id(&mut self, device: usize) -> &str {
        self.phone(device).device_id()
    }

    /// The next push body of `device` at wall-clock `now_ns` (epoch ns): the readings sampled
    /// since its previous batch (the first batch covers one batch period), `messageId` one more
    /// than last time.
    pub fn next_batch(&mut self, device: usize, now_ns: i64) -> Value {
        let (period, batch) = (self.sample_period_ns, self.batch_period_ns);
        self.phone(device).next_batch(now_ns, period, batch)
    }

    /// Takes the phones apart, one generator per device, for concurrent senders.
    pub(crate) fn into_phones(self) -> (Vec<Phone>, f64, i64) {
        (self.devices, self.sample_period_ns, self.batch_period_ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(seed: u64) -> PhoneSimConfig {
        PhoneSimConfig {
            seed: Some(seed),
            ..PhoneSimConfig::default()
        }
    }

    #[test]
    fn uuids_look_like_uuids() {
        let mut rng = StdRng::seed_from_u64(3);
        let u = uuid(&mut rng);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn ids_are_stable_per_seed_and_distinct_per_device() {
        let mut a = PhoneSimulator::new(&config(9));
        let mut b = PhoneSimulator::new(&config(9));
        assert_eq!(a.device_id(1).to_string(), b.device_id(1));
        assert_ne!(a.device_id(0).to_string(), a.device_id(1));
        assert_ne!(a.session_id(0).to_string(), a.device_id(0));
        let mut c = PhoneSimulator::new(&config(10));
        assert_ne!(a.device_id(0).to_string(), c.device_id(0));
        // Asking for a device past the configured count adds it, deterministically.
        assert_eq!(a.device_id(7).to_string(), b.device_id(7));
    }

    #[test]
    fn app_times_end_in_two_zeros() {
        assert_eq!(
            app_time(1_717_000_000_133_456_789),
            1_717_000_000_133_456_700
        );
        assert_eq!(app_time(-150), -200);
    }

    #[test]
    fn batches_carry_rate_times_period_readings_per_sensor() {
        let mut sim = PhoneSimulator::new(&config(1));
        let t0 = 1_717_000_000_000_000_000;
        let first = sim.next_batch(0, t0);
        assert_eq!(first["payload"].as_array().unwrap().len(), 10 * 5);
        let second = sim.next_batch(0, t0 + 200_000_000);
        assert_eq!(second["payload"].as_array().unwrap().len(), 10 * 5);
        assert_eq!(first["messageId"], 0);
        assert_eq!(second["messageId"], 1);
        // 7 Hz over 200 ms: 1.4 ticks per batch on average, never lost or doubled.
        let mut sim = PhoneSimulator::new(&PhoneSimConfig {
            rate_hz: 7.0,
            ..config(1)
        });
        let total: usize = (1..=50)
            .map(|k| {
                sim.next_batch(0, t0 + k * 200_000_000)["payload"]
                    .as_array()
                    .unwrap()
                    .len()
            })
            .sum();
        assert_eq!(total, (10.0 * 7.0) as usize * 5);
    }

    #[test]
    fn a_long_pause_is_skipped_not_replayed() {
        let mut sim = PhoneSimulator::new(&config(1));
        let t0 = 1_717_000_000_000_000_000;
        sim.next_batch(0, t0);
        let late = sim.next_batch(0, t0 + 60_000_000_000);
        assert_eq!(late["payload"].as_array().unwrap().len(), 5 * 50 * 5);
        assert!(sim.next_batch(0, t0).as_object().unwrap()["payload"]
            .as_array()
            .unwrap()
            .is_empty());
    }
}
