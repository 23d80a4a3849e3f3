//! Planning a SELECT with GROUP BY: grouping expressions and aggregate calls over the scan row,
//! the WINDOW clause, HAVING and the projection over the aggregate row, and ksqlDB's naming of
//! the result's key columns (a grouping column keeps its name; an expression needs an alias or
//! is named `KSQL_COL_n`). Over a TABLE it allows only aggregates that can undo a row and no
//! WINDOW, with ksqlDB's messages.
//!
//! It owns the binding rules after GROUP BY; it must not decide how groups are stored or when
//! windows close (that is the engine's aggregate operator), nor check CTAS-only rules such as
//! "Key missing from projection" (the engine does, for persistent queries).

use std::collections::HashSet;

use rivulet_core::{ColumnKind, DataType};

use super::{
    bind_expression,
    expression::{bind_aggregate_expression, AggregateContext},
    plan::{AggregatePlan, OutputColumn, QueryPlan, WindowShape, WindowSpec, AGGREGATE_ROW_PREFIX},
    select::bind_where,
    PlanError, PlannedSource, Scope, ScopeColumn,
};
use crate::ast::{Expression, Query, SelectItem, WindowKind};

fn window_spec(query: &Query) -> Result<Option<WindowSpec>, PlanError> {
    let Some(w) = &query.window else {
        return Ok(None);
    };
    Ok(Some(match &w.kind {
        WindowKind::Tumbling {
            size,
            retention,
            grace,
        } => WindowSpec {
            shape: WindowShape::Tumbling { size: size.millis },
            grace: grace.map(|g| g.millis),
            retention: retention.map(|r| r.millis),
        },
        WindowKind::Hopping {
            size,
            advance,
            retention,
            grace,
        } => {
            if advance.millis == 0 || advance.millis > size.millis {
                return Err(PlanError::new(format!(
                    "Window advance ({advance}) must be greater than zero and not larger than the window size ({size})."
                )));
            }
            WindowSpec {
                shape: WindowShape::Hopping {
                    size: size.millis,
                    advance: advance.millis,
                },
                grace: grace.map(|g| g.millis),
                retention: retention.map(|r| r.millis),
            }
        }
        WindowKind::Session {
            gap,
            retention,
            grace,
        } => WindowSpec {
            shape: WindowShape::Session { gap: gap.millis },
            grace: grace.map(|g| g.millis),
            retention: retention.map(|r| r.millis),
        },
    }))
    .and_then(|w| match w {
        Some(w) if w.size() == 0 => Err(PlanError::new("Window size must be greater than zero.")),
        other => Ok(other),
    })
}

/// Over a TABLE only functions that can undo a row may aggregate (ksqlDB's
/// `SchemaKGroupedTable`): the others are named, in order of appearance, each once.
fn check_table_aggregates(
    calls: &[rivulet_expr::aggregate::AggregateCall],
) -> Result<(), PlanError> {
    let mut names: Vec<&str> = Vec::new();
    for call in calls.iter().filter(|c| !c.supports_undo()) {
        if !names.contains(&call.name.as_str()) {
            names.push(&call.name);
        }
    }
    let Some((last, first)) = names.split_last() else {
        return Ok(());
    };
    let list = if first.is_empty() {
        last.to_string()
    } else {
        format!("{} and {last}", first.join(", "))
    };
    Err(PlanError::new(format!(
        "The aggregation function{} {list} cannot be applied to a table source, only to a stream source.",
        if names.len() == 1 { "" } else { "s" }
    )))
}

