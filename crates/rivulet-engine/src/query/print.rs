//! PRINT: the raw records of a topic as ksqlDB's text lines, for `/query` and `/query-stream`.
//!
//! The topic name is matched exactly (Kafka topic names are case-sensitive, and the parser keeps
//! an unquoted name as written); a missing topic fails with the topics whose names differ only
//! in case as suggestions, as ksqlDB does. One task per partition reads from the end (or from
//! the start with `FROM BEGINNING`) and hands its batches to the client's [`PrintQuery`], which
//! formats them ([`super::record_formatter`]), keeps every n-th record (`INTERVAL n` / `SAMPLE
//! n`, counted over all partitions) and stops after `LIMIT n` printed records. Before the
//! records of a batch come the `Key format: …` / `Value format: …` lines whenever the guessed
//! formats changed (so always first).
//!
//! This module owns reading and counting. It must not decide the text of a record (the
//! formatter does) nor how lines are framed on the wire (the server's query routes do).

use std::{sync::Arc, time::Duration};

use rivulet_core::LoggedRecord;
use rivulet_log::{Log, LogError, ReadLimits};
use rivulet_sql::PrintTopic;
use tokio::{sync::mpsc, task::JoinHandle};

use super::record_formatter::{FormatsTracker, RecordFormatter};
use crate::error::{EngineError, BAD_REQUEST};

/// Batches the readers may queue before the client takes them.
const QUEUED_BATCHES: usize = 16;

/// A running PRINT, as its client sees it.
pub struct PrintQuery {
    pub topic: String,
    batches: mpsc::Receiver<(u32, Vec<LoggedRecord>)>,
    tasks: Vec<JoinHandle<()>>,
    formatter: RecordFormatter,
    tracker: FormatsTracker,
    interval: u64,
    limit: Option<u64>,
    /// Records read so far (for INTERVAL).
    polled: u64,
    /// Records printed so far (for LIMIT).
    written: u64,
}

impl PrintQuery {
    /// The next lines (format lines, then records), without line ends; `None` once the LIMIT
    /// was reached or the topic can no longer be read.
    pub async fn next(&mut self) -> Option<Vec<String>> {
        loop {
            if self.limit_reached() {
                return None;
            }
            let (partition, records) = self.batches.recv().await?;
            let lines = self.print_batch(partition, &records);
            if !lines.is_empty() {
                return Some(lines);
            }
        }
    }

    /// Whether the LIMIT was reached.
    pub fn limit_reached(&self) -> bool {
        self.limit.is_some_and(|l| self.written >= l)
    }

    fn print_batch(&mut self, partition: u32, records: &[LoggedRecord]) -> Vec<String> {
        if records.is_empty() {
            return Vec::new();
        }
        let formatted = self.formatter.format(partition, records);
        let mut printed = Vec::new();
        for line in formatted {
            let keep = self.polled.is_multiple_of(self.interval);
            self.polled += 1;
            if keep {
                self.written += 1;
                printed.push(line);
            }
            if self.limit_reached() {
                break;
            }
        }
        let mut lines = self.tracker.update(&self.formatter);
        lines.extend(printed);
        lines
    }
}

impl Drop for PrintQuery {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// The error for a topic that does not exist, naming the topics that differ only in case.
fn missing_topic(topic: &str, existing: &[String]) -> EngineError {
    let mut message = format!("Topic does not exist: {topic}. Topic names are case-sensitive.");
    let alternatives: Vec<&String> = existing
        .iter()
        .filter(|t| t.eq_ignore_ascii_case(topic))
        .collect();
    if !alternatives.is_empty() {
        message.push_str("\nDid you mean:");
        for t in alternatives {
            message.push_str(&format!("\n\tprint '{t}';"));
        }
    }
    EngineError::new(BAD_REQUEST, message)
}

/// Starts printing `print.topic`.
pub async fn start(log: Arc<dyn Log>, print: &PrintTopic) -> Result<PrintQuery, EngineError> {
    let interval = u64::from(print.interval.unwrap_or(1));
    if interval < 1 {
        return Err(EngineError::statement(format!(
            "INTERVAL must be greater than one, but was: {interval}"
        )));
    }
    let description = match log.describe_topic(&print.topic).await {
        Ok(d) => d,
        Err(LogError::UnknownTopic(_)) | Err(LogError::InvalidTopicName(_)) => {
            let existing = log.list_topics().await.unwrap_or_default();
            return Err(missing_topic(&print.topic, &existing));
        }
        Err(e) => return Err(e.into()),
    };
    let (tx, rx) = mpsc::channel(QUEUED_BATCHES);
    let tasks = description
        .partitions
        .iter()
        .map(|p| {
            let reader = PartitionReader {
                log: log.clone(),
                topic: description.name.clone(),
                partition: p.partition,
                tx: tx.clone(),
            };
            let from = if print.from_beginning {
                p.start_offset
            } else {
                p.end_offset
            };
            tokio::spawn(reader.run(from))
        })
        .collect();
    Ok(PrintQuery {
        topic: description.name,
        batches: rx,
        tasks,
        formatter: RecordFormatter::default(),
        tracker: FormatsTracker::default(),
        interval,
        limit: print.limit.map(u64::from),
        polled: 0,
        written: 0,
    })
}

struct PartitionReader {
    log: Arc<dyn Log>,
    topic: String,
    partition: u32,
    tx: mpsc::Sender<(u32, Vec<LoggedRecord>)>,
}

impl PartitionReader {
    async fn run(self, mut offset: i64) {
        let limits = ReadLimits {
            max_records: 500,
            max_bytes: 1 << 20,
        };
        loop {
            let batch = match self
                .log
                .read(&self.topic, self.partition, offset, limits)
                .await
            {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(topic = %self.topic, partition = self.partition, error = %e, "PRINT stopped reading");
                    return;
                }
            };
            offset = batch.next_offset;
            if batch.records.is_empty() {
                tokio::select! {
                    _ = self.tx.closed() => return,
                    waited = self.log.wait_for_data(&self.topic, self.partition, offset, Duration::from_secs(30)) => {
                        if waited.is_err() {
                            return;
                        }
                    }
                }
                continue;
            }
            if self.tx.send((self.partition, batch.records)).await.is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_topic_suggests_the_names_that_differ_in_case() {
        let e = missing_topic("Locations", &["locations".into(), "other".into()]);
        assert_eq!(e.code, BAD_REQUEST);
        assert_eq!(
            e.message,
            "Topic does not exist: Locations. Topic names are case-sensitive.\nDid you mean:\n\tprint 'locations';"
        );
        let e = missing_topic("nope", &["locations".into()]);
        assert_eq!(
            e.message,
            "Topic does not exist: nope. Topic names are case-sensitive."
        );
    }
}
