//! SSE viewers for `rivulet bench ingest --sse-clients N`: N in-process keep-alive connections
//! that each `GET` an SSE feed (`/chart-data/{i}` by default) and count the events they read
//! (an event ends at a blank line), plus the server's SSE drop counters read from `/metrics`.
//! It owns the viewers only; the ingest load and the reports are `bench`'s.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::task::JoinHandle;

use crate::http_client::HttpClient;

/// Counts event ends (blank lines) in an SSE byte stream that arrives in pieces.
#[derive(Default)]
pub struct EventCounter {
    /// Whether the current line has had a character other than `\r` yet.
    line_has_text: bool,
    /// Whether any line ended yet (a blank first line ends no event).
    started: bool,
}

impl EventCounter {
    /// Feeds the next bytes; returns how many events ended in them.
    pub fn feed(&mut self, data: &[u8]) -> u64 {
        let mut events = 0;
        let mut line_start = 0;
        while let Some(offset) = find_newline(&data[line_start..]) {
            let end = line_start + offset;
            let blank = !self.line_has_text && data[line_start..end].iter().all(|&b| b == b'\r');
            if blank && self.started {
                events += 1;
            }
            self.started = true;
            self.line_has_text = false;
            line_start = end + 1;
        }
        if data[line_start..].iter().any(|&b| b != b'\r') {
            self.line_has_text = true;
        }
        events
    }
}

/// The first `\n` in `s`, eight bytes at a time (most bytes of an event are not line ends).
fn find_newline(s: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut from = 0;
    for word in s.chunks_exact(8) {
        let w = u64::from_le_bytes([
            word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
        ]) ^ (ONES * u64::from(b'\n'));
        // Whether a byte of `w` is zero (exact as a yes/no).
        if w.wrapping_sub(ONES) & !w & HIGHS != 0 {
            break;
        }
        from += 8;
    }
    s[from..].iter().position(|&b| b == b'\n').map(|p| from + p)
}

/// One viewer's counters.
#[derive(Default)]
struct Counts {
    events: AtomicU64,
    bytes: AtomicU64,
}

/// N open SSE connections reading and counting events until closed.
pub struct SseViewers {
    counts: Vec<Arc<Counts>>,
    tasks: Vec<JoinHandle<()>>,
    /// Viewers whose stream ended or failed before `close`.
    ended: Arc<AtomicU64>,
}

/// Events and bytes each viewer has read so far.
#[derive(Clone, Debug, Default)]
pub struct ViewerCounts {
    pub events: Vec<u64>,
    pub bytes: Vec<u64>,
}

impl SseViewers {
    /// Opens `n` viewers of `path_template` (`{i}` replaced by 0..n) on `authority` and waits
    /// until every one has its response headers (so the feeds run before the load starts).
    pub async fn open(authority: &str, path_template: &str, n: usize) -> anyhow::Result<Self> {
        let mut viewers = SseViewers {
            counts: Vec::with_capacity(n),
            tasks: Vec::with_capacity(2 * n),
            ended: Arc::default(),
        };
        for i in 0..n {
            let path = path_template.replace("{i}", &i.to_string());
            let stream = tokio::net::TcpStream::connect(authority)
                .await
                .with_context(|| format!("SSE viewer {i}: connecting to {authority}"))?;
            stream.set_nodelay(true)?;
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
                    .await?;
            viewers.tasks.push(tokio::spawn(async move {
                let _ = conn.await;
            }));
            let req = Request::get(path.as_str())
                .header("host", authority)
                .header("accept", "text/event-stream")
                .body(Empty::new())?;
            let res = sender
                .send_request(req)
                .await
                .with_context(|| format!("SSE viewer {i}: GET {path}"))?;
            anyhow::ensure!(
                res.status().is_success(),
                "SSE viewer {i}: GET {path} answered {}",
                res.status()
            );
            let counts = Arc::new(Counts::default());
            let (mine, ended) = (counts.clone(), viewers.ended.clone());
            let mut body = res.into_body();
            viewers.tasks.push(tokio::spawn(async move {
                // The request sender lives as long as the reading, so the connection does.
                let _sender = sender;
                let mut counter = EventCounter::default();
                while let Some(Ok(frame)) = body.frame().await {
                    if let Ok(data) = frame.into_data() {
                        mine.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
                        let n = counter.feed(&data);
                        if n > 0 {
                            mine.events.fetch_add(n, Ordering::Relaxed);
                        }
                    }
                }
                ended.fetch_add(1, Ordering::Relaxed);
            }));
            viewers.counts.push(counts);
        }
        Ok(viewers)
    }

