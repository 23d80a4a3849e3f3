//! A source's or a query's columns: names, types, and whether each lives in the record's key,
//! value or headers (ksqlDB's KEY / PRIMARY KEY / HEADERS columns).

use std::fmt;

use crate::DataType;

/// Where a column's data lives in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    Key,
    Value,
    /// All headers (`HEADERS`) or one header (`HEADER('name')`).
    Header,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Column {
    pub name: String,
    pub data_type: DataType,
    pub kind: ColumnKind,
    /// For `HEADER('name')` columns, the header's name.
    pub header_key: Option<String>,
}

impl Column {
    pub fn new(name: impl Into<String>, data_type: DataType, kind: ColumnKind) -> Self {
        Column {
            name: name.into(),
            data_type,
            kind,
            header_key: None,
        }
    }
}

/// Columns in order: key columns first, then value columns, as ksqlDB orders them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Schema {
    pub columns: Vec<Column>,
}

impl Schema {
    pub fn new(columns: Vec<Column>) -> Self {
        Schema { columns }
    }

    /// The index of a column by exact name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn keys(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.kind == ColumnKind::Key)
    }

    pub fn values(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.kind == ColumnKind::Value)
    }

    pub fn len(&self) -> usize {
        self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }
}

/// ksqlDB's schema string: `` `DEVICEID` STRING, `TIME` BIGINT `` (key columns marked `KEY`).
impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.columns.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{}` {}", c.name, c.data_type)?;
            match c.kind {
                ColumnKind::Key => f.write_str(" KEY")?,
                ColumnKind::Header => match &c.header_key {
                    Some(k) => write!(f, " HEADER('{k}')")?,
                    None => f.write_str(" HEADERS")?,
                },
                ColumnKind::Value => {}
            }
        }
        Ok(())
    }
}
