//! Evaluation, table-driven: null truth tables, arithmetic across types (INT wrap-around,
//! truncating division, DECIMAL exactness), the CAST table, LIKE, BETWEEN, IN, CASE, access,
//! constructors, lenient error handling, and the seed queries' expressions.

mod common;

use common::*;
use rivulet_core::{DataType, Value};
use rivulet_expr::{
    and, arithmetic, between, call, case, cast, comparison, dereference, eval, eval_lenient,
    eval_predicate, in_list, is_distinct_from, is_null, like, negate, not, or, subscript, typing,
    ArithmeticOp, ComparisonOp, EvalError, Expr,
};

use ArithmeticOp::*;
use DataType::*;

fn b(v: Option<bool>) -> Expr {
    match v {
        Some(x) => lit(x),
        None => cast(null(), Boolean).expect("typed null"),
    }
}

fn vb(v: Option<bool>) -> Value {
    v.map_or(Value::Null, Value::Boolean)
}

const T: Option<bool> = Some(true);
const F: Option<bool> = Some(false);
const N: Option<bool> = None;

#[test]
fn three_valued_and_or_not() {
    let table = [
        (T, T, T, T),
        (T, F, F, T),
        (T, N, N, T),
        (F, T, F, T),
        (F, F, F, F),
        (F, N, F, N),
        (N, T, N, T),
        (N, F, F, N),
        (N, N, N, N),
    ];
    for (l, r, expected_and, expected_or) in table {
        let a = and(vec![b(l), b(r)]).expect("and");
        assert!(
            same(&run(&a).expect("eval"), &vb(expected_and)),
            "{l:?} AND {r:?}"
        );
        let o = or(vec![b(l), b(r)]).expect("or");
        assert!(
            same(&run(&o).expect("eval"), &vb(expected_or)),
            "{l:?} OR {r:?}"
        );
    }
    for (v, expected) in [(T, F), (F, T), (N, N)] {
        let e = not(b(v)).expect("not");
        assert!(same(&run(&e).expect("eval"), &vb(expected)), "NOT {v:?}");
    }
    // FALSE short-circuits: the failing division is never evaluated.
    let boom = comparison(
        ComparisonOp::Eq,
        arithmetic(Divide, lit(1), lit(0)).expect("div"),
        lit(1),
    )
    .expect("cmp");
    assert_eq!(
        run(&and(vec![lit(false), boom.clone()]).expect("and")),
        Ok(Value::Boolean(false))
    );
    assert_eq!(
        run(&or(vec![lit(true), boom.clone()]).expect("or")),
        Ok(Value::Boolean(true))
    );
    assert_eq!(
        run(&and(vec![lit(true), boom]).expect("and")),
        Err(EvalError::DivisionByZero)
    );
}

#[test]
fn comparisons_with_null_are_false_and_null_checks_are_total() {
    let row = [Value::Null, Value::Int(1)];
    let x = col(0, Int);
    let y = col(1, Int);
    for op in [
        ComparisonOp::Eq,
        ComparisonOp::NotEq,
        ComparisonOp::Lt,
        ComparisonOp::GtEq,
    ] {
        let e = comparison(op, x.clone(), y.clone()).expect("cmp");
        assert_eq!(
            eval(&e, &row),
            Ok(Value::Boolean(false)),
            "NULL {} 1",
            op.symbol()
        );
    }
    // ksqlDB answers FALSE, so its negation is TRUE.
    let e = not(comparison(ComparisonOp::Eq, x.clone(), y.clone()).expect("cmp")).expect("not");
    assert_eq!(eval(&e, &row), Ok(Value::Boolean(true)));
    assert_eq!(
        eval(&is_null(x.clone(), false), &row),
        Ok(Value::Boolean(true))
    );
    assert_eq!(
        eval(&is_null(y.clone(), true), &row),
        Ok(Value::Boolean(true))
    );
    let distinct_cases = [
        (Value::Null, Value::Null, false),
        (Value::Null, Value::Int(1), true),
        (Value::Int(1), Value::Null, true),
        (Value::Int(1), Value::Int(1), false),
        (Value::Int(1), Value::Int(2), true),
    ];
    for (l, r, expected) in distinct_cases {
        let row = [l.clone(), r.clone()];
        let d = is_distinct_from(x.clone(), y.clone(), false).expect("distinct");
        let nd = is_distinct_from(x.clone(), y.clone(), true).expect("not distinct");
        assert_eq!(
            eval(&d, &row),
            Ok(Value::Boolean(expected)),
            "{l:?} IS DISTINCT FROM {r:?}"
        );
        assert_eq!(eval(&nd, &row), Ok(Value::Boolean(!expected)));
    }
    // Predicates: NULL drops the row.
    let p = and(vec![b(N), lit(true)]).expect("and");
    assert_eq!(eval_predicate(&p, &[]), Ok(false));
    assert_eq!(eval_predicate(&lit(true), &[]), Ok(true));
}

