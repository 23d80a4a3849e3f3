//! Time zones as Java's `ZoneId.of` names them: `Z`, `UTC`, `GMT`, fixed offsets (`+02:00`,
//! `GMT+2`), IANA region ids (`America/Los_Angeles`, from the tz database in `chrono-tz`), and
//! Java's short ids (`PST`, `IST`, …) for convenience.
//!
//! This module owns zone lookup and UTC/local offset arithmetic. It must not format or parse
//! dates (the temporal pattern module does) nor know SQL functions.

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone};
use chrono_tz::{OffsetName, Tz};

/// A resolved zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    /// A fixed offset in seconds east of UTC; `named` keeps `UTC`/`GMT` for printing.
    Fixed {
        seconds: i32,
        named: Option<&'static str>,
    },
    Region(Tz),
}

/// Java's `ZoneId.SHORT_IDS`.
const SHORT_IDS: &[(&str, &str)] = &[
    ("ACT", "Australia/Darwin"),
    ("AET", "Australia/Sydney"),
    ("AGT", "America/Argentina/Buenos_Aires"),
    ("ART", "Africa/Cairo"),
    ("AST", "America/Anchorage"),
    ("BET", "America/Sao_Paulo"),
    ("BST", "Asia/Dhaka"),
    ("CAT", "Africa/Harare"),
    ("CNT", "America/St_Johns"),
    ("CST", "America/Chicago"),
    ("CTT", "Asia/Shanghai"),
    ("EAT", "Africa/Addis_Ababa"),
    ("ECT", "Europe/Paris"),
    ("IET", "America/Indiana/Indianapolis"),
    ("IST", "Asia/Kolkata"),
    ("JST", "Asia/Tokyo"),
    ("MIT", "Pacific/Apia"),
    ("NET", "Asia/Yerevan"),
    ("NST", "Pacific/Auckland"),
    ("PLT", "Asia/Karachi"),
    ("PNT", "America/Phoenix"),
    ("PRT", "America/Puerto_Rico"),
    ("PST", "America/Los_Angeles"),
    ("SST", "Pacific/Guadalcanal"),
    ("VST", "Asia/Ho_Chi_Minh"),
];

/// Resolves a zone name as `ZoneId.of` would (plus the short ids).
pub fn parse_zone(name: &str) -> Result<Zone, String> {
    let bad = || format!("Unknown time-zone ID: {name}");
    if name == "Z" {
        return Ok(Zone::Fixed {
            seconds: 0,
            named: Some("Z"),
        });
    }
    if name.starts_with(['+', '-']) {
        return parse_offset(name)
            .map(|seconds| Zone::Fixed {
                seconds,
                named: None,
            })
            .ok_or_else(bad);
    }
    for prefix in ["UTC", "GMT", "UT"] {
        if let Some(rest) = name.strip_prefix(prefix) {
            if rest.is_empty() {
                return Ok(Zone::Fixed {
                    seconds: 0,
                    named: Some(prefix),
                });
            }
            if rest.starts_with(['+', '-']) {
                return parse_offset(rest)
                    .map(|seconds| Zone::Fixed {
                        seconds,
                        named: None,
                    })
                    .ok_or_else(bad);
            }
        }
    }
    if let Ok(tz) = name.parse::<Tz>() {
        return Ok(Zone::Region(tz));
    }
    SHORT_IDS
        .iter()
        .find(|(short, _)| *short == name)
        .and_then(|(_, long)| long.parse::<Tz>().ok())
        .map(Zone::Region)
        .ok_or_else(bad)
}

/// `ZoneOffset.of`: `±h`, `±hh`, `±hh:mm`, `±hhmm`, `±hh:mm:ss`, `±hhmmss`, or `Z`; seconds
/// east of UTC, at most ±18 hours.
pub fn parse_offset(text: &str) -> Option<i32> {
    if text == "Z" {
        return Some(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    if !rest.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return None;
    }
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    let colon_ok = match rest.len() {
        5 => rest.as_bytes()[2] == b':',
        8 => rest.as_bytes()[2] == b':' && rest.as_bytes()[5] == b':',
        _ => !rest.contains(':'),
    };
    if !colon_ok {
        return None;
    }
    let (h, m, s) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?, 0),
        6 => (
            digits[..2].parse().ok()?,
            digits[2..4].parse().ok()?,
            digits[4..].parse().ok()?,
        ),
        _ => return None,
    };
    if h > 18 || m > 59 || s > 59 || (h == 18 && (m > 0 || s > 0)) {
        return None;
    }
    Some(sign * (h * 3600 + m * 60 + s))
}

