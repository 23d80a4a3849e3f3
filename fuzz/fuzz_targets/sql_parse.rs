//! Fuzzes the ksqlDB SQL front end (`rivulet-sql`): no input may panic; every error carries a
//! 1-based position, code 40001 and a `line L:C: ` message; whatever parses prints to canonical
//! text that parses back to the same tree; statement splitting agrees with the parser.
//!
//! `cargo +nightly fuzz run sql_parse`
//! Seed the corpus with the golden cases: `cargo +nightly fuzz run sql_parse corpus/sql_parse ../crates/rivulet-sql/tests/golden`

#![no_main]

use libfuzzer_sys::fuzz_target;
use rivulet_sql::{
    parse_data_type, parse_expression, parse_statement, parse_statements, split_statements,
    substitute, tokenize, SqlError, Statement, Variables,
};

fn check_error(e: &SqlError) {
    assert!(e.line >= 1 && e.column >= 1, "{e:?}");
    assert_eq!(e.code, 40001);
    assert_eq!(e.message, format!("line {}:{}: {}", e.line, e.column, e.reason));
}

fn round_trip(statement: &Statement) {
    let printed = statement.to_string();
    match parse_statement(&printed) {
        Ok(again) => assert_eq!(&again, statement, "printed as: {printed}"),
        Err(e) => panic!("canonical text does not parse: {printed}\n{e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = tokenize(sql) {
        check_error(&e);
    }
    match parse_expression(sql) {
        Ok(e) => assert_eq!(parse_expression(&e.to_string()).ok(), Some(e)),
        Err(e) => check_error(&e),
    }
    match parse_data_type(sql) {
        Ok(t) => assert_eq!(parse_data_type(&t.to_string()).ok(), Some(t)),
        Err(e) => check_error(&e),
    }
    let vars: Variables = [("v", "x"), ("n", "3"), ("bad", "1 OR 1")].into_iter().collect();
    if let Err(e) = substitute(sql, &vars) {
        check_error(&e);
    }
    match parse_statement(sql) {
        Ok(statement) => round_trip(&statement),
        Err(e) => check_error(&e),
    }
    match parse_statements(sql) {
        Ok(parsed) => {
            let split = split_statements(sql).expect("a script that parses also splits");
            assert_eq!(split.len(), parsed.len());
            for (source, p) in split.iter().zip(&parsed) {
                assert_eq!(source.text, p.text);
                assert!(p.text.ends_with(';'));
                round_trip(&p.statement);
            }
        }
        Err(e) => check_error(&e),
    }
});