#[test]
fn integer_arithmetic_follows_java() {
    let cases: Vec<(ArithmeticOp, Expr, Expr, Value)> = vec![
        (Add, lit(i32::MAX), lit(1), Value::Int(i32::MIN)),
        (Multiply, lit(i64::MAX), lit(2i64), Value::Bigint(-2)),
        (Subtract, lit(i32::MIN), lit(1), Value::Int(i32::MAX)),
        (Divide, lit(7), lit(2), Value::Int(3)),
        (Divide, lit(-7), lit(2), Value::Int(-3)),
        (Modulus, lit(-7), lit(3), Value::Int(-1)),
        (Modulus, lit(7), lit(-3), Value::Int(1)),
        (Divide, lit(i32::MIN), lit(-1), Value::Int(i32::MIN)),
        (Add, lit(1), lit(2i64), Value::Bigint(3)),
        (Divide, lit(7), lit(2.0), Value::Double(3.5)),
        (Divide, lit(1.0), lit(0), Value::Double(f64::INFINITY)),
        (Modulus, lit(5.5), lit(2), Value::Double(1.5)),
        (Add, s("a"), s("b"), vs("ab")),
        (
            Add,
            lit(12),
            arithmetic(Multiply, lit(4), lit(2)).expect("mul"),
            Value::Int(20),
        ),
    ];
    for (op, l, r, expected) in cases {
        let label = format!("{l} {} {r}", op.symbol());
        let e = arithmetic(op, l, r).expect("typed");
        assert!(
            same(&run(&e).expect("eval"), &expected),
            "{label} = {:?}",
            run(&e)
        );
    }
    for op in [Divide, Modulus] {
        let e = arithmetic(op, lit(1), lit(0)).expect("typed");
        let err = run(&e).expect_err("by zero");
        assert_eq!(err.to_string(), "/ by zero");
        let e = arithmetic(op, lit(1i64), lit(0i64)).expect("typed");
        assert_eq!(run(&e), Err(EvalError::DivisionByZero));
    }
    let nan = arithmetic(Divide, lit(0.0), lit(0.0)).expect("typed");
    assert!(run(&nan).expect("eval").as_f64().is_some_and(f64::is_nan));
    assert_eq!(
        run(&negate(col(0, Int)).expect("neg")).ok(),
        None,
        "no column 0 in an empty row"
    );
    assert_eq!(
        eval(&negate(col(0, Int)).expect("neg"), &[Value::Int(i32::MIN)]),
        Ok(Value::Int(i32::MIN))
    );
}

#[test]
fn null_operands_give_null() {
    let row = [Value::Null, Value::Int(3), Value::Null];
    for op in [Add, Subtract, Multiply, Divide, Modulus] {
        let e = arithmetic(op, col(0, Int), col(1, Int)).expect("typed");
        assert_eq!(eval(&e, &row), Ok(Value::Null));
        let e = arithmetic(op, col(1, Int), col(0, Int)).expect("typed");
        assert_eq!(
            eval(&e, &row),
            Ok(Value::Null),
            "NULL divisor is NULL, not an error"
        );
    }
    let e = arithmetic(Add, col(2, String), s("x")).expect("typed");
    assert_eq!(eval(&e, &row), Ok(Value::Null), "string + NULL is NULL");
    let e = call("CONCAT", vec![col(2, String), s("x")]).expect("typed");
    assert_eq!(eval(&e, &row), Ok(vs("x")), "CONCAT skips NULLs");
    let e = call("UCASE", vec![col(2, String)]).expect("typed");
    assert_eq!(eval(&e, &row), Ok(Value::Null));
}

