//! Aggregate functions (ksqlDB's UDAFs): typing of a call (`resolve`), its accumulator, how a
//! row updates it, how a table row's retraction undoes it (the table-capable aggregates only)
//! and what it yields — with ksqlDB's result types, NULL behaviour and error messages
//! (reference 4.1, 3.4). One function (or tight pair) per file; this module dispatches.
//! Constant arguments (TOPK's k, the by-offset n and ignoreNulls) must be literals, as ksqlDB's
//! UDAF init arguments; they are folded into [`AggregateKind`].
//!
//! Accumulators are plain serde values ([`Accumulator`]) so operator state can be checkpointed.
//!
//! Every aggregate can also merge two accumulators ([`AggregateCall::merge`], ksqlDB's UDAF
//! `merge`, which Kafka Streams' session windows call through `KudafAggregator.getMerger()`).
//! Merged state starts from [`AggregateCall::init_mergeable`] and takes rows with
//! [`AggregateCall::update_at`], which stamps the by-offset functions' values with the row's
//! sequence so a merge can order them as ksqlDB does. `merge(init, x)` is `x` for every
//! function.
//! This module owns the functions only: grouping, windows and emission belong to the engine's
//! aggregate operator, and it must not evaluate expressions (callers pass argument values).

mod avg;
mod by_offset;
mod catalog;
mod collect;
mod correlation;
mod count;
mod count_distinct;
mod histogram;
mod min_max;
mod stddev;
mod stored;
mod sum;
mod topk;

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
};

use rivulet_core::{DataType, Value};
use serde::{Deserialize, Serialize};

pub use catalog::{
    aggregate_function, aggregate_functions, AggregateFunctionInfo, AGGREGATE_CATEGORY,
};
pub use correlation::CorrelationSums;
pub use stored::StoredValue;

use crate::{error::TypeError, Expr};

/// Names of the aggregate functions Rivulet knows (typed or refused with a clear message).
pub const AGGREGATE_NAMES: [&str; 16] = [
    "COUNT",
    "COUNT_DISTINCT",
    "SUM",
    "AVG",
    "MIN",
    "MAX",
    "LATEST_BY_OFFSET",
    "EARLIEST_BY_OFFSET",
    "COLLECT_LIST",
    "COLLECT_SET",
    "TOPK",
    "TOPKDISTINCT",
    "HISTOGRAM",
    "STDDEV_SAMP",
    "STDDEV_SAMPLE",
    "CORRELATION",
];

/// Whether `name` (any case) is an aggregate function.
pub fn is_aggregate(name: &str) -> bool {
    AGGREGATE_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Which aggregate a call computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateKind {
    /// `COUNT(*)` / `COUNT()`: rows.
    CountStar,
    /// `COUNT(col)`: non-NULL values.
    Count,
    Sum,
    Avg,
    Min,
    Max,
    LatestByOffset {
        ignore_nulls: bool,
    },
    EarliestByOffset {
        ignore_nulls: bool,
    },
    CountDistinct,
    CollectList,
    CollectSet,
    /// `LATEST_BY_OFFSET(col, n [, ignoreNulls])`: the last n values, oldest first.
    LatestByOffsetN {
        n: usize,
        ignore_nulls: bool,
    },
    /// `EARLIEST_BY_OFFSET(col, n [, ignoreNulls])`: the first n values.
    EarliestByOffsetN {
        n: usize,
        ignore_nulls: bool,
    },
    /// `TOPK(col, [otherCols...,] k)`; the value arguments are col then the other columns.
    TopK {
        k: usize,
    },
    TopKDistinct {
        k: usize,
    },
    Histogram,
    /// STDDEV_SAMP: the sample variance (ksqlDB's documented bug).
    StddevSamp,
    /// STDDEV_SAMPLE: the sample standard deviation.
    StddevSample,
    Correlation,
}

/// A typed aggregate call: the function, its argument expressions (over the input row) and
/// its result type.
#[derive(Debug, Clone)]
pub struct AggregateCall {
    pub name: String,
    pub kind: AggregateKind,
    /// Value arguments (constant arguments such as `ignoreNulls` are folded into `kind`).
    pub args: Vec<Expr>,
    pub arg_type: Option<DataType>,
    pub return_type: DataType,
}

/// The running state of one aggregate call for one group (and window).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Accumulator {
    Count(i64),
    SumInt(i32),
    SumBigint(i64),
    SumDouble(f64),
    SumDecimal {
        unscaled: i128,
        scale: u8,
    },
    AvgInt {
        sum: i64,
        count: i64,
    },
    AvgDouble {
        sum: f64,
        count: i64,
    },
    /// MIN, MAX, LATEST_BY_OFFSET: the value so far (NULL when none).
    Value(StoredValue),
    /// EARLIEST_BY_OFFSET: the first value, once one was taken.
    Earliest {
        value: StoredValue,
        taken: bool,
    },
    /// COUNT_DISTINCT: stable hashes of the distinct values.
    Distinct(BTreeSet<u64>),
    /// COLLECT_LIST, COLLECT_SET, TOPK, TOPKDISTINCT and the by-offset n forms.
    List(Vec<StoredValue>),
    /// HISTOGRAM: count per distinct value.
    Histogram(BTreeMap<String, i64>),
    /// STDDEV_SAMP / STDDEV_SAMPLE of INT: Java int sum, count, M2.
    StddevInt {
        sum: i32,
        count: i64,
        m2: f64,
    },
    StddevBigint {
        sum: i64,
        count: i64,
        m2: f64,
    },
    StddevDouble {
        sum: f64,
        count: i64,
        m2: f64,
    },
    Correlation(CorrelationSums),
    /// LATEST/EARLIEST_BY_OFFSET (single and n forms) in state that is merged: the kept values,
    /// oldest first, each with the sequence it was taken at (ksqlDB's SEQ field). Last variant,
    /// so the others keep their checkpoint encoding.
    ByOffset(Vec<(u64, StoredValue)>),
}

fn invalid(name: &str, types: &[DataType]) -> TypeError {
    let args: Vec<String> = types.iter().map(ToString::to_string).collect();
    TypeError::Invalid(format!(
        "Function '{name}' does not accept parameters ({}).",
        args.join(", ")
    ))
}

/// ksqlDB's error for a constant argument given as an expression (`UdafUtil`).
fn not_literal(name: &str, position: usize, text: &str) -> TypeError {
    TypeError::Invalid(format!(
        "Parameter {position} passed to function {name} must be a literal constant, but was expression: '{text}'"
    ))
}

