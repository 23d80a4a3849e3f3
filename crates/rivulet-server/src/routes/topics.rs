//! Topic administration: `GET /topics[?internal=true]`, `POST /topics`, `GET /topics/{topic}`,
//! `DELETE /topics/{topic}`.

use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    Json,
};
use rivulet_log::TopicSpec;
use serde::Deserialize;
use serde_json::json;

use crate::{body::read_limited, ApiError, AppState};

#[derive(Deserialize)]
pub struct ListParams {
    /// Also list internal topics (names starting with `_`, like the command log's).
    #[serde(default)]
    internal: bool,
}

pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<impl IntoResponse, ApiError> {
    let names: Vec<String> = state
        .log
        .list_topics()
        .await?
        .into_iter()
        .filter(|n| params.internal || !n.starts_with('_'))
        .collect();
    let mut topics = Vec::with_capacity(names.len());
    for name in names {
        match state.log.describe_topic(&name).await {
            Ok(d) => topics.push(json!({
                "name": d.name,
                "partitions": d.partitions.len(),
                "records": d.partitions.iter().map(|p| p.end_offset - p.start_offset).sum::<i64>(),
                "size_bytes": d.partitions.iter().map(|p| p.size_bytes).sum::<u64>(),
            })),
            // Deleted between the list and the describe.
            Err(rivulet_log::LogError::UnknownTopic(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Json(json!({ "topics": topics })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateTopic {
    name: String,
    partitions: Option<u32>,
    replication: Option<u16>,
    retention_ms: Option<i64>,
    retention_bytes: Option<u64>,
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<impl IntoResponse, ApiError> {
    let body = read_limited(&headers, body, state.settings.max_body_bytes).await?;
    let req: CreateTopic = serde_json::from_slice(&body).map_err(|e| {
        ApiError::unprocessable(format!(
            "invalid topic request at line {}, column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    let spec = TopicSpec {
        name: req.name,
        partitions: req.partitions.unwrap_or(state.settings.default_partitions),
        replication: req.replication.unwrap_or(1),
        retention_ms: req.retention_ms,
        retention_bytes: req.retention_bytes,
    };
    let description = state.log.create_topic(spec).await?;
    state.cache_partitions(&description.name, description.partitions.len() as u32);
    Ok((StatusCode::CREATED, Json(description)))
}

pub async fn describe(
    State(state): State<AppState>,
    Path(topic): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(state.log.describe_topic(&topic).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    Path(topic): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    state.log.delete_topic(&topic).await?;
    state.forget_topic(&topic);
    Ok(Json(json!({ "deleted": topic })))
}
