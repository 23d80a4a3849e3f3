//! Helpers shared by the server's integration tests: the real router over a fresh embedded log,
//! and one request answered with its status and body text.

#![allow(dead_code)]

use std::sync::Arc;

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use rivulet_engine::{Engine, EngineConfig};
use rivulet_log::embedded::{EmbeddedConfig, EmbeddedLog};
use rivulet_server::{AppState, Metrics, ServerSettings};
use serde_json::json;
use tower::ServiceExt;

/// The router over a fresh embedded log and engine (the directory lives as long as the guard).
pub async fn app() -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).unwrap();
    let engine = Engine::open(log.clone(), EngineConfig::default())
        .await
        .unwrap();
    let app = rivulet_server::router(AppState::new(
        ServerSettings::default(),
        log,
        engine,
        Arc::new(Metrics::new()),
    ));
    (dir, app)
}

/// Sends one request (ksqlDB's content type) and returns the status and the whole body.
pub async fn call(app: &Router, method: &str, uri: &str, body: String) -> (StatusCode, String) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/vnd.ksql.v1+json")
        .body(Body::from(body))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Runs statements on `/ksql`, which must succeed.
pub async fn ksql_ok(app: &Router, sql: &str) {
    let (status, text) = call(app, "POST", "/ksql", json!({"ksql": sql}).to_string()).await;
    assert_eq!(status, StatusCode::OK, "{sql}: {text}");
}
