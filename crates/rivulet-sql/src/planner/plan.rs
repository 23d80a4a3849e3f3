//! The logical plan of a stateless query: scan one source, filter, project, optionally stop
//! after a number of rows. Printed by EXPLAIN.

use std::fmt;

use rivulet_core::{Column, ColumnKind, Schema};
use rivulet_expr::Expr;

use crate::ast::Emit;

/// One output column.
#[derive(Debug, Clone)]
pub struct OutputColumn {
    pub name: String,
    pub expr: Expr,
    /// Key when it copies a key column of the source unchanged.
    pub kind: ColumnKind,
}

/// A query over one source: `SELECT columns FROM source [WHERE filter] [EMIT …] [LIMIT n]`.
#[derive(Debug, Clone)]
pub struct QueryPlan {
    pub source: String,
    pub source_is_table: bool,
    /// Over the source row: pseudo-columns, then the source's columns.
    pub filter: Option<Expr>,
    pub columns: Vec<OutputColumn>,
    pub emit: Option<Emit>,
    pub limit: Option<u32>,
}

impl QueryPlan {
    /// The columns the query produces, with their types.
    pub fn output_schema(&self) -> Schema {
        Schema::new(
            self.columns
                .iter()
                .map(|c| Column::new(c.name.clone(), c.expr.data_type(), c.kind))
                .collect(),
        )
    }

    /// A pull query (no EMIT): answered from current state, then done.
    pub fn is_pull(&self) -> bool {
        self.emit.is_none()
    }
}

impl fmt::Display for QueryPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("{} := {}", c.name, c.expr))
            .collect();
        if let Some(limit) = self.limit {
            writeln!(f, "Limit: {limit}")?;
        }
        writeln!(f, "Project: {}", columns.join(", "))?;
        if let Some(filter) = &self.filter {
            writeln!(f, "  Filter: {filter}")?;
        }
        write!(
            f,
            "    Scan: {} {} (row: $0 ROWTIME, $1 ROWPARTITION, $2 ROWOFFSET, then its columns)",
            if self.source_is_table {
                "TABLE"
            } else {
                "STREAM"
            },
            self.source
        )
    }
}
