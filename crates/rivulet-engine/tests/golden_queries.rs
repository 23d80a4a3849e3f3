//! Golden SQL tests with data: each file under `tests/golden/` holds cases, each with its
//! statements, the records written to source topics, and the records expected in output topics
//! (or the error a statement must fail with). One runner, a fresh embedded log per case.
//!
//! ```text
//! -- case: filter and project
//! CREATE STREAM s (id STRING KEY, v DOUBLE) WITH (kafka_topic='s', partitions=1, value_format='JSON');
//! CREATE STREAM o AS SELECT id, v * 2 AS d FROM s WHERE v > 1;
//! -- input s: "k1" {"V": 0.5}
//! -- input s: "k2" {"V": 1.5}
//! -- output O: "k2" {"D":3.0}
//! -- error: text the failing statement's message contains
//! -- unordered            (when several queries write one topic)
//! ```
//! An input/output line is `<key as a JSON string or null> <value as JSON or null>`; keys are
//! written as their UTF-8 text (KAFKA STRING keys).
//!
//! Event time and windows (aggregations):
//! - `-- input s@1000: …` writes the record with timestamp 1000 (default 1700000000000);
//! - `-- input s#2: …` (or `s#2@1000`) writes it to partition 2 (default 0);
//! - `-- output O@1000: …` also checks the output record's timestamp;
//! - `-- output O: "k" window(0,10000) {…}`: a windowed key — the sink's key bytes are split
//!   into the inner key (shown as text) and the window, as the table's declared window says
//!   (time windows store the start and imply the end; session keys store end and start).
//!
//! Pull queries (after the inputs are written and the outputs checked):
//! - `-- pull: SELECT … FROM t WHERE …;` runs a pull query through `Engine::query`;
//! - each `-- row: [v1, v2, …]` after it is one expected result row (JSON), in order; no
//!   `-- row:` line expects an empty result.

use std::{path::Path, sync::Arc, time::Duration};

use bytes::Bytes;
use rivulet_core::Record;
use rivulet_engine::{Engine, EngineConfig, Session};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    FsyncPolicy, Log, ReadLimits,
};
use serde_json::Value;

/// (topic, partition, timestamp, key, value) of an input record.
type Input = (String, u32, Option<i64>, Option<String>, Option<String>);

#[derive(Debug, Default)]
struct Case {
    name: String,
    file: String,
    sql: String,
    inputs: Vec<Input>,
    outputs: Vec<(String, Option<i64>, Option<String>, Value)>,
    error: Option<String>,
    /// `-- unordered`: several queries write the output, so only the multiset is defined.
    unordered: bool,
    /// `-- pull:` queries and their expected `-- row:` lines.
    pulls: Vec<(String, Vec<Value>)>,
}

/// `"key" {value}` → (key, value text).
fn split_record(text: &str) -> (Option<String>, Option<String>) {
    let text = text.trim();
    let (key, rest) = if let Some(rest) = text.strip_prefix("null") {
        (None, rest)
    } else {
        let mut keys = serde_json::Deserializer::from_str(text).into_iter::<String>();
        let key = keys.next().expect("a key").expect("key is a JSON string");
        (Some(key), &text[keys.byte_offset()..])
    };
    let mut rest = rest.trim();
    let mut key = key;
    if let Some(after) = rest.strip_prefix("window(") {
        let (bounds, tail) = after.split_once(')').expect("window(start,end)");
        key = Some(format!("{} window({bounds})", key.unwrap_or_default()));
        rest = tail.trim();
    }
    let value = (rest != "null").then(|| rest.to_string());
    (key, value)
}

/// `topic@ts` → (topic, Some(ts)).
fn split_topic(text: &str) -> (String, Option<i64>) {
    match text.trim().split_once('@') {
        Some((t, ts)) => (t.to_string(), Some(ts.trim().parse().expect("timestamp"))),
        None => (text.trim().to_string(), None),
    }
}

