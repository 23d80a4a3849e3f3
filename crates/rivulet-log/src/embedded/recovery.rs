//! Opening a partition directory after a clean or unclean shutdown: find the segments, trust
//! the ones below the recovery point (checking only the sizes and last entries of their index
//! files and the frames after the last offset entry, without loading the indexes: segments load
//! them on demand), scan and validate every frame of the rest, cut a torn or corrupt tail away,
//! and rebuild their indexes. Also owns the `recovery-point` file: the base offset below which
//! every segment is known to be fully synced and sealed.
//!
//! This module owns startup repair only. It must not be used on a live partition, and it must
//! never remove a frame below the recovery point.

use std::{
    fs::{self, File, OpenOptions},
    os::unix::fs::FileExt,
    path::{Path, PathBuf},
};

use tracing::warn;

use super::{
    batch::{self, BatchHeader, FrameError},
    durable::{self, FsyncObserver},
    index::{self, IndexEntry},
    segment::{self, IndexSettings, Indexes, RecoveredSegment, Segment},
    time_index::{self, TimeEntry},
};
use crate::{LogError, LogResult};

const RECOVERY_POINT_FILE: &str = "recovery-point";
const SCAN_CHUNK: usize = 1 << 20;

/// The recovery point of a partition directory (0 when missing or unreadable).
pub fn read_recovery_point(dir: &Path) -> i64 {
    let path = dir.join(RECOVERY_POINT_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => match text.trim().parse::<i64>() {
            Ok(offset) if offset >= 0 => offset,
            _ => {
                warn!(path = %path.display(), "unreadable recovery point; scanning every segment");
                0
            }
        },
        Err(_) => 0,
    }
}

/// Durably records that every segment below `offset` is synced and sealed.
pub fn write_recovery_point(dir: &Path, offset: i64, observer: &FsyncObserver) -> LogResult<()> {
    durable::write_atomic(
        &dir.join(RECOVERY_POINT_FILE),
        format!("{offset}\n").as_bytes(),
        observer,
    )
}

/// Opens every segment of the partition in `dir`, repairing as described in the module doc.
/// Returns the segments in offset order; the last one is the active segment. An empty directory
/// gets one empty segment at offset 0.
pub fn recover_partition(
    dir: &Path,
    index: &IndexSettings,
    observer: &FsyncObserver,
) -> LogResult<Vec<Segment>> {
    let index_interval = index.interval;
    durable::ensure_dir(dir)?;
    let bases = list_segments(dir)?;
    if bases.is_empty() {
        let seg = Segment::create(dir, 0, index)?;
        durable::sync_dir(dir, observer)?;
        return Ok(vec![seg]);
    }
    let recovery_point = read_recovery_point(dir);
    let last = bases.len() - 1;
    let first_scanned = bases
        .iter()
        .rposition(|b| *b <= recovery_point)
        .unwrap_or(0)
        .min(last);

    let mut recovered: Vec<RecoveredSegment> = Vec::with_capacity(bases.len());
    for &base in &bases[..first_scanned] {
        recovered.push(load_trusted(dir, base, index_interval)?);
    }
    let mut changed = false;
    let mut expected: Option<i64> = None;
    for (i, &base) in bases.iter().enumerate().skip(first_scanned) {
        let path = segment::log_path(dir, base);
        if let Some(expected) = expected {
            if base != expected {
                warn!(
                    path = %path.display(),
                    expected_base = expected,
                    "segment does not continue the previous one; dropping it and every later segment"
                );
                drop_segments(dir, &bases[i..])?;
                changed = true;
                break;
            }
        }
        let file = open_rw(&path)?;
        let size = file_len(&file, &path)?;
        let scan = scan_frames(&file, &path, base, 0, size, base, true, index_interval)?;
        if let Some((position, reason)) = &scan.failure {
            warn!(
                path = %path.display(),
                position,
                bytes_dropped = size - scan.valid_end,
                %reason,
                "truncating a torn or corrupt segment tail"
            );
            file.set_len(scan.valid_end)
                .map_err(|e| LogError::io(&path, e))?;
            durable::sync_data(&file, &path, observer)?;
            changed = true;
        }
        let failed = scan.failure.is_some();
        expected = Some(scan.end_offset);
        recovered.push(RecoveredSegment {
            base_offset: base,
            file,
            size: scan.valid_end,
            end_offset: scan.end_offset,
            max_timestamp: scan.max_timestamp,
            indexes: Some(scan.indexes),
        });
        if failed && i < last {
            warn!(
                path = %path.display(),
                dropped = last - i,
                "dropping the segments after a torn one (they hold no acknowledged data)"
            );
            drop_segments(dir, &bases[i + 1..])?;
            break;
        }
    }

    let segments: Vec<Segment> = recovered
        .into_iter()
        .map(|r| Segment::from_recovered(dir, r, index))
        .collect();
    // Seal the scanned segments that are no longer active so the next open trusts them (and
    // rewrite the index files of trusted segments that needed a full scan).
    let active_base = segments.last().map_or(0, Segment::base_offset);
    let to_seal: Vec<&Segment> = segments
        .iter()
        .filter(|s| s.base_offset() < active_base && s.has_resident_indexes())
        .collect();
    for seg in &to_seal {
        if seg.base_offset() >= bases[first_scanned] {
            seg.sync_log(observer)?;
        }
        seg.write_index_files(observer)?;
        seg.seal_indexes();
    }
    if changed || !to_seal.is_empty() {
        durable::sync_dir(dir, observer)?;
    }
    if active_base != recovery_point {
        write_recovery_point(dir, active_base, observer)?;
    }
    Ok(segments)
}

