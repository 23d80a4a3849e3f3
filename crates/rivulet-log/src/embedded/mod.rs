//! The embedded backend: Kafka-shaped topics stored as segment files on local disk.
//!
//! Layout under `data_dir`:
//!
//! ```text
//! topics/<topic>/topic.json                         the TopicSpec (written atomically)
//! topics/<topic>/<partition>/<base:020>.log         frames of batches (see `batch`)
//! topics/<topic>/<partition>/<base:020>.index       sparse offset → position
//! topics/<topic>/<partition>/<base:020>.timeindex   sparse max timestamp → offset
//! topics/<topic>/<partition>/recovery-point         segments below it are synced and sealed
//! groups/<group>.json                               committed offsets (written atomically)
//! ```
//!
//! Memory: each partition's active segment keeps its sparse indexes in memory; sealed segments
//! keep none of their own. Their indexes are loaded from the index files when a read or a time
//! lookup needs them and kept in one bounded cache per log (`index_cache`, capped by
//! [`EmbeddedConfig::index_cache_bytes`]), so index memory grows with open work, not with the
//! data retained.
//!
//! This module owns the [`EmbeddedLog`] façade: configuration, the topic map, lifecycle
//! (open, background threads, close) and the [`Log`] trait mapping onto partitions. It must not
//! encode frames or touch segment files itself; the submodules do.

pub mod batch;
mod durable;
mod group_commit;
mod groups;
mod housekeeping;
mod index;
mod index_cache;
mod partition;
mod read_buffers;
mod recovery;
mod retention;
mod segment;
mod time_index;
mod topic_store;

use std::{
    collections::BTreeMap,
    fmt,
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Weak,
    },
    time::Duration,
};

use async_trait::async_trait;
use parking_lot::{Mutex, RwLock};
use tracing::{error, warn};

#[doc(hidden)]
pub use self::index_cache::IndexCacheStats;
use self::{
    group_commit::{SyncPool, SyncQueue},
    groups::GroupStore,
    housekeeping::Ticker,
    index_cache::IndexCache,
    partition::{Partition, PartitionSettings},
    segment::IndexSettings,
    topic_store::TopicStore,
};
use crate::{
    CommittedOffset, FsyncPolicy, Log, LogError, LogResult, PartitionOffsets, ProducerTag,
    ReadBatch, ReadLimits, Record, TopicDescription, TopicSpec,
};

/// Threads that run fsyncs (group commit) for all partitions.
const SYNC_THREADS: usize = 4;

/// Settings of an embedded log.
#[derive(Clone)]
pub struct EmbeddedConfig {
    pub data_dir: PathBuf,
    /// When appends are forced to disk; default [`FsyncPolicy::Always`].
    pub fsync: FsyncPolicy,
    /// Roll to a new segment when the active one would exceed this; default 128 MiB (at most
    /// `u32::MAX`).
    pub segment_bytes: u64,
    /// Roll when the active segment is older than this; default 7 days.
    pub segment_ms: i64,
    /// A sparse index entry every this many bytes of log; default 4096.
    pub index_interval_bytes: usize,
    /// Memory for the indexes of sealed segments, across all partitions of the log; default
    /// 64 MiB. They are loaded from their index files when a read or time lookup needs them and
    /// evicted roughly least recently used first (CLOCK). Active segments' indexes are not
    /// counted: they stay in memory while appended to. With the default interval a 128 MiB
    /// segment's indexes take about 0.75 MiB; a segment whose indexes exceed the whole cache
    /// (every sealed segment, with 0) loads them again on each lookup that needs them.
    pub index_cache_bytes: usize,
    /// How often the background retention sweep runs; default 30 s; zero = never (call
    /// [`EmbeddedLog::enforce_retention`] yourself).
    pub retention_check_interval: Duration,
    /// Called with the latency of every fsync (for metrics).
    pub on_fsync: Option<Arc<dyn Fn(Duration) + Send + Sync>>,
}

impl EmbeddedConfig {
    /// Defaults for a log in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        EmbeddedConfig {
            data_dir: data_dir.into(),
            fsync: FsyncPolicy::Always,
            segment_bytes: 128 << 20,
            segment_ms: 7 * 24 * 60 * 60 * 1000,
            index_interval_bytes: 4096,
            index_cache_bytes: 64 << 20,
            retention_check_interval: Duration::from_secs(30),
            on_fsync: None,
        }
    }

    fn validate(&self) -> LogResult<()> {
        if self.segment_bytes == 0 || self.segment_bytes > u64::from(u32::MAX) {
            return Err(LogError::InvalidArgument(format!(
                "segment_bytes must be between 1 and {}, got {}",
                u32::MAX,
                self.segment_bytes
            )));
        }
        if self.segment_ms <= 0 {
            return Err(LogError::InvalidArgument(format!(
                "segment_ms must be positive, got {}",
                self.segment_ms
            )));
        }
        Ok(())
    }
}

