//! The abstract syntax tree of the ksqlDB dialect, with `Display` impls that print canonical SQL.
//!
//! Owns the node types (statements, queries, expressions, types, windows, properties) and their
//! canonical text. Canonical text re-parses to an equal tree: identifiers are quoted when needed,
//! parentheses appear only where precedence requires them, durations use the largest whole unit.
//! It must not parse (that is `parser/`) nor give meaning to names (that is the planner's job).

mod data_type;
mod expression;
mod identifier;
mod literal;
mod properties;
mod query;
mod statement;
mod window;

pub use data_type::{DataType, StructField};
pub use expression::{
    ArithmeticOp, CaseExpression, ColumnRef, ComparisonOp, Expression, FunctionArgs, FunctionCall,
    Lambda, LogicalOp, UnaryOp, WhenClause,
};
pub use identifier::Identifier;
pub use literal::{DecimalLiteral, Literal};
pub use properties::{Properties, Property, PropertyName};
pub use query::{AliasedSource, Emit, Join, JoinType, Query, Relation, SelectItem};
pub use statement::{
    AlterOption, AssertSchema, AssertTopic, ColumnConstraint, ConnectorKind, CreateAsSelect,
    CreateConnector, CreateSource, DescribeTarget, DropSource, Explain, InsertInto, InsertValues,
    PrintTopic, QueryTarget, ShowTarget, SourceKind, Statement, TableElement,
};
pub use window::{JoinWithin, TimeSpan, TimeUnit, WindowExpression, WindowKind};

/// Writes `items` separated by `", "`.
pub(crate) fn comma_separated<T: std::fmt::Display>(
    f: &mut std::fmt::Formatter<'_>,
    items: &[T],
) -> std::fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        item.fmt(f)?;
    }
    Ok(())
}

/// Writes a single-quoted SQL string literal, doubling embedded quotes.
pub(crate) fn write_string_literal(f: &mut std::fmt::Formatter<'_>, s: &str) -> std::fmt::Result {
    f.write_str("'")?;
    f.write_str(&s.replace('\'', "''"))?;
    f.write_str("'")
}