/// Base offsets of the segments in `dir`, sorted; removes orphan index and temp files.
fn list_segments(dir: &Path) -> LogResult<Vec<i64>> {
    let mut logs = Vec::new();
    let mut indexes = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| LogError::io(dir, e))? {
        let entry = entry.map_err(|e| LogError::io(dir, e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(base) = segment::parse_log_name(name) {
            logs.push(base);
        } else if let Some(base) = segment::parse_index_name(name) {
            indexes.push((base, entry.path()));
        } else if durable::is_temp_file(name) {
            remove_quietly(&entry.path());
        }
    }
    logs.sort_unstable();
    for (base, path) in indexes {
        if logs.binary_search(&base).is_err() {
            remove_quietly(&path);
        }
    }
    Ok(logs)
}

/// Opens a segment below the recovery point without loading its indexes, checking the index
/// tails against the log; falls back to a full scan (without truncating) if they disagree, and
/// then returns the rebuilt indexes (for the caller to write).
fn load_trusted(dir: &Path, base: i64, index_interval: u64) -> LogResult<RecoveredSegment> {
    let path = segment::log_path(dir, base);
    let file = open_rw(&path)?;
    let size = file_len(&file, &path)?;
    if let Some((end_offset, max_timestamp)) = check_index_tails(dir, &file, &path, base, size)? {
        return Ok(RecoveredSegment {
            base_offset: base,
            file,
            size,
            end_offset,
            max_timestamp,
            indexes: None,
        });
    }
    let scan = scan_frames(&file, &path, base, 0, size, base, true, index_interval)?;
    if let Some((position, reason)) = &scan.failure {
        warn!(
            path = %path.display(),
            position,
            %reason,
            "corrupt frame inside a sealed segment; reads of it will fail"
        );
    }
    Ok(RecoveredSegment {
        base_offset: base,
        file,
        size,
        end_offset: scan.end_offset,
        max_timestamp: scan.max_timestamp,
        indexes: Some(scan.indexes),
    })
}

/// Checks the index files of a sealed segment cheaply, without loading them: whole entries,
/// the last offset entry inside the log and the frames after it valid and continuing its
/// offset. Returns the segment's end offset and max timestamp, or `None` when the files are
/// missing or disagree with the log. (The entries before the last are checked when a lookup
/// loads them; see `Segment`.)
fn check_index_tails(
    dir: &Path,
    file: &File,
    path: &Path,
    base: i64,
    size: u64,
) -> LogResult<Option<(i64, i64)>> {
    let lasts =
        last_entry::<{ index::ENTRY_LEN }>(&segment::index_path(dir, base)).and_then(|offsets| {
            last_entry::<{ time_index::ENTRY_LEN }>(&segment::time_index_path(dir, base))
                .map(|times| (offsets, times))
        });
    let (last_offset, last_time) = match lasts {
        Ok((offsets, times)) => (
            offsets.map(IndexEntry::from_bytes),
            times.map(TimeEntry::from_bytes),
        ),
        Err(reason) => {
            warn!(path = %path.display(), %reason, "unusable index files; rebuilding them");
            return Ok(None);
        }
    };
    let (from, expected) = match last_offset {
        Some(e) if !e.points_into(size) => {
            warn!(path = %path.display(), "index points outside the log; rebuilding it");
            return Ok(None);
        }
        Some(e) => (u64::from(e.position), base + i64::from(e.relative_offset)),
        None => (0, base),
    };
    let tail = scan_frames(file, path, base, from, size, expected, false, 0)?;
    let time_past_end =
        last_time.is_some_and(|e| i64::from(e.relative_offset) > tail.end_offset - base);
    if tail.failure.is_some() || time_past_end {
        warn!(path = %path.display(), "index files disagree with the log; rebuilding them");
        return Ok(None);
    }
    let max_timestamp = last_time
        .map_or(i64::MIN, |e| e.timestamp)
        .max(tail.max_timestamp);
    Ok(Some((tail.end_offset, max_timestamp)))
}

/// The last entry of an index file of `N`-byte entries (`None` when it has none); an error
/// when it is missing, unreadable or not a whole number of entries.
fn last_entry<const N: usize>(path: &Path) -> Result<Option<[u8; N]>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let len = file
        .metadata()
        .map_err(|e| format!("cannot stat {}: {e}", path.display()))?
        .len();
    if len % N as u64 != 0 {
        return Err(format!(
            "{} is not a whole number of entries ({len} bytes)",
            path.display()
        ));
    }
    if len == 0 {
        return Ok(None);
    }
    let mut entry = [0u8; N];
    file.read_exact_at(&mut entry, len - N as u64)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(Some(entry))
}

