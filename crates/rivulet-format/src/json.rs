//! The `JSON` format: ksqlDB's `KsqlJsonDeserializer` rules for reading a record's key or value
//! bytes into SQL values, and Kafka Connect's `JsonConverter` (as ksqlDB configures it) for
//! writing them.
//!
//! This module owns a zero-copy JSON reader (Jackson's strictness: no comments, no trailing
//! commas, no leading zeros, no `NaN` tokens, strict UTF-8, depth at most 1000; like Jackson's
//! `readTree` it ignores anything after the first complete value), the per-column decoding
//! plan built once per [`crate::Serde`] (a column-name table for exact then case-insensitive
//! matching), and the JSON writer. It must not know what the engine does with a row or an error,
//! and must never panic on any input.
//!
//! Decoding reads the object's entries in one pass without building a tree: each key is looked
//! up in the table (exact name, else upper-cased), a matched value is converted straight into a
//! [`Value`], and unmatched values are skipped (still validated, as Jackson parses them).
//! Duplicate keys keep the last value, an exact match beats a case-insensitive one, and when
//! several columns fail the error reported is that of the first column in schema order — all as
//! ksqlDB does. The only allocations per record are the output strings and collections.

use std::{
    borrow::Cow,
    collections::{HashMap, HashSet},
    fmt::Write as _,
    sync::{
        atomic::{AtomicU16, Ordering},
        Arc,
    },
};

use bytes::Bytes;
use rivulet_core::{Column, DataType, Value};

use crate::{
    error::{excerpt, ColumnError, FormatError},
    java_text,
    serde::{Decoded, Encoded, Want},
};

/// Deepest nesting of arrays and objects accepted (Jackson's `maxNestingDepth`).
const MAX_DEPTH: u32 = 1000;
/// Longest number text accepted (Jackson's `maxNumberLength`).
const MAX_NUMBER_LEN: usize = 1000;
/// Objects with more entries than this deduplicate keys through a hash index.
const LINEAR_DEDUPE_MAX: usize = 16;
/// Columns whose match priorities are tracked on the stack.
const STACK_COLUMNS: usize = 64;

/// The JSON codec of one key or value schema.
#[derive(Debug)]
pub(crate) struct JsonCodec {
    fields: Fields,
    /// One column written and read bare (`WRAP_SINGLE_VALUE=false`, or a single key column).
    unwrapped: bool,
    /// Per field, what a decode does with its value (`None`: reads all).
    wanted: Option<Box<[Want]>>,
}

/// How one SQL type is read and written, compiled once.
#[derive(Debug)]
enum JTy {
    Boolean,
    Int,
    Bigint,
    Double,
    Decimal {
        precision: u8,
        scale: u8,
    },
    String,
    Bytes,
    Timestamp,
    Date,
    Time,
    Array(Box<JTy>),
    /// MAP<STRING, V>: the value type.
    Map(Box<JTy>),
    Struct(Box<Fields>),
}

/// Named, typed fields (a row's columns or a STRUCT's fields) and their name table.
#[derive(Debug)]
struct Fields {
    fields: Vec<Field>,
    table: NameTable,
    /// Per key position in an object, the field (index + 1; 0: unknown) the key at that
    /// position matched last time: producers write their keys in one order, so checking that
    /// guess first skips the table lookup. Empty when two names are equal up to case (a key
    /// may then match two fields). Relaxed atomics: a stale guess only costs a lookup.
    learned: Box<[AtomicU16]>,
}

/// Key positions remembered per object, at most.
const LEARNED_POSITIONS: usize = 256;

#[derive(Debug)]
struct Field {
    name: Arc<str>,
    ascii: bool,
    ty: JTy,
    /// `"NAME":`, escaped, ready to write.
    key: Box<[u8]>,
}

impl JsonCodec {
    pub(crate) fn new(columns: &[Column], unwrapped: bool) -> Result<Self, FormatError> {
        let fields = Fields::new(columns.iter().map(|c| (c.name.as_str(), &c.data_type)))?;
        Ok(JsonCodec {
            fields,
            unwrapped: unwrapped && columns.len() == 1,
            wanted: None,
        })
    }

    /// What decodes do with each field (missing entries: [`Want::Read`]).
    pub(crate) fn want(&mut self, wants: &[Want]) {
        let wants: Box<[Want]> = (0..self.fields.fields.len())
            .map(|i| wants.get(i).copied().unwrap_or(Want::Read))
            .collect();
        self.wanted = if wants.iter().all(|w| *w == Want::Read) {
            None
        } else {
            Some(wants)
        };
    }

    /// [`JsonCodec::decode`], leaving the [`Want::Later`] fields NULL and noting where their
    /// values are in `later` (cleared first), for [`JsonCodec::read_later`].
    pub(crate) fn decode_split(
        &self,
        bytes: &[u8],
        out: &mut Vec<Value>,
        later: &mut Vec<(usize, usize)>,
    ) -> Result<Decoded, FormatError> {
        later.clear();
        if self.fields.fields.is_empty() {
            return Ok(Decoded::Null);
        }
        let base = out.len();
        out.extend(std::iter::repeat_with(|| Value::Null).take(self.fields.fields.len()));
        let result = self.decode_into(bytes, &mut out[base..], Some(later));
        if result.is_err() {
            out.truncate(base);
        }
        result
    }

    /// Reads the values `decode_split` noted in `later` from the same bytes into `out` (the
    /// row it filled). They were checked then, so this fails only if the bytes changed.
    pub(crate) fn read_later(
        &self,
        bytes: &[u8],
        later: &[(usize, usize)],
        out: &mut [Value],
    ) -> Result<(), FormatError> {
        let mut r = Reader::new(bytes);
        for &(index, at) in later {
            let (Some(field), Some(slot)) = (self.fields.fields.get(index), out.get_mut(index))
            else {
                continue;
            };
            r.pos = at;
            *slot = r
                .read(&field.ty)
                .map_err(|e| self.error(e, Some(index), "$"))?;
        }
        Ok(())
    }

    pub(crate) fn is_unwrapped(&self) -> bool {
        self.unwrapped
    }

    /// Decodes non-null bytes, appending one value per column to `out` (nothing on error).
    pub(crate) fn decode(
        &self,
        bytes: &[u8],
        out: &mut Vec<Value>,
    ) -> Result<Decoded, FormatError> {
        if self.fields.fields.is_empty() {
            return Ok(Decoded::Null);
        }
        let base = out.len();
        out.extend(std::iter::repeat_with(|| Value::Null).take(self.fields.fields.len()));
        let result = self.decode_into(bytes, &mut out[base..], None);
        if result.is_err() {
            out.truncate(base);
        }
        result
    }

    fn decode_into(
        &self,
        bytes: &[u8],
        out: &mut [Value],
        later: Option<&mut Vec<(usize, usize)>>,
    ) -> Result<Decoded, FormatError> {
        let mut r = Reader::new(bytes);
        r.ws();
        let Some(first) = r.peek() else {
            return self.missing(out);
        };
        let row_error = |e: DErr, column: Option<usize>| self.error(e, column, "$");
        if self.unwrapped {
            let ty = &self.fields.fields[0].ty;
            out[0] = r.read(ty).map_err(|e| row_error(e, Some(0)))?;
            r.root_end(first).map_err(|e| row_error(e, Some(0)))?;
            return Ok(Decoded::Row);
        }
        match first {
            b'{' => match r.read_fields(&self.fields, self.wanted.as_deref(), later, out) {
                Ok(None) => Ok(Decoded::Row),
                Ok(Some((column, e))) => Err(self.error(DErr::Coerce(e), Some(column), "$")),
                Err(e) => Err(row_error(e, None)),
            },
            b'n' => {
                r.lit(b"null").map_err(|e| row_error(e, None))?;
                Ok(Decoded::Null)
            }
            // A bare value for the only column, as if unwrapped (ksqlDB rejects this; Rivulet
            // accepts it).
            _ if out.len() == 1 => {
                out[0] = r
                    .read(&self.fields.fields[0].ty)
                    .map_err(|e| row_error(e, Some(0)))?;
                r.root_end(first).map_err(|e| row_error(e, Some(0)))?;
                Ok(Decoded::Row)
            }
            _ => {
                let start = r.pos;
                let node = r.skip().map_err(|e| row_error(e, None))?;
                Err(row_error(
                    DErr::coerce(
                        convert_error(node, &self.row_sql()).with_value(r.text_since(start)),
                    ),
                    None,
                ))
            }
        }
    }

    /// Empty input: Jackson's `MissingNode` (a STRING column reads it as the empty string).
    fn missing(&self, out: &mut [Value]) -> Result<Decoded, FormatError> {
        let required = if self.unwrapped {
            if let JTy::String = self.fields.fields[0].ty {
                out[0] = Value::String(Arc::from(""));
                return Ok(Decoded::Row);
            }
            self.fields.fields[0].ty.sql()
        } else {
            self.row_sql()
        };
        let column = self.unwrapped.then_some(0);
        Err(self.error(
            DErr::coerce(convert_error("MissingNode", &required)),
            column,
            "$",
        ))
    }

    fn row_sql(&self) -> String {
        struct_sql(&self.fields)
    }

    fn error(&self, e: DErr, column: Option<usize>, root: &str) -> FormatError {
        match e {
            DErr::Syntax(syntax) => {
                let (message, at) = *syntax;
                FormatError::Malformed {
                    what: "JSON",
                    message: format!("{message} (at byte {at})"),
                }
            }
            DErr::Coerce(mut e) => {
                e.path = Some(format!("{root}{}", e.path.take().unwrap_or_default()));
                e.column = column
                    .and_then(|c| self.fields.fields.get(c))
                    .map(|f| f.name.to_string());
                FormatError::Column(*e)
            }
        }
    }

