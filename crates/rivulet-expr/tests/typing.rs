//! Typing rules, table-driven: result types, the implicit casts the builders insert, and the
//! errors (with ksqlDB-like messages) for what ksqlDB rejects.

mod common;

use common::*;
use rivulet_core::{DataType, Value};
use rivulet_expr::{
    and, arithmetic, between, call, case, cast, comparison, concat, dereference, in_list,
    is_distinct_from, lambda_parameter_types, like, negate, not, subscript, typing, ArithmeticOp,
    ComparisonOp, Expr,
};

use ArithmeticOp::*;
use DataType::*;

fn c(i: usize, t: DataType) -> Expr {
    col(i, t)
}

#[test]
fn arithmetic_result_types() {
    let cases: Vec<(ArithmeticOp, DataType, DataType, DataType)> = vec![
        (Add, Int, Int, Int),
        (Divide, Int, Int, Int),
        (Add, Int, Bigint, Bigint),
        (Multiply, Bigint, Int, Bigint),
        (Add, Int, Double, Double),
        (Subtract, Bigint, Double, Double),
        (Add, decimal(4, 2), Double, Double),
        (Add, decimal(4, 2), decimal(3, 1), decimal(5, 2)),
        (Subtract, decimal(4, 2), decimal(3, 1), decimal(5, 2)),
        (Multiply, decimal(4, 2), decimal(3, 1), decimal(8, 3)),
        (Divide, decimal(4, 2), decimal(3, 1), decimal(9, 6)),
        (Divide, decimal(10, 0), decimal(10, 0), decimal(21, 11)),
        (Modulus, decimal(4, 2), decimal(3, 1), decimal(4, 2)),
        (Add, Int, decimal(4, 2), decimal(13, 2)),
        (Multiply, Bigint, decimal(2, 1), decimal(22, 1)),
        (Add, String, String, String),
    ];
    for (op, l, r, expected) in cases {
        let e = arithmetic(op, c(0, l.clone()), c(1, r.clone())).expect("typed");
        assert_eq!(e.data_type(), expected, "{l} {} {r}", op.symbol());
    }
}

#[test]
fn arithmetic_inserts_widening_casts() {
    let e = arithmetic(Add, c(0, Int), c(1, Bigint)).expect("typed");
    let Expr::Arithmetic { left, right, .. } = &e else {
        panic!("not arithmetic: {e}")
    };
    assert!(
        matches!(left.as_ref(), Expr::Cast { to: Bigint, .. }),
        "{left}"
    );
    assert!(matches!(right.as_ref(), Expr::Column { .. }), "{right}");
    let e = arithmetic(Add, c(0, Int), c(1, decimal(4, 2))).expect("typed");
    let Expr::Arithmetic { left, .. } = &e else {
        panic!("not arithmetic")
    };
    assert_eq!(left.data_type(), decimal(10, 0));
    // A literal operand is converted at planning time.
    let e = arithmetic(Add, c(0, Double), lit(1)).expect("typed");
    let Expr::Arithmetic { right, .. } = &e else {
        panic!("not arithmetic")
    };
    assert!(matches!(right.as_ref(), Expr::Literal(Value::Double(x), Double) if *x == 1.0));
    // NULL takes the other side's type.
    assert_eq!(
        arithmetic(Add, null(), c(0, Bigint))
            .expect("typed")
            .data_type(),
        Bigint
    );
}

