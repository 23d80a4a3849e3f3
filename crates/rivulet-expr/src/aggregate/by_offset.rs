//! LATEST_BY_OFFSET and EARLIEST_BY_OFFSET, as ksqlDB's `LatestByOffset` / `EarliestByOffset`:
//!
//! - `(col [, ignoreNulls])` → col's type: the last / first value in offset order;
//! - `(col, n [, ignoreNulls])` → ARRAY of col's type: the last / first n values, each oldest
//!   first (ksqlDB appends to its list and keeps the tail for LATEST, so `[12, NULL, 13]` with
//!   n = 2 and nulls kept gives `[NULL, 13]`; its functional tests "nulls not ignored -
//!   multiple" show this order). No values yet → `[]`.
//!
//! ignoreNulls defaults to true. Rows reach an aggregate in offset order within a partition,
//! so "latest" is the last value seen and "earliest" the first. Neither can undo. The n forms
//! keep at most n values.

use rivulet_core::Value;

use super::{Accumulator, StoredValue};

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

pub(super) fn update_latest_n(
    acc: &mut Accumulator,
    arg: Option<&mut Value>,
    n: usize,
    ignore_nulls: bool,
) {
    let (Accumulator::List(items), Some(v)) = (acc, arg) else {
        return;
    };
    if ignore_nulls && v.is_null() {
        return;
    }
    items.push(StoredValue(std::mem::take(v)));
    if items.len() > n {
        let excess = items.len() - n;
        items.drain(..excess);
    }
}

pub(super) fn update_earliest_n(
    acc: &mut Accumulator,
    arg: Option<&mut Value>,
    n: usize,
    ignore_nulls: bool,
) {
    let (Accumulator::List(items), Some(v)) = (acc, arg) else {
        return;
    };
    if (ignore_nulls && v.is_null()) || items.len() >= n {
        return;
    }
    items.push(StoredValue(std::mem::take(v)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(latest: bool, n: usize, ignore_nulls: bool, values: &[Value]) -> Vec<Value> {
        let mut acc = Accumulator::List(Vec::new());
        for v in values {
            let mut v = v.clone();
            if latest {
                update_latest_n(&mut acc, Some(&mut v), n, ignore_nulls);
            } else {
                update_earliest_n(&mut acc, Some(&mut v), n, ignore_nulls);
            }
        }
        match acc {
            Accumulator::List(items) => items.into_iter().map(|v| v.0).collect(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn n_forms_follow_ksqldb_functional_tests() {
        use Value::{Int, Null};
        let input = [Int(12), Null, Int(13)];
        assert_eq!(run(true, 2, true, &input), vec![Int(12), Int(13)]);
        assert_eq!(run(true, 2, false, &input), vec![Null, Int(13)]);
        assert_eq!(run(false, 2, true, &input), vec![Int(12), Int(13)]);
        assert_eq!(run(false, 2, false, &input), vec![Int(12), Null]);
        assert_eq!(run(true, 2, true, &[Null, Null]), Vec::<Value>::new());
        assert_eq!(
            run(true, 3, true, &[Int(1), Int(2), Int(3), Int(4), Int(5)]),
            vec![Int(3), Int(4), Int(5)]
        );
        assert_eq!(run(false, 5, true, &[Int(1)]), vec![Int(1)]);
    }
}
