//! End-to-end tests of the HTTP surface through the real router over a real embedded log in a
//! temporary directory.

use std::{path::PathBuf, sync::Arc, time::Duration};

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    partitioner::partition_for_key,
    FsyncPolicy, Log, ReadLimits,
};
use rivulet_server::{AppState, Metrics, ServerSettings};
use serde_json::{json, Value};
use tower::ServiceExt;

struct Harness {
    _dir: tempfile::TempDir,
    log: Arc<EmbeddedLog>,
    app: Router,
}

async fn harness_with(settings: ServerSettings) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let metrics = Arc::new(Metrics::new());
    let mut config = EmbeddedConfig::new(dir.path());
    config.fsync = FsyncPolicy::Always;
    config.on_fsync = Some(metrics.fsync_observer());
    let log = EmbeddedLog::open(config).unwrap();
    let engine = rivulet_engine::Engine::open(log.clone(), rivulet_engine::EngineConfig::default())
        .await
        .unwrap();
    let app = rivulet_server::router(AppState::new(settings, log.clone(), engine, metrics));
    Harness {
        _dir: dir,
        log,
        app,
    }
}

async fn harness() -> Harness {
    harness_with(ServerSettings::default()).await
}

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../rivulet-connect/tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value, String) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json, text)
}

async fn post_json(app: &Router, uri: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let (s, v, _) = call(app, "POST", uri, "application/json", body).await;
    (s, v)
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (s, v, _) = call(app, "GET", uri, "application/json", Vec::new()).await;
    (s, v)
}

async fn all_records(
    log: &EmbeddedLog,
    topic: &str,
    partition: u32,
) -> Vec<rivulet_log::LoggedRecord> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let batch = log
            .read(
                topic,
                partition,
                offset,
                ReadLimits {
                    max_records: 1000,
                    max_bytes: 1 << 24,
                },
            )
            .await
            .unwrap();
        if batch.records.is_empty() {
            return out;
        }
        offset = batch.next_offset;
        out.extend(batch.records);
    }
}

#[tokio::test]
async fn phone_batch_becomes_flattened_records_keyed_by_device() {
    let h = harness().await;
    let (status, answer) = post_json(
        &h.app,
        "/phone-producer/",
        fixture("triaxial-batch-string-time.json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["messageId"], "20");
    assert_eq!(answer["deviceId"], "5d0c1f7e-93a2-4c1b-9a6e-2f8b7c3d4e10");
    assert_eq!(answer["sessionId"], "a7e3c9b2-1f44-4d8e-b0c6-7e2d9f1a3b55");
    let ts = answer["timestamp"].as_str().unwrap();
    assert_eq!(&ts[4..5], "-");
    assert_eq!(&ts[10..11], " ");

    let expected: Vec<Value> = serde_json::from_slice(&fixture(
        "triaxial-batch-string-time.expected-kafka-values.json",
    ))
    .unwrap();
    let records = all_records(&h.log, "smartphone-sensor-data", 0).await;
    assert_eq!(records.len(), expected.len());
    for (rec, want) in records.iter().zip(&expected) {
        let got: Value = serde_json::from_slice(rec.record.value.as_ref().unwrap()).unwrap();
        assert_eq!(&got, want);
        assert_eq!(
            rec.record.key.as_deref(),
            Some(&b"5d0c1f7e-93a2-4c1b-9a6e-2f8b7c3d4e10"[..])
        );
        let ns: i64 = want["time"].as_str().unwrap().parse().unwrap();
        assert_eq!(rec.record.timestamp, ns / 1_000_000);
    }

    // Read back over HTTP: values shown as JSON objects, key as the device id string.
    let (status, page) = get(
        &h.app,
        "/topics/smartphone-sensor-data/records?partition=0&offset=0&limit=2",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["records"].as_array().unwrap().len(), 2);
    assert_eq!(page["next_offset"], 2);
    assert_eq!(
        page["records"][0]["key"],
        "5d0c1f7e-93a2-4c1b-9a6e-2f8b7c3d4e10"
    );
    assert_eq!(page["records"][0]["value"], expected[0]);
    assert_eq!(page["records"][1]["offset"], 1);
}

#[tokio::test]
async fn phone_route_without_trailing_slash_and_every_good_fixture() {
    let h = harness().await;
    let mut total = 0;
    for (i, name) in [
        "triaxial-batch.json",
        "location-batch.json",
        "mixed-batch-30.json",
        "test-push.json",
    ]
    .into_iter()
    .enumerate()
    {
        let uri = if i % 2 == 0 {
            "/phone-producer"
        } else {
            "/phone-producer/"
        };
        let body = fixture(name);
        let readings = serde_json::from_slice::<Value>(&body).unwrap()["payload"]
            .as_array()
            .unwrap()
            .len();
        let (status, answer) = post_json(&h.app, uri, body).await;
        assert_eq!(status, StatusCode::OK, "{name}: {answer}");
        total += readings;
    }
    assert_eq!(
        all_records(&h.log, "smartphone-sensor-data", 0).await.len(),
        total
    );
}

#[tokio::test]
async fn every_malformed_fixture_gets_a_json_4xx_and_writes_nothing() {
    let h = harness().await;
    let cases = [
        ("missing-payload.json", 422, "payload"),
        ("payload-not-array.json", 422, "payload"),
        ("wrong-types.json", 422, "messageId"),
        ("non-numeric-time.json", 422, "payload[1].time"),
        ("missing-device-id.json", 422, "deviceId"),
        ("reading-without-name.json", 422, "payload[1].name"),
        ("truncated.json", 400, "line"),
    ];
    for (name, status, needle) in cases {
        let (got, body) = post_json(
            &h.app,
            "/phone-producer/",
            fixture(&format!("malformed/{name}")),
        )
        .await;
        assert_eq!(got.as_u16(), status, "{name}: {body}");
        assert!(
            body["error_code"].as_u64().unwrap() >= 40000,
            "{name}: {body}"
        );
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(needle), "{name}: {message}");
    }
    // wrong-types lists all its errors, with paths.
    let (_, body) = post_json(
        &h.app,
        "/phone-producer/",
        fixture("malformed/wrong-types.json"),
    )
    .await;
    let paths: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"messageId") && paths.contains(&"payload[1].values.x"),
        "{paths:?}"
    );
    // Nothing was written: the topic either does not exist or is empty.
    match h.log.describe_topic("smartphone-sensor-data").await {
        Ok(d) => assert!(d.partitions.iter().all(|p| p.end_offset == 0), "{d:?}"),
        Err(e) => assert!(matches!(e, rivulet_log::LogError::UnknownTopic(_))),
    }
}

