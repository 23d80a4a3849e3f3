//! The catalog (ksqlDB's metastore): the streams and tables declared over topics, with their
//! schemas, formats and event-time column.
//!
//! It owns the in-memory registry only; the command log makes it durable and the engine changes
//! it. It must not touch the log.

use std::collections::BTreeMap;

use rivulet_core::{Column, ColumnKind, Schema};
use rivulet_format::{Format, FormatError, Serde};

/// STREAM or TABLE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Stream,
    Table,
}

impl SourceKind {
    /// `STREAM` / `TABLE`.
    pub fn upper(self) -> &'static str {
        match self {
            SourceKind::Stream => "STREAM",
            SourceKind::Table => "TABLE",
        }
    }

    /// `stream` / `table` (command ids).
    pub fn lower(self) -> &'static str {
        match self {
            SourceKind::Stream => "stream",
            SourceKind::Table => "table",
        }
    }

    /// `Stream` / `Table` (messages).
    pub fn title(self) -> &'static str {
        match self {
            SourceKind::Stream => "Stream",
            SourceKind::Table => "Table",
        }
    }
}

impl From<rivulet_sql::SourceKind> for SourceKind {
    fn from(k: rivulet_sql::SourceKind) -> Self {
        match k {
            rivulet_sql::SourceKind::Stream => SourceKind::Stream,
            rivulet_sql::SourceKind::Table => SourceKind::Table,
        }
    }
}

/// A format by ksqlDB's name, with its delimiter for DELIMITED.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    /// Upper-case name: `KAFKA`, `JSON`, `DELIMITED`, `NONE`, …
    pub name: String,
    pub delimiter: Option<String>,
}

impl FormatSpec {
    pub fn named(name: &str) -> Self {
        FormatSpec {
            name: name.to_ascii_uppercase(),
            delimiter: None,
        }
    }
}

/// The formats Rivulet reads and writes.
pub const SUPPORTED_FORMATS: [&str; 4] = ["JSON", "KAFKA", "DELIMITED", "NONE"];

/// Checks a source's key and value formats against its schema, as ksqlDB does when it builds a
/// source, so that a bad combination fails the statement rather than every record later:
/// format names (`Unknown format: XML`), delimiters, an explicit `WRAP_SINGLE_VALUE`
/// (`wrap_single_value`), then whether each format can carry its columns (one KAFKA field, no
/// collections in DELIMITED, NONE without columns, ...), in ksqlDB's words.
pub fn check_formats(
    key: &FormatSpec,
    value: &FormatSpec,
    schema: &Schema,
    wrap_single_value: Option<bool>,
) -> Result<(), crate::EngineError> {
    let key_format = parse_format(key, "KEY")?;
    let value_format = parse_format(value, "VALUE")?;
    let columns = |kind: ColumnKind| -> Vec<Column> {
        schema
            .columns
            .iter()
            .filter(|c| c.kind == kind)
            .cloned()
            .collect()
    };
    let (keys, values) = (columns(ColumnKind::Key), columns(ColumnKind::Value));
    if let Some(wrap) = wrap_single_value {
        value_format
            .check_wrap_single_value(wrap, values.len())
            .map_err(|e| crate::EngineError::statement(e.to_string()))?;
    }
    // ksqlDB's serde features as its message prints them: a single JSON key is unwrapped; a value
    // carries WRAP_SINGLES/UNWRAP_SINGLES only when WRAP_SINGLE_VALUE is given.
    let key_features = if keys.len() == 1 && key_format == Format::Json {
        "UNWRAP_SINGLES"
    } else {
        ""
    };
    let value_features = match wrap_single_value {
        Some(true) => "WRAP_SINGLES",
        Some(false) => "UNWRAP_SINGLES",
        None => "",
    };
    Serde::new(key_format, keys.clone(), false)
        .map_err(|e| schema_unsupported("Key", key_format, &keys, key_features, e))?;
    Serde::new(
        value_format,
        values.clone(),
        wrap_single_value.unwrap_or(true),
    )
    .map_err(|e| schema_unsupported("Value", value_format, &values, value_features, e))?;
    Ok(())
}

/// ksqlDB's message when a format cannot carry a source's key or value columns.
fn schema_unsupported(
    target: &str,
    format: Format,
    columns: &[Column],
    features: &str,
    e: FormatError,
) -> crate::EngineError {
    let columns = Schema::new(columns.to_vec());
    crate::EngineError::statement(format!(
        "{target} format does not support schema.\nformat: {format}\nschema: \
         Persistence{{columns=[{columns}], features=[{features}]}}\nreason: {e}"
    ))
}

