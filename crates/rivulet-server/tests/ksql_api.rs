//! ksqlDB's REST API for statements through the real router, engine and embedded log: the
//! bodies, status codes and error objects ksqlDB clients (ksql-python) rely on.

use std::sync::Arc;

use axum::{
    body::Body,
    http::{Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use rivulet_engine::{Engine, EngineConfig};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    Log, TopicSpec,
};
use rivulet_server::{AppState, Metrics, ServerSettings};
use serde_json::{json, Value};
use tower::ServiceExt;

async fn app_over(log: Arc<EmbeddedLog>) -> Router {
    let engine = Engine::open(log.clone(), EngineConfig::default())
        .await
        .unwrap();
    rivulet_server::router(AppState::new(
        ServerSettings::default(),
        log,
        engine,
        Arc::new(Metrics::new()),
    ))
}

async fn send(app: &Router, method: &str, uri: &str, body: &str) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(
            "content-type",
            "application/vnd.ksql.v1+json; charset=utf-8",
        )
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

async fn ksql(app: &Router, sql: &str) -> (StatusCode, Value) {
    send(
        app,
        "POST",
        "/ksql",
        &json!({"ksql": sql, "streamsProperties": {}}).to_string(),
    )
    .await
}

/// ksql-python's exact CREATE for the phone stream.
const SEED_CREATE: &str = "CREATE stream smartphone_sensor_stream (name varchar, time bigint, values_x double, values_y double, values_z double, messageId bigint, sessionId varchar, deviceId varchar) WITH (kafka_topic='smartphone-sensor-data', value_format='JSON');";

async fn setup() -> (tempfile::TempDir, Arc<EmbeddedLog>, Router) {
    let dir = tempfile::tempdir().unwrap();
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).unwrap();
    log.create_topic(TopicSpec::new("smartphone-sensor-data", 1))
        .await
        .unwrap();
    let app = app_over(log.clone()).await;
    (dir, log, app)
}

#[tokio::test]
async fn info_and_health_have_ksqldb_shapes() {
    let (_dir, _log, app) = setup().await;
    let (status, info) = send(&app, "GET", "/info", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["KsqlServerInfo"]["version"], "0.29.0");
    assert_eq!(info["KsqlServerInfo"]["serverStatus"], "RUNNING");
    assert_eq!(info["rivulet"]["deliveryGuarantee"], "exactly-once");
    let (_, health) = send(&app, "GET", "/healthcheck", "").await;
    assert_eq!(health["isHealthy"], true);
    assert_eq!(health["serverState"], "READY");
    let (status, cluster) = send(&app, "GET", "/clusterStatus", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        cluster["clusterStatus"]["127.0.0.1:8088"]["hostAlive"],
        true
    );
}

#[tokio::test]
async fn seed_create_show_describe_and_drop() {
    let (_dir, log, app) = setup().await;
    let (status, body) = ksql(&app, "show streams;").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body[0]["@type"], "streams");
    // The processing log is declared at start, as ksqlDB's quickstarts have it.
    assert_eq!(body[0]["streams"].as_array().map(Vec::len), Some(1));
    assert_eq!(body[0]["streams"][0]["name"], "KSQL_PROCESSING_LOG");
    assert_eq!(
        body[0]["streams"][0]["topic"],
        "default_ksql_processing_log"
    );

    let (status, body) = ksql(&app, SEED_CREATE).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let created = &body[0];
    assert_eq!(created["@type"], "currentStatus");
    assert_eq!(created["statementText"], SEED_CREATE);
    assert_eq!(
        created["commandId"],
        "stream/`SMARTPHONE_SENSOR_STREAM`/create"
    );
    assert_eq!(created["commandStatus"]["status"], "SUCCESS");
    assert_eq!(created["commandStatus"]["message"], "Stream created");
    assert_eq!(created["commandStatus"]["queryId"], Value::Null);
    assert!(created["commandSequenceNumber"].as_i64().unwrap() >= 0);
    assert_eq!(created["warnings"], json!([]));

    let (_, body) = ksql(&app, "show streams;").await;
    assert_eq!(
        body[0]["streams"][1],
        json!({"type": "STREAM", "name": "SMARTPHONE_SENSOR_STREAM", "topic": "smartphone-sensor-data",
                "keyFormat": "KAFKA", "valueFormat": "JSON", "isWindowed": false})
    );

    let (status, body) = ksql(&app, "DESCRIBE smartphone_sensor_stream;").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let d = &body[0]["sourceDescription"];
    assert_eq!(body[0]["@type"], "sourceDescription");
    assert_eq!(d["name"], "SMARTPHONE_SENSOR_STREAM");
    assert_eq!(d["type"], "STREAM");
    assert_eq!(d["partitions"], 1);
    let names: Vec<&str> = d["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "NAME",
            "TIME",
            "VALUES_X",
            "VALUES_Y",
            "VALUES_Z",
            "MESSAGEID",
            "SESSIONID",
            "DEVICEID"
        ]
    );
    assert_eq!(
        d["fields"][1]["schema"],
        json!({"type": "BIGINT", "fields": null, "memberSchema": null})
    );
    assert!(d["fields"][0].get("type").is_none());

    let (status, status_body) = send(
        &app,
        "GET",
        "/status/stream/SMARTPHONE_SENSOR_STREAM/create",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(status_body["message"], "Stream created");

    let (status, body) = ksql(&app, "DROP STREAM smartphone_sensor_stream;").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["commandId"], "stream/SMARTPHONE_SENSOR_STREAM/drop");
    assert_eq!(
        body[0]["commandStatus"]["message"],
        "Source SMARTPHONE_SENSOR_STREAM (topic: smartphone-sensor-data) was dropped."
    );
    // The topic stays unless DELETE TOPIC is asked.
    assert!(log.describe_topic("smartphone-sensor-data").await.is_ok());
    let (status, body) = ksql(&app, "DESCRIBE smartphone_sensor_stream;").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["@type"], "statement_error");
    assert_eq!(body["error_code"], 40001);
    assert_eq!(
        body["message"],
        "Could not find STREAM/TABLE 'SMARTPHONE_SENSOR_STREAM' in the Metastore"
    );
}