/// The constant argument `i` (a non-NULL literal), or ksqlDB's error naming its text.
fn literal(name: &str, args: &[Expr], texts: &[String], i: usize) -> Result<Value, TypeError> {
    match args.get(i) {
        Some(Expr::Literal(v, _)) if !v.is_null() => Ok(v.clone()),
        Some(Expr::Literal(..)) | None => Err(TypeError::Invalid(format!(
            "Parameter {} passed to function {name} must not be NULL",
            i + 1
        ))),
        Some(e) => Err(not_literal(
            name,
            i + 1,
            &texts.get(i).cloned().unwrap_or_else(|| e.to_string()),
        )),
    }
}

fn literal_bool(name: &str, args: &[Expr], texts: &[String], i: usize) -> Result<bool, TypeError> {
    match literal(name, args, texts, i)? {
        Value::Boolean(b) => Ok(b),
        _ => Err(invalid(
            name,
            &args.iter().map(Expr::data_type).collect::<Vec<_>>(),
        )),
    }
}

/// An INT literal that must be at least 1 (`what` names it in the error, as ksqlDB does for
/// `latestN` / `earliestN`).
fn literal_count(
    name: &str,
    args: &[Expr],
    texts: &[String],
    i: usize,
    what: &str,
) -> Result<usize, TypeError> {
    match literal(name, args, texts, i)? {
        Value::Int(n) if n >= 1 => Ok(n as usize),
        Value::Int(_) => Err(TypeError::Invalid(format!("{what} must be 1 or greater"))),
        _ => Err(invalid(
            name,
            &args.iter().map(Expr::data_type).collect::<Vec<_>>(),
        )),
    }
}

/// Types the call `name(args)` (`star` for `name(*)`). Errors name constant arguments by
/// their bound form; [`resolve_with_text`] names them as written.
pub fn resolve(name: &str, args: Vec<Expr>, star: bool) -> Result<AggregateCall, TypeError> {
    let texts: Vec<String> = args.iter().map(ToString::to_string).collect();
    resolve_with_text(name, args, &texts, star)
}

/// Types the call `name(args)`; `texts` are the arguments as written (for ksqlDB's "must be a
/// literal constant, but was expression: 'X'" message).
pub fn resolve_with_text(
    name: &str,
    args: Vec<Expr>,
    texts: &[String],
    star: bool,
) -> Result<AggregateCall, TypeError> {
    let upper = name.to_ascii_uppercase();
    let types: Vec<DataType> = args.iter().map(Expr::data_type).collect();
    let n = upper.as_str();
    let (kind, return_type, value_args) = match (n, types.as_slice()) {
        ("COUNT", []) => (AggregateKind::CountStar, DataType::Bigint, 0),
        ("COUNT", [_]) if !star => (AggregateKind::Count, DataType::Bigint, 1),
        ("SUM", [t]) => (
            AggregateKind::Sum,
            sum::return_type(t).ok_or_else(|| invalid(n, &types))?,
            1,
        ),
        ("AVG", [t]) => (
            AggregateKind::Avg,
            avg::return_type(t).ok_or_else(|| invalid(n, &types))?,
            1,
        ),
        ("MIN" | "MAX", [t]) => {
            if !min_max::accepts(t) {
                return Err(invalid(n, &types));
            }
            let kind = if n == "MIN" {
                AggregateKind::Min
            } else {
                AggregateKind::Max
            };
            (kind, t.clone(), 1)
        }
        ("LATEST_BY_OFFSET" | "EARLIEST_BY_OFFSET", [t]) => {
            let kind = if n == "LATEST_BY_OFFSET" {
                AggregateKind::LatestByOffset { ignore_nulls: true }
            } else {
                AggregateKind::EarliestByOffset { ignore_nulls: true }
            };
            (kind, t.clone(), 1)
        }
        ("LATEST_BY_OFFSET" | "EARLIEST_BY_OFFSET", [t, DataType::Boolean]) => {
            let ignore_nulls = literal_bool(n, &args, texts, 1)?;
            let kind = if n == "LATEST_BY_OFFSET" {
                AggregateKind::LatestByOffset { ignore_nulls }
            } else {
                AggregateKind::EarliestByOffset { ignore_nulls }
            };
            (kind, t.clone(), 1)
        }
        ("LATEST_BY_OFFSET" | "EARLIEST_BY_OFFSET", [t, DataType::Int, rest @ ..])
            if matches!(rest, [] | [DataType::Boolean]) =>
        {
            let latest = n == "LATEST_BY_OFFSET";
            let what = if latest { "latestN" } else { "earliestN" };
            let count = literal_count(n, &args, texts, 1, what)?;
            let ignore_nulls = match rest {
                [] => true,
                _ => literal_bool(n, &args, texts, 2)?,
            };
            let kind = if latest {
                AggregateKind::LatestByOffsetN {
                    n: count,
                    ignore_nulls,
                }
            } else {
                AggregateKind::EarliestByOffsetN {
                    n: count,
                    ignore_nulls,
                }
            };
            (kind, DataType::Array(Box::new(t.clone())), 1)
        }
        ("COUNT_DISTINCT", [_]) => (AggregateKind::CountDistinct, DataType::Bigint, 1),
        ("COLLECT_LIST", [t]) => (
            AggregateKind::CollectList,
            DataType::Array(Box::new(t.clone())),
            1,
        ),
        ("COLLECT_SET", [t]) => (
            AggregateKind::CollectSet,
            DataType::Array(Box::new(t.clone())),
            1,
        ),
        ("TOPK", [t, .., DataType::Int]) if types.len() >= 2 && topk::topk_accepts(t) => {
            let last = types.len() - 1;
            let k = literal_count(n, &args, texts, last, "k")?;
            let element = topk::element_type(&types[..last]);
            (
                AggregateKind::TopK { k },
                DataType::Array(Box::new(element)),
                last,
            )
        }
        ("TOPKDISTINCT", [t, DataType::Int]) if topk::distinct_accepts(t) => {
            let k = literal_count(n, &args, texts, 1, "k")?;
            (
                AggregateKind::TopKDistinct { k },
                DataType::Array(Box::new(t.clone())),
                1,
            )
        }
        ("HISTOGRAM", [DataType::String]) => (
            AggregateKind::Histogram,
            DataType::Map(Box::new(DataType::String), Box::new(DataType::Bigint)),
            1,
        ),
        ("STDDEV_SAMP", [t]) if stddev::accepts(t) => {
            (AggregateKind::StddevSamp, DataType::Double, 1)
        }
        ("STDDEV_SAMPLE", [t]) if stddev::accepts(t) => {
            (AggregateKind::StddevSample, DataType::Double, 1)
        }
        ("CORRELATION", [x, y]) if correlation::accepts(x) && correlation::accepts(y) => {
            (AggregateKind::Correlation, DataType::Double, 2)
        }
        _ if is_aggregate(n) => return Err(invalid(n, &types)),
        _ => return Err(TypeError::UnknownFunction(upper)),
    };
    let arg_type = types.first().cloned();
    let mut args = args;
    args.truncate(value_args);
    Ok(AggregateCall {
        name: upper,
        kind,
        args,
        arg_type,
        return_type,
    })
}

