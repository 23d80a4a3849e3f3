//! Properties: no input makes any entry point panic; whatever parses prints to canonical text that
//! parses back to the same tree; generated expression trees survive print-then-parse.

use proptest::prelude::*;
use rivulet_sql::{
    parse_data_type, parse_expression, parse_statement, parse_statements, split_statements,
    substitute, tokenize, ArithmeticOp, CaseExpression, ColumnRef, ComparisonOp, DataType,
    DecimalLiteral, Expression, FunctionArgs, FunctionCall, Identifier, Lambda, Literal, LogicalOp,
    StructField, TimeUnit, UnaryOp, Variables, WhenClause,
};

// ---- no panics ------------------------------------------------------------------------------

/// Fragments that make random inputs reach deep into the grammar.
const FRAGMENTS: &[&str] = &[
    "SELECT",
    "*",
    "a",
    "b",
    "s.x",
    "FROM",
    "s",
    ",",
    "(",
    ")",
    "-",
    "+",
    "1",
    "-7",
    "1.5",
    ".5",
    "1e3",
    "2147483648",
    "'x'",
    "'it''s'",
    "`q`",
    "\"Q\"",
    "WHERE",
    "=",
    "<>",
    "<=",
    "AND",
    "OR",
    "NOT",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "[",
    "]",
    "->",
    "=>",
    "x",
    "AS",
    "EMIT",
    "CHANGES",
    "FINAL",
    "GROUP",
    "BY",
    "PARTITION",
    "HAVING",
    "WINDOW",
    "TUMBLING",
    "HOPPING",
    "SESSION",
    "SIZE",
    "ADVANCE",
    "RETENTION",
    "GRACE",
    "PERIOD",
    "SECONDS",
    "MINUTE",
    ";",
    "CREATE",
    "OR REPLACE",
    "STREAM",
    "TABLE",
    "SOURCE",
    "WITH",
    "KAFKA_TOPIC",
    "VALUE_FORMAT",
    "KEY",
    "PRIMARY",
    "HEADERS",
    "HEADER",
    "MAP",
    "STRUCT",
    "ARRAY",
    ":=",
    "CAST",
    "INT",
    "STRING",
    "DECIMAL",
    "<",
    ">",
    "LIKE",
    "ESCAPE",
    "IN",
    "BETWEEN",
    "IS",
    "NULL",
    "DISTINCT",
    "LIMIT",
    "JOIN",
    "LEFT",
    "FULL",
    "OUTER",
    "ON",
    "WITHIN",
    "INSERT",
    "INTO",
    "VALUES",
    "DROP",
    "IF",
    "EXISTS",
    "DELETE",
    "TOPIC",
    "SHOW",
    "LIST",
    "DESCRIBE",
    "EXTENDED",
    "EXPLAIN",
    "PRINT",
    "BEGINNING",
    "INTERVAL",
    "SET",
    "UNSET",
    "DEFINE",
    "UNDEFINE",
    "${v}",
    "$${v}",
    "TERMINATE",
    "ALL",
    "AT",
    "TIME",
    "ZONE",
    "TIMESTAMP",
    "||",
    "%",
    "/",
    "--c\n",
    "/*c*/",
    "TRANSFORM",
    "COUNT",
    "SINK",
    "CONNECTOR",
    "TYPE",
    "ALTER",
    "ADD",
    "ASSERT",
    "TIMEOUT",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|parts| parts.join(" "))
}

/// Every entry point returns instead of panicking; whatever parses round-trips.
fn exercise(sql: &str) {
    let _ = tokenize(sql);
    let _ = split_statements(sql);
    let _ = parse_expression(sql);
    let _ = parse_data_type(sql);
    let vars: Variables = [("v", "x"), ("bad", "1 OR 1")].into_iter().collect();
    let _ = substitute(sql, &vars);
    if let Ok(statement) = parse_statement(sql) {
        assert_round_trip(&statement);
    }
    if let Ok(parsed) = parse_statements(sql) {
        for p in &parsed {
            assert_round_trip(&p.statement);
            assert!(p.text.ends_with(';'), "{:?}", p.text);
        }
        let split = split_statements(sql).expect("split agrees with parse");
        assert_eq!(split.len(), parsed.len());
        for (s, p) in split.iter().zip(&parsed) {
            assert_eq!(s.text, p.text);
        }
    }
}

