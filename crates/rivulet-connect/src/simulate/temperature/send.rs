//! Posting simulated temperature readings to `POST /topics/{topic}/records`: each request goes out
//! when its last reading is due, so no `ts` lies in the future; readings due within [`LINGER`] of
//! a request's first (or already due after a slow answer) share it, up to [`MAX_BATCH`], so a
//! high rate (a small `max_pause`) costs few requests. Retries with backoff when the server
//! cannot be reached or answers 5xx/429; a running tally goes to the caller once a second.
//!
//! Owns pacing, batching, HTTP and error accounting for the temperature simulator; it must not
//! shape readings (see the parent module) and must not stop on sending errors: only the caller's
//! `stop` future, or the configured count, ends a run.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::Full;
use hyper::Uri;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::time::{Instant, MissedTickBehavior};

use super::{TemperatureReading, TemperatureSimConfig, TemperatureSimulator};
use crate::simulate::phones::{deliver, SimError, SimProgress, SimStats, Tally};

/// Readings due this soon after a request's first reading wait for it and share the request.
pub const LINGER: Duration = Duration::from_millis(20);
/// Most readings in one request.
pub const MAX_BATCH: usize = 500;

const PROGRESS_EVERY: Duration = Duration::from_secs(1);
/// Most sensors a run may simulate.
const MAX_SENSORS: usize = 1_000_000;
/// Longest pause a run accepts (a larger one is most likely a unit mistake).
const MAX_PAUSE: Duration = Duration::from_secs(3600);

fn valid_topic(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 249
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

pub(super) fn check(config: &TemperatureSimConfig) -> Result<Uri, SimError> {
    if config.sensors == 0 || config.sensors > MAX_SENSORS {
        return Err(SimError::Config(format!(
            "sensors must be 1 to {MAX_SENSORS}, not {}",
            config.sensors
        )));
    }
    if config.max_pause > MAX_PAUSE {
        return Err(SimError::Config(format!(
            "the longest pause must be at most {} ms, not {} ms",
            MAX_PAUSE.as_millis(),
            config.max_pause.as_millis()
        )));
    }
    if !valid_topic(&config.topic) {
        return Err(SimError::Config(format!(
            "topic {:?}: expected 1 to 249 of A-Z a-z 0-9 . _ -",
            config.topic
        )));
    }
    let url = config.records_url();
    let bad = |reason: &str| SimError::Url {
        url: config.url.clone(),
        reason: reason.to_string(),
    };
    let uri: Uri = url
        .parse()
        .map_err(|e: hyper::http::uri::InvalidUri| bad(&e.to_string()))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => return Err(bad("only plain http:// is supported")),
        _ => return Err(bad("expected http://host:port")),
    }
    if uri.authority().is_none() {
        return Err(bad("no host"));
    }
    Ok(uri)
}

/// Cuts the generator's readings into requests.
struct Batcher {
    sim: TemperatureSimulator,
    /// A reading drawn but left for the next request.
    pending: Option<TemperatureReading>,
    /// Readings still to draw; `None` is no limit.
    left: Option<u64>,
}

impl Batcher {
    fn new(sim: TemperatureSimulator, count: Option<u64>) -> Self {
        Batcher {
            sim,
            pending: None,
            left: count,
        }
    }

    fn draw(&mut self) -> Option<TemperatureReading> {
        if let Some(r) = self.pending.take() {
            return Some(r);
        }
        match &mut self.left {
            Some(0) => None,
            Some(n) => {
                *n -= 1;
                Some(self.sim.next_reading())
            }
            None => Some(self.sim.next_reading()),
        }
    }

    /// The next request's readings (empty once the count is reached): the first reading not sent,
    /// then those due before `LINGER` after it or already due at `now_us`, at most [`MAX_BATCH`].
    fn next_batch(&mut self, now_us: i64) -> Vec<TemperatureReading> {
        let Some(first) = self.draw() else {
            return Vec::new();
        };
        let linger_us = i64::try_from(LINGER.as_micros()).unwrap_or(i64::MAX);
        let horizon = first
            .time_us
            .saturating_add(linger_us)
            .max(now_us.saturating_add(1));
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            let Some(next) = self.draw() else { break };
            if next.time_us < horizon {
                batch.push(next);
            } else {
                self.pending = Some(next);
                break;
            }
        }
        batch
    }
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

