//! One partition: its segments, the append path (encode outside the lock, one positional write
//! under it, roll by size and age), the visibility watermark readers and waiters follow, and
//! reads by offset and by time.
//!
//! This module owns a partition's in-memory state and its invariants: offsets are dense, frames
//! are written in offset order, and nothing at or past the high watermark is ever returned. It
//! must not fsync by itself (group commit does, see `group_commit`), delete segments (retention
//! does) or know other partitions.

use std::{
    cell::RefCell,
    path::{Path, PathBuf},
    sync::{atomic::AtomicBool, Arc},
    time::Duration,
};

use parking_lot::{Mutex, RwLock};
use rivulet_core::{LoggedRecord, Record};
use tokio::sync::{oneshot, watch};

use super::{
    batch::{self, EncodedBatch, RecordDecoder},
    durable::FsyncObserver,
    group_commit::SyncQueue,
    recovery,
    segment::{IndexSettings, Segment},
};
use crate::{
    FsyncPolicy, LogError, LogResult, PartitionDescription, ProducerTag, ReadBatch, ReadLimits,
};

/// Encode buffers above this size are not kept for reuse.
const MAX_KEPT_SCRATCH: usize = 4 << 20;

thread_local! {
    /// Reused encode buffer: appends encode here before taking the partition lock.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Settings every partition of a log shares.
pub struct PartitionSettings {
    pub fsync: FsyncPolicy,
    pub segment_bytes: u64,
    pub segment_ms: i64,
    /// Index interval and the log's cache of sealed segments' indexes.
    pub index: IndexSettings,
    pub observer: FsyncObserver,
}

/// What readers and waiters may see of a partition.
#[derive(Debug, Clone, Default)]
pub struct Watermark {
    /// One past the last acknowledged (readable) record.
    pub hw: i64,
    /// Set when a write or fsync failed: the partition takes no more appends.
    pub failure: Option<Arc<str>>,
    /// The log was closed.
    pub closed: bool,
    /// The topic was deleted.
    pub deleted: bool,
}

/// The write side, guarded by the append lock.
pub(super) struct Writer {
    pub active: Arc<Segment>,
    /// Offset the next record gets.
    pub next_offset: i64,
    /// Everything below this offset is fsynced.
    pub synced_offset: i64,
    /// Rolled segments whose data and index files are not yet fsynced.
    pub sealed_unsynced: Vec<Arc<Segment>>,
    pub failure: Option<Arc<str>>,
    pub closed: bool,
    pub deleted: bool,
}

/// An append that was written (not necessarily synced).
#[derive(Debug, Clone, Copy)]
pub struct Written {
    pub base_offset: i64,
    pub end_offset: i64,
}

/// One partition of a topic.
pub struct Partition {
    pub topic: String,
    pub id: u32,
    pub dir: PathBuf,
    pub(super) settings: Arc<PartitionSettings>,
    /// All segments in offset order; never empty; the last is the active one.
    pub(super) segments: RwLock<Vec<Arc<Segment>>>,
    pub(super) writer: Mutex<Writer>,
    pub(super) watermark: watch::Sender<Watermark>,
    /// Appends waiting for an fsync (`fsync = always`), each woken only once the watermark
    /// covers its end offset (or the partition fails or closes), not on every watermark change.
    durable_waiters: Mutex<Vec<(i64, oneshot::Sender<()>)>>,
    pub(super) sync_queue: SyncQueue,
    /// Whether a group-commit round is queued or running.
    pub(super) sync_scheduled: AtomicBool,
    /// Held for a whole group-commit round (rounds of one partition never overlap).
    pub(super) sync_lock: Mutex<()>,
    /// Serializes retention with deletion and close.
    pub(super) maintenance: Mutex<()>,
}

impl std::fmt::Debug for Partition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Partition")
            .field("topic", &self.topic)
            .field("id", &self.id)
            .field("hw", &self.high_watermark())
            .finish()
    }
}