    /// Encodes one row; `Encoded::Null` for an unwrapped NULL (Connect writes no bytes then).
    pub(crate) fn encode(
        &self,
        values: &[Value],
        out: &mut Vec<u8>,
    ) -> Result<Encoded, FormatError> {
        let base = out.len();
        let result = self.encode_into(values, out);
        if !matches!(result, Ok(Encoded::Bytes)) {
            out.truncate(base);
        }
        result
    }

    fn encode_into(&self, values: &[Value], out: &mut Vec<u8>) -> Result<Encoded, FormatError> {
        let fields = &self.fields.fields;
        if self.unwrapped {
            let (Some(field), Some(value)) = (fields.first(), values.first()) else {
                return Ok(Encoded::Null);
            };
            if value.is_null() {
                return Ok(Encoded::Null);
            }
            write_value(&field.ty, value, out).map_err(|e| column_error(e, field, "$"))?;
            return Ok(Encoded::Bytes);
        }
        out.push(b'{');
        for (i, (field, value)) in fields.iter().zip(values).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&field.key);
            write_value(&field.ty, value, out)
                .map_err(|e| column_error(e, field, &format!("$.{}", field.name)))?;
        }
        out.push(b'}');
        Ok(Encoded::Bytes)
    }
}

fn column_error(mut e: ColumnError, field: &Field, root: &str) -> FormatError {
    e.path = Some(format!("{root}{}", e.path.take().unwrap_or_default()));
    e.column = Some(field.name.to_string());
    FormatError::Column(e)
}

impl Fields {
    fn new<'t>(fields: impl Iterator<Item = (&'t str, &'t DataType)>) -> Result<Self, FormatError> {
        let mut out = Vec::new();
        for (name, data_type) in fields {
            let mut key = Vec::with_capacity(name.len() + 3);
            write_json_string(name, &mut key);
            key.push(b':');
            out.push(Field {
                ascii: name.is_ascii(),
                name: Arc::from(name),
                ty: JTy::compile(data_type)?,
                key: key.into_boxed_slice(),
            });
        }
        let table = NameTable::new(out.iter().map(|f| &*f.name));
        let upper: HashSet<String> = out.iter().map(|f| f.name.to_uppercase()).collect();
        let learned = if upper.len() == out.len() && out.len() < usize::from(u16::MAX) {
            (0..(out.len() * 2 + 8).min(LEARNED_POSITIONS))
                .map(|_| AtomicU16::new(0))
                .collect()
        } else {
            Box::default()
        };
        Ok(Fields {
            fields: out,
            table,
            learned,
        })
    }

    /// The fields `key`, the `position`-th key of its object, matches (as
    /// [`NameTable::lookup`]), trying the field that key position matched last time first.
    fn find(&self, key: &str, position: usize) -> [(usize, u8); 2] {
        let guess = self.learned.get(position);
        if let Some(g) = guess {
            let i = usize::from(g.load(Ordering::Relaxed));
            if let Some(field) = i.checked_sub(1).and_then(|i| self.fields.get(i)) {
                // An ASCII name matched byte by byte up to ASCII case implies an ASCII key, for
                // which the table's answer is the same.
                if field.ascii {
                    let p = match_ascii(key.as_bytes(), field.name.as_bytes());
                    if p > 0 {
                        return [(i - 1, p), (0, 0)];
                    }
                }
            }
        }
        let found = self.table.lookup(key, &self.fields);
        if let Some(g) = guess {
            let learned = match found {
                [(i, p), (_, 0)] if p > 0 => u16::try_from(i + 1).unwrap_or(0),
                _ => 0,
            };
            g.store(learned, Ordering::Relaxed);
        }
        found
    }
}

impl JTy {
    fn compile(data_type: &DataType) -> Result<JTy, FormatError> {
        Ok(match data_type {
            DataType::Boolean => JTy::Boolean,
            DataType::Int => JTy::Int,
            DataType::Bigint => JTy::Bigint,
            DataType::Double => JTy::Double,
            DataType::Decimal { precision, scale } => JTy::Decimal {
                precision: *precision,
                scale: *scale,
            },
            DataType::String => JTy::String,
            DataType::Bytes => JTy::Bytes,
            DataType::Timestamp => JTy::Timestamp,
            DataType::Date => JTy::Date,
            DataType::Time => JTy::Time,
            DataType::Array(element) => JTy::Array(Box::new(JTy::compile(element)?)),
            DataType::Map(key, value) => {
                if **key != DataType::String {
                    return Err(FormatError::UnsupportedSchema(
                        "JSON only supports MAP types with STRING keys".to_string(),
                    ));
                }
                JTy::Map(Box::new(JTy::compile(value)?))
            }
            DataType::Struct(fields) => JTy::Struct(Box::new(Fields::new(
                fields.iter().map(|f| (f.name.as_str(), &f.data_type)),
            )?)),
        })
    }

    /// The type as ksqlDB prints it in messages (`ARRAY<INTEGER>`, `STRUCT<`F` DOUBLE>`).
    fn sql(&self) -> String {
        match self {
            JTy::Boolean => "BOOLEAN".into(),
            JTy::Int => "INTEGER".into(),
            JTy::Bigint => "BIGINT".into(),
            JTy::Double => "DOUBLE".into(),
            JTy::Decimal { precision, scale } => format!("DECIMAL({precision}, {scale})"),
            JTy::String => "STRING".into(),
            JTy::Bytes => "BYTES".into(),
            JTy::Timestamp => "TIMESTAMP".into(),
            JTy::Date => "DATE".into(),
            JTy::Time => "TIME".into(),
            JTy::Array(e) => format!("ARRAY<{}>", e.sql()),
            JTy::Map(v) => format!("MAP<STRING, {}>", v.sql()),
            JTy::Struct(fields) => struct_sql(fields),
        }
    }
}

fn struct_sql(fields: &Fields) -> String {
    if fields.fields.is_empty() {
        return "STRUCT< >".into();
    }
    let mut s = String::from("STRUCT<");
    for (i, f) in fields.fields.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "`{}` {}", f.name, f.ty.sql());
    }
    s.push('>');
    s
}

// ---------------------------------------------------------------------------------------------
// Column-name lookup.

/// Open-addressed table from the upper-cased hash of a name to the fields having it. A JSON key
/// matches a field exactly (`key == name`) or case-insensitively (`upper(key) == name`, Java's
/// `toUpperCase`), and both imply `upper(key) == upper(name)`, so one probe finds all candidates.
#[derive(Debug)]
struct NameTable {
    slots: Box<[Slot]>,
    mask: usize,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    hash: u64,
    /// Field index; `u32::MAX` for an empty slot.
    index: u32,
}

const EMPTY: u32 = u32::MAX;

impl NameTable {
    fn new<'n>(names: impl Iterator<Item = &'n str>) -> Self {
        let hashes: Vec<u64> = names
            .map(|n| fold_hash(n.to_uppercase().as_bytes()))
            .collect();
        let capacity = (hashes.len() * 2).next_power_of_two().max(8);
        let mut slots = vec![
            Slot {
                hash: 0,
                index: EMPTY
            };
            capacity
        ]
        .into_boxed_slice();
        let mask = capacity - 1;
        for (index, &hash) in hashes.iter().enumerate() {
            let mut at = hash as usize & mask;
            while slots[at].index != EMPTY {
                at = (at + 1) & mask;
            }
            slots[at] = Slot {
                hash,
                index: index as u32,
            };
        }
        NameTable { slots, mask }
    }

    /// Fields matching `key`, with priority 2 for an exact match and 1 for a case-insensitive
    /// one (at most two: one field named `key`, one named `upper(key)`).
    fn lookup(&self, key: &str, fields: &[Field]) -> [(usize, u8); 2] {
        let mut found = [(0, 0); 2];
        let mut n = 0;
        let (hash, ascii) = fold_hash_ascii(key.as_bytes());
        let upper = if ascii {
            None
        } else {
            Some(key.to_uppercase())
        };
        let hash = match &upper {
            Some(u) => fold_hash(u.as_bytes()),
            None => hash,
        };
        let mut at = hash as usize & self.mask;
        loop {
            let slot = self.slots[at];
            if slot.index == EMPTY {
                break;
            }
            if slot.hash == hash {
                let index = slot.index as usize;
                if let Some(field) = fields.get(index) {
                    let name: &str = &field.name;
                    let priority = match &upper {
                        None => match_ascii(key.as_bytes(), name.as_bytes()),
                        Some(_) if name == key => 2,
                        Some(u) if u == name => 1,
                        Some(_) => 0,
                    };
                    if priority > 0 {
                        if let Some(slot) = found.get_mut(n) {
                            *slot = (index, priority);
                            n += 1;
                        }
                    }
                }
            }
            at = (at + 1) & self.mask;
        }
        found
    }
}

/// 2 when `key == name`, 1 when `upper(key) == name`, else 0, for an ASCII key (one pass, no
/// `memcmp` call: names are short).
fn match_ascii(key: &[u8], name: &[u8]) -> u8 {
    if key.len() != name.len() {
        return 0;
    }
    let mut exact = true;
    let mut upper = true;
    for (k, n) in key.iter().zip(name) {
        exact &= *k == *n;
        upper &= k.to_ascii_uppercase() == *n;
        if !exact && !upper {
            return 0;
        }
    }
    if exact {
        2
    } else {
        1
    }
}

const HASH_K: u64 = 0x517c_c1b7_2722_0a95;

