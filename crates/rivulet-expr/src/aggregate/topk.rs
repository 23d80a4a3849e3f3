//! TOPK and TOPKDISTINCT, as ksqlDB's `TopkKudaf` and `TopkDistinctKudaf` compute them:
//!
//! - `TOPK(col, k)` → ARRAY of col's type (INT, BIGINT, DOUBLE or STRING): the k largest values,
//!   descending, duplicates kept; NULL values ignored.
//! - `TOPK(col, other1, …, k)` → `ARRAY<STRUCT<sort_col, col0, col1, …>>`: the rows with the k
//!   largest `col`, each with the other columns' values (which may be NULL).
//! - `TOPKDISTINCT(col, k)` → ARRAY: the k largest distinct values (also DECIMAL, DATE, TIME,
//!   TIMESTAMP and BYTES).
//!
//! Ties keep arrival order: ksqlDB replaces the last entry of a full list (or appends) and then
//! stable-sorts descending, so a value equal to entries already kept goes after them, and one
//! equal to the smallest entry of a full list is dropped. Values compare as Java's `compareTo`
//! does (doubles by `Double.compare`, bytes as signed bytes). The state keeps at most k entries.
//!
//! Merge, as ksqlDB's mergers: both lists are descending, so they are merged like sorted runs,
//! at most k entries. TOPK takes `into`'s entry on a tie (so ties keep `into`'s entries first,
//! then `other`'s); TOPKDISTINCT takes an entry equal on both sides once.
//!
//! This module owns the ordering and the bounded lists; typing is `mod.rs`'s.

use std::{cmp::Ordering, sync::Arc};

use rivulet_core::{DataType, StructField, Value};

use super::{Accumulator, StoredValue};

/// The struct field holding the sorted column in the multi-column form.
pub(super) const SORT_FIELD: &str = "sort_col";

/// The types `TOPK` sorts.
pub(super) fn topk_accepts(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Int | DataType::Bigint | DataType::Double | DataType::String
    )
}

/// The types `TOPKDISTINCT` sorts.
pub(super) fn distinct_accepts(t: &DataType) -> bool {
    topk_accepts(t)
        || matches!(
            t,
            DataType::Decimal { .. }
                | DataType::Date
                | DataType::Time
                | DataType::Timestamp
                | DataType::Bytes
        )
}

/// `other_i` is the name of the i-th other column's field.
fn other_field(i: usize) -> String {
    format!("col{i}")
}

/// The element type of the result: the sorted column's type, or the struct of the
/// multi-column form (`types` are the value arguments' types, the sorted column first).
pub(super) fn element_type(types: &[DataType]) -> DataType {
    match types {
        [t] => t.clone(),
        [t, others @ ..] => {
            let mut fields = vec![StructField {
                name: SORT_FIELD.to_string(),
                data_type: t.clone(),
            }];
            fields.extend(others.iter().enumerate().map(|(i, t)| StructField {
                name: other_field(i),
                data_type: t.clone(),
            }));
            DataType::Struct(fields)
        }
        [] => DataType::Int,
    }
}

/// Java's `compareTo` for the sortable types.
fn java_cmp(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x.total_cmp(y),
        (Value::Bytes(x), Value::Bytes(y)) => {
            let signed = |b: &u8| *b as i8;
            x.iter().map(signed).cmp(y.iter().map(signed))
        }
        _ => a.sql_cmp(b).unwrap_or(Ordering::Equal),
    }
}

/// The value an entry sorts by: itself, or the `sort_col` field of a multi-column entry.
fn sort_value(entry: &Value) -> &Value {
    match entry {
        Value::Struct(fields) => fields.first().map_or(&Value::Null, |(_, v)| v),
        v => v,
    }
}

/// Inserts `entry` into the descending `items` after every entry that sorts equal or higher
/// (a stable sort of `items` followed by `entry`), replacing the last entry when `k` are kept.
fn insert(items: &mut Vec<StoredValue>, entry: Value, k: usize) {
    if items.len() >= k {
        items.truncate(k.saturating_sub(1));
    }
    let key = sort_value(&entry);
    let at = items.partition_point(|i| java_cmp(sort_value(&i.0), key) != Ordering::Less);
    items.insert(at, StoredValue(entry));
}

/// Whether a full list rejects `value` (not above its smallest entry).
fn rejected(items: &[StoredValue], value: &Value, k: usize) -> bool {
    items.len() >= k
        && items
            .last()
            .is_some_and(|last| java_cmp(value, sort_value(&last.0)) != Ordering::Greater)
}

/// TOPK: `args` are the sorted column then the other columns (k is in the kind).
pub(super) fn update(acc: &mut Accumulator, args: &mut [Value], k: usize) {
    let Accumulator::List(items) = acc else {
        return;
    };
    let Some(first) = args.first() else {
        return;
    };
    if first.is_null() || rejected(items, first, k) {
        return;
    }
    let entry = match args {
        [only] => std::mem::take(only),
        _ => Value::Struct(
            args.iter_mut()
                .enumerate()
                .map(|(i, v)| {
                    let name: Arc<str> = if i == 0 {
                        Arc::from(SORT_FIELD)
                    } else {
                        Arc::from(other_field(i - 1))
                    };
                    (name, std::mem::take(v))
                })
                .collect(),
        ),
    };
    insert(items, entry, k);
}

