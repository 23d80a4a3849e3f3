//! Python's `str()` of the scalars the seed's pydantic model coerced to strings: a reading's
//! top-level numbers and booleans (e.g. Android's `accuracy: 3` became `"3"`).
//!
//! Owns only that text conversion; it must not decide which fields are coerced (the decoding
//! paths do) and must not touch numbers nested in `values`, which keep their source text.

/// `str(int)` of a JSON integer token: the token itself, except that `-0` is `0`.
pub(crate) fn int_str(token: &[u8]) -> &[u8] {
    if token == b"-0" {
        b"0"
    } else {
        token
    }
}

/// `str(bool)`.
pub(crate) fn bool_str(v: bool) -> &'static [u8] {
    if v {
        b"True"
    } else {
        b"False"
    }
}

/// `str(float)` (= `repr`) of a JSON number token that has a fraction or an exponent: the
/// shortest round-trip digits, fixed notation for decimal exponents -4..16, otherwise
/// `d.ddde±XX`; overflow to infinity prints `inf`.
pub(crate) fn float_str(token: &str) -> String {
    let v: f64 = match token.parse() {
        Ok(v) => v,
        Err(_) => return token.to_string(),
    };
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // Rust's `{:e}` prints the shortest round-trip digits: "-1.2345e-7", "0e0".
    let sci = format!("{v:e}");
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut s = String::with_capacity(digits.len() + 8);
    if negative {
        s.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                s.push_str(&digits);
                s.push_str(&"0".repeat(int_len - digits.len()));
                s.push_str(".0");
            } else {
                s.push_str(&digits[..int_len]);
                s.push('.');
                s.push_str(&digits[int_len..]);
            }
        } else {
            s.push_str("0.");
            s.push_str(&"0".repeat((-exp - 1) as usize));
            s.push_str(&digits);
        }
    } else {
        s.push_str(&digits[..1]);
        if digits.len() > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            s.push('0');
        }
        s.push_str(&e.to_string());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_python_repr() {
        // Expected values from CPython 3.11 `str(float(token))`.
        let cases = [
            ("2.5", "2.5"),
            ("3.0", "3.0"),
            ("1e2", "100.0"),
            ("1E16", "1e+16"),
            ("1e15", "1000000000000000.0"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("1.5e-7", "1.5e-07"),
            ("-0.0", "-0.0"),
            ("0e0", "0.0"),
            ("123456789012345678.0", "1.2345678901234568e+17"),
            ("1e400", "inf"),
            ("-1e400", "-inf"),
            ("1e-400", "0.0"),
            ("0.1", "0.1"),
            ("12.50", "12.5"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("5e-324", "5e-324"),
            ("123.456e1", "1234.56"),
        ];
        for (token, expected) in cases {
            assert_eq!(float_str(token), expected, "{token}");
        }
    }

    #[test]
    fn ints_and_bools() {
        assert_eq!(int_str(b"-0"), b"0");
        assert_eq!(int_str(b"3"), b"3");
        assert_eq!(bool_str(true), b"True");
    }
}
