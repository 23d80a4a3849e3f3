//! Running queries: decoding source records into rows, and transient push queries that filter
//! and project them and hand rows to a client until it goes.

pub mod push;
pub mod row_decoder;

pub use push::{PushQuery, StartFrom};
pub use row_decoder::RowDecoder;
