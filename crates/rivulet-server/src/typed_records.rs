//! `POST`/`GET /topics/{topic}/records` on a topic with a declared stream or table: records are
//! checked against the source's schema and serialized with its KEY_FORMAT/VALUE_FORMAT on the
//! way in, and decoded by those formats back to JSON on the way out. When several sources are
//! declared over one topic, the first declared one is used.
//!
//! This module owns the translation between the route's JSON shapes and typed rows (paths of
//! field errors, `key` and `value` as shown). It must not choose partitions or append (the
//! produce module does), nor decide how rows are coerced or encoded (the engine's row writer
//! does). Undeclared topics never reach it.

use bytes::Bytes;
use rivulet_connect::{decode_error::FieldError, produce_request::ProduceRecord};
use rivulet_core::{Column, Value};
use rivulet_engine::{row_writer::ReadPart, NameRule, RowReader, RowWriter, WriteError};
use serde_json::{value::RawValue, Map, Value as Json};

use crate::{rest_value::write_value, ApiError};

/// One field error at `prefix` + the error's own path.
fn field(prefix: &str, e: WriteError) -> FieldError {
    match e {
        WriteError::Field { path, message } if !path.is_empty() => FieldError {
            path: format!("{prefix}.{path}"),
            message,
        },
        WriteError::Field { message, .. } => FieldError {
            path: prefix.to_string(),
            message,
        },
        WriteError::MissingKey(column) => FieldError {
            path: format!("{prefix}.{column}"),
            message: format!("Key field must be specified: {column}"),
        },
        other => FieldError {
            path: prefix.to_string(),
            message: other.to_string(),
        },
    }
}

/// Re-encodes a decoded produce request with the source's formats. `documents` holds each
/// record's JSON (`{"key","value",…}` for a JSON body, the row object of an NDJSON line), in
/// the order of `records`. Every bad field is reported, and nothing is kept unless all are good.
pub fn encode_records(
    writer: &mut RowWriter,
    records: Vec<ProduceRecord>,
    documents: &[Json],
    ndjson: bool,
) -> Result<Vec<ProduceRecord>, ApiError> {
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(records.len());
    for (i, (mut pr, doc)) in records.into_iter().zip(documents).enumerate() {
        let row = if ndjson {
            let prefix = format!("line {}", i + 1);
            match doc {
                Json::Object(fields) => writer
                    .row_from_json(fields, NameRule::CaseInsensitive, false)
                    .map_err(|e| field(&prefix, e)),
                _ => Err(FieldError {
                    path: prefix,
                    message: "expected a JSON object keyed by column names".into(),
                }),
            }
            .map(Some)
        } else {
            row_of_record(writer, i, doc)
        };
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let Some(row) = row else {
            // A tombstone: the typed key with a null value.
            match key_only(writer, i, doc) {
                Ok(key) => {
                    pr.record.key = key;
                    out.push(pr);
                }
                Err(e) => errors.push(e),
            }
            continue;
        };
        match writer.encode(row, pr.record.timestamp) {
            Ok((_, record)) => {
                pr.record.key = record.key;
                pr.record.value = record.value;
                out.push(pr);
            }
            Err(e) => errors.push(field(&format!("records[{i}]"), e)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::fields(errors))
    }
}

/// The row of `records[i]` of a JSON body; `None` for a null value (a tombstone).
fn row_of_record(
    writer: &RowWriter,
    i: usize,
    doc: &Json,
) -> Result<Option<Vec<Value>>, FieldError> {
    let key = doc.get("key").unwrap_or(&Json::Null);
    let mut row = writer
        .key_from_json(key, NameRule::CaseInsensitive)
        .map_err(|e| field(&format!("records[{i}].key"), e))?;
    let value_prefix = format!("records[{i}].value");
    let values = match doc.get("value").unwrap_or(&Json::Null) {
        Json::Null => return Ok(None),
        Json::Object(fields) => writer.values_from_json(fields, NameRule::CaseInsensitive),
        bare if writer.columns().len() - writer.key_count() == 1 => {
            let mut fields = Map::new();
            fields.insert(
                writer.columns()[writer.key_count()].name.clone(),
                bare.clone(),
            );
            writer.values_from_json(&fields, NameRule::CaseInsensitive)
        }
        _ => {
            return Err(FieldError {
                path: value_prefix,
                message: "expected a JSON object keyed by value column names".into(),
            })
        }
    }
    .map_err(|e| field(&value_prefix, e))?;
    row.extend(values);
    Ok(Some(row))
}

/// The typed key bytes of a tombstone record.
fn key_only(writer: &mut RowWriter, i: usize, doc: &Json) -> Result<Option<Bytes>, FieldError> {
    let key = doc.get("key").unwrap_or(&Json::Null);
    let mut row = writer
        .key_from_json(key, NameRule::CaseInsensitive)
        .map_err(|e| field(&format!("records[{i}].key"), e))?;
    row.extend(std::iter::repeat_n(
        Value::Null,
        writer.columns().len() - writer.key_count(),
    ));
    writer
        .encode(row, 0)
        .map(|(_, r)| r.key)
        .map_err(|e| field(&format!("records[{i}].key"), e))
}

/// Values as one JSON text: a single key column bare, otherwise an object by column name.
fn values_json(columns: &[Column], values: &[Value], bare_single: bool) -> String {
    let mut out = String::new();
    if bare_single && columns.len() == 1 {
        if let Some(v) = values.first() {
            write_value(v, &mut out);
            return out;
        }
    }
    out.push('{');
    for (i, (c, v)) in columns.iter().zip(values).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Json::String(c.name.clone()).to_string());
        out.push(':');
        write_value(v, &mut out);
    }
    out.push('}');
    out
}

