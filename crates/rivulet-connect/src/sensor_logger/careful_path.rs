//! The reference decoder: parses the body into a document, checks every batch rule collecting all
//! field errors in document order, and writes each reading as the seed producer did:
//! `{**flatten_dict(reading), **{"messageId", "sessionId", "deviceId"}}` through
//! `json.dumps(ensure_ascii=True)` with compact separators, after pydantic's coercion of the
//! reading's top-level scalars to strings.
//!
//! It owns the exact semantics (the fast path must agree with it byte for byte) and must not care
//! about speed beyond staying linear in the body size.

use std::borrow::Cow;

use bytes::Bytes;
use rivulet_core::Record;

use super::catalogue::{
    is_triaxial, BODY_PATH, DEVICE_ID, EXPECTED_AXIS, EXPECTED_BODY, EXPECTED_MESSAGE_ID,
    EXPECTED_PAYLOAD, EXPECTED_READING, EXPECTED_STRING, EXPECTED_TIME, EXPECTED_VALUES,
    MESSAGE_ID, MESSAGE_ID_RANGE, NAME, PAYLOAD, REQUIRED, SESSION_ID, TIME, TIME_RANGE, VALUES,
};
use super::document::{self, Kind, Node};
use super::json_text::{decode_string, line_column, parse_i64, push_i64};
use super::python_dict::PyDict;
use super::python_str;
use super::{DecodeError, FieldError, PhoneBatch};

type Object<'a> = PyDict<Cow<'a, [u8]>, Node<'a>>;

pub(crate) fn decode(body: &[u8]) -> Result<PhoneBatch, DecodeError> {
    let doc = document::parse(body).map_err(|e| {
        let (line, column) = line_column(body, e.at);
        DecodeError::Syntax {
            line,
            column,
            byte: e.at,
            message: e.message.to_string(),
        }
    })?;
    let Kind::Object(top) = &doc.kind else {
        return Err(DecodeError::Invalid(vec![FieldError {
            path: BODY_PATH.to_string(),
            message: EXPECTED_BODY.to_string(),
        }]));
    };
    let mut problems = Problems::default();
    let close = doc.end.saturating_sub(1);
    let message_id = match top.get(MESSAGE_ID) {
        None => problems.add(close, || "messageId".into(), REQUIRED),
        Some(node) => match integer(node, EXPECTED_MESSAGE_ID, MESSAGE_ID_RANGE) {
            Ok(v) => Some(v),
            Err(message) => problems.add(node.at, || "messageId".into(), message),
        },
    };
    let session = id_string(top, SESSION_ID, "sessionId", close, &mut problems);
    let device = id_string(top, DEVICE_ID, "deviceId", close, &mut problems);
    let mut readings = Vec::new();
    match top.get(PAYLOAD) {
        None => {
            problems.add::<()>(close, || "payload".into(), REQUIRED);
        }
        Some(Node {
            kind: Kind::Array(items),
            ..
        }) => {
            for (k, item) in items.iter().enumerate() {
                if let Some(r) = check_reading(k, item, &mut problems) {
                    readings.push(r);
                }
            }
        }
        Some(node) => {
            problems.add::<()>(node.at, || "payload".into(), EXPECTED_PAYLOAD);
        }
    }
    let (Some(message_id), Some(session), Some(device), true) =
        (message_id, session, device, problems.0.is_empty())
    else {
        return Err(problems.into_error());
    };

    let tail: [(&[u8], Tail<'_>); 3] = [
        (MESSAGE_ID, Tail::Int(message_id)),
        (SESSION_ID, Tail::Str(&session.enc)),
        (DEVICE_ID, Tail::Str(&device.enc)),
    ];
    let mut out = Vec::with_capacity(body.len() * 2);
    let mut spans = Vec::with_capacity(readings.len());
    for r in &readings {
        let mut flat: PyDict<Vec<u8>, Field<'_, '_>> = PyDict::new();
        flatten(&mut flat, b"", r.fields, true);
        for &(key, value) in &tail {
            flat.insert(key.to_vec(), Field::Tail(value));
        }
        let start = out.len();
        out.push(b'{');
        for (i, (key, value)) in flat.entries().iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(key);
            out.extend_from_slice(b"\":");
            value.write(&mut out);
        }
        out.push(b'}');
        spans.push((start, out.len(), r.timestamp));
    }
    let bytes = Bytes::from(out);
    let key = Bytes::copy_from_slice(device.text.as_bytes());
    let records = spans
        .into_iter()
        .map(|(start, end, timestamp)| Record {
            key: Some(key.clone()),
            value: Some(bytes.slice(start..end)),
            timestamp,
            headers: Vec::new(),
        })
        .collect();
    Ok(PhoneBatch {
        message_id,
        session_id: session.text,
        device_id: device.text,
        records,
    })
}

