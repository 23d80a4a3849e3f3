//! The aggregate operator: GROUP BY one or more expressions, optionally in TUMBLING, HOPPING or
//! SESSION windows, with HAVING and the projection applied to each result (reference 3.1–3.4,
//! 3.10).
//!
//! - Event time: a row's time is its ROWTIME (`$0`), which the decoder already set from the
//!   source's `TIMESTAMP` column when it has one. Stream time is the largest time seen, per
//!   *shuffle partition*: the partition Kafka's partitioner gives the group's key bytes (the
//!   partition of ksqlDB's repartition topic), so a record of one key can close another key's
//!   windows on the same partition, as in ksqlDB.
//! - A window closes when stream time ≥ end + grace (grace: GRACE PERIOD, else ksqlDB's
//!   default `max(24 h − size, 0)`, except EMIT FINAL without GRACE PERIOD, which closes at the
//!   window end as ksqlDB's suppression tests show). A record for a closed window is dropped
//!   for that window and counted ([`AggregateOperator::late_dropped`]); a hopping record may
//!   still update its other, open windows. Rows whose grouping value is NULL are dropped.
//! - EMIT CHANGES: every update emits the (key, window) row at once (ksqlDB with caching off).
//!   EMIT FINAL: a window's row is emitted once, when it closes, in (window end, key bytes)
//!   order, with the latest record time of the window as its timestamp. Closed windows leave
//!   the state in both modes, so memory holds open windows and live keys, not history.
//! - HAVING false: EMIT CHANGES emits a tombstone (`row: None`) for the key and window, as
//!   ksqlDB's table filter does; EMIT FINAL drops it (suppression drops tombstones).
//! - An output's timestamp is the largest record time that went into its window (or group).
//! - A TABLE source is a changelog: [`AggregateOperator::process_table_change`] undoes a key's
//!   previous row before adding its new one ([`table_changes`]).
//! - SESSION windows: sessions, merging, lateness and their aggregates are
//!   [`super::session_windows`]'s, with one [`SessionState`] per shuffle partition; this
//!   operator evaluates keys and arguments, applies HAVING and the projection to each session
//!   row (a merged-away session's tombstone passes through) and, under EMIT FINAL, holds each
//!   session's latest row until stream time reaches `end + gap + grace` (Kafka Streams'
//!   suppression waits `gap + grace` after a session's end; grace 0 under EMIT FINAL without
//!   GRACE PERIOD, as for time windows), then emits it unless it was retracted (merged away)
//!   or HAVING turned false: one row per final session. Session outputs carry the time of the
//!   record that caused them, as Kafka Streams forwards it.
//! - Idle partitions ([`AggregateOperator::with_idle_timeout`], off by default): when a record
//!   moves one shuffle partition's stream time `timeout` ms or more past another's, the other
//!   partition's stream time is advanced to it and its closed windows are evicted (EMIT FINAL
//!   emits them). Event time, not wall-clock time, decides, so a replay decides the same.
//! - Two stages: [`AggregateOperator::evaluate`] computes the group key and the aggregate
//!   arguments of a row without touching the state; [`AggregateOperator::process_evaluated`]
//!   aggregates such a pre-evaluated row and [`AggregateOperator::advance_stream_time`] applies
//!   a watermark (how the repartitioned runner splits the work between its tasks).
//!
//! State ([`AggregateState`]) is plain serde data keyed by the group's key bytes and window
//! start, so a checkpoint can snapshot it. This operator owns grouping, windows and emission;
//! it must not read or write the log, nor encode output values (runners do).

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    hash::{BuildHasherDefault, Hasher},
    sync::Arc,
};

use rivulet_core::Value;
use rivulet_expr::{
    aggregate::{Accumulator, StoredValue},
    eval, eval_predicate,
};
use rivulet_log::partitioner::partition_for_key;
use rivulet_sql::{
    planner::{AggregatePlan, QueryPlan},
    Emit,
};
use serde::{Deserialize, Serialize};

