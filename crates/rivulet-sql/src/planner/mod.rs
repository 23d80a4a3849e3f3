//! The planner: turns a parsed query into a logical dataflow plan against a catalog of sources —
//! names resolved to row positions, expressions typed and coerced as ksqlDB does (through
//! `rivulet-expr`'s builders), output columns named as ksqlDB names them.
//!
//! It owns binding and plan shapes; it must not read data, run operators or change the
//! catalog. The engine executes the plans it returns.

mod aggregate;
mod data_type;
mod expression;
mod plan;
mod scope;
mod select;

pub use data_type::data_type;
pub use expression::{bind_aggregate_expression, bind_expression, AggregateContext};
pub use plan::{
    AggregatePlan, OutputColumn, QueryPlan, WindowShape, WindowSpec, AGGREGATE_ROW_PREFIX,
};
pub use scope::{Scope, ScopeColumn, PSEUDO_COLUMNS};
pub use select::plan_query;

use rivulet_core::Schema;

/// What the planner needs to know of a source.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedSource {
    pub name: String,
    pub is_table: bool,
    pub schema: Schema,
}

/// Where the planner looks sources up (the engine's catalog).
pub trait SourceCatalog {
    fn source(&self, name: &str) -> Option<PlannedSource>;
}

/// Why a query cannot be planned: ksqlDB's message, and the error code it answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PlanError {
    pub message: String,
}

impl PlanError {
    pub fn new(message: impl Into<String>) -> Self {
        PlanError {
            message: message.into(),
        }
    }
}

impl From<rivulet_expr::TypeError> for PlanError {
    fn from(e: rivulet_expr::TypeError) -> Self {
        PlanError::new(e.to_string())
    }
}
