//! COLLECT_LIST (every value, NULLs included, in arrival order) and COLLECT_SET (distinct
//! values in first-seen order). ksqlDB's optional size limits (`ksql.functions.collect_*.limit`)
//! default to unlimited and are not applied here. COLLECT_LIST is table-capable: undo removes
//! the last occurrence of the value, as ksqlDB's `CollectListUdaf.undo` does.
//!
//! Merge, as ksqlDB's `merge`: COLLECT_LIST appends `other`'s list to `into`'s; COLLECT_SET
//! appends `other`'s values `into` does not hold yet. So the order is the caller's merge order
//! (session windows: Kafka Streams merges the existing sessions in store order, then adds the
//! new record), not arrival order.

use rivulet_core::Value;

use super::{Accumulator, StoredValue};

pub(super) fn update_list(acc: &mut Accumulator, arg: Option<&mut Value>) {
    if let (Accumulator::List(items), Some(v)) = (acc, arg) {
        items.push(StoredValue(std::mem::take(v)));
    }
}

pub(super) fn update_set(acc: &mut Accumulator, arg: Option<&mut Value>) {
    if let (Accumulator::List(items), Some(v)) = (acc, arg) {
        if !items.iter().any(|i| i.0 == *v) {
            items.push(StoredValue(std::mem::take(v)));
        }
    }
}

pub(super) fn undo_list(acc: &mut Accumulator, arg: Option<&Value>) {
    if let (Accumulator::List(items), Some(v)) = (acc, arg) {
        if let Some(at) = items.iter().rposition(|i| i.0 == *v) {
            items.remove(at);
        }
    }
}

pub(super) fn merge_list(into: &mut Accumulator, other: Accumulator) {
    if let (Accumulator::List(a), Accumulator::List(b)) = (into, other) {
        a.extend(b);
    }
}

pub(super) fn merge_set(into: &mut Accumulator, other: Accumulator) {
    if let (Accumulator::List(a), Accumulator::List(b)) = (into, other) {
        for v in b {
            if !a.contains(&v) {
                a.push(v);
            }
        }
    }
}
