//! Byte and text encodings (ksqlDB §4.3 "others"): ENCODE between hex/utf8/ascii/base64,
//! TO_BYTES and FROM_BYTES, INT_/BIGINT_/DOUBLE_FROM_BYTES, and MD5.
//!
//! This module owns those conversions and the MD5 digest. It must not know string positions or
//! patterns (see `string`, `regexp`).

use rivulet_core::{base64, Value};

use super::{registry::Builder, text, FunctionCategory, Invocation};
use crate::error::FunctionError;

type R = Result<Value, FunctionError>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Hex,
    Utf8,
    Ascii,
    Base64,
}

fn encoding(name: &str) -> Result<Encoding, FunctionError> {
    match name.to_ascii_lowercase().as_str() {
        "hex" => Ok(Encoding::Hex),
        "utf8" => Ok(Encoding::Utf8),
        "ascii" => Ok(Encoding::Ascii),
        "base64" => Ok(Encoding::Base64),
        _ => Err(format!(
            "Unknown encoding type '{name}'. Supported formats are 'hex', 'utf8', 'ascii', and 'base64'."
        )
        .into()),
    }
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(s: &str) -> Result<Vec<u8>, FunctionError> {
    if s.len() % 2 != 0 {
        return Err("Odd number of characters.".into());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| FunctionError::from(format!("Illegal hexadecimal character in {s}")))
        })
        .collect()
}

/// Text → bytes in an encoding (Java's `getBytes`; unmappable ASCII becomes `?`).
fn decode(s: &str, e: Encoding) -> Result<Vec<u8>, FunctionError> {
    Ok(match e {
        Encoding::Hex => hex_decode(s)?,
        Encoding::Utf8 => s.as_bytes().to_vec(),
        Encoding::Ascii => s
            .chars()
            .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
            .collect(),
        Encoding::Base64 => base64::decode(s.trim()).ok_or("Illegal base64 character")?,
    })
}

/// Bytes → text in an encoding (non-ASCII bytes read as ASCII become U+FFFD).
fn encode(b: &[u8], e: Encoding) -> String {
    match e {
        Encoding::Hex => hex_encode(b),
        Encoding::Utf8 => String::from_utf8_lossy(b).into_owned(),
        Encoding::Ascii => b
            .iter()
            .map(|c| if c.is_ascii() { *c as char } else { '\u{FFFD}' })
            .collect(),
        Encoding::Base64 => base64::encode(b),
    }
}

/// ksqlDB's `Encode.hexStrip`: `0xAB` and `X'AB'` forms lose their decoration.
fn hex_strip(s: &str) -> String {
    if let Some(rest) = s.strip_prefix("0x") {
        if s.len() % 2 != 0 {
            return format!("0{rest}");
        }
        return rest.to_string();
    }
    if s.len() >= 3 && (s.starts_with("x'") || s.starts_with("X'")) && s.ends_with('\'') {
        return s[2..s.len() - 1].to_string();
    }
    s.to_string()
}

fn encode_fn(inv: &mut Invocation<'_, '_>) -> R {
    let input = inv.str(0)?;
    let (from, to) = (inv.str(1)?.to_lowercase(), inv.str(2)?.to_lowercase());
    let unsupported = || {
        FunctionError::from("Supported input and output encodings are: hex, utf8, ascii and base64")
    };
    let from = encoding(&from).map_err(|_| unsupported())?;
    let to = encoding(&to).map_err(|_| unsupported())?;
    if from == to {
        return Err(unsupported());
    }
    let bytes = match from {
        Encoding::Hex => hex_decode(&hex_strip(input))?,
        Encoding::Base64 => base64::decode(input).unwrap_or_default(),
        e => decode(input, e)?,
    };
    Ok(text(encode(&bytes, to)))
}

fn to_bytes(inv: &mut Invocation<'_, '_>) -> R {
    let e = encoding(inv.str(1)?)?;
    Ok(Value::Bytes(decode(inv.str(0)?, e)?.into()))
}

fn from_bytes(inv: &mut Invocation<'_, '_>) -> R {
    let e = encoding(inv.str(1)?)?;
    Ok(text(encode(inv.bytes(0)?, e)))
}

