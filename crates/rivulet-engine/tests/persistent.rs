//! Persistent queries end to end over a real embedded log: CREATE STREAM AS SELECT and INSERT
//! INTO … SELECT write the filtered, projected records into their sink topic; SHOW QUERIES lists
//! them, TERMINATE stops them, and a restart resumes them from their committed offsets.

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use rivulet_core::Record;
use rivulet_engine::{Engine, EngineConfig, Entity, Session};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    Log, ReadLimits,
};
use serde_json::{json, Value};

const SEED: &str = "CREATE stream smartphone_sensor_stream (name varchar, time bigint, values_x double, values_y double, values_z double, messageId bigint, sessionId varchar, deviceId varchar) WITH (kafka_topic='smartphone-sensor-data', value_format='JSON', partitions=1);";
const CSAS: &str = "CREATE STREAM accel AS SELECT deviceId, time, values_x FROM smartphone_sensor_stream WHERE name = 'accelerometeruncalibrated';";

fn open(dir: &std::path::Path) -> Arc<EmbeddedLog> {
    EmbeddedLog::open(EmbeddedConfig::new(dir)).expect("log opens")
}

async fn engine(log: &Arc<EmbeddedLog>) -> Arc<Engine> {
    let log: Arc<dyn Log> = log.clone();
    Engine::open(log, EngineConfig::default())
        .await
        .expect("engine opens")
}

async fn run(engine: &Engine, sql: &str) -> Vec<Entity> {
    match engine.execute_script(sql, &mut Session::default()).await {
        Ok(entities) => entities,
        Err(f) => panic!("{sql} failed: {}", f.error),
    }
}

async fn fails(engine: &Engine, sql: &str) -> String {
    match engine.execute_script(sql, &mut Session::default()).await {
        Ok(e) => panic!("{sql} succeeded: {e:?}"),
        Err(f) => f.error.message,
    }
}

fn reading(name: &str, device: &str, time: i64, x: f64) -> Value {
    json!({"name": name, "time": time, "values": {}, "values_x": x, "values_y": 0.5,
        "values_z": 9.8, "messageId": 1, "sessionId": "s-1", "deviceId": device})
}

async fn produce(log: &Arc<EmbeddedLog>, topic: &str, key: Option<&str>, values: &[Value]) {
    let records = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            Record::new(
                key.map(|k| Bytes::from(k.to_string())),
                Some(Bytes::from(v.to_string())),
                1_717_000_000_000 + i as i64,
            )
        })
        .collect();
    log.append(topic, 0, records).await.expect("append");
}

async fn produce_raw(log: &Arc<EmbeddedLog>, topic: &str, value: &str) {
    let record = Record::new(None, Some(Bytes::from(value.to_string())), 1);
    log.append(topic, 0, vec![record]).await.expect("append");
}

/// Every record of a topic's partitions (key, value, timestamp), waiting (up to 10 s) until
/// there are at least `count`, then a little longer to catch extra ones.
async fn sink(
    log: &Arc<EmbeddedLog>,
    topic: &str,
    count: usize,
) -> Vec<(Option<String>, Value, i64)> {
    let read_all = || async {
        let partitions = log
            .describe_topic(topic)
            .await
            .expect("sink topic")
            .partitions;
        let mut out = Vec::new();
        for p in partitions {
            let batch = log
                .read(topic, p.partition, 0, ReadLimits::default())
                .await
                .expect("read");
            for r in batch.records {
                let key = r
                    .record
                    .key
                    .map(|k| String::from_utf8_lossy(&k).into_owned());
                let value = r
                    .record
                    .value
                    .map(|v| serde_json::from_slice(&v).expect("JSON value"))
                    .unwrap_or(Value::Null);
                out.push((key, value, r.record.timestamp));
            }
        }
        out
    };
    for _ in 0..1000 {
        if read_all().await.len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    read_all().await
}

fn values(records: &[(Option<String>, Value, i64)]) -> Vec<Value> {
    records.iter().map(|r| r.1.clone()).collect()
}

#[tokio::test]
async fn csas_filters_and_projects_into_its_sink_topic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path());
    let engine = engine(&log).await;
    run(&engine, SEED).await;
    let created = run(&engine, CSAS).await;
    let status = &created[0];
    assert_eq!(status["@type"], "currentStatus");
    assert_eq!(status["commandId"], "stream/`ACCEL`/create");
    let query_id = status["commandStatus"]["queryId"]
        .as_str()
        .expect("query id")
        .to_string();
    assert!(query_id.starts_with("CSAS_ACCEL_"), "{query_id}");
    assert_eq!(
        status["commandStatus"]["message"],
        format!("Created query with ID {query_id}")
    );
    let described = run(&engine, "DESCRIBE accel;").await;
    assert_eq!(described[0]["sourceDescription"]["topic"], "ACCEL");
    assert_eq!(described[0]["sourceDescription"]["valueFormat"], "JSON");

    produce(
        &log,
        "smartphone-sensor-data",
        None,
        &[
            reading("accelerometeruncalibrated", "phone-1", 100, 0.25),
            reading("gyroscope", "phone-1", 101, 9.0),
            reading("accelerometeruncalibrated", "phone-2", 102, -1.5),
        ],
    )
    .await;
    let out = sink(&log, "ACCEL", 2).await;
    assert_eq!(
        values(&out),
        [
            json!({"DEVICEID": "phone-1", "TIME": 100, "VALUES_X": 0.25}),
            json!({"DEVICEID": "phone-2", "TIME": 102, "VALUES_X": -1.5}),
        ]
    );
    assert_eq!(out[0].0, None);
    assert_eq!(out[0].2, 1_717_000_000_000, "ROWTIME is kept");
    assert_eq!(out[1].2, 1_717_000_000_002);
    engine.shutdown().await;
}

