//! Scenario tests of the embedded log: recovery from torn tails, rolling, retention, waiting for
//! data, group commit, committed offsets, topic deletion and the API's error cases.

mod support;

use std::{
    collections::HashSet,
    fs,
    sync::{atomic::Ordering, Arc},
    time::{Duration, Instant},
};

use bytes::Bytes;
use rivulet_log::{
    embedded::{batch, EmbeddedLog},
    CommittedOffset, FsyncPolicy, Log, LogError, ProducerTag, ReadLimits, Record, TopicSpec,
};
use support::*;

const T: &str = "sensors";

async fn log_with_topic(
    dir: &std::path::Path,
    fsync: FsyncPolicy,
    partitions: u32,
) -> Arc<EmbeddedLog> {
    let log = open(&config(dir, fsync));
    log.create_topic(TopicSpec::new(T, partitions))
        .await
        .unwrap();
    log
}

fn values(records: &[rivulet_log::LoggedRecord]) -> Vec<String> {
    records
        .iter()
        .map(|r| {
            String::from_utf8_lossy(r.record.value.as_deref().unwrap_or(b"<null>")).into_owned()
        })
        .collect()
}

async fn append_values(log: &EmbeddedLog, partition: u32, values: &[&str]) -> i64 {
    let records = values.iter().map(|v| rec(v, 1_000)).collect();
    log.append(T, partition, records).await.unwrap()
}

#[tokio::test]
async fn recovery_truncates_a_torn_tail_and_appends_continue() {
    for damage in ["half frame", "flipped byte", "garbage"] {
        let dir = tempfile::tempdir().unwrap();
        let log = log_with_topic(dir.path(), FsyncPolicy::Always, 1).await;
        assert_eq!(append_values(&log, 0, &["a", "b"]).await, 0);
        assert_eq!(append_values(&log, 0, &["c"]).await, 2);
        drop(log);

        let segment = last_segment(dir.path(), T, 0);
        let good_len = fs::metadata(&segment).unwrap().len();
        let frame = batch::encode_frame(3, &[rec("lost", 5), rec("lost too", 6)]).unwrap();
        match damage {
            "half frame" => append_raw(&segment, &frame[..frame.len() / 2]),
            "flipped byte" => {
                let mut bad = frame.clone();
                let at = bad.len() - 2;
                bad[at] ^= 0x40;
                append_raw(&segment, &bad);
            }
            _ => append_raw(&segment, &[0xde, 0xad, 0xbe, 0xef, 0, 1, 2]),
        }

        let log = open(&config(dir.path(), FsyncPolicy::Always));
        assert_eq!(
            fs::metadata(&segment).unwrap().len(),
            good_len,
            "{damage}: tail cut off"
        );
        let offsets = log.offsets(T, 0).await.unwrap();
        assert_eq!((offsets.start, offsets.end), (0, 3), "{damage}");
        assert_eq!(
            values(&read_all(&log, T, 0, 0).await),
            ["a", "b", "c"],
            "{damage}"
        );
        assert_eq!(append_values(&log, 0, &["d"]).await, 3, "{damage}");
        drop(log);
        let log = open(&config(dir.path(), FsyncPolicy::Always));
        assert_eq!(
            values(&read_all(&log, T, 0, 0).await),
            ["a", "b", "c", "d"],
            "{damage}"
        );
    }
}

#[tokio::test]
async fn a_complete_unacknowledged_frame_is_kept_and_a_corrupt_last_frame_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let log = log_with_topic(dir.path(), FsyncPolicy::Never, 1).await;
    append_values(&log, 0, &["a"]).await;
    drop(log);
    let segment = last_segment(dir.path(), T, 0);
    append_raw(&segment, &batch::encode_frame(1, &[rec("b", 2)]).unwrap());
    let log = open(&config(dir.path(), FsyncPolicy::Never));
    assert_eq!(values(&read_all(&log, T, 0, 0).await), ["a", "b"]);
    drop(log);
    // Flip a byte inside the last (previously valid) frame: only that frame goes.
    let mut bytes = fs::read(&segment).unwrap();
    let at = bytes.len() - 1;
    bytes[at] ^= 1;
    fs::write(&segment, &bytes).unwrap();
    let log = open(&config(dir.path(), FsyncPolicy::Never));
    assert_eq!(values(&read_all(&log, T, 0, 0).await), ["a"]);
    assert_eq!(log.offsets(T, 0).await.unwrap().end, 1);
}