/// Clears bit 5 of every byte: equal for a byte and its ASCII upper case (and for a few other
/// pairs, which only cost a failed comparison).
const FOLD: u64 = !(ONES * 0x20);

/// A hash that is the same for ASCII strings equal up to ASCII case.
fn fold_hash(bytes: &[u8]) -> u64 {
    fold_hash_ascii(bytes).0
}

/// `fold_hash`, and whether all bytes were ASCII; eight bytes at a time.
fn fold_hash_ascii(bytes: &[u8]) -> (u64, bool) {
    let mut h = bytes.len() as u64;
    let mut high = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        high |= w;
        h = (h.rotate_left(5) ^ (w & FOLD)).wrapping_mul(HASH_K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        let w = u64::from_le_bytes(word);
        high |= w;
        h = (h.rotate_left(5) ^ (w & FOLD)).wrapping_mul(HASH_K);
    }
    (h ^ (h >> 29), high & HIGHS == 0)
}

// ---------------------------------------------------------------------------------------------
// Reading.

/// Why reading stopped: the bytes are not JSON (the record is unreadable), or one value does
/// not convert (the scan still consumed that value, so the caller may go on).
#[derive(Debug)]
enum DErr {
    Syntax(Box<(String, usize)>),
    Coerce(Box<ColumnError>),
}

impl DErr {
    fn coerce(e: ColumnError) -> DErr {
        DErr::Coerce(Box::new(e))
    }

    /// Prefixes a path part (`.NAME`, `[3]`) to a conversion error's path.
    fn under(self, part: impl FnOnce() -> String) -> DErr {
        match self {
            DErr::Coerce(mut e) => {
                e.path = Some(format!("{}{}", part(), e.path.take().unwrap_or_default()));
                DErr::Coerce(e)
            }
            syntax => syntax,
        }
    }
}

/// A JSON number's text (valid JSON grammar), whether it is an integer literal, and its value as
/// `±mantissa × 10^exp10` when it has at most 19 digits (`digits` counts them all).
#[derive(Debug, Clone, Copy)]
struct Num<'a> {
    text: &'a str,
    int: bool,
    neg: bool,
    mantissa: u64,
    digits: u32,
    exp10: i32,
}

/// Powers of ten exactly representable as doubles.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

impl Num<'_> {
    /// The Jackson node class a number parses to, for messages.
    fn node(&self) -> &'static str {
        if !self.int {
            return "DecimalNode";
        }
        if self.text.len() <= 9 {
            return "IntNode";
        }
        match self.text.parse::<i64>() {
            Ok(v) if i32::try_from(v).is_ok() => "IntNode",
            Ok(_) => "LongNode",
            Err(_) => "BigIntegerNode",
        }
    }

    /// The nearest double (`doubleValue()`): Clinger's exact fast path when the digits fit a
    /// double's mantissa and the power of ten is exact, else a full correctly rounded parse.
    fn to_f64(self) -> f64 {
        if self.digits <= 15 {
            if let Some(&power) = POW10.get(self.exp10.unsigned_abs() as usize) {
                let m = self.mantissa as f64;
                let v = if self.exp10 >= 0 {
                    m * power
                } else {
                    m / power
                };
                return if self.neg { -v } else { v };
            }
        }
        self.text.parse().unwrap_or(f64::NAN)
    }

    /// Jackson's `asText()`: the integer, or `BigDecimal.toString()` of a float.
    fn java_text(&self) -> Cow<'_, str> {
        if self.int {
            Cow::Borrowed(java_text::java_integer_text(self.text))
        } else {
            match java_text::parse_big_decimal(self.text) {
                Some(d) => Cow::Owned(d.to_java_string()),
                None => Cow::Borrowed(self.text),
            }
        }
    }

    /// `asLong()` (truncating a float toward zero); `None` when out of range.
    fn to_i64(self) -> Option<i64> {
        if self.int && self.digits <= 18 {
            let v = self.mantissa as i64;
            Some(if self.neg { -v } else { v })
        } else if self.int {
            self.text.parse().ok()
        } else {
            java_text::parse_big_decimal(self.text)?.trunc_to_i64()
        }
    }
}

/// A scalar token read for conversion.
enum Scalar<'a> {
    Str(Cow<'a, str>),
    Num(Num<'a>),
    Bool(bool),
    /// An array or object (skipped), with the Jackson node name and its text.
    Other(&'static str, &'a str),
}

impl Scalar<'_> {
    fn node(&self) -> &'static str {
        match self {
            Scalar::Str(_) => "TextNode",
            Scalar::Num(n) => n.node(),
            Scalar::Bool(_) => "BooleanNode",
            Scalar::Other(node, _) => node,
        }
    }

    fn text(&self) -> &str {
        match self {
            Scalar::Str(s) => s,
            Scalar::Num(n) => n.text,
            Scalar::Bool(true) => "true",
            Scalar::Bool(false) => "false",
            Scalar::Other(_, text) => text,
        }
    }

    /// `Can't convert type. sourceType: …, requiredType: …` for this token.
    fn convert_error(&self, required: &str) -> DErr {
        DErr::coerce(convert_error(self.node(), required).with_value(self.text()))
    }
}

fn convert_error(node: &str, required: &str) -> ColumnError {
    ColumnError::new(
        None,
        format!("Can't convert type. sourceType: {node}, requiredType: {required}"),
    )
}

fn coerce_string_error(target: &str, text: &str) -> DErr {
    DErr::coerce(
        ColumnError::new(
            None,
            format!("Can't coerce string to type. targetType: {target}"),
        )
        .with_value(text),
    )
}

fn out_of_range(target: &str, text: &str) -> DErr {
    DErr::coerce(
        ColumnError::new(None, format!("Numeric value out of range of {target}")).with_value(text),
    )
}

fn value_error(message: String, text: &str) -> DErr {
    DErr::coerce(ColumnError::new(None, message).with_value(text))
}

