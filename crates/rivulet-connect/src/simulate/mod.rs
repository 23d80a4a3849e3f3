//! Simulated sources that feed a running Rivulet over its public HTTP API.
//!
//! Owns generating realistic traffic and sending it; it must not reach into the server or the
//! log directly, so what it exercises is exactly what a real device would.

pub mod fleet;
pub mod phones;
pub mod temperature;
