//! The command-line grammar (clap): `server`, `demo`, `topic`, `simulate`, `bench`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "rivulet",
    version,
    about = "Real-time sensor telemetry: ingest, durable log, streaming SQL, live results — one binary."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (HTTP ingest, topics, metrics) over the embedded log.
    Server(ServerArgs),
    /// Run the server with the phone simulator feeding it: everything on the embedded log.
    Demo(DemoArgs),
    /// An interactive SQL client (ksqlDB dialect) for a running server; `-e`/`-f` run scripts.
    Sql {
        #[command(flatten)]
        url: UrlArg,
        /// Run these statements and exit
        #[arg(short, long)]
        execute: Option<String>,
        /// Run the statements of this file and exit
        #[arg(short, long)]
        file: Option<PathBuf>,
    },
    /// Administer and use topics through a running server.
    Topic {
        #[command(subcommand)]
        command: TopicCommand,
    },
    /// Produce simulated sensor data to a running server.
    Simulate {
        #[command(subcommand)]
        command: SimulateCommand,
    },
    /// Load generators and measurements.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

/// Server settings; each also comes from a `RIVULET_*` variable or `rivulet.toml`.
#[derive(Args, Debug, Clone, Default)]
pub struct ServerArgs {
    /// Configuration file (TOML); its keys are the flags' names with `_` for `-`.
    #[arg(long, env = "RIVULET_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8088]
    #[arg(long, env = "RIVULET_LISTEN")]
    pub listen: Option<String>,
    /// The log: `embedded` (segment files under --data-dir) or `kafka://host:port[,host:port]`
    /// (topics on a Kafka-protocol broker) [default: embedded]
    #[arg(long, env = "RIVULET_LOG")]
    pub log: Option<String>,
    /// Directory of the embedded log, and of checkpoints on either log [default: ./rivulet-data]
    #[arg(long, env = "RIVULET_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// always | interval:<ms> | never [default: always]
    #[arg(long, env = "RIVULET_FSYNC")]
    pub fsync: Option<String>,
    /// Partitions of topics created on first produce [default: 1]
    #[arg(long, env = "RIVULET_DEFAULT_PARTITIONS")]
    pub default_partitions: Option<u32>,
    /// Create missing topics on produce [default: true]
    #[arg(long, env = "RIVULET_AUTO_CREATE_TOPICS")]
    pub auto_create_topics: Option<bool>,
    /// Largest request body in bytes [default: 16777216]
    #[arg(long, env = "RIVULET_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Roll log segments at this size [default: 134217728]
    #[arg(long, env = "RIVULET_SEGMENT_BYTES")]
    pub segment_bytes: Option<u64>,
}

#[derive(Args, Debug, Clone)]
pub struct DemoArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// Simulated phones
    #[arg(long, default_value_t = 3)]
    pub devices: usize,
    /// Readings per second per sensor per phone
    #[arg(long, default_value_t = 50.0)]
    pub rate: f64,
    /// Seed of the simulators (same seed, same data)
    #[arg(long)]
    pub seed: Option<u64>,
}

#[derive(Args, Debug, Clone)]
pub struct UrlArg {
    /// Base URL of a running Rivulet server
    #[arg(long, env = "RIVULET_URL", default_value = "http://127.0.0.1:8088")]
    pub url: String,
}

