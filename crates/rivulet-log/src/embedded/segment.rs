//! One segment of a partition: a `<base_offset:020>.log` file of frames with its `.index` and
//! `.timeindex` files, positional reads and writes on it, and a cursor that walks its frames.
//!
//! Index memory: while a segment is active (appended to) or rolled but not yet sealed, its
//! indexes live in memory with it ("resident"). Once group commit (or recovery) has written and
//! fsynced its index files, [`Segment::seal_indexes`] hands the entries to the log's bounded
//! [`IndexCache`]; from then on lookups use the cached copy or load the files again on demand,
//! rebuilding them from the log (with a warning) when they are missing or invalid.
//!
//! This module owns a segment's files and indexes. It must not decide when to roll, sync or
//! delete segments (the partition, group commit and retention do), nor which loaded indexes
//! stay cached (the cache does), and it never takes a partition-level lock.

use std::{
    fs::{self, File, OpenOptions},
    io::{self, Write},
    os::unix::fs::FileExt,
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering},
        Arc,
    },
    time::UNIX_EPOCH,
};

use bytes::Bytes;
use parking_lot::{Mutex, RwLock};
use tracing::warn;

use super::{
    batch::{self, BatchHeader, FrameError},
    durable::{self, FsyncObserver},
    index::OffsetIndex,
    index_cache::{CacheSlot, IndexCache},
    read_buffers,
    time_index::TimeIndex,
};
use crate::{LogError, LogResult};

/// Largest single positional read of a cursor (bigger frames are read whole).
const MAX_CHUNK: usize = 8 << 20;
/// First read size of a scan that rebuilds indexes from the log.
const REBUILD_CHUNK: usize = 1 << 20;

/// File name stem of a segment: the base offset, zero-padded to 20 digits.
pub fn file_stem(base_offset: i64) -> String {
    format!("{base_offset:020}")
}

/// The base offset of a `<20 digits>.log` file name.
pub fn parse_log_name(name: &str) -> Option<i64> {
    let stem = name.strip_suffix(".log")?;
    if stem.len() != 20 || !stem.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    stem.parse::<i64>().ok()
}

/// The base offset of a segment's `.index`/`.timeindex` file name.
pub fn parse_index_name(name: &str) -> Option<i64> {
    let stem = name
        .strip_suffix(".index")
        .or_else(|| name.strip_suffix(".timeindex"))?;
    if stem.len() != 20 || !stem.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    stem.parse::<i64>().ok()
}

/// Both indexes of a segment, kept together under one lock.
#[derive(Debug, Default)]
pub struct Indexes {
    pub offsets: OffsetIndex,
    pub times: TimeIndex,
}

impl Indexes {
    /// Heap bytes the entries take.
    pub fn heap_bytes(&self) -> usize {
        self.offsets.heap_bytes() + self.times.heap_bytes()
    }
}

/// What every segment of a log shares about indexes.
#[derive(Debug, Clone)]
pub struct IndexSettings {
    /// A sparse offset index entry every this many bytes of log.
    pub interval: u64,
    /// Where sealed segments keep the indexes they load.
    pub cache: Arc<IndexCache>,
}

/// What recovery learned about an existing segment file.
pub struct RecoveredSegment {
    pub base_offset: i64,
    pub file: File,
    pub size: u64,
    pub end_offset: i64,
    pub max_timestamp: i64,
    /// Indexes recovery built by scanning the log; `None` when it trusted the index files
    /// (they are loaded on demand).
    pub indexes: Option<Indexes>,
}

/// One segment.
pub struct Segment {
    base_offset: i64,
    dir: PathBuf,
    log_path: PathBuf,
    file: File,
    /// Bytes of complete frames; readers never read past it.
    size: AtomicU64,
    /// Offset after the last record in this segment.
    end_offset: AtomicI64,
    /// Max record timestamp (`i64::MIN` while empty).
    max_timestamp: AtomicI64,
    /// Wall-clock creation time in epoch ms (for rolling by age).
    created_ms: i64,
    /// The indexes while the segment is active or not yet sealed; `None` once sealed.
    resident: RwLock<Option<Indexes>>,
    /// The sealed segment's entry in the index cache.
    cached: Arc<CacheSlot>,
    index: IndexSettings,
    /// Serializes sealing, loading (and rebuilding) the index files, and deleting them.
    index_files: Mutex<()>,
    deleted: AtomicBool,
}

