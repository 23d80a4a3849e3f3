//! Reading: pools of assigned consumers, one pool per partition, each consumer (a "reader")
//! positioned where its last caller stopped, so sequential reads continue the consumer's
//! prefetch instead of seeking. No group membership and no rebalancing: readers `assign`.
//!
//! `read` returns at once when nothing is buffered and the partition's high watermark says
//! nothing is past the offset; otherwise it waits (bounded) for the fetch in flight.
//! `wait_for_data` long-polls the reader itself (a Kafka fetch, not the reported end offset,
//! which a broker such as tansu can report short by one producer batch), keeping what it
//! receives for the next read.
//!
//! This module owns the readers; it must not produce, create topics or commit offsets.

use std::{
    collections::{HashMap, VecDeque},
    sync::Arc,
    time::{Duration, Instant},
};

use futures::{FutureExt, StreamExt};
use parking_lot::Mutex;
use rdkafka::{
    consumer::{Consumer, StreamConsumer},
    error::KafkaError,
    ClientConfig, Offset, TopicPartitionList,
};
use rivulet_log::{LogError, LogResult, LoggedRecord, ReadBatch, ReadLimits};
use tokio::sync::OwnedMutexGuard;

use crate::{
    config::KafkaConfig,
    error::log_error,
    records::logged,
    topics::{is_unknown_topic, Topics},
};

/// Readers kept per partition at most; more concurrent callers wait for one.
const READERS_PER_PARTITION: usize = 8;
/// A reader unused this long is closed when its partition is next read.
const READER_IDLE: Duration = Duration::from_secs(120);
/// Longest a read waits for records the high watermark says exist but no fetch brought yet.
const FETCH_WAIT: Duration = Duration::from_secs(2);
/// A reader moved to offset `o` fetches from `o - SEEK_BACK` and skips what is before `o`: a
/// broker such as tansu answers a fetch from the middle of a record batch with the next batch,
/// so the fetch has to start at or before the batch holding `o`.
const SEEK_BACK: i64 = 1000;

/// Where a reader was moved to, until its first record shows the fetch started early enough.
#[derive(Debug, Clone, Copy)]
struct Seek {
    target: i64,
    fetch_start: i64,
}

/// One assigned consumer on one partition.
struct Reader {
    consumer: StreamConsumer,
    topic: String,
    partition: u32,
    /// The offset the next read from this reader is expected at.
    position: i64,
    /// Records received (by a wait or beyond a read's limits) and not yet returned.
    pending: VecDeque<LoggedRecord>,
    /// Set by a seek until its first record arrives.
    seek: Option<Seek>,
    /// The last watermarks seen (-1 until known).
    low: i64,
    high: i64,
    last_used: Instant,
}

impl Reader {
    /// Points the consumer at `offset` (fetching from a little before it, see [`SEEK_BACK`]),
    /// dropping whatever it had fetched.
    fn seek(&mut self, offset: i64) -> LogResult<()> {
        let fetch_start = (offset - SEEK_BACK).max(0);
        assign(&self.consumer, &self.topic, self.partition, fetch_start)?;
        self.seek = Some(Seek {
            target: offset,
            fetch_start,
        });
        self.pending.clear();
        self.position = offset;
        Ok(())
    }

    /// Moves what the consumer has already received into `pending`, without waiting.
    fn drain_received(&mut self, from: i64, limit: usize) -> LogResult<()> {
        let Reader {
            consumer,
            pending,
            topic,
            partition,
            seek,
            ..
        } = self;
        let mut stream = consumer.stream();
        while pending.len() < limit {
            match stream.next().now_or_never() {
                Some(Some(Ok(message))) => {
                    let record = logged(&message);
                    if !fetched_from_early_enough(consumer, topic, *partition, seek, &record)? {
                        continue;
                    }
                    // Records before `from`: fetched from before a seek's target, or after an
                    // out-of-range reset to the log start.
                    if record.offset >= from {
                        pending.push_back(record);
                    }
                }
                Some(Some(Err(e))) => consumer_error(topic, &e)?,
                Some(None) | None => break,
            }
        }
        Ok(())
    }

