//! Windowed keys, laid out exactly as Kafka Streams' windowed serdes that ksqlDB uses for the
//! keys of windowed results:
//!
//! - TUMBLING and HOPPING (`TimeWindowedSerializer`): `<inner key bytes><start ms, 8 bytes
//!   big-endian>`. The end is not stored; reading derives it as `start + size` (the declared
//!   `WINDOW_SIZE`), clamped to `i64::MAX` when that overflows, as `timeWindowForSize` does.
//! - SESSION (`SessionWindowedSerializer`): `<inner key bytes><end ms, 8 bytes BE><start ms,
//!   8 bytes BE>` — end first.
//!
//! The inner key bytes are whatever the key format (KAFKA, JSON, DELIMITED) wrote for the key
//! columns. This module owns only the window suffix. It must not decode the inner key (that is
//! the key [`crate::Serde`]'s job) and must never panic on any input.

use crate::error::FormatError;

const TIMESTAMP_SIZE: usize = 8;

/// The kind of window a windowed key belongs to (ksqlDB's `WINDOW_TYPE`, with `WINDOW_SIZE` in
/// milliseconds for time windows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WindowKind {
    Tumbling { size_ms: i64 },
    Hopping { size_ms: i64 },
    Session,
}

impl WindowKind {
    /// The window size of a time window; `None` for sessions.
    pub fn size_ms(&self) -> Option<i64> {
        match self {
            WindowKind::Tumbling { size_ms } | WindowKind::Hopping { size_ms } => Some(*size_ms),
            WindowKind::Session => None,
        }
    }

    /// Bytes the window adds after the inner key.
    pub fn suffix_len(&self) -> usize {
        match self {
            WindowKind::Session => 2 * TIMESTAMP_SIZE,
            _ => TIMESTAMP_SIZE,
        }
    }
}

/// The bytes of a windowed key: the inner key bytes followed by the window, as Kafka Streams
/// writes it. For time windows `window_end` is not stored (it is implied by the size).
pub fn encode_windowed_key(
    inner: &[u8],
    window_start: i64,
    window_end: i64,
    kind: WindowKind,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(inner.len() + kind.suffix_len());
    out.extend_from_slice(inner);
    if kind == WindowKind::Session {
        out.extend_from_slice(&window_end.to_be_bytes());
    }
    out.extend_from_slice(&window_start.to_be_bytes());
    out
}

/// Splits a windowed key into the inner key bytes, the window start and the window end.
/// Fails, as Kafka Streams' deserializers do, when the bytes are shorter than the window suffix,
/// when the start is negative, or when a session ends before it starts.
pub fn decode_windowed_key(
    bytes: &[u8],
    kind: WindowKind,
) -> Result<(&[u8], i64, i64), FormatError> {
    let suffix = kind.suffix_len();
    let Some(split) = bytes.len().checked_sub(suffix) else {
        return Err(malformed(format!(
            "{} bytes is shorter than the {suffix}-byte {} window suffix",
            bytes.len(),
            if kind == WindowKind::Session {
                "session"
            } else {
                "time"
            }
        )));
    };
    let (inner, window) = bytes.split_at(split);
    let (start, end) = match kind {
        WindowKind::Session => (read_i64(&window[TIMESTAMP_SIZE..]), read_i64(window)),
        WindowKind::Tumbling { size_ms } | WindowKind::Hopping { size_ms } => {
            let start = read_i64(window);
            let end = start.wrapping_add(size_ms);
            (start, if end < 0 { i64::MAX } else { end })
        }
    };
    if start < 0 {
        return Err(malformed(
            "Window startMs time cannot be negative.".to_string(),
        ));
    }
    if end < start {
        return Err(malformed(
            "Window endMs time cannot be smaller than window startMs time.".to_string(),
        ));
    }
    Ok((inner, start, end))
}

fn read_i64(bytes: &[u8]) -> i64 {
    let mut a = [0u8; TIMESTAMP_SIZE];
    for (dst, src) in a.iter_mut().zip(bytes) {
        *dst = *src;
    }
    i64::from_be_bytes(a)
}