/// A cursor over one JSON document. The document is validated as UTF-8 once, up front; when it
/// is not valid, the reader sees only the valid prefix and reports invalid UTF-8 if it needs to
/// read past it (Jackson, too, never looks at what follows the root value).
struct Reader<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    depth: u32,
    /// Where the first invalid UTF-8 byte is, if any.
    bad_utf8: Option<usize>,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let (s, bad_utf8) = match std::str::from_utf8(bytes) {
            Ok(s) => (s, None),
            Err(e) => {
                let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
                (
                    std::str::from_utf8(valid).unwrap_or_default(),
                    Some(e.valid_up_to()),
                )
            }
        };
        Reader {
            s,
            b: s.as_bytes(),
            pos: 0,
            depth: 0,
            bad_utf8,
        }
    }

    /// At the end of the valid text, in front of an invalid UTF-8 byte.
    fn at_bad_utf8(&self) -> bool {
        self.pos >= self.b.len() && self.bad_utf8.is_some()
    }

    fn bad_utf8_error(&self) -> DErr {
        DErr::Syntax(Box::new((
            "Invalid UTF-8 byte".to_string(),
            self.bad_utf8.unwrap_or(self.pos),
        )))
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }

    fn syntax(&self, message: impl Into<String>) -> DErr {
        DErr::Syntax(Box::new((message.into(), self.pos)))
    }

    fn unexpected(&self, expecting: &str) -> DErr {
        match self.peek() {
            None if self.bad_utf8.is_some() => self.bad_utf8_error(),
            None => self.syntax(format!("Unexpected end-of-input: expected {expecting}")),
            Some(c) if c.is_ascii_graphic() => self.syntax(format!(
                "Unexpected character ('{}' (code {c})): expected {expecting}",
                c as char
            )),
            Some(c) => self.syntax(format!(
                "Unexpected character (code {c}): expected {expecting}"
            )),
        }
    }

    /// The document text from `start` to the cursor (for error excerpts).
    fn text_since(&self, start: usize) -> &'a str {
        self.s.get(start..self.pos).unwrap_or_default()
    }

    fn enter(&mut self) -> Result<(), DErr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.syntax(format!(
                "Document nesting depth exceeds the maximum allowed ({MAX_DEPTH})"
            )));
        }
        Ok(())
    }

    /// After a root-level value: Jackson requires whitespace (or the end) after a root number.
    fn root_end(&mut self, first: u8) -> Result<(), DErr> {
        if first == b'-' || first.is_ascii_digit() {
            if self.at_bad_utf8() {
                return Err(self.bad_utf8_error());
            }
            match self.peek() {
                None | Some(b' ' | b'\t' | b'\n' | b'\r') => {}
                Some(_) => return Err(self.unexpected("space separating root-level values")),
            }
        }
        Ok(())
    }

    /// Matches a literal (`null`, `true`, `false`) not followed by an identifier character.
    fn lit(&mut self, lit: &'static [u8]) -> Result<(), DErr> {
        let end = self.pos + lit.len();
        if self.b.get(self.pos..end) != Some(lit) {
            return Err(self.unrecognized_token());
        }
        self.pos = end;
        if self.at_bad_utf8()
            || self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80)
        {
            self.pos -= lit.len();
            return Err(self.unrecognized_token());
        }
        Ok(())
    }

    fn unrecognized_token(&self) -> DErr {
        let rest = self.b.get(self.pos..).unwrap_or_default();
        let end = rest
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$'))
            .unwrap_or(rest.len())
            .clamp(1, 32);
        let token = String::from_utf8_lossy(rest.get(..end).unwrap_or_default());
        self.syntax(format!(
            "Unrecognized token '{token}': was expecting (JSON String, Number, Array, Object or \
             token 'null', 'true' or 'false')"
        ))
    }

    /// Scans a string at the cursor (on its opening quote); returns the raw content range and
    /// whether it has escapes. Validates escapes, control characters and UTF-8.
    fn scan_string(&mut self) -> Result<(usize, usize, bool), DErr> {
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            // Eight bytes at a time while none is a quote, a backslash or a control character.
            while let Some(chunk) = self.b.get(i..i + 8) {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                if special_in_word(u64::from_le_bytes(word)) {
                    break;
                }
                i += 8;
            }
            while let Some(&c) = self.b.get(i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                i += 1;
            }
            match self.b.get(i) {
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    match self.b.get(i + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                        Some(b'u') => {
                            let hex = self.b.get(i + 2..i + 6);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                self.pos = i;
                                return Err(self.syntax(
                                    "Unexpected character in \\u escape: expected a hex-digit",
                                ));
                            }
                            i += 6;
                        }
                        _ => {
                            self.pos = i;
                            return Err(self.syntax("Unrecognized character escape"));
                        }
                    }
                }
                Some(&c) => {
                    self.pos = i;
                    return Err(self.syntax(format!(
                        "Illegal unquoted character (CTRL-CHAR, code {c}): has to be escaped \
                         using backslash to be included in string value"
                    )));
                }
                None => {
                    self.pos = i;
                    if self.bad_utf8.is_some() {
                        return Err(self.bad_utf8_error());
                    }
                    return Err(self.syntax(
                        "Unexpected end-of-input: was expecting closing quote for a string value",
                    ));
                }
            }
        }
        self.pos = i + 1;
        Ok((start, i, escaped))
    }

    /// The text between two ASCII delimiters (always char boundaries of the validated text).
    fn utf8(&self, start: usize, end: usize) -> Result<&'a str, DErr> {
        self.s
            .get(start..end)
            .ok_or_else(|| DErr::Syntax(Box::new(("Invalid UTF-8 in string".to_string(), start))))
    }

    /// Reads a string at the cursor (on its opening quote).
    fn string(&mut self) -> Result<Cow<'a, str>, DErr> {
        let (start, end, escaped) = self.scan_string()?;
        let raw = self.utf8(start, end)?;
        Ok(if escaped {
            Cow::Owned(unescape(raw))
        } else {
            Cow::Borrowed(raw)
        })
    }

    /// Reads a number at the cursor (JSON grammar, Jackson's messages).
    fn number(&mut self) -> Result<Num<'a>, DErr> {
        let start = self.pos;
        let b = self.b;
        let mut i = start;
        let neg = b.get(i) == Some(&b'-');
        if neg {
            i += 1;
        }
        // The digits (integer and fraction) as an integer, while they fit 19 digits.
        let mut mantissa: u64 = 0;
        let mut digits: u32 = 0;
        let mut accumulate = |d: u8| {
            if digits < 19 {
                mantissa = mantissa * 10 + u64::from(d - b'0');
            }
            digits += 1;
        };
        match b.get(i) {
            Some(b'0') => {
                i += 1;
                if b.get(i).is_some_and(u8::is_ascii_digit) {
                    self.pos = i;
                    return Err(self.syntax("Invalid numeric value: Leading zeroes not allowed"));
                }
            }
            Some(b'1'..=b'9') => {
                while let Some(&d) = b.get(i).filter(|d| d.is_ascii_digit()) {
                    accumulate(d);
                    i += 1;
                }
            }
            _ => {
                self.pos = i;
                return Err(if i > start {
                    self.syntax("Unexpected character: expected digit (0-9) to follow minus sign")
                } else {
                    self.unrecognized_token()
                });
            }
        }
        let mut int = true;
        let mut fraction: u32 = 0;
        if b.get(i) == Some(&b'.') {
            int = false;
            i += 1;
            let first = i;
            while let Some(&d) = b.get(i).filter(|d| d.is_ascii_digit()) {
                accumulate(d);
                i += 1;
            }
            fraction = (i - first) as u32;
            if i == first {
                self.pos = i;
                return Err(
                    self.syntax("Unexpected character: Decimal point not followed by a digit")
                );
            }
        }
        let mut exponent = false;
        let mut exp: i32 = 0;
        if matches!(b.get(i), Some(b'e' | b'E')) {
            int = false;
            exponent = true;
            i += 1;
            let exp_neg = b.get(i) == Some(&b'-');
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let first = i;
            while let Some(&d) = b.get(i).filter(|d| d.is_ascii_digit()) {
                exp = exp.saturating_mul(10).saturating_add(i32::from(d - b'0'));
                i += 1;
            }
            if exp_neg {
                exp = -exp;
            }
            if i == first {
                self.pos = i;
                return Err(
                    self.syntax("Unexpected character: Exponent indicator not followed by a digit")
                );
            }
        }
        if i - start > MAX_NUMBER_LEN {
            return Err(self.syntax(format!(
                "Number value length ({}) exceeds the maximum allowed ({MAX_NUMBER_LEN})",
                i - start
            )));
        }
        let text = self.s.get(start..i).unwrap_or("0");
        // Jackson reads floats as BigDecimal, which fails when the scale overflows an int.
        if exponent && java_text::parse_big_decimal(text).is_none() {
            return Err(self.syntax(format!("Malformed numeric value ('{}')", excerpt(text))));
        }
        self.pos = i;
        Ok(Num {
            text,
            int,
            neg,
            mantissa,
            digits,
            exp10: exp.saturating_sub(fraction as i32),
        })
    }

    /// Calls `entry` for each key of the object at the cursor (on `{`); `entry` must consume
    /// exactly the value.
    fn object(
        &mut self,
        mut entry: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), DErr>,
    ) -> Result<(), DErr> {
        self.pos += 1;
        self.enter()?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("double-quote to start field name"));
            }
            let key = self.string()?;
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("a colon to separate field name and value"));
            }
            self.pos += 1;
            entry(self, key)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("comma to separate Object entries")),
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Calls `element` for each element of the array at the cursor (on `[`).
    fn array(
        &mut self,
        mut element: impl FnMut(&mut Self, usize) -> Result<(), DErr>,
    ) -> Result<(), DErr> {
        self.pos += 1;
        self.enter()?;
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        let mut index = 0;
        loop {
            element(self, index)?;
            index += 1;
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("comma to separate Array entries")),
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Skips (and validates) one value; returns its Jackson node name. Iterative, so deep
    /// nesting costs heap (bounded by the depth limit), not stack.
    fn skip(&mut self) -> Result<&'static str, DErr> {
        self.ws();
        let node = match self.peek() {
            Some(b'{') => "ObjectNode",
            Some(b'[') => "ArrayNode",
            _ => return self.skip_scalar(),
        };
        // true: inside an object.
        let mut open: Vec<bool> = Vec::new();
        'value: loop {
            self.ws();
            match self.peek() {
                Some(c @ (b'{' | b'[')) => {
                    let object = c == b'{';
                    self.pos += 1;
                    self.enter()?;
                    open.push(object);
                    self.ws();
                    if self.peek() == Some(if object { b'}' } else { b']' }) {
                        self.pos += 1;
                        self.depth -= 1;
                        open.pop();
                    } else {
                        if object {
                            self.skip_key()?;
                        }
                        continue 'value;
                    }
                }
                _ => {
                    self.skip_scalar()?;
                }
            }
            // A value is complete: close what ends here, or go on to the next value.
            loop {
                let Some(&object) = open.last() else {
                    return Ok(node);
                };
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if object {
                            self.ws();
                            self.skip_key()?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if object => {}
                    Some(b']') if !object => {}
                    _ => {
                        return Err(self.unexpected(if object {
                            "comma to separate Object entries"
                        } else {
                            "comma to separate Array entries"
                        }))
                    }
                }
                self.pos += 1;
                self.depth -= 1;
                open.pop();
            }
        }
    }

    /// Skips `"key" :` inside an object.
    fn skip_key(&mut self) -> Result<(), DErr> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("double-quote to start field name"));
        }
        self.scan_string()?;
        self.ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected("a colon to separate field name and value"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Skips a string, number or literal at the cursor.
    fn skip_scalar(&mut self) -> Result<&'static str, DErr> {
        match self.peek() {
            Some(b'"') => {
                self.scan_string()?;
                Ok("TextNode")
            }
            Some(b'-' | b'0'..=b'9') => Ok(self.number()?.node()),
            Some(b't') => self.lit(b"true").map(|_| "BooleanNode"),
            Some(b'f') => self.lit(b"false").map(|_| "BooleanNode"),
            Some(b'n') => self.lit(b"null").map(|_| "NullNode"),
            Some(_) => Err(self.unrecognized_token()),
            None => Err(self.unexpected("a value")),
        }
    }

    /// Reads a scalar token; arrays and objects are skipped and reported as `Other`.
    fn scalar(&mut self, first: u8) -> Result<Scalar<'a>, DErr> {
        match first {
            b'"' => Ok(Scalar::Str(self.string()?)),
            b'-' | b'0'..=b'9' => Ok(Scalar::Num(self.number()?)),
            b't' => self.lit(b"true").map(|_| Scalar::Bool(true)),
            b'f' => self.lit(b"false").map(|_| Scalar::Bool(false)),
            _ => {
                let start = self.pos;
                let node = self.skip()?;
                Ok(Scalar::Other(node, self.text_since(start)))
            }
        }
    }

    /// Reads one value as `ty` (ksqlDB's `enforceFieldType`). On `Ok` or a conversion error the
    /// whole value has been consumed.
    fn read(&mut self, ty: &JTy) -> Result<Value, DErr> {
        self.ws();
        let Some(first) = self.peek() else {
            return Err(self.unexpected("a value"));
        };
        if first == b'n' {
            self.lit(b"null")?;
            return Ok(Value::Null);
        }
        match ty {
            JTy::Boolean => match self.scalar(first)? {
                Scalar::Bool(b) => Ok(Value::Boolean(b)),
                Scalar::Str(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Boolean(true)),
                Scalar::Str(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Boolean(false)),
                other => Err(other.convert_error("BOOLEAN")),
            },
            JTy::Int => match self.scalar(first)? {
                Scalar::Num(n) => n
                    .to_i64()
                    .and_then(|v| i32::try_from(v).ok())
                    .map(Value::Int)
                    .ok_or_else(|| out_of_range("INTEGER", n.text)),
                Scalar::Str(s) => s
                    .parse::<i32>()
                    .map(Value::Int)
                    .map_err(|_| coerce_string_error("INTEGER", &s)),
                other => Err(other.convert_error("INTEGER")),
            },
            JTy::Bigint => self.read_long(first, "BIGINT").map(Value::Bigint),
            JTy::Timestamp => self.read_long(first, "TIMESTAMP").map(Value::Timestamp),
            JTy::Time => {
                let ms = self.read_long(first, "TIME")?;
                match i32::try_from(ms) {
                    Ok(ms) if (0..=86_400_000).contains(&ms) => Ok(Value::Time(ms)),
                    _ => Err(value_error(
                        "Time values must use number of milliseconds greater than 0 and less \
                         than 86400000."
                            .to_string(),
                        &ms.to_string(),
                    )),
                }
            }
            JTy::Date => {
                let days = self.read_long(first, "DATE")?;
                i32::try_from(days)
                    .map(Value::Date)
                    .map_err(|_| out_of_range("DATE", &days.to_string()))
            }
            JTy::Double => match self.scalar(first)? {
                Scalar::Num(n) => Ok(Value::Double(n.to_f64())),
                Scalar::Str(s) => java_text::parse_java_double(&s)
                    .map(Value::Double)
                    .ok_or_else(|| coerce_string_error("DOUBLE", &s)),
                other => Err(other.convert_error("DOUBLE")),
            },
            JTy::Decimal { precision, scale } => {
                let sql = || format!("DECIMAL({precision}, {scale})");
                let scalar = self.scalar(first)?;
                let text = match &scalar {
                    Scalar::Num(n) => n.text,
                    Scalar::Str(s) => s,
                    other => return Err(other.convert_error(&sql())),
                };
                let Some(parsed) = java_text::parse_big_decimal(text) else {
                    return Err(coerce_string_error(&sql(), text));
                };
                parsed
                    .fit(*precision, *scale)
                    .map(Value::Decimal)
                    .map_err(|message| value_error(message, text))
            }
            JTy::String => match first {
                b'{' | b'[' => {
                    let tree = self.tree()?;
                    let mut text = String::new();
                    tree.ksql_text(&mut text);
                    Ok(Value::String(Arc::from(text)))
                }
                _ => match self.scalar(first)? {
                    Scalar::Str(s) => Ok(Value::String(Arc::from(&*s))),
                    Scalar::Num(n) => Ok(Value::String(Arc::from(&*n.java_text()))),
                    Scalar::Bool(b) => {
                        Ok(Value::String(Arc::from(if b { "true" } else { "false" })))
                    }
                    Scalar::Other(_, text) => Ok(Value::String(Arc::from(text))),
                },
            },
            JTy::Bytes => match self.scalar(first)? {
                Scalar::Str(s) => java_text::decode_base64(&s)
                    .map(|b| Value::Bytes(Bytes::from(b)))
                    .ok_or_else(|| {
                        value_error(
                            format!(
                                "Value is not a valid Base64 encoded string: {}",
                                excerpt(&s)
                            ),
                            &s,
                        )
                    }),
                other => Err(other.convert_error("BYTES")),
            },
            JTy::Array(element) => {
                if first != b'[' {
                    let other = self.scalar(first)?;
                    return Err(other.convert_error(&ty.sql()));
                }
                let mut items = Vec::new();
                let mut failed: Option<DErr> = None;
                self.array(|r, index| {
                    if failed.is_some() {
                        return r.skip().map(|_| ());
                    }
                    match r.read(element) {
                        Ok(v) => items.push(v),
                        Err(DErr::Coerce(e)) => {
                            failed = Some(DErr::Coerce(e).under(|| format!("[{index}]")))
                        }
                        Err(syntax) => return Err(syntax),
                    }
                    Ok(())
                })?;
                match failed {
                    Some(e) => Err(e),
                    None => Ok(Value::Array(items)),
                }
            }
            JTy::Map(value_ty) => {
                if first != b'{' {
                    let other = self.scalar(first)?;
                    return Err(other.convert_error(&ty.sql()));
                }
                let mut entries = Entries::default();
                let mut failed: Option<DErr> = None;
                self.object(|r, key| {
                    if failed.is_some() {
                        return r.skip().map(|_| ());
                    }
                    match r.read(value_ty) {
                        Ok(v) => entries.upsert(Arc::from(&*key), v),
                        Err(DErr::Coerce(e)) => {
                            failed = Some(DErr::Coerce(e).under(|| format!(".{key}.value")))
                        }
                        Err(syntax) => return Err(syntax),
                    }
                    Ok(())
                })?;
                match failed {
                    Some(e) => Err(e),
                    None => Ok(Value::Map(
                        entries
                            .items
                            .into_iter()
                            .map(|(k, v)| (Value::String(k), v))
                            .collect(),
                    )),
                }
            }
            JTy::Struct(fields) => {
                if first != b'{' {
                    let other = self.scalar(first)?;
                    return Err(other.convert_error(&ty.sql()));
                }
                let mut values = vec![Value::Null; fields.fields.len()];
                if let Some((_, e)) = self.read_fields(fields, None, None, &mut values)? {
                    return Err(DErr::Coerce(e));
                }
                Ok(Value::Struct(
                    fields
                        .fields
                        .iter()
                        .zip(values)
                        .map(|(f, v)| (f.name.clone(), v))
                        .collect(),
                ))
            }
        }
    }

    /// Consumes one value exactly as [`Reader::read`] would, with the same errors, without
    /// building it when the token makes success certain (a number for a DOUBLE, a string for
    /// a STRING, …); any other token is read and dropped.
    fn check(&mut self, ty: &JTy) -> Result<(), DErr> {
        self.ws();
        let start = self.pos;
        match (ty, self.peek()) {
            (_, Some(b'n')) => return self.lit(b"null"),
            (JTy::String, Some(b'"')) => return self.scan_string().map(drop),
            (JTy::String | JTy::Double, Some(b'-' | b'0'..=b'9')) => {
                if self.skip_plain_number(MAX_NUMBER_LEN, true) {
                    return Ok(());
                }
                return self.number().map(drop);
            }
            // At most 18 digits always fit a BIGINT, 9 an INT; other numbers are read below.
            (JTy::Bigint | JTy::Timestamp, Some(b'-' | b'0'..=b'9')) if self.skip_plain_long() => {
                return Ok(())
            }
            (JTy::Int, Some(b'-' | b'0'..=b'9')) if self.skip_plain_number(9, false) => {
                return Ok(())
            }
            (JTy::Boolean | JTy::String, Some(b't')) => return self.lit(b"true"),
            (JTy::Boolean | JTy::String, Some(b'f')) => return self.lit(b"false"),
            _ => {}
        }
        self.pos = start;
        self.read(ty).map(drop)
    }

    /// Skips a plain number at the cursor — `-?(0|[1-9][0-9]*)`, with `.[0-9]+` if `fraction`,
    /// no exponent, at most `max_digits` digits — and returns true. Anything else is left to
    /// [`Reader::number`] (false, cursor unchanged), which knows every error.
    fn skip_plain_number(&mut self, max_digits: usize, fraction: bool) -> bool {
        let b = self.b;
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let first = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == first || (i - first > 1 && b.get(first) == Some(&b'0')) {
            return false;
        }
        let mut digits = i - first;
        if b.get(i) == Some(&b'.') {
            if !fraction {
                return false;
            }
            i += 1;
            let dot = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == dot {
                return false;
            }
            digits += i - dot;
        }
        if digits > max_digits
            || i - self.pos > MAX_NUMBER_LEN
            || matches!(b.get(i), Some(b'e' | b'E'))
        {
            return false;
        }
        self.pos = i;
        true
    }

    /// Skips a plain integer that fits a BIGINT (`skip_plain_number` with 19 digits, checked
    /// against `i64`'s bounds) and returns true; else false, cursor unchanged.
    fn skip_plain_long(&mut self) -> bool {
        let start = self.pos;
        if !self.skip_plain_number(19, false) {
            return false;
        }
        let text = self.b.get(start..self.pos).unwrap_or_default();
        let (digits, bound): (&[u8], &[u8]) = match text.strip_prefix(b"-") {
            Some(d) => (d, b"9223372036854775808"),
            None => (text, b"9223372036854775807"),
        };
        // Same length, no leading zero: byte order is numeric order.
        if digits.len() < bound.len() || digits <= bound {
            return true;
        }
        self.pos = start;
        false
    }

    /// `asLong()` of a number or `Long.parseLong` of a string.
    fn read_long(&mut self, first: u8, target: &str) -> Result<i64, DErr> {
        match self.scalar(first)? {
            Scalar::Num(n) => n.to_i64().ok_or_else(|| out_of_range(target, n.text)),
            Scalar::Str(s) => s.parse().map_err(|_| coerce_string_error(target, &s)),
            other => Err(other.convert_error(target)),
        }
    }

    /// Reads the object at the cursor into `out` (one slot per field, pre-filled with NULL),
    /// matching keys exactly, else case-insensitively; the last duplicate wins. Returns the
    /// conversion error of the first field (in field order) that failed, path under `.NAME`.
    fn read_fields(
        &mut self,
        fields: &Fields,
        wanted: Option<&[Want]>,
        mut later: Option<&mut Vec<(usize, usize)>>,
        out: &mut [Value],
    ) -> Result<Option<(usize, Box<ColumnError>)>, DErr> {
        let n = fields.fields.len();
        let mut stack = [0u8; STACK_COLUMNS];
        let mut heap = Vec::new();
        let priority: &mut [u8] = if n <= STACK_COLUMNS {
            &mut stack[..n]
        } else {
            heap.resize(n, 0u8);
            &mut heap
        };
        let mut errors: Vec<(usize, Box<ColumnError>)> = Vec::new();
        let mut position = 0;
        self.object(|r, key| {
            let found = fields.find(&key, position);
            position += 1;
            let start = r.pos;
            let mut end = None;
            for &(index, p) in found.iter().filter(|(_, p)| *p > 0) {
                let (Some(field), Some(slot_priority)) =
                    (fields.fields.get(index), priority.get_mut(index))
                else {
                    continue;
                };
                if p < *slot_priority {
                    continue;
                }
                *slot_priority = p;
                r.pos = start;
                let want = wanted
                    .and_then(|w| w.get(index).copied())
                    .unwrap_or(Want::Read);
                let read = match (want, later.as_deref_mut()) {
                    (Want::Check, _) => r.check(&field.ty).map(|()| Value::Null),
                    (Want::Later, Some(later)) => r.check(&field.ty).map(|()| {
                        later.push((index, start));
                        Value::Null
                    }),
                    (Want::Read | Want::Later, _) => r.read(&field.ty),
                };
                let value = match read {
                    Ok(v) => {
                        if !errors.is_empty() {
                            errors.retain(|(i, _)| *i != index);
                        }
                        v
                    }
                    Err(DErr::Coerce(e)) => {
                        if !errors.is_empty() {
                            errors.retain(|(i, _)| *i != index);
                        }
                        let e = match DErr::Coerce(e).under(|| format!(".{}", field.name)) {
                            DErr::Coerce(e) => e,
                            DErr::Syntax(_) => continue,
                        };
                        errors.push((index, e));
                        Value::Null
                    }
                    Err(syntax) => return Err(syntax),
                };
                if let Some(slot) = out.get_mut(index) {
                    *slot = value;
                }
                end = Some(r.pos);
            }
            match end {
                Some(end) => r.pos = end,
                None => {
                    r.skip()?;
                }
            }
            Ok(())
        })?;
        Ok(errors.into_iter().min_by_key(|(i, _)| *i))
    }

    /// Reads any value into a tree (for a STRING column given an array or object). Iterative,
    /// like `skip`.
    fn tree(&mut self) -> Result<Tree<'a>, DErr> {
        let mut open: Vec<Frame<'a>> = Vec::new();
        'value: loop {
            self.ws();
            let mut done = match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    self.enter()?;
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        self.depth -= 1;
                        Tree::Obj(Vec::new())
                    } else {
                        let key = self.tree_key()?;
                        open.push(Frame::Obj(Entries::default(), key));
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.enter()?;
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        self.depth -= 1;
                        Tree::Arr(Vec::new())
                    } else {
                        open.push(Frame::Arr(Vec::new()));
                        continue 'value;
                    }
                }
                Some(b'"') => Tree::Str(self.string()?),
                Some(b'-' | b'0'..=b'9') => Tree::Num(self.number()?),
                Some(b't') => self.lit(b"true").map(|_| Tree::Bool(true))?,
                Some(b'f') => self.lit(b"false").map(|_| Tree::Bool(false))?,
                Some(b'n') => self.lit(b"null").map(|_| Tree::Null)?,
                Some(_) => return Err(self.unrecognized_token()),
                None => return Err(self.unexpected("a value")),
            };
            // `done` is complete: add it to its container, then close what ends here.
            loop {
                let Some(frame) = open.last_mut() else {
                    return Ok(done);
                };
                let object = match frame {
                    Frame::Arr(items) => {
                        items.push(done);
                        false
                    }
                    Frame::Obj(entries, key) => {
                        entries.upsert(std::mem::take(key), done);
                        true
                    }
                };
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if let Some(Frame::Obj(_, key)) = open.last_mut() {
                            self.ws();
                            *key = self.tree_key()?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if object => {}
                    Some(b']') if !object => {}
                    _ => {
                        return Err(self.unexpected(if object {
                            "comma to separate Object entries"
                        } else {
                            "comma to separate Array entries"
                        }))
                    }
                }
                self.pos += 1;
                self.depth -= 1;
                done = match open.pop() {
                    Some(Frame::Arr(items)) => Tree::Arr(items),
                    Some(Frame::Obj(entries, _)) => Tree::Obj(entries.items),
                    None => return Err(self.syntax("unbalanced container")),
                };
            }
        }
    }

    /// Reads `"key" :` inside an object.
    fn tree_key(&mut self) -> Result<Cow<'a, str>, DErr> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("double-quote to start field name"));
        }
        let key = self.string()?;
        self.ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected("a colon to separate field name and value"));
        }
        self.pos += 1;
        Ok(key)
    }
}