/// What a scan of frames found.
struct Scan {
    /// Position after the last valid frame.
    valid_end: u64,
    end_offset: i64,
    max_timestamp: i64,
    indexes: Indexes,
    /// Where and why the scan stopped before the end.
    failure: Option<(u64, String)>,
}

/// Validates the frames of `file` from `from` to `size`: length, checksum, header, and offsets
/// continuing from `expected`. Builds indexes when `build_index`.
#[allow(clippy::too_many_arguments)]
fn scan_frames(
    file: &File,
    path: &Path,
    base: i64,
    from: u64,
    size: u64,
    mut expected: i64,
    build_index: bool,
    index_interval: u64,
) -> LogResult<Scan> {
    let mut indexes = Indexes::default();
    let mut max_timestamp = i64::MIN;
    let mut buf: Vec<u8> = Vec::new();
    let mut buf_pos = from;
    let mut pos = from;
    let mut failure = None;
    while pos < size {
        match next_frame(file, path, &mut buf, &mut buf_pos, pos, size)? {
            Ok(header) => {
                if header.base_offset != expected {
                    failure = Some((
                        pos,
                        format!(
                            "frame has base offset {}, expected {expected}",
                            header.base_offset
                        ),
                    ));
                    break;
                }
                let frame_len = buf_frame_len(&buf, buf_pos, pos);
                if build_index {
                    let rel = segment::relative_offset(header.base_offset - base);
                    let pos32 = u32::try_from(pos).unwrap_or(u32::MAX);
                    if indexes
                        .offsets
                        .on_frame(rel, pos32, frame_len, index_interval)
                    {
                        indexes.times.maybe_add(max_timestamp, rel);
                    }
                }
                max_timestamp = max_timestamp.max(header.max_timestamp);
                expected = header.end_offset();
                pos += frame_len;
            }
            Err(e) => {
                failure = Some((pos, e.to_string()));
                break;
            }
        }
    }
    Ok(Scan {
        valid_end: pos,
        end_offset: expected,
        max_timestamp,
        indexes,
        failure,
    })
}

fn buf_frame_len(buf: &[u8], buf_pos: u64, pos: u64) -> u64 {
    let at = (pos - buf_pos) as usize;
    batch::frame_len(&buf[at..]).unwrap_or(0)
}

