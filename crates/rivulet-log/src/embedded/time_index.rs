//! The sparse time index of one segment and its `.timeindex` file form (12 bytes per entry:
//! timestamp i64 LE, relative offset u32 LE).
//!
//! An entry `(t, r)` promises that every record of the segment below relative offset `r` has a
//! timestamp at most `t`; timestamps strictly increase from entry to entry. So a search for the
//! first record at or after time `T` may start at the `r` of the last entry with `t < T`. The
//! last entry, written when the segment is sealed, carries the segment's max timestamp.
//!
//! This module owns that structure only. It must not open files or know the frame format.

/// One time index entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeEntry {
    /// Max timestamp of all records below `relative_offset`.
    pub timestamp: i64,
    pub relative_offset: u32,
}

/// Bytes of one entry in the `.timeindex` file.
pub const ENTRY_LEN: usize = 12;

impl TimeEntry {
    /// Parses one entry of the `.timeindex` file form.
    pub fn from_bytes(chunk: [u8; ENTRY_LEN]) -> TimeEntry {
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&chunk[..8]);
        TimeEntry {
            timestamp: i64::from_le_bytes(ts),
            relative_offset: u32::from_le_bytes([chunk[8], chunk[9], chunk[10], chunk[11]]),
        }
    }
}

/// The sparse time index of one segment.
#[derive(Debug, Clone, Default)]
pub struct TimeIndex {
    entries: Vec<TimeEntry>,
}

impl TimeIndex {
    /// Adds `(max_timestamp_below, relative_offset)` if it raises the max timestamp.
    pub fn maybe_add(&mut self, max_timestamp_below: i64, relative_offset: u32) {
        if max_timestamp_below == i64::MIN {
            return;
        }
        match self.entries.last_mut() {
            Some(last) if last.timestamp >= max_timestamp_below => {}
            Some(last) if last.relative_offset >= relative_offset => {
                last.timestamp = max_timestamp_below;
            }
            _ => self.entries.push(TimeEntry {
                timestamp: max_timestamp_below,
                relative_offset,
            }),
        }
    }

    /// The relative offset to start a search for the first record with timestamp ≥ `timestamp`
    /// (0 when the index cannot skip anything).
    pub fn lookup(&self, timestamp: i64) -> u32 {
        let idx = self.entries.partition_point(|e| e.timestamp < timestamp);
        if idx == 0 {
            0
        } else {
            self.entries[idx - 1].relative_offset
        }
    }

    /// The newest entry.
    pub fn last(&self) -> Option<TimeEntry> {
        self.entries.last().copied()
    }

    /// Heap bytes the entries take.
    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<TimeEntry>()
    }

    /// Gives back spare capacity (for an index that no longer grows).
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }

    /// Number of entries.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The `.timeindex` file contents.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.entries.len() * ENTRY_LEN);
        for e in &self.entries {
            out.extend_from_slice(&e.timestamp.to_le_bytes());
            out.extend_from_slice(&e.relative_offset.to_le_bytes());
        }
        out
    }

    /// Parses a `.timeindex` file, checking that entries increase.
    pub fn from_bytes(bytes: &[u8]) -> Result<TimeIndex, &'static str> {
        if !bytes.chunks_exact(ENTRY_LEN).remainder().is_empty() {
            return Err("time index size is not a multiple of the entry size");
        }
        let mut entries: Vec<TimeEntry> = Vec::with_capacity(bytes.len() / ENTRY_LEN);
        for chunk in bytes.chunks_exact(ENTRY_LEN) {
            let mut raw = [0u8; ENTRY_LEN];
            raw.copy_from_slice(chunk);
            let e = TimeEntry::from_bytes(raw);
            if let Some(prev) = entries.last() {
                if e.timestamp <= prev.timestamp || e.relative_offset < prev.relative_offset {
                    return Err("time index entries do not increase");
                }
            }
            entries.push(e);
        }
        Ok(TimeIndex { entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_increasing_maxima_and_looks_up() {
        let mut t = TimeIndex::default();
        t.maybe_add(i64::MIN, 0);
        t.maybe_add(100, 10);
        t.maybe_add(90, 20); // not higher: skipped
        t.maybe_add(200, 30);
        t.maybe_add(250, 30); // same offset: raised in place
        assert_eq!(t.len(), 2);
        assert_eq!(t.lookup(50), 0);
        assert_eq!(t.lookup(100), 0);
        assert_eq!(t.lookup(101), 10);
        assert_eq!(t.lookup(250), 10);
        assert_eq!(t.lookup(251), 30);
        assert_eq!(t.last().map(|e| e.timestamp), Some(250));
        let back = TimeIndex::from_bytes(&t.to_bytes()).unwrap();
        assert_eq!(back.entries, t.entries);
        assert!(TimeIndex::from_bytes(&[0; 13]).is_err());
        let mut bad = t.to_bytes();
        bad.extend_from_slice(&t.to_bytes()[..12]);
        assert!(TimeIndex::from_bytes(&bad).is_err());
    }
}
