//! Pull queries (`SELECT … FROM table [WHERE …] [LIMIT n]` without EMIT): answered from the
//! table's materialized rows ([`crate::table_store`]), then done.
//!
//! Materialized tables are CTAS results (aggregations, and tables projected from tables) and
//! `CREATE SOURCE TABLE`s ([`crate::source_table`]); a plain `CREATE TABLE` is not
//! materialized, as in ksqlDB, which refuses pull queries on it with its "isn't queryable"
//! message.
//!
//! The query is planned over the table's row as pull queries see it: the pseudo-columns, the
//! key columns, for a windowed table `WINDOWSTART` and `WINDOWEND` (key columns too, as ksqlDB
//! marks them), then the value columns. WHERE on key columns (`=`, `IN`, ranges), window
//! bounds and any other predicate are evaluated over every stored row (ksqlDB's table scan,
//! allowed by default through `ksql.query.pull.table.scan.enabled`); LIMIT caps the rows.
//!
//! This module owns the planning checks and the evaluation of pull queries; it must not read
//! the log nor change the stores.

use rivulet_core::{Column, ColumnKind, DataType, Schema, Value};
use rivulet_sql::{
    planner::{PlannedSource, QueryPlan, SourceCatalog},
    Query,
};

use crate::{
    catalog::{Source, SourceKind},
    table_store::{StoredRow, TableStore},
    EngineError,
};

/// The suffix ksqlDB adds to pull-query errors.
const PULL_HINT: &str = "\nRefer to https://cnfl.io/queries for info on query types. If you intended to issue a push query, resubmit with the EMIT CHANGES clause";

/// The finite result of a pull query.
#[derive(Debug, Clone)]
pub struct PullQuery {
    /// `query_<epoch millis>`.
    pub id: String,
    /// The result columns; key columns (and window bounds) have [`ColumnKind::Key`].
    pub schema: Schema,
    pub rows: Vec<Vec<Value>>,
}

/// A pull-query error as ksqlDB words it.
fn pull_error(message: &str) -> EngineError {
    EngineError::statement(format!("{message}{PULL_HINT}"))
}

/// ksqlDB's refusal of a pull query on a table no query materializes (a plain `CREATE TABLE`,
/// or a CTAS table whose query was terminated): `EngineExecutor.notMaterializedException`.
fn not_queryable(table: &str) -> EngineError {
    EngineError::statement(format!(
        "The `{table}` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_{table} AS SELECT * FROM {table}'. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query."
    ))
}

/// The table's columns as a pull query sees them: keys, window bounds when windowed, values.
pub fn pull_schema(source: &Source) -> Schema {
    let keys = source
        .schema
        .columns
        .iter()
        .filter(|c| c.kind == ColumnKind::Key)
        .cloned();
    let window = source.window.iter().flat_map(|_| {
        ["WINDOWSTART", "WINDOWEND"]
            .into_iter()
            .map(|n| Column::new(n, DataType::Bigint, ColumnKind::Key))
    });
    let values = source
        .schema
        .columns
        .iter()
        .filter(|c| c.kind != ColumnKind::Key)
        .cloned();
    Schema::new(keys.chain(window).chain(values).collect())
}

struct PullCatalog<'a> {
    source: &'a Source,
    schema: Schema,
}

impl SourceCatalog for PullCatalog<'_> {
    fn source(&self, name: &str) -> Option<PlannedSource> {
        (name == self.source.name).then(|| PlannedSource {
            name: self.source.name.clone(),
            is_table: true,
            schema: self.schema.clone(),
        })
    }
}

