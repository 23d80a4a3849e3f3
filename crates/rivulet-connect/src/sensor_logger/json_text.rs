//! JSON text at the byte level, shared by both decoding paths: whitespace, string tokens
//! (validated and re-encoded the way Python's `json.dumps(ensure_ascii=True)` writes them),
//! number tokens and exact integer parsing.
//!
//! This module owns no document structure and no batch rules; it must not allocate except by
//! appending to the buffers it is handed, and never panics on any input.

/// Why a token is not valid JSON, and the byte where that was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TokenError {
    pub at: usize,
    pub message: &'static str,
}

pub(crate) const EOF: &str = "unexpected end of input";

impl TokenError {
    fn new(at: usize, message: &'static str) -> Self {
        TokenError { at, message }
    }
}

/// What a string token turned out to contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StrToken {
    /// Index just past the closing quote.
    pub end: usize,
    /// The ASCII re-encoding equals the raw text (no escapes, no non-ASCII, no DEL).
    pub plain: bool,
    /// The raw text contains backslash escapes (so its UTF-8 is not the raw bytes).
    pub escaped: bool,
}

/// Byte classes inside a JSON string.
const PLAIN: u8 = 0;
const QUOTE: u8 = 1;
const BACKSLASH: u8 = 2;
const CONTROL: u8 = 3;
const DEL: u8 = 4;
const NON_ASCII: u8 = 5;

static CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if i < 0x20 {
            CONTROL
        } else if i == b'"' as usize {
            QUOTE
        } else if i == b'\\' as usize {
            BACKSLASH
        } else if i == 0x7f {
            DEL
        } else if i >= 0x80 {
            NON_ASCII
        } else {
            PLAIN
        };
        i += 1;
    }
    t
};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The 8 bytes at `i`, first byte lowest, if there are 8.
#[inline(always)]
fn word(b: &[u8], i: usize) -> Option<u64> {
    let chunk: [u8; 8] = b.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(chunk))
}

/// High bit set in (at least) the lowest byte of `w` that is zero; exact for the lowest one.
#[inline(always)]
fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & HIGHS
}

/// Marks the bytes a string cannot copy as they are: `"`, `\\`, controls, DEL, non-ASCII. The
/// lowest marked byte is exact (higher marks may be spurious), which is all the scan needs.
#[inline(always)]
fn special_bytes(w: u64) -> u64 {
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
    control
        | zero_bytes(w ^ (ONES * u64::from(b'"')))
        | zero_bytes(w ^ (ONES * u64::from(b'\\')))
        | zero_bytes(w ^ (ONES * 0x7f))
        | (w & HIGHS)
}

/// Index of the first byte at or after `i` that is not plain string text.
#[inline(always)]
fn plain_run_end(b: &[u8], mut i: usize) -> usize {
    while let Some(w) = word(b, i) {
        let m = special_bytes(w);
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if CLASS[c as usize] != PLAIN {
            break;
        }
        i += 1;
    }
    i
}

/// Marks the bytes of `w` that are not ASCII digits; the lowest mark is exact.
#[inline(always)]
fn non_digit_bytes(w: u64) -> u64 {
    let t = w ^ (ONES * 0x30);
    (t | t.wrapping_add(ONES * 0x06)) & (ONES * 0xF0)
}

