//! ksqlDB's query endpoints: `POST /query-stream` (delimited, JSON or StreamedRow output),
//! `POST /query` (the legacy StreamedRow array ksql-python reads line by line) and
//! `POST /close-query`. One JSON document per chunk, written as rows arrive; the stream ends
//! when the client goes, the query is closed, or its LIMIT is reached. A push query over a
//! table writes a deleted key as `{"row":{"columns":[…],"tombstone":true}}` on the
//! StreamedRow format; the delimited and JSON formats drop tombstones, as ksqlDB does.
//!
//! Pull queries (no EMIT) answer their finite result at once, in the same formats (see
//! [`pull_body`]): on `/query` the header's schema marks key columns with ` KEY` and no
//! finalMessage ends the array, as ksqlDB does.
//!
//! PRINT writes plain text lines, one `\n`-terminated line each, on both endpoints: `/query`
//! in whatever type was negotiated (as ksqlDB's legacy writer does), `/query-stream` only as
//! `application/vnd.ksqlapi.delimited.v1` (any other Accept type answers 406).

use std::{convert::Infallible, time::Duration};

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use rivulet_engine::{query::PushItem, PrintQuery, PullQuery, PushQuery, QueryStream, Session};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::ksql::{generic_error, read_request, required, KsqlRequest};
use crate::{
    rest_value::{row_json, schema_string},
    AppState,
};

/// How rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    /// `application/vnd.ksqlapi.delimited.v1`: header line, then one array per line.
    Delimited,
    /// `application/json`: one JSON array of header and rows.
    Json,
    /// `application/vnd.ksql.v1+json`: the legacy StreamedRow array, one object per line.
    StreamedRow,
}

impl Output {
    fn content_type(self) -> &'static str {
        match self {
            Output::Delimited => "application/vnd.ksqlapi.delimited.v1",
            Output::Json => "application/json",
            Output::StreamedRow => "application/vnd.ksql.v1+json",
        }
    }

    /// Negotiates from `Accept`; `default` when there is none (or `*/*`).
    fn negotiate(headers: &HeaderMap, default: Output) -> Option<Output> {
        let accept = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if accept.trim().is_empty() || accept.contains("*/*") {
            return Some(default);
        }
        if accept.contains("application/vnd.ksqlapi.delimited.v1") {
            Some(Output::Delimited)
        } else if accept.contains("application/vnd.ksql.v1+json") {
            Some(Output::StreamedRow)
        } else if accept.contains("application/json") {
            Some(match default {
                // The legacy endpoint treats application/json as its own format.
                Output::StreamedRow => Output::StreamedRow,
                _ => Output::Json,
            })
        } else {
            None
        }
    }
}

fn statement_error(code: u32, message: &str, statement: &str) -> Response {
    let status = StatusCode::from_u16((code / 100) as u16).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"@type": "statement_error", "error_code": code, "message": message,
               "statementText": statement, "entities": []})
        .to_string(),
    )
        .into_response()
}

enum Phase {
    Header,
    Rows { first: bool },
    Done,
}

