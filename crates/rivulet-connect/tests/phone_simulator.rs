//! The phone simulator: realistic, deterministic batches that always decode, and a runner that
//! posts them (tested against a minimal HTTP/1.1 server on loopback).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rivulet_connect::sensor_logger::{decode_batch, decode_batch_fast_only};
use rivulet_connect::simulate::phones::{
    run_phones, PhoneSimConfig, PhoneSimulator, SimError, SimProgress, SIMULATED_SENSORS,
};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const T0: i64 = 1_717_000_000_000_000_000;

fn config(devices: usize, seed: u64) -> PhoneSimConfig {
    PhoneSimConfig {
        devices,
        seed: Some(seed),
        ..PhoneSimConfig::default()
    }
}

fn norm(v: &Value) -> f64 {
    ["x", "y", "z"]
        .iter()
        .map(|k| v[*k].as_f64().unwrap().powi(2))
        .sum::<f64>()
        .sqrt()
}

#[test]
fn every_generated_batch_decodes_on_the_fast_path() {
    let mut sim = PhoneSimulator::new(&config(3, 42));
    for round in 0..150 {
        for device in 0..3 {
            let batch = sim.next_batch(device, T0 + round * 200_000_000);
            let body = serde_json::to_vec(&batch).unwrap();
            let decoded = decode_batch(&body).unwrap();
            assert!(decode_batch_fast_only(&body).is_some());
            let payload = batch["payload"].as_array().unwrap();
            assert_eq!(decoded.records.len(), payload.len());
            assert_eq!(payload.len(), 50, "50 Hz × 5 sensors × 200 ms");
            assert_eq!(decoded.message_id, round);
            assert_eq!(decoded.device_id, batch["deviceId"].as_str().unwrap());
            for (record, reading) in decoded.records.iter().zip(payload) {
                let time = reading["time"].as_i64().unwrap();
                assert_eq!(time % 100, 0, "app times end in 00");
                assert_eq!(record.timestamp, time / 1_000_000);
                assert!(time < T0 + round * 200_000_000 + 10_000);
            }
        }
    }
}

#[test]
fn readings_interleave_sensors_in_time_order() {
    let mut sim = PhoneSimulator::new(&config(2, 1));
    for device in 0..2 {
        let batch = sim.next_batch(device, T0);
        let payload = batch["payload"].as_array().unwrap();
        let names: Vec<&str> = payload[..5]
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, SIMULATED_SENSORS);
        let times: Vec<i64> = payload
            .iter()
            .map(|r| r["time"].as_i64().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        // Values keys in the app's order; Android-like phones (even index) add accuracy.
        let first = payload[0].as_object().unwrap();
        let keys: Vec<&String> = first["values"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["z", "y", "x"]);
        assert_eq!(first.contains_key("accuracy"), device % 2 == 0);
        assert!(!payload[1].as_object().unwrap().contains_key("accuracy"));
    }
}

#[test]
fn same_seed_same_batches() {
    let mut a = PhoneSimulator::new(&config(2, 5));
    let mut b = PhoneSimulator::new(&config(2, 5));
    let mut c = PhoneSimulator::new(&config(2, 6));
    for round in 0..20 {
        let now = T0 + round * 200_000_000;
        let (x, y, z) = (
            a.next_batch(1, now),
            b.next_batch(1, now),
            c.next_batch(1, now),
        );
        assert_eq!(x, y);
        assert_ne!(x["payload"], z["payload"]);
    }
    assert_eq!(a.device_id(0).to_string(), b.device_id(0));
    assert_ne!(a.session_id(0).to_string(), c.session_id(0));
}