#[tokio::test]
async fn errors_name_position_code_and_keep_earlier_entities() {
    let (_dir, _log, app) = setup().await;
    let (status, body) = ksql(&app, "SELEC * FROM x;").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["@type"], "statement_error");
    assert_eq!(body["error_code"], 40001);
    assert!(
        body["message"].as_str().unwrap().starts_with("line 1:1:"),
        "{body}"
    );
    assert_eq!(body["statementText"], "SELEC * FROM x;");

    let (status, body) = ksql(&app, "SELECT * FROM s EMIT CHANGES;").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_code"], 40002);

    // The first statement runs; the second fails on line 2 and carries the first's entity.
    let script = format!(
        "{SEED_CREATE}\nCREATE STREAM s2 (a INT) WITH (kafka_topic='nope', value_format='JSON');"
    );
    let (status, body) = ksql(&app, &script).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Topic 'nope' does not exist"),
        "{body}"
    );
    assert_eq!(
        body["entities"][0]["commandStatus"]["message"],
        "Stream created"
    );

    let (status, body) = ksql(
        &app,
        "CREATE STREAM s3 (a INT) WITH (kafka_topic='smartphone-sensor-data');",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("VALUE_FORMAT"),
        "{body}"
    );

    let (status, body) = send(&app, "POST", "/ksql", "{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_code"], 40000);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("Invalid JSON in request: "));

    let (status, body) = ksql(&app, SEED_CREATE).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a second CREATE of the same name fails: {body}"
    );
    let (status, body) = ksql(
        &app,
        &SEED_CREATE.replace("CREATE stream", "CREATE stream IF NOT EXISTS"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body[0]["warnings"][0]["message"],
        "A stream with the same name already exists."
    );
}

