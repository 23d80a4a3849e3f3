//! The bounded cache of sealed segments' indexes: one CLOCK (second-chance) ring per log of the
//! [`Indexes`] that sealed segments loaded from their files, capped by the bytes the entries
//! hold, so index memory grows with what readers touch, not with the data retained.
//!
//! A hit only takes the segment's own slot lock and sets its reference bit; the ring lock is
//! taken to insert (evicting until the newcomer fits), to release a slot (segment deleted or
//! dropped) and for statistics. An index larger than the whole cache is handed back uncached,
//! so the held bytes never exceed the cap.
//!
//! This module owns which loaded indexes stay in memory and the accounting of their bytes. It
//! must not open files or know segment layouts: segments load (or rebuild) their indexes
//! themselves and hand them in through their [`CacheSlot`]. The active segment's indexes never
//! come here.

use std::sync::{
    atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    Arc,
};

use parking_lot::{Mutex, RwLock};

use super::segment::Indexes;

/// Position of a slot that is not in the ring.
const NOT_CACHED: usize = usize::MAX;

/// Bytes charged per cached entry on top of its entries: the `Indexes` and `Arc` headers, the
/// ring entry and the slot's share of bookkeeping.
pub const ENTRY_OVERHEAD: usize = std::mem::size_of::<Indexes>() + 64;

/// What a log's index cache holds and has done (for tests and diagnostics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexCacheStats {
    /// The configured cap in bytes.
    pub capacity: usize,
    /// Bytes the cached indexes hold now (never more than `capacity`).
    pub held_bytes: usize,
    /// Segments whose indexes are cached now.
    pub entries: usize,
    /// Indexes loaded from their files (or rebuilt) because they were not cached.
    pub loads: u64,
    /// Loads that found the index files missing or invalid and rebuilt them from the log.
    pub rebuilds: u64,
    /// Indexes evicted to make room.
    pub evictions: u64,
}

/// One sealed segment's place in the cache.
pub struct CacheSlot {
    loaded: RwLock<Option<Arc<Indexes>>>,
    /// Set on every hit; the clock hand clears it once before evicting.
    referenced: AtomicBool,
    /// Index in the ring, [`NOT_CACHED`] when absent; written only under the ring lock.
    position: AtomicUsize,
}

impl Default for CacheSlot {
    fn default() -> Self {
        CacheSlot {
            loaded: RwLock::new(None),
            referenced: AtomicBool::new(false),
            position: AtomicUsize::new(NOT_CACHED),
        }
    }
}

impl CacheSlot {
    /// Runs `f` on the cached indexes, or returns `None` when they are not cached.
    #[inline]
    pub fn with<R>(&self, f: impl FnOnce(&Indexes) -> R) -> Option<R> {
        let loaded = self.loaded.read();
        let indexes = loaded.as_deref()?;
        // Only write when the bit is clear: readers of one hot segment share the cache line.
        if !self.referenced.load(Ordering::Relaxed) {
            self.referenced.store(true, Ordering::Relaxed);
        }
        Some(f(indexes))
    }

    /// The cached indexes, if any.
    pub fn get(&self) -> Option<Arc<Indexes>> {
        let loaded = self.loaded.read().clone()?;
        self.referenced.store(true, Ordering::Relaxed);
        Some(loaded)
    }
}

impl std::fmt::Debug for CacheSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheSlot")
            .field("cached", &self.loaded.read().is_some())
            .finish()
    }
}

struct RingEntry {
    slot: Arc<CacheSlot>,
    bytes: usize,
}

#[derive(Default)]
struct Ring {
    entries: Vec<RingEntry>,
    hand: usize,
    bytes: usize,
}

/// The loaded indexes of sealed segments, at most `capacity` bytes of them.
pub struct IndexCache {
    capacity: usize,
    ring: Mutex<Ring>,
    loads: AtomicU64,
    rebuilds: AtomicU64,
    evictions: AtomicU64,
}