/// A container being built by `Reader::tree`: an array, or an object and the key of the value
/// being read.
enum Frame<'a> {
    Arr(Vec<Tree<'a>>),
    Obj(Entries<Cow<'a, str>, Tree<'a>>, Cow<'a, str>),
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether a word of string bytes holds a `"`, a `\` or a byte below 0x20 (each test is exact
/// for "any byte matches", which is all the scan needs).
fn special_in_word(word: u64) -> bool {
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    (quote | backslash | control) != 0
}

/// Decodes the escapes of a validated string body (`\uD83D\uDE00` pairs join; a lone surrogate
/// becomes U+FFFD).
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let esc = &rest[at..];
        let (ch, used) = match esc.as_bytes().get(1) {
            Some(b'b') => ('\u{8}', 2),
            Some(b'f') => ('\u{c}', 2),
            Some(b'n') => ('\n', 2),
            Some(b'r') => ('\r', 2),
            Some(b't') => ('\t', 2),
            Some(b'u') => {
                let unit = hex4(esc.get(2..6));
                match unit {
                    Some(hi @ 0xD800..=0xDBFF) => {
                        let lo = if esc.get(6..8) == Some("\\u") {
                            hex4(esc.get(8..12))
                        } else {
                            None
                        };
                        match lo {
                            Some(lo @ 0xDC00..=0xDFFF) => {
                                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                (char::from_u32(c).unwrap_or('\u{FFFD}'), 12)
                            }
                            _ => ('\u{FFFD}', 6),
                        }
                    }
                    Some(u) => (char::from_u32(u).unwrap_or('\u{FFFD}'), 6),
                    None => ('\u{FFFD}', 2),
                }
            }
            Some(&c) => (char::from(c), 2),
            None => ('\\', 1),
        };
        out.push(ch);
        rest = esc.get(used..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn hex4(text: Option<&str>) -> Option<u32> {
    let text = text?;
    if text.len() != 4 {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

/// Object entries in first-seen order with last-wins values (Jackson's `ObjectNode`).
struct Entries<K, V> {
    items: Vec<(K, V)>,
    index: Option<HashMap<Box<str>, usize>>,
}

impl<K, V> Default for Entries<K, V> {
    fn default() -> Self {
        Entries {
            items: Vec::new(),
            index: None,
        }
    }
}

impl<K: AsRef<str>, V> Entries<K, V> {
    fn upsert(&mut self, key: K, value: V) {
        if self.index.is_none() && self.items.len() >= LINEAR_DEDUPE_MAX {
            self.index = Some(
                self.items
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (Box::from(k.as_ref()), i))
                    .collect(),
            );
        }
        let existing = match &self.index {
            Some(index) => index.get(key.as_ref()).copied(),
            None => self
                .items
                .iter()
                .position(|(k, _)| k.as_ref() == key.as_ref()),
        };
        match existing.and_then(|i| self.items.get_mut(i)) {
            Some(slot) => slot.1 = value,
            None => {
                if let Some(index) = &mut self.index {
                    index.insert(Box::from(key.as_ref()), self.items.len());
                }
                self.items.push((key, value));
            }
        }
    }
}

/// A parsed JSON value (only for STRING columns given arrays or objects).
enum Tree<'a> {
    Null,
    Bool(bool),
    Num(Num<'a>),
    Str(Cow<'a, str>),
    Arr(Vec<Tree<'a>>),
    Obj(Vec<(Cow<'a, str>, Tree<'a>)>),
}

impl Tree<'_> {
    /// ksqlDB's `processString`: an object becomes its compact JSON text (Jackson's), an array
    /// `[e1, e2]` of its elements' texts, a null element `null`.
    fn ksql_text(&self, out: &mut String) {
        match self {
            Tree::Null => out.push_str("null"),
            Tree::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Tree::Num(n) => out.push_str(&n.java_text()),
            Tree::Str(s) => out.push_str(s),
            Tree::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.ksql_text(out);
                }
                out.push(']');
            }
            Tree::Obj(_) => {
                let mut bytes = Vec::new();
                self.json_text(&mut bytes);
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }

    /// Jackson's compact serialization (numbers as Java prints them back).
    fn json_text(&self, out: &mut Vec<u8>) {
        match self {
            Tree::Null => out.extend_from_slice(b"null"),
            Tree::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Tree::Num(n) => out.extend_from_slice(n.java_text().as_bytes()),
            Tree::Str(s) => write_json_string(s, out),
            Tree::Arr(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.json_text(out);
                }
                out.push(b']');
            }
            Tree::Obj(entries) => {
                out.push(b'{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_json_string(k, out);
                    out.push(b':');
                    v.json_text(out);
                }
                out.push(b'}');
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Writing.

/// A string as Jackson writes it: `"` and `\` escaped, control characters as `\n`-style short
/// escapes or `\u00XX` (upper-case hex); everything else (including non-ASCII) as is.
pub(crate) fn write_json_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(s.len() + 2);
    out.push(b'"');
    let bytes = s.as_bytes();
    if !needs_escape(bytes) {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut run = 0;
    for (i, &c) in bytes.iter().enumerate() {
        let short = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x09 => b't',
            0x0A => b'n',
            0x0C => b'f',
            0x0D => b'r',
            0x00..=0x1F => 0,
            _ => continue,
        };
        out.extend_from_slice(&bytes[run..i]);
        run = i + 1;
        if short != 0 {
            out.extend_from_slice(&[b'\\', short]);
        } else {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(c >> 4)],
                HEX[usize::from(c & 0xF)],
            ]);
        }
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// Whether a string has a byte Jackson escapes (eight bytes at a time).
fn needs_escape(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if special_in_word(u64::from_le_bytes(word)) {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&c| c == b'"' || c == b'\\' || c < 0x20)
}

