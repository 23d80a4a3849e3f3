//! Shared push queries: clients that ask for the same push query from `latest` (a dashboard
//! opened in many browsers) share one running query whose rows are broadcast to all of them, so
//! a hundred viewers cost one decode per record, not a hundred. The query stops when its last
//! subscriber goes. A subscriber that falls more than the buffer behind skips the rows it
//! missed (counted), rather than slowing the others. Subscribers see the end (`None`) when the
//! query ends (closed, or its LIMIT reached).
//!
//! A subscriber may turn into a viewer of an encoded feed of the query
//! ([`Subscription::feed`], see [`super::shared_feed`]): rows formatted once for all viewers of
//! that feed, paced and coalesced, with a bounded drop-oldest queue per viewer.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, PoisonError, Weak},
};

use rivulet_core::{Schema, Value};
use tokio::{sync::broadcast, task::JoinHandle};

use super::{
    shared_feed::{Encode, Feed, FeedPolicy, FeedSubscription},
    PushQuery,
};

/// Rows a slow subscriber may fall behind before it skips.
const BUFFER: usize = 4096;

pub(crate) struct Shared {
    /// Only the task holds the strong sender, so subscribers see the end when the query ends.
    tx: broadcast::WeakSender<Arc<Vec<Value>>>,
    schema: Schema,
    id: String,
    task: JoinHandle<()>,
    /// The encoded feeds of this query, by name.
    feeds: Mutex<HashMap<&'static str, Weak<Feed>>>,
}

/// What keeps a shared query running.
pub(crate) type SharedHandle = Arc<Shared>;

impl Drop for Shared {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A lock that a panic elsewhere did not make unusable (the maps stay consistent: every
/// change is one insert or retain).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The running shared queries, by SQL text.
#[derive(Default, Clone)]
pub struct SharedPushQueries {
    running: Arc<Mutex<HashMap<String, Weak<Shared>>>>,
}

/// One client's view of a shared push query.
pub struct Subscription {
    pub id: String,
    pub schema: Schema,
    /// Rows this subscriber skipped because it fell behind.
    pub skipped: u64,
    rx: broadcast::Receiver<Arc<Vec<Value>>>,
    shared: Arc<Shared>,
}

impl Subscription {
    /// The next row; `None` when the shared query ended.
    pub async fn next(&mut self) -> Option<Arc<Vec<Value>>> {
        loop {
            match self.rx.recv().await {
                Ok(row) => return Some(row),
                Err(broadcast::error::RecvError::Lagged(n)) => self.skipped += n,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// Turns this subscriber into a viewer of the query's feed `name`: rows encoded once by
    /// `encode` for every viewer of that feed and delivered in batches under `policy`. The
    /// first viewer of a name starts the feed with its `encode` and `policy`; later viewers of
    /// the same name share it.
    pub fn feed(self, name: &'static str, encode: Encode, policy: FeedPolicy) -> FeedSubscription {
        let Subscription {
            id,
            schema,
            rx,
            shared,
            ..
        } = self;
        let feed = {
            let mut feeds = lock(&shared.feeds);
            match feeds.get(name).and_then(Weak::upgrade) {
                Some(feed) => feed,
                None => {
                    let feed = Feed::start(rx, schema.clone(), encode, policy, shared.clone());
                    feeds.retain(|_, w| w.strong_count() > 0);
                    feeds.insert(name, Arc::downgrade(&feed));
                    feed
                }
            }
        };
        FeedSubscription::new(id, schema, feed)
    }
}

impl SharedPushQueries {
    /// Subscribes to the running query for `key`, or starts one with `start`.
    pub async fn subscribe<F, Fut, E>(&self, key: &str, start: F) -> Result<Subscription, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<PushQuery, E>>,
    {
        let running = lock(&self.running)
            .get(key)
            .and_then(Weak::upgrade)
            .and_then(|shared| shared.tx.upgrade().map(|tx| (tx.subscribe(), shared)));
        if let Some((rx, shared)) = running {
            return Ok(Subscription {
                id: shared.id.clone(),
                schema: shared.schema.clone(),
                skipped: 0,
                rx,
                shared,
            });
        }
        let mut query = start().await?;
        let (tx, rx) = broadcast::channel(BUFFER);
        let weak = tx.downgrade();
        let schema = query.schema.clone();
        let id = query.id.clone();
        let task = tokio::spawn(async move {
            while let Some(row) = query.next().await {
                // No receiver right now is fine: the last subscriber's drop aborts this task.
                let _ = tx.send(Arc::new(row));
            }
        });
        let shared = Arc::new(Shared {
            tx: weak,
            schema: schema.clone(),
            id: id.clone(),
            task,
            feeds: Mutex::default(),
        });
        {
            let mut running = lock(&self.running);
            running.retain(|_, w| w.strong_count() > 0);
            running.insert(key.to_string(), Arc::downgrade(&shared));
        }
        Ok(Subscription {
            id,
            schema,
            skipped: 0,
            rx,
            shared,
        })
    }
}
