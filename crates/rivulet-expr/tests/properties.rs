//! Properties: evaluation never panics — for every function and signature with random (often
//! hostile) arguments, for arithmetic and for casts — results conform to their declared types,
//! and comparisons are consistent (`a < b` ⇔ `b > a`).

mod common;

use std::collections::HashMap;

use common::*;
use proptest::prelude::*;
use rand::{rngs::StdRng, Rng, SeedableRng};
use rivulet_core::{DataType, Decimal, StructField, Value};
use rivulet_expr::{
    arithmetic, call, cast, comparison, eval, eval_lenient, functions::ParamType, lambda,
    lambda_parameter_types, lambda_variable, registry, typing::cast::castable, ArithmeticOp,
    ComparisonOp, Expr,
};

const STRINGS: &[&str] = &[
    "",
    " ",
    "abc",
    "  padded  ",
    "12",
    "-7",
    "1.5",
    "1e400",
    "true",
    "no",
    "2020-05-26",
    "2022-04-28T21:44:47.943+0200",
    "01:34:20.123",
    "yyyy-MM-dd HH:mm:ss.SSS",
    "dd/MMM/yyyy hh:mm a zzz",
    "'quoted''",
    "[unbalanced",
    "UTC",
    "America/Los_Angeles",
    "+05:30",
    "SECONDS",
    "DAYS",
    "hex",
    "base64",
    "utf8",
    "ascii",
    "KM",
    "mi",
    "ASC",
    "DESC",
    "LITTLE_ENDIAN",
    "%_a!%",
    "(a|b)*c",
    "\\d+",
    "(",
    "$1$",
    "$.a[0].b",
    "$['x']",
    "{\"a\": [1, 2.50, {\"b\": null}], \"c\": \"d\"}",
    "[1, \"two\", 3.0, true, null]",
    "{not json",
    "\\u004b",
    "0x4578",
    "X'45'",
    "héllo wörld ✓ 好",
    "\u{0}\u{1}",
];

fn scalar_type(rng: &mut StdRng) -> DataType {
    match rng.gen_range(0..11) {
        0 => DataType::Boolean,
        1 => DataType::Int,
        2 => DataType::Bigint,
        3 => DataType::Double,
        4 => {
            let precision = rng.gen_range(1..=38u8);
            DataType::Decimal {
                precision,
                scale: rng.gen_range(0..=precision),
            }
        }
        5 | 6 => DataType::String,
        7 => DataType::Bytes,
        8 => DataType::Timestamp,
        9 => DataType::Date,
        _ => DataType::Time,
    }
}

fn any_type(rng: &mut StdRng, depth: u32) -> DataType {
    if depth > 1 {
        return scalar_type(rng);
    }
    match rng.gen_range(0..10) {
        0 => DataType::Array(Box::new(any_type(rng, depth + 1))),
        1 => DataType::Map(
            Box::new(DataType::String),
            Box::new(any_type(rng, depth + 1)),
        ),
        2 => DataType::Struct(vec![
            StructField {
                name: "A".into(),
                data_type: any_type(rng, depth + 1),
            },
            StructField {
                name: "b".into(),
                data_type: scalar_type(rng),
            },
        ]),
        _ => scalar_type(rng),
    }
}

/// A concrete type for a parameter, binding type variables; sometimes a narrower type that
/// widens to it.
fn concrete(p: &ParamType, rng: &mut StdRng, vars: &mut HashMap<char, DataType>) -> DataType {
    match p {
        ParamType::Exact(DataType::Double) if rng.gen_bool(0.3) => {
            [DataType::Int, DataType::Bigint][rng.gen_range(0..2)].clone()
        }
        ParamType::Exact(DataType::Bigint) if rng.gen_bool(0.3) => DataType::Int,
        ParamType::Exact(t) => t.clone(),
        ParamType::AnyDecimal => {
            let precision = rng.gen_range(1..=38u8);
            DataType::Decimal {
                precision,
                scale: rng.gen_range(0..=precision),
            }
        }
        ParamType::Var(c) => vars.entry(*c).or_insert_with(|| any_type(rng, 0)).clone(),
        ParamType::Array(e) => DataType::Array(Box::new(concrete(e, rng, vars))),
        ParamType::Map(k, v) => DataType::Map(
            Box::new(concrete(k, rng, vars)),
            Box::new(concrete(v, rng, vars)),
        ),
        ParamType::AnyStruct => any_type(rng, 1),
        ParamType::Lambda(_, ret) => concrete(ret, rng, vars),
    }
}