use super::{
    session_windows::{SessionChange, SessionOperator, SessionState},
    TimeWindows,
};

mod table_changes;

pub use table_changes::PreviousRow;

/// Turns a group's key values into bytes: the state's map key, the partitioning input and,
/// for a persistent query, the sink key (the inner key of a windowed key).
pub type KeyCodec = Box<dyn FnMut(&[Value], &mut Vec<u8>) -> Result<(), String> + Send>;

/// A small, fast, deterministic hasher for key bytes (FxHash's mixing).
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(K);
        }
    }
}

type KeyMap<V> = HashMap<Vec<u8>, V, BuildHasherDefault<KeyHasher>>;

/// One window (or, unwindowed, the group itself) of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowState {
    /// Window start (0 when unwindowed).
    pub start: i64,
    /// Largest record time aggregated here: the output timestamp.
    pub max_time: i64,
    pub accumulators: Vec<Accumulator>,
}

/// One group: its key values and open windows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupState {
    pub key: Vec<StoredValue>,
    pub partition: u32,
    pub windows: Vec<WindowState>,
}

/// Everything the operator remembers; serde, so it can be checkpointed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AggregateState {
    /// Stream time per shuffle partition (`i64::MIN` before any record).
    pub stream_time: Vec<i64>,
    /// Groups by key bytes.
    pub groups: HashMap<Vec<u8>, GroupState, BuildHasherDefault<KeyHasher>>,
    /// Open windows per shuffle partition, by (close time, key bytes, start).
    pub closing: Vec<BTreeSet<(i64, Vec<u8>, i64)>>,
    /// Aggregating a TABLE: per source key bytes, the group and arguments of the row last
    /// added, so that its next version can undo it (see [`table_changes`]).
    pub previous: HashMap<Vec<u8>, PreviousRow, BuildHasherDefault<KeyHasher>>,
    /// Session windows per shuffle partition (empty unless the window is SESSION). Not part
    /// of this struct's serde form, so checkpoints of other aggregations keep their layout:
    /// checkpoints write it after the rest.
    #[serde(skip)]
    pub sessions: Vec<SessionPartition>,
}

/// The session windows of one shuffle partition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionPartition {
    pub windows: SessionState,
    /// EMIT FINAL: each session's latest row not yet emitted, by (end, key bytes, start).
    pub pending: BTreeMap<(i64, Vec<u8>, i64), PendingRow>,
}

/// A session row EMIT FINAL holds until the session closes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingRow {
    pub timestamp: i64,
    pub row: Vec<StoredValue>,
}

/// One output change: an upsert (`row`) or a tombstone (`row: None`) of a key and window.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The group's key bytes (the inner key of a windowed key).
    pub key: Vec<u8>,
    /// `(start, end)` of a windowed result.
    pub window: Option<(i64, i64)>,
    /// The shuffle partition (the sink partition when the sink has that many).
    pub partition: u32,
    pub timestamp: i64,
    /// The projected output row; `None` for a tombstone.
    pub row: Option<Vec<Value>>,
}

/// A row that could not be processed: the step and the message, for the processing log.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub step: &'static str,
    pub message: String,
}

/// GROUP BY [WINDOW] [HAVING] over rows of one source.
pub struct AggregateOperator {
    plan: Arc<QueryPlan>,
    windows: Option<TimeWindows>,
    sessions: Option<SessionOperator>,
    session_changes: Vec<SessionChange>,
    emit_final: bool,
    partitions: u32,
    codec: KeyCodec,
    state: AggregateState,
    key_buffer: Vec<u8>,
    /// Window starts of the current record (reused).
    starts: Vec<i64>,
    /// A copy of one call's arguments for all but the last window of a hopping record.
    scratch_args: Vec<Value>,
    key_values: Vec<Value>,
    args: Vec<Vec<Value>>,
    /// Event-time idle timeout across shuffle partitions (see `advance_idle_partitions`);
    /// `None`: a partition's windows close only on its own records.
    idle_timeout: Option<i64>,
    /// Records (times windows) dropped because their window had closed.
    pub late_dropped: u64,
    /// Rows dropped because a grouping value was NULL.
    pub null_key_dropped: u64,
    /// Rows or results that failed to evaluate since the caller last took them.
    pub errors: Vec<RowError>,
}

