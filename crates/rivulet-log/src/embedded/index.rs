//! The sparse offset index of one segment: relative offset → file position of the frame that
//! starts there, one entry every `index_interval_bytes` of log data, and its `.index` file form
//! (8 bytes per entry: relative offset u32 LE, position u32 LE).
//!
//! This module owns the in-memory index and its byte form only. It must not open files or know
//! the frame format; segments feed it frame positions.

/// One index entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry {
    /// Offset of the frame's first record minus the segment's base offset.
    pub relative_offset: u32,
    /// Byte position of the frame in the segment's log file.
    pub position: u32,
}

/// Bytes of one entry in the `.index` file.
pub const ENTRY_LEN: usize = 8;

impl IndexEntry {
    /// Whether the entry can locate a frame of a log of `log_size` bytes (the first frame, at
    /// position 0, is never indexed).
    pub fn points_into(&self, log_size: u64) -> bool {
        self.position > 0 && u64::from(self.position) < log_size
    }

    /// Parses one entry of the `.index` file form.
    pub fn from_bytes(chunk: [u8; ENTRY_LEN]) -> IndexEntry {
        IndexEntry {
            relative_offset: u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]),
            position: u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]),
        }
    }
}

/// The sparse offset index of one segment.
#[derive(Debug, Clone, Default)]
pub struct OffsetIndex {
    entries: Vec<IndexEntry>,
    bytes_since_entry: u64,
}

impl OffsetIndex {
    /// Records that a frame of `frame_len` bytes starting at `position` holds relative offsets
    /// from `relative_offset`; adds an entry when `interval` bytes passed since the last one.
    /// Returns whether an entry was added.
    pub fn on_frame(
        &mut self,
        relative_offset: u32,
        position: u32,
        frame_len: u64,
        interval: u64,
    ) -> bool {
        let add = position > 0 && self.bytes_since_entry >= interval;
        if add {
            self.entries.push(IndexEntry {
                relative_offset,
                position,
            });
            self.bytes_since_entry = 0;
        }
        self.bytes_since_entry += frame_len;
        add
    }

    /// The position of the last indexed frame that starts at or before `relative_offset`
    /// (0 when none does): scanning from there finds the offset.
    pub fn lookup(&self, relative_offset: u32) -> u32 {
        let idx = self
            .entries
            .partition_point(|e| e.relative_offset <= relative_offset);
        if idx == 0 {
            0
        } else {
            self.entries[idx - 1].position
        }
    }

    /// The newest entry.
    pub fn last(&self) -> Option<IndexEntry> {
        self.entries.last().copied()
    }

    /// Heap bytes the entries take.
    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<IndexEntry>()
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

    /// Whether there are no entries.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `.index` file contents.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.entries.len() * ENTRY_LEN);
        for e in &self.entries {
            out.extend_from_slice(&e.relative_offset.to_le_bytes());
            out.extend_from_slice(&e.position.to_le_bytes());
        }
        out
    }

    /// Parses an `.index` file of a segment whose log has `log_size` bytes, checking that
    /// entries increase strictly and point inside the log.
    pub fn from_bytes(bytes: &[u8], log_size: u64) -> Result<OffsetIndex, &'static str> {
        if !bytes.chunks_exact(ENTRY_LEN).remainder().is_empty() {
            return Err("index size is not a multiple of the entry size");
        }
        let mut entries = Vec::with_capacity(bytes.len() / ENTRY_LEN);
        for chunk in bytes.chunks_exact(ENTRY_LEN) {
            let mut raw = [0u8; ENTRY_LEN];
            raw.copy_from_slice(chunk);
            let e = IndexEntry::from_bytes(raw);
            if !e.points_into(log_size) {
                return Err("index entry points outside the log");
            }
            if let Some(prev) = entries.last() {
                let prev: &IndexEntry = prev;
                if e.relative_offset <= prev.relative_offset || e.position <= prev.position {
                    return Err("index entries do not increase");
                }
            }
            entries.push(e);
        }
        let bytes_since_entry = log_size - entries.last().map_or(0, |e| u64::from(e.position));
        Ok(OffsetIndex {
            entries,
            bytes_since_entry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build() -> OffsetIndex {
        // Frames of 100 bytes with 10 records each, an entry every 250 bytes.
        let mut index = OffsetIndex::default();
        for i in 0..10u32 {
            index.on_frame(i * 10, i * 100, 100, 250);
        }
        index
    }

    #[test]
    fn entries_are_sparse_and_lookup_floors() {
        let index = build();
        // Entries at frames 3, 6, 9 (after 300 bytes each time).
        assert_eq!(index.len(), 3);
        assert_eq!(index.lookup(0), 0);
        assert_eq!(index.lookup(29), 0);
        assert_eq!(index.lookup(30), 300);
        assert_eq!(index.lookup(59), 300);
        assert_eq!(index.lookup(60), 600);
        assert_eq!(index.lookup(u32::MAX), 900);
    }

    #[test]
    fn interval_zero_indexes_every_frame_but_the_first() {
        let mut index = OffsetIndex::default();
        for i in 0..5u32 {
            index.on_frame(i, i * 10, 10, 0);
        }
        assert_eq!(index.len(), 4);
        assert_eq!(index.lookup(3), 30);
    }

    #[test]
    fn bytes_roundtrip_and_validation() {
        let index = build();
        let bytes = index.to_bytes();
        let back = OffsetIndex::from_bytes(&bytes, 1000).unwrap();
        assert_eq!(back.entries, index.entries);
        assert_eq!(back.bytes_since_entry, 100);
        assert!(OffsetIndex::from_bytes(&bytes[..5], 1000).is_err());
        assert!(
            OffsetIndex::from_bytes(&bytes, 900).is_err(),
            "entry past the log end"
        );
        let mut swapped = bytes.clone();
        swapped[..8].copy_from_slice(&bytes[8..16]);
        assert!(OffsetIndex::from_bytes(&swapped, 1000).is_err());
        assert!(OffsetIndex::from_bytes(&[], 0).unwrap().is_empty());
    }
}
