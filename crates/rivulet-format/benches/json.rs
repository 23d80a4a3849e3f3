//! Benchmarks of the JSON format on the seed's `smartphone-sensor-data` record (S1 producer's
//! flattened reading, `time` as a decimal string) against the 8-column stream schema of
//! `smartphone_sensor_stream`: decode (bytes → row), encode (row → bytes), and decode of a batch of
//! 1,000 distinct records. Throughput is reported in records per second.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rivulet_core::{Column, ColumnKind, DataType, Value};
use rivulet_format::{Format, Serde};

const RECORD: &str = r#"{"name":"accelerometeruncalibrated","time":"1717000002133456600","values_z":1.06,"values_y":0.62,"values_x":-0.58,"messageId":20,"sessionId":"4c0a2b8e-3d4f-4b6a-9a51-2f7d8c1e0b93","deviceId":"86a5b0e3-6e06-40e2-b226-5a72bd39b326"}"#;

fn schema() -> Vec<Column> {
    [
        ("NAME", DataType::String),
        ("TIME", DataType::Bigint),
        ("VALUES_X", DataType::Double),
        ("VALUES_Y", DataType::Double),
        ("VALUES_Z", DataType::Double),
        ("MESSAGEID", DataType::Bigint),
        ("SESSIONID", DataType::String),
        ("DEVICEID", DataType::String),
    ]
    .into_iter()
    .map(|(n, t)| Column::new(n, t, ColumnKind::Value))
    .collect()
}

fn serde() -> Serde {
    Serde::new(Format::Json, schema(), true).expect("schema")
}

fn decode(c: &mut Criterion) {
    let serde = serde();
    let mut group = c.benchmark_group("json");
    group.throughput(Throughput::Elements(1));
    let mut row = Vec::with_capacity(8);
    group.bench_function("decode_phone_record", |b| {
        b.iter(|| {
            row.clear();
            serde
                .decode(Some(black_box(RECORD.as_bytes())), &mut row)
                .expect("decode");
            black_box(&row);
        })
    });

    let batch: Vec<Vec<u8>> = (0..1_000)
        .map(|i| {
            RECORD
                .replace("\"messageId\":20", &format!("\"messageId\":{i}"))
                .replace("-0.58", &format!("-0.{:03}", i % 997))
                .into_bytes()
        })
        .collect();
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function("decode_phone_batch_1000", |b| {
        b.iter(|| {
            for record in &batch {
                row.clear();
                serde.decode(Some(record), &mut row).expect("decode");
                black_box(&row);
            }
        })
    });

    let values: Vec<Value> = {
        let mut v = Vec::new();
        serde
            .decode(Some(RECORD.as_bytes()), &mut v)
            .expect("decode");
        v
    };
    let mut out = Vec::with_capacity(256);
    group.throughput(Throughput::Elements(1));
    group.bench_function("encode_phone_record", |b| {
        b.iter(|| {
            out.clear();
            let _ = serde.encode(black_box(&values), &mut out).expect("encode");
            black_box(&out);
        })
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
