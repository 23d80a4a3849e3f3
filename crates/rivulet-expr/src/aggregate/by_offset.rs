//! LATEST_BY_OFFSET and EARLIEST_BY_OFFSET (`col [, ignoreNulls]`, ignoreNulls default true):
//! the last / first value in offset order. Rows reach an aggregate in offset order within a
//! partition, so "latest" is the last value seen and "earliest" the first.

use rivulet_core::Value;

use super::Accumulator;

pub(super) fn update_latest(acc: &mut Accumulator, arg: Option<&mut Value>, ignore_nulls: bool) {
    let (Accumulator::Value(current), Some(v)) = (acc, arg) else {
        return;
    };
    if ignore_nulls && v.is_null() {
        return;
    }
    current.0 = std::mem::take(v);
}

pub(super) fn update_earliest(acc: &mut Accumulator, arg: Option<&mut Value>, ignore_nulls: bool) {
    let (Accumulator::Earliest { value, taken }, Some(v)) = (acc, arg) else {
        return;
    };
    if *taken || (ignore_nulls && v.is_null()) {
        return;
    }
    value.0 = std::mem::take(v);
    *taken = true;
}
