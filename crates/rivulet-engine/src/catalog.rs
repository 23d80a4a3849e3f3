//! The catalog (ksqlDB's metastore): the streams and tables declared over topics, with their
//! schemas, formats and event-time column.
//!
//! It owns the in-memory registry only; the command log makes it durable and the engine changes
//! it. It must not touch the log.

use std::collections::BTreeMap;

use rivulet_core::{ColumnKind, Schema};

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

/// Checks a source's key and value formats: supported, and able to hold `key_columns` keys.
pub fn check_formats(
    key: &FormatSpec,
    value: &FormatSpec,
    key_columns: usize,
) -> Result<(), crate::EngineError> {
    for f in [key, value] {
        if !SUPPORTED_FORMATS.contains(&f.name.as_str()) {
            return Err(crate::EngineError::statement(format!(
                "Format '{}' is not supported by Rivulet yet (supported: {})",
                f.name,
                SUPPORTED_FORMATS.join(", ")
            )));
        }
    }
    if key.name == "KAFKA" && key_columns > 1 {
        return Err(crate::EngineError::statement(
            "The 'KAFKA' format only supports a single field. Got: multiple key columns",
        ));
    }
    if key.name == "NONE" && key_columns > 0 {
        return Err(crate::EngineError::statement(
            "The 'NONE' format can only be used when no columns are defined. Got: key columns",
        ));
    }
    Ok(())
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
}

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
            schema: s.schema.clone(),
        })
    }
}
