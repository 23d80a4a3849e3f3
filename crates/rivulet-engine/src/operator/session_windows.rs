//! Session windows (`WINDOW SESSION (<gap>)`), as ksqlDB runs them on Kafka Streams'
//! `KStreamSessionWindowAggregate` with record caching off (reference 3.1, 3.2, 3.10):
//!
//! - A session of a key is `[start, end]`, inclusive on both ends; `end` is the time of its
//!   last record, so a single-record session has `start == end`.
//! - A record at time `t` falls into every session of its key with `end >= t - gap` and
//!   `start <= t + gap`; those sessions and the record merge into one session spanning all of
//!   them. Each merged-away session is retracted with a tombstone (key, old window) first, in
//!   (end, start) order, then the merged session's row is emitted. A record that falls into no
//!   session starts one and emits its row.
//! - Stream time is the largest record time seen by this operator (the caller keeps one
//!   operator per shuffle partition). A record whose merged session would end before
//!   `stream time − grace` is late: it is dropped and counted ([`SessionOperator::late_dropped`]).
//!   Grace defaults to ksqlDB's `max(24 h − gap, 0)`.
//! - Merging recomputes the aggregates from the merged sessions' argument rows in arrival order
//!   (the accumulators have no merge function), so a session keeps its rows until it can no
//!   longer take part in an accepted merge (`end < stream time − grace − gap`), then leaves
//!   the state.
//! - A result's timestamp is the session's end (its latest record time); a tombstone's is the
//!   time of the record that caused the merge.
//!
//! This operator owns sessions, merging, lateness and the aggregate values per session. It
//! works on already-encoded key bytes and already-evaluated argument values: it must not
//! evaluate expressions, apply HAVING or the projection, nor do I/O (runners do).

use std::collections::HashMap;

use rivulet_core::Value;
use rivulet_expr::aggregate::AggregateCall;

/// ksqlDB's default grace for windowed aggregations without GRACE PERIOD: 24 h minus the
/// window size (here the gap), at least 0.
pub const DEFAULT_GRACE_BASE_MS: i64 = 24 * 60 * 60 * 1000;

/// One output of the session operator.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionChange {
    /// The group's key bytes (the inner key of the windowed key).
    pub key: Vec<u8>,
    pub start: i64,
    pub end: i64,
    pub timestamp: i64,
    /// One result per aggregate call; `None` retracts the session (a tombstone).
    pub results: Option<Vec<Value>>,
}

/// One open session of one key.
#[derive(Debug, Clone)]
struct Session {
    start: i64,
    end: i64,
    /// Argument values of each record, with its arrival number, in arrival order.
    rows: Vec<(u64, Vec<Vec<Value>>)>,
}

/// Session-windowed aggregation over one shuffle partition.
pub struct SessionOperator {
    calls: Vec<AggregateCall>,
    gap: i64,
    grace: i64,
    stream_time: i64,
    arrivals: u64,
    sessions: HashMap<Vec<u8>, Vec<Session>>,
    /// Records dropped because their (merged) session had closed.
    pub late_dropped: u64,
}

impl SessionOperator {
    /// An operator computing `calls` per session, with inactivity `gap_ms` and `grace_ms`
    /// (`None`: ksqlDB's default).
    pub fn new(calls: Vec<AggregateCall>, gap_ms: i64, grace_ms: Option<i64>) -> SessionOperator {
        let gap = gap_ms.max(0);
        SessionOperator {
            calls,
            gap,
            grace: grace_ms
                .unwrap_or_else(|| DEFAULT_GRACE_BASE_MS.saturating_sub(gap))
                .max(0),
            stream_time: i64::MIN,
            arrivals: 0,
            sessions: HashMap::new(),
            late_dropped: 0,
        }
    }

    /// Number of keys and sessions held.
    pub fn size(&self) -> (usize, usize) {
        (
            self.sessions.len(),
            self.sessions.values().map(Vec::len).sum(),
        )
    }

