//! A pull query after a restart that restored a checkpoint answers for every key, not only the
//! keys updated since the restart: the table's store is refilled from the restored state.

use std::{sync::Arc, time::Duration};

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

/// The same over a 3-partition source, whose query runs in two stages: the store is fed by
/// every second-stage task, before and after a restart (checkpoints restored, or replay).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_key_of_a_two_stage_query_is_answered_before_and_after_a_restart() {
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
            "CREATE STREAM s (id STRING KEY, k STRING, v INT) WITH (kafka_topic='s', partitions=3, value_format='JSON');
             CREATE TABLE t AS SELECT k, COUNT(*) AS n, SUM(v) AS total FROM s GROUP BY k EMIT CHANGES;",
            &mut earliest(),
        )
        .await
        .expect("statements");
    // 12 keys, each on every partition: 3 records a key, summing to 3 * key + 36.
    for j in 0..36i64 {
        let record = Record::new(
            Some(Bytes::from(format!("id{j}"))),
            Some(Bytes::from(format!("{{\"k\":\"k{}\",\"v\":{j}}}", j % 12))),
            1_000 + j,
        );
        log.append("s", (j % 3) as u32, vec![record])
            .await
            .expect("append");
    }
    let want = |extra: i64| -> Vec<Vec<Value>> {
        let mut rows: Vec<Vec<Value>> = (0..12i64)
            .map(|k| {
                let (n, total) = if k == 0 {
                    (3 + extra, 36 + 100 * extra)
                } else {
                    (3, 3 * k + 36)
                };
                vec![
                    Value::from(format!("k{k}").as_str()),
                    Value::Bigint(n),
                    Value::Bigint(total),
                ]
            })
            .collect();
        rows.sort_by_key(|r| format!("{r:?}"));
        rows
    };
    let answered = |engine: Arc<Engine>, want: Vec<Vec<Value>>| async move {
        let mut rows = Vec::new();
        for _ in 0..500 {
            rows = pull(&engine, "SELECT * FROM t;").await;
            rows.sort_by_key(|r| format!("{r:?}"));
            if rows == want {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(rows, want);
    };
    answered(engine.clone(), want(0)).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    engine.shutdown().await;
    drop(engine);

    let engine = Engine::open(log.clone(), config())
        .await
        .expect("engine reopens");
    answered(engine.clone(), want(0)).await;
    let record = Record::new(
        Some(Bytes::from("late")),
        Some(Bytes::from("{\"k\":\"k0\",\"v\":100}")),
        5_000,
    );
    log.append("s", 1, vec![record]).await.expect("append");
    answered(engine.clone(), want(1)).await;
    engine.shutdown().await;
}
