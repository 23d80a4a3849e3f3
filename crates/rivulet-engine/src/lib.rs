//! Rivulet's engine: the catalog of streams and tables, the command log that makes it survive
//! restarts, and the execution of statements against the log.
//!
//! This crate owns what a statement does once parsed: DDL changes the catalog and the command
//! log, SHOW/DESCRIBE read it, and (in later issues) queries become running dataflows. It must
//! not speak HTTP: the server turns its results ([`Entity`]) and errors ([`EngineError`]) into
//! ksqlDB's REST shapes.
//!
//! Records that fail inside a query go to the processing log, the `KSQL_PROCESSING_LOG` stream
//! (see [`processing_log`]); stateless persistent queries write their output exactly once on
//! the embedded log (see [`query::persistent`]).
//!
//! Status: DDL (CREATE/DROP STREAM and TABLE), SHOW, DESCRIBE, SET/UNSET, DEFINE/UNDEFINE, the
//! command log, stateless transient push queries and stateless persistent queries (CREATE STREAM
//! AS SELECT and INSERT INTO … SELECT: filter and projection over one stream, exactly once into
//! the sink topic on the embedded log, resumed after a restart), SHOW QUERIES [EXTENDED],
//! EXPLAIN of a query id, TERMINATE and PRINT of a topic run; CREATE TABLE AS SELECT with
//! GROUP BY [WINDOW] and CREATE SOURCE TABLE are materialized ([`table_store`],
//! [`source_table`]) and answer pull queries
//! ([`query::pull`]); joins are refused with a clear error naming what is missing.

mod aggregate_query;
pub mod catalog;
pub mod checkpoint;
pub mod column_definition;
pub mod command_log;
pub mod engine;
pub mod entity;
pub mod error;
pub mod insert_values;
pub mod operator;
mod persistent_query;
pub mod processing_log;
pub mod query;
pub mod row_writer;
pub mod session;
pub mod source_table;
pub mod table_store;
pub mod with_properties;

pub use catalog::{Catalog, FormatSpec, Source, SourceKind};
pub use engine::{delivery_guarantee, Engine, EngineConfig, ScriptFailure};
pub use entity::Entity;
pub use error::EngineError;
pub use query::{PrintQuery, PullQuery, PushQuery, QueryStream, StartFrom, Subscription};
pub use row_writer::{KeyWindow, NameRule, RowReader, RowWriter, WriteError};
pub use session::Session;
