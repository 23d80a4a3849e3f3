//! The `DELIMITED` format: one record's columns as a single line of delimiter-separated text, read
//! and written exactly as ksqlDB's `KsqlDelimitedDeserializer`/`KsqlDelimitedSerializer` do with
//! Apache commons-csv 1.4 (`CSVFormat.DEFAULT` with the configured delimiter).
//!
//! Reading: bytes as UTF-8 (invalid sequences become U+FFFD, as Java's `new String` does);
//! leading empty lines skipped; only the first record is used; `"` quotes a field (`""` inside is
//! a quote; whitespace may follow the closing quote); an empty field is NULL; the field count must
//! equal the column count. BOOLEAN is `Boolean.parseBoolean` (`true` in any case, anything else
//! false), INT/DATE `Integer.parseInt`, BIGINT/TIMESTAMP/TIME `Long.parseLong`, DOUBLE
//! `Double.parseDouble`, DECIMAL `new BigDecimal` fitted to the column, BYTES base64.
//!
//! Writing: NULL as nothing; DECIMAL as `toPlainString`, DOUBLE as `Double.toString`, TIMESTAMP
//! as epoch ms, DATE as days, TIME as ms, BYTES as base64; quoted by commons-csv 1.4's MINIMAL
//! rule (the first field when it does not start with an ASCII letter or digit — so a leading
//! negative number is quoted — any field starting with a character up to `#`, containing the
//! delimiter, a quote or a line break, or ending with a character up to space).
//!
//! This module owns that text format. It must not know JSON or KAFKA and must never panic.

use std::{borrow::Cow, sync::Arc};

use bytes::Bytes;
use rivulet_core::{Column, DataType, Value};

use crate::{
    error::{ColumnError, FormatError},
    java_text,
    serde::{base_type_name, Decoded, Encoded},
};

/// The DELIMITED codec of a list of columns.
#[derive(Debug)]
pub(crate) struct DelimitedCodec {
    delimiter: u8,
    columns: Vec<(String, DelimitedType)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DelimitedType {
    Boolean,
    Int,
    Bigint,
    Double,
    Decimal { precision: u8, scale: u8 },
    String,
    Bytes,
    Timestamp,
    Date,
    Time,
}

impl DelimitedType {
    fn sql(self) -> String {
        match self {
            DelimitedType::Boolean => "BOOLEAN".into(),
            DelimitedType::Int => "INTEGER".into(),
            DelimitedType::Bigint => "BIGINT".into(),
            DelimitedType::Double => "DOUBLE".into(),
            DelimitedType::Decimal { precision, scale } => {
                format!("DECIMAL({precision}, {scale})")
            }
            DelimitedType::String => "STRING".into(),
            DelimitedType::Bytes => "BYTES".into(),
            DelimitedType::Timestamp => "TIMESTAMP".into(),
            DelimitedType::Date => "DATE".into(),
            DelimitedType::Time => "TIME".into(),
        }
    }
}

impl DelimitedCodec {
    pub(crate) fn new(columns: &[Column], delimiter: u8) -> Result<Self, FormatError> {
        let columns = columns
            .iter()
            .map(|c| {
                let ty = match c.data_type {
                    DataType::Boolean => DelimitedType::Boolean,
                    DataType::Int => DelimitedType::Int,
                    DataType::Bigint => DelimitedType::Bigint,
                    DataType::Double => DelimitedType::Double,
                    DataType::Decimal { precision, scale } => {
                        DelimitedType::Decimal { precision, scale }
                    }
                    DataType::String => DelimitedType::String,
                    DataType::Bytes => DelimitedType::Bytes,
                    DataType::Timestamp => DelimitedType::Timestamp,
                    DataType::Date => DelimitedType::Date,
                    DataType::Time => DelimitedType::Time,
                    ref other => {
                        return Err(FormatError::UnsupportedSchema(format!(
                            "The 'DELIMITED' format does not support type '{}', column: `{}`",
                            base_type_name(other),
                            c.name
                        )))
                    }
                };
                Ok((c.name.clone(), ty))
            })
            .collect::<Result<_, _>>()?;
        Ok(DelimitedCodec { delimiter, columns })
    }