impl AggregateCall {
    /// The by-offset function this call is, if it is one.
    fn by_offset(&self) -> Option<by_offset::ByOffset> {
        let (latest, n, ignore_nulls, single) = match self.kind {
            AggregateKind::LatestByOffset { ignore_nulls } => (true, 1, ignore_nulls, true),
            AggregateKind::EarliestByOffset { ignore_nulls } => (false, 1, ignore_nulls, true),
            AggregateKind::LatestByOffsetN { n, ignore_nulls } => (true, n, ignore_nulls, false),
            AggregateKind::EarliestByOffsetN { n, ignore_nulls } => (false, n, ignore_nulls, false),
            _ => return None,
        };
        Some(by_offset::ByOffset {
            latest,
            n,
            ignore_nulls,
            single,
        })
    }

    /// The accumulator of a group with no rows yet whose state will be merged: as [`init`]'s,
    /// except that the by-offset functions keep each value's sequence
    /// ([`Accumulator::ByOffset`]). Feed it with [`update_at`].
    ///
    /// [`init`]: AggregateCall::init
    /// [`update_at`]: AggregateCall::update_at
    pub fn init_mergeable(&self) -> Accumulator {
        match self.by_offset() {
            Some(_) => Accumulator::ByOffset(Vec::new()),
            None => self.init(),
        }
    }

    /// Adds one row, as [`update`](AggregateCall::update), for state from
    /// [`init_mergeable`](AggregateCall::init_mergeable): `seq` is the row's place in arrival
    /// order (increasing over every accumulator that may be merged with this one); the
    /// by-offset functions keep it with the value, as ksqlDB's SEQ.
    pub fn update_at(&self, acc: &mut Accumulator, args: &mut [Value], seq: u64) {
        match (self.by_offset(), &acc) {
            (Some(f), Accumulator::ByOffset(_)) => {
                by_offset::update_at(acc, args.first_mut(), seq, f)
            }
            _ => self.update(acc, args),
        }
    }

    /// Merges `other` into `into`, as ksqlDB's UDAF `merge(aggOne = into, aggTwo = other)`:
    /// counts, sums, sketches and statistics combine; MIN/MAX keep the extreme; COLLECT_LIST
    /// appends `other`'s values after `into`'s and COLLECT_SET its new ones; TOPK and
    /// TOPKDISTINCT merge their sorted lists (ties: `into`'s first); HISTOGRAM adds counts up
    /// to its key limit; the by-offset functions keep the latest / earliest values by the
    /// sequence they were taken at. Both sides must come from this call.
    pub fn merge(&self, into: &mut Accumulator, other: Accumulator) {
        if let Some(f) = self.by_offset() {
            return by_offset::merge(into, other, f);
        }
        match self.kind {
            AggregateKind::CountStar | AggregateKind::Count => count::merge(into, &other),
            AggregateKind::Sum => sum::merge(into, &other),
            AggregateKind::Avg => avg::merge(into, &other),
            AggregateKind::Min => min_max::merge(into, other, std::cmp::Ordering::Less),
            AggregateKind::Max => min_max::merge(into, other, std::cmp::Ordering::Greater),
            AggregateKind::CountDistinct => count_distinct::merge(into, other),
            AggregateKind::CollectList => collect::merge_list(into, other),
            AggregateKind::CollectSet => collect::merge_set(into, other),
            AggregateKind::TopK { k } => topk::merge(into, other, k, false),
            AggregateKind::TopKDistinct { k } => topk::merge(into, other, k, true),
            AggregateKind::Histogram => histogram::merge(into, other),
            AggregateKind::StddevSamp | AggregateKind::StddevSample => stddev::merge(into, &other),
            AggregateKind::Correlation => correlation::merge(into, &other),
            AggregateKind::LatestByOffset { .. }
            | AggregateKind::EarliestByOffset { .. }
            | AggregateKind::LatestByOffsetN { .. }
            | AggregateKind::EarliestByOffsetN { .. } => {}
        }
    }

    /// The accumulator of a group that has seen no rows yet.
    pub fn init(&self) -> Accumulator {
        match self.kind {
            AggregateKind::CountStar | AggregateKind::Count => Accumulator::Count(0),
            AggregateKind::Sum => sum::init(&self.return_type),
            AggregateKind::Avg => avg::init(self.arg_type.as_ref()),
            AggregateKind::Min | AggregateKind::Max | AggregateKind::LatestByOffset { .. } => {
                Accumulator::Value(StoredValue::default())
            }
            AggregateKind::EarliestByOffset { .. } => Accumulator::Earliest {
                value: StoredValue::default(),
                taken: false,
            },
            AggregateKind::CountDistinct => Accumulator::Distinct(BTreeSet::new()),
            AggregateKind::CollectList
            | AggregateKind::CollectSet
            | AggregateKind::LatestByOffsetN { .. }
            | AggregateKind::EarliestByOffsetN { .. }
            | AggregateKind::TopK { .. }
            | AggregateKind::TopKDistinct { .. } => Accumulator::List(Vec::new()),
            AggregateKind::Histogram => Accumulator::Histogram(BTreeMap::new()),
            AggregateKind::StddevSamp | AggregateKind::StddevSample => {
                stddev::init(self.arg_type.as_ref())
            }
            AggregateKind::Correlation => Accumulator::Correlation(CorrelationSums::default()),
        }
    }