    /// Waits up to `timeout` for one record at or after `from` into `pending`; returns whether
    /// one came.
    async fn receive(&mut self, from: i64, timeout: Duration) -> LogResult<bool> {
        let deadline = tokio::time::Instant::now() + timeout;
        let Reader {
            consumer,
            pending,
            topic,
            partition,
            seek,
            ..
        } = self;
        let mut stream = consumer.stream();
        loop {
            match tokio::time::timeout_at(deadline, stream.next()).await {
                Err(_elapsed) => return Ok(false),
                Ok(Some(Ok(message))) => {
                    let record = logged(&message);
                    if !fetched_from_early_enough(consumer, topic, *partition, seek, &record)? {
                        continue;
                    }
                    if record.offset >= from {
                        pending.push_back(record);
                        return Ok(true);
                    }
                }
                Ok(Some(Err(e))) => consumer_error(topic, &e)?,
                Ok(None) => return Ok(false),
            }
        }
    }

    /// Takes records from `pending` within `limits` (at least one if any).
    fn take(&mut self, limits: ReadLimits) -> Vec<LoggedRecord> {
        let mut out = Vec::new();
        let mut bytes = 0;
        while let Some(next) = self.pending.front() {
            let size = next.record.size_hint();
            if !out.is_empty()
                && (out.len() >= limits.max_records || bytes + size > limits.max_bytes)
            {
                break;
            }
            bytes += size;
            out.extend(self.pending.pop_front());
        }
        out
    }
}

/// Assigns `consumer` to `topic`/`partition` from `offset`.
fn assign(consumer: &StreamConsumer, topic: &str, partition: u32, offset: i64) -> LogResult<()> {
    let context = format!("positioning a reader on {topic}/{partition}");
    let mut assignment = TopicPartitionList::new();
    assignment
        .add_partition_offset(topic, partition as i32, Offset::Offset(offset))
        .map_err(|e| log_error(&context, Some(topic), &e))?;
    consumer
        .assign(&assignment)
        .map_err(|e| log_error(&context, Some(topic), &e))
}

/// Whether `record`, received after a seek, shows that the fetch started at or before the
/// batch holding the seek's target: it does if its offset is not past the target (or the fetch
/// already starts at 0). Otherwise the batch holding the target was skipped: the reader moves
/// its fetch start back twice as far and the record is dropped (it comes again).
fn fetched_from_early_enough(
    consumer: &StreamConsumer,
    topic: &str,
    partition: u32,
    seek: &mut Option<Seek>,
    record: &LoggedRecord,
) -> LogResult<bool> {
    let Some(s) = *seek else {
        return Ok(true);
    };
    if record.offset <= s.target || s.fetch_start == 0 {
        *seek = None;
        return Ok(true);
    }
    let back = (s.target - s.fetch_start).max(1).saturating_mul(2);
    let fetch_start = (s.target - back).max(0);
    assign(consumer, topic, partition, fetch_start)?;
    *seek = Some(Seek {
        target: s.target,
        fetch_start,
    });
    Ok(false)
}

/// A consumer error: an unknown topic fails the call; anything else (a broker that went away,
/// a transient fetch error) is logged, and librdkafka retries on its own.
fn consumer_error(topic: &str, error: &KafkaError) -> LogResult<()> {
    if is_unknown_topic(error) {
        return Err(LogError::UnknownTopic(topic.to_string()));
    }
    tracing::warn!(topic, error = %error, "Kafka fetch error (retrying)");
    Ok(())
}

type Pool = Vec<Arc<tokio::sync::Mutex<Reader>>>;

/// The read side of the log.
pub(crate) struct Readers {
    config: ClientConfig,
    pools: Mutex<HashMap<(String, u32), Pool>>,
}

impl Readers {
    pub(crate) fn new(config: &KafkaConfig) -> Self {
        let mut reader_config = config.client_config();
        reader_config
            // librdkafka wants a group to `assign`; readers never join it nor commit to it.
            .set("group.id", "_rivulet-reader")
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("enable.partition.eof", "false")
            .set("auto.offset.reset", "earliest")
            // The broker holds an empty fetch this long: the latency of a wake-up on brokers
            // that do not answer a waiting fetch as soon as data arrives.
            .set("fetch.wait.max.ms", "100")
            .set("queued.max.messages.kbytes", "16384");
        Readers {
            config: reader_config,
            pools: Mutex::new(HashMap::new()),
        }
    }

