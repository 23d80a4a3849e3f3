//! Shared push queries: clients that ask for the same push query from `latest` (a dashboard
//! opened in many browsers) share one running query whose rows are broadcast to all of them, so
//! a hundred viewers cost one decode per record, not a hundred. The query stops when its last
//! subscriber goes. A subscriber that falls more than the buffer behind skips the rows it
//! missed (counted), rather than slowing the others.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, Weak},
};

use rivulet_core::{Schema, Value};
use tokio::{sync::broadcast, task::JoinHandle};

use super::PushQuery;

/// Rows a slow subscriber may fall behind before it skips.
const BUFFER: usize = 4096;

struct Shared {
    tx: broadcast::Sender<Arc<Vec<Value>>>,
    schema: Schema,
    id: String,
    task: JoinHandle<()>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.task.abort();
    }
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
    _shared: Arc<Shared>,
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
}

impl SharedPushQueries {
    /// Subscribes to the running query for `key`, or starts one with `start`.
    pub async fn subscribe<F, Fut, E>(&self, key: &str, start: F) -> Result<Subscription, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<PushQuery, E>>,
    {
        if let Some(shared) = self
            .running
            .lock()
            .ok()
            .and_then(|m| m.get(key).and_then(Weak::upgrade))
        {
            return Ok(Subscription {
                id: shared.id.clone(),
                schema: shared.schema.clone(),
                skipped: 0,
                rx: shared.tx.subscribe(),
                _shared: shared,
            });
        }
        let mut query = start().await?;
        let (tx, rx) = broadcast::channel(BUFFER);
        let sender = tx.clone();
        let schema = query.schema.clone();
        let id = query.id.clone();
        let task = tokio::spawn(async move {
            while let Some(row) = query.next().await {
                // No receiver right now is fine: the last subscriber's drop aborts this task.
                let _ = sender.send(Arc::new(row));
            }
        });
        let shared = Arc::new(Shared {
            tx,
            schema: schema.clone(),
            id: id.clone(),
            task,
        });
        if let Ok(mut m) = self.running.lock() {
            m.retain(|_, w| w.strong_count() > 0);
            m.insert(key.to_string(), Arc::downgrade(&shared));
        }
        Ok(Subscription {
            id,
            schema,
            skipped: 0,
            rx,
            _shared: shared,
        })
    }
}
