//! The server's settings: where it listens and the limits it applies to requests.

/// What the HTTP layer needs to know; the binary fills it from flags, `RIVULET_*` variables and
/// `rivulet.toml`.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Address to bind, e.g. `127.0.0.1:8088`.
    pub listen: String,
    /// Create a topic on first produce when it is missing.
    pub auto_create_topics: bool,
    /// Partitions of auto-created topics.
    pub default_partitions: u32,
    /// Largest request body accepted, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Longest long-poll a reader may ask for.
    pub max_poll_ms: u64,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            listen: "127.0.0.1:8088".into(),
            auto_create_topics: true,
            default_partitions: 1,
            max_body_bytes: 16 * 1024 * 1024,
            max_poll_ms: 60_000,
        }
    }
}