#[test]
fn arithmetic_errors() {
    let cases: Vec<(ArithmeticOp, Expr, Expr, &str)> = vec![
        (
            Add,
            lit(true),
            dec("1.5"),
            "Unsupported arithmetic types. BOOLEAN DECIMAL",
        ),
        (
            Subtract,
            s("a"),
            s("b"),
            "Unsupported arithmetic types. STRING STRING",
        ),
        (
            Add,
            s("a"),
            lit(1),
            "Unsupported arithmetic types. STRING INTEGER",
        ),
        (
            Multiply,
            c(0, Timestamp),
            lit(2),
            "Unsupported arithmetic types. TIMESTAMP INTEGER",
        ),
        (Add, null(), null(), "null and null"),
    ];
    for (op, l, r, msg) in cases {
        let err = arithmetic(op, l, r).expect_err("rejected");
        assert!(err.to_string().contains(msg), "{err} vs {msg}");
    }
    assert!(negate(s("x")).is_err());
    assert!(matches!(
        negate(lit(5)).expect("neg"),
        Expr::Literal(Value::Int(-5), Int)
    ));
    assert_eq!(
        concat(s("a"), c(0, String)).expect("concat").data_type(),
        String
    );
    assert!(concat(s("a"), lit(1)).is_err());
}

#[test]
fn comparison_rules() {
    let ok: Vec<(DataType, ComparisonOp, DataType)> = vec![
        (Int, ComparisonOp::Eq, Double),
        (decimal(4, 3), ComparisonOp::Lt, Bigint),
        (String, ComparisonOp::GtEq, String),
        (String, ComparisonOp::Eq, Timestamp),
        (Timestamp, ComparisonOp::Lt, Date),
        (Time, ComparisonOp::Gt, String),
        (Boolean, ComparisonOp::Eq, Boolean),
        (array_of(Int), ComparisonOp::NotEq, array_of(Int)),
        (map_of(String, Int), ComparisonOp::Eq, map_of(String, Int)),
        (
            struct_of(&[("ID", Int)]),
            ComparisonOp::Eq,
            struct_of(&[("ID", Int)]),
        ),
        (Bytes, ComparisonOp::Lt, Bytes),
    ];
    for (l, op, r) in ok {
        let e = comparison(op, c(0, l.clone()), c(1, r.clone()));
        assert!(e.is_ok(), "{l} {} {r}: {e:?}", op.symbol());
        assert_eq!(e.expect("typed").data_type(), Boolean);
    }
    let rejected: Vec<(DataType, ComparisonOp, DataType, &str)> = vec![
        (
            Int,
            ComparisonOp::GtEq,
            String,
            "Cannot compare INTEGER to STRING with GREATER_THAN_OR_EQUAL.",
        ),
        (
            Bigint,
            ComparisonOp::Gt,
            String,
            "Cannot compare BIGINT to STRING with GREATER_THAN.",
        ),
        (
            array_of(Int),
            ComparisonOp::Lt,
            array_of(Int),
            "Cannot compare ARRAY<INTEGER> to ARRAY<INTEGER> with LESS_THAN.",
        ),
        (
            struct_of(&[("ID", Int)]),
            ComparisonOp::Lt,
            struct_of(&[("ID", Int)]),
            "Cannot compare STRUCT<`ID` INTEGER> to STRUCT<`ID` INTEGER> with LESS_THAN.",
        ),
        (
            Boolean,
            ComparisonOp::Lt,
            Boolean,
            "Cannot compare BOOLEAN to BOOLEAN with LESS_THAN.",
        ),
        (
            Bytes,
            ComparisonOp::Eq,
            String,
            "Cannot compare BYTES to STRING with EQUAL.",
        ),
        (
            Time,
            ComparisonOp::Eq,
            Date,
            "Cannot compare TIME to DATE with EQUAL.",
        ),
    ];
    for (l, op, r, msg) in rejected {
        let err = comparison(op, c(0, l), c(1, r)).expect_err("rejected");
        assert_eq!(err.to_string(), msg);
    }
    let err = comparison(ComparisonOp::Eq, c(0, Int), null()).expect_err("null");
    assert_eq!(
        err.to_string(),
        "Comparison with NULL not supported: INTEGER = NULL\nUse 'IS NULL' or 'IS NOT NULL' instead."
    );
}

