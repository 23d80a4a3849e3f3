//! `rivulet bench ingest`: an HTTP load generator for `POST /phone-producer/` — keep-alive
//! connections each sending realistic Sensor Logger batches back to back, reporting requests/s,
//! readings/s and latency percentiles after a warm-up. With `--sse-clients N`, N SSE viewers
//! (`bench_sse`) read the chart feed during the run and their events/s and the server's drops
//! are reported too; `--compare-sse-clients N` alternates runs without and with N viewers and
//! reports the medians and their ratio, the cost of the viewers to ingest in one command.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use rivulet_connect::simulate::phones::{PhoneSimConfig, PhoneSimulator};
use serde_json::{json, Value};

use super::bench_sse::{ServerSseCounters, SseViewers, ViewerCounts};
use crate::{cli::BenchCommand, http_client::HttpClient};

pub async fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Ingest {
            url,
            connections,
            batch,
            duration_secs,
            warmup_secs,
            devices,
            sse_clients,
            sse_path,
            compare_sse_clients,
            runs,
            json,
        } => {
            let plan = IngestPlan {
                url: url.url,
                connections,
                batch,
                duration: Duration::from_secs(duration_secs),
                warmup: Duration::from_secs(warmup_secs),
                devices,
                sse_clients,
                sse_path,
            };
            if let Some(clients) = compare_sse_clients {
                let comparison = compare(plan, clients, runs).await?;
                if json {
                    println!("{}", comparison.to_json());
                } else {
                    println!("{comparison}");
                }
                return Ok(());
            }
            let report = ingest(plan).await?;
            if json {
                println!("{}", report.to_json());
            } else {
                println!("{report}");
            }
            Ok(())
        }
        BenchCommand::Latency { .. } => anyhow::bail!("latency is run by bench_latency"),
    }
}

/// What to send.
pub struct IngestPlan {
    pub url: String,
    pub connections: usize,
    pub batch: usize,
    pub duration: Duration,
    pub warmup: Duration,
    pub devices: usize,
    /// SSE viewers reading `sse_path` during the run.
    pub sse_clients: usize,
    /// `{i}` is replaced by the viewer's number.
    pub sse_path: String,
}

/// What was measured after the warm-up.
pub struct IngestReport {
    pub connections: usize,
    pub batch: usize,
    pub seconds: f64,
    pub requests: u64,
    pub errors: u64,
    pub p50_us: u64,
    pub p99_us: u64,
    pub p999_us: u64,
    pub max_us: u64,
    /// What the SSE viewers saw, when there were any.
    pub sse: Option<SseReport>,
    /// `/proc/loadavg` at the end of the run (other work on the machine skews the figures).
    pub load: String,
}

/// The SSE viewers' side of a run, over the measured seconds.
pub struct SseReport {
    pub clients: usize,
    pub path: String,
    /// Events read by all viewers, per second.
    pub events_per_sec: f64,
    /// The slowest and fastest viewer, events per second.
    pub min_client_events_per_sec: f64,
    pub max_client_events_per_sec: f64,
    /// Bytes read by all viewers, per second.
    pub bytes_per_sec: f64,
    /// Events the server says it left out for these viewers (`rivulet_sse_events_dropped_total`),
    /// per second, all viewers together.
    pub server_dropped_per_sec: f64,
    /// Events the server says it wrote (`rivulet_sse_events_sent_total`), per second.
    pub server_sent_per_sec: f64,
    /// Viewers whose stream ended during the run.
    pub ended: u64,
}

