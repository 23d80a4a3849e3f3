//! Stateful operators, one per file, free of I/O: they take decoded rows and return changes;
//! the query runners ([`crate::query`]) read the log, feed them and write what they return.
//!
//! - [`time_windows`]: which TUMBLING/HOPPING windows a timestamp falls in, grace and retention.
//! - [`session_windows`]: SESSION windows of one shuffle partition: merging, lateness, eviction
//!   and the aggregates per session.
//! - [`hash_aggregate`]: GROUP BY [WINDOW] [HAVING] with per-partition stream time, late-record
//!   dropping, EMIT CHANGES / EMIT FINAL and eviction of closed windows (sessions through
//!   [`session_windows`]); over a TABLE, the undo of each key's previous row
//!   (`hash_aggregate::table_changes`).
//!
//! This module must not read or write the log, encode values or know about queries' lifecycles.

pub mod hash_aggregate;
pub mod session_windows;
pub mod time_windows;

pub use hash_aggregate::{AggregateOperator, AggregateState, Change, KeyCodec};
pub use session_windows::{SessionChange, SessionOperator, SessionState};
pub use time_windows::TimeWindows;
