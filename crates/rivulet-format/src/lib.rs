//! ksqlDB's record encodings: how the bytes of a log record's key and value become a row of SQL
//! values and back, exactly as ksqlDB reads and writes them.
//!
//! This crate owns the formats `JSON`, `KAFKA`, `DELIMITED` and `NONE` ([`Format`]), their binding
//! to a list of columns ([`Serde`]), their errors ([`FormatError`]) and Kafka Streams' windowed
//! key layouts ([`encode_windowed_key`], [`decode_windowed_key`]). It must not do I/O, know about
//! topics, the log, SQL syntax or the processing log, or decide what a null or an unreadable
//! record means to a query: it decodes and encodes, and says precisely why it could not.
//!
//! ```
//! use rivulet_core::{Column, ColumnKind, DataType, Value};
//! use rivulet_format::{Decoded, Format, Serde};
//!
//! let columns = vec![
//!     Column::new("DEVICEID", DataType::String, ColumnKind::Value),
//!     Column::new("TIME", DataType::Bigint, ColumnKind::Value),
//! ];
//! let serde = Serde::new(Format::parse("json", None)?, columns, true)?;
//! let mut row = Vec::new();
//! let bytes = br#"{"deviceId":"d1","time":"1717000002133456600"}"#;
//! assert_eq!(serde.decode(Some(bytes), &mut row)?, Decoded::Row);
//! assert_eq!(row, vec![Value::from("d1"), Value::Bigint(1_717_000_002_133_456_600)]);
//!
//! let mut out = Vec::new();
//! let _ = serde.encode(&row, &mut out)?;
//! assert_eq!(out, br#"{"DEVICEID":"d1","TIME":1717000002133456600}"#);
//! # Ok::<(), rivulet_format::FormatError>(())
//! ```

mod delimited;
mod error;
mod java_text;
mod json;
mod kafka;
mod none;
mod serde;
mod windowed;

pub use error::{ColumnError, FormatError};
pub use serde::{Decoded, Encoded, Format, Serde, Want};
pub use windowed::{decode_windowed_key, encode_windowed_key, WindowKind};