    pub(crate) fn decode(
        &self,
        bytes: &[u8],
        out: &mut Vec<Value>,
    ) -> Result<Decoded, FormatError> {
        let text = String::from_utf8_lossy(bytes);
        let fields = first_record(&text, self.delimiter)?;
        if fields.is_empty() {
            return Err(FormatError::Malformed {
                what: "DELIMITED",
                message: "No fields in record".to_string(),
            });
        }
        if fields.len() != self.columns.len() {
            return Err(FormatError::ColumnCount {
                serialization: false,
                expected: self.columns.len(),
                actual: fields.len(),
            });
        }
        let base = out.len();
        out.reserve(fields.len());
        for ((name, ty), field) in self.columns.iter().zip(&fields) {
            match parse_field(*ty, field) {
                Ok(value) => out.push(value),
                Err(message) => {
                    out.truncate(base);
                    return Err(ColumnError::new(Some(name), message)
                        .with_value(field)
                        .into());
                }
            }
        }
        Ok(Decoded::Row)
    }

    pub(crate) fn encode(
        &self,
        values: &[Value],
        out: &mut Vec<u8>,
    ) -> Result<Encoded, FormatError> {
        let base = out.len();
        let mut text = String::new();
        for (i, ((name, ty), value)) in self.columns.iter().zip(values).enumerate() {
            if i > 0 {
                out.push(self.delimiter);
            }
            text.clear();
            match field_text(*ty, value, &mut text) {
                Ok(false) => {}
                Ok(true) => write_quoted(&text, i == 0, self.delimiter, out),
                Err(message) => {
                    out.truncate(base);
                    return Err(ColumnError::new(Some(name), message).into());
                }
            }
        }
        Ok(Encoded::Bytes)
    }
}

/// Converts one non-null field (empty text is NULL).
fn parse_field(ty: DelimitedType, text: &str) -> Result<Value, String> {
    if text.is_empty() {
        return Ok(Value::Null);
    }
    let coerce = || format!("Can't coerce string to type. targetType: {}", ty.sql());
    Ok(match ty {
        DelimitedType::Boolean => Value::Boolean(text.eq_ignore_ascii_case("true")),
        DelimitedType::Int => Value::Int(text.parse().map_err(|_| coerce())?),
        DelimitedType::Bigint => Value::Bigint(text.parse().map_err(|_| coerce())?),
        DelimitedType::Timestamp => Value::Timestamp(text.parse().map_err(|_| coerce())?),
        DelimitedType::Date => Value::Date(text.parse().map_err(|_| coerce())?),
        DelimitedType::Time => {
            let ms: i64 = text.parse().map_err(|_| coerce())?;
            match i32::try_from(ms) {
                Ok(ms) if (0..=86_400_000).contains(&ms) => Value::Time(ms),
                _ => {
                    return Err(
                        "Time values must use number of milliseconds greater than 0 and \
                                less than 86400000."
                            .to_string(),
                    )
                }
            }
        }
        DelimitedType::Double => {
            Value::Double(java_text::parse_java_double(text).ok_or_else(coerce)?)
        }
        DelimitedType::Decimal { precision, scale } => Value::Decimal(
            java_text::parse_big_decimal(text)
                .ok_or_else(coerce)?
                .fit(precision, scale)?,
        ),
        DelimitedType::String => Value::String(Arc::from(text)),
        DelimitedType::Bytes => Value::Bytes(Bytes::from(
            java_text::decode_base64(text)
                .ok_or_else(|| "Value is not a valid Base64 encoded string".to_string())?,
        )),
    })
}

/// The text of one value; `Ok(false)` for NULL (written as nothing, never quoted).
fn field_text(ty: DelimitedType, value: &Value, out: &mut String) -> Result<bool, String> {
    let mut bytes = Vec::new();
    match (ty, value) {
        (_, Value::Null) => return Ok(false),
        (DelimitedType::Boolean, Value::Boolean(b)) => {
            out.push_str(if *b { "true" } else { "false" })
        }
        (DelimitedType::Int, Value::Int(v))
        | (DelimitedType::Date, Value::Date(v))
        | (DelimitedType::Time, Value::Time(v)) => out.push_str(itoa::Buffer::new().format(*v)),
        (DelimitedType::Bigint, Value::Bigint(v))
        | (DelimitedType::Timestamp, Value::Timestamp(v)) => {
            out.push_str(itoa::Buffer::new().format(*v))
        }
        (DelimitedType::Bigint | DelimitedType::Decimal { .. }, Value::Int(v)) => {
            out.push_str(itoa::Buffer::new().format(*v))
        }
        (DelimitedType::Decimal { .. }, Value::Bigint(v)) => {
            out.push_str(itoa::Buffer::new().format(*v))
        }
        (DelimitedType::Double, Value::Double(_) | Value::Int(_) | Value::Bigint(_)) => {
            java_text::write_java_double(value.as_f64().unwrap_or(f64::NAN), &mut bytes);
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
        (DelimitedType::Decimal { .. }, Value::Decimal(d)) => out.push_str(&d.to_string()),
        (DelimitedType::String, Value::String(s)) => out.push_str(s),
        (DelimitedType::Bytes, Value::Bytes(b)) => out.push_str(&rivulet_core::base64::encode(b)),
        (_, other) => {
            let kind = match other.scalar_type() {
                Some(t) => t.to_string(),
                None => "collection".to_string(),
            };
            return Err(format!(
                "Can't serialize a {kind} value as {} with the DELIMITED format",
                ty.sql()
            ));
        }
    }
    Ok(true)
}

/// Writes a field, quoted when commons-csv 1.4's MINIMAL rule says so.
fn write_quoted(text: &str, first: bool, delimiter: u8, out: &mut Vec<u8>) {
    let b = text.as_bytes();
    let quote = match (b.first(), b.last()) {
        (None, _) | (_, None) => first,
        (Some(&c), Some(&last)) => {
            (first && !c.is_ascii_alphanumeric())
                || c <= b'#'
                || b.iter()
                    .any(|&c| c == b'\n' || c == b'\r' || c == b'"' || c == delimiter)
                || last <= b' '
        }
    };
    if !quote {
        out.extend_from_slice(b);
        return;
    }
    out.push(b'"');
    for &c in b {
        if c == b'"' {
            out.push(b'"');
        }
        out.push(c);
    }
    out.push(b'"');
}

/// Java's `Character.isWhitespace` (which commons-csv skips after a closing quote).
fn java_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{0B}'
            | '\u{0C}'
            | '\r'
            | '\u{1C}'..='\u{1F}'
            | ' '
            | '\u{1680}'
            | '\u{2000}'..='\u{2006}'
            | '\u{2008}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

fn malformed(message: &str) -> FormatError {
    FormatError::Malformed {
        what: "DELIMITED",
        message: message.to_string(),
    }
}

/// The fields of the first record of `text` (commons-csv 1.4's lexer with `CSVFormat.DEFAULT`);
/// empty when the text holds no record.
fn first_record(text: &str, delimiter: u8) -> Result<Vec<Cow<'_, str>>, FormatError> {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(b'\n' | b'\r') = b.get(i) {
        i += 1;
    }
    let mut fields = Vec::new();
    if i >= b.len() {
        return Ok(fields);
    }
    loop {
        match b.get(i) {
            // An empty field before a delimiter; or, at the end after a delimiter, the last one.
            Some(&c) if c == delimiter => {
                fields.push(Cow::Borrowed(""));
                i += 1;
            }
            None | Some(b'\n' | b'\r') => {
                fields.push(Cow::Borrowed(""));
                return Ok(fields);
            }
            Some(b'"') => {
                let (field, next) = quoted_field(text, i + 1, delimiter)?;
                fields.push(field);
                match next {
                    Some(after) => i = after,
                    None => return Ok(fields),
                }
            }
            Some(_) => {
                let start = i;
                while let Some(&c) = b.get(i) {
                    if c == delimiter || c == b'\n' || c == b'\r' {
                        break;
                    }
                    i += 1;
                }
                fields.push(Cow::Borrowed(text.get(start..i).unwrap_or("")));
                if b.get(i) == Some(&delimiter) {
                    i += 1;
                } else {
                    return Ok(fields);
                }
            }
        }
    }
}

