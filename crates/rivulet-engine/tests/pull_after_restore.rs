//! A pull query after a restart that restored a checkpoint answers for every key, not only the
//! keys updated since the restart: the table's store is refilled from the restored state (an
//! EMIT CHANGES table) or from the sink topic (an EMIT FINAL table, whose state no longer holds
//! the windows it emitted).

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

/// Runs `ctas` (a table T over stream S) on `records` (key, value JSON, time), waits until a
/// pull query answers `expected` rows and a checkpoint covers them, restarts the engine and
/// returns the pull answers before and after the restart.
async fn pull_before_and_after_restart(
    ctas: &str,
    records: &[(&str, &str, i64)],
    expected: usize,
) -> (Vec<Vec<Value>>, Vec<Vec<Value>>) {
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
            &format!("CREATE STREAM s (id STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON'); {ctas}"),
            &mut earliest(),
        )
        .await
        .expect("statements");
    let to_record = |(key, value, time): &(&str, &str, i64)| {
        Record::new(
            Some(Bytes::from(key.to_string())),
            Some(Bytes::from(value.to_string())),
            *time,
        )
    };
    log.append("s", 0, records.iter().map(to_record).collect())
        .await
        .expect("append");
    let mut before = Vec::new();
    for _ in 0..500 {
        before = pull(&engine, "SELECT * FROM t;").await;
        if before.len() == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(before.len(), expected, "{before:?}");
    // A later record (closing nothing) makes the runner pass a batch boundary and save a
    // checkpoint covering everything so far.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let last = records.last().map_or(0, |r| r.2);
    log.append("s", 0, vec![to_record(&("zz", "{\"v\":0}", last))])
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
    // Give a (wrong) replay time to settle before comparing.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = pull(&engine, "SELECT * FROM t;").await;
    engine.shutdown().await;
    (before, after)
}

/// Two keys in the window [0, 10 s), then a record at 15 s that closes it (grace 0).
const CLOSING: &[(&str, &str, i64)] = &[
    ("k0", "{\"v\":1}", 1_000),
    ("k0", "{\"v\":2}", 2_000),
    ("k1", "{\"v\":3}", 3_000),
    ("k2", "{\"v\":4}", 15_000),
];

#[tokio::test]
async fn emit_final_tumbling_table_answers_its_final_windows_after_a_restore() {
    let (before, after) = pull_before_and_after_restart(
        "CREATE TABLE t AS SELECT id, COUNT(*) AS n, SUM(v) AS total FROM s WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY id EMIT FINAL;",
        CLOSING,
        2,
    )
    .await;
    assert_eq!(
        before,
        vec![
            vec![
                Value::from("k0"),
                Value::Bigint(0),
                Value::Bigint(10_000),
                Value::Bigint(2),
                Value::Int(3)
            ],
            vec![
                Value::from("k1"),
                Value::Bigint(0),
                Value::Bigint(10_000),
                Value::Bigint(1),
                Value::Int(3)
            ],
        ]
    );
    assert_eq!(after, before);
}

#[tokio::test]
async fn emit_final_hopping_table_answers_its_final_windows_after_a_restore() {
    let (before, after) = pull_before_and_after_restart(
        "CREATE TABLE t AS SELECT id, COUNT(*) AS n FROM s WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY id EMIT FINAL;",
        CLOSING,
        2,
    )
    .await;
    assert_eq!(after, before);
}

#[tokio::test]
async fn emit_final_session_table_answers_its_final_sessions_after_a_restore() {
    let (before, after) = pull_before_and_after_restart(
        "CREATE TABLE t AS SELECT id, COUNT(*) AS n FROM s WINDOW SESSION (5 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY id EMIT FINAL;",
        CLOSING,
        2,
    )
    .await;
    assert_eq!(after, before);
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
