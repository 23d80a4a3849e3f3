//! COUNT_DISTINCT: the number of distinct non-NULL values. ksqlDB estimates it with
//! HyperLogLog (about 2 % error); Rivulet counts exactly, which agrees with ksqlDB's estimate
//! at the small cardinalities its sparse sketch represents exactly. Values are kept as stable
//! 64-bit hashes (FNV-1a over the value's hash input), so state survives a restart. Merge is
//! the union of the two sets (ksqlDB merges its two sketches).

use std::hash::{Hash, Hasher};

use rivulet_core::Value;

use super::Accumulator;

/// FNV-1a: deterministic across runs, unlike std's randomly keyed hasher.
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

pub(super) fn update(acc: &mut Accumulator, arg: Option<&Value>) {
    let (Accumulator::Distinct(set), Some(v)) = (acc, arg) else {
        return;
    };
    if v.is_null() {
        return;
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    v.hash(&mut h);
    set.insert(h.finish());
}

pub(super) fn merge(into: &mut Accumulator, other: Accumulator) {
    if let (Accumulator::Distinct(a), Accumulator::Distinct(mut b)) = (into, other) {
        if a.len() < b.len() {
            std::mem::swap(a, &mut b);
        }
        a.extend(b);
    }
}
