//! `rivulet bench latency`: how long a reading takes from `POST /phone-producer/` to the chart's
//! SSE event on `/chart-data` — HTTP, decode, fsync, log, push query and SSE, end to end. Readings
//! are paced at `--rate`, each with a unique time, and matched back by the time text the event
//! carries.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use rivulet_connect::phone_chart::pandas_time_text;
use serde_json::json;

use crate::http_client::HttpClient;

type Sent = Arc<Mutex<HashMap<String, Instant>>>;

pub async fn run(
    url: &str,
    rate: u32,
    batch: u32,
    duration_secs: u64,
    json_out: bool,
) -> anyhow::Result<()> {
    anyhow::ensure!(rate > 0 && batch > 0, "--rate and --batch must be positive");
    let base = url.trim_end_matches('/').to_string();
    let sent: Sent = Arc::default();
    let latencies: Arc<Mutex<Vec<u64>>> = Arc::default();

    // Subscribe first: the chart feed starts at the latest offset.
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let req = Request::get(format!("{base}/chart-data/bench-latency"))
        .body(Empty::new())
        .context("building the SSE request")?;
    let res = client
        .request(req)
        .await
        .with_context(|| format!("could not reach {base} (is `rivulet server` running?)"))?;
    anyhow::ensure!(
        res.status().is_success(),
        "/chart-data answered {}",
        res.status()
    );
    let mut body = res.into_body();
    let reader = {
        let (sent, latencies) = (sent.clone(), latencies.clone());
        tokio::spawn(async move {
            let mut pending = String::new();
            while let Some(Ok(frame)) = body.frame().await {
                let Ok(data) = frame.into_data() else {
                    continue;
                };
                let now = Instant::now();
                pending.push_str(&String::from_utf8_lossy(&data));
                while let Some(end) = pending.find("\r\n\r\n") {
                    let event: String = pending.drain(..end + 4).collect();
                    // data: ["device", "time text", x, y, z]
                    let Some(time) = event.split('"').nth(3) else {
                        continue;
                    };
                    if let Some(at) = sent.lock().ok().and_then(|mut s| s.remove(time)) {
                        if let Ok(mut l) = latencies.lock() {
                            l.push(now.duration_since(at).as_micros() as u64);
                        }
                    }
                }
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;

    let http = HttpClient::new(&base);
    let requests_per_sec = f64::from(rate) / f64::from(batch);
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / requests_per_sec));
    let deadline = Instant::now() + Duration::from_secs(duration_secs);
    let mut message_id = 0u64;
    let mut readings = 0u64;
    eprintln!("bench latency: {rate} readings/s in batches of {batch} → {base}/phone-producer/, watching {base}/chart-data");
    while Instant::now() < deadline {
        tick.tick().await;
        let now_ns = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as i64)
            .unwrap_or(0);
        let payload: Vec<_> = (0..batch)
            .map(|i| {
                // Unique times, not multiples of 1000, so the event shows all 9 digits.
                let t = now_ns - now_ns % 1000 + 1 + i64::from(i);
                json!({"name": "accelerometeruncalibrated", "time": t.to_string(),
                       "values": {"x": 0.1, "y": 0.2, "z": 0.3}})
            })
            .collect();
        let started = Instant::now();
        if let Ok(mut s) = sent.lock() {
            for p in &payload {
                if let Some(t) = p["time"].as_str().and_then(|t| t.parse::<i64>().ok()) {
                    s.insert(pandas_time_text(t), started);
                }
            }
        }
        message_id += 1;
        let body = json!({"messageId": message_id, "sessionId": "bench", "deviceId": "bench-latency", "payload": payload});
        let answer = http.post_json("/phone-producer/", &body).await?;
        anyhow::ensure!(
            answer.status == 200,
            "POST /phone-producer/ answered {}",
            answer.status
        );
        readings += u64::from(batch);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    reader.abort();
    let mut l = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    l.sort_unstable();
    let pct = |p: f64| {
        l.get(((l.len().max(1) - 1) as f64 * p).round() as usize)
            .copied()
            .unwrap_or(0)
    };
    let lost = readings.saturating_sub(l.len() as u64);
    let report = json!({
        "readings": readings, "matched": l.len(), "lost": lost, "rate": rate, "batch": batch,
        "p50_ms": pct(0.5) as f64 / 1000.0, "p99_ms": pct(0.99) as f64 / 1000.0,
        "max_ms": l.last().copied().unwrap_or(0) as f64 / 1000.0,
    });
    if json_out {
        println!("{report}");
    } else {
        println!(
            "{readings} readings sent, {} seen on the chart feed ({lost} missing)\n  latency  p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms",
            l.len(),
            report["p50_ms"].as_f64().unwrap_or(0.0),
            report["p99_ms"].as_f64().unwrap_or(0.0),
            report["max_ms"].as_f64().unwrap_or(0.0)
        );
    }
    Ok(())
}
