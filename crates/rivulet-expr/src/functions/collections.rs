//! Collection and key/value helpers (ksqlDB §4.6): ARRAY_LENGTH, ARRAY_CONTAINS, ARRAY_DISTINCT,
//! ARRAY_EXCEPT, ARRAY_INTERSECT, ARRAY_UNION, ARRAY_CONCAT, ARRAY_REMOVE, ARRAY_JOIN,
//! ARRAY_MAX, ARRAY_MIN, ARRAY_SORT, SLICE, GENERATE_SERIES, AS_MAP, MAP_KEYS, MAP_VALUES,
//! MAP_UNION, ENTRIES and AS_VALUE. Element equality is Java's `equals` (NULL equals NULL).
//!
//! This module owns those functions. It must not evaluate lambdas (see `lambda`) nor parse
//! JSON (see `json`).

use std::cmp::Ordering;

use rivulet_core::{DataType, StructField, Value};

use super::{registry::Builder, text, FunctionCategory, Invocation};
use crate::{
    error::FunctionError,
    eval::compare::{equal, order},
};

type R = Result<Value, FunctionError>;

fn contains(items: &[Value], v: &Value) -> bool {
    items.iter().any(|x| equal(x, v))
}

fn distinct(items: impl IntoIterator<Item = Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for v in items {
        if !contains(&out, &v) {
            out.push(v);
        }
    }
    out
}

fn array_length(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Int(inv.array(0)?.len() as i32))
}

fn array_contains(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Boolean(match inv.arg(0) {
        Value::Array(items) => contains(items, inv.arg(1)),
        _ => false,
    }))
}

fn array_distinct(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Array(distinct(inv.array(0)?.iter().cloned())))
}

fn array_except(inv: &mut Invocation<'_, '_>) -> R {
    let right = inv.array(1)?;
    Ok(Value::Array(distinct(
        inv.array(0)?
            .iter()
            .filter(|v| !contains(right, v))
            .cloned(),
    )))
}

fn array_intersect(inv: &mut Invocation<'_, '_>) -> R {
    let right = inv.array(1)?;
    Ok(Value::Array(distinct(
        inv.array(0)?.iter().filter(|v| contains(right, v)).cloned(),
    )))
}

fn array_union(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Array(distinct(
        inv.array(0)?.iter().chain(inv.array(1)?).cloned(),
    )))
}

fn array_concat(inv: &mut Invocation<'_, '_>) -> R {
    let (l, r) = (inv.arg(0), inv.arg(1));
    if l.is_null() && r.is_null() {
        return Ok(Value::Null);
    }
    let mut out = Vec::new();
    for side in [l, r] {
        if let Value::Array(items) = side {
            out.extend(items.iter().cloned());
        }
    }
    Ok(Value::Array(out))
}

fn array_remove(inv: &mut Invocation<'_, '_>) -> R {
    let Value::Array(items) = inv.arg(0) else {
        return Ok(Value::Null);
    };
    let victim = inv.arg(1);
    Ok(Value::Array(
        items
            .iter()
            .filter(|v| !(equal(v, victim) || (v.is_null() && victim.is_null())))
            .cloned()
            .collect(),
    ))
}

fn array_join(inv: &mut Invocation<'_, '_>) -> R {
    let Value::Array(items) = inv.arg(0) else {
        return Ok(Value::Null);
    };
    let delimiter = if inv.len() > 1 {
        inv.opt_str(1).unwrap_or("")
    } else {
        ","
    };
    let mut parts = Vec::with_capacity(items.len());
    for v in items {
        match v {
            Value::Array(_) | Value::Map(_) | Value::Struct(_) | Value::Bytes(_) => {
                return Err("error: hit an element of a type ARRAY_JOIN does not support".into())
            }
            v => parts.push(v.to_string()),
        }
    }
    Ok(text(parts.join(delimiter)))
}

fn extreme(inv: &Invocation<'_, '_>, want: Ordering) -> R {
    let mut best: Option<&Value> = None;
    for v in inv.array(0)?.iter().filter(|v| !v.is_null()) {
        best = match best {
            Some(b) if order(v, b) != Some(want) => Some(b),
            _ => Some(v),
        };
    }
    Ok(best.cloned().unwrap_or(Value::Null))
}

fn array_max(inv: &mut Invocation<'_, '_>) -> R {
    extreme(inv, Ordering::Greater)
}

fn array_min(inv: &mut Invocation<'_, '_>) -> R {
    extreme(inv, Ordering::Less)
}

fn array_sort(inv: &mut Invocation<'_, '_>) -> R {
    let direction = if inv.len() > 1 { inv.str(1)? } else { "ASC" };
    let descending = match direction.to_uppercase().as_str() {
        "ASC" | "ASCENDING" => false,
        "DESC" | "DESCENDING" => true,
        _ => return Ok(Value::Null),
    };
    let mut items = inv.array(0)?.to_vec();
    items.sort_by(|a, b| match (a.is_null(), b.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => {
            let o = order(a, b).unwrap_or(Ordering::Equal);
            if descending {
                o.reverse()
            } else {
                o
            }
        }
    });
    Ok(Value::Array(items))
}