fn fixed<const N: usize>(inv: &Invocation<'_, '_>) -> Result<[u8; N], FunctionError> {
    let b = inv.bytes(0)?;
    let mut a: [u8; N] = <[u8; N]>::try_from(b.as_ref()).map_err(|_| {
        FunctionError::from(format!(
            "Number of bytes must be equal to {N}, but found {}",
            b.len()
        ))
    })?;
    if inv.len() > 1 {
        let order = inv.str(1)?;
        if order.eq_ignore_ascii_case("LITTLE_ENDIAN") {
            a.reverse();
        } else if !order.eq_ignore_ascii_case("BIG_ENDIAN") {
            return Err(format!(
                "Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order '{order}'."
            )
            .into());
        }
    }
    Ok(a)
}

fn int_from_bytes(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Int(i32::from_be_bytes(fixed::<4>(inv)?)))
}

fn bigint_from_bytes(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Bigint(i64::from_be_bytes(fixed::<8>(inv)?)))
}

fn double_from_bytes(inv: &mut Invocation<'_, '_>) -> R {
    Ok(Value::Double(f64::from_be_bytes(fixed::<8>(inv)?)))
}

/// MD5 (RFC 1321) of a byte string.
pub(crate) fn md5(input: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64)
        .map(|i: i32| ((f64::from(i + 1)).sin().abs() * 4_294_967_296.0) as u32)
        .collect();
    let mut msg = input.to_vec();
    let bit_len = (input.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    let (mut a0, mut b0, mut c0, mut d0) = (
        0x6745_2301u32,
        0xefcd_ab89u32,
        0x98ba_dcfeu32,
        0x1032_5476u32,
    );
    for chunk in msg.chunks_exact(64) {
        let m: Vec<u32> = chunk
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, w) in [a0, b0, c0, d0].iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
    }
    out
}

fn md5_fn(inv: &mut Invocation<'_, '_>) -> R {
    Ok(text(hex_encode(&md5(inv.str(0)?.as_bytes()))))
}

pub(crate) fn register(b: &mut Builder) {
    b.add(
        "ENCODE",
        "Re-encodes a string: ENCODE(input, inputEncoding, outputEncoding) with encodings hex, utf8, ascii and base64.",
        &["STRING, STRING, STRING -> STRING"],
        encode_fn,
    );
    b.add(
        "TO_BYTES",
        "Converts a string to BYTES using an encoding: hex, utf8, ascii or base64.",
        &["STRING, STRING -> BYTES"],
        to_bytes,
    );
    b.add(
        "FROM_BYTES",
        "Converts BYTES to a string using an encoding: hex, utf8, ascii or base64.",
        &["BYTES, STRING -> STRING"],
        from_bytes,
    );
    b.add(
        "INT_FROM_BYTES",
        "Reads 4 bytes as an INT, big-endian unless 'LITTLE_ENDIAN' is given.",
        &["BYTES -> INT", "BYTES, STRING -> INT"],
        int_from_bytes,
    )
    .in_category(FunctionCategory::Conversions);
    b.add(
        "BIGINT_FROM_BYTES",
        "Reads 8 bytes as a BIGINT, big-endian unless 'LITTLE_ENDIAN' is given.",
        &["BYTES -> BIGINT", "BYTES, STRING -> BIGINT"],
        bigint_from_bytes,
    )
    .in_category(FunctionCategory::Conversions);
    b.add(
        "DOUBLE_FROM_BYTES",
        "Reads 8 bytes as a DOUBLE, big-endian unless 'LITTLE_ENDIAN' is given.",
        &["BYTES -> DOUBLE", "BYTES, STRING -> DOUBLE"],
        double_from_bytes,
    )
    .in_category(FunctionCategory::Conversions);
    b.add(
        "MD5",
        "The MD5 digest of a string's UTF-8 bytes, as 32 hex digits.",
        &["STRING -> STRING"],
        md5_fn,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_rfc_1321_vectors() {
        for (input, expected) in [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ] {
            assert_eq!(hex_encode(&md5(input.as_bytes())), expected, "{input}");
        }
    }
}
