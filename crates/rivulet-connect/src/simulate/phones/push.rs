//! Posting simulated phones' batches to a push endpoint: one task per phone on a tokio interval,
//! `Content-Type: application/json`, retries with backoff when the server cannot be reached or
//! answers 5xx/429, and a running tally reported to the caller once a second.
//!
//! Owns pacing, HTTP and error accounting for the simulator; it must not shape batches (see the
//! parent module) and must not stop on errors: only the caller's `stop` future ends a run.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{header, Method, Request, StatusCode, Uri};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::MissedTickBehavior;

use super::{Phone, PhoneSimConfig, PhoneSimulator};

const PROGRESS_EVERY: Duration = Duration::from_secs(1);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// How long a request in flight at stop may still take.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// The running tally, reported about once a second and once at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimProgress {
    pub elapsed: Duration,
    /// Batches the server accepted (2xx).
    pub batches_sent: u64,
    /// Readings in those batches.
    pub readings_sent: u64,
    /// Failed attempts: unreachable server, timeouts, non-2xx answers.
    pub errors: u64,
    pub last_error: Option<String>,
}

/// What a finished run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimStats {
    pub elapsed: Duration,
    pub batches_sent: u64,
    pub readings_sent: u64,
    pub errors: u64,
}

fn per_second(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(1e-9)
}

impl fmt::Display for SimProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{:.1} s] {} batches, {} readings sent ({:.0} readings/s), {} errors",
            self.elapsed.as_secs_f64(),
            self.batches_sent,
            self.readings_sent,
            per_second(self.readings_sent, self.elapsed),
            self.errors
        )?;
        if let Some(e) = &self.last_error {
            write!(f, "; last error: {e}")?;
        }
        Ok(())
    }
}

impl fmt::Display for SimStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sent {} batches, {} readings in {:.1} s ({:.0} readings/s), {} errors",
            self.batches_sent,
            self.readings_sent,
            self.elapsed.as_secs_f64(),
            per_second(self.readings_sent, self.elapsed),
            self.errors
        )
    }
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("invalid simulator settings: {0}")]
    Config(String),
    #[error("invalid simulator URL {url:?}: {reason}")]
    Url { url: String, reason: String },
}

fn check(config: &PhoneSimConfig) -> Result<Uri, SimError> {
    if config.devices == 0 {
        return Err(SimError::Config("devices must be at least 1".into()));
    }
    if !(config.rate_hz.is_finite() && config.rate_hz > 0.0 && config.rate_hz <= 100_000.0) {
        return Err(SimError::Config(format!(
            "rate must be above 0 and at most 100000 readings/s per sensor, not {}",
            config.rate_hz
        )));
    }
    if config.batch_period < Duration::from_millis(1) {
        return Err(SimError::Config(
            "the batch period must be at least 1 ms".into(),
        ));
    }
    let bad = |reason: &str| SimError::Url {
        url: config.url.clone(),
        reason: reason.to_string(),
    };
    let uri: Uri = config
        .url
        .parse()
        .map_err(|e: hyper::http::uri::InvalidUri| bad(&e.to_string()))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => return Err(bad("only plain http:// is supported")),
        _ => return Err(bad("expected http://host:port/path")),
    }
    if uri.authority().is_none() {
        return Err(bad("no host"));
    }
    Ok(uri)
}

/// What a simulator sent and what failed, shared by its tasks.
#[derive(Default)]
pub(crate) struct Tally {
    batches: AtomicU64,
    readings: AtomicU64,
    errors: AtomicU64,
    last_error: Mutex<Option<String>>,
}

impl Tally {
    pub(crate) fn sent(&self, readings: u64) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.readings.fetch_add(readings, Ordering::Relaxed);
    }

    pub(crate) fn failed(&self, error: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(%error, "simulator: post failed");
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(error);
    }

    pub(crate) fn snapshot(&self, elapsed: Duration) -> SimProgress {
        SimProgress {
            elapsed,
            batches_sent: self.batches.load(Ordering::Relaxed),
            readings_sent: self.readings.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            last_error: self
                .last_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        }
    }
}

/// Runs `config.devices` phones posting to `config.url` every batch period until `stop`
/// completes; calls `progress` about once a second and once at the end. Runs inside a Tokio
/// runtime (one task per phone); only bad settings make it fail, sending errors are counted.
pub async fn run_phones<S, P>(
    config: PhoneSimConfig,
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
    let (phones, sample_period_ns, batch_period_ns) = PhoneSimulator::new(&config).into_phones();
    let tally = Arc::new(Tally::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let started = Instant::now();
    let count = phones.len();
    let mut tasks = JoinSet::new();
    for (i, phone) in phones.into_iter().enumerate() {
        let sender = Sender {
            phone,
            client: client.clone(),
            uri: uri.clone(),
            tally: Arc::clone(&tally),
            stop: stop_rx.clone(),
            sample_period_ns,
            batch_period_ns,
            batch_period: config.batch_period,
            // Spread the phones over the period instead of posting all at once.
            offset: config.batch_period.mul_f64(i as f64 / count as f64),
        };
        tasks.spawn(sender.run());
    }
    tokio::pin!(stop);
    let mut ticker =
        tokio::time::interval_at(tokio::time::Instant::now() + PROGRESS_EVERY, PROGRESS_EVERY);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = ticker.tick() => progress(tally.snapshot(started.elapsed())),
        }
    }
    let _ = stop_tx.send(true);
    while tasks.join_next().await.is_some() {}
    let last = tally.snapshot(started.elapsed());
    progress(last.clone());
    Ok(SimStats {
        elapsed: last.elapsed,
        batches_sent: last.batches_sent,
        readings_sent: last.readings_sent,
        errors: last.errors,
    })
}

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// An error and its causes on one line (hyper's own message is only "client error (Connect)").
fn describe(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cause = c.source();
    }
    s
}

