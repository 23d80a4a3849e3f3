//! Helpers shared by the server's integration tests: the real router over a fresh embedded log,
//! and one request answered with its status and body text.

#![allow(dead_code)]

use std::{sync::Arc, time::Duration};

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use rivulet_engine::{Engine, EngineConfig};
use rivulet_log::embedded::{EmbeddedConfig, EmbeddedLog};
use rivulet_server::{AppState, Metrics, ServerSettings};
use serde_json::{json, Value};
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

/// The first `lines` lines of a `/query-stream` answer (delimited), sent with `properties` and
/// `sessionVariables`; waits at most 10 s (a push query streams on after them).
pub async fn query_stream_lines(
    app: &Router,
    sql: &str,
    properties: &Value,
    variables: &Value,
    lines: usize,
) -> Vec<String> {
    let body = json!({"sql": sql, "properties": properties, "sessionVariables": variables});
    let req = Request::builder()
        .method("POST")
        .uri("/query-stream")
        .header("content-type", "application/vnd.ksqlapi.delimited.v1")
        .header("accept", "application/vnd.ksqlapi.delimited.v1")
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let mut body = res.into_body();
    if status != StatusCode::OK {
        let bytes = body.collect().await.unwrap().to_bytes();
        panic!("{sql}: {status} {}", String::from_utf8_lossy(&bytes));
    }
    let mut text = String::new();
    let read = async {
        while text.lines().count() < lines {
            match body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        text.push_str(&String::from_utf8_lossy(&data));
                    }
                }
                _ => break,
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .unwrap_or_else(|_| panic!("{sql}: {lines} lines within 10 s, got {text:?}"));
    text.lines().map(str::to_string).collect()
}
