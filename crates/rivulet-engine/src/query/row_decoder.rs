//! A source's records as rows: `[ROWTIME, ROWPARTITION, ROWOFFSET, columns…]` in the source's
//! schema order (keys, then value and header columns), decoded with the source's key and value
//! formats. A record that cannot be decoded is an error for the processing log, not for the
//! query. A windowed table's keys carry the window (Kafka Streams' layout): the inner key is
//! decoded with the key format and `WINDOWSTART`, `WINDOWEND` follow the key columns
//! ([`Source::query_schema`]).

use rivulet_core::{ColumnKind, DataType, LoggedRecord, Value};
use rivulet_format::{decode_windowed_key, Decoded, Format, FormatError, Serde, Want, WindowKind};
use rivulet_sql::planner::QueryPlan;

use crate::{catalog::Source, processing_log::FormatFailure, EngineError};

/// Where each schema column's value comes from.
#[derive(Debug, Clone)]
enum Slot {
    Key(usize),
    Value(usize),
    AllHeaders,
    Header(String),
    WindowStart,
    WindowEnd,
}

/// Decodes one source's records.
pub struct RowDecoder {
    key: Serde,
    value: Serde,
    slots: Vec<Slot>,
    /// Schema index of the TIMESTAMP column (BIGINT, TIMESTAMP, or STRING read with the
    /// source's TIMESTAMP_FORMAT, kept here).
    timestamp: Option<(usize, Option<String>)>,
    scratch_key: Vec<Value>,
    scratch_value: Vec<Value>,
    /// Value columns the last `decode_first` left for `complete`, and where they are.
    later: Vec<(usize, usize)>,
    /// Per value column, its index in the row.
    value_rows: Vec<usize>,
    /// The key layout of a windowed source.
    window: Option<WindowKind>,
}

/// What became of one record.
pub enum DecodedRow {
    Row(Vec<Value>),
    /// A record with a null value (a tombstone): the row holds the pseudo-columns and the key
    /// columns, every other column NULL. What it means is the query's decision: ksqlDB forwards
    /// it through a stream projection as a null value, drops it in a filter and in push query
    /// output.
    NullValue(Vec<Value>),
}

fn format_of(name: &str, delimiter: Option<&str>) -> Result<Format, EngineError> {
    Format::parse(name, delimiter).map_err(|e| EngineError::statement(e.to_string()))
}

