//! `rivulet server`: opens the embedded log and serves HTTP until Ctrl-C.

use std::{net::SocketAddr, sync::Arc};

use anyhow::Context;
use rivulet_log::embedded::EmbeddedLog;
use rivulet_server::Metrics;
use tokio::{sync::oneshot, task::JoinHandle};

use crate::{
    cli::ServerArgs,
    config::{resolve, Resolved},
};

/// A server started in this process.
pub struct Running {
    pub addr: SocketAddr,
    pub log: Arc<EmbeddedLog>,
    pub engine: Arc<rivulet_engine::Engine>,
    pub serving: JoinHandle<std::io::Result<()>>,
    stop: oneshot::Sender<()>,
}

impl Running {
    /// Stops accepting, finishes open requests, and closes the log.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.serving.await??;
        self.log.close();
        Ok(())
    }
}

/// Opens the log and starts serving.
pub async fn start(resolved: &Resolved) -> anyhow::Result<Running> {
    let metrics = Arc::new(Metrics::new());
    let mut config = resolved.embedded();
    config.on_fsync = Some(metrics.fsync_observer());
    let data_dir = resolved.data_dir.clone();
    let log = tokio::task::spawn_blocking(move || EmbeddedLog::open(config))
        .await?
        .with_context(|| format!("opening the log in {}", data_dir.display()))?;
    let listener = tokio::net::TcpListener::bind(&resolved.server.listen)
        .await
        .with_context(|| format!("listening on {}", resolved.server.listen))?;
    let addr = listener.local_addr()?;
    let config = rivulet_engine::EngineConfig {
        host: addr.to_string(),
        state_dir: Some(resolved.data_dir.join("state")),
        ..rivulet_engine::EngineConfig::default()
    };
    let engine = rivulet_engine::Engine::open(log.clone(), config)
        .await
        .context("restoring the catalog from the command log")?;
    let state = rivulet_server::AppState::new(
        resolved.server.clone(),
        log.clone(),
        engine.clone(),
        metrics,
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = tokio::spawn(async move {
        rivulet_server::serve(listener, state, async move {
            let _ = stopped.await;
        })
        .await
    });
    Ok(Running {
        addr,
        log,
        engine,
        serving,
        stop,
    })
}

/// The lines every start prints: where to go and what runs.
pub fn print_banner(resolved: &Resolved, addr: SocketAddr) {
    println!("Rivulet {} is running", env!("CARGO_PKG_VERSION"));
    println!("  HTTP     http://{addr}");
    println!(
        "  log      embedded, {} (fsync {})",
        resolved.data_dir.display(),
        resolved.fsync
    );
    println!("  ingest   POST http://{addr}/topics/{{topic}}/records   POST http://{addr}/phone-producer/");
    println!("  read     GET  http://{addr}/topics   GET http://{addr}/topics/{{topic}}/records?partition=0&offset=0");
    println!("  ksqlDB   POST http://{addr}/ksql   POST http://{addr}/query-stream   (rivulet sql --url http://{addr})");
    println!("  metrics  GET  http://{addr}/metrics");
}

pub async fn run(args: ServerArgs) -> anyhow::Result<()> {
    let resolved = resolve(&args)?;
    let running = start(&resolved).await?;
    print_banner(&resolved, running.addr);
    println!("Press Ctrl-C to stop.");
    super::shutdown_signal().await;
    println!("Stopping…");
    running.stop().await
}
