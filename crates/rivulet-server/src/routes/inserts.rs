//! `POST /inserts-stream`, as ksqlDB answers it: a streamed body whose first line is
//! `{"target":"NAME"}` (optionally with `"properties"`) and every further line one JSON row
//! keyed by column name; one ack per row, `{"status":"ok","seq":N}`, delimited (one per line,
//! the default) or as a JSON array (`Accept: application/json`). An error ack
//! (`{"@type","error_code","message","status":"error","seq"}`) ends the stream.
//!
//! Rows are handled as the body arrives: the complete lines of each received chunk are
//! converted, appended together, and acknowledged once the append returned (the log's append
//! returns after its fsync policy made them durable). This module owns the line framing, the
//! negotiation and the ack shapes; row conversion and writing are the engine's `RowWriter`.

use std::convert::Infallible;

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use rivulet_core::time::now_ms;
use rivulet_engine::{NameRule, RowWriter, WriteError};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tokio::sync::mpsc;

use super::ksql::generic_error;
use crate::AppState;

const DELIMITED: &str = "application/vnd.ksqlapi.delimited.v1";
const JSON: &str = "application/json";

/// The first line of the body.
#[derive(Deserialize)]
struct Target {
    target: String,
    #[allow(dead_code)]
    #[serde(default)]
    properties: Option<Map<String, Value>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Delimited,
    Json,
}

fn negotiate(headers: &HeaderMap) -> Option<Output> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if accept.trim().is_empty() || accept.contains("*/*") || accept.contains(DELIMITED) {
        Some(Output::Delimited)
    } else if accept.contains(JSON) || accept.contains("application/vnd.ksql.v1+json") {
        Some(Output::Json)
    } else {
        None
    }
}

/// A source name as ksqlDB reads an identifier: back-quoted keeps its case, else upper-cased.
fn identifier(name: &str) -> String {
    let trimmed = name.trim();
    match trimmed
        .strip_prefix('`')
        .and_then(|n| n.strip_suffix('`'))
        .filter(|_| trimmed.len() >= 2)
    {
        Some(quoted) => quoted.to_string(),
        None => trimmed.to_uppercase(),
    }
}

/// Splits a streamed body into lines, never holding more than `limit` bytes of one line.
struct Lines {
    body: axum::body::BodyDataStream,
    buffer: BytesMut,
    limit: usize,
    ended: bool,
}

enum Chunk {
    /// Complete lines (without their `\n`, blank lines dropped).
    Lines(Vec<Bytes>),
    End,
    Error(String),
}

impl Lines {
    fn new(body: Body, limit: usize) -> Self {
        Lines {
            body: body.into_data_stream(),
            buffer: BytesMut::new(),
            limit,
            ended: false,
        }
    }

    /// The complete lines available after the next received chunk (at end of body, the rest).
    async fn next(&mut self) -> Chunk {
        loop {
            if self.ended {
                return Chunk::End;
            }
            match self.body.next().await {
                Some(Ok(data)) => self.buffer.extend_from_slice(&data),
                Some(Err(e)) => return Chunk::Error(format!("could not read the body: {e}")),
                None => {
                    self.ended = true;
                    let rest = self.buffer.split().freeze();
                    let rest = trim(rest);
                    return if rest.is_empty() {
                        Chunk::End
                    } else {
                        Chunk::Lines(vec![rest])
                    };
                }
            }
            let mut lines = Vec::new();
            while let Some(at) = self.buffer.iter().position(|b| *b == b'\n') {
                let line = trim(self.buffer.split_to(at + 1).freeze());
                if !line.is_empty() {
                    lines.push(line);
                }
            }
            if self.buffer.len() > self.limit {
                return Chunk::Error(format!(
                    "a line of the inserts stream is longer than the limit of {} bytes",
                    self.limit
                ));
            }
            if !lines.is_empty() {
                return Chunk::Lines(lines);
            }
        }
    }
}

fn trim(line: Bytes) -> Bytes {
    let start = line.len() - line.trim_ascii_start().len();
    let end = line.trim_ascii_end().len();
    if start >= end {
        Bytes::new()
    } else {
        line.slice(start..end)
    }
}

