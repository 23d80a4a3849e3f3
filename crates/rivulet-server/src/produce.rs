//! Producing to a topic on behalf of a request: decoding the JSON and NDJSON record bodies,
//! choosing partitions as Kafka's default partitioner does, and appending the whole request.
//!
//! A request is validated entirely before anything is appended, so a rejected request writes
//! nothing. It must not know about any particular payload (the Sensor Logger decoding lives in
//! `rivulet-connect`).

use std::collections::HashMap;

use bytes::Bytes;
use rivulet_core::{Header, Record};
use rivulet_log::{partitioner::partition_for_key, LogError, TopicSpec};
use serde_json::Value;

use crate::{state::AppState, ApiError};

/// A record of a request, with the partition the client asked for, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProduceRecord {
    pub partition: Option<u32>,
    pub record: Record,
}

/// Where one record landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RecordOffset {
    pub partition: u32,
    pub offset: i64,
}

fn syntax_error(e: &serde_json::Error, line_offset: Option<usize>) -> ApiError {
    match line_offset {
        Some(line) => ApiError::bad_request(format!(
            "line {line}: malformed JSON at column {}: {e}",
            e.column()
        )),
        None => ApiError::bad_request(format!(
            "malformed JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        )),
    }
}

/// The bytes a JSON key or header value is stored as: a JSON string as its UTF-8 text (as
/// Kafka's string serializer writes it), anything else as its JSON text; null as none.
fn json_to_bytes(v: &Value) -> Option<Bytes> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(Bytes::copy_from_slice(s.as_bytes())),
        other => Some(Bytes::from(other.to_string())),
    }
}

/// Decodes `{"records":[{"key","value","timestamp","partition","headers"}]}`. Every problem is
/// reported with its field path; `now_ms` stamps records without a timestamp.
pub fn decode_json_records(body: &[u8], now_ms: i64) -> Result<Vec<ProduceRecord>, ApiError> {
    let doc: Value = serde_json::from_slice(body).map_err(|e| syntax_error(&e, None))?;
    let mut errors = Vec::new();
    let mut field = |path: String, message: &str| {
        errors.push(rivulet_connect::sensor_logger::FieldError {
            path,
            message: message.to_string(),
        })
    };
    let Some(obj) = doc.as_object() else {
        return Err(ApiError::unprocessable(
            "the body must be a JSON object {\"records\": [...]}",
        ));
    };
    let records = match obj.get("records") {
        Some(Value::Array(items)) => items,
        Some(_) => {
            field("records".into(), "must be an array of records");
            return Err(ApiError::fields(errors));
        }
        None => {
            field("records".into(), "is required");
            return Err(ApiError::fields(errors));
        }
    };
    let mut out = Vec::with_capacity(records.len());
    for (i, item) in records.iter().enumerate() {
        let Some(rec) = item.as_object() else {
            field(format!("records[{i}]"), "must be an object");
            continue;
        };
        let key = rec.get("key").and_then(json_to_bytes);
        let value = match rec.get("value") {
            None | Some(Value::Null) => None,
            Some(v) => Some(Bytes::from(v.to_string())),
        };
        let timestamp = match rec.get("timestamp") {
            None | Some(Value::Null) => now_ms,
            Some(v) => match v.as_i64().filter(|t| *t >= 0) {
                Some(t) => t,
                None => {
                    field(
                        format!("records[{i}].timestamp"),
                        "expected a non-negative integer (epoch milliseconds)",
                    );
                    continue;
                }
            },
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
                    continue;
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
                continue;
            }
        };
        for k in rec.keys() {
            if !matches!(
                k.as_str(),
                "key" | "value" | "timestamp" | "partition" | "headers"
            ) {
                field(
                    format!("records[{i}].{k}"),
                    "unknown field (expected key, value, timestamp, partition, headers)",
                );
            }
        }
        out.push(ProduceRecord {
            partition,
            record: Record {
                key,
                value,
                timestamp,
                headers,
            },
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::fields(errors))
    }
}

/// Decodes NDJSON: one JSON value a line (blank lines skipped), no key, stamped `now_ms`. The
/// value is stored as the line's own text.
pub fn decode_ndjson(body: &[u8], now_ms: i64) -> Result<Vec<ProduceRecord>, ApiError> {
    let body = Bytes::copy_from_slice(body);
    let mut out = Vec::new();
    let mut start = 0usize;
    for (index, line) in body.split(|b| *b == b'\n').enumerate() {
        let end = start + line.len();
        let text = line.trim_ascii();
        if !text.is_empty() {
            if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(text) {
                return Err(syntax_error(&e, Some(index + 1)));
            }
            let lead = line.len() - line.trim_ascii_start().len();
            let value = body.slice(start + lead..start + lead + text.len());
            out.push(ProduceRecord {
                partition: None,
                record: Record::new(None, Some(value), now_ms),
            });
        }
        start = end + 1;
    }
    Ok(out)
}

