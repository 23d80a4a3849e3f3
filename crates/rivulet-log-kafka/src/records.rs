//! Records both ways: Rivulet's [`Record`] into a producer record, a consumed Kafka message
//! into a [`LoggedRecord`] (key, value, timestamp and headers kept, a null value stays a
//! tombstone, a null header value stays null).
//!
//! This module owns the conversion only; it must not produce or consume.

use bytes::Bytes;
use rdkafka::message::{Header as KafkaHeader, Headers, Message, OwnedHeaders};
use rivulet_log::{Header, LoggedRecord, Record};

/// The Kafka headers of `headers`, in order, or `None` when there are none.
pub(crate) fn kafka_headers(headers: &[Header]) -> Option<OwnedHeaders> {
    if headers.is_empty() {
        return None;
    }
    let mut out = OwnedHeaders::new_with_capacity(headers.len());
    for h in headers {
        out = out.insert(KafkaHeader {
            key: &h.key,
            value: h.value.as_deref(),
        });
    }
    Some(out)
}

/// The record a consumed message carries. A message without a timestamp gets -1 (Kafka's "no
/// timestamp"); a header key that is not UTF-8 is kept with its invalid bytes replaced.
pub(crate) fn logged(message: &impl Message) -> LoggedRecord {
    let headers = message
        .headers()
        .map(|hs| {
            hs.iter()
                .map(|h| Header {
                    key: h.key.to_string(),
                    value: h.value.map(Bytes::copy_from_slice),
                })
                .collect()
        })
        .unwrap_or_default();
    LoggedRecord {
        offset: message.offset(),
        record: Record {
            key: message.key().map(Bytes::copy_from_slice),
            value: message.payload().map(Bytes::copy_from_slice),
            timestamp: message.timestamp().to_millis().unwrap_or(-1),
            headers,
        },
    }
}

#[cfg(test)]
mod tests {
    use rdkafka::{message::OwnedMessage, Timestamp};

    use super::*;

    #[test]
    fn keeps_key_value_timestamp_and_headers() {
        let headers = vec![
            Header {
                key: "source".into(),
                value: Some(Bytes::from_static(b"phone")),
            },
            Header {
                key: "empty".into(),
                value: None,
            },
        ];
        let message = OwnedMessage::new(
            Some(b"v1".to_vec()),
            Some(b"k1".to_vec()),
            "t".into(),
            Timestamp::CreateTime(1_700_000_000_123),
            0,
            42,
            kafka_headers(&headers),
        );
        let got = logged(&message);
        assert_eq!(got.offset, 42);
        assert_eq!(
            got.record,
            Record {
                key: Some(Bytes::from_static(b"k1")),
                value: Some(Bytes::from_static(b"v1")),
                timestamp: 1_700_000_000_123,
                headers,
            }
        );
    }

    #[test]
    fn a_tombstone_without_key_or_headers_stays_one() {
        assert!(kafka_headers(&[]).is_none());
        let message =
            OwnedMessage::new(None, None, "t".into(), Timestamp::NotAvailable, 0, 7, None);
        let got = logged(&message);
        assert_eq!(got.record, Record::new(None, None, -1));
    }
}
