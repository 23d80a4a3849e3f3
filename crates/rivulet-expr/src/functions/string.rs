//! String functions (ksqlDB §4.3): CONCAT, CONCAT_WS, LEN, LCASE, UCASE, INITCAP, TRIM (and
//! Rivulet's LTRIM/RTRIM), SUBSTRING, REPLACE, SPLIT, SPLIT_TO_MAP, INSTR, LPAD, RPAD, CHR, ELT,
//! FIELD and UUID — with ksqlDB's positions (1-based, clipped, never failing)
//! and NULL rules. Positions and lengths count Unicode scalar values.
//!
//! This module owns those implementations. It must not implement masking (see `mask`), regular
//! expressions (see `regexp`) or byte encodings (see `encoding`).

use bytes::Bytes;
use rivulet_core::Value;

use super::{registry::Builder, text, Invocation};
use crate::error::FunctionError;

type R = Result<Value, FunctionError>;

/// Java's `String.trim` removes every character up to U+0020.
fn java_space(c: char) -> bool {
    c <= ' '
}

/// Java regex `\s`.
fn regex_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r')
}

fn concat(inv: &mut Invocation<'_, '_>) -> R {
    if matches!(inv.return_type, rivulet_core::DataType::Bytes) {
        let mut out = Vec::new();
        for v in inv.args {
            if let Value::Bytes(b) = v {
                out.extend_from_slice(b);
            }
        }
        return Ok(Value::Bytes(out.into()));
    }
    let mut out = String::new();
    for v in inv.args {
        if let Value::String(s) = v {
            out.push_str(s);
        }
    }
    Ok(text(out))
}

fn concat_ws(inv: &mut Invocation<'_, '_>) -> R {
    match inv.arg(0) {
        Value::Null => Ok(Value::Null),
        Value::String(sep) => {
            let parts: Vec<&str> = inv.args[1..].iter().filter_map(Value::as_str).collect();
            Ok(text(parts.join(sep)))
        }
        Value::Bytes(sep) => {
            let mut out = Vec::new();
            let mut first = true;
            for v in &inv.args[1..] {
                if let Value::Bytes(b) = v {
                    if !first {
                        out.extend_from_slice(sep);
                    }
                    first = false;
                    out.extend_from_slice(b);
                }
            }
            Ok(Value::Bytes(out.into()))
        }
        other => Err(FunctionError::Eval(crate::error::EvalError::unexpected(
            "STRING or BYTES",
            other,
        ))),
    }
}

fn len(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Int(match inv.arg(0) {
        Value::Bytes(b) => b.len() as i32,
        _ => inv.str(0)?.chars().count() as i32,
    }))
}

fn lcase(inv: &mut Invocation<'_, '_>) -> R {
    Ok(text(inv.str(0)?.to_lowercase()))
}

fn ucase(inv: &mut Invocation<'_, '_>) -> R {
    Ok(text(inv.str(0)?.to_uppercase()))
}

fn initcap(inv: &mut Invocation<'_, '_>) -> R {
    Ok(text(initcap_text(inv.str(0)?)))
}

/// ksqlDB joins the matches of `[^\s]+\s*` over the lower-cased input, upper-casing the first
/// character of each: whitespace after a word is kept, leading whitespace is dropped.
fn initcap_text(input: &str) -> String {
    let lower = input.to_lowercase();
    let lower = lower.trim_start_matches(regex_space);
    let mut out = String::with_capacity(lower.len());
    let mut at_word_start = true;
    for c in lower.chars() {
        if at_word_start && !regex_space(c) {
            out.extend(c.to_uppercase());
            at_word_start = false;
        } else {
            out.push(c);
            if regex_space(c) {
                at_word_start = true;
            }
        }
    }
    out
}

fn trim(inv: &mut Invocation<'_, '_>) -> R {
    Ok(text(inv.str(0)?.trim_matches(java_space)))
}

fn ltrim(inv: &mut Invocation<'_, '_>) -> R {
    Ok(text(inv.str(0)?.trim_start_matches(java_space)))
}

fn rtrim(inv: &mut Invocation<'_, '_>) -> R {
    Ok(text(inv.str(0)?.trim_end_matches(java_space)))
}

/// ksqlDB's SUBSTRING bounds: `pos` 1-based, negative from the end, 0 as 1; clipped.
fn substring_range(len: usize, pos: i32, length: Option<i32>) -> (usize, usize) {
    let len_i = len as i64;
    let pos = i64::from(pos);
    let start = if pos < 0 {
        (len_i + pos).max(0)
    } else {
        (pos - 1).min(len_i).max(0)
    };
    let end = match length {
        None => len_i,
        Some(l) => (start + i64::from(l)).min(len_i).max(start),
    };
    (start as usize, end as usize)
}