#[tokio::test]
async fn segments_roll_by_size_and_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), FsyncPolicy::Never);
    cfg.segment_bytes = 1024;
    cfg.index_interval_bytes = 128;
    let log = open(&cfg);
    log.create_topic(TopicSpec::new(T, 1)).await.unwrap();
    let value = "x".repeat(100);
    for i in 0..60 {
        assert_eq!(log.append(T, 0, vec![rec(&value, i)]).await.unwrap(), i);
    }
    let description = log.describe_topic(T).await.unwrap();
    let p = &description.partitions[0];
    assert_eq!((p.start_offset, p.end_offset), (0, 60));
    assert!(p.segments >= 6, "only {} segments", p.segments);
    let files = segment_files(dir.path(), T, 0);
    assert_eq!(files.len() as u32, p.segments);
    let mut total = 0;
    for f in &files {
        let len = fs::metadata(f).unwrap().len();
        assert!(len <= 1024, "{} has {len} bytes", f.display());
        total += len;
    }
    assert_eq!(total, p.size_bytes);
    assert!(files[0].ends_with("00000000000000000000.log"));
    // Reads cross segment boundaries, also from the middle.
    assert_eq!(read_all(&log, T, 0, 0).await.len(), 60);
    let from_middle = read_all(&log, T, 0, 37).await;
    assert_eq!(from_middle.first().map(|r| r.offset), Some(37));
    assert_eq!(log.offset_for_timestamp(T, 0, 45).await.unwrap(), Some(45));
    drop(log);
    // Sealed segments have their index files (written by the sync threads, done by close).
    for f in &files {
        assert!(f.with_extension("index").exists(), "{}", f.display());
        assert!(f.with_extension("timeindex").exists(), "{}", f.display());
    }
    let log = open(&cfg);
    assert_eq!(
        log.describe_topic(T).await.unwrap().partitions[0],
        description.partitions[0]
    );
    let all = read_all(&log, T, 0, 0).await;
    assert!(all
        .iter()
        .enumerate()
        .all(|(i, r)| r.offset == i as i64 && r.record.timestamp == i as i64));
    assert_eq!(log.offset_for_timestamp(T, 0, 45).await.unwrap(), Some(45));
}

#[tokio::test]
async fn segments_roll_by_age() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), FsyncPolicy::Never);
    cfg.segment_ms = 20;
    let log = open(&cfg);
    log.create_topic(TopicSpec::new(T, 1)).await.unwrap();
    append_values(&log, 0, &["a"]).await;
    append_values(&log, 0, &["b"]).await;
    assert_eq!(
        log.describe_topic(T).await.unwrap().partitions[0].segments,
        1
    );
    tokio::time::sleep(Duration::from_millis(40)).await;
    append_values(&log, 0, &["c"]).await;
    assert_eq!(
        log.describe_topic(T).await.unwrap().partitions[0].segments,
        2
    );
    assert_eq!(values(&read_all(&log, T, 0, 0).await), ["a", "b", "c"]);
}

