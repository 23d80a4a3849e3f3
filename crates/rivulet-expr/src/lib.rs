//! Rivulet's typed expression IR, ksqlDB's typing and coercion rules, row-at-a-time
//! evaluation, and the scalar function library.
//!
//! The planner (in `rivulet-sql`) turns its AST into [`Expr`] trees through the builders in
//! [`typing`] (re-exported here), which type-check as ksqlDB does and insert implicit casts;
//! the engine calls [`eval`] / [`eval_predicate`] (or [`eval_lenient`]) per row. This crate
//! knows no SQL syntax and runs no operators. Aggregate functions (typing, accumulators, NULL rules)
//! are in [`aggregate`]; grouping and windows are the engine's.
//!
//! ```
//! use rivulet_core::{DataType, Value};
//! use rivulet_expr::{call, comparison, eval, eval_predicate, ComparisonOp, Expr};
//!
//! // WHERE name = 'accelerometeruncalibrated', over rows (name STRING, lat DOUBLE, lon DOUBLE)
//! let filter = comparison(
//!     ComparisonOp::Eq,
//!     Expr::column(0, DataType::String),
//!     Expr::string("accelerometeruncalibrated"),
//! )?;
//! // GEO_DISTANCE(lat, lon, 9.0, 107.0): the DECIMAL literals widen to DOUBLE at planning time.
//! let distance = call(
//!     "geo_distance",
//!     vec![
//!         Expr::column(1, DataType::Double),
//!         Expr::column(2, DataType::Double),
//!         Expr::decimal("9.0".parse()?),
//!         Expr::decimal("107.0".parse()?),
//!     ],
//! )?;
//! assert_eq!(distance.data_type(), DataType::Double);
//! let row = [Value::from("accelerometeruncalibrated"), Value::Double(9.0), Value::Double(107.0)];
//! assert!(eval_predicate(&filter, &row)?);
//! assert_eq!(eval(&distance, &row)?, Value::Double(0.0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Deliberate differences from ksqlDB, each small and documented where it lives:
//! - DECIMAL division rounds HALF_UP to the result scale where ksqlDB fails with "Rounding
//!   necessary" on a non-terminating quotient;
//! - CASE branches and generic function arguments are widened to a common type where ksqlDB
//!   requires identical types, and a NULL literal operand of arithmetic takes the other side's
//!   type where ksqlDB rejects it;
//! - regular expressions use the `regex` crate's syntax (no look-around or back-references);
//! - strings are measured in Unicode scalar values, not UTF-16 code units;
//! - LIKE's `%` and `_` match newlines too.

pub mod aggregate;
pub mod error;
pub mod eval;
pub mod expr;
pub mod functions;
pub mod typing;

pub use error::{EvalError, FunctionError, TypeError};
pub use eval::{eval, eval_lenient, eval_predicate};
pub use expr::{ArithmeticOp, ComparisonOp, Expr};
pub use functions::{registry, FunctionRegistry, NullPolicy, ScalarFunction, Signature};
pub use typing::{
    and, arithmetic, array, between, call, case, cast, comparison, concat, dereference, in_list,
    is_distinct_from, is_null, lambda, lambda_parameter_types, lambda_variable, like, map, negate,
    not, or, structure, subscript, unary_plus,
};
