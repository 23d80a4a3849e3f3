//! Parsing text with a compiled pattern into `Parsed` fields (Java `DateTimeFormatter.parse`,
//! case-insensitive, with adjacent-value parsing for patterns like `yyyyMMdd`).
//!
//! This module owns the input side of each pattern letter. It must not format (see `format`)
//! nor resolve fields into instants (the callers do, with `Parsed::days`/`nanos`).

use super::{Parsed, Pattern, Token, DAYS, MONTHS};
use crate::functions::time_zone::{parse_offset, parse_zone};

struct Cursor<'t> {
    text: &'t str,
    pos: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn digits(&mut self, min: usize, max: usize) -> Option<u64> {
        let rest = self.rest();
        let n = rest
            .bytes()
            .take(max)
            .take_while(u8::is_ascii_digit)
            .count();
        if n < min {
            return None;
        }
        let v = rest[..n].parse().ok()?;
        self.pos += n;
        Some(v)
    }

    /// A case-insensitive match of one of `words` (longest first), returning its index.
    fn word(&mut self, words: &[&str]) -> Option<usize> {
        let rest = self.rest();
        let mut best: Option<(usize, usize)> = None;
        for (i, w) in words.iter().enumerate() {
            let fits = rest.len() >= w.len()
                && rest.is_char_boundary(w.len())
                && rest[..w.len()].eq_ignore_ascii_case(w);
            let longer = match best {
                None => true,
                Some((_, l)) => l < w.len(),
            };
            if fits && longer {
                best = Some((i, w.len()));
            }
        }
        let (i, len) = best?;
        self.pos += len;
        Some(i)
    }
}

fn is_numeric_letter(letter: char, count: usize) -> bool {
    match letter {
        'M' | 'L' | 'Q' | 'q' => count <= 2,
        'u' | 'y' | 'Y' | 'D' | 'd' | 'h' | 'K' | 'k' | 'H' | 'm' | 's' | 'S' | 'n' | 'N' | 'A' => {
            true
        }
        'e' | 'c' => count <= 2,
        _ => false,
    }
}

impl Pattern {
    /// Parses `text` completely (case-insensitively) into fields.
    pub(crate) fn parse(&self, text: &str) -> Result<Parsed, String> {
        let mut cur = Cursor { text, pos: 0 };
        let mut parsed = Parsed::default();
        self.parse_tokens(&self.tokens, &mut cur, &mut parsed)
            .map_err(|at| format!("Text '{text}' could not be parsed at index {at}"))?;
        if cur.pos != text.len() {
            return Err(format!(
                "Text '{text}' could not be parsed, unparsed text found at index {}",
                cur.pos
            ));
        }
        Ok(parsed)
    }

