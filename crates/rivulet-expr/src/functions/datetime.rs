//! Date and time functions (ksqlDB §4.4): UNIX_TIMESTAMP, UNIX_DATE, FROM_UNIXTIME, FROM_DAYS,
//! FORMAT_/PARSE_ TIMESTAMP, DATE and TIME, CONVERT_TZ, TIMESTAMPADD/SUB, DATEADD/SUB,
//! TIMEADD/SUB, and the deprecated TIMESTAMPTOSTRING, STRINGTOTIMESTAMP, STRINGTODATE and
//! DATETOSTRING. Patterns are Java `DateTimeFormatter` patterns; the zone defaults to UTC
//! (ksqlDB uses the JVM default for the deprecated forms, UTC in its Docker images). Interval
//! units arrive as a STRING (`'SECONDS'`), as the planner passes ksqlDB's bare unit keyword.
//!
//! This module owns those functions. It must not implement pattern letters (see
//! `temporal_pattern`) nor zone rules (see `time_zone`).

use rivulet_core::{time::MS_PER_DAY, Value};

use super::{
    registry::Builder,
    temporal_pattern::{compile, Moment, Parsed},
    text,
    time_zone::{parse_zone, Zone},
    Invocation,
};
use crate::error::FunctionError;

type R = Result<Value, FunctionError>;

const NANOS_PER_MS: i64 = 1_000_000;

fn zone_arg(inv: &Invocation<'_, '_>, i: usize) -> Result<Zone, FunctionError> {
    if inv.len() <= i {
        return Ok(Zone::UTC);
    }
    parse_zone(inv.str(i)?).map_err(FunctionError::from)
}

/// The moment of a UTC instant seen in a zone.
fn instant_moment(ms: i64, zone: Zone) -> Moment {
    let local = ms.saturating_add(i64::from(zone.offset_at(ms)) * 1000);
    Moment {
        days: Some(local.div_euclid(MS_PER_DAY)),
        nanos: Some(local.rem_euclid(MS_PER_DAY) * NANOS_PER_MS),
        zone: Some((zone, ms)),
    }
}

fn format_instant(ms: i64, pattern: &str, zone: Zone) -> Result<String, FunctionError> {
    compile(pattern)
        .and_then(|p| p.format(&instant_moment(ms, zone)))
        .map_err(|e| {
            FunctionError::from(format!(
                "Failed to format timestamp {} with formatter '{pattern}': {e}",
                rivulet_core::time::format_timestamp(ms)
            ))
        })
}

/// Parses text to a UTC instant: missing fields default to 1970-01-01T00:00, a zone or offset
/// in the text wins over `zone`.
fn parse_instant(text: &str, pattern: &str, zone: Zone) -> Result<i64, FunctionError> {
    let fail = |e: String| {
        FunctionError::from(format!(
            "Failed to parse timestamp '{text}' with formatter '{pattern}': {e}"
        ))
    };
    let p: Parsed = compile(pattern).and_then(|p| p.parse(text)).map_err(fail)?;
    let days = p.days().map_err(fail)?;
    let nanos = p.nanos().map_err(fail)?;
    let local = days
        .checked_mul(MS_PER_DAY)
        .and_then(|d| d.checked_add(nanos / NANOS_PER_MS))
        .ok_or_else(|| fail("out of range".into()))?;
    let offset = match (p.offset, p.zone) {
        (Some(o), _) => o,
        (None, Some(z)) => z.offset_for_local(local),
        (None, None) => zone.offset_for_local(local),
    };
    Ok(local - i64::from(offset) * 1000)
}

/// Parses `text` with the Java DateTimeFormatter `pattern` into epoch milliseconds, in UTC unless
/// the text carries a zone or offset: how a source's `TIMESTAMP_FORMAT` reads its `TIMESTAMP`
/// column. Compiled patterns are cached per thread.
pub fn parse_timestamp_text(text: &str, pattern: &str) -> Result<i64, String> {
    parse_instant(text, pattern, Zone::UTC).map_err(|e| match e {
        FunctionError::Message(m) => m,
        FunctionError::Eval(e) => e.to_string(),
    })
}

/// Checks that `pattern` is a Java DateTimeFormatter pattern Rivulet can parse with.
pub fn check_timestamp_pattern(pattern: &str) -> Result<(), String> {
    compile(pattern).map(|_| ())
}

fn format_timestamp(inv: &mut Invocation<'_, '_>) -> R {
    let zone = zone_arg(inv, 2)?;
    Ok(text(format_instant(inv.timestamp(0)?, inv.str(1)?, zone)?))
}

