//! The ksqlDB SQL dialect for Rivulet: a hand-written lexer, a recursive-descent parser and an
//! AST whose `Display` prints canonical SQL that parses back to the same tree.
//!
//! Owns everything between SQL text and a syntax tree: tokens ([`token`], [`lexer`]), the tree
//! ([`ast`]), the grammar (`parser`), scripts and statement texts ([`parse_statements`],
//! [`split_statements`]), `${var}` substitution ([`substitute`]) and syntax errors with
//! ksqlDB's messages and error code ([`SqlError`]). It must not plan or execute statements,
//! resolve names against a catalog, or evaluate expressions.
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
mod script;
pub mod token;
pub mod variables;

pub use ast::*;
pub use error::{SqlError, BAD_STATEMENT};
pub use lexer::tokenize;
pub use parser::{parse_data_type, parse_expression, parse_statement};
pub use script::{parse_statements, split_statements, ParsedStatement, StatementSource};
pub use variables::{substitute, Variables};
