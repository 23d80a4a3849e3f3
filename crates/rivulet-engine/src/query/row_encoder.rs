//! A query's output rows as records of its sink: the key columns encoded with the sink's key
//! format, the value columns with its value format. `Encoded::Null` becomes a null key or value.
//!
//! It owns the split of an output row into key and value; it must not choose partitions.

use bytes::Bytes;
use rivulet_core::{ColumnKind, Schema, Value};
use rivulet_format::{Encoded, Format, FormatError, Serde};

use crate::{catalog::Source, processing_log::FormatFailure, EngineError};

/// Encodes rows of one output schema into one sink's formats.
pub struct RowEncoder {
    key: Serde,
    value: Serde,
    key_slots: Vec<usize>,
    value_slots: Vec<usize>,
    scratch: Vec<Value>,
    buffer: Vec<u8>,
}

/// One encoded output row.
pub struct EncodedRow {
    pub key: Option<Bytes>,
    pub value: Option<Bytes>,
}

fn format_of(name: &str, delimiter: Option<&str>) -> Result<Format, EngineError> {
    Format::parse(name, delimiter).map_err(|e| EngineError::statement(e.to_string()))
}

impl RowEncoder {
    /// An encoder of rows in `schema` (the query's output) for `sink`.
    pub fn new(schema: &Schema, sink: &Source) -> Result<RowEncoder, EngineError> {
        let mut key_slots = Vec::new();
        let mut value_slots = Vec::new();
        let mut key_columns = Vec::new();
        let mut value_columns = Vec::new();
        for (i, c) in schema.columns.iter().enumerate() {
            if c.kind == ColumnKind::Key {
                key_slots.push(i);
                key_columns.push(c.clone());
            } else {
                value_slots.push(i);
                value_columns.push(c.clone());
            }
        }
        let key = Serde::new(
            format_of(&sink.key_format.name, sink.key_format.delimiter.as_deref())?,
            key_columns,
            false,
        )
        .map_err(|e| EngineError::statement(e.to_string()))?;
        let value = Serde::new(
            format_of(
                &sink.value_format.name,
                sink.value_format.delimiter.as_deref(),
            )?,
            value_columns,
            sink.wrap_single_value.unwrap_or(true),
        )
        .map_err(|e| EngineError::statement(e.to_string()))?;
        Ok(RowEncoder {
            key,
            value,
            key_slots,
            value_slots,
            scratch: Vec::new(),
            buffer: Vec::with_capacity(256),
        })
    }

    /// Encodes one row (in output schema order, without pseudo-columns); consumes its values.
    pub fn encode(&mut self, row: &mut [Value]) -> Result<EncodedRow, FormatFailure> {
        let key = Self::part(
            &self.key,
            &self.key_slots,
            row,
            &mut self.scratch,
            &mut self.buffer,
        )
        .map_err(FormatFailure::key)?;
        let value = Self::part(
            &self.value,
            &self.value_slots,
            row,
            &mut self.scratch,
            &mut self.buffer,
        )
        .map_err(FormatFailure::value)?;
        Ok(EncodedRow { key, value })
    }

    /// Encodes the key of a row whose value is null (a null-value record forwarded by a
    /// projection): the record's value is null, whatever the value format.
    pub fn encode_null_value(&mut self, row: &mut [Value]) -> Result<EncodedRow, FormatFailure> {
        let key = Self::part(
            &self.key,
            &self.key_slots,
            row,
            &mut self.scratch,
            &mut self.buffer,
        )
        .map_err(FormatFailure::key)?;
        Ok(EncodedRow { key, value: None })
    }

    fn part(
        serde: &Serde,
        slots: &[usize],
        row: &mut [Value],
        scratch: &mut Vec<Value>,
        buffer: &mut Vec<u8>,
    ) -> Result<Option<Bytes>, FormatError> {
        scratch.clear();
        scratch.extend(slots.iter().map(|i| std::mem::take(&mut row[*i])));
        buffer.clear();
        Ok(match serde.encode(scratch, buffer)? {
            Encoded::Bytes => Some(Bytes::copy_from_slice(buffer)),
            Encoded::Null => None,
        })
    }
}