fn parse_timestamp(inv: &mut Invocation<'_, '_>) -> R {
    let zone = zone_arg(inv, 2)?;
    Ok(Value::Timestamp(parse_instant(
        inv.str(0)?,
        inv.str(1)?,
        zone,
    )?))
}

fn timestamp_to_string(inv: &mut Invocation<'_, '_>) -> R {
    // The epoch milliseconds are a Java primitive: NULL is an error.
    let ms = inv.long(0)?;
    let Some(pattern) = inv.opt_str(1) else {
        return Ok(Value::Null);
    };
    let zone = if inv.len() > 2 {
        match inv.opt_str(2) {
            None => return Ok(Value::Null),
            Some(z) => parse_zone(z).map_err(FunctionError::from)?,
        }
    } else {
        Zone::UTC
    };
    Ok(text(format_instant(ms, pattern, zone)?))
}

fn string_to_timestamp(inv: &mut Invocation<'_, '_>) -> R {
    let zone = zone_arg(inv, 2)?;
    Ok(Value::Bigint(parse_instant(
        inv.str(0)?,
        inv.str(1)?,
        zone,
    )?))
}

fn format_date_days(days: i64, pattern: &str) -> Result<String, FunctionError> {
    let m = Moment {
        days: Some(days),
        ..Moment::default()
    };
    compile(pattern).and_then(|p| p.format(&m)).map_err(|e| {
        FunctionError::from(format!(
            "Failed to format date {} with formatter '{pattern}': {e}",
            rivulet_core::time::format_date(days as i32)
        ))
    })
}

fn parse_date_days(text: &str, pattern: &str) -> Result<i64, FunctionError> {
    let fail = |e: String| {
        FunctionError::from(format!(
            "Failed to parse date '{text}' with formatter '{pattern}': {e}"
        ))
    };
    let p = compile(pattern).and_then(|p| p.parse(text)).map_err(fail)?;
    if p.has_time() && p.nanos().map_err(fail)? != 0 {
        return Err(fail("Date format contains time field.".into()));
    }
    p.days().map_err(fail)
}

fn format_date(inv: &mut Invocation<'_, '_>) -> R {
    Ok(text(format_date_days(
        i64::from(inv.date(0)?),
        inv.str(1)?,
    )?))
}

fn parse_date(inv: &mut Invocation<'_, '_>) -> R {
    let days = parse_date_days(inv.str(0)?, inv.str(1)?)?;
    Ok(Value::Date(
        i32::try_from(days).map_err(|_| "date out of range")?,
    ))
}

fn date_to_string(inv: &mut Invocation<'_, '_>) -> R {
    let days = inv.int(0)?;
    let Some(pattern) = inv.opt_str(1) else {
        return Ok(Value::Null);
    };
    Ok(text(format_date_days(i64::from(days), pattern)?))
}

fn string_to_date(inv: &mut Invocation<'_, '_>) -> R {
    let days = parse_date_days(inv.str(0)?, inv.str(1)?)?;
    Ok(Value::Int(
        i32::try_from(days).map_err(|_| "date out of range")?,
    ))
}

fn format_time(inv: &mut Invocation<'_, '_>) -> R {
    let ms = i64::from(inv.time(0)?).rem_euclid(MS_PER_DAY);
    let pattern = inv.str(1)?;
    let m = Moment {
        nanos: Some(ms * NANOS_PER_MS),
        ..Moment::default()
    };
    let s = compile(pattern).and_then(|p| p.format(&m)).map_err(|e| {
        FunctionError::from(format!(
            "Failed to format time with formatter '{pattern}': {e}"
        ))
    })?;
    Ok(text(s))
}

fn parse_time(inv: &mut Invocation<'_, '_>) -> R {
    let (input, pattern) = (inv.str(0)?, inv.str(1)?);
    let fail = |e: String| {
        FunctionError::from(format!(
            "Failed to parse time '{input}' with formatter '{pattern}': {e}"
        ))
    };
    let p = compile(pattern)
        .and_then(|p| p.parse(input))
        .map_err(fail)?;
    if p.has_date() {
        return Err(fail("Time format contains date field.".into()));
    }
    Ok(Value::Time(
        (p.nanos().map_err(fail)? / NANOS_PER_MS) as i32,
    ))
}

fn unix_timestamp(inv: &mut Invocation<'_, '_>) -> R {
    if inv.is_empty() {
        return Ok(Value::Bigint(rivulet_core::time::now_ms()));
    }
    Ok(Value::Bigint(inv.timestamp(0)?))
}

fn unix_date(inv: &mut Invocation<'_, '_>) -> R {
    if inv.is_empty() {
        return Ok(Value::Int(
            rivulet_core::time::now_ms().div_euclid(MS_PER_DAY) as i32,
        ));
    }
    Ok(Value::Int(inv.date(0)?))
}