/// Plans a query with `GROUP BY group_by` over `source`.
pub(super) fn plan_aggregate(
    query: &Query,
    group_by: &[Expression],
    source: &PlannedSource,
    qualifier: &str,
    scope: &Scope,
) -> Result<QueryPlan, PlanError> {
    if source.is_table && query.window.is_some() {
        return Err(PlanError::new(
            "Windowing not supported for table aggregations.",
        ));
    }
    if group_by.is_empty() {
        return Err(PlanError::new("GROUP BY requires at least one expression."));
    }
    let window = window_spec(query)?;
    if query.emit == Some(crate::ast::Emit::Final) && window.is_none() {
        return Err(PlanError::new(
            "EMIT FINAL is only supported for windowed aggregations.",
        ));
    }
    let filter = bind_where(query, scope)?;
    let mut group_exprs = Vec::with_capacity(group_by.len());
    let mut group_columns = Vec::with_capacity(group_by.len());
    for g in group_by {
        let bound = bind_expression(g, scope)?;
        if matches!(bound.data_type(), DataType::Map(..)) {
            return Err(PlanError::new(format!(
                "Map expressions are not supported in GROUP BY: {g}"
            )));
        }
        group_columns.push(match (g, &bound) {
            (Expression::Column(_), rivulet_expr::Expr::Column { index, .. }) => Some(*index),
            _ => None,
        });
        group_exprs.push(bound);
    }

    // The aggregate row's nameable columns: WINDOWSTART/WINDOWEND of a windowed aggregation and
    // the grouping columns by their names. Aggregates and grouping expressions bind by shape.
    let mut agg_scope = Scope::default();
    if window.is_some() {
        for (i, name) in ["WINDOWSTART", "WINDOWEND"].into_iter().enumerate() {
            agg_scope.columns.push(ScopeColumn {
                qualifier: qualifier.to_string(),
                name: name.to_string(),
                data_type: DataType::Bigint,
                kind: ColumnKind::Value,
                pseudo: true,
                index: 1 + i,
            });
        }
    }
    let mut context = AggregateContext {
        source: scope,
        group_by,
        group_columns: group_columns.clone(),
        key_offset: AGGREGATE_ROW_PREFIX,
        calls: Vec::new(),
        clause: "SELECT",
    };

    let mut columns: Vec<OutputColumn> = Vec::new();
    let mut key_columns: Vec<Option<usize>> = vec![None; group_by.len()];
    let mut unnamed = 0;
    for item in &query.select {
        let (expr, alias) = match item {
            SelectItem::Expression { expr, alias } => (expr, alias),
            SelectItem::AllColumns { .. } | SelectItem::StructAll(_) => {
                return Err(PlanError::new(
                    "SELECT * is not supported with GROUP BY: list the grouping columns and aggregates",
                ))
            }
        };
        let bound = bind_aggregate_expression(expr, &agg_scope, &mut context)?;
        let group = match &bound {
            rivulet_expr::Expr::Column { index, .. }
                if *index >= AGGREGATE_ROW_PREFIX
                    && *index < AGGREGATE_ROW_PREFIX + group_by.len() =>
            {
                Some(*index - AGGREGATE_ROW_PREFIX)
            }
            _ => None,
        };
        let name = match (alias, expr) {
            (Some(a), _) => a.as_str().to_string(),
            (None, Expression::Column(c)) => c.name.as_str().to_string(),
            (None, Expression::Dereference { field, .. }) => field.as_str().to_string(),
            (None, _) => {
                let n = format!("KSQL_COL_{unnamed}");
                unnamed += 1;
                n
            }
        };
        let kind = match group {
            Some(g) if key_columns[g].is_none() => {
                key_columns[g] = Some(columns.len());
                ColumnKind::Key
            }
            _ => ColumnKind::Value,
        };
        columns.push(OutputColumn {
            name,
            expr: bound,
            kind,
        });
    }
    let having = match &query.having {
        None => None,
        Some(h) => {
            context.clause = "HAVING";
            let e = bind_aggregate_expression(h, &agg_scope, &mut context)?;
            if e.data_type() != DataType::Boolean {
                return Err(PlanError::new(format!(
                    "Type error in HAVING expression: Should evaluate to boolean but is {h} ({}) instead.",
                    e.data_type()
                )));
            }
            Some(e)
        }
    };
    if context.calls.is_empty() && columns.is_empty() {
        return Err(PlanError::new("The projection is empty."));
    }
    let mut seen = HashSet::new();
    for c in &columns {
        if !seen.insert(c.name.as_str()) {
            return Err(PlanError::new(format!(
                "Duplicate value columns found in schema: `{}`",
                c.name
            )));
        }
    }
    let calls = context.calls;
    if source.is_table {
        check_table_aggregates(&calls)?;
    }
    Ok(QueryPlan {
        source: source.name.clone(),
        source_is_table: source.is_table,
        filter,
        columns,
        emit: query.emit,
        limit: query.limit,
        aggregate: Some(AggregatePlan {
            group_by: group_exprs,
            group_by_text: group_by.iter().map(ToString::to_string).collect(),
            calls,
            window,
            having,
            key_columns,
        }),
    })
}

