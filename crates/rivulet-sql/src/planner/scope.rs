//! The columns an expression can name: a source's pseudo-columns (ROWTIME, ROWPARTITION,
//! ROWOFFSET) and its declared columns, each at a fixed position of the input row.

use rivulet_core::{ColumnKind, DataType, Schema};

use super::PlanError;

/// Pseudo-columns at the start of every input row, in this order.
pub const PSEUDO_COLUMNS: [(&str, DataType); 3] = [
    ("ROWTIME", DataType::Bigint),
    ("ROWPARTITION", DataType::Int),
    ("ROWOFFSET", DataType::Bigint),
];

/// One nameable column.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeColumn {
    /// The source's name or alias that may qualify it.
    pub qualifier: String,
    pub name: String,
    pub data_type: DataType,
    pub kind: ColumnKind,
    /// Pseudo-columns are not part of `SELECT *`.
    pub pseudo: bool,
    /// Position in the input row.
    pub index: usize,
}

/// The columns in scope for one query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    pub columns: Vec<ScopeColumn>,
}

impl Scope {
    /// The row of a single source: pseudo-columns, then the schema's columns.
    pub fn for_source(qualifier: &str, schema: &Schema) -> Scope {
        let mut columns: Vec<ScopeColumn> = PSEUDO_COLUMNS
            .iter()
            .enumerate()
            .map(|(index, (name, t))| ScopeColumn {
                qualifier: qualifier.to_string(),
                name: (*name).to_string(),
                data_type: t.clone(),
                kind: ColumnKind::Value,
                pseudo: true,
                index,
            })
            .collect();
        for c in &schema.columns {
            columns.push(ScopeColumn {
                qualifier: qualifier.to_string(),
                name: c.name.clone(),
                data_type: c.data_type.clone(),
                kind: c.kind,
                pseudo: false,
                index: columns.len(),
            });
        }
        Scope { columns }
    }

    /// Resolves `[qualifier.]name`.
    pub fn resolve(&self, qualifier: Option<&str>, name: &str) -> Result<&ScopeColumn, PlanError> {
        let mut found = self
            .columns
            .iter()
            .filter(|c| c.name == name && qualifier.is_none_or(|q| q == c.qualifier));
        match (found.next(), found.next()) {
            (Some(c), None) => Ok(c),
            (Some(_), Some(_)) => Err(PlanError::new(format!(
                "Column '{name}' is ambiguous. Could be any of: {}",
                self.columns
                    .iter()
                    .filter(|c| c.name == name)
                    .map(|c| format!("{}.{}", c.qualifier, c.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
            (None, _) => Err(PlanError::new(match qualifier {
                Some(q) if !self.columns.iter().any(|c| c.qualifier == q) => {
                    format!("'{q}' is not a valid stream/table name or alias.")
                }
                Some(q) => format!("Column '{q}.{name}' cannot be resolved."),
                None => format!("Column '{name}' cannot be resolved."),
            })),
        }
    }

    /// The columns `*` (or `qualifier.*`) expands to: key columns, then value columns.
    pub fn star(&self, qualifier: Option<&str>) -> Vec<&ScopeColumn> {
        let selected = |c: &&ScopeColumn| !c.pseudo && qualifier.is_none_or(|q| q == c.qualifier);
        let keys = self
            .columns
            .iter()
            .filter(selected)
            .filter(|c| c.kind == ColumnKind::Key);
        let values = self
            .columns
            .iter()
            .filter(selected)
            .filter(|c| c.kind != ColumnKind::Key);
        keys.chain(values).collect()
    }
}
