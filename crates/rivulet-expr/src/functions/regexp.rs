//! Regular-expression functions (ksqlDB §4.3): REGEXP_EXTRACT, REGEXP_EXTRACT_ALL,
//! REGEXP_REPLACE and REGEXP_SPLIT_TO_ARRAY. Patterns use the `regex` crate (linear time, no
//! look-around or back-references); Java's `$n` replacement references are translated.
//! Compiled patterns are cached per thread, since a pattern is usually a literal.
//!
//! This module owns those functions and the pattern cache. It must not know LIKE (see
//! `eval::compare`).

use std::{cell::RefCell, collections::HashMap};

use regex::{Regex, RegexBuilder};
use rivulet_core::Value;

use super::{registry::Builder, text, Invocation};
use crate::error::FunctionError;

type R = Result<Value, FunctionError>;

const CACHE_LIMIT: usize = 256;

/// A compiled pattern (cached per thread).
pub(crate) fn compiled(pattern: &str) -> Result<Regex, FunctionError> {
    thread_local! {
        static CACHE: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
    }
    CACHE.with(|cache| {
        if let Some(r) = cache.borrow().get(pattern) {
            return Ok(r.clone());
        }
        let r = RegexBuilder::new(pattern)
            .size_limit(1 << 22)
            .build()
            .map_err(|e| {
                FunctionError::from(format!(
                    "Invalid regular expression pattern: {pattern} ({e})"
                ))
            })?;
        let mut c = cache.borrow_mut();
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(pattern.to_string(), r.clone());
        Ok(r)
    })
}

fn group_of(inv: &Invocation<'_, '_>, i: usize) -> Result<usize, FunctionError> {
    if inv.len() <= i {
        return Ok(0);
    }
    let g = inv.int(i)?;
    usize::try_from(g).map_err(|_| FunctionError::from(format!("No group {g}")))
}

fn regexp_extract(inv: &mut Invocation<'_, '_>) -> R {
    let re = compiled(inv.str(0)?)?;
    let input = inv.str(1)?;
    let group = group_of(inv, 2)?;
    if group >= re.captures_len() {
        return Ok(Value::Null);
    }
    Ok(re
        .captures(input)
        .and_then(|c| c.get(group))
        .map_or(Value::Null, |m| text(m.as_str())))
}

fn regexp_extract_all(inv: &mut Invocation<'_, '_>) -> R {
    let re = compiled(inv.str(0)?)?;
    let input = inv.str(1)?;
    let group = group_of(inv, 2)?;
    if group >= re.captures_len() {
        return Ok(Value::Null);
    }
    Ok(Value::Array(
        re.captures_iter(input)
            .map(|c| c.get(group).map_or(Value::Null, |m| text(m.as_str())))
            .collect(),
    ))
}

/// Java's replacement syntax (`$1`, `${name}`, `\$` for a literal) in the `regex` crate's form.
fn java_replacement(replacement: &str, groups: usize) -> String {
    let mut out = String::with_capacity(replacement.len() + 8);
    let chars: Vec<char> = replacement.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                if chars[i + 1] == '$' {
                    out.push_str("$$");
                } else {
                    out.push(chars[i + 1]);
                }
                i += 2;
            }
            '$' if i + 1 < chars.len() && chars[i + 1].is_ascii_digit() => {
                // The first digit always counts; more digits while they name a group.
                let mut n = chars[i + 1].to_digit(10).unwrap_or(0) as usize;
                let mut j = i + 2;
                while j < chars.len() {
                    let Some(d) = chars[j].to_digit(10) else {
                        break;
                    };
                    let next = n * 10 + d as usize;
                    if next >= groups {
                        break;
                    }
                    n = next;
                    j += 1;
                }
                out.push_str(&format!("${{{n}}}"));
                i = j;
            }
            '$' if chars.get(i + 1) == Some(&'{') => {
                let end = chars[i..].iter().position(|c| *c == '}').map(|p| p + i);
                match end {
                    Some(end) => {
                        out.extend(&chars[i..=end]);
                        i = end + 1;
                    }
                    None => {
                        out.push_str("$$");
                        i += 1;
                    }
                }
            }
            '$' => {
                out.push_str("$$");
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn regexp_replace(inv: &mut Invocation<'_, '_>) -> R {
    let input = inv.str(0)?;
    let re = compiled(inv.str(1)?)?;
    let replacement = java_replacement(inv.str(2)?, re.captures_len());
    Ok(text(
        re.replace_all(input, replacement.as_str()).into_owned(),
    ))
}

fn regexp_split_to_array(inv: &mut Invocation<'_, '_>) -> R {
    let input = inv.str(0)?;
    let pattern = inv.str(1)?;
    let re = compiled(pattern)?;
    let matches_empty = pattern.is_empty() || re.is_match("");
    if !matches_empty {
        return Ok(Value::Array(re.split(input).map(text).collect()));
    }
    // Java's Pattern.split: no leading empty piece for a zero-width match at 0, trailing empty
    // pieces dropped.
    if input.is_empty() {
        return Ok(Value::Array(vec![text("")]));
    }
    let mut parts: Vec<&str> = re.split(input).collect();
    if parts.first() == Some(&"") {
        parts.remove(0);
    }
    while parts.last() == Some(&"") {
        parts.pop();
    }
    Ok(Value::Array(parts.into_iter().map(text).collect()))
}

pub(crate) fn register(b: &mut Builder) {
    b.add(
        "REGEXP_EXTRACT",
        "The first substring matching the pattern, or the given capturing group of it; NULL if none: REGEXP_EXTRACT(pattern, input [, group]).",
        &["STRING, STRING -> STRING", "STRING, STRING, INT -> STRING"],
        regexp_extract,
    );
    b.add(
        "REGEXP_EXTRACT_ALL",
        "Every substring matching the pattern (or its capturing group): REGEXP_EXTRACT_ALL(pattern, input [, group]).",
        &[
            "STRING, STRING -> ARRAY<STRING>",
            "STRING, STRING, INT -> ARRAY<STRING>",
        ],
        regexp_extract_all,
    );
    b.add(
        "REGEXP_REPLACE",
        "Replaces every match of the pattern: REGEXP_REPLACE(input, pattern, replacement); $1 refers to a group.",
        &["STRING, STRING, STRING -> STRING"],
        regexp_replace,
    );
    b.add(
        "REGEXP_SPLIT_TO_ARRAY",
        "Splits a string on matches of the pattern.",
        &["STRING, STRING -> ARRAY<STRING>"],
        regexp_split_to_array,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_replacements_translate() {
        assert_eq!(java_replacement("$1-$2", 3), "${1}-${2}");
        assert_eq!(java_replacement("$12", 2), "${1}2");
        assert_eq!(java_replacement("\\$5", 2), "$$5");
        assert_eq!(java_replacement("a$", 1), "a$$");
        assert_eq!(java_replacement("${name}x", 2), "${name}x");
    }
}
