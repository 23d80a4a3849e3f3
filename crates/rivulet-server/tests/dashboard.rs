//! The dashboard routes through the real router: `GET /` answers the page and `GET /assets/…`
//! the files it loads (uPlot vendored), with their content types and `Cache-Control: no-cache`.

use std::sync::Arc;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use rivulet_log::embedded::{EmbeddedConfig, EmbeddedLog};
use rivulet_server::{AppState, Metrics, ServerSettings};
use tower::ServiceExt;

async fn app() -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let metrics = Arc::new(Metrics::new());
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).unwrap();
    let engine = rivulet_engine::Engine::open(log.clone(), rivulet_engine::EngineConfig::default())
        .await
        .unwrap();
    let state = AppState::new(ServerSettings::default(), log, engine, metrics);
    (dir, rivulet_server::router(state))
}

/// Status, content type, cache control and body of a GET.
async fn get(app: &Router, uri: &str) -> (StatusCode, String, String, String) {
    let req = Request::builder().uri(uri).body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let header_text = |name| {
        res.headers()
            .get(name)
            .map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let content_type = header_text(header::CONTENT_TYPE);
    let cache = header_text(header::CACHE_CONTROL);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        content_type,
        cache,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

#[tokio::test]
async fn root_serves_the_dashboard_page() {
    let (_dir, app) = app().await;
    let (status, content_type, cache, body) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert_eq!(cache, "no-cache");
    assert!(body.contains("Rivulet — live phone sensors"), "{body}");
    for src in [
        "/assets/uPlot.iife.min.js",
        "/assets/uPlot.min.css",
        "/assets/app.js",
        "/assets/app.css",
    ] {
        assert!(body.contains(src), "page does not load {src}");
    }
}

#[tokio::test]
async fn assets_serve_vendored_uplot_and_the_app() {
    let (_dir, app) = app().await;
    let (status, content_type, cache, body) = get(&app, "/assets/uPlot.iife.min.js").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/javascript; charset=utf-8");
    assert_eq!(cache, "no-cache");
    assert!(body.contains("var uPlot="), "not uPlot's IIFE build");

    let (status, content_type, _, body) = get(&app, "/assets/uPlot.min.css").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/css; charset=utf-8");
    assert!(body.contains(".uplot"));

    let (status, _, _, body) = get(&app, "/assets/uPlot.LICENSE").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("MIT License"));

    let (status, content_type, _, body) = get(&app, "/assets/app.js").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/javascript; charset=utf-8");
    assert!(body.contains("/chart-data/"));
}

#[tokio::test]
async fn unknown_asset_is_a_json_404() {
    let (_dir, app) = app().await;
    for uri in ["/assets/nope.js", "/assets/..%2FCargo.toml"] {
        let (status, content_type, _, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(content_type.starts_with("application/json"), "{uri}");
        assert!(body.contains("\"error_code\":40400"), "{uri}: {body}");
    }
}