impl SseReport {
    fn new(
        clients: usize,
        path: &str,
        seconds: f64,
        (before, after): (&ViewerCounts, &ViewerCounts),
        (server_before, server_after): (ServerSseCounters, ServerSseCounters),
        ended: u64,
    ) -> SseReport {
        let per_client: Vec<f64> = after
            .events
            .iter()
            .zip(&before.events)
            .map(|(a, b)| a.saturating_sub(*b) as f64 / seconds)
            .collect();
        let bytes: u64 = after
            .bytes
            .iter()
            .zip(&before.bytes)
            .map(|(a, b)| a.saturating_sub(*b))
            .sum();
        SseReport {
            clients,
            path: path.to_string(),
            events_per_sec: per_client.iter().sum(),
            min_client_events_per_sec: per_client.iter().copied().fold(f64::INFINITY, f64::min),
            max_client_events_per_sec: per_client.iter().copied().fold(0.0, f64::max),
            bytes_per_sec: bytes as f64 / seconds,
            server_dropped_per_sec: (server_after.dropped - server_before.dropped).max(0.0)
                / seconds,
            server_sent_per_sec: (server_after.sent - server_before.sent).max(0.0) / seconds,
            ended,
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "clients": self.clients, "path": self.path,
            "events_per_sec": self.events_per_sec.round(),
            "min_client_events_per_sec": self.min_client_events_per_sec.round(),
            "max_client_events_per_sec": self.max_client_events_per_sec.round(),
            "bytes_per_sec": self.bytes_per_sec.round(),
            "server_sent_per_sec": self.server_sent_per_sec.round(),
            "server_dropped_per_sec": self.server_dropped_per_sec.round(),
            "dropped_per_client_per_sec": (self.server_dropped_per_sec / self.clients.max(1) as f64).round(),
            "ended": self.ended,
        })
    }
}

impl std::fmt::Display for SseReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "  SSE         {} clients on {}: {:.0} events/s read ({:.0}–{:.0} per client), {:.1} MB/s",
            self.clients,
            self.path,
            self.events_per_sec,
            self.min_client_events_per_sec,
            self.max_client_events_per_sec,
            self.bytes_per_sec / 1e6
        )?;
        write!(
            f,
            "              server: {:.0} events/s sent, {:.0} events/s dropped ({:.0} per client){}",
            self.server_sent_per_sec,
            self.server_dropped_per_sec,
            self.server_dropped_per_sec / self.clients.max(1) as f64,
            if self.ended > 0 {
                format!(", {} streams ended early", self.ended)
            } else {
                String::new()
            }
        )
    }
}

/// `/proc/loadavg`'s three averages, or `?` where there is none.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".into())
}

impl IngestReport {
    fn requests_per_sec(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
    fn readings_per_sec(&self) -> f64 {
        self.requests_per_sec() * self.batch as f64
    }
    fn to_json(&self) -> Value {
        json!({
            "connections": self.connections, "batch": self.batch, "seconds": self.seconds,
            "requests": self.requests, "errors": self.errors,
            "requests_per_sec": self.requests_per_sec().round(),
            "readings_per_sec": self.readings_per_sec().round(),
            "p50_ms": self.p50_us as f64 / 1000.0, "p99_ms": self.p99_us as f64 / 1000.0,
            "p999_ms": self.p999_us as f64 / 1000.0, "max_ms": self.max_us as f64 / 1000.0,
            "sse": self.sse.as_ref().map(SseReport::to_json), "load": self.load,
        })
    }
}

impl std::fmt::Display for IngestReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} connections, {} readings/batch, {:.1} s measured",
            self.connections, self.batch, self.seconds
        )?;
        writeln!(
            f,
            "  requests/s  {:>12.0}   readings/s {:>12.0}   errors {}",
            self.requests_per_sec(),
            self.readings_per_sec(),
            self.errors
        )?;
        write!(
            f,
            "  latency     p50 {:.2} ms   p99 {:.2} ms   p99.9 {:.2} ms   max {:.2} ms   (load {})",
            self.p50_us as f64 / 1000.0,
            self.p99_us as f64 / 1000.0,
            self.p999_us as f64 / 1000.0,
            self.max_us as f64 / 1000.0,
            self.load
        )?;
        if let Some(sse) = &self.sse {
            write!(f, "\n{sse}")?;
        }
        Ok(())
    }
}