/// A format by name with its `<which>_DELIMITER`, with ksqlDB's messages: `Unknown format: X`,
/// `Configuration VALUE_DELIMITER is invalid: …`, `JSON does not support the following configs:
/// [delimiter]`. The Schema Registry formats get Rivulet's own message.
fn parse_format(spec: &FormatSpec, which: &str) -> Result<Format, crate::EngineError> {
    Format::parse(&spec.name, spec.delimiter.as_deref()).map_err(|e| {
        crate::EngineError::statement(match e {
            FormatError::NotSupportedYet(name) => format!(
                "Format '{name}' is not supported by Rivulet yet (supported: {})",
                SUPPORTED_FORMATS.join(", ")
            ),
            FormatError::InvalidProperty(message) if spec.name == "DELIMITED" => {
                format!("Configuration {which}_DELIMITER is invalid: {message}")
            }
            e => e.to_string(),
        })
    })
}

/// A stream or table over a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub name: String,
    pub kind: SourceKind,
    pub topic: String,
    pub schema: Schema,
    pub key_format: FormatSpec,
    pub value_format: FormatSpec,
    /// The event-time column (`TIMESTAMP='col'`), if any.
    pub timestamp_column: Option<String>,
    pub timestamp_format: Option<String>,
    pub wrap_single_value: Option<bool>,
    /// `CREATE SOURCE STREAM/TABLE`: read-only.
    pub is_source: bool,
    /// The window of a windowed table (CTAS with WINDOW): its keys carry the window.
    pub window: Option<rivulet_sql::planner::WindowSpec>,
    /// The statement that created it, as run.
    pub statement: String,
}

impl Source {
    pub fn key_columns(&self) -> impl Iterator<Item = &rivulet_core::Column> {
        self.schema
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Key)
    }

    /// Where a windowed source's `WINDOWSTART`, `WINDOWEND` go in its query schema: right after
    /// the last key column (ksqlDB's `SELECT *` order: keys, window bounds, values). `None` for
    /// unwindowed sources.
    pub fn window_columns_at(&self) -> Option<usize> {
        self.window?;
        Some(
            self.schema
                .columns
                .iter()
                .rposition(|c| c.kind == ColumnKind::Key)
                .map_or(0, |i| i + 1),
        )
    }

    /// The columns queries over this source see: the declared schema, with `WINDOWSTART` and
    /// `WINDOWEND` (BIGINT, read from the windowed key) for a windowed table.
    pub fn query_schema(&self) -> rivulet_core::Schema {
        let Some(at) = self.window_columns_at() else {
            return self.schema.clone();
        };
        let mut columns = self.schema.columns.clone();
        for (i, name) in WINDOW_BOUND_COLUMNS.iter().enumerate() {
            columns.insert(
                at + i,
                rivulet_core::Column::new(
                    (*name).to_string(),
                    rivulet_core::DataType::Bigint,
                    ColumnKind::Value,
                ),
            );
        }
        rivulet_core::Schema::new(columns)
    }
}

/// The window bound columns of a windowed source's query schema, in order.
pub const WINDOW_BOUND_COLUMNS: [&str; 2] = ["WINDOWSTART", "WINDOWEND"];

/// Every source by name.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    sources: BTreeMap<String, Source>,
    /// Names in the order they were first declared (OR REPLACE keeps the place).
    order: Vec<String>,
}

impl Catalog {
    pub fn get(&self, name: &str) -> Option<&Source> {
        self.sources.get(name)
    }

    pub fn insert(&mut self, source: Source) {
        if !self.sources.contains_key(&source.name) {
            self.order.push(source.name.clone());
        }
        self.sources.insert(source.name.clone(), source);
    }

    pub fn remove(&mut self, name: &str) -> Option<Source> {
        self.order.retain(|n| n != name);
        self.sources.remove(name)
    }

    /// Every source, first declared first.
    pub fn in_declaration_order(&self) -> impl Iterator<Item = &Source> {
        self.order.iter().filter_map(|n| self.sources.get(n))
    }

    /// Sources of one kind, by name.
    pub fn of_kind(&self, kind: SourceKind) -> impl Iterator<Item = &Source> {
        self.sources.values().filter(move |s| s.kind == kind)
    }

    /// The sources reading or writing `topic`.
    pub fn on_topic<'a>(&'a self, topic: &'a str) -> impl Iterator<Item = &'a Source> {
        self.sources.values().filter(move |s| s.topic == topic)
    }
}

impl rivulet_sql::planner::SourceCatalog for Catalog {
    fn source(&self, name: &str) -> Option<rivulet_sql::planner::PlannedSource> {
        self.get(name).map(|s| rivulet_sql::planner::PlannedSource {
            name: s.name.clone(),
            is_table: s.kind == SourceKind::Table,
            schema: s.query_schema(),
        })
    }
}