#[tokio::test]
async fn a_bad_record_is_skipped_and_the_query_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path());
    let engine = engine(&log).await;
    run(&engine, SEED).await;
    run(&engine, CSAS).await;
    produce_raw(&log, "smartphone-sensor-data", "{not json").await;
    produce_raw(
        &log,
        "smartphone-sensor-data",
        r#"{"name": "accelerometeruncalibrated", "time": "soon"}"#,
    )
    .await;
    produce(
        &log,
        "smartphone-sensor-data",
        None,
        &[reading("accelerometeruncalibrated", "phone-3", 7, 1.0)],
    )
    .await;
    let out = sink(&log, "ACCEL", 1).await;
    assert_eq!(
        values(&out),
        [json!({"DEVICEID": "phone-3", "TIME": 7, "VALUES_X": 1.0})]
    );
    let shown = run(&engine, "SHOW QUERIES;").await;
    assert_eq!(shown[0]["queries"][0]["state"], "RUNNING");
    engine.shutdown().await;
}

#[tokio::test]
async fn a_projected_key_column_stays_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path());
    let engine = engine(&log).await;
    run(&engine, "CREATE STREAM readings (device VARCHAR KEY, temp DOUBLE, site VARCHAR) WITH (kafka_topic='readings', value_format='JSON', partitions=3);").await;
    run(
        &engine,
        "CREATE STREAM hot WITH (KAFKA_TOPIC='hot-readings') AS SELECT device, temp FROM readings WHERE temp > 30 EMIT CHANGES;",
    )
    .await;
    let described = run(&engine, "DESCRIBE hot;").await;
    let d = &described[0]["sourceDescription"];
    assert_eq!(d["topic"], "hot-readings");
    assert_eq!(d["keyFormat"], "KAFKA");
    assert_eq!(d["partitions"], 3);
    assert_eq!(d["fields"][0]["name"], "DEVICE");
    assert_eq!(d["fields"][0]["type"], "KEY");
    produce(
        &log,
        "readings",
        Some("dev-7"),
        &[
            json!({"temp": 35.5, "site": "a"}),
            json!({"temp": 20.0, "site": "b"}),
        ],
    )
    .await;
    let out = sink(&log, "hot-readings", 1).await;
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0.as_deref(), Some("dev-7"));
    assert_eq!(out[0].1, json!({"TEMP": 35.5}));
    let expected = rivulet_log::partitioner::partition_for_key(b"dev-7", 3);
    let batch = log
        .read("hot-readings", expected, 0, ReadLimits::default())
        .await
        .expect("read");
    assert_eq!(batch.records.len(), 1, "partitioned by murmur2 of the key");
    engine.shutdown().await;
}

