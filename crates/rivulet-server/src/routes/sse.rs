//! Server-Sent Events: `GET /chart-data/{client_id}`, the phone-stream dashboard's feed exactly
//! as the seed backend sent it, and `GET /query-sse?sql=…`, any push query as SSE (a `schema`
//! event, then one JSON object per row keyed by column name). Clients watching from latest share
//! one running query per SQL text (`Engine::subscribe_push`), so many viewers cost one query.

use std::{convert::Infallible, sync::Arc, time::Duration, time::SystemTime};

use axum::{
    body::{Body, Bytes},
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use rivulet_connect::phone_chart::{
    chart_event, ping_event, PING_SECONDS, SEED_PUSH_QUERY, SEED_STREAM_CREATE,
};
use rivulet_core::{Schema, Value};
use rivulet_engine::{PushQuery, Session, Subscription};
use serde::Deserialize;
use serde_json::json;

use super::ksql::generic_error;
use crate::{rest_value::row_object, AppState};

fn sse_response(body: Body) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/event-stream; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONNECTION, "keep-alive"),
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
        .into_response()
}

/// Where an SSE response's rows come from: a query of its own (`offset=earliest`), or a shared
/// push query many clients watch (from latest).
enum Rows {
    Own(PushQuery),
    Shared(Subscription),
}

impl Rows {
    async fn next(&mut self) -> Option<Arc<Vec<Value>>> {
        match self {
            Rows::Own(q) => q.next().await.map(Arc::new),
            Rows::Shared(s) => s.next().await,
        }
    }

    fn schema(&self) -> &Schema {
        match self {
            Rows::Own(q) => &q.schema,
            Rows::Shared(s) => &s.schema,
        }
    }

    fn id(&self) -> &str {
        match self {
            Rows::Own(q) => &q.id,
            Rows::Shared(s) => &s.id,
        }
    }
}

/// Rows as SSE text: `first` once, `event(schema, row)` per row, `ping()` after `PING_SECONDS`
/// without a row.
fn event_stream(
    rows: Rows,
    first: Option<String>,
    event: impl Fn(&Schema, &[Value]) -> String + Send + Sync + 'static,
    ping: impl Fn() -> String + Send + Sync + 'static,
) -> Body {
    let event = Arc::new(event);
    let ping = Arc::new(ping);
    let stream = futures::stream::unfold((rows, first), move |(mut rows, first)| {
        let (event, ping) = (event.clone(), ping.clone());
        async move {
            let text = match first {
                Some(first) => first,
                None => {
                    match tokio::time::timeout(Duration::from_secs(PING_SECONDS), rows.next()).await
                    {
                        Ok(Some(row)) => event(rows.schema(), &row),
                        Ok(None) => return None,
                        Err(_) => ping(),
                    }
                }
            };
            Some((Ok::<_, Infallible>(Bytes::from(text)), (rows, None)))
        }
    });
    Body::from_stream(stream)
}

/// Creates the seed's phone stream when it is not declared yet, as the seed backend did.
pub async fn ensure_phone_stream(state: &AppState) -> Result<(), Response> {
    if state
        .engine
        .catalog()
        .await
        .get("SMARTPHONE_SENSOR_STREAM")
        .is_some()
    {
        return Ok(());
    }
    let mut session = Session::default();
    match state
        .engine
        .execute_script(SEED_STREAM_CREATE, &mut session)
        .await
    {
        Ok(_) => Ok(()),
        // Created concurrently by another request.
        Err(_)
            if state
                .engine
                .catalog()
                .await
                .get("SMARTPHONE_SENSOR_STREAM")
                .is_some() =>
        {
            Ok(())
        }
        Err(f) => Err(generic_error(f.error.code, f.error.message)),
    }
}

pub async fn chart_data(State(state): State<AppState>, Path(_client_id): Path<String>) -> Response {
    if let Err(r) = ensure_phone_stream(&state).await {
        return r;
    }
    let subscription = match state.engine.subscribe_push(SEED_PUSH_QUERY).await {
        Ok(s) => s,
        Err(e) => return generic_error(e.code, e.message),
    };
    let body = event_stream(
        Rows::Shared(subscription),
        None,
        |_, row| {
            let num = |v: Option<&Value>| v.and_then(Value::as_f64);
            chart_event(
                row.first().and_then(Value::as_str),
                row.get(1).and_then(Value::as_i64),
                num(row.get(2)),
                num(row.get(3)),
                num(row.get(4)),
            )
        },
        || ping_event(SystemTime::now()),
    );
    sse_response(body)
}

#[derive(Deserialize)]
pub struct SseParams {
    sql: String,
    /// `earliest` or `latest` (default).
    #[serde(default)]
    offset: Option<String>,
}

pub async fn query_sse(State(state): State<AppState>, Query(params): Query<SseParams>) -> Response {
    let earliest = params
        .offset
        .as_deref()
        .is_some_and(|o| o.eq_ignore_ascii_case("earliest"));
    let rows = if earliest {
        let mut session = Session::default();
        session
            .properties
            .insert("auto.offset.reset".into(), "earliest".into());
        state
            .engine
            .push_query(&params.sql, &session)
            .await
            .map(Rows::Own)
    } else {
        state
            .engine
            .subscribe_push(&params.sql)
            .await
            .map(Rows::Shared)
    };
    let rows = match rows {
        Ok(r) => r,
        Err(e) => {
            let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            return (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                json!({"@type": "statement_error", "error_code": e.code, "message": e.message,
                       "statementText": params.sql, "entities": []})
                .to_string(),
            )
                .into_response();
        }
    };
    let schema = json!({
        "queryId": rows.id(),
        "columnNames": rows.schema().columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
        "columnTypes": rows.schema().columns.iter().map(|c| c.data_type.to_string()).collect::<Vec<_>>(),
    });
    let body = event_stream(
        rows,
        Some(format!("event: schema\ndata: {schema}\n\n")),
        |schema, row| format!("data: {}\n\n", row_object(schema, row)),
        || ": keep-alive\n\n".to_string(),
    );
    sse_response(body)
}