fn assert_round_trip(statement: &rivulet_sql::Statement) {
    let printed = statement.to_string();
    match parse_statement(&printed) {
        Ok(again) => assert_eq!(&again, statement, "printed as: {printed}"),
        Err(e) => panic!("canonical text does not parse: {printed}\n{e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_text_never_panics(sql in any::<String>()) {
        exercise(&sql);
    }

    #[test]
    fn token_soup_never_panics_and_round_trips(sql in token_soup()) {
        exercise(&sql);
    }

    #[test]
    fn sql_like_characters_never_panic(sql in "[a-zA-Z0-9_@$ (){}\\[\\];,.'\"`*+/%|:=<>!\n-]{0,80}") {
        exercise(&sql);
    }
}

// ---- generated expressions ------------------------------------------------------------------

/// Column-ish names: plain, keyword-like, needing quotes. Never `P...` (lambda parameters are).
fn identifier() -> impl Strategy<Value = Identifier> {
    prop_oneof![
        4 => "[A-H][A-Z0-9_]{0,5}".prop_map(Identifier::new),
        1 => "[a-h][a-zA-Z0-9 `\"']{0,5}".prop_map(Identifier::new),
        1 => prop::sample::select(&[
            "TIME", "KEY", "SELECT", "FROM", "ARRAY", "MAP", "STRUCT", "DAYS", "SECOND", "CASE",
            "NULL", "DECIMAL", "INT", "VARCHAR", "1ABC", "", "A@B", "EMIT", "REPLACE", "IF",
        ][..]).prop_map(Identifier::new),
    ]
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        Just(Literal::Null),
        any::<bool>().prop_map(Literal::Boolean),
        any::<i32>().prop_map(Literal::Integer),
        any::<i64>()
            .prop_filter("outside INT", |v| i32::try_from(*v).is_err())
            .prop_map(Literal::BigInt),
        "-?[0-9]{1,6}\\.[0-9]{0,4}"
            .prop_filter_map("decimal", |t| DecimalLiteral::parse(&t))
            .prop_map(Literal::Decimal),
        any::<f64>()
            .prop_filter("finite", |v| v.is_finite())
            .prop_map(Literal::Double),
        any::<String>().prop_map(Literal::String),
    ]
}

fn data_type() -> impl Strategy<Value = DataType> {
    let leaf = prop_oneof![
        Just(DataType::Boolean),
        Just(DataType::Integer),
        Just(DataType::BigInt),
        Just(DataType::Double),
        Just(DataType::String),
        Just(DataType::Bytes),
        Just(DataType::Timestamp),
        Just(DataType::Date),
        Just(DataType::Time),
        (1u32..40)
            .prop_flat_map(|p| (Just(p), 0..=p))
            .prop_map(|(precision, scale)| DataType::Decimal { precision, scale }),
        identifier().prop_map(DataType::Custom),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| DataType::Array(Box::new(t))),
            (inner.clone(), inner.clone())
                .prop_map(|(k, v)| DataType::Map(Box::new(k), Box::new(v))),
            prop::collection::vec((identifier(), inner), 0..3).prop_map(|fields| {
                DataType::Struct(
                    fields
                        .into_iter()
                        .map(|(name, data_type)| StructField { name, data_type })
                        .collect(),
                )
            }),
        ]
    })
}

fn boxed(e: Expression) -> Box<Expression> {
    Box::new(e)
}

fn unit() -> impl Strategy<Value = TimeUnit> {
    prop::sample::select(
        &[
            TimeUnit::Day,
            TimeUnit::Hour,
            TimeUnit::Minute,
            TimeUnit::Second,
            TimeUnit::Millisecond,
        ][..],
    )
}

/// A lambda whose body uses its parameters (as lambda variables) and `inner`.
fn lambda(inner: BoxedStrategy<Expression>) -> impl Strategy<Value = Expression> {
    (1usize..=3, inner, any::<bool>()).prop_map(|(n, other, left)| {
        let params: Vec<Identifier> = (0..n).map(|i| Identifier::new(format!("P{i}"))).collect();
        let var = Expression::LambdaVariable(params[n - 1].clone());
        let (l, r) = if left { (var, other) } else { (other, var) };
        Expression::Lambda(Lambda {
            params,
            body: boxed(Expression::Arithmetic {
                op: ArithmeticOp::Add,
                left: boxed(l),
                right: boxed(r),
            }),
        })
    })
}

