//! Time: units, durations (normalised to milliseconds), window expressions and join windows.
//!
//! Owns [`TimeUnit`], [`TimeSpan`], [`WindowExpression`] and [`JoinWithin`] and their canonical
//! text. It must not compute window bounds or grace defaults (that is the runtime's job).

use std::fmt;

use super::identifier::Identifier;

/// A window/interval unit: `DAY(S)`, `HOUR(S)`, `MINUTE(S)`, `SECOND(S)`, `MILLISECOND(S)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
}

impl TimeUnit {
    /// Milliseconds in one unit.
    pub fn millis(self) -> u64 {
        match self {
            TimeUnit::Day => 86_400_000,
            TimeUnit::Hour => 3_600_000,
            TimeUnit::Minute => 60_000,
            TimeUnit::Second => 1_000,
            TimeUnit::Millisecond => 1,
        }
    }

    /// The plural keyword (`SECONDS`): always read back as a unit, also as a function argument.
    pub fn plural(self) -> &'static str {
        match self {
            TimeUnit::Day => "DAYS",
            TimeUnit::Hour => "HOURS",
            TimeUnit::Minute => "MINUTES",
            TimeUnit::Second => "SECONDS",
            TimeUnit::Millisecond => "MILLISECONDS",
        }
    }

    fn singular(self) -> &'static str {
        match self {
            TimeUnit::Day => "DAY",
            TimeUnit::Hour => "HOUR",
            TimeUnit::Minute => "MINUTE",
            TimeUnit::Second => "SECOND",
            TimeUnit::Millisecond => "MILLISECOND",
        }
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.plural())
    }
}

/// A duration such as `2 SECONDS`, kept in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeSpan {
    pub millis: u64,
}

impl TimeSpan {
    /// `count` units, or `None` on overflow.
    pub fn of(count: u64, unit: TimeUnit) -> Option<TimeSpan> {
        count
            .checked_mul(unit.millis())
            .map(|millis| TimeSpan { millis })
    }

    /// The same span in milliseconds.
    pub fn from_millis(millis: u64) -> TimeSpan {
        TimeSpan { millis }
    }
}

impl fmt::Display for TimeSpan {
    /// The largest unit that divides the span: `2 SECONDS`, `1 HOUR`, `1500 MILLISECONDS`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = [
            TimeUnit::Day,
            TimeUnit::Hour,
            TimeUnit::Minute,
            TimeUnit::Second,
        ];
        let unit = units
            .into_iter()
            .find(|u| self.millis != 0 && self.millis.is_multiple_of(u.millis()))
            .unwrap_or(TimeUnit::Millisecond);
        let count = self.millis / unit.millis();
        let name = if count == 1 {
            unit.singular()
        } else {
            unit.plural()
        };
        write!(f, "{count} {name}")
    }
}

/// `WINDOW [name] TUMBLING | HOPPING | SESSION (...)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WindowExpression {
    /// The optional window name (`WINDOW w TUMBLING ...`), rarely used.
    pub name: Option<Identifier>,
    pub kind: WindowKind,
}

/// The window shape and its sizes. Retention and grace are `None` when not written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WindowKind {
    Tumbling {
        size: TimeSpan,
        retention: Option<TimeSpan>,
        grace: Option<TimeSpan>,
    },
    Hopping {
        size: TimeSpan,
        advance: TimeSpan,
        retention: Option<TimeSpan>,
        grace: Option<TimeSpan>,
    },
    Session {
        gap: TimeSpan,
        retention: Option<TimeSpan>,
        grace: Option<TimeSpan>,
    },
}

fn write_tail(
    f: &mut fmt::Formatter<'_>,
    retention: &Option<TimeSpan>,
    grace: &Option<TimeSpan>,
) -> fmt::Result {
    if let Some(r) = retention {
        write!(f, ", RETENTION {r}")?;
    }
    if let Some(g) = grace {
        write!(f, ", GRACE PERIOD {g}")?;
    }
    f.write_str(")")
}

impl fmt::Display for WindowExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = &self.name {
            write!(f, "{name} ")?;
        }
        match &self.kind {
            WindowKind::Tumbling {
                size,
                retention,
                grace,
            } => {
                write!(f, "TUMBLING (SIZE {size}")?;
                write_tail(f, retention, grace)
            }
            WindowKind::Hopping {
                size,
                advance,
                retention,
                grace,
            } => {
                write!(f, "HOPPING (SIZE {size}, ADVANCE BY {advance}")?;
                write_tail(f, retention, grace)
            }
            WindowKind::Session {
                gap,
                retention,
                grace,
            } => {
                write!(f, "SESSION ({gap}")?;
                write_tail(f, retention, grace)
            }
        }
    }
}

/// A stream-stream join window: `WITHIN n unit` or `WITHIN (before, after)`, optional grace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JoinWithin {
    /// `WITHIN n unit`: before = after = n.
    Symmetric {
        span: TimeSpan,
        grace: Option<TimeSpan>,
    },
    /// `WITHIN (before, after)`.
    BeforeAfter {
        before: TimeSpan,
        after: TimeSpan,
        grace: Option<TimeSpan>,
    },
}

impl JoinWithin {
    /// How far back the other side may be.
    pub fn before(&self) -> TimeSpan {
        match self {
            JoinWithin::Symmetric { span, .. } => *span,
            JoinWithin::BeforeAfter { before, .. } => *before,
        }
    }

    /// How far ahead the other side may be.
    pub fn after(&self) -> TimeSpan {
        match self {
            JoinWithin::Symmetric { span, .. } => *span,
            JoinWithin::BeforeAfter { after, .. } => *after,
        }
    }

    /// The explicit grace period, if written.
    pub fn grace(&self) -> Option<TimeSpan> {
        match self {
            JoinWithin::Symmetric { grace, .. } | JoinWithin::BeforeAfter { grace, .. } => *grace,
        }
    }
}

impl fmt::Display for JoinWithin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinWithin::Symmetric { span, .. } => write!(f, "WITHIN {span}")?,
            JoinWithin::BeforeAfter { before, after, .. } => {
                write!(f, "WITHIN ({before}, {after})")?
            }
        }
        if let Some(g) = self.grace() {
            write!(f, " GRACE PERIOD {g}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_print_in_the_largest_whole_unit() {
        assert_eq!(TimeSpan::from_millis(2000).to_string(), "2 SECONDS");
        assert_eq!(TimeSpan::from_millis(3_600_000).to_string(), "1 HOUR");
        assert_eq!(TimeSpan::from_millis(1500).to_string(), "1500 MILLISECONDS");
        assert_eq!(TimeSpan::from_millis(0).to_string(), "0 MILLISECONDS");
        assert_eq!(TimeSpan::from_millis(7 * 86_400_000).to_string(), "7 DAYS");
        assert!(TimeSpan::of(u64::MAX, TimeUnit::Day).is_none());
    }
}
