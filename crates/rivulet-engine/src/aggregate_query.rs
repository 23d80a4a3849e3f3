//! Rules of `CREATE STREAM/TABLE … AS SELECT` that ksqlDB checks beyond planning: the result's
//! kind must be the one created (an aggregation or a TABLE source makes a TABLE, a STREAM
//! source without GROUP BY a STREAM), every grouping expression must appear in the projection
//! (it becomes the table's key), and a table projected from a table must keep the source's key
//! columns.
//!
//! It owns these checks only; planning is `rivulet-sql`'s and running is
//! [`crate::query::aggregate_runner`]'s and [`crate::query::persistent`]'s.

use rivulet_core::ColumnKind;
use rivulet_sql::planner::QueryPlan;

use crate::{
    catalog::{Source, SourceKind},
    EngineError,
};

/// Columns of the scan row before the source's columns (ROWTIME, ROWPARTITION, ROWOFFSET).
const PSEUDO_COLUMNS: usize = 3;

/// ksqlDB's `GrammaticalJoiner.and()`: `A`, `A and B`, `A, B and C`.
fn and_list(items: &[&str]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, first)) => format!("{} and {last}", first.join(", ")),
    }
}

/// ksqlDB's "Key missing from projection" error for the sink `name`; `what` names the missing
/// keys' kind ("grouping expression", "key column").
fn key_missing(name: &str, what: &str, missing: &[&str]) -> EngineError {
    let plural = missing.len() > 1;
    EngineError::statement(format!(
        "Key{} missing from projection (ie, SELECT). \nThe query used to build `{name}` must include the {what}{} {} in its projection (eg, SELECT {}...).",
        if plural { "s" } else { "" },
        if plural { "s" } else { "" },
        and_list(missing),
        missing.join(", "),
    ))
}

/// Checks a CSAS/CTAS's plan over `source` against the kind of source it creates (`name`).
pub(crate) fn check_create_as(
    plan: &QueryPlan,
    kind: SourceKind,
    name: &str,
    source: &Source,
) -> Result<(), EngineError> {
    let produces_table = plan.aggregate.is_some() || source.kind == SourceKind::Table;
    match (produces_table, kind) {
        (true, SourceKind::Stream) => Err(EngineError::statement(
            "Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.",
        )),
        (false, SourceKind::Table) => Err(EngineError::statement(
            "Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.",
        )),
        (false, SourceKind::Stream) => Ok(()),
        (true, SourceKind::Table) => match &plan.aggregate {
            Some(aggregate) => {
                let missing: Vec<&str> = aggregate
                    .key_columns
                    .iter()
                    .zip(&aggregate.group_by_text)
                    .filter(|(c, _)| c.is_none())
                    .map(|(_, text)| text.as_str())
                    .collect();
                if missing.is_empty() {
                    return Ok(());
                }
                Err(key_missing(name, "grouping expression", &missing))
            }
            None if source.window.is_some() => Err(EngineError::statement(
                "A table projected from a windowed table is not supported by Rivulet yet (aggregate it with GROUP BY, or query it with a pull query)",
            )),
            None => {
                // A table projected from a table keeps its primary key: each key column must
                // be selected (aliasing allowed).
                let schema = source.query_schema();
                let missing: Vec<&str> = schema
                    .columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.kind == ColumnKind::Key)
                    .filter(|(i, _)| {
                        !plan.columns.iter().any(|c| {
                            c.kind == ColumnKind::Key
                                && matches!(c.expr, rivulet_expr::Expr::Column { index, .. }
                                    if index == PSEUDO_COLUMNS + i)
                        })
                    })
                    .map(|(_, c)| c.name.as_str())
                    .collect();
                if missing.is_empty() {
                    return Ok(());
                }
                Err(key_missing(name, "key column", &missing))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_join_as_ksqldb_joins_them() {
        assert_eq!(and_list(&["A"]), "A");
        assert_eq!(and_list(&["A", "B"]), "A and B");
        assert_eq!(and_list(&["A", "B", "C"]), "A, B and C");
        assert_eq!(
            key_missing("T2", "key column", &["ID", "ID2"]).message,
            "Keys missing from projection (ie, SELECT). \nThe query used to build `T2` must include the key columns ID and ID2 in its projection (eg, SELECT ID, ID2...)."
        );
    }
}