fn slice(inv: &mut Invocation<'_, '_>) -> R {
    let Value::Array(items) = inv.arg(0) else {
        return Ok(Value::Null);
    };
    let start = match inv.arg(1) {
        Value::Null => 0,
        _ => i64::from(inv.int(1)?) - 1,
    };
    let end = match inv.arg(2) {
        Value::Null => items.len() as i64,
        _ => i64::from(inv.int(2)?),
    };
    if start < 0 || end > items.len() as i64 || start > end {
        return Ok(Value::Null);
    }
    Ok(Value::Array(items[start as usize..end as usize].to_vec()))
}

/// A bound on one array, so a bad row cannot exhaust memory (ksqlDB would run out of heap).
const MAX_SERIES: i64 = 1_000_000;

fn generate_series(inv: &mut Invocation<'_, '_>) -> R {
    let (start, end) = (inv.long(0)?, inv.long(1)?);
    let step = if inv.len() > 2 {
        i64::from(inv.int(2)?)
    } else if end > start {
        1
    } else {
        -1
    };
    if step == 0 {
        return Err("GENERATE_SERIES step cannot be zero".into());
    }
    let diff = i128::from(end) - i128::from(start);
    if (diff > 0 && step < 0) || (diff < 0 && step > 0) {
        return Err("GENERATE_SERIES step has wrong sign".into());
    }
    let size = 1 + diff / i128::from(step);
    if size > i128::from(MAX_SERIES) {
        return Err(format!(
            "GENERATE_SERIES would produce {size} elements (at most {MAX_SERIES})"
        )
        .into());
    }
    let ints = matches!(inv.arg(0), Value::Int(_));
    let out = (0..size as i64)
        .map(|i| {
            let v = start.wrapping_add(i.wrapping_mul(step));
            if ints {
                Value::Int(v as i32)
            } else {
                Value::Bigint(v)
            }
        })
        .collect();
    Ok(Value::Array(out))
}

fn put(out: &mut Vec<(Value, Value)>, k: Value, v: Value) {
    match out.iter_mut().find(|(existing, _)| equal(existing, &k)) {
        Some(slot) => slot.1 = v,
        None => out.push((k, v)),
    }
}

fn as_map(inv: &mut Invocation<'_, '_>) -> R {
    let (keys, values) = (inv.array(0)?, inv.array(1)?);
    let mut out = Vec::with_capacity(keys.len());
    for (i, k) in keys.iter().enumerate() {
        put(
            &mut out,
            k.clone(),
            values.get(i).cloned().unwrap_or(Value::Null),
        );
    }
    Ok(Value::Map(out))
}

fn map_keys(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Array(
        inv.map(0)?.iter().map(|(k, _)| k.clone()).collect(),
    ))
}

fn map_values(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Array(
        inv.map(0)?.iter().map(|(_, v)| v.clone()).collect(),
    ))
}

fn map_union(inv: &mut Invocation<'_, '_>) -> R {
    let (l, r) = (inv.arg(0), inv.arg(1));
    if l.is_null() && r.is_null() {
        return Ok(Value::Null);
    }
    let mut out = Vec::new();
    for side in [l, r] {
        if let Value::Map(entries) = side {
            for (k, v) in entries {
                put(&mut out, k.clone(), v.clone());
            }
        }
    }
    Ok(Value::Map(out))
}

fn entries(inv: &mut Invocation<'_, '_>) -> R {
    // `sorted` is a Java primitive: NULL is an error.
    let sorted = inv.boolean(1)?;
    let Value::Map(map) = inv.arg(0) else {
        return Ok(Value::Null);
    };
    let mut pairs: Vec<&(Value, Value)> = map.iter().collect();
    if sorted {
        pairs.sort_by(|a, b| order(&a.0, &b.0).unwrap_or(Ordering::Equal));
    }
    Ok(Value::Array(
        pairs
            .into_iter()
            .map(|(k, v)| Value::Struct(vec![("K".into(), k.clone()), ("V".into(), v.clone())]))
            .collect(),
    ))
}

/// `ARRAY<STRUCT<K STRING, V v>>` for ENTRIES of `MAP<STRING, v>`.
fn entries_type(args: &[DataType]) -> DataType {
    let (k, v) = match args.first() {
        Some(DataType::Map(k, v)) => ((**k).clone(), (**v).clone()),
        _ => (DataType::String, DataType::String),
    };
    DataType::Array(Box::new(DataType::Struct(vec![
        StructField {
            name: "K".into(),
            data_type: k,
        },
        StructField {
            name: "V".into(),
            data_type: v,
        },
    ])))
}