impl std::fmt::Debug for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segment")
            .field("path", &self.log_path)
            .field("base_offset", &self.base_offset)
            .field("end_offset", &self.end_offset())
            .field("size", &self.size())
            .finish()
    }
}

impl Segment {
    /// Creates an empty segment at `base_offset` in `dir` (replacing any stale files of that
    /// name).
    pub fn create(dir: &Path, base_offset: i64, index: &IndexSettings) -> LogResult<Segment> {
        let log_path = log_path(dir, base_offset);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&log_path)
            .map_err(|e| LogError::io(&log_path, e))?;
        for stale in [
            index_path(dir, base_offset),
            time_index_path(dir, base_offset),
        ] {
            remove_if_exists(&stale)?;
        }
        Ok(Segment {
            base_offset,
            dir: dir.to_path_buf(),
            log_path,
            file,
            size: AtomicU64::new(0),
            end_offset: AtomicI64::new(base_offset),
            max_timestamp: AtomicI64::new(i64::MIN),
            created_ms: rivulet_core::time::now_ms(),
            resident: RwLock::new(Some(Indexes::default())),
            cached: Arc::default(),
            index: index.clone(),
            index_files: Mutex::new(()),
            deleted: AtomicBool::new(false),
        })
    }

    /// A segment from what recovery found on disk. Without recovered indexes it is sealed
    /// from the start (its index files are loaded when a lookup needs them).
    pub fn from_recovered(dir: &Path, r: RecoveredSegment, index: &IndexSettings) -> Segment {
        let log_path = log_path(dir, r.base_offset);
        let created_ms = r
            .file
            .metadata()
            .ok()
            .and_then(|m| m.created().or_else(|_| m.modified()).ok())
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or_else(rivulet_core::time::now_ms, |d| d.as_millis() as i64);
        Segment {
            base_offset: r.base_offset,
            dir: dir.to_path_buf(),
            log_path,
            file: r.file,
            size: AtomicU64::new(r.size),
            end_offset: AtomicI64::new(r.end_offset),
            max_timestamp: AtomicI64::new(r.max_timestamp),
            created_ms,
            resident: RwLock::new(r.indexes),
            cached: Arc::default(),
            index: index.clone(),
            index_files: Mutex::new(()),
            deleted: AtomicBool::new(false),
        }
    }

    pub fn base_offset(&self) -> i64 {
        self.base_offset
    }

    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// Bytes of complete frames.
    pub fn size(&self) -> u64 {
        self.size.load(Ordering::Acquire)
    }

    /// Offset after the last record written to this segment.
    pub fn end_offset(&self) -> i64 {
        self.end_offset.load(Ordering::Acquire)
    }

    /// Max record timestamp, `i64::MIN` when empty.
    pub fn max_timestamp(&self) -> i64 {
        self.max_timestamp.load(Ordering::Acquire)
    }

    pub fn created_ms(&self) -> i64 {
        self.created_ms
    }

    /// Appends one sealed frame at the end. On failure the file is cut back to its previous
    /// size; the returned flag says whether that worked (if not, the segment is unusable).
    pub fn append_frame(
        &self,
        frame: &[u8],
        header: &BatchHeader,
    ) -> Result<(), (io::Error, bool)> {
        let position = self.size.load(Ordering::Acquire);
        if let Err(e) = self.file.write_all_at(frame, position) {
            let restored = self.file.set_len(position).is_ok();
            return Err((e, restored));
        }
        let relative = relative_offset(header.base_offset - self.base_offset);
        if let Some(idx) = self.resident.write().as_mut() {
            let pos32 = u32::try_from(position).unwrap_or(u32::MAX);
            if idx
                .offsets
                .on_frame(relative, pos32, frame.len() as u64, self.index.interval)
            {
                let below = self.max_timestamp.load(Ordering::Acquire);
                idx.times.maybe_add(below, relative);
            }
        }
        self.max_timestamp
            .fetch_max(header.max_timestamp, Ordering::AcqRel);
        self.end_offset
            .store(header.end_offset(), Ordering::Release);
        self.size
            .store(position + frame.len() as u64, Ordering::Release);
        Ok(())
    }

    /// Reads `len` bytes at `position` into one shared buffer.
    pub fn read_at(&self, position: u64, len: usize) -> LogResult<Bytes> {
        read_buffers::read_exact_at(&self.file, position, len).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                self.corrupt(position, "log file is shorter than its recorded size")
            } else {
                LogError::io(&self.log_path, e)
            }
        })
    }

    /// The file position to scan from to find `offset`. Loads a sealed segment's index when it
    /// is not cached (not for the base offset, which is always at position 0).
    pub fn position_for(&self, offset: i64) -> LogResult<u64> {
        let rel = relative_offset(offset - self.base_offset);
        if rel == 0 {
            return Ok(0);
        }
        self.with_indexes(|idx| u64::from(idx.offsets.lookup(rel)))
    }

    /// The file position to scan from to find the first record at or after `timestamp`.
    pub fn position_for_timestamp(&self, timestamp: i64) -> LogResult<u64> {
        self.with_indexes(|idx| {
            let rel = idx.times.lookup(timestamp);
            u64::from(idx.offsets.lookup(rel))
        })
    }

    /// Runs a lookup on the indexes: resident, cached, or loaded now.
    #[inline]
    fn with_indexes<R>(&self, lookup: impl Fn(&Indexes) -> R) -> LogResult<R> {
        if let Some(idx) = self.resident.read().as_ref() {
            return Ok(lookup(idx));
        }
        if let Some(found) = self.cached.with(&lookup) {
            return Ok(found);
        }
        let loaded = self.load_indexes()?;
        Ok(lookup(&loaded))
    }

    /// Whether the segment's indexes are held by the segment itself (active or not sealed).
    pub fn has_resident_indexes(&self) -> bool {
        self.resident.read().is_some()
    }

    /// Hands the indexes of a segment whose index files are written (and fsynced) to the index
    /// cache, which may keep or drop them; later lookups load the files when needed. Idempotent.
    pub fn seal_indexes(&self) {
        let _files = self.index_files.lock();
        let Some(indexes) = self.resident.write().take() else {
            return;
        };
        if !self.deleted.load(Ordering::Acquire) {
            self.index.cache.insert(&self.cached, indexes);
        }
    }

    /// Loads a sealed segment's indexes from its files into the cache (one loader at a time;
    /// the others find them cached). Missing or invalid files are rebuilt from the log.
    #[cold]
    fn load_indexes(&self) -> LogResult<Arc<Indexes>> {
        let _files = self.index_files.lock();
        if let Some(found) = self.cached.get() {
            return Ok(found);
        }
        let deleted = self.deleted.load(Ordering::Acquire);
        let (indexes, rebuilt) = match self.read_index_files() {
            Ok(indexes) => (indexes, false),
            Err(reason) => {
                if !deleted {
                    warn!(
                        path = %self.log_path.display(),
                        %reason,
                        "index files missing or invalid; rebuilding them from the log"
                    );
                }
                let (indexes, complete) = self.rebuild_indexes()?;
                if complete && !deleted {
                    if let Err(e) = self.persist_index_files(&indexes) {
                        warn!(path = %self.log_path.display(), error = %e, "could not rewrite index files");
                    }
                }
                (indexes, true)
            }
        };
        self.index.cache.note_load(rebuilt);
        if deleted {
            return Ok(Arc::new(indexes));
        }
        Ok(self.index.cache.insert(&self.cached, indexes))
    }

    /// Reads and fully checks the index files of this sealed segment.
    fn read_index_files(&self) -> Result<Indexes, String> {
        let read = |path: PathBuf| {
            fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
        };
        let offsets = read(index_path(&self.dir, self.base_offset))?;
        let times = read(time_index_path(&self.dir, self.base_offset))?;
        let offsets = OffsetIndex::from_bytes(&offsets, self.size())?;
        let times = TimeIndex::from_bytes(&times)?;
        let end = relative_offset(self.end_offset() - self.base_offset);
        if offsets.last().is_some_and(|e| e.relative_offset >= end) {
            return Err("offset index reaches past the segment's records".into());
        }
        if times.last().is_some_and(|e| e.relative_offset > end) {
            return Err("time index reaches past the segment's records".into());
        }
        if times.last().map_or(i64::MIN, |e| e.timestamp) != self.max_timestamp() {
            return Err("time index does not end at the segment's max timestamp".into());
        }
        Ok(Indexes { offsets, times })
    }

    /// Builds the indexes by walking every frame of the log, as an append would have. Returns
    /// them and whether the walk reached the segment's end (a corrupt frame stops it: the
    /// indexes then cover what precedes it, and reads past it fail on the frame).
    fn rebuild_indexes(&self) -> LogResult<(Indexes, bool)> {
        let mut indexes = Indexes::default();
        let mut max_timestamp = i64::MIN;
        let mut expected = self.base_offset;
        let mut cursor = self.frames(0, self.size(), REBUILD_CHUNK);
        loop {
            let frame = match cursor.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(e @ LogError::Corrupt { .. }) => {
                    warn!(error = %e, "index rebuild stopped at a corrupt frame");
                    break;
                }
                Err(e) => return Err(e),
            };
            let header = frame.header;
            if header.base_offset != expected {
                warn!(
                    path = %self.log_path.display(),
                    position = frame.position,
                    base_offset = header.base_offset,
                    expected,
                    "index rebuild stopped at a frame that does not continue the offsets"
                );
                break;
            }
            let rel = relative_offset(header.base_offset - self.base_offset);
            let pos32 = u32::try_from(frame.position).unwrap_or(u32::MAX);
            if indexes
                .offsets
                .on_frame(rel, pos32, frame.len as u64, self.index.interval)
            {
                indexes.times.maybe_add(max_timestamp, rel);
            }
            max_timestamp = max_timestamp.max(header.max_timestamp);
            expected = header.end_offset();
        }
        indexes
            .times
            .maybe_add(max_timestamp, relative_offset(expected - self.base_offset));
        Ok((indexes, expected == self.end_offset()))
    }

    /// Replaces the index files with `indexes`, atomically and durably.
    fn persist_index_files(&self, indexes: &Indexes) -> LogResult<()> {
        durable::write_atomic(
            &index_path(&self.dir, self.base_offset),
            &indexes.offsets.to_bytes(),
            &None,
        )?;
        durable::write_atomic(
            &time_index_path(&self.dir, self.base_offset),
            &indexes.times.to_bytes(),
            &None,
        )
    }

    /// A cursor over the frames from `position` up to `limit` bytes.
    pub fn frames(&self, position: u64, limit: u64, initial_chunk: usize) -> FrameCursor<'_> {
        FrameCursor {
            segment: self,
            chunk_pos: position,
            limit,
            chunk: Bytes::new(),
            cur: 0,
            chunk_size: initial_chunk.clamp(4096, MAX_CHUNK),
        }
    }

    /// `fdatasync` of the log file.
    pub fn sync_log(&self, observer: &FsyncObserver) -> LogResult<()> {
        durable::sync_data(&self.file, &self.log_path, observer)
    }

    /// Writes the `.index` and `.timeindex` files from the resident indexes (after adding the
    /// final time entry) and fsyncs them. Skipped for a deleted or already sealed segment.
    pub fn write_index_files(&self, observer: &FsyncObserver) -> LogResult<()> {
        if self.deleted.load(Ordering::Acquire) {
            return Ok(());
        }
        let (offsets, times) = {
            let mut resident = self.resident.write();
            let Some(idx) = resident.as_mut() else {
                return Ok(());
            };
            let end = relative_offset(self.end_offset() - self.base_offset);
            idx.times.maybe_add(self.max_timestamp(), end);
            (idx.offsets.to_bytes(), idx.times.to_bytes())
        };
        for (path, bytes) in [
            (index_path(&self.dir, self.base_offset), offsets),
            (time_index_path(&self.dir, self.base_offset), times),
        ] {
            let mut file = File::create(&path).map_err(|e| LogError::io(&path, e))?;
            file.write_all(&bytes).map_err(|e| LogError::io(&path, e))?;
            durable::sync_data(&file, &path, observer)?;
        }
        Ok(())
    }

    /// Marks the segment deleted and removes its files, the log first (so a crash leaves at
    /// worst orphan index files, which recovery removes).
    pub fn delete_files(&self) -> LogResult<()> {
        let _files = self.index_files.lock();
        self.deleted.store(true, Ordering::Release);
        self.index.cache.release(&self.cached);
        remove_if_exists(&self.log_path)?;
        remove_if_exists(&index_path(&self.dir, self.base_offset))?;
        remove_if_exists(&time_index_path(&self.dir, self.base_offset))
    }

    /// A corruption error about this segment.
    pub fn corrupt(&self, position: u64, reason: impl std::fmt::Display) -> LogError {
        LogError::Corrupt {
            path: self.log_path.display().to_string(),
            reason: format!("at byte {position}: {reason}"),
        }
    }
}