impl RowDecoder {
    pub fn new(source: &Source) -> Result<RowDecoder, EngineError> {
        let keys: Vec<_> = source
            .schema
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Key)
            .cloned()
            .collect();
        let values: Vec<_> = source
            .schema
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Value)
            .cloned()
            .collect();
        let wrap = source.wrap_single_value.unwrap_or(true);
        let key = Serde::new(
            format_of(
                &source.key_format.name,
                source.key_format.delimiter.as_deref(),
            )?,
            keys,
            false,
        )
        .map_err(|e| EngineError::statement(e.to_string()))?;
        let value = Serde::new(
            format_of(
                &source.value_format.name,
                source.value_format.delimiter.as_deref(),
            )?,
            values,
            wrap,
        )
        .map_err(|e| EngineError::statement(e.to_string()))?;
        let (mut k, mut v) = (0, 0);
        let mut slots: Vec<Slot> = source
            .schema
            .columns
            .iter()
            .map(|c| match c.kind {
                ColumnKind::Key => {
                    k += 1;
                    Slot::Key(k - 1)
                }
                ColumnKind::Value => {
                    v += 1;
                    Slot::Value(v - 1)
                }
                ColumnKind::Header => match &c.header_key {
                    Some(h) => Slot::Header(h.clone()),
                    None => Slot::AllHeaders,
                },
            })
            .collect();
        if let Some(at) = source.window_columns_at() {
            slots.splice(at..at, [Slot::WindowStart, Slot::WindowEnd]);
        }
        let value_rows = slots
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s, Slot::Value(_)))
            .map(|(j, _)| 3 + j)
            .collect();
        let query_schema = source.query_schema();
        let timestamp = source.timestamp_column.as_ref().and_then(|t| {
            let i = query_schema.index_of(t)?;
            match query_schema.columns[i].data_type {
                DataType::Bigint | DataType::Timestamp => Some((i, None)),
                DataType::String => Some((i, Some(source.timestamp_format.clone()?))),
                _ => None,
            }
        });
        Ok(RowDecoder {
            key,
            value,
            slots,
            timestamp,
            scratch_key: Vec::new(),
            scratch_value: Vec::new(),
            later: Vec::new(),
            value_rows,
            window: source.window.as_ref().map(crate::row_writer::window_kind),
        })
    }

    /// Whether row position `i` holds a key column or a window bound (what a table's
    /// tombstone row still carries).
    pub fn is_key_row(&self, i: usize) -> bool {
        i.checked_sub(3)
            .and_then(|j| self.slots.get(j))
            .is_some_and(|s| matches!(s, Slot::Key(_) | Slot::WindowStart | Slot::WindowEnd))
    }

    /// A decoder for `plan`'s scan of `source`: it reads only the value columns the plan uses,
    /// and with a WHERE clause, the filter's columns first ([`RowDecoder::want`]).
    pub fn for_plan(source: &Source, plan: &QueryPlan) -> Result<RowDecoder, EngineError> {
        let mut decoder = RowDecoder::new(source)?;
        let width = 3 + decoder.slots.len();
        let used = plan.scan_columns_used(width);
        let mut first = vec![false; width];
        match &plan.filter {
            Some(filter) => filter.for_each_column(&mut |i| {
                if let Some(f) = first.get_mut(i) {
                    *f = true;
                }
            }),
            None => first.clone_from(&used),
        }
        decoder.want(&first, &used);
        Ok(decoder)
    }

    /// Per scan-row column (`first`, `used`: as
    /// [`QueryPlan::scan_columns_used`](rivulet_sql::planner::QueryPlan::scan_columns_used)
    /// gives it), whether [`RowDecoder::decode_first`] reads it and whether the query uses it
    /// at all. The TIMESTAMP column is always read first; used columns not read first are read
    /// by [`RowDecoder::complete`]; unused ones come out NULL. Every column is still checked
    /// by `decode_first`, so a record that fails to decode fails as before (and goes to the
    /// processing log).
    pub fn want(&mut self, first: &[bool], used: &[bool]) {
        let mut wants = vec![Want::Check; self.value.columns().len()];
        for (j, slot) in self.slots.iter().enumerate() {
            if let Slot::Value(v) = slot {
                let timestamp = self.timestamp.as_ref().is_some_and(|(t, _)| *t == j);
                let flag = |f: &[bool]| f.get(3 + j).copied().unwrap_or(true);
                if let Some(w) = wants.get_mut(*v) {
                    *w = if timestamp || flag(first) {
                        Want::Read
                    } else if flag(used) {
                        Want::Later
                    } else {
                        Want::Check
                    };
                }
            }
        }
        self.value.want(&wants);
    }

    /// Decodes one record of `partition`: [`RowDecoder::decode_first`], then
    /// [`RowDecoder::complete`].
    pub fn decode(
        &mut self,
        partition: u32,
        record: &LoggedRecord,
    ) -> Result<DecodedRow, FormatFailure> {
        let mut decoded = self.decode_first(partition, record)?;
        if let DecodedRow::Row(row) = &mut decoded {
            self.complete(record, row)?;
        }
        Ok(decoded)
    }

    /// Reads into `row` (from [`RowDecoder::decode_first`] of the same record) the columns
    /// left for later: call it for the rows that pass the filter.
    pub fn complete(
        &mut self,
        record: &LoggedRecord,
        row: &mut [Value],
    ) -> Result<(), FormatFailure> {
        if self.later.is_empty() {
            return Ok(());
        }
        self.scratch_value.clear();
        self.scratch_value
            .resize(self.value.columns().len(), Value::Null);
        self.value
            .read_later(
                record.record.value.as_deref(),
                &self.later,
                &mut self.scratch_value,
            )
            .map_err(FormatFailure::value)?;
        for &(v, _) in &self.later {
            if let (Some(&at), Some(value)) =
                (self.value_rows.get(v), self.scratch_value.get_mut(v))
            {
                if let Some(slot) = row.get_mut(at) {
                    *slot = std::mem::take(value);
                }
            }
        }
        Ok(())
    }

    /// Decodes one record of `partition`, except the columns left for
    /// [`RowDecoder::complete`] (NULL until then). Fails as a full decode would.
    pub fn decode_first(
        &mut self,
        partition: u32,
        record: &LoggedRecord,
    ) -> Result<DecodedRow, FormatFailure> {
        self.scratch_key.clear();
        self.scratch_value.clear();
        let r = &record.record;
        let (key, bounds) = match (self.window, r.key.as_deref()) {
            (Some(kind), Some(bytes)) => {
                let (inner, start, end) =
                    decode_windowed_key(bytes, kind).map_err(FormatFailure::key)?;
                (Some(inner), Some((start, end)))
            }
            (_, key) => (key, None),
        };
        self.key
            .decode(key, &mut self.scratch_key)
            .map_err(FormatFailure::key)?;
        let null_value = self
            .value
            .decode_split(r.value.as_deref(), &mut self.scratch_value, &mut self.later)
            .map_err(FormatFailure::value)?
            == Decoded::Null
            && r.value.is_none();
        let mut row = Vec::with_capacity(3 + self.slots.len());
        row.push(Value::Bigint(r.timestamp));
        row.push(Value::Int(partition as i32));
        row.push(Value::Bigint(record.offset));
        for slot in &self.slots {
            if null_value && !matches!(slot, Slot::Key(_) | Slot::WindowStart | Slot::WindowEnd) {
                row.push(Value::Null);
                continue;
            }
            row.push(match slot {
                Slot::Key(i) => std::mem::take(&mut self.scratch_key[*i]),
                Slot::WindowStart => bounds.map_or(Value::Null, |(start, _)| Value::Bigint(start)),
                Slot::WindowEnd => bounds.map_or(Value::Null, |(_, end)| Value::Bigint(end)),
                Slot::Value(i) => std::mem::take(&mut self.scratch_value[*i]),
                Slot::Header(name) => r
                    .headers
                    .iter()
                    .rev()
                    .find(|h| &h.key == name)
                    .and_then(|h| h.value.clone())
                    .map_or(Value::Null, Value::Bytes),
                Slot::AllHeaders => Value::Array(
                    r.headers
                        .iter()
                        .map(|h| {
                            Value::Struct(vec![
                                ("KEY".into(), Value::from(h.key.as_str())),
                                (
                                    "VALUE".into(),
                                    h.value.clone().map_or(Value::Null, Value::Bytes),
                                ),
                            ])
                        })
                        .collect(),
                ),
            });
        }
        if let Some((i, format)) = &self.timestamp {
            match (&row[3 + i], format) {
                (Value::Bigint(t) | Value::Timestamp(t), _) => row[0] = Value::Bigint(*t),
                (Value::String(text), Some(pattern)) => {
                    let t = rivulet_expr::functions::datetime::parse_timestamp_text(text, pattern)
                        .map_err(|e| {
                            FormatFailure::value(FormatError::Malformed {
                                what: "timestamp",
                                message: e,
                            })
                        })?;
                    row[0] = Value::Bigint(t);
                }
                _ => {}
            }
        }
        Ok(if null_value {
            DecodedRow::NullValue(row)
        } else {
            DecodedRow::Row(row)
        })
    }
}
