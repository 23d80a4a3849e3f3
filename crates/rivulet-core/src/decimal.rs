//! Exact decimals: an `i128` unscaled value and a scale, as ksqlDB's DECIMAL(p, s).

use std::{cmp::Ordering, fmt, str::FromStr};

use thiserror::Error;

/// A decimal number `unscaled × 10^-scale`.
#[derive(Debug, Clone, Copy)]
pub struct Decimal {
    pub unscaled: i128,
    pub scale: u8,
}

/// Why text is not a decimal.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("'{0}' is not a decimal number")]
pub struct DecimalParseError(pub String);

const MAX_SCALE: u8 = 38;

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

impl Decimal {
    pub fn new(unscaled: i128, scale: u8) -> Self {
        Decimal { unscaled, scale }
    }

    /// Digits in the unscaled value (at least 1).
    pub fn precision(&self) -> u8 {
        let mut n = self.unscaled.unsigned_abs();
        let mut digits = 1u8;
        while n >= 10 {
            n /= 10;
            digits += 1;
        }
        digits.max(self.scale)
    }

    /// The same number with `scale` digits after the point, rounding half up; `None` if it
    /// does not fit.
    pub fn rescale(&self, scale: u8) -> Option<Decimal> {
        match scale.cmp(&self.scale) {
            Ordering::Equal => Some(*self),
            Ordering::Greater => {
                let factor = pow10(u32::from(scale - self.scale))?;
                Some(Decimal::new(self.unscaled.checked_mul(factor)?, scale))
            }
            Ordering::Less => {
                let factor = pow10(u32::from(self.scale - scale))?;
                let q = self.unscaled / factor;
                let r = self.unscaled % factor;
                let round = if r.abs() * 2 >= factor { r.signum() } else { 0 };
                Some(Decimal::new(q + round, scale))
            }
        }
    }

    /// The nearest double.
    pub fn to_f64(&self) -> f64 {
        self.unscaled as f64 / 10f64.powi(i32::from(self.scale))
    }

    /// The integer part (truncated toward zero).
    pub fn trunc_i128(&self) -> i128 {
        match pow10(u32::from(self.scale)) {
            Some(f) => self.unscaled / f,
            None => 0,
        }
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        match (self.rescale(scale), other.rescale(scale)) {
            (Some(a), Some(b)) => a.unscaled.cmp(&b.unscaled),
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
    }
}

impl std::hash::Hash for Decimal {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Equal values hash equally whatever their scale: strip trailing zeros.
        let mut d = *self;
        while d.scale > 0 && d.unscaled % 10 == 0 {
            d.unscaled /= 10;
            d.scale -= 1;
        }
        d.unscaled.hash(state);
        d.scale.hash(state);
    }
}

impl FromStr for Decimal {
    type Err = DecimalParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DecimalParseError(s.to_string());
        let t = s.trim();
        let (neg, digits) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if (int.is_empty() && frac.is_empty())
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > MAX_SCALE as usize
        {
            return Err(err());
        }
        let mut unscaled: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            unscaled = unscaled
                .checked_mul(10)
                .and_then(|v| v.checked_add(i128::from(b - b'0')))
                .ok_or_else(err)?;
        }
        Ok(Decimal::new(
            if neg { -unscaled } else { unscaled },
            frac.len() as u8,
        ))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.unscaled < 0 { "-" } else { "" };
        let digits = self.unscaled.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{int}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_print_round_trip() {
        for s in ["0", "1.5", "-0.05", "123.450", "99999999999999999999.1"] {
            assert_eq!(s.parse::<Decimal>().unwrap().to_string(), s);
        }
        assert!("1.2.3".parse::<Decimal>().is_err());
        assert!("abc".parse::<Decimal>().is_err());
        assert!(".".parse::<Decimal>().is_err());
    }

    #[test]
    fn compares_across_scales_and_rounds_half_up() {
        let a: Decimal = "1.50".parse().unwrap();
        let b: Decimal = "1.5".parse().unwrap();
        assert_eq!(a, b);
        assert_eq!(a.precision(), 3);
        assert_eq!(
            "2.345"
                .parse::<Decimal>()
                .unwrap()
                .rescale(2)
                .unwrap()
                .to_string(),
            "2.35"
        );
        assert_eq!(
            "-2.345"
                .parse::<Decimal>()
                .unwrap()
                .rescale(2)
                .unwrap()
                .to_string(),
            "-2.35"
        );
        assert!("1.49".parse::<Decimal>().unwrap() < b);
    }
}
