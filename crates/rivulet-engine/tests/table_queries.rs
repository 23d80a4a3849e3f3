//! Queries over TABLEs across restarts, and aggregate push queries over a table.
//!
//! - An aggregation over a table checkpoints, with its groups, the previous row of every source
//!   key; after a restart that restores the checkpoint (and so does not read the records before
//!   it again), an update of a key still undoes that key's old row in its old group.
//! - A table projected from a table with WHERE reloads its sink at start: pull queries answer
//!   at once, and a row that stops matching after the restart still gets its tombstone.
//! - A push query with GROUP BY over a table undoes rows as the persistent query does.

use std::{path::Path, sync::Arc, time::Duration};

use bytes::Bytes;
use rivulet_core::{Record, Value};
use rivulet_engine::{
    checkpoint::CheckpointStore, query::aggregate_runner::decode_state, Engine, EngineConfig,
    QueryStream, Session,
};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    Log, ReadLimits,
};

fn earliest() -> Session {
    let mut session = Session::default();
    session
        .properties
        .insert("auto.offset.reset".into(), "earliest".into());
    session
}

fn config(state: &Path) -> EngineConfig {
    EngineConfig {
        state_dir: Some(state.to_path_buf()),
        checkpoint_interval: Duration::from_millis(1),
        ..EngineConfig::default()
    }
}

async fn pull(engine: &Engine, sql: &str) -> Vec<Vec<Value>> {
    match engine.query(sql, &earliest()).await {
        Ok(QueryStream::Pull(p)) => p.rows,
        Ok(_) => panic!("{sql} is not a pull query"),
        Err(e) => panic!("{sql}: {e:?}"),
    }
}

/// Pulls `sql` until it answers `want` (or a few seconds pass), and returns the last answer.
async fn pull_until(engine: &Engine, sql: &str, want: &[Vec<Value>]) -> Vec<Vec<Value>> {
    let mut rows = Vec::new();
    for _ in 0..300 {
        rows = pull(engine, sql).await;
        if rows == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    rows
}

async fn put(log: &EmbeddedLog, topic: &str, key: &str, value: Option<&str>) {
    let record = Record::new(
        Some(Bytes::from(key.to_string())),
        value.map(|v| Bytes::from(v.to_string())),
        1_000,
    );
    log.append(topic, 0, vec![record]).await.expect("append");
}

/// Every record of partition 0 of `topic` as (key, value) text.
async fn topic_records(log: &EmbeddedLog, topic: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let batch = log
            .read(topic, 0, offset, ReadLimits::default())
            .await
            .expect("read");
        if batch.records.is_empty() {
            return out;
        }
        offset = batch.next_offset;
        for r in batch.records {
            let text = |b: Option<Bytes>| b.map(|b| String::from_utf8_lossy(&b).into_owned());
            out.push((text(r.record.key).unwrap_or_default(), text(r.record.value)));
        }
    }
}

