//! Group commit: a small pool of std threads that fsync partitions off the async runtime.
//!
//! An append under `fsync = always` writes its frame, schedules its partition here (once: a
//! partition is queued at most once at a time) and waits on the partition's watermark. A sync
//! round snapshots how far the partition was written, fsyncs sealed segments, the directory and
//! the active segment, then publishes the new high watermark, waking every append it covers.
//! Appends that arrive while a round's fsync runs are covered by the next round. Sealing of
//! rolled segments (index files, fsync, handing their indexes to the bounded index cache,
//! recovery point) also happens here, for every policy.
//!
//! This module owns when and on which thread partitions are synced. It must never run on a
//! tokio worker thread and must not change what a partition contains.

use std::{
    collections::VecDeque,
    panic::AssertUnwindSafe,
    sync::{atomic::Ordering, Arc},
    thread::JoinHandle,
};

use parking_lot::{Condvar, Mutex};
use tracing::{error, warn};

use super::{durable, partition::Partition, recovery};
use crate::{FsyncPolicy, LogError, LogResult};

#[derive(Default)]
struct QueueState {
    partitions: VecDeque<Arc<Partition>>,
    shutdown: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<QueueState>,
    ready: Condvar,
}

/// Where partitions wait for a sync round; cheap to clone.
#[derive(Clone, Default)]
pub struct SyncQueue {
    shared: Arc<Shared>,
}

impl SyncQueue {
    /// Queues a sync round for `partition`; false if the pool is shut down.
    fn submit(&self, partition: Arc<Partition>) -> bool {
        let mut state = self.shared.state.lock();
        if state.shutdown {
            return false;
        }
        state.partitions.push_back(partition);
        drop(state);
        self.shared.ready.notify_one();
        true
    }
}

/// The sync threads.
pub struct SyncPool {
    queue: SyncQueue,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl SyncPool {
    /// Starts `threads` sync threads.
    pub fn start(threads: usize) -> LogResult<SyncPool> {
        let queue = SyncQueue::default();
        let mut handles = Vec::with_capacity(threads);
        for i in 0..threads.max(1) {
            let shared = queue.shared.clone();
            let handle = std::thread::Builder::new()
                .name(format!("rivulet-fsync-{i}"))
                .spawn(move || worker(&shared))
                .map_err(|e| LogError::io("fsync thread", e))?;
            handles.push(handle);
        }
        Ok(SyncPool {
            queue,
            threads: Mutex::new(handles),
        })
    }

    /// The queue partitions submit to.
    pub fn queue(&self) -> SyncQueue {
        self.queue.clone()
    }

    /// Lets the threads finish the queued rounds, then stops and joins them.
    pub fn shutdown(&self) {
        self.queue.shared.state.lock().shutdown = true;
        self.queue.shared.ready.notify_all();
        let current = std::thread::current().id();
        for handle in self.threads.lock().drain(..) {
            if handle.thread().id() != current && handle.join().is_err() {
                error!("an fsync thread panicked");
            }
        }
    }
}

fn worker(shared: &Shared) {
    loop {
        let partition = {
            let mut state = shared.state.lock();
            loop {
                if let Some(p) = state.partitions.pop_front() {
                    break p;
                }
                if state.shutdown {
                    return;
                }
                shared.ready.wait(&mut state);
            }
        };
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| partition.run_scheduled_sync()));
        if outcome.is_err() {
            error!(topic = %partition.topic, partition = partition.id, "sync round panicked");
            partition.sync_scheduled.store(false, Ordering::SeqCst);
        }
    }
}

impl Partition {
    /// Makes sure a sync round will run after the current writes.
    pub(super) fn schedule_sync(self: &Arc<Self>) {
        if !self.sync_scheduled.swap(true, Ordering::SeqCst)
            && !self.sync_queue.submit(self.clone())
        {
            // The pool is gone (the log is closing): sync here rather than strand waiters.
            self.sync_scheduled.store(false, Ordering::SeqCst);
            if let Err(e) = self.sync_round(false) {
                warn!(topic = %self.topic, partition = self.id, error = %e, "fsync failed");
            }
        }
    }

    /// Runs one queued round, then requeues if writes arrived meanwhile.
    fn run_scheduled_sync(self: &Arc<Self>) {
        if let Err(e) = self.sync_round(false) {
            error!(topic = %self.topic, partition = self.id, error = %e, "fsync failed; the partition takes no more appends");
        }
        self.sync_scheduled.store(false, Ordering::SeqCst);
        if self.needs_sync() {
            self.schedule_sync();
        }
    }

    /// One group-commit round; `force_active` syncs the active segment whatever the policy.
    pub(super) fn sync_round(&self, force_active: bool) -> LogResult<()> {
        let _round = self.sync_lock.lock();
        let observer = &self.settings.observer;
        let (sealed, active, end, sync_active, deleted) = {
            let mut w = self.writer.lock();
            if w.failure.is_some() {
                return Ok(());
            }
            let sync_active = (force_active || self.settings.fsync != FsyncPolicy::Never)
                && w.next_offset > w.synced_offset;
            (
                std::mem::take(&mut w.sealed_unsynced),
                w.active.clone(),
                w.next_offset,
                sync_active,
                w.deleted,
            )
        };
        if sealed.is_empty() && !sync_active {
            return Ok(());
        }
        let result = (|| {
            for segment in &sealed {
                segment.sync_log(observer)?;
                if !deleted {
                    segment.write_index_files(observer)?;
                    // Its entries now live in the files: memory keeps them only while cached.
                    segment.seal_indexes();
                }
            }
            if !sealed.is_empty() && !deleted {
                durable::sync_dir(&self.dir, observer)?;
            }
            if sync_active {
                active.sync_log(observer)?;
            }
            Ok::<(), LogError>(())
        })();
        if let Err(e) = result {
            let failure: Arc<str> = format!("fsync failed: {e}").into();
            self.writer.lock().failure = Some(failure.clone());
            self.watermark.send_modify(|m| m.failure = Some(failure));
            self.wake_durable();
            return Err(e);
        }
        let synced = if sync_active {
            end
        } else {
            active.base_offset()
        };
        {
            let mut w = self.writer.lock();
            w.synced_offset = w.synced_offset.max(synced);
        }
        if self.settings.fsync == FsyncPolicy::Always {
            self.watermark.send_if_modified(|m| {
                let raise = m.hw < synced;
                if raise {
                    m.hw = synced;
                }
                raise
            });
            self.wake_durable();
        }
        if !sealed.is_empty() && !deleted {
            // Only a hint for the next open; failing to write it costs a longer scan.
            if let Err(e) =
                recovery::write_recovery_point(&self.dir, active.base_offset(), observer)
            {
                warn!(topic = %self.topic, partition = self.id, error = %e, "could not write the recovery point");
            }
        }
        Ok(())
    }
}