/// Reads and checks the frame at `pos`, refilling `buf` (which holds the file from `buf_pos`).
fn next_frame(
    file: &File,
    path: &Path,
    buf: &mut Vec<u8>,
    buf_pos: &mut u64,
    pos: u64,
    size: u64,
) -> LogResult<Result<BatchHeader, FrameError>> {
    let available = (size - pos) as usize;
    if available < batch::FRAME_PREFIX_LEN {
        return Ok(Err(FrameError::Truncated {
            needed: batch::FRAME_PREFIX_LEN,
            available,
        }));
    }
    ensure_buffered(file, path, buf, buf_pos, pos, batch::FRAME_PREFIX_LEN, size)?;
    let at = (pos - *buf_pos) as usize;
    let total = match batch::frame_len(&buf[at..]).map(batch::check_frame_len) {
        Some(Ok(total)) => total,
        Some(Err(e)) => return Ok(Err(e)),
        None => return Ok(Err(FrameError::Malformed("unreadable length"))),
    };
    if total > available {
        return Ok(Err(FrameError::Truncated {
            needed: total,
            available,
        }));
    }
    ensure_buffered(file, path, buf, buf_pos, pos, total, size)?;
    let at = (pos - *buf_pos) as usize;
    Ok(batch::check_frame(&buf[at..at + total]))
}

/// Makes `buf` hold at least `need` bytes of the file from `pos`.
fn ensure_buffered(
    file: &File,
    path: &Path,
    buf: &mut Vec<u8>,
    buf_pos: &mut u64,
    pos: u64,
    need: usize,
    size: u64,
) -> LogResult<()> {
    let have_from = *buf_pos;
    let have_to = have_from + buf.len() as u64;
    if pos >= have_from && pos + need as u64 <= have_to {
        return Ok(());
    }
    let len = (need.max(SCAN_CHUNK) as u64).min(size - pos) as usize;
    buf.clear();
    buf.resize(len, 0);
    file.read_exact_at(buf, pos)
        .map_err(|e| LogError::io(path, e))?;
    *buf_pos = pos;
    Ok(())
}

fn drop_segments(dir: &Path, bases: &[i64]) -> LogResult<()> {
    for &base in bases {
        for path in [
            segment::log_path(dir, base),
            segment::index_path(dir, base),
            segment::time_index_path(dir, base),
        ] {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(LogError::io(&path, e)),
            }
        }
    }
    Ok(())
}

fn open_rw(path: &PathBuf) -> LogResult<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| LogError::io(path, e))
}

fn file_len(file: &File, path: &Path) -> LogResult<u64> {
    file.metadata()
        .map(|m| m.len())
        .map_err(|e| LogError::io(path, e))
}

