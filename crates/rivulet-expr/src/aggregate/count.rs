//! COUNT: `COUNT(*)` counts rows, `COUNT(col)` counts non-NULL values; starts at 0.
//! Table-capable: undo subtracts the row (a NULL value, which `COUNT(col)` did not count, is
//! not subtracted). Merge adds the counts (ksqlDB: `aggOne + aggTwo`).

use rivulet_core::Value;

use super::Accumulator;

pub(super) fn update_star(acc: &mut Accumulator) {
    if let Accumulator::Count(n) = acc {
        *n += 1;
    }
}

pub(super) fn update(acc: &mut Accumulator, arg: Option<&Value>) {
    if let (Accumulator::Count(n), Some(v)) = (acc, arg) {
        if !v.is_null() {
            *n += 1;
        }
    }
}

pub(super) fn undo_star(acc: &mut Accumulator) {
    if let Accumulator::Count(n) = acc {
        *n -= 1;
    }
}

pub(super) fn undo(acc: &mut Accumulator, arg: Option<&Value>) {
    if let (Accumulator::Count(n), Some(v)) = (acc, arg) {
        if !v.is_null() {
            *n -= 1;
        }
    }
}

pub(super) fn merge(into: &mut Accumulator, other: &Accumulator) {
    if let (Accumulator::Count(a), Accumulator::Count(b)) = (into, other) {
        *a = a.wrapping_add(*b);
    }
}
