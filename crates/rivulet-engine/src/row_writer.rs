//! Writing rows into a declared stream or table from outside a query: `INSERT INTO … VALUES`,
//! `POST /inserts-stream` and typed `POST /topics/{topic}/records` all turn a row into a record
//! here, and typed `GET /topics/{topic}/records` turns a record back into JSON here.
//!
//! This module owns: the writable columns of a source (key columns, then value columns; header
//! columns are read-only), reading JSON objects into such rows (by the JSON format's own reader,
//! so JSON inputs coerce exactly as ksqlDB's JSON deserializer does), encoding rows with the
//! source's declared KEY_FORMAT/VALUE_FORMAT (through [`RowEncoder`]), choosing the partition as
//! Kafka's default partitioner does (murmur2 of the serialized key; round-robin for null keys),
//! appending, and the index of declared sources by topic the server consults per request.
//!
//! It must not parse SQL, evaluate expressions or speak HTTP: callers bring values (or JSON)
//! and turn [`WriteError`]s into their own messages.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU32, Ordering},
        Arc, RwLock,
    },
};

use bytes::Bytes;
use rivulet_core::{Column, ColumnKind, Record, Schema, Value};
use rivulet_format::{decode_windowed_key, Format, FormatError, Serde, WindowKind};
use rivulet_log::{partitioner::partition_for_key, Log, LogError};
use serde_json::{Map, Value as Json};
use thiserror::Error;

use crate::{
    catalog::{Catalog, Source},
    query::row_encoder::RowEncoder,
    EngineError,
};

/// Why one row could not be written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WriteError {
    /// A key column without a value where one is required (inserts stream).
    #[error("Key field must be specified: {0}")]
    MissingKey(String),
    /// One field could not be read as its column's type. `path` is relative to the part being
    /// read (`NAME`, `A[2]`, empty for the part as a whole).
    #[error("{message}")]
    Field { path: String, message: String },
    /// The row could not be serialized with the source's formats.
    #[error("Could not serialize {part}: {message}")]
    Serialize { part: &'static str, message: String },
}

/// How JSON field names are matched to column names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// ksqlDB identifier rules (`/inserts-stream`): a back-quoted name keeps its case, any other
    /// name is upper-cased; then the match is exact.
    Identifier,
    /// Case-insensitive, first match wins (ksqlDB's JSON reader; typed topic produce).
    CaseInsensitive,
}

/// Round-robin cursor for records without a key, shared by every writer of this process.
static NULL_KEY_CURSOR: AtomicU32 = AtomicU32::new(0);

fn format_of(name: &str, delimiter: Option<&str>) -> Result<Format, EngineError> {
    Format::parse(name, delimiter).map_err(|e| EngineError::statement(e.to_string()))
}

/// A JSON reader over `columns` (as value columns, so that a single column stays wrapped).
fn json_reader(columns: &[Column]) -> Result<Serde, EngineError> {
    let as_values = columns
        .iter()
        .map(|c| Column::new(c.name.clone(), c.data_type.clone(), ColumnKind::Value))
        .collect();
    Serde::new(Format::Json, as_values, true).map_err(|e| EngineError::server(e.to_string()))
}

/// Rows in, records out, for one source.
pub struct RowWriter {
    log: Arc<dyn Log>,
    source: Arc<Source>,
    /// Key columns, then value columns.
    columns: Vec<Column>,
    keys: usize,
    encoder: RowEncoder,
    key_reader: Serde,
    value_reader: Serde,
    partitions: u32,
}

impl RowWriter {
    /// A writer for `source`, over its topic as it is now (the partition count is read once).
    pub async fn open(log: Arc<dyn Log>, source: Arc<Source>) -> Result<RowWriter, EngineError> {
        let partitions = log.describe_topic(&source.topic).await?.partitions.len() as u32;
        if partitions == 0 {
            return Err(EngineError::server(format!(
                "Topic '{}' has no partitions",
                source.topic
            )));
        }
        let keys: Vec<Column> = source.key_columns().cloned().collect();
        let values: Vec<Column> = source
            .schema
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Value)
            .cloned()
            .collect();
        let key_reader = json_reader(&keys)?;
        let value_reader = json_reader(&values)?;
        let key_count = keys.len();
        let mut columns = keys;
        columns.extend(values);
        let encoder = RowEncoder::new(&Schema::new(columns.clone()), &source)?;
        Ok(RowWriter {
            log,
            source,
            columns,
            keys: key_count,
            encoder,
            key_reader,
            value_reader,
            partitions,
        })
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The writable columns: key columns, then value columns, in schema order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The key columns (the first [`Self::key_count`] of [`Self::columns`]).
    pub fn key_columns(&self) -> &[Column] {
        &self.columns[..self.keys]
    }