fn remove_quietly(path: &Path) {
    if let Err(e) = fs::remove_file(path) {
        warn!(path = %path.display(), error = %e, "could not remove a leftover file");
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use rivulet_core::Record;

    use super::*;
    use crate::embedded::index_cache::IndexCache;

    fn settings(interval: u64) -> IndexSettings {
        IndexSettings {
            interval,
            cache: std::sync::Arc::new(IndexCache::new(1 << 20)),
        }
    }

    fn write_frames(dir: &Path, base: i64, batches: usize) -> Vec<u8> {
        let mut data = Vec::new();
        let mut next = base;
        for i in 0..batches {
            let records =
                vec![Record::new(None, Some(Bytes::from(vec![1u8; 100])), 10 + i as i64); 2];
            data.extend(batch::encode_frame(next, &records).unwrap());
            next += 2;
        }
        fs::write(segment::log_path(dir, base), &data).unwrap();
        data
    }

    #[test]
    fn torn_tail_is_truncated_and_indexes_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let data = write_frames(dir.path(), 0, 100);
        let mut torn = data.clone();
        torn.extend_from_slice(&batch::encode_frame(200, &[Record::default()]).unwrap()[..20]);
        fs::write(segment::log_path(dir.path(), 0), &torn).unwrap();
        let segs = recover_partition(dir.path(), &settings(1024), &None).unwrap();
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].size(), data.len() as u64);
        assert_eq!(segs[0].end_offset(), 200);
        assert_eq!(segs[0].max_timestamp(), 109);
        assert_eq!(
            fs::metadata(segment::log_path(dir.path(), 0))
                .unwrap()
                .len(),
            data.len() as u64
        );
        assert_eq!(read_recovery_point(dir.path()), 0);
    }

    #[test]
    fn torn_sealed_segment_drops_later_ones_and_trusted_ones_load_from_index() {
        let dir = tempfile::tempdir().unwrap();
        write_frames(dir.path(), 0, 10);
        let mut second = write_frames(dir.path(), 20, 10);
        let cut = second.len() - 3;
        second.truncate(cut);
        fs::write(segment::log_path(dir.path(), 20), &second).unwrap();
        write_frames(dir.path(), 40, 10);
        let segs = recover_partition(dir.path(), &settings(256), &None).unwrap();
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[1].end_offset(), 38);
        assert!(!segment::log_path(dir.path(), 40).exists());
        // The first segment is now sealed with index files and below the recovery point.
        assert_eq!(read_recovery_point(dir.path()), 20);
        assert!(segment::index_path(dir.path(), 0).exists());
        drop(segs);
        let segs = recover_partition(dir.path(), &settings(256), &None).unwrap();
        assert_eq!(segs[0].end_offset(), 20);
        assert_eq!(segs[0].max_timestamp(), 19);
        assert_eq!(segs[1].end_offset(), 38);
    }

    /// Three sealed segments of 10 frames (20 records) each and an active one, all below or at
    /// the recovery point after a first recovery.
    fn sealed_partition(dir: &Path) {
        for base in [0, 20, 40, 60] {
            write_frames(dir, base, 10);
        }
        drop(recover_partition(dir, &settings(256), &None).unwrap());
        assert_eq!(read_recovery_point(dir), 60);
    }

    #[test]
    fn trusted_segments_open_without_loading_their_indexes() {
        let dir = tempfile::tempdir().unwrap();
        sealed_partition(dir.path());
        let index = settings(256);
        let segs = recover_partition(dir.path(), &index, &None).unwrap();
        assert_eq!(segs.len(), 4);
        for (i, seg) in segs[..3].iter().enumerate() {
            assert!(!seg.has_resident_indexes(), "segment {i}");
            assert_eq!(seg.end_offset(), 20 * (i as i64 + 1));
            assert_eq!(seg.max_timestamp(), 19);
        }
        assert!(
            segs[3].has_resident_indexes(),
            "the active segment keeps its indexes"
        );
        assert_eq!(index.cache.stats(), IndexCache::new(1 << 20).stats());
        // A lookup loads one segment's indexes, from the files.
        let position = segs[1].position_for(35).unwrap();
        assert!(position > 0);
        let stats = index.cache.stats();
        assert_eq!((stats.loads, stats.rebuilds, stats.entries), (1, 0, 1));
    }

    #[test]
    fn trusted_segments_with_broken_index_tails_are_scanned_and_get_new_index_files() {
        let dir = tempfile::tempdir().unwrap();
        sealed_partition(dir.path());
        let good = fs::read(segment::index_path(dir.path(), 20)).unwrap();
        let good_times = fs::read(segment::time_index_path(dir.path(), 20)).unwrap();
        assert!(!good.is_empty());
        // Missing, torn, and pointing at the wrong frame.
        fs::remove_file(segment::index_path(dir.path(), 0)).unwrap();
        fs::write(segment::index_path(dir.path(), 20), &good[..good.len() - 3]).unwrap();
        let mut wrong = good.clone();
        let n = wrong.len();
        wrong[n - 8..n - 4].copy_from_slice(&3u32.to_le_bytes());
        fs::write(segment::index_path(dir.path(), 40), &wrong).unwrap();
        let index = settings(256);
        let segs = recover_partition(dir.path(), &index, &None).unwrap();
        for (i, seg) in segs[..3].iter().enumerate() {
            assert_eq!(seg.end_offset(), 20 * (i as i64 + 1), "segment {i}");
            assert!(!seg.has_resident_indexes(), "sealed again after the scan");
        }
        for base in [0, 20, 40] {
            assert_eq!(
                fs::read(segment::index_path(dir.path(), base)).unwrap(),
                good
            );
            assert_eq!(
                fs::read(segment::time_index_path(dir.path(), base)).unwrap(),
                good_times
            );
        }
        assert_eq!(read_recovery_point(dir.path()), 60);
    }
}
