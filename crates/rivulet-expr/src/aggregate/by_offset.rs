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
//!
//! Merging (session windows): ksqlDB stamps every value it keeps with a sequence number taken
//! when the row was aggregated (`KudafByOffsetUtils` SEQ), and its `merge` keeps values by that
//! sequence, not by side: LATEST keeps the larger SEQ (with ignoreNulls, non-NULL over NULL),
//! latestN concatenates, sorts by SEQ and keeps the last n; EARLIEST keeps the smaller SEQ of
//! the taken values, earliestN the first n. So a merge gives what one accumulator fed all the
//! rows in arrival order gives. State that will be merged is [`Accumulator::ByOffset`]: the
//! kept values, oldest first, each with the sequence it was taken at (the caller's arrival
//! number, `AggregateCall::update_at`); the single-value forms are the n forms with n = 1.
//! The plain accumulators (`Value`, `Earliest`, `List`) carry no sequence and merge as if
//! taken at sequence 0: two plain sides merge with `other`'s values as the later ones, a plain
//! side merged with a sequenced one counts as the older, and a plain NULL counts as "no value".

use rivulet_core::Value;

use super::{Accumulator, StoredValue};

/// Which by-offset function: LATEST (else EARLIEST), how many values it keeps (1 for the
/// single-value forms), ignoreNulls, and whether it is a single-value form.
#[derive(Debug, Clone, Copy)]
pub(super) struct ByOffset {
    pub latest: bool,
    pub n: usize,
    pub ignore_nulls: bool,
    pub single: bool,
}

/// The values a by-offset accumulator keeps, oldest first, each with its sequence (0 for the
/// plain accumulators, which have none).
fn sequenced(acc: Accumulator) -> Vec<(u64, StoredValue)> {
    match acc {
        Accumulator::ByOffset(items) => items,
        Accumulator::Value(v) if !v.0.is_null() => vec![(0, v)],
        Accumulator::Earliest { value, taken: true } => vec![(0, value)],
        Accumulator::List(items) => items.into_iter().map(|v| (0, v)).collect(),
        _ => Vec::new(),
    }
}

/// Keeps the last (LATEST) or first (EARLIEST) `n` of `items`.
fn bound(items: &mut Vec<(u64, StoredValue)>, f: ByOffset) {
    if items.len() > f.n {
        if f.latest {
            let excess = items.len() - f.n;
            items.drain(..excess);
        } else {
            items.truncate(f.n);
        }
    }
}

/// Adds `v`, taken at sequence `seq`, to a sequenced accumulator (skipping NULL when
/// ignoreNulls; EARLIEST ignores values once it holds n).
pub(super) fn update_at(acc: &mut Accumulator, arg: Option<&mut Value>, seq: u64, f: ByOffset) {
    let (Accumulator::ByOffset(items), Some(v)) = (acc, arg) else {
        return;
    };
    if (f.ignore_nulls && v.is_null()) || (!f.latest && items.len() >= f.n) {
        return;
    }
    items.push((seq, StoredValue(std::mem::take(v))));
    bound(items, f);
}

/// ksqlDB's by-offset `merge`: both sides' values ordered by sequence (a stable sort: on equal
/// sequences `into`'s first), then the last n (LATEST) or the first n (EARLIEST). The result
/// is sequenced when either side is; two plain sides give a plain result.
pub(super) fn merge(into: &mut Accumulator, other: Accumulator, f: ByOffset) {
    let sequenced_result =
        matches!(into, Accumulator::ByOffset(_)) || matches!(other, Accumulator::ByOffset(_));
    let mut items = sequenced(std::mem::replace(into, Accumulator::ByOffset(Vec::new())));
    items.extend(sequenced(other));
    items.sort_by_key(|(seq, _)| *seq);
    bound(&mut items, f);
    *into = if sequenced_result {
        Accumulator::ByOffset(items)
    } else {
        plain(items, f)
    };
}

/// The plain accumulator holding `items`' values.
fn plain(items: Vec<(u64, StoredValue)>, f: ByOffset) -> Accumulator {
    let mut values = items.into_iter().map(|(_, v)| v);
    match (f.single, f.latest) {
        (true, true) => Accumulator::Value(values.next().unwrap_or_default()),
        (true, false) => match values.next() {
            Some(value) => Accumulator::Earliest { value, taken: true },
            None => Accumulator::Earliest {
                value: StoredValue::default(),
                taken: false,
            },
        },
        (false, _) => Accumulator::List(values.collect()),
    }
}

/// The result of a sequenced accumulator: the value (NULL when none) of a single-value form,
/// the array of values, oldest first, of an n form.
pub(super) fn result(items: &[(u64, StoredValue)], f: ByOffset) -> Value {
    if f.single {
        items.first().map_or(Value::Null, |(_, v)| v.0.clone())
    } else {
        Value::Array(items.iter().map(|(_, v)| v.0.clone()).collect())
    }
}

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
