//! The scalar function library: what a function is (name, description, signatures,
//! implementation), how an implementation sees its call, and the built-in families.
//!
//! This module owns the function model and the per-family modules. It must not type
//! expressions (the registry resolves overloads; `typing` builds nodes) nor walk expression
//! trees (`eval` calls implementations).

use std::fmt;

use bytes::Bytes;
use rivulet_core::{DataType, Decimal, Value};

use crate::error::{EvalError, FunctionError};

pub mod category;
pub mod collections;
pub mod datetime;
pub mod encoding;
pub mod geo;
pub mod json;
pub mod lambda;
pub mod mask;
pub mod math;
pub mod nulls;
pub mod regexp;
pub mod registry;
pub mod signature;
pub mod string;
pub mod temporal_pattern;
pub mod time_zone;

pub use category::FunctionCategory;
pub use registry::{registry, FunctionRegistry};
pub use signature::{ParamType, Returns, Signature};

/// What the evaluator does about NULL arguments before calling an implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullPolicy {
    /// Any NULL (non-lambda) argument gives NULL without calling the implementation.
    NullOnAnyNull,
    /// The implementation sees NULLs and decides (COALESCE, CONCAT, …).
    Custom,
}

/// An implementation: reads its arguments (already coerced to the chosen signature's types)
/// and returns the result.
pub type Implementation = fn(&mut Invocation<'_, '_>) -> Result<Value, FunctionError>;

/// A scalar function.
pub struct ScalarFunction {
    /// Upper-case, as SHOW FUNCTIONS lists it.
    pub name: &'static str,
    pub description: &'static str,
    pub signatures: Vec<Signature>,
    pub implementation: Implementation,
    pub null_policy: NullPolicy,
    /// False for RANDOM, UUID and the `now` forms: never folded, never cached.
    pub deterministic: bool,
    /// Where SHOW FUNCTIONS lists it.
    pub category: FunctionCategory,
}

impl fmt::Debug for ScalarFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScalarFunction")
            .field("name", &self.name)
            .field("signatures", &self.signatures)
            .finish_non_exhaustive()
    }
}

/// Calls lambda argument `arg` with parameter values.
pub type LambdaCaller<'l> = dyn FnMut(usize, Vec<Value>) -> Result<Value, EvalError> + 'l;

/// One call as an implementation sees it. Lambda arguments appear as NULL in `args`; call them
/// with `call_lambda`.
pub struct Invocation<'a, 'l> {
    pub args: &'a [Value],
    pub return_type: &'a DataType,
    lambda: &'l mut LambdaCaller<'l>,
}

fn missing(i: usize, what: &str, v: Option<&Value>) -> FunctionError {
    match v {
        None => FunctionError::Message(format!("missing argument {}", i + 1)),
        Some(Value::Null) => FunctionError::Message(format!("argument {} must not be NULL", i + 1)),
        Some(v) => FunctionError::Eval(EvalError::unexpected(what, v)),
    }
}

impl<'a, 'l> Invocation<'a, 'l> {
    pub fn new(
        args: &'a [Value],
        return_type: &'a DataType,
        lambda: &'l mut LambdaCaller<'l>,
    ) -> Self {
        Invocation {
            args,
            return_type,
            lambda,
        }
    }

    /// Evaluates lambda argument `arg` with `params` bound to its parameters.
    pub fn call_lambda(&mut self, arg: usize, params: Vec<Value>) -> Result<Value, EvalError> {
        (self.lambda)(arg, params)
    }