#[cfg(test)]
mod tests {
    use rivulet_core::{Column, Schema};

    use super::*;
    use crate::{
        parse_statement,
        planner::{plan_query, SourceCatalog},
        Statement,
    };

    struct Temps;

    impl SourceCatalog for Temps {
        fn source(&self, name: &str) -> Option<PlannedSource> {
            (name == "TEMPS" || name == "TEMPS_TABLE").then(|| PlannedSource {
                name: name.into(),
                is_table: name == "TEMPS_TABLE",
                schema: Schema::new(vec![
                    Column::new("SENSOR", DataType::String, ColumnKind::Key),
                    Column::new("VALUE", DataType::Int, ColumnKind::Value),
                    Column::new("CITY", DataType::String, ColumnKind::Value),
                ]),
            })
        }
    }

    fn plan(sql: &str) -> Result<QueryPlan, PlanError> {
        match parse_statement(sql).unwrap() {
            Statement::Query(q) => plan_query(&q, &Temps),
            other => panic!("not a query: {other}"),
        }
    }

    #[test]
    fn plans_a_windowed_aggregate() {
        let p = plan("SELECT sensor, COUNT(*), MIN(value) AS lo, MAX(value), AVG(value), WINDOWSTART AS ws FROM temps WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY sensor EMIT FINAL;").unwrap();
        let schema = p.output_schema();
        let cols: Vec<String> = schema
            .columns
            .iter()
            .map(|c| format!("{} {} {:?}", c.name, c.data_type, c.kind))
            .collect();
        assert_eq!(
            cols,
            [
                "SENSOR STRING Key",
                "KSQL_COL_0 BIGINT Value",
                "LO INTEGER Value",
                "KSQL_COL_1 INTEGER Value",
                "KSQL_COL_2 DOUBLE Value",
                "WS BIGINT Value"
            ]
        );
        let a = p.aggregate.as_ref().unwrap();
        assert_eq!(a.calls.len(), 4);
        assert_eq!(a.key_columns, [Some(0)]);
        let w = a.window.unwrap();
        assert_eq!(w.size(), 10_000);
        assert_eq!(w.grace, Some(1_000));
        let text = p.to_string();
        assert!(text.contains("Aggregate: GROUP BY"), "{text}");
        assert!(text.contains("EMIT FINAL"), "{text}");
    }

    #[test]
    fn plans_a_session_window() {
        let p = plan("SELECT sensor, WINDOWSTART, WINDOWEND, SUM(value) FROM temps WINDOW SESSION (20 SECONDS, RETENTION 2 DAYS, GRACE PERIOD 5 SECONDS) GROUP BY sensor EMIT CHANGES;").unwrap();
        let w = p.aggregate.as_ref().unwrap().window.unwrap();
        assert_eq!(w.shape, WindowShape::Session { gap: 20_000 });
        assert_eq!((w.grace, w.retention), (Some(5_000), Some(172_800_000)));
        assert!(w.is_session());
        assert_eq!(w.type_name(), "SESSION");
        assert!(p
            .to_string()
            .contains("WINDOW SESSION (20000 ms, GRACE PERIOD 5000 ms)"));
        let e = plan("SELECT sensor, COUNT(*) FROM temps WINDOW SESSION (0 SECONDS) GROUP BY sensor EMIT CHANGES;").unwrap_err();
        assert_eq!(e.message, "Window size must be greater than zero.");
        let e = plan("SELECT sensor, COUNT(*) FROM temps WINDOW SESSION (1 SECOND) GROUP BY WINDOWEND EMIT CHANGES;").unwrap_err();
        assert!(e.message.contains("WINDOWEND"), "{}", e.message);
    }