pub async fn inserts_stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(output) = negotiate(&headers) else {
        return generic_error(40400, "Not Found: unsupported Accept type");
    };
    let mut lines = Lines::new(body, state.settings.max_body_bytes);
    let (first, pending) = match lines.next().await {
        Chunk::Lines(got) => {
            let mut got = got.into_iter();
            match got.next() {
                Some(first) => (first, got.collect::<Vec<_>>()),
                None => return generic_error(40000, "Invalid JSON in inserts stream"),
            }
        }
        Chunk::End => return generic_error(40000, "Invalid JSON in inserts stream"),
        Chunk::Error(message) => return generic_error(40000, message),
    };
    let target: Target = match serde_json::from_slice(&first) {
        Ok(t) => t,
        Err(_) => return generic_error(40000, "Invalid JSON in inserts stream"),
    };
    let name = identifier(&target.target);
    let writer = match state.engine.row_writer(&name).await {
        Ok(Some(w)) => w,
        Ok(None) => {
            return generic_error(
                40001,
                format!("Cannot insert values into an unknown stream/table: {name}"),
            )
        }
        Err(e) => return generic_error(e.code, e.message),
    };
    if writer.source().is_source {
        return generic_error(
            40001,
            format!(
                "Cannot insert values into read-only {}: {}",
                writer.source().kind.lower(),
                writer.source().name
            ),
        );
    }
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    tokio::spawn(run(writer, lines, pending, output, tx));
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    let content_type = match output {
        Output::Delimited => DELIMITED,
        Output::Json => JSON,
    };
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type)],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Writes acks in the negotiated framing.
struct Acks {
    output: Output,
    tx: mpsc::Sender<Bytes>,
    sent: usize,
}

impl Acks {
    /// Sends one ack; false when the client went away.
    async fn send(&mut self, ack: Value) -> bool {
        let text = ack.to_string();
        let framed = match self.output {
            Output::Delimited => format!("{text}\n"),
            Output::Json if self.sent == 0 => format!("[{text}"),
            Output::Json => format!(",{text}"),
        };
        self.sent += 1;
        self.tx.send(Bytes::from(framed)).await.is_ok()
    }

    async fn end(self) {
        if self.output == Output::Json {
            let close = if self.sent == 0 { "[]" } else { "]" };
            let _ = self.tx.send(Bytes::from_static(close.as_bytes())).await;
        }
    }
}

fn error_ack(code: u32, message: &str, seq: u64) -> Value {
    json!({"@type": "generic_error", "error_code": code, "message": message, "status": "error", "seq": seq})
}

/// Converts, appends and acknowledges rows until the body ends or a row fails.
async fn run(
    mut writer: RowWriter,
    mut lines: Lines,
    mut batch: Vec<Bytes>,
    output: Output,
    tx: mpsc::Sender<Bytes>,
) {
    let mut acks = Acks {
        output,
        tx,
        sent: 0,
    };
    let mut seq: u64 = 0;
    loop {
        let mut records = Vec::with_capacity(batch.len());
        let mut failure = None;
        for line in &batch {
            let now = now_ms();
            let row = match serde_json::from_slice::<Value>(line) {
                Ok(Value::Object(fields)) => writer
                    .row_from_json(&fields, NameRule::Identifier, true)
                    .map_err(|e| row_error(&e)),
                _ => Err((40000, "Invalid JSON in inserts stream".to_string())),
            };
            match row.and_then(|row| writer.encode(row, now).map_err(|e| row_error(&e))) {
                Ok(record) => records.push(record),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        let written = records.len() as u64;
        if !records.is_empty() {
            if let Err(e) = writer.append(records).await {
                tracing::error!(error = %e, "inserts stream append failed");
                let _ = acks
                    .send(error_ack(50000, &format!("Failed to write rows: {e}"), seq))
                    .await;
                return acks.end().await;
            }
            for _ in 0..written {
                if !acks.send(json!({"status": "ok", "seq": seq})).await {
                    return;
                }
                seq += 1;
            }
        }
        if let Some((code, message)) = failure {
            let _ = acks.send(error_ack(code, &message, seq)).await;
            return acks.end().await;
        }
        batch = match lines.next().await {
            Chunk::Lines(next) => next,
            Chunk::End => return acks.end().await,
            Chunk::Error(message) => {
                let _ = acks.send(error_ack(40000, &message, seq)).await;
                return acks.end().await;
            }
        };
    }
}

fn row_error(e: &WriteError) -> (u32, String) {
    match e {
        WriteError::Field { path, message } if !path.is_empty() => {
            (40000, format!("{message} (field {path})"))
        }
        other => (40000, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_names_follow_identifier_rules() {
        assert_eq!(identifier("riderLocations"), "RIDERLOCATIONS");
        assert_eq!(identifier("`riderLocations`"), "riderLocations");
    }
}
