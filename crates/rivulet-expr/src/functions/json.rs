//! JSON text helpers (ksqlDB §4.3/§4.6): EXTRACTJSONFIELD (JSONPath subset `$.a.b[0]`,
//! `$['a']`), IS_JSON_STRING, JSON_ARRAY_LENGTH, JSON_ARRAY_CONTAINS, JSON_KEYS, JSON_RECORDS,
//! JSON_ITEMS, JSON_CONCAT and TO_JSON_STRING. Like Jackson, a parse reads the first JSON value
//! and ignores what follows; EXTRACTJSONFIELD returns scalars with their exact source text.
//!
//! This module owns JSON reading and writing for functions. It must not know record formats
//! (those are `rivulet-format`'s).

use std::collections::HashMap;

use rivulet_core::{time, value::java_double, Value};
use serde_json::value::RawValue;

use super::{registry::Builder, text, Invocation};
use crate::error::FunctionError;

type R = Result<Value, FunctionError>;

/// The first JSON value in `s` (trailing text ignored, as Jackson's `readTree`); `None` for
/// empty input, an error for invalid JSON.
fn parse(s: &str) -> Result<Option<serde_json::Value>, FunctionError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let mut stream = serde_json::Deserializer::from_str(s).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(v)) => Ok(Some(v)),
        Some(Err(e)) => Err(format!("Invalid JSON format: {e}").into()),
        None => Ok(None),
    }
}

/// The first JSON value in `s` as raw text.
fn parse_raw(s: &str) -> Option<&RawValue> {
    let mut stream = serde_json::Deserializer::from_str(s).into_iter::<&RawValue>();
    stream.next()?.ok()
}

/// One step of a JSON path.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(String),
}

/// `$.a.b[0]`, `$['a b'][1]`, `a.b` (the `$` is optional).
fn path_steps(path: &str) -> Option<Vec<Step>> {
    let p = path.trim();
    let p = p.strip_prefix('$').unwrap_or(p);
    let chars: Vec<char> = p.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    if !chars.is_empty() && chars[0] != '.' && chars[0] != '[' {
        // A bare first key.
        let start = i;
        while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
            i += 1;
        }
        steps.push(Step::Key(chars[start..i].iter().collect()));
    }
    while i < chars.len() {
        match chars[i] {
            '.' => {
                i += 1;
                let start = i;
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    i += 1;
                }
                if start == i {
                    return None;
                }
                steps.push(Step::Key(chars[start..i].iter().collect()));
            }
            '[' => {
                i += 1;
                if let Some(q) = chars.get(i).copied().filter(|c| *c == '\'' || *c == '"') {
                    i += 1;
                    let start = i;
                    while i < chars.len() && chars[i] != q {
                        i += 1;
                    }
                    steps.push(Step::Key(chars[start..i].iter().collect()));
                    i += 1;
                    if chars.get(i) != Some(&']') {
                        return None;
                    }
                } else {
                    let start = i;
                    while i < chars.len() && chars[i] != ']' {
                        i += 1;
                    }
                    steps.push(Step::Index(
                        chars[start..i]
                            .iter()
                            .collect::<String>()
                            .trim()
                            .to_string(),
                    ));
                }
                i += 1;
            }
            _ => return None,
        }
    }
    Some(steps)
}

fn extract_json_field(inv: &mut Invocation<'_, '_>) -> R {
    let (input, path) = (inv.str(0)?, inv.str(1)?);
    let steps = path_steps(path)
        .ok_or_else(|| FunctionError::from(format!("Invalid JSON path: {path}")))?;
    let Some(mut node) = parse_raw(input) else {
        parse(input)?;
        return Ok(Value::Null);
    };
    for step in &steps {
        let raw = node.get().trim_start();
        let next: Option<&RawValue> = if raw.starts_with('[') {
            let (Step::Index(i) | Step::Key(i)) = step;
            let Ok(index) = i.parse::<usize>() else {
                return Ok(Value::Null);
            };
            let items: Vec<&RawValue> =
                serde_json::from_str(node.get()).map_err(|e| e.to_string())?;
            items.get(index).copied()
        } else if raw.starts_with('{') {
            let (Step::Key(k) | Step::Index(k)) = step;
            let fields: HashMap<String, &RawValue> =
                serde_json::from_str(node.get()).map_err(|e| e.to_string())?;
            fields.get(k).copied()
        } else {
            None
        };
        match next {
            Some(n) => node = n,
            None => return Ok(Value::Null),
        }
    }
    let raw = node.get().trim();
    Ok(if raw.starts_with('"') {
        text(serde_json::from_str::<String>(raw).map_err(|e| e.to_string())?)
    } else if raw.starts_with(['{', '[']) {
        let v: serde_json::Value = serde_json::from_str(raw).map_err(|e| e.to_string())?;
        text(v.to_string())
    } else {
        text(raw)
    })
}

