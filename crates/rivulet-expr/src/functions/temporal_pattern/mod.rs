//! Java `DateTimeFormatter` patterns (`yyyy-MM-dd'T'HH:mm:ss.SSSX`, `dd/MMM/yyyy`, …): compiling
//! the pattern text, formatting a date/time with it and parsing text back into fields, in the
//! English (US) locale ksqlDB's servers use. Compiled patterns are cached per thread.
//!
//! Supported letters: G u y Y(as y) D M L d Q q E e c a h K k H m s S n N A V z O X x Z, quoted
//! literals, `''`, and optional sections `[…]`. Week-based fields (w W) are not supported.
//!
//! This module owns the pattern model (tokens, compilation, cache) and the values exchanged with
//! it; `format` and `parse` own the two directions. It must not know SQL functions (see
//! `datetime`) nor time zone rules (see `time_zone`).

mod format;
mod parse;

use std::{cell::RefCell, collections::HashMap, rc::Rc};

use super::time_zone::Zone;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(String),
    Field { letter: char, count: usize },
    OptionalStart,
    OptionalEnd,
}

/// A compiled pattern.
#[derive(Debug)]
pub(crate) struct Pattern {
    tokens: Vec<Token>,
}

const LETTERS: &str = "GuyYDMLdQqEecahKkHmsSnNAVzOXxZ";

fn compile_uncached(pattern: &str) -> Result<Pattern, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphabetic() {
            if !LETTERS.contains(c) {
                return Err(format!("Unknown pattern letter: {c}"));
            }
            let mut n = 1;
            while i + n < chars.len() && chars[i + n] == c {
                n += 1;
            }
            tokens.push(Token::Field {
                letter: c,
                count: n,
            });
            i += n;
        } else if c == '\'' {
            // Quoted literal; '' inside (or alone) is a quote.
            let mut lit = String::new();
            i += 1;
            if chars.get(i) == Some(&'\'') {
                tokens.push(Token::Literal("'".into()));
                i += 1;
                continue;
            }
            loop {
                match chars.get(i) {
                    None => {
                        return Err(format!(
                            "Pattern ends with an incomplete string literal: {pattern}"
                        ))
                    }
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        lit.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        lit.push(*ch);
                        i += 1;
                    }
                }
            }
            tokens.push(Token::Literal(lit));
        } else if c == '[' {
            depth += 1;
            tokens.push(Token::OptionalStart);
            i += 1;
        } else if c == ']' {
            if depth == 0 {
                return Err(format!(
                    "Pattern invalid as it contains ] without previous [: {pattern}"
                ));
            }
            depth -= 1;
            tokens.push(Token::OptionalEnd);
            i += 1;
        } else if "#{}".contains(c) {
            return Err(format!("Pattern includes reserved character: '{c}'"));
        } else {
            tokens.push(Token::Literal(c.to_string()));
            i += 1;
        }
    }
    for _ in 0..depth {
        tokens.push(Token::OptionalEnd);
    }
    Ok(Pattern { tokens })
}