#[test]
fn decimal_arithmetic_is_exact() {
    let cases: Vec<(ArithmeticOp, Expr, Expr, &str)> = vec![
        (Add, dec("10.01"), dec("5.1"), "15.11"),
        (Add, dec("10.01"), dec("-5.0"), "5.01"),
        (Add, dec("0.1"), dec("0.2"), "0.3"),
        (Add, dec("10.01"), lit(5), "15.01"),
        (Subtract, dec("10.1"), dec("5.1"), "5.0"),
        (Multiply, dec("10.1"), dec("2.0"), "20.20"),
        (Multiply, dec("10.1"), dec("-2.0"), "-20.20"),
        (Divide, dec("10.1"), dec("2.0"), "5.050000"),
        (Divide, dec("10.1"), dec("-2.0"), "-5.050000"),
        (Divide, dec("1.0"), dec("3.0"), "0.333333"),
        (Divide, dec("2.0"), dec("3.0"), "0.666667"),
        (Divide, dec("-2.0"), dec("3.0"), "-0.666667"),
        (Modulus, dec("10.1"), dec("2.0"), "0.1"),
        (Modulus, dec("10.1"), dec("-2.0"), "0.1"),
        (Modulus, dec("-10.1"), dec("2.0"), "-0.1"),
    ];
    for (op, l, r, expected) in cases {
        let label = format!("{l} {} {r}", op.symbol());
        let e = arithmetic(op, l, r).expect("typed");
        let t = e.data_type();
        let got = run(&e).expect("eval");
        let Value::Decimal(d) = &got else {
            panic!("{label}: {got:?}")
        };
        assert_eq!(
            d.to_string().parse::<rivulet_core::Decimal>().ok(),
            expected.parse().ok(),
            "{label}"
        );
        let DataType::Decimal { scale, .. } = t else {
            panic!("{label}: type {t}")
        };
        assert_eq!(d.scale, scale, "{label}: value scale matches the type");
    }
    assert_eq!(
        run(&arithmetic(Divide, dec("10.1"), dec("0.0")).expect("typed")),
        Err(EvalError::DivisionByZero)
    );
    assert_eq!(
        run(&arithmetic(Modulus, dec("10.1"), dec("0.0")).expect("typed")),
        Err(EvalError::DivisionByZero)
    );
    // DECIMAL with DOUBLE is DOUBLE.
    assert!(same(
        &run(&arithmetic(Add, dec("10.01"), lit(5.1)).expect("typed")).expect("eval"),
        &Value::Double(15.11)
    ));
    assert!(same(
        &run(&negate(dec("10.12345")).expect("neg")).expect("eval"),
        &vd("-10.12345")
    ));
}

fn cast_eval(v: Expr, to: DataType) -> Result<Value, EvalError> {
    // Through a column so nothing is folded at planning time.
    let t = v.data_type();
    let value = run(&v).expect("literal");
    let e = cast(col(0, t), to).expect("cast typed");
    eval(&e, &[value])
}

