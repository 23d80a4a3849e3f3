//! The entry points: [`Format`] (a ksqlDB `KEY_FORMAT`/`VALUE_FORMAT` with its properties) and
//! [`Serde`] (one format bound to the key or value columns of a source or query, built once and
//! then used for every record).
//!
//! This module owns format-name parsing, the schema checks ksqlDB makes when it builds a serde
//! (column counts, supported types, map keys), the `WRAP_SINGLE_VALUE` rules, and the dispatch to
//! the format modules. It must not implement any encoding itself (that is `json`, `kafka`,
//! `delimited`, `none`), nor know about topics, the log or the processing log.

use std::fmt;

use rivulet_core::{Column, ColumnKind, DataType, Schema, Value};

use crate::{
    delimited::DelimitedCodec, error::FormatError, json::JsonCodec, kafka::KafkaCodec, none,
};

/// A record encoding, as named in `KEY_FORMAT`, `VALUE_FORMAT` or `FORMAT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Kafka,
    /// Comma-separated (or `delimiter`-separated) values, RFC 4180 quoting with `"`.
    Delimited {
        delimiter: u8,
    },
    /// No data: marks a keyless stream's key.
    None,
}

/// What `decode` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    /// A row: one value per column was appended.
    Row,
    /// ksqlDB reads a null key/value here: the bytes were absent, the JSON was the literal
    /// `null` for a wrapped (object) schema, or the format carries no data (NONE, no columns).
    /// NULLs were appended, one per column; what a null means (a stream drops it, a table
    /// treats it as a tombstone) is the caller's decision.
    Null,
}

/// What `encode` produced.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoded {
    /// Bytes were appended to the buffer (possibly none: DELIMITED writes an empty string for a
    /// single NULL column).
    Bytes,
    /// ksqlDB writes a null key/value here (NONE, no columns, or an unwrapped single NULL as in
    /// JSON with `WRAP_SINGLE_VALUE=false`, a single JSON key, or KAFKA); nothing was appended.
    Null,
}

impl Format {
    /// The format named `name` (case-insensitive, as ksqlDB's `FormatFactory`), with the
    /// `VALUE_DELIMITER`/`KEY_DELIMITER` property if one was given: a single character, or `TAB`
    /// or `SPACE`. Delimiter errors carry ksqlDB's text without its
    /// `Configuration VALUE_DELIMITER is invalid: ` prefix, which the caller adds.
    pub fn parse(name: &str, delimiter: Option<&str>) -> Result<Format, FormatError> {
        let upper = name.to_uppercase();
        let format = match upper.as_str() {
            "JSON" => Format::Json,
            "KAFKA" => Format::Kafka,
            "NONE" => Format::None,
            "DELIMITED" => {
                return Ok(Format::Delimited {
                    delimiter: match delimiter {
                        None => b',',
                        Some(text) => parse_delimiter(text)?,
                    },
                })
            }
            "AVRO" | "PROTOBUF" | "PROTOBUF_NOSR" | "JSON_SR" => {
                return Err(FormatError::NotSupportedYet(upper))
            }
            _ => return Err(FormatError::UnknownFormat(name.to_string())),
        };
        if delimiter.is_some() {
            return Err(FormatError::InvalidProperty(format!(
                "{} does not support the following configs: [delimiter]",
                format.name()
            )));
        }
        Ok(format)
    }

