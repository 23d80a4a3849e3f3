//! Deletions on push queries over tables (issue 5, reference 1.5, 1.6 and 3.4): `/query` writes
//! `{"row":{"columns":[…key…, null…],"tombstone":true}}`, `/query-stream` (delimited and JSON)
//! and the SSE feeds drop them. Covers a source table's tombstone, HAVING turning false in a
//! GROUP BY push query, and a push query over a CTAS table whose sink received a tombstone.

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

const USERS: &str = "CREATE TABLE users (id STRING PRIMARY KEY, name STRING, age INT) WITH (kafka_topic='users', value_format='JSON', partitions=1);";
const ORDERS: &str = "CREATE STREAM orders (item STRING KEY, qty INT) WITH (kafka_topic='orders', value_format='JSON', partitions=1);";

/// Produces `records` (JSON `{"key":…,"value":…}` objects, a null value is a tombstone).
async fn produce(app: &Router, topic: &str, records: Value) {
    let req = Request::builder()
        .method("POST")
        .uri(format!("/topics/{topic}/records"))
        .header("content-type", "application/json")
        .body(Body::from(json!({ "records": records }).to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    assert!(
        status.is_success(),
        "{status} {}",
        String::from_utf8_lossy(&bytes)
    );
}

/// Two users, then the first one deleted.
async fn users_with_a_deletion(app: &Router) {
    ksql_ok(app, USERS).await;
    produce(
        app,
        "users",
        json!([
            {"key": "u1", "value": {"NAME": "ann", "AGE": 30}},
            {"key": "u2", "value": {"NAME": "bob", "AGE": 40}},
            {"key": "u1", "value": null},
        ]),
    )
    .await;
}

/// The whole answer of a query that ends (LIMIT) on `uri`, with `accept`.
async fn finished(app: &Router, uri: &str, accept: &str, body: Value) -> String {
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header(
            "content-type",
            "application/vnd.ksql.v1+json; charset=utf-8",
        )
        .header("accept", accept)
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = tokio::time::timeout(Duration::from_secs(10), res.into_body().collect())
        .await
        .expect("the query ends at its LIMIT within 10 s")
        .unwrap()
        .to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The answer of `sql` on `/query` (StreamedRow), from the earliest offset.
async fn legacy(app: &Router, sql: &str) -> String {
    let body =
        json!({"ksql": sql, "streamsProperties": {"ksql.streams.auto.offset.reset": "earliest"}});
    finished(app, "/query", "application/vnd.ksql.v1+json", body).await
}

/// The lines after the header line of a StreamedRow answer.
fn after_header(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').skip(1).collect()
}

#[tokio::test]
async fn source_table_deletion_is_a_tombstone_row_on_query() {
    let (_dir, app) = app().await;
    users_with_a_deletion(&app).await;
    let text = legacy(&app, "SELECT * FROM users EMIT CHANGES LIMIT 3;").await;
    assert!(
        text.starts_with("[{\"header\":{\"queryId\":\"transient_USERS_"),
        "{text}"
    );
    assert_eq!(
        after_header(&text),
        vec![
            "{\"row\":{\"columns\":[\"u1\",\"ann\",30]}},\n",
            "{\"row\":{\"columns\":[\"u2\",\"bob\",40]}},\n",
            "{\"row\":{\"columns\":[\"u1\",null,null],\"tombstone\":true}},\n",
            "{\"finalMessage\":\"Limit Reached\"}]",
        ],
        "{text}"
    );
    // The key fills the key column wherever the projection puts it; anything else is NULL.
    let text = legacy(
        &app,
        "SELECT name, id AS who, age + 1 AS next FROM users EMIT CHANGES LIMIT 3;",
    )
    .await;
    assert_eq!(
        after_header(&text)[2],
        "{\"row\":{\"columns\":[null,\"u1\",null],\"tombstone\":true}},\n",
        "{text}"
    );
}

#[tokio::test]
async fn query_stream_drops_tombstones_in_delimited_and_json() {
    let (_dir, app) = app().await;
    users_with_a_deletion(&app).await;
    let body = json!({"sql": "SELECT * FROM users EMIT CHANGES LIMIT 3;",
                      "properties": {"auto.offset.reset": "earliest"}});
    // The tombstone counts toward LIMIT (it was queued) but is not written.
    let text = finished(
        &app,
        "/query-stream",
        "application/vnd.ksqlapi.delimited.v1",
        body.clone(),
    )
    .await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[1..], ["[\"u1\",\"ann\",30]", "[\"u2\",\"bob\",40]"]);
    let text = finished(&app, "/query-stream", "application/json", body).await;
    let all: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(all[1], json!(["u1", "ann", 30]), "{text}");
    assert_eq!(all[2], json!(["u2", "bob", 40]), "{text}");
    assert_eq!(all.as_array().map(Vec::len), Some(3), "{text}");
}

#[tokio::test]
async fn having_turning_false_sends_a_tombstone_on_query() {
    let (_dir, app) = app().await;
    ksql_ok(&app, ORDERS).await;
    produce(
        &app,
        "orders",
        json!([
            {"key": "a", "value": {"QTY": 1}},
            {"key": "a", "value": {"QTY": 1}},
            {"key": "b", "value": {"QTY": 1}},
        ]),
    )
    .await;
    let text = legacy(
        &app,
        "SELECT COUNT(*) AS n, item FROM orders GROUP BY item HAVING COUNT(*) < 2 EMIT CHANGES LIMIT 3;",
    )
    .await;
    assert_eq!(
        after_header(&text),
        vec![
            "{\"row\":{\"columns\":[1,\"a\"]}},\n",
            "{\"row\":{\"columns\":[null,\"a\"],\"tombstone\":true}},\n",
            "{\"row\":{\"columns\":[1,\"b\"]}},\n",
            "{\"finalMessage\":\"Limit Reached\"}]",
        ],
        "{text}"
    );
    // A windowed aggregation's tombstone carries the window bounds too.
    let text = legacy(
        &app,
        "SELECT item, WINDOWSTART AS ws, COUNT(*) AS n FROM orders WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY item HAVING COUNT(*) < 2 EMIT CHANGES LIMIT 2;",
    )
    .await;
    let lines = after_header(&text);
    assert!(
        lines[1].starts_with("{\"row\":{\"columns\":[\"a\",")
            && lines[1].ends_with(",null],\"tombstone\":true}},\n")
            && !lines[1].contains("[\"a\",null"),
        "{text}"
    );
}

#[tokio::test]
async fn push_query_over_a_ctas_table_sends_its_tombstones() {
    let (_dir, app) = app().await;
    ksql_ok(&app, ORDERS).await;
    ksql_ok(
        &app,
        "CREATE TABLE small AS SELECT item, COUNT(*) AS n FROM orders GROUP BY item HAVING COUNT(*) < 2;",
    )
    .await;
    produce(
        &app,
        "orders",
        json!([
            {"key": "a", "value": {"QTY": 1}},
            {"key": "a", "value": {"QTY": 1}},
            {"key": "b", "value": {"QTY": 1}},
        ]),
    )
    .await;
    let text = legacy(&app, "SELECT * FROM small EMIT CHANGES LIMIT 3;").await;
    assert_eq!(
        after_header(&text),
        vec![
            "{\"row\":{\"columns\":[\"a\",1]}},\n",
            "{\"row\":{\"columns\":[\"a\",null],\"tombstone\":true}},\n",
            "{\"row\":{\"columns\":[\"b\",1]}},\n",
            "{\"finalMessage\":\"Limit Reached\"}]",
        ],
        "{text}"
    );
}

/// The `data:` lines of user rows an SSE answer sends, once it has sent `n` of them.
async fn sse_rows(
    app: &Router,
    uri: &str,
    n: usize,
    after_start: impl std::future::Future<Output = ()>,
) -> Vec<String> {
    let req = Request::builder()
        .method("GET")
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    after_start.await;
    let mut body = res.into_body();
    let mut text = String::new();
    let read = async {
        while text.matches("data: {\"ID\"").count() < n {
            match body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        text.push_str(&String::from_utf8_lossy(&data));
                    }
                }
                _ => break,
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .unwrap_or_else(|_| panic!("{n} rows within 10 s, got {text:?}"));
    text.lines()
        .filter(|l| l.starts_with("data: {\"ID\""))
        .map(str::to_string)
        .collect()
}

const SSE_ROWS: [&str; 3] = [
    "data: {\"ID\":\"u1\",\"NAME\":\"ann\",\"AGE\":30}",
    "data: {\"ID\":\"u2\",\"NAME\":\"bob\",\"AGE\":40}",
    "data: {\"ID\":\"u3\",\"NAME\":\"cy\",\"AGE\":50}",
];

#[tokio::test]
async fn sse_feeds_never_see_tombstones() {
    let (_dir, app) = app().await;
    users_with_a_deletion(&app).await;
    produce(
        &app,
        "users",
        json!([{"key": "u3", "value": {"NAME": "cy", "AGE": 50}}]),
    )
    .await;
    // Its own query, from the earliest offset.
    let uri = "/query-sse?offset=earliest&sql=SELECT%20*%20FROM%20users%20EMIT%20CHANGES%3B";
    let rows = sse_rows(&app, uri, 3, async {}).await;
    assert_eq!(rows, SSE_ROWS);
}

#[tokio::test]
async fn shared_sse_feeds_never_see_tombstones() {
    let (_dir, app) = app().await;
    ksql_ok(&app, USERS).await;
    // The shared query (from latest) the dashboard's viewers use.
    let uri = "/query-sse?sql=SELECT%20*%20FROM%20users%20EMIT%20CHANGES%3B";
    let produced = async {
        produce(
            &app,
            "users",
            json!([
                {"key": "u1", "value": {"NAME": "ann", "AGE": 30}},
                {"key": "u2", "value": {"NAME": "bob", "AGE": 40}},
                {"key": "u1", "value": null},
                {"key": "u3", "value": {"NAME": "cy", "AGE": 50}},
            ]),
        )
        .await;
    };
    let rows = sse_rows(&app, uri, 3, produced).await;
    assert_eq!(rows, SSE_ROWS);
}
