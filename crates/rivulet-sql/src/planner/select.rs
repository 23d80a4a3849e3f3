//! Planning a SELECT over one stream or table without aggregation: resolve the source, bind
//! WHERE and the select list, name the output columns as ksqlDB names them.

use std::collections::HashSet;

use rivulet_core::{ColumnKind, DataType};
use rivulet_expr::Expr;

use super::{
    bind_expression,
    plan::{OutputColumn, QueryPlan},
    PlanError, Scope, SourceCatalog,
};
use crate::ast::{Expression, Query, SelectItem};

/// Binds WHERE over the scan row.
pub(super) fn bind_where(query: &Query, scope: &super::Scope) -> Result<Option<Expr>, PlanError> {
    Ok(match &query.where_clause {
        None => None,
        Some(w) => {
            let e = bind_expression(w, scope)?;
            if e.data_type() != DataType::Boolean {
                return Err(PlanError::new(format!(
                    "Type error in WHERE expression: Should evaluate to boolean but is {w} ({}) instead.",
                    e.data_type()
                )));
            }
            Some(e)
        }
    })
}

/// Plans `query` against `catalog`.
pub fn plan_query(query: &Query, catalog: &dyn SourceCatalog) -> Result<QueryPlan, PlanError> {
    if !query.from.joins.is_empty() {
        return Err(PlanError::new("Joins are not supported by Rivulet yet"));
    }
    if query.group_by.is_none() {
        if query.window.is_some() {
            return Err(PlanError::new("WINDOW clause requires a GROUP BY clause."));
        }
        if query.having.is_some() {
            return Err(PlanError::new("HAVING clause requires a GROUP BY clause."));
        }
        if query.emit == Some(crate::ast::Emit::Final) {
            return Err(PlanError::new(
                "EMIT FINAL is only supported for windowed aggregations.",
            ));
        }
    }
    if query.partition_by.is_some() {
        return Err(PlanError::new(
            "PARTITION BY is not supported by Rivulet yet",
        ));
    }
    let from = &query.from.source;
    let name = from.name.as_str();
    let source = catalog
        .source(name)
        .ok_or_else(|| PlanError::new(format!("{name} does not exist.")))?;
    let qualifier = from.alias.as_ref().map_or(name, |a| a.as_str());
    let scope = Scope::for_source(qualifier, &source.schema);
    if let Some(group_by) = &query.group_by {
        return super::aggregate::plan_aggregate(query, group_by, &source, qualifier, &scope);
    }

    let filter = bind_where(query, &scope)?;

    let mut columns = Vec::new();
    let mut unnamed = 0;
    for item in &query.select {
        match item {
            SelectItem::AllColumns { source } => {
                let q = source.as_ref().map(|s| s.as_str());
                if let Some(q) = q {
                    if q != qualifier {
                        return Err(PlanError::new(format!(
                            "'{q}' is not a valid stream/table name or alias."
                        )));
                    }
                }
                for c in scope.star(q) {
                    columns.push(OutputColumn {
                        name: c.name.clone(),
                        expr: Expr::column(c.index, c.data_type.clone()),
                        kind: c.kind,
                    });
                }
            }
            SelectItem::StructAll(e) => {
                let bound = bind_expression(e, &scope)?;
                let DataType::Struct(fields) = bound.data_type() else {
                    return Err(PlanError::new(format!("{e}->* needs a STRUCT")));
                };
                for f in fields {
                    columns.push(OutputColumn {
                        name: f.name.clone(),
                        expr: rivulet_expr::dereference(bound.clone(), &f.name)?,
                        kind: ColumnKind::Value,
                    });
                }
            }
            SelectItem::Expression { expr, alias } => {
                let bound = bind_expression(expr, &scope)?;
                let kind = match (expr, &bound) {
                    (Expression::Column(_), Expr::Column { index, .. }) => scope
                        .columns
                        .iter()
                        .find(|c| c.index == *index)
                        .map_or(ColumnKind::Value, |c| {
                            if c.kind == ColumnKind::Key {
                                ColumnKind::Key
                            } else {
                                ColumnKind::Value
                            }
                        }),
                    _ => ColumnKind::Value,
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
                columns.push(OutputColumn {
                    name,
                    expr: bound,
                    kind,
                });
            }
        }
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
    Ok(QueryPlan {
        source: source.name,
        source_is_table: source.is_table,
        filter,
        columns,
        emit: query.emit,
        limit: query.limit,
        aggregate: None,
    })
}

#[cfg(test)]
mod tests {
    use rivulet_core::{Column, Schema, Value};
    use rivulet_expr::eval;

    use super::*;
    use crate::{parse_statement, planner::PlannedSource, Statement};

    struct OneStream;

    impl SourceCatalog for OneStream {
        fn source(&self, name: &str) -> Option<PlannedSource> {
            (name == "SMARTPHONE_SENSOR_STREAM").then(|| PlannedSource {
                name: name.into(),
                is_table: false,
                schema: Schema::new(vec![
                    Column::new("NAME", DataType::String, ColumnKind::Value),
                    Column::new("TIME", DataType::Bigint, ColumnKind::Value),
                    Column::new("VALUES_X", DataType::Double, ColumnKind::Value),
                    Column::new("VALUES_Y", DataType::Double, ColumnKind::Value),
                    Column::new("VALUES_Z", DataType::Double, ColumnKind::Value),
                    Column::new("MESSAGEID", DataType::Bigint, ColumnKind::Value),
                    Column::new("SESSIONID", DataType::String, ColumnKind::Value),
                    Column::new("DEVICEID", DataType::String, ColumnKind::Value),
                ]),
            })
        }
    }

    fn plan(sql: &str) -> Result<QueryPlan, PlanError> {
        match parse_statement(sql).unwrap() {
            Statement::Query(q) => plan_query(&q, &OneStream),
            other => panic!("not a query: {other}"),
        }
    }

    fn row(name: &str) -> Vec<Value> {
        vec![
            Value::Bigint(1),
            Value::Int(0),
            Value::Bigint(7),
            Value::from(name),
            Value::Bigint(1_684_615_020_438_850_600),
            Value::Double(0.99),
            Value::Double(-0.57),
            Value::Double(-0.17),
            Value::Bigint(35),
            Value::from("s-1"),
            Value::from("d-1"),
        ]
    }

    #[test]
    fn the_seed_push_query_plans_and_evaluates() {
        let p = plan(
            "select deviceId, time, values_x, values_y, values_z\nfrom smartphone_sensor_stream where name = 'accelerometeruncalibrated' emit changes;",
        )
        .unwrap();
        let schema = p.output_schema();
        let names: Vec<_> = schema.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["DEVICEID", "TIME", "VALUES_X", "VALUES_Y", "VALUES_Z"]
        );
        let types: Vec<_> = schema
            .columns
            .iter()
            .map(|c| c.data_type.to_string())
            .collect();
        assert_eq!(types, ["STRING", "BIGINT", "DOUBLE", "DOUBLE", "DOUBLE"]);
        let filter = p.filter.as_ref().unwrap();
        assert!(rivulet_expr::eval_predicate(filter, &row("accelerometeruncalibrated")).unwrap());
        assert!(!rivulet_expr::eval_predicate(filter, &row("gyroscope")).unwrap());
        assert_eq!(
            eval(&p.columns[1].expr, &row("x")).unwrap(),
            Value::Bigint(1_684_615_020_438_850_600)
        );
        assert!(!p.is_pull());
        assert!(p
            .to_string()
            .contains("Scan: STREAM SMARTPHONE_SENSOR_STREAM"));
    }

    #[test]
    fn names_star_aliases_and_generated_columns() {
        let p = plan("SELECT *, ROWTIME, values_x * 2, s.values_y AS y, UCASE(name) FROM smartphone_sensor_stream s EMIT CHANGES LIMIT 3;").unwrap();
        let names: Vec<_> = p.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            &names[..8],
            [
                "NAME",
                "TIME",
                "VALUES_X",
                "VALUES_Y",
                "VALUES_Z",
                "MESSAGEID",
                "SESSIONID",
                "DEVICEID"
            ]
        );
        assert_eq!(&names[8..], ["ROWTIME", "KSQL_COL_0", "Y", "KSQL_COL_1"]);
        assert_eq!(p.limit, Some(3));
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let e = plan("SELECT nope FROM smartphone_sensor_stream EMIT CHANGES;").unwrap_err();
        assert_eq!(e.message, "Column 'NOPE' cannot be resolved.");
        let e = plan("SELECT * FROM missing EMIT CHANGES;").unwrap_err();
        assert_eq!(e.message, "MISSING does not exist.");
        let e =
            plan("SELECT * FROM smartphone_sensor_stream WHERE time EMIT CHANGES;").unwrap_err();
        assert!(
            e.message.contains("Should evaluate to boolean"),
            "{}",
            e.message
        );
        let e = plan("SELECT COUNT(*) FROM smartphone_sensor_stream EMIT CHANGES;").unwrap_err();
        assert!(e.message.contains("COUNT"), "{}", e.message);
        let e = plan("SELECT name, name FROM smartphone_sensor_stream EMIT CHANGES;").unwrap_err();
        assert!(e.message.contains("Duplicate"), "{}", e.message);
        let e = plan("SELECT name + 1 FROM smartphone_sensor_stream EMIT CHANGES;").unwrap_err();
        assert!(!e.message.is_empty());
        // The struct is named by the statement's text, not by its row position.
        let e = plan("SELECT STRUCT(a := name)->b FROM smartphone_sensor_stream EMIT CHANGES;")
            .unwrap_err();
        assert!(
            e.message
                .starts_with("Could not find field 'B' in 'STRUCT(")
                && !e.message.contains('$'),
            "{}",
            e.message
        );
    }
}