    #[test]
    fn grouping_expressions_having_and_errors() {
        let p = plan("SELECT UCASE(city) AS c, SUM(value) FROM temps GROUP BY UCASE(city) HAVING SUM(value) > 2 EMIT CHANGES;").unwrap();
        let a = p.aggregate.as_ref().unwrap();
        assert_eq!(a.calls.len(), 1, "SUM(value) is computed once");
        assert!(a.having.is_some());
        assert_eq!(p.columns[0].kind, ColumnKind::Key);
        assert_eq!(p.columns[0].name, "C");
        let p = plan("SELECT UCASE(city), COUNT(*) FROM temps GROUP BY UCASE(city) EMIT CHANGES;")
            .unwrap();
        assert_eq!(p.columns[0].name, "KSQL_COL_0");
        let e = plan("SELECT city, COUNT(*) FROM temps GROUP BY sensor EMIT CHANGES;").unwrap_err();
        assert_eq!(
            e.message,
            "Non-aggregate SELECT expression(s) not part of GROUP BY: CITY"
        );
        let e = plan("SELECT sensor, COUNT(*) FROM temps GROUP BY sensor EMIT FINAL;").unwrap_err();
        assert!(e.message.contains("EMIT FINAL"), "{}", e.message);
        let e =
            plan("SELECT sensor, SUM(city) FROM temps GROUP BY sensor EMIT CHANGES;").unwrap_err();
        assert!(e.message.contains("SUM"), "{}", e.message);
        let e = plan("SELECT sensor, COUNT(*) FROM temps WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY WINDOWSTART EMIT CHANGES;").unwrap_err();
        assert!(e.message.contains("WINDOWSTART"), "{}", e.message);
        let e = plan(
            "SELECT sensor, COUNT(*) FROM temps WINDOW TUMBLING (SIZE 1 SECOND) EMIT CHANGES;",
        )
        .unwrap_err();
        assert!(e.message.contains("GROUP BY"), "{}", e.message);
    }

    #[test]
    fn table_sources_take_only_undoable_aggregates_and_no_window() {
        let p = plan("SELECT city, COUNT(*), SUM(value), AVG(value), COLLECT_LIST(sensor) FROM temps_table GROUP BY city EMIT CHANGES;").unwrap();
        assert!(p.source_is_table);
        assert_eq!(p.aggregate.as_ref().unwrap().calls.len(), 4);
        let e = plan("SELECT city, MIN(value) FROM temps_table GROUP BY city EMIT CHANGES;")
            .unwrap_err();
        assert_eq!(
            e.message,
            "The aggregation function MIN cannot be applied to a table source, only to a stream source."
        );
        let e = plan("SELECT city, LATEST_BY_OFFSET(value), MIN(value), COUNT(*), MAX(value) FROM temps_table GROUP BY city HAVING MIN(value) > 1 EMIT CHANGES;")
            .unwrap_err();
        assert_eq!(
            e.message,
            "The aggregation functions LATEST_BY_OFFSET, MIN and MAX cannot be applied to a table source, only to a stream source."
        );
        let e = plan("SELECT city, COUNT(*) FROM temps_table WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY city EMIT CHANGES;")
            .unwrap_err();
        assert_eq!(e.message, "Windowing not supported for table aggregations.");
    }
}
