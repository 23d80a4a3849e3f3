//! The two ways an expression can fail: at planning time (`TypeError`, the statement is rejected)
//! and per row (`EvalError`, the engine sends the record to the processing log).
//!
//! This module owns the error vocabulary and its ksqlDB-like messages. It must not decide what
//! happens to a failed row; that is the engine's call.

use rivulet_core::DataType;
use thiserror::Error;

use crate::expr::{ArithmeticOp, ComparisonOp};

/// Why an expression could not be typed. Messages follow ksqlDB's wording; where ksqlDB quotes
/// the SQL text of an operand, this crate has no text and names the operand's type instead, so
/// the planner may wrap the error with the text it holds.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TypeError {
    #[error(
        "Unsupported arithmetic types. {} {}",
        base_name(left),
        base_name(right)
    )]
    UnsupportedArithmetic {
        op: ArithmeticOp,
        left: DataType,
        right: DataType,
    },
    #[error("Unary {op} is not supported on {operand}")]
    UnsupportedUnary { op: char, operand: DataType },
    #[error("Cannot compare {left} to {right} with {}.", op.ksql_name())]
    CannotCompare {
        left: DataType,
        op: ComparisonOp,
        right: DataType,
    },
    #[error(
        "Comparison with NULL not supported: {left} {} {right}\nUse 'IS NULL' or 'IS NOT NULL' instead.",
        op.symbol()
    )]
    NullComparison {
        /// The operands' base type names, `NULL` for a NULL literal.
        left: String,
        op: ComparisonOp,
        right: String,
    },
    /// `base->field` names no field of the STRUCT. `base` is the typed expression's text; the
    /// SQL planner replaces it with the statement's text for the user.
    #[error("Could not find field '{field}' in '{base}'.")]
    UnknownField { field: String, base: String },
    #[error("Cast of {from} to {to} is not supported")]
    UnsupportedCast { from: DataType, to: DataType },
    #[error("{0}")]
    InvalidDecimal(String),
    #[error("Can't find any functions with the name '{0}'")]
    UnknownFunction(String),
    #[error(
        "Function '{name}' does not accept parameters ({}).\nValid alternatives are:\n{}",
        args.join(", "),
        alternatives.join("\n")
    )]
    NoMatchingSignature {
        name: String,
        args: Vec<String>,
        alternatives: Vec<String>,
    },
    #[error("{context} expects a BOOLEAN operand but got {actual}")]
    NotBoolean {
        context: &'static str,
        actual: DataType,
    },
    #[error("{context} expects a STRING operand but got {actual}")]
    NotString {
        context: &'static str,
        actual: DataType,
    },
    #[error("Cannot coerce {from} to {to}")]
    CannotCoerce { from: DataType, to: DataType },
    #[error("invalid input syntax for type {to}: \"{text}\"")]
    InvalidLiteral { text: String, to: DataType },
    /// CASE, subscript, dereference, constructor and lambda rules.
    #[error("{0}")]
    Invalid(String),
}

/// The base type name ksqlDB prints in some messages (`DECIMAL`, `ARRAY`).
pub fn base_name(t: &DataType) -> String {
    match t {
        DataType::Decimal { .. } => "DECIMAL".into(),
        DataType::Array(_) => "ARRAY".into(),
        DataType::Map(..) => "MAP".into(),
        DataType::Struct(_) => "STRUCT".into(),
        t => t.to_string(),
    }
}

/// Why evaluating an expression on one row failed. The engine logs the record to the processing
/// log (ksqlDB's behaviour) and carries on with the next row.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EvalError {
    /// Integer or DECIMAL division (or modulus) by zero. Java's message.
    #[error("/ by zero")]
    DivisionByZero,
    #[error("Numeric field overflow: {0}")]
    Overflow(String),
    #[error("Can't coerce {from} value '{value}' to {to}: {reason}")]
    Cast {
        from: DataType,
        to: DataType,
        value: String,
        reason: String,
    },
    #[error("Function {name} failed: {message}")]
    Function { name: String, message: String },
    #[error("{0}")]
    Like(String),
    /// A value did not have the kind its expression's type promised (a wrong row or schema).
    #[error("Unexpected value {value} where {expected} was expected")]
    UnexpectedValue { expected: String, value: String },
}

impl EvalError {
    pub(crate) fn unexpected(expected: impl Into<String>, value: &rivulet_core::Value) -> Self {
        let mut text = value.to_string();
        if text.len() > 64 {
            let mut cut = 64;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push('…');
        }
        EvalError::UnexpectedValue {
            expected: expected.into(),
            value: text,
        }
    }
}

/// What a function implementation reports: a message (the registry adds the function's name) or
/// an error from evaluating one of its lambdas, passed through unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FunctionError {
    Message(String),
    Eval(EvalError),
}

impl FunctionError {
    pub(crate) fn into_eval(self, name: &str) -> EvalError {
        match self {
            FunctionError::Message(message) => EvalError::Function {
                name: name.to_string(),
                message,
            },
            FunctionError::Eval(e) => e,
        }
    }
}

impl From<EvalError> for FunctionError {
    fn from(e: EvalError) -> Self {
        FunctionError::Eval(e)
    }
}

impl From<String> for FunctionError {
    fn from(message: String) -> Self {
        FunctionError::Message(message)
    }
}

impl From<&str> for FunctionError {
    fn from(message: &str) -> Self {
        FunctionError::Message(message.to_string())
    }
}