#[test]
fn comparisons_read_string_literals_as_times() {
    let e = comparison(
        ComparisonOp::Gt,
        c(0, Timestamp),
        s("2020-05-26T23:59:58.000+0200"),
    )
    .expect("typed");
    let Expr::Comparison { right, .. } = &e else {
        panic!("not a comparison")
    };
    assert!(
        matches!(
            right.as_ref(),
            Expr::Literal(Value::Timestamp(1_590_530_398_000), Timestamp)
        ),
        "{right}"
    );
    let e = comparison(ComparisonOp::Eq, s("2020-05-26"), c(0, Date)).expect("typed");
    let Expr::Comparison { left, .. } = &e else {
        panic!("not a comparison")
    };
    assert!(
        matches!(left.as_ref(), Expr::Literal(Value::Date(18_408), Date)),
        "{left}"
    );
    // A string column is cast per row; a DATE meets a TIMESTAMP as midnight.
    let e = comparison(ComparisonOp::Eq, c(0, String), c(1, Time)).expect("typed");
    let Expr::Comparison { left, .. } = &e else {
        panic!("not a comparison")
    };
    assert!(matches!(left.as_ref(), Expr::Cast { to: Time, .. }));
    let e = comparison(ComparisonOp::Lt, c(0, Date), c(1, Timestamp)).expect("typed");
    let Expr::Comparison { left, .. } = &e else {
        panic!("not a comparison")
    };
    assert!(matches!(left.as_ref(), Expr::Cast { to: Timestamp, .. }));
    let err =
        comparison(ComparisonOp::Eq, c(0, Timestamp), s("yesterday")).expect_err("bad literal");
    assert!(err.to_string().contains("TIMESTAMP"), "{err}");
}

#[test]
fn cast_table() {
    let allowed: Vec<(DataType, DataType)> = vec![
        (Boolean, String),
        (Int, Bigint),
        (Int, decimal(5, 2)),
        (Double, Int),
        (decimal(5, 2), Double),
        (String, Boolean),
        (String, Int),
        (String, decimal(5, 2)),
        (String, Timestamp),
        (String, Date),
        (String, Time),
        (String, Bytes),
        (Timestamp, Date),
        (Timestamp, Time),
        (Timestamp, String),
        (Date, Timestamp),
        (Time, String),
        (array_of(Bigint), array_of(Int)),
        (array_of(Int), String),
        (map_of(String, String), map_of(String, Int)),
        (
            struct_of(&[("F0", Bigint), ("F1", String)]),
            struct_of(&[("F0", String), ("F3", String)]),
        ),
        (struct_of(&[("F0", Int)]), String),
    ];
    for (from, to) in allowed {
        let e = cast(c(0, from.clone()), to.clone());
        assert!(e.is_ok(), "CAST({from} AS {to}): {e:?}");
        assert_eq!(e.expect("cast").data_type(), to);
    }
    let rejected: Vec<(DataType, DataType, &str)> = vec![
        (
            String,
            array_of(Int),
            "Cast of STRING to ARRAY<INTEGER> is not supported",
        ),
        (
            String,
            map_of(String, Int),
            "Cast of STRING to MAP<STRING, INTEGER> is not supported",
        ),
        (
            String,
            struct_of(&[("F0", String), ("F1", Int)]),
            "Cast of STRING to STRUCT<`F0` STRING, `F1` INTEGER> is not supported",
        ),
        (Int, Boolean, "Cast of INTEGER to BOOLEAN is not supported"),
        (Bytes, String, "Cast of BYTES to STRING is not supported"),
        (
            Time,
            Timestamp,
            "Cast of TIME to TIMESTAMP is not supported",
        ),
        (Date, Time, "Cast of DATE to TIME is not supported"),
        (
            array_of(Bytes),
            array_of(String),
            "Cast of ARRAY<BYTES> to ARRAY<STRING> is not supported",
        ),
    ];
    for (from, to, msg) in rejected {
        let err = cast(c(0, from), to).expect_err("rejected");
        assert_eq!(err.to_string(), msg);
    }
    let err = cast(c(0, Int), decimal(2, 3)).expect_err("bad decimal");
    assert_eq!(
        err.to_string(),
        "DECIMAL precision must be >= scale: DECIMAL(2,3)"
    );
    // Same type: no node. Literal: folded when it succeeds, kept for per-row failure otherwise.
    assert!(matches!(
        cast(c(0, Int), Int).expect("noop"),
        Expr::Column { .. }
    ));
    assert!(matches!(
        cast(s(" 12 "), Int).expect("fold"),
        Expr::Literal(Value::Int(12), Int)
    ));
    assert!(matches!(
        cast(s("abc"), Int).expect("deferred"),
        Expr::Cast { .. }
    ));
    assert_eq!(cast(null(), Int).expect("typed null").data_type(), Int);
}

