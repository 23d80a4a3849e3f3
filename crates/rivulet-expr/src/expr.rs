//! The typed expression tree the planner builds and the engine evaluates: every node carries or
//! can report its result type.
//!
//! This module owns the shape of the IR and its text form. It must not apply typing rules (the
//! `typing` builders do) nor evaluate anything (`eval` does); building nodes directly skips the
//! checks, so planners should go through the builders.

use std::{fmt, sync::Arc};

use rivulet_core::{DataType, Decimal, Value};

use crate::functions::ScalarFunction;

/// `+ - * / %`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithmeticOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulus,
}

impl ArithmeticOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithmeticOp::Add => "+",
            ArithmeticOp::Subtract => "-",
            ArithmeticOp::Multiply => "*",
            ArithmeticOp::Divide => "/",
            ArithmeticOp::Modulus => "%",
        }
    }
}

/// `= <> < <= > >=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComparisonOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

impl ComparisonOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ComparisonOp::Eq => "=",
            ComparisonOp::NotEq => "<>",
            ComparisonOp::Lt => "<",
            ComparisonOp::LtEq => "<=",
            ComparisonOp::Gt => ">",
            ComparisonOp::GtEq => ">=",
        }
    }

    /// The operator's name in ksqlDB's messages (`GREATER_THAN_OR_EQUAL`).
    pub fn ksql_name(self) -> &'static str {
        match self {
            ComparisonOp::Eq => "EQUAL",
            ComparisonOp::NotEq => "NOT_EQUAL",
            ComparisonOp::Lt => "LESS_THAN",
            ComparisonOp::LtEq => "LESS_THAN_OR_EQUAL",
            ComparisonOp::Gt => "GREATER_THAN",
            ComparisonOp::GtEq => "GREATER_THAN_OR_EQUAL",
        }
    }

    /// The operator with its operands swapped (`a < b` is `b > a`).
    pub fn flip(self) -> ComparisonOp {
        match self {
            ComparisonOp::Lt => ComparisonOp::Gt,
            ComparisonOp::LtEq => ComparisonOp::GtEq,
            ComparisonOp::Gt => ComparisonOp::Lt,
            ComparisonOp::GtEq => ComparisonOp::LtEq,
            other => other,
        }
    }

    pub(crate) fn is_equality(self) -> bool {
        matches!(self, ComparisonOp::Eq | ComparisonOp::NotEq)
    }
}

