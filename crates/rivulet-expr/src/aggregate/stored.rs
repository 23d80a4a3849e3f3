//! [`StoredValue`]: a [`Value`] that serializes with serde, so accumulators can be written to
//! a checkpoint and read back. In memory it is the plain value (no conversion on the hot path);
//! serde goes through a mirror enum with owned strings and bytes.
//!
//! It owns only this encoding; it must not interpret values.

use std::sync::Arc;

use bytes::Bytes;
use rivulet_core::{Decimal, Value};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value kept in aggregate state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredValue(pub Value);

#[derive(Serialize, Deserialize)]
enum Mirror {
    Null,
    Boolean(bool),
    Int(i32),
    Bigint(i64),
    Double(f64),
    Decimal { unscaled: String, scale: u8 },
    String(String),
    Bytes(Vec<u8>),
    Timestamp(i64),
    Date(i32),
    Time(i32),
    Array(Vec<Mirror>),
    Map(Vec<(Mirror, Mirror)>),
    Struct(Vec<(String, Mirror)>),
}

fn to_mirror(v: &Value) -> Mirror {
    match v {
        Value::Null => Mirror::Null,
        Value::Boolean(b) => Mirror::Boolean(*b),
        Value::Int(i) => Mirror::Int(*i),
        Value::Bigint(i) => Mirror::Bigint(*i),
        Value::Double(d) => Mirror::Double(*d),
        Value::Decimal(d) => Mirror::Decimal {
            unscaled: d.unscaled.to_string(),
            scale: d.scale,
        },
        Value::String(s) => Mirror::String(s.to_string()),
        Value::Bytes(b) => Mirror::Bytes(b.to_vec()),
        Value::Timestamp(t) => Mirror::Timestamp(*t),
        Value::Date(d) => Mirror::Date(*d),
        Value::Time(t) => Mirror::Time(*t),
        Value::Array(items) => Mirror::Array(items.iter().map(to_mirror).collect()),
        Value::Map(entries) => Mirror::Map(
            entries
                .iter()
                .map(|(k, v)| (to_mirror(k), to_mirror(v)))
                .collect(),
        ),
        Value::Struct(fields) => Mirror::Struct(
            fields
                .iter()
                .map(|(n, v)| (n.to_string(), to_mirror(v)))
                .collect(),
        ),
    }
}

fn from_mirror(m: Mirror) -> Result<Value, String> {
    Ok(match m {
        Mirror::Null => Value::Null,
        Mirror::Boolean(b) => Value::Boolean(b),
        Mirror::Int(i) => Value::Int(i),
        Mirror::Bigint(i) => Value::Bigint(i),
        Mirror::Double(d) => Value::Double(d),
        Mirror::Decimal { unscaled, scale } => Value::Decimal(Decimal::new(
            unscaled
                .parse::<i128>()
                .map_err(|e| format!("bad decimal in state: {e}"))?,
            scale,
        )),
        Mirror::String(s) => Value::String(Arc::from(s)),
        Mirror::Bytes(b) => Value::Bytes(Bytes::from(b)),
        Mirror::Timestamp(t) => Value::Timestamp(t),
        Mirror::Date(d) => Value::Date(d),
        Mirror::Time(t) => Value::Time(t),
        Mirror::Array(items) => Value::Array(
            items
                .into_iter()
                .map(from_mirror)
                .collect::<Result<_, _>>()?,
        ),
        Mirror::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| Ok((from_mirror(k)?, from_mirror(v)?)))
                .collect::<Result<_, String>>()?,
        ),
        Mirror::Struct(fields) => Value::Struct(
            fields
                .into_iter()
                .map(|(n, v)| Ok((Arc::from(n), from_mirror(v)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

impl Serialize for StoredValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        to_mirror(&self.0).serialize(s)
    }
}

impl<'de> Deserialize<'de> for StoredValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let m = Mirror::deserialize(d)?;
        from_mirror(m)
            .map(StoredValue)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let v = StoredValue(Value::Array(vec![
            Value::from("a"),
            Value::Decimal(Decimal::new(-12345, 2)),
            Value::Struct(vec![(Arc::from("X"), Value::Double(1.5))]),
            Value::Null,
        ]));
        let text = serde_json::to_string(&v).unwrap();
        let back: StoredValue = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
