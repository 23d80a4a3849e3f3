//! Recycled read buffers. Reads hand out zero-copy `Bytes` slices of one buffer per chunk;
//! when the last slice of a buffer is dropped the buffer returns here and the next read of a
//! similar size reuses it, already faulted in, instead of asking the kernel for fresh zeroed
//! pages (which costs more than the read itself for large sequential reads).
//!
//! This module owns buffer memory only. It must not know files' contents or frame formats.
//! At most [`MAX_IDLE_BYTES`] are kept idle, process-wide.

use std::{
    fs::File,
    io,
    os::unix::fs::FileExt,
    sync::atomic::{AtomicUsize, Ordering},
};

use bytes::Bytes;
use parking_lot::Mutex;

/// Smallest pooled size class (smaller reads round up to it).
const MIN_CLASS_SHIFT: u32 = 16; // 64 KiB
/// Largest pooled size class; larger reads get a one-off buffer.
const MAX_CLASS_SHIFT: u32 = 23; // 8 MiB
const CLASSES: usize = (MAX_CLASS_SHIFT - MIN_CLASS_SHIFT + 1) as usize;
/// Idle memory the pool may keep.
pub const MAX_IDLE_BYTES: usize = 64 << 20;

struct Pool {
    classes: [Mutex<Vec<Vec<u8>>>; CLASSES],
    idle_bytes: AtomicUsize,
}

static POOL: Pool = Pool {
    classes: [const { Mutex::new(Vec::new()) }; CLASSES],
    idle_bytes: AtomicUsize::new(0),
};

/// A pooled buffer holding `len` valid bytes; goes back to the pool when dropped.
struct Chunk {
    buf: Vec<u8>,
    len: usize,
    class: usize,
}

impl AsRef<[u8]> for Chunk {
    fn as_ref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        let size = self.buf.len();
        if POOL.idle_bytes.fetch_add(size, Ordering::AcqRel) + size <= MAX_IDLE_BYTES {
            POOL.classes[self.class]
                .lock()
                .push(std::mem::take(&mut self.buf));
        } else {
            POOL.idle_bytes.fetch_sub(size, Ordering::AcqRel);
        }
    }
}

/// Reads exactly `len` bytes at `position` of `file` into a (recycled) buffer.
pub fn read_exact_at(file: &File, position: u64, len: usize) -> io::Result<Bytes> {
    let shift = usize::BITS - len.saturating_sub(1).leading_zeros();
    if shift > MAX_CLASS_SHIFT || len == 0 {
        let mut buf = vec![0u8; len];
        file.read_exact_at(&mut buf, position)?;
        return Ok(Bytes::from(buf));
    }
    let shift = shift.max(MIN_CLASS_SHIFT);
    let class = (shift - MIN_CLASS_SHIFT) as usize;
    let size = 1usize << shift;
    let buf = match POOL.classes[class].lock().pop() {
        Some(buf) => {
            POOL.idle_bytes.fetch_sub(buf.len(), Ordering::AcqRel);
            buf
        }
        None => vec![0u8; size],
    };
    let mut chunk = Chunk { buf, len, class };
    // On error the chunk drops and the buffer goes back to the pool.
    file.read_exact_at(&mut chunk.buf[..len], position)?;
    Ok(Bytes::from_owner(chunk))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn reads_are_exact_and_buffers_come_back() {
        let mut file = tempfile::tempfile().unwrap();
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        file.write_all(&data).unwrap();
        for (pos, len) in [
            (0usize, 10usize),
            (5, 70_000),
            (1000, 200_000),
            (0, 300_000),
        ] {
            let bytes = read_exact_at(&file, pos as u64, len).unwrap();
            assert_eq!(&bytes[..], &data[pos..pos + len]);
            let slice = bytes.slice(1..len.min(5));
            drop(bytes);
            assert_eq!(&slice[..], &data[pos + 1..pos + len.min(5)]);
        }
        assert!(read_exact_at(&file, 299_999, 2).is_err());
        assert!(read_exact_at(&file, 0, 0).unwrap().is_empty());
        assert!(POOL.idle_bytes.load(Ordering::Acquire) <= MAX_IDLE_BYTES);
    }
}