fn random_string(rng: &mut StdRng) -> String {
    if rng.gen_bool(0.8) {
        return STRINGS[rng.gen_range(0..STRINGS.len())].to_string();
    }
    let len = rng.gen_range(0..12);
    (0..len)
        .map(|_| match rng.gen_range(0..4) {
            0 => char::from(rng.gen_range(b' '..=b'~')),
            1 => ['%', '_', '$', '\\', '\'', '[', ']', '{'][rng.gen_range(0..8)],
            2 => char::from_u32(rng.gen_range(0x80..0x3000)).unwrap_or('?'),
            _ => char::from(rng.gen_range(b'a'..=b'z')),
        })
        .collect()
}

fn random_int(rng: &mut StdRng) -> i64 {
    match rng.gen_range(0..6) {
        0 => [
            0,
            1,
            -1,
            i64::MAX,
            i64::MIN,
            i64::from(i32::MAX),
            i64::from(i32::MIN),
        ][rng.gen_range(0..7)],
        1 => rng.gen(),
        _ => rng.gen_range(-40..40),
    }
}

fn random_value(t: &DataType, rng: &mut StdRng) -> Value {
    if rng.gen_bool(0.12) {
        return Value::Null;
    }
    match t {
        DataType::Boolean => Value::Boolean(rng.gen()),
        DataType::Int => Value::Int(random_int(rng) as i32),
        DataType::Bigint => Value::Bigint(random_int(rng)),
        DataType::Double => Value::Double(match rng.gen_range(0..8) {
            0 => [
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                -0.0,
                f64::MAX,
                f64::MIN_POSITIVE,
            ][rng.gen_range(0..6)],
            1 => f64::from_bits(rng.gen()),
            2 => rng.gen_range(-200.0..200.0),
            _ => rng.gen_range(-10.0..10.0),
        }),
        DataType::Decimal { precision, scale } => {
            let digits = rng.gen_range(1..=*precision);
            let limit = 10i128.pow(u32::from(digits));
            let unscaled = rng.gen_range(-limit + 1..limit);
            Value::Decimal(Decimal::new(unscaled, *scale))
        }
        DataType::String => Value::string(random_string(rng)),
        DataType::Bytes => {
            let len = rng.gen_range(0..20);
            Value::Bytes(
                (0..len)
                    .map(|_| rng.gen::<u8>())
                    .collect::<Vec<u8>>()
                    .into(),
            )
        }
        DataType::Timestamp => Value::Timestamp(match rng.gen_range(0..4) {
            0 => random_int(rng),
            _ => rng.gen_range(-10_000_000_000_000..10_000_000_000_000),
        }),
        DataType::Date => Value::Date(rng.gen_range(-1_000_000..1_000_000)),
        DataType::Time => Value::Time(rng.gen_range(0..86_400_000)),
        DataType::Array(e) => {
            let len = rng.gen_range(0..5);
            Value::Array((0..len).map(|_| random_value(e, rng)).collect())
        }
        DataType::Map(k, v) => {
            let len = rng.gen_range(0..4);
            let mut entries: Vec<(Value, Value)> = Vec::new();
            for _ in 0..len {
                let key = random_value(k, rng);
                if !entries.iter().any(|(e, _)| *e == key) {
                    entries.push((key, random_value(v, rng)));
                }
            }
            Value::Map(entries)
        }
        DataType::Struct(fields) => Value::Struct(
            fields
                .iter()
                .map(|f| (f.name.as_str().into(), random_value(&f.data_type, rng)))
                .collect(),
        ),
    }
}

