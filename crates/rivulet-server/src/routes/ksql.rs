//! ksqlDB's REST API: `POST /ksql` (statements), `GET /info`, `GET /clusterStatus`,
//! `GET /status` and `GET /status/{type}/{entity}/{action}`, answered with ksqlDB's bodies,
//! status codes and error objects.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use rivulet_core::time::now_ms;
use rivulet_engine::Session;
use serde::{de::DeserializeOwned, Deserialize};
use serde_json::{json, Map, Value};

use crate::{body::read_limited, AppState};

/// The ksqlDB version clients see (ksql-python compares it).
pub const KSQL_VERSION: &str = "0.29.0";

fn answer(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// `{"@type":"generic_error","error_code":…,"message":…}` with status = code / 100.
pub fn generic_error(code: u32, message: impl Into<String>) -> Response {
    let status = StatusCode::from_u16((code / 100) as u16).unwrap_or(StatusCode::BAD_REQUEST);
    answer(
        status,
        json!({"@type": "generic_error", "error_code": code, "message": message.into()}),
    )
}

/// ksqlDB's `KsqlRequest` (`/ksql` and `/query`).
#[derive(Deserialize)]
pub(super) struct KsqlRequest {
    pub ksql: Option<String>,
    #[serde(rename = "streamsProperties")]
    pub streams_properties: Option<Map<String, Value>>,
    #[serde(rename = "sessionVariables")]
    pub session_variables: Option<Map<String, Value>>,
}

/// Reads a JSON request body under the size limit; a bad one is answered as ksqlDB does
/// (`40000`, `Invalid JSON in request: …`).
#[allow(clippy::result_large_err)]
pub(super) async fn read_request<T: DeserializeOwned>(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<T, Response> {
    let body = read_limited(headers, body, state.settings.max_body_bytes)
        .await
        .map_err(|e| generic_error(e.error_code, e.message))?;
    serde_json::from_slice(&body)
        .map_err(|e| generic_error(40000, format!("Invalid JSON in request: {e}")))
}

/// A required string field of a request.
// The error is the finished answer, returned once per request: its size does not matter.
#[allow(clippy::result_large_err)]
pub(super) fn required(value: Option<String>, field: &str) -> Result<String, Response> {
    value.ok_or_else(|| {
        generic_error(
            40000,
            format!("Invalid JSON in request: the field '{field}' is required"),
        )
    })
}

pub async fn ksql(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let request: KsqlRequest = match read_request(&state, &headers, body).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let sql = match required(request.ksql, "ksql") {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut session = Session::from_request(
        request.streams_properties.as_ref(),
        request.session_variables.as_ref(),
    );
    match state.engine.execute_script(&sql, &mut session).await {
        Ok(entities) => answer(StatusCode::OK, Value::Array(entities)),
        Err(failure) => {
            let status = StatusCode::from_u16(failure.error.http_status())
                .unwrap_or(StatusCode::BAD_REQUEST);
            answer(
                status,
                json!({
                    "@type": "statement_error",
                    "error_code": failure.error.code,
                    "message": failure.error.message,
                    "statementText": failure.statement_text,
                    "entities": failure.entities,
                }),
            )
        }
    }
}

/// ksqlDB's server info, and beside it Rivulet's: which delivery guarantee persistent queries
/// run with on this log (exactly-once where the log keeps producer tags, as the embedded log
/// does; at-least-once with deterministic replay on a Kafka broker).
pub async fn info(State(state): State<AppState>) -> Response {
    let guarantee = rivulet_engine::delivery_guarantee(state.log.as_ref());
    answer(
        StatusCode::OK,
        json!({"KsqlServerInfo": {
            "version": KSQL_VERSION,
            "kafkaClusterId": "rivulet-embedded",
            "ksqlServiceId": state.engine.config().service_id,
            "serverStatus": "RUNNING",
        }, "rivulet": {"deliveryGuarantee": guarantee}}),
    )
}

pub async fn cluster_status(State(state): State<AppState>) -> Response {
    answer(
        StatusCode::OK,
        json!({"clusterStatus": {state.settings.listen.clone(): {
            "hostAlive": true,
            "lastStatusUpdateMs": now_ms(),
            "activeStandbyPerQuery": {},
            "hostStoreLags": {"stateStoreLags": {}, "updateTimeMs": now_ms()},
        }}}),
    )
}

pub async fn statuses(State(state): State<AppState>) -> Response {
    let statuses: Map<String, Value> = state
        .engine
        .command_statuses()
        .await
        .into_iter()
        .map(|(id, s)| (id, Value::String(s.status)))
        .collect();
    answer(StatusCode::OK, json!({ "commandStatuses": statuses }))
}

pub async fn status(
    State(state): State<AppState>,
    Path((kind, entity, action)): Path<(String, String, String)>,
) -> Response {
    let id = format!("{kind}/{entity}/{action}");
    // ksqlDB's ids quote the entity of creates; accept it either way.
    let quoted = format!("{kind}/`{}`/{action}", entity.trim_matches('`'));
    let found = match state.engine.command_status(&id).await {
        Some(s) => Some(s),
        None => state.engine.command_status(&quoted).await,
    };
    match found {
        Some(s) => answer(
            StatusCode::OK,
            json!({"status": s.status, "message": s.message, "queryId": s.query_id}),
        ),
        None => generic_error(40400, format!("Command not found: {id}")),
    }
}
