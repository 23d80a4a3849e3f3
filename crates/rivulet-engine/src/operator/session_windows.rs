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
//! - Aggregates, as Kafka Streams' `KStreamSessionWindowAggregate` with ksqlDB's merger: the
//!   new session's accumulators start empty, every session it absorbs is merged in
//!   ([`AggregateCall::merge`]) in store order — by (end, start) — and then the record updates
//!   them. A session keeps one accumulator per call and no rows, so state is O(open sessions),
//!   bounded per session by what each function keeps (a COUNT or LATEST_BY_OFFSET stays one
//!   value however long the session runs; COLLECT_LIST grows with its values, as in ksqlDB).
//!   The by-offset functions keep each value's arrival number (the state's `arrivals`, ksqlDB's
//!   SEQ), so merges order them by arrival as ksqlDB does. Sessions are held until they end more
//!   than the retention (`RETENTION`, default one day, at least `gap + grace`) before stream
//!   time, as Kafka Streams' session store keeps them.
//! - Checkpoints written before sessions merged accumulators hold each record's arguments in
//!   [`Session::rows`]; such a session is rebuilt from them (in arrival order, with their
//!   arrival numbers) the first time a record touches it, and its rows are dropped. The field
//!   stays, always empty in new state, so both kinds of checkpoint decode.
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
    /// One accumulator per call, from [`AggregateCall::init_mergeable`].
    pub accumulators: Vec<Accumulator>,
    /// Empty, except in state restored from a checkpoint written before sessions merged
    /// accumulators: there, each record's arguments (one list per call) with its arrival
    /// number, in arrival order, which [`SessionOperator::process`] rebuilds the accumulators
    /// from once. Kept so those checkpoints decode (same postcard layout).
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
    /// Records aggregated so far: each record's arrival number, the sequence the by-offset
    /// functions order merged values by.
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
        // Kafka Streams: agg = init; agg = merge(agg, s) for each session in store order; then
        // the record. merge(init, s) is s, so the first session's accumulators are the start.
        let mut absorbed = merging.into_iter().map(|s| self.accumulators_of(s));
        let mut accumulators = absorbed.next().unwrap_or_else(|| {
            self.calls
                .iter()
                .map(AggregateCall::init_mergeable)
                .collect()
        });
        for other in absorbed {
            for ((call, acc), other) in self.calls.iter().zip(&mut accumulators).zip(other) {
                call.merge(acc, other);
            }
        }
        for ((call, acc), args) in self.calls.iter().zip(&mut accumulators).zip(&mut args) {
            call.update_at(acc, args, state.arrivals);
        }
        let merged = Session {
            start,
            end,
            timestamp: time,
            accumulators,
            rows: Vec::new(),
        };
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

    /// The accumulators of `session`; one restored from an old checkpoint (with rows) is
    /// rebuilt from its rows, in arrival order with their arrival numbers.
    fn accumulators_of(&self, session: Session) -> Vec<Accumulator> {
        if session.rows.is_empty() {
            return session.accumulators;
        }
        let mut accumulators: Vec<Accumulator> = self
            .calls
            .iter()
            .map(AggregateCall::init_mergeable)
            .collect();
        for (seq, args) in session.rows {
            for ((call, acc), args) in self.calls.iter().zip(&mut accumulators).zip(args) {
                let mut values: Vec<Value> = args.into_iter().map(|v| v.0).collect();
                call.update_at(acc, &mut values, seq);
            }
        }
        accumulators
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

    fn calls(specs: &[(&str, Vec<Expr>)]) -> Vec<AggregateCall> {
        specs
            .iter()
            .map(|(name, args)| resolve(name, args.clone(), args.is_empty()).unwrap())
            .collect()
    }

    #[test]
    fn an_endless_session_keeps_bounded_state() {
        let x = || Expr::column(0, DataType::Int);
        let calls = calls(&[
            ("COUNT", vec![]),
            ("SUM", vec![x()]),
            ("AVG", vec![x()]),
            ("MAX", vec![x()]),
            ("LATEST_BY_OFFSET", vec![x()]),
            ("EARLIEST_BY_OFFSET", vec![x(), Expr::literal(2)]),
            ("LATEST_BY_OFFSET", vec![x(), Expr::literal(3)]),
            ("TOPK", vec![x(), Expr::literal(2)]),
            ("STDDEV_SAMPLE", vec![x()]),
        ]);
        let n = calls.len();
        let op = SessionOperator::new(calls, 1_000, None, None);
        let mut state = SessionState::default();
        let mut out = Vec::new();
        let mut sizes = Vec::new();
        // One key sending every 10 ms: one session that never closes.
        for i in 0..100_000i64 {
            // COUNT(*) takes no argument; the others take the value.
            let mut args = vec![vec![Value::Int((i % 1_000) as i32)]; n];
            args[0].clear();
            assert!(op.process(&mut state, b"dev", &[], i * 10, args, &mut out));
            out.clear();
            if i == 999 || i == 99_999 {
                sizes.push(postcard::to_allocvec(&state).unwrap().len());
            }
        }
        assert_eq!(state.size(), (1, 1));
        let session = &state.keys[&b"dev"[..]].sessions[0];
        assert!(session.rows.is_empty());
        assert_eq!((session.start, session.end), (0, 999_990));
        assert_eq!(op.results(session)[0], Value::Bigint(100_000));
        assert_eq!(op.results(session)[4], Value::Int(999));
        // Only varint-encoded numbers (times, sums, arrival numbers) grow by a few bytes; the
        // old row-keeping state grew by every record's arguments (megabytes here).
        let (small, large) = (sizes[0], sizes[1]);
        assert!(
            large <= small + 32,
            "state grew from {small} to {large} bytes"
        );
    }

    #[test]
    fn merges_follow_kafka_streams_order_sessions_by_end_then_the_record() {
        let x = || Expr::column(0, DataType::Int);
        let calls = calls(&[
            ("COLLECT_LIST", vec![x()]),
            ("LATEST_BY_OFFSET", vec![x()]),
            ("EARLIEST_BY_OFFSET", vec![x()]),
        ]);
        let op = SessionOperator::new(calls, 15_000, None, None);
        let mut state = SessionState::default();
        let mut out = Vec::new();
        // Arrival order: 30 s (v 1), 0 s (v 2), 15 s bridges them (v 3).
        for (t, v) in [(30_000, 1), (0, 2), (15_000, 3)] {
            let args = vec![vec![Value::Int(v)]; 3];
            op.process(&mut state, b"a", &[], t, args, &mut out);
        }
        let last = out.last().and_then(|c| c.results.clone()).unwrap();
        use Value::Int;
        // COLLECT_LIST: [0 s] then [30 s] (store order), then the record — not arrival order.
        assert_eq!(last[0], Value::Array(vec![Int(2), Int(1), Int(3)]));
        // The by-offset functions order by arrival: latest is the bridging record, earliest
        // the first record to arrive (in the session that ends last).
        assert_eq!(last[1], Int(3));
        assert_eq!(last[2], Int(1));
    }

    #[test]
    fn sessions_from_a_row_keeping_checkpoint_are_rebuilt_from_their_rows() {
        let x = || Expr::column(0, DataType::Int);
        let calls = calls(&[("COLLECT_LIST", vec![x()]), ("LATEST_BY_OFFSET", vec![x()])]);
        let op = SessionOperator::new(calls.clone(), 10_000, None, None);
        let int = |v| vec![StoredValue(Value::Int(v))];
        // As the previous operator wrote it: plain accumulators and every record's arguments.
        let session = Session {
            start: 0,
            end: 5_000,
            timestamp: 5_000,
            accumulators: vec![
                Accumulator::List(vec![StoredValue(Value::Int(7)), StoredValue(Value::Int(8))]),
                Accumulator::Value(StoredValue(Value::Int(8))),
            ],
            rows: vec![(1, vec![int(7), int(7)]), (3, vec![int(8), int(8)])],
        };
        let mut state = SessionState {
            stream_time: 5_000,
            arrivals: 3,
            keys: BTreeMap::from([(
                b"a".to_vec(),
                KeySessions {
                    key: vec![],
                    sessions: vec![session],
                },
            )]),
            by_end: BTreeSet::from([(5_000, b"a".to_vec(), 0)]),
        };
        let bytes = postcard::to_allocvec(&state).unwrap();
        state = postcard::from_bytes(&bytes).unwrap();
        let mut out = Vec::new();
        let args = vec![vec![Value::Int(9)], vec![Value::Null]];
        op.process(&mut state, b"a", &[], 6_000, args, &mut out);
        let results = out.last().and_then(|c| c.results.clone()).unwrap();
        use Value::Int;
        assert_eq!(results[0], Value::Array(vec![Int(7), Int(8), Int(9)]));
        assert_eq!(
            results[1],
            Int(8),
            "a NULL does not replace the latest value"
        );
        let session = &state.keys[&b"a"[..]].sessions[0];
        assert!(session.rows.is_empty());
        assert!(matches!(session.accumulators[1], Accumulator::ByOffset(_)));
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
