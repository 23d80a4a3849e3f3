//! Higher-order functions (ksqlDB §4.6): TRANSFORM, FILTER and REDUCE over arrays and maps,
//! calling their lambda arguments through the invocation.
//!
//! This module owns those functions. It must not manage lambda scopes (the evaluator binds the
//! parameters) nor type lambda bodies (the registry does).

use rivulet_core::Value;

use super::{registry::Builder, Invocation};
use crate::{error::FunctionError, eval::compare::equal};

type R = Result<Value, FunctionError>;

fn transform(inv: &mut Invocation<'_, '_>) -> R {
    match inv.arg(0) {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(inv.call_lambda(1, vec![item.clone()])?);
            }
            Ok(Value::Array(out))
        }
        Value::Map(entries) => {
            let mut out: Vec<(Value, Value)> = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let nk = inv.call_lambda(1, vec![k.clone(), v.clone()])?;
                let nv = inv.call_lambda(2, vec![k.clone(), v.clone()])?;
                if out.iter().any(|(existing, _)| equal(existing, &nk)) {
                    return Err(format!("Duplicate key {nk}").into());
                }
                out.push((nk, nv));
            }
            Ok(Value::Map(out))
        }
        _ => Ok(Value::Null),
    }
}

fn filter(inv: &mut Invocation<'_, '_>) -> R {
    match inv.arg(0) {
        Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                if inv.call_lambda(1, vec![item.clone()])? == Value::Boolean(true) {
                    out.push(item.clone());
                }
            }
            Ok(Value::Array(out))
        }
        Value::Map(entries) => {
            let mut out = Vec::new();
            for (k, v) in entries {
                if inv.call_lambda(1, vec![k.clone(), v.clone()])? == Value::Boolean(true) {
                    out.push((k.clone(), v.clone()));
                }
            }
            Ok(Value::Map(out))
        }
        _ => Ok(Value::Null),
    }
}

fn reduce(inv: &mut Invocation<'_, '_>) -> R {
    let mut state = inv.arg(1).clone();
    if state.is_null() {
        return Ok(Value::Null);
    }
    match inv.arg(0) {
        Value::Array(items) => {
            for item in items {
                state = inv.call_lambda(2, vec![state, item.clone()])?;
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                state = inv.call_lambda(2, vec![state, k.clone(), v.clone()])?;
            }
        }
        _ => {}
    }
    Ok(state)
}

pub(crate) fn register(b: &mut Builder) {
    b.add(
        "TRANSFORM",
        "Applies a lambda to each element of an array, or two lambdas (new key, new value) to each entry of a map.",
        &[
            "ARRAY<T>, (T) => U -> ARRAY<U>",
            "MAP<K, V>, (K, V) => A, (K, V) => B -> MAP<A, B>",
        ],
        transform,
    )
    .custom_nulls();
    b.add(
        "FILTER",
        "Keeps the elements of an array, or entries of a map, for which the lambda is TRUE.",
        &[
            "ARRAY<T>, (T) => BOOLEAN -> ARRAY<T>",
            "MAP<K, V>, (K, V) => BOOLEAN -> MAP<K, V>",
        ],
        filter,
    )
    .custom_nulls();
    b.add(
        "REDUCE",
        "Folds an array (state, element) or a map (state, key, value) into a state, starting from the initial state.",
        &[
            "ARRAY<T>, S, (S, T) => S -> S",
            "MAP<K, V>, S, (S, K, V) => S -> S",
        ],
        reduce,
    )
    .custom_nulls();
}
