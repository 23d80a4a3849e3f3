//! Queries: SELECT items, FROM with joins, WINDOW, WHERE, GROUP BY, PARTITION BY, HAVING, EMIT,
//! LIMIT.
//!
//! Owns [`Query`] and its parts and their canonical text. It must not decide push vs. pull
//! semantics beyond reporting what was written, nor resolve names.

use std::fmt;

use super::comma_separated;
use super::expression::{write_operand, Expression, PREC_POSTFIX, PREC_VALUE};
use super::identifier::Identifier;
use super::window::{JoinWithin, WindowExpression};

/// A SELECT query, with each clause as written (`None` when absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub select: Vec<SelectItem>,
    pub from: Relation,
    pub window: Option<WindowExpression>,
    pub where_clause: Option<Expression>,
    /// `GROUP BY a, b` or `GROUP BY (a, b)`; `Some(vec![])` for `GROUP BY ()`.
    pub group_by: Option<Vec<Expression>>,
    pub partition_by: Option<Vec<Expression>>,
    pub having: Option<Expression>,
    pub emit: Option<Emit>,
    pub limit: Option<u32>,
}

impl Query {
    /// A standalone SELECT without EMIT is a pull query (inside CSAS/CTAS/INSERT the EMIT is
    /// optional and CHANGES is implied; callers know which context they are in).
    pub fn is_pull(&self) -> bool {
        self.emit.is_none()
    }
}

/// `EMIT CHANGES` or `EMIT FINAL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Emit {
    Changes,
    Final,
}

/// One entry of the SELECT list.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectItem {
    /// `expr [[AS] alias]`.
    Expression {
        expr: Expression,
        alias: Option<Identifier>,
    },
    /// `*` (source `None`) or `source.*`.
    AllColumns { source: Option<Identifier> },
    /// `struct_expr->*`.
    StructAll(Expression),
}

/// `FROM source [alias] [JOIN ...]*`.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub source: AliasedSource,
    pub joins: Vec<Join>,
}

/// A source name with an optional alias.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AliasedSource {
    pub name: Identifier,
    pub alias: Option<Identifier>,
}

impl AliasedSource {
    /// The alias if given, else the source name (how ksqlDB qualifies columns).
    pub fn alias_or_name(&self) -> &Identifier {
        self.alias.as_ref().unwrap_or(&self.name)
    }
}

/// `[INNER | LEFT | RIGHT | FULL] [OUTER] JOIN source [alias] [WITHIN ...] ON expr`.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    pub join_type: JoinType,
    pub source: AliasedSource,
    pub within: Option<JoinWithin>,
    pub on: Expression,
}

/// Bare `JOIN` is `Inner`; `FULL [OUTER]` is `Full`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinType {
    Inner,
    Left,
    Right,
    Full,
}

impl JoinType {
    pub fn as_str(self) -> &'static str {
        match self {
            JoinType::Inner => "INNER JOIN",
            JoinType::Left => "LEFT JOIN",
            JoinType::Right => "RIGHT JOIN",
            JoinType::Full => "FULL OUTER JOIN",
        }
    }
}

impl fmt::Display for SelectItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectItem::Expression { expr, alias } => {
                write!(f, "{expr}")?;
                if let Some(alias) = alias {
                    write!(f, " AS {alias}")?;
                }
                Ok(())
            }
            SelectItem::AllColumns { source: None } => f.write_str("*"),
            SelectItem::AllColumns {
                source: Some(source),
            } => write!(f, "{source}.*"),
            SelectItem::StructAll(expr) => {
                write_operand(f, expr, PREC_POSTFIX)?;
                f.write_str("->*")
            }
        }
    }
}

impl fmt::Display for AliasedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        if let Some(alias) = &self.alias {
            write!(f, " {alias}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        for join in &self.joins {
            write!(f, " {} {}", join.join_type.as_str(), join.source)?;
            if let Some(within) = &join.within {
                write!(f, " {within}")?;
            }
            write!(f, " ON {}", join.on)?;
        }
        Ok(())
    }
}

/// GROUP BY / PARTITION BY: value expressions, or `()` when empty.
fn write_expression_list(f: &mut fmt::Formatter<'_>, list: &[Expression]) -> fmt::Result {
    if list.is_empty() {
        return f.write_str("()");
    }
    write_value_expressions(f, list)
}

/// Value expressions separated by `", "`.
pub(crate) fn write_value_expressions(
    f: &mut fmt::Formatter<'_>,
    list: &[Expression],
) -> fmt::Result {
    for (i, e) in list.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_operand(f, e, PREC_VALUE)?;
    }
    Ok(())
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SELECT ")?;
        comma_separated(f, &self.select)?;
        write!(f, " FROM {}", self.from)?;
        if let Some(window) = &self.window {
            write!(f, " WINDOW {window}")?;
        }
        if let Some(w) = &self.where_clause {
            write!(f, " WHERE {w}")?;
        }
        if let Some(group_by) = &self.group_by {
            f.write_str(" GROUP BY ")?;
            write_expression_list(f, group_by)?;
        }
        if let Some(partition_by) = &self.partition_by {
            f.write_str(" PARTITION BY ")?;
            write_expression_list(f, partition_by)?;
        }
        if let Some(h) = &self.having {
            write!(f, " HAVING {h}")?;
        }
        match self.emit {
            Some(Emit::Changes) => f.write_str(" EMIT CHANGES")?,
            Some(Emit::Final) => f.write_str(" EMIT FINAL")?,
            None => {}
        }
        if let Some(limit) = self.limit {
            write!(f, " LIMIT {limit}")?;
        }
        Ok(())
    }
}