    /// Adds one row, whose argument values are `args` (taken, not copied).
    pub fn update(&self, acc: &mut Accumulator, args: &mut [Value]) {
        match self.kind {
            AggregateKind::TopK { k } => return topk::update(acc, args, k),
            AggregateKind::Correlation => return correlation::update(acc, args),
            _ => {}
        }
        let arg = args.first_mut();
        match self.kind {
            AggregateKind::CountStar => count::update_star(acc),
            AggregateKind::Count => count::update(acc, arg.map(|v| &*v)),
            AggregateKind::Sum => sum::update(acc, arg.map(|v| &*v)),
            AggregateKind::Avg => avg::update(acc, arg.map(|v| &*v)),
            AggregateKind::Min => min_max::update(acc, arg, std::cmp::Ordering::Less),
            AggregateKind::Max => min_max::update(acc, arg, std::cmp::Ordering::Greater),
            AggregateKind::LatestByOffset { ignore_nulls } => {
                by_offset::update_latest(acc, arg, ignore_nulls)
            }
            AggregateKind::EarliestByOffset { ignore_nulls } => {
                by_offset::update_earliest(acc, arg, ignore_nulls)
            }
            AggregateKind::CountDistinct => count_distinct::update(acc, arg.map(|v| &*v)),
            AggregateKind::CollectList => collect::update_list(acc, arg),
            AggregateKind::CollectSet => collect::update_set(acc, arg),
            AggregateKind::LatestByOffsetN { n, ignore_nulls } => {
                by_offset::update_latest_n(acc, arg, n, ignore_nulls)
            }
            AggregateKind::EarliestByOffsetN { n, ignore_nulls } => {
                by_offset::update_earliest_n(acc, arg, n, ignore_nulls)
            }
            AggregateKind::TopKDistinct { k } => topk::update_distinct(acc, arg, k),
            AggregateKind::Histogram => histogram::update(acc, arg.map(|v| &*v)),
            AggregateKind::StddevSamp | AggregateKind::StddevSample => {
                stddev::update(acc, arg.map(|v| &*v))
            }
            AggregateKind::TopK { .. } | AggregateKind::Correlation => {}
        }
    }

    /// Whether this aggregate may aggregate a TABLE (ksqlDB's "table" UDAFs, which can undo).
    pub fn supports_undo(&self) -> bool {
        matches!(
            self.kind,
            AggregateKind::CountStar
                | AggregateKind::Count
                | AggregateKind::Sum
                | AggregateKind::Avg
                | AggregateKind::CollectList
                | AggregateKind::Histogram
                | AggregateKind::StddevSamp
                | AggregateKind::StddevSample
                | AggregateKind::Correlation
        )
    }

    /// Removes a row's contribution (the arguments `update` was given for that row) from `acc`.
    /// Only called when `supports_undo()`; on other aggregates it leaves `acc` unchanged.
    pub fn undo(&self, acc: &mut Accumulator, args: &mut [Value]) {
        let arg = args.first();
        match self.kind {
            AggregateKind::CountStar => count::undo_star(acc),
            AggregateKind::Count => count::undo(acc, arg),
            AggregateKind::Sum => sum::undo(acc, arg),
            AggregateKind::Avg => avg::undo(acc, arg),
            AggregateKind::CollectList => collect::undo_list(acc, arg),
            AggregateKind::Histogram => histogram::undo(acc, arg),
            AggregateKind::StddevSamp | AggregateKind::StddevSample => stddev::undo(acc, arg),
            AggregateKind::Correlation => correlation::undo(acc, args),
            AggregateKind::Min
            | AggregateKind::Max
            | AggregateKind::LatestByOffset { .. }
            | AggregateKind::EarliestByOffset { .. }
            | AggregateKind::LatestByOffsetN { .. }
            | AggregateKind::EarliestByOffsetN { .. }
            | AggregateKind::CountDistinct
            | AggregateKind::CollectSet
            | AggregateKind::TopK { .. }
            | AggregateKind::TopKDistinct { .. } => {}
        }
    }

    /// The aggregate's current value.
    pub fn result(&self, acc: &Accumulator) -> Value {
        match acc {
            Accumulator::Count(n) => Value::Bigint(*n),
            Accumulator::SumInt(_)
            | Accumulator::SumBigint(_)
            | Accumulator::SumDouble(_)
            | Accumulator::SumDecimal { .. } => sum::result(acc),
            Accumulator::AvgInt { .. } | Accumulator::AvgDouble { .. } => avg::result(acc),
            Accumulator::Value(v) | Accumulator::Earliest { value: v, .. } => v.0.clone(),
            Accumulator::Distinct(set) => Value::Bigint(set.len() as i64),
            Accumulator::List(items) => Value::Array(items.iter().map(|v| v.0.clone()).collect()),
            Accumulator::Histogram(counts) => histogram::result(counts),
            Accumulator::StddevInt { .. }
            | Accumulator::StddevBigint { .. }
            | Accumulator::StddevDouble { .. } => {
                let variance = stddev::variance(acc);
                Value::Double(if self.kind == AggregateKind::StddevSample {
                    variance.sqrt()
                } else {
                    variance
                })
            }
            Accumulator::Correlation(sums) => correlation::result(sums),
            Accumulator::ByOffset(items) => match self.by_offset() {
                Some(f) => by_offset::result(items, f),
                None => Value::Null,
            },
        }
    }
}

