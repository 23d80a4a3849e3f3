//! Session windows (`WINDOW SESSION (<gap>)`), as ksqlDB runs them on Kafka Streams'
//! `KStreamSessionWindowAggregate` with record caching off (reference 3.1, 3.2, 3.10):
//!
//! - A session of a key is `[start, end]`, inclusive on both ends; `end` is the time of its
//!   last record, so a single-record session has `start == end`.
//! - A record at time `t` falls into every session of its key with `end >= t - gap` and
//!   `start <= t + gap` (both bounds inclusive); those sessions and the record merge into one
//!   session spanning all of them. Unless the merged session is just `[t, t]`, each merged-away
//!   session is retracted with a tombstone (key, old window) first, in (end, start) order, then
//!   the merged session's row is emitted. A record that falls into no session starts one and
//!   emits its row.
//! - Stream time is the largest record time seen by this state (the caller keeps one
//!   [`SessionState`] per shuffle partition). A record whose merged session would end before
//!   `stream time − grace − gap` is late (Kafka Streams 3.x closes sessions `gap + grace`
//!   after their end): it is dropped, nothing is emitted, and [`SessionOperator::process`]
//!   says so. Grace defaults to ksqlDB's `max(24 h − gap, 0)`.
//! - Every output (tombstones and the merged row) carries the time of the record that caused
//!   it, as Kafka Streams forwards the input record's timestamp.
//! - Aggregates: extending one session (or starting one) updates its accumulators with the new
//!   record; merging two or more sessions recomputes them from the merged sessions' argument
//!   rows in arrival order (the accumulators have no merge function). So a session keeps its
//!   rows while it is held: until it ends more than the retention (`RETENTION`, default one
//!   day, at least `gap + grace`) before stream time, as Kafka Streams' session store keeps it.
//!
//! State ([`SessionState`]) is plain serde data, so a checkpoint can snapshot it. This operator
//! owns sessions, merging, lateness, eviction and the aggregate values per session. It works on
//! already-encoded key bytes and already-evaluated argument values: it must not evaluate
//! expressions, apply HAVING, the projection or EMIT FINAL's suppression, nor do I/O (the
//! aggregate operator and the runners do).

use std::collections::{BTreeMap, BTreeSet};

use rivulet_core::Value;
use rivulet_expr::aggregate::{Accumulator, AggregateCall, StoredValue};
use serde::{Deserialize, Serialize};

/// ksqlDB's default grace for windowed aggregations without GRACE PERIOD: 24 h minus the
/// window size (here the gap), at least 0.
pub const DEFAULT_GRACE_BASE_MS: i64 = 24 * 60 * 60 * 1000;

/// Default retention of windowed state: one day.
const DEFAULT_RETENTION_MS: i64 = 24 * 60 * 60 * 1000;

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub start: i64,
    pub end: i64,
    /// Time of the record that last changed the session: its row's timestamp.
    pub timestamp: i64,
    pub accumulators: Vec<Accumulator>,
    /// Argument values of each record (one list per call), with its arrival number, in
    /// arrival order: what a merge recomputes from.
    pub rows: Vec<(u64, Vec<Vec<StoredValue>>)>,
}

/// The sessions of one key, with the key's values (for the aggregate row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeySessions {
    pub key: Vec<StoredValue>,
    pub sessions: Vec<Session>,
}

/// Everything one shuffle partition's session windows remember; serde, for checkpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    /// Largest record time seen (`i64::MIN` before any record).
    pub stream_time: i64,
    /// Records aggregated so far (orders rows for recomputation).
    pub arrivals: u64,
    /// Sessions by key bytes.
    pub keys: BTreeMap<Vec<u8>, KeySessions>,
    /// Every held session by (end, key bytes, start), for eviction.
    pub by_end: BTreeSet<(i64, Vec<u8>, i64)>,
}

impl Default for SessionState {
    fn default() -> Self {
        SessionState {
            stream_time: i64::MIN,
            arrivals: 0,
            keys: BTreeMap::new(),
            by_end: BTreeSet::new(),
        }
    }
}

impl SessionState {
    /// Number of keys and sessions held.
    pub fn size(&self) -> (usize, usize) {
        (self.keys.len(), self.by_end.len())
    }
}

/// Session-windowed aggregation: the window definition and the aggregate calls; the state
/// is passed in ([`SessionState`], one per shuffle partition).
#[derive(Debug, Clone)]
pub struct SessionOperator {
    calls: Vec<AggregateCall>,
    gap: i64,
    grace: i64,
    retention: i64,
}

fn stored(args: &[Vec<Value>]) -> Vec<Vec<StoredValue>> {
    args.iter()
        .map(|a| a.iter().cloned().map(StoredValue).collect())
        .collect()
}

