//! Push queries end to end through the router: the seed's push query over the phone stream,
//! from earliest and from latest, in the delimited, JSON and legacy StreamedRow formats, LIMIT,
//! close-query, and errors before streaming.

use std::{path::PathBuf, sync::Arc, time::Duration};

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use rivulet_engine::{Engine, EngineConfig};
use rivulet_log::embedded::{EmbeddedConfig, EmbeddedLog};
use rivulet_server::{AppState, Metrics, ServerSettings};
use serde_json::{json, Value};
use tower::ServiceExt;

const SEED_CREATE: &str = "CREATE stream smartphone_sensor_stream (name varchar, time bigint, values_x double, values_y double, values_z double, messageId bigint, sessionId varchar, deviceId varchar) WITH (kafka_topic='smartphone-sensor-data', value_format='JSON', partitions=1);";
const SEED_QUERY: &str = "select deviceId, time, values_x, values_y, values_z\nfrom smartphone_sensor_stream where name = 'accelerometeruncalibrated' emit changes;";

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../rivulet-connect/tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A server over a fresh log, with nothing declared.
async fn bare() -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).unwrap();
    let engine = Engine::open(log.clone(), EngineConfig::default())
        .await
        .unwrap();
    let app = rivulet_server::router(AppState::new(
        ServerSettings::default(),
        log,
        engine,
        Arc::new(Metrics::new()),
    ));
    (dir, app)
}

