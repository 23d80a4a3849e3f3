//! Converting one value between types, exactly as ksqlDB's CAST does it: Java's numeric
//! narrowing (wrapping for BIGINT → INT, saturating for DOUBLE → INT), DECIMAL rounding HALF_UP
//! with an overflow check, string parsing (lenient booleans, partial ISO-8601 timestamps) and
//! the text forms of `CAST(x AS STRING)`.
//!
//! This module owns value conversion. It must not decide which casts are allowed (the typing
//! `cast` builder does) nor be reached with a pair the builder rejects (it reports an error).

use std::borrow::Cow;

use rivulet_core::{time, DataType, Decimal, Value};

use crate::error::EvalError;

/// Casts `v` of type `from` to type `to`. NULL stays NULL.
pub fn cast_value(v: &Value, from: &DataType, to: &DataType) -> Result<Value, EvalError> {
    if v.is_null() {
        return Ok(Value::Null);
    }
    if from == to {
        return Ok(v.clone());
    }
    let fail = |reason: String| EvalError::Cast {
        from: from.clone(),
        to: to.clone(),
        value: short_text(v),
        reason,
    };
    use DataType as T;
    Ok(match (to, v) {
        (T::String, _) => Value::string(to_text(v, from).map_err(fail)?),
        (T::Boolean, Value::String(s)) => Value::Boolean(parse_boolean(s.trim())),
        (T::Int, _) => Value::Int(match v {
            Value::Int(i) => *i,
            Value::Bigint(i) => *i as i32,
            Value::Double(d) => *d as i32,
            Value::Decimal(d) => d.trunc_i128() as i32,
            Value::String(s) => s
                .trim()
                .parse::<i32>()
                .map_err(|_| fail(format!("For input string: \"{}\"", s.trim())))?,
            _ => return Err(fail("not a number".into())),
        }),
        (T::Bigint, _) => Value::Bigint(match v {
            Value::Int(i) => i64::from(*i),
            Value::Bigint(i) => *i,
            Value::Double(d) => *d as i64,
            Value::Decimal(d) => d.trunc_i128() as i64,
            Value::String(s) => s
                .trim()
                .parse::<i64>()
                .map_err(|_| fail(format!("For input string: \"{}\"", s.trim())))?,
            _ => return Err(fail("not a number".into())),
        }),
        (T::Double, _) => Value::Double(match v {
            Value::Int(i) => f64::from(*i),
            Value::Bigint(i) => *i as f64,
            Value::Double(d) => *d,
            Value::Decimal(d) => decimal_to_f64(d),
            Value::String(s) => parse_double(s.trim()).map_err(fail)?,
            _ => return Err(fail("not a number".into())),
        }),
        (T::Decimal { precision, scale }, _) => {
            let exact = match v {
                Value::Int(i) => Decimal::new(i128::from(*i), 0),
                Value::Bigint(i) => Decimal::new(i128::from(*i), 0),
                Value::Decimal(d) => *d,
                Value::Double(d) => double_to_decimal(*d, *precision).map_err(fail)?,
                Value::String(s) => parse_big_decimal(s.trim())
                    .ok_or_else(|| fail("not a decimal number".into()))?,
                _ => return Err(fail("not a number".into())),
            };
            Value::Decimal(fit_decimal(&exact, *precision, *scale)?)
        }
        (T::Timestamp, Value::String(s)) => {
            Value::Timestamp(parse_timestamp_text(s.trim()).map_err(fail)?)
        }
        (T::Timestamp, Value::Date(d)) => Value::Timestamp(i64::from(*d) * time::MS_PER_DAY),
        (T::Date, Value::String(s)) => Value::Date(parse_date_text(s.trim()).map_err(fail)?),
        (T::Date, Value::Timestamp(ms)) => Value::Date(ms.div_euclid(time::MS_PER_DAY) as i32),
        (T::Time, Value::String(s)) => Value::Time(parse_time_text(s.trim()).map_err(fail)?),
        (T::Time, Value::Timestamp(ms)) => Value::Time(ms.rem_euclid(time::MS_PER_DAY) as i32),
        (T::Bytes, Value::String(s)) => Value::Bytes(
            rivulet_core::base64::decode(s.trim())
                .ok_or_else(|| fail("not base64".into()))?
                .into(),
        ),
        (T::Array(to_elem), Value::Array(items)) => {
            let DataType::Array(from_elem) = from else {
                return Err(fail("not an array type".into()));
            };
            Value::Array(
                items
                    .iter()
                    .map(|i| cast_value(i, from_elem, to_elem))
                    .collect::<Result<_, _>>()?,
            )
        }
        (T::Map(tk, tv), Value::Map(entries)) => {
            let DataType::Map(fk, fv) = from else {
                return Err(fail("not a map type".into()));
            };
            let mut out: Vec<(Value, Value)> = Vec::with_capacity(entries.len());
            for (k, val) in entries {
                let k = cast_value(k, fk, tk)?;
                let val = cast_value(val, fv, tv)?;
                // Casting keys may make two equal: the later one wins, as in a Java map.
                match out.iter_mut().find(|(ek, _)| *ek == k) {
                    Some(slot) => slot.1 = val,
                    None => out.push((k, val)),
                }
            }
            Value::Map(out)
        }
        (T::Struct(to_fields), Value::Struct(values)) => {
            let DataType::Struct(from_fields) = from else {
                return Err(fail("not a struct type".into()));
            };
            let mut out = Vec::with_capacity(to_fields.len());
            for field in to_fields {
                let source = from_fields.iter().find(|f| f.name == field.name);
                let value = values.iter().find(|(n, _)| **n == *field.name);
                let cast = match (source, value) {
                    (Some(sf), Some((_, val))) => cast_value(val, &sf.data_type, &field.data_type)?,
                    _ => Value::Null,
                };
                out.push((field.name.as_str().into(), cast));
            }
            Value::Struct(out)
        }
        _ => return Err(fail("unsupported cast".into())),
    })
}

