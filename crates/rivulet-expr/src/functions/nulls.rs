//! NULL-handling functions (ksqlDB §4.5): COALESCE, IFNULL and NULLIF. Arguments share one type
//! (widened to their common type).
//!
//! This module owns those functions. It must not know other families.

use rivulet_core::Value;

use super::{registry::Builder, Invocation};
use crate::{error::FunctionError, eval::compare::equal};

type R = Result<Value, FunctionError>;

fn coalesce(inv: &mut Invocation<'_, '_>) -> R {
    Ok(inv
        .args
        .iter()
        .find(|v| !v.is_null())
        .cloned()
        .unwrap_or(Value::Null))
}

fn nullif(inv: &mut Invocation<'_, '_>) -> R {
    let (a, b) = (inv.arg(0), inv.arg(1));
    if !a.is_null() && !b.is_null() && equal(a, b) {
        return Ok(Value::Null);
    }
    Ok(a.clone())
}

pub(crate) fn register(b: &mut Builder) {
    b.add(
        "COALESCE",
        "Returns the first non-NULL argument, or NULL if all are NULL.",
        &["T, T... -> T"],
        coalesce,
    )
    .custom_nulls();
    b.add(
        "IFNULL",
        "Returns the first argument, or the second if the first is NULL.",
        &["T, T -> T"],
        coalesce,
    )
    .custom_nulls();
    b.add(
        "NULLIF",
        "Returns NULL if both arguments are equal, else the first.",
        &["T, T -> T"],
        nullif,
    )
    .custom_nulls();
}
