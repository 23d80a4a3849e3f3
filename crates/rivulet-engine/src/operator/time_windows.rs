//! Time windows (TUMBLING, HOPPING) as Kafka Streams assigns them: windows are `[start, end)`,
//! starts aligned to the epoch on multiples of the advance (a tumbling window advances by its
//! size); a record belongs to every window with `start <= ts < start + size` and `start >= 0`.
//! Grace defaults to ksqlDB's `max(24 h − size, 0)`; retention to one day, at least
//! `size + grace`.
//!
//! It owns window arithmetic only; it must not hold state or decide emission.

use rivulet_sql::planner::{WindowShape, WindowSpec};

const DAY_MS: i64 = 86_400_000;

/// A TUMBLING or HOPPING window definition, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindows {
    pub size: i64,
    pub advance: i64,
    pub grace: i64,
    pub retention: i64,
}

fn millis(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl TimeWindows {
    /// ksqlDB's default grace when the statement gives none: `max(24 h − size, 0)`.
    pub fn default_grace(size: i64) -> i64 {
        (DAY_MS - size).max(0)
    }

    /// The time windows of `spec`; `None` for a session window (see
    /// [`super::session_windows`]).
    pub fn new(spec: &WindowSpec) -> Option<TimeWindows> {
        let (size, advance) = match spec.shape {
            WindowShape::Tumbling { size } => (millis(size), millis(size)),
            WindowShape::Hopping { size, advance } => (millis(size), millis(advance)),
            WindowShape::Session { .. } => return None,
        };
        let size = size.max(1);
        let advance = advance.clamp(1, size);
        let grace = spec.grace.map_or_else(|| Self::default_grace(size), millis);
        let retention = spec
            .retention
            .map_or(DAY_MS, millis)
            .max(size.saturating_add(grace));
        Some(TimeWindows {
            size,
            advance,
            grace,
            retention,
        })
    }

    /// Starts of the windows holding `ts`, ascending. Negative timestamps belong to none.
    pub fn starts(&self, ts: i64) -> impl Iterator<Item = i64> {
        let first = if ts < 0 {
            i64::MAX
        } else {
            (ts - self.size + self.advance).max(0) / self.advance * self.advance
        };
        let advance = self.advance;
        std::iter::successors(Some(first), move |s| s.checked_add(advance))
            .take_while(move |s| *s <= ts)
    }

    /// The exclusive end of the window starting at `start`.
    pub fn end(&self, start: i64) -> i64 {
        start.saturating_add(self.size)
    }

    /// The stream time at which the window starting at `start` closes: end + grace.
    pub fn close(&self, start: i64) -> i64 {
        self.end(start).saturating_add(self.grace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows(shape: WindowShape, grace: Option<u64>) -> TimeWindows {
        TimeWindows::new(&WindowSpec {
            shape,
            grace,
            retention: None,
        })
        .expect("a time window")
    }

    #[test]
    fn tumbling_and_hopping_assignment() {
        let t = windows(WindowShape::Tumbling { size: 10_000 }, None);
        assert_eq!(t.starts(12_345).collect::<Vec<_>>(), [10_000]);
        assert_eq!(t.starts(10_000).collect::<Vec<_>>(), [10_000]);
        assert_eq!(t.starts(9_999).collect::<Vec<_>>(), [0]);
        assert_eq!(t.grace, 86_400_000 - 10_000);
        let h = windows(
            WindowShape::Hopping {
                size: 2_000,
                advance: 250,
            },
            Some(0),
        );
        let s: Vec<_> = h.starts(2_100).collect();
        assert_eq!(s, [250, 500, 750, 1_000, 1_250, 1_500, 1_750, 2_000]);
        assert_eq!(h.starts(100).collect::<Vec<_>>(), [0]);
        assert_eq!(h.starts(-1).count(), 0);
        assert_eq!(h.close(250), 2_250);
        let big = windows(
            WindowShape::Tumbling {
                size: 2 * 86_400_000,
            },
            None,
        );
        assert_eq!(big.grace, 0);
        let session = WindowSpec {
            shape: WindowShape::Session { gap: 5 },
            grace: None,
            retention: None,
        };
        assert_eq!(TimeWindows::new(&session), None);
    }
}
