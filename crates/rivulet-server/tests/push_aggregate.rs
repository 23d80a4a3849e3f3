//! Aggregate push queries through `/query-stream` (issue 5): the tutorial's windowed GROUP BY
//! push queries (reference section 5, rows 20, 21, 25) emit every update to the client at once
//! (reference 3.3, 3.10).

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

const ORDERS: &str = "CREATE STREAM orders (item_id VARCHAR KEY, quantity INT, order_zipcode VARCHAR, orderId INT) WITH (kafka_topic='orders', value_format='JSON', partitions=1);";

/// The first `lines` lines of a `/query-stream` answer, from the earliest offset.
async fn query_stream(app: &Router, sql: &str, lines: usize) -> Vec<String> {
    let earliest = json!({"auto.offset.reset": "earliest"});
    query_stream_lines(app, sql, &earliest, &json!({}), lines).await
}

async fn insert(app: &Router, rows: &[(i64, &str, i32)]) {
    for (i, (ts, item, q)) in rows.iter().enumerate() {
        ksql_ok(
            app,
            &format!(
                "INSERT INTO orders (ROWTIME, item_id, quantity, order_zipcode, orderId) VALUES ({ts}, '{item}', {q}, 'z{item}', {i});"
            ),
        )
        .await;
    }
}

fn rows(lines: &[String]) -> Vec<Value> {
    lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn tumbling_group_by_push_query_emits_every_update() {
    let (_dir, app) = app().await;
    ksql_ok(&app, ORDERS).await;
    insert(
        &app,
        &[
            (1_000, "a", 2),
            (5_000, "a", 4),
            (25_000, "a", 3),
            (6_000, "b", 1),
        ],
    )
    .await;
    let lines = query_stream(&app, "SELECT windowstart, windowend, item_id, SUM(quantity) FROM orders WINDOW TUMBLING (SIZE 20 SECONDS) GROUP BY item_id EMIT CHANGES;", 5).await;
    let header: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(
        header["columnNames"],
        json!(["WINDOWSTART", "WINDOWEND", "ITEM_ID", "KSQL_COL_0"])
    );
    assert_eq!(
        header["columnTypes"],
        json!(["BIGINT", "BIGINT", "STRING", "INTEGER"])
    );
    assert_eq!(
        rows(&lines[1..]),
        vec![
            json!([0, 20_000, "a", 2]),
            json!([0, 20_000, "a", 6]),
            json!([20_000, 40_000, "a", 3]),
            json!([0, 20_000, "b", 1]),
        ]
    );
}

#[tokio::test]
async fn push_query_from_latest_aggregates_only_new_records() {
    let (_dir, app) = app().await;
    ksql_ok(&app, ORDERS).await;
    insert(&app, &[(1_000, "a", 100)]).await;
    let body = json!({"sql": "SELECT item_id, SUM(quantity) AS total FROM orders GROUP BY item_id EMIT CHANGES;", "properties": {}});
    let req = Request::builder()
        .method("POST")
        .uri("/query-stream")
        .header("accept", "application/vnd.ksqlapi.delimited.v1")
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    let mut text = String::new();
    let read = async {
        let mut inserted = false;
        while text.lines().count() < 3 {
            if text.lines().count() == 1 && !inserted {
                inserted = true;
                insert(&app, &[(2_000, "a", 2), (3_000, "a", 5)]).await;
            }
            if let Some(Ok(frame)) = body.frame().await {
                if let Ok(data) = frame.into_data() {
                    text.push_str(&String::from_utf8_lossy(&data));
                }
            } else {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .unwrap_or_else(|_| panic!("3 lines within 10 s, got {text:?}"));
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert_eq!(rows(&lines[1..]), vec![json!(["a", 2]), json!(["a", 7])]);
}

#[tokio::test]
async fn hopping_group_by_push_query_updates_each_window() {
    let (_dir, app) = app().await;
    ksql_ok(&app, ORDERS).await;
    insert(&app, &[(7_000, "a", 2), (12_000, "a", 3)]).await;
    let lines = query_stream(&app, "SELECT windowstart, windowend, item_id, SUM(quantity) FROM orders WINDOW HOPPING (SIZE 20 SECONDS, ADVANCE BY 5 SECONDS) GROUP BY item_id EMIT CHANGES;", 6).await;
    let mut got = rows(&lines[1..]);
    // 7 s lies in the windows starting at 0 and 5 s; 12 s in those at 0, 5 and 10 s.
    got[..2].sort_by_key(|r| r[0].as_i64());
    got[2..].sort_by_key(|r| r[0].as_i64());
    assert_eq!(
        got,
        vec![
            json!([0, 20_000, "a", 2]),
            json!([5_000, 25_000, "a", 2]),
            json!([0, 20_000, "a", 5]),
            json!([5_000, 25_000, "a", 5]),
            json!([10_000, 30_000, "a", 3]),
        ]
    );
}

#[tokio::test]
async fn tutorial_row_25_window_bounds_and_max_rowtime() {
    let (_dir, app) = app().await;
    ksql_ok(&app, ORDERS).await;
    insert(
        &app,
        &[(1_000, "a", 1), (61_000, "a", 1), (400_000, "a", 1)],
    )
    .await;
    let lines = query_stream(&app, "SELECT order_zipcode, from_unixtime(WINDOWSTART) as Window_Start, from_unixtime(WINDOWEND) as Window_End, from_unixtime(max(ROWTIME)) as Window_Emit, count(orderId) as number_of_orders FROM orders WINDOW TUMBLING (SIZE 5 minute, GRACE PERIOD 1 minute) GROUP BY order_zipcode EMIT CHANGES;", 4).await;
    let header: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(
        header["columnNames"],
        json!([
            "ORDER_ZIPCODE",
            "WINDOW_START",
            "WINDOW_END",
            "WINDOW_EMIT",
            "NUMBER_OF_ORDERS"
        ])
    );
    let got = rows(&lines[1..]);
    let shown: Vec<Value> = got.iter().map(|r| json!([r[0], r[4]])).collect();
    assert_eq!(
        shown,
        vec![json!(["za", 1]), json!(["za", 2]), json!(["za", 1])]
    );
    assert_eq!(got[1][1], got[0][1], "same window start");
    assert_ne!(got[1][3], got[0][3], "MAX(ROWTIME) moved");
    assert_ne!(got[2][1], got[0][1], "the next window");
}