fn malformed(message: String) -> FormatError {
    FormatError::Malformed {
        what: "windowed key",
        message,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn time_window_layout() {
        let kind = WindowKind::Tumbling { size_ms: 60_000 };
        let bytes = encode_windowed_key(b"abc", 0x0102_0304_0506_0708, 0, kind);
        assert_eq!(bytes, b"abc\x01\x02\x03\x04\x05\x06\x07\x08");
        let (inner, start, end) = decode_windowed_key(&bytes, kind).unwrap();
        assert_eq!(inner, b"abc");
        assert_eq!(start, 0x0102_0304_0506_0708);
        assert_eq!(end, start + 60_000);
        // Hopping is the same layout.
        let hopping = WindowKind::Hopping { size_ms: 10 };
        assert_eq!(
            encode_windowed_key(b"k", 5, 15, hopping),
            b"k\0\0\0\0\0\0\0\x05"
        );
    }

    #[test]
    fn session_window_layout_is_end_then_start() {
        let bytes = encode_windowed_key(&[0, 0, 0, 7], 1_000, 2_000, WindowKind::Session);
        assert_eq!(
            bytes,
            [0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0x07, 0xd0, 0, 0, 0, 0, 0, 0, 0x03, 0xe8]
        );
        let (inner, start, end) = decode_windowed_key(&bytes, WindowKind::Session).unwrap();
        assert_eq!((inner, start, end), (&[0u8, 0, 0, 7][..], 1_000, 2_000));
        // A single-record session: start == end.
        let one = encode_windowed_key(b"", 5, 5, WindowKind::Session);
        assert_eq!(
            decode_windowed_key(&one, WindowKind::Session).unwrap(),
            (&b""[..], 5, 5)
        );
    }

    #[test]
    fn end_overflow_clamps_like_time_window_for_size() {
        let kind = WindowKind::Tumbling { size_ms: 10 };
        let bytes = encode_windowed_key(b"", i64::MAX - 5, 0, kind);
        assert_eq!(decode_windowed_key(&bytes, kind).unwrap().2, i64::MAX);
    }

    #[test]
    fn rejects_short_or_invalid_windows() {
        let kind = WindowKind::Tumbling { size_ms: 10 };
        assert!(decode_windowed_key(&[1, 2, 3], kind).is_err());
        assert!(decode_windowed_key(&[0; 15], WindowKind::Session).is_err());
        let negative = encode_windowed_key(b"k", -1, 9, kind);
        assert_eq!(
            decode_windowed_key(&negative, kind)
                .unwrap_err()
                .to_string(),
            "Malformed windowed key: Window startMs time cannot be negative."
        );
        let backwards = encode_windowed_key(b"k", 10, 5, WindowKind::Session);
        assert!(decode_windowed_key(&backwards, WindowKind::Session).is_err());
        // An empty inner key is fine (Kafka serializes "" as no bytes).
        assert!(decode_windowed_key(&[0; 8], kind).is_ok());
    }

    proptest! {
        #[test]
        fn round_trips(inner in proptest::collection::vec(any::<u8>(), 0..32),
                       start in 0i64..=i64::MAX / 2, len in 0i64..1_000_000_000, session in any::<bool>()) {
            let end = start + len;
            let kind = if session { WindowKind::Session } else { WindowKind::Hopping { size_ms: len.max(1) } };
            let bytes = encode_windowed_key(&inner, start, end, kind);
            let (i, s, e) = decode_windowed_key(&bytes, kind).unwrap();
            prop_assert_eq!(i, &inner[..]);
            prop_assert_eq!(s, start);
            prop_assert_eq!(e, if session { end } else { start + len.max(1) });
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40), size in any::<i64>()) {
            for kind in [WindowKind::Session, WindowKind::Tumbling { size_ms: size }, WindowKind::Hopping { size_ms: size }] {
                let _ = decode_windowed_key(&bytes, kind);
            }
        }
    }
}