    pub fn arg(&self, i: usize) -> &'a Value {
        self.args.get(i).unwrap_or(&Value::Null)
    }

    pub fn len(&self) -> usize {
        self.args.len()
    }

    pub fn is_empty(&self) -> bool {
        self.args.is_empty()
    }

    pub fn is_null(&self, i: usize) -> bool {
        self.arg(i).is_null()
    }

    pub fn str(&self, i: usize) -> Result<&'a str, FunctionError> {
        match self.args.get(i) {
            Some(Value::String(s)) => Ok(s),
            other => Err(missing(i, "STRING", other)),
        }
    }

    /// A STRING argument, or `None` when NULL or absent.
    pub fn opt_str(&self, i: usize) -> Option<&'a str> {
        match self.args.get(i) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn bytes(&self, i: usize) -> Result<&'a Bytes, FunctionError> {
        match self.args.get(i) {
            Some(Value::Bytes(b)) => Ok(b),
            other => Err(missing(i, "BYTES", other)),
        }
    }

    /// An INT argument (BIGINT is narrowed the Java way).
    pub fn int(&self, i: usize) -> Result<i32, FunctionError> {
        match self.args.get(i) {
            Some(Value::Int(v)) => Ok(*v),
            Some(Value::Bigint(v)) => Ok(*v as i32),
            other => Err(missing(i, "INT", other)),
        }
    }

    /// An INT or BIGINT argument as i64.
    pub fn long(&self, i: usize) -> Result<i64, FunctionError> {
        match self.args.get(i) {
            Some(Value::Int(v)) => Ok(i64::from(*v)),
            Some(Value::Bigint(v)) => Ok(*v),
            other => Err(missing(i, "BIGINT", other)),
        }
    }

    /// Any numeric argument as a double.
    pub fn double(&self, i: usize) -> Result<f64, FunctionError> {
        match self.args.get(i) {
            Some(Value::Decimal(d)) => Ok(crate::eval::cast::decimal_to_f64(d)),
            Some(v) => v.as_f64().ok_or_else(|| missing(i, "DOUBLE", Some(v))),
            None => Err(missing(i, "DOUBLE", None)),
        }
    }

    pub fn decimal(&self, i: usize) -> Result<Decimal, FunctionError> {
        match self.args.get(i) {
            Some(Value::Decimal(d)) => Ok(*d),
            Some(Value::Int(v)) => Ok(Decimal::new(i128::from(*v), 0)),
            Some(Value::Bigint(v)) => Ok(Decimal::new(i128::from(*v), 0)),
            other => Err(missing(i, "DECIMAL", other)),
        }
    }

    pub fn boolean(&self, i: usize) -> Result<bool, FunctionError> {
        match self.args.get(i) {
            Some(Value::Boolean(b)) => Ok(*b),
            other => Err(missing(i, "BOOLEAN", other)),
        }
    }

    pub fn array(&self, i: usize) -> Result<&'a [Value], FunctionError> {
        match self.args.get(i) {
            Some(Value::Array(a)) => Ok(a),
            other => Err(missing(i, "ARRAY", other)),
        }
    }

    pub fn map(&self, i: usize) -> Result<&'a [(Value, Value)], FunctionError> {
        match self.args.get(i) {
            Some(Value::Map(m)) => Ok(m),
            other => Err(missing(i, "MAP", other)),
        }
    }

    pub fn timestamp(&self, i: usize) -> Result<i64, FunctionError> {
        match self.args.get(i) {
            Some(Value::Timestamp(t)) => Ok(*t),
            other => Err(missing(i, "TIMESTAMP", other)),
        }
    }

    pub fn date(&self, i: usize) -> Result<i32, FunctionError> {
        match self.args.get(i) {
            Some(Value::Date(d)) => Ok(*d),
            other => Err(missing(i, "DATE", other)),
        }
    }

    pub fn time(&self, i: usize) -> Result<i32, FunctionError> {
        match self.args.get(i) {
            Some(Value::Time(t)) => Ok(*t),
            other => Err(missing(i, "TIME", other)),
        }
    }

    /// The element type of the ARRAY this call returns (for building results).
    pub fn return_element_type(&self) -> Option<&'a DataType> {
        match self.return_type {
            DataType::Array(e) => Some(e),
            _ => None,
        }
    }
}

/// A string value.
pub(crate) fn text(s: impl Into<std::sync::Arc<str>>) -> Value {
    Value::String(s.into())
}