impl AggregateOperator {
    /// An operator for `plan` (which must have an aggregation), with `partitions` shuffle
    /// partitions and `codec` for the key bytes.
    pub fn new(plan: Arc<QueryPlan>, partitions: u32, codec: KeyCodec) -> Option<Self> {
        let aggregate = plan.aggregate.as_ref()?;
        let emit_final = plan.emit == Some(Emit::Final) && aggregate.window.is_some();
        // EMIT FINAL without GRACE PERIOD closes windows at their end (reference 3.10).
        let window = aggregate.window.map(|mut w| {
            if emit_final && w.grace.is_none() {
                w.grace = Some(0);
            }
            w
        });
        let windows = window.as_ref().and_then(TimeWindows::new);
        let millis = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let sessions = window.filter(|w| w.is_session()).map(|w| {
            SessionOperator::new(
                aggregate.calls.clone(),
                millis(w.size()),
                w.grace.map(millis),
                w.retention.map(millis),
            )
        });
        let partitions = partitions.max(1);
        let calls = aggregate.calls.len();
        Some(AggregateOperator {
            windows,
            sessions: sessions.clone(),
            session_changes: Vec::new(),
            emit_final,
            partitions,
            codec,
            state: AggregateState {
                stream_time: vec![i64::MIN; partitions as usize],
                groups: KeyMap::default(),
                closing: vec![BTreeSet::new(); partitions as usize],
                previous: KeyMap::default(),
                sessions: match sessions {
                    Some(_) => vec![SessionPartition::default(); partitions as usize],
                    None => Vec::new(),
                },
            },
            key_buffer: Vec::with_capacity(64),
            starts: Vec::new(),
            scratch_args: Vec::new(),
            key_values: Vec::new(),
            args: vec![Vec::new(); calls],
            idle_timeout: None,
            late_dropped: 0,
            null_key_dropped: 0,
            errors: Vec::new(),
            plan,
        })
    }

    /// Sets the event-time idle timeout (ms) across shuffle partitions: when a record moves
    /// one partition's stream time `timeout` or more past another's, the other is advanced
    /// too and its closed windows are evicted (emitted under EMIT FINAL). `None` (the default)
    /// keeps every partition's windows open until its own records close them.
    pub fn with_idle_timeout(mut self, timeout: Option<i64>) -> Self {
        self.idle_timeout = timeout.filter(|t| *t >= 0);
        self
    }

    /// The window definition of a windowed aggregation.
    pub fn windows(&self) -> Option<&TimeWindows> {
        self.windows.as_ref()
    }

    /// The state, for a checkpoint.
    pub fn state(&self) -> &AggregateState {
        &self.state
    }

    /// Replaces the state (restoring a checkpoint).
    pub fn restore(&mut self, state: AggregateState) {
        self.state = state;
        if self.sessions.is_some() {
            self.state
                .sessions
                .resize_with(self.partitions as usize, SessionPartition::default);
        }
    }

    /// The current result of every group and window the state holds, as upserts (for an
    /// EMIT CHANGES table: what its changelog's latest rows are; an EMIT FINAL table's state
    /// holds only windows not yet emitted, so this is empty-ish there). Used to refill a pull
    /// query's store after a checkpoint restore.
    pub fn current_results(&mut self) -> Vec<Change> {
        let plan = self.plan.clone();
        let mut out = Vec::new();
        if self.emit_final {
            return out;
        }
        if let Some(sessions) = &self.sessions {
            for (p, part) in self.state.sessions.iter().enumerate() {
                for (key_bytes, k) in &part.windows.keys {
                    for s in &k.sessions {
                        let key = k.key.iter().map(|v| v.0.clone());
                        if let Some(change) = output(
                            &plan,
                            &mut self.errors,
                            key,
                            sessions.results(s),
                            s.timestamp,
                            Some((s.start, s.end)),
                            key_bytes,
                            p as u32,
                            false,
                        ) {
                            out.push(change);
                        }
                    }
                }
            }
            return out;
        }
        for (key_bytes, group) in &self.state.groups {
            for w in &group.windows {
                let window = self.windows.map(|windows| (w.start, windows.end(w.start)));
                if let Some(change) = result(
                    &plan,
                    &mut self.errors,
                    &group.key,
                    w,
                    window,
                    key_bytes,
                    group.partition,
                    false,
                ) {
                    out.push(change);
                }
            }
        }
        out
    }