/// A server with the seed's phone stream declared.
async fn setup() -> (tempfile::TempDir, Router) {
    let (dir, app) = bare().await;
    let (status, _) = send(
        &app,
        "POST",
        "/ksql",
        None,
        json!({"ksql": SEED_CREATE}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    (dir, app)
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    accept: Option<&str>,
    body: String,
) -> (StatusCode, String) {
    let res = start(app, method, uri, accept, body).await;
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn start(
    app: &Router,
    method: &str,
    uri: &str,
    accept: Option<&str>,
    body: String,
) -> axum::response::Response {
    let mut req = Request::builder().method(method).uri(uri).header(
        "content-type",
        "application/vnd.ksql.v1+json; charset=utf-8",
    );
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    app.clone()
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap()
}

/// The next `n` chunks of a streaming body.
async fn chunks(body: &mut Body, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    while out.len() < n {
        let frame = tokio::time::timeout(Duration::from_secs(10), body.frame())
            .await
            .expect("a chunk within 10 s")
            .expect("the stream goes on")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            out.push(String::from_utf8(data.to_vec()).unwrap());
        }
    }
    out
}

async fn post_phone_batch(app: &Router) {
    let body = String::from_utf8(fixture("triaxial-batch-string-time.json")).unwrap();
    let (status, answer) = send(app, "POST", "/phone-producer/", None, body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[tokio::test]
async fn seed_push_query_from_earliest_gives_the_expected_rows() {
    let (_dir, app) = setup().await;
    post_phone_batch(&app).await;
    let expected: Vec<Value> = serde_json::from_slice(&fixture(
        "triaxial-batch-string-time.expected-push-rows.json",
    ))
    .unwrap();
    let req =
        json!({"sql": SEED_QUERY, "properties": {"auto.offset.reset": "earliest"}}).to_string();
    let res = start(&app, "POST", "/query-stream", None, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.ksqlapi.delimited.v1"
    );
    let mut body = res.into_body();
    let got = chunks(&mut body, 1 + expected.len()).await;
    let header: Value = serde_json::from_str(got[0].trim_end()).unwrap();
    assert!(got[0].ends_with('\n'));
    assert!(header["queryId"]
        .as_str()
        .unwrap()
        .starts_with("transient_SMARTPHONE_SENSOR_STREAM_"));
    assert_eq!(
        header["columnNames"],
        json!(["DEVICEID", "TIME", "VALUES_X", "VALUES_Y", "VALUES_Z"])
    );
    assert_eq!(
        header["columnTypes"],
        json!(["STRING", "BIGINT", "DOUBLE", "DOUBLE", "DOUBLE"])
    );
    for (chunk, want) in got[1..].iter().zip(&expected) {
        assert!(chunk.ends_with('\n'), "one row per chunk: {chunk:?}");
        let row: Value = serde_json::from_str(chunk.trim_end()).unwrap();
        assert_eq!(&row, want);
        // TIME is the exact integer, not a float.
        assert!(chunk.contains(&want[1].to_string()));
    }
}

#[tokio::test]
async fn push_query_from_latest_sees_only_new_rows_and_close_query_ends_it() {
    let (_dir, app) = setup().await;
    post_phone_batch(&app).await; // before the query: not seen from latest
    let req = json!({"sql": SEED_QUERY, "properties": {}}).to_string();
    let res = start(&app, "POST", "/query-stream", Some("application/json"), req).await;
    assert_eq!(res.headers()["content-type"], "application/json");
    let mut body = res.into_body();
    let header = chunks(&mut body, 1).await.remove(0);
    assert!(header.starts_with("[{\"queryId\":"), "{header}");
    let id: String = serde_json::from_str::<Value>(&header[1..]).unwrap()["queryId"]
        .as_str()
        .unwrap()
        .into();
    post_phone_batch(&app).await;
    let rows = chunks(&mut body, 4).await;
    for r in &rows {
        assert!(r.starts_with(",[\"5d0c1f7e"), "{r}");
    }
    let (status, text) = send(
        &app,
        "POST",
        "/close-query",
        None,
        json!({"queryId": id}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let rest = tokio::time::timeout(Duration::from_secs(10), body.collect())
        .await
        .unwrap()
        .unwrap()
        .to_bytes();
    assert_eq!(&rest[..], b"]");
    let (status, text) = send(
        &app,
        "POST",
        "/close-query",
        None,
        json!({"queryId": id}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("No query with id"), "{text}");
}

#[tokio::test]
async fn legacy_query_endpoint_writes_streamed_rows_line_by_line_and_ends_at_the_limit() {
    let (_dir, app) = setup().await;
    post_phone_batch(&app).await;
    let req = json!({"ksql": "SELECT deviceId, time FROM smartphone_sensor_stream WHERE name = 'gyroscopeuncalibrated' EMIT CHANGES LIMIT 2;",
                     "streamsProperties": {"ksql.streams.auto.offset.reset": "earliest"}}).to_string();
    let (status, text) = send(&app, "POST", "/query", None, req).await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].starts_with("[{\"header\":{\"queryId\":\"transient_SMARTPHONE_SENSOR_STREAM_"),
        "{text}"
    );
    assert!(
        lines[0].ends_with("\"schema\":\"`DEVICEID` STRING, `TIME` BIGINT\"}},\n"),
        "{text}"
    );
    assert_eq!(
        lines[1],
        "{\"row\":{\"columns\":[\"5d0c1f7e-93a2-4c1b-9a6e-2f8b7c3d4e10\",1717000002133457400]}},\n"
    );
    assert!(lines[2].starts_with("{\"row\":{\"columns\":["));
    assert_eq!(lines[3], "{\"finalMessage\":\"Limit Reached\"}]");
}

#[tokio::test]
async fn errors_before_streaming_are_statement_errors() {
    let (_dir, app) = setup().await;
    for (sql, needle) in [
        (
            "SELECT nope FROM smartphone_sensor_stream EMIT CHANGES;",
            "NOPE",
        ),
        (
            "SELECT * FROM missing EMIT CHANGES;",
            "MISSING does not exist",
        ),
        ("SELEC * FROM x;", "line 1:1"),
        ("SHOW STREAMS;", "not a query"),
    ] {
        let (status, text) = send(
            &app,
            "POST",
            "/query-stream",
            None,
            json!({"sql": sql}).to_string(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{sql}: {text}");
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["@type"], "statement_error");
        assert_eq!(body["error_code"], 40001);
        assert!(
            body["message"].as_str().unwrap().contains(needle),
            "{sql}: {text}"
        );
        assert_eq!(body["statementText"], sql);
    }
    let (status, _) = send(
        &app,
        "POST",
        "/query-stream",
        Some("blahblah"),
        json!({"sql": SEED_QUERY}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_record_that_cannot_be_decoded_is_skipped_and_the_query_goes_on() {
    let (_dir, app) = setup().await;
    let bad = json!({"records": [
        {"value": {"name": "accelerometeruncalibrated", "time": "not a number", "deviceId": "bad"}},
        {"value": {"status": "ready"}},
        {"value": {"name": "accelerometeruncalibrated", "time": "17", "values_x": 1.5, "deviceId": "good"}},
    ]});
    let (status, _) = send(
        &app,
        "POST",
        "/topics/smartphone-sensor-data/records?raw=true",
        None,
        bad.to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let req =
        json!({"sql": SEED_QUERY, "properties": {"auto.offset.reset": "earliest"}}).to_string();
    let res = start(&app, "POST", "/query-stream", None, req).await;
    let mut body = res.into_body();
    let got = chunks(&mut body, 2).await;
    assert_eq!(got[1], "[\"good\",17,1.5,null,null]\n");
}

#[tokio::test]
async fn chart_data_feeds_the_seed_dashboard_events() {
    // No stream declared: the route declares the seed's stream itself, as the seed backend did.
    let (_dir, app) = bare().await;
    let res = start(
        &app,
        "GET",
        "/chart-data/1717000000000",
        None,
        String::new(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "text/event-stream; charset=utf-8"
    );
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert_eq!(res.headers()["x-accel-buffering"], "no");
    let mut body = res.into_body();
    post_phone_batch(&app).await;
    let events = chunks(&mut body, 4).await;
    assert_eq!(
        events[0],
        "id: message_id\r\nevent: new_message\r\ndata: [\"5d0c1f7e-93a2-4c1b-9a6e-2f8b7c3d4e10\", \"2024-05-29 16:26:42.133456600\", -0.5857411281907045, 0.6237264745529283, 1.0635760922571253]\r\nretry: 1500000\r\n\r\n"
    );
    assert!(events.iter().all(|e| e.contains("event: new_message")));
}

#[tokio::test]
async fn query_sse_sends_schema_then_rows_as_objects() {
    let (_dir, app) = setup().await;
    post_phone_batch(&app).await;
    let sql = "SELECT deviceId, values_x AS x FROM smartphone_sensor_stream WHERE name = 'magnetometeruncalibrated' EMIT CHANGES;";
    let uri = format!(
        "/query-sse?offset=earliest&sql={}",
        sql.replace(' ', "%20")
            .replace('\'', "%27")
            .replace(',', "%2C")
            .replace(';', "%3B")
    );
    let res = start(&app, "GET", &uri, None, String::new()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    let events = chunks(&mut body, 2).await;
    assert!(
        events[0].starts_with("event: schema\ndata: {\"queryId\":"),
        "{}",
        events[0]
    );
    assert!(events[0].contains("\"columnNames\":[\"DEVICEID\",\"X\"]"));
    assert_eq!(events[1], "data: {\"DEVICEID\":\"5d0c1f7e-93a2-4c1b-9a6e-2f8b7c3d4e10\",\"X\":-4873.480070815981}\n\n");
}

#[tokio::test]
async fn chart_clients_share_one_running_query() {
    let (_dir, app) = setup().await;
    let mut bodies = Vec::new();
    for i in 0..3 {
        let res = start(
            &app,
            "GET",
            &format!("/chart-data/{i}"),
            None,
            String::new(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        bodies.push(res.into_body());
    }
    post_phone_batch(&app).await;
    for body in &mut bodies {
        let events = chunks(body, 4).await;
        assert!(
            events[0].contains("\"2024-05-29 16:26:42.133456600\""),
            "{}",
            events[0]
        );
    }
    let (_, text) = send(
        &app,
        "POST",
        "/ksql",
        None,
        json!({"ksql": "SHOW QUERIES;"}).to_string(),
    )
    .await;
    let shown: Value = serde_json::from_str(&text).unwrap();
    let push: Vec<_> = shown[0]["queries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["queryType"] == "PUSH")
        .collect();
    assert_eq!(push.len(), 1, "three viewers, one running query: {text}");
}

// ---- PRINT -----------------------------------------------------------------------------------

/// The mixed-case topic PRINT tests read (topic names are case-sensitive).
const PRINT_TOPIC: &str = "Sensor-Readings";

/// 2026-12-07T23:59:59.123Z
const T0: i64 = 1_796_687_999_123;

/// A server with a one-partition `Sensor-Readings` topic holding four records, and its log.
async fn print_setup() -> (tempfile::TempDir, Arc<EmbeddedLog>, Router) {
    use rivulet_log::{Log, TopicSpec};
    let dir = tempfile::tempdir().unwrap();
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).unwrap();
    log.create_topic(TopicSpec::new(PRINT_TOPIC, 1))
        .await
        .unwrap();
    let records = [
        (Some("dev-1"), Some(r#"{"temp":21.5}"#), T0),
        (Some("dev-2"), Some(r#"{"temp":22.25}"#), T0 + 1000),
        (None, Some(r#"{"temp":19.75}"#), T0 + 2000),
        (Some("dev-1"), None, T0 + 3000),
    ];
    append(&log, &records).await;
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

async fn append(log: &Arc<EmbeddedLog>, records: &[(Option<&str>, Option<&str>, i64)]) {
    use rivulet_log::Log;
    let bytes = |s: Option<&str>| s.map(|s| bytes::Bytes::copy_from_slice(s.as_bytes()));
    let records = records
        .iter()
        .map(|(k, v, ts)| rivulet_core::Record::new(bytes(*k), bytes(*v), *ts))
        .collect();
    log.append(PRINT_TOPIC, 0, records).await.unwrap();
}

const PRINT_FIRST_THREE: &str = "Key format: KAFKA_STRING\n\
Value format: JSON or KAFKA_STRING\n\
rowtime: 2026/12/07 23:59:59.123 Z, key: dev-1, value: {\"temp\":21.5}, partition: 0\n\
rowtime: 2026/12/08 00:00:00.123 Z, key: dev-2, value: {\"temp\":22.25}, partition: 0\n\
rowtime: 2026/12/08 00:00:01.123 Z, key: <null>, value: {\"temp\":19.75}, partition: 0\n";

#[tokio::test]
async fn print_from_beginning_with_limit_writes_ksqldb_lines_on_query() {
    let (_dir, _log, app) = print_setup().await;
    let req = json!({"ksql": "PRINT 'Sensor-Readings' FROM BEGINNING LIMIT 3;"}).to_string();
    let res = start(&app, "POST", "/query", None, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.ksql.v1+json"
    );
    let body = tokio::time::timeout(Duration::from_secs(10), res.into_body().collect())
        .await
        .expect("the response ends at the LIMIT")
        .unwrap()
        .to_bytes();
    assert_eq!(String::from_utf8_lossy(&body), PRINT_FIRST_THREE);
}

#[tokio::test]
async fn print_from_beginning_with_limit_writes_ksqldb_lines_on_query_stream() {
    let (_dir, _log, app) = print_setup().await;
    // A quoted identifier names the topic as well as a string does.
    for sql in [
        "PRINT 'Sensor-Readings' FROM BEGINNING LIMIT 3;",
        "print `Sensor-Readings` from beginning limit 3",
    ] {
        let req = json!({"sql": sql}).to_string();
        let res = start(&app, "POST", "/query-stream", None, req).await;
        assert_eq!(res.status(), StatusCode::OK, "{sql}");
        assert_eq!(
            res.headers()["content-type"],
            "application/vnd.ksqlapi.delimited.v1"
        );
        let body = tokio::time::timeout(Duration::from_secs(10), res.into_body().collect())
            .await
            .expect("the response ends at the LIMIT")
            .unwrap()
            .to_bytes();
        assert_eq!(String::from_utf8_lossy(&body), PRINT_FIRST_THREE, "{sql}");
    }
}

#[tokio::test]
async fn print_interval_keeps_every_nth_record_and_prints_tombstones_as_null() {
    let (_dir, _log, app) = print_setup().await;
    let req =
        json!({"sql": "PRINT 'Sensor-Readings' FROM BEGINNING INTERVAL 2 LIMIT 2;"}).to_string();
    let (status, text) = send(&app, "POST", "/query-stream", None, req).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        text,
        "Key format: KAFKA_STRING\n\
Value format: JSON or KAFKA_STRING\n\
rowtime: 2026/12/07 23:59:59.123 Z, key: dev-1, value: {\"temp\":21.5}, partition: 0\n\
rowtime: 2026/12/08 00:00:01.123 Z, key: <null>, value: {\"temp\":19.75}, partition: 0\n"
    );
    let req =
        json!({"sql": "PRINT 'Sensor-Readings' FROM BEGINNING SAMPLE 3 LIMIT 2;"}).to_string();
    let (_, text) = send(&app, "POST", "/query-stream", None, req).await;
    let records: Vec<&str> = text.lines().filter(|l| l.starts_with("rowtime")).collect();
    assert_eq!(records.len(), 2, "{text}");
    assert!(records[1].contains("key: dev-1, value: <null>,"), "{text}");
}

#[tokio::test]
async fn print_without_from_beginning_shows_only_new_records() {
    let (_dir, log, app) = print_setup().await;
    let req = json!({"sql": "PRINT 'Sensor-Readings';"}).to_string();
    let res = start(&app, "POST", "/query-stream", None, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    append(&log, &[(Some("dev-9"), Some("42"), T0 + 60_000)]).await;
    let got = chunks(&mut body, 1).await.concat();
    assert_eq!(
        got,
        "Key format: KAFKA_STRING\n\
Value format: JSON or KAFKA_STRING\n\
rowtime: 2026/12/08 00:00:59.123 Z, key: dev-9, value: 42, partition: 0\n"
    );
    // A value that is not JSON narrows the value formats: a new format line comes first.
    append(&log, &[(Some("dev-9"), Some("hot"), T0 + 61_000)]).await;
    let got = chunks(&mut body, 1).await.concat();
    assert_eq!(
        got,
        "Value format: KAFKA_STRING\n\
rowtime: 2026/12/08 00:01:00.123 Z, key: dev-9, value: hot, partition: 0\n"
    );
}

#[tokio::test]
async fn print_errors_missing_topic_and_non_delimited_accept() {
    let (_dir, _log, app) = print_setup().await;
    for (uri, body) in [
        (
            "/query",
            json!({"ksql": "PRINT 'sensor-readings' FROM BEGINNING;"}),
        ),
        (
            "/query-stream",
            json!({"sql": "PRINT 'sensor-readings' FROM BEGINNING;"}),
        ),
    ] {
        let (status, text) = send(&app, "POST", uri, None, body.to_string()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {text}");
        let error: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(error["error_code"], 40000, "{text}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.starts_with("Topic does not exist: sensor-readings"),
            "{message}"
        );
        assert!(
            message.contains("Did you mean:\n\tprint 'Sensor-Readings';"),
            "{message}"
        );
    }
    // An unquoted name is kept as written, not upper-cased.
    let (status, text) = send(
        &app,
        "POST",
        "/query-stream",
        None,
        json!({"sql": "PRINT sensorReadings;"}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        text.contains("Topic does not exist: sensorReadings."),
        "{text}"
    );
    for accept in ["application/json", "application/vnd.ksql.v1+json"] {
        let (status, text) = send(
            &app,
            "POST",
            "/query-stream",
            Some(accept),
            json!({"sql": "PRINT 'Sensor-Readings' FROM BEGINNING LIMIT 1;"}).to_string(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_ACCEPTABLE, "{accept}: {text}");
    }
    let (status, text) = send(
        &app,
        "POST",
        "/ksql",
        None,
        json!({"ksql": "PRINT 'Sensor-Readings';"}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("40002"), "{text}");
}