#[derive(Subcommand, Debug)]
pub enum TopicCommand {
    /// List topics
    List(UrlArg),
    /// Create a topic
    Create {
        name: String,
        #[arg(long, default_value_t = 1)]
        partitions: u32,
        #[arg(long)]
        retention_ms: Option<i64>,
        #[arg(long)]
        retention_bytes: Option<u64>,
        #[command(flatten)]
        url: UrlArg,
    },
    /// Show a topic's partitions, offsets and sizes
    Describe {
        name: String,
        #[command(flatten)]
        url: UrlArg,
    },
    /// Delete a topic and its data
    Delete {
        name: String,
        #[command(flatten)]
        url: UrlArg,
    },
    /// Produce JSON values read from stdin, one a line (or `--value`)
    Produce {
        name: String,
        /// Key of every record (a string)
        #[arg(long)]
        key: Option<String>,
        /// A single JSON value to produce instead of reading stdin
        #[arg(long)]
        value: Option<String>,
        #[command(flatten)]
        url: UrlArg,
    },
    /// Print records as JSON lines
    Consume {
        name: String,
        #[arg(long, default_value_t = 0)]
        partition: u32,
        #[arg(long, default_value_t = 0)]
        offset: i64,
        /// Stop after this many records
        #[arg(long)]
        limit: Option<usize>,
        /// Keep waiting for new records
        #[arg(long, short)]
        follow: bool,
        #[command(flatten)]
        url: UrlArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum SimulateCommand {
    /// Phones running the Sensor Logger app, pushing batches to /phone-producer/
    Phones {
        #[arg(long, default_value_t = 3)]
        devices: usize,
        /// Readings per second per sensor per phone
        #[arg(long, default_value_t = 50.0)]
        rate: f64,
        #[arg(long)]
        seed: Option<u64>,
        /// Stop after this many seconds (default: run until Ctrl-C)
        #[arg(long)]
        duration_secs: Option<u64>,
        #[command(flatten)]
        url: UrlArg,
    },
    /// The Quix temperature tutorial's producer: Sensor1…SensorN, {"ts","value"} records to a topic
    Temperature {
        /// Sensors, named Sensor1…SensorN
        #[arg(long, default_value_t = 5)]
        sensors: usize,
        /// Longest random pause between two readings, ms (each pause is 0..=this)
        #[arg(long, default_value_t = 1000)]
        max_pause_ms: u64,
        /// Stop after this many readings; 0 for no limit
        #[arg(long, default_value_t = 10_000)]
        count: u64,
        /// Topic to write to
        #[arg(long, default_value = rivulet_connect::simulate::temperature::TEMPERATURE_TOPIC)]
        topic: String,
        /// Same seed, same sensors, values, uuids and pauses (default: a random one, printed)
        #[arg(long)]
        seed: Option<u64>,
        /// Stop after this many seconds (default: run until the count or Ctrl-C)
        #[arg(long)]
        duration_secs: Option<u64>,
        #[command(flatten)]
        url: UrlArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// HTTP load on POST /phone-producer/: requests/s, readings/s, p50 and p99 latency
    Ingest {
        #[command(flatten)]
        url: UrlArg,
        /// Concurrent keep-alive connections
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Readings per batch
        #[arg(long, default_value_t = 30)]
        batch: usize,
        /// Seconds of measurement
        #[arg(long, default_value_t = 10)]
        duration_secs: u64,
        /// Seconds of warm-up before measuring
        #[arg(long, default_value_t = 2)]
        warmup_secs: u64,
        /// Distinct simulated phones in the bodies
        #[arg(long, default_value_t = 16)]
        devices: usize,
        /// SSE clients reading `--sse-path` during the run (events counted, drops from /metrics)
        #[arg(long, default_value_t = 0)]
        sse_clients: usize,
        /// The SSE feed the clients read; `{i}` becomes the client's number
        #[arg(long, default_value = "/chart-data/{i}")]
        sse_path: String,
        /// Alternate runs without and with this many SSE clients; print medians and their ratio
        #[arg(long)]
        compare_sse_clients: Option<usize>,
        /// Runs of each variant with --compare-sse-clients
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Print the result as one JSON line
        #[arg(long)]
        json: bool,
    },
    /// Latency from POST /phone-producer/ to the chart's SSE event (/chart-data): p50, p99
    Latency {
        #[command(flatten)]
        url: UrlArg,
        /// Readings per second
        #[arg(long, default_value_t = 1000)]
        rate: u32,
        /// Readings per request
        #[arg(long, default_value_t = 10)]
        batch: u32,
        /// Seconds of measurement
        #[arg(long, default_value_t = 10)]
        duration_secs: u64,
        /// Print the result as one JSON line
        #[arg(long)]
        json: bool,
    },
}