#[tokio::test]
async fn insert_into_adds_a_second_writer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path());
    let engine = engine(&log).await;
    run(&engine, SEED).await;
    run(&engine, CSAS).await;
    let inserted = run(&engine, "INSERT INTO accel SELECT deviceId, time, values_x FROM smartphone_sensor_stream WHERE name = 'gyroscope';").await;
    let id = inserted[0]["commandStatus"]["queryId"]
        .as_str()
        .expect("query id");
    assert!(id.starts_with("INSERTQUERY_"), "{id}");
    assert_eq!(inserted[0]["commandId"], "stream/`ACCEL`/create");
    let mismatch = fails(
        &engine,
        "INSERT INTO accel SELECT deviceId, values_x FROM smartphone_sensor_stream;",
    )
    .await;
    assert!(
        mismatch.starts_with("Incompatible schema between results and sink."),
        "{mismatch}"
    );
    produce(
        &log,
        "smartphone-sensor-data",
        None,
        &[
            reading("accelerometeruncalibrated", "a", 1, 1.0),
            reading("gyroscope", "g", 2, 2.0),
            reading("magnetometer", "m", 3, 3.0),
        ],
    )
    .await;
    let mut out = values(&sink(&log, "ACCEL", 2).await);
    out.sort_by_key(|v| v["TIME"].as_i64());
    assert_eq!(
        out,
        [
            json!({"DEVICEID": "a", "TIME": 1, "VALUES_X": 1.0}),
            json!({"DEVICEID": "g", "TIME": 2, "VALUES_X": 2.0}),
        ]
    );
    engine.shutdown().await;
}

#[tokio::test]
async fn show_queries_terminate_and_drop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path());
    let engine = engine(&log).await;
    run(&engine, SEED).await;
    let created = run(&engine, CSAS).await;
    let id = created[0]["commandStatus"]["queryId"]
        .as_str()
        .expect("query id")
        .to_string();
    let shown = run(&engine, "SHOW QUERIES;").await;
    assert_eq!(
        shown[0]["queries"],
        json!([{"queryString": CSAS, "sinks": ["ACCEL"], "sinkKafkaTopics": ["ACCEL"], "id": id,
            "statusCount": {"RUNNING": 1}, "queryType": "PERSISTENT", "state": "RUNNING"}])
    );
    let described = run(
        &engine,
        "DESCRIBE smartphone_sensor_stream EXTENDED; DESCRIBE accel;",
    )
    .await;
    assert_eq!(
        described[0]["sourceDescription"]["readQueries"][0]["id"],
        id
    );
    assert_eq!(described[0]["sourceDescription"]["writeQueries"], json!([]));
    assert_eq!(
        described[0]["sourceDescription"]["deliveryGuarantee"],
        "exactly-once"
    );
    assert!(described[1]["sourceDescription"]
        .get("deliveryGuarantee")
        .is_none());
    assert_eq!(
        described[1]["sourceDescription"]["writeQueries"][0]["id"],
        id
    );
    let push = engine
        .push_query(
            "SELECT deviceId FROM accel EMIT CHANGES;",
            &Session::default(),
        )
        .await
        .expect("push query");
    let shown = run(&engine, "SHOW QUERIES;").await;
    assert_eq!(
        shown[0]["queries"][1],
        json!({"queryString": "SELECT deviceId FROM accel EMIT CHANGES;", "sinks": [],
            "sinkKafkaTopics": [], "id": push.id, "statusCount": {"RUNNING": 1},
            "queryType": "PUSH", "state": "RUNNING"})
    );
    drop(push);
    let refused = fails(&engine, "DROP STREAM accel;").await;
    assert_eq!(
        refused,
        format!("Cannot drop ACCEL.\nThe following queries read from this source: [].\nThe following queries write into this source: [{id}].\nYou need to terminate them before dropping ACCEL.")
    );
    let refused = fails(&engine, "DROP STREAM smartphone_sensor_stream;").await;
    assert!(refused.contains(&format!("read from this source: [{id}]")));
    let terminated = run(&engine, &format!("TERMINATE {id};")).await;
    assert_eq!(
        terminated[0]["commandId"],
        format!("terminate/{id}/execute")
    );
    assert_eq!(
        terminated[0]["commandStatus"]["message"],
        "Query terminated."
    );
    assert_eq!(
        fails(&engine, &format!("TERMINATE {id};")).await,
        format!("Unknown queryId: {id}")
    );
    let shown = run(&engine, "SHOW QUERIES;").await;
    assert_eq!(shown[0]["queries"], json!([]));
    produce(
        &log,
        "smartphone-sensor-data",
        None,
        &[reading("accelerometeruncalibrated", "late", 1, 1.0)],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(sink(&log, "ACCEL", 0).await.is_empty(), "terminated");
    run(&engine, "DROP STREAM accel;").await;

    run(&engine, "CREATE STREAM a1 AS SELECT deviceId FROM smartphone_sensor_stream; CREATE STREAM a2 AS SELECT time FROM smartphone_sensor_stream;").await;
    assert_eq!(engine.persistent_query_ids().await.len(), 2);
    let all = run(&engine, "TERMINATE ALL;").await;
    assert_eq!(all[0]["commandId"], "terminate/ALL/execute");
    assert!(engine.persistent_query_ids().await.is_empty());
    engine.shutdown().await;
}

