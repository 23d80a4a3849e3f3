//! The chart feed under viewers that stop reading: one over real TCP (whose socket buffers fill,
//! then the connection's) and one whose response body is never polled (where the TCP one ends up
//! once its megabytes of loopback buffers are full). Ingest and the reading viewer go on
//! unhindered, and the rows the stalled viewer lost are counted in
//! `rivulet_sse_events_dropped_total{reason="lagged"}`.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use rivulet_connect::phone_chart::pandas_time_text;
use rivulet_engine::{Engine, EngineConfig};
use rivulet_log::embedded::{EmbeddedConfig, EmbeddedLog};
use rivulet_server::{AppState, Metrics, ServerSettings};
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpSocket, TcpStream},
};
use tower::ServiceExt;

/// The value of one sample line of the metrics text, 0 when absent.
fn sample(metrics: &Metrics, line_start: &str) -> f64 {
    metrics
        .render()
        .lines()
        .find_map(|l| l.strip_prefix(line_start)?.trim().parse().ok())
        .unwrap_or(0.0)
}

/// Waits (up to 10 s) until `check` holds.
async fn eventually(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn post_readings(app: &Router, times: impl Iterator<Item = i64>) -> Duration {
    let payload: Vec<_> = times
        .map(|t| {
            json!({"name": "accelerometeruncalibrated", "time": t.to_string(),
                   "values": {"x": 0.5, "y": -0.25, "z": 9.75}})
        })
        .collect();
    let body = json!({"messageId": 1, "sessionId": "s", "deviceId": "phone-1", "payload": payload});
    let req = Request::post("/phone-producer/")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let started = Instant::now();
    let res = app.clone().oneshot(req).await.expect("answer");
    let status = res.status();
    let text = res.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&text));
    started.elapsed()
}

fn chart_request(client: &str) -> String {
    format!("GET /chart-data/{client} HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chart_viewers_that_stop_reading_block_neither_ingest_nor_other_viewers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).expect("log opens");
    let engine = Engine::open(log.clone(), EngineConfig::default())
        .await
        .expect("engine opens");
    let metrics = Arc::new(Metrics::new());
    let state = AppState::new(ServerSettings::default(), log, engine, metrics.clone());
    let app = rivulet_server::router(state.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(rivulet_server::serve(listener, state, async move {
        let _ = stopped.await;
    }));

    // A viewer with a tiny receive window that sends its request and never reads.
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("receive buffer");
    let mut stalled = socket.connect(addr).await.expect("connects");
    stalled
        .write_all(chart_request("stalled").as_bytes())
        .await
        .expect("request sent");

    // A viewer that reads everything.
    let mut reader = TcpStream::connect(addr).await.expect("connects");
    reader
        .write_all(chart_request("reader").as_bytes())
        .await
        .expect("request sent");
    let received = Arc::new(Mutex::new(String::new()));
    let reading = {
        let received = received.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 64 * 1024];
            while let Ok(n) = reader.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                if let Ok(mut r) = received.lock() {
                    r.push_str(&String::from_utf8_lossy(&buf[..n]));
                    // Keep the tail only: the marker is looked for at the end.
                    if r.len() > 1 << 20 {
                        let cut = r.len() - (1 << 16);
                        let cut = (cut..r.len()).find(|&i| r.is_char_boundary(i)).unwrap_or(0);
                        r.drain(..cut);
                    }
                }
            }
        })
    };
    // A viewer whose response body nobody polls.
    let unread = app
        .clone()
        .oneshot(
            Request::get("/chart-data/unread")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("answer");
    assert_eq!(unread.status(), StatusCode::OK);
    eventually("three viewers connected", || {
        sample(&metrics, "rivulet_sse_clients ") == 3.0
    })
    .await;

    // Ingest for a few seconds: 20 accelerometer readings a request, back to back; far more
    // batches than a viewer's queue holds.
    let base = 1_900_000_000_000_000_000i64;
    let started = Instant::now();
    let (mut requests, mut slowest) = (0i64, Duration::ZERO);
    while started.elapsed() < Duration::from_secs(4) {
        let took = post_readings(&app, (0..20).map(|i| base + requests * 1000 + i)).await;
        slowest = slowest.max(took);
        requests += 1;
    }
    assert!(
        slowest < Duration::from_secs(2),
        "an ingest request waited {slowest:?}"
    );
    // The newest reading reaches the reading viewer.
    let marker = base + requests * 1000 + 7;
    post_readings(&app, std::iter::once(marker)).await;
    let marker_text = format!("\"{}\"", pandas_time_text(marker));
    eventually("the newest reading on the reading viewer's feed", || {
        received
            .lock()
            .map(|r| r.contains(&marker_text))
            .unwrap_or(false)
    })
    .await;
    assert!(sample(&metrics, "rivulet_sse_events_sent_total ") > 0.0);

    // The viewers that did not read go; what they lost by falling behind is counted.
    drop(stalled);
    drop(unread);
    eventually("the stalled viewers gone", || {
        sample(&metrics, "rivulet_sse_clients ") == 1.0
    })
    .await;
    let lagged = sample(
        &metrics,
        "rivulet_sse_events_dropped_total{reason=\"lagged\"} ",
    );
    assert!(
        lagged > 0.0,
        "no lagged drops counted:\n{}",
        metrics.render()
    );

    let _ = stop.send(());
    reading.abort();
    server.abort();
}