/// The partition count of `topic`, creating the topic when it is missing and `create` allows.
pub async fn ensure_topic(state: &AppState, topic: &str, create: bool) -> Result<u32, ApiError> {
    if let Some(n) = state.cached_partitions(topic) {
        return Ok(n);
    }
    let partitions = match state.log.describe_topic(topic).await {
        Ok(d) => d.partitions.len() as u32,
        Err(LogError::UnknownTopic(_)) if create => {
            let spec = TopicSpec::new(topic, state.settings.default_partitions);
            match state.log.create_topic(spec).await {
                Ok(d) => {
                    tracing::info!(topic, partitions = d.partitions.len(), "created topic");
                    d.partitions.len() as u32
                }
                Err(LogError::TopicExists(_)) => {
                    state.log.describe_topic(topic).await?.partitions.len() as u32
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(LogError::UnknownTopic(_)) => {
            return Err(ApiError::not_found(format!(
                "topic '{topic}' does not exist and auto-create is off"
            )))
        }
        Err(e) => return Err(e.into()),
    };
    state.cache_partitions(topic, partitions);
    Ok(partitions)
}

/// Appends a whole request to `topic` (which must exist with `partitions` partitions): picks each
/// record's partition (explicit, else murmur2 of the key, else one round-robin partition for the
/// request's keyless records), appends per partition, and answers each record's offset in the
/// request's order.
pub async fn append_all(
    state: &AppState,
    topic: &str,
    partitions: u32,
    records: Vec<ProduceRecord>,
) -> Result<Vec<RecordOffset>, ApiError> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut sticky = None;
    let mut groups: HashMap<u32, Vec<Record>> = HashMap::new();
    let mut placement = Vec::with_capacity(records.len());
    let mut bytes = 0u64;
    for (i, pr) in records.into_iter().enumerate() {
        let partition = match (pr.partition, &pr.record.key) {
            (Some(p), _) if p >= partitions => {
                return Err(ApiError::unprocessable(format!(
                    "records[{i}].partition: topic '{topic}' has {partitions} partition(s), there is no partition {p}"
                )))
            }
            (Some(p), _) => p,
            (None, Some(key)) => partition_for_key(key, partitions),
            (None, None) => {
                *sticky.get_or_insert_with(|| state.next_null_key_partition(partitions))
            }
        };
        bytes += (pr.record.key.as_ref().map_or(0, |k| k.len())
            + pr.record.value.as_ref().map_or(0, |v| v.len())) as u64;
        let group = groups.entry(partition).or_default();
        placement.push((partition, group.len() as i64));
        group.push(pr.record);
    }
    let count = placement.len() as u64;
    let appends = groups.into_iter().map(|(partition, recs)| async move {
        state
            .log
            .append(topic, partition, recs)
            .await
            .map(|base| (partition, base))
    });
    let bases: HashMap<u32, i64> = futures::future::try_join_all(appends)
        .await?
        .into_iter()
        .collect();
    state.metrics.appended(topic, count, bytes);
    Ok(placement
        .into_iter()
        .map(|(partition, index)| RecordOffset {
            partition,
            offset: bases.get(&partition).copied().unwrap_or(0) + index,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let body = br#"{"records":[{"value":1,"timestamp":"soon"},{"value":2,"partition":-1},{"value":3,"colour":"red"}]}"#;
        let err = decode_json_records(body, 0).unwrap_err();
        let paths: Vec<_> = err.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "records[0].timestamp",
                "records[1].partition",
                "records[2].colour"
            ]
        );
    }

    #[test]
    fn json_syntax_error_names_line_and_column() {
        let err = decode_json_records(b"{\n \"records\": [\n {\"value\": }", 0).unwrap_err();
        assert_eq!(err.status, 400);
        assert!(err.message.contains("line 3"), "{}", err.message);
    }

    #[test]
    fn ndjson_keeps_line_text_and_names_bad_line() {
        let recs = decode_ndjson(b"{\"t\":1}\n\n  {\"t\": 2}  \n", 7).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].record.value.as_deref(), Some(&b"{\"t\": 2}"[..]));
        assert_eq!(recs[1].record.timestamp, 7);
        let err = decode_ndjson(b"{\"t\":1}\n{\"t\":2}\n{oops}\n", 0).unwrap_err();
        assert!(err.message.starts_with("line 3:"), "{}", err.message);
    }
}
