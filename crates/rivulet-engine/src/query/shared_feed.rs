//! Encoded feeds of a shared push query: the rows of one running query formatted ONCE into the
//! bytes viewers receive (an SSE event, say) by a caller's encoder, batched at a pace a viewer
//! can use, and fanned out to every subscriber as shared [`Bytes`] — no per-viewer formatting or
//! copying.
//!
//! It owns the pacing and the per-subscriber queue, not the format (the encoder's) nor HTTP:
//!
//! * **Batches.** A batch goes out as soon as a row arrives, unless the previous one went out
//!   less than [`FeedPolicy::interval`] ago or the feed has used its batch budget; then the rows
//!   that arrive meanwhile go out together. The budget is a bucket of a few batches refilled at
//!   [`FeedPolicy::deliveries_per_second`] ÷ viewers a second, so one viewer gets every row at
//!   once (sub-millisecond latency at a thousand rows a second) while a hundred viewers of a
//!   fast stream share a bounded number of writes per second. At a trickle a row is never held
//!   back.
//! * **Coalescing.** A batch carries at most [`FeedPolicy::max_rows`] rows, and the feed sends at
//!   most [`FeedPolicy::rows_per_second`] rows a second over all its viewers together (a token
//!   bucket holding one second of that budget, shared out by the viewers: one viewer of a phone
//!   stream gets every row, bursts included; a hundred viewers of a stream of 100,000 rows a
//!   second get a selection of it). When more arrived
//!   since the last batch, an evenly spaced selection of them, always ending with the newest, is
//!   encoded and the others are left out (counted per subscriber as *coalesced*). Only the kept
//!   rows are encoded, once for all subscribers.
//! * **Bounded queue per subscriber, drop oldest.** Each subscriber has at most
//!   [`FeedPolicy::queue_batches`] batches waiting (one ring shared by all, a cursor each). The
//!   producer never waits for a subscriber: one that falls further behind loses its oldest
//!   batches and the rows in them are counted as *lagged* for it alone. Neither the query, the
//!   feed nor the other subscribers slow down, and ingest never waits on the query.
//!
//! Subscribers of the same feed name on the same shared query share one feed; the feed stops
//! when its last subscriber goes (and the shared query with it when nobody else watches).

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use bytes::{Bytes, BytesMut};
use rivulet_core::{Schema, Value};
use tokio::{
    sync::broadcast::{self, error::RecvError, error::TryRecvError},
    task::JoinHandle,
    time::Instant,
};

use super::shared::SharedHandle;

/// Formats one row as the bytes a viewer receives. Called once per kept row, for all viewers.
pub type Encode = fn(&Schema, &[Value]) -> Bytes;

/// How a feed paces, coalesces and queues its batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedPolicy {
    /// Shortest time between two batches, whatever the number of viewers.
    pub interval: Duration,
    /// Batches a second the feed delivers over all its viewers together, at most: with `n`
    /// viewers, batches go out at most every `n / deliveries_per_second` seconds.
    pub deliveries_per_second: u32,
    /// Most rows in one batch; of more, an evenly spaced selection ending with the newest.
    pub max_rows: usize,
    /// Rows a second the feed sends over all its viewers together, at most: with `n` viewers a
    /// batch keeps at most the rows a budget of `rows_per_second / n` a second (with a burst of
    /// one second of it) allows.
    pub rows_per_second: u32,
    /// Batches a subscriber may have waiting before it loses its oldest.
    pub queue_batches: usize,
}

/// Rows that went out together: the encoded events of the kept rows, in query order.
#[derive(Debug)]
pub struct Batch {
    /// The feed's count of rows before this batch's first (kept or coalesced) row.
    start: u64,
    /// The feed's count of rows after this batch's last row.
    end: u64,
    /// One encoding per kept row, shared by every subscriber.
    pub events: Vec<Bytes>,
    /// The events end to end (one copy per batch, shared by every subscriber), for writers
    /// that send a batch in one piece.
    pub joined: Bytes,
}

impl Batch {
    /// Rows of this batch's interval that were left out of it.
    pub fn coalesced(&self) -> u64 {
        (self.end - self.start).saturating_sub(self.events.len() as u64)
    }
}

/// What one subscriber gets next: a batch and the rows it missed since its previous one.
#[derive(Debug)]
pub struct Delivery {
    pub batch: Arc<Batch>,
    /// Rows left out of this batch by coalescing.
    pub coalesced: u64,
    /// Rows in the batches this subscriber lost by falling behind since its previous delivery.
    pub lagged: u64,
}