fn naive(ms: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp_millis(ms).map(|d| d.naive_utc())
}

impl Zone {
    pub const UTC: Zone = Zone::Fixed {
        seconds: 0,
        named: Some("UTC"),
    };

    /// Seconds east of UTC at the instant `utc_ms`.
    pub fn offset_at(&self, utc_ms: i64) -> i32 {
        match self {
            Zone::Fixed { seconds, .. } => *seconds,
            Zone::Region(tz) => naive(utc_ms)
                .map(|n| tz.offset_from_utc_datetime(&n).fix().local_minus_utc())
                .unwrap_or(0),
        }
    }

    /// Seconds east of UTC for a local wall-clock time (`local_ms` as if it were UTC): the
    /// earlier offset in an overlap, the offset before the transition in a gap (so the time is
    /// pushed forward by the gap, as `ZonedDateTime.of` does).
    pub fn offset_for_local(&self, local_ms: i64) -> i32 {
        match self {
            Zone::Fixed { seconds, .. } => *seconds,
            Zone::Region(tz) => {
                let Some(n) = naive(local_ms) else { return 0 };
                match tz.offset_from_local_datetime(&n) {
                    LocalResult::Single(o) => o.fix().local_minus_utc(),
                    LocalResult::Ambiguous(a, b) => {
                        let (a, b) = (a.fix().local_minus_utc(), b.fix().local_minus_utc());
                        a.max(b)
                    }
                    LocalResult::None => {
                        let guess = self.offset_at(local_ms);
                        self.offset_at(local_ms - i64::from(guess) * 1000 - 3_600_000)
                    }
                }
            }
        }
    }

    /// The zone's id, as `VV` prints it.
    pub fn id(&self) -> String {
        match self {
            Zone::Fixed { named: Some(n), .. } => (*n).to_string(),
            Zone::Fixed { seconds, .. } => offset_text(*seconds, true, "Z"),
            Zone::Region(tz) => tz.name().to_string(),
        }
    }

    /// The short zone name at an instant, as `z` prints it (`PST`, `UTC`, `+02:00`).
    pub fn abbreviation(&self, utc_ms: i64) -> String {
        match self {
            Zone::Fixed { .. } => self.id(),
            Zone::Region(tz) => naive(utc_ms)
                .and_then(|n| {
                    tz.offset_from_utc_datetime(&n)
                        .abbreviation()
                        .map(str::to_string)
                })
                .unwrap_or_else(|| offset_text(self.offset_at(utc_ms), true, "Z")),
        }
    }
}

/// `+hh:mm` (or `+hhmm` without the colon), `zero` when the offset is 0; seconds are printed
/// only when present.
pub fn offset_text(seconds: i32, colon: bool, zero: &str) -> String {
    if seconds == 0 {
        return zero.to_string();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let a = seconds.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    let sep = if colon { ":" } else { "" };
    if s == 0 {
        format!("{sign}{h:02}{sep}{m:02}")
    } else {
        format!("{sign}{h:02}{sep}{m:02}{sep}{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_java_zone_ids() {
        assert_eq!(parse_offset("+02:00"), Some(7200));
        assert_eq!(parse_offset("-0530"), Some(-19800));
        assert_eq!(parse_offset("+5"), Some(18000));
        assert_eq!(parse_offset("+19"), None);
        assert_eq!(parse_zone("UTC").map(|z| z.offset_at(0)), Ok(0));
        assert_eq!(parse_zone("GMT+2").map(|z| z.offset_at(0)), Ok(7200));
        let la = parse_zone("America/Los_Angeles").unwrap();
        // 2024-01-15 is PST (-8h), 2024-07-15 is PDT (-7h).
        assert_eq!(la.offset_at(1_705_320_000_000), -8 * 3600);
        assert_eq!(la.offset_at(1_721_044_800_000), -7 * 3600);
        assert_eq!(la.abbreviation(1_705_320_000_000), "PST");
        assert_eq!(parse_zone("PST"), Ok(la));
        assert!(parse_zone("Mars/Olympus").is_err());
    }
}