impl fmt::Debug for EmbeddedConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmbeddedConfig")
            .field("data_dir", &self.data_dir)
            .field("fsync", &self.fsync)
            .field("segment_bytes", &self.segment_bytes)
            .field("segment_ms", &self.segment_ms)
            .field("index_interval_bytes", &self.index_interval_bytes)
            .field("index_cache_bytes", &self.index_cache_bytes)
            .field("retention_check_interval", &self.retention_check_interval)
            .field("on_fsync", &self.on_fsync.as_ref().map(|_| "<fn>"))
            .finish()
    }
}

struct Topic {
    spec: TopicSpec,
    partitions: Vec<Arc<Partition>>,
}

/// A log of segment files in one data directory. Open it once per directory.
pub struct EmbeddedLog {
    config: EmbeddedConfig,
    settings: Arc<PartitionSettings>,
    store: Arc<TopicStore>,
    groups: Arc<GroupStore>,
    topics: RwLock<BTreeMap<String, Arc<Topic>>>,
    /// Serializes topic creation and deletion.
    admin: tokio::sync::Mutex<()>,
    pool: SyncPool,
    tickers: Mutex<Vec<Ticker>>,
    closed: AtomicBool,
    /// Held for the log's lifetime: one process per data directory.
    _lock: std::fs::File,
}

impl fmt::Debug for EmbeddedLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmbeddedLog")
            .field("config", &self.config)
            .field("topics", &self.topics.read().keys().collect::<Vec<_>>())
            .finish()
    }
}

impl EmbeddedLog {
    /// Opens the log in `config.data_dir` (creating it), recovering every partition, and starts
    /// the background threads. Synchronous; callable inside or outside a tokio runtime.
    pub fn open(config: EmbeddedConfig) -> LogResult<Arc<EmbeddedLog>> {
        config.validate()?;
        durable::ensure_dir(&config.data_dir)?;
        let lock = lock_data_dir(&config.data_dir)?;
        let settings = Arc::new(PartitionSettings {
            fsync: config.fsync,
            segment_bytes: config.segment_bytes,
            segment_ms: config.segment_ms,
            index: IndexSettings {
                interval: config.index_interval_bytes as u64,
                cache: Arc::new(IndexCache::new(config.index_cache_bytes)),
            },
            observer: config.on_fsync.clone(),
        });
        let store = Arc::new(TopicStore::open(&config.data_dir, config.on_fsync.clone())?);
        let groups = Arc::new(GroupStore::open(&config.data_dir, config.on_fsync.clone())?);
        let pool = SyncPool::start(SYNC_THREADS)?;
        let mut topics = BTreeMap::new();
        let loaded = store.load().and_then(|specs| {
            for (spec, dir) in specs {
                let topic = open_topic(spec, &dir, &settings, &pool.queue())?;
                topics.insert(topic.spec.name.clone(), Arc::new(topic));
            }
            Ok(())
        });
        if let Err(e) = loaded {
            pool.shutdown();
            return Err(e);
        }
        let log = Arc::new(EmbeddedLog {
            config,
            settings,
            store,
            groups,
            topics: RwLock::new(topics),
            admin: tokio::sync::Mutex::new(()),
            pool,
            tickers: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
            _lock: lock,
        });
        if let Err(e) = log.start_tickers() {
            log.close();
            return Err(e);
        }
        Ok(log)
    }

    fn start_tickers(self: &Arc<Self>) -> LogResult<()> {
        let mut tickers = self.tickers.lock();
        if !self.config.retention_check_interval.is_zero() {
            let weak: Weak<EmbeddedLog> = Arc::downgrade(self);
            tickers.push(Ticker::spawn(
                "rivulet-retention",
                self.config.retention_check_interval,
                move || {
                    let Some(log) = weak.upgrade() else {
                        return false;
                    };
                    if let Err(e) = log.enforce_retention() {
                        warn!(error = %e, "retention sweep failed");
                    }
                    true
                },
            )?);
        }
        if let FsyncPolicy::Interval(period) = self.config.fsync {
            let weak: Weak<EmbeddedLog> = Arc::downgrade(self);
            tickers.push(Ticker::spawn("rivulet-flush", period, move || {
                let Some(log) = weak.upgrade() else {
                    return false;
                };
                for partition in log.all_partitions() {
                    if partition.is_dirty() {
                        partition.schedule_sync();
                    }
                }
                true
            })?);
        }
        Ok(())
    }