    pub fn key_count(&self) -> usize {
        self.keys
    }

    /// Encodes a row (one value per writable column) into a record stamped `timestamp`, with
    /// the partition the record belongs to.
    pub fn encode(
        &mut self,
        mut row: Vec<Value>,
        timestamp: i64,
    ) -> Result<(u32, Record), WriteError> {
        if row.len() != self.columns.len() {
            return Err(WriteError::Serialize {
                part: "row",
                message: format!("expected {} values, got {}", self.columns.len(), row.len()),
            });
        }
        let encoded = self
            .encoder
            .encode(&mut row)
            .map_err(|e| WriteError::Serialize {
                part: "row",
                message: e.to_string(),
            })?;
        let partition = self.partition_of(encoded.key.as_ref());
        Ok((
            partition,
            Record::new(encoded.key, encoded.value, timestamp),
        ))
    }

    /// Kafka's default partitioner: murmur2 of the key, or round-robin for a null key.
    pub fn partition_of(&self, key: Option<&Bytes>) -> u32 {
        match key {
            Some(key) => partition_for_key(key, self.partitions),
            None => NULL_KEY_CURSOR.fetch_add(1, Ordering::Relaxed) % self.partitions,
        }
    }

    /// Appends records (with their partitions) to the source's topic, one append per
    /// partition, and answers each record's offset in the order given. Returns once the log
    /// has made them durable (the embedded log's append returns after its fsync policy).
    pub async fn append(&self, records: Vec<(u32, Record)>) -> Result<Vec<(u32, i64)>, LogError> {
        let mut groups: HashMap<u32, Vec<Record>> = HashMap::new();
        let mut placement = Vec::with_capacity(records.len());
        for (partition, record) in records {
            let group = groups.entry(partition).or_default();
            placement.push((partition, group.len() as i64));
            group.push(record);
        }
        let mut bases = HashMap::with_capacity(groups.len());
        for (partition, group) in groups {
            let base = self
                .log
                .append(&self.source.topic, partition, group)
                .await?;
            bases.insert(partition, base);
        }
        Ok(placement
            .into_iter()
            .map(|(p, i)| (p, bases.get(&p).copied().unwrap_or(0) + i))
            .collect())
    }

    /// Reads the key part of a typed produce: one key column may be given bare (`5`,
    /// `"abc"`); otherwise an object keyed by key column names. Null: every key column null.
    pub fn key_from_json(&self, key: &Json, rule: NameRule) -> Result<Vec<Value>, WriteError> {
        let keys = self.key_columns();
        match key {
            Json::Null => Ok(vec![Value::Null; keys.len()]),
            Json::Object(fields)
                if !(keys.len() == 1
                    && matches!(keys[0].data_type, rivulet_core::DataType::Struct(_))) =>
            {
                read_object(&self.key_reader, keys, fields, rule)
            }
            bare if keys.len() == 1 => {
                let mut fields = Map::new();
                fields.insert(keys[0].name.clone(), bare.clone());
                read_object(&self.key_reader, keys, &fields, NameRule::Identifier).map_err(|e| {
                    match e {
                        WriteError::Field { path, message } => WriteError::Field {
                            path: path
                                .strip_prefix(keys[0].name.as_str())
                                .unwrap_or(&path)
                                .trim_start_matches('.')
                                .to_string(),
                            message,
                        },
                        other => other,
                    }
                })
            }
            _ if keys.is_empty() => Err(WriteError::Field {
                path: String::new(),
                message: format!(
                    "{} has no key columns: the key must be null",
                    self.source.name
                ),
            }),
            _ => Err(WriteError::Field {
                path: String::new(),
                message: format!("expected an object of the key columns {}", names(keys)),
            }),
        }
    }

    /// Reads the value columns from a JSON object; absent columns are null.
    pub fn values_from_json(
        &self,
        fields: &Map<String, Json>,
        rule: NameRule,
    ) -> Result<Vec<Value>, WriteError> {
        read_object(&self.value_reader, &self.columns[self.keys..], fields, rule)
    }