/// A quoted field whose content starts at `start` (after the opening quote); returns it and the
/// index after the delimiter that ends it, or `None` when the record ends with it.
fn quoted_field(
    text: &str,
    start: usize,
    delimiter: u8,
) -> Result<(Cow<'_, str>, Option<usize>), FormatError> {
    let b = text.as_bytes();
    // Quotes, delimiters and line breaks are ASCII, so these byte positions are always char
    // boundaries of the UTF-8 text.
    let mut owned: Option<String> = None;
    let mut chunk = start;
    let mut i = start;
    loop {
        match b.get(i) {
            None => return Err(malformed("EOF reached before encapsulated token finished")),
            Some(b'"') if b.get(i + 1) == Some(&b'"') => {
                owned
                    .get_or_insert_with(String::new)
                    .push_str(text.get(chunk..=i).unwrap_or(""));
                i += 2;
                chunk = i;
            }
            Some(b'"') => break,
            Some(_) => i += 1,
        }
    }
    let field = match owned {
        Some(mut s) => {
            s.push_str(text.get(chunk..i).unwrap_or(""));
            Cow::Owned(s)
        }
        None => Cow::Borrowed(text.get(start..i).unwrap_or("")),
    };
    let mut j = i + 1;
    loop {
        match b.get(j) {
            Some(&c) if c == delimiter => return Ok((field, Some(j + 1))),
            None | Some(b'\n' | b'\r') => return Ok((field, None)),
            Some(_) => match text.get(j..).and_then(|rest| rest.chars().next()) {
                Some(c) if java_whitespace(c) => j += c.len_utf8(),
                _ => {
                    return Err(malformed(
                        "invalid char between encapsulated token and delimiter",
                    ))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use rivulet_core::{ColumnKind, Decimal};

    use super::*;
    use crate::{Format, Serde};

    fn serde_with(types: &[DataType], delimiter: u8) -> Serde {
        let columns = types
            .iter()
            .enumerate()
            .map(|(i, t)| Column::new(format!("C{i}"), t.clone(), ColumnKind::Value))
            .collect();
        Serde::new(Format::Delimited { delimiter }, columns, false).unwrap()
    }

    fn serde(types: &[DataType]) -> Serde {
        serde_with(types, b',')
    }

    fn decode(s: &Serde, text: &str) -> Result<Vec<Value>, FormatError> {
        let mut out = Vec::new();
        s.decode(Some(text.as_bytes()), &mut out).map(|_| out)
    }

    fn encode(s: &Serde, values: &[Value]) -> String {
        let mut out = Vec::new();
        assert_eq!(s.encode(values, &mut out).unwrap(), Encoded::Bytes);
        String::from_utf8(out).unwrap()
    }

    fn all_types() -> Vec<DataType> {
        vec![
            DataType::Boolean,
            DataType::Int,
            DataType::Bigint,
            DataType::Double,
            DataType::Decimal {
                precision: 6,
                scale: 4,
            },
            DataType::String,
            DataType::Bytes,
            DataType::Timestamp,
            DataType::Date,
            DataType::Time,
        ]
    }

    #[test]
    fn every_type_both_ways() {
        let s = serde(&all_types());
        let row = vec![
            Value::Boolean(true),
            Value::Int(-7),
            Value::Bigint(998_877_665_544_332_211),
            Value::Double(654.321),
            Value::Decimal(Decimal::new(123_650, 4)),
            Value::from("Hey, \"you\""),
            Value::Bytes(Bytes::from_static(b"variations")),
            Value::Timestamp(1_717_000_002_133),
            Value::Date(-10),
            Value::Time(86_399_999),
        ];
        let text = encode(&s, &row);
        assert_eq!(
            text,
            "true,-7,998877665544332211,654.321,12.3650,\"Hey, \"\"you\"\"\",dmFyaWF0aW9ucw==,\
             1717000002133,-10,86399999"
        );
        assert_eq!(decode(&s, &text).unwrap(), row);
        let nulls = vec![Value::Null; row.len()];
        assert_eq!(encode(&s, &nulls), ",,,,,,,,,");
        assert_eq!(decode(&s, ",,,,,,,,,").unwrap(), nulls);
    }

    #[test]
    fn follows_ksqldb_functional_tests() {
        // delimited.json "BOOLEAN - key" and friends: quoted input reads the same.
        let b = serde(&[DataType::Boolean]);
        assert_eq!(decode(&b, "\"true\"").unwrap(), vec![Value::Boolean(true)]);
        assert_eq!(decode(&b, "TRUE").unwrap(), vec![Value::Boolean(true)]);
        assert_eq!(decode(&b, "yes").unwrap(), vec![Value::Boolean(false)]);
        let d = serde(&[DataType::Decimal {
            precision: 6,
            scale: 4,
        }]);
        assert_eq!(
            decode(&d, "\"12.0\"").unwrap(),
            vec![Value::Decimal(Decimal::new(120_000, 4))]
        );
        assert_eq!(encode(&d, &decode(&d, "\"12.0\"").unwrap()), "12.0000");
        // decimal.json "read written decimals": a leading '-' gets quoted on the first field.
        let d = serde(&[DataType::Decimal {
            precision: 33,
            scale: 16,
        }]);
        assert_eq!(
            encode(&d, &decode(&d, "-12345.12").unwrap()),
            "\"-12345.1200000000000000\""
        );
        assert_eq!(
            encode(&d, &decode(&d, ".12").unwrap()),
            "0.1200000000000000"
        );
        assert_eq!(encode(&d, &decode(&d, "0").unwrap()), "0.0000000000000000");
        // date.json: "-10" -> "\"-10\"".
        let date = serde(&[DataType::Date]);
        assert_eq!(encode(&date, &decode(&date, "-10").unwrap()), "\"-10\"");
        // Not quoted when not first.
        let two = serde(&[DataType::Int, DataType::Int]);
        assert_eq!(encode(&two, &[Value::Int(-1), Value::Int(-2)]), "\"-1\",-2");
        // Custom delimiters.
        let pipe = serde_with(&[DataType::Bigint, DataType::String, DataType::Int], b'|');
        let row = decode(&pipe, "0|zero|0").unwrap();
        assert_eq!(
            row,
            vec![Value::Bigint(0), Value::from("zero"), Value::Int(0)]
        );
        assert_eq!(encode(&pipe, &row), "0|zero|0");
        let tab = serde_with(&[DataType::String, DataType::String], b'\t');
        assert_eq!(
            decode(&tab, "foo,bar\tbaz").unwrap(),
            vec![Value::from("foo,bar"), Value::from("baz")]
        );
    }

    #[test]
    fn commons_csv_lexing() {
        let s = serde(&[DataType::String, DataType::String]);
        let row = |a: &str, b: &str| vec![Value::from(a), Value::from(b)];
        assert_eq!(decode(&s, "a,b\r\nc,d").unwrap(), row("a", "b"));
        assert_eq!(decode(&s, "\n\r\na,b\n").unwrap(), row("a", "b"));
        assert_eq!(decode(&s, "\"a\"  ,b").unwrap(), row("a", "b"));
        assert_eq!(decode(&s, "a\"b,\"c\"\"d\"").unwrap(), row("a\"b", "c\"d"));
        assert_eq!(decode(&s, "\"a\nb\",c").unwrap(), row("a\nb", "c"));
        assert_eq!(decode(&s, " a , b ").unwrap(), row(" a ", " b "));
        assert_eq!(decode(&s, "é,ü").unwrap(), row("é", "ü"));
        assert_eq!(
            decode(&s, "a,").unwrap(),
            vec![Value::from("a"), Value::Null]
        );
        assert_eq!(
            decode(&s, "\"\",b").unwrap(),
            vec![Value::Null, Value::from("b")]
        );
        assert!(matches!(
            decode(&s, "\"a\"x,b"),
            Err(FormatError::Malformed { .. })
        ));
        assert!(matches!(
            decode(&s, "\"ab,c"),
            Err(FormatError::Malformed { .. })
        ));
        assert!(matches!(decode(&s, ""), Err(FormatError::Malformed { .. })));
        assert!(matches!(
            decode(&s, "\n\n"),
            Err(FormatError::Malformed { .. })
        ));
        let mut out = Vec::new();
        s.decode(Some(b"a\xff,b"), &mut out).unwrap();
        assert_eq!(out[0], Value::from("a\u{FFFD}"));
    }

    #[test]
    fn field_count_must_match() {
        let s = serde(&[DataType::Int, DataType::Int]);
        assert_eq!(
            decode(&s, "1,2,3").unwrap_err().to_string(),
            "Column count mismatch on deserialization. expected: 2, got: 3"
        );
        assert!(decode(&s, "1").is_err());
    }

    #[test]
    fn bad_values_name_the_column() {
        let s = serde(&[DataType::Int, DataType::Bigint]);
        let e = decode(&s, "1,abc").unwrap_err().to_string();
        assert_eq!(
            e,
            "Can't coerce string to type. targetType: BIGINT (column C1, value: abc)"
        );
        let mut out = vec![Value::Int(9)];
        assert!(s.decode(Some(b"1,x"), &mut out).is_err());
        assert_eq!(out, vec![Value::Int(9)]);
        assert!(decode(&serde(&[DataType::Int]), " 5").is_err());
        assert_eq!(
            decode(&serde(&[DataType::Double]), " 5 ").unwrap(),
            vec![Value::Double(5.0)]
        );
        assert!(decode(&serde(&[DataType::Time]), "86400001").is_err());
        assert!(decode(&serde(&[DataType::Bytes]), "***").is_err());
        assert!(decode(
            &serde(&[DataType::Decimal {
                precision: 4,
                scale: 2
            }]),
            "123.45"
        )
        .is_err());
    }

    #[test]
    fn quoting_follows_commons_csv_1_4() {
        let s = serde(&[DataType::String, DataType::String]);
        let enc = |a: &str, b: &str| encode(&s, &[Value::from(a), Value::from(b)]);
        assert_eq!(enc("a", "b"), "a,b");
        assert_eq!(enc("", ""), "\"\",");
        assert_eq!(enc("_a", "_b"), "\"_a\",_b");
        assert_eq!(enc("é", "é"), "\"é\",é");
        assert_eq!(enc("a", "#b"), "a,\"#b\"");
        assert_eq!(enc("a", " b"), "a,\" b\"");
        assert_eq!(enc("a", "b "), "a,\"b \"");
        assert_eq!(enc("a", "b,c"), "a,\"b,c\"");
        assert_eq!(enc("a", "b\nc"), "a,\"b\nc\"");
        assert_eq!(enc("a", "$b"), "a,$b");
        assert_eq!(encode(&s, &[Value::Null, Value::Null]), ",");
        let one = serde(&[DataType::Int]);
        let mut out = Vec::new();
        assert_eq!(
            one.encode(&[Value::Null], &mut out).unwrap(),
            Encoded::Bytes
        );
        assert!(out.is_empty());
    }

    #[test]
    fn collections_are_rejected() {
        let columns = vec![Column::new(
            "K",
            DataType::Array(Box::new(DataType::Double)),
            ColumnKind::Key,
        )];
        assert_eq!(
            Serde::new(Format::Delimited { delimiter: b',' }, columns, false)
                .unwrap_err()
                .to_string(),
            "The 'DELIMITED' format does not support type 'ARRAY', column: `K`"
        );
    }
}
