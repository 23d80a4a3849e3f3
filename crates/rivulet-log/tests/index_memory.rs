//! Index memory of the embedded log: sealed segments keep no index entries of their own, the
//! log's index cache never holds more than `index_cache_bytes`, and reads and time lookups on
//! every segment stay correct while indexes are evicted, reloaded lazily after a reopen, and
//! rebuilt from the log when their files disappear.

mod support;

use std::{fs, path::Path, sync::Arc};

use bytes::Bytes;
use rivulet_log::{embedded::EmbeddedLog, FsyncPolicy, Log, ReadLimits, Record, TopicSpec};
use support::*;

const T: &str = "metrics";
/// A cache for a handful of these tests' segments' indexes, far less than all of them.
const CAP: usize = 1_024;

/// `batches` batches of 3 records; timestamps rise from batch to batch but fall inside one.
fn model(batches: usize) -> Vec<Vec<Record>> {
    (0..batches)
        .map(|i| {
            (0..3)
                .map(|j| {
                    Record::new(
                        Some(Bytes::from(format!("k{i}"))),
                        Some(Bytes::from(format!("{i:04}-{j}-{}", "v".repeat(90)))),
                        1_000 + 3 * i as i64 - j as i64,
                    )
                })
                .collect()
        })
        .collect()
}

/// Base offsets of the partition's segments, oldest first.
fn bases(dir: &Path) -> Vec<i64> {
    segment_files(dir, T, 0)
        .iter()
        .map(|f| {
            f.file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse().ok())
                .expect("segment name")
        })
        .collect()
}

fn assert_bounded(log: &EmbeddedLog) {
    let held = log.index_cache_bytes();
    assert!(
        held <= CAP,
        "the index cache holds {held} bytes, over {CAP}"
    );
}

/// Reads a few records at the start, middle and end of every segment and looks up every
/// timestamp, comparing with `expected`; checks the cache bound after each call.
async fn check_every_segment(log: &EmbeddedLog, dir: &Path, expected: &[Record]) {
    let end = expected.len() as i64;
    let bases = bases(dir);
    assert!(bases.len() > 20, "only {} segments", bases.len());
    let limits = ReadLimits {
        max_records: 4,
        max_bytes: 1 << 20,
    };
    for (i, &base) in bases.iter().enumerate() {
        let next = bases.get(i + 1).copied().unwrap_or(end);
        for offset in [base, base + 1, (base + next) / 2, next - 1] {
            if offset >= end {
                continue;
            }
            let batch = log.read(T, 0, offset, limits).await.unwrap();
            let want = (end - offset).min(4) as usize;
            assert_eq!(batch.records.len(), want, "read at {offset}");
            for (k, r) in batch.records.iter().enumerate() {
                assert_eq!(r.offset, offset + k as i64);
                assert_eq!(
                    &r.record, &expected[r.offset as usize],
                    "offset {}",
                    r.offset
                );
            }
            assert_bounded(log);
        }
    }
    let min = expected.iter().map(|r| r.timestamp).min().unwrap_or(0);
    let max = expected.iter().map(|r| r.timestamp).max().unwrap_or(0);
    for timestamp in min - 1..=max + 1 {
        let want = expected
            .iter()
            .position(|r| r.timestamp >= timestamp)
            .map(|i| i as i64);
        let got = log.offset_for_timestamp(T, 0, timestamp).await.unwrap();
        assert_eq!(got, want, "offset for timestamp {timestamp}");
        assert_bounded(log);
    }
}

#[tokio::test]
async fn index_cache_stays_bounded_across_many_segments_and_lookups_stay_correct() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), FsyncPolicy::Always);
    cfg.segment_bytes = 1_500;
    cfg.index_interval_bytes = 100;
    cfg.index_cache_bytes = CAP;
    let log = open(&cfg);
    log.create_topic(TopicSpec::new(T, 1)).await.unwrap();
    let batches = model(400);
    for batch in &batches {
        log.append(T, 0, batch.clone()).await.unwrap();
        assert_bounded(&log);
    }
    let expected: Vec<Record> = batches.concat();

    // Live: segments were sealed by group commit as they rolled.
    check_every_segment(&log, dir.path(), &expected).await;
    let stats = log.index_cache_stats();
    assert!(stats.loads > 0, "{stats:?}");
    assert!(stats.evictions > 0, "{stats:?}");
    assert_eq!(stats.rebuilds, 0, "{stats:?}");
    assert_eq!(stats.capacity, CAP);
    // The bound means something: all sealed indexes together are several times the cap.
    let on_disk: u64 = segment_files(dir.path(), T, 0)
        .iter()
        .map(|f| {
            fs::metadata(f.with_extension("index")).map_or(0, |m| m.len())
                + fs::metadata(f.with_extension("timeindex")).map_or(0, |m| m.len())
        })
        .sum();
    assert!(
        on_disk > 4 * CAP as u64,
        "only {on_disk} bytes of index files"
    );
    drop(log);

    // Reopened: nothing is loaded eagerly; lookups load lazily, within the cap.
    let log = open(&cfg);
    assert_eq!(log.index_cache_bytes(), 0);
    assert_eq!(log.index_cache_stats().loads, 0);
    check_every_segment(&log, dir.path(), &expected).await;
    assert!(log.index_cache_stats().evictions > 0);
    assert_eq!(log.index_cache_stats().rebuilds, 0);

    // Index files lost while open: rebuilt from the log on demand, with the same answers.
    let files = segment_files(dir.path(), T, 0);
    for f in &files[..files.len() - 1] {
        fs::remove_file(f.with_extension("index")).unwrap();
        fs::remove_file(f.with_extension("timeindex")).unwrap();
    }
    check_every_segment(&log, dir.path(), &expected).await;
    assert!(log.index_cache_stats().rebuilds > 0);
    let rebuilt = files[..files.len() - 1]
        .iter()
        .filter(|f| f.with_extension("index").exists())
        .count();
    assert!(rebuilt > 0, "rebuilt index files are written back");
    assert_bounded(&log);
}