fn short_text(v: &Value) -> String {
    let mut s = v.to_string();
    if s.len() > 100 {
        let mut cut = 100;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// `CAST(v AS STRING)`: Java's `toString` of the value ksqlDB holds.
pub(crate) fn to_text<'a>(v: &'a Value, from: &DataType) -> Result<Cow<'a, str>, String> {
    Ok(match (v, from) {
        (Value::String(s), _) => Cow::Borrowed(s),
        (Value::Time(ms), _) => Cow::Owned(time_text(*ms)),
        (Value::Bytes(_), _) => return Err("BYTES cannot be cast to STRING".into()),
        (Value::Decimal(d), DataType::Decimal { scale, .. }) if d.scale != *scale => {
            Cow::Owned(rescale(d, *scale).unwrap_or(*d).to_string())
        }
        _ => Cow::Owned(v.to_string()),
    })
}

/// `LocalTime.ofSecondOfDay(ms / 1000).toString()`: `HH:mm`, or `HH:mm:ss` when there are
/// seconds (milliseconds are dropped, as ksqlDB drops them).
fn time_text(ms: i32) -> String {
    let secs = i64::from(ms).rem_euclid(time::MS_PER_DAY) / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// ksqlDB's CAST to BOOLEAN: any case-insensitive prefix of `true` or `yes` is TRUE, anything
/// else FALSE.
pub(crate) fn parse_boolean(s: &str) -> bool {
    crate::typing::coercion::prefix_of(s, "true") || crate::typing::coercion::prefix_of(s, "yes")
}

/// `Double.parseDouble`, refusing NaN and infinities as ksqlDB's `SqlDoubles` does.
pub(crate) fn parse_double(s: &str) -> Result<f64, String> {
    let t = s.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(s);
    let lower = t.to_ascii_lowercase();
    if lower.contains("inf") || lower.contains("nan") {
        return Err(format!("Invalid double value: {s}"));
    }
    t.parse::<f64>()
        .map_err(|_| format!("For input string: \"{s}\""))
}

/// The nearest double to a decimal (through its text, so it is correctly rounded).
pub(crate) fn decimal_to_f64(d: &Decimal) -> f64 {
    d.to_string().parse::<f64>().unwrap_or_else(|_| d.to_f64())
}

/// `new BigDecimal(text)`: optional sign, digits with an optional point, optional exponent.
pub(crate) fn parse_big_decimal(text: &str) -> Option<Decimal> {
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let d: Decimal = mantissa.parse().ok()?;
    let scale = i32::from(d.scale).checked_sub(exp)?;
    if scale >= 0 {
        Some(Decimal::new(d.unscaled, u8::try_from(scale).ok()?))
    } else {
        let factor = 10i128.checked_pow(u32::try_from(-scale).ok()?)?;
        Some(Decimal::new(d.unscaled.checked_mul(factor)?, 0))
    }
}

/// `new BigDecimal(double, new MathContext(precision))`: the double's exact binary value
/// rounded HALF_UP to `precision` significant digits.
fn double_to_decimal(v: f64, precision: u8) -> Result<Decimal, String> {
    if !v.is_finite() {
        return Err(format!("{v} is not a finite number"));
    }
    if v == 0.0 {
        return Ok(Decimal::new(0, 0));
    }
    // 60 significant digits: more than DECIMAL's 38 plus room to round half-up correctly.
    let text = format!("{:.59e}", v.abs());
    let (mantissa, exp) = text.split_once('e').ok_or("bad double text")?;
    let exp: i32 = exp.parse().map_err(|_| "bad double text")?;
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let keep = usize::from(precision.max(1)).min(digits.len());
    let mut unscaled: i128 = 0;
    for d in &digits[..keep] {
        unscaled = unscaled * 10 + i128::from(d - b'0');
    }
    if digits.get(keep).is_some_and(|d| *d >= b'5') {
        unscaled += 1;
    }
    // value = unscaled × 10^(exp - keep + 1)
    let scale = keep as i32 - 1 - exp;
    let unscaled = if v < 0.0 { -unscaled } else { unscaled };
    if scale >= 0 {
        Ok(Decimal::new(
            unscaled,
            u8::try_from(scale).map_err(|_| "too small")?,
        ))
    } else {
        let factor = 10i128
            .checked_pow(u32::try_from(-scale).map_err(|_| "too large")?)
            .ok_or("too large")?;
        Ok(Decimal::new(
            unscaled.checked_mul(factor).ok_or("too large")?,
            0,
        ))
    }
}

/// `d` at `scale` digits after the point, rounding HALF_UP; `None` if it does not fit an i128.
/// (Overflow-safe for every scale difference, unlike a naive `2 × remainder` check.)
pub(crate) fn rescale(d: &Decimal, scale: u8) -> Option<Decimal> {
    if scale >= d.scale {
        let factor = 10i128.checked_pow(u32::from(scale - d.scale))?;
        return Some(Decimal::new(d.unscaled.checked_mul(factor)?, scale));
    }
    let Some(factor) = 10i128.checked_pow(u32::from(d.scale - scale)) else {
        // More than 38 digits dropped: every i128 rounds to zero.
        return Some(Decimal::new(0, scale));
    };
    let q = d.unscaled / factor;
    let r = (d.unscaled % factor).unsigned_abs();
    let half_or_more = r >= factor.unsigned_abs() - r;
    let q = if half_or_more {
        if d.unscaled < 0 {
            q - 1
        } else {
            q + 1
        }
    } else {
        q
    };
    Some(Decimal::new(q, scale))
}

/// ksqlDB's `DecimalUtil` fit: the value must be below 10^(precision − scale) in magnitude,
/// then is rounded HALF_UP to `scale`.
pub(crate) fn fit_decimal(d: &Decimal, precision: u8, scale: u8) -> Result<Decimal, EvalError> {
    let overflow = || {
        EvalError::Overflow(format!(
            "A field with precision {precision} and scale {scale} must round to an absolute value less than 10^{}. Got {d}",
            precision.saturating_sub(scale)
        ))
    };
    let whole_digits = u32::from(precision.saturating_sub(scale));
    let int_part = d.trunc_i128().unsigned_abs();
    match 10u128.checked_pow(whole_digits) {
        Some(limit) if int_part >= limit => return Err(overflow()),
        _ => {}
    }
    let r = rescale(d, scale).ok_or_else(overflow)?;
    // Rounding up may reach the limit (9.96 → DECIMAL(2,1) gives 10.0).
    if let Some(limit) = 10u128.checked_pow(whole_digits) {
        if r.trunc_i128().unsigned_abs() >= limit {
            return Err(overflow());
        }
    }
    Ok(r)
}

/// `LocalDate.parse` of `yyyy-MM-dd` after ksqlDB completes `yyyy` and `yyyy-MM`.
pub(crate) fn parse_date_text(s: &str) -> Result<i32, String> {
    let completed: Cow<str> = match s.split('-').count() {
        1 => Cow::Owned(format!("{s}-01-01")),
        2 => Cow::Owned(format!("{s}-01")),
        _ => Cow::Borrowed(s),
    };
    let bad = || {
        format!("Failed to parse date '{s}'. Required format is: \"yyyy-MM-dd\", for example '2020-05-26'")
    };
    let b = completed.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<u32, String> {
        let part = completed.get(r).ok_or_else(bad)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse::<u32>().map_err(|_| bad())
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let days = days_checked(i64::from(y), m, d).ok_or_else(bad)?;
    i32::try_from(days).map_err(|_| bad())
}

/// The day number of a valid civil date.
pub(crate) fn days_checked(year: i64, month: u32, day: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(time::days_from_civil(year, month, day))
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// `LocalTime.parse`: `HH:mm`, `HH:mm:ss` or `HH:mm:ss.fraction`, to milliseconds of the day.
pub(crate) fn parse_time_text(s: &str) -> Result<i32, String> {
    let bad = || {
        format!("Failed to parse time '{s}'. Required format is: \"HH:mm:ss.SSS\", for example: '01:34:20.123' or '01:34:20'")
    };
    let two = |part: Option<&str>| -> Result<u32, String> {
        let p = part.ok_or_else(bad)?;
        if p.len() != 2 || !p.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        p.parse().map_err(|_| bad())
    };
    let (hm, rest) = match s.get(5..) {
        Some(rest) if s.len() > 5 => (&s[..5], rest),
        _ => (s, ""),
    };
    let (h, m) = (two(hm.get(0..2))?, two(hm.get(3..5))?);
    if hm.as_bytes().get(2) != Some(&b':') {
        return Err(bad());
    }
    let (mut sec, mut millis) = (0u32, 0u32);
    if !rest.is_empty() {
        let rest = rest.strip_prefix(':').ok_or_else(bad)?;
        sec = two(rest.get(0..2))?;
        if let Some(frac) = rest.get(2..).filter(|f| !f.is_empty()) {
            let digits = frac.strip_prefix('.').ok_or_else(bad)?;
            if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|c| c.is_ascii_digit())
            {
                return Err(bad());
            }
            let padded = format!("{digits:0<3}");
            millis = padded[..3].parse().map_err(|_| bad())?;
        }
    }
    if h > 23 || m > 59 || sec > 59 {
        return Err(bad());
    }
    Ok((h * 3_600_000 + m * 60_000 + sec * 1000 + millis) as i32)
}

/// ksqlDB's partial ISO-8601 timestamp reading (CAST to TIMESTAMP, comparisons with a string):
/// `yyyy[-MM[-dd]][THH[:mm[:ss[.SSS]]]][Z|±hh[:mm]]`, UTC unless an offset is given.
pub(crate) fn parse_timestamp_text(s: &str) -> Result<i64, String> {
    let bad = |why: &str| {
        format!("Failed to parse timestamp '{s}': {why}. Required format is: \"yyyy-MM-dd'T'HH:mm:ss.SSS\", with an optional numeric 4-digit timezone")
    };
    let (date, time_part, zone) = match s.find('T') {
        Some(t) => {
            let date = &s[..t];
            let rest = &s[t + 1..];
            let zone_at = rest.find(['+', '-']).unwrap_or(rest.len());
            let time = rest[..zone_at]
                .strip_suffix('Z')
                .unwrap_or(&rest[..zone_at]);
            (date, time, &rest[zone_at..])
        }
        None => (s, "", ""),
    };
    let days = parse_date_text(date).map_err(|_| bad("bad date"))?;
    let millis = if time_part.is_empty() {
        0
    } else {
        // Complete the time against `HH:mm:ss.SSS`.
        const PATTERN: &str = "00:00:00.000";
        let completed = if time_part.len() >= PATTERN.len() {
            time_part.to_string()
        } else {
            format!("{time_part}{}", &PATTERN[time_part.len()..])
        };
        parse_time_text(&completed).map_err(|_| bad("bad time"))?
    };
    let offset_secs = if zone.is_empty() {
        0
    } else {
        crate::functions::time_zone::parse_offset(zone).ok_or_else(|| bad("bad offset"))?
    };
    Ok(i64::from(days) * time::MS_PER_DAY + i64::from(millis) - i64::from(offset_secs) * 1000)
}