impl fmt::Display for AggregateCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let args: Vec<String> = self.args.iter().map(ToString::to_string).collect();
        match self.kind {
            AggregateKind::CountStar => write!(f, "COUNT(*)"),
            AggregateKind::LatestByOffset {
                ignore_nulls: false,
            }
            | AggregateKind::EarliestByOffset {
                ignore_nulls: false,
            } => {
                write!(f, "{}({}, false)", self.name, args.join(", "))
            }
            AggregateKind::LatestByOffsetN { n, ignore_nulls }
            | AggregateKind::EarliestByOffsetN { n, ignore_nulls } => {
                let nulls = if ignore_nulls { "" } else { ", false" };
                write!(f, "{}({}, {n}{nulls})", self.name, args.join(", "))
            }
            AggregateKind::TopK { k } | AggregateKind::TopKDistinct { k } => {
                write!(f, "{}({}, {k})", self.name, args.join(", "))
            }
            _ => write!(f, "{}({})", self.name, args.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, t: DataType, values: Vec<Value>) -> Value {
        let call = resolve(name, vec![Expr::column(0, t)], false).unwrap();
        let mut acc = call.init();
        for v in values {
            call.update(&mut acc, &mut [v]);
        }
        // State survives a checkpoint round trip unchanged.
        let text = serde_json::to_string(&acc).unwrap();
        let back: Accumulator = serde_json::from_str(&text).unwrap();
        assert_eq!(back, acc);
        call.result(&acc)
    }

    #[test]
    fn null_behaviour_and_result_types_follow_ksqldb() {
        use Value::*;
        assert_eq!(
            run("count", DataType::Int, vec![Int(1), Null, Int(3)]),
            Bigint(2)
        );
        assert_eq!(
            run("sum", DataType::Int, vec![Int(1), Null, Int(3)]),
            Int(4)
        );
        assert_eq!(run("sum", DataType::Int, vec![Null]), Int(0));
        assert_eq!(run("sum", DataType::Double, vec![]), Double(0.0));
        assert_eq!(run("avg", DataType::Int, vec![Int(1), Int(2)]), Double(1.5));
        assert_eq!(run("avg", DataType::Double, vec![Null]), Double(0.0));
        assert_eq!(
            run("min", DataType::Int, vec![Null, Int(5), Int(2)]),
            Int(2)
        );
        assert_eq!(
            run(
                "max",
                DataType::String,
                vec![Value::from("a"), Value::from("b")]
            ),
            Value::from("b")
        );
        assert_eq!(run("max", DataType::Int, vec![Null]), Null);
        assert_eq!(
            run(
                "latest_by_offset",
                DataType::Int,
                vec![Int(1), Int(2), Null]
            ),
            Int(2)
        );
        assert_eq!(
            run(
                "earliest_by_offset",
                DataType::Int,
                vec![Null, Int(1), Int(2)]
            ),
            Int(1)
        );
        assert_eq!(
            run(
                "count_distinct",
                DataType::Int,
                vec![Int(1), Int(1), Null, Int(2)]
            ),
            Bigint(2)
        );
        assert_eq!(
            run("collect_list", DataType::Int, vec![Int(1), Null, Int(1)]),
            Array(vec![Int(1), Null, Int(1)])
        );
        assert_eq!(
            run("collect_set", DataType::Int, vec![Int(2), Int(1), Int(2)]),
            Array(vec![Int(2), Int(1)])
        );
    }

    #[test]
    fn typing() {
        let col = |t| vec![Expr::column(0, t)];
        assert_eq!(
            resolve("SUM", col(DataType::Bigint), false)
                .unwrap()
                .return_type,
            DataType::Bigint
        );
        assert_eq!(
            resolve("AVG", col(DataType::Int), false)
                .unwrap()
                .return_type,
            DataType::Double
        );
        assert_eq!(
            resolve("COUNT", vec![], true).unwrap().kind,
            AggregateKind::CountStar
        );
        assert!(resolve("SUM", col(DataType::String), false).is_err());
        assert!(resolve("TOPK", col(DataType::Int), false).is_err());
        let latest = resolve(
            "LATEST_BY_OFFSET",
            vec![Expr::column(0, DataType::Int), Expr::literal(false)],
            false,
        )
        .unwrap();
        assert_eq!(
            latest.kind,
            AggregateKind::LatestByOffset {
                ignore_nulls: false
            }
        );
        assert_eq!(latest.args.len(), 1);
    }

    fn call(name: &str, args: Vec<Expr>) -> Result<AggregateCall, String> {
        resolve(name, args, false).map_err(|e| e.to_string())
    }

    fn col(i: usize, t: DataType) -> Expr {
        Expr::column(i, t)
    }

    #[test]
    fn new_functions_are_typed_as_ksqldb_types_them() {
        use DataType::*;
        let topk = call("topk", vec![col(0, Double), Expr::literal(3)]).unwrap();
        assert_eq!(topk.kind, AggregateKind::TopK { k: 3 });
        assert_eq!(topk.return_type, Array(Box::new(Double)));
        assert_eq!(topk.args.len(), 1);
        assert_eq!(topk.to_string(), "TOPK($0, 3)");

        let multi = call(
            "TOPK",
            vec![
                col(0, Int),
                col(1, String),
                col(2, Boolean),
                Expr::literal(2),
            ],
        )
        .unwrap();
        assert_eq!(multi.args.len(), 3);
        assert_eq!(
            multi.return_type.to_string(),
            "ARRAY<STRUCT<`sort_col` INTEGER, `col0` STRING, `col1` BOOLEAN>>"
        );

        let distinct = call("TOPKDISTINCT", vec![col(0, Date), Expr::literal(5)]).unwrap();
        assert_eq!(distinct.return_type, Array(Box::new(Date)));
        assert_eq!(distinct.to_string(), "TOPKDISTINCT($0, 5)");

        let h = call("histogram", vec![col(0, String)]).unwrap();
        assert_eq!(h.return_type, Map(Box::new(String), Box::new(Bigint)));
        for name in ["STDDEV_SAMP", "STDDEV_SAMPLE"] {
            for t in [Int, Bigint, Double] {
                assert_eq!(call(name, vec![col(0, t)]).unwrap().return_type, Double);
            }
        }
        let c = call("CORRELATION", vec![col(0, Int), col(1, Double)]).unwrap();
        assert_eq!((c.return_type, c.args.len()), (Double, 2));

        let latest = call("LATEST_BY_OFFSET", vec![col(0, String), Expr::literal(2)]).unwrap();
        assert_eq!(
            latest.kind,
            AggregateKind::LatestByOffsetN {
                n: 2,
                ignore_nulls: true
            }
        );
        assert_eq!(latest.return_type, Array(Box::new(String)));
        assert_eq!(latest.to_string(), "LATEST_BY_OFFSET($0, 2)");
        let earliest = call(
            "EARLIEST_BY_OFFSET",
            vec![col(0, Int), Expr::literal(3), Expr::literal(false)],
        )
        .unwrap();
        assert_eq!(
            earliest.kind,
            AggregateKind::EarliestByOffsetN {
                n: 3,
                ignore_nulls: false
            }
        );
        assert_eq!(earliest.to_string(), "EARLIEST_BY_OFFSET($0, 3, false)");
    }

    #[test]
    fn bad_arguments_get_ksqldb_errors() {
        use DataType::*;
        assert_eq!(
            call("TOPK", vec![col(0, Boolean), Expr::literal(3)]).unwrap_err(),
            "Function 'TOPK' does not accept parameters (BOOLEAN, INTEGER)."
        );
        assert_eq!(
            call("TOPK", vec![col(0, Int), Expr::literal("x")]).unwrap_err(),
            "Function 'TOPK' does not accept parameters (INTEGER, STRING)."
        );
        assert!(call("TOPKDISTINCT", vec![col(0, Boolean), Expr::literal(3)]).is_err());
        assert!(call("HISTOGRAM", vec![col(0, Int)]).is_err());
        assert!(call("STDDEV_SAMP", vec![col(0, String)]).is_err());
        assert!(call(
            "STDDEV_SAMPLE",
            vec![col(
                0,
                Decimal {
                    precision: 4,
                    scale: 2
                }
            )]
        )
        .is_err());
        assert!(call("CORRELATION", vec![col(0, Int)]).is_err());
        assert!(call("CORRELATION", vec![col(0, String), col(1, Int)]).is_err());
        let texts = ["V".to_string(), "K".to_string()];
        assert_eq!(
            resolve_with_text("topk", vec![col(0, Int), col(1, Int)], &texts, false)
                .unwrap_err()
                .to_string(),
            "Parameter 2 passed to function TOPK must be a literal constant, but was expression: 'K'"
        );
        assert_eq!(
            call("LATEST_BY_OFFSET", vec![col(0, Int), col(1, Boolean)]).unwrap_err(),
            "Parameter 2 passed to function LATEST_BY_OFFSET must be a literal constant, but was expression: '$1'"
        );
        assert_eq!(
            call("LATEST_BY_OFFSET", vec![col(0, Int), Expr::literal(0)]).unwrap_err(),
            "latestN must be 1 or greater"
        );
        assert_eq!(
            call("EARLIEST_BY_OFFSET", vec![col(0, Int), Expr::literal(-1)]).unwrap_err(),
            "earliestN must be 1 or greater"
        );
        assert_eq!(
            call("TOPK", vec![col(0, Int), Expr::literal(0)]).unwrap_err(),
            "k must be 1 or greater"
        );
        assert!(call("LATEST_BY_OFFSET", vec![col(0, Int), Expr::literal("a")]).is_err());
    }

    /// Runs `update` over `rows`, then checks `undo` of every row returns the initial result.
    fn update_then_undo(name: &str, types: Vec<DataType>, rows: Vec<Vec<Value>>) -> Value {
        let args = types
            .into_iter()
            .enumerate()
            .map(|(i, t)| Expr::column(i, t))
            .collect();
        let call = resolve(name, args, false).unwrap();
        assert!(call.supports_undo(), "{name}");
        let initial = call.result(&call.init());
        let mut acc = call.init();
        for row in &rows {
            call.update(&mut acc, &mut row.clone());
        }
        let text = serde_json::to_string(&acc).unwrap();
        assert_eq!(serde_json::from_str::<Accumulator>(&text).unwrap(), acc);
        let full = call.result(&acc);
        for row in rows.iter().rev() {
            call.undo(&mut acc, &mut row.clone());
        }
        let after = call.result(&acc);
        match (&after, &initial) {
            (Value::Double(a), Value::Double(b)) if a.is_nan() => assert!(b.is_nan(), "{name}"),
            _ => assert_eq!(after, initial, "{name}"),
        }
        full
    }

    #[test]
    fn undo_of_every_table_aggregate_returns_the_initial_result() {
        use DataType as T;
        use Value::*;
        let ints = || vec![vec![Int(3)], vec![Null], vec![Int(-7)], vec![Int(3)]];
        let doubles = || vec![vec![Double(1.25)], vec![Null], vec![Double(9.5)]];
        assert_eq!(update_then_undo("COUNT", vec![], ints()), Bigint(4));
        assert_eq!(update_then_undo("COUNT", vec![T::Int], ints()), Bigint(3));
        assert_eq!(update_then_undo("SUM", vec![T::Int], ints()), Int(-1));
        assert_eq!(
            update_then_undo("SUM", vec![T::Double], doubles()),
            Double(10.75)
        );
        let dec = |u| Decimal(rivulet_core::Decimal::new(u, 2));
        let decimals = vec![vec![dec(150)], vec![dec(-25)]];
        let t = T::Decimal {
            precision: 5,
            scale: 2,
        };
        assert_eq!(update_then_undo("SUM", vec![t], decimals), dec(125));
        assert_eq!(
            update_then_undo(
                "AVG",
                vec![T::Bigint],
                vec![vec![Bigint(1)], vec![Bigint(2)]]
            ),
            Double(1.5)
        );
        assert_eq!(
            update_then_undo("AVG", vec![T::Double], doubles()),
            Double(5.375)
        );
        assert_eq!(
            update_then_undo("COLLECT_LIST", vec![T::Int], ints()),
            Array(vec![Int(3), Null, Int(-7), Int(3)])
        );
        let words = ["a", "b", "a"].map(|w| vec![Value::from(w)]).to_vec();
        assert_eq!(
            update_then_undo("HISTOGRAM", vec![T::String], words),
            Map(vec![
                (Value::from("a"), Bigint(2)),
                (Value::from("b"), Bigint(1))
            ])
        );
        let spread = || vec![vec![Int(2)], vec![Int(4)], vec![Null], vec![Int(9)]];
        // Deviations from the mean 5: −3, −1, 4 → squares 26, n − 1 = 2.
        assert_eq!(
            update_then_undo("STDDEV_SAMP", vec![T::Int], spread()),
            Double(13.0)
        );
        assert_eq!(
            update_then_undo("STDDEV_SAMPLE", vec![T::Int], spread()),
            Double(13f64.sqrt())
        );
        let pairs = vec![
            vec![Int(1), Int(2)],
            vec![Int(2), Null],
            vec![Int(3), Int(6)],
        ];
        assert_eq!(
            update_then_undo("CORRELATION", vec![T::Int, T::Int], pairs),
            Double(1.0)
        );
    }

    #[test]
    fn collect_list_undo_removes_one_occurrence() {
        let call = resolve("COLLECT_LIST", vec![col(0, DataType::Int)], false).unwrap();
        let mut acc = call.init();
        for v in [1, 2, 1, 3] {
            call.update(&mut acc, &mut [Value::Int(v)]);
        }
        call.undo(&mut acc, &mut [Value::Int(1)]);
        call.undo(&mut acc, &mut [Value::Int(42)]);
        assert_eq!(
            call.result(&acc),
            Value::Array(vec![Value::Int(1), Value::Int(2), Value::Int(3)])
        );
    }

    #[test]
    fn stream_only_aggregates_do_not_undo() {
        use DataType::*;
        let stream_only = [
            call("MIN", vec![col(0, Int)]),
            call("MAX", vec![col(0, Int)]),
            call("COUNT_DISTINCT", vec![col(0, Int)]),
            call("COLLECT_SET", vec![col(0, Int)]),
            call("LATEST_BY_OFFSET", vec![col(0, Int)]),
            call("EARLIEST_BY_OFFSET", vec![col(0, Int), Expr::literal(2)]),
            call("TOPK", vec![col(0, Int), Expr::literal(2)]),
            call("TOPKDISTINCT", vec![col(0, Int), Expr::literal(2)]),
        ];
        for c in stream_only {
            let c = c.unwrap();
            assert!(!c.supports_undo(), "{c}");
            let mut acc = c.init();
            c.update(&mut acc, &mut [Value::Int(5)]);
            let before = acc.clone();
            c.undo(&mut acc, &mut [Value::Int(5)]);
            assert_eq!(acc, before, "{c}");
        }
    }

    #[test]
    fn topk_multi_column_results_are_structs() {
        let call = resolve(
            "TOPK",
            vec![
                col(0, DataType::Bigint),
                col(1, DataType::String),
                Expr::literal(2),
            ],
            false,
        )
        .unwrap();
        let mut acc = call.init();
        for (v, name) in [(5, "a"), (9, "b"), (1, "c")] {
            call.update(&mut acc, &mut [Value::Bigint(v), Value::from(name)]);
        }
        let entry = |v, name: &str| {
            Value::Struct(vec![
                (std::sync::Arc::from("sort_col"), Value::Bigint(v)),
                (std::sync::Arc::from("col0"), Value::from(name)),
            ])
        };
        assert_eq!(
            call.result(&acc),
            Value::Array(vec![entry(9, "b"), entry(5, "a")])
        );
    }

    /// Feeds `rows` to a mergeable accumulator of `call`, numbering them from `first_seq`.
    fn fed(call: &AggregateCall, rows: &[Vec<Value>], first_seq: u64) -> Accumulator {
        let mut acc = call.init_mergeable();
        for (i, row) in rows.iter().enumerate() {
            call.update_at(&mut acc, &mut row.clone(), first_seq + i as u64);
        }
        acc
    }

    /// Rows of argument values.
    type Rows = Vec<Vec<Value>>;

    /// Every aggregate, with rows for it: (call, rows a, rows b).
    fn merge_cases() -> Vec<(AggregateCall, Rows, Rows)> {
        use DataType as T;
        use Value::*;
        let int_rows = |xs: &[Option<i32>]| -> Vec<Vec<Value>> {
            xs.iter().map(|x| vec![x.map_or(Null, Int)]).collect()
        };
        let a = int_rows(&[Some(4), None, Some(9), Some(4), Some(-2)]);
        let b = int_rows(&[Some(7), Some(4), None, Some(11), Some(9), Some(0)]);
        let words =
            |ws: &[&str]| -> Vec<Vec<Value>> { ws.iter().map(|w| vec![Value::from(*w)]).collect() };
        let pairs = |ps: &[(i32, i32)]| -> Vec<Vec<Value>> {
            ps.iter().map(|(x, y)| vec![Int(*x), Int(*y)]).collect()
        };
        let with = |name: &str, extra: Vec<Expr>| {
            let mut args = vec![col(0, T::Int)];
            args.extend(extra);
            call(name, args).unwrap()
        };
        let mut cases = vec![
            (
                resolve("COUNT", vec![], true).unwrap(),
                a.clone(),
                b.clone(),
            ),
            (with("COUNT", vec![]), a.clone(), b.clone()),
            (with("SUM", vec![]), a.clone(), b.clone()),
            (with("AVG", vec![]), a.clone(), b.clone()),
            (with("MIN", vec![]), a.clone(), b.clone()),
            (with("MAX", vec![]), a.clone(), b.clone()),
            (with("COUNT_DISTINCT", vec![]), a.clone(), b.clone()),
            (with("COLLECT_LIST", vec![]), a.clone(), b.clone()),
            (with("COLLECT_SET", vec![]), a.clone(), b.clone()),
            (with("TOPK", vec![Expr::literal(3)]), a.clone(), b.clone()),
            (
                with("TOPKDISTINCT", vec![Expr::literal(3)]),
                a.clone(),
                b.clone(),
            ),
            (with("STDDEV_SAMP", vec![]), a.clone(), b.clone()),
            (with("STDDEV_SAMPLE", vec![]), a.clone(), b.clone()),
            (
                call("HISTOGRAM", vec![col(0, T::String)]).unwrap(),
                words(&["x", "y", "x"]),
                words(&["z", "x"]),
            ),
            (
                call("CORRELATION", vec![col(0, T::Int), col(1, T::Int)]).unwrap(),
                pairs(&[(1, 2), (3, 7)]),
                pairs(&[(-4, 1), (2, 2), (5, 9)]),
            ),
            (
                call(
                    "TOPK",
                    vec![col(0, T::Int), col(1, T::String), Expr::literal(3)],
                )
                .unwrap(),
                vec![
                    vec![Int(5), Value::from("a")],
                    vec![Int(9), Value::from("b")],
                ],
                vec![
                    vec![Int(5), Value::from("c")],
                    vec![Int(9), Null],
                    vec![Int(1), Value::from("d")],
                ],
            ),
        ];
        for name in ["LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET"] {
            for extra in [
                vec![],
                vec![Expr::literal(false)],
                vec![Expr::literal(3)],
                vec![Expr::literal(3), Expr::literal(false)],
                vec![Expr::literal(8)],
            ] {
                cases.push((with(name, extra), a.clone(), b.clone()));
            }
            // A side of NULLs only.
            cases.push((with(name, vec![]), a.clone(), int_rows(&[None, None])));
            cases.push((with(name, vec![]), int_rows(&[None]), b.clone()));
        }
        cases
    }

    fn same(x: &Value, y: &Value) -> bool {
        match (x, y) {
            (Value::Double(a), Value::Double(b)) => {
                (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * a.abs().max(1.0)
            }
            _ => x == y,
        }
    }

    #[test]
    fn merge_of_two_parts_equals_one_accumulator_fed_both_in_order() {
        let cases = merge_cases();
        assert!(cases.len() > 16);
        for (call, a, b) in cases {
            let mut merged = fed(&call, &a, 1);
            call.merge(&mut merged, fed(&call, &b, 100));
            let mut all = a.clone();
            all.extend(b.iter().cloned());
            let whole = fed(&call, &all, 1);
            let (got, want) = (call.result(&merged), call.result(&whole));
            assert!(same(&got, &want), "{call}: merged {got:?}, whole {want:?}");
            // The merged state survives a checkpoint.
            let bytes = postcard::to_allocvec(&merged).unwrap();
            assert_eq!(postcard::from_bytes::<Accumulator>(&bytes).unwrap(), merged);
        }
    }

    #[test]
    fn init_is_the_identity_of_merge() {
        for (call, a, _) in merge_cases() {
            let x = fed(&call, &a, 1);
            let mut left = call.init_mergeable();
            call.merge(&mut left, x.clone());
            assert_eq!(left, x, "{call}: merge(init, x)");
            let mut right = x.clone();
            call.merge(&mut right, call.init_mergeable());
            assert_eq!(
                call.result(&right),
                call.result(&x),
                "{call}: merge(x, init)"
            );
        }
    }

    #[test]
    fn by_offset_merges_order_values_by_sequence_not_by_side() {
        use Value::Int;
        let rows = |xs: &[i32]| -> Vec<Vec<Value>> { xs.iter().map(|x| vec![Int(*x)]).collect() };
        let latest = call("LATEST_BY_OFFSET", vec![col(0, DataType::Int)]).unwrap();
        let latest2 = call(
            "LATEST_BY_OFFSET",
            vec![col(0, DataType::Int), Expr::literal(2)],
        )
        .unwrap();
        let earliest = call("EARLIEST_BY_OFFSET", vec![col(0, DataType::Int)]).unwrap();
        let earliest2 = call(
            "EARLIEST_BY_OFFSET",
            vec![col(0, DataType::Int), Expr::literal(2)],
        )
        .unwrap();
        // `into` took its values at 10 and 12, `other` at 11 and 13.
        let merged = |c: &AggregateCall| {
            let mut into = c.init_mergeable();
            c.update_at(&mut into, &mut [Int(1)], 10);
            c.update_at(&mut into, &mut [Int(3)], 12);
            let mut other = c.init_mergeable();
            c.update_at(&mut other, &mut [Int(2)], 11);
            c.update_at(&mut other, &mut [Int(4)], 13);
            // Merging the other way round gives the same values.
            let mut swapped = other.clone();
            c.merge(&mut into, other);
            c.merge(&mut swapped, fed(c, &rows(&[1]), 10));
            c.merge(&mut swapped, fed(c, &rows(&[3]), 12));
            assert_eq!(c.result(&into), c.result(&swapped), "{c}");
            c.result(&into)
        };
        assert_eq!(merged(&latest), Int(4));
        assert_eq!(merged(&earliest), Int(1));
        assert_eq!(merged(&latest2), Value::Array(vec![Int(3), Int(4)]));
        assert_eq!(merged(&earliest2), Value::Array(vec![Int(1), Int(2)]));
    }

    #[test]
    fn collect_list_merges_in_merge_order_and_plain_by_offset_treats_other_as_later() {
        use Value::Int;
        let list = call("COLLECT_LIST", vec![col(0, DataType::Int)]).unwrap();
        let mut later = list.init_mergeable();
        list.update_at(&mut later, &mut [Int(2)], 2);
        let mut earlier = list.init_mergeable();
        list.update_at(&mut earlier, &mut [Int(1)], 1);
        list.merge(&mut later, earlier);
        assert_eq!(list.result(&later), Value::Array(vec![Int(2), Int(1)]));

        let set = call("COLLECT_SET", vec![col(0, DataType::Int)]).unwrap();
        let mut a = fed(&set, &[vec![Int(3)], vec![Int(1)]], 1);
        set.merge(&mut a, fed(&set, &[vec![Int(1)], vec![Int(5)]], 9));
        assert_eq!(set.result(&a), Value::Array(vec![Int(3), Int(1), Int(5)]));

        // Plain (unsequenced) state: `other` counts as later.
        let latest = call("LATEST_BY_OFFSET", vec![col(0, DataType::Int)]).unwrap();
        let mut into = latest.init();
        latest.update(&mut into, &mut [Int(7)]);
        let mut other = latest.init();
        latest.update(&mut other, &mut [Int(8)]);
        latest.merge(&mut into, other);
        assert_eq!(into, Accumulator::Value(StoredValue(Int(8))));
        latest.merge(&mut into, latest.init());
        assert_eq!(latest.result(&into), Int(8));
    }

    #[test]
    fn every_accumulator_survives_a_postcard_checkpoint() {
        use DataType::*;
        let calls = [
            ("COUNT", vec![]),
            (
                "SUM",
                vec![col(
                    0,
                    Decimal {
                        precision: 6,
                        scale: 2,
                    },
                )],
            ),
            ("AVG", vec![col(0, Int)]),
            ("LATEST_BY_OFFSET", vec![col(0, Double), Expr::literal(2)]),
            ("EARLIEST_BY_OFFSET", vec![col(0, String)]),
            ("TOPK", vec![col(0, Int), col(1, String), Expr::literal(2)]),
            ("TOPKDISTINCT", vec![col(0, Int), Expr::literal(2)]),
            ("HISTOGRAM", vec![col(0, String)]),
            ("STDDEV_SAMP", vec![col(0, Int)]),
            ("STDDEV_SAMPLE", vec![col(0, Bigint)]),
            ("STDDEV_SAMPLE", vec![col(0, Double)]),
            ("CORRELATION", vec![col(0, Int), col(1, Double)]),
            ("COUNT_DISTINCT", vec![col(0, Int)]),
        ];
        let value = |t: &DataType| match t {
            Int => Value::Int(7),
            Bigint => Value::Bigint(-3),
            Double => Value::Double(2.5),
            String => Value::from("x"),
            Decimal { .. } => Value::Decimal(rivulet_core::Decimal::new(1234, 2)),
            _ => Value::Null,
        };
        for (name, args) in calls {
            let types: Vec<DataType> = args.iter().map(Expr::data_type).collect();
            let call = resolve(name, args, false).unwrap();
            let mut acc = call.init();
            for _ in 0..3 {
                let mut row: Vec<Value> = types.iter().take(call.args.len()).map(value).collect();
                call.update(&mut acc, &mut row);
            }
            let bytes = postcard::to_allocvec(&acc).unwrap();
            let back: Accumulator = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back, acc, "{call}");
            assert_eq!(call.result(&back), call.result(&acc), "{call}");
        }
    }
}
