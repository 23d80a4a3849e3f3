//! Committed offsets of consumer groups: one `data_dir/groups/<group>.json` per group, replaced
//! atomically on every commit, cached in memory.
//!
//! This module owns the group files. It must not check topics or partitions (the log does that
//! before committing) and must not be called on an async worker thread (it fsyncs).

use std::{
    collections::{BTreeMap, HashMap},
    fs,
    path::{Path, PathBuf},
    sync::Arc,
};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use tracing::warn;

use super::durable::{self, FsyncObserver};
use crate::{CommittedOffset, LogError, LogResult};

/// Longest file name stem used before hashing the rest of a long group id.
const MAX_STEM: usize = 150;

type Offsets = BTreeMap<(String, u32), i64>;

#[derive(Serialize, Deserialize)]
struct GroupFile {
    group: String,
    offsets: Vec<OffsetEntry>,
}

#[derive(Serialize, Deserialize)]
struct OffsetEntry {
    topic: String,
    partition: u32,
    offset: i64,
}

/// All groups' committed offsets.
pub struct GroupStore {
    dir: PathBuf,
    observer: FsyncObserver,
    groups: Mutex<HashMap<String, Arc<Mutex<Offsets>>>>,
}

impl GroupStore {
    /// Opens `data_dir/groups`, loading every group file.
    pub fn open(data_dir: &Path, observer: FsyncObserver) -> LogResult<GroupStore> {
        let dir = data_dir.join("groups");
        durable::ensure_dir(&dir)?;
        let mut groups = HashMap::new();
        for entry in fs::read_dir(&dir).map_err(|e| LogError::io(&dir, e))? {
            let entry = entry.map_err(|e| LogError::io(&dir, e))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if durable::is_temp_file(&name) {
                let _ = fs::remove_file(&path);
                continue;
            }
            if !name.ends_with(".json") {
                continue;
            }
            let parsed = fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    serde_json::from_slice::<GroupFile>(&bytes).map_err(|e| e.to_string())
                });
            match parsed {
                Ok(file) => {
                    let offsets: Offsets = file
                        .offsets
                        .into_iter()
                        .map(|o| ((o.topic, o.partition), o.offset))
                        .collect();
                    groups.insert(file.group, Arc::new(Mutex::new(offsets)));
                }
                Err(e) => {
                    warn!(path = %path.display(), error = %e, "unreadable group offsets file; ignored")
                }
            }
        }
        Ok(GroupStore {
            dir,
            observer,
            groups: Mutex::new(groups),
        })
    }

    /// Merges `offsets` into `group`'s committed offsets and writes them durably. Blocking.
    pub fn commit(&self, group: &str, offsets: &[CommittedOffset]) -> LogResult<()> {
        if group.is_empty() {
            return Err(LogError::InvalidArgument(
                "group id must not be empty".into(),
            ));
        }
        let state = self
            .groups
            .lock()
            .entry(group.to_string())
            .or_default()
            .clone();
        let mut state = state.lock();
        let mut updated = state.clone();
        for o in offsets {
            updated.insert((o.topic.clone(), o.partition), o.offset);
        }
        self.write(group, &updated)?;
        *state = updated;
        Ok(())
    }

    /// `group`'s committed offsets, sorted by topic and partition.
    pub fn committed(&self, group: &str) -> Vec<CommittedOffset> {
        let Some(state) = self.groups.lock().get(group).cloned() else {
            return Vec::new();
        };
        let state = state.lock();
        state
            .iter()
            .map(|((topic, partition), offset)| CommittedOffset {
                topic: topic.clone(),
                partition: *partition,
                offset: *offset,
            })
            .collect()
    }

    /// Forgets every group's offsets of `topic` (it was deleted). Blocking.
    pub fn remove_topic(&self, topic: &str) -> LogResult<()> {
        let groups: Vec<(String, Arc<Mutex<Offsets>>)> = self
            .groups
            .lock()
            .iter()
            .map(|(g, s)| (g.clone(), s.clone()))
            .collect();
        for (group, state) in groups {
            let mut state = state.lock();
            if !state.keys().any(|(t, _)| t == topic) {
                continue;
            }
            let updated: Offsets = state
                .iter()
                .filter(|((t, _), _)| t != topic)
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            self.write(&group, &updated)?;
            *state = updated;
        }
        Ok(())
    }

    fn write(&self, group: &str, offsets: &Offsets) -> LogResult<()> {
        let file = GroupFile {
            group: group.to_string(),
            offsets: offsets
                .iter()
                .map(|((topic, partition), offset)| OffsetEntry {
                    topic: topic.clone(),
                    partition: *partition,
                    offset: *offset,
                })
                .collect(),
        };
        let json = serde_json::to_vec_pretty(&file)
            .map_err(|e| LogError::InvalidArgument(e.to_string()))?;
        durable::write_atomic(&self.dir.join(file_name(group)), &json, &self.observer)
    }
}

/// A safe, distinct file name for a group id: bytes outside `[A-Za-z0-9_-]` are %-escaped;
/// very long ids keep a prefix plus a hash of the whole id.
fn file_name(group: &str) -> String {
    let mut stem = String::with_capacity(group.len());
    for b in group.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            stem.push(b as char);
        } else {
            stem.push_str(&format!("%{b:02X}"));
        }
    }
    if stem.len() > MAX_STEM {
        // FNV-1a: stable across runs and platforms.
        let hash = group.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let mut cut = MAX_STEM;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        stem = format!("{}~{hash:016x}", &stem[..cut]);
    }
    format!("{stem}.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offset(topic: &str, partition: u32, offset: i64) -> CommittedOffset {
        CommittedOffset {
            topic: topic.into(),
            partition,
            offset,
        }
    }

    #[test]
    fn file_names_are_safe_and_distinct() {
        assert_eq!(file_name("g1"), "g1.json");
        assert_eq!(file_name("a/b"), "a%2Fb.json");
        assert_eq!(file_name(".."), "%2E%2E.json");
        assert_ne!(file_name("a b"), file_name("a%20b"));
        let long = "x".repeat(1000);
        assert!(file_name(&long).len() < 200);
        assert_ne!(file_name(&long), file_name(&"x".repeat(999)));
    }

    #[test]
    fn commits_merge_persist_and_forget_deleted_topics() {
        let dir = tempfile::tempdir().unwrap();
        let store = GroupStore::open(dir.path(), None).unwrap();
        store
            .commit("g 1", &[offset("t", 0, 5), offset("u", 1, 7)])
            .unwrap();
        store.commit("g 1", &[offset("t", 0, 9)]).unwrap();
        assert!(store.commit("", &[]).is_err());
        let store = GroupStore::open(dir.path(), None).unwrap();
        assert_eq!(
            store.committed("g 1"),
            vec![offset("t", 0, 9), offset("u", 1, 7)]
        );
        assert!(store.committed("other").is_empty());
        store.remove_topic("t").unwrap();
        let store = GroupStore::open(dir.path(), None).unwrap();
        assert_eq!(store.committed("g 1"), vec![offset("u", 1, 7)]);
    }
}
