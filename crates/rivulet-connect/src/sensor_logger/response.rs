//! The seed producer's answer to a valid batch (its pydantic `SensorResponse`, as FastAPI's
//! `JSONResponse` serialises it: compact, UTF-8, `ensure_ascii=False`).
//!
//! Owns the answer's text and Python's `str(datetime.utcnow())` format; it must not decide
//! status codes or headers (the server does).

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use super::PhoneBatch;

/// `{"messageId":"<id as a string>","sessionId":…,"deviceId":…,"timestamp":"YYYY-MM-DD HH:MM:SS.ffffff"}`
/// with `now` in UTC (the fraction is omitted when it is zero, as Python does).
pub fn response_body(batch: &PhoneBatch, now: SystemTime) -> String {
    let mut s = String::with_capacity(64 + batch.session_id.len() + batch.device_id.len());
    let _ = write!(s, "{{\"messageId\":\"{}\",\"sessionId\":", batch.message_id);
    push_json_string(&mut s, &batch.session_id);
    s.push_str(",\"deviceId\":");
    push_json_string(&mut s, &batch.device_id);
    s.push_str(",\"timestamp\":\"");
    push_utc(&mut s, now);
    s.push_str("\"}");
    s
}

/// A JSON string as Python's `json.dumps(ensure_ascii=False)` writes it.
fn push_json_string(s: &mut String, text: &str) {
    s.push('"');
    for c in text.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '\u{8}' => s.push_str("\\b"),
            '\u{c}' => s.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
}

/// Python's `str(datetime.utcnow())` for `now`: microseconds rounded down.
fn push_utc(s: &mut String, now: SystemTime) {
    let ns: i128 = match now.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    };
    let micros = ns.div_euclid(1000);
    let secs = micros.div_euclid(1_000_000);
    let us = micros.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days as i64);
    let _ = write!(
        s,
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    );
    if us != 0 {
        let _ = write!(s, ".{us:06}");
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn batch() -> PhoneBatch {
        PhoneBatch {
            message_id: 20,
            session_id: "a7e3c9b2-1f44-4d8e-b0c6-7e2d9f1a3b55".into(),
            device_id: "dév\"1".into(),
            records: Vec::new(),
        }
    }

    #[test]
    fn answers_like_the_seed() {
        // 2024-05-29 16:26:40.133456 UTC
        let now = UNIX_EPOCH + Duration::from_nanos(1_717_000_000_133_456_789);
        assert_eq!(
            response_body(&batch(), now),
            "{\"messageId\":\"20\",\"sessionId\":\"a7e3c9b2-1f44-4d8e-b0c6-7e2d9f1a3b55\",\
             \"deviceId\":\"dév\\\"1\",\"timestamp\":\"2024-05-29 16:26:40.133456\"}"
        );
    }

    #[test]
    fn whole_seconds_have_no_fraction() {
        let mut s = String::new();
        push_utc(&mut s, UNIX_EPOCH + Duration::from_secs(951_782_400));
        assert_eq!(s, "2000-02-29 00:00:00");
        let mut s = String::new();
        push_utc(&mut s, UNIX_EPOCH + Duration::from_nanos(999));
        assert_eq!(s, "1970-01-01 00:00:00");
        let mut s = String::new();
        push_utc(&mut s, UNIX_EPOCH + Duration::from_micros(1));
        assert_eq!(s, "1970-01-01 00:00:00.000001");
        let mut s = String::new();
        push_utc(&mut s, UNIX_EPOCH - Duration::from_micros(1));
        assert_eq!(s, "1969-12-31 23:59:59.999999");
    }

    #[test]
    fn calendar() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_872), (2024, 5, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
