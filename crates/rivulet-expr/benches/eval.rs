//! Row-at-a-time evaluation cost of the seed queries' expressions: the phone push query's
//! filter `NAME = 'accelerometeruncalibrated'` and its 5-column projection over the 8-column
//! sensor row, the fleet query's GEO_DISTANCE and BETWEEN filter, and its CONCAT of casts.
//! Throughput is reported in evaluations (rows) per second; the `calibration` group times a bare
//! string comparison and the fixed cost of one `eval` call on this machine.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rivulet_core::{DataType, Value};
use rivulet_expr::{
    and, between, call, cast, comparison, eval, eval_predicate, ComparisonOp, Expr,
};

fn sensor_row(name: &str) -> Vec<Value> {
    vec![
        Value::string(name),
        Value::Bigint(1_684_615_020_438_850_600),
        Value::Double(0.9939),
        Value::Double(-0.5736),
        Value::Double(-0.1787),
        Value::Bigint(42),
        Value::string("6c8a0e56-6f5d-4a4e-9b1f-0d2c1f6b1a11"),
        Value::string("86a5b0e3-5d2f-4c55-8d0c-1f0e3a9b7c21"),
    ]
}

fn bench(c: &mut Criterion) {
    let schema = [
        DataType::String,
        DataType::Bigint,
        DataType::Double,
        DataType::Double,
        DataType::Double,
        DataType::Bigint,
        DataType::String,
        DataType::String,
    ];
    let filter = comparison(
        ComparisonOp::Eq,
        Expr::column(0, DataType::String),
        Expr::string("accelerometeruncalibrated"),
    )
    .expect("filter");
    let projection: Vec<Expr> = [7usize, 1, 2, 3, 4]
        .iter()
        .map(|i| Expr::column(*i, schema[*i].clone()))
        .collect();
    let matching = sensor_row("accelerometeruncalibrated");
    let other = sensor_row("gyroscopeuncalibrated");

    let mut g = c.benchmark_group("calibration");
    let a = Value::string("accelerometeruncalibrated");
    let bb = Value::string("accelerometeruncalibrated");
    g.bench_function("value_eq", |b| {
        b.iter(|| black_box(&a).sql_cmp(black_box(&bb)))
    });
    g.bench_function("str_eq", |b| {
        b.iter(|| black_box(a.as_str()) == black_box(bb.as_str()))
    });
    let lit_true = Expr::literal(true);
    g.bench_function("eval_literal", |b| {
        b.iter(|| eval(black_box(&lit_true), black_box(&[])))
    });
    let col0 = Expr::column(0, DataType::Double);
    let row1 = [Value::Double(1.0)];
    g.bench_function("eval_column_double", |b| {
        b.iter(|| eval(black_box(&col0), black_box(&row1)))
    });
    g.finish();
    let mut g = c.benchmark_group("seed_push_query");
    g.throughput(Throughput::Elements(1));
    g.bench_function("filter_match", |b| {
        b.iter(|| eval_predicate(black_box(&filter), black_box(&matching)))
    });
    g.bench_function("filter_miss", |b| {
        b.iter(|| eval_predicate(black_box(&filter), black_box(&other)))
    });
    g.bench_function("project_5_of_8", |b| {
        b.iter(|| {
            let row = black_box(&matching);
            projection
                .iter()
                .map(|e| eval(e, row))
                .collect::<Result<Vec<Value>, _>>()
        })
    });
    g.bench_function("filter_then_project", |b| {
        b.iter(|| {
            let row = black_box(&matching);
            if eval_predicate(&filter, row).unwrap_or(false) {
                projection
                    .iter()
                    .map(|e| eval(e, row))
                    .collect::<Result<Vec<Value>, _>>()
                    .ok()
            } else {
                None
            }
        })
    });
    g.finish();

    let lat = Expr::column(0, DataType::Double);
    let lon = Expr::column(1, DataType::Double);
    let geo = call(
        "GEO_DISTANCE",
        vec![
            lat.clone(),
            lon.clone(),
            Expr::decimal("9.0".parse().expect("decimal")),
            Expr::decimal("107.0".parse().expect("decimal")),
        ],
    )
    .expect("geo");
    let fleet_filter = and(vec![
        comparison(ComparisonOp::Eq, Expr::literal(1), Expr::literal(1)).expect("1=1"),
        between(lat, Expr::literal(8), Expr::literal(10), false).expect("lat"),
        between(lon, Expr::literal(106), Expr::literal(108), false).expect("lon"),
    ])
    .expect("filter");
    let id = call(
        "CONCAT",
        vec![
            cast(Expr::column(2, DataType::String), DataType::String).expect("cast"),
            Expr::string("_"),
            cast(Expr::column(3, DataType::Bigint), DataType::String).expect("cast"),
            Expr::string("_"),
            cast(Expr::column(4, DataType::Bigint), DataType::String).expect("cast"),
        ],
    )
    .expect("concat");
    let fleet_row = vec![
        Value::Double(9.213),
        Value::Double(106.874),
        Value::string("dev-1"),
        Value::Bigint(1_700_000_000_000),
        Value::Bigint(1_700_000_002_000),
    ];

    let mut g = c.benchmark_group("seed_fleet_query");
    g.throughput(Throughput::Elements(1));
    g.bench_function("geo_distance", |b| {
        b.iter(|| eval(black_box(&geo), black_box(&fleet_row)))
    });
    g.bench_function("between_filter", |b| {
        b.iter(|| eval_predicate(black_box(&fleet_filter), black_box(&fleet_row)))
    });
    g.bench_function("concat_window_id", |b| {
        b.iter(|| eval(black_box(&id), black_box(&fleet_row)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
