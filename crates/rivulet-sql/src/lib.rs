//! The ksqlDB SQL dialect for Rivulet: a hand-written lexer, a recursive-descent parser and an
//! AST whose `Display` prints canonical SQL that parses back to the same tree.
//!
//! Owns everything between SQL text and a syntax tree: tokens ([`token`], [`lexer`]), the tree
//! ([`ast`]), the grammar (`parser`, following ksqlDB's `SqlBase.g4`), scripts and statement
//! texts ([`parse_statements`], [`split_statements`]), `${var}` substitution ([`substitute`]) and
//! syntax errors with ksqlDB's messages and error code ([`SqlError`], always 40001), and the
//! [`planner`] from queries to logical plans over a catalog (typed with `rivulet-expr`). It must
//! not execute statements, read data or change the catalog.
//!
//! # Running a request the way ksqlDB does
//!
//! A `/ksql` request may DEFINE variables that later statements of the same request use, so a
//! server splits first and substitutes and parses statement by statement:
//!
//! ```
//! use rivulet_sql::{parse_statement, split_statements, substitute, Statement, Variables};
//!
//! let request = "DEFINE name = 'user';\nSELECT profileId AS ${name} FROM riderLocations EMIT CHANGES;";
//! let mut vars = Variables::new(); // seeded from `sessionVariables`
//! for source in split_statements(request).unwrap() {
//!     let located = |e: rivulet_sql::SqlError| e.relocated(source.line, source.column);
//!     let text = substitute(&source.text, &vars).map_err(located).unwrap();
//!     let statement = parse_statement(&text).map_err(located).unwrap();
//!     if let Statement::DefineVariable { name, value } = &statement {
//!         vars.define(name, value);
//!     }
//!     // `source.text` is the entity's `statementText`; execute `statement` here.
//! }
//! ```
//!
//! Scripts without variables can use [`parse_statements`] directly.
//!
//! # Canonical text
//!
//! `statement.to_string()` prints keywords upper-case, identifiers as stored (upper-cased unless
//! quoted) and back-quoted when they are keywords or not plain (`` `TIME` ``, `` `dev_id` ``),
//! types by ksqlDB's names (`STRING`, `INTEGER`), durations in the largest whole unit, and
//! parentheses only where precedence needs them. It never ends with `;`.
//!
//! # Limits
//!
//! Constructs may nest 64 levels deep (parentheses, calls, CASE, types, EXPLAIN ...) and an
//! expression tree may be 500 levels deep (each operator of a chain like `a + b + c` counts);
//! deeper statements fail with ksqlDB's "Statement is too large to parse" instead of exhausting
//! the stack. With these limits an accepted statement parses, prints and re-parses well within
//! 2 MiB of stack, even in debug builds (checked by `tests/limits.rs`).
//!
//! ```
//! use rivulet_sql::{parse_statements, Statement};
//!
//! let script = "CREATE stream s (name varchar, time bigint) \
//!               WITH (kafka_topic='t', value_format='JSON');";
//! let parsed = parse_statements(script).unwrap();
//! assert!(matches!(parsed[0].statement, Statement::CreateSource(_)));
//! assert_eq!(
//!     format!("{};", parsed[0].statement),
//!     "CREATE STREAM S (NAME STRING, `TIME` BIGINT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');"
//! );
//! ```

pub mod ast;
pub mod error;
pub mod lexer;
mod parser;
pub mod planner;
mod script;
pub mod token;
pub mod variables;

pub use ast::*;
pub use error::{SqlError, BAD_STATEMENT};
pub use lexer::tokenize;
pub use parser::{parse_data_type, parse_expression, parse_statement};
pub use script::{parse_statements, split_statements, ParsedStatement, StatementSource};
pub use variables::{substitute, Variables};
