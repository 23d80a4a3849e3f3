//! The processing log: where records that fail inside a query go, as ksqlDB's
//! `KSQL_PROCESSING_LOG` stream has them, so users can query the failures like any stream.
//!
//! This module owns the entry format (ksqlDB's processing-log message: `logger`, `level`, `time`,
//! `message` with a `type` and one error sub-structure), the topic
//! `<service id>ksql_processing_log` (one partition) and the stream declared over it, and the
//! writer task that appends entries in batches. Queries hand entries over with
//! [`ProcessingLog::log`], which never waits: when the writer falls behind by more than
//! [`QUEUE_ENTRIES`], further entries are dropped and counted (a query must never slow down
//! because its failures are being written). It must not decide what counts as a failure: the
//! query runners do.
//!
//! Rivulet adds `partition` and `offset` (beside ksqlDB's `topic`) to the deserialization and
//! record-processing errors, so a failed record can be found in its topic.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Weak,
    },
    time::{SystemTime, UNIX_EPOCH},
};

use bytes::Bytes;
use rivulet_core::Record;
use rivulet_log::{Log, LogError, TopicSpec};
use serde_json::{json, Value};
use tokio::sync::mpsc;

/// Entries waiting for the writer, at most; more are dropped and counted.
pub const QUEUE_ENTRIES: usize = 65_536;

/// The name of the processing-log stream.
pub const STREAM_NAME: &str = "KSQL_PROCESSING_LOG";

/// What failed, as ksqlDB's `message.type` numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 0: the key or value could not be decoded.
    Deserialization { target: Target },
    /// 1: an expression failed on a decoded row.
    RecordProcessing,
    /// 2: the output could not be written.
    Production,
    /// 3: the key or value could not be encoded.
    Serialization { target: Target },
}

/// Which half of a record failed to (de)serialize.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Key,
    Value,
}

impl Target {
    fn as_str(self) -> &'static str {
        match self {
            Target::Key => "key",
            Target::Value => "value",
        }
    }
}

/// A key or value that failed to decode or encode.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{error}")]
pub struct FormatFailure {
    pub target: Target,
    pub error: rivulet_format::FormatError,
}

impl FormatFailure {
    /// A failure of the key.
    pub fn key(error: rivulet_format::FormatError) -> FormatFailure {
        FormatFailure {
            target: Target::Key,
            error,
        }
    }

    /// A failure of the value.
    pub fn value(error: rivulet_format::FormatError) -> FormatFailure {
        FormatFailure {
            target: Target::Value,
            error,
        }
    }
}

/// One failure, as a query reports it.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The query's id (`CSAS_…`, `transient_…`).
    pub query_id: String,
    /// The step that failed (`deserializer`, `filter`, `project`, `serializer`, `producer`).
    pub step: &'static str,
    pub kind: ErrorKind,
    pub message: String,
    /// Where the input record is.
    pub topic: String,
    pub partition: u32,
    pub offset: i64,
}

impl Failure {
    /// A write to `sink_topic` that failed (a PRODUCTION_ERROR: the query stops).
    pub fn production(
        query_id: &str,
        step: &'static str,
        message: &str,
        sink_topic: &str,
        partition: u32,
    ) -> Failure {
        Failure {
            query_id: query_id.to_string(),
            step,
            kind: ErrorKind::Production,
            message: message.to_string(),
            topic: sink_topic.to_string(),
            partition,
            offset: -1,
        }
    }

    /// The entry's JSON value, with ksqlDB's field names.
    pub fn to_json(&self, time_ms: i64) -> Value {
        let cause: Vec<Value> = Vec::new();
        let mut message = json!({
            "type": 0,
            "deserializationError": null,
            "recordProcessingError": null,
            "productionError": null,
            "serializationError": null,
            "kafkaStreamsThreadError": null,
        });
        match self.kind {
            ErrorKind::Deserialization { target } => {
                message["type"] = json!(0);
                message["deserializationError"] = json!({
                    "target": target.as_str(),
                    "errorMessage": self.message,
                    "recordB64": null,
                    "cause": cause,
                    "topic": self.topic,
                    "partition": self.partition,
                    "offset": self.offset,
                });
            }
            ErrorKind::RecordProcessing => {
                message["type"] = json!(1);
                message["recordProcessingError"] = json!({
                    "errorMessage": self.message,
                    "record": null,
                    "cause": cause,
                    "topic": self.topic,
                    "partition": self.partition,
                    "offset": self.offset,
                });
            }
            ErrorKind::Production => {
                message["type"] = json!(2);
                message["productionError"] = json!({"errorMessage": self.message});
            }
            ErrorKind::Serialization { target } => {
                message["type"] = json!(3);
                message["serializationError"] = json!({
                    "target": target.as_str(),
                    "errorMessage": self.message,
                    "record": null,
                    "cause": cause,
                    "topic": self.topic,
                });
            }
        }
        json!({
            "level": "ERROR",
            "logger": format!("processing.{}.{}", self.query_id, self.step),
            "time": time_ms,
            "message": message,
        })
    }
}

/// The topic of the processing log for a service id (ksqlDB: `default_ksql_processing_log`).
pub fn topic_name(service_id: &str) -> String {
    format!("{service_id}ksql_processing_log")
}