/// Runs the sensors of `config`, posting to `{url}/topics/{topic}/records`, until `stop`
/// completes or `config.count` readings were sent; calls `progress` about once a second and once
/// at the end. Runs inside a Tokio runtime; only bad settings make it fail, sending errors are
/// counted (a request the server rejects with a 4xx is counted and not retried).
pub async fn run_temperature<S, P>(
    config: TemperatureSimConfig,
    stop: S,
    mut progress: P,
) -> Result<SimStats, SimError>
where
    S: Future<Output = ()>,
    P: FnMut(SimProgress),
{
    let uri = check(&config)?;
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let started = Instant::now();
    let start_us = now_us();
    let tally = Arc::new(Tally::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let sender = Sender {
        batcher: Batcher::new(TemperatureSimulator::new(&config, start_us), config.count),
        client,
        uri,
        tally: Arc::clone(&tally),
        stop: stop_rx,
        started,
        start_us,
    };
    let task = tokio::spawn(sender.run());
    tokio::pin!(stop, task);
    let mut ticker = tokio::time::interval_at(started + PROGRESS_EVERY, PROGRESS_EVERY);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut finished = false;
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = &mut task => {
                finished = true;
                break;
            }
            _ = ticker.tick() => progress(tally.snapshot(started.elapsed())),
        }
    }
    let _ = stop_tx.send(true);
    if !finished {
        // A panic in the sender is not the caller's to handle; the tally says what was sent.
        let _ = task.await;
    }
    let last = tally.snapshot(started.elapsed());
    progress(last.clone());
    Ok(SimStats {
        elapsed: last.elapsed,
        batches_sent: last.batches_sent,
        readings_sent: last.readings_sent,
        errors: last.errors,
    })
}

/// The sending loop.
struct Sender {
    batcher: Batcher,
    client: Client<HttpConnector, Full<Bytes>>,
    uri: Uri,
    tally: Arc<Tally>,
    stop: watch::Receiver<bool>,
    /// The run's start, on the monotonic clock and as the epoch microseconds of the first `ts`.
    started: Instant,
    start_us: i64,
}

impl Sender {
    /// When a reading taken at `time_us` is due, on the monotonic clock.
    fn due(&self, time_us: i64) -> Instant {
        let after = u64::try_from(time_us.saturating_sub(self.start_us)).unwrap_or(0);
        self.started + Duration::from_micros(after)
    }

    /// The reading clock now (`ts` of a reading taken now).
    fn now_us(&self) -> i64 {
        let elapsed = i64::try_from(self.started.elapsed().as_micros()).unwrap_or(i64::MAX);
        self.start_us.saturating_add(elapsed)
    }

    async fn run(mut self) {
        loop {
            let batch = self.batcher.next_batch(self.now_us());
            let Some(last) = batch.last() else {
                return;
            };
            let due = self.due(last.time_us);
            tokio::select! {
                biased;
                _ = self.stop.changed() => return,
                _ = tokio::time::sleep_until(due) => {}
            }
            let records: Vec<Value> = batch.iter().map(TemperatureReading::to_record).collect();
            let body = match serde_json::to_vec(&json!({ "records": records })) {
                Ok(b) => Bytes::from(b),
                Err(e) => {
                    self.tally
                        .failed(format!("cannot serialise a request: {e}"));
                    continue;
                }
            };
            if !self.deliver(body, batch.len() as u64).await {
                return;
            }
        }
    }