#[tokio::test]
async fn tables_topics_properties_and_variables() {
    let (_dir, log, app) = setup().await;
    let (status, body) = ksql(
        &app,
        "CREATE TABLE latest (device_id VARCHAR PRIMARY KEY, temperature DOUBLE, event_ts BIGINT) \
         WITH (KAFKA_TOPIC='device_status', VALUE_FORMAT='JSON', PARTITIONS=3, TIMESTAMP='event_ts');",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["commandStatus"]["message"], "Table created");
    assert_eq!(
        log.describe_topic("device_status")
            .await
            .unwrap()
            .partitions
            .len(),
        3
    );
    let (_, body) = ksql(&app, "SHOW TABLES; DESCRIBE latest;").await;
    assert_eq!(body[0]["tables"][0]["name"], "LATEST");
    assert_eq!(body[1]["sourceDescription"]["fields"][0]["type"], "KEY");
    assert_eq!(body[1]["sourceDescription"]["timestamp"], "EVENT_TS");
    assert_eq!(body[1]["sourceDescription"]["partitions"], 3);

    let (_, body) = ksql(&app, "SHOW TOPICS;").await;
    let topics: Vec<&str> = body[0]["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        topics,
        [
            "default_ksql_processing_log",
            "device_status",
            "smartphone-sensor-data"
        ]
    );
    assert_eq!(body[0]["topics"][1]["replicaInfo"], json!([1, 1, 1]));

    let (status, body) = ksql(&app, "SET 'auto.offset.reset'='earliest'; SHOW PROPERTIES;").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body.as_array().unwrap().len(),
        1,
        "SET contributes no entity"
    );
    let props = body[0]["properties"].as_array().unwrap();
    let reset = props
        .iter()
        .find(|p| p["name"] == "ksql.streams.auto.offset.reset")
        .unwrap();
    assert_eq!(reset["value"], "earliest");
    // Rivulet's idle-partition timeout is listed with the engine's default (30 s).
    let idle = props
        .iter()
        .find(|p| p["name"] == "rivulet.watermark.idle.timeout.ms")
        .unwrap();
    assert_eq!(
        (idle["value"].clone(), idle["level"].clone()),
        (json!("30000"), json!("QUERY"))
    );

    let (status, body) = ksql(
        &app,
        "DEFINE t = 'device_status'; DESCRIBE ${t}; UNDEFINE nothing;",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, body) = ksql(&app, "UNDEFINE nothing;").await;
    assert_eq!(body[0]["@type"], "warning_entity");

    let (status, body) = ksql(
        &app,
        "CREATE TABLE bad (a INT KEY) WITH (KAFKA_TOPIC='device_status', VALUE_FORMAT='JSON');",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("PRIMARY KEY"),
        "{body}"
    );
    let (status, _) = ksql(&app, "DROP TABLE latest DELETE TOPIC;").await;
    assert_eq!(status, StatusCode::OK);
    assert!(log.describe_topic("device_status").await.is_err());
}

#[tokio::test]
async fn the_catalog_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).unwrap();
        log.create_topic(TopicSpec::new("smartphone-sensor-data", 1))
            .await
            .unwrap();
        let app = app_over(log.clone()).await;
        assert_eq!(ksql(&app, SEED_CREATE).await.0, StatusCode::OK);
        let (status, _) = ksql(&app, "CREATE STREAM gone (a INT) WITH (kafka_topic='g', partitions=1, value_format='JSON'); DROP STREAM gone;").await;
        assert_eq!(status, StatusCode::OK);
        drop(app);
        log.close();
    }
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).unwrap();
    let app = app_over(log.clone()).await;
    let (_, body) = ksql(&app, "SHOW STREAMS;").await;
    let names: Vec<&str> = body[0]["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["KSQL_PROCESSING_LOG", "SMARTPHONE_SENSOR_STREAM"]);
    let (_, body) = ksql(&app, "DESCRIBE smartphone_sensor_stream;").await;
    assert_eq!(body[0]["sourceDescription"]["statement"], SEED_CREATE);
}

#[tokio::test]
async fn functions_are_listed_and_described_and_queries_explained() {
    let (_dir, _log, app) = setup().await;
    let (status, body) = ksql(&app, "SHOW FUNCTIONS;").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["@type"], "function_names");
    let names: Vec<&str> = body[0]["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"GEO_DISTANCE") && names.contains(&"CONCAT"),
        "{names:?}"
    );
    let (status, body) = ksql(&app, "DESCRIBE FUNCTION geo_distance;").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["name"], "GEO_DISTANCE");
    assert!(!body[0]["functions"].as_array().unwrap().is_empty());
    let (status, body) = ksql(&app, "DESCRIBE FUNCTION no_such_thing;").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("NO_SUCH_THING"),
        "{body}"
    );

    ksql(&app, SEED_CREATE).await;
    let (status, body) = ksql(&app, "EXPLAIN SELECT deviceId, values_x * 2 AS x2 FROM smartphone_sensor_stream WHERE name = 'gyroscope' EMIT CHANGES;").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let d = &body[0]["queryDescription"];
    assert_eq!(body[0]["@type"], "queryDescription");
    assert_eq!(d["sources"], json!(["SMARTPHONE_SENSOR_STREAM"]));
    assert_eq!(d["fields"][1]["name"], "X2");
    assert!(
        d["executionPlan"].as_str().unwrap().contains("Filter:"),
        "{d}"
    );
}

