//! A record as the log stores it: optional key, optional value (none = tombstone), a timestamp in
//! epoch milliseconds and headers, exactly as Kafka models one.

use bytes::Bytes;

/// One header: a string key and optional bytes, as in Kafka.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Header {
    pub key: String,
    pub value: Option<Bytes>,
}

/// A record to append. `value: None` is a tombstone.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    pub key: Option<Bytes>,
    pub value: Option<Bytes>,
    /// Epoch milliseconds.
    pub timestamp: i64,
    pub headers: Vec<Header>,
}

impl Record {
    /// A record with a value and nothing else.
    pub fn new(key: Option<Bytes>, value: Option<Bytes>, timestamp: i64) -> Self {
        Record {
            key,
            value,
            timestamp,
            headers: Vec::new(),
        }
    }

    /// The bytes this record takes in a batch, roughly: used for byte-bounded reads and metrics.
    pub fn size_hint(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|h| h.key.len() + h.value.as_ref().map_or(0, |v| v.len()) + 8)
            .sum();
        self.key.as_ref().map_or(0, |k| k.len())
            + self.value.as_ref().map_or(0, |v| v.len())
            + headers
            + 24
    }
}

/// A record read back from the log, with the offset it was stored at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRecord {
    pub offset: i64,
    pub record: Record,
}