#[test]
fn cast_table_values() {
    let cases: Vec<(Expr, DataType, Value)> = vec![
        (lit(-1), String, vs("-1")),
        (lit(1.5e10), String, vs("1.5E10")),
        (lit(1.0), String, vs("1.0")),
        (dec("10.00"), String, vs("10.00")),
        (lit(true), String, vs("true")),
        (
            typed(Value::Timestamp(1_651_182_287_943), Timestamp),
            String,
            vs("2022-04-28T21:44:47.943"),
        ),
        (typed(Value::Date(18_408), Date), String, vs("2020-05-26")),
        (typed(Value::Time(3_600_000), Time), String, vs("01:00")),
        (typed(Value::Time(3_661_500), Time), String, vs("01:01:01")),
        (s("true"), Boolean, Value::Boolean(true)),
        (s("TRUE"), Boolean, Value::Boolean(true)),
        (s(" yes "), Boolean, Value::Boolean(true)),
        (s("t"), Boolean, Value::Boolean(true)),
        (s("Y"), Boolean, Value::Boolean(true)),
        (s("false"), Boolean, Value::Boolean(false)),
        (s("no"), Boolean, Value::Boolean(false)),
        (s("abc"), Boolean, Value::Boolean(false)),
        (s(""), Boolean, Value::Boolean(false)),
        (s("  42 "), Int, Value::Int(42)),
        (s("-9000000000"), Bigint, Value::Bigint(-9_000_000_000)),
        (s("1e3"), Double, Value::Double(1000.0)),
        (s("0.99"), decimal(2, 1), vd("1.0")),
        (s("0.01"), decimal(2, 1), vd("0.0")),
        (s("1.5E2"), decimal(4, 1), vd("150.0")),
        (
            s("2022-04-28T21:44:47.943"),
            Timestamp,
            Value::Timestamp(1_651_182_287_943),
        ),
        (
            s("2022-04-28T21:44:47.943Z"),
            Timestamp,
            Value::Timestamp(1_651_182_287_943),
        ),
        (
            s("2022-04-28T21:44:47.943+0200"),
            Timestamp,
            Value::Timestamp(1_651_175_087_943),
        ),
        (
            s("2022-04-28T21:44"),
            Timestamp,
            Value::Timestamp(1_651_182_240_000),
        ),
        (
            s("2022-04-28"),
            Timestamp,
            Value::Timestamp(1_651_104_000_000),
        ),
        (s("2022"), Timestamp, Value::Timestamp(1_640_995_200_000)),
        (s("2020-05-26"), Date, Value::Date(18_408)),
        (s("2020-05"), Date, Value::Date(18_383)),
        (s("01:34:20.123"), Time, Value::Time(5_660_123)),
        (s("01:34"), Time, Value::Time(5_640_000)),
        (s("AQI="), Bytes, Value::Bytes(vec![1, 2].into())),
        (
            typed(Value::Timestamp(1_651_182_287_943), Timestamp),
            Date,
            Value::Date(19_110),
        ),
        (
            typed(Value::Timestamp(1_651_182_287_943), Timestamp),
            Time,
            Value::Time(78_287_943),
        ),
        (
            typed(Value::Timestamp(-1), Timestamp),
            Date,
            Value::Date(-1),
        ),
        (
            typed(Value::Date(1), Date),
            Timestamp,
            Value::Timestamp(86_400_000),
        ),
        (lit(3.9), Int, Value::Int(3)),
        (lit(-3.9), Int, Value::Int(-3)),
        (lit(1e20), Int, Value::Int(i32::MAX)),
        (lit(f64::NAN), Bigint, Value::Bigint(0)),
        (lit(2_147_483_648i64), Int, Value::Int(i32::MIN)),
        (dec("10.99"), Int, Value::Int(10)),
        (dec("-10.99"), Bigint, Value::Bigint(-10)),
        (dec("10.01"), Double, Value::Double(10.01)),
        (lit(1), decimal(2, 1), vd("1.0")),
        (lit(0.99), decimal(2, 1), vd("1.0")),
        (lit(0.01), decimal(2, 1), vd("0.0")),
        (lit(1.1), decimal(2, 1), vd("1.1")),
        (dec("10.12"), decimal(5, 3), vd("10.120")),
        (dec("1.25"), decimal(2, 1), vd("1.3")),
        (lit(5), Double, Value::Double(5.0)),
    ];
    for (v, to, expected) in cases {
        let label = format!("CAST({v} AS {to})");
        let got = cast_eval(v, to);
        assert!(
            got.as_ref().is_ok_and(|g| same(g, &expected)),
            "{label} = {got:?}, expected {expected:?}"
        );
    }
    let failures: Vec<(Expr, DataType, &str)> = vec![
        (s("abc"), Int, "Can't coerce STRING value 'abc' to INTEGER"),
        (s("2147483648"), Int, "Can't coerce"),
        (s("1.5"), Bigint, "Can't coerce"),
        (s("NaN"), Double, "Can't coerce"),
        (s("x"), decimal(4, 2), "Can't coerce"),
        (lit(10), decimal(2, 1), "Numeric field overflow"),
        (s("99.96"), decimal(3, 1), "Numeric field overflow"),
        (s("2022-13-01"), Date, "Can't coerce"),
        (s("25:00"), Time, "Can't coerce"),
        (s("yesterday"), Timestamp, "Can't coerce"),
        (s("!!"), Bytes, "Can't coerce"),
    ];
    for (v, to, msg) in failures {
        let label = format!("CAST({v} AS {to})");
        let err = cast_eval(v, to).expect_err(&label);
        assert!(err.to_string().contains(msg), "{label}: {err}");
    }
    assert_eq!(run(&cast(null(), Int).expect("cast")), Ok(Value::Null));
}