/// Field errors with the byte they were found at, reported in document order.
#[derive(Default)]
struct Problems(Vec<(usize, FieldError)>);

impl Problems {
    /// Records a problem; returns `None` so callers can use it as "no value".
    fn add<T>(&mut self, at: usize, path: impl FnOnce() -> String, message: &str) -> Option<T> {
        self.0.push((
            at,
            FieldError {
                path: path(),
                message: message.to_string(),
            },
        ));
        None
    }

    fn into_error(mut self) -> DecodeError {
        self.0.sort_by_key(|(at, _)| *at);
        DecodeError::Invalid(self.0.into_iter().map(|(_, e)| e).collect())
    }
}

/// A JSON integer or a string of decimal digits, as an exact `i64`.
fn integer(
    node: &Node<'_>,
    expected: &'static str,
    range: &'static str,
) -> Result<i64, &'static str> {
    let digits: &[u8] = match &node.kind {
        Kind::Number {
            text,
            integer: true,
        } => text,
        Kind::String { enc, .. } if !enc.is_empty() && enc.iter().all(u8::is_ascii_digit) => enc,
        _ => return Err(expected),
    };
    parse_i64(digits).ok_or(range)
}

struct IdText<'a> {
    enc: Cow<'a, [u8]>,
    text: String,
}

fn id_string<'a>(
    top: &Object<'a>,
    key: &[u8],
    path: &'static str,
    close: usize,
    problems: &mut Problems,
) -> Option<IdText<'a>> {
    match top.get(key) {
        None => problems.add(close, || path.into(), REQUIRED),
        Some(Node {
            kind: Kind::String { raw, enc },
            at,
            ..
        }) => match decode_string(raw) {
            Some(text) => Some(IdText {
                enc: enc.clone(),
                text,
            }),
            None => problems.add(*at, || path.into(), EXPECTED_STRING),
        },
        Some(node) => problems.add(node.at, || path.into(), EXPECTED_STRING),
    }
}

struct Reading<'d, 'a> {
    fields: &'d Object<'a>,
    timestamp: i64,
}

fn check_reading<'d, 'a>(
    k: usize,
    node: &'d Node<'a>,
    problems: &mut Problems,
) -> Option<Reading<'d, 'a>> {
    let Kind::Object(fields) = &node.kind else {
        return problems.add(node.at, || format!("payload[{k}]"), EXPECTED_READING);
    };
    let close = node.end.saturating_sub(1);
    let before = problems.0.len();
    let name = match fields.get(NAME) {
        None => problems.add(close, || format!("payload[{k}].name"), REQUIRED),
        Some(Node {
            kind: Kind::String { enc, .. },
            ..
        }) => Some(enc.as_ref()),
        Some(n) => problems.add(n.at, || format!("payload[{k}].name"), EXPECTED_STRING),
    };
    let time = match fields.get(TIME) {
        None => problems.add(close, || format!("payload[{k}].time"), REQUIRED),
        Some(n) => match integer(n, EXPECTED_TIME, TIME_RANGE) {
            Ok(v) => Some(v),
            Err(message) => problems.add(n.at, || format!("payload[{k}].time"), message),
        },
    };
    match fields.get(VALUES) {
        None => {
            problems.add::<()>(close, || format!("payload[{k}].values"), REQUIRED);
        }
        Some(Node {
            kind: Kind::Object(values),
            ..
        }) => {
            if name.is_some_and(is_triaxial) {
                for axis in ["x", "y", "z"] {
                    match values.get(axis.as_bytes()) {
                        None
                        | Some(Node {
                            kind: Kind::Number { .. } | Kind::Null,
                            ..
                        }) => {}
                        Some(n) => {
                            problems.add::<()>(
                                n.at,
                                || format!("payload[{k}].values.{axis}"),
                                EXPECTED_AXIS,
                            );
                        }
                    }
                }
            }
        }
        Some(n) => {
            problems.add::<()>(n.at, || format!("payload[{k}].values"), EXPECTED_VALUES);
        }
    }
    match (time, problems.0.len() == before) {
        (Some(timestamp_ns), true) => Some(Reading {
            fields,
            timestamp: timestamp_ns.div_euclid(1_000_000),
        }),
        _ => None,
    }
}

