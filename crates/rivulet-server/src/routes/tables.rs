//! `GET /tables/{name}/rows[?key=…][&limit=n]`: a materialized table's current rows as plain
//! JSON, read from the engine's table store (the same state pull queries read).
//!
//! Response: `{"table":"NAME","columns":[{"name","type","key"}…],"rows":[{…column: value…,
//! "window":{"start":ms,"end":ms}}…],"count":n}`; `window` is present on windowed tables only
//! (and `WINDOWSTART`/`WINDOWEND` are then not repeated as columns). `key` selects the rows whose
//! (single) key column, as text, equals it. Errors are ksqlDB error objects: unknown table 404,
//! a table that is not materialized or a bad parameter 400.

use axum::{
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;

use super::ksql::generic_error;
use crate::{rest_value::write_value, AppState};

#[derive(Deserialize)]
pub struct RowsParams {
    key: Option<String>,
    limit: Option<usize>,
}

fn json_text(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

pub async fn rows(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(params): Query<RowsParams>,
) -> Response {
    let catalog = state.engine.catalog().await;
    let name = if catalog.get(&name).is_some() {
        name
    } else {
        name.to_ascii_uppercase()
    };
    let (source, rows) = match state
        .engine
        .table_rows(&name, params.key.as_deref(), params.limit)
        .await
    {
        Ok(r) => r,
        Err(e) => return generic_error(e.code, e.message),
    };
    let schema = rivulet_engine::query::pull::pull_schema(&source);
    let windowed = source.window.is_some();
    let is_bound = |n: &str| windowed && (n == "WINDOWSTART" || n == "WINDOWEND");
    let columns: Vec<serde_json::Value> = schema
        .columns
        .iter()
        .filter(|c| !is_bound(&c.name))
        .map(|c| {
            json!({"name": c.name, "type": c.data_type.to_string(),
                   "key": c.kind == rivulet_core::ColumnKind::Key})
        })
        .collect();
    let mut body = format!(
        "{{\"table\":{},\"columns\":{},\"rows\":[",
        json_text(&source.name),
        serde_json::Value::Array(columns)
    );
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push('{');
        let mut first = true;
        let mut window = (None, None);
        for (column, value) in schema.columns.iter().zip(row) {
            if is_bound(&column.name) {
                if column.name == "WINDOWSTART" {
                    window.0 = Some(value);
                } else {
                    window.1 = Some(value);
                }
                continue;
            }
            if !first {
                body.push(',');
            }
            first = false;
            body.push_str(&json_text(&column.name));
            body.push(':');
            write_value(value, &mut body);
        }
        if let (Some(start), Some(end)) = window {
            if !first {
                body.push(',');
            }
            body.push_str("\"window\":{\"start\":");
            write_value(start, &mut body);
            body.push_str(",\"end\":");
            write_value(end, &mut body);
            body.push('}');
        }
        body.push('}');
    }
    body.push_str(&format!("],\"count\":{}}}", rows.len()));
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}
