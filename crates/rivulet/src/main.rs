//! The `rivulet` binary: the command line over the library crates. It owns argument parsing,
//! configuration merging (flags > `RIVULET_*` variables > `rivulet.toml` > defaults) and what
//! the user sees in the terminal; it must not hold logic that a library crate could own.

mod cli;
mod commands;
mod config;
mod http_client;

use clap::Parser;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> anyhow::Result<()> {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RIVULET_LOG_LEVEL")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(commands::run(cli))
}
