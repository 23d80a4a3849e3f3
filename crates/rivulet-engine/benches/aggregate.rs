//! Throughput of the aggregate operator fed from the embedded log: 500,000 JSON records
//! (`{"SENSOR": …, "VALUE": …}`, one every millisecond of event time) pre-written to one
//! partition are read back in batches (as large as the aggregate runner reads), decoded into rows
//! and aggregated:
//! - tumbling 10 s COUNT/MIN/MAX/AVG per sensor, 5 keys and 100,000 keys (EMIT CHANGES: one
//!   result row per record, projected but not encoded or appended);
//! - hopping 2 s advancing by 250 ms SUM per sensor, 5 keys (EMIT FINAL).
//!
//! One thread; throughput is source records per second. Sink encoding and appends are not
//! included (the CSAS bench measures those paths).

use std::{sync::Arc, time::Instant};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rivulet_core::{Column, ColumnKind, DataType, Record, Schema, Value};
use rivulet_engine::{
    catalog::{FormatSpec, Source, SourceKind},
    operator::{AggregateOperator, Change},
    query::{row_decoder::DecodedRow, RowDecoder},
};
use rivulet_log::{
    embedded::{EmbeddedConfig, EmbeddedLog},
    FsyncPolicy, Log, ReadLimits,
};
use rivulet_sql::{
    parse_statement,
    planner::{plan_query, PlannedSource, QueryPlan, SourceCatalog},
    Statement,
};

const RECORDS: usize = 500_000;

/// The reads the aggregate runner makes (`query/aggregate_runner.rs`): a small limit would
/// re-read and skip most of each 5,000-record batch of the input several times over.
const RUNNER_READS: ReadLimits = ReadLimits {
    max_records: 16_384,
    max_bytes: 8 << 20,
};

fn schema() -> Schema {
    Schema::new(vec![
        Column::new("SENSOR", DataType::String, ColumnKind::Value),
        Column::new("VALUE", DataType::Int, ColumnKind::Value),
    ])
}

struct Temps;

impl SourceCatalog for Temps {
    fn source(&self, name: &str) -> Option<PlannedSource> {
        (name == "TEMPS").then(|| PlannedSource {
            name: "TEMPS".into(),
            is_table: false,
            schema: schema(),
        })
    }
}

fn plan(sql: &str) -> QueryPlan {
    match parse_statement(sql) {
        Ok(Statement::Query(q)) => plan_query(&q, &Temps).expect("plans"),
        other => panic!("not a query: {other:?}"),
    }
}

fn source(topic: &str) -> Source {
    Source {
        name: "TEMPS".into(),
        kind: SourceKind::Stream,
        topic: topic.into(),
        schema: schema(),
        key_format: FormatSpec::named("KAFKA"),
        value_format: FormatSpec::named("JSON"),
        timestamp_column: None,
        timestamp_format: None,
        wrap_single_value: None,
        is_source: false,
        window: None,
        statement: String::new(),
    }
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = EmbeddedConfig::new(dir.path());
    config.fsync = FsyncPolicy::Never;
    let log = EmbeddedLog::open(config).expect("log");
    for keys in [5usize, 100_000] {
        let topic = format!("temps-{keys}");
        runtime.block_on(async {
            log.create_topic(rivulet_log::TopicSpec::new(&topic, 1))
                .await
                .expect("topic");
            for chunk in (0..RECORDS).collect::<Vec<_>>().chunks(10_000) {
                let records: Vec<Record> = chunk
                    .iter()
                    .map(|i| {
                        let value =
                            format!(r#"{{"SENSOR":"sensor-{}","VALUE":{}}}"#, i % keys, i % 100);
                        Record::new(None, Some(Bytes::from(value)), *i as i64)
                    })
                    .collect();
                log.append(&topic, 0, records).await.expect("append");
            }
        });
    }
    let cases = [
        ("tumbling_10s_count_min_max_avg_5_keys", 5usize, "SELECT sensor, COUNT(*), MIN(value), MAX(value), AVG(value) FROM temps WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY sensor EMIT CHANGES;"),
        ("tumbling_10s_count_min_max_avg_100000_keys", 100_000, "SELECT sensor, COUNT(*), MIN(value), MAX(value), AVG(value) FROM temps WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY sensor EMIT CHANGES;"),
        ("hopping_2s_250ms_sum_5_keys", 5, "SELECT sensor, SUM(value) FROM temps WINDOW HOPPING (SIZE 2 SECONDS, ADVANCE BY 250 MILLISECONDS) GROUP BY sensor EMIT FINAL;"),
    ];
    let mut group = c.benchmark_group("aggregate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(RECORDS as u64));
    for (name, keys, sql) in cases {
        let plan = Arc::new(plan(sql));
        let topic = format!("temps-{keys}");
        let src = source(&topic);
        let mut rates = Vec::new();
        group.bench_function(name, |b| {
            b.iter(|| {
                let started = Instant::now();
                let codec = Box::new(|values: &[Value], out: &mut Vec<u8>| {
                    if let Some(Value::String(s)) = values.first() {
                        out.extend_from_slice(s.as_bytes());
                    }
                    Ok(())
                });
                let mut op = AggregateOperator::new(plan.clone(), 1, codec).expect("aggregate");
                let mut decoder = RowDecoder::new(&src).expect("decoder");
                let mut changes: Vec<Change> = Vec::with_capacity(64);
                let mut outputs = 0usize;
                let mut offset = 0;
                loop {
                    let batch = runtime
                        .block_on(log.read(&topic, 0, offset, RUNNER_READS))
                        .expect("read");
                    if batch.records.is_empty() {
                        break;
                    }
                    for r in &batch.records {
                        if let Ok(DecodedRow::Row(row)) = decoder.decode(0, r) {
                            op.process(&row, &mut changes);
                            outputs += changes.len();
                            changes.clear();
                        }
                    }
                    offset = batch.next_offset;
                }
                rates.push(RECORDS as f64 / started.elapsed().as_secs_f64());
                outputs
            })
        });
        rates.sort_by(f64::total_cmp);
        if let Some(median) = rates.get(rates.len() / 2) {
            eprintln!("{name}: median {median:.0} records/s");
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