#[tokio::test]
async fn show_functions_lists_ksqldb_categories() {
    let (_dir, _log, app) = setup().await;
    let (status, body) = ksql(&app, "SHOW FUNCTIONS;").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let functions = body[0]["functions"].as_array().unwrap();
    let category = |name: &str| {
        functions
            .iter()
            .find(|f| f["name"] == name)
            .map(|f| f["category"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(category("ABS"), "MATHEMATICAL");
    assert_eq!(category("GEO_DISTANCE"), "MATHEMATICAL");
    assert_eq!(category("CONCAT"), "STRING");
    assert_eq!(category("REGEXP_REPLACE"), "REGULAR EXPRESSION");
    assert_eq!(category("TIMESTAMPTOSTRING"), "DATE / TIME");
    assert_eq!(category("IFNULL"), "CONDITIONAL");
    assert_eq!(category("ARRAY_CONTAINS"), "ARRAY");
    assert_eq!(category("MAP_VALUES"), "MAP");
    assert_eq!(category("FILTER"), "LAMBDA");
    assert_eq!(category("JSON_KEYS"), "JSON");
    assert_eq!(category("BIGINT_FROM_BYTES"), "CONVERSIONS");
    assert_eq!(category("TOPK"), "AGGREGATE");
    assert_eq!(category("HISTOGRAM"), "AGGREGATE");
    assert!(
        functions.iter().all(|f| {
            let aggregate = f["category"] == "AGGREGATE";
            f["type"] == if aggregate { "AGGREGATE" } else { "SCALAR" } && f["category"].is_string()
        }),
        "{body}"
    );
    let (status, body) = ksql(&app, "DESCRIBE FUNCTION stddev_sample;").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["name"], "STDDEV_SAMPLE");
    assert_eq!(body[0]["type"], "AGGREGATE");
    assert_eq!(body[0]["functions"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn explain_of_a_persistent_query_and_show_queries_extended() {
    let (_dir, _log, app) = setup().await;
    ksql(&app, SEED_CREATE).await;
    let csas = "CREATE STREAM gyro WITH (KAFKA_TOPIC='gyro-out') AS SELECT deviceId, values_x * 2 AS x2 FROM smartphone_sensor_stream WHERE name = 'gyroscope';";
    let (status, body) = ksql(&app, csas).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id = body[0]["commandStatus"]["queryId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(id.starts_with("CSAS_GYRO_"), "{id}");

    let explain = format!("EXPLAIN {};", id.to_ascii_lowercase());
    let (status, body) = ksql(&app, &explain).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["@type"], "queryDescription");
    assert_eq!(body[0]["statementText"], explain);
    let d = &body[0]["queryDescription"];
    assert_eq!(d["id"], id.as_str());
    assert_eq!(d["statementText"], csas);
    assert_eq!(d["windowType"], Value::Null);
    assert_eq!(d["sources"], json!(["SMARTPHONE_SENSOR_STREAM"]));
    assert_eq!(d["sinks"], json!(["GYRO"]));
    assert_eq!(d["queryType"], "PERSISTENT");
    assert_eq!(d["state"], "RUNNING");
    assert_eq!(
        d["ksqlHostQueryStatus"],
        json!({"localhost:8088": "RUNNING"})
    );
    assert_eq!(d["consumerGroupId"], format!("_rivulet-query-{id}"));
    assert_eq!(d["queryErrors"], json!([]));
    assert_eq!(d["tasksMetadata"], json!([]));
    assert_eq!(d["overriddenProperties"], json!({}));
    assert_eq!(
        d["fields"],
        json!([
            {"name": "DEVICEID", "schema": {"type": "STRING", "fields": null, "memberSchema": null}},
            {"name": "X2", "schema": {"type": "DOUBLE", "fields": null, "memberSchema": null}},
        ])
    );
    let plan = d["executionPlan"].as_str().unwrap();
    assert!(plan.contains("Filter:"), "{plan}");
    assert!(plan.contains("SMARTPHONE_SENSOR_STREAM"), "{plan}");
    let topology = d["topology"].as_str().unwrap();
    assert!(
        topology.contains("(topics: [smartphone-sensor-data])")
            && topology.contains("Sink: GYRO (topic: gyro-out)"),
        "{topology}"
    );

    let (status, body) = ksql(&app, "SHOW QUERIES EXTENDED;").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["@type"], "query_descriptions");
    assert_eq!(body[0]["queryDescriptions"], json!([d]));

    let (status, body) = ksql(&app, "EXPLAIN CSAS_NOPE_99;").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["@type"], "statement_error");
    assert_eq!(body["error_code"], 40001);
    assert_eq!(
        body["message"],
        "Query with id:CSAS_NOPE_99 does not exist, use SHOW QUERIES to view the full set of queries."
    );

    ksql(&app, &format!("TERMINATE {id};")).await;
    let (_, body) = ksql(&app, "SHOW QUERIES EXTENDED;").await;
    assert_eq!(body[0]["queryDescriptions"], json!([]));
}