impl Partition {
    /// Opens (recovering) or creates the partition in `dir`.
    pub fn open(
        topic: &str,
        id: u32,
        dir: &Path,
        settings: Arc<PartitionSettings>,
        sync_queue: SyncQueue,
    ) -> LogResult<Arc<Partition>> {
        let segments = recovery::recover_partition(dir, &settings.index, &settings.observer)?;
        let segments: Vec<Arc<Segment>> = segments.into_iter().map(Arc::new).collect();
        let active = segments.last().cloned().ok_or_else(|| LogError::Corrupt {
            path: dir.display().to_string(),
            reason: "partition has no segment after recovery".into(),
        })?;
        // What recovery kept may only have been in the page cache: make it durable before
        // anything else builds on it.
        active.sync_log(&settings.observer)?;
        let next_offset = active.end_offset();
        Ok(Arc::new(Partition {
            topic: topic.to_string(),
            id,
            dir: dir.to_path_buf(),
            settings,
            segments: RwLock::new(segments),
            writer: Mutex::new(Writer {
                active,
                next_offset,
                synced_offset: next_offset,
                sealed_unsynced: Vec::new(),
                failure: None,
                closed: false,
                deleted: false,
            }),
            watermark: watch::Sender::new(Watermark {
                hw: next_offset,
                ..Watermark::default()
            }),
            durable_waiters: Mutex::new(Vec::new()),
            sync_queue,
            sync_scheduled: AtomicBool::new(false),
            sync_lock: Mutex::new(()),
            maintenance: Mutex::new(()),
        }))
    }

    /// One past the last readable record.
    pub fn high_watermark(&self) -> i64 {
        self.watermark.borrow().hw
    }

    /// The offset the next appended record gets: one past everything written, visible or not.
    pub fn written_end(&self) -> i64 {
        self.writer.lock().next_offset
    }

    /// The first retained offset.
    pub fn log_start(&self) -> i64 {
        self.segments.read().first().map_or(0, |s| s.base_offset())
    }

    /// Encodes and writes `records` as one frame. Under `fsync = always` the caller must then
    /// wait for [`Partition::wait_durable`]; otherwise the records are already visible.
    pub fn write(
        self: &Arc<Self>,
        records: &[Record],
        tag: Option<ProducerTag>,
    ) -> LogResult<Written> {
        SCRATCH.with_borrow_mut(|buf| {
            let result = batch::encode_tagged_batch(records, tag, buf)
                .and_then(|enc| self.write_encoded(buf, &enc));
            if buf.capacity() > MAX_KEPT_SCRATCH {
                *buf = Vec::new();
            }
            result
        })
    }

    fn write_encoded(self: &Arc<Self>, frame: &mut [u8], enc: &EncodedBatch) -> LogResult<Written> {
        let mut w = self.writer.lock();
        self.check_writable(&w)?;
        let mut schedule = false;
        if self.should_roll(&w, enc) {
            self.roll(&mut w)?;
            schedule = true;
        }
        let base_offset = w.next_offset;
        let header = batch::seal_frame(frame, base_offset, enc);
        if let Err((e, restored)) = w.active.append_frame(frame, &header) {
            let err = LogError::io(w.active.log_path(), e);
            if !restored {
                let failure: Arc<str> =
                    format!("write failed and could not be undone: {err}").into();
                w.failure = Some(failure.clone());
                self.watermark.send_modify(|m| m.failure = Some(failure));
                drop(w);
                self.wake_durable();
            }
            return Err(err);
        }
        w.next_offset = header.end_offset();
        if self.settings.fsync == FsyncPolicy::Always {
            schedule = true;
        } else {
            let hw = w.next_offset;
            self.watermark.send_modify(|m| m.hw = hw);
        }
        drop(w);
        if schedule {
            self.schedule_sync();
        }
        Ok(Written {
            base_offset,
            end_offset: header.end_offset(),
        })
    }