fn parse_cases(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path).expect("golden file");
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut cases = Vec::new();
    let mut current: Option<Case> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("-- case:") {
            cases.extend(current.take());
            current = Some(Case {
                name: name.trim().to_string(),
                file: file.clone(),
                ..Case::default()
            });
            continue;
        }
        let Some(case) = current.as_mut() else {
            continue;
        };
        if let Some(rest) = line.strip_prefix("-- input ") {
            let (topic, record) = rest.split_once(':').expect("-- input topic: record");
            let (key, value) = split_record(record);
            let (topic, ts) = split_topic(topic);
            let (topic, partition) = match topic.split_once('#') {
                Some((t, p)) => (t.to_string(), p.parse().expect("-- input topic#partition")),
                None => (topic, 0),
            };
            case.inputs.push((topic, partition, ts, key, value));
        } else if let Some(rest) = line.strip_prefix("-- output ") {
            let (topic, record) = rest.split_once(':').expect("-- output topic: record");
            let (key, value) = split_record(record);
            let value = value.map_or(Value::Null, |v| {
                serde_json::from_str(&v).expect("output JSON")
            });
            let (topic, ts) = split_topic(topic);
            case.outputs.push((topic, ts, key, value));
        } else if let Some(rest) = line.strip_prefix("-- pull:") {
            case.pulls.push((rest.trim().to_string(), Vec::new()));
        } else if let Some(rest) = line.strip_prefix("-- row:") {
            let row = serde_json::from_str(rest.trim()).expect("-- row: a JSON array");
            case.pulls
                .last_mut()
                .expect("-- row: after -- pull:")
                .1
                .push(row);
        } else if line.trim() == "-- unordered" {
            case.unordered = true;
        } else if let Some(rest) = line.strip_prefix("-- error:") {
            case.error = Some(rest.trim().to_string());
        } else if !line.trim_start().starts_with("--") {
            case.sql.push_str(line);
            case.sql.push('\n');
        }
    }
    cases.extend(current);
    cases
}

/// A result row as JSON (the scalar types golden cases use; others as their text).
fn row_json(row: &[rivulet_core::Value]) -> Value {
    use rivulet_core::Value as V;
    Value::Array(
        row.iter()
            .map(|v| match v {
                V::Null => Value::Null,
                V::Boolean(b) => Value::Bool(*b),
                V::Int(i) => Value::from(*i),
                V::Bigint(i) => Value::from(*i),
                V::Double(d) => Value::from(*d),
                V::String(s) => Value::String(s.to_string()),
                other => Value::String(other.to_string()),
            })
            .collect(),
    )
}

type Got = (Option<String>, Value, Option<i64>);

async fn read_topic(
    log: &EmbeddedLog,
    topic: &str,
    window: Option<rivulet_format::WindowKind>,
) -> Vec<Got> {
    let Ok(d) = log.describe_topic(topic).await else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in d.partitions {
        let mut offset = p.start_offset;
        loop {
            let batch = log
                .read(topic, p.partition, offset, ReadLimits::default())
                .await
                .expect("read");
            if batch.records.is_empty() {
                break;
            }
            offset = batch.next_offset;
            for r in batch.records {
                let key = r.record.key.map(|k| match window {
                    Some(kind) => match rivulet_format::decode_windowed_key(&k, kind) {
                        Ok((inner, start, end)) => {
                            format!("{} window({start},{end})", String::from_utf8_lossy(inner))
                        }
                        Err(e) => format!("<bad windowed key: {e}>"),
                    },
                    None => String::from_utf8_lossy(&k).into_owned(),
                });
                let value = r.record.value.map_or(Value::Null, |v| {
                    serde_json::from_slice(&v)
                        .unwrap_or(Value::String(String::from_utf8_lossy(&v).into_owned()))
                });
                out.push((key, value, Some(r.record.timestamp)));
            }
        }
    }
    out
}