    fn parse_tokens(
        &self,
        tokens: &[Token],
        cur: &mut Cursor<'_>,
        p: &mut Parsed,
    ) -> Result<(), usize> {
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                Token::Literal(s) => {
                    let rest = cur.rest();
                    if rest.len() >= s.len()
                        && rest.is_char_boundary(s.len())
                        && rest[..s.len()].eq_ignore_ascii_case(s)
                    {
                        cur.pos += s.len();
                    } else {
                        return Err(cur.pos);
                    }
                }
                Token::OptionalStart => {
                    // Find the matching end.
                    let mut depth = 0;
                    let mut end = i;
                    for (j, t) in tokens.iter().enumerate().skip(i) {
                        match t {
                            Token::OptionalStart => depth += 1,
                            Token::OptionalEnd => {
                                depth -= 1;
                                if depth == 0 {
                                    end = j;
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    let saved = (cur.pos, p.clone());
                    if self.parse_tokens(&tokens[i + 1..end], cur, p).is_err() {
                        cur.pos = saved.0;
                        *p = saved.1;
                    }
                    i = end;
                }
                Token::OptionalEnd => {}
                Token::Field { letter, count } => {
                    let adjacent = matches!(tokens.get(i + 1), Some(Token::Field { letter: l, count: c }) if is_numeric_letter(*l, *c));
                    parse_field(*letter, *count, adjacent, cur, p).ok_or(cur.pos)?;
                }
            }
            i += 1;
        }
        Ok(())
    }
}

fn small(v: u64) -> Option<u32> {
    u32::try_from(v).ok()
}

fn parse_field(
    letter: char,
    count: usize,
    adjacent: bool,
    cur: &mut Cursor<'_>,
    p: &mut Parsed,
) -> Option<()> {
    // (min, max) digits for numeric fields.
    let width = |default_max: usize| -> (usize, usize) {
        match count {
            1 if adjacent => (1, 1),
            1 => (1, default_max),
            2 => (2, 2),
            n if adjacent => (n, n),
            n => (n, default_max.max(n)),
        }
    };
    match letter {
        'u' | 'y' | 'Y' => {
            let negative = letter == 'u' && cur.rest().starts_with('-');
            let plus = cur.rest().starts_with('+');
            if negative || plus {
                cur.pos += 1;
            }
            let (min, max) = width(10);
            let v = cur.digits(min, max)? as i64;
            let v = if count == 2 { 2000 + v } else { v };
            let v = if negative { -v } else { v };
            if letter == 'u' {
                p.year = Some(v);
            } else {
                p.year_of_era = Some(v);
            }
        }
        'G' => {
            let i = cur.word(&["AD", "BC", "Anno Domini", "Before Christ", "A", "B"])?;
            p.bc = i % 2 == 1;
        }
        'D' => {
            let (min, max) = width(3);
            p.day_of_year = small(cur.digits(min, max)?);
        }
        'M' | 'L' => match count {
            1 | 2 => {
                let (min, max) = width(2);
                p.month = small(cur.digits(min, max)?);
            }
            3 => {
                let short: Vec<&str> = MONTHS.iter().map(|m| &m[..3]).collect();
                p.month = Some(cur.word(&short)? as u32 + 1);
            }
            _ => p.month = Some(cur.word(&MONTHS)? as u32 + 1),
        },
        'd' => {
            let (min, max) = width(2);
            p.day = small(cur.digits(min, max)?);
        }
        'Q' | 'q' => {
            if count <= 2 {
                let (min, max) = width(1);
                cur.digits(min, max)?;
            } else {
                cur.word(&[
                    "Q1",
                    "Q2",
                    "Q3",
                    "Q4",
                    "1st quarter",
                    "2nd quarter",
                    "3rd quarter",
                    "4th quarter",
                ])?;
            }
        }
        'E' | 'e' | 'c' => {
            if letter != 'E' && count <= 2 {
                cur.digits(1, 1)?;
            } else if count == 4 {
                cur.word(&DAYS)?;
            } else {
                let short: Vec<&str> = DAYS.iter().map(|d| &d[..3]).collect();
                cur.word(&short)?;
            }
        }
        'a' => p.pm = Some(cur.word(&["AM", "PM"])? == 1),
        'H' | 'k' => {
            let (min, max) = width(2);
            let h = small(cur.digits(min, max)?)?;
            p.hour = Some(if letter == 'k' && h == 24 { 0 } else { h });
        }
        'h' | 'K' => {
            let (min, max) = width(2);
            p.hour_of_ampm = small(cur.digits(min, max)?);
        }
        'm' => {
            let (min, max) = width(2);
            p.minute = small(cur.digits(min, max)?);
        }
        's' => {
            let (min, max) = width(2);
            p.second = small(cur.digits(min, max)?);
        }
        'S' => {
            let start = cur.pos;
            let n = if adjacent { count } else { count.max(1) };
            let max = if adjacent { count } else { 9.max(count) };
            cur.digits(n.min(max), max)?;
            let digits = &cur.text[start..cur.pos];
            let padded = format!("{digits:0<9}");
            p.nano = small(padded[..9].parse().ok()?);
        }
        'n' => {
            let (min, max) = width(9);
            p.nano = small(cur.digits(min, max)?);
        }
        'N' => {
            let (min, max) = width(14);
            let v = cur.digits(min, max)?;
            p.milli_of_day = Some(v / 1_000_000);
        }
        'A' => {
            let (min, max) = width(8);
            p.milli_of_day = Some(cur.digits(min, max)?);
        }
        'V' | 'z' => {
            let rest = cur.rest();
            let n = rest
                .char_indices()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || "/_+-:".contains(*c)))
                .map_or(rest.len(), |(i, _)| i);
            // Longest prefix that names a zone.
            let zone = (1..=n)
                .rev()
                .find_map(|k| parse_zone(&rest[..k]).ok().map(|z| (k, z)));
            let (k, zone) = zone?;
            cur.pos += k;
            p.zone = Some(zone);
        }
        'O' => {
            let rest = cur.rest();
            if !rest.get(..3)?.eq_ignore_ascii_case("GMT") {
                return None;
            }
            cur.pos += 3;
            let r = cur.rest();
            let n = r
                .char_indices()
                .find(|(i, c)| {
                    !(c.is_ascii_digit() || *c == ':' || (*i == 0 && (*c == '+' || *c == '-')))
                })
                .map_or(r.len(), |(i, _)| i);
            p.offset = Some(if n == 0 { 0 } else { parse_offset(&r[..n])? });
            cur.pos += n;
        }
        'X' | 'x' | 'Z' => {
            let r = cur.rest();
            if (letter == 'X' || (letter == 'Z' && count == 5)) && r.starts_with(['Z', 'z']) {
                cur.pos += 1;
                p.offset = Some(0);
                return Some(());
            }
            if letter == 'Z'
                && count == 4
                && r.get(..3).is_some_and(|g| g.eq_ignore_ascii_case("GMT"))
            {
                cur.pos += 3;
            }
            let r = cur.rest();
            let n = r
                .char_indices()
                .find(|(i, c)| {
                    !(c.is_ascii_digit() || *c == ':' || (*i == 0 && (*c == '+' || *c == '-')))
                })
                .map_or(r.len(), |(i, _)| i);
            if n == 0 && letter == 'Z' && count == 4 {
                p.offset = Some(0);
                return Some(());
            }
            p.offset = Some(parse_offset(&r[..n])?);
            cur.pos += n;
        }
        _ => return None,
    }
    Some(())
}
