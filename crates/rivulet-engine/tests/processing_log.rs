//! The processing log end to end over a real embedded log: records that fail inside a
//! persistent query or a push query land in `KSQL_PROCESSING_LOG`, which is queried like any
//! stream, with the error, topic, partition and offset; the queries keep running.

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use rivulet_core::{Record, Value};
use rivulet_engine::{Engine, EngineConfig, Session};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    Log, ReadLimits,
};

async fn setup() -> (tempfile::TempDir, Arc<EmbeddedLog>, Arc<Engine>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).expect("log opens");
    let engine = Engine::open(log.clone(), EngineConfig::default())
        .await
        .expect("engine opens");
    (dir, log, engine)
}

fn earliest() -> Session {
    let mut session = Session::default();
    session
        .properties
        .insert("auto.offset.reset".into(), "earliest".into());
    session
}

async fn run(engine: &Engine, sql: &str) {
    if let Err(f) = engine.execute_script(sql, &mut earliest()).await {
        panic!("{sql} failed: {}", f.error);
    }
}

async fn produce(log: &EmbeddedLog, topic: &str, values: &[&str]) {
    let records = values
        .iter()
        .map(|v| Record::new(None, Some(Bytes::from(v.to_string())), 1_000))
        .collect();
    log.append(topic, 0, records).await.expect("append");
}

const QUERY: &str = "SELECT logger, message->type AS type, \
    message->deserializationError->target AS target, \
    message->deserializationError->errorMessage AS error, \
    message->deserializationError->`TOPIC` AS src, \
    message->deserializationError->`PARTITION` AS p, \
    message->deserializationError->`OFFSET` AS o \
    FROM KSQL_PROCESSING_LOG EMIT CHANGES;";

/// The records of `topic`'s partition 0 once it has any (up to 5 s).
async fn first_records(log: &EmbeddedLog, topic: &str) -> Vec<rivulet_core::LoggedRecord> {
    let mut out = Vec::new();
    for _ in 0..500 {
        out = log
            .read(topic, 0, 0, ReadLimits::default())
            .await
            .expect("read")
            .records;
        if !out.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    out
}

async fn next_row(query: &mut rivulet_engine::PushQuery) -> Vec<Value> {
    tokio::time::timeout(Duration::from_secs(10), query.next())
        .await
        .expect("a processing-log row within 10 s")
        .expect("the query runs")
}

#[tokio::test]
async fn failed_records_of_a_persistent_query_are_queryable() {
    let (_dir, log, engine) = setup().await;
    run(
        &engine,
        "CREATE STREAM s (a INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
    )
    .await;
    run(&engine, "CREATE STREAM o AS SELECT a FROM s;").await;
    produce(&log, "s", &["not json", r#"{"a":"x"}"#, r#"{"a":3}"#]).await;

    let mut query = engine
        .push_query(QUERY, &earliest())
        .await
        .expect("the processing log is a stream");
    let mut rows = [next_row(&mut query).await, next_row(&mut query).await];
    rows.sort_by_key(|r| format!("{:?}", r[6]));
    for (row, offset) in rows.iter().zip([0i64, 1]) {
        let Value::String(logger) = &row[0] else {
            panic!("logger is a string: {row:?}");
        };
        assert!(
            logger.starts_with("processing.CSAS_O_") && logger.ends_with(".deserializer"),
            "{logger}"
        );
        assert_eq!(row[1], Value::Int(0), "DESERIALIZATION_ERROR: {row:?}");
        assert_eq!(row[2], Value::from("value"));
        assert!(
            matches!(&row[3], Value::String(m) if !m.is_empty()),
            "{row:?}"
        );
        assert_eq!(row[4], Value::from("s"));
        assert_eq!(row[5], Value::Int(0));
        assert_eq!(row[6], Value::Bigint(offset));
    }

    // The query kept running: the good record is in its sink.
    let out = first_records(&log, "O").await;
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].record.value.as_deref(), Some(&b"{\"A\":3}"[..]));
    engine.shutdown().await;
}

#[tokio::test]
async fn a_bad_value_in_a_column_the_query_does_not_read_still_fails_the_record() {
    // Decoders skip building unused columns but check them: the record fails as in ksqlDB,
    // which deserializes the whole row.
    let (_dir, log, engine) = setup().await;
    run(
        &engine,
        "CREATE STREAM s (a INT, b DOUBLE, c STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
    )
    .await;
    run(&engine, "CREATE STREAM o AS SELECT a FROM s;").await;
    produce(
        &log,
        "s",
        &[
            r#"{"a":1,"b":"oops","c":"x"}"#,
            r#"{"a":2,"b":"2.5","c":[1]}"#,
        ],
    )
    .await;
    let mut query = engine
        .push_query(QUERY, &earliest())
        .await
        .expect("the processing log is a stream");
    let row = next_row(&mut query).await;
    assert_eq!(row[6], Value::Bigint(0), "{row:?}");
    assert!(
        matches!(&row[3], Value::String(m) if m.contains("DOUBLE")),
        "{row:?}"
    );
    let out = first_records(&log, "O").await;
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].record.value.as_deref(), Some(&b"{\"A\":2}"[..]));
    engine.shutdown().await;
}

#[tokio::test]
async fn failed_records_of_a_push_query_are_logged_and_it_goes_on() {
    let (_dir, log, engine) = setup().await;
    run(
        &engine,
        "CREATE STREAM s (a INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);",
    )
    .await;
    produce(&log, "s", &["{", r#"{"a":5}"#]).await;
    let mut push = engine
        .push_query("SELECT a FROM s EMIT CHANGES;", &earliest())
        .await
        .expect("push query");
    assert_eq!(next_row(&mut push).await, vec![Value::Int(5)]);
    let mut logged = engine
        .push_query(QUERY, &earliest())
        .await
        .expect("the processing log is a stream");
    let row = next_row(&mut logged).await;
    let Value::String(logger) = &row[0] else {
        panic!("logger is a string: {row:?}");
    };
    assert!(logger.starts_with("processing.transient_S_"), "{logger}");
    assert_eq!(
        (row[4].clone(), row[6].clone()),
        (Value::from("s"), Value::Bigint(0))
    );
}

#[tokio::test]
async fn the_processing_log_stream_survives_a_restart_and_is_declared_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    for _ in 0..2 {
        let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).expect("log opens");
        let engine = Engine::open(log.clone(), EngineConfig::default())
            .await
            .expect("engine opens");
        let shown = engine
            .execute_script("SHOW STREAMS;", &mut Session::default())
            .await
            .expect("show streams");
        assert_eq!(shown[0]["streams"].as_array().map(Vec::len), Some(1));
        assert_eq!(shown[0]["streams"][0]["name"], "KSQL_PROCESSING_LOG");
        assert_eq!(
            log.describe_topic("default_ksql_processing_log")
                .await
                .expect("topic")
                .partitions
                .len(),
            1
        );
        engine.shutdown().await;
        drop(engine);
        log.close();
        drop(log);
    }
}