async fn run_case(case: &Case) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut config = EmbeddedConfig::new(dir.path());
    config.fsync = FsyncPolicy::Never;
    let log = EmbeddedLog::open(config).map_err(|e| e.to_string())?;
    let engine = Engine::open(log.clone() as Arc<dyn Log>, EngineConfig::default())
        .await
        .map_err(|e| e.to_string())?;
    let result = engine
        .execute_script(&case.sql, &mut Session::default())
        .await;
    let outcome = match (&case.error, result) {
        (Some(want), Err(f)) if f.error.message.contains(want.as_str()) => Ok(()),
        (Some(want), Err(f)) => Err(format!(
            "expected an error containing {want:?}, got {:?}",
            f.error.message
        )),
        (Some(want), Ok(_)) => Err(format!(
            "expected an error containing {want:?}, but the statements ran"
        )),
        (None, Err(f)) => Err(format!(
            "`{}` failed: {}",
            f.statement_text, f.error.message
        )),
        (None, Ok(_)) => {
            for (topic, partition, ts, key, value) in &case.inputs {
                let record = Record::new(
                    key.clone().map(Bytes::from),
                    value.clone().map(Bytes::from),
                    ts.unwrap_or(1_700_000_000_000),
                );
                log.append(topic, *partition, vec![record])
                    .await
                    .map_err(|e| e.to_string())?;
            }
            let mut topics: Vec<&String> = case.outputs.iter().map(|(t, _, _, _)| t).collect();
            topics.dedup();
            let mut problems = Vec::new();
            let catalog = engine.catalog().await;
            for topic in topics {
                let window = catalog.on_topic(topic).find_map(|s| s.window).map(|w| {
                    let size = w.size() as i64;
                    match w.shape {
                        rivulet_sql::planner::WindowShape::Tumbling { .. } => {
                            rivulet_format::WindowKind::Tumbling { size_ms: size }
                        }
                        rivulet_sql::planner::WindowShape::Hopping { .. } => {
                            rivulet_format::WindowKind::Hopping { size_ms: size }
                        }
                        rivulet_sql::planner::WindowShape::Session { .. } => {
                            rivulet_format::WindowKind::Session
                        }
                    }
                });
                let want: Vec<Got> = case
                    .outputs
                    .iter()
                    .filter(|(t, _, _, _)| t == topic)
                    .map(|(_, ts, k, v)| (k.clone(), v.clone(), *ts))
                    .collect();
                // Up to 10 s: the suite runs beside other test binaries on 2 cores.
                for _ in 0..500 {
                    if read_topic(&log, topic, window).await.len() >= want.len() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                // A little longer, so that an extra record would show.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let mut got = read_topic(&log, topic, window).await;
                // Timestamps are compared only where the expected line gives one.
                for (i, g) in got.iter_mut().enumerate() {
                    if want.get(i).is_none_or(|w| w.2.is_none()) {
                        g.2 = None;
                    }
                }
                let mut want = want;
                if case.unordered {
                    let text = |r: &Got| format!("{r:?}");
                    got.sort_by_key(text);
                    want.sort_by_key(text);
                }
                if got != want {
                    problems.push(format!("topic {topic}:\n  want {want:?}\n  got  {got:?}"));
                }
            }
            for (sql, want) in &case.pulls {
                let mut got = Vec::new();
                for _ in 0..500 {
                    got = match engine.query(sql, &Session::default()).await {
                        Ok(rivulet_engine::QueryStream::Pull(p)) => {
                            p.rows.iter().map(|r| row_json(r)).collect()
                        }
                        Ok(_) => vec![Value::String("not a pull query".into())],
                        Err(e) => vec![Value::String(format!("error: {}", e.message))],
                    };
                    if got == *want {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                if got != *want {
                    problems.push(format!("pull {sql}:\n  want {want:?}\n  got  {got:?}"));
                }
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("\n"))
            }
        }
    };
    engine.shutdown().await;
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_sql_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in files {
        for case in parse_cases(&file) {
            count += 1;
            if let Err(e) = run_case(&case).await {
                failures.push(format!("{} / {}: {e}", case.file, case.name));
            }
        }
    }
    eprintln!("{count} golden SQL cases run");
    assert!(count >= 30, "only {count} golden cases found");
    assert!(
        failures.is_empty(),
        "{} of {count} golden cases failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
