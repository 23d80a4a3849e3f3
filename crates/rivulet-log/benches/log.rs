//! Benchmarks of the embedded log: appends of 100-byte records in batches of 1, 100 and 10,000
//! under `fsync = never` and `fsync = always`, a sequential read of 1,000,000 records (one call,
//! active segment), and a consumer reading the same records 500 at a time from 8 MiB sealed
//! segments after a reopen (their indexes loaded on demand into the index cache).
//! Throughput is reported in records per second.

use std::{hint::black_box, sync::Arc, time::Duration};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    FsyncPolicy, Log, ReadLimits, Record, TopicSpec,
};
use tokio::runtime::Runtime;

const VALUE_BYTES: usize = 100;

fn records(n: usize) -> Vec<Record> {
    let value = Bytes::from(vec![b'x'; VALUE_BYTES]);
    (0..n)
        .map(|i| Record::new(None, Some(value.clone()), 1_700_000_000_000 + i as i64))
        .collect()
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn open(dir: &std::path::Path, fsync: FsyncPolicy) -> Arc<EmbeddedLog> {
    let mut config = EmbeddedConfig::new(dir);
    config.fsync = fsync;
    config.retention_check_interval = Duration::from_millis(500);
    EmbeddedLog::open(config).expect("open log")
}

fn append(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("append");
    group.sample_size(10);
    for (name, fsync) in [
        ("never", FsyncPolicy::Never),
        ("always", FsyncPolicy::Always),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = open(dir.path(), fsync);
        for batch in [1usize, 100, 10_000] {
            let topic = format!("append-{name}-{batch}");
            let mut spec = TopicSpec::new(topic.clone(), 1);
            // Keep the disk footprint bounded during long runs.
            spec.retention_bytes = Some(512 << 20);
            rt.block_on(log.create_topic(spec)).expect("create topic");
            let batch_records = records(batch);
            group.throughput(Throughput::Elements(batch as u64));
            group.bench_function(BenchmarkId::new(format!("fsync={name}"), batch), |b| {
                b.iter(|| {
                    let offset = rt
                        .block_on(log.append(&topic, 0, batch_records.clone()))
                        .expect("append");
                    black_box(offset)
                })
            });
        }
        log.close();
    }
    group.finish();
}

fn read(c: &mut Criterion) {
    const TOTAL: usize = 1_000_000;
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path(), FsyncPolicy::Never);
    rt.block_on(async {
        log.create_topic(TopicSpec::new("read", 1))
            .await
            .expect("create topic");
        let batch = records(1_000);
        for _ in 0..TOTAL / batch.len() {
            log.append("read", 0, batch.clone()).await.expect("append");
        }
    });
    let limits = ReadLimits {
        max_records: TOTAL,
        max_bytes: usize::MAX,
    };
    let mut group = c.benchmark_group("read");
    group.sample_size(10);
    group.throughput(Throughput::Elements(TOTAL as u64));
    group.bench_function("sequential_1M", |b| {
        b.iter(|| {
            let batch = rt.block_on(log.read("read", 0, 0, limits)).expect("read");
            assert_eq!(batch.records.len(), TOTAL);
            black_box(batch)
        })
    });
    group.finish();
}

fn read_sealed(c: &mut Criterion) {
    const TOTAL: usize = 1_000_000;
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = EmbeddedConfig::new(dir.path());
    config.fsync = FsyncPolicy::Never;
    config.segment_bytes = 8 << 20;
    config.retention_check_interval = Duration::ZERO;
    let log = EmbeddedLog::open(config.clone()).expect("open log");
    rt.block_on(async {
        log.create_topic(TopicSpec::new("read", 1))
            .await
            .expect("create topic");
        let batch = records(1_000);
        for _ in 0..TOTAL / batch.len() {
            log.append("read", 0, batch.clone()).await.expect("append");
        }
    });
    log.close();
    drop(log);
    // Reopened: every segment but the last is sealed, its indexes on disk only.
    let log = EmbeddedLog::open(config).expect("reopen log");
    let limits = ReadLimits {
        max_records: 500,
        max_bytes: 64 << 10,
    };
    let mut group = c.benchmark_group("read");
    group.sample_size(10);
    group.throughput(Throughput::Elements(TOTAL as u64));
    group.bench_function("sealed_segments_500_per_call", |b| {
        b.iter(|| {
            let (mut offset, mut read) = (0i64, 0usize);
            while read < TOTAL {
                let batch = rt
                    .block_on(log.read("read", 0, offset, limits))
                    .expect("read");
                read += batch.records.len();
                offset = batch.next_offset;
                black_box(batch);
            }
            read
        })
    });
    group.finish();
}

criterion_group!(benches, append, read, read_sealed);
criterion_main!(benches);