    /// Each viewer's events and bytes so far.
    pub fn counts(&self) -> ViewerCounts {
        ViewerCounts {
            events: self
                .counts
                .iter()
                .map(|c| c.events.load(Ordering::Relaxed))
                .collect(),
            bytes: self
                .counts
                .iter()
                .map(|c| c.bytes.load(Ordering::Relaxed))
                .collect(),
        }
    }

    /// Viewers whose stream ended before `close`.
    pub fn ended(&self) -> u64 {
        self.ended.load(Ordering::Relaxed)
    }

    /// Closes every connection and waits until the tasks are gone.
    pub async fn close(self) {
        for t in &self.tasks {
            t.abort();
        }
        for t in self.tasks {
            let _ = t.await;
        }
        // Let the server notice the closed connections and stop its shared query.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The server's SSE counters from `/metrics` (sums over labels); zeros when absent.
#[derive(Clone, Copy, Debug, Default)]
pub struct ServerSseCounters {
    /// `rivulet_sse_events_sent_total`
    pub sent: f64,
    /// `rivulet_sse_events_dropped_total`, every reason
    pub dropped: f64,
}

impl ServerSseCounters {
    pub async fn scrape(http: &HttpClient) -> anyhow::Result<Self> {
        let answer = http.get("/metrics").await?;
        anyhow::ensure!(answer.status == 200, "/metrics answered {}", answer.status);
        let text = String::from_utf8_lossy(&answer.body);
        Ok(ServerSseCounters {
            sent: metric_sum(&text, "rivulet_sse_events_sent_total"),
            dropped: metric_sum(&text, "rivulet_sse_events_dropped_total"),
        })
    }
}

/// The sum of a metric's samples (every label set) in a Prometheus text exposition.
fn metric_sum(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let rest = l.strip_prefix(name)?;
            if !(rest.starts_with(' ') || rest.starts_with('{')) {
                return None;
            }
            l.rsplit(' ').next()?.parse::<f64>().ok()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_chart_and_plain_events_across_pieces() {
        let event = "id: message_id\r\nevent: new_message\r\ndata: [1]\r\nretry: 1500000\r\n\r\n";
        let stream = format!("{event}{event}event: schema\ndata: {{}}\n\ndata: 2\n\n");
        for split in 0..stream.len() {
            let mut c = EventCounter::default();
            let (a, b) = stream.as_bytes().split_at(split);
            assert_eq!(c.feed(a) + c.feed(b), 4, "split at {split}");
        }
        let mut c = EventCounter::default();
        assert_eq!(c.feed(stream.repeat(3).as_bytes()), 12);
    }

    #[test]
    fn finds_newlines_at_every_position() {
        for len in 0..40 {
            for at in 0..len {
                let mut s = vec![b'x'; len];
                s[at] = b'\n';
                assert_eq!(find_newline(&s), Some(at));
            }
            assert_eq!(find_newline(&vec![0x8a; len]), None);
        }
    }

    #[test]
    fn sums_a_metric_over_its_labels() {
        let text = "# TYPE rivulet_sse_events_dropped counter\nrivulet_sse_events_dropped_total{reason=\"lagged\"} 3\nrivulet_sse_events_dropped_total{reason=\"coalesced\"} 4.5\nrivulet_sse_events_dropped_totalx 9\n";
        assert_eq!(metric_sum(text, "rivulet_sse_events_dropped_total"), 7.5);
        assert_eq!(metric_sum(text, "rivulet_sse_events_sent_total"), 0.0);
    }
}