/// How one part of a stored record shows: decoded JSON, or `None` to show the bytes as they
/// are (a null part, or bytes that do not decode with the declared format).
fn show_part(part: ReadPart, columns: &[Column], bare_single: bool) -> Option<Box<RawValue>> {
    match part {
        ReadPart::Values(values) if !columns.is_empty() => {
            RawValue::from_string(values_json(columns, &values, bare_single)).ok()
        }
        _ => None,
    }
}

/// A stored key as a reader of the declared source sees it (`None`: show it untyped).
pub fn show_key(reader: &RowReader, key: Option<&Bytes>) -> Option<Box<RawValue>> {
    show_part(reader.key(key.map(|b| &b[..])), reader.key_columns(), true)
}

/// A stored value as a reader of the declared source sees it (`None`: show it untyped).
pub fn show_value(reader: &RowReader, value: Option<&Bytes>) -> Option<Box<RawValue>> {
    show_part(
        reader.value(value.map(|b| &b[..])),
        reader.value_columns(),
        false,
    )
}

/// The typed form of a decoded produce request for `source`'s topic (see [`encode_records`]).
pub async fn encode_request(
    state: &crate::AppState,
    source: std::sync::Arc<rivulet_engine::Source>,
    body: &Bytes,
    records: Vec<ProduceRecord>,
    ndjson: bool,
) -> Result<Vec<ProduceRecord>, ApiError> {
    let documents: Vec<Json> = if ndjson {
        body.split(|b| *b == b'\n')
            .map(|line| line.trim_ascii())
            .filter(|line| !line.is_empty())
            .map(|line| serde_json::from_slice(line).unwrap_or(Json::Null))
            .collect()
    } else {
        match serde_json::from_slice::<Json>(body) {
            Ok(Json::Object(mut doc)) => match doc.remove("records") {
                Some(Json::Array(items)) => items,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    };
    if documents.len() != records.len() {
        return Err(ApiError::bad_request(
            "the request body could not be read as records",
        ));
    }
    let mut writer = RowWriter::open(state.log.clone(), source)
        .await
        .map_err(|e| ApiError::new(http_status(e.http_status()), e.message))?;
    encode_records(&mut writer, records, &documents, ndjson)
}

fn http_status(code: u16) -> axum::http::StatusCode {
    axum::http::StatusCode::from_u16(code).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
}