    /// Number of groups and open windows (or sessions) held.
    pub fn size(&self) -> (usize, usize) {
        let windows: usize = self.state.groups.values().map(|g| g.windows.len()).sum();
        let (keys, sessions) = self
            .state
            .sessions
            .iter()
            .map(|p| p.windows.size())
            .fold((0, 0), |(k, s), (k2, s2)| (k + k2, s + s2));
        (self.state.groups.len() + keys, windows + sessions)
    }

    /// Aggregates one scan row (`[ROWTIME, ROWPARTITION, ROWOFFSET, columns…]`, WHERE already
    /// applied), appending the changes it causes to `out`.
    pub fn process(&mut self, row: &[Value], out: &mut Vec<Change>) {
        if let Some(time) = self.evaluate(row) {
            self.accumulate(time, out);
        }
    }

    /// Evaluates the grouping expressions and the aggregate arguments of one scan row into
    /// [`AggregateOperator::evaluated`], without touching the state: the row's event time, or
    /// `None` when the row is dropped (NULL group value, counted; a grouping error, in
    /// [`AggregateOperator::errors`]). The first stage of a repartitioned query runs only this.
    pub fn evaluate(&mut self, row: &[Value]) -> Option<i64> {
        let plan = self.plan.clone();
        let aggregate = plan.aggregate.as_ref()?;
        if !self.group_key(aggregate, row) {
            return None;
        }
        let time = match row.first() {
            Some(Value::Bigint(t)) => *t,
            _ => 0,
        };
        self.eval_args(aggregate, row);
        Some(time)
    }

    /// What the last successful [`AggregateOperator::evaluate`] produced: the group's key
    /// bytes, its key values and each aggregate call's argument values.
    pub fn evaluated(&self) -> (&[u8], &[Value], &[Vec<Value>]) {
        (&self.key_buffer, &self.key_values, &self.args)
    }

    /// Aggregates a row another task evaluated (the second stage of a repartitioned query):
    /// `key` its key bytes, `key_values` and `args` as [`AggregateOperator::evaluated`] gave
    /// them (`args` must have one list per aggregate call), `time` its event time.
    pub fn process_evaluated(
        &mut self,
        key: &[u8],
        key_values: Vec<Value>,
        args: Vec<Vec<Value>>,
        time: i64,
        out: &mut Vec<Change>,
    ) {
        if args.len() != self.args.len() {
            self.errors.push(RowError {
                step: "aggregate",
                message: format!(
                    "expected arguments of {} aggregate calls, got {}",
                    self.args.len(),
                    args.len()
                ),
            });
            return;
        }
        self.key_buffer.clear();
        self.key_buffer.extend_from_slice(key);
        self.key_values = key_values;
        self.args = args;
        self.accumulate(time, out);
    }

    /// Advances the stream time of every shuffle partition to at least `time` (a watermark:
    /// input of other tasks reached `time`), closing the windows that closes.
    pub fn advance_stream_time(&mut self, time: i64, out: &mut Vec<Change>) {
        for p in 0..self.state.stream_time.len() {
            if self.state.stream_time[p] < time {
                self.state.stream_time[p] = time;
                self.close_windows(p, out);
            }
        }
    }