/// A running feed: the task that batches and encodes, and the ring subscribers read.
pub(crate) struct Feed {
    /// Only the task holds the strong sender, so subscribers see the end when the task ends.
    tx: broadcast::WeakSender<Arc<Batch>>,
    /// The feed's row count after its last batch sent: where a new subscriber starts counting.
    published: Arc<AtomicU64>,
    task: JoinHandle<()>,
    /// Keeps the shared query running while the feed has subscribers.
    _shared: SharedHandle,
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Feed {
    /// Starts a feed over `rows` (a receiver of the shared query's rows).
    pub(crate) fn start(
        rows: broadcast::Receiver<Arc<Vec<Value>>>,
        schema: Schema,
        encode: Encode,
        policy: FeedPolicy,
        shared: SharedHandle,
    ) -> Arc<Feed> {
        let (tx, _) = broadcast::channel(policy.queue_batches.max(1));
        let weak = tx.downgrade();
        let published = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(run(rows, tx, published.clone(), schema, encode, policy));
        Arc::new(Feed {
            tx: weak,
            published,
            task,
            _shared: shared,
        })
    }

    /// A new subscriber's queue and the row count it starts from (subscribed first, so a
    /// batch sent meanwhile is received, not counted as lost), or `None` when the feed ended.
    fn subscribe(&self) -> Option<(broadcast::Receiver<Arc<Batch>>, u64)> {
        let rx = self.tx.upgrade()?.subscribe();
        Some((rx, self.published.load(Ordering::Acquire)))
    }
}

/// One viewer's view of a feed.
pub struct FeedSubscription {
    pub id: String,
    pub schema: Schema,
    rx: Option<broadcast::Receiver<Arc<Batch>>>,
    /// The feed's row count after the last batch delivered here (or at subscribing).
    next: u64,
    /// A batch taken from the queue by `lost_now`, its loss already told, to deliver next.
    held: Option<Arc<Batch>>,
    _feed: Arc<Feed>,
}

impl FeedSubscription {
    pub(crate) fn new(id: String, schema: Schema, feed: Arc<Feed>) -> FeedSubscription {
        let (rx, next) = match feed.subscribe() {
            Some((rx, next)) => (Some(rx), next),
            None => (None, 0),
        };
        FeedSubscription {
            id,
            schema,
            rx,
            next,
            held: None,
            _feed: feed,
        }
    }

    /// The next batch and what this subscriber missed before it; `None` when the query ended.
    pub async fn next(&mut self) -> Option<Delivery> {
        if let Some(batch) = self.held.take() {
            return Some(Delivery {
                coalesced: batch.coalesced(),
                lagged: 0,
                batch,
            });
        }
        let rx = self.rx.as_mut()?;
        loop {
            match rx.recv().await {
                Ok(batch) => {
                    let lagged = batch.start.saturating_sub(self.next);
                    self.next = self.next.max(batch.end);
                    return Some(Delivery {
                        coalesced: batch.coalesced(),
                        lagged,
                        batch,
                    });
                }
                // The batches lost show as the gap before the next one.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return None,
            }
        }
    }

