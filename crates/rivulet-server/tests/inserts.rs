//! Writing rows into declared streams and tables through the real router, engine and embedded
//! log: `INSERT INTO … VALUES` on `/ksql`, `POST /inserts-stream`, and typed
//! `POST`/`GET /topics/{topic}/records` on topics with a declared source.

use std::{sync::Arc, time::Duration};

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use bytes::Bytes;
use http_body_util::BodyExt;
use rivulet_engine::{Engine, EngineConfig};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    partitioner::partition_for_key,
    Log, ReadLimits,
};
use rivulet_server::{AppState, Metrics, ServerSettings};
use serde_json::{json, Value};
use tower::ServiceExt;

async fn setup() -> (tempfile::TempDir, Arc<EmbeddedLog>, Router) {
    let dir = tempfile::tempdir().unwrap();
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).unwrap();
    let engine = Engine::open(log.clone(), EngineConfig::default())
        .await
        .unwrap();
    let app = rivulet_server::router(AppState::new(
        ServerSettings::default(),
        log.clone(),
        engine,
        Arc::new(Metrics::new()),
    ));
    (dir, log, app)
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    accept: Option<&str>,
    body: Body,
) -> (StatusCode, String) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn ksql_with(app: &Router, sql: &str, props: Value) -> (StatusCode, Value) {
    let body = json!({"ksql": sql, "streamsProperties": props}).to_string();
    let (status, text) = send(app, "POST", "/ksql", None, Body::from(body)).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn ksql(app: &Router, sql: &str) -> (StatusCode, Value) {
    ksql_with(app, sql, json!({})).await
}

async fn ok(app: &Router, sql: &str) -> Value {
    let (status, body) = ksql(app, sql).await;
    assert_eq!(status, StatusCode::OK, "{sql}: {body}");
    body
}

/// Every record of a topic: (partition, key, value, timestamp).
async fn records(log: &EmbeddedLog, topic: &str) -> Vec<(u32, Option<Bytes>, Option<Bytes>, i64)> {
    let d = log.describe_topic(topic).await.unwrap();
    let mut out = Vec::new();
    for p in d.partitions {
        let batch = log
            .read(topic, p.partition, 0, ReadLimits::default())
            .await
            .unwrap();
        for r in batch.records {
            out.push((
                p.partition,
                r.record.key.clone(),
                r.record.value.clone(),
                r.record.timestamp,
            ));
        }
    }
    out
}

fn value_json(v: &Option<Bytes>) -> Value {
    serde_json::from_slice(v.as_ref().unwrap()).unwrap()
}

#[tokio::test]
async fn insert_values_with_and_without_column_lists_kafka_int_key() {
    let (_dir, log, app) = setup().await;
    ok(&app, "CREATE STREAM s (id INT KEY, name STRING, amount DOUBLE) WITH (kafka_topic='s_topic', partitions=3, key_format='KAFKA', value_format='JSON');").await;
    let body = ok(
        &app,
        "INSERT INTO s (id, name, amount) VALUES (1, 'a', 1.5);",
    )
    .await;
    assert_eq!(body, json!([]));
    ok(&app, "INSERT INTO s VALUES (2, 'b', 2);").await;
    ok(&app, "INSERT INTO s (name) VALUES ('no key');").await;

    let got = records(&log, "s_topic").await;
    assert_eq!(got.len(), 3);
    let one = got
        .iter()
        .find(|r| r.1.as_deref() == Some(&[0, 0, 0, 1][..]))
        .expect("key 1 as 4 bytes big-endian");
    assert_eq!(one.0, partition_for_key(&[0, 0, 0, 1], 3));
    assert_eq!(value_json(&one.2), json!({"NAME": "a", "AMOUNT": 1.5}));
    let two = got
        .iter()
        .find(|r| r.1.as_deref() == Some(&[0, 0, 0, 2][..]))
        .unwrap();
    assert_eq!(two.0, partition_for_key(&[0, 0, 0, 2], 3));
    assert_eq!(value_json(&two.2), json!({"NAME": "b", "AMOUNT": 2.0}));
    let keyless = got.iter().find(|r| r.1.is_none()).expect("null key");
    assert_eq!(
        value_json(&keyless.2),
        json!({"NAME": "no key", "AMOUNT": null})
    );
    let now = rivulet_core::time::now_ms();
    assert!((now - one.3).abs() < 60_000, "ROWTIME defaults to now");
}

#[tokio::test]
async fn insert_values_string_key_delimited_value_and_rowtime() {
    let (_dir, log, app) = setup().await;
    ok(&app, "CREATE STREAM d (k STRING KEY, a INT, b STRING) WITH (kafka_topic='d', partitions=1, key_format='KAFKA', value_format='DELIMITED');").await;
    ok(
        &app,
        "INSERT INTO d (ROWTIME, k, a, b) VALUES (1234, 'key1', 7, 'x y');",
    )
    .await;
    let got = records(&log, "d").await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1.as_deref(), Some(&b"key1"[..]));
    assert_eq!(got[0].2.as_deref(), Some(&b"7,x y"[..]));
    assert_eq!(got[0].3, 1234);
}

