//! STDDEV_SAMP and STDDEV_SAMPLE over INT, BIGINT or DOUBLE → DOUBLE, as ksqlDB's
//! `StandardDeviationSampUdaf` and `StandardDeviationSampleUdaf` compute them (Youngs-Cramer
//! running sum, count and M2, with the input type's Java arithmetic for the sum and delta):
//!
//! - STDDEV_SAMP returns the sample *variance* `M2 / (n - 1)` — ksqlDB's documented bug, kept
//!   for compatibility; STDDEV_SAMPLE returns its square root.
//! - NULL ignored; fewer than 2 values → 0.0.
//! - Table-capable: undo removes a value with the reverse update
//!   `M2 -= (n·x − S)² / (n·(n − 1))`. Unlike ksqlDB, M2 is reset to exactly 0 once at most
//!   one value remains and never goes below 0, so rounding cannot leave a negative variance.
//! - Merge, as ksqlDB's `merge` (Chan et al.'s parallel formula): counts and sums add (the sum
//!   in the input type's wrapping arithmetic), `M2 = M2₁ + M2₂ + n₁·n₂·(mean₁ − mean₂)² / n`,
//!   or `M2₁ + M2₂` when a side is empty; each mean is the sum as a double over the count.
//!
//! This module owns the running statistics; typing is `mod.rs`'s.

use rivulet_core::{DataType, Value};

use super::Accumulator;

pub(super) fn accepts(t: &DataType) -> bool {
    matches!(t, DataType::Int | DataType::Bigint | DataType::Double)
}

pub(super) fn init(t: Option<&DataType>) -> Accumulator {
    match t {
        Some(DataType::Int) => Accumulator::StddevInt {
            sum: 0,
            count: 0,
            m2: 0.0,
        },
        Some(DataType::Bigint) => Accumulator::StddevBigint {
            sum: 0,
            count: 0,
            m2: 0.0,
        },
        _ => Accumulator::StddevDouble {
            sum: 0.0,
            count: 0,
            m2: 0.0,
        },
    }
}

/// ksqlDB's `createDelta`: `x·(n + 1) − (S + x)` for the aggregate of `count` values summing
/// to `sum`, in the input type's arithmetic (Java's wrapping int and long).
fn delta(acc: &Accumulator, x: &Value) -> Option<f64> {
    Some(match (acc, x) {
        (Accumulator::StddevInt { sum, count, .. }, Value::Int(x)) => {
            let scaled = i64::from(*x).wrapping_mul(count.wrapping_add(1));
            scaled.wrapping_sub(i64::from(sum.wrapping_add(*x))) as f64
        }
        (Accumulator::StddevBigint { sum, count, .. }, Value::Bigint(x)) => {
            x.wrapping_mul(count.wrapping_add(1))
                .wrapping_sub(sum.wrapping_add(*x)) as f64
        }
        (Accumulator::StddevDouble { sum, count, .. }, Value::Double(x)) => {
            x * (count + 1) as f64 - (sum + x)
        }
        _ => return None,
    })
}

/// The running count and M2 of any of the three accumulators.
fn parts(acc: &mut Accumulator) -> Option<(&mut i64, &mut f64)> {
    match acc {
        Accumulator::StddevInt { count, m2, .. }
        | Accumulator::StddevBigint { count, m2, .. }
        | Accumulator::StddevDouble { count, m2, .. } => Some((count, m2)),
        _ => None,
    }
}

/// Adds `x` (or subtracts it, `sign` −1) to the running sum.
fn add_to_sum(acc: &mut Accumulator, x: &Value, sign: i8) {
    match (acc, x) {
        (Accumulator::StddevInt { sum, .. }, Value::Int(x)) => {
            *sum = if sign > 0 {
                sum.wrapping_add(*x)
            } else {
                sum.wrapping_sub(*x)
            }
        }
        (Accumulator::StddevBigint { sum, .. }, Value::Bigint(x)) => {
            *sum = if sign > 0 {
                sum.wrapping_add(*x)
            } else {
                sum.wrapping_sub(*x)
            }
        }
        (Accumulator::StddevDouble { sum, .. }, Value::Double(x)) => {
            *sum += f64::from(sign) * x;
        }
        _ => {}
    }
}

pub(super) fn update(acc: &mut Accumulator, arg: Option<&Value>) {
    let Some(x) = arg else { return };
    let Some(d) = delta(acc, x) else { return };
    let Some((count, m2)) = parts(acc) else {
        return;
    };
    let n = *count + 1;
    if n > 1 {
        *m2 += d * d / (n * (n - 1)) as f64;
    }
    *count = n;
    add_to_sum(acc, x, 1);
}

