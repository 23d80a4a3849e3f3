//! Helpers shared by the integration tests: building records, opening logs in temporary
//! directories, and reaching the raw segment files to damage them as a crash would.
//!
//! Test-only; must not be used by the library.
#![allow(dead_code)]

use std::{
    fs,
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use bytes::Bytes;
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    FsyncPolicy, Header, Log, LoggedRecord, ReadLimits, Record,
};

/// A record with a value and a timestamp.
pub fn rec(value: &str, timestamp: i64) -> Record {
    Record::new(None, Some(Bytes::from(value.to_string())), timestamp)
}

/// A record with everything set.
pub fn full_rec(
    key: Option<&str>,
    value: Option<&str>,
    timestamp: i64,
    headers: &[(&str, Option<&str>)],
) -> Record {
    Record {
        key: key.map(|k| Bytes::from(k.to_string())),
        value: value.map(|v| Bytes::from(v.to_string())),
        timestamp,
        headers: headers
            .iter()
            .map(|(k, v)| Header {
                key: (*k).to_string(),
                value: v.map(|v| Bytes::from(v.to_string())),
            })
            .collect(),
    }
}

/// A config for tests: no background retention, the given fsync policy.
pub fn config(dir: &Path, fsync: FsyncPolicy) -> EmbeddedConfig {
    let mut config = EmbeddedConfig::new(dir);
    config.fsync = fsync;
    config.retention_check_interval = Duration::ZERO;
    config
}

/// Counts fsyncs through `on_fsync`.
pub fn counting(mut config: EmbeddedConfig) -> (EmbeddedConfig, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    config.on_fsync = Some(Arc::new(move |_| {
        c.fetch_add(1, Ordering::SeqCst);
    }));
    (config, count)
}

/// Opens a log.
pub fn open(config: &EmbeddedConfig) -> Arc<EmbeddedLog> {
    EmbeddedLog::open(config.clone()).expect("open log")
}

/// Reads every visible record of a partition from `from`.
pub async fn read_all(
    log: &EmbeddedLog,
    topic: &str,
    partition: u32,
    from: i64,
) -> Vec<LoggedRecord> {
    let limits = ReadLimits {
        max_records: usize::MAX,
        max_bytes: usize::MAX,
    };
    let mut out = Vec::new();
    let mut offset = from;
    loop {
        let batch = log
            .read(topic, partition, offset, limits)
            .await
            .expect("read");
        if batch.records.is_empty() {
            return out;
        }
        offset = batch.next_offset;
        out.extend(batch.records);
    }
}

/// The directory of one partition.
pub fn partition_dir(data_dir: &Path, topic: &str, partition: u32) -> PathBuf {
    data_dir
        .join("topics")
        .join(topic)
        .join(partition.to_string())
}

/// The `.log` files of a partition, oldest first.
pub fn segment_files(data_dir: &Path, topic: &str, partition: u32) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(partition_dir(data_dir, topic, partition))
        .expect("partition dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    files.sort();
    files
}

/// The active (last) segment file of a partition.
pub fn last_segment(data_dir: &Path, topic: &str, partition: u32) -> PathBuf {
    segment_files(data_dir, topic, partition)
        .pop()
        .expect("a segment")
}

/// Appends raw bytes to a file.
pub fn append_raw(path: &Path, bytes: &[u8]) {
    use std::io::Write;
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open segment");
    f.write_all(bytes).expect("write raw");
}
