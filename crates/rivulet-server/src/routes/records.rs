//! `POST /topics/{topic}/records` (JSON records or NDJSON) and `GET /topics/{topic}/records`
//! (read from an offset, optionally long-polling for new data). On a topic with a declared
//! stream or table, keys and values are typed by its formats (`crate::typed_records`).

use std::time::Duration;

use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{header, HeaderMap},
    response::IntoResponse,
    Json,
};
use bytes::Bytes;
use rivulet_connect::produce_request::{decode_json_records, decode_ndjson};
use rivulet_core::time::now_ms;
use rivulet_log::ReadLimits;
use serde::{Deserialize, Serialize};
use serde_json::{value::RawValue, Map, Value};

use crate::{
    body::read_limited,
    produce::{append_all, ensure_topic, RecordOffset},
    ApiError, AppState,
};

#[derive(Serialize)]
struct ProduceAnswer {
    offsets: Vec<RecordOffset>,
}

fn is_ndjson(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            let v = v.to_ascii_lowercase();
            v.starts_with("application/x-ndjson") || v.starts_with("application/ndjson")
        })
        .unwrap_or(false)
}

/// `?raw=true` stores keys and values as sent even when the topic has a declared source (to
/// replay captured bytes, or to test how queries handle records they cannot decode).
#[derive(Deserialize)]
pub struct ProduceParams {
    #[serde(default)]
    raw: bool,
}

pub async fn produce(
    State(state): State<AppState>,
    Path(topic): Path<String>,
    Query(params): Query<ProduceParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<impl IntoResponse, ApiError> {
    let body = read_limited(&headers, body, state.settings.max_body_bytes).await?;
    let now = now_ms();
    let ndjson = is_ndjson(&headers);
    let records = if ndjson {
        decode_ndjson(&body, now)?
    } else {
        decode_json_records(&body, now)?
    };
    let declared = if params.raw {
        None
    } else {
        state.engine.source_on_topic(&topic)
    };
    let records = match declared {
        None => records,
        Some(source) => {
            crate::typed_records::encode_request(&state, source, &body, records, ndjson).await?
        }
    };
    let partitions = ensure_topic(&state, &topic, state.settings.auto_create_topics).await?;
    let offsets = append_all(&state, &topic, partitions, records).await?;
    Ok(Json(ProduceAnswer { offsets }))
}

#[derive(Deserialize)]
pub struct ConsumeParams {
    #[serde(default)]
    partition: u32,
    #[serde(default)]
    offset: i64,
    limit: Option<usize>,
    timeout_ms: Option<u64>,
    /// `?raw=true`: show the stored bytes even when the topic has a declared source.
    #[serde(default)]
    raw: bool,
}

#[derive(Serialize)]
struct ShownRecord {
    partition: u32,
    offset: i64,
    timestamp: i64,
    key: Shown,
    /// The window of a windowed table's key (`[start, end)`, epoch ms), shown beside the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    window: Option<ShownWindow>,
    value: Shown,
    headers: Map<String, Value>,
}

#[derive(Serialize)]
struct ShownWindow {
    start: i64,
    end: i64,
}

#[derive(Serialize)]
struct ConsumeAnswer {
    records: Vec<ShownRecord>,
    next_offset: i64,
}

/// Stored bytes as a reader sees them: their JSON when they are JSON, else a string.
#[derive(Serialize)]
#[serde(untagged)]
enum Shown {
    Json(Box<RawValue>),
    Text(String),
    Null(Option<()>),
}

fn show(bytes: Option<&Bytes>) -> Shown {
    match bytes {
        None => Shown::Null(None),
        Some(b) => match std::str::from_utf8(b) {
            Ok(s) => match RawValue::from_string(s.to_string()) {
                Ok(raw) => Shown::Json(raw),
                Err(_) => Shown::Text(s.to_string()),
            },
            Err(_) => Shown::Text(String::from_utf8_lossy(b).into_owned()),
        },
    }
}

pub async fn consume(
    State(state): State<AppState>,
    Path(topic): Path<String>,
    Query(params): Query<ConsumeParams>,
) -> Result<impl IntoResponse, ApiError> {
    let limits = ReadLimits {
        max_records: params.limit.unwrap_or(100).clamp(1, 10_000),
        max_bytes: 8 << 20,
    };
    let mut batch = state
        .log
        .read(&topic, params.partition, params.offset, limits)
        .await?;
    if batch.records.is_empty() {
        if let Some(wait) = params.timeout_ms.filter(|ms| *ms > 0) {
            let wait = Duration::from_millis(wait.min(state.settings.max_poll_ms));
            let from = batch.next_offset;
            if state
                .log
                .wait_for_data(&topic, params.partition, from, wait)
                .await?
            {
                batch = state
                    .log
                    .read(&topic, params.partition, from, limits)
                    .await?;
            }
        }
    }
    let typed = (!params.raw)
        .then(|| state.engine.source_on_topic(&topic))
        .flatten()
        .and_then(|s| rivulet_engine::RowReader::new(&s).ok());
    let shown = |raw: Option<Box<RawValue>>, bytes: Option<&Bytes>| match raw {
        Some(raw) => Shown::Json(raw),
        None => show(bytes),
    };
    let records = batch
        .records
        .iter()
        .map(|r| ShownRecord {
            partition: params.partition,
            offset: r.offset,
            timestamp: r.record.timestamp,
            key: shown(
                typed
                    .as_ref()
                    .and_then(|t| crate::typed_records::show_key(t, r.record.key.as_ref())),
                r.record.key.as_ref(),
            ),
            window: typed
                .as_ref()
                .and_then(|t| t.window(r.record.key.as_deref()))
                .map(|w| ShownWindow {
                    start: w.start,
                    end: w.end,
                }),
            value: shown(
                typed
                    .as_ref()
                    .and_then(|t| crate::typed_records::show_value(t, r.record.value.as_ref())),
                r.record.value.as_ref(),
            ),
            headers: r
                .record
                .headers
                .iter()
                .map(|h| {
                    let v = h.value.as_ref().map_or(Value::Null, |b| {
                        Value::String(String::from_utf8_lossy(b).into_owned())
                    });
                    (h.key.clone(), v)
                })
                .collect(),
        })
        .collect();
    Ok(Json(ConsumeAnswer {
        records,
        next_offset: batch.next_offset,
    }))
}