fn as_value(inv: &mut Invocation<'_, '_>) -> R {
    Ok(inv.arg(0).clone())
}

pub(crate) fn register(b: &mut Builder) {
    b.add(
        "ARRAY_LENGTH",
        "The number of elements of an array.",
        &["ARRAY<T> -> INT"],
        array_length,
    );
    b.add(
        "ARRAY_CONTAINS",
        "Whether the array is non-NULL and contains the value.",
        &["ARRAY<T>, T -> BOOLEAN"],
        array_contains,
    )
    .custom_nulls();
    b.add(
        "ARRAY_DISTINCT",
        "The distinct elements of an array, in first-seen order.",
        &["ARRAY<T> -> ARRAY<T>"],
        array_distinct,
    );
    b.add(
        "ARRAY_EXCEPT",
        "The distinct elements of the first array not in the second.",
        &["ARRAY<T>, ARRAY<T> -> ARRAY<T>"],
        array_except,
    );
    b.add(
        "ARRAY_INTERSECT",
        "The distinct elements of the first array that are also in the second.",
        &["ARRAY<T>, ARRAY<T> -> ARRAY<T>"],
        array_intersect,
    );
    b.add(
        "ARRAY_UNION",
        "The distinct elements of both arrays.",
        &["ARRAY<T>, ARRAY<T> -> ARRAY<T>"],
        array_union,
    );
    b.add(
        "ARRAY_CONCAT",
        "The elements of both arrays; one NULL array gives the other.",
        &["ARRAY<T>, ARRAY<T> -> ARRAY<T>"],
        array_concat,
    )
    .custom_nulls();
    b.add(
        "ARRAY_REMOVE",
        "The array without the elements equal to the value.",
        &["ARRAY<T>, T -> ARRAY<T>"],
        array_remove,
    )
    .custom_nulls();
    b.add(
        "ARRAY_JOIN",
        "The elements of an array of primitives joined into a string with a delimiter (default ',').",
        &["ARRAY<T> -> STRING", "ARRAY<T>, STRING -> STRING"],
        array_join,
    )
    .custom_nulls();
    b.add(
        "ARRAY_MAX",
        "The largest non-NULL element.",
        &["ARRAY<T> -> T"],
        array_max,
    );
    b.add(
        "ARRAY_MIN",
        "The smallest non-NULL element.",
        &["ARRAY<T> -> T"],
        array_min,
    );
    b.add(
        "ARRAY_SORT",
        "The array sorted 'ASC' (default) or 'DESC', NULLs last.",
        &["ARRAY<T> -> ARRAY<T>", "ARRAY<T>, STRING -> ARRAY<T>"],
        array_sort,
    );
    b.add(
        "SLICE",
        "The elements from 1-based position `from` to `to`, inclusive; NULL when out of range.",
        &["ARRAY<T>, INT, INT -> ARRAY<T>"],
        slice,
    )
    .custom_nulls();
    b.add(
        "GENERATE_SERIES",
        "The numbers from start to end inclusive, by step (default 1 or -1).",
        &[
            "INT, INT -> ARRAY<INT>",
            "INT, INT, INT -> ARRAY<INT>",
            "BIGINT, BIGINT -> ARRAY<BIGINT>",
            "BIGINT, BIGINT, INT -> ARRAY<BIGINT>",
        ],
        generate_series,
    );
    b.add(
        "AS_MAP",
        "A map from an array of keys and an array of values.",
        &["ARRAY<STRING>, ARRAY<T> -> MAP<STRING, T>"],
        as_map,
    )
    .in_category(FunctionCategory::Map);
    b.add(
        "MAP_KEYS",
        "The keys of a map.",
        &["MAP<K, V> -> ARRAY<K>"],
        map_keys,
    )
    .in_category(FunctionCategory::Map);
    b.add(
        "MAP_VALUES",
        "The values of a map.",
        &["MAP<K, V> -> ARRAY<V>"],
        map_values,
    )
    .in_category(FunctionCategory::Map);
    b.add(
        "MAP_UNION",
        "The entries of both maps, the second's winning; one NULL map gives the other.",
        &["MAP<K, V>, MAP<K, V> -> MAP<K, V>"],
        map_union,
    )
    .custom_nulls()
    .in_category(FunctionCategory::Map);
    b.add_signatures(
        "ENTRIES",
        "The entries of a map as an array of STRUCT<K, V>, optionally sorted by key.",
        vec![super::registry::sig("MAP<STRING, V>, BOOLEAN -> ARRAY<STRUCT>").derive(entries_type)],
        entries,
    )
    .custom_nulls()
    .in_category(FunctionCategory::Map);
    b.add(
        "AS_VALUE",
        "Returns its argument: copies a key column into the value.",
        &["T -> T"],
        as_value,
    )
    .custom_nulls()
    .in_category(FunctionCategory::Other);
}
