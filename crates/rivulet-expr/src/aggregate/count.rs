//! COUNT: `COUNT(*)` counts rows, `COUNT(col)` counts non-NULL values; starts at 0.

use rivulet_core::Value;

use super::Accumulator;

pub(super) fn update_star(acc: &mut Accumulator) {
    if let Accumulator::Count(n) = acc {
        *n += 1;
    }
}

pub(super) fn update(acc: &mut Accumulator, arg: Option<&Value>) {
    if let (Accumulator::Count(n), Some(v)) = (acc, arg) {
        if !v.is_null() {
            *n += 1;
        }
    }
}
