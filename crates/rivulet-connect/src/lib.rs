//! Rivulet's edges to the outside world that are not HTTP plumbing: decoding what real sources
//! push (the Sensor Logger phone app, JSON and NDJSON record batches) into log records, and simulators that play those sources.
//!
//! This crate owns payload formats and their exact compatibility with the seed producers. It must
//! not run a server, own routes or status codes, or append to the log itself: `rivulet-server`
//! does that with the records decoded here.

pub mod decode_error;
pub mod phone_chart;
pub mod produce_request;
pub mod sensor_logger;
pub mod simulate;