impl std::fmt::Debug for IndexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexCache")
            .field("stats", &self.stats())
            .finish()
    }
}

impl IndexCache {
    /// An empty cache holding at most `capacity` bytes (0 caches nothing).
    pub fn new(capacity: usize) -> IndexCache {
        IndexCache {
            capacity,
            ring: Mutex::new(Ring::default()),
            loads: AtomicU64::new(0),
            rebuilds: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
        }
    }

    /// Caches `indexes` in `slot` (replacing what it held), evicting the least recently used
    /// entries until it fits, and returns them. Indexes larger than the whole cache are
    /// returned without being cached.
    pub fn insert(&self, slot: &Arc<CacheSlot>, mut indexes: Indexes) -> Arc<Indexes> {
        indexes.offsets.shrink_to_fit();
        indexes.times.shrink_to_fit();
        let bytes = indexes.heap_bytes() + ENTRY_OVERHEAD;
        let indexes = Arc::new(indexes);
        let mut ring = self.ring.lock();
        Self::remove(&mut ring, slot);
        if bytes > self.capacity {
            return indexes;
        }
        while ring.bytes + bytes > self.capacity && !ring.entries.is_empty() {
            self.evict_one(&mut ring);
        }
        *slot.loaded.write() = Some(indexes.clone());
        slot.referenced.store(true, Ordering::Relaxed);
        slot.position.store(ring.entries.len(), Ordering::Relaxed);
        ring.entries.push(RingEntry {
            slot: slot.clone(),
            bytes,
        });
        ring.bytes += bytes;
        indexes
    }

    /// Drops the slot's cached indexes, if any (the segment is deleted or dropped).
    pub fn release(&self, slot: &CacheSlot) {
        if slot.position.load(Ordering::Relaxed) == NOT_CACHED {
            // Only the ring lock holder sets a position, and a slot is released by its segment
            // alone: an unlocked "not cached" is final for this call.
            return;
        }
        Self::remove(&mut self.ring.lock(), slot);
    }