impl Drop for Segment {
    fn drop(&mut self) {
        self.index.cache.release(&self.cached);
    }
}

/// A frame the cursor found, borrowed from its current read buffer.
pub struct FrameRef<'c> {
    /// The read buffer holding the frame; records are sliced out of it.
    pub chunk: &'c Bytes,
    /// Where the frame starts in `chunk`.
    pub start: usize,
    /// Frame length in bytes.
    pub len: usize,
    /// File position of the frame.
    pub position: u64,
    pub header: BatchHeader,
}

/// Walks the frames of a segment with positional reads of growing chunks, verifying each.
pub struct FrameCursor<'s> {
    segment: &'s Segment,
    /// File position of `chunk[0]`.
    chunk_pos: u64,
    limit: u64,
    chunk: Bytes,
    cur: usize,
    chunk_size: usize,
}

impl FrameCursor<'_> {
    /// The file position of the next frame.
    pub fn position(&self) -> u64 {
        self.chunk_pos + self.cur as u64
    }

    /// The next verified frame, or `None` at `limit`. A bad frame is [`LogError::Corrupt`].
    pub fn next_frame(&mut self) -> LogResult<Option<FrameRef<'_>>> {
        loop {
            let position = self.position();
            if position >= self.limit {
                return Ok(None);
            }
            let avail = &self.chunk[self.cur..];
            let needed = match batch::frame_len(avail) {
                Some(total) => {
                    let total = batch::check_frame_len(total)
                        .map_err(|e| self.segment.corrupt(position, e))?;
                    if position + total as u64 > self.limit {
                        return Err(self.segment.corrupt(
                            position,
                            FrameError::Truncated {
                                needed: total,
                                available: (self.limit - position) as usize,
                            },
                        ));
                    }
                    if avail.len() >= total {
                        let header = batch::check_frame(&avail[..total])
                            .map_err(|e| self.segment.corrupt(position, e))?;
                        let start = self.cur;
                        self.cur += total;
                        return Ok(Some(FrameRef {
                            chunk: &self.chunk,
                            start,
                            len: total,
                            position,
                            header,
                        }));
                    }
                    total
                }
                None => batch::FRAME_PREFIX_LEN,
            };
            let remaining = self.limit - position;
            if (remaining as usize) < needed {
                return Err(self
                    .segment
                    .corrupt(position, "torn frame at the end of the segment"));
            }
            let want = (self.chunk_size.max(needed) as u64).min(remaining) as usize;
            self.chunk = self.segment.read_at(position, want)?;
            self.chunk_pos = position;
            self.cur = 0;
            self.chunk_size = (self.chunk_size * 2).min(MAX_CHUNK);
        }
    }
}