fn value_kind(v: &Value) -> String {
    match v {
        Value::Array(_) => "ARRAY".into(),
        Value::Map(_) => "MAP".into(),
        Value::Struct(_) => "STRUCT".into(),
        Value::Null => "NULL".into(),
        other => other
            .scalar_type()
            .map(|t| t.to_string())
            .unwrap_or_default(),
    }
}

fn serialize_error(ty: &JTy, v: &Value) -> ColumnError {
    ColumnError::new(
        None,
        format!("Can't serialize a {} value as {}", value_kind(v), ty.sql()),
    )
}

fn under(mut e: ColumnError, part: impl FnOnce() -> String) -> ColumnError {
    e.path = Some(format!("{}{}", part(), e.path.take().unwrap_or_default()));
    e
}

/// Writes one value of type `ty` as Connect's `JsonConverter` does (TIMESTAMP as epoch ms,
/// DATE as days, TIME as ms of day, DECIMAL as a number with `BigDecimal.toString()` digits,
/// DOUBLE as `Double.toString()` with `"NaN"`/`"Infinity"` quoted, BYTES as base64). Integer
/// values widen to BIGINT, DOUBLE and DECIMAL.
fn write_value(ty: &JTy, v: &Value, out: &mut Vec<u8>) -> Result<(), ColumnError> {
    match (ty, v) {
        (_, Value::Null) => out.extend_from_slice(b"null"),
        (JTy::Boolean, Value::Boolean(b)) => {
            out.extend_from_slice(if *b { b"true" } else { b"false" })
        }
        (JTy::Int, Value::Int(i)) | (JTy::Date, Value::Date(i)) | (JTy::Time, Value::Time(i)) => {
            out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes())
        }
        (JTy::Bigint, Value::Bigint(i)) | (JTy::Timestamp, Value::Timestamp(i)) => {
            out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes())
        }
        (JTy::Bigint | JTy::Decimal { .. }, Value::Int(i)) => {
            out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes())
        }
        (JTy::Decimal { .. }, Value::Bigint(i)) => {
            out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes())
        }
        (JTy::Double, Value::Double(_) | Value::Int(_) | Value::Bigint(_)) => {
            let d = v.as_f64().unwrap_or(f64::NAN);
            if d.is_finite() {
                java_text::write_java_double(d, out);
            } else {
                out.push(b'"');
                java_text::write_java_double(d, out);
                out.push(b'"');
            }
        }
        (JTy::Decimal { .. }, Value::Decimal(d)) => java_text::write_decimal_java(d, out),
        (JTy::String, Value::String(s)) => write_json_string(s, out),
        (JTy::Bytes, Value::Bytes(b)) => {
            out.push(b'"');
            out.extend_from_slice(rivulet_core::base64::encode(b).as_bytes());
            out.push(b'"');
        }
        (JTy::Array(element), Value::Array(items)) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(element, item, out).map_err(|e| under(e, || format!("[{i}]")))?;
            }
            out.push(b']');
        }
        (JTy::Map(value_ty), Value::Map(entries)) => {
            out.push(b'{');
            for (i, (k, item)) in entries.iter().enumerate() {
                let Value::String(key) = k else {
                    return Err(ColumnError::new(
                        None,
                        format!("JSON map keys must be STRING, got a {} key", value_kind(k)),
                    ));
                };
                if i > 0 {
                    out.push(b',');
                }
                write_json_string(key, out);
                out.push(b':');
                write_value(value_ty, item, out)
                    .map_err(|e| under(e, || format!(".{key}.value")))?;
            }
            out.push(b'}');
        }
        (JTy::Struct(fields), Value::Struct(values)) => {
            out.push(b'{');
            for (i, field) in fields.fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(&field.key);
                let value = match values.get(i) {
                    Some((name, value)) if *name == field.name => Some(value),
                    _ => values
                        .iter()
                        .find(|(name, _)| *name == field.name)
                        .map(|(_, value)| value),
                };
                write_value(&field.ty, value.unwrap_or(&Value::Null), out)
                    .map_err(|e| under(e, || format!(".{}", field.name)))?;
            }
            out.push(b'}');
        }
        _ => return Err(serialize_error(ty, v)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rivulet_core::{ColumnKind, StructField};

    use super::*;

    fn codec(columns: &[(&str, DataType)], unwrapped: bool) -> JsonCodec {
        let columns: Vec<Column> = columns
            .iter()
            .map(|(n, t)| Column::new(*n, t.clone(), ColumnKind::Value))
            .collect();
        JsonCodec::new(&columns, unwrapped).unwrap()
    }

    fn decode(c: &JsonCodec, json: &str) -> Result<Vec<Value>, FormatError> {
        let mut out = Vec::new();
        c.decode(json.as_bytes(), &mut out).map(|_| out)
    }

    fn one(t: DataType, json: &str) -> Result<Value, FormatError> {
        decode(&codec(&[("V", t)], true), json).map(|mut v| v.remove(0))
    }

    #[test]
    fn name_table_finds_exact_and_upper_matches() {
        let fields = Fields::new(
            [
                ("deviceId", &DataType::String),
                ("DEVICEID", &DataType::String),
            ]
            .into_iter(),
        )
        .unwrap();
        let found = fields.table.lookup("deviceId", &fields.fields);
        let mut found: Vec<_> = found.iter().filter(|(_, p)| *p > 0).collect();
        found.sort();
        assert_eq!(found, vec![&(0, 2), &(1, 1)]);
        let found = fields.table.lookup("DeViCeId", &fields.fields);
        assert_eq!(found.iter().filter(|(_, p)| *p > 0).count(), 1);
        assert_eq!(found[0], (1, 1));
        let found = fields.table.lookup("other", &fields.fields);
        assert!(found.iter().all(|(_, p)| *p == 0));
        assert_eq!(match_ascii(b"deviceid", b"deviceId"), 0);
        assert_eq!(match_ascii(b"deviceId", b"deviceId"), 2);
        assert_eq!(match_ascii(b"deviceId", b"DEVICEID"), 1);
        assert_eq!(match_ascii(b"DEVICEID", b"DEVICEID"), 2);
        assert_eq!(match_ascii(b"device_d", b"DEVICEID"), 0);
    }

    #[test]
    fn unicode_keys_upper_case_like_java() {
        let c = codec(&[("STRASSE", DataType::Int), ("É", DataType::Int)], false);
        assert_eq!(
            decode(&c, r#"{"straße":1,"é":2}"#).unwrap(),
            vec![Value::Int(1), Value::Int(2)]
        );
    }

    #[test]
    fn strings_unescape() {
        assert_eq!(
            one(
                DataType::String,
                r#""a\"b\\c\/d\n\u00e9\ud83d\ude00\ud800x""#
            )
            .unwrap(),
            Value::from("a\"b\\c/d\né😀\u{FFFD}x")
        );
    }

    #[test]
    fn jackson_strictness() {
        let c = codec(&[("A", DataType::Int), ("B", DataType::Int)], false);
        for bad in [
            r#"{"A":1,}"#,
            r#"{"A":01}"#,
            r#"{'A':1}"#,
            r#"{"A":NaN}"#,
            r#"{"A":1 /* c */}"#,
            r#"{"A":"x"#,
            "{\"A\":\"\u{1}\"}",
            r#"{"A":1.}"#,
            r#"{"A":-}"#,
            r#"{"A":1e}"#,
            r#"{"A":tru}"#,
            r#"{"A":truex}"#,
            r#"{"A" 1}"#,
            r#"{"A":1"B":2}"#,
            r#"{"A":"\x"}"#,
            r#"{"A":"\u12G4"}"#,
            r#"{"A":[1,]}"#,
            r#"{"A":1e99999999999}"#,
            "{",
        ] {
            assert!(
                matches!(decode(&c, bad), Err(FormatError::Malformed { .. })),
                "{bad}: {:?}",
                decode(&c, bad)
            );
        }
        let invalid_utf8 = b"{\"A\":\"\xff\"}";
        let mut out = Vec::new();
        assert!(matches!(
            c.decode(invalid_utf8, &mut out),
            Err(FormatError::Malformed { .. })
        ));
        assert!(out.is_empty());
    }

    #[test]
    fn trailing_content_after_the_root_value_is_ignored_like_read_tree() {
        let c = codec(&[("A", DataType::Int)], false);
        assert_eq!(
            decode(&c, r#"{"A":1} garbage"#).unwrap(),
            vec![Value::Int(1)]
        );
        assert_eq!(
            decode(&c, "\u{feff}{\"A\":1}").unwrap(),
            vec![Value::Int(1)]
        );
        assert!(one(DataType::Int, "12x").is_err());
        assert_eq!(one(DataType::Int, "12 x").unwrap(), Value::Int(12));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(2000) + &"]".repeat(2000);
        assert!(matches!(
            one(DataType::String, &deep),
            Err(FormatError::Malformed { .. })
        ));
        let c = codec(&[("A", DataType::Int)], false);
        let doc = format!(r#"{{"B":{deep},"A":1}}"#);
        assert!(matches!(
            decode(&c, &doc),
            Err(FormatError::Malformed { .. })
        ));
        let ok = "[".repeat(900) + &"]".repeat(900);
        let doc = format!(r#"{{"B":{ok},"A":1}}"#);
        assert_eq!(decode(&c, &doc).unwrap(), vec![Value::Int(1)]);
    }

    #[test]
    fn string_column_texts_follow_process_string() {
        let s = |json: &str| one(DataType::String, json).unwrap();
        assert_eq!(
            s(r#"{"b": 1.50, "a": [1, "x", null], "c": 1e2}"#),
            Value::from(r#"{"b":1.50,"a":[1,"x",null],"c":1E+2}"#)
        );
        assert_eq!(s(r#"{"k":1,"k":2}"#), Value::from(r#"{"k":2}"#));
        assert_eq!(
            s(r#"["a", 1, null, {"x":"y"}, [true]]"#),
            Value::from(r#"[a, 1, null, {"x":"y"}, [true]]"#)
        );
        assert_eq!(s("-0"), Value::from("0"));
        assert_eq!(s("0.0000001"), Value::from("1E-7"));
        assert_eq!(s("true"), Value::from("true"));
        assert_eq!(
            s(r#"{"s":"\u0001\n"}"#),
            Value::from("{\"s\":\"\\u0001\\n\"}")
        );
        assert_eq!(s(""), Value::from(""));
    }

    #[test]
    fn struct_fields_match_case_insensitively() {
        let t = DataType::Struct(vec![
            StructField {
                name: "A".into(),
                data_type: DataType::Int,
            },
            StructField {
                name: "b".into(),
                data_type: DataType::Int,
            },
        ]);
        let v = one(t, r#"{"a":1,"B":2,"b":3}"#).unwrap();
        assert_eq!(
            v,
            Value::Struct(vec![
                ("A".into(), Value::Int(1)),
                ("b".into(), Value::Int(3))
            ])
        );
    }

    #[test]
    fn errors_carry_paths() {
        let t = DataType::Array(Box::new(DataType::Map(
            Box::new(DataType::String),
            Box::new(DataType::Int),
        )));
        let c = codec(&[("A", t)], false);
        let Err(FormatError::Column(e)) = decode(&c, r#"{"a":[{"k":1},{"k":"x"}]}"#) else {
            panic!("expected a column error");
        };
        assert_eq!(e.path.as_deref(), Some("$.A[1].k.value"));
        assert_eq!(e.column.as_deref(), Some("A"));
        assert_eq!(
            e.message,
            "Can't coerce string to type. targetType: INTEGER"
        );
    }

    #[test]
    fn first_failing_column_in_schema_order_is_reported() {
        let c = codec(&[("A", DataType::Int), ("B", DataType::Int)], false);
        let Err(FormatError::Column(e)) = decode(&c, r#"{"B":"x","A":"y"}"#) else {
            panic!()
        };
        assert_eq!(e.column.as_deref(), Some("A"));
        // A failing duplicate that a later good value replaces is no error, as in Jackson.
        assert_eq!(
            decode(&c, r#"{"A":"bad","B":2,"A":1}"#).unwrap(),
            vec![Value::Int(1), Value::Int(2)]
        );
        // A later syntax error wins over an earlier conversion error.
        assert!(matches!(
            decode(&c, r#"{"A":"bad","B":}"#),
            Err(FormatError::Malformed { .. })
        ));
    }

    #[test]
    fn learned_key_positions_never_change_what_a_key_matches() {
        let c = codec(&[("A", DataType::Int), ("B", DataType::Int)], false);
        let both = |a, b| vec![Value::Int(a), Value::Int(b)];
        assert_eq!(decode(&c, r#"{"a":1,"b":2}"#).unwrap(), both(1, 2));
        assert_eq!(decode(&c, r#"{"b":3,"a":4}"#).unwrap(), both(4, 3));
        assert_eq!(decode(&c, r#"{"x":0,"A":5,"B":6}"#).unwrap(), both(5, 6));
        assert_eq!(decode(&c, r#"{"ab":7,"a":8,"b":9}"#).unwrap(), both(8, 9));
        // Names equal up to case: exact matches keep priority, whatever was seen before.
        let c = codec(&[("a", DataType::Int), ("A", DataType::Int)], false);
        assert_eq!(decode(&c, r#"{"a":1,"A":2}"#).unwrap(), both(1, 2));
        assert_eq!(decode(&c, r#"{"A":3,"a":4}"#).unwrap(), both(4, 3));
    }

    #[test]
    fn later_fields_are_read_from_where_the_split_decode_found_them() {
        let columns = [
            ("A", DataType::Int),
            ("B", DataType::String),
            ("C", DataType::Double),
        ];
        let full = codec(&columns, false);
        let mut split = codec(&columns, false);
        split.want(&[Want::Read, Want::Later, Want::Later]);
        for json in [
            r#"{"a":1,"b":"x","c":2.5}"#,
            "\u{feff}{\"c\":1e2,\"b\":{\"n\":[1]},\"a\":7}",
            r#"{"b":"first","a":2,"B":"second","c":"3"}"#,
            r#"{"a":3}"#,
        ] {
            let mut row = Vec::new();
            let mut later = Vec::new();
            split
                .decode_split(json.as_bytes(), &mut row, &mut later)
                .unwrap();
            assert!(row[1..].iter().all(|v| *v == Value::Null), "{json}");
            split.read_later(json.as_bytes(), &later, &mut row).unwrap();
            assert_eq!(row, decode(&full, json).unwrap(), "{json}");
        }
        // A bad later value fails the split decode itself.
        let mut row = Vec::new();
        let mut later = Vec::new();
        assert!(split
            .decode_split(br#"{"a":1,"c":"x"}"#, &mut row, &mut later)
            .is_err());
    }

    fn full_long() -> JsonCodec {
        codec(&[("A", DataType::Int), ("B", DataType::Bigint)], false)
    }

    #[test]
    fn unwanted_fields_come_out_null_but_fail_as_if_read() {
        let columns = [
            ("A", DataType::Int),
            ("B", DataType::Bigint),
            ("C", DataType::Double),
            ("D", DataType::String),
            ("E", DataType::Boolean),
            ("F", DataType::Array(Box::new(DataType::Int))),
        ];
        let full = codec(&columns, false);
        let mut part = codec(&columns, false);
        part.want(&[
            Want::Read,
            Want::Check,
            Want::Check,
            Want::Check,
            Want::Check,
            Want::Check,
        ]);
        let good = r#"{"a":1,"b":"12","c":-1.5e3,"d":{"x":[1]},"e":true,"f":[1,2]}"#;
        assert_eq!(decode(&part, good).unwrap(), {
            let mut v = vec![Value::Null; 6];
            v[0] = Value::Int(1);
            v
        });
        assert_eq!(decode(&full, good).unwrap().len(), 6);
        // Every failure of an unused column is the failure a full read reports.
        for bad in [
            r#"{"a":1,"b":"x"}"#,
            r#"{"a":1,"b":1e30}"#,
            r#"{"a":1,"c":"nan?"}"#,
            r#"{"a":1,"e":"maybe"}"#,
            r#"{"a":1,"f":["x"]}"#,
            r#"{"a":1,"f":3}"#,
            r#"{"a":1,"d":"unterminated}"#,
            r#"{"a":1,"b":01}"#,
        ] {
            let expected = decode(&full, bad).expect_err(bad).to_string();
            let got = decode(&part, bad).expect_err(bad).to_string();
            assert_eq!(got, expected, "{bad}");
        }
        // BIGINT bounds are exact when unused.
        let mut long = codec(&[("A", DataType::Int), ("B", DataType::Bigint)], false);
        long.want(&[Want::Read, Want::Check]);
        for (b, ok) in [
            ("9223372036854775807", true),
            ("9223372036854775808", false),
            ("-9223372036854775808", true),
            ("-9223372036854775809", false),
            ("1684615020438850600", true),
            ("12345678901234567890", false),
        ] {
            let json = format!(r#"{{"A":1,"B":{b}}}"#);
            assert_eq!(decode(&long, &json).is_ok(), ok, "{b}");
            assert_eq!(
                decode(&long, &json).is_ok(),
                decode(&full_long(), &json).is_ok()
            );
        }
        // An INT column is checked for range even when unused.
        let mut int = codec(&[("A", DataType::Int), ("B", DataType::Int)], false);
        int.want(&[Want::Read, Want::Check]);
        assert!(decode(&int, r#"{"A":1,"B":3000000000}"#).is_err());
        assert!(decode(&int, r#"{"A":1,"B":"7"}"#).is_ok());
    }

    #[test]
    fn writes_jackson_escapes() {
        let mut out = Vec::new();
        write_json_string("a\"\\\u{1}\u{1f}\t/é\u{7f}", &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a\\\"\\\\\\u0001\\u001F\\t/é\u{7f}\""
        );
    }
}
