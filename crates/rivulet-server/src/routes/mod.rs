//! The route table, and the middleware that counts every request per route in the metrics.

mod dashboard;
mod health;
mod inserts;
mod ksql;
mod phone;
mod query;
mod records;
pub mod sse;
mod tables;
mod topics;

use std::time::Instant;

use axum::{
    extract::{DefaultBodyLimit, MatchedPath, Request, State},
    middleware::{self, Next},
    response::Response,
    routing::{get, post},
    Router,
};

use crate::AppState;

/// Every route of the server.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(dashboard::index))
        .route("/assets/{file}", get(dashboard::asset))
        .route("/healthcheck", get(health::healthcheck))
        .route("/ksql", post(ksql::ksql))
        .route("/query-stream", post(query::query_stream))
        .route("/query", post(query::query))
        .route("/close-query", post(query::close_query))
        .route("/inserts-stream", post(inserts::inserts_stream))
        .route("/chart-data/{client_id}", get(sse::chart_data))
        .route("/query-sse", get(sse::query_sse))
        .route("/info", get(ksql::info))
        .route("/clusterStatus", get(ksql::cluster_status))
        .route("/status", get(ksql::statuses))
        .route("/status/{kind}/{entity}/{action}", get(ksql::status))
        .route("/metrics", get(health::metrics))
        .route("/tables/{name}/rows", get(tables::rows))
        .route("/topics", get(topics::list).post(topics::create))
        .route(
            "/topics/{topic}",
            get(topics::describe).delete(topics::delete),
        )
        .route(
            "/topics/{topic}/records",
            post(records::produce).get(records::consume),
        )
        .route("/phone-producer/", post(phone::produce))
        .route("/phone-producer", post(phone::produce))
        .layer(middleware::from_fn_with_state(state.clone(), count_request))
        // Bodies are read by `body::read_limited`, which answers 413 as JSON.
        .layer(DefaultBodyLimit::disable())
        .with_state(state)
}

async fn count_request(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let response = next.run(req).await;
    state.metrics.request(
        method.as_str(),
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}