fn substring(inv: &mut Invocation<'_, '_>) -> R {
    let pos = inv.int(1)?;
    let length = if inv.len() > 2 {
        Some(inv.int(2)?)
    } else {
        None
    };
    if let Value::Bytes(b) = inv.arg(0) {
        let (s, e) = substring_range(b.len(), pos, length);
        return Ok(Value::Bytes(b.slice(s..e)));
    }
    let s = inv.str(0)?;
    let count = s.chars().count();
    let (start, end) = substring_range(count, pos, length);
    Ok(text(
        s.chars().skip(start).take(end - start).collect::<String>(),
    ))
}

fn replace(inv: &mut Invocation<'_, '_>) -> R {
    Ok(text(inv.str(0)?.replace(inv.str(1)?, inv.str(2)?)))
}

fn split_bytes(data: &[u8], delim: &[u8]) -> Vec<Bytes> {
    if data.is_empty() {
        return vec![Bytes::new()];
    }
    if delim.is_empty() {
        return data.iter().map(|b| Bytes::copy_from_slice(&[*b])).collect();
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + delim.len() <= data.len() {
        if &data[i..i + delim.len()] == delim {
            out.push(Bytes::copy_from_slice(&data[start..i]));
            i += delim.len();
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(Bytes::copy_from_slice(&data[start..]));
    out
}

fn split(inv: &mut Invocation<'_, '_>) -> R {
    if let (Value::Bytes(b), Value::Bytes(d)) = (inv.arg(0), inv.arg(1)) {
        return Ok(Value::Array(
            split_bytes(b, d).into_iter().map(Value::Bytes).collect(),
        ));
    }
    let (s, delim) = (inv.str(0)?, inv.str(1)?);
    let parts: Vec<Value> = if delim.is_empty() {
        if s.is_empty() {
            vec![text("")]
        } else {
            s.chars().map(|c| text(c.to_string())).collect()
        }
    } else {
        s.split(delim).map(text).collect()
    };
    Ok(Value::Array(parts))
}

fn split_to_map(inv: &mut Invocation<'_, '_>) -> R {
    let (input, entry_delim, kv_delim) = (inv.str(0)?, inv.str(1)?, inv.str(2)?);
    if entry_delim.is_empty() || kv_delim.is_empty() || entry_delim == kv_delim {
        return Ok(Value::Null);
    }
    let mut out: Vec<(Value, Value)> = Vec::new();
    for entry in input.split(entry_delim).filter(|e| !e.is_empty()) {
        if !entry.contains(kv_delim) {
            continue;
        }
        let mut kv = entry.split(kv_delim);
        let key = text(kv.next().unwrap_or(""));
        let value = text(kv.next().unwrap_or(""));
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => out.push((key, value)),
        }
    }
    Ok(Value::Map(out))
}

/// Commons-lang `ordinalIndexOf` over characters (overlapping matches count).
fn ordinal_index_of(s: &[char], sub: &[char], ordinal: i32) -> Option<usize> {
    if ordinal <= 0 {
        return None;
    }
    if sub.is_empty() {
        return Some(0);
    }
    let mut found = 0;
    let mut from = 0usize;
    loop {
        let index =
            (from..=s.len().checked_sub(sub.len())?).find(|&i| s[i..i + sub.len()] == *sub)?;
        found += 1;
        if found >= ordinal {
            return Some(index);
        }
        from = index + 1;
    }
}

fn instr(inv: &mut Invocation<'_, '_>) -> R {
    // The position and occurrence are Java primitives: NULL there is an error.
    let position = if inv.len() > 2 { inv.int(2)? } else { 1 };
    let occurrence = if inv.len() > 3 { inv.int(3)? } else { 1 };
    let (Some(s), Some(sub)) = (inv.opt_str(0), inv.opt_str(1)) else {
        return Ok(Value::Int(0));
    };
    let s: Vec<char> = s.chars().collect();
    let sub: Vec<char> = sub.chars().collect();
    let len = s.len() as i64;
    if i64::from(position).abs() > len {
        return Ok(Value::Int(0));
    }
    let (hay, needle, pos, reversed) = if position < 0 {
        let mut rs = s.clone();
        rs.reverse();
        let mut rsub = sub.clone();
        rsub.reverse();
        (rs, rsub, -i64::from(position), true)
    } else {
        (s, sub, i64::from(position), false)
    };
    // StringUtils.substring(str, position - 1): a negative start counts from the end.
    let mut start = pos - 1;
    if start < 0 {
        start += len;
    }
    let start = start.clamp(0, len) as usize;
    let Some(i) = ordinal_index_of(&hay[start..], &needle, occurrence) else {
        return Ok(Value::Int(0));
    };
    let i = i as i64;
    let result = if reversed {
        len - pos - i - needle.len() as i64 + 2
    } else {
        i + pos
    };
    Ok(Value::Int(result as i32))
}

/// The longest LPAD/RPAD result, so a bad row cannot exhaust memory.
const MAX_PADDED: i32 = 10_000_000;

fn pad(inv: &mut Invocation<'_, '_>, left: bool) -> R {
    let target = inv.int(1)?;
    if target < 0 {
        return Ok(Value::Null);
    }
    if target > MAX_PADDED {
        return Err(format!("target length {target} exceeds {MAX_PADDED}").into());
    }
    let target = target as usize;
    if let (Value::Bytes(input), Value::Bytes(padding)) = (inv.arg(0), inv.arg(2)) {
        if padding.is_empty() {
            return Ok(Value::Null);
        }
        let mut out: Vec<u8> = Vec::with_capacity(target);
        let fill = target.saturating_sub(input.len());
        let filler = padding.iter().cycle().take(fill).copied();
        if left {
            out.extend(filler);
            out.extend_from_slice(input);
        } else {
            out.extend_from_slice(input);
            out.extend(filler);
        }
        out.truncate(target);
        return Ok(Value::Bytes(out.into()));
    }
    let (input, padding) = (inv.str(0)?, inv.str(2)?);
    if padding.is_empty() {
        return Ok(Value::Null);
    }
    let input_len = input.chars().count();
    let fill = target.saturating_sub(input_len);
    let filler = padding.chars().cycle().take(fill);
    let out: String = if left {
        filler.chain(input.chars()).take(target).collect()
    } else {
        input.chars().chain(filler).take(target).collect()
    };
    Ok(text(out))
}

fn lpad(inv: &mut Invocation<'_, '_>) -> R {
    pad(inv, true)
}

fn rpad(inv: &mut Invocation<'_, '_>) -> R {
    pad(inv, false)
}

/// Java's `StringEscapeUtils.unescapeJava` for `\uXXXX` sequences (surrogate pairs joined).
fn unescape_java_unicode(s: &str) -> Option<String> {
    let mut units: Vec<u16> = Vec::new();
    let mut rest = s;
    while let Some(r) = rest.strip_prefix("\\u") {
        let hex = r.get(..4)?;
        units.push(u16::from_str_radix(hex, 16).ok()?);
        rest = &r[4..];
    }
    if !rest.is_empty() {
        return None;
    }
    String::from_utf16(&units).ok()
}

fn chr(inv: &mut Invocation<'_, '_>) -> R {
    match inv.arg(0) {
        Value::Int(code) => Ok(u32::try_from(*code)
            .ok()
            .and_then(char::from_u32)
            .map_or(Value::Null, |c| text(c.to_string()))),
        Value::String(s) => {
            if s.len() < 6 || !s.starts_with("\\u") {
                return Ok(Value::Null);
            }
            Ok(unescape_java_unicode(s).map_or(Value::Null, text))
        }
        _ => Ok(Value::Null),
    }
}

fn elt(inv: &mut Invocation<'_, '_>) -> R {
    // N is a Java primitive: NULL is an error.
    let n = inv.int(0)?;
    let count = inv.len() - 1;
    if n < 1 || n as usize > count {
        return Ok(Value::Null);
    }
    Ok(inv.arg(n as usize).clone())
}

fn field(inv: &mut Invocation<'_, '_>) -> R {
    let Some(s) = inv.opt_str(0) else {
        return Ok(Value::Int(0));
    };
    let position = inv.args[1..]
        .iter()
        .position(|v| v.as_str() == Some(s))
        .map_or(0, |p| p as i32 + 1);
    Ok(Value::Int(position))
}

/// A random (version 4) UUID in its canonical text form.
pub(crate) fn uuid_text(bytes: [u8; 16]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn uuid(inv: &mut Invocation<'_, '_>) -> R {
    if inv.is_empty() {
        let mut b: [u8; 16] = rand::random();
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        return Ok(text(uuid_text(b)));
    }
    let bytes = inv.bytes(0)?;
    Ok(match <[u8; 16]>::try_from(bytes.as_ref()) {
        Ok(b) => text(uuid_text(b)),
        Err(_) => Value::Null,
    })
}

pub(crate) fn register(b: &mut Builder) {
    b.add(
        "CONCAT",
        "Concatenates its arguments, skipping NULLs.",
        &["STRING... -> STRING", "BYTES... -> BYTES"],
        concat,
    )
    .custom_nulls();
    b.add(
        "CONCAT_WS",
        "Concatenates the arguments after the first with the first as separator, skipping NULLs; NULL if the separator is NULL.",
        &["STRING, STRING, STRING... -> STRING", "BYTES, BYTES, BYTES... -> BYTES"],
        concat_ws,
    )
    .custom_nulls();
    b.add(
        "LEN",
        "The length of a string in characters, or of bytes in bytes.",
        &["STRING -> INT", "BYTES -> INT"],
        len,
    );
    b.add(
        "LCASE",
        "Converts a string to lower case.",
        &["STRING -> STRING"],
        lcase,
    );
    b.add(
        "UCASE",
        "Converts a string to upper case.",
        &["STRING -> STRING"],
        ucase,
    );
    b.add(
        "INITCAP",
        "Capitalizes the first letter of each whitespace-separated word and lower-cases the rest.",
        &["STRING -> STRING"],
        initcap,
    );
    b.add(
        "TRIM",
        "Removes leading and trailing whitespace (characters up to U+0020).",
        &["STRING -> STRING"],
        trim,
    );
    b.add(
        "LTRIM",
        "Removes leading whitespace (Rivulet extension).",
        &["STRING -> STRING"],
        ltrim,
    );
    b.add(
        "RTRIM",
        "Removes trailing whitespace (Rivulet extension).",
        &["STRING -> STRING"],
        rtrim,
    );
    b.add(
        "SUBSTRING",
        "The part of a string or bytes from a 1-based position (negative counts from the end), optionally of a given length; out of range is clipped.",
        &[
            "STRING, INT -> STRING",
            "STRING, INT, INT -> STRING",
            "BYTES, INT -> BYTES",
            "BYTES, INT, INT -> BYTES",
        ],
        substring,
    );
    b.add(
        "REPLACE",
        "Replaces every occurrence of a substring.",
        &["STRING, STRING, STRING -> STRING"],
        replace,
    );
    b.add(
        "SPLIT",
        "Splits a string or bytes on a delimiter (an empty delimiter splits into characters).",
        &[
            "STRING, STRING -> ARRAY<STRING>",
            "BYTES, BYTES -> ARRAY<BYTES>",
        ],
        split,
    );
    b.add(
        "SPLIT_TO_MAP",
        "Splits a string into key-value pairs: SPLIT_TO_MAP(input, entryDelimiter, kvDelimiter); later duplicate keys win.",
        &["STRING, STRING, STRING -> MAP<STRING, STRING>"],
        split_to_map,
    );
    b.add(
        "INSTR",
        "The 1-based position of the n-th occurrence of a substring, searching from a position (negative searches backwards); 0 if not found.",
        &[
            "STRING, STRING -> INT",
            "STRING, STRING, INT -> INT",
            "STRING, STRING, INT, INT -> INT",
        ],
        instr,
    )
    .custom_nulls();
    let pad_sigs = &[
        "STRING, INT, STRING -> STRING",
        "BYTES, INT, BYTES -> BYTES",
    ];
    b.add(
        "LPAD",
        "Pads the input on the left with the padding to the given length (longer input is truncated).",
        pad_sigs,
        lpad,
    );
    b.add(
        "RPAD",
        "Pads the input on the right with the padding to the given length (longer input is truncated).",
        pad_sigs,
        rpad,
    );
    b.add(
        "CHR",
        "The character of a Unicode code point, or of a '\\uXXXX' escape; NULL if invalid.",
        &["INT -> STRING", "STRING -> STRING"],
        chr,
    );
    b.add(
        "ELT",
        "The n-th (1-based) of the following strings, NULL if out of range.",
        &["INT, STRING... -> STRING"],
        elt,
    )
    .custom_nulls();
    b.add(
        "FIELD",
        "The 1-based position of the first string among the following ones, 0 if absent or NULL.",
        &["STRING, STRING... -> INT"],
        field,
    )
    .custom_nulls();
    b.add(
        "UUID",
        "A random UUID, or the UUID of 16 bytes.",
        &["-> STRING", "BYTES -> STRING"],
        uuid,
    )
    .nondeterministic();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_bounds_follow_ksqldb() {
        assert_eq!(substring_range(6, 1, Some(4)), (0, 4));
        assert_eq!(substring_range(6, -2, None), (4, 6));
        assert_eq!(substring_range(6, 0, Some(2)), (0, 2));
        assert_eq!(substring_range(6, 10, Some(2)), (6, 6));
        assert_eq!(substring_range(6, -10, Some(2)), (0, 2));
        assert_eq!(substring_range(6, 2, Some(-1)), (1, 1));
    }

    #[test]
    fn initcap_drops_leading_whitespace_like_ksqldb() {
        assert_eq!(initcap_text(" the quICK  fox "), "The Quick  Fox ");
        assert_eq!(initcap_text("\tx"), "X");
        assert_eq!(initcap_text("   "), "");
        assert_eq!(initcap_text(""), "");
    }
}
