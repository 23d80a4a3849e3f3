//! Rivulet's HTTP surface on one listener: record ingest and reads, topic administration, the
//! Sensor Logger push route, ksqlDB's REST API (`/ksql`, `/info`, `/status`, …), health and
//! Prometheus metrics.
//!
//! This crate owns routing, request limits, JSON error bodies and metrics. It must not hold
//! business logic: decoding of domain payloads lives in `rivulet-connect`, storage behind the
//! `Log` trait of `rivulet-log`.

pub mod body;
pub mod error;
pub mod metrics;
pub mod produce;
pub mod rest_value;
pub mod routes;
pub mod settings;
pub mod state;
pub mod typed_records;

use std::future::Future;

pub use error::ApiError;
pub use metrics::Metrics;
pub use settings::ServerSettings;
pub use state::AppState;

/// Builds the router over a log.
pub fn router(state: AppState) -> axum::Router {
    routes::router(state)
}

/// Serves the router on an already bound listener until `shutdown` resolves, then finishes the
/// requests under way.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