/// Index of the first non-digit at or after `i`.
#[inline(always)]
pub(crate) fn digits(b: &[u8], mut i: usize) -> usize {
    while let Some(w) = word(b, i) {
        let m = non_digit_bytes(w);
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(c) = b.get(i) {
        if c.is_ascii_digit() {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// Appends `src[start..end]`. Short runs (most keys, names and numbers) are copied as one fixed
/// 16- or 32-byte block when `src` has that many bytes from `start`, then cut back: a fixed-size
/// copy is a couple of vector moves, where a variable one is a `memcpy` call.
#[inline(always)]
pub(crate) fn copy_run(out: &mut Vec<u8>, src: &[u8], start: usize, end: usize) {
    let len = end.saturating_sub(start);
    let keep = out.len() + len;
    if len <= 16 {
        if let Some(block) = src
            .get(start..start + 16)
            .and_then(|s| <&[u8; 16]>::try_from(s).ok())
        {
            out.extend_from_slice(block);
            out.truncate(keep);
            return;
        }
    } else if len <= 32 {
        if let Some(block) = src
            .get(start..start + 32)
            .and_then(|s| <&[u8; 32]>::try_from(s).ok())
        {
            out.extend_from_slice(block);
            out.truncate(keep);
            return;
        }
    }
    if let Some(run) = src.get(start..end) {
        out.extend_from_slice(run);
    }
}

/// Skips JSON whitespace from `i`.
#[inline]
pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    // Pretty-printed bodies indent with runs of spaces.
    if b.get(i) == Some(&b'\n') {
        i += 1;
        while word(b, i) == Some(ONES * u64::from(b' ')) {
            i += 8;
        }
    }
    while let Some(&c) = b.get(i) {
        if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// Skips a UTF-8 byte order mark, which Python's `json.loads(bytes)` tolerates.
pub(crate) fn skip_bom(b: &[u8]) -> usize {
    if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends the Python `ensure_ascii` escape of one code point that is not plain ASCII.
#[inline]
pub(crate) fn push_escaped_char(out: &mut Vec<u8>, c: u32) {
    match c {
        0x22 => out.extend_from_slice(b"\\\""),
        0x5c => out.extend_from_slice(b"\\\\"),
        0x0a => out.extend_from_slice(b"\\n"),
        0x0d => out.extend_from_slice(b"\\r"),
        0x09 => out.extend_from_slice(b"\\t"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        0x20..=0x7e => out.push(c as u8),
        0x10000.. => {
            let v = c - 0x10000;
            push_u16_escape(out, 0xD800 | (v >> 10));
            push_u16_escape(out, 0xDC00 | (v & 0x3FF));
        }
        _ => push_u16_escape(out, c),
    }
}

#[inline]
fn push_u16_escape(out: &mut Vec<u8>, u: u32) {
    out.extend_from_slice(&[
        b'\\',
        b'u',
        HEX[((u >> 12) & 0xF) as usize],
        HEX[((u >> 8) & 0xF) as usize],
        HEX[((u >> 4) & 0xF) as usize],
        HEX[(u & 0xF) as usize],
    ]);
}

fn hex4(b: &[u8], i: usize) -> Result<u32, TokenError> {
    let mut v = 0u32;
    for k in 0..4 {
        let Some(&c) = b.get(i + k) else {
            return Err(TokenError::new(b.len(), EOF));
        };
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => {
                return Err(TokenError::new(
                    i + k,
                    "invalid \\u escape: expected 4 hex digits",
                ))
            }
        };
        v = (v << 4) | u32::from(d);
    }
    Ok(v)
}

/// Reads one backslash escape starting at `i` (the byte after the backslash); returns the code
/// point and the index after the escape.
fn read_escape(b: &[u8], i: usize) -> Result<(u32, usize), TokenError> {
    let Some(&c) = b.get(i) else {
        return Err(TokenError::new(b.len(), EOF));
    };
    let simple = match c {
        b'"' => 0x22,
        b'\\' => 0x5c,
        b'/' => 0x2f,
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => 0x0a,
        b'r' => 0x0d,
        b't' => 0x09,
        b'u' => {
            let hi = hex4(b, i + 1)?;
            let after = i + 5;
            if (0xDC00..0xE000).contains(&hi) {
                return Err(TokenError::new(
                    i - 1,
                    "lone trailing surrogate in \\u escape",
                ));
            }
            if !(0xD800..0xDC00).contains(&hi) {
                return Ok((hi, after));
            }
            if b.get(after) != Some(&b'\\') || b.get(after + 1) != Some(&b'u') {
                if after >= b.len() {
                    return Err(TokenError::new(b.len(), EOF));
                }
                return Err(TokenError::new(
                    i - 1,
                    "lone leading surrogate in \\u escape",
                ));
            }
            let lo = hex4(b, after + 2)?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(TokenError::new(
                    i - 1,
                    "lone leading surrogate in \\u escape",
                ));
            }
            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            return Ok((c, after + 6));
        }
        _ => return Err(TokenError::new(i, "invalid escape in string")),
    };
    Ok((simple, i + 1))
}

/// Reads one non-ASCII UTF-8 character at `i`; returns the code point and its length.
fn read_utf8(b: &[u8], i: usize) -> Result<(u32, usize), TokenError> {
    let len = match b[i] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return Err(TokenError::new(i, "invalid UTF-8 in string")),
    };
    let Some(bytes) = b.get(i..i + len) else {
        return Err(TokenError::new(i, "invalid UTF-8 in string"));
    };
    match std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(ch) => Ok((ch as u32, len)),
        None => Err(TokenError::new(i, "invalid UTF-8 in string")),
    }
}

/// Validates the string whose content starts at `i` (just after the opening quote) and appends
/// its `ensure_ascii` encoding (without quotes) to `out`.
#[inline(always)]
pub(crate) fn transcode_string(
    b: &[u8],
    i: usize,
    out: &mut Vec<u8>,
) -> Result<StrToken, TokenError> {
    // Most strings (keys, sensor names, ids) are plain ASCII: one scan, one copy.
    let run_end = plain_run_end(b, i);
    if b.get(run_end) == Some(&b'"') {
        copy_run(out, b, i, run_end);
        return Ok(StrToken {
            end: run_end + 1,
            plain: true,
            escaped: false,
        });
    }
    transcode_string_general(b, i, out)
}

#[inline(never)]
fn transcode_string_general(
    b: &[u8],
    mut i: usize,
    out: &mut Vec<u8>,
) -> Result<StrToken, TokenError> {
    let mut plain = true;
    let mut escaped = false;
    loop {
        let run_start = i;
        i = plain_run_end(b, i);
        out.extend_from_slice(&b[run_start..i]);
        let Some(&c) = b.get(i) else {
            return Err(TokenError::new(b.len(), EOF));
        };
        match CLASS[c as usize] {
            QUOTE => {
                return Ok(StrToken {
                    end: i + 1,
                    plain,
                    escaped,
                })
            }
            BACKSLASH => {
                let (cp, next) = read_escape(b, i + 1)?;
                push_escaped_char(out, cp);
                plain = false;
                escaped = true;
                i = next;
            }
            CONTROL => {
                return Err(TokenError::new(
                    i,
                    "control character (U+0000 to U+001F) in string",
                ))
            }
            DEL => {
                push_u16_escape(out, 0x7f);
                plain = false;
                i += 1;
            }
            _ => {
                let (cp, len) = read_utf8(b, i)?;
                push_escaped_char(out, cp);
                plain = false;
                i += len;
            }
        }
    }
}

/// Decodes the raw content of an already validated string token into UTF-8.
pub(crate) fn decode_string(raw: &[u8]) -> Option<String> {
    let mut s = String::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if c == b'\\' {
            let (cp, next) = read_escape(raw, i + 1).ok()?;
            s.push(char::from_u32(cp)?);
            i = next;
        } else {
            let start = i;
            while i < raw.len() && raw[i] != b'\\' {
                i += 1;
            }
            s.push_str(std::str::from_utf8(&raw[start..i]).ok()?);
        }
    }
    Some(s)
}

/// A number token: where it ends and whether it is an integer (no fraction, no exponent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NumToken {
    pub end: usize,
    pub integer: bool,
}

/// Scans the number starting at `i` (a `-` or a digit) by RFC 8259's grammar.
#[inline]
pub(crate) fn scan_number(b: &[u8], start: usize) -> Result<NumToken, TokenError> {
    let mut i = start;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(b, i + 1),
        Some(_) => return Err(TokenError::new(i, "invalid number")),
        None => return Err(TokenError::new(b.len(), EOF)),
    }
    let mut integer = true;
    if b.get(i) == Some(&b'.') {
        integer = false;
        let after = digits(b, i + 1);
        if after == i + 1 {
            return Err(after_digits_error(
                b,
                after,
                "invalid number: expected a digit after `.`",
            ));
        }
        i = after;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        integer = false;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let after = digits(b, i);
        if after == i {
            return Err(after_digits_error(
                b,
                after,
                "invalid number: expected an exponent digit",
            ));
        }
        i = after;
    }
    Ok(NumToken { end: i, integer })
}

