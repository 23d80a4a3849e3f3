//! Aggregate functions (ksqlDB's UDAFs): typing of a call (`resolve`), its accumulator, how a
//! row updates it and what it yields — with ksqlDB's result types and NULL behaviour (reference
//! 4.1). One function (or pair, MIN/MAX) per file; this module dispatches.
//!
//! Accumulators are plain serde values ([`Accumulator`]) so operator state can be checkpointed.
//! This module owns the functions only: grouping, windows and emission belong to the engine's
//! aggregate operator, and it must not evaluate expressions (callers pass argument values).

mod avg;
mod by_offset;
mod collect;
mod count;
mod count_distinct;
mod min_max;
mod stored;
mod sum;
mod undo;

use std::{collections::BTreeSet, fmt};

use rivulet_core::{DataType, Value};
use serde::{Deserialize, Serialize};

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
    /// COLLECT_LIST and COLLECT_SET.
    List(Vec<StoredValue>),
}

fn invalid(name: &str, types: &[DataType]) -> TypeError {
    let args: Vec<String> = types.iter().map(ToString::to_string).collect();
    TypeError::Invalid(format!(
        "Function '{name}' does not accept parameters ({}).",
        args.join(", ")
    ))
}

fn constant_bool(e: &Expr) -> Option<bool> {
    match e {
        Expr::Literal(Value::Boolean(b), _) => Some(*b),
        _ => None,
    }
}

/// Types the call `name(args)` (`star` for `name(*)`).
pub fn resolve(name: &str, args: Vec<Expr>, star: bool) -> Result<AggregateCall, TypeError> {
    let upper = name.to_ascii_uppercase();
    let types: Vec<DataType> = args.iter().map(Expr::data_type).collect();
    let (kind, return_type, value_args) = match (upper.as_str(), types.as_slice()) {
        ("COUNT", []) => (AggregateKind::CountStar, DataType::Bigint, 0),
        ("COUNT", [_]) if !star => (AggregateKind::Count, DataType::Bigint, 1),
        ("SUM", [t]) => (
            AggregateKind::Sum,
            sum::return_type(t).ok_or_else(|| invalid(&upper, &types))?,
            1,
        ),
        ("AVG", [t]) => (
            AggregateKind::Avg,
            avg::return_type(t).ok_or_else(|| invalid(&upper, &types))?,
            1,
        ),
        ("MIN" | "MAX", [t]) => {
            if !min_max::accepts(t) {
                return Err(invalid(&upper, &types));
            }
            let kind = if upper == "MIN" {
                AggregateKind::Min
            } else {
                AggregateKind::Max
            };
            (kind, t.clone(), 1)
        }
        ("LATEST_BY_OFFSET" | "EARLIEST_BY_OFFSET", [t, rest @ ..]) if rest.len() <= 1 => {
            let ignore_nulls = match args.get(1) {
                None => true,
                Some(e) => constant_bool(e).ok_or_else(|| {
                    TypeError::Invalid(format!(
                        "{upper}: the second argument must be a BOOLEAN literal (ignoreNulls); the n-value forms are not supported by Rivulet yet"
                    ))
                })?,
            };
            let kind = if upper == "LATEST_BY_OFFSET" {
                AggregateKind::LatestByOffset { ignore_nulls }
            } else {
                AggregateKind::EarliestByOffset { ignore_nulls }
            };
            (kind, t.clone(), 1)
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
        (n, _)
            if is_aggregate(n)
                && !matches!(
                    n,
                    "COUNT"
                        | "SUM"
                        | "AVG"
                        | "MIN"
                        | "MAX"
                        | "LATEST_BY_OFFSET"
                        | "EARLIEST_BY_OFFSET"
                        | "COUNT_DISTINCT"
                        | "COLLECT_LIST"
                        | "COLLECT_SET"
                ) =>
        {
            return Err(TypeError::Invalid(format!(
                "Aggregate function {n} is not supported by Rivulet yet"
            )))
        }
        _ if is_aggregate(&upper) => return Err(invalid(&upper, &types)),
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
            AggregateKind::CollectList | AggregateKind::CollectSet => Accumulator::List(Vec::new()),
        }
    }

    /// Adds one row, whose argument values are `args` (taken, not copied).
    pub fn update(&self, acc: &mut Accumulator, args: &mut [Value]) {
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
}
