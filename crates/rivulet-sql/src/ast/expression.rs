//! Expressions: literals, column references, operators, predicates, CASE, CAST, constructors,
//! function calls, lambdas, subscripts and struct dereferences.
//!
//! Owns [`Expression`] and its canonical text. Canonical text wraps every binary operator and
//! predicate in parentheses (like ksqlDB's `ExpressionFormatter`), so precedence is explicit and
//! the text re-parses to the same tree. It must not type-check or evaluate.

use std::fmt;

use super::data_type::DataType;
use super::identifier::Identifier;
use super::literal::Literal;
use super::window::TimeUnit;
use super::{comma_separated, write_string_literal};

/// An expression. Parentheses are not kept: `(a)` is `a`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expression {
    Literal(Literal),
    /// `col` or `source.col`.
    Column(ColumnRef),
    /// A lambda parameter used inside the lambda's body (`x` in `x => x + 1`).
    LambdaVariable(Identifier),
    /// `base->field`.
    Dereference {
        base: Box<Expression>,
        field: Identifier,
    },
    /// `base[index]`: 1-based array index or map key.
    Subscript {
        base: Box<Expression>,
        index: Box<Expression>,
    },
    FunctionCall(FunctionCall),
    /// `x => body` or `(x, y) => body`; only as a function argument.
    Lambda(Lambda),
    /// A bare unit keyword as a function argument: `TIMESTAMPADD(SECONDS, 10, ts)`.
    IntervalUnit(TimeUnit),
    /// `-x`, `+x`.
    Unary {
        op: UnaryOp,
        operand: Box<Expression>,
    },
    /// `+ - * / %`.
    Arithmetic {
        op: ArithmeticOp,
        left: Box<Expression>,
        right: Box<Expression>,
    },
    /// `left || right` (ksqlDB evaluates it as CONCAT).
    Concat {
        left: Box<Expression>,
        right: Box<Expression>,
    },
    /// `= <> < <= > >=`.
    Comparison {
        op: ComparisonOp,
        left: Box<Expression>,
        right: Box<Expression>,
    },
    /// `AND`, `OR`.
    Logical {
        op: LogicalOp,
        left: Box<Expression>,
        right: Box<Expression>,
    },
    Not(Box<Expression>),
    /// `x IS [NOT] NULL`.
    IsNull {
        operand: Box<Expression>,
        negated: bool,
    },
    /// `x IS [NOT] DISTINCT FROM y`.
    IsDistinctFrom {
        left: Box<Expression>,
        right: Box<Expression>,
        negated: bool,
    },
    /// `x [NOT] BETWEEN low AND high` (inclusive).
    Between {
        operand: Box<Expression>,
        low: Box<Expression>,
        high: Box<Expression>,
        negated: bool,
    },
    /// `x [NOT] IN (a, b, ...)`.
    InList {
        operand: Box<Expression>,
        list: Vec<Expression>,
        negated: bool,
    },
    /// `x [NOT] LIKE pattern [ESCAPE 'c']`.
    Like {
        operand: Box<Expression>,
        pattern: Box<Expression>,
        escape: Option<char>,
        negated: bool,
    },
    Case(CaseExpression),
    /// `CAST(x AS type)`.
    Cast {
        operand: Box<Expression>,
        data_type: DataType,
    },
    /// `x AT TIME ZONE 'zone'`.
    AtTimeZone {
        operand: Box<Expression>,
        zone: String,
    },
    /// `name 'text'`, e.g. `TIMESTAMP '2024-01-01T00:00:00'` (ksqlDB's `typeConstructor`).
    TypeConstructor {
        type_name: Identifier,
        value: String,
    },
    /// `ARRAY[a, b]`.
    Array(Vec<Expression>),
    /// `MAP(k := v, ...)`.
    Map(Vec<(Expression, Expression)>),
    /// `STRUCT(name := v, ...)`.
    Struct(Vec<(Identifier, Expression)>),
}

