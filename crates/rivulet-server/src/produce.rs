//! Producing to a topic on behalf of a request: making sure the topic exists, choosing each
//! record's partition as Kafka's default partitioner does, and appending the whole request.
//!
//! Requests are decoded (by `rivulet-connect`) and validated entirely before anything is
//! appended, so a rejected request writes nothing. This module must not decode payloads.

use std::collections::HashMap;

use rivulet_connect::produce_request::ProduceRecord;
use rivulet_core::Record;
use rivulet_log::{partitioner::partition_for_key, LogError, TopicSpec};

use crate::{state::AppState, ApiError};

/// Where one record landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RecordOffset {
    pub partition: u32,
    pub offset: i64,
}

/// The partition count of `topic`, creating the topic when it is missing and `create` allows.
pub async fn ensure_topic(state: &AppState, topic: &str, create: bool) -> Result<u32, ApiError> {
    if let Some(n) = state.cached_partitions(topic) {
        return Ok(n);
    }
    let partitions = match state.log.describe_topic(topic).await {
        Ok(d) => d.partitions.len() as u32,
        Err(LogError::UnknownTopic(_)) if create => {
            let spec = TopicSpec::new(topic, state.settings.default_partitions);
            match state.log.create_topic(spec).await {
                Ok(d) => {
                    tracing::info!(topic, partitions = d.partitions.len(), "created topic");
                    d.partitions.len() as u32
                }
                Err(LogError::TopicExists(_)) => {
                    state.log.describe_topic(topic).await?.partitions.len() as u32
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(LogError::UnknownTopic(_)) => {
            return Err(ApiError::not_found(format!(
                "topic '{topic}' does not exist and auto-create is off"
            )))
        }
        Err(e) => return Err(e.into()),
    };
    state.cache_partitions(topic, partitions);
    Ok(partitions)
}

/// Appends a whole request to `topic` (which must exist with `partitions` partitions): picks each
/// record's partition (explicit, else murmur2 of the key, else one round-robin partition for the
/// request's keyless records), appends per partition, and answers each record's offset in the
/// request's order.
pub async fn append_all(
    state: &AppState,
    topic: &str,
    partitions: u32,
    records: Vec<ProduceRecord>,
) -> Result<Vec<RecordOffset>, ApiError> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut sticky = None;
    let mut groups: HashMap<u32, Vec<Record>> = HashMap::new();
    let mut placement = Vec::with_capacity(records.len());
    let mut bytes = 0u64;
    for (i, pr) in records.into_iter().enumerate() {
        let partition = match (pr.partition, &pr.record.key) {
            (Some(p), _) if p >= partitions => {
                return Err(ApiError::unprocessable(format!(
                    "records[{i}].partition: topic '{topic}' has {partitions} partition(s), there is no partition {p}"
                )))
            }
            (Some(p), _) => p,
            (None, Some(key)) => partition_for_key(key, partitions),
            (None, None) => {
                *sticky.get_or_insert_with(|| state.next_null_key_partition(partitions))
            }
        };
        bytes += (pr.record.key.as_ref().map_or(0, |k| k.len())
            + pr.record.value.as_ref().map_or(0, |v| v.len())) as u64;
        let group = groups.entry(partition).or_default();
        placement.push((partition, group.len() as i64));
        group.push(pr.record);
    }
    let count = placement.len() as u64;
    let appends = groups.into_iter().map(|(partition, recs)| async move {
        state
            .log
            .append(topic, partition, recs)
            .await
            .map(|base| (partition, base))
    });
    let bases: HashMap<u32, i64> = futures::future::try_join_all(appends)
        .await?
        .into_iter()
        .collect();
    state.metrics.appended(topic, count, bytes);
    Ok(placement
        .into_iter()
        .map(|(partition, index)| RecordOffset {
            partition,
            offset: bases.get(&partition).copied().unwrap_or(0) + index,
        })
        .collect())
}
