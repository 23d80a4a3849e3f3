//! Restoring an aggregate query's state from its checkpoint: 1,000,000 keys, each with one
//! open tumbling window holding COUNT, MIN, MAX and AVG accumulators (the operator state of
//! `SELECT sensor, COUNT(*), MIN(v), MAX(v), AVG(v) … WINDOW TUMBLING … GROUP BY sensor`), saved
//! once with [`CheckpointStore`]; each iteration loads the file (read + CRC32C), decodes the
//! state (postcard) and installs it in a fresh [`AggregateOperator`] — what a restarted query
//! does before reading its source. Target: ≤ 1 s. Also prints the checkpoint size and the save
//! time (encode + write + fsync + rename).

use std::{
    collections::BTreeSet,
    sync::Arc,
    time::{Duration, Instant},
};

use criterion::{criterion_group, criterion_main, Criterion};
use rivulet_core::{Column, ColumnKind, DataType, Schema, Value};
use rivulet_engine::{
    checkpoint::{Checkpoint, CheckpointStore, Position},
    operator::{
        hash_aggregate::{GroupState, WindowState},
        AggregateOperator, AggregateState,
    },
    query::aggregate_runner::{decode_state, encode_state},
};
use rivulet_expr::aggregate::{Accumulator, StoredValue};
use rivulet_sql::{
    parse_statement,
    planner::{plan_query, PlannedSource, QueryPlan, SourceCatalog},
    Statement,
};

const KEYS: usize = 1_000_000;
const PARTITIONS: u32 = 4;

struct Temps;

impl SourceCatalog for Temps {
    fn source(&self, name: &str) -> Option<PlannedSource> {
        (name == "TEMPS").then(|| PlannedSource {
            name: "TEMPS".into(),
            is_table: false,
            schema: Schema::new(vec![
                Column::new("SENSOR", DataType::String, ColumnKind::Value),
                Column::new("V", DataType::Int, ColumnKind::Value),
            ]),
        })
    }
}

fn plan() -> QueryPlan {
    let sql = "SELECT sensor, COUNT(*), MIN(v), MAX(v), AVG(v) FROM temps WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY sensor EMIT CHANGES;";
    match parse_statement(sql) {
        Ok(Statement::Query(q)) => plan_query(&q, &Temps).expect("plans"),
        other => panic!("not a query: {other:?}"),
    }
}

fn state() -> AggregateState {
    let mut state = AggregateState {
        stream_time: vec![1_000_000; PARTITIONS as usize],
        closing: vec![BTreeSet::new(); PARTITIONS as usize],
        ..AggregateState::default()
    };
    for i in 0..KEYS {
        let name = format!("sensor-{i:07}");
        let key = name.as_bytes().to_vec();
        let partition = i as u32 % PARTITIONS;
        let start = 990_000;
        let v = (i % 100) as i32;
        state.groups.insert(
            key.clone(),
            GroupState {
                key: vec![StoredValue(Value::String(name.into()))],
                partition,
                windows: vec![WindowState {
                    start,
                    max_time: start + (i % 10_000) as i64,
                    accumulators: vec![
                        Accumulator::Count(7),
                        Accumulator::Value(StoredValue(Value::Int(v))),
                        Accumulator::Value(StoredValue(Value::Int(v + 10))),
                        Accumulator::AvgInt {
                            sum: i64::from(v) * 7,
                            count: 7,
                        },
                    ],
                }],
            },
        );
        state.closing[partition as usize].insert((start + 10_000 + 86_390_000, key, start));
    }
    state
}

fn operator(plan: &Arc<QueryPlan>) -> AggregateOperator {
    let codec = Box::new(|values: &[Value], out: &mut Vec<u8>| {
        if let Some(Value::String(s)) = values.first() {
            out.extend_from_slice(s.as_bytes());
        }
        Ok(())
    });
    AggregateOperator::new(plan.clone(), PARTITIONS, codec).expect("aggregate")
}

/// CPU time of this thread so far (Linux `schedstat`, ns), so the figure says something on a
/// loaded machine too; `None` elsewhere.
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn bench(c: &mut Criterion) {
    let plan = Arc::new(plan());
    let dir = tempfile::tempdir().expect("tempdir");
    let store = CheckpointStore::new(dir.path());
    let started = Instant::now();
    let bytes = encode_state(&state()).expect("encodes");
    let built_and_encoded = started.elapsed();
    let size = bytes.len();
    let started = Instant::now();
    let checkpoint = Checkpoint {
        epoch: 1,
        sources: vec![Position {
            topic: "temps".into(),
            partition: 0,
            offset: 7_000_000,
        }],
        sink_floors: vec![],
        state: bytes,
    };
    store.save("CTAS_BENCH_1", 0, &checkpoint).expect("saves");
    eprintln!(
        "checkpoint of {KEYS} keys: {:.1} MB; build + encode {built_and_encoded:?}, save {:?}",
        size as f64 / 1e6,
        started.elapsed()
    );
    drop(checkpoint);

    let mut times = Vec::new();
    let mut cpu_times = Vec::new();
    let mut group = c.benchmark_group("checkpoint");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("restore_1000000_keys", |b| {
        b.iter(|| {
            let started = Instant::now();
            let cpu_started = thread_cpu();
            let checkpoint = store
                .load("CTAS_BENCH_1", 0)
                .expect("loads")
                .expect("present");
            let mut op = operator(&plan);
            op.restore(decode_state(&checkpoint.state).expect("decodes"));
            times.push(started.elapsed());
            if let (Some(a), Some(b)) = (cpu_started, thread_cpu()) {
                cpu_times.push(b.saturating_sub(a));
            }
            assert_eq!(op.size().0, KEYS);
            op
        })
    });
    group.finish();
    times.sort_unstable();
    cpu_times.sort_unstable();
    if let Some(median) = times.get(times.len() / 2) {
        eprintln!(
            "restore_1000000_keys: median {median:?} wall, {:?} thread CPU (load + CRC + decode + install; drop excluded) over {} runs",
            cpu_times.get(cpu_times.len() / 2),
            times.len()
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
