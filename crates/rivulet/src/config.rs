//! Resolving the server's settings: a flag wins over its `RIVULET_*` variable (clap reads both),
//! which wins over `rivulet.toml` (`--config`), which wins over the defaults.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rivulet_log::{embedded::EmbeddedConfig, FsyncPolicy};
use rivulet_log_kafka::KafkaConfig;
use rivulet_server::ServerSettings;
use serde::Deserialize;

use crate::cli::ServerArgs;

/// `rivulet.toml`: the same names as the flags, with `_` for `-`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    log: Option<String>,
    data_dir: Option<PathBuf>,
    fsync: Option<String>,
    default_partitions: Option<u32>,
    auto_create_topics: Option<bool>,
    max_body_bytes: Option<usize>,
    segment_bytes: Option<u64>,
}

/// Which log the server runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogChoice {
    /// Segment files under the data directory.
    Embedded,
    /// Topics on Kafka-protocol brokers.
    Kafka(KafkaConfig),
}

impl LogChoice {
    /// `embedded` or `kafka://host:port[,host:port]`.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let text = text.trim();
        if text == "embedded" {
            return Ok(LogChoice::Embedded);
        }
        if text.starts_with("kafka://") {
            return Ok(LogChoice::Kafka(KafkaConfig::from_url(text)?));
        }
        anyhow::bail!("invalid log '{text}': use embedded or kafka://host:port[,host:port]")
    }
}

/// Everything `rivulet server` needs, resolved.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub server: ServerSettings,
    pub log: LogChoice,
    pub data_dir: PathBuf,
    pub fsync: FsyncPolicy,
    pub segment_bytes: Option<u64>,
}

impl Resolved {
    /// The embedded log's settings.
    pub fn embedded(&self) -> EmbeddedConfig {
        let mut config = EmbeddedConfig::new(self.data_dir.clone());
        config.fsync = self.fsync;
        if let Some(bytes) = self.segment_bytes {
            config.segment_bytes = bytes;
        }
        config
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading configuration file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("in configuration file {}", path.display()))
}

/// Merges flags and variables (already in `args`) over the file over the defaults.
pub fn resolve(args: &ServerArgs) -> anyhow::Result<Resolved> {
    let file = match &args.config {
        Some(path) => read_file(path)?,
        None => FileConfig::default(),
    };
    let defaults = ServerSettings::default();
    let fsync_text = args
        .fsync
        .clone()
        .or(file.fsync)
        .unwrap_or_else(|| "always".into());
    let fsync: FsyncPolicy = fsync_text
        .parse()
        .with_context(|| format!("invalid fsync setting '{fsync_text}'"))?;
    let server = ServerSettings {
        listen: args
            .listen
            .clone()
            .or(file.listen)
            .unwrap_or(defaults.listen),
        auto_create_topics: args
            .auto_create_topics
            .or(file.auto_create_topics)
            .unwrap_or(defaults.auto_create_topics),
        default_partitions: args
            .default_partitions
            .or(file.default_partitions)
            .unwrap_or(defaults.default_partitions),
        max_body_bytes: args
            .max_body_bytes
            .or(file.max_body_bytes)
            .unwrap_or(defaults.max_body_bytes),
        max_poll_ms: defaults.max_poll_ms,
    };
    anyhow::ensure!(
        server.default_partitions > 0,
        "default_partitions must be at least 1"
    );
    let log = match args.log.clone().or(file.log) {
        Some(text) => LogChoice::parse(&text)?,
        None => LogChoice::Embedded,
    };
    Ok(Resolved {
        server,
        log,
        data_dir: args
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("./rivulet-data")),
        fsync,
        segment_bytes: args.segment_bytes.or(file.segment_bytes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_file_beats_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rivulet.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9999\"\nfsync = \"never\"\ndefault_partitions = 4\n",
        )
        .unwrap();
        let args = ServerArgs {
            config: Some(path),
            fsync: Some("interval:10".into()),
            ..Default::default()
        };
        let r = resolve(&args).unwrap();
        assert_eq!(r.server.listen, "127.0.0.1:9999");
        assert_eq!(r.server.default_partitions, 4);
        assert_eq!(r.fsync, "interval:10".parse().unwrap());
        assert_eq!(r.data_dir, PathBuf::from("./rivulet-data"));
        assert_eq!(r.log, LogChoice::Embedded);
    }

    #[test]
    fn log_comes_from_flag_or_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rivulet.toml");
        std::fs::write(&path, "log = \"kafka://a:9092,b:9093\"\n").unwrap();
        let from_file = resolve(&ServerArgs {
            config: Some(path.clone()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            from_file.log,
            LogChoice::Kafka(KafkaConfig::new("a:9092,b:9093"))
        );
        let from_flag = resolve(&ServerArgs {
            config: Some(path),
            log: Some("embedded".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(from_flag.log, LogChoice::Embedded);
        let err = resolve(&ServerArgs {
            log: Some("postgres://x".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(
            err.to_string().contains("use embedded or kafka://"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_in_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rivulet.toml");
        std::fs::write(&path, "lisen = \"x\"\n").unwrap();
        let args = ServerArgs {
            config: Some(path),
            ..Default::default()
        };
        let err = format!("{:#}", resolve(&args).unwrap_err());
        assert!(err.contains("lisen"), "{err}");
    }
}
