//! What the decoder knows about Sensor Logger's vocabulary: the batch and reading field names,
//! the tri-axial sensors whose `x`/`y`/`z` must be numbers, and the messages of field errors.
//!
//! Owns names and wording only; it must not parse or write anything. Unknown sensors are valid
//! and need no entry here.

/// The push names of the tri-axial sensors (their `values.x/y/z` feed DOUBLE stream columns).
pub(crate) const TRIAXIAL: [&[u8]; 8] = [
    b"accelerometer",
    b"accelerometeruncalibrated",
    b"totalacceleration",
    b"gravity",
    b"gyroscope",
    b"gyroscopeuncalibrated",
    b"magnetometer",
    b"magnetometeruncalibrated",
];

/// Whether `name` (as its ASCII JSON encoding) is a tri-axial sensor.
#[inline]
pub(crate) fn is_triaxial(name: &[u8]) -> bool {
    TRIAXIAL.contains(&name)
}

/// Field names the seed producer appends to every record, in order.
pub(crate) const MESSAGE_ID: &[u8] = b"messageId";
pub(crate) const SESSION_ID: &[u8] = b"sessionId";
pub(crate) const DEVICE_ID: &[u8] = b"deviceId";
pub(crate) const PAYLOAD: &[u8] = b"payload";
pub(crate) const NAME: &[u8] = b"name";
pub(crate) const TIME: &[u8] = b"time";
pub(crate) const VALUES: &[u8] = b"values";

pub(crate) const REQUIRED: &str = "is required";
pub(crate) const EXPECTED_STRING: &str = "expected a string";
pub(crate) const EXPECTED_MESSAGE_ID: &str = "expected an integer or a string of digits";
pub(crate) const MESSAGE_ID_RANGE: &str = "out of range: must fit a signed 64-bit integer";
pub(crate) const EXPECTED_TIME: &str =
    "expected an integer or a string of digits (epoch nanoseconds)";
pub(crate) const TIME_RANGE: &str =
    "out of range: epoch nanoseconds must fit a signed 64-bit integer";
pub(crate) const EXPECTED_PAYLOAD: &str = "must be an array of readings";
pub(crate) const EXPECTED_READING: &str = "expected an object (a reading)";
pub(crate) const EXPECTED_VALUES: &str = "expected an object";
pub(crate) const EXPECTED_AXIS: &str = "expected a number or null";
pub(crate) const EXPECTED_BODY: &str =
    "expected a JSON object with messageId, sessionId, deviceId and payload";
/// The path used for problems with the body as a whole.
pub(crate) const BODY_PATH: &str = "body";