/// TOPKDISTINCT.
pub(super) fn update_distinct(acc: &mut Accumulator, arg: Option<&mut Value>, k: usize) {
    let (Accumulator::List(items), Some(v)) = (acc, arg) else {
        return;
    };
    if v.is_null() || rejected(items, v, k) {
        return;
    }
    if items.iter().any(|i| java_cmp(&i.0, v) == Ordering::Equal) {
        return;
    }
    insert(items, std::mem::take(v), k);
}

/// Merges the descending lists `into` and `other` into the k largest entries. `distinct`:
/// an entry on both sides is taken once (TOPKDISTINCT); otherwise `into`'s goes first on a tie.
pub(super) fn merge(into: &mut Accumulator, other: Accumulator, k: usize, distinct: bool) {
    let (Accumulator::List(a), Accumulator::List(b)) = (into, other) else {
        return;
    };
    let mut left = std::mem::take(a).into_iter().peekable();
    let mut right = b.into_iter().peekable();
    while a.len() < k {
        let order = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (Some(x), Some(y)) => java_cmp(sort_value(&x.0), sort_value(&y.0)),
        };
        let next = match order {
            Ordering::Greater => left.next(),
            Ordering::Equal if distinct => {
                right.next();
                left.next()
            }
            Ordering::Equal => left.next(),
            Ordering::Less => right.next(),
        };
        a.extend(next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topk(k: usize, rows: Vec<Vec<Value>>) -> Vec<Value> {
        let mut acc = Accumulator::List(Vec::new());
        for mut row in rows {
            update(&mut acc, &mut row, k);
        }
        match acc {
            Accumulator::List(items) => items.into_iter().map(|v| v.0).collect(),
            _ => unreachable!(),
        }
    }

    fn distinct(k: usize, values: Vec<Value>) -> Vec<Value> {
        let mut acc = Accumulator::List(Vec::new());
        for mut v in values {
            update_distinct(&mut acc, Some(&mut v), k);
        }
        match acc {
            Accumulator::List(items) => items.into_iter().map(|v| v.0).collect(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn topk_keeps_the_k_largest_descending_with_duplicates() {
        use Value::Int;
        let rows = [0, 100, 99, 7, 100].map(|v| vec![Int(v)]).to_vec();
        assert_eq!(topk(3, rows), vec![Int(100), Int(100), Int(99)]);
        let rows = vec![vec![Value::Null], vec![Int(5)], vec![Int(1)]];
        assert_eq!(topk(10, rows), vec![Int(5), Int(1)]);
        assert_eq!(topk(2, vec![]), Vec::<Value>::new());
    }

    #[test]
    fn topk_struct_form_keeps_arrival_order_among_ties() {
        let row = |v: i32, name: Value| vec![Value::Int(v), name];
        let entry = |v: i32, name: Value| {
            Value::Struct(vec![
                (Arc::from("sort_col"), Value::Int(v)),
                (Arc::from("col0"), name),
            ])
        };
        // ksqlDB's "topk integer struct" case.
        let rows = vec![
            row(0, "zero".into()),
            row(100, "one".into()),
            row(99, "two".into()),
            vec![Value::Null, "three".into()],
            row(100, Value::Null),
        ];
        assert_eq!(
            topk(3, rows),
            vec![
                entry(100, "one".into()),
                entry(100, Value::Null),
                entry(99, "two".into())
            ]
        );
    }

    #[test]
    fn topk_compares_doubles_and_strings_as_java() {
        let rows = [1.5, f64::NAN, -0.0, 0.0]
            .map(|v| vec![Value::Double(v)])
            .to_vec();
        let got = topk(3, rows);
        assert!(matches!(got[0], Value::Double(v) if v.is_nan()));
        assert_eq!(got[1..], [Value::Double(1.5), Value::Double(0.0)]);
        let rows = ["a", "b", "c", "b", "d"]
            .map(|s| vec![Value::from(s)])
            .to_vec();
        assert_eq!(
            topk(3, rows),
            vec![Value::from("d"), Value::from("c"), Value::from("b")]
        );
    }

    #[test]
    fn topkdistinct_drops_repeats() {
        use Value::Int;
        let got = distinct(3, [0, 100, 99, 7, 100].map(Int).to_vec());
        assert_eq!(got, vec![Int(100), Int(99), Int(7)]);
        let got = distinct(5, vec![Int(2), Value::Null, Int(2), Int(1)]);
        assert_eq!(got, vec![Int(2), Int(1)]);
    }

    #[test]
    fn bytes_sort_as_signed() {
        let b = |x: u8| Value::Bytes(bytes::Bytes::from(vec![x]));
        // 0x80 is -128 as a Java byte: smaller than 0x01.
        assert_eq!(distinct(2, vec![b(0x80), b(0x01)]), vec![b(0x01), b(0x80)]);
    }
}
