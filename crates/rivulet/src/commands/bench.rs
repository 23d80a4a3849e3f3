//! `rivulet bench ingest`: an HTTP load generator for `POST /phone-producer/` — keep-alive
//! connections each sending realistic Sensor Logger batches back to back, reporting requests/s,
//! readings/s and latency percentiles after a warm-up.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use rivulet_connect::simulate::phones::{PhoneSimConfig, PhoneSimulator};
use serde_json::{json, Value};

use crate::cli::BenchCommand;

pub async fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Ingest {
            url,
            connections,
            batch,
            duration_secs,
            warmup_secs,
            devices,
            json,
        } => {
            let report = ingest(IngestPlan {
                url: url.url,
                connections,
                batch,
                duration: Duration::from_secs(duration_secs),
                warmup: Duration::from_secs(warmup_secs),
                devices,
            })
            .await?;
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
            "  latency     p50 {:.2} ms   p99 {:.2} ms   p99.9 {:.2} ms   max {:.2} ms",
            self.p50_us as f64 / 1000.0,
            self.p99_us as f64 / 1000.0,
            self.p999_us as f64 / 1000.0,
            self.max_us as f64 / 1000.0
        )
    }
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