    async fn deliver(&mut self, body: Bytes, readings: u64) -> bool {
        deliver(
            &self.client,
            &self.uri,
            body,
            readings,
            &self.tally,
            &mut self.stop,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0_US: i64 = 1_718_360_101_213_000;

    fn config(max_pause_ms: u64, count: Option<u64>) -> TemperatureSimConfig {
        TemperatureSimConfig {
            max_pause: Duration::from_millis(max_pause_ms),
            count,
            seed: Some(4),
            ..TemperatureSimConfig::default()
        }
    }

    fn batcher(c: &TemperatureSimConfig) -> Batcher {
        Batcher::new(TemperatureSimulator::new(c, T0_US), c.count)
    }

    #[test]
    fn settings_are_checked() {
        let ok = TemperatureSimConfig::default();
        assert!(check(&ok).is_ok());
        assert!(ok.validate().is_ok());
        for bad in [
            TemperatureSimConfig {
                sensors: 0,
                ..ok.clone()
            },
            TemperatureSimConfig {
                max_pause: Duration::from_secs(3601),
                ..ok.clone()
            },
            TemperatureSimConfig {
                topic: String::new(),
                ..ok.clone()
            },
            TemperatureSimConfig {
                topic: "a/b".into(),
                ..ok.clone()
            },
            TemperatureSimConfig {
                url: "https://example.com".into(),
                ..ok.clone()
            },
            TemperatureSimConfig {
                url: "localhost:8088".into(),
                ..ok.clone()
            },
            TemperatureSimConfig {
                url: "http://".into(),
                ..ok.clone()
            },
        ] {
            assert!(check(&bad).is_err(), "{bad:?}");
            assert!(bad.validate().is_err(), "{bad:?}");
        }
        assert!(check(&TemperatureSimConfig {
            url: "http://127.0.0.1:9/".into(),
            topic: "raw_temp.data-2".into(),
            ..ok
        })
        .is_ok());
    }

    #[test]
    fn slow_readings_go_one_per_request() {
        // With pauses of 0..=1000 ms most readings go alone; none waits more than LINGER.
        let c = config(1000, None);
        let mut b = batcher(&c);
        let (mut requests, mut readings) = (0, 0);
        while readings < 1000 {
            let batch = b.next_batch(0);
            let first = batch[0].time_us;
            assert!(batch.iter().all(|r| r.time_us - first < 20_000));
            requests += 1;
            readings += batch.len();
        }
        assert!(requests > 950, "{requests} requests for {readings}");
    }

    #[test]
    fn fast_readings_share_requests_and_none_is_lost_or_doubled() {
        let c = config(2, Some(2_000));
        let mut b = batcher(&c);
        let mut all = Vec::new();
        loop {
            let batch = b.next_batch(0);
            if batch.is_empty() {
                break;
            }
            assert!(batch.len() <= MAX_BATCH);
            all.extend(batch);
        }
        assert_eq!(all.len(), 2_000);
        let mut again = TemperatureSimulator::new(&c, T0_US);
        for r in &all {
            assert_eq!(*r, again.next_reading());
        }
        // ~1 ms apart: about 20 readings per request.
        let mut b = batcher(&c);
        let mut requests = 0;
        while !b.next_batch(0).is_empty() {
            requests += 1;
        }
        assert!((60..200).contains(&requests), "{requests}");
    }

    #[test]
    fn a_backlog_goes_in_full_batches() {
        // Behind by a minute (a slow server): everything already due goes at once, 500 a request.
        let c = config(50, None);
        let mut b = batcher(&c);
        let batch = b.next_batch(T0_US + 60_000_000);
        assert_eq!(batch.len(), MAX_BATCH);
    }

    #[test]
    fn the_count_ends_the_readings() {
        let c = config(1000, Some(3));
        let mut b = batcher(&c);
        let mut n = 0;
        loop {
            let batch = b.next_batch(i64::MAX);
            if batch.is_empty() {
                break;
            }
            n += batch.len();
        }
        assert_eq!(n, 3);
    }

    #[tokio::test]
    async fn an_unreachable_server_is_counted_not_fatal() {
        // Port 9 (discard) on loopback: refused, retried, reported; the stop still ends the run.
        let mut seen = Vec::new();
        let stats = run_temperature(
            TemperatureSimConfig {
                url: "http://127.0.0.1:9".into(),
                max_pause: Duration::from_millis(10),
                ..config(10, None)
            },
            tokio::time::sleep(Duration::from_millis(400)),
            |p| seen.push(p),
        )
        .await
        .map_err(|e| e.to_string());
        let stats = stats.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stats.readings_sent, 0);
        assert!(stats.errors >= 1, "{stats:?}");
        assert!(seen
            .last()
            .and_then(|p| p.last_error.as_deref())
            .is_some_and(|e| e.contains("127.0.0.1:9")));
    }
}
