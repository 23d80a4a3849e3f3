//! AVG: INT, BIGINT or DOUBLE → DOUBLE; NULL ignored; no non-NULL rows → 0.0 (not NULL).
//! Integer inputs are summed as BIGINT and divided at the end, as ksqlDB does. Table-capable:
//! undo subtracts the value and uncounts it (NULL is not undone). Merge adds the sums and the
//! counts (ksqlDB's `AverageUdaf.merge`).

use rivulet_core::{DataType, Value};

use super::Accumulator;

pub(super) fn return_type(t: &DataType) -> Option<DataType> {
    matches!(t, DataType::Int | DataType::Bigint | DataType::Double).then_some(DataType::Double)
}

pub(super) fn init(t: Option<&DataType>) -> Accumulator {
    match t {
        Some(DataType::Double) => Accumulator::AvgDouble { sum: 0.0, count: 0 },
        _ => Accumulator::AvgInt { sum: 0, count: 0 },
    }
}

pub(super) fn update(acc: &mut Accumulator, arg: Option<&Value>) {
    match (acc, arg) {
        (Accumulator::AvgInt { sum, count }, Some(Value::Int(v))) => {
            *sum = sum.wrapping_add(i64::from(*v));
            *count += 1;
        }
        (Accumulator::AvgInt { sum, count }, Some(Value::Bigint(v))) => {
            *sum = sum.wrapping_add(*v);
            *count += 1;
        }
        (Accumulator::AvgDouble { sum, count }, Some(Value::Double(v))) => {
            *sum += v;
            *count += 1;
        }
        _ => {}
    }
}

pub(super) fn undo(acc: &mut Accumulator, arg: Option<&Value>) {
    match (acc, arg) {
        (Accumulator::AvgInt { sum, count }, Some(Value::Int(v))) => {
            *sum = sum.wrapping_sub(i64::from(*v));
            *count -= 1;
        }
        (Accumulator::AvgInt { sum, count }, Some(Value::Bigint(v))) => {
            *sum = sum.wrapping_sub(*v);
            *count -= 1;
        }
        (Accumulator::AvgDouble { sum, count }, Some(Value::Double(v))) => {
            *sum -= v;
            *count -= 1;
        }
        _ => {}
    }
}

pub(super) fn result(acc: &Accumulator) -> Value {
    Value::Double(match acc {
        Accumulator::AvgInt { count: 0, .. } | Accumulator::AvgDouble { count: 0, .. } => 0.0,
        Accumulator::AvgInt { sum, count } => *sum as f64 / *count as f64,
        Accumulator::AvgDouble { sum, count } => sum / *count as f64,
        _ => 0.0,
    })
}

pub(super) fn merge(into: &mut Accumulator, other: &Accumulator) {
    match (into, other) {
        (Accumulator::AvgInt { sum, count }, Accumulator::AvgInt { sum: s2, count: c2 }) => {
            *sum = sum.wrapping_add(*s2);
            *count += c2;
        }
        (Accumulator::AvgDouble { sum, count }, Accumulator::AvgDouble { sum: s2, count: c2 }) => {
            *sum += s2;
            *count += c2;
        }
        _ => {}
    }
}
