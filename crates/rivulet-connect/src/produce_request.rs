//! The body of `POST /topics/{topic}/records`: JSON `{"records":[{"key","value","timestamp",
//! "partition","headers"}]}` or NDJSON (one JSON value a line), decoded into records.
//!
//! This module owns how JSON keys, values and headers become bytes (a JSON string as its UTF-8
//! text, as Kafka's string serializer writes it; anything else as its JSON text) and the error
//! report (every bad field with its path, or the line where NDJSON broke). It must not choose
//! partitions or append: the server does that with the whole request once it is valid.

use bytes::Bytes;
use rivulet_core::{Header, Record};
use serde_json::Value;

use crate::decode_error::{DecodeError, FieldError};

/// A record of a request, with the partition the client asked for, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProduceRecord {
    pub partition: Option<u32>,
    pub record: Record,
}

/// The byte position of a serde_json error's line and column in `text`.
fn byte_of(text: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

fn syntax(text: &[u8], e: &serde_json::Error, line_base: usize, byte_base: usize) -> DecodeError {
    DecodeError::Syntax {
        line: line_base + e.line(),
        column: e.column(),
        byte: byte_base + byte_of(text, e.line(), e.column()),
        message: e.to_string(),
    }
}

/// The bytes a JSON key or header value is stored as; null is none.
fn json_to_bytes(v: &Value) -> Option<Bytes> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(Bytes::copy_from_slice(s.as_bytes())),
        other => Some(Bytes::from(other.to_string())),
    }
}

const FIELDS: [&str; 5] = ["key", "value", "timestamp", "partition", "headers"];

