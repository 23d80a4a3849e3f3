//! Checkpoints of stateful queries: a query's operator state together with the source offsets
//! it covers and the sink floors (the sink ends after its last appends), written atomically so
//! a restart — kill -9 included — finds either the previous checkpoint or the new one, whole.
//!
//! This module owns the checkpoint files, `<state dir>/<query id>/<task>.checkpoint`, and their
//! format: a fixed header (`RVCK`, version, CRC32C of the rest, metadata length), the metadata
//! as JSON (epoch, offsets, floors), then the state bytes exactly as the operator serialized
//! them. A save writes a temp file, fsyncs it, renames it over the old one and fsyncs the
//! directory. It must not interpret the state bytes (the operators do) or decide when to
//! checkpoint (the query runner does, every `checkpoint interval`).

use std::{
    fs::{self, File},
    io::Write,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

const MAGIC: &[u8; 4] = b"RVCK";
const VERSION: u8 = 1;
/// Magic, version, CRC32C (u32 LE), metadata length (u32 LE).
const HEADER_LEN: usize = 4 + 1 + 4 + 4;

/// Why a checkpoint could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("checkpoint I/O on {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("checkpoint {path} is corrupt: {reason}")]
    Corrupt { path: String, reason: String },
}

fn io(path: &Path, source: std::io::Error) -> CheckpointError {
    CheckpointError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// A position in a topic partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub topic: String,
    pub partition: u32,
    pub offset: i64,
}

/// One task's checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Grows by one with every checkpoint of the task.
    pub epoch: u64,
    /// Next offset to read per source partition: the state covers everything before.
    pub sources: Vec<Position>,
    /// Per sink partition, the sink's end after the task's last append before the checkpoint.
    pub sink_floors: Vec<Position>,
    /// The operators' state, as they serialized it.
    pub state: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Metadata {
    epoch: u64,
    sources: Vec<Position>,
    sink_floors: Vec<Position>,
}

/// The checkpoints under one state directory.
#[derive(Debug, Clone)]
pub struct CheckpointStore {
    dir: PathBuf,
}

impl CheckpointStore {
    pub fn new(dir: impl Into<PathBuf>) -> CheckpointStore {
        CheckpointStore { dir: dir.into() }
    }

    fn path(&self, query_id: &str, task: u32) -> PathBuf {
        self.dir
            .join(sanitize(query_id))
            .join(format!("{task}.checkpoint"))
    }