    /// Aggregates one record of `key` at `time` whose aggregate arguments are `args` (one list
    /// per call), appending the changes it causes to `out`.
    pub fn process(
        &mut self,
        key: &[u8],
        time: i64,
        args: Vec<Vec<Value>>,
        out: &mut Vec<SessionChange>,
    ) {
        self.stream_time = self.stream_time.max(time);
        let close = self.stream_time.saturating_sub(self.grace);
        let gap = self.gap;
        let sessions = self.sessions.entry(key.to_vec()).or_default();
        let (mut merging, keep): (Vec<Session>, Vec<Session>) =
            std::mem::take(sessions).into_iter().partition(|s| {
                s.end >= time.saturating_sub(gap) && s.start <= time.saturating_add(gap)
            });
        *sessions = keep;
        let start = merging.iter().map(|s| s.start).fold(time, i64::min);
        let end = merging.iter().map(|s| s.end).fold(time, i64::max);
        if end < close {
            self.late_dropped += 1;
            sessions.append(&mut merging);
            self.evict(close);
            return;
        }
        merging.sort_by_key(|s| (s.end, s.start));
        let mut rows = Vec::new();
        for old in merging {
            out.push(SessionChange {
                key: key.to_vec(),
                start: old.start,
                end: old.end,
                timestamp: time,
                results: None,
            });
            rows.extend(old.rows);
        }
        self.arrivals += 1;
        rows.push((self.arrivals, args));
        rows.sort_by_key(|(n, _)| *n);
        let merged = Session { start, end, rows };
        out.push(SessionChange {
            key: key.to_vec(),
            start,
            end,
            timestamp: end,
            results: Some(self.results(&merged)),
        });
        if let Some(sessions) = self.sessions.get_mut(key) {
            sessions.push(merged);
        }
        self.evict(close);
    }

    /// The aggregate values of `session`, recomputed from its rows.
    fn results(&self, session: &Session) -> Vec<Value> {
        let mut accumulators: Vec<_> = self.calls.iter().map(AggregateCall::init).collect();
        for (_, args) in &session.rows {
            for ((call, acc), args) in self.calls.iter().zip(&mut accumulators).zip(args) {
                let mut args = args.clone();
                call.update(acc, &mut args);
            }
        }
        self.calls
            .iter()
            .zip(&accumulators)
            .map(|(call, acc)| call.result(acc))
            .collect()
    }

    /// Drops sessions that can no longer take part in an accepted merge.
    fn evict(&mut self, close: i64) {
        let limit = close.saturating_sub(self.gap);
        self.sessions.retain(|_, sessions| {
            sessions.retain(|s| s.end >= limit);
            !sessions.is_empty()
        });
    }
}

#[cfg(test)]
mod tests {
    use rivulet_core::DataType;
    use rivulet_expr::{aggregate::resolve, Expr};

    use super::*;

    /// `COUNT(*)` and `SUM(x)` over an INT argument.
    fn operator(gap: i64, grace: Option<i64>) -> SessionOperator {
        let calls = vec![
            resolve("COUNT", vec![], true).unwrap(),
            resolve("SUM", vec![Expr::column(0, DataType::Int)], false).unwrap(),
        ];
        SessionOperator::new(calls, gap, grace)
    }

    /// One golden line: key, start, end, Some((count, sum)) or None for a tombstone.
    type Line = (&'static str, i64, i64, Option<(i64, i32)>);

    fn run(op: &mut SessionOperator, inputs: &[(&str, i64, i32)]) -> Vec<Line> {
        let mut out = Vec::new();
        for (key, time, x) in inputs {
            op.process(
                key.as_bytes(),
                *time,
                vec![vec![], vec![Value::Int(*x)]],
                &mut out,
            );
        }
        out.into_iter()
            .map(|c| {
                let key: &'static str = match c.key.as_slice() {
                    b"a" => "a",
                    b"b" => "b",
                    _ => "?",
                };
                let results = c.results.map(|r| match (&r[0], &r[1]) {
                    (Value::Bigint(n), Value::Int(s)) => (*n, *s),
                    other => panic!("unexpected results {other:?}"),
                });
                (key, c.start, c.end, results)
            })
            .collect()
    }

