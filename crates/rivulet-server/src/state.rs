//! What every handler shares: the log, the settings, the metrics, and the round-robin cursor
//! for records without a key.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU32, Ordering},
        Arc, RwLock,
    },
};

use rivulet_engine::Engine;
use rivulet_log::Log;

use crate::{Metrics, ServerSettings};

/// Shared handler state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub log: Arc<dyn Log>,
    pub engine: Arc<Engine>,
    pub settings: Arc<ServerSettings>,
    pub metrics: Arc<Metrics>,
    null_key_cursor: Arc<AtomicU32>,
    partitions: Arc<RwLock<HashMap<String, u32>>>,
}

impl AppState {
    pub fn new(
        settings: ServerSettings,
        log: Arc<dyn Log>,
        engine: Arc<Engine>,
        metrics: Arc<Metrics>,
    ) -> Self {
        AppState {
            log,
            engine,
            settings: Arc::new(settings),
            metrics,
            null_key_cursor: Arc::new(AtomicU32::new(0)),
            partitions: Arc::default(),
        }
    }

    /// The next partition for a request's records without a key: one partition per request,
    /// chosen round-robin (Kafka's sticky partitioner sticks per batch the same way).
    pub fn next_null_key_partition(&self, partitions: u32) -> u32 {
        self.null_key_cursor.fetch_add(1, Ordering::Relaxed) % partitions.max(1)
    }

    /// The partition count of a topic this server has already seen, if any.
    pub fn cached_partitions(&self, topic: &str) -> Option<u32> {
        self.partitions.read().ok()?.get(topic).copied()
    }

    /// Remembers a topic's partition count (topics never change their count here).
    pub fn cache_partitions(&self, topic: &str, partitions: u32) {
        if let Ok(mut map) = self.partitions.write() {
            map.insert(topic.to_string(), partitions);
        }
    }

    /// Forgets a deleted topic.
    pub fn forget_topic(&self, topic: &str) {
        if let Ok(mut map) = self.partitions.write() {
            map.remove(topic);
        }
    }
}