pub(super) fn undo(acc: &mut Accumulator, arg: Option<&Value>) {
    let Some(x) = arg else { return };
    let Some(d) = delta(acc, x) else { return };
    let Some((count, m2)) = parts(acc) else {
        return;
    };
    let n = *count - 1;
    if n > 1 {
        *m2 = (*m2 - d * d / (n * (n + 1)) as f64).max(0.0);
    } else {
        *m2 = 0.0;
    }
    *count = n;
    add_to_sum(acc, x, -1);
}

/// The sample variance (STDDEV_SAMP's result); 0.0 for fewer than 2 values.
pub(super) fn variance(acc: &Accumulator) -> f64 {
    match acc {
        Accumulator::StddevInt { count, m2, .. }
        | Accumulator::StddevBigint { count, m2, .. }
        | Accumulator::StddevDouble { count, m2, .. } => {
            if *count < 2 {
                0.0
            } else {
                m2 / (*count - 1) as f64
            }
        }
        _ => 0.0,
    }
}

/// The (count, sum as a double, M2) of any of the three accumulators.
fn stats(acc: &Accumulator) -> Option<(i64, f64, f64)> {
    Some(match acc {
        Accumulator::StddevInt { sum, count, m2 } => (*count, f64::from(*sum), *m2),
        Accumulator::StddevBigint { sum, count, m2 } => (*count, *sum as f64, *m2),
        Accumulator::StddevDouble { sum, count, m2 } => (*count, *sum, *m2),
        _ => return None,
    })
}

pub(super) fn merge(into: &mut Accumulator, other: &Accumulator) {
    let (Some((c1, s1, m1)), Some((c2, s2, m2_two))) = (stats(into), stats(other)) else {
        return;
    };
    let n = c1 + c2;
    let m2_new = if c1 == 0 || c2 == 0 {
        m1 + m2_two
    } else {
        let inner = s1 / c1 as f64 - s2 / c2 as f64;
        m1 + m2_two + c1.wrapping_mul(c2) as f64 * inner * inner / n as f64
    };
    match (into, other) {
        (Accumulator::StddevInt { sum, count, m2 }, Accumulator::StddevInt { sum: other, .. }) => {
            *sum = sum.wrapping_add(*other);
            (*count, *m2) = (n, m2_new);
        }
        (
            Accumulator::StddevBigint { sum, count, m2 },
            Accumulator::StddevBigint { sum: other, .. },
        ) => {
            *sum = sum.wrapping_add(*other);
            (*count, *m2) = (n, m2_new);
        }
        (
            Accumulator::StddevDouble { sum, count, m2 },
            Accumulator::StddevDouble { sum: other, .. },
        ) => {
            *sum += other;
            (*count, *m2) = (n, m2_new);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: DataType, values: &[Value]) -> Accumulator {
        let mut acc = init(Some(&t));
        for v in values {
            update(&mut acc, Some(v));
        }
        acc
    }

    #[test]
    fn sample_variance_of_each_input_type() {
        // 2, 4, 4, 4, 5, 5, 7, 9: sum of squared deviations 32, n − 1 = 7.
        let xs = [2, 4, 4, 4, 5, 5, 7, 9];
        let ints: Vec<Value> = xs.iter().map(|x| Value::Int(*x)).collect();
        let longs: Vec<Value> = xs.iter().map(|x| Value::Bigint(i64::from(*x))).collect();
        let doubles: Vec<Value> = xs.iter().map(|x| Value::Double(f64::from(*x))).collect();
        for acc in [
            run(DataType::Int, &ints),
            run(DataType::Bigint, &longs),
            run(DataType::Double, &doubles),
        ] {
            assert!((variance(&acc) - 32.0 / 7.0).abs() < 1e-12);
        }
    }

    #[test]
    fn fewer_than_two_values_and_nulls_give_zero() {
        assert_eq!(variance(&run(DataType::Int, &[])), 0.0);
        assert_eq!(variance(&run(DataType::Int, &[Value::Int(5)])), 0.0);
        assert_eq!(
            variance(&run(
                DataType::Int,
                &[Value::Null, Value::Int(5), Value::Null]
            )),
            0.0
        );
    }

    #[test]
    fn undo_reverses_update() {
        let xs = [1.5, 2.5, 10.0, -3.25];
        let values: Vec<Value> = xs.iter().map(|x| Value::Double(*x)).collect();
        let mut acc = run(DataType::Double, &values);
        undo(&mut acc, Some(&Value::Double(10.0)));
        let expected = run(
            DataType::Double,
            &[Value::Double(1.5), Value::Double(2.5), Value::Double(-3.25)],
        );
        assert!((variance(&acc) - variance(&expected)).abs() < 1e-12);
        for v in [1.5, 2.5, -3.25] {
            undo(&mut acc, Some(&Value::Double(v)));
        }
        assert_eq!(acc, init(Some(&DataType::Double)));
        // Undo of NULL is a no-op.
        let mut acc = run(DataType::Int, &[Value::Int(1), Value::Int(3)]);
        undo(&mut acc, Some(&Value::Null));
        assert_eq!(variance(&acc), 2.0);
    }
}