#[test]
fn cast_of_collections() {
    let big = typed(
        arr(vec![
            Value::Bigint(1),
            Value::Bigint(3),
            Value::Bigint(2_147_483_648),
        ]),
        array_of(Bigint),
    );
    assert_eq!(
        cast_eval(big.clone(), array_of(Int)),
        Ok(arr(vec![
            Value::Int(1),
            Value::Int(3),
            Value::Int(i32::MIN)
        ]))
    );
    assert_eq!(
        cast_eval(big, array_of(String)),
        Ok(arr(vec![vs("1"), vs("3"), vs("2147483648")]))
    );
    let m = typed(
        Value::Map(vec![(vs("k1"), vs("10"))]),
        map_of(String, String),
    );
    assert_eq!(
        cast_eval(m.clone(), map_of(String, Int)),
        Ok(Value::Map(vec![(vs("k1"), Value::Int(10))]))
    );
    assert_eq!(cast_eval(m, String), Ok(vs("{k1=10}")));
    let st = typed(
        Value::Struct(vec![
            ("F0".into(), Value::Bigint(1)),
            ("F1".into(), vs("3")),
        ]),
        struct_of(&[("F0", Bigint), ("F1", String)]),
    );
    assert_eq!(
        cast_eval(st.clone(), struct_of(&[("F0", String), ("F3", String)])),
        Ok(Value::Struct(vec![
            ("F0".into(), vs("1")),
            ("F3".into(), Value::Null)
        ]))
    );
    assert_eq!(cast_eval(st, String), Ok(vs("Struct{F0=1,F1=3}")));
    let a = typed(arr(vec![Value::Int(1), Value::Int(3)]), array_of(Int));
    assert_eq!(cast_eval(a, String), Ok(vs("[1, 3]")));
}