#[tokio::test]
async fn unsupported_persistent_queries_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path());
    let engine = engine(&log).await;
    run(&engine, SEED).await;
    let limit = fails(
        &engine,
        "CREATE STREAM l AS SELECT deviceId FROM smartphone_sensor_stream LIMIT 3;",
    )
    .await;
    assert_eq!(
        limit,
        "CREATE STREAM AS SELECT statements don't support LIMIT clause."
    );
    assert!(log.describe_topic("L").await.is_err(), "no topic created");
    let own = fails(
        &engine,
        "CREATE STREAM looped WITH (KAFKA_TOPIC='smartphone-sensor-data') AS SELECT * FROM smartphone_sensor_stream;",
    )
    .await;
    assert!(own.contains("cannot write into its own source"), "{own}");
    let table = fails(&engine, "CREATE TABLE t2 (id INT PRIMARY KEY, v INT) WITH (kafka_topic='t2', partitions=1, value_format='JSON'); CREATE STREAM s2 AS SELECT id, v FROM t2;").await;
    assert!(
        table.contains("Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT"),
        "{table}"
    );
    engine.shutdown().await;
}

#[tokio::test]
async fn a_restart_resumes_from_the_committed_offsets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let id;
    {
        let log = open(dir.path());
        let engine = engine(&log).await;
        run(&engine, SEED).await;
        let created = run(&engine, CSAS).await;
        id = created[0]["commandStatus"]["queryId"]
            .as_str()
            .expect("query id")
            .to_string();
        run(
            &engine,
            "CREATE STREAM gone AS SELECT deviceId FROM smartphone_sensor_stream;",
        )
        .await;
        run(&engine, "TERMINATE ALL;").await;
        run(&engine, "DROP STREAM gone;").await;
        run(&engine, CSAS.replacen("accel", "accel2", 1).as_str()).await;
        produce(
            &log,
            "smartphone-sensor-data",
            None,
            &[
                reading("accelerometeruncalibrated", "before", 1, 1.0),
                reading("accelerometeruncalibrated", "before", 2, 2.0),
            ],
        )
        .await;
        assert_eq!(sink(&log, "ACCEL2", 2).await.len(), 2);
        engine.shutdown().await;
        drop(engine);
        log.close();
    }
    let log = open(dir.path());
    let engine = engine(&log).await;
    let ids = engine.persistent_query_ids().await;
    assert_eq!(ids.len(), 1, "terminated queries stay terminated: {ids:?}");
    assert!(ids[0].starts_with("CSAS_ACCEL2_"));
    assert_ne!(ids[0], id);
    let shown = run(&engine, "SHOW QUERIES;").await;
    assert_eq!(shown[0]["queries"][0]["state"], "RUNNING");
    produce(
        &log,
        "smartphone-sensor-data",
        None,
        &[reading("accelerometeruncalibrated", "after", 3, 3.0)],
    )
    .await;
    let out = values(&sink(&log, "ACCEL2", 3).await);
    assert_eq!(
        out,
        [
            json!({"DEVICEID": "before", "TIME": 1, "VALUES_X": 1.0}),
            json!({"DEVICEID": "before", "TIME": 2, "VALUES_X": 2.0}),
            json!({"DEVICEID": "after", "TIME": 3, "VALUES_X": 3.0}),
        ],
        "no duplicates, nothing lost"
    );
    engine.shutdown().await;
}

#[tokio::test]
async fn records_written_while_down_are_not_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let log = open(dir.path());
        let engine = engine(&log).await;
        run(&engine, SEED).await;
        produce(
            &log,
            "smartphone-sensor-data",
            None,
            &[reading("accelerometeruncalibrated", "old", 1, 1.0)],
        )
        .await;
        run(&engine, CSAS).await;
        engine.shutdown().await;
        drop(engine);
        produce(
            &log,
            "smartphone-sensor-data",
            None,
            &[reading("accelerometeruncalibrated", "while-down", 2, 2.0)],
        )
        .await;
        log.close();
    }
    let log = open(dir.path());
    let engine = engine(&log).await;
    let out = values(&sink(&log, "ACCEL", 1).await);
    assert_eq!(
        out,
        [json!({"DEVICEID": "while-down", "TIME": 2, "VALUES_X": 2.0})],
        "started at latest when created, resumed from the position committed then"
    );
    engine.shutdown().await;
}