#[tokio::test]
async fn oversize_body_is_413_json_and_writes_nothing() {
    let h = harness_with(ServerSettings {
        max_body_bytes: 1024,
        ..ServerSettings::default()
    })
    .await;
    let (status, body) =
        post_json(&h.app, "/phone-producer/", fixture("mixed-batch-30.json")).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error_code"], 41300);
    let big = json!({"records": [{"value": "x".repeat(4096)}]})
        .to_string()
        .into_bytes();
    let (status, body) = post_json(&h.app, "/topics/t/records", big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(!h.log.list_topics().await.unwrap().iter().any(|t| t == "t"));
}

#[tokio::test]
async fn produce_and_read_json_records_with_keys_headers_and_partitions() {
    let h = harness().await;
    let (status, _) = post_json(
        &h.app,
        "/topics",
        json!({"name": "fleet", "partitions": 3})
            .to_string()
            .into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let body = json!({"records": [
        {"key": "dev-1", "value": {"lat": 9.1}, "timestamp": 1000, "headers": {"uuid": "u-1"}},
        {"key": "dev-2", "value": {"lat": 9.2}, "timestamp": 1001},
        {"key": {"id": 3}, "value": 42, "partition": 2},
        {"key": null, "value": "plain text"},
    ]});
    let (status, answer) = post_json(
        &h.app,
        "/topics/fleet/records",
        body.to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let offsets = answer["offsets"].as_array().unwrap();
    assert_eq!(offsets.len(), 4);
    assert_eq!(offsets[0]["partition"], partition_for_key(b"dev-1", 3));
    assert_eq!(offsets[1]["partition"], partition_for_key(b"dev-2", 3));
    assert_eq!(offsets[2]["partition"], 2);

    let p = offsets[0]["partition"].as_u64().unwrap();
    let o = offsets[0]["offset"].as_i64().unwrap();
    let (_, page) = get(
        &h.app,
        &format!("/topics/fleet/records?partition={p}&offset={o}&limit=1"),
    )
    .await;
    let rec = &page["records"][0];
    assert_eq!(rec["key"], "dev-1");
    assert_eq!(rec["value"], json!({"lat": 9.1}));
    assert_eq!(rec["timestamp"], 1000);
    assert_eq!(rec["headers"]["uuid"], "u-1");

    let (_, page) = get(&h.app, "/topics/fleet/records?partition=2&offset=0").await;
    let recs = page["records"].as_array().unwrap();
    assert!(recs
        .iter()
        .any(|r| r["key"] == json!({"id": 3}) && r["value"] == 42));

    // A partition the topic lacks rejects the whole request.
    let bad = json!({"records": [{"value": 1}, {"value": 2, "partition": 7}]});
    let before = h.log.describe_topic("fleet").await.unwrap();
    let (status, err) = post_json(
        &h.app,
        "/topics/fleet/records",
        bad.to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("records[1].partition"),
        "{err}"
    );
    assert_eq!(h.log.describe_topic("fleet").await.unwrap(), before);

    // Field errors name their path.
    let bad = json!({"records": [{"value": 1, "timestamp": "yesterday"}]});
    let (status, err) = post_json(
        &h.app,
        "/topics/fleet/records",
        bad.to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["errors"][0]["path"], "records[0].timestamp");
}

#[tokio::test]
async fn empty_batch_creates_topic_and_auto_create_can_be_off() {
    let h = harness().await;
    let (status, answer) = post_json(
        &h.app,
        "/topics/new-topic/records",
        br#"{"records":[]}"#.to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["offsets"], json!([]));
    let (status, d) = get(&h.app, "/topics/new-topic").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["partitions"].as_array().unwrap().len(), 1);

    let strict = harness_with(ServerSettings {
        auto_create_topics: false,
        ..ServerSettings::default()
    })
    .await;
    let (status, err) = post_json(
        &strict.app,
        "/topics/nope/records",
        br#"{"records":[{"value":1}]}"#.to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(err["message"].as_str().unwrap().contains("nope"));
}

#[tokio::test]
async fn ndjson_lines_and_bad_line_number() {
    let h = harness().await;
    let (status, answer, _) = call(
        &h.app,
        "POST",
        "/topics/temps/records",
        "application/x-ndjson",
        b"{\"t\":21.5}\n{\"t\":21.7}\n\n{\"t\":22}\n".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["offsets"].as_array().unwrap().len(), 3);
    let (status, err, _) = call(
        &h.app,
        "POST",
        "/topics/temps/records",
        "application/x-ndjson",
        b"{\"t\":1}\n{\"t\":2}\n{\"t\":}\n".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        err["message"].as_str().unwrap().contains("at line 3,"),
        "{err}"
    );
    let (_, page) = get(&h.app, "/topics/temps/records?offset=0").await;
    assert_eq!(page["records"].as_array().unwrap().len(), 3);
    assert_eq!(page["records"][2]["value"], json!({"t": 22}));
    assert_eq!(page["records"][0]["key"], Value::Null);
}

#[tokio::test]
async fn long_poll_waits_for_new_data_and_times_out() {
    let h = harness().await;
    post_json(
        &h.app,
        "/topics/live/records",
        br#"{"records":[]}"#.to_vec(),
    )
    .await;
    let started = std::time::Instant::now();
    let (_, page) = get(&h.app, "/topics/live/records?offset=0&timeout_ms=200").await;
    assert!(page["records"].as_array().unwrap().is_empty());
    assert!(started.elapsed() >= Duration::from_millis(190));

    let app = h.app.clone();
    let waiter =
        tokio::spawn(
            async move { get(&app, "/topics/live/records?offset=0&timeout_ms=10000").await },
        );
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = std::time::Instant::now();
    post_json(
        &h.app,
        "/topics/live/records",
        br#"{"records":[{"value":{"n":1}}]}"#.to_vec(),
    )
    .await;
    let (_, page) = waiter.await.unwrap();
    assert_eq!(page["records"][0]["value"], json!({"n": 1}));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn topic_admin_and_errors() {
    let h = harness().await;
    let create = |name: &str| {
        json!({"name": name, "partitions": 2, "retention_ms": 60000, "retention_bytes": 1000000})
            .to_string()
            .into_bytes()
    };
    assert_eq!(
        post_json(&h.app, "/topics", create("a")).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        post_json(&h.app, "/topics", create("a")).await.0,
        StatusCode::CONFLICT
    );
    let (status, err) = post_json(&h.app, "/topics", create("bad name!")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().contains("bad name!"));
    let (_, list) = get(&h.app, "/topics").await;
    assert_eq!(list["topics"][0]["name"], "a");
    assert_eq!(list["topics"][0]["partitions"], 2);
    let (status, d) = get(&h.app, "/topics/a").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["retention_ms"], 60000);
    assert_eq!(d["partitions"][1]["end_offset"], 0);
    let (status, err) = get(&h.app, "/topics/missing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(err["message"].as_str().unwrap().contains("missing"));
    let (status, _, _) = call(&h.app, "DELETE", "/topics/a", "application/json", vec![]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(get(&h.app, "/topics/a").await.0, StatusCode::NOT_FOUND);
    let (status, err) = get(&h.app, "/topics/a/records?partition=0").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
}

#[tokio::test]
async fn health_and_metrics() {
    let h = harness().await;
    let (status, health) = get(&h.app, "/healthcheck").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["isHealthy"], true);
    post_json(&h.app, "/phone-producer/", fixture("triaxial-batch.json")).await;
    let (status, _, text) = call(&h.app, "GET", "/metrics", "text/plain", vec![]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("rivulet_records_appended_total{topic=\"smartphone-sensor-data\"} 18"),
        "{text}"
    );
    assert!(text.contains("rivulet_bytes_appended_total{topic=\"smartphone-sensor-data\"}"));
    assert!(text.contains("rivulet_http_requests_total{method=\"POST\",route=\"/phone-producer/\",status=\"200\"} 1"), "{text}");
    assert!(text.contains("rivulet_http_request_duration_seconds_bucket"));
    assert!(text.contains("rivulet_log_fsync_duration_seconds_count"));
    assert!(
        !text.contains("rivulet_log_fsync_duration_seconds_count 0\n"),
        "{text}"
    );
}
