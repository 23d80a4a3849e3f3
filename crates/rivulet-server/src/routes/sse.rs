//! Server-Sent Events: `GET /chart-data/{client_id}`, the phone-stream dashboard's feed with each
//! event exactly as the seed backend sent it, and `GET /query-sse?sql=…`, any push query as SSE
//! (a `schema` event, then one JSON object per row keyed by column name). Clients watching from
//! latest share one running query per SQL text (`Engine::subscribe_push`), so many viewers cost
//! one query.
//!
//! The chart feed is built for many viewers of a fast stream (a chart cannot draw thousands of
//! points a second per phone anyway): all its viewers share one encoded feed of the query
//! (`rivulet_engine::query::shared_feed`) that formats each row's event ONCE, as shared bytes,
//! and paces it by the number of viewers ([`CHART_FEED`]: batches and rows a second over all
//! viewers together, so one viewer gets every row at once and a hundred share a bounded
//! budget; a row after a quiet spell goes out at once); of more rows than the budget allows, an
//! evenly spaced selection ending with the newest is sent and the rest are *coalesced* away. Each viewer reads
//! through a bounded queue of `queue_batches` batches: a viewer that does not keep up loses its
//! oldest batches (*lagged*), never slowing the query, ingest or the other viewers. Both kinds
//! of drop are counted per viewer in `rivulet_sse_events_dropped_total{reason}` and the events
//! written in `rivulet_sse_events_sent_total` (`/metrics`). A large batch is written as one body
//! chunk (its events end to end, joined once for all viewers), a small one a chunk per event.

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
use rivulet_engine::{
    query::{FeedPolicy, FeedSubscription},
    PushQuery, Session, Subscription,
};
use serde::Deserialize;
use serde_json::json;

use super::ksql::generic_error;
use crate::{rest_value::row_object, AppState, Metrics};

/// The chart feed's pacing: 2,000 batches a second over all viewers (one viewer: up to
/// 2,000 a second, so each row goes out at once at phone rates; 100 viewers: 20 chart
/// updates a second each) and 100,000 rows a second over all viewers (one viewer: every row,
/// bursts of a phone's batch included; 100 viewers: 1,000 rows a second each, plenty for charts
/// of 200 points per phone), and 64 batches of queue per viewer before its oldest are dropped.
/// Each batch costs a viewer a wake-up and a write, so with many viewers fewer, fuller batches
/// are cheaper.
pub const CHART_FEED: FeedPolicy = FeedPolicy {
    interval: Duration::ZERO,
    deliveries_per_second: 2_000,
    max_rows: 16_384,
    rows_per_second: 100_000,
    queue_batches: 64,
};

/// Batches of up to this many events are written one chunk per event (what simple clients
/// expect at a trickle); larger ones, the fast-stream case, as one chunk, so that a viewer
/// costs one chunk and one write per batch rather than per event.
const CHUNK_PER_EVENT_UP_TO: usize = 8;

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

/// One chart row as the seed's `new_message` event, formatted once for every viewer.
fn chart_row_event(_: &Schema, row: &[Value]) -> Bytes {
    let num = |v: Option<&Value>| v.and_then(Value::as_f64);
    Bytes::from(chart_event(
        row.first().and_then(Value::as_str),
        row.get(1).and_then(Value::as_i64),
        num(row.get(2)),
        num(row.get(3)),
        num(row.get(4)),
    ))
}

/// One viewer of the chart feed: its current batch and the next of its events to hand to the
/// connection, and the server's counters.
struct ChartViewer {
    feed: FeedSubscription,
    batch: Option<Arc<rivulet_engine::query::Batch>>,
    next: usize,
    metrics: Arc<Metrics>,
}

impl Drop for ChartViewer {
    /// A viewer that goes while behind (one that stopped reading, say) has its lost rows
    /// counted now, as it cannot be told at a next delivery.
    fn drop(&mut self) {
        self.metrics.sse_delivery(0, 0, self.feed.lost_now());
        self.metrics.sse_client_gone();
    }
}

impl ChartViewer {
    /// The next event (one body chunk), a ping after `PING_SECONDS` without one, or `None` when
    /// the query ended.
    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if let Some(batch) = &self.batch {
                if batch.events.len() > CHUNK_PER_EVENT_UP_TO {
                    let all = batch.joined.clone();
                    self.batch = None;
                    return Some(all);
                }
                if let Some(event) = batch.events.get(self.next) {
                    self.next += 1;
                    return Some(event.clone());
                }
                self.batch = None;
            }
            match tokio::time::timeout(Duration::from_secs(PING_SECONDS), self.feed.next()).await {
                Ok(Some(delivery)) => {
                    self.metrics.sse_delivery(
                        delivery.batch.events.len() as u64,
                        delivery.coalesced,
                        delivery.lagged,
                    );
                    self.batch = Some(delivery.batch);
                    self.next = 0;
                }
                Ok(None) => return None,
                Err(_) => return Some(Bytes::from(ping_event(SystemTime::now()))),
            }
        }
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
    state.metrics.sse_client_came();
    let viewer = ChartViewer {
        feed: subscription.feed("phone-chart", chart_row_event, CHART_FEED),
        batch: None,
        next: 0,
        metrics: state.metrics.clone(),
    };
    let stream = futures::stream::unfold(viewer, |mut viewer| async move {
        let event = viewer.next().await?;
        Some((Ok::<_, Infallible>(event), viewer))
    });
    sse_response(Body::from_stream(stream))
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
