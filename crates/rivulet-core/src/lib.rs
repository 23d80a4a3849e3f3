//! Rivulet's shared vocabulary: the record as it travels through the log, its headers, and time.
//!
//! This crate owns the plain data types every other crate speaks. It must not do I/O, know about
//! SQL, HTTP or any storage format; later issues add `Value`, `DataType`, `Schema` and `Row` here.

pub mod record;
pub mod time;

pub use record::{Header, LoggedRecord, Record};
