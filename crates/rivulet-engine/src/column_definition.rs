//! Turning the column list of a CREATE STREAM/TABLE into a schema: SQL types to engine types,
//! KEY / PRIMARY KEY / HEADERS constraints to column kinds, and ksqlDB's rules on them.
//!
//! It must not look at WITH properties or the catalog.

use rivulet_core::{Column, ColumnKind, DataType, Schema};
use rivulet_sql::{ColumnConstraint, TableElement};

use crate::{catalog::SourceKind, EngineError};

/// The engine type of a SQL type (the planner's conversion), as a statement error.
pub fn data_type(t: &rivulet_sql::DataType) -> Result<DataType, EngineError> {
    rivulet_sql::planner::data_type(t).map_err(|e| EngineError::statement(e.message))
}

/// The schema of a CREATE STREAM/TABLE: key columns first, then value and header columns, in
/// declaration order.
pub fn schema(kind: SourceKind, elements: &[TableElement]) -> Result<Schema, EngineError> {
    let mut keys = Vec::new();
    let mut values = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for e in elements {
        let name = e.name.as_str().to_string();
        if !seen.insert(name.clone()) {
            return Err(EngineError::statement(format!(
                "Cannot add column '{name}' to schema: a column with the same name already exists."
            )));
        }
        let mut column = Column::new(name.clone(), data_type(&e.data_type)?, ColumnKind::Value);
        match &e.constraint {
            None => values.push(column),
            Some(ColumnConstraint::Key) => {
                if kind == SourceKind::Table {
                    return Err(EngineError::statement(format!(
                        "Column `{name}` is a 'KEY' column: please use 'PRIMARY KEY' for tables."
                    )));
                }
                column.kind = ColumnKind::Key;
                keys.push(column);
            }
            Some(ColumnConstraint::PrimaryKey) => {
                if kind == SourceKind::Stream {
                    return Err(EngineError::statement(format!(
                        "Column `{name}` is a 'PRIMARY KEY' column: please use 'KEY' for streams."
                    )));
                }
                column.kind = ColumnKind::Key;
                keys.push(column);
            }
            Some(ColumnConstraint::Headers) => {
                column.kind = ColumnKind::Header;
                values.push(column);
            }
            Some(ColumnConstraint::Header(key)) => {
                column.kind = ColumnKind::Header;
                column.header_key = Some(key.clone());
                values.push(column);
            }
        }
    }
    if kind == SourceKind::Table && keys.is_empty() {
        return Err(EngineError::statement(
            "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.",
        ));
    }
    keys.extend(values);
    Ok(Schema::new(keys))
}