impl SessionOperator {
    /// An operator computing `calls` per session, with inactivity `gap_ms`, `grace_ms` and
    /// `retention_ms` (`None`: ksqlDB's defaults).
    pub fn new(
        calls: Vec<AggregateCall>,
        gap_ms: i64,
        grace_ms: Option<i64>,
        retention_ms: Option<i64>,
    ) -> SessionOperator {
        let gap = gap_ms.max(0);
        let grace = grace_ms
            .unwrap_or_else(|| DEFAULT_GRACE_BASE_MS.saturating_sub(gap))
            .max(0);
        let retention = retention_ms
            .unwrap_or(DEFAULT_RETENTION_MS)
            .max(gap.saturating_add(grace));
        SessionOperator {
            calls,
            gap,
            grace,
            retention,
        }
    }

    /// The inactivity gap in milliseconds.
    pub fn gap(&self) -> i64 {
        self.gap
    }

    /// The grace period in milliseconds.
    pub fn grace(&self) -> i64 {
        self.grace
    }

    /// The stream time at which a session ending at `end` closes: `end + gap + grace`.
    pub fn close(&self, end: i64) -> i64 {
        end.saturating_add(self.gap).saturating_add(self.grace)
    }

    /// The current aggregate values of `session`.
    pub fn results(&self, session: &Session) -> Vec<Value> {
        self.calls
            .iter()
            .zip(&session.accumulators)
            .map(|(call, acc)| call.result(acc))
            .collect()
    }

    /// Aggregates one record of `key` (whose values are `key_values`) at `time` whose
    /// aggregate arguments are `args` (one list per call), appending the changes it causes to
    /// `out`. Returns `false` when the record is late and was dropped.
    pub fn process(
        &self,
        state: &mut SessionState,
        key: &[u8],
        key_values: &[Value],
        time: i64,
        mut args: Vec<Vec<Value>>,
        out: &mut Vec<SessionChange>,
    ) -> bool {
        state.stream_time = state.stream_time.max(time);
        self.evict(state);
        let close = state
            .stream_time
            .saturating_sub(self.grace)
            .saturating_sub(self.gap);
        let (lo, hi) = (time.saturating_sub(self.gap), time.saturating_add(self.gap));
        let held = state.keys.get(key).map_or(&[][..], |k| &k.sessions[..]);
        let touching = |s: &Session| s.end >= lo && s.start <= hi;
        let start = held
            .iter()
            .filter(|s| touching(s))
            .map(|s| s.start)
            .fold(time, i64::min);
        let end = held
            .iter()
            .filter(|s| touching(s))
            .map(|s| s.end)
            .fold(time, i64::max);
        if end < close {
            return false;
        }
        let entry = state
            .keys
            .entry(key.to_vec())
            .or_insert_with(|| KeySessions {
                key: key_values.iter().cloned().map(StoredValue).collect(),
                sessions: Vec::new(),
            });
        let (mut merging, keep): (Vec<Session>, Vec<Session>) = std::mem::take(&mut entry.sessions)
            .into_iter()
            .partition(touching);
        entry.sessions = keep;
        merging.sort_by_key(|s| (s.end, s.start));
        for old in &merging {
            state.by_end.remove(&(old.end, key.to_vec(), old.start));
            if (start, end) != (time, time) {
                out.push(SessionChange {
                    key: key.to_vec(),
                    start: old.start,
                    end: old.end,
                    timestamp: time,
                    results: None,
                });
            }
        }
        state.arrivals += 1;
        let row = (state.arrivals, stored(&args));
        let mut merged = if merging.len() <= 1 {
            let mut session = merging.pop().unwrap_or_else(|| Session {
                start,
                end,
                timestamp: time,
                accumulators: self.calls.iter().map(AggregateCall::init).collect(),
                rows: Vec::new(),
            });
            for ((call, acc), args) in self
                .calls
                .iter()
                .zip(&mut session.accumulators)
                .zip(&mut args)
            {
                call.update(acc, args);
            }
            session.rows.push(row);
            session
        } else {
            let mut rows: Vec<_> = merging.into_iter().flat_map(|s| s.rows).collect();
            rows.push(row);
            rows.sort_by_key(|(n, _)| *n);
            let mut accumulators: Vec<Accumulator> =
                self.calls.iter().map(AggregateCall::init).collect();
            for (_, args) in &rows {
                for ((call, acc), args) in self.calls.iter().zip(&mut accumulators).zip(args) {
                    let mut values: Vec<Value> = args.iter().map(|v| v.0.clone()).collect();
                    call.update(acc, &mut values);
                }
            }
            Session {
                start,
                end,
                timestamp: time,
                accumulators,
                rows,
            }
        };
        merged.start = start;
        merged.end = end;
        merged.timestamp = time;
        out.push(SessionChange {
            key: key.to_vec(),
            start,
            end,
            timestamp: time,
            results: Some(self.results(&merged)),
        });
        state.by_end.insert((end, key.to_vec(), start));
        entry.sessions.push(merged);
        true
    }