#[tokio::test]
async fn retention_by_bytes_deletes_whole_old_segments() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), FsyncPolicy::Never);
    cfg.segment_bytes = 1000;
    let log = open(&cfg);
    let mut spec = TopicSpec::new(T, 1);
    spec.retention_bytes = Some(2500);
    log.create_topic(spec).await.unwrap();
    let value = "v".repeat(200);
    for i in 0..40 {
        log.append(T, 0, vec![rec(&value, i)]).await.unwrap();
    }
    let before = log.describe_topic(T).await.unwrap().partitions[0].clone();
    assert!(before.size_bytes > 2500);
    log.enforce_retention().unwrap();
    let after = log.describe_topic(T).await.unwrap().partitions[0].clone();
    assert!(after.size_bytes <= 2500, "{after:?}");
    assert!(after.segments < before.segments);
    assert!(after.start_offset > 0);
    assert_eq!(after.end_offset, 40);
    // The start is a segment boundary: the first remaining file is named after it.
    let first = segment_files(dir.path(), T, 0).remove(0);
    assert!(first.ends_with(format!("{:020}.log", after.start_offset)));
    assert_eq!(log.offsets(T, 0).await.unwrap().start, after.start_offset);
    // A read below the start is clamped to it.
    let batch = log.read(T, 0, 0, ReadLimits::default()).await.unwrap();
    assert_eq!(batch.log_start_offset, after.start_offset);
    assert_eq!(batch.records[0].offset, after.start_offset);
    assert_eq!(
        read_all(&log, T, 0, 0).await.len() as i64,
        40 - after.start_offset
    );
    drop(log);
    let log = open(&cfg);
    assert_eq!(log.offsets(T, 0).await.unwrap().start, after.start_offset);
}

#[tokio::test]
async fn retention_never_deletes_the_active_segment() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&config(dir.path(), FsyncPolicy::Never));
    let mut spec = TopicSpec::new(T, 1);
    spec.retention_bytes = Some(0);
    spec.retention_ms = Some(1);
    log.create_topic(spec).await.unwrap();
    log.append(T, 0, vec![rec("old", 0)]).await.unwrap();
    log.enforce_retention().unwrap();
    let p = log.describe_topic(T).await.unwrap().partitions[0].clone();
    assert_eq!((p.start_offset, p.end_offset, p.segments), (0, 1, 1));
    assert_eq!(values(&read_all(&log, T, 0, 0).await), ["old"]);
}

