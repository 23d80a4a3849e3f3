//! Formatting a `Moment` with a compiled pattern (Java `DateTimeFormatter.format`).
//!
//! This module owns the output side of each pattern letter. It must not parse text (see
//! `parse`) nor compile patterns (see the parent module).

use super::{Moment, Pattern, Token, DAYS, MONTHS};
use crate::functions::time_zone::offset_text;

fn unsupported(field: &str) -> String {
    format!("Unsupported field: {field}")
}

fn pad(v: i64, width: usize) -> String {
    if v < 0 {
        format!("-{:0width$}", -v, width = width)
    } else {
        format!("{v:0width$}")
    }
}

impl Pattern {
    /// Formats a moment; a letter whose field the moment lacks is an error (as Java's).
    pub(crate) fn format(&self, m: &Moment) -> Result<String, String> {
        let mut out = String::new();
        let date = m.days.map(rivulet_core::time::civil_from_days);
        let need_date = || date.ok_or_else(|| unsupported("date"));
        let nanos = m.nanos;
        let need_time = || nanos.ok_or_else(|| unsupported("time"));
        let need_zone = || m.zone.ok_or_else(|| unsupported("zone"));
        for token in &self.tokens {
            let (letter, count) = match token {
                Token::Literal(s) => {
                    out.push_str(s);
                    continue;
                }
                Token::OptionalStart | Token::OptionalEnd => continue,
                Token::Field { letter, count } => (*letter, *count),
            };
            match letter {
                'G' => {
                    let (y, _, _) = need_date()?;
                    let ad = y > 0;
                    out.push_str(match (count, ad) {
                        (4, true) => "Anno Domini",
                        (4, false) => "Before Christ",
                        (5, true) => "A",
                        (5, false) => "B",
                        (_, true) => "AD",
                        (_, false) => "BC",
                    });
                }
                'u' | 'y' | 'Y' => {
                    let (y, _, _) = need_date()?;
                    let y = if letter == 'u' || y > 0 { y } else { 1 - y };
                    match count {
                        2 => out.push_str(&pad(y.rem_euclid(100), 2)),
                        4.. if y > 9999 => {
                            out.push('+');
                            out.push_str(&y.to_string());
                        }
                        _ => out.push_str(&pad(y, count)),
                    }
                }
                'D' => {
                    let (y, _, _) = need_date()?;
                    let days = m.days.unwrap_or(0);
                    let doy = days - rivulet_core::time::days_from_civil(y, 1, 1) + 1;
                    out.push_str(&pad(doy, count));
                }
                'M' | 'L' => {
                    let (_, mo, _) = need_date()?;
                    let name = MONTHS[(mo as usize).saturating_sub(1).min(11)];
                    match count {
                        1 | 2 => out.push_str(&pad(i64::from(mo), count)),
                        3 => out.push_str(&name[..3]),
                        4 => out.push_str(name),
                        _ => out.push_str(&name[..1]),
                    }
                }
                'd' => {
                    let (_, _, d) = need_date()?;
                    out.push_str(&pad(i64::from(d), count));
                }
                'Q' | 'q' => {
                    let (_, mo, _) = need_date()?;
                    let q = (mo - 1) / 3 + 1;
                    match count {
                        1 | 2 => out.push_str(&pad(i64::from(q), count)),
                        3 => out.push_str(&format!("Q{q}")),
                        _ => out.push_str(["1st", "2nd", "3rd", "4th"][(q as usize - 1).min(3)]),
                    }
                    if count == 4 {
                        out.push_str(" quarter");
                    }
                }
                'E' | 'e' | 'c' => {
                    let days = m.days.ok_or_else(|| unsupported("DayOfWeek"))?;
                    // 1970-01-01 was a Thursday.
                    let dow = (days + 3).rem_euclid(7) as usize; // 0 = Monday
                    let name = DAYS[dow];
                    if letter != 'E' && count <= 2 {
                        // Localized (US): Sunday is 1.
                        out.push_str(&pad(((dow + 1) % 7 + 1) as i64, count));
                    } else {
                        match count {
                            1..=3 => out.push_str(&name[..3]),
                            4 => out.push_str(name),
                            _ => out.push_str(&name[..1]),
                        }
                    }
                }
                'a' => {
                    let n = need_time()?;
                    out.push_str(if n < 12 * 3_600_000_000_000 {
                        "AM"
                    } else {
                        "PM"
                    });
                }
                'H' | 'k' | 'K' | 'h' => {
                    let h = need_time()? / 3_600_000_000_000;
                    let v = match letter {
                        'H' => h,
                        'k' => {
                            if h == 0 {
                                24
                            } else {
                                h
                            }
                        }
                        'K' => h % 12,
                        _ => {
                            if h % 12 == 0 {
                                12
                            } else {
                                h % 12
                            }
                        }
                    };
                    out.push_str(&pad(v, count));
                }
                'm' => out.push_str(&pad(need_time()? / 60_000_000_000 % 60, count)),
                's' => out.push_str(&pad(need_time()? / 1_000_000_000 % 60, count)),
                'S' => {
                    let frac = format!("{:09}", need_time()? % 1_000_000_000);
                    if count <= 9 {
                        out.push_str(&frac[..count]);
                    } else {
                        out.push_str(&frac);
                        out.push_str(&"0".repeat(count - 9));
                    }
                }
                'n' => out.push_str(&pad(need_time()? % 1_000_000_000, count)),
                'N' => out.push_str(&pad(need_time()?, count)),
                'A' => out.push_str(&pad(need_time()? / 1_000_000, count)),
                'V' => out.push_str(&need_zone()?.0.id()),
                'z' => {
                    let (zone, instant) = need_zone()?;
                    out.push_str(&zone.abbreviation(instant));
                }
                'O' => {
                    let (zone, instant) = need_zone()?;
                    let off = zone.offset_at(instant);
                    if off == 0 {
                        out.push_str("GMT");
                    } else if count == 4 {
                        out.push_str(&format!("GMT{}", offset_text(off, true, "")));
                    } else {
                        let sign = if off < 0 { '-' } else { '+' };
                        let a = off.unsigned_abs();
                        out.push_str(&format!("GMT{sign}{}", a / 3600));
                        if a % 3600 != 0 {
                            out.push_str(&format!(":{:02}", a / 60 % 60));
                        }
                    }
                }
                'X' | 'x' | 'Z' => {
                    let (zone, instant) = need_zone()?;
                    let off = zone.offset_at(instant);
                    out.push_str(&offset_for(letter, count, off));
                }
                other => return Err(format!("Unknown pattern letter: {other}")),
            }
        }
        Ok(out)
    }
}