/// The statement declaring the processing-log stream over `topic`.
pub fn create_statement(topic: &str) -> String {
    format!(
        "CREATE STREAM {STREAM_NAME} (LOGGER STRING, LEVEL STRING, `TIME` BIGINT, MESSAGE STRUCT<\
`TYPE` INT, \
DESERIALIZATIONERROR STRUCT<TARGET STRING, ERRORMESSAGE STRING, RECORDB64 STRING, CAUSE ARRAY<STRING>, `TOPIC` STRING, `PARTITION` INT, `OFFSET` BIGINT>, \
RECORDPROCESSINGERROR STRUCT<ERRORMESSAGE STRING, RECORD STRING, CAUSE ARRAY<STRING>, `TOPIC` STRING, `PARTITION` INT, `OFFSET` BIGINT>, \
PRODUCTIONERROR STRUCT<ERRORMESSAGE STRING>, \
SERIALIZATIONERROR STRUCT<TARGET STRING, ERRORMESSAGE STRING, RECORD STRING, CAUSE ARRAY<STRING>, `TOPIC` STRING>, \
KAFKASTREAMSTHREADERROR STRUCT<ERRORMESSAGE STRING, THREADNAME STRING, CAUSE ARRAY<STRING>>>) \
WITH (KAFKA_TOPIC='{topic}', VALUE_FORMAT='JSON');"
    )
}

/// Counters of the processing log.
#[derive(Debug, Default)]
pub struct ProcessingLogStats {
    /// Entries appended to the topic.
    pub written: AtomicU64,
    /// Entries dropped because the writer was behind or the topic could not be written.
    pub dropped: AtomicU64,
}

/// The handle queries log failures through; cheap to clone.
#[derive(Clone)]
pub struct ProcessingLog {
    tx: Option<mpsc::Sender<Failure>>,
    stats: Arc<ProcessingLogStats>,
}

impl ProcessingLog {
    /// A processing log that only counts (for runners started without an engine).
    pub fn disabled() -> ProcessingLog {
        ProcessingLog {
            tx: None,
            stats: Arc::new(ProcessingLogStats::default()),
        }
    }

    /// Creates the topic if it is missing and starts the writer task.
    pub async fn start(log: Arc<dyn Log>, topic: &str) -> Result<ProcessingLog, LogError> {
        match log.create_topic(TopicSpec::new(topic, 1)).await {
            Ok(_) | Err(LogError::TopicExists(_)) => {}
            Err(e) => return Err(e),
        }
        let (tx, rx) = mpsc::channel(QUEUE_ENTRIES);
        let stats = Arc::new(ProcessingLogStats::default());
        // The writer holds the log weakly: it must not keep a closed engine's log (and its
        // data-directory lock) alive until the task notices its channel closed.
        tokio::spawn(write_entries(
            Arc::downgrade(&log),
            topic.to_string(),
            rx,
            stats.clone(),
        ));
        Ok(ProcessingLog {
            tx: Some(tx),
            stats,
        })
    }

    /// Hands a failure to the writer; never waits.
    pub fn log(&self, failure: Failure) {
        tracing::debug!(query = %failure.query_id, step = failure.step, topic = %failure.topic,
            partition = failure.partition, offset = failure.offset, message = %failure.message,
            "record failed in a query");
        let sent = self
            .tx
            .as_ref()
            .is_some_and(|tx| tx.try_send(failure).is_ok());
        if !sent {
            self.stats.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn stats(&self) -> &ProcessingLogStats {
        &self.stats
    }
}

async fn write_entries(
    log: Weak<dyn Log>,
    topic: String,
    mut rx: mpsc::Receiver<Failure>,
    stats: Arc<ProcessingLogStats>,
) {
    let mut batch = Vec::with_capacity(1024);
    loop {
        batch.clear();
        if rx.recv_many(&mut batch, 1024).await == 0 {
            return;
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let records: Vec<Record> = batch
            .iter()
            .map(|f| {
                let value = f.to_json(now).to_string();
                Record::new(None, Some(Bytes::from(value)), now)
            })
            .collect();
        let n = records.len() as u64;
        let Some(log) = log.upgrade() else {
            return;
        };
        match log.append(&topic, 0, records).await {
            Ok(_) => {
                stats.written.fetch_add(n, Ordering::Relaxed);
            }
            Err(LogError::Closed) => return,
            Err(e) => {
                stats.dropped.fetch_add(n, Ordering::Relaxed);
                tracing::warn!(topic = %topic, error = %e, "could not write to the processing log");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_have_ksqldb_shape_with_position() {
        let f = Failure {
            query_id: "CSAS_X_1".into(),
            step: "deserializer",
            kind: ErrorKind::Deserialization {
                target: Target::Value,
            },
            message: "bad json".into(),
            topic: "t".into(),
            partition: 2,
            offset: 41,
        };
        let v = f.to_json(5);
        assert_eq!(v["logger"], "processing.CSAS_X_1.deserializer");
        assert_eq!(v["level"], "ERROR");
        assert_eq!(v["time"], 5);
        assert_eq!(v["message"]["type"], 0);
        let d = &v["message"]["deserializationError"];
        assert_eq!(d["target"], "value");
        assert_eq!(d["errorMessage"], "bad json");
        assert_eq!(
            (
                d["topic"].clone(),
                d["partition"].clone(),
                d["offset"].clone()
            ),
            (json!("t"), json!(2), json!(41))
        );
        assert!(v["message"]["recordProcessingError"].is_null());
    }

    #[test]
    fn the_stream_statement_parses() {
        let sql = create_statement("default_ksql_processing_log");
        rivulet_sql::parse_statement(&sql).expect("the processing-log stream parses");
    }
}
