//! The builders a planner uses to make typed expressions: each checks operand types as ksqlDB
//! does, inserts implicit widening casts, computes the result type, and answers a `TypeError`
//! with a ksqlDB-like message otherwise.
//!
//! This module owns the public builder surface. It must not evaluate expressions nor know SQL
//! syntax (the planner maps its AST onto these calls).

pub mod access;
pub mod arithmetic;
pub mod cast;
pub mod coercion;
pub mod comparison;
pub mod logic;

pub use access::{array, dereference, lambda, lambda_variable, map, structure, subscript};
pub use arithmetic::{arithmetic, concat, negate, unary_plus};
pub use cast::cast;
pub use coercion::{coerce, common_type, implicit_cast_cost};
pub use comparison::{between, comparison, in_list, is_distinct_from};
pub use logic::{and, case, is_null, like, not, or};

use rivulet_core::DataType;

use crate::{error::TypeError, expr::Expr, functions::registry};

/// `name(args)`: looks the function up (any case), picks the overload by argument types with
/// implicit widening, checks arity, and types the result.
pub fn call(name: &str, args: Vec<Expr>) -> Result<Expr, TypeError> {
    registry().call(name, args)
}

/// The parameter types of a lambda that is argument number `preceding.len()` of `name`.
pub fn lambda_parameter_types(
    name: &str,
    preceding: &[DataType],
    arity: usize,
) -> Result<Vec<DataType>, TypeError> {
    registry().lambda_parameter_types(name, preceding, arity)
}