fn expression() -> impl Strategy<Value = Expression> {
    let leaf = prop_oneof![
        3 => literal().prop_map(Expression::Literal),
        3 => (prop::option::of(identifier()), identifier())
            .prop_map(|(source, name)| Expression::Column(ColumnRef { source, name })),
        1 => (identifier(), any::<String>())
            .prop_map(|(type_name, value)| Expression::TypeConstructor { type_name, value }),
    ];
    leaf.prop_recursive(4, 48, 4, |inner| {
        let args = prop::collection::vec(
            prop_oneof![
                4 => inner.clone(),
                1 => unit().prop_map(Expression::IntervalUnit),
                1 => lambda(inner.clone()),
            ],
            0..4,
        );
        prop_oneof![
            (inner.clone(), identifier()).prop_map(|(b, field)| Expression::Dereference {
                base: boxed(b),
                field
            }),
            (inner.clone(), inner.clone()).prop_map(|(b, i)| Expression::Subscript {
                base: boxed(b),
                index: boxed(i)
            }),
            (identifier(), prop::option::of(args)).prop_map(|(name, args)| {
                Expression::FunctionCall(FunctionCall {
                    name,
                    args: args.map_or(FunctionArgs::Star, FunctionArgs::List),
                })
            }),
            (any::<bool>(), inner.clone()).prop_map(|(minus, operand)| Expression::Unary {
                op: if minus { UnaryOp::Minus } else { UnaryOp::Plus },
                operand: boxed(operand),
            }),
            (0usize..5, inner.clone(), inner.clone()).prop_map(|(op, l, r)| {
                let op = [
                    ArithmeticOp::Add,
                    ArithmeticOp::Subtract,
                    ArithmeticOp::Multiply,
                    ArithmeticOp::Divide,
                    ArithmeticOp::Modulus,
                ][op];
                Expression::Arithmetic {
                    op,
                    left: boxed(l),
                    right: boxed(r),
                }
            }),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| Expression::Concat {
                left: boxed(l),
                right: boxed(r)
            }),
            (0usize..6, inner.clone(), inner.clone()).prop_map(|(op, l, r)| {
                let op = [
                    ComparisonOp::Eq,
                    ComparisonOp::NotEq,
                    ComparisonOp::Lt,
                    ComparisonOp::LtEq,
                    ComparisonOp::Gt,
                    ComparisonOp::GtEq,
                ][op];
                Expression::Comparison {
                    op,
                    left: boxed(l),
                    right: boxed(r),
                }
            }),
            (any::<bool>(), inner.clone(), inner.clone()).prop_map(|(and, l, r)| {
                Expression::Logical {
                    op: if and { LogicalOp::And } else { LogicalOp::Or },
                    left: boxed(l),
                    right: boxed(r),
                }
            }),
            inner.clone().prop_map(|e| Expression::Not(boxed(e))),
            (inner.clone(), any::<bool>()).prop_map(|(e, negated)| Expression::IsNull {
                operand: boxed(e),
                negated
            }),
            (inner.clone(), inner.clone(), any::<bool>()).prop_map(|(l, r, negated)| {
                Expression::IsDistinctFrom {
                    left: boxed(l),
                    right: boxed(r),
                    negated,
                }
            }),
            (inner.clone(), inner.clone(), inner.clone(), any::<bool>()).prop_map(
                |(e, low, high, negated)| Expression::Between {
                    operand: boxed(e),
                    low: boxed(low),
                    high: boxed(high),
                    negated,
                }
            ),
            (
                inner.clone(),
                prop::collection::vec(inner.clone(), 1..4),
                any::<bool>()
            )
                .prop_map(|(e, list, negated)| Expression::InList {
                    operand: boxed(e),
                    list,
                    negated
                }),
            (
                inner.clone(),
                inner.clone(),
                prop::option::of(any::<char>()),
                any::<bool>()
            )
                .prop_map(|(e, pattern, escape, negated)| Expression::Like {
                    operand: boxed(e),
                    pattern: boxed(pattern),
                    escape,
                    negated,
                }),
            (
                prop::option::of(inner.clone()),
                prop::collection::vec((inner.clone(), inner.clone()), 1..3),
                prop::option::of(inner.clone()),
            )
                .prop_map(|(operand, whens, else_result)| {
                    Expression::Case(CaseExpression {
                        operand: operand.map(boxed),
                        when_clauses: whens
                            .into_iter()
                            .map(|(condition, result)| WhenClause { condition, result })
                            .collect(),
                        else_result: else_result.map(boxed),
                    })
                }),
            (inner.clone(), data_type()).prop_map(|(e, data_type)| Expression::Cast {
                operand: boxed(e),
                data_type
            }),
            (inner.clone(), any::<String>()).prop_map(|(e, zone)| Expression::AtTimeZone {
                operand: boxed(e),
                zone
            }),
            prop::collection::vec(inner.clone(), 0..3).prop_map(Expression::Array),
            prop::collection::vec((inner.clone(), inner.clone()), 0..3).prop_map(Expression::Map),
            prop::collection::vec((identifier(), inner), 0..3).prop_map(Expression::Struct),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn generated_expressions_round_trip(e in expression()) {
        let printed = e.to_string();
        match parse_expression(&printed) {
            Ok(again) => prop_assert_eq!(again, e, "printed as: {}", printed),
            Err(err) => prop_assert!(false, "canonical text does not parse: {}\n{}", printed, err),
        }
    }

    #[test]
    fn generated_types_round_trip(t in data_type()) {
        let printed = t.to_string();
        prop_assert_eq!(parse_data_type(&printed).ok(), Some(t), "printed as: {}", printed);
    }

    #[test]
    fn generated_expressions_round_trip_inside_statements(e in expression()) {
        // GROUP BY takes value expressions, so a predicate there needs parentheses.
        let sql = format!("SELECT {e} AS X FROM S WHERE {e} GROUP BY ({e}), ({e}) EMIT CHANGES;");
        match parse_statement(&sql) {
            Ok(statement) => assert_round_trip(&statement),
            Err(err) => prop_assert!(false, "{}\n{}", sql, err),
        }
    }
}