/// Runs without and with SSE viewers, alternating, and their medians.
pub struct Comparison {
    pub clients: usize,
    pub without: Vec<IngestReport>,
    pub with: Vec<IngestReport>,
    pub load_before: String,
    pub load_after: String,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

impl Comparison {
    fn median_without(&self) -> f64 {
        median(
            self.without
                .iter()
                .map(IngestReport::readings_per_sec)
                .collect(),
        )
    }
    fn median_with(&self) -> f64 {
        median(
            self.with
                .iter()
                .map(IngestReport::readings_per_sec)
                .collect(),
        )
    }
    fn median_events(&self) -> f64 {
        median(
            self.with
                .iter()
                .filter_map(|r| r.sse.as_ref().map(|s| s.events_per_sec))
                .collect(),
        )
    }
    fn median_dropped(&self) -> f64 {
        median(
            self.with
                .iter()
                .filter_map(|r| r.sse.as_ref().map(|s| s.server_dropped_per_sec))
                .collect(),
        )
    }
    /// Median readings/s with the viewers over the median without.
    fn ratio(&self) -> f64 {
        let without = self.median_without();
        if without > 0.0 {
            self.median_with() / without
        } else {
            0.0
        }
    }
    fn to_json(&self) -> Value {
        json!({
            "sse_clients": self.clients,
            "median_readings_per_sec_without": self.median_without().round(),
            "median_readings_per_sec_with": self.median_with().round(),
            "ratio": (self.ratio() * 1000.0).round() / 1000.0,
            "median_sse_events_per_sec": self.median_events().round(),
            "median_sse_dropped_per_sec": self.median_dropped().round(),
            "load_before": self.load_before, "load_after": self.load_after,
            "without": self.without.iter().map(IngestReport::to_json).collect::<Vec<_>>(),
            "with": self.with.iter().map(IngestReport::to_json).collect::<Vec<_>>(),
        })
    }
}

impl std::fmt::Display for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let runs = |reports: &[IngestReport]| {
            reports
                .iter()
                .map(|r| format!("{:.0}", r.readings_per_sec()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(
            f,
            "load before {}   after {}",
            self.load_before, self.load_after
        )?;
        writeln!(
            f,
            "readings/s without SSE clients: median {:>10.0}   runs [{}]",
            self.median_without(),
            runs(&self.without)
        )?;
        writeln!(
            f,
            "readings/s with {:>3} SSE clients: median {:>10.0}   runs [{}]",
            self.clients,
            self.median_with(),
            runs(&self.with)
        )?;
        writeln!(
            f,
            "SSE events/s read (all clients): median {:.0}; dropped by the server: median {:.0}/s ({:.0} per client)",
            self.median_events(),
            self.median_dropped(),
            self.median_dropped() / self.clients.max(1) as f64
        )?;
        write!(
            f,
            "ratio with/without: {:.3} (ingest {:+.1} %)",
            self.ratio(),
            (self.ratio() - 1.0) * 100.0
        )
    }
}

/// `runs` rounds of a run without and a run with `clients` SSE viewers, the order alternating
/// from round to round (A B, B A, …) so that a drift of the machine's load hits both alike.
pub async fn compare(plan: IngestPlan, clients: usize, runs: usize) -> anyhow::Result<Comparison> {
    anyhow::ensure!(runs > 0, "--runs must be at least 1");
    let load_before = load_average();
    let (mut without, mut with) = (Vec::new(), Vec::new());
    for round in 0..runs {
        for with_viewers in [round % 2 == 1, round % 2 == 0] {
            let plan = IngestPlan {
                sse_clients: if with_viewers { clients } else { 0 },
                sse_path: plan.sse_path.clone(),
                url: plan.url.clone(),
                ..plan
            };
            let report = ingest(plan).await?;
            eprintln!(
                "round {}: {} SSE clients → {:.0} readings/s{} (load {})",
                round + 1,
                if with_viewers { clients } else { 0 },
                report.readings_per_sec(),
                report
                    .sse
                    .as_ref()
                    .map(|s| format!(
                        ", {:.0} SSE events/s, {:.0} dropped/s",
                        s.events_per_sec, s.server_dropped_per_sec
                    ))
                    .unwrap_or_default(),
                report.load
            );
            if with_viewers {
                with.push(report);
            } else {
                without.push(report);
            }
        }
    }
    Ok(Comparison {
        clients,
        without,
        with,
        load_before,
        load_after: load_average(),
    })
}

/// Batches of exactly `batch` readings from the phone simulator, as request bodies.
fn bodies(devices: usize, batch: usize) -> anyhow::Result<Vec<Bytes>> {
    let mut sim = PhoneSimulator::new(&PhoneSimConfig {
        devices: devices.max(1),
        rate_hz: 50.0,
        batch_period: Duration::from_millis(200),
        seed: Some(7),
        url: String::new(),
    });
    let start_ns = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0);
    let mut out = Vec::new();
    for round in 0..16 {
        for device in 0..devices.max(1) {
            let mut body = sim.next_batch(device, start_ns + round * 200_000_000);
            let payload = body
                .get_mut("payload")
                .and_then(Value::as_array_mut)
                .context("simulator batch without payload")?;
            anyhow::ensure!(!payload.is_empty(), "simulator produced an empty batch");
            let mut readings = Vec::with_capacity(batch);
            while readings.len() < batch {
                readings.push(payload[readings.len() % payload.len()].clone());
            }
            *payload = readings;
            out.push(Bytes::from(body.to_string()));
        }
    }
    Ok(out)
}

/// Runs the load and measures it.
pub async fn ingest(plan: IngestPlan) -> anyhow::Result<IngestReport> {
    let base = plan.url.trim_end_matches('/').to_string();
    let authority = base
        .strip_prefix("http://")
        .context("--url must start with http://")?
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let bodies = bodies(plan.devices, plan.batch)?;
    let viewers = if plan.sse_clients > 0 {
        Some(SseViewers::open(&authority, &plan.sse_path, plan.sse_clients).await?)
    } else {
        None
    };
    let http = HttpClient::new(&base);
    let started = Instant::now();
    let measure_from = started + plan.warmup;
    let deadline = measure_from + plan.duration;
    eprintln!(
        "bench ingest: {} connections × {}-reading batches → POST {base}/phone-producer/ ({} s warm-up, {} s measured)",
        plan.connections,
        plan.batch,
        plan.warmup.as_secs(),
        plan.duration.as_secs()
    );
    let mut tasks = Vec::new();
    for c in 0..plan.connections {
        let authority = authority.clone();
        let bodies = bodies.clone();
        tasks.push(tokio::spawn(async move {
            connection_loop(c, &authority, &bodies, measure_from, deadline).await
        }));
    }
    // The viewers' counts and the server's SSE counters at both ends of the measured seconds.
    let sse = match &viewers {
        Some(v) => {
            tokio::time::sleep_until(measure_from.into()).await;
            let (before, server_before) = (v.counts(), ServerSseCounters::scrape(&http).await?);
            tokio::time::sleep_until(deadline.into()).await;
            let (after, server_after) = (v.counts(), ServerSseCounters::scrape(&http).await?);
            Some(SseReport::new(
                plan.sse_clients,
                &plan.sse_path,
                plan.duration.as_secs_f64(),
                (&before, &after),
                (server_before, server_after),
                v.ended(),
            ))
        }
        None => None,
    };
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (lat, errs) = t.await??;
        latencies.extend(lat);
        errors += errs;
    }
    latencies.sort_unstable();
    let pct = |p: f64| -> u64 {
        if latencies.is_empty() {
            0
        } else {
            latencies[((latencies.len() - 1) as f64 * p).round() as usize] as u64
        }
    };
    Ok(IngestReport {
        connections: plan.connections,
        batch: plan.batch,
        seconds: plan.duration.as_secs_f64(),
        requests: latencies.len() as u64,
        errors,
        p50_us: pct(0.50),
        p99_us: pct(0.99),
        p999_us: pct(0.999),
        max_us: latencies.last().copied().unwrap_or(0) as u64,
        sse: {
            if let Some(v) = viewers {
                v.close().await;
            }
            sse
        },
        load: load_average(),
    })
}

async fn connection_loop(
    index: usize,
    authority: &str,
    bodies: &[Bytes],
    measure_from: Instant,
    deadline: Instant,
) -> anyhow::Result<(Vec<u32>, u64)> {
    let stream = tokio::net::TcpStream::connect(authority)
        .await
        .with_context(|| format!("connecting to {authority}"))?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut latencies = Vec::with_capacity(1 << 16);
    let mut errors = 0u64;
    let mut i = index;
    loop {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        let req = Request::post("/phone-producer/")
            .header("host", authority)
            .header("content-type", "application/json")
            .body(Full::new(bodies[i % bodies.len()].clone()))?;
        i += 1;
        let sent = Instant::now();
        let res = sender.send_request(req).await?;
        let ok = res.status().is_success();
        res.into_body().collect().await?;
        let done = Instant::now();
        if sent >= measure_from && done <= deadline {
            if ok {
                latencies.push(done.duration_since(sent).as_micros().min(u32::MAX as u128) as u32);
            } else {
                errors += 1;
            }
        }
    }
    Ok((latencies, errors))
}