/// Waits until `topic` holds `n` records.
async fn wait_for_records(log: &EmbeddedLog, topic: &str, n: usize) {
    for _ in 0..300 {
        if topic_records(log, topic).await.len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A little longer, so that an extra record would show.
    tokio::time::sleep(Duration::from_millis(50)).await;
}

fn row(region: &str, n: i64, total: i32) -> Vec<Value> {
    vec![Value::from(region), Value::Bigint(n), Value::Int(total)]
}

fn change(key: &str, value: Option<&str>) -> (String, Option<String>) {
    (key.to_string(), value.map(str::to_string))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previous_rows_of_a_table_aggregation_survive_a_checkpoint_restore() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path().join("log"))).expect("log");
    let engine = Engine::open(log.clone() as Arc<dyn Log>, config(&state))
        .await
        .expect("engine");
    engine
        .execute_script(
            "CREATE TABLE users (id STRING PRIMARY KEY, region STRING, x INT) WITH (kafka_topic='users', partitions=1, value_format='JSON');
             CREATE TABLE by_region AS SELECT region, COUNT(*) AS n, SUM(x) AS total FROM users GROUP BY region;",
            &mut earliest(),
        )
        .await
        .expect("statements");
    let query_id = engine
        .persistent_query_ids()
        .await
        .into_iter()
        .next()
        .expect("the CTAS query");
    put(&log, "users", "a", Some(r#"{"REGION":"east","X":5}"#)).await;
    put(&log, "users", "b", Some(r#"{"REGION":"east","X":7}"#)).await;
    let rows = pull_until(&engine, "SELECT * FROM by_region;", &[row("east", 2, 12)]).await;
    assert_eq!(rows, [row("east", 2, 12)]);
    // A later record makes the runner pass a batch boundary and checkpoint everything so far.
    tokio::time::sleep(Duration::from_millis(20)).await;
    put(&log, "users", "c", Some(r#"{"REGION":"north","X":1}"#)).await;
    let store = CheckpointStore::new(&state);
    let mut checkpoint = None;
    for _ in 0..300 {
        checkpoint = store.load(&query_id, 0).expect("checkpoint readable");
        if checkpoint
            .as_ref()
            .is_some_and(|c| c.sources.iter().any(|p| p.offset == 3))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    engine.shutdown().await;
    drop(engine);

    // The checkpoint covers the three records and holds each key's previous row.
    let checkpoint = checkpoint.expect("a checkpoint was written");
    assert_eq!(
        checkpoint
            .sources
            .iter()
            .map(|p| p.offset)
            .collect::<Vec<_>>(),
        [3]
    );
    let saved = decode_state(&checkpoint.state).expect("state decodes");
    let mut previous: Vec<(String, String)> = saved
        .previous
        .iter()
        .map(|(k, p)| {
            let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            (text(k), text(&p.group))
        })
        .collect();
    previous.sort();
    assert_eq!(
        previous,
        [
            ("a".to_string(), "east".to_string()),
            ("b".to_string(), "east".to_string()),
            ("c".to_string(), "north".to_string())
        ]
    );

    // Restarted from the checkpoint (offset 3): moving `a` and deleting `b` undo them in east.
    let engine = Engine::open(log.clone() as Arc<dyn Log>, config(&state))
        .await
        .expect("engine reopens");
    put(&log, "users", "a", Some(r#"{"REGION":"west","X":1}"#)).await;
    put(&log, "users", "b", None).await;
    wait_for_records(&log, "BY_REGION", 6).await;
    assert_eq!(
        topic_records(&log, "BY_REGION").await,
        [
            change("east", Some(r#"{"N":1,"TOTAL":5}"#)),
            change("east", Some(r#"{"N":2,"TOTAL":12}"#)),
            change("north", Some(r#"{"N":1,"TOTAL":1}"#)),
            change("east", Some(r#"{"N":1,"TOTAL":7}"#)),
            change("west", Some(r#"{"N":1,"TOTAL":1}"#)),
            change("east", Some(r#"{"N":0,"TOTAL":0}"#)),
        ]
    );
    let want = [row("east", 0, 0), row("north", 1, 1), row("west", 1, 1)];
    assert_eq!(
        pull_until(&engine, "SELECT * FROM by_region;", &want).await,
        want
    );
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filtered_table_reloads_its_rows_and_tombstones_after_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path().join("log"))).expect("log");
    let engine = Engine::open(log.clone() as Arc<dyn Log>, config(&state))
        .await
        .expect("engine");
    engine
        .execute_script(
            "CREATE TABLE users (id STRING PRIMARY KEY, name STRING, x INT) WITH (kafka_topic='users', partitions=1, value_format='JSON');
             CREATE TABLE positive AS SELECT id, name, x FROM users WHERE x > 0;",
            &mut earliest(),
        )
        .await
        .expect("statements");
    put(&log, "users", "a", Some(r#"{"NAME":"ann","X":1}"#)).await;
    put(&log, "users", "b", Some(r#"{"NAME":"bob","X":2}"#)).await;
    wait_for_records(&log, "POSITIVE", 2).await;
    engine.shutdown().await;
    drop(engine);

    let engine = Engine::open(log.clone() as Arc<dyn Log>, config(&state))
        .await
        .expect("engine reopens");
    let both = [
        vec![Value::from("a"), Value::from("ann"), Value::Int(1)],
        vec![Value::from("b"), Value::from("bob"), Value::Int(2)],
    ];
    assert_eq!(
        pull_until(&engine, "SELECT * FROM positive;", &both).await,
        both
    );
    // `a` stops matching: it was in the result before the restart, so it gets a tombstone;
    // `z` never was, so it gets none.
    put(&log, "users", "a", Some(r#"{"NAME":"ann","X":0}"#)).await;
    put(&log, "users", "z", Some(r#"{"NAME":"zed","X":-1}"#)).await;
    wait_for_records(&log, "POSITIVE", 3).await;
    assert_eq!(
        topic_records(&log, "POSITIVE").await,
        [
            change("a", Some(r#"{"NAME":"ann","X":1}"#)),
            change("b", Some(r#"{"NAME":"bob","X":2}"#)),
            change("a", None),
        ]
    );
    let rest = [both[1].clone()];
    assert_eq!(
        pull_until(&engine, "SELECT * FROM positive;", &rest).await,
        rest
    );
    // `GET /tables/{name}/rows` reads the same rows.
    let (_, rows) = engine
        .table_rows("POSITIVE", None, None)
        .await
        .expect("materialized");
    assert_eq!(rows, rest);
    let (_, rows) = engine
        .table_rows("POSITIVE", Some("a"), None)
        .await
        .expect("materialized");
    assert!(rows.is_empty(), "{rows:?}");
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aggregate_push_query_over_a_table_undoes_previous_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path().join("log"))).expect("log");
    let engine = Engine::open(log.clone() as Arc<dyn Log>, EngineConfig::default())
        .await
        .expect("engine");
    engine
        .execute_script(
            "CREATE TABLE users (id STRING PRIMARY KEY, region STRING, x INT) WITH (kafka_topic='users', partitions=1, value_format='JSON');",
            &mut earliest(),
        )
        .await
        .expect("statements");
    put(&log, "users", "a", Some(r#"{"REGION":"east","X":5}"#)).await;
    put(&log, "users", "b", Some(r#"{"REGION":"east","X":7}"#)).await;
    put(&log, "users", "a", Some(r#"{"REGION":"west","X":1}"#)).await;
    put(&log, "users", "b", None).await;
    let mut push = engine
        .push_query(
            "SELECT region, COUNT(*) AS n, SUM(x) AS total FROM users GROUP BY region EMIT CHANGES LIMIT 5;",
            &earliest(),
        )
        .await
        .expect("push query");
    let mut rows = Vec::new();
    while let Ok(Some(row)) = tokio::time::timeout(Duration::from_secs(5), push.next()).await {
        rows.push(row);
    }
    assert_eq!(
        rows,
        [
            row("east", 1, 5),
            row("east", 2, 12),
            row("east", 1, 7),
            row("west", 1, 1),
            row("east", 0, 0),
        ]
    );
    drop(push);
    engine.shutdown().await;
}