    /// ksqlDB's name of the format: `JSON`, `KAFKA`, `DELIMITED`, `NONE`.
    pub fn name(&self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Kafka => "KAFKA",
            Format::Delimited { .. } => "DELIMITED",
            Format::None => "NONE",
        }
    }

    /// Whether a key of several columns can use this format (ksqlDB falls back to JSON for
    /// internal topics when not).
    pub fn supports_multiple_columns(&self) -> bool {
        matches!(self, Format::Json | Format::Delimited { .. })
    }

    /// Checks an explicit `WRAP_SINGLE_VALUE` (the default, `ksql.persistence.wrap.single.values`,
    /// is not checked: formats without wrapping simply ignore it), given the number of value
    /// columns. JSON supports both settings; KAFKA and DELIMITED only `false`; NONE neither.
    pub fn check_wrap_single_value(
        &self,
        wrap: bool,
        value_columns: usize,
    ) -> Result<(), FormatError> {
        let supported = match self {
            Format::Json => true,
            Format::Kafka | Format::Delimited { .. } => !wrap,
            Format::None => false,
        };
        if !supported {
            return Err(FormatError::InvalidProperty(format!(
                "Format '{}' does not support 'WRAP_SINGLE_VALUE' set to '{wrap}'.",
                self.name()
            )));
        }
        if value_columns != 1 {
            return Err(FormatError::InvalidProperty(
                "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas".to_string(),
            ));
        }
        Ok(())
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// ksqlDB's `Delimiter.parse`, plus commons-csv's own checks, limited to ASCII.
fn parse_delimiter(text: &str) -> Result<u8, FormatError> {
    let invalid = |message: String| Err(FormatError::InvalidProperty(message));
    if text.chars().all(|c| c <= ' ') {
        return invalid(
            "Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please \
             use the special values 'TAB' or 'SPACE'\nExample valid value: ';'"
                .to_string(),
        );
    }
    let mut chars = text.chars();
    let c = match (chars.next(), chars.next()) {
        (Some(c), None) => c,
        _ => match text {
            "TAB" => '\t',
            "SPACE" => ' ',
            _ => {
                return invalid(format!(
                    "Invalid delimiter value: '{text}'. Delimiter must be a single character or \
                     TAB,SPACE\nExample valid value: ';'"
                ))
            }
        },
    };
    match c {
        '"' => invalid(
            "The quoteChar character and the delimiter cannot be the same ('\"')".to_string(),
        ),
        '\r' | '\n' => invalid("The delimiter cannot be a line break".to_string()),
        c if c.is_ascii() => Ok(c as u8),
        c => invalid(format!(
            "Invalid delimiter value: '{c}'. Rivulet supports only ASCII delimiters"
        )),
    }
}

/// One format bound to an ordered list of columns (a source's or query's key columns, or its
/// value columns). Build it once; `decode` and `encode` are then cheap and never panic.
#[derive(Debug)]
pub struct Serde {
    format: Format,
    columns: Vec<Column>,
    codec: Codec,
}

#[derive(Debug)]
enum Codec {
    /// NONE, or no columns at all: the bytes are ignored and nothing is written.
    Void,
    Json(JsonCodec),
    Kafka(KafkaCodec),
    Delimited(DelimitedCodec),
}

impl Serde {
    /// Binds `format` to `columns`, making ksqlDB's checks: KAFKA carries one column of INT,
    /// BIGINT, DOUBLE, STRING or BYTES; DELIMITED no ARRAY, MAP or STRUCT; JSON maps need STRING
    /// keys; NONE no columns at all; key columns contain no MAP. No columns is fine for every
    /// format (a keyless stream's key).
    ///
    /// `wrap_single_value` applies to JSON with exactly one value column (`false`: the value is
    /// written and read bare, `10` rather than `{"V":10}`). A single JSON *key* column
    /// (`ColumnKind::Key`) is always unwrapped, as ksqlDB does; KAFKA and DELIMITED never wrap.
    /// Use [`Format::check_wrap_single_value`] to validate an explicit `WRAP_SINGLE_VALUE`.
    pub fn new(
        format: Format,
        columns: Vec<Column>,
        wrap_single_value: bool,
    ) -> Result<Serde, FormatError> {
        check_columns(format, &columns)?;
        let codec = if columns.is_empty() {
            Codec::Void
        } else {
            match format {
                Format::None => Codec::Void,
                Format::Json => {
                    let unwrapped = columns.len() == 1
                        && (!wrap_single_value || columns[0].kind == ColumnKind::Key);
                    Codec::Json(JsonCodec::new(&columns, unwrapped)?)
                }
                Format::Kafka => Codec::Kafka(KafkaCodec::new(&columns)?),
                Format::Delimited { delimiter } => {
                    Codec::Delimited(DelimitedCodec::new(&columns, delimiter)?)
                }
            }
        };
        Ok(Serde {
            format,
            columns,
            codec,
        })
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Whether a single column is read and written bare (JSON unwrapped, KAFKA, DELIMITED).
    pub fn is_unwrapped(&self) -> bool {
        match &self.codec {
            Codec::Json(json) => json.is_unwrapped(),
            Codec::Void => false,
            Codec::Kafka(_) | Codec::Delimited(_) => self.columns.len() == 1,
        }
    }

    /// What decodes do with each column (in column order; missing entries: [`Want::Read`]).
    /// Formats without a cheaper partial read read every column.
    pub fn want(&mut self, wants: &[Want]) {
        if let Codec::Json(json) = &mut self.codec {
            json.want(wants);
        }
    }

    /// [`Serde::decode`] in two steps: this one leaves the [`Want::Later`] columns NULL and
    /// notes in `later` where they are (empty when the format read them now);
    /// [`Serde::read_later`] then fills them in, for the rows that need them.
    pub fn decode_split(
        &self,
        bytes: Option<&[u8]>,
        out: &mut Vec<Value>,
        later: &mut Vec<(usize, usize)>,
    ) -> Result<Decoded, FormatError> {
        later.clear();
        match (&self.codec, bytes) {
            (Codec::Json(json), Some(bytes)) => json.decode_split(bytes, out, later),
            _ => self.decode(bytes, out),
        }
    }

    /// Fills in the columns [`Serde::decode_split`] left for later, from the same bytes, into
    /// the row it decoded (`out`, one value per column).
    pub fn read_later(
        &self,
        bytes: Option<&[u8]>,
        later: &[(usize, usize)],
        out: &mut [Value],
    ) -> Result<(), FormatError> {
        match (&self.codec, bytes) {
            (Codec::Json(json), Some(bytes)) if !later.is_empty() => {
                json.read_later(bytes, later, out)
            }
            _ => Ok(()),
        }
    }

    /// Decodes a record's key or value bytes, appending one value per column to `out` (NULL for
    /// a column the record lacks). `None` bytes (a null key, a tombstone) append NULLs and
    /// return [`Decoded::Null`]. On error nothing is appended.
    pub fn decode(
        &self,
        bytes: Option<&[u8]>,
        out: &mut Vec<Value>,
    ) -> Result<Decoded, FormatError> {
        let Some(bytes) = bytes else {
            out.extend(std::iter::repeat_with(|| Value::Null).take(self.columns.len()));
            return Ok(Decoded::Null);
        };
        match &self.codec {
            Codec::Void => {
                out.extend(std::iter::repeat_with(|| Value::Null).take(self.columns.len()));
                Ok(none::decode(bytes))
            }
            Codec::Json(json) => json.decode(bytes, out),
            Codec::Kafka(kafka) => kafka.decode(bytes, out),
            Codec::Delimited(delimited) => delimited.decode(bytes, out),
        }
    }

    /// Encodes one row (one value per column, in column order), appending the bytes to `out`.
    /// [`Encoded::Null`] means the record's key/value must be null (and nothing was appended).
    /// On error nothing is appended.
    pub fn encode(&self, values: &[Value], out: &mut Vec<u8>) -> Result<Encoded, FormatError> {
        if values.len() != self.columns.len() {
            return Err(FormatError::ColumnCount {
                serialization: true,
                expected: self.columns.len(),
                actual: values.len(),
            });
        }
        match &self.codec {
            Codec::Void => Ok(none::encode()),
            Codec::Json(json) => json.encode(values, out),
            Codec::Kafka(kafka) => kafka.encode(values, out),
            Codec::Delimited(delimited) => delimited.encode(values, out),
        }
    }
}

/// What a decode does with one column's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Read it.
    Read,
    /// Check it (the record fails exactly as if it were read) but leave it NULL: the query
    /// does not use it.
    Check,
    /// Check it now, read it later if the row needs it ([`Serde::decode_split`]).
    Later,
}

/// `[`K` STRING KEY, `V` INTEGER]`, as ksqlDB lists columns in its messages.
pub(crate) fn column_list(columns: &[Column]) -> String {
    format!("[{}]", Schema::new(columns.to_vec()))
}

/// ksqlDB's `SqlBaseType` name of a type (`INTEGER`, `ARRAY`, `DECIMAL`, …).
pub(crate) fn base_type_name(data_type: &DataType) -> &'static str {
    match data_type {
        DataType::Boolean => "BOOLEAN",
        DataType::Int => "INTEGER",
        DataType::Bigint => "BIGINT",
        DataType::Double => "DOUBLE",
        DataType::Decimal { .. } => "DECIMAL",
        DataType::String => "STRING",
        DataType::Bytes => "BYTES",
        DataType::Timestamp => "TIMESTAMP",
        DataType::Date => "DATE",
        DataType::Time => "TIME",
        DataType::Array(_) => "ARRAY",
        DataType::Map(_, _) => "MAP",
        DataType::Struct(_) => "STRUCT",
    }
}