/// An offset relative to a segment base, saturated to the u32 the indexes store.
pub fn relative_offset(delta: i64) -> u32 {
    u32::try_from(delta.max(0)).unwrap_or(u32::MAX)
}

pub fn log_path(dir: &Path, base_offset: i64) -> PathBuf {
    dir.join(format!("{}.log", file_stem(base_offset)))
}

pub fn index_path(dir: &Path, base_offset: i64) -> PathBuf {
    dir.join(format!("{}.index", file_stem(base_offset)))
}

pub fn time_index_path(dir: &Path, base_offset: i64) -> PathBuf {
    dir.join(format!("{}.timeindex", file_stem(base_offset)))
}

fn remove_if_exists(path: &Path) -> LogResult<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(LogError::io(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use rivulet_core::Record;

    use super::*;

    fn settings(interval: u64, cache_bytes: usize) -> IndexSettings {
        IndexSettings {
            interval,
            cache: Arc::new(IndexCache::new(cache_bytes)),
        }
    }

    /// A segment at 100 with 50 frames of 3 records (timestamps 1000..1049), ~1.5 KB each.
    fn filled(dir: &Path, index: &IndexSettings) -> Segment {
        let seg = Segment::create(dir, 100, index).unwrap();
        let mut next = 100;
        for i in 0..50 {
            let records: Vec<Record> = (0..3)
                .map(|j| Record::new(None, Some(Bytes::from(vec![i as u8; 500 + j])), 1000 + i))
                .collect();
            let frame = batch::encode_frame(next, &records).unwrap();
            let header = batch::check_frame(&frame).unwrap();
            seg.append_frame(&frame, &header).unwrap();
            next = header.end_offset();
        }
        seg
    }

    /// The base offset of the first frame read from `position`.
    fn first_base(seg: &Segment, position: u64) -> i64 {
        let mut cursor = seg.frames(position, seg.size(), 4096);
        cursor.next_frame().unwrap().unwrap().header.base_offset
    }

    #[test]
    fn names_roundtrip() {
        assert_eq!(
            parse_log_name(&format!("{}.log", file_stem(1234))),
            Some(1234)
        );
        assert_eq!(
            parse_index_name(&format!("{}.timeindex", file_stem(7))),
            Some(7)
        );
        assert_eq!(parse_log_name("123.log"), None);
        assert_eq!(parse_log_name("0000000000000000000x.log"), None);
    }

    #[test]
    fn cursor_walks_frames_across_chunks_and_indexes_lookups() {
        let dir = tempfile::tempdir().unwrap();
        let seg = filled(dir.path(), &settings(4096, 1 << 20));
        assert_eq!(seg.end_offset(), 250);
        assert_eq!(seg.max_timestamp(), 1049);
        let mut cursor = seg.frames(0, seg.size(), 4096);
        let mut seen = 0;
        while let Some(f) = cursor.next_frame().unwrap() {
            assert_eq!(f.header.base_offset, 100 + seen * 3);
            seen += 1;
        }
        assert_eq!(seen, 50);
        // The index lands on a frame at or before the wanted offset.
        let pos = seg.position_for(200).unwrap();
        assert!(pos > 0);
        let mut cursor = seg.frames(pos, seg.size(), 4096);
        let first = cursor.next_frame().unwrap().unwrap().header;
        assert!(first.base_offset <= 200 && first.base_offset > 150);
        // Time lookups never skip past the first record at or after the time.
        let pos = seg.position_for_timestamp(1040).unwrap();
        let mut cursor = seg.frames(pos, seg.size(), 4096);
        let first = cursor.next_frame().unwrap().unwrap().header;
        assert!(first.first_timestamp <= 1040);
    }

    #[test]
    fn corrupt_frame_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let seg = Segment::create(dir.path(), 0, &settings(4096, 0)).unwrap();
        let frame =
            batch::encode_frame(0, &[Record::new(None, Some(Bytes::from_static(b"abc")), 1)])
                .unwrap();
        let header = batch::check_frame(&frame).unwrap();
        seg.append_frame(&frame, &header).unwrap();
        seg.file
            .write_all_at(b"X", (frame.len() - 1) as u64)
            .unwrap();
        let mut cursor = seg.frames(0, seg.size(), 4096);
        assert!(matches!(cursor.next_frame(), Err(LogError::Corrupt { .. })));
    }

    #[test]
    fn sealed_indexes_go_to_the_cache_and_come_back_from_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let index = settings(4096, 1 << 20);
        let seg = filled(dir.path(), &index);
        let resident = (
            seg.position_for(200).unwrap(),
            seg.position_for_timestamp(1040).unwrap(),
        );
        seg.write_index_files(&None).unwrap();
        seg.seal_indexes();
        assert!(!seg.has_resident_indexes());
        let held = index.cache.held_bytes();
        assert!(held > 0, "sealing hands the indexes to the cache");
        assert_eq!(seg.position_for(200).unwrap(), resident.0);
        assert_eq!(index.cache.stats().loads, 0, "served from the cache");
        // Evicted (here: released), the next lookup loads the files, once.
        index.cache.release(&seg.cached);
        assert_eq!(index.cache.held_bytes(), 0);
        for _ in 0..3 {
            assert_eq!(seg.position_for(200).unwrap(), resident.0);
            assert_eq!(seg.position_for_timestamp(1040).unwrap(), resident.1);
        }
        assert_eq!(index.cache.stats().loads, 1);
        assert_eq!(index.cache.stats().rebuilds, 0);
        assert_eq!(index.cache.held_bytes(), held);
        // Lookups of the base offset need no index at all.
        index.cache.release(&seg.cached);
        assert_eq!(seg.position_for(100).unwrap(), 0);
        assert_eq!(index.cache.stats().loads, 1);
    }

    #[test]
    fn missing_or_invalid_index_files_are_rebuilt_from_the_log_and_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        // A cache of 0 bytes: every lookup of the sealed segment loads its files.
        let index = settings(4096, 0);
        let seg = filled(dir.path(), &index);
        let expected = (
            seg.position_for(200).unwrap(),
            seg.position_for_timestamp(1040).unwrap(),
        );
        seg.write_index_files(&None).unwrap();
        let written = (
            fs::read(index_path(dir.path(), 100)).unwrap(),
            fs::read(time_index_path(dir.path(), 100)).unwrap(),
        );
        seg.seal_indexes();
        assert_eq!(index.cache.held_bytes(), 0);

        fs::remove_file(index_path(dir.path(), 100)).unwrap();
        assert_eq!(seg.position_for(200).unwrap(), expected.0);
        assert_eq!(index.cache.stats().rebuilds, 1);
        assert_eq!(fs::read(index_path(dir.path(), 100)).unwrap(), written.0);

        // Entries out of order (same size: only a full check notices).
        let mut swapped = written.0.clone();
        swapped[..8].copy_from_slice(&written.0[8..16]);
        fs::write(index_path(dir.path(), 100), &swapped).unwrap();
        assert_eq!(seg.position_for_timestamp(1040).unwrap(), expected.1);
        assert_eq!(index.cache.stats().rebuilds, 2);
        assert_eq!(fs::read(index_path(dir.path(), 100)).unwrap(), written.0);

        // A time index that lost its last entry.
        fs::write(
            time_index_path(dir.path(), 100),
            &written.1[..written.1.len() - 12],
        )
        .unwrap();
        assert_eq!(seg.position_for_timestamp(1040).unwrap(), expected.1);
        assert_eq!(index.cache.stats().rebuilds, 3);
        assert_eq!(
            fs::read(time_index_path(dir.path(), 100)).unwrap(),
            written.1
        );

        // Intact files load without a rebuild.
        assert_eq!(seg.position_for(200).unwrap(), expected.0);
        assert_eq!(index.cache.stats().rebuilds, 3);
        assert_eq!(index.cache.stats().loads, 4);
    }

    #[test]
    fn deleting_a_sealed_segment_frees_its_cached_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let index = settings(4096, 1 << 20);
        let seg = filled(dir.path(), &index);
        seg.write_index_files(&None).unwrap();
        seg.seal_indexes();
        assert!(index.cache.held_bytes() > 0);
        seg.delete_files().unwrap();
        assert_eq!(index.cache.held_bytes(), 0);
        // A reader still holding the segment gets its lookup (rebuilt, not cached, no files).
        let position = seg.position_for(200).unwrap();
        let base = first_base(&seg, position);
        assert!(base <= 200 && base > 150, "{base}");
        assert_eq!(index.cache.held_bytes(), 0);
        assert!(!index_path(dir.path(), 100).exists());
    }
}
