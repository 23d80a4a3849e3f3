//! Rivulet's HTTP surface on one listener: record ingest and reads, topic administration, the
//! Sensor Logger push route, health and Prometheus metrics.
//!
//! This crate owns routing, request limits, JSON error bodies and metrics. It must not hold
//! business logic: decoding of domain payloads lives in `rivulet-connect`, storage behind the
//! `Log` trait of `rivulet-log`.

pub mod body;
pub mod error;
pub mod metrics;
pub mod produce;
pub mod routes;
pub mod settings;
pub mod state;

use std::{future::Future, net::SocketAddr, sync::Arc};

pub use error::ApiError;
pub use metrics::Metrics;
pub use settings::ServerSettings;
pub use state::AppState;

use rivulet_log::Log;

/// Builds the router over a log.
pub fn router(state: AppState) -> axum::Router {
    routes::router(state)
}

/// Binds `settings.listen` and serves until `shutdown` resolves. Returns the bound address
/// through `on_bound` before serving (so callers can print it, or learn an ephemeral port).
pub async fn serve(
    settings: ServerSettings,
    log: Arc<dyn Log>,
    metrics: Arc<Metrics>,
    on_bound: impl FnOnce(SocketAddr),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(&settings.listen).await?;
    let addr = listener.local_addr()?;
    on_bound(addr);
    let state = AppState::new(settings, log, metrics);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
