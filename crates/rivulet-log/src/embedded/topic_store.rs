//! Topic directories on disk: `data_dir/topics/<topic>/topic.json` plus one directory per
//! partition. Creation is staged in a `<topic>~creating` directory and renamed into place, so a
//! crash leaves either no topic or a whole one; deletion renames the directory to a
//! `.deleted-<nanos>~<topic>` name before removing it, so a crash mid-delete cannot resurrect
//! half a topic. (`~` never appears in a topic name, so these names cannot collide with one.)
//!
//! This module owns the topic directory layout. It must not open segments or keep any state
//! about partitions.

use std::{
    fs,
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use tracing::warn;

use super::durable::{self, FsyncObserver};
use crate::{topic::validate_topic_name, LogError, LogResult, TopicSpec};

const SPEC_FILE: &str = "topic.json";
const CREATING_SUFFIX: &str = "~creating";
const DELETED_PREFIX: &str = ".deleted-";

/// The `topics` directory of a data directory.
pub struct TopicStore {
    root: PathBuf,
    observer: FsyncObserver,
}

impl TopicStore {
    /// Opens `data_dir/topics`, creating it, and clears leftovers of interrupted creations
    /// and deletions.
    pub fn open(data_dir: &Path, observer: FsyncObserver) -> LogResult<TopicStore> {
        let root = data_dir.join("topics");
        durable::ensure_dir(&root)?;
        for entry in fs::read_dir(&root).map_err(|e| LogError::io(&root, e))? {
            let entry = entry.map_err(|e| LogError::io(&root, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(DELETED_PREFIX) || name.ends_with(CREATING_SUFFIX) {
                if let Err(e) = fs::remove_dir_all(entry.path()) {
                    warn!(path = %entry.path().display(), error = %e, "could not remove a leftover topic directory");
                }
            }
        }
        Ok(TopicStore { root, observer })
    }

    /// The specs and directories of all topics, sorted by name.
    pub fn load(&self) -> LogResult<Vec<(TopicSpec, PathBuf)>> {
        let mut topics = Vec::new();
        for entry in fs::read_dir(&self.root).map_err(|e| LogError::io(&self.root, e))? {
            let entry = entry.map_err(|e| LogError::io(&self.root, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if validate_topic_name(&name).is_err() || !entry.path().is_dir() {
                continue;
            }
            let spec_path = entry.path().join(SPEC_FILE);
            let text = match fs::read(&spec_path) {
                Ok(text) => text,
                Err(e) => {
                    warn!(path = %spec_path.display(), error = %e, "topic directory without a readable topic.json; skipped");
                    continue;
                }
            };
            let spec: TopicSpec = serde_json::from_slice(&text).map_err(|e| LogError::Corrupt {
                path: spec_path.display().to_string(),
                reason: e.to_string(),
            })?;
            if spec.name != name {
                return Err(LogError::Corrupt {
                    path: spec_path.display().to_string(),
                    reason: format!(
                        "names topic '{}' but lives in directory '{name}'",
                        spec.name
                    ),
                });
            }
            spec.validate()?;
            topics.push((spec, entry.path()));
        }
        topics.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        Ok(topics)
    }

    /// Creates the directory of a new topic with its `topic.json` and empty partition
    /// directories; returns the topic directory.
    pub fn create(&self, spec: &TopicSpec) -> LogResult<PathBuf> {
        let dir = self.root.join(&spec.name);
        if dir.exists() {
            return Err(LogError::TopicExists(spec.name.clone()));
        }
        let staging = self.root.join(format!("{}{CREATING_SUFFIX}", spec.name));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| LogError::io(&staging, e))?;
        }
        durable::ensure_dir(&staging)?;
        for p in 0..spec.partitions {
            durable::ensure_dir(&partition_dir(&staging, p))?;
        }
        let json = serde_json::to_vec_pretty(spec)
            .map_err(|e| LogError::InvalidArgument(e.to_string()))?;
        // Also makes the partition directories' entries durable (it fsyncs the staging dir).
        durable::write_atomic(&staging.join(SPEC_FILE), &json, &self.observer)?;
        fs::rename(&staging, &dir).map_err(|e| LogError::io(&dir, e))?;
        durable::sync_dir(&self.root, &self.observer)?;
        Ok(dir)
    }

    /// Removes a topic's directory: first renamed aside (durably), then deleted.
    pub fn delete(&self, name: &str) -> LogResult<()> {
        let dir = self.root.join(name);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let trash = self.root.join(format!("{DELETED_PREFIX}{nanos}~{name}"));
        fs::rename(&dir, &trash).map_err(|e| LogError::io(&dir, e))?;
        durable::sync_dir(&self.root, &self.observer)?;
        if let Err(e) = fs::remove_dir_all(&trash) {
            warn!(path = %trash.display(), error = %e, "could not remove a deleted topic's files; will retry at next open");
        }
        Ok(())
    }
}

/// The directory of partition `partition` in a topic directory.
pub fn partition_dir(topic_dir: &Path, partition: u32) -> PathBuf {
    topic_dir.join(partition.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_load_delete_and_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let store = TopicStore::open(dir.path(), None).unwrap();
        let spec = TopicSpec::new("a.b_c-1", 3);
        let topic_dir = store.create(&spec).unwrap();
        assert!(partition_dir(&topic_dir, 2).is_dir());
        assert!(matches!(store.create(&spec), Err(LogError::TopicExists(_))));
        let loaded = store.load().unwrap();
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[0].0, spec);
        // Leftovers of a crash are cleaned at open and never loaded.
        fs::create_dir_all(dir.path().join("topics/x~creating/0")).unwrap();
        fs::create_dir_all(dir.path().join("topics/.deleted-1~y/0")).unwrap();
        let store = TopicStore::open(dir.path(), None).unwrap();
        assert!(!dir.path().join("topics/x~creating").exists());
        assert!(!dir.path().join("topics/.deleted-1~y").exists());
        store.delete("a.b_c-1").unwrap();
        assert!(store.load().unwrap().is_empty());
        assert_eq!(fs::read_dir(dir.path().join("topics")).unwrap().count(), 0);
    }
}
