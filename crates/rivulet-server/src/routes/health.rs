//! `GET /healthcheck` (ksqlDB's shape) and `GET /metrics` (Prometheus text).

use axum::{extract::State, http::header, response::IntoResponse, Json};
use serde_json::json;

use crate::AppState;

pub async fn healthcheck(State(state): State<AppState>) -> impl IntoResponse {
    let log_ok = state.log.list_topics().await.is_ok();
    Json(json!({
        "isHealthy": log_ok,
        "details": {
            "metastore": {"isHealthy": true},
            "kafka": {"isHealthy": log_ok},
            "commandRunner": {"isHealthy": true}
        },
        "serverState": "READY"
    }))
}

pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render_with_engine(&state.engine).await,
    )
}