    /// Closes the readers of a deleted topic (those not in use now; the others fail on their
    /// next fetch).
    pub(crate) fn forget(&self, topic: &str) {
        self.pools.lock().retain(|(t, _), _| t != topic);
    }

    /// A reader of `topic`/`partition` at `offset`: an idle one already there, else an idle
    /// one moved there, else a new one (or, at the cap, the first one when it is free).
    async fn acquire(
        &self,
        topic: &str,
        partition: u32,
        offset: i64,
    ) -> LogResult<OwnedMutexGuard<Reader>> {
        let busy = {
            let mut pools = self.pools.lock();
            let pool = pools.entry((topic.to_string(), partition)).or_default();
            pool.retain(|r| {
                r.try_lock()
                    .map_or(true, |reader| reader.last_used.elapsed() < READER_IDLE)
            });
            let idle: Vec<_> = pool
                .iter()
                .filter_map(|r| r.clone().try_lock_owned().ok())
                .collect();
            let (mut there, mut elsewhere): (Vec<_>, Vec<_>) =
                idle.into_iter().partition(|r| r.position == offset);
            if let Some(reader) = there.pop() {
                return Ok(reader);
            }
            if let Some(mut reader) = elsewhere.pop() {
                reader.seek(offset)?;
                return Ok(reader);
            }
            if pool.len() < READERS_PER_PARTITION {
                let reader = Arc::new(tokio::sync::Mutex::new(
                    self.open(topic, partition, offset)?,
                ));
                pool.push(reader.clone());
                return reader
                    .try_lock_owned()
                    .map_err(|_| LogError::Broker("a new reader was taken".into()));
            }
            pool[0].clone()
        };
        let mut reader = busy.lock_owned().await;
        if reader.position != offset {
            reader.seek(offset)?;
        }
        Ok(reader)
    }

    fn open(&self, topic: &str, partition: u32, offset: i64) -> LogResult<Reader> {
        let consumer: StreamConsumer = self
            .config
            .create()
            .map_err(|e| log_error("creating a Kafka reader", Some(topic), &e))?;
        let mut reader = Reader {
            consumer,
            topic: topic.to_string(),
            partition,
            position: offset,
            pending: VecDeque::new(),
            seek: None,
            low: -1,
            high: -1,
            last_used: Instant::now(),
        };
        reader.seek(offset)?;
        Ok(reader)
    }

    /// [`rivulet_log::Log::read`] on a partition known to exist.
    pub(crate) async fn read(
        &self,
        topics: &Topics,
        topic: &str,
        partition: u32,
        offset: i64,
        limits: ReadLimits,
    ) -> LogResult<ReadBatch> {
        let mut reader = self.acquire(topic, partition, offset).await?;
        reader.last_used = Instant::now();
        let limit = limits.max_records.max(1);
        reader.drain_received(offset, limit)?;
        if reader.pending.is_empty() {
            let offsets = topics.offsets(topic, partition).await?;
            reader.low = offsets.start;
            reader.high = offsets.end;
            if offsets.end > offset.max(offsets.start) {
                // Records exist past the offset: wait for the fetch bringing them.
                if reader.receive(offset, FETCH_WAIT).await? {
                    reader.drain_received(offset, limit)?;
                }
            }
        }
        let records = reader.take(limits);
        let next_offset = match records.last() {
            Some(last) => last.offset + 1,
            None => offset.max(reader.low),
        };
        reader.position = next_offset;
        Ok(ReadBatch {
            high_watermark: reader.high.max(next_offset),
            log_start_offset: reader.low.max(0),
            records,
            next_offset,
        })
    }

    /// [`rivulet_log::Log::wait_for_data`] on a partition known to exist.
    pub(crate) async fn wait_for_data(
        &self,
        topic: &str,
        partition: u32,
        offset: i64,
        timeout: Duration,
    ) -> LogResult<bool> {
        let mut reader = self.acquire(topic, partition, offset).await?;
        reader.last_used = Instant::now();
        if !reader.pending.is_empty() {
            return Ok(true);
        }
        let arrived = reader.receive(offset, timeout).await?;
        reader.last_used = Instant::now();
        Ok(arrived)
    }
}