/// Decodes a JSON records body; `now_ms` stamps records without a timestamp. A `null` or absent
/// value is a tombstone.
pub fn decode_json_records(body: &[u8], now_ms: i64) -> Result<Vec<ProduceRecord>, DecodeError> {
    let doc: Value = serde_json::from_slice(body).map_err(|e| syntax(body, &e, 0, 0))?;
    let mut errors = Vec::new();
    let mut field = |path: String, message: &str| {
        errors.push(FieldError {
            path,
            message: message.to_string(),
        })
    };
    let records = match doc.as_object().map(|o| o.get("records")) {
        None => {
            field("body".into(), "must be a JSON object {\"records\": [...]}");
            return Err(DecodeError::Invalid(errors));
        }
        Some(Some(Value::Array(items))) => items,
        Some(Some(_)) => {
            field("records".into(), "must be an array of records");
            return Err(DecodeError::Invalid(errors));
        }
        Some(None) => {
            field("records".into(), "is required");
            return Err(DecodeError::Invalid(errors));
        }
    };
    let mut out = Vec::with_capacity(records.len());
    for (i, item) in records.iter().enumerate() {
        let Some(rec) = item.as_object() else {
            field(format!("records[{i}]"), "must be an object");
            continue;
        };
        let mut ok = true;
        for k in rec.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
            field(
                format!("records[{i}].{k}"),
                "unknown field (expected key, value, timestamp, partition, headers)",
            );
            ok = false;
        }
        let timestamp = match rec.get("timestamp") {
            None | Some(Value::Null) => now_ms,
            Some(v) => v.as_i64().filter(|t| *t >= 0).unwrap_or_else(|| {
                field(
                    format!("records[{i}].timestamp"),
                    "expected a non-negative integer (epoch milliseconds)",
                );
                ok = false;
                0
            }),
        };
        let partition = match rec.get("partition") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64().and_then(|p| u32::try_from(p).ok()) {
                Some(p) => Some(p),
                None => {
                    field(
                        format!("records[{i}].partition"),
                        "expected a non-negative integer",
                    );
                    ok = false;
                    None
                }
            },
        };
        let headers = match rec.get("headers") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| Header {
                    key: k.clone(),
                    value: json_to_bytes(v),
                })
                .collect(),
            Some(_) => {
                field(
                    format!("records[{i}].headers"),
                    "expected an object of header names to values",
                );
                ok = false;
                Vec::new()
            }
        };
        if ok {
            out.push(ProduceRecord {
                partition,
                record: Record {
                    key: rec.get("key").and_then(json_to_bytes),
                    value: match rec.get("value") {
                        None | Some(Value::Null) => None,
                        Some(v) => Some(Bytes::from(v.to_string())),
                    },
                    timestamp,
                    headers,
                },
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(DecodeError::Invalid(errors))
    }
}

/// Decodes NDJSON: one JSON value a line (blank lines skipped), no key, stamped `now_ms`. Each
/// value is stored as its line's own text; a bad line rejects the whole body and is named.
pub fn decode_ndjson(body: &Bytes, now_ms: i64) -> Result<Vec<ProduceRecord>, DecodeError> {
    let mut out = Vec::new();
    let mut start = 0usize;
    for (index, line) in body.split(|b| *b == b'\n').enumerate() {
        let lead = line.len() - line.trim_ascii_start().len();
        let text = line.trim_ascii();
        if !text.is_empty() {
            if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(text) {
                return Err(DecodeError::Syntax {
                    line: index + 1,
                    column: lead + e.column(),
                    byte: start + lead + byte_of(text, e.line(), e.column()),
                    message: e.to_string(),
                });
            }
            out.push(ProduceRecord {
                partition: None,
                record: Record::new(
                    None,
                    Some(body.slice(start + lead..start + lead + text.len())),
                    now_ms,
                ),
            });
        }
        start += line.len() + 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(e: DecodeError) -> Vec<String> {
        match e {
            DecodeError::Invalid(errors) => errors.into_iter().map(|e| e.path).collect(),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn json_records_keep_string_keys_as_text() {
        let body = br#"{"records":[{"key":"dev-1","value":{"a":1},"timestamp":5,"headers":{"uuid":"u-1","n":3}},{"key":{"id":2},"value":[1,2]},{"value":null}]}"#;
        let recs = decode_json_records(body, 99).unwrap();
        assert_eq!(recs[0].record.key.as_deref(), Some(&b"dev-1"[..]));
        assert_eq!(recs[0].record.value.as_deref(), Some(&br#"{"a":1}"#[..]));
        assert_eq!(recs[0].record.timestamp, 5);
        assert_eq!(
            recs[0].record.headers[0].value.as_deref(),
            Some(&b"u-1"[..])
        );
        assert_eq!(recs[0].record.headers[1].value.as_deref(), Some(&b"3"[..]));
        assert_eq!(recs[1].record.key.as_deref(), Some(&br#"{"id":2}"#[..]));
        assert_eq!(recs[1].record.timestamp, 99);
        assert_eq!(recs[2].record.value, None);
    }

    #[test]
    fn json_records_name_every_bad_field() {
        let body = br#"{"records":[{"value":1,"timestamp":"soon"},{"value":2,"partition":-1},{"value":3,"colour":"red"},7]}"#;
        assert_eq!(
            paths(decode_json_records(body, 0).unwrap_err()),
            [
                "records[0].timestamp",
                "records[1].partition",
                "records[2].colour",
                "records[3]"
            ]
        );
        assert_eq!(paths(decode_json_records(b"[1]", 0).unwrap_err()), ["body"]);
        assert_eq!(
            paths(decode_json_records(b"{}", 0).unwrap_err()),
            ["records"]
        );
    }

    #[test]
    fn json_syntax_error_names_line_column_and_byte() {
        let body = b"{\n \"records\": [\n {\"value\": }";
        match decode_json_records(body, 0).unwrap_err() {
            DecodeError::Syntax {
                line, column, byte, ..
            } => {
                assert_eq!((line, column), (3, 12));
                assert_eq!(body[byte], b'}');
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn ndjson_keeps_line_text_and_names_bad_line() {
        let body = Bytes::from_static(b"{\"t\":1}\n\n  {\"t\": 2}  \n");
        let recs = decode_ndjson(&body, 7).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].record.value.as_deref(), Some(&b"{\"t\": 2}"[..]));
        assert_eq!(recs[1].record.timestamp, 7);
        let body = Bytes::from_static(b"{\"t\":1}\n{\"t\":2}\n  {oops}\n");
        match decode_ndjson(&body, 0).unwrap_err() {
            DecodeError::Syntax {
                line, column, byte, ..
            } => {
                assert_eq!((line, column), (3, 4));
                assert_eq!(body[byte], b'o');
            }
            other => panic!("{other}"),
        }
    }
}