#[test]
fn like_between_in() {
    let row = [
        vs("barfoobaz"),
        Value::Null,
        vs("%"),
        Value::Int(5),
        vs("f_o"),
    ];
    let v = col(0, String);
    let cases: Vec<(Expr, Value)> = vec![
        (
            like(v.clone(), s("%foo%"), None, false).expect("like"),
            Value::Boolean(true),
        ),
        (
            like(v.clone(), s("%foo"), None, false).expect("like"),
            Value::Boolean(false),
        ),
        (
            like(v.clone(), s("bar___baz"), None, false).expect("like"),
            Value::Boolean(true),
        ),
        (
            like(v.clone(), s("%foo%"), None, true).expect("like"),
            Value::Boolean(false),
        ),
        (
            like(col(2, String), s("!%"), Some('!'), false).expect("like"),
            Value::Boolean(true),
        ),
        (
            like(s("x"), s("!%"), Some('!'), false).expect("like"),
            Value::Boolean(false),
        ),
        (
            like(s("foo"), col(4, String), None, false).expect("like"),
            Value::Boolean(true),
        ),
        (
            like(col(1, String), s("%"), None, false).expect("like"),
            Value::Null,
        ),
        (
            between(col(3, Int), lit(5), lit(10), false).expect("between"),
            Value::Boolean(true),
        ),
        (
            between(col(3, Int), lit(1), lit(5), false).expect("between"),
            Value::Boolean(true),
        ),
        (
            between(col(3, Int), lit(6), lit(10), false).expect("between"),
            Value::Boolean(false),
        ),
        (
            between(col(3, Int), lit(6), lit(10), true).expect("between"),
            Value::Boolean(true),
        ),
        (
            between(col(3, Int), lit(4.5), dec("5.5"), false).expect("between"),
            Value::Boolean(true),
        ),
        (
            between(col(1, Int), lit(1), lit(10), false).expect("between"),
            Value::Boolean(false),
        ),
        (
            between(s("b"), s("a"), s("c"), false).expect("between"),
            Value::Boolean(true),
        ),
        (
            between(
                typed(Value::Timestamp(1_590_530_398_000), Timestamp),
                s("2020-05-26"),
                s("2020-05-27"),
                false,
            )
            .expect("between"),
            Value::Boolean(true),
        ),
        (
            in_list(col(3, Int), vec![lit(1), lit(5)], false).expect("in"),
            Value::Boolean(true),
        ),
        (
            in_list(col(3, Int), vec![null(), lit(5)], false).expect("in"),
            Value::Boolean(true),
        ),
        (
            in_list(col(3, Int), vec![null(), lit(6)], false).expect("in"),
            Value::Boolean(false),
        ),
        (
            in_list(col(3, Int), vec![s("5")], false).expect("in"),
            Value::Boolean(true),
        ),
        (
            in_list(col(3, Int), vec![lit(5.0)], false).expect("in"),
            Value::Boolean(true),
        ),
        (
            in_list(col(3, Int), vec![lit(6)], true).expect("in"),
            Value::Boolean(true),
        ),
        (
            in_list(col(1, Int), vec![lit(1)], false).expect("in"),
            Value::Boolean(false),
        ),
        (
            in_list(col(1, Int), vec![lit(1)], true).expect("in"),
            Value::Boolean(true),
        ),
    ];
    for (e, expected) in cases {
        assert_eq!(eval(&e, &row), Ok(expected.clone()), "{e}");
    }
}

#[test]
fn case_access_and_constructors() {
    let row = [Value::Int(2), Value::Null];
    let x = col(0, Int);
    let searched = |else_: Option<Expr>| {
        case(
            None,
            vec![
                (
                    comparison(ComparisonOp::Lt, x.clone(), lit(2)).expect("cmp"),
                    s("small"),
                ),
                (
                    comparison(ComparisonOp::Lt, x.clone(), lit(3)).expect("cmp"),
                    s("medium"),
                ),
                (
                    comparison(ComparisonOp::Lt, x.clone(), lit(4)).expect("cmp"),
                    s("large"),
                ),
            ],
            else_,
        )
        .expect("case")
    };
    assert_eq!(
        eval(&searched(None), &row),
        Ok(vs("medium")),
        "first match wins"
    );
    let high = [Value::Int(9)];
    assert_eq!(
        eval(&searched(None), &high),
        Ok(Value::Null),
        "no ELSE gives NULL"
    );
    assert_eq!(eval(&searched(Some(s("huge"))), &high), Ok(vs("huge")));
    let simple = case(
        Some(x.clone()),
        vec![(lit(1), s("one")), (lit(2), s("two"))],
        Some(s("many")),
    )
    .expect("case");
    assert_eq!(eval(&simple, &row), Ok(vs("two")));
    let null_subject = case(
        Some(col(1, Int)),
        vec![(lit(1), s("one"))],
        Some(s("other")),
    )
    .expect("case");
    assert_eq!(eval(&null_subject, &row), Ok(vs("other")));

    let a = typed(arr(vec![vs("a"), vs("b"), vs("c")]), array_of(String));
    let at = |i: i32| run(&subscript(a.clone(), lit(i)).expect("subscript"));
    assert_eq!(at(1), Ok(vs("a")));
    assert_eq!(at(3), Ok(vs("c")));
    assert_eq!(at(-1), Ok(vs("c")));
    assert_eq!(at(-3), Ok(vs("a")));
    assert_eq!(at(0), Ok(Value::Null));
    assert_eq!(at(4), Ok(Value::Null));
    assert_eq!(at(-4), Ok(Value::Null));
    let split = call("SPLIT", vec![s("a,b,c"), s(",")]).expect("split");
    assert_eq!(
        run(&subscript(split, lit(3)).expect("subscript")),
        Ok(vs("c"))
    );
    let m = typing::map(vec![(s("a"), lit(1)), (s("b"), lit(2)), (s("a"), lit(3))]).expect("map");
    assert_eq!(
        run(&m),
        Ok(Value::Map(vec![
            (vs("a"), Value::Int(3)),
            (vs("b"), Value::Int(2))
        ]))
    );
    assert_eq!(
        run(&subscript(m.clone(), s("b")).expect("m[k]")),
        Ok(Value::Int(2))
    );
    assert_eq!(run(&subscript(m, s("z")).expect("m[k]")), Ok(Value::Null));
    let null_array = cast(null(), array_of(Int)).expect("null array");
    assert_eq!(
        run(&subscript(null_array, lit(1)).expect("subscript")),
        Ok(Value::Null)
    );

    let st = typing::structure(vec![
        ("ID".into(), lit(1)),
        (
            "PERSON".into(),
            typing::structure(vec![("NAME".into(), s("George"))]).expect("inner"),
        ),
    ])
    .expect("struct");
    let name =
        dereference(dereference(st.clone(), "PERSON").expect("person"), "NAME").expect("name");
    assert_eq!(run(&name), Ok(vs("George")));
    let t = struct_of(&[("PERSON", struct_of(&[("NAME", String)]))]);
    let row = [Value::Struct(vec![("PERSON".into(), Value::Null)])];
    let name =
        dereference(dereference(col(0, t), "PERSON").expect("person"), "NAME").expect("name");
    assert_eq!(eval(&name, &row), Ok(Value::Null));
    assert_eq!(
        run(&typing::array(vec![lit(1), null(), lit(3i64)]).expect("array")),
        Ok(arr(vec![Value::Bigint(1), Value::Null, Value::Bigint(3)]))
    );
}