    #[test]
    fn a_single_record_session_starts_and_ends_at_its_time() {
        let mut op = operator(20_000, None);
        assert_eq!(
            run(&mut op, &[("a", 1_000, 5)]),
            vec![("a", 1_000, 1_000, Some((1, 5)))]
        );
    }

    #[test]
    fn extending_a_session_retracts_the_old_window_first() {
        let mut op = operator(20_000, None);
        let got = run(
            &mut op,
            &[("a", 1_000, 5), ("a", 15_000, 2), ("b", 16_000, 1)],
        );
        assert_eq!(
            got,
            vec![
                ("a", 1_000, 1_000, Some((1, 5))),
                ("a", 1_000, 1_000, None),
                ("a", 1_000, 15_000, Some((2, 7))),
                ("b", 16_000, 16_000, Some((1, 1))),
            ]
        );
    }

    #[test]
    fn a_record_beyond_the_gap_starts_a_new_session() {
        let mut op = operator(20_000, None);
        let got = run(&mut op, &[("a", 1_000, 1), ("a", 21_001, 2)]);
        assert_eq!(
            got,
            vec![
                ("a", 1_000, 1_000, Some((1, 1))),
                ("a", 21_001, 21_001, Some((1, 2))),
            ]
        );
        // Exactly at the gap still merges (inclusive).
        let mut op = operator(20_000, None);
        let got = run(&mut op, &[("a", 1_000, 1), ("a", 21_000, 2)]);
        assert_eq!(got[2], ("a", 1_000, 21_000, Some((2, 3))));
    }

    #[test]
    fn an_out_of_order_record_bridges_two_sessions_into_one() {
        let mut op = operator(10_000, None);
        let got = run(&mut op, &[("a", 0, 1), ("a", 30_000, 2), ("a", 15_000, 4)]);
        // 15 s is more than the 10 s gap from both 0 and 30 s: a session of its own.
        assert_eq!(got[2], ("a", 15_000, 15_000, Some((1, 4))));
        // A record at 22 s joins [15 s] and [30 s]: both retracted, (end, start) order.
        let mut out = Vec::new();
        op.process(b"a", 22_000, vec![vec![], vec![Value::Int(8)]], &mut out);
        let ends: Vec<(i64, i64, bool)> = out
            .iter()
            .map(|c| (c.start, c.end, c.results.is_some()))
            .collect();
        assert_eq!(
            ends,
            vec![
                (15_000, 15_000, false),
                (30_000, 30_000, false),
                (15_000, 30_000, true),
            ]
        );
        assert_eq!(out[2].results, Some(vec![Value::Bigint(3), Value::Int(14)]));
        assert_eq!(out[2].timestamp, 30_000);
    }

    #[test]
    fn late_records_are_dropped_after_grace() {
        let mut op = operator(5_000, Some(1_000));
        let got = run(
            &mut op,
            &[("a", 10_000, 1), ("b", 30_000, 1), ("a", 20_000, 1)],
        );
        // Stream time 30 s, grace 1 s: a session ending at 20 s is closed.
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(op.late_dropped, 1);
        // Ending exactly at stream time − grace is still accepted (Kafka Streams: end < close).
        let got = run(&mut op, &[("a", 29_000, 1)]);
        assert_eq!(got, vec![("a", 29_000, 29_000, Some((1, 1)))]);
        // Closed sessions leave the state.
        run(&mut op, &[("b", 100_000, 1)]);
        assert_eq!(op.size(), (1, 1));
    }
}
