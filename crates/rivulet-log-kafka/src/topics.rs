//! Topics on the brokers: create (with the requested partitions, replication and retention),
//! delete, list and describe, through Kafka's admin and metadata requests; and the cache of
//! partition counts the other modules check partitions against.
//!
//! This module owns the admin client and the metadata client (a group-less consumer also used
//! for watermarks and time lookups). It must not produce or read records.

use std::{collections::HashMap, sync::Arc, time::Duration};

use parking_lot::RwLock;
use rdkafka::{
    admin::{AdminClient, AdminOptions, NewTopic, ResourceSpecifier, TopicReplication},
    client::DefaultClientContext,
    consumer::{BaseConsumer, Consumer},
    error::KafkaError,
    types::RDKafkaErrorCode,
    Offset, TopicPartitionList,
};
use rivulet_log::{
    LogError, LogResult, PartitionDescription, PartitionOffsets, TopicDescription, TopicSpec,
};

use crate::{
    config::KafkaConfig,
    error::{log_error, task_failed, topic_error},
};

/// Topics Kafka keeps for itself, never listed.
const INTERNAL_TOPICS: [&str; 2] = ["__consumer_offsets", "__transaction_state"];

/// Pause between metadata checks while a new topic's partitions get leaders.
const CREATE_SETTLE_PAUSE: Duration = Duration::from_millis(50);

/// The admin side of the log.
pub(crate) struct Topics {
    admin: AdminClient<DefaultClientContext>,
    metadata: Arc<BaseConsumer>,
    partition_counts: RwLock<HashMap<String, u32>>,
    timeout: Duration,
}

impl Topics {
    pub(crate) fn new(config: &KafkaConfig) -> LogResult<Self> {
        let base = config.client_config();
        let admin = base
            .create()
            .map_err(|e| log_error("creating the Kafka admin client", None, &e))?;
        let metadata = base
            .clone()
            .set("enable.auto.commit", "false")
            .create()
            .map_err(|e| log_error("creating the Kafka metadata client", None, &e))?;
        Ok(Topics {
            admin,
            metadata: Arc::new(metadata),
            partition_counts: RwLock::new(HashMap::new()),
            timeout: config.request_timeout,
        })
    }

    fn admin_options(&self) -> AdminOptions {
        AdminOptions::new()
            .request_timeout(Some(self.timeout))
            .operation_timeout(Some(self.timeout))
    }

