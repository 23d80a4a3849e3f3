//! `POST /phone-producer/` (and without the slash): the Sensor Logger app's push batch, one
//! record per reading in `smartphone-sensor-data`, keyed by device id, answered as the seed's
//! FastAPI producer answered.

use std::time::SystemTime;

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderMap},
    response::IntoResponse,
};
use rivulet_connect::{
    produce_request::ProduceRecord,
    sensor_logger::{decode_batch, response_body, PHONE_TOPIC},
};

use crate::{
    body::read_limited,
    produce::{append_all, ensure_topic},
    ApiError, AppState,
};

pub async fn produce(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<impl IntoResponse, ApiError> {
    let body = read_limited(&headers, body, state.settings.max_body_bytes).await?;
    let batch = decode_batch(&body)?;
    // The phone topic is Rivulet's own: it is created whatever the auto-create setting.
    let partitions = ensure_topic(&state, PHONE_TOPIC, true).await?;
    let answer = response_body(&batch, SystemTime::now());
    let records = batch
        .records
        .into_iter()
        .map(|record| ProduceRecord {
            partition: None,
            record,
        })
        .collect();
    append_all(&state, PHONE_TOPIC, partitions, records).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], answer))
}