/// Streams a running query's rows in `output` format.
fn stream_rows(query: PushQuery, output: Output, keep_alive: Option<Duration>) -> Response {
    let header = match output {
        Output::StreamedRow => format!(
            "[{},\n",
            json!({"header": {"queryId": query.id, "schema": schema_string(&query.schema)}})
        ),
        _ => {
            let meta = json!({
                "queryId": query.id,
                "columnNames": query.schema.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
                "columnTypes": query.schema.columns.iter().map(|c| c.data_type.to_string()).collect::<Vec<_>>(),
            });
            match output {
                Output::Delimited => format!("{meta}\n"),
                _ => format!("[{meta}"),
            }
        }
    };
    let stream = futures::stream::unfold(
        (query, Phase::Header, Some(header)),
        move |(mut query, phase, header)| async move {
            match phase {
                Phase::Header => {
                    let bytes = Bytes::from(header.unwrap_or_default());
                    Some((
                        Ok::<_, Infallible>(bytes),
                        (query, Phase::Rows { first: true }, None),
                    ))
                }
                Phase::Rows { first } => {
                    let next = match keep_alive {
                        Some(every) => {
                            match tokio::time::timeout(every, next_item(&mut query, output)).await {
                                Ok(row) => row,
                                Err(_) => {
                                    return Some((
                                        Ok(Bytes::from_static(b"\n")),
                                        (query, Phase::Rows { first }, None),
                                    ))
                                }
                            }
                        }
                        None => next_item(&mut query, output).await,
                    };
                    match next {
                        Some(item) => {
                            let text = match (output, item) {
                                (Output::Delimited, PushItem::Row(row)) => {
                                    format!("{}\n", row_json(&row))
                                }
                                (Output::Json, PushItem::Row(row)) => {
                                    format!(",{}", row_json(&row))
                                }
                                (_, PushItem::Row(row)) => {
                                    format!("{{\"row\":{{\"columns\":{}}}}},\n", row_json(&row))
                                }
                                (_, PushItem::Tombstone(row)) => format!(
                                    "{{\"row\":{{\"columns\":{},\"tombstone\":true}}}},\n",
                                    row_json(&row)
                                ),
                            };
                            Some((
                                Ok(Bytes::from(text)),
                                (query, Phase::Rows { first: false }, None),
                            ))
                        }
                        None => {
                            let end = match output {
                                Output::Delimited => String::new(),
                                Output::Json => "]".into(),
                                Output::StreamedRow if query.limit_reached() => {
                                    "{\"finalMessage\":\"Limit Reached\"}]".into()
                                }
                                Output::StreamedRow => {
                                    "{\"finalMessage\":\"Query Completed\"}]".into()
                                }
                            };
                            if end.is_empty() {
                                None
                            } else {
                                Some((Ok(Bytes::from(end)), (query, Phase::Done, None)))
                            }
                        }
                    }
                }
                Phase::Done => None,
            }
        },
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, output.content_type())],
        Body::from_stream(stream),
    )
        .into_response()
}

/// The next item `output` writes: rows and tombstones on StreamedRow; rows only on the
/// delimited and JSON formats, which drop tombstones.
async fn next_item(query: &mut PushQuery, output: Output) -> Option<PushItem> {
    match output {
        Output::StreamedRow => query.next_item().await,
        Output::Delimited | Output::Json => query.next().await.map(PushItem::Row),
    }
}

/// The legacy header's schema string of a pull query: ` KEY` after each key column.
fn pull_schema_string(query: &PullQuery) -> String {
    query
        .schema
        .columns
        .iter()
        .map(|c| {
            let key = if c.kind == rivulet_core::ColumnKind::Key {
                " KEY"
            } else {
                ""
            };
            format!("`{}` {}{key}", c.name, c.data_type)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A pull query's finite result in `output` format, written at once: StreamedRow is `[` header
/// `,\n` rows separated by `,\n` then `]` (no finalMessage); delimited is the header line then
/// one array per line; JSON one array.
fn pull_body(query: &PullQuery, output: Output) -> String {
    let mut body = String::new();
    match output {
        Output::StreamedRow => {
            body.push('[');
            body.push_str(
                &json!({"header": {"queryId": query.id, "schema": pull_schema_string(query)}})
                    .to_string(),
            );
            for row in &query.rows {
                body.push_str(",\n{\"row\":{\"columns\":");
                body.push_str(&row_json(row));
                body.push_str("}}");
            }
            body.push(']');
        }
        Output::Delimited | Output::Json => {
            let meta = json!({
                "queryId": query.id,
                "columnNames": query.schema.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
                "columnTypes": query.schema.columns.iter().map(|c| c.data_type.to_string()).collect::<Vec<_>>(),
            });
            if output == Output::Delimited {
                body.push_str(&format!("{meta}\n"));
                for row in &query.rows {
                    body.push_str(&row_json(row));
                    body.push('\n');
                }
            } else {
                body.push_str(&format!("[{meta}"));
                for row in &query.rows {
                    body.push(',');
                    body.push_str(&row_json(row));
                }
                body.push(']');
            }
        }
    }
    body
}

fn pull_response(query: &PullQuery, output: Output) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, output.content_type())],
        pull_body(query, output),
    )
        .into_response()
}