#[tokio::test]
async fn retention_by_time_uses_the_newest_record_of_each_segment() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), FsyncPolicy::Never);
    cfg.segment_bytes = 400;
    let log = open(&cfg);
    let mut spec = TopicSpec::new(T, 1);
    spec.retention_ms = Some(60 * 60 * 1000);
    log.create_topic(spec).await.unwrap();
    let now = rivulet_core::time::now_ms();
    let old = now - 2 * 60 * 60 * 1000;
    let value = "o".repeat(150);
    for _ in 0..10 {
        log.append(T, 0, vec![rec(&value, old)]).await.unwrap();
    }
    let old_end = log.offsets(T, 0).await.unwrap().end;
    for _ in 0..10 {
        log.append(T, 0, vec![rec(&value, now)]).await.unwrap();
    }
    let before = log.describe_topic(T).await.unwrap().partitions[0].clone();
    log.enforce_retention().unwrap();
    let after = log.describe_topic(T).await.unwrap().partitions[0].clone();
    assert!(after.segments < before.segments);
    assert!(
        after.start_offset > 0 && after.start_offset <= old_end,
        "{after:?}"
    );
    let remaining = read_all(&log, T, 0, 0).await;
    // Only old records that share a segment with new ones may remain.
    assert!(
        remaining
            .iter()
            .filter(|r| r.record.timestamp == old)
            .count()
            <= 2
    );
    assert_eq!(
        remaining
            .iter()
            .filter(|r| r.record.timestamp == now)
            .count(),
        10
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_retention_runs_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), FsyncPolicy::Never);
    cfg.segment_bytes = 300;
    cfg.retention_check_interval = Duration::from_millis(10);
    let log = open(&cfg);
    let mut spec = TopicSpec::new(T, 1);
    spec.retention_bytes = Some(300);
    log.create_topic(spec).await.unwrap();
    for i in 0..20 {
        log.append(T, 0, vec![rec(&"b".repeat(100), i)])
            .await
            .unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while log.offsets(T, 0).await.unwrap().start == 0 {
        assert!(Instant::now() < deadline, "background retention never ran");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_for_data_wakes_on_append_and_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let log = log_with_topic(dir.path(), FsyncPolicy::Always, 2).await;

    let started = Instant::now();
    assert!(!log
        .wait_for_data(T, 0, 0, Duration::from_millis(60))
        .await
        .unwrap());
    assert!(started.elapsed() >= Duration::from_millis(60));

    let waiter = {
        let log = log.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let ready = log
                .wait_for_data(T, 0, 0, Duration::from_secs(20))
                .await
                .unwrap();
            (ready, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    // Data on another partition does not wake it.
    append_values(&log, 1, &["elsewhere"]).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(!waiter.is_finished());
    append_values(&log, 0, &["here"]).await;
    let (ready, waited) = waiter.await.unwrap();
    assert!(ready);
    assert!(waited < Duration::from_secs(5), "woke after {waited:?}");
    // Already available: returns at once.
    assert!(log
        .wait_for_data(T, 0, 0, Duration::from_secs(20))
        .await
        .unwrap());
    assert!(!log
        .wait_for_data(T, 0, 1, Duration::from_millis(10))
        .await
        .unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_commit_shares_fsyncs_among_concurrent_appenders() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, fsyncs) = counting(config(dir.path(), FsyncPolicy::Always));
    let log = open(&cfg);
    log.create_topic(TopicSpec::new(T, 2)).await.unwrap();
    const APPENDERS: usize = 64;
    const EACH: usize = 25;
    let before = fsyncs.load(Ordering::SeqCst);
    let mut tasks = Vec::new();
    for a in 0..APPENDERS {
        let log = log.clone();
        tasks.push(tokio::spawn(async move {
            let partition = (a % 2) as u32;
            let mut offsets = Vec::new();
            for i in 0..EACH {
                let records = vec![rec(&format!("{a}-{i}"), 1), rec(&format!("{a}-{i}b"), 2)];
                offsets.push((partition, log.append(T, partition, records).await.unwrap()));
            }
            offsets
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let used = fsyncs.load(Ordering::SeqCst) - before;
    let appends = APPENDERS * EACH;
    assert_eq!(all.len(), appends);
    for partition in 0..2 {
        let mut bases: Vec<i64> = all
            .iter()
            .filter(|(p, _)| *p == partition)
            .map(|(_, o)| *o)
            .collect();
        bases.sort_unstable();
        let unique: HashSet<i64> = bases.iter().copied().collect();
        assert_eq!(unique.len(), bases.len());
        let expected: Vec<i64> = (0..bases.len() as i64).map(|i| i * 2).collect();
        assert_eq!(bases, expected, "dense offsets in partition {partition}");
        let read = read_all(&log, T, partition, 0).await;
        assert_eq!(read.len(), bases.len() * 2);
        assert!(read.iter().enumerate().all(|(i, r)| r.offset == i as i64));
    }
    assert!(used > 0);
    assert!(used * 4 <= appends, "{used} fsyncs for {appends} appends");
    eprintln!("group commit: {used} fsyncs for {appends} appends");
}

#[tokio::test]
async fn interval_and_never_policies_ack_after_the_write() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, fsyncs) = counting(config(
        dir.path(),
        FsyncPolicy::Interval(Duration::from_millis(20)),
    ));
    let log = open(&cfg);
    log.create_topic(TopicSpec::new(T, 1)).await.unwrap();
    let before = fsyncs.load(Ordering::SeqCst);
    append_values(&log, 0, &["a"]).await;
    assert_eq!(log.offsets(T, 0).await.unwrap().end, 1);
    let deadline = Instant::now() + Duration::from_secs(5);
    while fsyncs.load(Ordering::SeqCst) == before {
        assert!(
            Instant::now() < deadline,
            "the interval flusher never synced"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(log);

    let dir = tempfile::tempdir().unwrap();
    let (cfg, fsyncs) = counting(config(dir.path(), FsyncPolicy::Never));
    let log = open(&cfg);
    log.create_topic(TopicSpec::new(T, 1)).await.unwrap();
    let before = fsyncs.load(Ordering::SeqCst);
    for i in 0..50 {
        append_values(&log, 0, &[&i.to_string()]).await;
    }
    assert_eq!(
        fsyncs.load(Ordering::SeqCst),
        before,
        "never means never while running"
    );
    assert_eq!(read_all(&log, T, 0, 0).await.len(), 50);
}

#[tokio::test]
async fn committed_offsets_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let log = log_with_topic(dir.path(), FsyncPolicy::Always, 3).await;
    let c = |partition, offset| CommittedOffset {
        topic: T.into(),
        partition,
        offset,
    };
    log.commit_offsets("readers", &[c(0, 5), c(2, 7)])
        .await
        .unwrap();
    log.commit_offsets("readers", &[c(0, 6)]).await.unwrap();
    log.commit_offsets("other group/with odd name", &[c(1, 1)])
        .await
        .unwrap();
    assert!(matches!(
        log.commit_offsets("readers", &[c(3, 1)]).await,
        Err(LogError::UnknownPartition { .. })
    ));
    assert!(matches!(
        log.commit_offsets(
            "readers",
            &[CommittedOffset {
                topic: "nope".into(),
                partition: 0,
                offset: 1
            }]
        )
        .await,
        Err(LogError::UnknownTopic(_))
    ));
    drop(log);
    let log = open(&config(dir.path(), FsyncPolicy::Always));
    assert_eq!(
        log.committed_offsets("readers").await.unwrap(),
        vec![c(0, 6), c(2, 7)]
    );
    assert_eq!(
        log.committed_offsets("other group/with odd name")
            .await
            .unwrap(),
        vec![c(1, 1)]
    );
    assert!(log.committed_offsets("unknown").await.unwrap().is_empty());
    assert!(dir.path().join("groups/readers.json").exists());
}

#[tokio::test]
async fn delete_topic_removes_data_and_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let log = log_with_topic(dir.path(), FsyncPolicy::Always, 2).await;
    log.create_topic(TopicSpec::new("keep", 1)).await.unwrap();
    append_values(&log, 1, &["x", "y"]).await;
    log.commit_offsets(
        "g",
        &[
            CommittedOffset {
                topic: T.into(),
                partition: 1,
                offset: 2,
            },
            CommittedOffset {
                topic: "keep".into(),
                partition: 0,
                offset: 0,
            },
        ],
    )
    .await
    .unwrap();
    log.delete_topic(T).await.unwrap();
    assert_eq!(log.list_topics().await.unwrap(), ["keep"]);
    assert!(matches!(
        log.describe_topic(T).await,
        Err(LogError::UnknownTopic(_))
    ));
    assert!(matches!(
        log.append(T, 0, vec![rec("z", 0)]).await,
        Err(LogError::UnknownTopic(_))
    ));
    assert!(matches!(
        log.delete_topic(T).await,
        Err(LogError::UnknownTopic(_))
    ));
    let names: Vec<String> = fs::read_dir(dir.path().join("topics"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["keep"]);
    assert_eq!(log.committed_offsets("g").await.unwrap().len(), 1);
    // A new topic of the same name starts empty.
    log.create_topic(TopicSpec::new(T, 1)).await.unwrap();
    assert_eq!(log.offsets(T, 0).await.unwrap().end, 0);
    drop(log);
    let log = open(&config(dir.path(), FsyncPolicy::Always));
    assert_eq!(log.list_topics().await.unwrap(), ["keep", T]);
    assert_eq!(log.committed_offsets("g").await.unwrap().len(), 1);
}

#[tokio::test]
async fn reads_respect_limits_offsets_and_batches() {
    let dir = tempfile::tempdir().unwrap();
    let log = log_with_topic(dir.path(), FsyncPolicy::Always, 1).await;
    let batch: Vec<Record> = (0..5)
        .map(|i| {
            full_rec(
                Some("k"),
                Some(&"v".repeat(100)),
                100 + i,
                &[("h", Some("1")), ("n", None)],
            )
        })
        .collect();
    assert_eq!(log.append(T, 0, batch.clone()).await.unwrap(), 0);
    assert_eq!(
        log.append(T, 0, vec![full_rec(None, None, 50, &[])])
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        log.append(T, 0, vec![]).await.unwrap(),
        6,
        "empty batch returns the end"
    );

    // Into the middle of a batch.
    let r = log
        .read(
            T,
            0,
            3,
            ReadLimits {
                max_records: 2,
                max_bytes: 1 << 20,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        r.records.iter().map(|r| r.offset).collect::<Vec<_>>(),
        [3, 4]
    );
    assert_eq!(r.records[0].record, batch[3]);
    assert_eq!(
        (r.next_offset, r.high_watermark, r.log_start_offset),
        (5, 6, 0)
    );
    // At least one record however small max_bytes is; roughly bounded otherwise.
    let r = log
        .read(
            T,
            0,
            0,
            ReadLimits {
                max_records: 100,
                max_bytes: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(r.records.len(), 1);
    let r = log
        .read(
            T,
            0,
            0,
            ReadLimits {
                max_records: 100,
                max_bytes: 250,
            },
        )
        .await
        .unwrap();
    assert_eq!(r.records.len(), 2);
    // The tombstone with a null key comes back as such.
    let r = log.read(T, 0, 5, ReadLimits::default()).await.unwrap();
    assert_eq!(r.records[0].record, full_rec(None, None, 50, &[]));
    // At the end: nothing, next offset unchanged; past it: an error.
    let r = log.read(T, 0, 6, ReadLimits::default()).await.unwrap();
    assert!(r.records.is_empty());
    assert_eq!(r.next_offset, 6);
    assert!(matches!(
        log.read(T, 0, 7, ReadLimits::default()).await,
        Err(LogError::InvalidArgument(_))
    ));
    // Below the start: clamped.
    assert_eq!(
        log.read(T, 0, -5, ReadLimits::default())
            .await
            .unwrap()
            .records
            .len(),
        6
    );
    // By time.
    assert_eq!(log.offset_for_timestamp(T, 0, 0).await.unwrap(), Some(0));
    assert_eq!(log.offset_for_timestamp(T, 0, 102).await.unwrap(), Some(2));
    assert_eq!(log.offset_for_timestamp(T, 0, 105).await.unwrap(), None);
}

#[tokio::test]
async fn topic_errors_and_listing() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&config(dir.path(), FsyncPolicy::Always));
    for name in ["zeta", "alpha", "mid.dle"] {
        let d = log.create_topic(TopicSpec::new(name, 2)).await.unwrap();
        assert_eq!(d.partitions.len(), 2);
    }
    assert_eq!(
        log.list_topics().await.unwrap(),
        ["alpha", "mid.dle", "zeta"]
    );
    assert!(matches!(
        log.create_topic(TopicSpec::new("alpha", 1)).await,
        Err(LogError::TopicExists(_))
    ));
    assert!(matches!(
        log.create_topic(TopicSpec::new("bad/name", 1)).await,
        Err(LogError::InvalidTopicName(_))
    ));
    assert!(matches!(
        log.create_topic(TopicSpec::new("zero", 0)).await,
        Err(LogError::InvalidArgument(_))
    ));
    assert!(matches!(
        log.offsets("nope", 0).await,
        Err(LogError::UnknownTopic(_))
    ));
    assert!(matches!(
        log.read("alpha", 2, 0, ReadLimits::default()).await,
        Err(LogError::UnknownPartition {
            partition: 2,
            partitions: 2,
            ..
        })
    ));
    let spec_file = dir.path().join("topics/alpha/topic.json");
    assert!(fs::read_to_string(spec_file)
        .unwrap()
        .contains("\"partitions\": 2"));
    log.close();
    assert!(matches!(log.list_topics().await, Err(LogError::Closed)));
    assert!(matches!(
        log.append("alpha", 0, vec![rec("x", 0)]).await,
        Err(LogError::Closed)
    ));
}

#[tokio::test]
async fn corruption_inside_a_sealed_segment_is_an_error_on_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), FsyncPolicy::Always);
    cfg.segment_bytes = 2000;
    cfg.index_interval_bytes = 200;
    let log = open(&cfg);
    log.create_topic(TopicSpec::new(T, 1)).await.unwrap();
    for i in 0..40 {
        log.append(T, 0, vec![rec(&"c".repeat(100), i)])
            .await
            .unwrap();
    }
    drop(log);
    let first = segment_files(dir.path(), T, 0).remove(0);
    let mut bytes = fs::read(&first).unwrap();
    bytes[60] ^= 0xff; // inside the first frame's records
    fs::write(&first, &bytes).unwrap();
    let log = open(&cfg);
    assert_eq!(
        log.offsets(T, 0).await.unwrap().end,
        40,
        "nothing truncated"
    );
    assert!(matches!(
        log.read(T, 0, 0, ReadLimits::default()).await,
        Err(LogError::Corrupt { .. })
    ));
    // Later data is still readable.
    let second_base = log.describe_topic(T).await.unwrap().partitions[0].end_offset - 5;
    assert_eq!(read_all(&log, T, 0, second_base).await.len(), 5);
}

#[test]
fn open_works_outside_a_runtime_and_records_keep_their_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&config(dir.path(), FsyncPolicy::Always));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        log.create_topic(TopicSpec::new(T, 1)).await.unwrap();
        let value = Bytes::from(vec![0u8, 1, 2, 255]);
        log.append(
            T,
            0,
            vec![Record::new(Some(Bytes::new()), Some(value.clone()), -7)],
        )
        .await
        .unwrap();
        let r = read_all(&log, T, 0, 0).await;
        assert_eq!(r[0].record.value, Some(value));
        assert_eq!(r[0].record.key, Some(Bytes::new()));
        assert_eq!(r[0].record.timestamp, -7);
    });
    log.close();
}

