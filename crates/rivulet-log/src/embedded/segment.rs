//! One segment of a partition: a `<base_offset:020>.log` file of frames with its `.index` and
//! `.timeindex` files, positional reads and writes on it, and a cursor that walks its frames.
//!
//! This module owns a segment's files and in-memory indexes. It must not decide when to roll,
//! sync or delete segments (the partition, group commit and retention do), and it never takes
//! a partition-level lock.

use std::{
    fs::{self, File, OpenOptions},
    io::{self, Write},
    os::unix::fs::FileExt,
    path::{Path, PathBuf},
    sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering},
    time::UNIX_EPOCH,
};

use bytes::Bytes;
use parking_lot::RwLock;

use super::{
    batch::{self, BatchHeader, FrameError},
    durable::{self, FsyncObserver},
    index::OffsetIndex,
    read_buffers,
    time_index::TimeIndex,
};
use crate::{LogError, LogResult};

/// Largest single positional read of a cursor (bigger frames are read whole).
const MAX_CHUNK: usize = 8 << 20;

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

/// What recovery learned about an existing segment file.
pub struct RecoveredSegment {
    pub base_offset: i64,
    pub file: File,
    pub size: u64,
    pub end_offset: i64,
    pub max_timestamp: i64,
    pub indexes: Indexes,
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
    indexes: RwLock<Indexes>,
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
    pub fn create(dir: &Path, base_offset: i64) -> LogResult<Segment> {
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
            indexes: RwLock::new(Indexes::default()),
            deleted: AtomicBool::new(false),
        })
    }

    /// A segment from what recovery found on disk.
    pub fn from_recovered(dir: &Path, r: RecoveredSegment) -> Segment {
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
            indexes: RwLock::new(r.indexes),
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
        index_interval: u64,
    ) -> Result<(), (io::Error, bool)> {
        let position = self.size.load(Ordering::Acquire);
        if let Err(e) = self.file.write_all_at(frame, position) {
            let restored = self.file.set_len(position).is_ok();
            return Err((e, restored));
        }
        let relative = relative_offset(header.base_offset - self.base_offset);
        {
            let mut idx = self.indexes.write();
            let pos32 = u32::try_from(position).unwrap_or(u32::MAX);
            if idx
                .offsets
                .on_frame(relative, pos32, frame.len() as u64, index_interval)
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

    /// The file position to scan from to find `offset`.
    pub fn position_for(&self, offset: i64) -> u64 {
        let rel = relative_offset(offset - self.base_offset);
        u64::from(self.indexes.read().offsets.lookup(rel))
    }

    /// The file position to scan from to find the first record at or after `timestamp`.
    pub fn position_for_timestamp(&self, timestamp: i64) -> u64 {
        let idx = self.indexes.read();
        let rel = idx.times.lookup(timestamp);
        u64::from(idx.offsets.lookup(rel))
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

    /// Writes the `.index` and `.timeindex` files from memory (after adding the final time
    /// entry) and fsyncs them. Skipped for a deleted segment.
    pub fn write_index_files(&self, observer: &FsyncObserver) -> LogResult<()> {
        if self.deleted.load(Ordering::Acquire) {
            return Ok(());
        }
        let (offsets, times) = {
            let mut idx = self.indexes.write();
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
        self.deleted.store(true, Ordering::Release);
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
        let seg = Segment::create(dir.path(), 100).unwrap();
        let mut next = 100;
        for i in 0..50 {
            let records: Vec<Record> = (0..3)
                .map(|j| Record::new(None, Some(Bytes::from(vec![i as u8; 500 + j])), 1000 + i))
                .collect();
            let frame = batch::encode_frame(next, &records).unwrap();
            let header = batch::check_frame(&frame).unwrap();
            seg.append_frame(&frame, &header, 4096).unwrap();
            next = header.end_offset();
        }
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
        let pos = seg.position_for(200);
        assert!(pos > 0);
        let mut cursor = seg.frames(pos, seg.size(), 4096);
        let first = cursor.next_frame().unwrap().unwrap().header;
        assert!(first.base_offset <= 200 && first.base_offset > 150);
        // Time lookups never skip past the first record at or after the time.
        let pos = seg.position_for_timestamp(1040);
        let mut cursor = seg.frames(pos, seg.size(), 4096);
        let first = cursor.next_frame().unwrap().unwrap().header;
        assert!(first.first_timestamp <= 1040);
    }

    #[test]
    fn corrupt_frame_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let seg = Segment::create(dir.path(), 0).unwrap();
        let frame =
            batch::encode_frame(0, &[Record::new(None, Some(Bytes::from_static(b"abc")), 1)])
                .unwrap();
        let header = batch::check_frame(&frame).unwrap();
        seg.append_frame(&frame, &header, 4096).unwrap();
        seg.file
            .write_all_at(b"X", (frame.len() - 1) as u64)
            .unwrap();
        let mut cursor = seg.frames(0, seg.size(), 4096);
        assert!(matches!(cursor.next_frame(), Err(LogError::Corrupt { .. })));
    }
}
