//! HISTOGRAM(STRING) → `MAP<STRING, BIGINT>`: how many times each distinct value occurred, as
//! ksqlDB's `HistogramUdaf`. At most 1000 distinct keys: once the map holds 1000, values not in
//! it are ignored (existing keys still count). A table-capable aggregate: undo decrements a key
//! and removes it when it reaches 0. Merge adds `other`'s counts to `into`'s; its keys not in
//! `into` are added while `into` holds fewer than 1000 (ksqlDB's `HistogramUdaf.merge`).
//!
//! NULL values are ignored (ksqlDB counts them under a null map key, which no output format can
//! write). Keys are kept sorted (a `BTreeMap`, plain serde state); ksqlDB's map order is its
//! hash map's, which JSON consumers do not depend on.
//!
//! This module owns the counting only; typing is `mod.rs`'s.

use std::{collections::BTreeMap, sync::Arc};

use rivulet_core::Value;

use super::Accumulator;

/// ksqlDB's `HistogramUdaf.LIMIT`.
pub(super) const LIMIT: usize = 1000;

pub(super) fn update(acc: &mut Accumulator, arg: Option<&Value>) {
    let (Accumulator::Histogram(counts), Some(Value::String(s))) = (acc, arg) else {
        return;
    };
    if let Some(n) = counts.get_mut(s.as_ref()) {
        *n += 1;
    } else if counts.len() < LIMIT {
        counts.insert(s.to_string(), 1);
    }
}

pub(super) fn undo(acc: &mut Accumulator, arg: Option<&Value>) {
    let (Accumulator::Histogram(counts), Some(Value::String(s))) = (acc, arg) else {
        return;
    };
    if let Some(n) = counts.get_mut(s.as_ref()) {
        *n -= 1;
        if *n < 1 {
            counts.remove(s.as_ref());
        }
    }
}

pub(super) fn result(counts: &BTreeMap<String, i64>) -> Value {
    Value::Map(
        counts
            .iter()
            .map(|(k, n)| (Value::String(Arc::from(k.as_str())), Value::Bigint(*n)))
            .collect(),
    )
}

pub(super) fn merge(into: &mut Accumulator, other: Accumulator) {
    let (Accumulator::Histogram(a), Accumulator::Histogram(b)) = (into, other) else {
        return;
    };
    for (key, n) in b {
        if let Some(count) = a.get_mut(&key) {
            *count += n;
        } else if a.len() < LIMIT {
            a.insert(key, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(acc: &Accumulator) -> Vec<(String, i64)> {
        match acc {
            Accumulator::Histogram(c) => c.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn counts_values_and_ignores_nulls() {
        let mut acc = Accumulator::Histogram(BTreeMap::new());
        for v in [
            Value::from("foo"),
            Value::Null,
            Value::from("bar"),
            Value::from("foo"),
        ] {
            update(&mut acc, Some(&v));
        }
        assert_eq!(counts(&acc), vec![("bar".into(), 1), ("foo".into(), 2)]);
    }

    #[test]
    fn new_keys_past_the_limit_are_ignored_but_existing_ones_count() {
        let mut acc = Accumulator::Histogram(BTreeMap::new());
        for i in 0..LIMIT + 5 {
            update(&mut acc, Some(&Value::from(format!("k{i:04}").as_str())));
        }
        update(&mut acc, Some(&Value::from("k0000")));
        let c = counts(&acc);
        assert_eq!(c.len(), LIMIT);
        assert_eq!(c[0], ("k0000".into(), 2));
        assert!(!c.iter().any(|(k, _)| k == "k1000"));
    }

    #[test]
    fn undo_decrements_and_removes_at_zero() {
        let mut acc = Accumulator::Histogram(BTreeMap::new());
        let (a, b) = (Value::from("a"), Value::from("b"));
        update(&mut acc, Some(&a));
        update(&mut acc, Some(&a));
        update(&mut acc, Some(&b));
        undo(&mut acc, Some(&a));
        undo(&mut acc, Some(&b));
        undo(&mut acc, Some(&Value::from("never")));
        assert_eq!(counts(&acc), vec![("a".into(), 1)]);
        undo(&mut acc, Some(&a));
        assert_eq!(acc, Accumulator::Histogram(BTreeMap::new()));
    }
}