#[tokio::test]
async fn insert_values_errors_use_ksqldb_wording_and_write_nothing() {
    let (_dir, log, app) = setup().await;
    ok(&app, "CREATE STREAM s (id INT KEY, name STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');").await;
    let cases = [
        (
            "INSERT INTO s (id, name) VALUES ('abc', 'x');",
            "Failed to insert values into 'S'. Expected type INTEGER for field `ID` but got STRING(abc)",
        ),
        (
            "INSERT INTO s (id, name) VALUES (1, 2);",
            "Failed to insert values into 'S'. Expected type STRING for field `NAME` but got INTEGER(2)",
        ),
        (
            "INSERT INTO s VALUES (1);",
            "Failed to insert values into 'S'. Expected a value for each column. Expected Columns: [`ID`, `NAME`]. Got [1]",
        ),
        (
            "INSERT INTO s (id, nope) VALUES (1, 'x');",
            "Failed to insert values into 'S'. Column name `NOPE` does not exist.",
        ),
        (
            "INSERT INTO s (id, ROWOFFSET) VALUES (1, 2);",
            "Failed to insert values into 'S'. Inserting into column `ROWOFFSET` is not allowed.",
        ),
        (
            "INSERT INTO missing VALUES (1);",
            "Cannot insert values into an unknown stream/table: MISSING",
        ),
    ];
    for (sql, message) in cases {
        let (status, body) = ksql(&app, sql).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{sql}");
        assert_eq!(body["@type"], "statement_error");
        assert_eq!(body["error_code"], 40001);
        assert_eq!(body["message"], message, "{sql}");
    }
    let (status, body) = ksql_with(
        &app,
        "INSERT INTO s VALUES (1, 'x');",
        json!({"ksql.insert.into.values.enabled": "false"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("The server has disabled INSERT INTO ... VALUES functionality."));
    assert!(records(&log, "s").await.is_empty());
}

#[tokio::test]
async fn a_persistent_query_sees_inserted_rows() {
    let (_dir, log, app) = setup().await;
    ok(&app, "CREATE STREAM src (id STRING KEY, amount INT) WITH (kafka_topic='src', partitions=2, value_format='JSON');").await;
    ok(
        &app,
        "CREATE STREAM big AS SELECT id, amount * 2 AS doubled FROM src WHERE amount > 10;",
    )
    .await;
    ok(&app, "INSERT INTO src VALUES ('a', 5);").await;
    ok(&app, "INSERT INTO src VALUES ('b', 50);").await;
    let mut got = Vec::new();
    for _ in 0..200 {
        got = records(&log, "BIG").await;
        if !got.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1.as_deref(), Some(&b"b"[..]));
    assert_eq!(value_json(&got[0].2), json!({"DOUBLED": 100}));
}

const STREAM: &str = "CREATE STREAM riderLocations (profileId VARCHAR KEY, latitude DOUBLE, longitude DOUBLE) WITH (kafka_topic='locations', partitions=2, value_format='JSON');";

/// The typed records of a topic as `GET /topics/{topic}/records` shows them, all partitions.
async fn shown(app: &Router, topic: &str, partitions: u32) -> Vec<Value> {
    let mut out = Vec::new();
    for p in 0..partitions {
        let (status, text) = send(
            app,
            "GET",
            &format!("/topics/{topic}/records?partition={p}&offset=0"),
            None,
            Body::empty(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let body: Value = serde_json::from_str(&text).unwrap();
        out.extend(body["records"].as_array().unwrap().iter().cloned());
    }
    out.sort_by_key(|r| r["key"].to_string());
    out
}

#[tokio::test]
async fn inserts_stream_acks_delimited_after_rows_are_in_the_topic_with_a_chunked_body() {
    let (_dir, _log, app) = setup().await;
    ok(&app, STREAM).await;
    let body = "{\"target\":\"riderLocations\"}\n{\"profileId\":\"c2309eec\",\"latitude\":37.7877,\"longitude\":-122.4205}\n\n{\"profileId\":\"18f4ea86\",\"latitude\":37.3903,\"longitude\":-122.0643}\n{\"`PROFILEID`\":\"4ab5cbad\",\"LATITUDE\":37.3952}";
    // Split at awkward places: inside the target line, inside a row, right after a newline.
    let cuts = [7, 40, 41, 90, 131, 150];
    let mut chunks = Vec::new();
    let mut at = 0;
    for cut in cuts {
        chunks.push(Ok::<_, std::io::Error>(Bytes::copy_from_slice(
            &body.as_bytes()[at..cut],
        )));
        at = cut;
    }
    chunks.push(Ok(Bytes::copy_from_slice(&body.as_bytes()[at..])));
    let (status, text) = send(
        &app,
        "POST",
        "/inserts-stream",
        None,
        Body::from_stream(futures::stream::iter(chunks)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        text,
        "{\"status\":\"ok\",\"seq\":0}\n{\"status\":\"ok\",\"seq\":1}\n{\"status\":\"ok\",\"seq\":2}\n"
    );
    let rows = shown(&app, "locations", 2).await;
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["key"], "18f4ea86");
    assert_eq!(
        rows[0]["value"],
        json!({"LATITUDE": 37.3903, "LONGITUDE": -122.0643})
    );
    assert_eq!(rows[2]["key"], "c2309eec");
    assert_eq!(
        rows[1]["value"],
        json!({"LATITUDE": 37.3952, "LONGITUDE": null})
    );
}

#[tokio::test]
async fn inserts_stream_json_acks_are_an_array() {
    let (_dir, log, app) = setup().await;
    ok(&app, STREAM).await;
    let body = "{\"target\":\"RIDERLOCATIONS\",\"properties\":{}}\n{\"profileId\":\"a\",\"latitude\":1}\n{\"profileId\":\"b\",\"latitude\":2}\n";
    let (status, text) = send(
        &app,
        "POST",
        "/inserts-stream",
        Some("application/json"),
        Body::from(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let acks: Value = serde_json::from_str(&text).expect(&text);
    assert_eq!(
        acks,
        json!([{"status": "ok", "seq": 0}, {"status": "ok", "seq": 1}])
    );
    assert_eq!(records(&log, "locations").await.len(), 2);
}

#[tokio::test]
async fn inserts_stream_acks_each_row_before_the_body_ends() {
    let (_dir, log, app) = setup().await;
    ok(&app, STREAM).await;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let body = Body::from_stream(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }));
    let req = Request::builder()
        .method("POST")
        .uri("/inserts-stream")
        .body(body)
        .unwrap();
    tx.send(Ok(Bytes::from_static(
        b"{\"target\":\"riderLocations\"}\n{\"profileId\":\"a\",\"latitude\":1}\n",
    )))
    .await
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut res_body = res.into_body();
    let first = tokio::time::timeout(Duration::from_secs(10), res_body.frame())
        .await
        .expect("the first ack comes while the body is still open")
        .unwrap()
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(&first[..], b"{\"status\":\"ok\",\"seq\":0}\n");
    // Acked means durable: the row is in the topic already.
    assert_eq!(records(&log, "locations").await.len(), 1);
    tx.send(Ok(Bytes::from_static(b"{\"profileId\":\"b\"}\n")))
        .await
        .unwrap();
    drop(tx);
    let rest = res_body.collect().await.unwrap().to_bytes();
    assert_eq!(&rest[..], b"{\"status\":\"ok\",\"seq\":1}\n");
    assert_eq!(records(&log, "locations").await.len(), 2);
}

#[tokio::test]
async fn inserts_stream_errors() {
    let (_dir, log, app) = setup().await;
    ok(&app, STREAM).await;
    // Unknown target: a request-level error.
    let (status, text) = send(
        &app,
        "POST",
        "/inserts-stream",
        None,
        Body::from("{\"target\":\"nope\"}\n{\"a\":1}\n"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["error_code"], 40001);
    assert_eq!(
        body["message"],
        "Cannot insert values into an unknown stream/table: NOPE"
    );
    // Invalid JSON as the first line.
    let (status, text) = send(
        &app,
        "POST",
        "/inserts-stream",
        None,
        Body::from("{target\n"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["error_code"], 40000);
    assert_eq!(body["message"], "Invalid JSON in inserts stream");
    // A missing key ends the stream with an error ack; the rows before it stay written.
    let (status, text) = send(
        &app,
        "POST",
        "/inserts-stream",
        None,
        Body::from("{\"target\":\"riderLocations\"}\n{\"profileId\":\"a\"}\n{\"latitude\":2}\n{\"profileId\":\"c\"}\n"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0], json!({"status": "ok", "seq": 0}));
    assert_eq!(lines[1]["status"], "error");
    assert_eq!(lines[1]["seq"], 1);
    assert_eq!(lines[1]["error_code"], 40000);
    assert_eq!(
        lines[1]["message"],
        "Key field must be specified: PROFILEID"
    );
    assert_eq!(lines[1].as_object().unwrap().len(), 5);
    assert_eq!(records(&log, "locations").await.len(), 1);
    // An invalid JSON row line.
    let (status, text) = send(
        &app,
        "POST",
        "/inserts-stream",
        Some("application/json"),
        Body::from("{\"target\":\"riderLocations\"}\n{\"profileId\":\"x\"}\n{oops\n"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let acks: Value = serde_json::from_str(&text).expect(&text);
    assert_eq!(acks[0], json!({"status": "ok", "seq": 0}));
    assert_eq!(acks[1]["message"], "Invalid JSON in inserts stream");
    assert_eq!(acks[1]["error_code"], 40000);
    assert_eq!(acks[1]["seq"], 1);
    assert_eq!(records(&log, "locations").await.len(), 2);
}

#[tokio::test]
async fn typed_topic_produce_and_read_round_trip() {
    let (_dir, log, app) = setup().await;
    ok(&app, "CREATE STREAM typed (id BIGINT KEY, name STRING, n INT) WITH (kafka_topic='typed', partitions=1, key_format='KAFKA', value_format='DELIMITED');").await;
    let body = json!({"records": [
        {"key": 5, "value": {"name": "x", "N": 3}, "timestamp": 42},
        {"key": 6, "value": {"NAME": "y,z"}}
    ]});
    let (status, text) = send(
        &app,
        "POST",
        "/topics/typed/records",
        None,
        Body::from(body.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let got = records(&log, "typed").await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].1.as_deref(), Some(&5i64.to_be_bytes()[..]));
    assert_eq!(got[0].2.as_deref(), Some(&b"x,3"[..]));
    assert_eq!(got[0].3, 42);
    assert_eq!(got[1].2.as_deref(), Some(&b"\"y,z\","[..]));
    let rows = shown(&app, "typed", 1).await;
    assert_eq!(rows[0]["key"], json!(5));
    assert_eq!(rows[0]["value"], json!({"NAME": "x", "N": 3}));
    assert_eq!(rows[0]["timestamp"], 42);
    assert_eq!(rows[1]["key"], json!(6));
    assert_eq!(rows[1]["value"], json!({"NAME": "y,z", "N": null}));
    let keys: Vec<&str> = rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "partition",
            "offset",
            "timestamp",
            "key",
            "value",
            "headers"
        ]
    );
}

#[tokio::test]
async fn typed_topic_produce_names_the_bad_field_and_writes_nothing() {
    let (_dir, log, app) = setup().await;
    ok(&app, "CREATE STREAM typed (id BIGINT KEY, name STRING, n INT) WITH (kafka_topic='typed', partitions=1, key_format='KAFKA', value_format='JSON');").await;
    let body = json!({"records": [
        {"key": 1, "value": {"name": "ok", "n": 1}},
        {"key": 2, "value": {"name": "bad", "n": "abc"}},
        {"key": "three", "value": {"name": "bad key"}}
    ]});
    let (status, text) = send(
        &app,
        "POST",
        "/topics/typed/records",
        None,
        Body::from(body.to_string()),
    )
    .await;
    assert!(status.is_client_error(), "{status} {text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    let paths: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["records[1].value.N", "records[2].key"], "{text}");
    assert!(records(&log, "typed").await.is_empty());
    // `?raw=true` stores what was sent, as on an undeclared topic.
    let raw = json!({"records": [{"key": "k", "value": {"n": "abc"}}]});
    let (status, text) = send(
        &app,
        "POST",
        "/topics/typed/records?raw=true",
        None,
        Body::from(raw.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let got = records(&log, "typed").await;
    assert_eq!(got[0].1.as_deref(), Some(&b"k"[..]));
    assert_eq!(got[0].2.as_deref(), Some(&br#"{"n":"abc"}"#[..]));
}
