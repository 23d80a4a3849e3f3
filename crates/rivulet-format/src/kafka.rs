//! The `KAFKA` format: one primitive column written with Kafka's standard serializers, exactly as
//! ksqlDB's `KafkaSerdeFactory` uses them — STRING as UTF-8 (`StringSerializer`; invalid UTF-8
//! reads with U+FFFD as Java does), INT as 4 bytes big-endian (`IntegerSerializer`), BIGINT as 8
//! (`LongSerializer`), DOUBLE as the 8-byte IEEE 754 bits big-endian (`DoubleSerializer`, NaN
//! canonicalised by `doubleToLongBits`), BYTES raw (`ByteBufferSerializer`). BOOLEAN, DECIMAL,
//! the time types and collections have no KAFKA serde in ksqlDB and are rejected.
//!
//! This module owns those byte layouts and the KAFKA schema checks. It must not know JSON or
//! DELIMITED, and must never panic on any input.

use std::sync::Arc;

use bytes::Bytes;
use rivulet_core::{Column, DataType, Value};

use crate::{
    error::{ColumnError, FormatError},
    serde::{base_type_name, column_list, Decoded, Encoded},
};

/// The KAFKA codec of one column.
#[derive(Debug)]
pub(crate) struct KafkaCodec {
    column: String,
    ty: KafkaType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KafkaType {
    Int,
    Bigint,
    Double,
    String,
    Bytes,
}

impl KafkaType {
    fn sql(self) -> &'static str {
        match self {
            KafkaType::Int => "INTEGER",
            KafkaType::Bigint => "BIGINT",
            KafkaType::Double => "DOUBLE",
            KafkaType::String => "STRING",
            KafkaType::Bytes => "BYTES",
        }
    }

    /// The Kafka deserializer's class name and the exact size it requires, if any.
    fn fixed_size(self) -> Option<(&'static str, usize)> {
        match self {
            KafkaType::Int => Some(("IntegerDeserializer", 4)),
            KafkaType::Bigint => Some(("LongDeserializer", 8)),
            KafkaType::Double => Some(("DoubleDeserializer", 8)),
            KafkaType::String | KafkaType::Bytes => None,
        }
    }
}

impl KafkaCodec {
    /// `columns` is not empty (no columns is handled by `Serde` as void).
    pub(crate) fn new(columns: &[Column]) -> Result<Self, FormatError> {
        let [column] = columns else {
            return Err(FormatError::UnsupportedSchema(format!(
                "The 'KAFKA' format only supports a single field. Got: {}",
                column_list(columns)
            )));
        };
        let ty = match column.data_type {
            DataType::Int => KafkaType::Int,
            DataType::Bigint => KafkaType::Bigint,
            DataType::Double => KafkaType::Double,
            DataType::String => KafkaType::String,
            DataType::Bytes => KafkaType::Bytes,
            ref other => {
                return Err(FormatError::UnsupportedSchema(format!(
                    "The 'KAFKA' format does not support type '{}'",
                    base_type_name(other)
                )))
            }
        };
        Ok(KafkaCodec {
            column: column.name.clone(),
            ty,
        })
    }

    pub(crate) fn decode(
        &self,
        bytes: &[u8],
        out: &mut Vec<Value>,
    ) -> Result<Decoded, FormatError> {
        if let Some((deserializer, size)) = self.ty.fixed_size() {
            if bytes.len() != size {
                return Err(ColumnError::new(
                    Some(&self.column),
                    format!(
                        "Size of data received by {deserializer} is not {size} (got {} bytes)",
                        bytes.len()
                    ),
                )
                .into());
            }
        }
        let value = match self.ty {
            KafkaType::Int => Value::Int(i32::from_be_bytes(array(bytes))),
            KafkaType::Bigint => Value::Bigint(i64::from_be_bytes(array(bytes))),
            KafkaType::Double => Value::Double(f64::from_bits(u64::from_be_bytes(array(bytes)))),
            KafkaType::String => Value::String(match std::str::from_utf8(bytes) {
                Ok(s) => Arc::from(s),
                Err(_) => Arc::from(String::from_utf8_lossy(bytes).as_ref()),
            }),
            KafkaType::Bytes => Value::Bytes(Bytes::copy_from_slice(bytes)),
        };
        out.push(value);
        Ok(Decoded::Row)
    }

    pub(crate) fn encode(
        &self,
        values: &[Value],
        out: &mut Vec<u8>,
    ) -> Result<Encoded, FormatError> {
        let value = values.first().unwrap_or(&Value::Null);
        match (self.ty, value) {
            (_, Value::Null) => return Ok(Encoded::Null),
            (KafkaType::Int, Value::Int(v)) => out.extend_from_slice(&v.to_be_bytes()),
            (KafkaType::Bigint, Value::Bigint(v)) => out.extend_from_slice(&v.to_be_bytes()),
            (KafkaType::Bigint, Value::Int(v)) => {
                out.extend_from_slice(&i64::from(*v).to_be_bytes())
            }
            (KafkaType::Double, Value::Double(_) | Value::Int(_) | Value::Bigint(_)) => {
                let d = value.as_f64().unwrap_or(f64::NAN);
                // Java's doubleToLongBits collapses every NaN to the canonical one.
                let bits = if d.is_nan() {
                    0x7ff8_0000_0000_0000
                } else {
                    d.to_bits()
                };
                out.extend_from_slice(&bits.to_be_bytes());
            }
            (KafkaType::String, Value::String(s)) => out.extend_from_slice(s.as_bytes()),
            (KafkaType::Bytes, Value::Bytes(b)) => out.extend_from_slice(b),
            (_, other) => {
                let kind = match other.scalar_type() {
                    Some(t) => t.to_string(),
                    None => "collection".to_string(),
                };
                return Err(ColumnError::new(
                    Some(&self.column),
                    format!(
                        "Can't serialize a {kind} value as {} with the KAFKA format",
                        self.ty.sql()
                    ),
                )
                .into());
            }
        }
        Ok(Encoded::Bytes)
    }
}

