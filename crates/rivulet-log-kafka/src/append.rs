//! Appending: one idempotent producer (`enable.idempotence`, `acks=all`) shared by every
//! append of the log.
//!
//! What an append guarantees on Kafka:
//! - it returns only after the brokers acknowledged every record of it (all in-sync replicas
//!   with `acks=all`), or with the first error once every record has an outcome;
//! - the records of one append are enqueued back to back under a per-partition lock, and the
//!   idempotent producer keeps a partition's order without duplicates across its retries, so
//!   they get consecutive offsets and the returned base offset is the first record's;
//! - all-or-nothing holds per producer batch (Kafka writes a record batch atomically): an append
//!   that fits one batch (`batch.size`, `batch.num.messages`) is written whole or not at all; a
//!   larger one may be split, and a failure can leave a prefix in the log, which a retry then
//!   duplicates (at-least-once). Rivulet's producer tags are not kept on Kafka
//!   (`keeps_producer_tags` is false).
//!
//! This module owns the producer and the per-partition enqueue locks; it must not read.

use std::{collections::HashMap, sync::Arc, time::Duration};

use parking_lot::Mutex;
use rdkafka::{
    error::KafkaError,
    producer::{FutureProducer, FutureRecord, Producer},
    types::RDKafkaErrorCode,
};
use rivulet_log::{LogError, LogResult, Record};

use crate::{config::KafkaConfig, error::log_error, records::kafka_headers};

/// Pause before enqueueing again when the producer's local queue is full.
const QUEUE_FULL_PAUSE: Duration = Duration::from_millis(1);

/// One lock per partition, held while an append enqueues its records.
type EnqueueLocks = HashMap<(String, u32), Arc<tokio::sync::Mutex<()>>>;

/// The write side of the log.
pub(crate) struct Appender {
    producer: FutureProducer,
    enqueue_locks: Mutex<EnqueueLocks>,
    max_message_bytes: usize,
}

impl Appender {
    pub(crate) fn new(config: &KafkaConfig) -> LogResult<Self> {
        let max_message_bytes = 1_000_000;
        let producer = config
            .client_config()
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("max.in.flight.requests.per.connection", "5")
            .set("linger.ms", "1")
            .set("message.max.bytes", max_message_bytes.to_string())
            .set(
                "message.timeout.ms",
                (config.request_timeout.as_millis() * 2).to_string(),
            )
            .create()
            .map_err(|e| log_error("creating the Kafka producer", None, &e))?;
        Ok(Appender {
            producer,
            enqueue_locks: Mutex::new(HashMap::new()),
            max_message_bytes,
        })
    }

    fn enqueue_lock(&self, topic: &str, partition: u32) -> Arc<tokio::sync::Mutex<()>> {
        self.enqueue_locks
            .lock()
            .entry((topic.to_string(), partition))
            .or_default()
            .clone()
    }

    /// Forgets the locks of a deleted topic.
    pub(crate) fn forget(&self, topic: &str) {
        self.enqueue_locks.lock().retain(|(t, _), _| t != topic);
    }

    /// Appends `records` (not empty) to one partition; returns the first record's offset.
    pub(crate) async fn append(
        &self,
        topic: &str,
        partition: u32,
        records: &[Record],
    ) -> LogResult<i64> {
        let context = format!("appending to {topic}/{partition}");
        let lock = self.enqueue_lock(topic, partition);
        let mut deliveries = Vec::with_capacity(records.len());
        let mut enqueue_error = None;
        {
            let _enqueueing = lock.lock().await;
            'records: for record in records {
                let size = record.size_hint();
                if size > self.max_message_bytes {
                    enqueue_error = Some(LogError::RecordTooLarge {
                        size,
                        limit: self.max_message_bytes,
                    });
                    break;
                }
                let mut message = FutureRecord::<[u8], [u8]>::to(topic)
                    .partition(partition as i32)
                    .timestamp(record.timestamp);
                if let Some(key) = &record.key {
                    message = message.key(&key[..]);
                }
                if let Some(value) = &record.value {
                    message = message.payload(&value[..]);
                }
                if let Some(headers) = kafka_headers(&record.headers) {
                    message = message.headers(headers);
                }
                loop {
                    match self.producer.send_result(message) {
                        Ok(delivery) => {
                            deliveries.push(delivery);
                            break;
                        }
                        Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                            message = back;
                            tokio::time::sleep(QUEUE_FULL_PAUSE).await;
                        }
                        Err((e, _)) => {
                            enqueue_error = Some(log_error(&context, Some(topic), &e));
                            break 'records;
                        }
                    }
                }
            }
        }
        // Wait for every enqueued record, even after an error, so none is left unobserved.
        let mut base_offset = None;
        let mut first_error = None;
        for delivery in deliveries {
            match delivery.await {
                Ok(Ok(d)) => {
                    base_offset.get_or_insert(d.offset);
                }
                Ok(Err((e, _))) => {
                    first_error.get_or_insert_with(|| match e.rdkafka_error_code() {
                        Some(RDKafkaErrorCode::MessageSizeTooLarge) => LogError::RecordTooLarge {
                            size: records.iter().map(Record::size_hint).max().unwrap_or(0),
                            limit: self.max_message_bytes,
                        },
                        _ => log_error(&context, Some(topic), &e),
                    });
                }
                Err(_canceled) => {
                    first_error.get_or_insert(LogError::Closed);
                }
            }
        }
        match (enqueue_error.or(first_error), base_offset) {
            (Some(e), _) => Err(e),
            (None, Some(base)) => Ok(base),
            (None, None) => Err(LogError::Broker(format!(
                "{context}: nothing was delivered"
            ))),
        }
    }

    /// Waits until every enqueued record has an outcome.
    pub(crate) async fn flush(&self, timeout: Duration) {
        let producer = self.producer.clone();
        match tokio::task::spawn_blocking(move || producer.flush(timeout)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "the Kafka producer did not flush"),
            Err(e) => tracing::warn!(error = %e, "the Kafka producer flush did not run"),
        }
    }
}