#[tokio::test]
async fn a_sequential_consumer_loads_each_sealed_index_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), FsyncPolicy::Never);
    cfg.segment_bytes = 4_000;
    cfg.index_interval_bytes = 100;
    cfg.index_cache_bytes = CAP;
    let log = open(&cfg);
    log.create_topic(TopicSpec::new(T, 1)).await.unwrap();
    let batches = model(300);
    for batch in &batches {
        log.append(T, 0, batch.clone()).await.unwrap();
    }
    drop(log);
    let expected: Vec<Record> = batches.concat();
    let log: Arc<EmbeddedLog> = open(&cfg);
    let sealed = bases(dir.path()).len() as u64 - 1;
    assert!(sealed > 20, "only {sealed} sealed segments");

    let limits = ReadLimits {
        max_records: 2,
        max_bytes: 1 << 20,
    };
    let (mut offset, mut reads) = (0i64, 0u64);
    while offset < expected.len() as i64 {
        let batch = log.read(T, 0, offset, limits).await.unwrap();
        assert!(!batch.records.is_empty());
        for r in &batch.records {
            assert_eq!(&r.record, &expected[r.offset as usize]);
        }
        offset = batch.next_offset;
        reads += 1;
        assert_bounded(&log);
    }
    let stats = log.index_cache_stats();
    assert!(reads > 10 * sealed, "{reads} reads");
    assert!(
        stats.loads <= sealed,
        "{} index loads for {sealed} sealed segments over {reads} reads",
        stats.loads
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_readers_and_an_appender_share_a_tiny_cache() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), FsyncPolicy::Never);
    cfg.segment_bytes = 1_500;
    cfg.index_interval_bytes = 100;
    cfg.index_cache_bytes = CAP;
    let log = open(&cfg);
    log.create_topic(TopicSpec::new(T, 1)).await.unwrap();
    let batches = model(400);
    let expected: Arc<Vec<Record>> = Arc::new(batches.concat());
    for batch in &batches[..200] {
        log.append(T, 0, batch.clone()).await.unwrap();
    }
    let appender = {
        let (log, rest) = (log.clone(), batches[200..].to_vec());
        tokio::spawn(async move {
            for batch in rest {
                log.append(T, 0, batch).await.unwrap();
                tokio::task::yield_now().await;
            }
        })
    };
    let readers: Vec<_> = (0..4)
        .map(|r| {
            let (log, expected) = (log.clone(), expected.clone());
            tokio::spawn(async move {
                let limits = ReadLimits {
                    max_records: 3,
                    max_bytes: 1 << 20,
                };
                for i in 0..600i64 {
                    let offset = (i * 7 + r * 131) % 600;
                    let batch = log.read(T, 0, offset, limits).await.unwrap();
                    assert!(!batch.records.is_empty());
                    for rec in &batch.records {
                        assert_eq!(&rec.record, &expected[rec.offset as usize]);
                    }
                    let timestamp = 1_000 + (i * 5 + r) % 1_200;
                    let hw = log.offsets(T, 0).await.unwrap().end as usize;
                    let got = log.offset_for_timestamp(T, 0, timestamp).await.unwrap();
                    // The appender may add matching records after `hw` was taken.
                    match expected[..hw].iter().position(|r| r.timestamp >= timestamp) {
                        Some(want) => assert_eq!(got, Some(want as i64), "time {timestamp}"),
                        None => assert_eq!(
                            got,
                            got.and_then(|_| expected
                                .iter()
                                .position(|r| r.timestamp >= timestamp)
                                .map(|o| o as i64)),
                            "time {timestamp}"
                        ),
                    }
                    assert_bounded(&log);
                }
            })
        })
        .collect();
    for reader in readers {
        reader.await.unwrap();
    }
    appender.await.unwrap();
    check_every_segment(&log, dir.path(), &expected).await;
}