/// Checks what pull queries refuse and plans `query` over the table `source`.
pub fn plan(
    query: &Query,
    source: &Source,
    store: Option<&TableStore>,
) -> Result<QueryPlan, EngineError> {
    if !query.from.joins.is_empty() {
        return Err(pull_error("Pull queries don't support JOIN clauses."));
    }
    if query.window.is_some() {
        return Err(pull_error("Pull queries don't support WINDOW clauses."));
    }
    if query.group_by.is_some() {
        return Err(pull_error("Pull queries don't support GROUP BY clauses."));
    }
    if query.having.is_some() {
        return Err(pull_error("Pull queries don't support HAVING clauses."));
    }
    if query.partition_by.is_some() {
        return Err(pull_error(
            "Pull queries don't support PARTITION BY clauses.",
        ));
    }
    if source.kind == SourceKind::Stream {
        return Err(EngineError::statement(format!(
            "Pull queries on streams are not supported by Rivulet yet: add EMIT CHANGES to query the stream {}.",
            source.name
        )));
    }
    if store.is_none() {
        if source.is_source {
            return Err(EngineError::statement(format!(
                "The source table {} could not be materialized (see the server log): add EMIT CHANGES for a push query.",
                source.name
            )));
        }
        return Err(not_queryable(&source.name));
    }
    let mentions = |text: &str| text.contains("\"ROWPARTITION\"") || text.contains("\"ROWOFFSET\"");
    if mentions(&format!("{:?}", query.where_clause)) {
        return Err(pull_error(
            "Pull queries don't support ROWPARTITION or ROWOFFSET in WHERE clauses.",
        ));
    }
    if mentions(&format!("{:?}", query.select)) {
        return Err(pull_error(
            "Pull queries don't support ROWPARTITION or ROWOFFSET in SELECT clauses.",
        ));
    }
    let catalog = PullCatalog {
        source,
        schema: pull_schema(source),
    };
    rivulet_sql::planner::plan_query(query, &catalog).map_err(|e| EngineError::statement(e.message))
}

/// The scan rows of a materialized table, laid out as [`pull_schema`] plus the pseudo-columns
/// first (`ROWTIME`, then null `ROWPARTITION` and `ROWOFFSET`).
pub fn scan_rows(source: &Source, store: &TableStore) -> Vec<Vec<Value>> {
    let schema = pull_schema(source);
    let positions: Vec<Option<usize>> = schema
        .columns
        .iter()
        .map(|c| store.columns().iter().position(|n| *n == c.name))
        .collect();
    store
        .snapshot()
        .into_iter()
        .map(|stored| scan_row(&schema, &positions, stored))
        .collect()
}

fn scan_row(schema: &Schema, positions: &[Option<usize>], stored: StoredRow) -> Vec<Value> {
    let mut row = Vec::with_capacity(3 + schema.columns.len());
    row.push(Value::Bigint(stored.timestamp));
    row.push(Value::Null);
    row.push(Value::Null);
    for (column, position) in schema.columns.iter().zip(positions) {
        let value = match (column.name.as_str(), stored.window, position) {
            (_, _, Some(i)) => stored.values.get(*i).cloned().unwrap_or(Value::Null),
            ("WINDOWSTART", Some((start, _)), None) => Value::Bigint(start),
            ("WINDOWEND", Some((_, end)), None) => Value::Bigint(end),
            _ => Value::Null,
        };
        row.push(value);
    }
    row
}

/// Runs the planned pull query over `rows` (from [`scan_rows`]): filter, projection, LIMIT.
/// Rows whose WHERE or projection fails to evaluate are skipped.
pub fn execute(plan: &QueryPlan, rows: Vec<Vec<Value>>) -> Vec<Vec<Value>> {
    let limit = plan.limit.map_or(usize::MAX, |l| l as usize);
    let mut out = Vec::new();
    for row in rows {
        if out.len() >= limit {
            break;
        }
        if let Some(filter) = &plan.filter {
            if !matches!(rivulet_expr::eval_predicate(filter, &row), Ok(true)) {
                continue;
            }
        }
        let projected: Result<Vec<Value>, _> = plan
            .columns
            .iter()
            .map(|c| rivulet_expr::eval(&c.expr, &row))
            .collect();
        if let Ok(values) = projected {
            out.push(values);
        }
    }
    out
}

/// Plans and runs a pull query over the materialized `store` of `source`.
pub fn run(
    query: &Query,
    source: &Source,
    store: Option<&TableStore>,
) -> Result<PullQuery, EngineError> {
    let plan = plan(query, source, store)?;
    let rows = store.map(|s| scan_rows(source, s)).unwrap_or_default();
    let rows = execute(&plan, rows);
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    Ok(PullQuery {
        id: format!("query_{millis}"),
        schema: plan.output_schema(),
        rows,
    })
}