    /// Event-time idleness: a shuffle partition whose stream time is `idle_timeout` or more
    /// behind stream time `now` of partition `p` is advanced to `now` (its keys went silent;
    /// they must not hold their windows open forever). A function of the input order only, so
    /// replay decides the same.
    fn advance_idle_partitions(&mut self, p: usize, out: &mut Vec<Change>) {
        let Some(timeout) = self.idle_timeout else {
            return;
        };
        let now = self.state.stream_time[p];
        for q in 0..self.state.stream_time.len() {
            let behind = self.state.stream_time[q];
            if q != p && behind != i64::MIN && now.saturating_sub(behind) >= timeout {
                self.state.stream_time[q] = now;
                self.close_windows(q, out);
            }
        }
    }

    /// Aggregates the row [`AggregateOperator::evaluate`] (or `process_evaluated`) left in
    /// the operator's buffers.
    fn accumulate(&mut self, time: i64, out: &mut Vec<Change>) {
        let plan = self.plan.clone();
        let Some(aggregate) = plan.aggregate.as_ref() else {
            return;
        };
        let partition = partition_for_key(&self.key_buffer, self.partitions);
        let p = partition as usize;
        if self.sessions.is_some() {
            self.process_session(&plan, partition, time, out);
            return;
        }
        let previous = self.state.stream_time[p];
        let stream_time = previous.max(time);
        self.state.stream_time[p] = stream_time;

        let group = match self.state.groups.get_mut(self.key_buffer.as_slice()) {
            Some(g) => g,
            None => self
                .state
                .groups
                .entry(self.key_buffer.clone())
                .or_insert_with(|| GroupState {
                    key: self.key_values.iter().cloned().map(StoredValue).collect(),
                    partition,
                    windows: Vec::new(),
                }),
        };
        match &self.windows {
            None => {
                if group.windows.is_empty() {
                    group.windows.push(WindowState {
                        start: 0,
                        max_time: time,
                        accumulators: aggregate.calls.iter().map(|c| c.init()).collect(),
                    });
                }
                let w = &mut group.windows[0];
                w.max_time = w.max_time.max(time);
                for ((call, acc), args) in aggregate
                    .calls
                    .iter()
                    .zip(w.accumulators.iter_mut())
                    .zip(self.args.iter_mut())
                {
                    call.update(acc, args);
                }
                let w = &group.windows[0];
                let key = &group.key;
                if let Some(change) = result(
                    &plan,
                    &mut self.errors,
                    key,
                    w,
                    None,
                    &self.key_buffer,
                    partition,
                    false,
                ) {
                    out.push(change);
                }
            }
            Some(windows) => {
                let windows = *windows;
                // Reused buffers: no allocation per record.
                let mut starts = std::mem::take(&mut self.starts);
                starts.clear();
                starts.extend(windows.starts(time));
                let last = starts.len().saturating_sub(1);
                for (n, &start) in starts.iter().enumerate() {
                    if windows.close(start) <= stream_time {
                        self.late_dropped += 1;
                        continue;
                    }
                    let at = match group.windows.iter().position(|w| w.start == start) {
                        Some(i) => i,
                        None => {
                            group.windows.push(WindowState {
                                start,
                                max_time: time,
                                accumulators: aggregate.calls.iter().map(|c| c.init()).collect(),
                            });
                            self.state.closing[p].insert((
                                windows.close(start),
                                self.key_buffer.clone(),
                                start,
                            ));
                            group.windows.len() - 1
                        }
                    };
                    let w = &mut group.windows[at];
                    w.max_time = w.max_time.max(time);
                    for ((call, acc), args) in aggregate
                        .calls
                        .iter()
                        .zip(w.accumulators.iter_mut())
                        .zip(self.args.iter_mut())
                    {
                        if n == last {
                            call.update(acc, args);
                        } else {
                            self.scratch_args.clone_from(args);
                            call.update(acc, &mut self.scratch_args);
                        }
                    }
                    if !self.emit_final {
                        let w = &group.windows[at];
                        if let Some(change) = result(
                            &plan,
                            &mut self.errors,
                            &group.key,
                            w,
                            Some((start, windows.end(start))),
                            &self.key_buffer,
                            partition,
                            false,
                        ) {
                            out.push(change);
                        }
                    }
                }
                self.starts = starts;
                self.close_windows(p, out);
                if stream_time > previous && self.partitions > 1 {
                    self.advance_idle_partitions(p, out);
                }
            }
        }
    }