    /// Counts a load of indexes from files (`rebuilt`: from the log itself).
    pub fn note_load(&self, rebuilt: bool) {
        self.loads.fetch_add(1, Ordering::Relaxed);
        if rebuilt {
            self.rebuilds.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Bytes the cached indexes hold now.
    pub fn held_bytes(&self) -> usize {
        self.ring.lock().bytes
    }

    /// What the cache holds and has done.
    pub fn stats(&self) -> IndexCacheStats {
        let (held_bytes, entries) = {
            let ring = self.ring.lock();
            (ring.bytes, ring.entries.len())
        };
        IndexCacheStats {
            capacity: self.capacity,
            held_bytes,
            entries,
            loads: self.loads.load(Ordering::Relaxed),
            rebuilds: self.rebuilds.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
        }
    }

    /// Advances the clock hand, giving referenced entries a second chance, and evicts the first
    /// unreferenced one (or, if readers keep every bit set, the one under the hand after two
    /// turns). The ring must not be empty.
    fn evict_one(&self, ring: &mut Ring) {
        let turns = 2 * ring.entries.len();
        let mut victim = ring.hand % ring.entries.len();
        for _ in 0..turns {
            victim = ring.hand % ring.entries.len();
            if !ring.entries[victim]
                .slot
                .referenced
                .swap(false, Ordering::Relaxed)
            {
                break;
            }
            ring.hand = victim + 1;
        }
        Self::remove_at(ring, victim);
        ring.hand = victim;
        self.evictions.fetch_add(1, Ordering::Relaxed);
    }

    fn remove(ring: &mut Ring, slot: &CacheSlot) {
        let position = slot.position.load(Ordering::Relaxed);
        if position < ring.entries.len() {
            Self::remove_at(ring, position);
        }
    }

    /// Takes the entry at `at` out of the ring (the last entry moves into its place).
    fn remove_at(ring: &mut Ring, at: usize) {
        let entry = ring.entries.swap_remove(at);
        entry.slot.position.store(NOT_CACHED, Ordering::Relaxed);
        *entry.slot.loaded.write() = None;
        ring.bytes -= entry.bytes;
        if let Some(moved) = ring.entries.get(at) {
            moved.slot.position.store(at, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded::index::OffsetIndex;

    /// Indexes with `n` offset entries.
    fn indexes(n: u32) -> Indexes {
        let mut offsets = OffsetIndex::default();
        for i in 0..=n {
            offsets.on_frame(i, i * 10, 10, 0);
        }
        Indexes {
            offsets,
            times: Default::default(),
        }
    }

    fn size(n: u32) -> usize {
        let mut idx = indexes(n);
        idx.offsets.shrink_to_fit();
        idx.heap_bytes() + ENTRY_OVERHEAD
    }

    #[test]
    fn holds_at_most_the_capacity_and_evicts_unreferenced_first() {
        let cap = 3 * size(10);
        let cache = IndexCache::new(cap);
        let slots: Vec<Arc<CacheSlot>> = (0..5).map(|_| Arc::new(CacheSlot::default())).collect();
        for slot in &slots[..3] {
            cache.insert(slot, indexes(10));
        }
        assert_eq!(cache.held_bytes(), cap);
        // Every bit is set after insertion; clear them with a lookup pattern: only slot 1 is used.
        for slot in &slots[..3] {
            slot.referenced.store(false, Ordering::Relaxed);
        }
        assert_eq!(slots[1].with(|i| i.offsets.lookup(5)), Some(50));
        cache.insert(&slots[3], indexes(10));
        assert!(cache.held_bytes() <= cap);
        assert!(slots[1].get().is_some(), "the referenced entry stays");
        assert_eq!(slots[..3].iter().filter(|s| s.get().is_none()).count(), 1);
        assert_eq!(cache.stats().evictions, 1);
        // Releasing frees the bytes at once; releasing twice is harmless.
        cache.release(&slots[3]);
        cache.release(&slots[3]);
        assert!(slots[3].get().is_none());
        assert_eq!(cache.held_bytes(), 2 * size(10));
        assert_eq!(cache.stats().entries, 2);
        // Positions stay consistent after swaps: every cached slot can be released.
        for slot in &slots {
            cache.release(slot);
        }
        assert_eq!(cache.held_bytes(), 0);
        assert_eq!(cache.stats().entries, 0);
    }

    #[test]
    fn oversized_indexes_are_returned_uncached() {
        let cache = IndexCache::new(size(10));
        let slot = Arc::new(CacheSlot::default());
        let big = cache.insert(&slot, indexes(1000));
        assert_eq!(big.offsets.lookup(500), 5000);
        assert!(slot.get().is_none());
        assert_eq!(cache.held_bytes(), 0);
        let zero = IndexCache::new(0);
        zero.insert(&slot, indexes(0));
        assert_eq!(zero.held_bytes(), 0);
    }

    #[test]
    fn reinserting_a_slot_replaces_its_entry() {
        let cache = IndexCache::new(10 * size(10));
        let slot = Arc::new(CacheSlot::default());
        cache.insert(&slot, indexes(10));
        cache.insert(&slot, indexes(20));
        assert_eq!(cache.stats().entries, 1);
        assert_eq!(cache.held_bytes(), size(20));
    }

    #[test]
    fn a_long_run_of_inserts_never_exceeds_the_cap() {
        let cap = 5 * size(10) + 7;
        let cache = IndexCache::new(cap);
        let slots: Vec<Arc<CacheSlot>> = (0..200).map(|_| Arc::new(CacheSlot::default())).collect();
        for (i, slot) in slots.iter().enumerate() {
            cache.insert(slot, indexes((i % 17) as u32));
            if i % 3 == 0 {
                slots[i / 2].with(|_| ());
            }
            assert!(cache.held_bytes() <= cap);
        }
        let cached = slots.iter().filter(|s| s.get().is_some()).count();
        assert_eq!(cached, cache.stats().entries);
        drop(slots);
    }
}
