//! Windowed tables through the router (issue 5): `GET /topics/{topic}/records` shows the window
//! of each windowed key beside the key, and `SELECT * FROM <windowed table> EMIT CHANGES`
//! exposes WINDOWSTART and WINDOWEND after the key columns (reference 3.1, 3.3). Session
//! tables show each session's start and end, retractions as null values, and `DESCRIBE`'s
//! `windowType` SESSION.

mod common;

use std::time::Duration;

use axum::{http::StatusCode, Router};
use common::*;
use serde_json::{json, Value};

const ORDERS: &str = "CREATE STREAM orders (item_id VARCHAR KEY, quantity INT) WITH (kafka_topic='orders', value_format='JSON', partitions=1);";
const SUMS: &str = "CREATE TABLE item_sums WITH (kafka_topic='item_sums') AS SELECT item_id, SUM(quantity) AS total FROM orders WINDOW TUMBLING (SIZE 20 SECONDS) GROUP BY item_id EMIT CHANGES;";

/// The records of `topic` partition 0, waiting until there are at least `n`.
async fn records(app: &Router, topic: &str, n: usize) -> Vec<Value> {
    let read = async {
        loop {
            let (status, text) = call(
                app,
                "GET",
                &format!("/topics/{topic}/records?offset=0&timeout_ms=200"),
                String::new(),
            )
            .await;
            if status == StatusCode::OK {
                let answer: Value = serde_json::from_str(&text).unwrap();
                let records = answer["records"].as_array().cloned().unwrap_or_default();
                if records.len() >= n {
                    return records;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .unwrap_or_else(|_| panic!("{n} records on {topic} within 10 s"))
}

/// The first `lines` lines of a `/query-stream` answer, from the earliest offset.
async fn query_stream(app: &Router, sql: &str, lines: usize) -> Vec<String> {
    let earliest = json!({"auto.offset.reset": "earliest"});
    query_stream_lines(app, sql, &earliest, &json!({}), lines).await
}

async fn windowed_table(app: &Router) {
    ksql_ok(app, ORDERS).await;
    ksql_ok(app, SUMS).await;
    for (ts, item, q) in [(1_000, "a", 2), (5_000, "a", 4), (25_000, "a", 3)] {
        ksql_ok(
            app,
            &format!(
                "INSERT INTO orders (ROWTIME, item_id, quantity) VALUES ({ts}, '{item}', {q});"
            ),
        )
        .await;
    }
}

#[tokio::test]
async fn topic_records_of_a_windowed_table_show_the_window_beside_the_key() {
    let (_dir, app) = app().await;
    windowed_table(&app).await;
    let got = records(&app, "item_sums", 3).await;
    let shown: Vec<Value> = got
        .iter()
        .map(|r| json!([r["key"], r["window"], r["value"]]))
        .collect();
    assert_eq!(
        shown,
        vec![
            json!(["a", {"start": 0, "end": 20_000}, {"TOTAL": 2}]),
            json!(["a", {"start": 0, "end": 20_000}, {"TOTAL": 6}]),
            json!(["a", {"start": 20_000, "end": 40_000}, {"TOTAL": 3}]),
        ]
    );
    // Unwindowed topics carry no window.
    let input = records(&app, "orders", 3).await;
    assert!(input.iter().all(|r| r.get("window").is_none()), "{input:?}");
}

#[tokio::test]
async fn push_query_over_a_windowed_table_shows_window_bounds() {
    let (_dir, app) = app().await;
    windowed_table(&app).await;
    records(&app, "item_sums", 3).await;
    let lines = query_stream(&app, "SELECT * FROM item_sums EMIT CHANGES;", 4).await;
    let header: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(
        header["columnNames"],
        json!(["ITEM_ID", "WINDOWSTART", "WINDOWEND", "TOTAL"])
    );
    assert_eq!(
        header["columnTypes"],
        json!(["STRING", "BIGINT", "BIGINT", "INTEGER"])
    );
    let rows: Vec<Value> = lines[1..]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        rows,
        vec![
            json!(["a", 0, 20_000, 2]),
            json!(["a", 0, 20_000, 6]),
            json!(["a", 20_000, 40_000, 3]),
        ]
    );
    // Selected by name, in any order.
    let lines = query_stream(
        &app,
        "SELECT windowend, item_id, windowstart FROM item_sums EMIT CHANGES;",
        2,
    )
    .await;
    assert_eq!(
        serde_json::from_str::<Value>(&lines[1]).unwrap(),
        json!([20_000, "a", 0])
    );
}

/// The value of the sample `name` (with its labels, exactly as rendered) in `/metrics`.
async fn metric(app: &Router, name: &str) -> Option<f64> {
    let (status, text) = call(app, "GET", "/metrics", String::new()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text.matches("# EOF").count(), 1, "{text}");
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

/// Polls `/metrics` until `name` reaches `want`.
async fn metric_reaches(app: &Router, name: &str, want: f64) {
    let wait = async {
        while metric(app, name).await != Some(want) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    if tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .is_err()
    {
        let (_, text) = call(app, "GET", "/metrics", String::new()).await;
        panic!("{name} did not reach {want} within 10 s:\n{text}");
    }
}

#[tokio::test]
async fn metrics_count_late_records_and_processing_log_entries() {
    let (_dir, app) = app().await;
    ksql_ok(&app, ORDERS).await;
    ksql_ok(&app, "CREATE TABLE late_sums WITH (kafka_topic='late_sums') AS SELECT item_id, SUM(quantity) AS total FROM orders WINDOW TUMBLING (SIZE 20 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY item_id EMIT CHANGES;").await;
    let (_, text) = call(&app, "GET", "/metrics", String::new()).await;
    let id = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("rivulet_late_records_dropped_total{query=\"")?
                .split('"')
                .next()
        })
        .unwrap_or_else(|| panic!("a late-records sample per query:\n{text}"))
        .to_string();
    assert!(id.starts_with("CTAS_LATE_SUMS"), "{id}");
    let late = format!("rivulet_late_records_dropped_total{{query=\"{id}\"}}");
    assert_eq!(metric(&app, &late).await, Some(0.0));
    let before = metric(&app, "rivulet_processing_log_records_total")
        .await
        .expect("processing log counter");
    assert_eq!(
        metric(&app, "rivulet_processing_log_records_dropped_total").await,
        Some(0.0)
    );

    // Stream time 25 s closes [0, 20 s) (grace 0): the records at 1 s and 2 s come late.
    for (ts, q) in [(25_000, 1), (1_000, 2), (2_000, 3), (30_000, 4)] {
        ksql_ok(
            &app,
            &format!("INSERT INTO orders (ROWTIME, item_id, quantity) VALUES ({ts}, 'a', {q});"),
        )
        .await;
    }
    records(&app, "late_sums", 2).await;
    metric_reaches(&app, &late, 2.0).await;

    // A value the JSON format cannot read goes to the processing log.
    let (status, text) = call(
        &app,
        "POST",
        "/topics/orders/records?raw=true",
        json!({"records": [{"key": "a", "value": "not json {"}]}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    metric_reaches(&app, "rivulet_processing_log_records_total", before + 1.0).await;
}

#[tokio::test]
async fn session_tables_show_start_and_end_describe_session_and_count_late_records() {
    let (_dir, app) = app().await;
    ksql_ok(&app, ORDERS).await;
    ksql_ok(&app, "CREATE TABLE item_sessions WITH (kafka_topic='item_sessions') AS SELECT item_id, SUM(quantity) AS total FROM orders WINDOW SESSION (20 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY item_id EMIT CHANGES;").await;
    let (status, text) = call(
        &app,
        "POST",
        "/ksql",
        json!({"ksql": "DESCRIBE item_sessions;"}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let described: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(described[0]["sourceDescription"]["windowType"], "SESSION");
    // 1 s and 15 s merge; 60 s starts a session and closes [1 s, 15 s] (gap 20 s, grace 0):
    // the record at 10 s comes late.
    for (ts, q) in [(1_000, 2), (15_000, 3), (60_000, 1), (10_000, 5)] {
        ksql_ok(
            &app,
            &format!("INSERT INTO orders (ROWTIME, item_id, quantity) VALUES ({ts}, 'a', {q});"),
        )
        .await;
    }
    let got = records(&app, "item_sessions", 4).await;
    let shown: Vec<Value> = got
        .iter()
        .map(|r| json!([r["key"], r["window"], r["value"], r["timestamp"]]))
        .collect();
    assert_eq!(
        shown,
        vec![
            json!(["a", {"start": 1_000, "end": 1_000}, {"TOTAL": 2}, 1_000]),
            json!(["a", {"start": 1_000, "end": 1_000}, null, 15_000]),
            json!(["a", {"start": 1_000, "end": 15_000}, {"TOTAL": 5}, 15_000]),
            json!(["a", {"start": 60_000, "end": 60_000}, {"TOTAL": 1}, 60_000]),
        ]
    );
    let (_, text) = call(&app, "GET", "/metrics", String::new()).await;
    let id = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("rivulet_late_records_dropped_total{query=\"")?
                .split('"')
                .next()
        })
        .unwrap_or_else(|| panic!("a late-records sample per query:\n{text}"))
        .to_string();
    let late = format!("rivulet_late_records_dropped_total{{query=\"{id}\"}}");
    metric_reaches(&app, &late, 1.0).await;
}