#[test]
fn a_data_dir_is_opened_by_one_log_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let first = rivulet_log::embedded::EmbeddedLog::open(
        rivulet_log::embedded::EmbeddedConfig::new(dir.path()),
    )
    .unwrap();
    let second = rivulet_log::embedded::EmbeddedLog::open(
        rivulet_log::embedded::EmbeddedConfig::new(dir.path()),
    );
    assert!(
        matches!(second, Err(rivulet_log::LogError::Locked { .. })),
        "{second:?}"
    );
    first.close();
    drop(first);
    rivulet_log::embedded::EmbeddedLog::open(rivulet_log::embedded::EmbeddedConfig::new(
        dir.path(),
    ))
    .unwrap();
}

#[tokio::test]
async fn producer_tags_are_found_after_reopen_and_hidden_from_readers() {
    let dir = tempfile::tempdir().unwrap();
    {
        let log = log_with_topic(dir.path(), FsyncPolicy::Always, 1).await;
        assert!(log.keeps_producer_tags());
        append_values(&log, 0, &["plain"]).await;
        let tag = |producer, sequence| ProducerTag { producer, sequence };
        log.append_tagged(T, 0, vec![rec("a", 1)], tag(7, 10))
            .await
            .unwrap();
        log.append_tagged(T, 0, vec![rec("b", 2)], tag(8, 5))
            .await
            .unwrap();
        log.append_tagged(T, 0, vec![rec("c", 3), rec("d", 4)], tag(7, 25))
            .await
            .unwrap();
        append_values(&log, 0, &["plain too"]).await;
        log.close();
    }
    let log = open(&config(dir.path(), FsyncPolicy::Always));
    let seq = |producer, from| {
        let log = log.clone();
        async move {
            log.last_producer_sequence(T, 0, producer, from)
                .await
                .unwrap()
        }
    };
    assert_eq!(seq(7, 0).await, Some(25));
    assert_eq!(seq(8, 0).await, Some(5));
    assert_eq!(seq(9, 0).await, None);
    // From offset 3 on only the batch at 3..5 of producer 7 is left; from 5 nothing.
    assert_eq!(seq(8, 3).await, None);
    assert_eq!(seq(7, 3).await, Some(25));
    assert_eq!(seq(7, 4).await, Some(25));
    assert_eq!(seq(7, 5).await, None);
    let batch = log.read(T, 0, 0, ReadLimits::default()).await.unwrap();
    assert_eq!(
        values(&batch.records),
        ["plain", "a", "b", "c", "d", "plain too"]
    );
    assert!(batch.records.iter().all(|r| r.record.headers.is_empty()));
}