    /// Evaluates the grouping keys of `row` into `key_values` and their bytes into
    /// `key_buffer`; false when the row has no group (a NULL key, counted, or an error,
    /// reported).
    fn group_key(&mut self, aggregate: &AggregatePlan, row: &[Value]) -> bool {
        self.key_values.clear();
        for g in &aggregate.group_by {
            match eval(g, row) {
                Ok(Value::Null) => {
                    self.null_key_dropped += 1;
                    return false;
                }
                Ok(v) => self.key_values.push(v),
                Err(e) => {
                    self.errors.push(RowError {
                        step: "group by",
                        message: e.to_string(),
                    });
                    return false;
                }
            }
        }
        self.key_buffer.clear();
        if let Err(message) = (self.codec)(&self.key_values, &mut self.key_buffer) {
            self.errors.push(RowError {
                step: "group by",
                message,
            });
            return false;
        }
        true
    }

    /// Evaluates the aggregate calls' arguments over `row` into `args` (NULL where one fails,
    /// reported).
    fn eval_args(&mut self, aggregate: &AggregatePlan, row: &[Value]) {
        for (call, args) in aggregate.calls.iter().zip(self.args.iter_mut()) {
            args.clear();
            for a in &call.args {
                args.push(match eval(a, row) {
                    Ok(v) => v,
                    Err(e) => {
                        self.errors.push(RowError {
                            step: "aggregate",
                            message: e.to_string(),
                        });
                        Value::Null
                    }
                });
            }
        }
    }

    /// Aggregates the current row (key and arguments evaluated) into its session windows.
    fn process_session(
        &mut self,
        plan: &QueryPlan,
        partition: u32,
        time: i64,
        out: &mut Vec<Change>,
    ) {
        let Some(sessions) = &self.sessions else {
            return;
        };
        let Some(part) = self.state.sessions.get_mut(partition as usize) else {
            return;
        };
        let args = self.args.clone();
        let mut changes = std::mem::take(&mut self.session_changes);
        changes.clear();
        let key = &self.key_buffer;
        if !sessions.process(
            &mut part.windows,
            key,
            &self.key_values,
            time,
            args,
            &mut changes,
        ) {
            self.late_dropped += 1;
        }
        for c in changes.drain(..) {
            let window = Some((c.start, c.end));
            let change = match c.results {
                None => Some(Change {
                    key: c.key,
                    window,
                    partition,
                    timestamp: c.timestamp,
                    row: None,
                }),
                Some(results) => output(
                    plan,
                    &mut self.errors,
                    self.key_values.iter().cloned(),
                    results,
                    c.timestamp,
                    window,
                    key,
                    partition,
                    self.emit_final,
                ),
            };
            if !self.emit_final {
                out.extend(change);
                continue;
            }
            let at = (c.end, key.clone(), c.start);
            match change {
                Some(Change {
                    row: Some(row),
                    timestamp,
                    ..
                }) => {
                    let row = row.into_iter().map(StoredValue).collect();
                    part.pending.insert(at, PendingRow { timestamp, row });
                }
                _ => {
                    part.pending.remove(&at);
                }
            }
        }
        self.session_changes = changes;
        if self.emit_final {
            let now = part.windows.stream_time;
            while let Some(((end, _, _), _)) = part.pending.first_key_value() {
                if sessions.close(*end) > now {
                    break;
                }
                let Some(((end, key, start), pending)) = part.pending.pop_first() else {
                    break;
                };
                out.push(Change {
                    key,
                    window: Some((start, end)),
                    partition,
                    timestamp: pending.timestamp,
                    row: Some(pending.row.into_iter().map(|v| v.0).collect()),
                });
            }
        }
    }