#[test]
fn function_overloads_and_implicit_casts() {
    let cases: Vec<(&str, Vec<Expr>, DataType)> = vec![
        ("ABS", vec![c(0, Int)], Int),
        ("ABS", vec![c(0, decimal(5, 2))], decimal(5, 2)),
        ("ROUND", vec![c(0, decimal(5, 2))], decimal(3, 0)),
        ("ROUND", vec![c(0, decimal(5, 2)), lit(1)], decimal(5, 2)),
        ("ROUND", vec![c(0, Double)], Bigint),
        // INT meets DECIMAL before DOUBLE on the widening path, so the exact overload wins.
        ("ROUND", vec![c(0, Int), lit(1)], decimal(10, 0)),
        ("ROUND", vec![c(0, Double), lit(1)], Double),
        ("CEIL", vec![c(0, decimal(3, 1))], decimal(3, 1)),
        ("SQRT", vec![c(0, Int)], Double),
        ("GREATEST", vec![c(0, Int), c(1, Bigint)], Bigint),
        (
            "GREATEST",
            vec![c(0, decimal(9, 2)), c(1, decimal(7, 6))],
            decimal(13, 6),
        ),
        ("COALESCE", vec![c(0, Int), c(1, Double)], Double),
        ("COALESCE", vec![null(), c(0, String)], String),
        ("CONCAT", vec![c(0, String), s("_"), c(1, String)], String),
        ("SUBSTRING", vec![c(0, String), lit(1)], String),
        ("SPLIT", vec![c(0, String), s(",")], array_of(String)),
        (
            "ARRAY_MAX",
            vec![c(0, array_of(decimal(4, 2)))],
            decimal(4, 2),
        ),
        (
            "MAP_VALUES",
            vec![c(0, map_of(String, Double))],
            array_of(Double),
        ),
        (
            "ENTRIES",
            vec![c(0, map_of(String, Int)), lit(true)],
            array_of(struct_of(&[("K", String), ("V", Int)])),
        ),
        ("AS_VALUE", vec![c(0, Bigint)], Bigint),
        (
            "TIMESTAMPADD",
            vec![s("SECONDS"), lit(10), c(0, Timestamp)],
            Timestamp,
        ),
        (
            "GEO_DISTANCE",
            vec![c(0, Double), c(1, Double), dec("9.0"), dec("107.0")],
            Double,
        ),
    ];
    for (name, args, expected) in cases {
        let shown: Vec<std::string::String> =
            args.iter().map(|a| a.data_type().to_string()).collect();
        let e =
            call(name, args).unwrap_or_else(|err| panic!("{name}({}): {err}", shown.join(", ")));
        assert_eq!(e.data_type(), expected, "{name}({})", shown.join(", "));
    }
    // The DECIMAL literals of GEO_DISTANCE become DOUBLE literals at planning time.
    let e = call(
        "GEO_DISTANCE",
        vec![c(0, Double), c(1, Double), dec("9.0"), lit(107)],
    )
    .expect("typed");
    let Expr::Call { args, .. } = &e else {
        panic!("not a call")
    };
    assert!(matches!(&args[2], Expr::Literal(Value::Double(x), Double) if *x == 9.0));
    assert!(matches!(&args[3], Expr::Literal(Value::Double(x), Double) if *x == 107.0));
    // INT widens to a DOUBLE parameter through a cast node for a column.
    let e = call("SQRT", vec![c(0, Int)]).expect("typed");
    let Expr::Call { args, .. } = &e else {
        panic!("not a call")
    };
    assert!(matches!(&args[0], Expr::Cast { to: Double, .. }));
}