    /// Drops the sessions that ended more than the retention before stream time.
    fn evict(&self, state: &mut SessionState) {
        let limit = state.stream_time.saturating_sub(self.retention);
        while let Some((end, _, _)) = state.by_end.first() {
            if *end >= limit {
                break;
            }
            let Some((end, key, start)) = state.by_end.pop_first() else {
                break;
            };
            if let Some(k) = state.keys.get_mut(&key) {
                k.sessions.retain(|s| (s.start, s.end) != (start, end));
                if k.sessions.is_empty() {
                    state.keys.remove(&key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rivulet_core::DataType;
    use rivulet_expr::{aggregate::resolve, Expr};

    use super::*;

    /// `COUNT(*)` and `SUM(x)` over an INT argument, with its state.
    fn operator(gap: i64, grace: Option<i64>) -> (SessionOperator, SessionState) {
        let calls = vec![
            resolve("COUNT", vec![], true).unwrap(),
            resolve("SUM", vec![Expr::column(0, DataType::Int)], false).unwrap(),
        ];
        (
            SessionOperator::new(calls, gap, grace, None),
            SessionState::default(),
        )
    }

    /// One golden line: key, start, end, Some((count, sum)) or None for a tombstone.
    type Line = (&'static str, i64, i64, Option<(i64, i32)>);

    fn changes(
        (op, state): &mut (SessionOperator, SessionState),
        inputs: &[(&str, i64, i32)],
    ) -> (Vec<SessionChange>, usize) {
        let mut out = Vec::new();
        let mut late = 0;
        for (key, time, x) in inputs {
            let args = vec![vec![], vec![Value::Int(*x)]];
            let key_values = [Value::string(*key)];
            if !op.process(state, key.as_bytes(), &key_values, *time, args, &mut out) {
                late += 1;
            }
        }
        (out, late)
    }

    fn run(op: &mut (SessionOperator, SessionState), inputs: &[(&str, i64, i32)]) -> Vec<Line> {
        changes(op, inputs)
            .0
            .into_iter()
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
    fn a_second_record_at_the_same_time_updates_without_a_tombstone() {
        // Kafka Streams retracts only when the merged window differs from [t, t].
        let mut op = operator(20_000, None);
        let got = run(&mut op, &[("a", 1_000, 5), ("a", 1_000, 2)]);
        assert_eq!(
            got,
            vec![
                ("a", 1_000, 1_000, Some((1, 5))),
                ("a", 1_000, 1_000, Some((2, 7))),
            ]
        );
        // A record inside a longer session retracts it and re-emits the same window.
        let got = run(&mut op, &[("a", 3_000, 1), ("a", 2_000, 1)]);
        assert_eq!(
            got,
            vec![
                ("a", 1_000, 1_000, None),
                ("a", 1_000, 3_000, Some((3, 8))),
                ("a", 1_000, 3_000, None),
                ("a", 1_000, 3_000, Some((4, 9))),
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
        let (out, _) = changes(&mut op, &[("a", 22_000, 8)]);
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
        // Every output carries the time of the record that caused it.
        assert!(out.iter().all(|c| c.timestamp == 22_000), "{out:?}");
        assert_eq!(op.1.size(), (1, 2));
    }

    #[test]
    fn late_records_are_dropped_gap_plus_grace_after_the_end() {
        let mut op = operator(5_000, Some(1_000));
        let (out, late) = changes(
            &mut op,
            &[("a", 10_000, 1), ("b", 30_000, 1), ("a", 20_000, 1)],
        );
        // Stream time 30 s, gap 5 s, grace 1 s: a session ending at 20 s is closed (< 24 s).
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(late, 1);
        // Ending exactly at stream time − gap − grace is still accepted (Kafka Streams:
        // end < close is late).
        let got = run(&mut op, &[("a", 24_000, 1)]);
        assert_eq!(got, vec![("a", 24_000, 24_000, Some((1, 1)))]);
        // A late record that would merge into an open session is accepted with it.
        let got = run(&mut op, &[("b", 26_000, 1)]);
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn sessions_leave_the_state_after_retention() {
        let calls = vec![resolve("COUNT", vec![], true).unwrap()];
        let op = SessionOperator::new(calls, 1_000, Some(0), Some(10_000));
        let mut state = SessionState::default();
        let mut out = Vec::new();
        for (k, t) in [(b"a", 0), (b"b", 5_000), (b"b", 10_000)] {
            op.process(&mut state, k, &[], t, vec![vec![]], &mut out);
        }
        assert_eq!(state.size(), (2, 3));
        op.process(&mut state, b"b", &[], 10_001, vec![vec![]], &mut out);
        assert_eq!(state.size(), (1, 2), "a's session ended 10 s before");
        let bytes = postcard::to_allocvec(&state).unwrap();
        let back: SessionState = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, state);
    }
}