#[test]
fn lenient_evaluation_nulls_failed_parts_like_ksqldb() {
    // ifnull(cast(PARSE_DATE(f0, 'yyyy-MM-dd') as string), '1900-01-01')
    let parsed = call("PARSE_DATE", vec![col(0, String), s("yyyy-MM-dd")]).expect("parse");
    let e = call(
        "IFNULL",
        vec![cast(parsed, String).expect("cast"), s("1900-01-01")],
    )
    .expect("ifnull");
    let mut errors = Vec::new();
    let mut sink = |err: EvalError| errors.push(err);
    assert_eq!(
        eval_lenient(&e, &[vs("2022-02-02")], &mut sink),
        vs("2022-02-02")
    );
    assert_eq!(
        eval_lenient(&e, &[Value::Null], &mut sink),
        vs("1900-01-01")
    );
    assert_eq!(eval_lenient(&e, &[vs("abcd")], &mut sink), vs("1900-01-01"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].to_string().contains("PARSE_DATE"),
        "{}",
        errors[0]
    );
    assert!(
        eval(&e, &[vs("abcd")]).is_err(),
        "strict evaluation stops at the first error"
    );
    // A top-level failure is reported and gives NULL.
    let div = arithmetic(Divide, col(0, Int), lit(0)).expect("div");
    let mut count = 0;
    assert_eq!(
        eval_lenient(&div, &[Value::Int(1)], &mut |_| count += 1),
        Value::Null
    );
    assert_eq!(count, 1);
    // A failing function argument of CONCAT becomes NULL and is skipped.
    let geo = call(
        "GEO_DISTANCE",
        vec![lit(100.0), lit(0.0), lit(0.0), lit(0.0)],
    )
    .expect("geo");
    let concat = call(
        "CONCAT",
        vec![s("a"), cast(geo, String).expect("cast"), col(0, String)],
    )
    .expect("concat");
    let mut errs = Vec::new();
    assert_eq!(
        eval_lenient(&concat, &[vs("b")], &mut |e| errs.push(e)),
        vs("ab")
    );
    assert_eq!(errs.len(), 1);
}