    pub(crate) async fn create(&self, spec: &TopicSpec) -> LogResult<()> {
        spec.validate()?;
        let partitions = i32::try_from(spec.partitions)
            .map_err(|_| LogError::InvalidArgument("too many partitions".into()))?;
        // Kafka keeps forever with -1; tansu wants retention.ms given explicitly.
        let retention_ms = spec.retention_ms.unwrap_or(-1).to_string();
        let retention_bytes = spec
            .retention_bytes
            .map_or_else(|| "-1".to_string(), |b| b.to_string());
        let new_topic = NewTopic::new(
            &spec.name,
            partitions,
            TopicReplication::Fixed(i32::from(spec.replication.max(1))),
        )
        .set("retention.ms", &retention_ms)
        .set("retention.bytes", &retention_bytes);
        let context = format!("creating topic '{}'", spec.name);
        let results = self
            .admin
            .create_topics([&new_topic], &self.admin_options())
            .await
            .map_err(|e| log_error(&context, Some(&spec.name), &e))?;
        for result in results {
            if let Err((topic, code)) = result {
                return Err(topic_error(&context, &topic, code));
            }
        }
        // Creation is asynchronous in Kafka: wait until every partition has a leader, so the
        // topic is usable as soon as this returns.
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            match self.fetch_partitions(&spec.name).await {
                Ok(counts) if counts.led == spec.partitions => return Ok(()),
                Ok(_) | Err(LogError::UnknownTopic(_)) => {}
                Err(e) => return Err(e),
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(LogError::Broker(format!(
                    "topic '{}' was created but its {} partitions did not get leaders within {:?}",
                    spec.name, spec.partitions, self.timeout
                )));
            }
            tokio::time::sleep(CREATE_SETTLE_PAUSE).await;
        }
    }

    pub(crate) async fn delete(&self, topic: &str) -> LogResult<()> {
        let context = format!("deleting topic '{topic}'");
        let results = self
            .admin
            .delete_topics(&[topic], &self.admin_options())
            .await
            .map_err(|e| log_error(&context, Some(topic), &e))?;
        self.partition_counts.write().remove(topic);
        for result in results {
            if let Err((name, code)) = result {
                return Err(topic_error(&context, &name, code));
            }
        }
        Ok(())
    }

    /// Names of all topics but Kafka's internal ones, sorted, with their partition counts.
    pub(crate) async fn all(&self) -> LogResult<Vec<(String, u32)>> {
        let (metadata, timeout) = (self.metadata.clone(), self.timeout);
        let topics = tokio::task::spawn_blocking(move || {
            let m = metadata
                .fetch_metadata(None, timeout)
                .map_err(|e| log_error("listing topics", None, &e))?;
            Ok::<_, LogError>(
                m.topics()
                    .iter()
                    .filter(|t| t.error().is_none() && !INTERNAL_TOPICS.contains(&t.name()))
                    .map(|t| (t.name().to_string(), t.partitions().len() as u32))
                    .collect::<Vec<_>>(),
            )
        })
        .await
        .map_err(task_failed)??;
        let mut topics = topics;
        topics.sort();
        let mut counts = self.partition_counts.write();
        for (name, n) in &topics {
            counts.insert(name.clone(), *n);
        }
        Ok(topics)
    }

    /// The partition counts of `topic` from the brokers (the total goes into the cache).
    async fn fetch_partitions(&self, topic: &str) -> LogResult<PartitionCounts> {
        let (metadata, timeout, name) = (self.metadata.clone(), self.timeout, topic.to_string());
        let partitions = tokio::task::spawn_blocking(move || {
            let m = metadata
                .fetch_metadata(Some(&name), timeout)
                .map_err(|e| log_error("reading topic metadata", Some(&name), &e))?;
            let t = m
                .topics()
                .iter()
                .find(|t| t.name() == name)
                .ok_or_else(|| LogError::UnknownTopic(name.clone()))?;
            if let Some(e) = t.error() {
                return Err(topic_error(
                    "reading topic metadata",
                    &name,
                    RDKafkaErrorCode::from(e),
                ));
            }
            if t.partitions().is_empty() {
                return Err(LogError::UnknownTopic(name.clone()));
            }
            let led = t.partitions().iter().filter(|p| p.leader() >= 0).count();
            Ok::<_, LogError>(PartitionCounts {
                total: t.partitions().len() as u32,
                led: led as u32,
            })
        })
        .await
        .map_err(task_failed)??;
        self.partition_counts
            .write()
            .insert(topic.to_string(), partitions.total);
        Ok(partitions)
    }

    /// Checks that `topic` has `partition`, from the cache or else the brokers.
    pub(crate) async fn check_partition(&self, topic: &str, partition: u32) -> LogResult<()> {
        let cached = self.partition_counts.read().get(topic).copied();
        let partitions = match cached {
            Some(n) if partition < n => return Ok(()),
            // The topic may have grown since: ask again before refusing.
            _ => self.fetch_partitions(topic).await?.total,
        };
        if partition < partitions {
            Ok(())
        } else {
            Err(LogError::UnknownPartition {
                topic: topic.to_string(),
                partition,
                partitions,
            })
        }
    }

    /// Forgets a topic's cached partition count (after it was deleted elsewhere).
    pub(crate) fn forget(&self, topic: &str) {
        self.partition_counts.write().remove(topic);
    }

    /// Start and end offsets of one partition (Kafka's low and high watermarks).
    pub(crate) async fn offsets(&self, topic: &str, partition: u32) -> LogResult<PartitionOffsets> {
        let (metadata, timeout, name) = (self.metadata.clone(), self.timeout, topic.to_string());
        tokio::task::spawn_blocking(move || {
            let (start, end) = metadata
                .fetch_watermarks(&name, partition as i32, timeout)
                .map_err(|e| {
                    log_error(
                        &format!("reading the offsets of {name}/{partition}"),
                        Some(&name),
                        &e,
                    )
                })?;
            Ok(PartitionOffsets { start, end })
        })
        .await
        .map_err(task_failed)?
    }

    /// Kafka's ListOffsets by time: the first offset at or after `timestamp_ms`.
    pub(crate) async fn offset_for_timestamp(
        &self,
        topic: &str,
        partition: u32,
        timestamp_ms: i64,
    ) -> LogResult<Option<i64>> {
        let (metadata, timeout, name) = (self.metadata.clone(), self.timeout, topic.to_string());
        tokio::task::spawn_blocking(move || {
            let context = format!("looking up a time in {name}/{partition}");
            let mut query = TopicPartitionList::new();
            query
                .add_partition_offset(&name, partition as i32, Offset::Offset(timestamp_ms))
                .map_err(|e| log_error(&context, Some(&name), &e))?;
            let answer = metadata
                .offsets_for_times(query, timeout)
                .map_err(|e| log_error(&context, Some(&name), &e))?;
            let elem = answer
                .find_partition(&name, partition as i32)
                .ok_or_else(|| LogError::Broker(format!("{context}: no answer")))?;
            if let Err(e) = elem.error() {
                return Err(log_error(&context, Some(&name), &e));
            }
            Ok(match elem.offset() {
                Offset::Offset(o) if o >= 0 => Some(o),
                _ => None,
            })
        })
        .await
        .map_err(task_failed)?
    }

    /// A topic's partitions with their offsets, its replication and retention. Sizes and
    /// segment counts are not asked of the brokers (Kafka's DescribeLogDirs): they read 0.
    pub(crate) async fn describe(&self, topic: &str) -> LogResult<TopicDescription> {
        let (metadata, timeout, name) = (self.metadata.clone(), self.timeout, topic.to_string());
        let (partitions, replication) = tokio::task::spawn_blocking(move || {
            let m = metadata
                .fetch_metadata(Some(&name), timeout)
                .map_err(|e| log_error("describing a topic", Some(&name), &e))?;
            let t = m
                .topics()
                .iter()
                .find(|t| t.name() == name)
                .ok_or_else(|| LogError::UnknownTopic(name.clone()))?;
            if let Some(e) = t.error() {
                return Err(topic_error(
                    "describing a topic",
                    &name,
                    RDKafkaErrorCode::from(e),
                ));
            }
            if t.partitions().is_empty() {
                return Err(LogError::UnknownTopic(name.clone()));
            }
            let replication = t.partitions().first().map_or(1, |p| p.replicas().len());
            let mut ids: Vec<i32> = t.partitions().iter().map(|p| p.id()).collect();
            ids.sort_unstable();
            let mut partitions = Vec::with_capacity(ids.len());
            for id in ids {
                let (start, end) = metadata
                    .fetch_watermarks(&name, id, timeout)
                    .map_err(|e| log_error("describing a topic", Some(&name), &e))?;
                partitions.push(PartitionDescription {
                    partition: id as u32,
                    start_offset: start,
                    end_offset: end,
                    size_bytes: 0,
                    segments: 0,
                });
            }
            Ok::<_, LogError>((partitions, replication))
        })
        .await
        .map_err(task_failed)??;
        self.partition_counts
            .write()
            .insert(topic.to_string(), partitions.len() as u32);
        let (retention_ms, retention_bytes) = self.retention(topic).await;
        Ok(TopicDescription {
            name: topic.to_string(),
            replication: u16::try_from(replication).unwrap_or(u16::MAX),
            retention_ms,
            retention_bytes,
            partitions,
        })
    }

    /// `retention.ms` and `retention.bytes` of a topic; unknown (or unlimited) reads `None`.
    async fn retention(&self, topic: &str) -> (Option<i64>, Option<u64>) {
        let answer = self
            .admin
            .describe_configs([&ResourceSpecifier::Topic(topic)], &self.admin_options())
            .await;
        let resource = match answer.as_deref() {
            Ok([Ok(resource), ..]) => resource,
            Ok(other) => {
                tracing::debug!(topic, answer = ?other.first().map(|r| r.as_ref().err()), "no topic configs");
                return (None, None);
            }
            Err(e) => {
                tracing::debug!(topic, error = %e, "no topic configs");
                return (None, None);
            }
        };
        let value = |name: &str| {
            resource
                .get(name)
                .and_then(|e| e.value.as_deref())
                .and_then(|v| v.parse::<i64>().ok())
                .filter(|v| *v >= 0)
        };
        (
            value("retention.ms"),
            value("retention.bytes").map(|b| b as u64),
        )
    }
}

/// How many partitions a topic has, and how many of them have a leader (are usable).
struct PartitionCounts {
    total: u32,
    led: u32,
}

/// Whether `error` says a topic or partition does not exist.
pub(crate) fn is_unknown_topic(error: &KafkaError) -> bool {
    matches!(
        error.rdkafka_error_code(),
        Some(RDKafkaErrorCode::UnknownTopicOrPartition | RDKafkaErrorCode::UnknownTopic)
    )
}
