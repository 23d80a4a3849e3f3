//! Session windows end to end through the engine, beyond the golden SQL cases: the tutorial's
//! push query (row 22), an EMIT FINAL push query, `DESCRIBE` and `EXPLAIN` of session windows,
//! the late-records counter behind `rivulet_late_records_dropped_total`, and pull queries after
//! a checkpoint restore.

use std::{sync::atomic::Ordering, time::Duration};

use bytes::Bytes;
use rivulet_core::{Record, Value};
use rivulet_engine::{query::PushItem, Engine, EngineConfig, QueryStream, Session};
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

fn record(key: &str, value: &str, ts: i64) -> Record {
    Record::new(
        Some(Bytes::from(key.to_string())),
        Some(Bytes::from(value.to_string())),
        ts,
    )
}

const ORDERS: &str = "CREATE STREAM orders (order_id STRING KEY, item_id STRING, quantity INT) WITH (kafka_topic='orders', partitions=1, value_format='JSON');";

fn orders() -> Vec<Record> {
    vec![
        record("o1", r#"{"item_id":"apple","quantity":2}"#, 1_000),
        record("o2", r#"{"item_id":"pear","quantity":7}"#, 2_000),
        record("o3", r#"{"item_id":"apple","quantity":3}"#, 15_000),
        record("o4", r#"{"item_id":"apple","quantity":1}"#, 40_000),
        record("o5", r#"{"item_id":"apple","quantity":4}"#, 36_000),
    ]
}

async fn pull(engine: &Engine, sql: &str) -> Vec<Vec<Value>> {
    match engine.query(sql, &earliest()).await {
        Ok(QueryStream::Pull(p)) => p.rows,
        Ok(_) => panic!("{sql} is not a pull query"),
        Err(e) => panic!("{sql}: {e:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tutorial_push_query_shows_every_session_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).expect("log");
    let engine = Engine::open(log.clone(), EngineConfig::default())
        .await
        .expect("engine");
    engine
        .execute_script(ORDERS, &mut earliest())
        .await
        .expect("stream");
    log.append("orders", 0, orders()).await.expect("append");
    let sql = "SELECT windowstart, windowend, item_id, SUM(quantity) FROM orders WINDOW SESSION (20 SECONDS) GROUP BY item_id EMIT CHANGES LIMIT 7;";
    let mut push = match engine.query(sql, &earliest()).await {
        Ok(QueryStream::Push(push)) => push,
        Ok(_) => panic!("{sql}: not a push query"),
        Err(e) => panic!("{sql}: {e:?}"),
    };
    let columns: Vec<String> = push
        .schema
        .columns
        .iter()
        .map(|c| format!("{} {}", c.name, c.data_type))
        .collect();
    assert_eq!(
        columns,
        [
            "WINDOWSTART BIGINT",
            "WINDOWEND BIGINT",
            "ITEM_ID STRING",
            "KSQL_COL_0 INTEGER"
        ]
    );
    let mut items = Vec::new();
    while let Some(item) = tokio::time::timeout(Duration::from_secs(10), push.next_item())
        .await
        .expect("rows arrive")
    {
        items.push(item);
    }
    // A merged-away session's tombstone reaches the client (its key and window filled, the
    // aggregate NULL), and counts toward LIMIT; `/query` writes it, `/query-stream` drops it.
    let row = |s: i64, e: i64, item: &str, total: i32| {
        PushItem::Row(vec![
            Value::Bigint(s),
            Value::Bigint(e),
            Value::from(item),
            Value::Int(total),
        ])
    };
    let tombstone = |s: i64, e: i64, item: &str| {
        PushItem::Tombstone(vec![
            Value::Bigint(s),
            Value::Bigint(e),
            Value::from(item),
            Value::Null,
        ])
    };
    assert_eq!(
        items,
        vec![
            row(1_000, 1_000, "apple", 2),
            row(2_000, 2_000, "pear", 7),
            tombstone(1_000, 1_000, "apple"),
            row(1_000, 15_000, "apple", 5),
            row(40_000, 40_000, "apple", 1),
            tombstone(40_000, 40_000, "apple"),
            row(36_000, 40_000, "apple", 5),
        ]
    );
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_query_with_emit_final_sends_each_closed_session_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EmbeddedLog::open(EmbeddedConfig::new(dir.path())).expect("log");
    let engine = Engine::open(log.clone(), EngineConfig::default())
        .await
        .expect("engine");
    engine
        .execute_script(ORDERS, &mut earliest())
        .await
        .expect("stream");
    log.append("orders", 0, orders()).await.expect("append");
    // Gap 5 s, grace 0: the record at 15 s closes [1 s] and [2 s]; the one at 40 s closes
    // [15 s]; [36 s, 40 s] stays open.
    let sql = "SELECT item_id, WINDOWSTART, WINDOWEND, COUNT(*) AS n FROM orders WINDOW SESSION (5 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY item_id EMIT FINAL;";
    let mut push = match engine.query(sql, &earliest()).await {
        Ok(QueryStream::Push(push)) => push,
        Ok(_) => panic!("{sql}: not a push query"),
        Err(e) => panic!("{sql}: {e:?}"),
    };
    let mut rows = Vec::new();
    while rows.len() < 3 {
        let row = tokio::time::timeout(Duration::from_secs(10), push.next())
            .await
            .expect("rows arrive")
            .expect("open");
        rows.push(row);
    }
    let row = |item: &str, s: i64, e: i64| {
        vec![
            Value::from(item),
            Value::Bigint(s),
            Value::Bigint(e),
            Value::Bigint(1),
        ]
    };
    assert_eq!(
        rows,
        vec![
            row("apple", 1_000, 1_000),
            row("pear", 2_000, 2_000),
            row("apple", 15_000, 15_000),
        ]
    );
    assert!(
        tokio::time::timeout(Duration::from_millis(300), push.next())
            .await
            .is_err(),
        "the open session is not sent"
    );
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_late_counter_and_pull_after_restore() {
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
            &format!("{ORDERS} CREATE TABLE sessions AS SELECT item_id, COUNT(*) AS n, SUM(quantity) AS total FROM orders WINDOW SESSION (20 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY item_id;"),
            &mut earliest(),
        )
        .await
        .expect("statements");
    let described = engine
        .execute_script("DESCRIBE sessions;", &mut Session::default())
        .await
        .expect("describe");
    assert_eq!(
        described[0]["sourceDescription"]["windowType"], "SESSION",
        "{described:?}"
    );
    let explained = engine
        .execute_script(
            "EXPLAIN SELECT item_id, COUNT(*) FROM orders WINDOW SESSION (20 SECONDS) GROUP BY item_id EMIT CHANGES;",
            &mut Session::default(),
        )
        .await
        .expect("explain");
    let description = &explained[0]["queryDescription"];
    assert_eq!(description["windowType"], "SESSION", "{explained:?}");
    let executed = description["executionPlan"].as_str().unwrap_or_default();
    assert!(executed.contains("WINDOW SESSION (20000 ms)"), "{executed}");
    let mut records = orders();
    // Stream time 40 s, gap 20 s, grace 1 s: a lone record before 19 s is late.
    records.push(record("o6", r#"{"item_id":"fig","quantity":1}"#, 18_999));
    records.push(record("o7", r#"{"item_id":"fig","quantity":1}"#, 19_000));
    log.append("orders", 0, records).await.expect("append");
    let want = vec![
        vec![
            Value::from("apple"),
            Value::Bigint(1_000),
            Value::Bigint(15_000),
            Value::Bigint(2),
            Value::Int(5),
        ],
        vec![
            Value::from("apple"),
            Value::Bigint(36_000),
            Value::Bigint(40_000),
            Value::Bigint(2),
            Value::Int(5),
        ],
        vec![
            Value::from("fig"),
            Value::Bigint(19_000),
            Value::Bigint(19_000),
            Value::Bigint(1),
            Value::Int(1),
        ],
        vec![
            Value::from("pear"),
            Value::Bigint(2_000),
            Value::Bigint(2_000),
            Value::Bigint(1),
            Value::Int(7),
        ],
    ];
    let mut rows = Vec::new();
    for _ in 0..500 {
        rows = pull(&engine, "SELECT * FROM sessions;").await;
        if rows == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(rows, want);
    let stats = engine.persistent_query_stats().await;
    let late: u64 = stats
        .iter()
        .map(|(_, s)| s.late_dropped.load(Ordering::Relaxed))
        .sum();
    assert_eq!(late, 1, "one late record counted");

    // A later record passes a batch boundary so a checkpoint holding every session is saved;
    // after the restart the store is refilled from the restored sessions.
    tokio::time::sleep(Duration::from_millis(50)).await;
    log.append(
        "orders",
        0,
        vec![record("o8", r#"{"item_id":"kiwi","quantity":1}"#, 40_000)],
    )
    .await
    .expect("append");
    tokio::time::sleep(Duration::from_millis(200)).await;
    engine.shutdown().await;
    drop(engine);

    let engine = Engine::open(log.clone(), config())
        .await
        .expect("engine reopens");
    let mut want = want;
    want.insert(
        3,
        vec![
            Value::from("kiwi"),
            Value::Bigint(40_000),
            Value::Bigint(40_000),
            Value::Bigint(1),
            Value::Int(1),
        ],
    );
    for _ in 0..200 {
        rows = pull(&engine, "SELECT * FROM sessions;").await;
        if rows == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(rows, want);
    // A record after the restart merges with a restored session.
    log.append(
        "orders",
        0,
        vec![record("o9", r#"{"item_id":"pear","quantity":3}"#, 21_000)],
    )
    .await
    .expect("append");
    for _ in 0..200 {
        rows = pull(&engine, "SELECT * FROM sessions WHERE item_id = 'pear';").await;
        if rows.len() == 1 && rows[0][2] == Value::Bigint(21_000) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        rows,
        vec![vec![
            Value::from("pear"),
            Value::Bigint(2_000),
            Value::Bigint(21_000),
            Value::Bigint(2),
            Value::Int(10),
        ]]
    );
    engine.shutdown().await;
}