#[test]
fn seed_push_query_filter_and_projection() {
    // select deviceId, time, values_x, values_y, values_z from smartphone_sensor_stream
    // where name = 'accelerometeruncalibrated'
    let schema = [
        String, Bigint, Double, Double, Double, Bigint, String, String,
    ];
    let row = vec![
        vs("accelerometeruncalibrated"),
        Value::Bigint(1_684_615_020_438_850_600),
        Value::Double(0.9939),
        Value::Double(-0.5736),
        Value::Double(-0.1787),
        Value::Bigint(7),
        vs("session"),
        vs("86a5b0e3"),
    ];
    let filter = comparison(
        ComparisonOp::Eq,
        col(0, String),
        s("accelerometeruncalibrated"),
    )
    .expect("filter");
    assert_eq!(eval_predicate(&filter, &row), Ok(true));
    let mut other = row.clone();
    other[0] = vs("gyroscopeuncalibrated");
    assert_eq!(eval_predicate(&filter, &other), Ok(false));
    let projection: Vec<Expr> = [7, 1, 2, 3, 4]
        .iter()
        .map(|i| col(*i, schema[*i].clone()))
        .collect();
    let out: Vec<Value> = projection
        .iter()
        .map(|e| eval(e, &row).expect("column"))
        .collect();
    assert_eq!(
        out,
        vec![
            vs("86a5b0e3"),
            row[1].clone(),
            row[2].clone(),
            row[3].clone(),
            row[4].clone()
        ]
    );
    let types: Vec<std::string::String> = projection
        .iter()
        .map(|e| e.data_type().to_string())
        .collect();
    assert_eq!(types, ["STRING", "BIGINT", "DOUBLE", "DOUBLE", "DOUBLE"]);
}

#[test]
fn seed_fleet_query_expressions() {
    // WHERE 1=1 and SL.LATITUDE BETWEEN 8 AND 10 and SL.LONGITUDE BETWEEN 106 AND 108
    let lat = col(0, Double);
    let lon = col(1, Double);
    let filter = and(vec![
        comparison(ComparisonOp::Eq, lit(1), lit(1)).expect("1=1"),
        between(lat.clone(), lit(8), lit(10), false).expect("lat"),
        between(lon.clone(), lit(106), lit(108), false).expect("lon"),
    ])
    .expect("filter");
    assert_eq!(
        eval_predicate(&filter, &[Value::Double(9.2), Value::Double(107.1)]),
        Ok(true)
    );
    assert_eq!(
        eval_predicate(&filter, &[Value::Double(10.0), Value::Double(108.0)]),
        Ok(true),
        "inclusive"
    );
    assert_eq!(
        eval_predicate(&filter, &[Value::Double(10.01), Value::Double(107.0)]),
        Ok(false)
    );
    assert_eq!(
        eval_predicate(&filter, &[Value::Null, Value::Double(107.0)]),
        Ok(false)
    );
    // GEO_DISTANCE(SL.LATITUDE, SL.LONGITUDE, 9.0, 107.0): km by default.
    let distance = call("GEO_DISTANCE", vec![lat, lon, dec("9.0"), dec("107.0")]).expect("geo");
    let d = eval(&distance, &[Value::Double(9.0), Value::Double(108.0)]).expect("eval");
    assert!(
        d.as_f64().is_some_and(|km| (km - 109.82).abs() < 0.01),
        "{d:?}"
    );
    // CONCAT(CAST(DEVICE_ID AS STRING), '_', CAST(WINDOWSTART AS STRING), '_', CAST(WINDOWEND AS STRING))
    let id = call(
        "CONCAT",
        vec![
            cast(col(0, String), String).expect("cast"),
            s("_"),
            cast(col(1, Bigint), String).expect("cast"),
            s("_"),
            cast(col(2, Bigint), String).expect("cast"),
        ],
    )
    .expect("concat");
    let row = [
        vs("dev-1"),
        Value::Bigint(1_700_000_000_000),
        Value::Bigint(1_700_000_002_000),
    ];
    assert_eq!(eval(&id, &row), Ok(vs("dev-1_1700000000000_1700000002000")));
    let as_value = call("AS_VALUE", vec![col(0, String)]).expect("as_value");
    assert_eq!(eval(&as_value, &row), Ok(vs("dev-1")));
}
