//! The logical plan of a query over one source: scan, filter, optionally aggregate (GROUP BY,
//! window, HAVING), project, optionally stop after a number of rows. Printed by EXPLAIN.
//!
//! Row layouts: the scan row is `[ROWTIME, ROWPARTITION, ROWOFFSET, source columns…]`; WHERE,
//! grouping expressions and aggregate arguments are over it. An aggregation produces the
//! aggregate row `[ROWTIME, WINDOWSTART, WINDOWEND, grouping keys…, aggregate results…]`
//! ([`AGGREGATE_ROW_PREFIX`] columns before the keys); HAVING and the projection of an
//! aggregate query are over that row.

use std::fmt;

use rivulet_core::{Column, ColumnKind, Schema};
use rivulet_expr::{aggregate::AggregateCall, Expr};

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
    /// GROUP BY: the columns are then over the aggregate row.
    pub aggregate: Option<AggregatePlan>,
}

/// Columns of the aggregate row before the grouping keys: ROWTIME, WINDOWSTART, WINDOWEND.
pub const AGGREGATE_ROW_PREFIX: usize = 3;

/// The window shape of a windowed aggregation, sizes in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowShape {
    Tumbling {
        size: u64,
    },
    Hopping {
        size: u64,
        advance: u64,
    },
    /// `SESSION (gap)`: a key's records at most `gap` apart form one session.
    Session {
        gap: u64,
    },
}

/// `WINDOW …` of an aggregation. Grace and retention are `None` when not written; the runtime
/// applies ksqlDB's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSpec {
    pub shape: WindowShape,
    pub grace: Option<u64>,
    pub retention: Option<u64>,
}

impl WindowSpec {
    /// The window size in milliseconds (a session window's inactivity gap).
    pub fn size(&self) -> u64 {
        match self.shape {
            WindowShape::Tumbling { size } | WindowShape::Hopping { size, .. } => size,
            WindowShape::Session { gap } => gap,
        }
    }

    /// Whether this is a session window (keys carry start and end, windows merge).
    pub fn is_session(&self) -> bool {
        matches!(self.shape, WindowShape::Session { .. })
    }

    /// `TUMBLING` / `HOPPING` / `SESSION` (DESCRIBE's `windowType`).
    pub fn type_name(&self) -> &'static str {
        match self.shape {
            WindowShape::Tumbling { .. } => "TUMBLING",
            WindowShape::Hopping { .. } => "HOPPING",
            WindowShape::Session { .. } => "SESSION",
        }
    }
}

/// GROUP BY [WINDOW] [HAVING] of a query.
#[derive(Debug, Clone)]
pub struct AggregatePlan {
    /// Grouping expressions over the scan row; their values are the result's key.
    pub group_by: Vec<Expr>,
    /// The grouping expressions as written (messages, EXPLAIN).
    pub group_by_text: Vec<String>,
    /// Aggregate calls, arguments over the scan row.
    pub calls: Vec<AggregateCall>,
    pub window: Option<WindowSpec>,
    /// Over the aggregate row.
    pub having: Option<Expr>,
    /// Per grouping expression, the output column that holds it (a key column), if any.
    pub key_columns: Vec<Option<usize>>,
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

    /// Per column of the scan row (`width` columns: pseudo-columns, then the source's), whether
    /// the query reads it: in WHERE, in the projection of a query without aggregation, or in
    /// GROUP BY and the aggregates' arguments. Decoders may skip reading the others.
    pub fn scan_columns_used(&self, width: usize) -> Vec<bool> {
        let mut used = vec![false; width];
        let mut mark = |i: usize| {
            if let Some(u) = used.get_mut(i) {
                *u = true;
            }
        };
        if let Some(filter) = &self.filter {
            filter.for_each_column(&mut mark);
        }
        match &self.aggregate {
            None => self
                .columns
                .iter()
                .for_each(|c| c.expr.for_each_column(&mut mark)),
            Some(a) => {
                a.group_by.iter().for_each(|e| e.for_each_column(&mut mark));
                for call in &a.calls {
                    call.args.iter().for_each(|e| e.for_each_column(&mut mark));
                }
            }
        }
        used
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
        let mut indent = "  ".to_string();
        if let Some(a) = &self.aggregate {
            if let Some(h) = &a.having {
                writeln!(f, "{indent}Having: {h}")?;
                indent.push_str("  ");
            }
            let calls: Vec<String> = a.calls.iter().map(ToString::to_string).collect();
            let keys: Vec<String> = a.group_by.iter().map(ToString::to_string).collect();
            write!(
                f,
                "{indent}Aggregate: GROUP BY {} COMPUTE {}",
                keys.join(", "),
                calls.join(", ")
            )?;
            if let Some(w) = &a.window {
                match w.shape {
                    WindowShape::Tumbling { size } => {
                        write!(f, " WINDOW TUMBLING (SIZE {size} ms")?
                    }
                    WindowShape::Hopping { size, advance } => write!(
                        f,
                        " WINDOW HOPPING (SIZE {size} ms, ADVANCE BY {advance} ms"
                    )?,
                    WindowShape::Session { gap } => write!(f, " WINDOW SESSION ({gap} ms")?,
                }
                if let Some(g) = w.grace {
                    write!(f, ", GRACE PERIOD {g} ms")?;
                }
                f.write_str(")")?;
            }
            if self.emit == Some(Emit::Final) {
                f.write_str(" EMIT FINAL")?;
            }
            writeln!(
                f,
                " (row: $0 ROWTIME, $1 WINDOWSTART, $2 WINDOWEND, then keys, then aggregates)"
            )?;
            indent.push_str("  ");
        }
        if let Some(filter) = &self.filter {
            writeln!(f, "{indent}Filter: {filter}")?;
            indent.push_str("  ");
        }
        write!(
            f,
            "{indent}Scan: {} {} (row: $0 ROWTIME, $1 ROWPARTITION, $2 ROWOFFSET, then its columns)",
            if self.source_is_table {
                "TABLE"
            } else {
                "STREAM"
            },
            self.source
        )
    }
}