/// The offset text of X/x/Z at a count.
fn offset_for(letter: char, count: usize, off: i32) -> String {
    let zero = if letter == 'X' { "Z" } else { "" };
    let hm_only = |colon: bool| {
        let s = offset_text(off, colon, zero);
        if off != 0 || letter != 'X' {
            // Drop seconds unless the count asks for them.
            if s.len() > 6 && count < 4 {
                return s[..if colon { 6 } else { 5 }].to_string();
            }
        }
        s
    };
    match (letter, count) {
        ('Z', 1..=3) => offset_text(off, false, "+0000"),
        ('Z', 4) => {
            if off == 0 {
                "GMT".into()
            } else {
                format!("GMT{}", offset_text(off, true, ""))
            }
        }
        ('Z', _) => offset_text(off, true, "Z"),
        (_, 1) => {
            if off == 0 {
                if letter == 'X' {
                    "Z".into()
                } else {
                    "+00".into()
                }
            } else {
                let sign = if off < 0 { '-' } else { '+' };
                let a = off.unsigned_abs();
                let mut s = format!("{sign}{:02}", a / 3600);
                if a / 60 % 60 != 0 {
                    s.push_str(&format!("{:02}", a / 60 % 60));
                }
                s
            }
        }
        (_, 2) | (_, 4) => {
            if off == 0 && letter == 'x' {
                "+0000".into()
            } else {
                hm_only(false)
            }
        }
        _ => {
            if off == 0 && letter == 'x' {
                "+00:00".into()
            } else {
                hm_only(true)
            }
        }
    }
}