#[test]
fn function_errors() {
    let err = call("ABS", vec![s("x")]).expect_err("rejected");
    let msg = err.to_string();
    assert!(
        msg.starts_with("Function 'ABS' does not accept parameters (STRING)."),
        "{msg}"
    );
    assert!(
        msg.contains("Valid alternatives are:\nABS(INTEGER) -> INTEGER"),
        "{msg}"
    );
    assert!(
        call("SUBSTRING", vec![s("x"), c(0, Bigint)]).is_err(),
        "BIGINT does not narrow to INT"
    );
    assert!(call("CONCAT_WS", vec![s(",")]).is_err());
    assert!(call("GEO_DISTANCE", vec![lit(1.0), lit(1.0), lit(1.0)]).is_err());
    assert!(
        call("TO_JSON_STRING", vec![null()]).is_err(),
        "an untyped NULL cannot bind T"
    );
}

#[test]
fn lists_constructors_and_case() {
    // IN: string literals read as the value's type.
    let e = in_list(c(0, Int), vec![s("1"), lit(2), null()], false).expect("typed");
    let Expr::InList { list, .. } = &e else {
        panic!("not IN")
    };
    assert!(matches!(&list[0], Expr::Literal(Value::Int(1), Int)));
    assert_eq!(list.len(), 2, "NULL items are dropped");
    assert!(in_list(c(0, Int), vec![s("a")], false).is_err());
    let e = in_list(c(0, Boolean), vec![s("yes")], false).expect("typed");
    let Expr::InList { list, .. } = &e else {
        panic!("not IN")
    };
    assert!(matches!(
        &list[0],
        Expr::Literal(Value::Boolean(true), Boolean)
    ));
    let e = in_list(c(0, Int), vec![lit(2.5)], false).expect("typed");
    let Expr::InList { expr, .. } = &e else {
        panic!("not IN")
    };
    assert_eq!(expr.data_type(), Double);

    assert_eq!(
        typing::array(vec![lit(1), null()])
            .expect("array")
            .data_type(),
        array_of(Int)
    );
    assert_eq!(
        typing::array(vec![lit(1), lit(2i64)])
            .expect("array")
            .data_type(),
        array_of(Bigint)
    );
    assert_eq!(
        typing::array(vec![lit(1), dec("2.5")])
            .expect("array")
            .data_type(),
        array_of(decimal(11, 1))
    );
    assert!(typing::array(vec![])
        .expect_err("empty")
        .to_string()
        .contains("cannot be empty"));
    assert!(typing::array(vec![null()])
        .expect_err("nulls")
        .to_string()
        .contains("all NULL"));
    assert!(typing::array(vec![lit(1), s("x")]).is_err());
    assert_eq!(
        typing::map(vec![(s("a"), lit(1)), (s("b"), lit(2.0))])
            .expect("map")
            .data_type(),
        map_of(String, Double)
    );
    assert_eq!(
        typing::structure(vec![("A".into(), lit(1)), ("B".into(), null())])
            .expect("struct")
            .data_type(),
        struct_of(&[("A", Int), ("B", String)])
    );

    let e = case(
        None,
        vec![(c(0, Boolean), lit(1)), (c(1, Boolean), lit(2i64))],
        None,
    )
    .expect("case");
    assert_eq!(e.data_type(), Bigint);
    let e = case(None, vec![(c(0, Boolean), null())], Some(s("x"))).expect("case");
    assert_eq!(e.data_type(), String);
    let err = case(None, vec![(c(0, Int), lit(1))], None).expect_err("not boolean");
    assert!(
        err.to_string()
            .contains("WHEN operand type should be boolean"),
        "{err}"
    );
    let err = case(None, vec![(c(0, Boolean), lit(1))], Some(s("x"))).expect_err("mixed");
    assert!(err.to_string().contains("Invalid Case expression"), "{err}");
    let err = case(None, vec![(c(0, Boolean), null())], None).expect_err("all null");
    assert!(
        err.to_string().contains("All case branches have NULL type"),
        "{err}"
    );
    let e = case(Some(c(0, Int)), vec![(lit(1i64), s("one"))], None).expect("simple case");
    assert_eq!(e.data_type(), String);
}

