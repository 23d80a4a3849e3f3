//! CORRELATION(x, y) over INT, BIGINT or DOUBLE columns → DOUBLE: Pearson's coefficient from
//! running sums, with ksqlDB's `CorrelationUdaf` single-pass formula
//! `(n·Σxy − Σx·Σy) / sqrt((n·Σx² − (Σx)²)·(n·Σy² − (Σy)²))`, computed in the same order so
//! results agree to the bit. Rows with a NULL x or y are ignored; fewer than 2 rows or a
//! constant column give NaN (0/0), which JSON output writes as `"NaN"`, as ksqlDB does.
//! Table-capable: undo subtracts a row's terms. Merge adds the two sides' sums and counts
//! (ksqlDB's `CorrelationUdaf.merge`).
//!
//! This module owns the sums; typing is `mod.rs`'s.

use rivulet_core::{DataType, Value};
use serde::{Deserialize, Serialize};

use super::Accumulator;

/// The running sums of one CORRELATION.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CorrelationSums {
    pub x_sum: f64,
    pub y_sum: f64,
    pub x_squared_sum: f64,
    pub y_squared_sum: f64,
    pub xy_sum: f64,
    pub count: i64,
}

pub(super) fn accepts(t: &DataType) -> bool {
    matches!(t, DataType::Int | DataType::Bigint | DataType::Double)
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(f64::from(*i)),
        Value::Bigint(i) => Some(*i as f64),
        Value::Double(d) => Some(*d),
        _ => None,
    }
}

/// Adds (`sign` 1.0) or removes (−1.0) the row `args = [x, y]`.
fn apply(acc: &mut Accumulator, args: &[Value], sign: f64) {
    let (Accumulator::Correlation(s), [x, y, ..]) = (acc, args) else {
        return;
    };
    let (Some(x), Some(y)) = (number(x), number(y)) else {
        return;
    };
    if sign > 0.0 {
        s.x_sum += x;
        s.y_sum += y;
        s.x_squared_sum += x * x;
        s.y_squared_sum += y * y;
        s.xy_sum += x * y;
        s.count += 1;
    } else {
        s.x_sum -= x;
        s.y_sum -= y;
        s.x_squared_sum -= x * x;
        s.y_squared_sum -= y * y;
        s.xy_sum -= x * y;
        s.count -= 1;
    }
}

pub(super) fn update(acc: &mut Accumulator, args: &[Value]) {
    apply(acc, args, 1.0);
}

pub(super) fn undo(acc: &mut Accumulator, args: &[Value]) {
    apply(acc, args, -1.0);
}

pub(super) fn result(s: &CorrelationSums) -> Value {
    let n = s.count as f64;
    let numerator = n * s.xy_sum - s.x_sum * s.y_sum;
    let denominator_x = n * s.x_squared_sum - s.x_sum * s.x_sum;
    let denominator_y = n * s.y_squared_sum - s.y_sum * s.y_sum;
    let denominator = (denominator_x * denominator_y).sqrt();
    Value::Double(numerator / denominator)
}

pub(super) fn merge(into: &mut Accumulator, other: &Accumulator) {
    let (Accumulator::Correlation(a), Accumulator::Correlation(b)) = (into, other) else {
        return;
    };
    a.x_sum += b.x_sum;
    a.y_sum += b.y_sum;
    a.x_squared_sum += b.x_squared_sum;
    a.y_squared_sum += b.y_squared_sum;
    a.xy_sum += b.xy_sum;
    a.count += b.count;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rows: &[(Value, Value)]) -> (Accumulator, f64) {
        let mut acc = Accumulator::Correlation(CorrelationSums::default());
        for (x, y) in rows {
            update(&mut acc, &[x.clone(), y.clone()]);
        }
        let r = match &acc {
            Accumulator::Correlation(s) => match result(s) {
                Value::Double(d) => d,
                _ => unreachable!(),
            },
            _ => unreachable!(),
        };
        (acc, r)
    }

    #[test]
    fn matches_ksqldb_functional_test_values() {
        use Value::{Double as D, Int as I, Null};
        // ksqlDB's "correlation double" for key alice.
        let (_, r) = run(&[(D(1.5), D(8.0)), (D(-1.0), D(-2.0)), (D(-4.5), D(-1.0))]);
        assert_eq!(r, 0.7580764521133173);
        let (_, r) = run(&[(D(1.5), D(8.0)), (D(-1.0), D(-2.0)), (Null, D(-6.0))]);
        assert_eq!(r, 1.0);
        // "correlation int".
        let (_, r) = run(&[(I(1), I(8)), (I(-1), I(-2)), (I(-4), I(-1))]);
        assert_eq!(r, 0.7455284088780169);
    }

    #[test]
    fn too_few_rows_or_constant_column_is_nan() {
        assert!(run(&[]).1.is_nan());
        assert!(run(&[(Value::Int(1), Value::Int(2))]).1.is_nan());
        let constant = [
            (Value::Int(3), Value::Int(1)),
            (Value::Int(3), Value::Int(5)),
        ];
        assert!(run(&constant).1.is_nan());
    }

    #[test]
    fn undo_removes_a_row() {
        use Value::Double as D;
        let (mut acc, _) = run(&[(D(1.5), D(8.0)), (D(-3.5), D(-2.0)), (D(-1.0), D(-2.0))]);
        undo(&mut acc, &[D(-3.5), D(-2.0)]);
        undo(&mut acc, &[Value::Null, D(1.0)]);
        let (expected, _) = run(&[(D(1.5), D(8.0)), (D(-1.0), D(-2.0))]);
        assert_eq!(acc, expected);
    }
}