fn is_json_string(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Boolean(match inv.opt_str(0) {
        Some(s) => matches!(parse(s), Ok(Some(_))),
        None => false,
    }))
}

fn json_array_length(inv: &mut Invocation<'_, '_>) -> R {
    Ok(match parse(inv.str(0)?)? {
        Some(serde_json::Value::Array(items)) => Value::Int(items.len() as i32),
        _ => Value::Null,
    })
}

fn json_array_contains(inv: &mut Invocation<'_, '_>) -> R {
    let Some(json) = inv.opt_str(0) else {
        return Ok(Value::Boolean(false));
    };
    let Ok(Some(serde_json::Value::Array(items))) = parse(json) else {
        return Ok(Value::Boolean(false));
    };
    let wanted = inv.arg(1);
    let found = items.iter().any(|item| match (item, wanted) {
        (serde_json::Value::Null, Value::Null) => true,
        (serde_json::Value::Bool(a), Value::Boolean(b)) => a == b,
        (serde_json::Value::String(a), Value::String(b)) => a.as_str() == &**b,
        (serde_json::Value::Number(n), Value::Int(_) | Value::Bigint(_)) => {
            n.as_i64() == wanted.as_i64() && !n.is_f64()
        }
        (serde_json::Value::Number(n), Value::Double(d)) => n.is_f64() && n.as_f64() == Some(*d),
        _ => false,
    });
    Ok(Value::Boolean(found))
}

fn json_keys(inv: &mut Invocation<'_, '_>) -> R {
    Ok(match parse(inv.str(0)?)? {
        Some(serde_json::Value::Object(map)) => {
            Value::Array(map.keys().map(|k| text(k.as_str())).collect())
        }
        _ => Value::Null,
    })
}

fn json_records(inv: &mut Invocation<'_, '_>) -> R {
    Ok(match parse(inv.str(0)?)? {
        Some(serde_json::Value::Object(map)) => Value::Map(
            map.iter()
                .map(|(k, v)| {
                    let value = match v {
                        serde_json::Value::String(s) => text(s.as_str()),
                        other => text(other.to_string()),
                    };
                    (text(k.as_str()), value)
                })
                .collect(),
        ),
        _ => Value::Null,
    })
}

fn json_items(inv: &mut Invocation<'_, '_>) -> R {
    match parse(inv.str(0)?)? {
        Some(serde_json::Value::Array(items)) => Ok(Value::Array(
            items.iter().map(|v| text(v.to_string())).collect(),
        )),
        _ => Err("Invalid JSON format: not a JSON array".into()),
    }
}

fn json_concat(inv: &mut Invocation<'_, '_>) -> R {
    let mut nodes = Vec::with_capacity(inv.len());
    for v in inv.args {
        let Value::String(s) = v else {
            return Ok(Value::Null);
        };
        match parse(s)? {
            Some(node) => nodes.push(node),
            None => return Ok(Value::Null),
        }
    }
    let all_objects = nodes.iter().all(serde_json::Value::is_object);
    let mut iter = nodes.into_iter();
    let Some(first) = iter.next() else {
        return Ok(Value::Null);
    };
    let result = if all_objects {
        let mut acc = first;
        for node in iter {
            if let (serde_json::Value::Object(a), serde_json::Value::Object(b)) = (&mut acc, node) {
                for (k, v) in b {
                    a.insert(k, v);
                }
            }
        }
        acc
    } else {
        let as_array = |n: serde_json::Value| match n {
            serde_json::Value::Array(items) => items,
            other => vec![other],
        };
        let mut acc = as_array(first);
        for node in iter {
            acc.extend(as_array(node));
        }
        serde_json::Value::Array(acc)
    };
    Ok(text(result.to_string()))
}

