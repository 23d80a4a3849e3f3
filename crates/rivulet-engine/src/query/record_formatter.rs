//! PRINT's text for raw topic records, and its guess of their key and value formats, as
//! ksqlDB's `RecordFormatter` does it.
//!
//! Each side (key, value) keeps a list of candidate formats. Every non-null key or value is tried
//! with each remaining candidate; a candidate that fails once is dropped for good, and the
//! record is printed with the first candidate that succeeded. Candidates, in ksqlDB's order:
//! `JSON` (non-empty UTF-8 that parses as JSON, printed verbatim), `KAFKA_INT` (exactly 4 bytes,
//! big-endian), `KAFKA_BIGINT` and `KAFKA_DOUBLE` (exactly 8 bytes), `KAFKA_STRING` (non-empty
//! UTF-8). Keys also try each of these inside a window, before the plain form:
//! `SESSION(f)` (inner key, 8-byte end, 8-byte start: printed `[k@start/end]`), `HOPPING(f)`
//! and `TUMBLING(f)` (inner key, 8-byte start: printed `[k@start/-]`); a window start must not
//! be negative. So, as in ksqlDB, a string key of 9 bytes or more also reads as a windowed key
//! until some key disproves it. Bytes no candidate reads are printed the way Kafka's
//! `Bytes.toString` does (printable ASCII as is, other bytes as `\xNN`). The schema-registry
//! formats (AVRO, PROTOBUF, JSON_SR) are never candidates: Rivulet has no schema registry.
//!
//! This module owns the text of one record and the candidate lists. It must not read the log,
//! count records or decide what is written when (that is [`super::print`]).

use rivulet_core::{time::civil_from_days, value::java_double, LoggedRecord};

/// What PRINT shows for a key or value format no record has been seen for.
const NO_DATA: &str = "¯\\_(ツ)_/¯ - no data processed";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    Json,
    KafkaInt,
    KafkaBigint,
    KafkaDouble,
    KafkaString,
}

impl Base {
    const ALL: [Base; 5] = [
        Base::Json,
        Base::KafkaInt,
        Base::KafkaBigint,
        Base::KafkaDouble,
        Base::KafkaString,
    ];

    fn name(self) -> &'static str {
        match self {
            Base::Json => "JSON",
            Base::KafkaInt => "KAFKA_INT",
            Base::KafkaBigint => "KAFKA_BIGINT",
            Base::KafkaDouble => "KAFKA_DOUBLE",
            Base::KafkaString => "KAFKA_STRING",
        }
    }

    fn read(self, data: &[u8]) -> Option<String> {
        match self {
            Base::Json => {
                let text = utf8(data)?;
                serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
                Some(text.to_string())
            }
            Base::KafkaInt => Some(i32::from_be_bytes(data.try_into().ok()?).to_string()),
            Base::KafkaBigint => Some(i64::from_be_bytes(data.try_into().ok()?).to_string()),
            Base::KafkaDouble => Some(java_double(f64::from_be_bytes(data.try_into().ok()?))),
            Base::KafkaString => utf8(data).map(str::to_string),
        }
    }
}