/// The first `N` bytes (the caller checked the length; zero-padded otherwise).
fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut a = [0u8; N];
    for (dst, src) in a.iter_mut().zip(bytes) {
        *dst = *src;
    }
    a
}

#[cfg(test)]
mod tests {
    use rivulet_core::ColumnKind;

    use super::*;
    use crate::{Format, Serde};

    fn serde(t: DataType) -> Serde {
        Serde::new(
            Format::Kafka,
            vec![Column::new("K", t, ColumnKind::Key)],
            false,
        )
        .unwrap()
    }

    fn encode(t: DataType, v: Value) -> Vec<u8> {
        let mut out = Vec::new();
        assert_eq!(serde(t).encode(&[v], &mut out).unwrap(), Encoded::Bytes);
        out
    }

    fn decode(t: DataType, bytes: &[u8]) -> Result<Value, FormatError> {
        let mut out = Vec::new();
        serde(t).decode(Some(bytes), &mut out)?;
        Ok(out.remove(0))
    }

    #[test]
    fn byte_layouts_match_kafka_serializers() {
        // IntegerSerializer / LongSerializer / DoubleSerializer: big-endian.
        assert_eq!(encode(DataType::Int, Value::Int(1)), [0, 0, 0, 1]);
        assert_eq!(
            encode(DataType::Int, Value::Int(-2)),
            [0xff, 0xff, 0xff, 0xfe]
        );
        assert_eq!(
            encode(DataType::Bigint, Value::Bigint(0x0102_0304_0506_0708)),
            [1, 2, 3, 4, 5, 6, 7, 8]
        );
        assert_eq!(
            encode(DataType::Double, Value::Double(1.0)),
            [0x3f, 0xf0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(
            encode(DataType::Double, Value::Double(-2.5)),
            [0xc0, 0x04, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(
            encode(
                DataType::Double,
                Value::Double(f64::from_bits(0x7ff0_0000_0000_0001))
            ),
            [0x7f, 0xf8, 0, 0, 0, 0, 0, 0]
        );
        // StringSerializer: UTF-8.
        assert_eq!(
            encode(DataType::String, Value::from("héllo")),
            "héllo".as_bytes()
        );
        assert_eq!(
            encode(DataType::Bytes, Value::Bytes(Bytes::from_static(&[0, 255]))),
            [0, 255]
        );
    }

    #[test]
    fn decodes_every_type() {
        assert_eq!(
            decode(DataType::Int, &[0, 0, 1, 0]).unwrap(),
            Value::Int(256)
        );
        assert_eq!(
            decode(DataType::Bigint, &[0xff; 8]).unwrap(),
            Value::Bigint(-1)
        );
        assert_eq!(
            decode(
                DataType::Double,
                &[0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18]
            )
            .unwrap(),
            Value::Double(std::f64::consts::PI)
        );
        assert_eq!(decode(DataType::String, b"").unwrap(), Value::from(""));
        assert_eq!(
            decode(DataType::String, b"a\xffb").unwrap(),
            Value::from("a\u{FFFD}b")
        );
        assert_eq!(
            decode(DataType::Bytes, b"\x00\x01").unwrap(),
            Value::Bytes(Bytes::from_static(b"\x00\x01"))
        );
    }

    #[test]
    fn wrong_length_names_the_column() {
        let e = decode(DataType::Bigint, &[1, 2, 3])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "Size of data received by LongDeserializer is not 8 (got 3 bytes) (column K)"
        );
        assert!(decode(DataType::Int, &[]).is_err());
        assert!(decode(DataType::Double, &[0; 9]).is_err());
    }

    #[test]
    fn null_writes_a_null_record_part() {
        let mut out = Vec::new();
        assert_eq!(
            serde(DataType::Int)
                .encode(&[Value::Null], &mut out)
                .unwrap(),
            Encoded::Null
        );
        assert!(out.is_empty());
    }

    #[test]
    fn schema_checks_follow_ksqldb() {
        let columns = vec![
            Column::new("V0", DataType::Int, ColumnKind::Value),
            Column::new("V1", DataType::String, ColumnKind::Value),
        ];
        assert_eq!(
            Serde::new(Format::Kafka, columns, false)
                .unwrap_err()
                .to_string(),
            "The 'KAFKA' format only supports a single field. Got: [`V0` INTEGER, `V1` STRING]"
        );
        for (t, name) in [
            (DataType::Boolean, "BOOLEAN"),
            (DataType::Timestamp, "TIMESTAMP"),
            (
                DataType::Decimal {
                    precision: 4,
                    scale: 2,
                },
                "DECIMAL",
            ),
            (DataType::Array(Box::new(DataType::Int)), "ARRAY"),
        ] {
            let columns = vec![Column::new("V", t, ColumnKind::Value)];
            assert_eq!(
                Serde::new(Format::Kafka, columns, false)
                    .unwrap_err()
                    .to_string(),
                format!("The 'KAFKA' format does not support type '{name}'")
            );
        }
    }

    #[test]
    fn type_mismatch_on_encode_is_an_error() {
        let mut out = Vec::new();
        let e = serde(DataType::Int)
            .encode(&[Value::from("x")], &mut out)
            .unwrap_err();
        assert!(e.to_string().contains("column K"), "{e}");
    }
}
