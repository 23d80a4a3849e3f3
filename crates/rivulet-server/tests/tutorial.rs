//! The ksqlDB tutorial statements that use only streams, push queries, INSERT VALUES, PRINT and
//! the catalog statements run unchanged through the real router, engine and embedded log, and
//! answer with the entity kinds ksqlDB answers (reference, section 5: rows 1, 4, 5, 8–14, 16–18,
//! 35, 36). Rows that need tables with aggregation, joins or pull queries come with issue 5.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use common::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Runs one statement on `/ksql` with the session's properties and variables.
async fn ksql(
    app: &Router,
    sql: &str,
    properties: &Value,
    variables: &Value,
) -> (StatusCode, Value) {
    let body = json!({"ksql": sql, "streamsProperties": properties, "sessionVariables": variables});
    let req = Request::builder()
        .method("POST")
        .uri("/ksql")
        .header("content-type", "application/vnd.ksql.v1+json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Sends `sql` to `/query-stream` and returns the lines that arrive until `lines` are there (the
/// statement may stream forever, as a push query without LIMIT does).
async fn query_stream(app: &Router, sql: &str, properties: &Value, lines: usize) -> Vec<String> {
    query_stream_lines(app, sql, properties, &json!({}), lines).await
}

#[tokio::test]
async fn tutorial_statements_run_unchanged() {
    let (_dir, app) = app().await;
    let none = json!({});
    let earliest = json!({"auto.offset.reset": "earliest"});
    let entity = |body: &Value| body[0]["@type"].as_str().unwrap_or("").to_string();

    // 1
    let (status, body) = ksql(&app, "CREATE STREAM riderLocations (profileId VARCHAR, latitude DOUBLE, longitude DOUBLE) WITH (kafka_topic='locations', value_format='json', partitions=1);", &none, &none).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["commandStatus"]["message"], "Stream created");
    // 5
    for (id, lat, lon) in [
        ("c2309eec", 37.7877, -122.4205),
        ("18f4ea86", 37.3903, -122.0643),
        ("4ab5cbad", 37.3952, -122.0813),
    ] {
        let sql = format!("INSERT INTO riderLocations (profileId, latitude, longitude) VALUES ('{id}', {lat}, {lon});");
        let (status, body) = ksql(&app, &sql, &none, &none).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!([]));
    }
    // 4: riders within 5 of Mountain View (GEO_DISTANCE's default unit is km: 18f4ea86 is 5.2
    // km away, 4ab5cbad 3.6 km).
    let lines = query_stream(&app, "SELECT * FROM riderLocations WHERE GEO_DISTANCE(latitude, longitude, 37.4133, -122.1162) <= 5 EMIT CHANGES;", &earliest, 2).await;
    let header: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(
        header["columnNames"],
        json!(["PROFILEID", "LATITUDE", "LONGITUDE"])
    );
    assert_eq!(lines[1], r#"["4ab5cbad",37.3952,-122.0813]"#);
    // 8
    let (status, body) = ksql(&app, "SET 'auto.offset.reset' = 'earliest';", &none, &none).await;
    assert_eq!((status, body), (StatusCode::OK, json!([])));
    // 9–14
    for (sql, kind) in [
        ("SHOW STREAMS;", "streams"),
        ("LIST STREAMS;", "streams"),
        ("SHOW TABLES;", "tables"),
        ("SHOW QUERIES;", "queries"),
        ("SHOW TOPICS;", "kafka_topics"),
        ("SHOW PROPERTIES;", "properties"),
        ("DESCRIBE riderLocations;", "sourceDescription"),
    ] {
        let (status, body) = ksql(&app, sql, &none, &none).await;
        assert_eq!(status, StatusCode::OK, "{sql}: {body}");
        assert_eq!(entity(&body), kind, "{sql}: {body}");
    }
    // 16
    let lines = query_stream(&app, "PRINT 'locations' FROM BEGINNING LIMIT 3;", &none, 5).await;
    assert!(lines[0].starts_with("Key format: "), "{lines:?}");
    assert!(lines[1].starts_with("Value format: JSON"), "{lines:?}");
    assert!(
        lines[2].contains(
            r#"value: {"PROFILEID":"c2309eec","LATITUDE":37.7877,"LONGITUDE":-122.4205}"#
        ),
        "{lines:?}"
    );
    // 17
    let (status, body) = ksql(&app, "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);", &none, &none).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["commandStatus"]["message"], "Table created");
    // 18 and 35
    let (status, body) = ksql(&app, "CREATE STREAM pageviews (user_id VARCHAR, page VARCHAR) WITH (kafka_topic='pageviews', value_format='JSON', partitions=1);", &none, &none).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = ksql(
        &app,
        "CREATE STREAM pageviews_home AS SELECT * FROM pageviews WHERE user_id = 'home';",
        &none,
        &none,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let query_id = body[0]["commandStatus"]["queryId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(query_id.starts_with("CSAS_PAGEVIEWS_HOME_"), "{query_id}");
    let (_, body) = ksql(&app, "SHOW TOPICS;", &none, &none).await;
    assert!(
        body[0]["topics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "PAGEVIEWS_HOME"),
        "{body}"
    );
    let (status, body) = ksql(&app, &format!("TERMINATE {query_id};"), &none, &none).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(entity(&body), "currentStatus");
    let (status, body) = ksql(
        &app,
        "DROP STREAM IF EXISTS pageviews_home DELETE TOPIC;",
        &none,
        &none,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(entity(&body), "currentStatus");
    // 36
    let (status, body) = ksql(&app, "DEFINE name = 'user';", &none, &none).await;
    assert_eq!((status, body), (StatusCode::OK, json!([])));
    // The client keeps DEFINEd variables and sends them with each request (ksqlDB's CLI and
    // `rivulet sql` do), as `sessionVariables`.
    let lines = query_stream_lines(
        &app,
        "SELECT profileId AS ${name} FROM riderLocations EMIT CHANGES;",
        &earliest,
        &json!({"name": "user"}),
        2,
    )
    .await;
    let header: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(header["columnNames"], json!(["USER"]), "{lines:?}");
    assert_eq!(lines[1], r#"["c2309eec"]"#);
}