    /// Writes `checkpoint` for `task` of `query_id` atomically and durably.
    pub fn save(
        &self,
        query_id: &str,
        task: u32,
        checkpoint: &Checkpoint,
    ) -> Result<(), CheckpointError> {
        let path = self.path(query_id, task);
        let dir = path.parent().unwrap_or(&self.dir).to_path_buf();
        fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        let metadata = serde_json::to_vec(&Metadata {
            epoch: checkpoint.epoch,
            sources: checkpoint.sources.clone(),
            sink_floors: checkpoint.sink_floors.clone(),
        })
        .map_err(|e| CheckpointError::Corrupt {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let mut bytes = Vec::with_capacity(HEADER_LEN + metadata.len() + checkpoint.state.len());
        bytes.extend_from_slice(MAGIC);
        bytes.push(VERSION);
        bytes.extend_from_slice(&[0; 4]);
        bytes.extend_from_slice(&(metadata.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&metadata);
        bytes.extend_from_slice(&checkpoint.state);
        let crc = crc32c::crc32c(&bytes[HEADER_LEN..]);
        bytes[5..9].copy_from_slice(&crc.to_le_bytes());
        let temp = path.with_extension("checkpoint.tmp");
        let mut file = File::create(&temp).map_err(|e| io(&temp, e))?;
        file.write_all(&bytes).map_err(|e| io(&temp, e))?;
        file.sync_data().map_err(|e| io(&temp, e))?;
        drop(file);
        fs::rename(&temp, &path).map_err(|e| io(&path, e))?;
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io(&dir, e))?;
        Ok(())
    }

    /// The last checkpoint saved for `task` of `query_id`, if any. A torn or corrupt file is an
    /// error, never silently an empty state.
    pub fn load(&self, query_id: &str, task: u32) -> Result<Option<Checkpoint>, CheckpointError> {
        let path = self.path(query_id, task);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path, e)),
        };
        let corrupt = |reason: &str| CheckpointError::Corrupt {
            path: path.display().to_string(),
            reason: reason.to_string(),
        };
        if bytes.len() < HEADER_LEN || &bytes[..4] != MAGIC {
            return Err(corrupt("not a checkpoint file"));
        }
        if bytes[4] != VERSION {
            return Err(corrupt(&format!("unknown version {}", bytes[4])));
        }
        let stored = u32::from_le_bytes([bytes[5], bytes[6], bytes[7], bytes[8]]);
        if crc32c::crc32c(&bytes[HEADER_LEN..]) != stored {
            return Err(corrupt("checksum mismatch"));
        }
        let meta_len = u32::from_le_bytes([bytes[9], bytes[10], bytes[11], bytes[12]]) as usize;
        let meta_end = HEADER_LEN
            .checked_add(meta_len)
            .filter(|end| *end <= bytes.len())
            .ok_or_else(|| corrupt("metadata longer than the file"))?;
        let metadata: Metadata = serde_json::from_slice(&bytes[HEADER_LEN..meta_end])
            .map_err(|e| corrupt(&e.to_string()))?;
        Ok(Some(Checkpoint {
            epoch: metadata.epoch,
            sources: metadata.sources,
            sink_floors: metadata.sink_floors,
            state: bytes[meta_end..].to_vec(),
        }))
    }

    /// Removes every checkpoint of `query_id` (its query was terminated).
    pub fn remove(&self, query_id: &str) -> Result<(), CheckpointError> {
        let dir = self.dir.join(sanitize(query_id));
        match fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(&dir, e)),
        }
    }
}

/// A query id as a directory name: ids are `[A-Za-z0-9_]` already; anything else becomes `_`.
fn sanitize(query_id: &str) -> String {
    query_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(epoch: u64, state: &[u8]) -> Checkpoint {
        Checkpoint {
            epoch,
            sources: vec![Position {
                topic: "temps".into(),
                partition: 0,
                offset: 41,
            }],
            sink_floors: vec![Position {
                topic: "AGG".into(),
                partition: 1,
                offset: 7,
            }],
            state: state.to_vec(),
        }
    }

    #[test]
    fn save_then_load_gives_the_last_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let store = CheckpointStore::new(dir.path());
        assert_eq!(store.load("CTAS_X_1", 0).unwrap(), None);
        store.save("CTAS_X_1", 0, &sample(1, b"one")).unwrap();
        store.save("CTAS_X_1", 0, &sample(2, b"two")).unwrap();
        store.save("CTAS_X_1", 1, &sample(9, b"")).unwrap();
        assert_eq!(store.load("CTAS_X_1", 0).unwrap(), Some(sample(2, b"two")));
        assert_eq!(store.load("CTAS_X_1", 1).unwrap(), Some(sample(9, b"")));
        store.remove("CTAS_X_1").unwrap();
        assert_eq!(store.load("CTAS_X_1", 0).unwrap(), None);
    }

    #[test]
    fn a_damaged_file_is_an_error_and_a_leftover_temp_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let store = CheckpointStore::new(dir.path());
        store.save("Q", 0, &sample(3, b"state bytes")).unwrap();
        let path = dir.path().join("Q").join("0.checkpoint");
        // A crash mid-save leaves a temp file beside the last good checkpoint.
        fs::write(path.with_extension("checkpoint.tmp"), b"RVCK torn").unwrap();
        assert_eq!(store.load("Q", 0).unwrap(), Some(sample(3, b"state bytes")));
        let good = fs::read(&path).unwrap();
        for at in [0, 4, 6, 12, 20, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x40;
            fs::write(&path, &bad).unwrap();
            assert!(
                store.load("Q", 0).is_err(),
                "flipped byte {at} was not noticed"
            );
        }
        fs::write(&path, &good[..good.len() / 2]).unwrap();
        assert!(store.load("Q", 0).is_err(), "a torn file was not noticed");
    }
}