    /// Rows in the batches this subscriber has lost by falling behind and not yet been told
    /// of (what the next delivery would count as `lagged`, which then counts 0), without
    /// waiting: for a subscriber that is going, or to watch one that does not read.
    pub fn lost_now(&mut self) -> u64 {
        if self.held.is_some() {
            return 0;
        }
        let Some(rx) = self.rx.as_mut() else {
            return 0;
        };
        loop {
            match rx.try_recv() {
                Ok(batch) => {
                    let lagged = batch.start.saturating_sub(self.next);
                    self.next = self.next.max(batch.end);
                    self.held = Some(batch);
                    return lagged;
                }
                Err(TryRecvError::Lagged(_)) => {}
                Err(TryRecvError::Empty | TryRecvError::Closed) => return 0,
            }
        }
    }
}

/// Batches that may go out back to back before the per-viewer batch rate applies.
const BATCH_BURST: f64 = 4.0;

/// Most rows read ahead for one batch (a bound on memory when rows come faster than the
/// feed drains them; rows beyond are coalesced like the rest).
const MAX_PENDING: usize = 16 * 1024;

async fn run(
    mut rows: broadcast::Receiver<Arc<Vec<Value>>>,
    tx: broadcast::Sender<Arc<Batch>>,
    published: Arc<AtomicU64>,
    schema: Schema,
    encode: Encode,
    policy: FeedPolicy,
) {
    let max_rows = policy.max_rows.max(1);
    let mut count = 0u64;
    // Rows the budget allows now, for the current number of viewers; refilled as time passes.
    let mut tokens = f64::from(policy.rows_per_second);
    let mut refilled = Instant::now();
    let mut last_batch: Option<Instant> = None;
    let mut batch_tokens = BATCH_BURST;
    let mut batch_refilled = Instant::now();
    let mut pending: Vec<Arc<Vec<Value>>> = Vec::new();
    loop {
        // Rows the feed itself fell behind on: left out like coalesced ones.
        let mut missed = 0u64;
        let mut ended = false;
        match rows.recv().await {
            Ok(row) => pending.push(row),
            Err(RecvError::Lagged(n)) => missed += n,
            Err(RecvError::Closed) => return,
        }
        // Batches a viewer may get per second; a bucket of BATCH_BURST of them lets rows that
        // arrive close together (one request's rows) go out at once while the average rate
        // stays within the budget.
        let viewers = tx.receiver_count().max(1) as u32;
        let batch_rate = f64::from(policy.deliveries_per_second.max(1)) / f64::from(viewers);
        let now = Instant::now();
        batch_tokens =
            (batch_tokens + batch_rate * (now - batch_refilled).as_secs_f64()).min(BATCH_BURST);
        batch_refilled = now;
        if batch_tokens < 1.0 {
            let wait = Duration::from_secs_f64((1.0 - batch_tokens) / batch_rate);
            tokio::time::sleep(wait).await;
            batch_tokens = 1.0;
            batch_refilled = Instant::now();
        }
        // Only a deadline still ahead is slept on: tokio rounds a timer up to its next
        // millisecond tick, so sleeping until an instant already past (interval 0, or a quiet
        // feed) would hold every batch up to a millisecond.
        if let Some(due) = last_batch.map(|last| last + policy.interval) {
            if due > Instant::now() {
                tokio::time::sleep_until(due).await;
            }
        }
        batch_tokens -= 1.0;
        while pending.len() < MAX_PENDING {
            match rows.try_recv() {
                Ok(row) => pending.push(row),
                Err(TryRecvError::Lagged(n)) => missed += n,
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Closed) => {
                    ended = true;
                    break;
                }
            }
        }
        let start = count;
        count += pending.len() as u64 + missed;
        let viewers = f64::from(tx.receiver_count().max(1) as u32);
        let rate = f64::from(policy.rows_per_second) / viewers;
        let now = Instant::now();
        tokens = (tokens + rate * (now - refilled).as_secs_f64()).min(rate.max(1.0));
        refilled = now;
        let allowed = (tokens.floor() as usize).clamp(1, max_rows);
        let keep = pending.len().min(allowed);
        tokens -= keep as f64;
        let events: Vec<Bytes> = evenly_spaced(pending.len(), keep)
            .map(|i| encode(&schema, &pending[i]))
            .collect();
        let joined = join(&events);
        pending.clear();
        last_batch = Some(Instant::now());
        // Before the send: a subscriber arriving in between receives this batch and starts
        // counting after it, so nothing is counted as lost twice or wrongly.
        published.store(count, Ordering::Release);
        // No subscriber right now is fine: the last one's going stops this task.
        let _ = tx.send(Arc::new(Batch {
            start,
            end: count,
            events,
            joined,
        }));
        if ended {
            return;
        }
    }
}

/// The events end to end (the one event itself when there is one).
fn join(events: &[Bytes]) -> Bytes {
    match events {
        [] => Bytes::new(),
        [one] => one.clone(),
        many => {
            let mut all = BytesMut::with_capacity(many.iter().map(Bytes::len).sum());
            for e in many {
                all.extend_from_slice(e);
            }
            all.freeze()
        }
    }
}

/// Indices of `keep` of `n` items, evenly spaced and ending with the last (all when `n <= keep`).
fn evenly_spaced(n: usize, keep: usize) -> impl Iterator<Item = usize> {
    let keep = keep.min(n);
    (0..keep).map(move |j| (j + 1) * n / keep - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evenly_spaced_keeps_the_newest_and_spreads_the_rest() {
        assert_eq!(evenly_spaced(3, 5).collect::<Vec<_>>(), vec![0, 1, 2]);
        assert_eq!(evenly_spaced(10, 2).collect::<Vec<_>>(), vec![4, 9]);
        assert_eq!(evenly_spaced(7, 3).collect::<Vec<_>>(), vec![1, 3, 6]);
        assert_eq!(evenly_spaced(0, 3).count(), 0);
        let picked: Vec<_> = evenly_spaced(1000, 50).collect();
        assert_eq!(picked.len(), 50);
        assert!(picked.windows(2).all(|w| w[1] - w[0] == 20));
        assert_eq!(picked.last(), Some(&999));
    }
}
