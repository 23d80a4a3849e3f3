//! MIN and MAX over INT, BIGINT, DOUBLE, DECIMAL, STRING, BYTES, DATE, TIME, TIMESTAMP →
//! the same type; NULL ignored; an all-NULL group gives NULL. Merge keeps the smaller (larger)
//! of the two values, a NULL side giving the other (ksqlDB's `MinKudaf`/`MaxKudaf` merge).

use std::cmp::Ordering;

use rivulet_core::{DataType, Value};

use super::Accumulator;

pub(super) fn accepts(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Int
            | DataType::Bigint
            | DataType::Double
            | DataType::Decimal { .. }
            | DataType::String
            | DataType::Bytes
            | DataType::Date
            | DataType::Time
            | DataType::Timestamp
    )
}

/// Keeps the argument when it orders `wanted` against the value so far.
pub(super) fn update(acc: &mut Accumulator, arg: Option<&mut Value>, wanted: Ordering) {
    let (Accumulator::Value(current), Some(v)) = (acc, arg) else {
        return;
    };
    if v.is_null() {
        return;
    }
    if current.0.is_null() || v.sql_cmp(&current.0) == Some(wanted) {
        current.0 = std::mem::take(v);
    }
}

/// Merges `other` into `into`: `other`'s value wins when it orders `wanted` against `into`'s.
pub(super) fn merge(into: &mut Accumulator, other: Accumulator, wanted: Ordering) {
    if let Accumulator::Value(mut v) = other {
        update(into, Some(&mut v.0), wanted);
    }
}