/// Streams PRINT's lines; `keep_alive`: a bare `\n` after that long without a line.
fn stream_print(print: PrintQuery, output: Output, keep_alive: Option<Duration>) -> Response {
    let stream = futures::stream::unfold(print, move |mut print| async move {
        let next = match keep_alive {
            Some(every) => match tokio::time::timeout(every, print.next()).await {
                Ok(lines) => lines,
                Err(_) => return Some((Ok::<_, Infallible>(Bytes::from_static(b"\n")), print)),
            },
            None => print.next().await,
        };
        let lines = next?;
        let mut text = String::new();
        for line in lines {
            text.push_str(&line);
            text.push('\n');
        }
        Some((Ok(Bytes::from(text)), print))
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, output.content_type())],
        Body::from_stream(stream),
    )
        .into_response()
}

#[derive(Deserialize)]
struct QueryStreamArgs {
    sql: Option<String>,
    properties: Option<Map<String, Value>>,
    #[serde(rename = "sessionVariables")]
    session_variables: Option<Map<String, Value>>,
}

pub async fn query_stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(output) = Output::negotiate(&headers, Output::Delimited) else {
        return generic_error(40400, "Not Found: unsupported Accept type");
    };
    let args: QueryStreamArgs = match read_request(&state, &headers, body).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let sql = match required(args.sql, "sql") {
        Ok(s) => s,
        Err(r) => return r,
    };
    let session = Session::from_request(args.properties.as_ref(), args.session_variables.as_ref());
    match state.engine.query(&sql, &session).await {
        Ok(QueryStream::Push(query)) => stream_rows(query, output, None),
        Ok(QueryStream::Pull(pull)) => pull_response(&pull, output),
        Ok(QueryStream::Print(print)) if output == Output::Delimited => {
            stream_print(print, output, None)
        }
        Ok(QueryStream::Print(_)) => generic_error(
            40600,
            "PRINT on /query-stream answers application/vnd.ksqlapi.delimited.v1 only",
        ),
        Err(e) => statement_error(e.code, &e.message, &sql),
    }
}

/// Seconds without a row after which the legacy endpoint writes a bare `\n` keep-alive.
const LEGACY_KEEP_ALIVE: Duration = Duration::from_secs(10);

pub async fn query(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let Some(output) = Output::negotiate(&headers, Output::StreamedRow) else {
        return generic_error(40400, "Not Found: unsupported Accept type");
    };
    let request: KsqlRequest = match read_request(&state, &headers, body).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let sql = match required(request.ksql, "ksql") {
        Ok(s) => s,
        Err(r) => return r,
    };
    let session = Session::from_request(
        request.streams_properties.as_ref(),
        request.session_variables.as_ref(),
    );
    match state.engine.query(&sql, &session).await {
        Ok(QueryStream::Push(query)) => {
            let keep_alive = (output == Output::StreamedRow).then_some(LEGACY_KEEP_ALIVE);
            stream_rows(query, output, keep_alive)
        }
        Ok(QueryStream::Pull(pull)) => pull_response(&pull, output),
        Ok(QueryStream::Print(print)) => stream_print(print, output, Some(LEGACY_KEEP_ALIVE)),
        Err(e) => statement_error(e.code, &e.message, &sql),
    }
}

#[derive(Deserialize)]
struct CloseQuery {
    #[serde(rename = "queryId")]
    query_id: Option<String>,
}

pub async fn close_query(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let id = match read_request::<CloseQuery>(&state, &headers, body).await {
        Ok(CloseQuery { query_id }) => match required(query_id, "queryId") {
            Ok(id) => id,
            Err(r) => return r,
        },
        Err(r) => return r,
    };
    if state.engine.close_query(&id) {
        StatusCode::OK.into_response()
    } else {
        generic_error(40000, format!("No query with id {id}"))
    }
}
