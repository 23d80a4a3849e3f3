//! Pull queries (issue 5) through the real router, engine and embedded log: answered from the
//! materialized state of CTAS tables on `/query` (ksqlDB's byte layout: ` KEY` markers, no
//! finalMessage) and `/query-stream`, plus `GET /tables/{name}/rows`. Reference section 5,
//! rows 7 (key lookup) and 33 (windowed pull with WINDOWSTART/WINDOWEND bounds).

mod common;

use std::time::Duration;

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use common::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Sends one request and returns the status and the whole body as text.
async fn send(app: &Router, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, String) {
    let mut req = Request::builder().method(method).uri(uri);
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    let req = req
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = tokio::time::timeout(Duration::from_secs(10), res.into_body().collect())
        .await
        .expect("a finite response")
        .unwrap()
        .to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn ksql(app: &Router, sql: &str) {
    let body =
        json!({"ksql": sql, "streamsProperties": {"ksql.streams.auto.offset.reset": "earliest"}});
    let (status, text) = send(app, "POST", "/ksql", Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{sql}: {text}");
}

/// `/query` with no Accept header (the legacy StreamedRow array).
async fn query(app: &Router, sql: &str) -> (StatusCode, String) {
    send(app, "POST", "/query", Some(json!({"ksql": sql}))).await
}

/// Replaces the `query_<millis>` id so bodies compare exactly.
fn without_id(text: &str) -> String {
    let Some(start) = text.find("\"query_") else {
        return text.to_string();
    };
    let end = text[start + 1..]
        .find('"')
        .map_or(text.len(), |e| start + 2 + e);
    format!("{}\"ID\"{}", &text[..start], &text[end..])
}

/// Asks `/query` until the body (id removed) equals `expected` (the CTAS runs in the
/// background); fails with the last body after 10 s.
async fn pull_until(app: &Router, sql: &str, expected: &str) {
    let mut last = String::new();
    for _ in 0..200 {
        let (status, text) = query(app, sql).await;
        assert_eq!(status, StatusCode::OK, "{sql}: {text}");
        last = without_id(&text);
        if last == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{sql}\nexpected: {expected}\nlast:     {last}");
}

async fn rider_locations(app: &Router) {
    ksql(app, "CREATE STREAM riderLocations (profileId VARCHAR, latitude DOUBLE, longitude DOUBLE) WITH (kafka_topic='locations', value_format='json', partitions=1);").await;
    ksql(app, "CREATE TABLE currentLocation AS SELECT profileId, LATEST_BY_OFFSET(latitude) AS la, LATEST_BY_OFFSET(longitude) AS lo FROM riderlocations GROUP BY profileId EMIT CHANGES;").await;
    for (id, la, lo) in [
        ("c2309eec", 37.7877, -122.4205),
        ("18f4ea86", 37.3903, -122.0643),
        ("4ab5cbad", 37.3, -122.0),
        ("8b6eae59", 37.3944, -122.0813),
        ("4a7c7b41", 37.4049, -122.0822),
        ("4ddad000", 37.7857, -122.4011),
        ("4ab5cbad", 37.3952, -122.0813),
    ] {
        ksql(app, &format!("INSERT INTO riderLocations (profileId, latitude, longitude) VALUES ('{id}', {la}, {lo});")).await;
    }
}

#[tokio::test]
async fn tutorial_row_7_key_lookup_has_ksqldb_query_layout() {
    let (_dir, app) = app().await;
    rider_locations(&app).await;
    // The latest value of the key (it was updated), exact bytes: KEY marker, no finalMessage.
    pull_until(
        &app,
        "SELECT * FROM currentLocation WHERE profileId = '4ab5cbad';",
        "[{\"header\":{\"queryId\":\"ID\",\"schema\":\"`PROFILEID` STRING KEY, `LA` DOUBLE, `LO` DOUBLE\"}},\n{\"row\":{\"columns\":[\"4ab5cbad\",37.3952,-122.0813]}}]",
    )
    .await;
    // IN and a projection.
    let (status, text) = query(
        &app,
        "SELECT profileId, lo FROM currentLocation WHERE profileId IN ('8b6eae59', 'c2309eec');",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        without_id(&text),
        "[{\"header\":{\"queryId\":\"ID\",\"schema\":\"`PROFILEID` STRING KEY, `LO` DOUBLE\"}},\n{\"row\":{\"columns\":[\"8b6eae59\",-122.0813]}},\n{\"row\":{\"columns\":[\"c2309eec\",-122.4205]}}]"
    );
    // A key that is not there: header only.
    let (_, text) = query(
        &app,
        "SELECT * FROM currentLocation WHERE profileId = 'nope';",
    )
    .await;
    assert_eq!(
        without_id(&text),
        "[{\"header\":{\"queryId\":\"ID\",\"schema\":\"`PROFILEID` STRING KEY, `LA` DOUBLE, `LO` DOUBLE\"}}]"
    );
}

#[tokio::test]
async fn table_scan_with_where_and_limit_on_query_stream() {
    let (_dir, app) = app().await;
    rider_locations(&app).await;
    pull_until(
        &app,
        "SELECT profileId FROM currentLocation WHERE la > 37.7;",
        "[{\"header\":{\"queryId\":\"ID\",\"schema\":\"`PROFILEID` STRING KEY\"}},\n{\"row\":{\"columns\":[\"4ddad000\"]}},\n{\"row\":{\"columns\":[\"c2309eec\"]}}]",
    )
    .await;
    // Six keys materialized; LIMIT 2 answers two of them, as delimited lines on /query-stream.
    let (status, text) = send(
        &app,
        "POST",
        "/query-stream",
        Some(json!({"sql": "SELECT * FROM currentLocation LIMIT 2;"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let header: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(header["columnNames"], json!(["PROFILEID", "LA", "LO"]));
    assert_eq!(header["columnTypes"], json!(["STRING", "DOUBLE", "DOUBLE"]));
    assert!(header["queryId"]
        .as_str()
        .unwrap_or("")
        .starts_with("query_"));
    assert_eq!(lines[1], "[\"18f4ea86\",37.3903,-122.0643]");
    assert_eq!(lines[2], "[\"4a7c7b41\",37.4049,-122.0822]");
    // The full scan has all six.
    let (_, text) = query(&app, "SELECT * FROM currentLocation;").await;
    assert_eq!(text.matches("{\"row\"").count(), 6, "{text}");
}

#[tokio::test]
async fn table_rows_endpoint_reads_the_store() {
    let (_dir, app) = app().await;
    rider_locations(&app).await;
    pull_until(
        &app,
        "SELECT profileId FROM currentLocation WHERE profileId = '4ddad000';",
        "[{\"header\":{\"queryId\":\"ID\",\"schema\":\"`PROFILEID` STRING KEY\"}},\n{\"row\":{\"columns\":[\"4ddad000\"]}}]",
    )
    .await;
    let mut last = String::new();
    for _ in 0..200 {
        let (status, text) = send(
            &app,
            "GET",
            "/tables/currentLocation/rows?key=4ab5cbad",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        last = text;
        if last.contains("37.3952") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let body: Value = serde_json::from_str(&last).unwrap();
    assert_eq!(
        body,
        json!({"table": "CURRENTLOCATION",
            "columns": [{"name": "PROFILEID", "type": "STRING", "key": true},
                        {"name": "LA", "type": "DOUBLE", "key": false},
                        {"name": "LO", "type": "DOUBLE", "key": false}],
            "rows": [{"PROFILEID": "4ab5cbad", "LA": 37.3952, "LO": -122.0813}],
            "count": 1})
    );
    let (status, text) = send(&app, "GET", "/tables/CURRENTLOCATION/rows?limit=2", None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["count"], 2, "{text}");
    let (status, text) = send(&app, "GET", "/tables/nope/rows", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
}

#[tokio::test]
async fn unsupported_pull_queries_answer_ksqldb_errors() {
    let (_dir, app) = app().await;
    rider_locations(&app).await;
    let (status, text) = query(&app, "SELECT * FROM currentLocation WHERE ROWOFFSET = 1;").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["@type"], "statement_error");
    assert_eq!(body["error_code"], 40001);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("Pull queries don't support ROWPARTITION or ROWOFFSET in WHERE clauses."),
        "{text}"
    );
    let (status, text) = query(
        &app,
        "SELECT profileId, COUNT(*) FROM currentLocation GROUP BY profileId;",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(
        text.contains("Pull queries don't support GROUP BY clauses."),
        "{text}"
    );
    // A plain CREATE TABLE over a topic is not materialized.
    ksql(&app, "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR) WITH (kafka_topic='users', value_format='json', partitions=1);").await;
    let (status, text) = query(&app, "SELECT * FROM users WHERE id = 1;").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        body["message"],
        "The `USERS` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_USERS AS SELECT * FROM USERS'. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.",
        "{text}"
    );
    assert_eq!(body["error_code"], 40001, "{text}");
    let (status, text) = send(&app, "GET", "/tables/users/rows", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    // Once its query is terminated, a CTAS table is no longer materialized either.
    let (status, _) = query(&app, "SELECT * FROM currentLocation;").await;
    assert_eq!(status, StatusCode::OK);
    ksql(&app, "TERMINATE ALL;").await;
    let (status, text) = query(&app, "SELECT * FROM currentLocation;").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(
        text.contains("The `CURRENTLOCATION` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_CURRENTLOCATION AS SELECT * FROM CURRENTLOCATION'."),
        "{text}"
    );
}

#[tokio::test]
async fn tutorial_row_33_windowed_pull_with_window_bounds() {
    let (_dir, app) = app().await;
    ksql(&app, "CREATE STREAM STUDENTS (ID STRING KEY, SCORE INT) WITH (kafka_topic='students', value_format='json', partitions=1);").await;
    ksql(&app, "CREATE TABLE NUMBER_OF_TESTS AS SELECT ID, COUNT(1) AS COUNT FROM STUDENTS WINDOW TUMBLING(SIZE 1 SECOND) GROUP BY ID;").await;
    for (id, ts) in [
        ("10", 50),
        ("10", 1100),
        ("11", 1200),
        ("10", 1500),
        ("10", 5200),
        ("10", 20000),
    ] {
        ksql(
            &app,
            &format!("INSERT INTO STUDENTS (ROWTIME, ID, SCORE) VALUES ({ts}, '{id}', 1);"),
        )
        .await;
    }
    // Windows [0,1000) (starts before 100) and [20000,21000) (ends after 16000) are outside.
    pull_until(
        &app,
        "SELECT * FROM NUMBER_OF_TESTS WHERE ID='10' AND 100 <= WindowStart AND WindowEnd <= 16000;",
        "[{\"header\":{\"queryId\":\"ID\",\"schema\":\"`ID` STRING KEY, `WINDOWSTART` BIGINT KEY, `WINDOWEND` BIGINT KEY, `COUNT` BIGINT\"}},\n{\"row\":{\"columns\":[\"10\",1000,2000,2]}},\n{\"row\":{\"columns\":[\"10\",5000,6000,1]}}]",
    )
    .await;
    let (status, text) = send(&app, "GET", "/tables/NUMBER_OF_TESTS/rows?key=11", None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        body["rows"],
        json!([{"ID": "11", "COUNT": 1, "window": {"start": 1000, "end": 2000}}]),
        "{text}"
    );
}

#[tokio::test]
async fn source_tables_are_materialized_latest_per_key() {
    let (_dir, app) = app().await;
    ksql(&app, "CREATE SOURCE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR) WITH (kafka_topic='users', value_format='json', partitions=1);").await;
    for (key, value) in [(1, "ann"), (2, "bob"), (1, "anna"), (3, "cy")] {
        let body = json!({"records": [{"key": key, "value": {"NAME": value}}]});
        let (status, text) = send(&app, "POST", "/topics/users/records", Some(body)).await;
        assert!(status.is_success(), "{text}");
    }
    // A tombstone deletes key 3.
    let body = json!({"records": [{"key": 3, "value": null}]});
    let (status, text) = send(&app, "POST", "/topics/users/records", Some(body)).await;
    assert!(status.is_success(), "{text}");
    pull_until(
        &app,
        "SELECT * FROM users;",
        "[{\"header\":{\"queryId\":\"ID\",\"schema\":\"`ID` BIGINT KEY, `NAME` STRING\"}},\n{\"row\":{\"columns\":[1,\"anna\"]}},\n{\"row\":{\"columns\":[2,\"bob\"]}}]",
    )
    .await;
    pull_until(
        &app,
        "SELECT name FROM users WHERE id = 2;",
        "[{\"header\":{\"queryId\":\"ID\",\"schema\":\"`NAME` STRING\"}},\n{\"row\":{\"columns\":[\"bob\"]}}]",
    )
    .await;
}