#[test]
fn access_and_predicates() {
    assert_eq!(
        subscript(c(0, array_of(String)), lit(1))
            .expect("a[i]")
            .data_type(),
        String
    );
    assert_eq!(
        subscript(c(0, array_of(String)), c(1, Bigint))
            .expect("a[i]")
            .data_type(),
        String
    );
    assert_eq!(
        subscript(c(0, map_of(String, Int)), s("k"))
            .expect("m[k]")
            .data_type(),
        Int
    );
    let err = subscript(c(0, struct_of(&[("A", Int)])), s("A")).expect_err("struct");
    assert!(
        err.to_string()
            .contains("Use the dereference operator for STRUCTS"),
        "{err}"
    );
    assert!(subscript(c(0, Int), lit(1)).is_err());
    assert!(subscript(c(0, array_of(Int)), s("x")).is_err());
    let s1 = c(0, struct_of(&[("A", struct_of(&[("B", Double)]))]));
    let e = dereference(dereference(s1.clone(), "A").expect("A"), "B").expect("B");
    assert_eq!(e.data_type(), Double);
    let err = dereference(s1, "Z").expect_err("missing");
    assert!(
        err.to_string().contains("Could not find field 'Z'"),
        "{err}"
    );

    assert!(and(vec![c(0, Boolean), null()]).is_ok());
    let err = and(vec![c(0, Boolean), c(1, Int)]).expect_err("int");
    assert_eq!(
        err.to_string(),
        "AND expects a BOOLEAN operand but got INTEGER"
    );
    assert!(not(s("x")).is_err());
    assert!(like(c(0, Int), s("%"), None, false).is_err());
    assert!(like(c(0, String), s("a!%"), Some('!'), true).is_ok());
    assert!(between(c(0, Double), lit(8), lit(10), false).is_ok());
    assert!(between(c(0, Int), s("a"), lit(10), false).is_err());
    assert!(is_distinct_from(c(0, Int), null(), false).is_ok());
    assert!(is_distinct_from(c(0, Int), s("x"), false).is_err());
}

#[test]
fn lambda_parameter_typing() {
    assert_eq!(
        lambda_parameter_types("TRANSFORM", &[array_of(Int)], 1).expect("t"),
        vec![Int]
    );
    assert_eq!(
        lambda_parameter_types("transform", &[map_of(String, Double)], 2).expect("t"),
        vec![String, Double]
    );
    assert_eq!(
        lambda_parameter_types("TRANSFORM", &[map_of(String, Double), Bigint], 2).expect("t"),
        vec![String, Double]
    );
    assert_eq!(
        lambda_parameter_types("REDUCE", &[array_of(String), Bigint], 2).expect("t"),
        vec![Bigint, String]
    );
    assert_eq!(
        lambda_parameter_types("REDUCE", &[map_of(String, Int), Double], 3).expect("t"),
        vec![Double, String, Int]
    );
    assert!(lambda_parameter_types("FILTER", &[Int], 1).is_err());
    assert!(lambda_parameter_types("ABS", &[], 1).is_err());
}