/// A column, optionally qualified by a source name or alias.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnRef {
    pub source: Option<Identifier>,
    pub name: Identifier,
}

/// `name(args)` or `name(*)`. Aggregates, table functions and scalars alike.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionCall {
    pub name: Identifier,
    pub args: FunctionArgs,
}

/// The arguments of a call.
#[derive(Debug, Clone, PartialEq)]
pub enum FunctionArgs {
    /// `f(*)`, as in `COUNT(*)`.
    Star,
    List(Vec<Expression>),
}

/// A lambda: parameters and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Lambda {
    pub params: Vec<Identifier>,
    pub body: Box<Expression>,
}

/// `CASE [operand] WHEN ... THEN ... [ELSE ...] END`. With an operand it is a simple CASE
/// (compares the operand to each WHEN value); without, a searched CASE.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseExpression {
    pub operand: Option<Box<Expression>>,
    pub when_clauses: Vec<WhenClause>,
    pub else_result: Option<Box<Expression>>,
}

/// `WHEN condition THEN result`.
#[derive(Debug, Clone, PartialEq)]
pub struct WhenClause {
    pub condition: Expression,
    pub result: Expression,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Plus,
    Minus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithmeticOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComparisonOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogicalOp {
    And,
    Or,
}

impl UnaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Plus => "+",
            UnaryOp::Minus => "-",
        }
    }
}

impl ArithmeticOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ArithmeticOp::Add => "+",
            ArithmeticOp::Subtract => "-",
            ArithmeticOp::Multiply => "*",
            ArithmeticOp::Divide => "/",
            ArithmeticOp::Modulus => "%",
        }
    }
}

impl ComparisonOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ComparisonOp::Eq => "=",
            ComparisonOp::NotEq => "<>",
            ComparisonOp::Lt => "<",
            ComparisonOp::LtEq => "<=",
            ComparisonOp::Gt => ">",
            ComparisonOp::GtEq => ">=",
        }
    }
}

impl LogicalOp {
    pub fn as_str(self) -> &'static str {
        match self {
            LogicalOp::And => "AND",
            LogicalOp::Or => "OR",
        }
    }
}

impl Expression {
    /// An unqualified column reference.
    pub fn column(name: impl Into<String>) -> Expression {
        Expression::Column(ColumnRef {
            source: None,
            name: Identifier::new(name),
        })
    }

    /// Whether the printed form starts with a number or a sign, so that a unary operator in front
    /// of it would fuse with it (`-` `1` reads back as the literal `-1`, `-` `-1` as a comment).
    fn starts_with_number_or_sign(&self) -> bool {
        match self {
            Expression::Literal(l) => l.is_numeric(),
            Expression::Unary { .. } => true,
            Expression::Subscript { base, .. } | Expression::Dereference { base, .. } => {
                base.starts_with_number_or_sign()
            }
            _ => false,
        }
    }
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(source) = &self.source {
            write!(f, "{source}.")?;
        }
        write!(f, "{}", self.name)
    }
}

/// Writes the base of a postfix operator or the operand of AT TIME ZONE: a unary expression
/// needs parentheses there (`(-x)[1]`), everything else prints as a primary already.
fn write_postfix_base(f: &mut fmt::Formatter<'_>, base: &Expression) -> fmt::Result {
    if matches!(
        base,
        Expression::Unary { .. } | Expression::Lambda(_) | Expression::IntervalUnit(_)
    ) {
        write!(f, "({base})")
    } else {
        write!(f, "{base}")
    }
}

fn not_word(negated: bool) -> &'static str {
    if negated {
        "NOT "
    } else {
        ""
    }
}

impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expression::Literal(l) => write!(f, "{l}"),
            Expression::Column(c) => write!(f, "{c}"),
            Expression::LambdaVariable(name) => write!(f, "{name}"),
            Expression::Dereference { base, field } => {
                write_postfix_base(f, base)?;
                write!(f, "->{field}")
            }
            Expression::Subscript { base, index } => {
                write_postfix_base(f, base)?;
                write!(f, "[{index}]")
            }
            Expression::FunctionCall(call) => write!(f, "{call}"),
            Expression::Lambda(lambda) => write!(f, "{lambda}"),
            Expression::IntervalUnit(unit) => write!(f, "{unit}"),
            Expression::Unary { op, operand } => {
                if operand.starts_with_number_or_sign()
                    || matches!(**operand, Expression::Lambda(_) | Expression::IntervalUnit(_))
                {
                    write!(f, "{}({operand})", op.as_str())
                } else {
                    write!(f, "{}{operand}", op.as_str())
                }
            }
            Expression::Arithmetic { op, left, right } => {
                write!(f, "({left} {} {right})", op.as_str())
            }
            Expression::Concat { left, right } => write!(f, "({left} || {right})"),
            Expression::Comparison { op, left, right } => {
                write!(f, "({left} {} {right})", op.as_str())
            }
            Expression::Logical { op, left, right } => {
                write!(f, "({left} {} {right})", op.as_str())
            }
            Expression::Not(operand) => write!(f, "(NOT {operand})"),
            Expression::IsNull { operand, negated } => {
                write!(f, "({operand} IS {}NULL)", not_word(*negated))
            }
            Expression::IsDistinctFrom {
                left,
                right,
                negated,
            } => write!(f, "({left} IS {}DISTINCT FROM {right})", not_word(*negated)),
            Expression::Between {
                operand,
                low,
                high,
                negated,
            } => write!(
                f,
                "({operand} {}BETWEEN {low} AND {high})",
                not_word(*negated)
            ),
            Expression::InList {
                operand,
                list,
                negated,
            } => {
                write!(f, "({operand} {}IN (", not_word(*negated))?;
                comma_separated(f, list)?;
                f.write_str("))")
            }
            Expression::Like {
                operand,
                pattern,
                escape,
                negated,
            } => {
                write!(f, "({operand} {}LIKE {pattern}", not_word(*negated))?;
                if let Some(c) = escape {
                    f.write_str(" ESCAPE ")?;
                    write_string_literal(f, &c.to_string())?;
                }
                f.write_str(")")
            }
            Expression::Case(case) => write!(f, "{case}"),
            Expression::Cast { operand, data_type } => {
                write!(f, "CAST({operand} AS {data_type})")
            }
            Expression::AtTimeZone { operand, zone } => {
                f.write_str("(")?;
                write_postfix_base(f, operand)?;
                f.write_str(" AT TIME ZONE ")?;
                write_string_literal(f, zone)?;
                f.write_str(")")
            }
            Expression::TypeConstructor { type_name, value } => {
                write!(f, "{} ", type_name.display_as_function())?;
                write_string_literal(f, value)
            }
            Expression::Array(items) => {
                f.write_str("ARRAY[")?;
                comma_separated(f, items)?;
                f.write_str("]")
            }
            Expression::Map(entries) => {
                f.write_str("MAP(")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} := {v}")?;
                }
                f.write_str(")")
            }
            Expression::Struct(fields) => {
                f.write_str("STRUCT(")?;
                for (i, (name, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{name} := {v}")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for FunctionCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name.display_as_function())?;
        match &self.args {
            FunctionArgs::Star => f.write_str("*")?,
            FunctionArgs::List(args) => comma_separated(f, args)?,
        }
        f.write_str(")")
    }
}

impl fmt::Display for Lambda {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [single] = self.params.as_slice() {
            write!(f, "{single} => {}", self.body)
        } else {
            f.write_str("(")?;
            comma_separated(f, &self.params)?;
            write!(f, ") => {}", self.body)
        }
    }
}

impl fmt::Display for CaseExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CASE")?;
        if let Some(operand) = &self.operand {
            write!(f, " {operand}")?;
        }
        for when in &self.when_clauses {
            write!(f, " WHEN {} THEN {}", when.condition, when.result)?;
        }
        if let Some(e) = &self.else_result {
            write!(f, " ELSE {e}")?;
        }
        f.write_str(" END")
    }
}