/// Appends `v` as JSON.
pub(crate) fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Bigint(i) => out.push_str(&i.to_string()),
        Value::Double(d) if d.is_finite() => out.push_str(&java_double(*d)),
        Value::Double(d) => write_string(&java_double(*d), out),
        Value::Decimal(d) => out.push_str(&d.to_string()),
        Value::String(s) => write_string(s, out),
        Value::Bytes(b) => write_string(&rivulet_core::base64::encode(b), out),
        Value::Timestamp(ms) => write_string(&time::format_timestamp(*ms), out),
        Value::Date(d) => write_string(&time::format_date(*d), out),
        Value::Time(t) => write_string(&time::format_time(*t), out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, val)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match k {
                    Value::String(s) => write_string(s, out),
                    other => write_string(&other.to_string(), out),
                }
                out.push(':');
                write_json(val, out);
            }
            out.push('}');
        }
        Value::Struct(fields) => {
            out.push('{');
            for (i, (name, val)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(name, out);
                out.push(':');
                write_json(val, out);
            }
            out.push('}');
        }
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push_str(&serde_json::Value::String(s.to_string()).to_string());
}

fn to_json_string(inv: &mut Invocation<'_, '_>) -> R {
    let mut out = String::new();
    write_json(inv.arg(0), &mut out);
    Ok(text(out))
}

pub(crate) fn register(b: &mut Builder) {
    b.add(
        "EXTRACTJSONFIELD",
        "The value at a JSONPath ($.a.b[0]) in a JSON string, as a string (nested objects as JSON text); NULL if absent.",
        &["STRING, STRING -> STRING"],
        extract_json_field,
    );
    b.add(
        "IS_JSON_STRING",
        "Whether the string is valid JSON.",
        &["STRING -> BOOLEAN"],
        is_json_string,
    )
    .custom_nulls();
    b.add(
        "JSON_ARRAY_LENGTH",
        "The number of elements of a JSON array; NULL if not an array.",
        &["STRING -> INT"],
        json_array_length,
    );
    b.add(
        "JSON_ARRAY_CONTAINS",
        "Whether a JSON array contains a primitive value of the same kind.",
        &["STRING, T -> BOOLEAN"],
        json_array_contains,
    )
    .custom_nulls();
    b.add(
        "JSON_KEYS",
        "The keys of a JSON object; NULL if not an object.",
        &["STRING -> ARRAY<STRING>"],
        json_keys,
    );
    b.add(
        "JSON_RECORDS",
        "The entries of a JSON object as a map of strings (values as JSON text, strings unquoted).",
        &["STRING -> MAP<STRING, STRING>"],
        json_records,
    );
    b.add(
        "JSON_ITEMS",
        "The elements of a JSON array as JSON strings.",
        &["STRING -> ARRAY<STRING>"],
        json_items,
    );
    b.add(
        "JSON_CONCAT",
        "Merges JSON objects (later keys win) or concatenates arrays (non-arrays become one-element arrays).",
        &["STRING, STRING... -> STRING"],
        json_concat,
    )
    .custom_nulls();
    b.add(
        "TO_JSON_STRING",
        "The JSON text of any value; NULL gives 'null'.",
        &["T -> STRING"],
        to_json_string,
    )
    .custom_nulls();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_tokenize() {
        assert_eq!(
            path_steps("$.log.cloud"),
            Some(vec![Step::Key("log".into()), Step::Key("cloud".into())])
        );
        assert_eq!(
            path_steps("$.a[0].b"),
            Some(vec![
                Step::Key("a".into()),
                Step::Index("0".into()),
                Step::Key("b".into())
            ])
        );
        assert_eq!(path_steps("$['a b']"), Some(vec![Step::Key("a b".into())]));
        assert_eq!(path_steps("$"), Some(vec![]));
        assert_eq!(path_steps("$..a"), None);
    }
}