/// The compiled form of `pattern` (cached per thread).
pub(crate) fn compile(pattern: &str) -> Result<Rc<Pattern>, String> {
    thread_local! {
        static CACHE: RefCell<HashMap<String, Rc<Pattern>>> = RefCell::new(HashMap::new());
    }
    CACHE.with(|cache| {
        if let Some(p) = cache.borrow().get(pattern) {
            return Ok(Rc::clone(p));
        }
        let p = Rc::new(compile_uncached(pattern)?);
        let mut c = cache.borrow_mut();
        if c.len() >= 256 {
            c.clear();
        }
        c.insert(pattern.to_string(), Rc::clone(&p));
        Ok(p)
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// What a value offers to a pattern: a date, a time of day, and a zone.
#[derive(Debug, Clone, Default)]
pub(crate) struct Moment {
    /// Days since the epoch (local).
    pub days: Option<i64>,
    /// Nanoseconds since midnight (local).
    pub nanos: Option<i64>,
    /// The zone and the UTC instant, for zone letters.
    pub zone: Option<(Zone, i64)>,
}

/// Fields read from text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Parsed {
    pub year: Option<i64>,
    pub year_of_era: Option<i64>,
    pub bc: bool,
    pub month: Option<u32>,
    pub day: Option<u32>,
    pub day_of_year: Option<u32>,
    pub hour: Option<u32>,
    pub hour_of_ampm: Option<u32>,
    pub pm: Option<bool>,
    pub minute: Option<u32>,
    pub second: Option<u32>,
    pub nano: Option<u32>,
    pub milli_of_day: Option<u64>,
    pub offset: Option<i32>,
    pub zone: Option<Zone>,
}

impl Parsed {
    pub(crate) fn has_date(&self) -> bool {
        self.year.is_some()
            || self.year_of_era.is_some()
            || self.month.is_some()
            || self.day.is_some()
            || self.day_of_year.is_some()
    }

    pub(crate) fn has_time(&self) -> bool {
        self.hour.is_some()
            || self.hour_of_ampm.is_some()
            || self.minute.is_some()
            || self.second.is_some()
            || self.nano.is_some()
            || self.milli_of_day.is_some()
    }

    /// The date, completing missing parts from 1970-01-01; errors on an impossible date.
    pub(crate) fn days(&self) -> Result<i64, String> {
        let year = match (self.year, self.year_of_era) {
            (Some(y), _) => y,
            (None, Some(y)) if self.bc => 1 - y,
            (None, Some(y)) => y,
            (None, None) => 1970,
        };
        if let Some(doy) = self.day_of_year {
            let leap = crate::eval::cast::days_in_month(year, 2) == 29;
            if doy == 0 || doy > if leap { 366 } else { 365 } {
                return Err(format!(
                    "Invalid date 'DayOfYear {doy}' as '{year}' is not a leap year"
                ));
            }
            return Ok(rivulet_core::time::days_from_civil(year, 1, 1) + i64::from(doy) - 1);
        }
        let (month, day) = (self.month.unwrap_or(1), self.day.unwrap_or(1));
        crate::eval::cast::days_checked(year, month, day)
            .ok_or_else(|| format!("Invalid date: {year}-{month:02}-{day:02}"))
    }

    /// The time of day in nanoseconds.
    pub(crate) fn nanos(&self) -> Result<i64, String> {
        if let Some(ms) = self.milli_of_day {
            return Ok(ms as i64 * 1_000_000);
        }
        let hour = match (self.hour, self.hour_of_ampm, self.pm) {
            (Some(h), _, _) => h,
            (None, Some(h), pm) => h % 12 + if pm == Some(true) { 12 } else { 0 },
            (None, None, Some(true)) => 12,
            (None, None, _) => 0,
        };
        let (minute, second) = (self.minute.unwrap_or(0), self.second.unwrap_or(0));
        if hour > 23 || minute > 59 || second > 59 {
            return Err(format!("Invalid time {hour:02}:{minute:02}:{second:02}"));
        }
        Ok(i64::from(hour) * 3_600_000_000_000
            + i64::from(minute) * 60_000_000_000
            + i64::from(second) * 1_000_000_000
            + i64::from(self.nano.unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::time_zone::parse_zone;

    fn moment(ms: i64, zone: Zone) -> Moment {
        let local = ms + i64::from(zone.offset_at(ms)) * 1000;
        Moment {
            days: Some(local.div_euclid(86_400_000)),
            nanos: Some(local.rem_euclid(86_400_000) * 1_000_000),
            zone: Some((zone, ms)),
        }
    }

    #[test]
    fn formats_common_patterns() {
        let m = moment(1_717_000_002_133, Zone::UTC); // 2024-05-29T16:26:42.133Z, a Wednesday
        let cases = [
            ("yyyy-MM-dd HH:mm:ss.SSS", "2024-05-29 16:26:42.133"),
            ("yyyy-MM-dd'T'HH:mm:ssX", "2024-05-29T16:26:42Z"),
            ("dd/MMM/yyyy hh:mm a", "29/May/2024 04:26 PM"),
            ("EEEE, MMMM d, yy", "Wednesday, May 29, 24"),
            ("D 'day' ''q''Q", "150 day '2'2"),
            ("HH:mm:ss.SSSSSS xxx Z", "16:26:42.133000 +00:00 +0000"),
        ];
        for (p, expected) in cases {
            assert_eq!(compile(p).unwrap().format(&m).unwrap(), expected, "{p}");
        }
        let la = parse_zone("America/Los_Angeles").unwrap();
        let m = moment(1_717_000_002_133, la);
        assert_eq!(
            compile("yyyy-MM-dd HH:mm z XXX VV")
                .unwrap()
                .format(&m)
                .unwrap(),
            "2024-05-29 09:26 PDT -07:00 America/Los_Angeles"
        );
        assert!(compile("yyyy-bb").is_err());
        let date_only = Moment {
            days: Some(0),
            ..Moment::default()
        };
        assert!(compile("HH").unwrap().format(&date_only).is_err());
    }

    #[test]
    fn parses_common_patterns() {
        let p = compile("yyyy-MM-dd HH:mm:ss.SSS")
            .unwrap()
            .parse("2024-05-29 16:26:42.133")
            .unwrap();
        assert_eq!(p.days().unwrap(), 19_872);
        assert_eq!(
            p.nanos().unwrap(),
            ((16 * 3600 + 26 * 60 + 42) * 1000 + 133) * 1_000_000
        );
        let p = compile("yyyyMMddHHmm")
            .unwrap()
            .parse("202405291626")
            .unwrap();
        assert_eq!(
            (p.month, p.day, p.hour, p.minute),
            (Some(5), Some(29), Some(16), Some(26))
        );
        let p = compile("dd-MMM-yyyy hh:mm a")
            .unwrap()
            .parse("29-may-2024 04:26 pm")
            .unwrap();
        assert_eq!(p.nanos().unwrap() / 1_000_000_000 / 60, 16 * 60 + 26);
        let p = compile("yyyy-MM-dd'T'HH:mm:ssXXX")
            .unwrap()
            .parse("2024-05-29T16:26:42+02:00")
            .unwrap();
        assert_eq!(p.offset, Some(7200));
        let p = compile("yyyy-MM-dd[ HH:mm]")
            .unwrap()
            .parse("2024-05-29")
            .unwrap();
        assert!(!p.has_time());
        assert!(compile("yyyy-MM-dd").unwrap().parse("2024-5-29").is_err());
        assert!(compile("yyyy-MM-dd")
            .unwrap()
            .parse("2024-02-30")
            .unwrap()
            .days()
            .is_err());
    }
}