fn after_digits_error(b: &[u8], at: usize, message: &'static str) -> TokenError {
    if at >= b.len() {
        TokenError::new(b.len(), EOF)
    } else {
        TokenError::new(at, message)
    }
}

/// Scans the number at `start` and, when it is an integer that fits, its exact value: one pass
/// for the common case of `time` and `messageId`.
#[inline]
pub(crate) fn scan_integer(b: &[u8], start: usize) -> Result<(NumToken, Option<i64>), TokenError> {
    let negative = b.get(start) == Some(&b'-');
    let first = start + usize::from(negative);
    let end = digits(b, first);
    let n = end - first;
    let plain_end = !matches!(b.get(end), Some(b'.' | b'e' | b'E'));
    if (1..=19).contains(&n) && plain_end && (n == 1 || b[first] != b'0') {
        // 19 digits fit a u64; the sign decides the i64 range.
        let mut v = 0u64;
        for &c in &b[first..end] {
            v = v * 10 + u64::from(c - b'0');
        }
        let token = NumToken { end, integer: true };
        let value = if negative {
            0i64.checked_sub_unsigned(v)
        } else {
            i64::try_from(v).ok()
        };
        return Ok((token, value));
    }
    let token = scan_number(b, start)?;
    let value = if token.integer {
        parse_i64(&b[start..token.end])
    } else {
        None
    };
    Ok((token, value))
}