    /// Reads a whole row (keys and values) from one JSON object, as `/inserts-stream` sends
    /// them; with `require_keys`, every key column must be present and not null.
    pub fn row_from_json(
        &self,
        fields: &Map<String, Json>,
        rule: NameRule,
        require_keys: bool,
    ) -> Result<Vec<Value>, WriteError> {
        let mut row = read_object(&self.key_reader, self.key_columns(), fields, rule)?;
        if let Some(i) = row.iter().position(Value::is_null).filter(|_| require_keys) {
            return Err(WriteError::MissingKey(self.columns[i].name.clone()));
        }
        row.extend(self.values_from_json(fields, rule)?);
        Ok(row)
    }
}

fn names(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The column name a JSON field name stands for under `rule` (identifier rules only).
fn identifier(name: &str) -> String {
    match name
        .strip_prefix('`')
        .and_then(|n| n.strip_suffix('`'))
        .filter(|_| name.len() >= 2)
    {
        Some(quoted) => quoted.to_string(),
        None => name.to_uppercase(),
    }
}

/// Reads `columns` from `fields` with `reader` (a JSON reader over exactly those columns).
fn read_object(
    reader: &Serde,
    columns: &[Column],
    fields: &Map<String, Json>,
    rule: NameRule,
) -> Result<Vec<Value>, WriteError> {
    if columns.is_empty() {
        return Ok(Vec::new());
    }
    let mut picked = Map::new();
    for column in columns {
        let found = match rule {
            NameRule::Identifier => fields
                .iter()
                .find(|(k, _)| identifier(k) == column.name)
                .map(|(_, v)| v),
            NameRule::CaseInsensitive => fields.get(&column.name).or_else(|| {
                fields
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&column.name))
                    .map(|(_, v)| v)
            }),
        };
        if let Some(v) = found {
            picked.insert(column.name.clone(), v.clone());
        }
    }
    let bytes = serde_json::to_vec(&Json::Object(picked)).map_err(|e| WriteError::Field {
        path: String::new(),
        message: e.to_string(),
    })?;
    let mut out = Vec::with_capacity(columns.len());
    reader.decode(Some(&bytes), &mut out).map_err(field_error)?;
    Ok(out)
}

/// A reader error as a field error with a path relative to the object read.
fn field_error(e: FormatError) -> WriteError {
    match e {
        FormatError::Column(c) => {
            let path = c
                .path
                .as_deref()
                .map(|p| {
                    p.trim_start_matches('$')
                        .trim_start_matches('.')
                        .to_string()
                })
                .filter(|p| !p.is_empty())
                .or_else(|| c.column.clone())
                .unwrap_or_default();
            let mut message = c.message.clone();
            if let Some(v) = &c.value {
                message.push_str(&format!(" (value: {v})"));
            }
            WriteError::Field { path, message }
        }
        other => WriteError::Field {
            path: String::new(),
            message: other.to_string(),
        },
    }
}

/// Decodes a record's key and value bytes of one source for display: the key columns and the
/// value columns, or the reason one part could not be decoded.
///
/// For a windowed table the key bytes are Kafka Streams' windowed layout (see
/// [`rivulet_format::decode_windowed_key`]): [`RowReader::key`] decodes the inner key and
/// [`RowReader::window`] reads the window bounds.
pub struct RowReader {
    key: Serde,
    value: Serde,
    keys: Vec<Column>,
    values: Vec<Column>,
    window: Option<WindowKind>,
}

/// The windowed-key layout of a table windowed by `spec` (time windows carry only the start,
/// sessions start and end).
pub fn window_kind(spec: &rivulet_sql::planner::WindowSpec) -> WindowKind {
    let size_ms = i64::try_from(spec.size()).unwrap_or(i64::MAX);
    match spec.shape {
        rivulet_sql::planner::WindowShape::Tumbling { .. } => WindowKind::Tumbling { size_ms },
        rivulet_sql::planner::WindowShape::Hopping { .. } => WindowKind::Hopping { size_ms },
        rivulet_sql::planner::WindowShape::Session { .. } => WindowKind::Session,
    }
}

/// The window of one record's key in epoch milliseconds: `[start, end)` for time windows,
/// `[start, end]` for sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyWindow {
    pub start: i64,
    pub end: i64,
}

/// One decoded part of a record.
pub enum ReadPart {
    /// No bytes (null key, tombstone).
    Null,
    Values(Vec<Value>),
    /// The bytes do not decode with the declared format.
    Error(String),
}

