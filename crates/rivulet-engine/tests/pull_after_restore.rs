//! A pull query after a restart that restored a checkpoint answers for every key, not only the
//! keys updated since the restart: the table's store is refilled from the restored state.

use std::time::Duration;

use bytes::Bytes;
use rivulet_core::{Record, Value};
use rivulet_engine::{Engine, EngineConfig, QueryStream, Session};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    Log,
};

fn earliest() -> Session {
    let mut session = Session::default();
    session
        .properties
        .insert("auto.offset.reset".into(), "earliest".into());
    session
}

async fn pull(engine: &Engine, sql: &str) -> Vec<Vec<Value>> {
    match engine.query(sql, &earliest()).await {
        Ok(QueryStream::Pull(p)) => p.rows,
        Ok(_) => panic!("{sql} is not a pull query"),
        Err(e) => panic!("{sql}: {e:?}"),
    }
}

#[tokio::test]
async fn every_key_is_answered_after_a_checkpoint_restore() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let config = || EngineConfig {
        state_dir: Some(state.clone()),
        checkpoint_interval: Duration::from_millis(1),
        ..EngineConfig::default()
    };
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path().join("log"))).expect("log");
    let engine = Engine::open(log.clone(), config()).await.expect("engine");
    engine
        .execute_script(
            "CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
             CREATE TABLE t AS SELECT id, LATEST_BY_OFFSET(v) AS v FROM s GROUP BY id EMIT CHANGES;",
            &mut earliest(),
        )
        .await
        .expect("statements");
    let records = (0..3)
        .map(|i| {
            Record::new(
                Some(Bytes::from(format!("k{i}"))),
                Some(Bytes::from(format!("{{\"v\":{i}}}"))),
                1_000 + i,
            )
        })
        .collect();
    log.append("s", 0, records).await.expect("append");
    let mut rows = Vec::new();
    for _ in 0..500 {
        rows = pull(&engine, "SELECT * FROM t;").await;
        if rows.len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(rows.len(), 3, "{rows:?}");
    // A checkpoint covering all three is written within a few milliseconds of the last batch;
    // a later record makes the runner pass a batch boundary and save it.
    tokio::time::sleep(Duration::from_millis(50)).await;
    log.append(
        "s",
        0,
        vec![Record::new(
            Some(Bytes::from("k0")),
            Some(Bytes::from("{\"v\":10}")),
            2_000,
        )],
    )
    .await
    .expect("append");
    tokio::time::sleep(Duration::from_millis(200)).await;
    engine.shutdown().await;
    drop(engine);
    assert!(
        std::fs::read_dir(&state).map(|d| d.count()).unwrap_or(0) > 0,
        "a checkpoint was written"
    );

    let engine = Engine::open(log.clone(), config())
        .await
        .expect("engine reopens");
    let mut rows = Vec::new();
    for _ in 0..200 {
        rows = pull(&engine, "SELECT * FROM t;").await;
        if rows.len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    rows.sort_by_key(|r| format!("{r:?}"));
    assert_eq!(
        rows,
        vec![
            vec![Value::from("k0"), Value::Int(10)],
            vec![Value::from("k1"), Value::Int(1)],
            vec![Value::from("k2"), Value::Int(2)],
        ]
    );
    engine.shutdown().await;
}