    fn check_writable(&self, w: &Writer) -> LogResult<()> {
        if w.deleted {
            return Err(LogError::UnknownTopic(self.topic.clone()));
        }
        if w.closed {
            return Err(LogError::Closed);
        }
        if let Some(failure) = &w.failure {
            return Err(failed(&self.dir, failure));
        }
        Ok(())
    }

    fn should_roll(&self, w: &Writer, enc: &EncodedBatch) -> bool {
        let active = &w.active;
        let size = active.size();
        if size == 0 {
            return false;
        }
        size + enc.frame_len as u64 > self.settings.segment_bytes
            || rivulet_core::time::now_ms().saturating_sub(active.created_ms())
                >= self.settings.segment_ms
            || w.next_offset - active.base_offset() + i64::from(enc.record_count)
                > i64::from(u32::MAX)
    }

    /// Starts a new active segment at the next offset; the old one waits for its sealing sync.
    fn roll(&self, w: &mut Writer) -> LogResult<()> {
        let segment = Arc::new(Segment::create(
            &self.dir,
            w.next_offset,
            &self.settings.index,
        )?);
        let old = std::mem::replace(&mut w.active, segment.clone());
        w.sealed_unsynced.push(old);
        self.segments.write().push(segment);
        Ok(())
    }

    /// Waits until everything below `end_offset` is durable and visible (`fsync = always`).
    pub async fn wait_durable(&self, end_offset: i64) -> LogResult<()> {
        let woken = {
            let mut waiters = self.durable_waiters.lock();
            let m = self.watermark.borrow().clone();
            if m.hw >= end_offset {
                return Ok(());
            }
            if m.failure.is_some() || m.closed || m.deleted {
                return Err(self.unavailable(&m));
            }
            let (tx, rx) = oneshot::channel();
            waiters.push((end_offset, tx));
            rx
        };
        // A dropped sender means the partition failed or closed: the watermark says which.
        let _ = woken.await;
        let m = self.watermark.borrow().clone();
        if m.hw >= end_offset {
            Ok(())
        } else {
            Err(self.unavailable(&m))
        }
    }

    /// Wakes the appends the watermark now covers; on failure or close, all of them. Called
    /// after every change of the watermark that appends wait on.
    pub(super) fn wake_durable(&self) {
        let mut waiters = self.durable_waiters.lock();
        if waiters.is_empty() {
            return;
        }
        let (hw, dead) = {
            let m = self.watermark.borrow();
            (m.hw, m.failure.is_some() || m.closed || m.deleted)
        };
        let pending = std::mem::take(&mut *waiters);
        for (end, tx) in pending {
            if end <= hw {
                let _ = tx.send(());
            } else if !dead {
                waiters.push((end, tx));
            }
        }
    }

    /// Waits until the high watermark passes `offset` or `timeout` passes.
    pub async fn wait_for_data(&self, offset: i64, timeout: Duration) -> LogResult<bool> {
        let mut rx = self.watermark.subscribe();
        let outcome = tokio::time::timeout(
            timeout,
            rx.wait_for(|m| m.hw > offset || m.closed || m.deleted),
        )
        .await;
        match outcome {
            Err(_elapsed) => Ok(false),
            Ok(Err(_)) => Err(LogError::Closed),
            Ok(Ok(m)) => {
                let m = m.clone();
                if m.hw > offset {
                    Ok(true)
                } else {
                    Err(self.unavailable(&m))
                }
            }
        }
    }

    fn unavailable(&self, m: &Watermark) -> LogError {
        if m.deleted {
            LogError::UnknownTopic(self.topic.clone())
        } else if let Some(failure) = &m.failure {
            failed(&self.dir, failure)
        } else {
            LogError::Closed
        }
    }

