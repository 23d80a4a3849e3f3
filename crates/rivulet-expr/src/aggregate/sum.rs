//! SUM: INT → INT (wrapping, as Java's int), BIGINT → BIGINT, DOUBLE → DOUBLE, DECIMAL →
//! DECIMAL; NULL ignored; initial 0, so an all-NULL group sums to 0. Table-capable: undo
//! subtracts the value (with the same wrapping arithmetic). Merge adds the two sums, as
//! ksqlDB's `merge` does (Java's wrapping `+`).

use rivulet_core::{DataType, Decimal, Value};

use super::Accumulator;

pub(super) fn return_type(t: &DataType) -> Option<DataType> {
    matches!(
        t,
        DataType::Int | DataType::Bigint | DataType::Double | DataType::Decimal { .. }
    )
    .then(|| t.clone())
}

pub(super) fn init(t: &DataType) -> Accumulator {
    match t {
        DataType::Int => Accumulator::SumInt(0),
        DataType::Bigint => Accumulator::SumBigint(0),
        DataType::Decimal { scale, .. } => Accumulator::SumDecimal {
            unscaled: 0,
            scale: *scale,
        },
        _ => Accumulator::SumDouble(0.0),
    }
}

pub(super) fn update(acc: &mut Accumulator, arg: Option<&Value>) {
    match (acc, arg) {
        (Accumulator::SumInt(s), Some(Value::Int(v))) => *s = s.wrapping_add(*v),
        (Accumulator::SumBigint(s), Some(Value::Bigint(v))) => *s = s.wrapping_add(*v),
        (Accumulator::SumDouble(s), Some(Value::Double(v))) => *s += v,
        (Accumulator::SumDecimal { unscaled, scale }, Some(Value::Decimal(d))) => {
            if let Some(r) = d.rescale(*scale) {
                *unscaled = unscaled.saturating_add(r.unscaled);
            }
        }
        _ => {}
    }
}

pub(super) fn undo(acc: &mut Accumulator, arg: Option<&Value>) {
    match (acc, arg) {
        (Accumulator::SumInt(s), Some(Value::Int(v))) => *s = s.wrapping_sub(*v),
        (Accumulator::SumBigint(s), Some(Value::Bigint(v))) => *s = s.wrapping_sub(*v),
        (Accumulator::SumDouble(s), Some(Value::Double(v))) => *s -= v,
        (Accumulator::SumDecimal { unscaled, scale }, Some(Value::Decimal(d))) => {
            if let Some(r) = d.rescale(*scale) {
                *unscaled = unscaled.saturating_sub(r.unscaled);
            }
        }
        _ => {}
    }
}

pub(super) fn result(acc: &Accumulator) -> Value {
    match acc {
        Accumulator::SumInt(s) => Value::Int(*s),
        Accumulator::SumBigint(s) => Value::Bigint(*s),
        Accumulator::SumDouble(s) => Value::Double(*s),
        Accumulator::SumDecimal { unscaled, scale } => {
            Value::Decimal(Decimal::new(*unscaled, *scale))
        }
        _ => Value::Null,
    }
}

pub(super) fn merge(into: &mut Accumulator, other: &Accumulator) {
    match (into, other) {
        (Accumulator::SumInt(a), Accumulator::SumInt(b)) => *a = a.wrapping_add(*b),
        (Accumulator::SumBigint(a), Accumulator::SumBigint(b)) => *a = a.wrapping_add(*b),
        (Accumulator::SumDouble(a), Accumulator::SumDouble(b)) => *a += b,
        (
            Accumulator::SumDecimal { unscaled, scale },
            Accumulator::SumDecimal {
                unscaled: other,
                scale: other_scale,
            },
        ) if scale == other_scale => *unscaled = unscaled.saturating_add(*other),
        _ => {}
    }
}