/// A typed expression. Null semantics are ksqlDB's: see `eval`.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A constant. A `Value::Null` literal is an *untyped* NULL until a builder gives it a type
    /// (its `DataType` is then only a placeholder); `CAST(NULL AS T)` is a typed NULL.
    Literal(Value, DataType),
    /// A column of the input row, by position.
    Column {
        index: usize,
        data_type: DataType,
    },
    /// A scalar function call; arguments already carry their implicit casts.
    Call {
        function: Arc<ScalarFunction>,
        args: Vec<Expr>,
        return_type: DataType,
    },
    Cast {
        expr: Box<Expr>,
        to: DataType,
    },
    /// Both operands have the operation's type (or are STRING for `+` concatenation).
    Arithmetic {
        op: ArithmeticOp,
        left: Box<Expr>,
        right: Box<Expr>,
        data_type: DataType,
    },
    /// Unary minus.
    Negate(Box<Expr>),
    /// BOOLEAN. FALSE (not NULL) when either side is NULL, as ksqlDB evaluates it.
    Comparison {
        op: ComparisonOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    IsDistinctFrom {
        left: Box<Expr>,
        right: Box<Expr>,
        negated: bool,
    },
    /// Inclusive on both ends.
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        escape: Option<char>,
        negated: bool,
    },
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`; with an operand, each WHEN is a value
    /// compared for equality with it. No ELSE and no match gives NULL.
    Case {
        operand: Option<Box<Expr>>,
        when_then: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
        data_type: DataType,
    },
    /// `a[i]` (1-based, negative counts from the end) or `m[k]`; a miss is NULL.
    Subscript {
        base: Box<Expr>,
        index: Box<Expr>,
        data_type: DataType,
    },
    /// `s->field`.
    Dereference {
        base: Box<Expr>,
        field: String,
        data_type: DataType,
    },
    ArrayConstructor {
        elements: Vec<Expr>,
        data_type: DataType,
    },
    MapConstructor {
        entries: Vec<(Expr, Expr)>,
        data_type: DataType,
    },
    StructConstructor {
        fields: Vec<(String, Expr)>,
        data_type: DataType,
    },
    /// A lambda argument of TRANSFORM, FILTER or REDUCE. Its type is its body's.
    Lambda {
        params: Vec<String>,
        body: Box<Expr>,
    },
    /// A lambda parameter. `index` counts the parameters of all enclosing lambdas, outermost
    /// first: in `TRANSFORM(a, x => TRANSFORM(x, y => y + x))`, `x` is 0 and `y` is 1.
    LambdaVariable {
        index: usize,
        data_type: DataType,
    },
}

impl Expr {
    /// Calls `f` with the index of every input column this expression reads (lambda bodies
    /// included; lambda variables are not columns).
    pub fn for_each_column(&self, f: &mut impl FnMut(usize)) {
        match self {
            Expr::Column { index, .. } => f(*index),
            Expr::Literal(..) | Expr::LambdaVariable { .. } => {}
            Expr::Call { args, .. } => args.iter().for_each(|a| a.for_each_column(f)),
            Expr::And(items) | Expr::Or(items) => items.iter().for_each(|a| a.for_each_column(f)),
            Expr::ArrayConstructor { elements, .. } => {
                elements.iter().for_each(|a| a.for_each_column(f))
            }
            Expr::Cast { expr, .. }
            | Expr::Negate(expr)
            | Expr::Not(expr)
            | Expr::IsNull { expr, .. }
            | Expr::Dereference { base: expr, .. }
            | Expr::Lambda { body: expr, .. } => expr.for_each_column(f),
            Expr::Arithmetic { left, right, .. }
            | Expr::Comparison { left, right, .. }
            | Expr::IsDistinctFrom { left, right, .. }
            | Expr::Like {
                expr: left,
                pattern: right,
                ..
            }
            | Expr::Subscript {
                base: left,
                index: right,
                ..
            } => {
                left.for_each_column(f);
                right.for_each_column(f);
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                expr.for_each_column(f);
                low.for_each_column(f);
                high.for_each_column(f);
            }
            Expr::InList { expr, list, .. } => {
                expr.for_each_column(f);
                list.iter().for_each(|a| a.for_each_column(f));
            }
            Expr::Case {
                operand,
                when_then,
                else_,
                ..
            } => {
                if let Some(o) = operand {
                    o.for_each_column(f);
                }
                for (w, t) in when_then {
                    w.for_each_column(f);
                    t.for_each_column(f);
                }
                if let Some(e) = else_ {
                    e.for_each_column(f);
                }
            }
            Expr::MapConstructor { entries, .. } => {
                for (k, v) in entries {
                    k.for_each_column(f);
                    v.for_each_column(f);
                }
            }
            Expr::StructConstructor { fields, .. } => {
                fields.iter().for_each(|(_, e)| e.for_each_column(f))
            }
        }
    }

    /// The type this expression evaluates to.
    pub fn data_type(&self) -> DataType {
        match self {
            Expr::Literal(_, t) => t.clone(),
            Expr::Column { data_type, .. }
            | Expr::Arithmetic { data_type, .. }
            | Expr::Case { data_type, .. }
            | Expr::Subscript { data_type, .. }
            | Expr::Dereference { data_type, .. }
            | Expr::ArrayConstructor { data_type, .. }
            | Expr::MapConstructor { data_type, .. }
            | Expr::StructConstructor { data_type, .. }
            | Expr::LambdaVariable { data_type, .. } => data_type.clone(),
            Expr::Call { return_type, .. } => return_type.clone(),
            Expr::Cast { to, .. } => to.clone(),
            Expr::Negate(e) => e.data_type(),
            Expr::Lambda { body, .. } => body.data_type(),
            Expr::Comparison { .. }
            | Expr::And(_)
            | Expr::Or(_)
            | Expr::Not(_)
            | Expr::IsNull { .. }
            | Expr::IsDistinctFrom { .. }
            | Expr::Between { .. }
            | Expr::InList { .. }
            | Expr::Like { .. } => DataType::Boolean,
        }
    }

    /// A column reference.
    pub fn column(index: usize, data_type: DataType) -> Expr {
        Expr::Column { index, data_type }
    }

    /// The untyped NULL literal (`NULL` in SQL text).
    pub fn null() -> Expr {
        Expr::Literal(Value::Null, DataType::String)
    }

    /// True for a NULL literal, which adopts whatever type its context needs.
    pub fn is_null_literal(&self) -> bool {
        matches!(self, Expr::Literal(Value::Null, _))
    }

    /// A literal typed as ksqlDB types SQL literals: INT, BIGINT, DOUBLE, STRING, BOOLEAN, BYTES,
    /// TIMESTAMP/DATE/TIME, and DECIMAL with the literal's own precision and scale
    /// (`0.05` is DECIMAL(3, 2)). Collections have no literal form; NULL gives `Expr::null()`.
    pub fn literal(value: impl Into<Value>) -> Expr {
        let value = value.into();
        match &value {
            Value::Null => Expr::null(),
            Value::Decimal(d) => {
                let t = crate::typing::coercion::decimal_literal_type(d);
                Expr::Literal(value, t)
            }
            v => match v.scalar_type() {
                Some(t) => Expr::Literal(value, t),
                None => Expr::null(),
            },
        }
    }

    /// A DECIMAL literal (`7.20`), typed from its digits.
    pub fn decimal(d: Decimal) -> Expr {
        Expr::literal(Value::Decimal(d))
    }

    /// A STRING literal.
    pub fn string(s: &str) -> Expr {
        Expr::Literal(Value::string(s), DataType::String)
    }
}

/// A SQL-like text form for plans and messages: columns print as `$index`, lambda variables
/// as `@index`.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Literal(Value::Null, _) => f.write_str("NULL"),
            Expr::Literal(Value::String(s), _) => write!(f, "'{}'", s.replace('\'', "''")),
            Expr::Literal(v, _) => write!(f, "{v}"),
            Expr::Column { index, .. } => write!(f, "${index}"),
            Expr::Call { function, args, .. } => {
                write!(f, "{}(", function.name)?;
                write_list(f, args)?;
                f.write_str(")")
            }
            Expr::Cast { expr, to } => write!(f, "CAST({expr} AS {to})"),
            Expr::Arithmetic {
                op, left, right, ..
            } => write!(f, "({left} {} {right})", op.symbol()),
            Expr::Negate(e) => write!(f, "-{e}"),
            Expr::Comparison { op, left, right } => {
                write!(f, "({left} {} {right})", op.symbol())
            }
            Expr::And(items) => write_joined(f, items, " AND "),
            Expr::Or(items) => write_joined(f, items, " OR "),
            Expr::Not(e) => write!(f, "(NOT {e})"),
            Expr::IsNull { expr, negated } => {
                write!(f, "({expr} IS {}NULL)", if *negated { "NOT " } else { "" })
            }
            Expr::IsDistinctFrom {
                left,
                right,
                negated,
            } => write!(
                f,
                "({left} IS {}DISTINCT FROM {right})",
                if *negated { "NOT " } else { "" }
            ),
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => write!(
                f,
                "({expr} {}BETWEEN {low} AND {high})",
                if *negated { "NOT " } else { "" }
            ),
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                write!(f, "({expr} {}IN (", if *negated { "NOT " } else { "" })?;
                write_list(f, list)?;
                f.write_str("))")
            }
            Expr::Like {
                expr,
                pattern,
                escape,
                negated,
            } => {
                write!(
                    f,
                    "({expr} {}LIKE {pattern}",
                    if *negated { "NOT " } else { "" }
                )?;
                if let Some(c) = escape {
                    write!(f, " ESCAPE '{c}'")?;
                }
                f.write_str(")")
            }
            Expr::Case {
                operand,
                when_then,
                else_,
                ..
            } => {
                f.write_str("(CASE")?;
                if let Some(o) = operand {
                    write!(f, " {o}")?;
                }
                for (w, t) in when_then {
                    write!(f, " WHEN {w} THEN {t}")?;
                }
                if let Some(e) = else_ {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END)")
            }
            Expr::Subscript { base, index, .. } => write!(f, "{base}[{index}]"),
            Expr::Dereference { base, field, .. } => write!(f, "{base}->{field}"),
            Expr::ArrayConstructor { elements, .. } => {
                f.write_str("ARRAY[")?;
                write_list(f, elements)?;
                f.write_str("]")
            }
            Expr::MapConstructor { entries, .. } => {
                f.write_str("MAP(")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} := {v}")?;
                }
                f.write_str(")")
            }
            Expr::StructConstructor { fields, .. } => {
                f.write_str("STRUCT(")?;
                for (i, (name, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{name} := {v}")?;
                }
                f.write_str(")")
            }
            Expr::Lambda { params, body } => {
                if params.len() == 1 {
                    write!(f, "{} => {body}", params[0])
                } else {
                    write!(f, "({}) => {body}", params.join(", "))
                }
            }
            Expr::LambdaVariable { index, .. } => write!(f, "@{index}"),
        }
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{e}")?;
    }
    Ok(())
}

fn write_joined(f: &mut fmt::Formatter<'_>, items: &[Expr], sep: &str) -> fmt::Result {
    f.write_str("(")?;
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{e}")?;
    }
    f.write_str(")")
}