/// Parses an optional `-` and decimal digits exactly as an `i64`; `None` when empty, not
/// digits, or out of range.
#[inline]
pub(crate) fn parse_i64(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        let d = i64::from(c - b'0');
        v = v.checked_mul(10)?;
        v = if negative {
            v.checked_sub(d)?
        } else {
            v.checked_add(d)?
        };
    }
    Some(v)
}

/// Matches a literal (`true`, `false`, `null`) at `i`; returns the index after it.
#[inline]
pub(crate) fn literal(b: &[u8], i: usize, word: &'static [u8]) -> Result<usize, TokenError> {
    for (k, &w) in word.iter().enumerate() {
        match b.get(i + k) {
            Some(&c) if c == w => {}
            Some(_) => return Err(TokenError::new(i + k, "expected a JSON value")),
            None => return Err(TokenError::new(b.len(), EOF)),
        }
    }
    Ok(i + word.len())
}

/// Appends `v` in decimal.
pub(crate) fn push_i64(out: &mut Vec<u8>, v: i64) {
    let mut buf = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut k = buf.len();
    loop {
        k -= 1;
        buf[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[k..]);
}

/// Where a byte offset is, for people: 1-based line and 1-based column counted in characters.
pub(crate) fn line_column(b: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(b.len());
    let before = &b[..at];
    let line_start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    let line = 1 + before.iter().filter(|&&c| c == b'\n').count();
    let column = 1 + before[line_start..]
        .iter()
        .filter(|&&c| (c & 0xC0) != 0x80)
        .count();
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> Result<(Vec<u8>, StrToken), TokenError> {
        let body = format!("{s}\"");
        let mut out = Vec::new();
        let t = transcode_string(body.as_bytes(), 0, &mut out)?;
        Ok((out, t))
    }

    #[test]
    fn plain_strings_are_copied() {
        let (out, t) = enc("accelerometer").unwrap();
        assert_eq!(out, b"accelerometer");
        assert!(t.plain && !t.escaped);
    }

    #[test]
    fn non_ascii_and_escapes_become_python_ascii() {
        assert_eq!(enc("µT").unwrap().0, b"\\u00b5T");
        assert_eq!(enc("a\\/b\\u0041").unwrap().0, b"a/bA");
        assert_eq!(enc("😀").unwrap().0, b"\\ud83d\\ude00");
        assert_eq!(enc("\\ud83d\\ude00").unwrap().0, b"\\ud83d\\ude00");
        assert_eq!(enc("\u{7f}").unwrap().0, b"\\u007f");
        assert_eq!(enc("\\u001F\\n").unwrap().0, b"\\u001f\\n");
    }

    #[test]
    fn invalid_strings_are_rejected() {
        assert!(enc("\\ud83d").is_err());
        assert!(enc("\\ude00").is_err());
        assert!(enc("\\x").is_err());
        assert!(enc("\u{1}").is_err());
        let mut out = Vec::new();
        assert!(transcode_string(b"\xff\"", 0, &mut out).is_err());
        assert!(transcode_string(b"\xed\xa0\x80\"", 0, &mut out).is_err());
        assert!(transcode_string(b"abc", 0, &mut out).is_err());
    }

    #[test]
    fn decode_matches_escapes() {
        assert_eq!(decode_string(b"a\\u00b5\\\"").unwrap(), "aµ\"");
        assert_eq!(decode_string("é".as_bytes()).unwrap(), "é");
    }

    #[test]
    fn numbers_follow_the_grammar() {
        assert_eq!(
            scan_number(b"-0.5e+3,", 0).unwrap(),
            NumToken {
                end: 7,
                integer: false
            }
        );
        assert_eq!(
            scan_number(b"12", 0).unwrap(),
            NumToken {
                end: 2,
                integer: true
            }
        );
        assert_eq!(
            scan_number(b"012", 0).unwrap(),
            NumToken {
                end: 1,
                integer: true
            }
        );
        assert!(scan_number(b"-", 0).is_err());
        assert!(scan_number(b"1.", 0).is_err());
        assert!(scan_number(b"1.e5", 0).is_err());
        assert!(scan_number(b"1e", 0).is_err());
    }

    #[test]
    fn word_scans_find_the_first_special_byte() {
        let text = b"abcdefghijklmnopqrstuvwxyz0123456789";
        for (k, special) in [b'"', b'\\', 0x01, 0x1f, 0x7f, 0x80, 0xff]
            .into_iter()
            .enumerate()
        {
            for at in 0..text.len() {
                let mut t = text.to_vec();
                t[at] = special;
                // Later specials must not hide or displace the first.
                if at + 3 < t.len() {
                    t[at + 3] = [0x00, b'"', 0xc3][k % 3];
                }
                assert_eq!(plain_run_end(&t, 0), at, "{special:#x} at {at}");
            }
        }
        assert_eq!(plain_run_end(text, 0), text.len());
        let nums = b"12345678901234567890123";
        for at in 0..nums.len() {
            for stop in [b'.', b'e', b'/', b':', b',', 0xff, 0x00] {
                let mut t = nums.to_vec();
                t[at] = stop;
                assert_eq!(digits(&t, 0), at, "{stop:#x} at {at}");
            }
        }
        assert_eq!(digits(nums, 0), nums.len());
    }

    #[test]
    fn integer_scan_agrees_with_the_slow_parse() {
        for text in [
            "0",
            "-0",
            "7",
            "-12",
            "1717000002133456600",
            "999999999999999999",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "00",
            "01",
            "1.5",
            "1e5",
            "-",
            "12345678901234567890123",
            "1E2",
            "-0.0",
        ] {
            let b = format!("{text},");
            let fast = scan_integer(b.as_bytes(), 0);
            let slow = scan_number(b.as_bytes(), 0).map(|t| {
                let v = if t.integer {
                    parse_i64(&b.as_bytes()[..t.end])
                } else {
                    None
                };
                (t, v)
            });
            assert_eq!(fast, slow, "{text}");
        }
    }

    #[test]
    fn runs_copy_exactly() {
        let src: Vec<u8> = (0u8..80).collect();
        for start in [0usize, 10, 47, 60, 79, 80] {
            for end in start..=80 {
                let mut out = vec![7u8];
                copy_run(&mut out, &src, start, end);
                assert_eq!(out[0], 7);
                assert_eq!(&out[1..], &src[start..end], "{start}..{end}");
            }
        }
    }

    #[test]
    fn i64_parse_is_exact() {
        assert_eq!(
            parse_i64(b"1717000002133456600"),
            Some(1_717_000_002_133_456_600)
        );
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b""), None);
        assert_eq!(parse_i64(b"-"), None);
        assert_eq!(parse_i64(b"1a"), None);
    }

    #[test]
    fn itoa() {
        for v in [0, 7, -1, 42, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            push_i64(&mut out, v);
            assert_eq!(out, v.to_string().as_bytes());
        }
    }

    #[test]
    fn positions() {
        assert_eq!(line_column(b"ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nxé!".as_bytes(), 6), (2, 3));
        assert_eq!(line_column(b"abc", 99), (1, 4));
    }
}