    /// Reads visible records from `offset`.
    pub fn read(&self, offset: i64, limits: ReadLimits) -> LogResult<ReadBatch> {
        let hw = self.high_watermark();
        let start = self.log_start();
        if offset > hw {
            return Err(LogError::InvalidArgument(format!(
                "offset {offset} is beyond the end offset {hw} of {}/{}",
                self.topic, self.id
            )));
        }
        let mut next = offset.max(start);
        let mut out = ReadBatch {
            records: Vec::new(),
            next_offset: next,
            high_watermark: hw,
            log_start_offset: start,
        };
        if next >= hw || limits.max_records == 0 {
            return Ok(out);
        }
        // One allocation for the result: every record takes at least 4 encoded bytes.
        let expected = (limits.max_records as u64)
            .min((hw - next) as u64)
            .min((limits.max_bytes / 4 + 1) as u64);
        out.records.reserve(expected as usize);
        let initial_chunk = limits.max_bytes.saturating_add(batch::FRAME_OVERHEAD);
        let mut bytes = 0usize;
        let mut segment = self.segment_for(next)?;
        'segments: loop {
            let mut cursor =
                segment.frames(segment.position_for(next)?, segment.size(), initial_chunk);
            while let Some(frame) = cursor.next_frame()? {
                let header = frame.header;
                if header.base_offset >= hw {
                    break 'segments;
                }
                if header.end_offset() <= next {
                    continue;
                }
                let position = frame.position;
                let mut dec = RecordDecoder::new(frame.chunk, frame.start, frame.len, &header);
                while dec.next_offset() < next {
                    dec.skip_record()
                        .map_err(|e| segment.corrupt(position, e))?;
                }
                loop {
                    if out.records.len() >= limits.max_records {
                        break 'segments;
                    }
                    let Some((record_offset, record, size)) = dec
                        .next_record()
                        .map_err(|e| segment.corrupt(position, e))?
                    else {
                        break;
                    };
                    if !out.records.is_empty() && bytes.saturating_add(size) > limits.max_bytes {
                        break 'segments;
                    }
                    bytes += size;
                    out.records.push(LoggedRecord {
                        offset: record_offset,
                        record,
                    });
                    next = record_offset + 1;
                }
                dec.finish().map_err(|e| segment.corrupt(position, e))?;
                if next >= hw {
                    break 'segments;
                }
            }
            match self.segment_after(segment.base_offset()) {
                Some(following) if next < hw => {
                    next = next.max(following.base_offset());
                    segment = following;
                }
                _ => break,
            }
        }
        if out.records.is_empty() && next < hw {
            return Err(segment.corrupt(0, format!("offset {next} is missing from the log")));
        }
        if out.records.capacity() > 2 * out.records.len() + 64 {
            out.records.shrink_to_fit();
        }
        out.next_offset = next;
        Ok(out)
    }

    /// The highest sequence `producer` tagged a visible batch with, among the batches that end
    /// after `from_offset`. Reads frame headers only.
    pub fn last_producer_sequence(
        &self,
        producer: u64,
        from_offset: i64,
    ) -> LogResult<Option<i64>> {
        let hw = self.high_watermark();
        let mut next = from_offset.max(self.log_start());
        let mut found: Option<i64> = None;
        if next >= hw {
            return Ok(None);
        }
        let mut segment = self.segment_for(next)?;
        loop {
            let mut cursor = segment.frames(segment.position_for(next)?, segment.size(), 64 << 10);
            while let Some(frame) = cursor.next_frame()? {
                let header = frame.header;
                if header.base_offset >= hw {
                    return Ok(found);
                }
                if header.end_offset() <= next {
                    continue;
                }
                if let Some(tag) = header.tag.filter(|t| t.producer == producer) {
                    found = Some(found.map_or(tag.sequence, |f| f.max(tag.sequence)));
                }
            }
            match self.segment_after(segment.base_offset()) {
                Some(following) => {
                    next = next.max(following.base_offset());
                    segment = following;
                }
                None => return Ok(found),
            }
        }
    }

    /// The earliest visible offset whose record timestamp is at or after `timestamp`.
    pub fn offset_for_timestamp(&self, timestamp: i64) -> LogResult<Option<i64>> {
        let hw = self.high_watermark();
        let segments: Vec<Arc<Segment>> = self.segments.read().clone();
        for segment in segments {
            if segment.base_offset() >= hw {
                break;
            }
            if segment.max_timestamp() < timestamp {
                continue;
            }
            let mut cursor = segment.frames(
                segment.position_for_timestamp(timestamp)?,
                segment.size(),
                64 << 10,
            );
            while let Some(frame) = cursor.next_frame()? {
                let header = frame.header;
                if header.base_offset >= hw {
                    return Ok(None);
                }
                if header.max_timestamp < timestamp {
                    continue;
                }
                let position = frame.position;
                let mut dec = RecordDecoder::new(frame.chunk, frame.start, frame.len, &header);
                while let Some(ts) = dec
                    .skip_record()
                    .map_err(|e| segment.corrupt(position, e))?
                {
                    if ts >= timestamp {
                        return Ok(Some(dec.next_offset() - 1));
                    }
                }
            }
        }
        Ok(None)
    }

    /// Offsets, size and segment count.
    pub fn describe(&self) -> PartitionDescription {
        let hw = self.high_watermark();
        let segments = self.segments.read();
        PartitionDescription {
            partition: self.id,
            start_offset: segments.first().map_or(0, |s| s.base_offset()),
            end_offset: hw,
            size_bytes: segments.iter().map(|s| s.size()).sum(),
            segments: segments.len() as u32,
        }
    }

    /// The segment holding `offset` (the first one for offsets below the log start).
    fn segment_for(&self, offset: i64) -> LogResult<Arc<Segment>> {
        let segments = self.segments.read();
        let idx = segments.partition_point(|s| s.base_offset() <= offset);
        segments
            .get(idx.saturating_sub(1))
            .cloned()
            .ok_or_else(|| LogError::Corrupt {
                path: self.dir.display().to_string(),
                reason: "partition has no segments".into(),
            })
    }

    /// The segment after the one based at `base_offset`.
    fn segment_after(&self, base_offset: i64) -> Option<Arc<Segment>> {
        let segments = self.segments.read();
        let idx = segments.partition_point(|s| s.base_offset() <= base_offset);
        segments.get(idx).cloned()
    }

    /// Whether writes are waiting for a sync the scheduler must run.
    pub(super) fn needs_sync(&self) -> bool {
        let w = self.writer.lock();
        w.failure.is_none()
            && (!w.sealed_unsynced.is_empty()
                || (self.settings.fsync == FsyncPolicy::Always && w.next_offset > w.synced_offset))
    }

    /// Whether written data is not yet fsynced (for the interval flusher).
    pub(super) fn is_dirty(&self) -> bool {
        let w = self.writer.lock();
        w.failure.is_none() && (w.next_offset > w.synced_offset || !w.sealed_unsynced.is_empty())
    }

    /// Stops appends, fsyncs everything written and seals the active segment's index files.
    /// With `deleted`, waiters learn the topic is gone instead.
    pub fn close(&self, deleted: bool) {
        {
            let mut w = self.writer.lock();
            w.closed = true;
            w.deleted |= deleted;
        }
        let _maintenance = self.maintenance.lock();
        if deleted {
            // Wait out a sync round in flight: after this none writes into the directory.
            drop(self.sync_lock.lock());
        } else {
            if let Err(e) = self.sync_round(true) {
                tracing::error!(topic = %self.topic, partition = self.id, error = %e, "final fsync failed");
            }
            let active = self.writer.lock().active.clone();
            if let Err(e) = active.write_index_files(&self.settings.observer) {
                tracing::warn!(topic = %self.topic, partition = self.id, error = %e, "could not write index files");
            }
        }
        self.watermark.send_modify(|m| {
            m.closed = true;
            m.deleted |= deleted;
        });
        self.wake_durable();
    }
}

/// The I/O error for a partition that stopped taking appends.
fn failed(dir: &Path, failure: &str) -> LogError {
    LogError::io(dir, std::io::Error::other(failure.to_string()))
}