fn from_unixtime(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Timestamp(inv.long(0)?))
}

fn from_days(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Date(inv.int(0)?))
}

fn convert_tz(inv: &mut Invocation<'_, '_>) -> R {
    let ts = inv.timestamp(0)?;
    let invalid = |e: String| FunctionError::from(format!("Invalid time zone: {e}"));
    let from = parse_zone(inv.str(1)?).map_err(invalid)?;
    let to = parse_zone(inv.str(2)?).map_err(invalid)?;
    let shift = i64::from(to.offset_at(ts)) - i64::from(from.offset_at(ts));
    Ok(Value::Timestamp(ts.saturating_add(shift * 1000)))
}

/// Nanoseconds in one unit of Java's `TimeUnit` (singular or plural, any case).
fn unit_nanos(unit: &str) -> Result<i64, FunctionError> {
    let u = unit.trim().to_ascii_uppercase();
    let u = u.strip_suffix('S').unwrap_or(&u);
    Ok(match u {
        "NANOSECOND" => 1,
        "MICROSECOND" => 1_000,
        "MILLISECOND" => 1_000_000,
        "SECOND" => 1_000_000_000,
        "MINUTE" => 60_000_000_000,
        "HOUR" => 3_600_000_000_000,
        "DAY" => 86_400_000_000_000,
        _ => {
            return Err(format!(
                "Unknown time unit '{unit}'; use DAYS, HOURS, MINUTES, SECONDS, MILLISECONDS, MICROSECONDS or NANOSECONDS"
            )
            .into())
        }
    })
}

/// `TimeUnit.toMillis(interval)`: truncating, saturating.
fn to_millis(unit: &str, interval: i64) -> Result<i64, FunctionError> {
    let nanos = unit_nanos(unit)?;
    Ok(if nanos >= NANOS_PER_MS {
        interval.saturating_mul(nanos / NANOS_PER_MS)
    } else {
        interval / (NANOS_PER_MS / nanos)
    })
}

fn signed(inv: &Invocation<'_, '_>, subtract: bool) -> Result<i64, FunctionError> {
    let i = inv.long(1)?;
    Ok(if subtract { i.wrapping_neg() } else { i })
}

fn timestamp_shift(inv: &Invocation<'_, '_>, subtract: bool) -> R {
    let ms = to_millis(inv.str(0)?, signed(inv, subtract)?)?;
    Ok(Value::Timestamp(inv.timestamp(2)?.saturating_add(ms)))
}

fn timestampadd(inv: &mut Invocation<'_, '_>) -> R {
    timestamp_shift(inv, false)
}

fn timestampsub(inv: &mut Invocation<'_, '_>) -> R {
    timestamp_shift(inv, true)
}

fn date_shift(inv: &Invocation<'_, '_>, subtract: bool) -> R {
    let ms = to_millis(inv.str(0)?, signed(inv, subtract)?)?;
    let total = (i64::from(inv.date(2)?) * MS_PER_DAY).saturating_add(ms);
    // TimeUnit.MILLISECONDS.toDays truncates toward zero.
    Ok(Value::Date((total / MS_PER_DAY) as i32))
}

fn dateadd(inv: &mut Invocation<'_, '_>) -> R {
    date_shift(inv, false)
}

fn datesub(inv: &mut Invocation<'_, '_>) -> R {
    date_shift(inv, true)
}

fn time_shift(inv: &Invocation<'_, '_>, subtract: bool) -> R {
    let nanos_per_unit = unit_nanos(inv.str(0)?)?;
    let delta = i128::from(signed(inv, subtract)?) * i128::from(nanos_per_unit);
    let day = i128::from(MS_PER_DAY) * i128::from(NANOS_PER_MS);
    let start = i128::from(inv.time(2)?) * i128::from(NANOS_PER_MS);
    let nanos = (start + delta).rem_euclid(day);
    Ok(Value::Time((nanos / i128::from(NANOS_PER_MS)) as i32))
}

fn timeadd(inv: &mut Invocation<'_, '_>) -> R {
    time_shift(inv, false)
}

fn timesub(inv: &mut Invocation<'_, '_>) -> R {
    time_shift(inv, true)
}

