//! Sensor Logger HTTP push (`POST /phone-producer/`): decoding a batch body into one log record
//! per reading, exactly as the seed FastAPI producer flattened them onto `smartphone-sensor-data`,
//! and the seed's answer to a valid batch.
//!
//! This module owns the batch rules, the record value format and the error report (every field
//! problem with its path, or where the JSON text broke). It must not do I/O, know about HTTP
//! status codes or append to any log: the server does that with what [`decode_batch`] returns.
//!
//! Decoding runs a single-pass transcoder ([`fast_path`]) that bails out on anything unusual
//! (an error, duplicate or colliding keys, escaped ids, objects inside arrays, ...); only then a
//! document-based pass ([`careful_path`]) decides, with exact Python semantics and every error.

mod careful_path;
mod catalogue;
mod document;
mod fast_path;
mod json_text;
mod python_dict;
mod python_str;
mod response;

pub use response::response_body;

/// Python's `repr(float)`: shortest round-trip digits, `1e-05` style exponents.
pub fn python_float(v: f64) -> String {
    python_str::float_str(&format!("{v:e}"))
}

use rivulet_core::Record;

/// The topic the seed producer wrote phone readings to.
pub const PHONE_TOPIC: &str = "smartphone-sensor-data";

/// One decoded push batch: its ids and one record per reading, in payload order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneBatch {
    pub message_id: i64,
    pub session_id: String,
    pub device_id: String,
    /// key = device id, value = the flattened reading, timestamp = reading time in ms.
    pub records: Vec<Record>,
}

pub use crate::decode_error::{DecodeError, FieldError};

/// Decodes a `POST /phone-producer/` body. Never panics; on error nothing should be written.
pub fn decode_batch(body: &[u8]) -> Result<PhoneBatch, DecodeError> {
    match fast_path::decode(body) {
        Some(batch) => Ok(batch),
        None => careful_path::decode(body),
    }
}

/// The single-pass decoder alone: `None` whenever it would defer to the careful pass. Exposed
/// for differential tests and fuzzing; not part of the stable API.
#[doc(hidden)]
pub fn decode_batch_fast_only(body: &[u8]) -> Option<PhoneBatch> {
    fast_path::decode(body)
}

/// The document-based decoder alone (the reference semantics). Exposed for differential tests
/// and fuzzing; not part of the stable API.
#[doc(hidden)]
pub fn decode_batch_careful_only(body: &[u8]) -> Result<PhoneBatch, DecodeError> {
    careful_path::decode(body)
}