    /// Deletes now the whole segments that retention (time and bytes) no longer keeps; never
    /// the active segment of a partition.
    pub fn enforce_retention(&self) -> LogResult<()> {
        self.check_open()?;
        let now = rivulet_core::time::now_ms();
        let topics: Vec<Arc<Topic>> = self.topics.read().values().cloned().collect();
        let mut first_error = None;
        for topic in topics {
            for partition in &topic.partitions {
                if let Err(e) = partition.enforce_retention(&topic.spec, now) {
                    error!(topic = %topic.spec.name, partition = partition.id, error = %e, "retention failed");
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Stops the background threads, fsyncs everything written and refuses further calls with
    /// [`LogError::Closed`]. Idempotent; also run on drop.
    pub fn close(&self) {
        if self.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        for ticker in self.tickers.lock().drain(..) {
            ticker.stop();
        }
        for partition in self.all_partitions() {
            partition.close(false);
        }
        self.pool.shutdown();
    }

    /// Bytes the cache of sealed segments' indexes holds now (at most
    /// [`EmbeddedConfig::index_cache_bytes`]).
    #[doc(hidden)]
    pub fn index_cache_bytes(&self) -> usize {
        self.settings.index.cache.held_bytes()
    }

    /// What the cache of sealed segments' indexes holds and how often it loaded and evicted.
    #[doc(hidden)]
    pub fn index_cache_stats(&self) -> IndexCacheStats {
        self.settings.index.cache.stats()
    }

    fn check_open(&self) -> LogResult<()> {
        if self.closed.load(Ordering::Acquire) {
            Err(LogError::Closed)
        } else {
            Ok(())
        }
    }

    fn all_partitions(&self) -> Vec<Arc<Partition>> {
        self.topics
            .read()
            .values()
            .flat_map(|t| t.partitions.iter().cloned())
            .collect()
    }

    fn topic(&self, name: &str) -> LogResult<Arc<Topic>> {
        self.check_open()?;
        self.topics
            .read()
            .get(name)
            .cloned()
            .ok_or_else(|| LogError::UnknownTopic(name.to_string()))
    }

    fn partition(&self, topic: &str, partition: u32) -> LogResult<Arc<Partition>> {
        let t = self.topic(topic)?;
        t.partitions
            .get(partition as usize)
            .cloned()
            .ok_or_else(|| LogError::UnknownPartition {
                topic: topic.to_string(),
                partition,
                partitions: t.spec.partitions,
            })
    }

    fn describe(topic: &Topic) -> TopicDescription {
        TopicDescription {
            name: topic.spec.name.clone(),
            replication: topic.spec.replication,
            retention_ms: topic.spec.retention_ms,
            retention_bytes: topic.spec.retention_bytes,
            partitions: topic.partitions.iter().map(|p| p.describe()).collect(),
        }
    }
}

impl Drop for EmbeddedLog {
    fn drop(&mut self) {
        self.close();
    }
}

fn open_topic(
    spec: TopicSpec,
    dir: &std::path::Path,
    settings: &Arc<PartitionSettings>,
    queue: &SyncQueue,
) -> LogResult<Topic> {
    let partitions = (0..spec.partitions)
        .map(|p| {
            Partition::open(
                &spec.name,
                p,
                &topic_store::partition_dir(dir, p),
                settings.clone(),
                queue.clone(),
            )
        })
        .collect::<LogResult<Vec<_>>>()?;
    Ok(Topic { spec, partitions })
}

/// Runs blocking file work (fsyncs, directory changes) off the async worker threads.
async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> LogResult<T> + Send + 'static,
) -> LogResult<T> {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => handle
            .spawn_blocking(work)
            .await
            .map_err(|e| LogError::Io {
                path: "blocking task".into(),
                source: std::io::Error::other(e.to_string()),
            })?,
        Err(_) => work(),
    }
}

#[async_trait]
impl Log for EmbeddedLog {
    async fn create_topic(&self, spec: TopicSpec) -> LogResult<TopicDescription> {
        spec.validate()?;
        self.check_open()?;
        let _admin = self.admin.lock().await;
        if self.topics.read().contains_key(&spec.name) {
            return Err(LogError::TopicExists(spec.name));
        }
        let (store, settings, queue) =
            (self.store.clone(), self.settings.clone(), self.pool.queue());
        let topic = run_blocking(move || {
            let dir = store.create(&spec)?;
            let name = spec.name.clone();
            open_topic(spec, &dir, &settings, &queue).inspect_err(|_| {
                // Leave no half-usable topic behind: listing and creation must agree.
                if let Err(e) = store.delete(&name) {
                    warn!(topic = %name, error = %e, "could not remove a topic that failed to open");
                }
            })
        })
        .await?;
        let description = Self::describe(&topic);
        self.topics
            .write()
            .insert(topic.spec.name.clone(), Arc::new(topic));
        Ok(description)
    }

    async fn delete_topic(&self, topic: &str) -> LogResult<()> {
        self.check_open()?;
        let _admin = self.admin.lock().await;
        let removed = self
            .topics
            .write()
            .remove(topic)
            .ok_or_else(|| LogError::UnknownTopic(topic.to_string()))?;
        let (store, groups, name) = (self.store.clone(), self.groups.clone(), topic.to_string());
        run_blocking(move || {
            for partition in &removed.partitions {
                partition.close(true);
            }
            store.delete(&name)?;
            groups.remove_topic(&name)
        })
        .await
    }

    async fn list_topics(&self) -> LogResult<Vec<String>> {
        self.check_open()?;
        Ok(self.topics.read().keys().cloned().collect())
    }

    async fn describe_topic(&self, topic: &str) -> LogResult<TopicDescription> {
        let t = self.topic(topic)?;
        Ok(Self::describe(&t))
    }

    async fn append(&self, topic: &str, partition: u32, records: Vec<Record>) -> LogResult<i64> {
        let p = self.partition(topic, partition)?;
        if records.is_empty() {
            return Ok(p.high_watermark());
        }
        let written = p.write(&records, None)?;
        if self.settings.fsync == FsyncPolicy::Always {
            p.wait_durable(written.end_offset).await?;
        }
        Ok(written.base_offset)
    }

    async fn append_tagged(
        &self,
        topic: &str,
        partition: u32,
        records: Vec<Record>,
        tag: ProducerTag,
    ) -> LogResult<i64> {
        let p = self.partition(topic, partition)?;
        if records.is_empty() {
            return Ok(p.high_watermark());
        }
        let written = p.write(&records, Some(tag))?;
        if self.settings.fsync == FsyncPolicy::Always {
            p.wait_durable(written.end_offset).await?;
        }
        Ok(written.base_offset)
    }

    fn keeps_producer_tags(&self) -> bool {
        true
    }

    async fn last_producer_sequence(
        &self,
        topic: &str,
        partition: u32,
        producer: u64,
        from_offset: i64,
    ) -> LogResult<Option<i64>> {
        let p = self.partition(topic, partition)?;
        // A batch written but not yet durable (its append still waiting for the fsync) must be
        // seen too: wait until everything written so far is durable, then scan.
        if self.settings.fsync == FsyncPolicy::Always {
            p.wait_durable(p.written_end()).await?;
        }
        run_blocking(move || p.last_producer_sequence(producer, from_offset)).await
    }

    async fn read(
        &self,
        topic: &str,
        partition: u32,
        offset: i64,
        limits: ReadLimits,
    ) -> LogResult<ReadBatch> {
        self.partition(topic, partition)?.read(offset, limits)
    }

    async fn wait_for_data(
        &self,
        topic: &str,
        partition: u32,
        offset: i64,
        timeout: Duration,
    ) -> LogResult<bool> {
        let p = self.partition(topic, partition)?;
        p.wait_for_data(offset, timeout).await
    }

    async fn offset_for_timestamp(
        &self,
        topic: &str,
        partition: u32,
        timestamp_ms: i64,
    ) -> LogResult<Option<i64>> {
        self.partition(topic, partition)?
            .offset_for_timestamp(timestamp_ms)
    }

    async fn offsets(&self, topic: &str, partition: u32) -> LogResult<PartitionOffsets> {
        let p = self.partition(topic, partition)?;
        Ok(PartitionOffsets {
            start: p.log_start(),
            end: p.high_watermark(),
        })
    }

    async fn commit_offsets(&self, group: &str, offsets: &[CommittedOffset]) -> LogResult<()> {
        for o in offsets {
            self.partition(&o.topic, o.partition)?;
            if o.offset < 0 {
                return Err(LogError::InvalidArgument(format!(
                    "committed offset must not be negative, got {} for {}/{}",
                    o.offset, o.topic, o.partition
                )));
            }
        }
        self.check_open()?;
        let (groups, group, offsets) = (self.groups.clone(), group.to_string(), offsets.to_vec());
        run_blocking(move || groups.commit(&group, &offsets)).await
    }

    async fn committed_offsets(&self, group: &str) -> LogResult<Vec<CommittedOffset>> {
        self.check_open()?;
        let topics = self.topics.read();
        Ok(self
            .groups
            .committed(group)
            .into_iter()
            .filter(|o| {
                topics
                    .get(&o.topic)
                    .is_some_and(|t| o.partition < t.spec.partitions)
            })
            .collect())
    }
}

/// Takes the data directory's exclusive lock (`.lock`), so a second process opening the same
/// directory fails instead of corrupting it. The OS drops the lock when the process dies.
fn lock_data_dir(dir: &std::path::Path) -> LogResult<std::fs::File> {
    let path = dir.join(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| LogError::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(LogError::Locked {
            path: dir.display().to_string(),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(LogError::io(&path, e)),
    }
}