/// One phone's sending loop.
struct Sender {
    phone: Phone,
    client: Client<HttpConnector, Full<Bytes>>,
    uri: Uri,
    tally: Arc<Tally>,
    stop: watch::Receiver<bool>,
    sample_period_ns: f64,
    batch_period_ns: i64,
    batch_period: Duration,
    offset: Duration,
}

impl Sender {
    async fn run(mut self) {
        if !self.offset.is_zero() {
            tokio::select! {
                _ = self.stop.changed() => return,
                _ = tokio::time::sleep(self.offset) => {}
            }
        }
        let mut ticker = tokio::time::interval(self.batch_period);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                _ = self.stop.changed() => return,
                _ = ticker.tick() => {}
            }
            let batch =
                self.phone
                    .next_batch(now_ns(), self.sample_period_ns, self.batch_period_ns);
            let readings = batch["payload"].as_array().map_or(0, Vec::len) as u64;
            let body = match serde_json::to_vec(&batch) {
                Ok(b) => Bytes::from(b),
                Err(e) => {
                    self.tally.failed(format!("cannot serialise a batch: {e}"));
                    continue;
                }
            };
            if !self.deliver(body, readings).await {
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

/// Posts `body` to `uri` until accepted, rejected for good, or stopped (returns false when stopped). A
/// request in flight when the run stops gets a short grace to finish, so what the server
/// stored is what the tally counts.
pub(crate) async fn deliver(
    client: &Client<HttpConnector, Full<Bytes>>,
    uri: &Uri,
    body: Bytes,
    readings: u64,
    tally: &Tally,
    stop: &mut watch::Receiver<bool>,
) -> bool {
    let mut backoff = FIRST_BACKOFF;
    loop {
        let request = tokio::time::timeout(REQUEST_TIMEOUT, post(client, uri, body.clone()));
        tokio::pin!(request);
        let mut stopping = false;
        let attempt = tokio::select! {
            biased;
            r = &mut request => r,
            _ = stop.changed() => {
                stopping = true;
                match tokio::time::timeout(STOP_GRACE, &mut request).await {
                    Ok(r) => r,
                    Err(_) => return false,
                }
            }
        };
        let retry = match attempt {
            Ok(Ok((status, _))) if status.is_success() => {
                tally.sent(readings);
                return !stopping;
            }
            Ok(Ok((status, text))) => {
                tally.failed(format!("{} answered {status}: {text}", uri));
                status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
            }
            Ok(Err(e)) => {
                tally.failed(format!("cannot reach {}: {e}", uri));
                true
            }
            Err(_) => {
                tally.failed(format!("{} did not answer within {REQUEST_TIMEOUT:?}", uri));
                true
            }
        };
        if stopping {
            return false;
        }
        if !retry {
            return true;
        }
        tokio::select! {
            _ = stop.changed() => return false,
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// One POST; the status and, for a failure, the start of the answer.
pub(crate) async fn post(
    client: &Client<HttpConnector, Full<Bytes>>,
    uri: &Uri,
    body: Bytes,
) -> Result<(StatusCode, String), String> {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri.clone())
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(body))
        .map_err(|e| describe(&e))?;
    let res = client.request(req).await.map_err(|e| describe(&e))?;
    let status = res.status();
    let answer = res
        .into_body()
        .collect()
        .await
        .map_err(|e| describe(&e))?
        .to_bytes();
    let text = if status.is_success() {
        String::new()
    } else {
        String::from_utf8_lossy(&answer[..answer.len().min(300)]).into_owned()
    };
    Ok((status, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked() {
        let ok = PhoneSimConfig::default();
        assert!(check(&ok).is_ok());
        for bad in [
            PhoneSimConfig {
                devices: 0,
                ..ok.clone()
            },
            PhoneSimConfig {
                rate_hz: 0.0,
                ..ok.clone()
            },
            PhoneSimConfig {
                rate_hz: f64::NAN,
                ..ok.clone()
            },
            PhoneSimConfig {
                batch_period: Duration::ZERO,
                ..ok.clone()
            },
        ] {
            assert!(matches!(check(&bad), Err(SimError::Config(_))), "{bad:?}");
        }
        for url in [
            "https://x/phone-producer/",
            "127.0.0.1:8088",
            "/phone-producer/",
            "http://",
        ] {
            let c = PhoneSimConfig {
                url: url.into(),
                ..ok.clone()
            };
            assert!(matches!(check(&c), Err(SimError::Url { .. })), "{url}");
        }
    }

    #[test]
    fn reports_read_well() {
        let p = SimProgress {
            elapsed: Duration::from_secs(2),
            batches_sent: 30,
            readings_sent: 1500,
            errors: 1,
            last_error: Some("boom".into()),
        };
        assert_eq!(
            p.to_string(),
            "[2.0 s] 30 batches, 1500 readings sent (750 readings/s), 1 errors; last error: boom"
        );
    }
}