/// A batch-level value appended to every record.
#[derive(Clone, Copy)]
enum Tail<'a> {
    Int(i64),
    Str(&'a [u8]),
}

/// A flattened field's value, as it will be written.
enum Field<'d, 'a> {
    /// At the reading's top level: pydantic made numbers and booleans strings.
    Coerced(&'d Node<'a>),
    /// Inside `values` (or any nested object): written as it came.
    Raw(&'d Node<'a>),
    Tail(Tail<'d>),
}

/// Python's `flatten_dict(obj, prefix, sep="_")`, with `dict(items)` semantics.
fn flatten<'d, 'a>(
    flat: &mut PyDict<Vec<u8>, Field<'d, 'a>>,
    prefix: &[u8],
    obj: &'d Object<'a>,
    top: bool,
) {
    for (key, value) in obj.entries() {
        let mut flat_key = Vec::with_capacity(prefix.len() + 1 + key.len());
        if !prefix.is_empty() {
            flat_key.extend_from_slice(prefix);
            flat_key.push(b'_');
        }
        flat_key.extend_from_slice(key);
        match &value.kind {
            Kind::Object(inner) => flatten(flat, &flat_key, inner, false),
            _ if top => flat.insert(flat_key, Field::Coerced(value)),
            _ => flat.insert(flat_key, Field::Raw(value)),
        }
    }
}

impl Field<'_, '_> {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Field::Coerced(node) => match &node.kind {
                Kind::Number { text, integer } => {
                    out.push(b'"');
                    if *integer {
                        out.extend_from_slice(python_str::int_str(text));
                    } else {
                        let text = std::str::from_utf8(text).unwrap_or_default();
                        out.extend_from_slice(python_str::float_str(text).as_bytes());
                    }
                    out.push(b'"');
                }
                Kind::Bool(v) => {
                    out.push(b'"');
                    out.extend_from_slice(python_str::bool_str(*v));
                    out.push(b'"');
                }
                _ => write_node(node, out),
            },
            Field::Raw(node) => write_node(node, out),
            Field::Tail(Tail::Int(v)) => push_i64(out, *v),
            Field::Tail(Tail::Str(enc)) => {
                out.push(b'"');
                out.extend_from_slice(enc);
                out.push(b'"');
            }
        }
    }
}

/// `json.dumps` of a parsed value, compact, ASCII only, numbers as their source text (integers
/// as Python prints them).
fn write_node(node: &Node<'_>, out: &mut Vec<u8>) {
    match &node.kind {
        Kind::Null => out.extend_from_slice(b"null"),
        Kind::Bool(true) => out.extend_from_slice(b"true"),
        Kind::Bool(false) => out.extend_from_slice(b"false"),
        Kind::Number {
            text,
            integer: true,
        } => out.extend_from_slice(python_str::int_str(text)),
        Kind::Number { text, .. } => out.extend_from_slice(text),
        Kind::String { enc, .. } => {
            out.push(b'"');
            out.extend_from_slice(enc);
            out.push(b'"');
        }
        Kind::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_node(item, out);
            }
            out.push(b']');
        }
        Kind::Object(members) => {
            out.push(b'{');
            for (i, (key, value)) in members.entries().iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.push(b'"');
                out.extend_from_slice(key);
                out.extend_from_slice(b"\":");
                write_node(value, out);
            }
            out.push(b'}');
        }
    }
}
