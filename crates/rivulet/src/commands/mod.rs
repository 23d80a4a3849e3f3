//! One module per subcommand; `run` dispatches.

mod bench;
mod bench_latency;
mod bench_sse;
mod demo;
mod server;
mod simulate;
mod sql;
mod topic;

use crate::cli::{Cli, Command};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Server(args) => server::run(args).await,
        Command::Demo(args) => demo::run(args).await,
        Command::Sql { url, execute, file } => sql::run(url.url, execute, file).await,
        Command::Topic { command } => topic::run(command).await,
        Command::Simulate { command } => simulate::run(command).await,
        Command::Bench { command } => match command {
            crate::cli::BenchCommand::Latency {
                url,
                rate,
                batch,
                duration_secs,
                json,
            } => bench_latency::run(&url.url, rate, batch, duration_secs, json).await,
            other => bench::run(other).await,
        },
    }
}

/// Resolves when the user presses Ctrl-C (or the process gets SIGTERM).
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
