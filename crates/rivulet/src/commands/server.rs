//! `rivulet server`: opens the log (embedded, or Kafka with `--log kafka://…`) and serves HTTP
//! until Ctrl-C.

use std::{net::SocketAddr, sync::Arc};

use anyhow::Context;
use rivulet_log::{embedded::EmbeddedLog, Log};
use rivulet_log_kafka::KafkaLog;
use rivulet_server::Metrics;
use tokio::{sync::oneshot, task::JoinHandle};

use crate::{
    cli::ServerArgs,
    config::{resolve, LogChoice, Resolved},
};

/// The log a server runs on, for what is not in the [`Log`] trait (closing).
enum OpenLog {
    Embedded(Arc<EmbeddedLog>),
    Kafka(Arc<KafkaLog>),
}

impl OpenLog {
    fn shared(&self) -> Arc<dyn Log> {
        match self {
            OpenLog::Embedded(log) => log.clone(),
            OpenLog::Kafka(log) => log.clone(),
        }
    }

    async fn close(&self) {
        match self {
            OpenLog::Embedded(log) => log.close(),
            OpenLog::Kafka(log) => log.close(std::time::Duration::from_secs(10)).await,
        }
    }
}

/// Opens the log `resolved` names.
async fn open_log(resolved: &Resolved, metrics: &Arc<Metrics>) -> anyhow::Result<OpenLog> {
    match &resolved.log {
        LogChoice::Embedded => {
            let mut config = resolved.embedded();
            config.on_fsync = Some(metrics.fsync_observer());
            let data_dir = resolved.data_dir.clone();
            let log = tokio::task::spawn_blocking(move || EmbeddedLog::open(config))
                .await?
                .with_context(|| format!("opening the log in {}", data_dir.display()))?;
            Ok(OpenLog::Embedded(log))
        }
        LogChoice::Kafka(config) => {
            let log = KafkaLog::connect(config.clone()).await.with_context(|| {
                format!("opening the Kafka log on {}", config.bootstrap_servers)
            })?;
            Ok(OpenLog::Kafka(Arc::new(log)))
        }
    }
}

/// A server started in this process.
pub struct Running {
    pub addr: SocketAddr,
    pub log: Arc<dyn Log>,
    open_log: OpenLog,
    pub engine: Arc<rivulet_engine::Engine>,
    pub serving: JoinHandle<std::io::Result<()>>,
    stop: oneshot::Sender<()>,
}

impl Running {
    /// Stops accepting, finishes open requests, and closes the log.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.serving.await??;
        self.open_log.close().await;
        Ok(())
    }
}

/// Opens the log and starts serving.
pub async fn start(resolved: &Resolved) -> anyhow::Result<Running> {
    let metrics = Arc::new(Metrics::new());
    let open_log = open_log(resolved, &metrics).await?;
    let log = open_log.shared();
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
        open_log,
        engine,
        serving,
        stop,
    })
}

/// The lines every start prints: where to go and what runs.
pub fn print_banner(resolved: &Resolved, addr: SocketAddr) {
    println!("Rivulet {} is running", env!("CARGO_PKG_VERSION"));
    println!("  HTTP     http://{addr}");
    match &resolved.log {
        LogChoice::Embedded => {
            println!(
                "  log      embedded, {} (fsync {})",
                resolved.data_dir.display(),
                resolved.fsync
            );
            println!("  queries  exactly-once output (producer tags in the embedded log)");
        }
        LogChoice::Kafka(config) => {
            println!(
                "  log      kafka://{} (acks=all, idempotent producer; checkpoints in {})",
                config.bootstrap_servers,
                resolved.data_dir.display()
            );
            println!(
                "  queries  at-least-once output with deterministic replay (no transactions yet)"
            );
        }
    }
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
