//! Prometheus metrics: records and bytes appended per topic, requests and latency per route,
//! fsync latency of the log, and the chart feed's SSE viewers (connected, events sent, events
//! dropped by reason). Served as text on `GET /metrics`.
//!
//! Engine counters (records dropped as late by each windowed aggregation, processing log entries
//! written and dropped) live in the engine; [`Metrics::render_with_engine`] reads them at scrape
//! time and appends them to the exposition.

use std::{
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use prometheus_client::{
    encoding::{text::encode, EncodeLabelSet},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TopicLabels {
    topic: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueryLabels {
    query: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DropLabels {
    /// `coalesced` (left out of a paced batch) or `lagged` (lost by a viewer that fell behind).
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

fn latency_buckets() -> impl Iterator<Item = f64> {
    [
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
        1.0, 2.5, 5.0, 10.0,
    ]
    .into_iter()
}

/// The server's metrics registry.
pub struct Metrics {
    registry: Registry,
    records_appended: Family<TopicLabels, Counter>,
    bytes_appended: Family<TopicLabels, Counter>,
    requests: Family<RequestLabels, Counter>,
    request_seconds: Family<RouteLabels, Histogram>,
    fsync_seconds: Histogram,
    sse_clients: Gauge,
    sse_events_sent: Counter,
    sse_coalesced: Counter,
    sse_lagged: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("rivulet");
        let records_appended = Family::<TopicLabels, Counter>::default();
        registry.register(
            "records_appended",
            "Records appended to the log, per topic",
            records_appended.clone(),
        );
        let bytes_appended = Family::<TopicLabels, Counter>::default();
        registry.register(
            "bytes_appended",
            "Key and value bytes appended to the log, per topic",
            bytes_appended.clone(),
        );
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests, per route, method and status",
            requests.clone(),
        );
        let request_seconds = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(latency_buckets())
        });
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency, per route and method",
            request_seconds.clone(),
        );
        let fsync_seconds = Histogram::new(latency_buckets());
        registry.register(
            "log_fsync_duration_seconds",
            "Latency of each fsync of the embedded log",
            fsync_seconds.clone(),
        );
        let sse_clients = Gauge::default();
        registry.register(
            "sse_clients",
            "Connected viewers of the SSE chart feed",
            sse_clients.clone(),
        );
        let sse_events_sent = Counter::default();
        registry.register(
            "sse_events_sent",
            "Events handed to SSE chart viewers, summed over viewers",
            sse_events_sent.clone(),
        );
        let sse_dropped = Family::<DropLabels, Counter>::default();
        registry.register(
            "sse_events_dropped",
            "Chart rows an SSE viewer did not get, summed over viewers: coalesced (more rows than a paced batch carries) or lagged (the viewer fell more than its queue behind)",
            sse_dropped.clone(),
        );
        let sse_coalesced = sse_dropped
            .get_or_create(&DropLabels {
                reason: "coalesced",
            })
            .clone();
        let sse_lagged = sse_dropped
            .get_or_create(&DropLabels { reason: "lagged" })
            .clone();
        Metrics {
            registry,
            records_appended,
            bytes_appended,
            requests,
            request_seconds,
            fsync_seconds,
            sse_clients,
            sse_events_sent,
            sse_coalesced,
            sse_lagged,
        }
    }

    /// An SSE chart viewer connected.
    pub fn sse_client_came(&self) {
        self.sse_clients.inc();
    }

    /// An SSE chart viewer went.
    pub fn sse_client_gone(&self) {
        self.sse_clients.dec();
    }

    /// A batch handed to one SSE viewer: its events, and the rows that viewer missed before it.
    pub fn sse_delivery(&self, sent: u64, coalesced: u64, lagged: u64) {
        self.sse_events_sent.inc_by(sent);
        if coalesced > 0 {
            self.sse_coalesced.inc_by(coalesced);
        }
        if lagged > 0 {
            self.sse_lagged.inc_by(lagged);
        }
    }

    /// Events SSE viewers were handed, and rows they missed (coalesced + lagged), so far.
    pub fn sse_totals(&self) -> (u64, u64) {
        (
            self.sse_events_sent.get(),
            self.sse_coalesced.get() + self.sse_lagged.get(),
        )
    }

    /// Counts an append of `records` records carrying `bytes` bytes to `topic`.
    pub fn appended(&self, topic: &str, records: u64, bytes: u64) {
        let labels = TopicLabels {
            topic: topic.to_string(),
        };
        self.records_appended.get_or_create(&labels).inc_by(records);
        self.bytes_appended.get_or_create(&labels).inc_by(bytes);
    }

    /// Counts one answered request.
    pub fn request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.request_seconds
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Records one fsync's latency.
    pub fn fsync(&self, elapsed: Duration) {
        self.fsync_seconds.observe(elapsed.as_secs_f64());
    }

    /// A callback for the log's fsync hook.
    pub fn fsync_observer(self: &Arc<Self>) -> Arc<dyn Fn(Duration) + Send + Sync> {
        let metrics = Arc::clone(self);
        Arc::new(move |d| metrics.fsync(d))
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }

    /// The exposition with the engine's counters as they are now: late records dropped per
    /// persistent query, processing log entries written and dropped.
    pub async fn render_with_engine(&self, engine: &rivulet_engine::Engine) -> String {
        let mut registry = Registry::with_prefix("rivulet");
        let late = Family::<QueryLabels, Counter>::default();
        registry.register(
            "late_records_dropped",
            "Records a windowed aggregation dropped because their window had closed (window end + grace <= stream time), per persistent query",
            late.clone(),
        );
        for (query, stats) in engine.persistent_query_stats().await {
            late.get_or_create(&QueryLabels { query })
                .inc_by(stats.late_dropped.load(Ordering::Relaxed));
        }
        let stats = engine.processing_log().stats();
        let written = Counter::<u64>::default();
        written.inc_by(stats.written.load(Ordering::Relaxed));
        registry.register(
            "processing_log_records",
            "Entries written to the processing log topic",
            written,
        );
        let dropped = Counter::<u64>::default();
        dropped.inc_by(stats.dropped.load(Ordering::Relaxed));
        registry.register(
            "processing_log_records_dropped",
            "Processing log entries dropped because the writer was behind or the topic could not be written",
            dropped,
        );
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        let mut engine_part = String::new();
        let _ = encode(&mut engine_part, &registry);
        // One exposition ends with a single `# EOF`.
        if let Some(body) = out.strip_suffix("# EOF\n") {
            out.truncate(body.len());
        }
        out.push_str(&engine_part);
        out
    }
}