/// Whether a value has the kind its type promises (NULL always does).
fn conforms(v: &Value, t: &DataType) -> bool {
    match (v, t) {
        (Value::Null, _) => true,
        (Value::Boolean(_), DataType::Boolean)
        | (Value::Int(_), DataType::Int)
        | (Value::Bigint(_), DataType::Bigint)
        | (Value::Double(_), DataType::Double)
        | (Value::String(_), DataType::String)
        | (Value::Bytes(_), DataType::Bytes)
        | (Value::Timestamp(_), DataType::Timestamp)
        | (Value::Date(_), DataType::Date)
        | (Value::Time(_), DataType::Time) => true,
        (Value::Decimal(d), DataType::Decimal { scale, .. }) => d.scale == *scale,
        (Value::Array(items), DataType::Array(e)) => items.iter().all(|i| conforms(i, e)),
        (Value::Map(entries), DataType::Map(k, v)) => entries
            .iter()
            .all(|(ek, ev)| conforms(ek, k) && conforms(ev, v)),
        (Value::Struct(values), DataType::Struct(fields)) => {
            values.len() == fields.len()
                && values
                    .iter()
                    .zip(fields)
                    .all(|((n, v), f)| **n == *f.name && conforms(v, &f.data_type))
        }
        _ => false,
    }
}

