//! Decoding speed of Sensor Logger push bodies, in readings per second (30-reading batches).
//!
//! `cargo bench -p rivulet-connect -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rivulet_connect::sensor_logger::{decode_batch, decode_batch_careful_only};
use rivulet_connect::simulate::phones::{PhoneSimConfig, PhoneSimulator};
use serde_json::Value;

const READINGS: usize = 30;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The same JSON without whitespace (as phones send it).
fn compact(body: &[u8]) -> Vec<u8> {
    let v: Value = serde_json::from_slice(body).expect("fixture is JSON");
    // serde_json's own float printing is fine here: only the layout matters.
    serde_json::to_vec(&v).expect("serialisable")
}

/// A 30-reading batch from the phone simulator (compact, as it posts them).
fn simulator_batch() -> Vec<u8> {
    let mut sim = PhoneSimulator::new(&PhoneSimConfig {
        seed: Some(7),
        ..PhoneSimConfig::default()
    });
    let mut batch = sim.next_batch(0, 1_717_000_000_000_000_000);
    if let Some(payload) = batch["payload"].as_array_mut() {
        payload.truncate(READINGS);
    }
    serde_json::to_vec(&batch).expect("serialisable")
}

fn decode(c: &mut Criterion) {
    let mixed = fixture("mixed-batch-30.json");
    let mixed_compact = compact(&mixed);
    let simulated = simulator_batch();
    let android = {
        // Device 0 is Android-like: `accuracy` on its calibrated sensors.
        let v: Value = serde_json::from_slice(&simulated).expect("JSON");
        assert!(v["payload"][0].get("accuracy").is_some());
        simulated.clone()
    };
    for body in [&mixed, &mixed_compact, &simulated] {
        let batch = decode_batch(body).expect("bench bodies decode");
        assert_eq!(batch.records.len(), READINGS);
    }

    let mut g = c.benchmark_group("sensor_logger_decode");
    g.throughput(Throughput::Elements(READINGS as u64));
    g.bench_function("mixed-batch-30", |b| {
        b.iter(|| decode_batch(black_box(&mixed)))
    });
    g.bench_function("mixed-batch-30-compact", |b| {
        b.iter(|| decode_batch(black_box(&mixed_compact)))
    });
    g.bench_function("simulator-30", |b| {
        b.iter(|| decode_batch(black_box(&android)))
    });
    g.bench_function("simulator-30-careful-path", |b| {
        b.iter(|| decode_batch_careful_only(black_box(&android)))
    });
    g.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
