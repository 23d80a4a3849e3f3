//! Rules of `CREATE TABLE … AS SELECT` that ksqlDB checks beyond planning: an aggregation makes
//! a TABLE (not a STREAM), a table needs an aggregation (Rivulet has no source tables to
//! project yet), and every grouping expression must appear in the projection (it becomes the
//! table's key).
//!
//! It owns these checks only; planning is `rivulet-sql`'s and running is
//! [`crate::query::aggregate_runner`]'s.

use rivulet_sql::planner::QueryPlan;

use crate::{catalog::SourceKind, EngineError};

/// Checks a CSAS/CTAS's plan against the kind of source it creates (`name`).
pub(crate) fn check_create_as(
    plan: &QueryPlan,
    kind: SourceKind,
    name: &str,
) -> Result<(), EngineError> {
    match (&plan.aggregate, kind) {
        (Some(_), SourceKind::Stream) => Err(EngineError::statement(
            "Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.",
        )),
        (None, SourceKind::Table) => Err(EngineError::statement(
            "Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.",
        )),
        (None, SourceKind::Stream) => Ok(()),
        (Some(aggregate), SourceKind::Table) => {
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
            let list = missing.join(", ");
            Err(EngineError::statement(format!(
                "Key missing from projection (ie, SELECT).\nThe query used to build `{name}` must include the grouping expression{} {list} in its projection (eg, SELECT {list}...).",
                if missing.len() > 1 { "s" } else { "" }
            )))
        }
    }
}
