//! Background threads that run a task periodically (retention sweeps, interval fsyncs) and
//! stop promptly when the log closes.
//!
//! This module owns the periodic threads only. It must not hold the log alive (callers pass
//! closures holding weak references) and must not do the work itself.

use std::{
    sync::Arc,
    thread::JoinHandle,
    time::{Duration, Instant},
};

use parking_lot::{Condvar, Mutex};

use crate::{LogError, LogResult};

#[derive(Default)]
struct Stop {
    stopped: Mutex<bool>,
    wake: Condvar,
}

/// A thread calling a task every period until stopped or the task returns false.
pub struct Ticker {
    stop: Arc<Stop>,
    handle: Mutex<Option<JoinHandle<()>>>,
}

impl Ticker {
    /// Starts the thread; the first call comes one `period` from now.
    pub fn spawn(
        name: &str,
        period: Duration,
        mut task: impl FnMut() -> bool + Send + 'static,
    ) -> LogResult<Ticker> {
        let stop = Arc::new(Stop::default());
        let thread_stop = stop.clone();
        let period = period.max(Duration::from_millis(1));
        let handle = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || loop {
                let deadline = Instant::now() + period;
                {
                    let mut stopped = thread_stop.stopped.lock();
                    while !*stopped && Instant::now() < deadline {
                        thread_stop.wake.wait_until(&mut stopped, deadline);
                    }
                    if *stopped {
                        return;
                    }
                }
                if !task() {
                    return;
                }
            })
            .map_err(|e| LogError::io(name, e))?;
        Ok(Ticker {
            stop,
            handle: Mutex::new(Some(handle)),
        })
    }

    /// Stops the thread and waits for it (unless called from it).
    pub fn stop(&self) {
        *self.stop.stopped.lock() = true;
        self.stop.wake.notify_all();
        if let Some(handle) = self.handle.lock().take() {
            if handle.thread().id() != std::thread::current().id() {
                let _ = handle.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn ticks_and_stops_promptly() {
        let count = Arc::new(AtomicUsize::new(0));
        let c = count.clone();
        let ticker = Ticker::spawn("test-ticker", Duration::from_millis(5), move || {
            c.fetch_add(1, Ordering::SeqCst);
            true
        })
        .unwrap();
        std::thread::sleep(Duration::from_millis(60));
        let started = Instant::now();
        ticker.stop();
        assert!(started.elapsed() < Duration::from_millis(50));
        let seen = count.load(Ordering::SeqCst);
        assert!(seen >= 2, "ticked {seen} times");
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(count.load(Ordering::SeqCst), seen);
    }
}
