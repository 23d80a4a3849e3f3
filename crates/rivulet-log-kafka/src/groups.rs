//! Consumer-group offsets through Kafka's group coordinator: `commit_offsets` is an
//! OffsetCommit for the group (a consumer with that `group.id` that never joins the group, so
//! nothing rebalances), `committed_offsets` an OffsetFetch over every partition of every topic.
//!
//! This module owns one such client per group; it must not read records.

use std::{collections::HashMap, sync::Arc, time::Duration};

use parking_lot::Mutex;
use rdkafka::{
    consumer::{BaseConsumer, CommitMode, Consumer},
    ClientConfig, Offset, TopicPartitionList,
};
use rivulet_log::{CommittedOffset, LogError, LogResult};

use crate::{
    config::KafkaConfig,
    error::{log_error, task_failed},
};

/// The group side of the log.
pub(crate) struct Groups {
    config: ClientConfig,
    clients: Mutex<HashMap<String, Arc<BaseConsumer>>>,
    timeout: Duration,
}

impl Groups {
    pub(crate) fn new(config: &KafkaConfig) -> Self {
        let mut group_config = config.client_config();
        group_config
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false");
        Groups {
            config: group_config,
            clients: Mutex::new(HashMap::new()),
            timeout: config.request_timeout,
        }
    }

    fn client(&self, group: &str) -> LogResult<Arc<BaseConsumer>> {
        if group.is_empty() {
            return Err(LogError::InvalidArgument(
                "a consumer group needs a name".into(),
            ));
        }
        let mut clients = self.clients.lock();
        if let Some(client) = clients.get(group) {
            return Ok(client.clone());
        }
        let client: BaseConsumer = self
            .config
            .clone()
            .set("group.id", group)
            .create()
            .map_err(|e| log_error(&format!("creating a client for group '{group}'"), None, &e))?;
        let client = Arc::new(client);
        clients.insert(group.to_string(), client.clone());
        Ok(client)
    }

    /// Commits `offsets` (partitions known to exist, offsets not negative) for `group`.
    pub(crate) async fn commit(&self, group: &str, offsets: &[CommittedOffset]) -> LogResult<()> {
        if offsets.is_empty() {
            return Ok(());
        }
        let client = self.client(group)?;
        let context = format!("committing offsets of group '{group}'");
        let mut list = TopicPartitionList::with_capacity(offsets.len());
        for o in offsets {
            list.add_partition_offset(&o.topic, o.partition as i32, Offset::Offset(o.offset))
                .map_err(|e| log_error(&context, Some(&o.topic), &e))?;
        }
        tokio::task::spawn_blocking(move || {
            client
                .commit(&list, CommitMode::Sync)
                .map_err(|e| log_error(&context, None, &e))
        })
        .await
        .map_err(task_failed)?
    }

    /// `group`'s committed offsets among `partitions` (topic, partition count).
    pub(crate) async fn committed(
        &self,
        group: &str,
        partitions: &[(String, u32)],
    ) -> LogResult<Vec<CommittedOffset>> {
        let client = self.client(group)?;
        let context = format!("reading the committed offsets of group '{group}'");
        let mut list = TopicPartitionList::new();
        for (topic, count) in partitions {
            for p in 0..*count {
                list.add_partition(topic, p as i32);
            }
        }
        if list.count() == 0 {
            return Ok(Vec::new());
        }
        let timeout = self.timeout;
        let answer = tokio::task::spawn_blocking(move || {
            client
                .committed_offsets(list, timeout)
                .map_err(|e| log_error(&context, None, &e))
        })
        .await
        .map_err(task_failed)??;
        let mut out: Vec<CommittedOffset> = answer
            .elements()
            .iter()
            .filter_map(|e| match e.offset() {
                Offset::Offset(o) if o >= 0 && e.error().is_ok() => Some(CommittedOffset {
                    topic: e.topic().to_string(),
                    partition: e.partition() as u32,
                    offset: o,
                }),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        Ok(out)
    }
}
