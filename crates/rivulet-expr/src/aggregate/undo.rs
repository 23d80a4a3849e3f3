//! Undo of aggregate functions (ksqlDB's `TableAggregationFunction`): taking one row's
//! contribution back out of an accumulator, so that an aggregation over a TABLE can retract
//! the previous version of an updated or deleted row (reference 3.4, 4.1 "Tables").
//!
//! TEMPORARY minimal version (COUNT(*), COUNT, SUM, AVG, COLLECT_LIST), written only so that
//! the engine's table aggregation compiles and is tested; the complete version (HISTOGRAM,
//! STDDEV_SAMP, STDDEV_SAMPLE, CORRELATION as well) is written separately with the same API
//! and replaces this file. It owns undo only; it must not change how rows are added.

use rivulet_core::Value;

use super::{Accumulator, AggregateCall, AggregateKind};

impl AggregateCall {
    /// Whether the function can undo a row, i.e. may aggregate a TABLE.
    pub fn supports_undo(&self) -> bool {
        matches!(
            self.kind,
            AggregateKind::CountStar
                | AggregateKind::Count
                | AggregateKind::Sum
                | AggregateKind::Avg
                | AggregateKind::CollectList
        )
    }

    /// Takes back one row, whose argument values are `args`, that was added with
    /// [`AggregateCall::update`]. Functions without undo leave the accumulator unchanged.
    pub fn undo(&self, acc: &mut Accumulator, args: &mut [Value]) {
        let arg = args.first();
        match (self.kind, acc, arg) {
            (AggregateKind::CountStar, Accumulator::Count(n), _) => *n -= 1,
            (AggregateKind::Count, Accumulator::Count(n), Some(v)) if !v.is_null() => *n -= 1,
            (AggregateKind::Sum, Accumulator::SumInt(s), Some(Value::Int(v))) => {
                *s = s.wrapping_sub(*v)
            }
            (AggregateKind::Sum, Accumulator::SumBigint(s), Some(Value::Bigint(v))) => {
                *s = s.wrapping_sub(*v)
            }
            (AggregateKind::Sum, Accumulator::SumDouble(s), Some(Value::Double(v))) => *s -= v,
            (
                AggregateKind::Sum,
                Accumulator::SumDecimal { unscaled, scale },
                Some(Value::Decimal(d)),
            ) => {
                if let Some(r) = d.rescale(*scale) {
                    *unscaled = unscaled.saturating_sub(r.unscaled);
                }
            }
            (AggregateKind::Avg, Accumulator::AvgInt { sum, count }, Some(Value::Int(v))) => {
                *sum = sum.wrapping_sub(i64::from(*v));
                *count -= 1;
            }
            (AggregateKind::Avg, Accumulator::AvgInt { sum, count }, Some(Value::Bigint(v))) => {
                *sum = sum.wrapping_sub(*v);
                *count -= 1;
            }
            (AggregateKind::Avg, Accumulator::AvgDouble { sum, count }, Some(Value::Double(v))) => {
                *sum -= v;
                *count -= 1;
            }
            // ksqlDB removes the last occurrence of the value (CollectListUdaf.undo).
            (AggregateKind::CollectList, Accumulator::List(items), Some(v)) => {
                if let Some(i) = items.iter().rposition(|item| item.0 == *v) {
                    items.remove(i);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use rivulet_core::{DataType, Value};

    use super::super::resolve;
    use crate::Expr;

    fn add_then_undo(name: &str, t: DataType, add: Vec<Value>, undo: Vec<Value>) -> Value {
        let call = resolve(name, vec![Expr::column(0, t)], false).unwrap();
        let mut acc = call.init();
        for v in add {
            call.update(&mut acc, &mut [v]);
        }
        for v in undo {
            call.undo(&mut acc, &mut [v]);
        }
        call.result(&acc)
    }

    #[test]
    fn undo_takes_a_row_back() {
        use Value::*;
        let star = resolve("COUNT", vec![], true).unwrap();
        let mut acc = star.init();
        star.update(&mut acc, &mut []);
        star.update(&mut acc, &mut []);
        star.undo(&mut acc, &mut []);
        assert_eq!(star.result(&acc), Bigint(1));
        star.undo(&mut acc, &mut []);
        assert_eq!(star.result(&acc), Bigint(0));
        assert_eq!(
            add_then_undo(
                "count",
                DataType::Int,
                vec![Int(1), Int(2)],
                vec![Null, Int(2)]
            ),
            Bigint(1)
        );
        assert_eq!(
            add_then_undo(
                "sum",
                DataType::Int,
                vec![Int(5), Int(7)],
                vec![Int(5), Null]
            ),
            Int(7)
        );
        assert_eq!(
            add_then_undo(
                "sum",
                DataType::Double,
                vec![Double(1.5)],
                vec![Double(1.5)]
            ),
            Double(0.0)
        );
        assert_eq!(
            add_then_undo(
                "avg",
                DataType::Int,
                vec![Int(1), Int(2), Int(6)],
                vec![Int(1)]
            ),
            Double(4.0)
        );
        assert_eq!(
            add_then_undo("avg", DataType::Bigint, vec![Bigint(3)], vec![Bigint(3)]),
            Double(0.0)
        );
        assert_eq!(
            add_then_undo(
                "collect_list",
                DataType::Int,
                vec![Int(1), Int(2), Int(1), Int(3)],
                vec![Int(1), Int(9)]
            ),
            Array(vec![Int(1), Int(2), Int(3)])
        );
    }

    #[test]
    fn only_table_capable_functions_support_undo() {
        let col = || vec![Expr::column(0, DataType::Int)];
        for name in ["COUNT", "SUM", "AVG", "COLLECT_LIST"] {
            assert!(
                resolve(name, col(), false).unwrap().supports_undo(),
                "{name}"
            );
        }
        assert!(resolve("COUNT", vec![], true).unwrap().supports_undo());
        for name in [
            "MIN",
            "MAX",
            "LATEST_BY_OFFSET",
            "EARLIEST_BY_OFFSET",
            "COUNT_DISTINCT",
            "COLLECT_SET",
        ] {
            assert!(
                !resolve(name, col(), false).unwrap().supports_undo(),
                "{name}"
            );
        }
    }
}
