//! The phone-stream dashboard's SSE feed as the seed backend (FastAPI + sse-starlette) wrote it:
//! per row, event `new_message` with data `["<deviceId>", "<time text>", x, y, z]` in Python's
//! `json.dumps` spacing, the time as pandas prints a nanosecond timestamp, `\r\n` line ends, and
//! a `ping` event every 15 seconds.
//!
//! It owns the byte format only; it must not run queries or own the HTTP response.

use std::time::{SystemTime, UNIX_EPOCH};

use rivulet_core::time::{civil_from_days, MS_PER_DAY};

use crate::sensor_logger::python_float;

/// The stream the seed dashboard backend declared (with `PARTITIONS` so that the topic is
/// created when no phone has pushed yet).
pub const SEED_STREAM_CREATE: &str = "CREATE stream smartphone_sensor_stream (name varchar, time bigint, values_x double, values_y double, values_z double, messageId bigint, sessionId varchar, deviceId varchar) WITH (kafka_topic='smartphone-sensor-data', value_format='JSON', partitions=1);";

/// The push query the seed dashboard backend ran for its chart.
pub const SEED_PUSH_QUERY: &str = "select deviceId, time, values_x, values_y, values_z\nfrom smartphone_sensor_stream where name = 'accelerometeruncalibrated' emit changes;";

/// How often the seed's server sent a keep-alive ping.
pub const PING_SECONDS: u64 = 15;

/// `str(pandas.to_datetime(ns))`: `YYYY-MM-DD HH:MM:SS`, then `.ffffff` when the sub-second
/// part is non-zero, with 3 more digits when the nanoseconds are.
pub fn pandas_time_text(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let frac = ns.rem_euclid(1_000_000_000);
    let days = secs.div_euclid(MS_PER_DAY / 1000);
    let rem = secs.rem_euclid(MS_PER_DAY / 1000);
    let (y, mo, d) = civil_from_days(days);
    let base = format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    );
    if frac % 1000 != 0 {
        format!("{base}.{frac:09}")
    } else if frac != 0 {
        format!("{base}.{:06}", frac / 1000)
    } else {
        base
    }
}

/// `str(datetime.utcnow())`: microseconds, omitted when zero.
pub fn python_utcnow_text(now: SystemTime) -> String {
    let us = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0);
    pandas_time_text(us * 1000)
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn number(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_nan() => "NaN".into(),
        Some(v) => python_float(v),
        None => "null".into(),
    }
}

/// One `new_message` event for a chart row.
pub fn chart_event(
    device_id: Option<&str>,
    time_ns: Option<i64>,
    x: Option<f64>,
    y: Option<f64>,
    z: Option<f64>,
) -> String {
    let device = device_id.map_or_else(|| "null".into(), json_str);
    let time = time_ns.map_or_else(|| "null".into(), |t| json_str(&pandas_time_text(t)));
    format!(
        "id: message_id\r\nevent: new_message\r\ndata: [{device}, {time}, {}, {}, {}]\r\nretry: 1500000\r\n\r\n",
        number(x),
        number(y),
        number(z)
    )
}

/// The keep-alive event.
pub fn ping_event(now: SystemTime) -> String {
    format!("event: ping\r\ndata: {}\r\n\r\n", python_utcnow_text(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pandas_text_has_the_seed_precisions() {
        // 2023-05-08 14:25:56.851304200 UTC
        let ns = 1_683_555_956_851_304_200;
        assert_eq!(pandas_time_text(ns), "2023-05-08 14:25:56.851304200");
        assert_eq!(
            pandas_time_text(ns - 1_304_200),
            "2023-05-08 14:25:56.850000"
        );
        assert_eq!(pandas_time_text(ns - 851_304_200), "2023-05-08 14:25:56");
    }

    #[test]
    fn chart_event_matches_the_seed_backend_bytes() {
        let e = chart_event(
            Some("86a5b0e3"),
            Some(1_684_615_020_438_850_600),
            Some(0.9939),
            Some(-0.5736),
            Some(1.0),
        );
        assert_eq!(
            e,
            "id: message_id\r\nevent: new_message\r\ndata: [\"86a5b0e3\", \"2023-05-20 20:37:00.438850600\", 0.9939, -0.5736, 1.0]\r\nretry: 1500000\r\n\r\n"
        );
        assert!(chart_event(None, None, None, Some(1e-5), None)
            .contains("[null, null, null, 1e-05, null]"));
        assert!(ping_event(UNIX_EPOCH).starts_with("event: ping\r\ndata: 1970-01-01 00:00:00\r\n"));
    }
}