impl RowReader {
    pub fn new(source: &Source) -> Result<RowReader, EngineError> {
        let keys: Vec<Column> = source.key_columns().cloned().collect();
        let values: Vec<Column> = source
            .schema
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Value)
            .cloned()
            .collect();
        let key = Serde::new(
            format_of(
                &source.key_format.name,
                source.key_format.delimiter.as_deref(),
            )?,
            keys.clone(),
            false,
        )
        .map_err(|e| EngineError::statement(e.to_string()))?;
        let value = Serde::new(
            format_of(
                &source.value_format.name,
                source.value_format.delimiter.as_deref(),
            )?,
            values.clone(),
            source.wrap_single_value.unwrap_or(true),
        )
        .map_err(|e| EngineError::statement(e.to_string()))?;
        Ok(RowReader {
            key,
            value,
            keys,
            values,
            window: source.window.as_ref().map(window_kind),
        })
    }

    pub fn key_columns(&self) -> &[Column] {
        &self.keys
    }

    pub fn value_columns(&self) -> &[Column] {
        &self.values
    }

    /// Whether keys of this source carry a window.
    pub fn is_windowed(&self) -> bool {
        self.window.is_some()
    }

    /// The key columns of a record (the inner key when the source is windowed).
    pub fn key(&self, bytes: Option<&[u8]>) -> ReadPart {
        match (self.window, bytes) {
            (Some(kind), Some(bytes)) => match decode_windowed_key(bytes, kind) {
                Ok((inner, _, _)) => Self::part(&self.key, Some(inner)),
                Err(e) => ReadPart::Error(e.to_string()),
            },
            _ => Self::part(&self.key, bytes),
        }
    }

    /// The window a record's key carries; `None` for unwindowed sources, null keys and keys
    /// too short or otherwise malformed for the window layout.
    pub fn window(&self, bytes: Option<&[u8]>) -> Option<KeyWindow> {
        let kind = self.window?;
        let (_, start, end) = decode_windowed_key(bytes?, kind).ok()?;
        Some(KeyWindow { start, end })
    }

    pub fn value(&self, bytes: Option<&[u8]>) -> ReadPart {
        Self::part(&self.value, bytes)
    }

    fn part(serde: &Serde, bytes: Option<&[u8]>) -> ReadPart {
        let Some(bytes) = bytes else {
            return ReadPart::Null;
        };
        let mut out = Vec::new();
        match serde.decode(Some(bytes), &mut out) {
            Ok(_) => ReadPart::Values(out),
            Err(e) => ReadPart::Error(e.to_string()),
        }
    }
}

/// Declared sources by topic, for per-request lookups that must stay cheap: a read lock and a
/// hash lookup. When several sources are declared over one topic, the first declared wins.
#[derive(Debug, Default)]
pub struct TopicIndex {
    by_topic: RwLock<HashMap<String, Arc<Source>>>,
}

impl TopicIndex {
    /// The first-declared source over `topic`, if any.
    pub fn get(&self, topic: &str) -> Option<Arc<Source>> {
        let map = self.by_topic.read().ok()?;
        if map.is_empty() {
            return None;
        }
        map.get(topic).cloned()
    }

    /// Rebuilds the index from the catalog.
    pub fn rebuild(&self, catalog: &Catalog) {
        let mut map = HashMap::new();
        for source in catalog.in_declaration_order() {
            map.entry(source.topic.clone())
                .or_insert_with(|| Arc::new(source.clone()));
        }
        if let Ok(mut index) = self.by_topic.write() {
            *index = map;
        }
    }
}

/// Whether running `statement` may change which sources are declared over which topics.
pub(crate) fn changes_catalog(statement: &rivulet_sql::Statement) -> bool {
    use rivulet_sql::Statement as S;
    matches!(
        statement,
        S::CreateSource(_) | S::DropSource(_) | S::CreateAsSelect(_)
    )
}

impl crate::Engine {
    /// The first-declared stream or table over `topic`, if any: a read lock and a hash lookup,
    /// cheap enough for every produce request.
    pub fn source_on_topic(&self, topic: &str) -> Option<Arc<Source>> {
        self.topics.get(topic)
    }

    /// A writer into the stream or table `name` (exact, as the catalog stores it), `None`
    /// when there is no such source.
    pub async fn row_writer(&self, name: &str) -> Result<Option<RowWriter>, EngineError> {
        let Some(source) = self.catalog().await.get(name).cloned() else {
            return Ok(None);
        };
        RowWriter::open(self.log.clone(), Arc::new(source))
            .await
            .map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_follow_ksqldb_rules() {
        assert_eq!(identifier("profileId"), "PROFILEID");
        assert_eq!(identifier("`profileId`"), "profileId");
        assert_eq!(identifier("`"), "`");
    }
}
