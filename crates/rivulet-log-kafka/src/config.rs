//! Settings of a Kafka log: which brokers to bootstrap from, the `kafka://` address form, and the
//! librdkafka properties every client of the backend starts from.
//!
//! This module owns parsing and the shared client properties; it must not create clients (the
//! producer, readers, admin and group modules do, adding their own properties).

use std::time::Duration;

use rdkafka::ClientConfig;
use rivulet_log::{LogError, LogResult};

/// How to reach the brokers and how long to wait for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KafkaConfig {
    /// `host:port[,host:port]`, as librdkafka's `bootstrap.servers` takes it.
    pub bootstrap_servers: String,
    /// The `client.id` the brokers see.
    pub client_id: String,
    /// Longest wait for a metadata, admin, offset or commit request.
    pub request_timeout: Duration,
    /// Extra librdkafka properties applied to every client after Rivulet's own (for example
    /// `security.protocol`); a later setting of the same name wins.
    pub properties: Vec<(String, String)>,
}

impl KafkaConfig {
    /// Settings for the given `host:port[,host:port]` list, with default timeouts.
    pub fn new(bootstrap_servers: impl Into<String>) -> Self {
        KafkaConfig {
            bootstrap_servers: bootstrap_servers.into(),
            client_id: "rivulet".into(),
            request_timeout: Duration::from_secs(30),
            properties: Vec::new(),
        }
    }

    /// Parses `kafka://host:port[,host:port]` (a trailing `/` is allowed).
    pub fn from_url(url: &str) -> LogResult<Self> {
        let invalid = |why: &str| {
            LogError::InvalidArgument(format!(
                "invalid Kafka log address '{url}': {why} (expected kafka://host:port[,host:port])"
            ))
        };
        let rest = url
            .strip_prefix("kafka://")
            .ok_or_else(|| invalid("it must start with kafka://"))?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let mut servers = Vec::new();
        for server in rest.split(',') {
            let server = server.trim();
            let (host, port) = server
                .rsplit_once(':')
                .ok_or_else(|| invalid(&format!("'{server}' has no port")))?;
            if host.is_empty() {
                return Err(invalid(&format!("'{server}' has no host")));
            }
            if port.parse::<u16>().map_or(true, |p| p == 0) {
                return Err(invalid(&format!("'{port}' is not a port")));
            }
            servers.push(server.to_string());
        }
        Ok(KafkaConfig::new(servers.join(",")))
    }

    /// The properties every client starts from.
    pub(crate) fn client_config(&self) -> ClientConfig {
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &self.bootstrap_servers)
            .set("client.id", &self.client_id)
            .set(
                "socket.timeout.ms",
                self.request_timeout.as_millis().to_string(),
            )
            // librdkafka logs through the `log` crate at this level and above.
            .set("log_level", "4");
        for (name, value) in &self.properties {
            config.set(name, value);
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_one_or_several_brokers() {
        let one = KafkaConfig::from_url("kafka://127.0.0.1:9092").unwrap();
        assert_eq!(one.bootstrap_servers, "127.0.0.1:9092");
        let two = KafkaConfig::from_url("kafka://a:9092, b:9093/").unwrap();
        assert_eq!(two.bootstrap_servers, "a:9092,b:9093");
    }

    #[test]
    fn rejects_what_is_not_a_broker_list() {
        for bad in [
            "127.0.0.1:9092",
            "kafka://",
            "kafka://host",
            "kafka://:9092",
            "kafka://host:port",
            "kafka://host:0",
            "kafka://a:9092,,b:9093",
        ] {
            let err = KafkaConfig::from_url(bad).unwrap_err();
            assert!(
                matches!(err, LogError::InvalidArgument(ref m) if m.contains("kafka://host:port")),
                "{bad}: {err}"
            );
        }
    }
}