#[test]
fn signals_look_like_a_phone_with_bursts_of_motion() {
    let mut sim = PhoneSimulator::new(&config(2, 11));
    let mut peaks: BTreeMap<&str, f64> = BTreeMap::new();
    let mut calm: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for round in 1..=600 {
        // Two minutes of an Android-like phone (device 0).
        let batch = sim.next_batch(0, T0 + round * 200_000_000);
        for r in batch["payload"].as_array().unwrap() {
            let name = SIMULATED_SENSORS
                .iter()
                .find(|n| **n == r["name"].as_str().unwrap())
                .unwrap();
            let n = norm(&r["values"]);
            let peak = peaks.entry(name).or_insert(0.0);
            *peak = peak.max(n);
            calm.entry(name).or_default().push(n);
        }
    }
    let median = |name: &str| {
        let mut v = calm[name].clone();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    // At rest: no user acceleration, gravity ≈ 9.81, tens of µT, little rotation.
    assert!(median("accelerometer") < 0.5, "{}", median("accelerometer"));
    assert!((median("gravity") - 9.81).abs() < 0.05);
    assert!((median("accelerometeruncalibrated") - 9.81).abs() < 0.5);
    assert!((30.0..70.0).contains(&median("magnetometer")));
    assert!(median("gyroscope") < 0.2);
    // Bursts: shakes and falls reach well past gravity; rotations reach several rad/s.
    assert!(peaks["accelerometer"] > 12.0, "{peaks:?}");
    assert!(peaks["gyroscope"] > 3.0, "{peaks:?}");
}

#[test]
fn ios_like_phones_report_raw_acceleration_in_g() {
    let mut sim = PhoneSimulator::new(&config(2, 3));
    let batch = sim.next_batch(1, T0);
    let raw = &batch["payload"][1];
    assert_eq!(raw["name"], "accelerometeruncalibrated");
    assert!((norm(&raw["values"]) - 1.0).abs() < 0.2);
}

// --- the runner -------------------------------------------------------------------------------

/// What the test server saw: each request's content type and body.
type Seen = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A minimal keep-alive HTTP/1.1 server answering every request with `status`.
async fn serve(listener: TcpListener, seen: Seen, status: u16) {
    loop {
        let Ok((sock, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(connection(sock, seen.clone(), status));
    }
}

async fn connection(mut sock: TcpStream, seen: Seen, status: u16) {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
            let mut chunk = [0u8; 4096];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let header = |name: &str| {
            head.lines()
                .find_map(|l| {
                    l.strip_prefix(&format!("{name}:"))
                        .map(|v| v.trim().to_string())
                })
                .unwrap_or_default()
        };
        let length: usize = header("content-length").parse().unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = buf[head_end..head_end + length].to_vec();
        buf.drain(..head_end + length);
        assert!(head.starts_with("post /phone-producer/ http/1.1"), "{head}");
        seen.lock().unwrap().push((header("content-type"), body));
        let answer = if status == 200 {
            "{}"
        } else {
            "{\"error_code\":42201}"
        };
        let response = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if sock.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn url(addr: std::net::SocketAddr) -> String {
    format!("http://{addr}/phone-producer/")
}

/// Decoded batches per device id: messageIds in arrival order.
fn message_ids(seen: &Seen) -> BTreeMap<String, Vec<i64>> {
    let mut out: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (content_type, body) in seen.lock().unwrap().iter() {
        assert_eq!(content_type, "application/json");
        let batch = decode_batch(body).unwrap();
        out.entry(batch.device_id)
            .or_default()
            .push(batch.message_id);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_every_device_every_period() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Seen = Arc::default();
    tokio::spawn(serve(listener, seen.clone(), 200));

    let mut reports: Vec<SimProgress> = Vec::new();
    let config = PhoneSimConfig {
        devices: 2,
        rate_hz: 50.0,
        batch_period: Duration::from_millis(100),
        seed: Some(3),
        url: url(addr),
    };
    let stats = run_phones(
        config,
        tokio::time::sleep(Duration::from_millis(1_300)),
        |p| reports.push(p),
    )
    .await
    .unwrap();

    let ids = message_ids(&seen);
    assert_eq!(ids.len(), 2);
    for (device, ids) in &ids {
        assert!(ids.len() >= 8, "{device}: {ids:?}");
        assert_eq!(*ids, (0..ids.len() as i64).collect::<Vec<_>>(), "{device}");
    }
    let received = seen.lock().unwrap().len() as u64;
    let readings: u64 = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, b)| decode_batch(b).unwrap().records.len() as u64)
        .sum();
    assert_eq!(stats.batches_sent, received);
    assert_eq!(stats.readings_sent, readings);
    assert_eq!(stats.errors, 0);
    // 50 readings/s × 5 sensors × 2 phones over ~1.3 s (the first batch covers a period too).
    assert!((300..=1_500).contains(&readings), "{readings}");
    assert!(reports.len() >= 2, "a report a second and one at the end");
    assert_eq!(reports.last().unwrap().batches_sent, stats.batches_sent);
    assert!(stats.to_string().contains("readings"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_until_the_server_comes_up() {
    // Find a free port, leave it closed for a while, then start listening on it.
    let addr = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let seen: Seen = Arc::default();
    let server_seen = seen.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let listener = TcpListener::bind(addr).await.unwrap();
        serve(listener, server_seen, 200).await;
    });
    let config = PhoneSimConfig {
        devices: 1,
        batch_period: Duration::from_millis(100),
        seed: Some(4),
        url: url(addr),
        ..PhoneSimConfig::default()
    };
    let stats = run_phones(
        config,
        tokio::time::sleep(Duration::from_millis(1_500)),
        |_| {},
    )
    .await
    .unwrap();
    assert!(stats.errors >= 1, "{stats:?}");
    assert!(stats.batches_sent >= 3, "{stats:?}");
    // The batch that met the closed port was retried, not lost: ids start at 0 without gaps.
    let ids = message_ids(&seen);
    let ids = ids.values().next().unwrap();
    assert_eq!(*ids, (0..ids.len() as i64).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_batches_are_counted_not_retried() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Seen = Arc::default();
    tokio::spawn(serve(listener, seen.clone(), 422));
    let config = PhoneSimConfig {
        devices: 1,
        batch_period: Duration::from_millis(100),
        seed: Some(5),
        url: url(addr),
        ..PhoneSimConfig::default()
    };
    let mut last = None;
    let stats = run_phones(
        config,
        tokio::time::sleep(Duration::from_millis(600)),
        |p| last = p.last_error,
    )
    .await
    .unwrap();
    assert_eq!(stats.batches_sent, 0);
    assert_eq!(stats.errors, seen.lock().unwrap().len() as u64);
    assert!(last.unwrap().contains("422"));
    let ids = message_ids(&seen);
    let ids = ids.values().next().unwrap();
    assert_eq!(
        *ids,
        (0..ids.len() as i64).collect::<Vec<_>>(),
        "each batch once"
    );
}

#[tokio::test]
async fn bad_settings_fail_before_sending() {
    let bad = PhoneSimConfig {
        url: "ftp://example/phone-producer/".into(),
        ..PhoneSimConfig::default()
    };
    assert!(matches!(
        run_phones(bad, std::future::pending(), |_| {}).await,
        Err(SimError::Url { .. })
    ));
    let bad = PhoneSimConfig {
        devices: 0,
        ..PhoneSimConfig::default()
    };
    assert!(matches!(
        run_phones(bad, std::future::pending(), |_| {}).await,
        Err(SimError::Config(_))
    ));
}

#[test]
fn defaults_match_the_cli() {
    let c = PhoneSimConfig::default();
    assert_eq!(c.devices, 3);
    assert_eq!(c.rate_hz, 50.0);
    assert_eq!(c.batch_period, Duration::from_millis(200));
    assert_eq!(c.url, "http://127.0.0.1:8088/phone-producer/");
}

#[test]
fn the_runner_can_be_spawned() {
    // `rivulet demo` runs it with `tokio::spawn`: the future must be Send and 'static.
    fn assert_send_static<T: Send + 'static>(_: &T) {}
    let run = run_phones(
        PhoneSimConfig::default(),
        std::future::pending::<()>(),
        |p: SimProgress| drop(p),
    );
    assert_send_static(&run);
}
