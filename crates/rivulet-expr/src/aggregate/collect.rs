//! COLLECT_LIST (every value, NULLs included, in arrival order) and COLLECT_SET (distinct
//! values in first-seen order). ksqlDB's optional size limits (`ksql.functions.collect_*.limit`)
//! default to unlimited and are not applied here.

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