pub(crate) fn register(b: &mut Builder) {
    b.add(
        "UNIX_TIMESTAMP",
        "Milliseconds since the epoch: now, or of the given TIMESTAMP.",
        &["-> BIGINT", "TIMESTAMP -> BIGINT"],
        unix_timestamp,
    )
    .nondeterministic();
    b.add(
        "UNIX_DATE",
        "Days since the epoch: today (UTC), or of the given DATE.",
        &["-> INT", "DATE -> INT"],
        unix_date,
    )
    .nondeterministic();
    b.add(
        "FROM_UNIXTIME",
        "The TIMESTAMP of milliseconds since the epoch.",
        &["BIGINT -> TIMESTAMP"],
        from_unixtime,
    );
    b.add(
        "FROM_DAYS",
        "The DATE of days since the epoch.",
        &["INT -> DATE"],
        from_days,
    );
    b.add(
        "FORMAT_TIMESTAMP",
        "Formats a TIMESTAMP with a Java DateTimeFormatter pattern, in UTC or the given zone.",
        &[
            "TIMESTAMP, STRING -> STRING",
            "TIMESTAMP, STRING, STRING -> STRING",
        ],
        format_timestamp,
    );
    b.add(
        "PARSE_TIMESTAMP",
        "Parses a string with a Java DateTimeFormatter pattern into a TIMESTAMP, in UTC or the given zone (a zone in the text wins).",
        &["STRING, STRING -> TIMESTAMP", "STRING, STRING, STRING -> TIMESTAMP"],
        parse_timestamp,
    );
    b.add(
        "FORMAT_DATE",
        "Formats a DATE with a Java DateTimeFormatter pattern.",
        &["DATE, STRING -> STRING"],
        format_date,
    );
    b.add(
        "PARSE_DATE",
        "Parses a string with a date pattern into a DATE.",
        &["STRING, STRING -> DATE"],
        parse_date,
    );
    b.add(
        "FORMAT_TIME",
        "Formats a TIME with a Java DateTimeFormatter pattern.",
        &["TIME, STRING -> STRING"],
        format_time,
    );
    b.add(
        "PARSE_TIME",
        "Parses a string with a time pattern into a TIME.",
        &["STRING, STRING -> TIME"],
        parse_time,
    );
    b.add(
        "CONVERT_TZ",
        "Shifts a TIMESTAMP from one zone's wall clock to another's: CONVERT_TZ(ts, fromZone, toZone).",
        &["TIMESTAMP, STRING, STRING -> TIMESTAMP"],
        convert_tz,
    );
    let add_sigs = &["STRING, BIGINT, TIMESTAMP -> TIMESTAMP"];
    b.add(
        "TIMESTAMPADD",
        "Adds an interval to a TIMESTAMP: TIMESTAMPADD(unit, interval, ts), unit such as 'SECONDS'.",
        add_sigs,
        timestampadd,
    );
    b.add(
        "TIMESTAMPSUB",
        "Subtracts an interval from a TIMESTAMP: TIMESTAMPSUB(unit, interval, ts).",
        add_sigs,
        timestampsub,
    );
    b.add(
        "DATEADD",
        "Adds an interval to a DATE: DATEADD(unit, interval, date).",
        &["STRING, BIGINT, DATE -> DATE"],
        dateadd,
    );
    b.add(
        "DATESUB",
        "Subtracts an interval from a DATE: DATESUB(unit, interval, date).",
        &["STRING, BIGINT, DATE -> DATE"],
        datesub,
    );
    b.add(
        "TIMEADD",
        "Adds an interval to a TIME, wrapping at midnight: TIMEADD(unit, interval, time).",
        &["STRING, BIGINT, TIME -> TIME"],
        timeadd,
    );
    b.add(
        "TIMESUB",
        "Subtracts an interval from a TIME, wrapping at midnight: TIMESUB(unit, interval, time).",
        &["STRING, BIGINT, TIME -> TIME"],
        timesub,
    );
    b.add(
        "TIMESTAMPTOSTRING",
        "Deprecated: formats epoch milliseconds with a Java DateTimeFormatter pattern, in UTC (Rivulet's default) or the given zone.",
        &["BIGINT, STRING -> STRING", "BIGINT, STRING, STRING -> STRING"],
        timestamp_to_string,
    )
    .custom_nulls();
    b.add(
        "STRINGTOTIMESTAMP",
        "Deprecated: parses a string with a pattern into epoch milliseconds, in UTC or the given zone.",
        &["STRING, STRING -> BIGINT", "STRING, STRING, STRING -> BIGINT"],
        string_to_timestamp,
    )
    .custom_nulls();
    b.add(
        "STRINGTODATE",
        "Deprecated: parses a string with a pattern into days since the epoch.",
        &["STRING, STRING -> INT"],
        string_to_date,
    )
    .custom_nulls();
    b.add(
        "DATETOSTRING",
        "Deprecated: formats days since the epoch with a pattern.",
        &["INT, STRING -> STRING"],
        date_to_string,
    )
    .custom_nulls();
}
