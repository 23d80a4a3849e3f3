//! Rivulet's shared vocabulary: the record as it travels through the log, SQL values and types,
//! schemas, and time.
//!
//! This crate owns plain data types every other crate speaks. It must not do I/O, know about SQL
//! syntax, HTTP or any storage format.

pub mod base64;
pub mod data_type;
pub mod decimal;
pub mod record;
pub mod schema;
pub mod time;
pub mod value;

pub use data_type::{DataType, StructField};
pub use decimal::Decimal;
pub use record::{Header, LoggedRecord, Record};
pub use schema::{Column, ColumnKind, Schema};
pub use value::Value;