fn contains_map(data_type: &DataType) -> bool {
    match data_type {
        DataType::Map(_, _) => true,
        DataType::Array(element) => contains_map(element),
        DataType::Struct(fields) => fields.iter().any(|f| contains_map(&f.data_type)),
        _ => false,
    }
}

/// The checks common to all formats.
fn check_columns(format: Format, columns: &[Column]) -> Result<(), FormatError> {
    for column in columns {
        if column.kind == ColumnKind::Header {
            return Err(FormatError::UnsupportedSchema(format!(
                "Header column `{}` is not carried by the key or value format",
                column.name
            )));
        }
        if column.kind == ColumnKind::Key && contains_map(&column.data_type) {
            return Err(FormatError::UnsupportedSchema(format!(
                "Map keys, including types that contain maps, are not supported as they may lead \
                 to unexpected behavior due to inconsistent serialization. Key column name: `{}`. \
                 Column type: {}. See https://github.com/confluentinc/ksql/issues/6621 for more.",
                column.name, column.data_type
            )));
        }
    }
    if format == Format::None && !columns.is_empty() {
        return Err(FormatError::UnsupportedSchema(format!(
            "The 'NONE' format can only be used when no columns are defined. Got: {}",
            column_list(columns)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_format_names_case_insensitively() {
        assert_eq!(Format::parse("json", None).unwrap(), Format::Json);
        assert_eq!(Format::parse("Kafka", None).unwrap(), Format::Kafka);
        assert_eq!(Format::parse("NONE", None).unwrap(), Format::None);
        assert_eq!(
            Format::parse("delimited", None).unwrap(),
            Format::Delimited { delimiter: b',' }
        );
        assert_eq!(
            Format::parse("DELIMITED", Some("TAB")).unwrap(),
            Format::Delimited { delimiter: b'\t' }
        );
        assert_eq!(
            Format::parse("DELIMITED", Some("SPACE")).unwrap(),
            Format::Delimited { delimiter: b' ' }
        );
        assert_eq!(
            Format::parse("DELIMITED", Some("|")).unwrap(),
            Format::Delimited { delimiter: b'|' }
        );
        assert_eq!(
            Format::parse("FOO", None).unwrap_err().to_string(),
            "Unknown format: FOO"
        );
        for sr in ["avro", "PROTOBUF", "protobuf_nosr", "JSON_SR"] {
            let e = Format::parse(sr, None).unwrap_err();
            assert!(matches!(e, FormatError::NotSupportedYet(_)), "{sr}");
            assert!(e.to_string().contains("not supported yet"));
        }
    }

    #[test]
    fn delimiter_errors_follow_ksqldb() {
        let err = |d: &str| Format::parse("DELIMITED", Some(d)).unwrap_err().to_string();
        assert_eq!(
            err("<~>"),
            "Invalid delimiter value: '<~>'. Delimiter must be a single character or TAB,SPACE\n\
             Example valid value: ';'"
        );
        for blank in ["", " ", "\t"] {
            assert!(err(blank).starts_with("Delimiter cannot be empty"));
        }
        assert!(err("tab").starts_with("Invalid delimiter value"));
        assert!(err("\"").contains("quoteChar"));
        assert!(err("é").contains("ASCII"));
        assert_eq!(
            Format::parse("JSON", Some("|")).unwrap_err().to_string(),
            "JSON does not support the following configs: [delimiter]"
        );
    }

    #[test]
    fn wrap_single_value_rules() {
        assert!(Format::Json.check_wrap_single_value(true, 1).is_ok());
        assert!(Format::Json.check_wrap_single_value(false, 1).is_ok());
        assert!(Format::Kafka.check_wrap_single_value(false, 1).is_ok());
        assert_eq!(
            Format::Kafka
                .check_wrap_single_value(true, 1)
                .unwrap_err()
                .to_string(),
            "Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'."
        );
        assert_eq!(
            Format::Delimited { delimiter: b',' }
                .check_wrap_single_value(true, 1)
                .unwrap_err()
                .to_string(),
            "Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'."
        );
        assert_eq!(
            Format::Json
                .check_wrap_single_value(false, 2)
                .unwrap_err()
                .to_string(),
            "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas"
        );
    }

    #[test]
    fn schema_checks() {
        let key = |t: DataType| Column::new("K", t, ColumnKind::Key);
        assert_eq!(
            Serde::new(Format::None, vec![key(DataType::String)], true)
                .unwrap_err()
                .to_string(),
            "The 'NONE' format can only be used when no columns are defined. Got: [`K` STRING KEY]"
        );
        let map = DataType::Map(Box::new(DataType::Int), Box::new(DataType::Double));
        assert!(Serde::new(Format::Json, vec![key(map.clone())], true)
            .unwrap_err()
            .to_string()
            .starts_with("Map keys, including types that contain maps, are not supported"));
        assert_eq!(
            Serde::new(
                Format::Json,
                vec![Column::new("V", map, ColumnKind::Value)],
                true
            )
            .unwrap_err()
            .to_string(),
            "JSON only supports MAP types with STRING keys"
        );
        let header = Column::new("H", DataType::Bytes, ColumnKind::Header);
        assert!(Serde::new(Format::Json, vec![header], true).is_err());
        for format in [
            Format::Json,
            Format::Kafka,
            Format::Delimited { delimiter: b',' },
            Format::None,
        ] {
            let serde = Serde::new(format, vec![], true).unwrap();
            let mut out = Vec::new();
            assert_eq!(
                serde.decode(Some(b"ignored"), &mut out).unwrap(),
                Decoded::Null
            );
            assert!(out.is_empty());
            let mut bytes = Vec::new();
            assert_eq!(serde.encode(&[], &mut bytes).unwrap(), Encoded::Null);
            assert!(bytes.is_empty());
        }
    }

    #[test]
    fn single_json_key_is_always_unwrapped() {
        let key = Serde::new(
            Format::Json,
            vec![Column::new("K", DataType::String, ColumnKind::Key)],
            true,
        )
        .unwrap();
        assert!(key.is_unwrapped());
        let value = Serde::new(
            Format::Json,
            vec![Column::new("V", DataType::String, ColumnKind::Value)],
            true,
        )
        .unwrap();
        assert!(!value.is_unwrapped());
    }

    #[test]
    fn serdes_and_errors_cross_threads() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<Serde>();
        shareable::<FormatError>();
    }

    #[test]
    fn encode_checks_the_row_width() {
        let serde = Serde::new(
            Format::Json,
            vec![Column::new("V", DataType::Int, ColumnKind::Value)],
            true,
        )
        .unwrap();
        let mut out = Vec::new();
        assert_eq!(
            serde.encode(&[], &mut out).unwrap_err().to_string(),
            "Column count mismatch on serialization. expected: 1, got: 0"
        );
    }
}