/// Non-empty UTF-8 without replacement characters (Java's decoder would have put one in).
fn utf8(data: &[u8]) -> Option<&str> {
    if data.is_empty() {
        return None;
    }
    std::str::from_utf8(data)
        .ok()
        .filter(|s| !s.contains('\u{FFFD}'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Window {
    Session,
    Hopping,
    Tumbling,
}

/// One candidate format: a base format, maybe inside a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Candidate {
    base: Base,
    window: Option<Window>,
}

impl Candidate {
    fn name(self) -> String {
        match self.window {
            None => self.base.name().to_string(),
            Some(Window::Session) => format!("SESSION({})", self.base.name()),
            Some(Window::Hopping) => format!("HOPPING({})", self.base.name()),
            Some(Window::Tumbling) => format!("TUMBLING({})", self.base.name()),
        }
    }

    fn read(self, data: &[u8]) -> Option<String> {
        let long_at = |at: usize| -> Option<i64> {
            Some(i64::from_be_bytes(data.get(at..at + 8)?.try_into().ok()?))
        };
        match self.window {
            None => self.base.read(data),
            Some(Window::Hopping | Window::Tumbling) => {
                let inner = data.len().checked_sub(8)?;
                let start = long_at(inner)?;
                // Kafka's TimeWindow: start >= 0 and start + size (1 ms here) must not overflow.
                if start < 0 || start == i64::MAX {
                    return None;
                }
                let key = self.base.read(&data[..inner])?;
                Some(format!("[{key}@{start}/-]"))
            }
            Some(Window::Session) => {
                let inner = data.len().checked_sub(16)?;
                let end = long_at(inner)?;
                let start = long_at(inner + 8)?;
                if start < 0 || end < start {
                    return None;
                }
                let key = self.base.read(&data[..inner])?;
                Some(format!("[{key}@{start}/{end}]"))
            }
        }
    }
}

/// The candidate formats of one side (keys or values).
#[derive(Debug, Clone)]
pub struct Deserializers {
    candidates: Vec<Candidate>,
    seen_data: bool,
}

impl Deserializers {
    /// Candidates for values, or for keys (`windowed`: the windowed forms too).
    pub fn new(windowed: bool) -> Self {
        let mut candidates = Vec::new();
        for base in Base::ALL {
            if windowed {
                for window in [Window::Session, Window::Hopping, Window::Tumbling] {
                    candidates.push(Candidate {
                        base,
                        window: Some(window),
                    });
                }
            }
            candidates.push(Candidate { base, window: None });
        }
        Deserializers {
            candidates,
            seen_data: false,
        }
    }

    /// The formats every key (value) seen so far reads as, in order of preference.
    pub fn possible_formats(&self) -> Vec<String> {
        if !self.seen_data {
            return vec![NO_DATA.to_string()];
        }
        self.candidates.iter().map(|c| c.name()).collect()
    }

    /// The text of one key or value; drops the candidates that cannot read it.
    pub fn format(&mut self, data: Option<&[u8]>) -> String {
        let Some(data) = data else {
            return "<null>".to_string();
        };
        self.seen_data = true;
        let mut first = None;
        self.candidates.retain(|c| match c.read(data) {
            Some(text) => {
                first.get_or_insert(text);
                true
            }
            None => false,
        });
        first.unwrap_or_else(|| kafka_bytes_text(data))
    }
}

/// Kafka's `Bytes.toString`: printable ASCII except `\` as is, every other byte as `\xNN`.
fn kafka_bytes_text(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len());
    for &b in data {
        if (b' '..=b'~').contains(&b) && b != b'\\' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// `yyyy/MM/dd HH:mm:ss.SSS Z` in UTC; `N/A` for Kafka's "no timestamp" (-1).
pub fn rowtime_text(ms: i64) -> String {
    if ms == -1 {
        return "N/A".to_string();
    }
    const MS_PER_DAY: i64 = 86_400_000;
    let (y, mo, d) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    let rem = ms.rem_euclid(MS_PER_DAY);
    format!(
        "{y:04}/{mo:02}/{d:02} {:02}:{:02}:{:02}.{:03} Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

/// Formats records and tracks the candidate formats of keys and values.
#[derive(Debug, Clone)]
pub struct RecordFormatter {
    keys: Deserializers,
    values: Deserializers,
}

impl Default for RecordFormatter {
    fn default() -> Self {
        RecordFormatter {
            keys: Deserializers::new(true),
            values: Deserializers::new(false),
        }
    }
}

impl RecordFormatter {
    pub fn possible_key_formats(&self) -> Vec<String> {
        self.keys.possible_formats()
    }

    pub fn possible_value_formats(&self) -> Vec<String> {
        self.values.possible_formats()
    }

    /// The lines of a batch of records of one partition. As in ksqlDB, when a batch rules out
    /// the format its first records were printed with, the whole batch is printed again with
    /// the format that is now preferred.
    pub fn format(&mut self, partition: u32, records: &[LoggedRecord]) -> Vec<String> {
        let active_key = self.keys.possible_formats().into_iter().next();
        let active_value = self.values.possible_formats().into_iter().next();
        let lines = self.format_all(partition, records);
        let still =
            |active: Option<String>, now: Vec<String>| active.is_none_or(|a| now.contains(&a));
        if still(active_key, self.keys.possible_formats())
            && still(active_value, self.values.possible_formats())
        {
            return lines;
        }
        self.format_all(partition, records)
    }

    fn format_all(&mut self, partition: u32, records: &[LoggedRecord]) -> Vec<String> {
        records
            .iter()
            .map(|r| {
                format!(
                    "rowtime: {}, key: {}, value: {}, partition: {partition}",
                    rowtime_text(r.record.timestamp),
                    self.keys.format(r.record.key.as_deref()),
                    self.values.format(r.record.value.as_deref()),
                )
            })
            .collect()
    }
}

/// The `Key format: …` / `Value format: …` lines, written when the candidates change.
#[derive(Debug, Default)]
pub struct FormatsTracker {
    keys: Option<Vec<String>>,
    values: Option<Vec<String>>,
}

impl FormatsTracker {
    /// The format lines to write before the next records (none when nothing changed).
    pub fn update(&mut self, formatter: &RecordFormatter) -> Vec<String> {
        let mut lines = Vec::new();
        for (previous, current, prefix) in [
            (
                &mut self.keys,
                formatter.possible_key_formats(),
                "Key format: ",
            ),
            (
                &mut self.values,
                formatter.possible_value_formats(),
                "Value format: ",
            ),
        ] {
            if previous.as_ref() == Some(&current) {
                continue;
            }
            lines.push(if current.is_empty() {
                format!("{prefix} does not match any supported format. It may be a STRING with encoding other than UTF8, or some other format.")
            } else {
                format!("{prefix}{}", current.join(" or "))
            });
            *previous = Some(current);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use rivulet_core::Record;

    fn record(key: Option<&[u8]>, value: Option<&[u8]>, ts: i64) -> LoggedRecord {
        LoggedRecord {
            offset: 0,
            record: Record::new(
                key.map(Bytes::copy_from_slice),
                value.map(Bytes::copy_from_slice),
                ts,
            ),
        }
    }

    #[test]
    fn rowtime_is_utc_with_slashes_and_milliseconds() {
        assert_eq!(rowtime_text(0), "1970/01/01 00:00:00.000 Z");
        assert_eq!(rowtime_text(1_796_687_999_123), "2026/12/07 23:59:59.123 Z");
        assert_eq!(rowtime_text(-1), "N/A");
    }

    #[test]
    fn json_values_and_string_keys() {
        let mut f = RecordFormatter::default();
        let lines = f.format(
            0,
            &[record(Some(b"k1"), Some(br#"{"a":1}"#), 1_796_687_999_123)],
        );
        assert_eq!(
            lines,
            vec![r#"rowtime: 2026/12/07 23:59:59.123 Z, key: k1, value: {"a":1}, partition: 0"#]
        );
        assert_eq!(f.possible_key_formats(), vec!["KAFKA_STRING"]);
        assert_eq!(f.possible_value_formats(), vec!["JSON", "KAFKA_STRING"]);
    }

    #[test]
    fn numbers_keep_the_formats_their_size_allows() {
        let mut keys = Deserializers::new(false);
        // [0, 0, 0, 7] is valid UTF-8 too, as in ksqlDB.
        assert_eq!(keys.format(Some(&7i32.to_be_bytes())), "7");
        assert_eq!(keys.possible_formats(), vec!["KAFKA_INT", "KAFKA_STRING"]);
        let mut keys = Deserializers::new(false);
        assert_eq!(keys.format(Some(&(-5i64).to_be_bytes())), "-5");
        assert_eq!(
            keys.possible_formats(),
            vec!["KAFKA_BIGINT", "KAFKA_DOUBLE"]
        );
        let mut values = Deserializers::new(false);
        assert_eq!(
            values.format(Some(&1.5f64.to_be_bytes())),
            "4609434218613702656"
        );
        assert_eq!(
            values.possible_formats(),
            vec!["KAFKA_BIGINT", "KAFKA_DOUBLE"]
        );
    }

    #[test]
    fn long_string_keys_also_read_as_windowed_until_disproved() {
        let mut keys = Deserializers::new(true);
        let text = keys.format(Some(b"sensor-0001"));
        assert!(text.starts_with("[sen@"), "{text}");
        assert_eq!(
            keys.possible_formats(),
            vec![
                "HOPPING(KAFKA_STRING)",
                "TUMBLING(KAFKA_STRING)",
                "KAFKA_STRING"
            ]
        );
        assert_eq!(keys.format(Some(b"short")), "short");
        assert_eq!(keys.possible_formats(), vec!["KAFKA_STRING"]);
    }

    #[test]
    fn windowed_keys_print_their_bounds() {
        let mut keys = Deserializers::new(true);
        let mut data = b"abc".to_vec();
        data.extend_from_slice(&1000i64.to_be_bytes());
        assert_eq!(keys.format(Some(&data)), "[abc@1000/-]");
        let mut keys = Deserializers::new(true);
        let mut data = b"abc".to_vec();
        data.extend_from_slice(&2000i64.to_be_bytes());
        data.extend_from_slice(&1000i64.to_be_bytes());
        assert_eq!(keys.format(Some(&data)), "[abc@1000/2000]");
    }

    #[test]
    fn unreadable_bytes_and_nulls() {
        let mut values = Deserializers::new(false);
        assert_eq!(values.format(None), "<null>");
        assert_eq!(values.possible_formats(), vec![NO_DATA]);
        assert_eq!(values.format(Some(&[0xff, b'a', b'\\'])), "\\xFFa\\x5C");
        assert!(values.possible_formats().is_empty());
        let f = RecordFormatter {
            values,
            ..RecordFormatter::default()
        };
        let mut tracker = FormatsTracker::default();
        let lines = tracker.update(&f);
        assert_eq!(lines[0], format!("Key format: {NO_DATA}"));
        assert_eq!(lines[1], "Value format:  does not match any supported format. It may be a STRING with encoding other than UTF8, or some other format.");
        assert!(tracker.update(&f).is_empty());
    }

    #[test]
    fn a_batch_that_rules_out_its_first_format_is_printed_again() {
        let mut f = RecordFormatter::default();
        // "1234" reads as JSON first; [0, 0, 0, 1] rules JSON out, so the batch is printed
        // again with KAFKA_INT, the first format left.
        let lines = f.format(
            0,
            &[
                record(None, Some(b"1234"), 0),
                record(None, Some(&[0, 0, 0, 1]), 0),
            ],
        );
        assert!(lines[0].contains("value: 825373492,"), "{lines:?}");
        assert!(lines[1].contains("value: 1,"), "{lines:?}");
        assert_eq!(
            f.possible_value_formats(),
            vec!["KAFKA_INT", "KAFKA_STRING"]
        );
    }
}