/// Builds a call of one signature with random argument types; `None` when typing refuses it.
fn random_call(
    name: &str,
    sig: usize,
    extra: usize,
    rng: &mut StdRng,
) -> Option<(Expr, Vec<Value>)> {
    let f = registry().get(name)?;
    let signature = &f.signatures[sig];
    let arity = if signature.variadic {
        signature.params.len() - 1 + extra
    } else {
        signature.params.len()
    };
    let mut vars = HashMap::new();
    let mut args = Vec::new();
    let mut row = Vec::new();
    let mut preceding = Vec::new();
    for i in 0..arity {
        let param = signature.param(i)?;
        if let ParamType::Lambda(params, ret) = param {
            let types = lambda_parameter_types(name, &preceding, params.len()).ok()?;
            let body = if **ret == ParamType::Exact(DataType::Boolean) {
                rivulet_expr::is_null(lambda_variable(0, types[0].clone()), rng.gen())
            } else {
                let k = rng.gen_range(0..types.len());
                lambda_variable(k, types[k].clone())
            };
            preceding.push(body.data_type());
            args.push(lambda(
                (0..params.len()).map(|p| format!("P{p}")).collect(),
                body,
            ));
            continue;
        }
        let t = concrete(param, rng, &mut vars);
        row.push(random_value(&t, rng));
        preceding.push(t.clone());
        args.push(Expr::column(row.len() - 1, t));
    }
    call(name, args).ok().map(|e| (e, row))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn functions_never_panic_and_results_conform(seed in any::<u64>()) {
        let mut rng = StdRng::seed_from_u64(seed);
        for f in registry().list() {
            for sig in 0..f.signatures.len() {
                for extra in 0..3 {
                    let Some((expr, row)) = random_call(f.name, sig, extra, &mut rng) else { continue };
                    let declared = expr.data_type();
                    if let Ok(v) = eval(&expr, &row) {
                        prop_assert!(conforms(&v, &declared), "{}: {v:?} is not a {declared}", expr);
                    }
                    let _ = eval_lenient(&expr, &row, &mut |_| {});
                    if !f.signatures[sig].variadic {
                        break;
                    }
                }
            }
        }
    }

    #[test]
    fn arithmetic_never_panics(seed in any::<u64>()) {
        let mut rng = StdRng::seed_from_u64(seed);
        for _ in 0..50 {
            let (lt, rt) = (scalar_type(&mut rng), scalar_type(&mut rng));
            for op in [ArithmeticOp::Add, ArithmeticOp::Subtract, ArithmeticOp::Multiply, ArithmeticOp::Divide, ArithmeticOp::Modulus] {
                let Ok(e) = arithmetic(op, Expr::column(0, lt.clone()), Expr::column(1, rt.clone())) else { continue };
                let row = [random_value(&lt, &mut rng), random_value(&rt, &mut rng)];
                if let Ok(v) = eval(&e, &row) {
                    prop_assert!(conforms(&v, &e.data_type()), "{e} on {row:?} gave {v:?}");
                }
            }
        }
    }

    #[test]
    fn casts_never_panic(seed in any::<u64>()) {
        let mut rng = StdRng::seed_from_u64(seed);
        for _ in 0..100 {
            let (from, to) = (any_type(&mut rng, 0), any_type(&mut rng, 0));
            if !castable(&from, &to) {
                continue;
            }
            let Ok(e) = cast(Expr::column(0, from.clone()), to.clone()) else { continue };
            let row = [random_value(&from, &mut rng)];
            if let Ok(v) = eval(&e, &row) {
                prop_assert!(conforms(&v, &to), "CAST({row:?} AS {to}) gave {v:?}");
            }
        }
    }

    #[test]
    fn comparisons_are_consistent(seed in any::<u64>()) {
        let mut rng = StdRng::seed_from_u64(seed);
        let families: [&[DataType]; 3] = [
            &[DataType::Int, DataType::Bigint, DataType::Double, decimal(10, 3), decimal(38, 0)],
            &[DataType::String],
            &[DataType::Timestamp, DataType::Date],
        ];
        for _ in 0..40 {
            let family = families[rng.gen_range(0..families.len())];
            let lt = family[rng.gen_range(0..family.len())].clone();
            let rt = family[rng.gen_range(0..family.len())].clone();
            let row = [random_value(&lt, &mut rng), random_value(&rt, &mut rng)];
            let (a, b) = (Expr::column(0, lt.clone()), Expr::column(1, rt.clone()));
            let test = |op: ComparisonOp, x: &Expr, y: &Expr| -> bool {
                let e = comparison(op, x.clone(), y.clone()).expect("comparable");
                eval(&e, &row) == Ok(Value::Boolean(true))
            };
            let nan = row.iter().any(|v| matches!(v, Value::Double(d) if d.is_nan()));
            prop_assert_eq!(test(ComparisonOp::Lt, &a, &b), test(ComparisonOp::Gt, &b, &a), "{:?}", row);
            prop_assert_eq!(test(ComparisonOp::LtEq, &a, &b), test(ComparisonOp::GtEq, &b, &a), "{:?}", row);
            prop_assert_eq!(test(ComparisonOp::Eq, &a, &b), test(ComparisonOp::Eq, &b, &a), "{:?}", row);
            if !row.iter().any(Value::is_null) && !nan {
                let lt_ = test(ComparisonOp::Lt, &a, &b);
                let eq = test(ComparisonOp::Eq, &a, &b);
                let gt = test(ComparisonOp::Gt, &a, &b);
                prop_assert_eq!(u8::from(lt_) + u8::from(eq) + u8::from(gt), 1, "trichotomy {:?}", row);
                prop_assert_eq!(test(ComparisonOp::LtEq, &a, &b), lt_ || eq, "{:?}", row);
                prop_assert_eq!(test(ComparisonOp::NotEq, &a, &b), !eq, "{:?}", row);
            }
        }
    }
}

#[test]
fn random_values_conform_to_their_types() {
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..1000 {
        let t = any_type(&mut rng, 0);
        let v = random_value(&t, &mut rng);
        assert!(conforms(&v, &t), "{v:?} / {t}");
    }
    assert!(same(&Value::Int(1), &Value::Int(1)));
}

#[test]
fn random_calls_reach_every_function() {
    let mut rng = StdRng::seed_from_u64(11);
    let mut missing = Vec::new();
    for f in registry().list() {
        let reached = (0..40).any(|_| {
            (0..f.signatures.len()).any(|sig| random_call(f.name, sig, 1, &mut rng).is_some())
        });
        if !reached {
            missing.push(f.name);
        }
    }
    assert!(
        missing.is_empty(),
        "never typed with random arguments: {missing:?}"
    );
}