    /// Evicts the windows of shuffle partition `p` that stream time has closed, emitting each
    /// one's final row under EMIT FINAL.
    fn close_windows(&mut self, p: usize, out: &mut Vec<Change>) {
        let Some(windows) = self.windows else {
            return;
        };
        let now = self.state.stream_time[p];
        while let Some(first) = self.state.closing[p].first() {
            if first.0 > now {
                break;
            }
            let Some((_, key, start)) = self.state.closing[p].pop_first() else {
                break;
            };
            let Some(group) = self.state.groups.get_mut(&key) else {
                continue;
            };
            let Some(at) = group.windows.iter().position(|w| w.start == start) else {
                continue;
            };
            let w = group.windows.swap_remove(at);
            if self.emit_final {
                if let Some(change) = result(
                    &self.plan,
                    &mut self.errors,
                    &group.key,
                    &w,
                    Some((start, windows.end(start))),
                    &key,
                    group.partition,
                    true,
                ) {
                    out.push(change);
                }
            }
            if group.windows.is_empty() {
                self.state.groups.remove(&key);
            }
        }
    }
}

/// The output of one group and window: HAVING, then the projection over the aggregate row.
/// `None` when nothing is emitted (EMIT FINAL with HAVING false).
#[allow(clippy::too_many_arguments)]
fn result(
    plan: &QueryPlan,
    errors: &mut Vec<RowError>,
    key: &[StoredValue],
    w: &WindowState,
    window: Option<(i64, i64)>,
    key_bytes: &[u8],
    partition: u32,
    is_final: bool,
) -> Option<Change> {
    let aggregate = plan.aggregate.as_ref()?;
    let results = aggregate
        .calls
        .iter()
        .zip(&w.accumulators)
        .map(|(call, acc)| call.result(acc))
        .collect();
    output(
        plan,
        errors,
        key.iter().map(|k| k.0.clone()),
        results,
        w.max_time,
        window,
        key_bytes,
        partition,
        is_final,
    )
}

/// The output of one group and window from its key values and aggregate `results`: HAVING,
/// then the projection over the aggregate row. `None` when nothing is emitted (EMIT FINAL
/// with HAVING false).
#[allow(clippy::too_many_arguments)]
fn output(
    plan: &QueryPlan,
    errors: &mut Vec<RowError>,
    key: impl Iterator<Item = Value>,
    results: Vec<Value>,
    timestamp: i64,
    window: Option<(i64, i64)>,
    key_bytes: &[u8],
    partition: u32,
    is_final: bool,
) -> Option<Change> {
    let aggregate = plan.aggregate.as_ref()?;
    let mut row = Vec::with_capacity(3 + aggregate.group_by.len() + results.len());
    row.push(Value::Bigint(timestamp));
    match window {
        Some((s, e)) => {
            row.push(Value::Bigint(s));
            row.push(Value::Bigint(e));
        }
        None => {
            row.push(Value::Null);
            row.push(Value::Null);
        }
    }
    row.extend(key);
    row.extend(results);
    let keep = match &aggregate.having {
        None => true,
        Some(h) => match eval_predicate(h, &row) {
            Ok(b) => b,
            Err(e) => {
                errors.push(RowError {
                    step: "having",
                    message: e.to_string(),
                });
                false
            }
        },
    };
    let projected = if keep {
        let mut out = Vec::with_capacity(plan.columns.len());
        for c in &plan.columns {
            out.push(match eval(&c.expr, &row) {
                Ok(v) => v,
                Err(e) => {
                    errors.push(RowError {
                        step: "project",
                        message: e.to_string(),
                    });
                    Value::Null
                }
            });
        }
        Some(out)
    } else if is_final {
        return None;
    } else {
        None
    };
    Some(Change {
        key: key_bytes.to_vec(),
        window,
        partition,
        timestamp,
        row: projected,
    })
}
