//! Nesting limits: the deepest statements the parser accepts parse, print and re-parse within a
//! 2 MiB stack (a test thread's default; tokio workers have as much), even in debug builds, and
//! one level deeper is a clean "Statement is too large to parse" error, never a stack overflow.

use rivulet_sql::{parse_statement, SqlError, Statement};

const STACK: usize = 2 * 1024 * 1024;

/// Builds a statement nested `n` levels deep through one recursive construct.
type Builder = fn(usize) -> String;

/// The recursive constructs, by name.
fn forms() -> Vec<(&'static str, Builder)> {
    vec![
        ("parentheses", |n| {
            format!("SELECT {}a{} FROM s;", "(".repeat(n), ")".repeat(n))
        }),
        ("function calls", |n| {
            format!("SELECT {}a{} FROM s;", "f(".repeat(n), ")".repeat(n))
        }),
        ("NOT", |n| {
            format!("SELECT * FROM s WHERE {}a;", "NOT ".repeat(n))
        }),
        ("signs", |n| format!("SELECT {}a FROM s;", "- ".repeat(n))),
        ("CASE", |n| {
            format!(
                "SELECT {}1{} FROM s;",
                "CASE WHEN a THEN ".repeat(n),
                " END".repeat(n)
            )
        }),
        ("MAP", |n| {
            format!("SELECT {}1{} FROM s;", "MAP(".repeat(n), " := 1)".repeat(n))
        }),
        ("ARRAY", |n| {
            format!("SELECT {}1{} FROM s;", "ARRAY[".repeat(n), "]".repeat(n))
        }),
        ("subscripts", |n| {
            format!("SELECT a{} FROM s;", "[b".repeat(n) + &"]".repeat(n))
        }),
        ("lambdas", |n| {
            format!(
                "SELECT {}x{} FROM s;",
                "TRANSFORM(a, x => ".repeat(n),
                ")".repeat(n)
            )
        }),
        ("types", |n| {
            format!(
                "CREATE STREAM s (a {}INT{});",
                "ARRAY<".repeat(n),
                ">".repeat(n)
            )
        }),
        ("EXPLAIN", |n| {
            format!("{}SHOW STREAMS;", "EXPLAIN ".repeat(n))
        }),
        ("operator chains", |n| {
            format!("SELECT a{} FROM s;", " + a".repeat(n * 8))
        }),
        ("OR chains", |n| {
            format!("SELECT * FROM s WHERE a{};", " OR a = 1".repeat(n * 4))
        }),
        ("dereference chains", |n| {
            format!("SELECT a{} FROM s;", "->b".repeat(n * 8))
        }),
    ]
}

fn is_too_large(e: &SqlError) -> bool {
    e.reason.contains("Statement is too large to parse")
}

fn round_trip(statement: &Statement) {
    let printed = statement.to_string();
    let again = parse_statement(&printed).expect("canonical text parses");
    assert_eq!(&again, statement);
}

#[test]
fn deepest_accepted_statements_fit_the_stack_and_deeper_ones_fail_cleanly() {
    let handle = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(|| {
            for (name, build) in forms() {
                let mut deepest = None;
                for n in 1..=200 {
                    match parse_statement(&build(n)) {
                        Ok(statement) => {
                            round_trip(&statement);
                            deepest = Some(n);
                        }
                        Err(e) => {
                            assert!(is_too_large(&e), "{name} at {n}: {e}");
                            break;
                        }
                    }
                }
                let deepest = deepest.unwrap_or(0);
                assert!(
                    (20..200).contains(&deepest),
                    "{name}: deepest accepted nesting {deepest}"
                );
            }
        })
        .expect("spawn");
    handle.join().expect("no panic, no overflow");
}

#[test]
fn realistic_deep_statements_are_accepted() {
    let nested_calls = format!("SELECT {}x{} FROM s;", "f(".repeat(30), ")".repeat(30));
    assert!(parse_statement(&nested_calls).is_ok());
    let long_or = format!(
        "SELECT * FROM s WHERE {};",
        (0..200)
            .map(|i| format!("id = {i}"))
            .collect::<Vec<_>>()
            .join(" OR ")
    );
    assert!(parse_statement(&long_or).is_ok());
    let long_in = format!(
        "SELECT * FROM s WHERE id IN ({});",
        (0..10_000)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(parse_statement(&long_in).is_ok());
}
