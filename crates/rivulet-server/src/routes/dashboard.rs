//! The live phone dashboard: `GET /` (the page) and `GET /assets/{file}` (its script, stylesheet
//! and the vendored uPlot files), all embedded from `web/` at the repository root at build time.
//!
//! It owns serving those bytes with their content types and `Cache-Control: no-cache`; it must
//! not run queries or produce records (the page reads `GET /chart-data/{client_id}` by itself).

use axum::{
    extract::Path,
    http::header,
    response::{IntoResponse, Response},
};

use crate::error::ApiError;

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

const INDEX: &str = include_str!("../../../../web/index.html");

/// The files under `/assets/`: name, content type, bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("app.js", JS, include_bytes!("../../../../web/app.js")),
    ("app.css", CSS, include_bytes!("../../../../web/app.css")),
    (
        "uPlot.iife.min.js",
        JS,
        include_bytes!("../../../../web/vendor/uPlot.iife.min.js"),
    ),
    (
        "uPlot.min.css",
        CSS,
        include_bytes!("../../../../web/vendor/uPlot.min.css"),
    ),
    (
        "uPlot.LICENSE",
        TEXT,
        include_bytes!("../../../../web/vendor/uPlot.LICENSE"),
    ),
];

fn file(content_type: &'static str, body: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// `GET /`: the dashboard page.
pub async fn index() -> Response {
    file(HTML, INDEX.as_bytes())
}

/// `GET /assets/{file}`: one of the page's files, or 404.
pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, body)) => file(content_type, body),
        None => ApiError::not_found(format!("no asset named {name:?}")).into_response(),
    }
}
