//! Expressions: literals, column references, operators, predicates, CASE, CAST, constructors,
//! function calls, lambdas, subscripts and struct dereferences.
//!
//! Owns [`Expression`] and its canonical text. Canonical text has parentheses exactly where the
//! tree departs from the grammar's precedence and associativity, so it re-parses to the same tree
//! and never nests deeper than the text the tree was parsed from. It must not type-check or
//! evaluate.

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

    /// How tightly the expression binds when printed, from 1 (OR) to 11 (primaries), following
    /// the grammar: OR < AND < NOT < predicates < `||` < `+ -` < `* / %` < sign < AT TIME ZONE <
    /// `[i]` and `->f` < primaries. Lambdas and unit keywords (0) only appear as arguments.
    pub fn precedence(&self) -> u8 {
        match self {
            Expression::Lambda(_) | Expression::IntervalUnit(_) => 0,
            Expression::Logical {
                op: LogicalOp::Or, ..
            } => 1,
            Expression::Logical {
                op: LogicalOp::And, ..
            } => 2,
            Expression::Not(_) => 3,
            Expression::Comparison { .. }
            | Expression::IsNull { .. }
            | Expression::IsDistinctFrom { .. }
            | Expression::Between { .. }
            | Expression::InList { .. }
            | Expression::Like { .. } => PREC_PREDICATE,
            Expression::Concat { .. } => PREC_VALUE,
            Expression::Arithmetic {
                op: ArithmeticOp::Add | ArithmeticOp::Subtract,
                ..
            } => 6,
            Expression::Arithmetic { .. } => 7,
            Expression::Unary { .. } => PREC_UNARY,
            Expression::AtTimeZone { .. } => PREC_AT_TIME_ZONE,
            Expression::Subscript { .. } | Expression::Dereference { .. } => PREC_POSTFIX,
            _ => 11,
        }
    }

    /// What the printed form starts with, so a sign in front of it neither fuses with a number
    /// (`-` `1` reads back as the literal `-1`) nor makes a comment (`--`).
    fn first_char(&self) -> FirstChar {
        match self {
            Expression::Literal(Literal::Integer(v)) => FirstChar::sign_if(*v < 0),
            Expression::Literal(Literal::BigInt(v)) => FirstChar::sign_if(*v < 0),
            Expression::Literal(Literal::Decimal(d)) => {
                FirstChar::sign_if(d.text().starts_with('-'))
            }
            Expression::Literal(Literal::Double(v)) => FirstChar::sign_if(v.is_sign_negative()),
            Expression::Unary { .. } => FirstChar::Sign,
            Expression::AtTimeZone { operand: base, .. }
                if base.precedence() >= PREC_AT_TIME_ZONE =>
            {
                base.first_char()
            }
            Expression::Subscript { base, .. } | Expression::Dereference { base, .. }
                if base.precedence() >= PREC_POSTFIX =>
            {
                base.first_char()
            }
            _ => FirstChar::Other,
        }
    }
}

/// Binding strength of comparisons and predicates.
const PREC_PREDICATE: u8 = 4;
/// Binding strength of `||`, the loosest `valueExpression`: operands of predicates, GROUP BY,
/// PARTITION BY, VALUES and subscripts must bind at least this tightly.
pub(crate) const PREC_VALUE: u8 = 5;
const PREC_UNARY: u8 = 8;
const PREC_AT_TIME_ZONE: u8 = 9;
/// Binding strength of `[i]` and `->f`: their bases (and `->*` in SELECT) need at least this.
pub(crate) const PREC_POSTFIX: u8 = 10;

#[derive(PartialEq)]
enum FirstChar {
    Digit,
    Sign,
    Other,
}

impl FirstChar {
    fn sign_if(negative: bool) -> FirstChar {
        if negative {
            FirstChar::Sign
        } else {
            FirstChar::Digit
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

/// Writes `e`, in parentheses if it binds less tightly than `min` requires.
pub(crate) fn write_operand(f: &mut fmt::Formatter<'_>, e: &Expression, min: u8) -> fmt::Result {
    if e.precedence() < min {
        f.write_str("(")?;
        fmt::Display::fmt(e, f)?;
        f.write_str(")")
    } else {
        fmt::Display::fmt(e, f)
    }
}

/// `left op right` for a left-associative operator of precedence `prec`: a right operand of the
/// same precedence needs parentheses. Printing recurses through here, so it avoids `write!`
/// (whose argument structures make deep trees need much more stack in debug builds).
fn write_binary(
    f: &mut fmt::Formatter<'_>,
    left: &Expression,
    op: &str,
    right: &Expression,
    prec: u8,
) -> fmt::Result {
    write_operand(f, left, prec)?;
    f.write_str(" ")?;
    f.write_str(op)?;
    f.write_str(" ")?;
    write_operand(f, right, prec + 1)
}

/// `left op right` for a comparison: both sides are value expressions.
fn write_comparison(
    f: &mut fmt::Formatter<'_>,
    left: &Expression,
    op: &str,
    right: &Expression,
) -> fmt::Result {
    write_operand(f, left, PREC_VALUE)?;
    f.write_str(" ")?;
    f.write_str(op)?;
    f.write_str(" ")?;
    write_operand(f, right, PREC_VALUE)
}

fn write_unary(f: &mut fmt::Formatter<'_>, op: UnaryOp, operand: &Expression) -> fmt::Result {
    f.write_str(op.as_str())?;
    if operand.precedence() < PREC_UNARY {
        return write_operand(f, operand, PREC_UNARY);
    }
    match operand.first_char() {
        FirstChar::Digit => {
            f.write_str("(")?;
            fmt::Display::fmt(operand, f)?;
            f.write_str(")")
        }
        FirstChar::Sign => {
            f.write_str(" ")?;
            fmt::Display::fmt(operand, f)
        }
        FirstChar::Other => fmt::Display::fmt(operand, f),
    }
}

fn write_dereference(
    f: &mut fmt::Formatter<'_>,
    base: &Expression,
    field: &Identifier,
) -> fmt::Result {
    write_operand(f, base, PREC_POSTFIX)?;
    f.write_str("->")?;
    fmt::Display::fmt(field, f)
}

fn write_subscript(
    f: &mut fmt::Formatter<'_>,
    base: &Expression,
    index: &Expression,
) -> fmt::Result {
    write_operand(f, base, PREC_POSTFIX)?;
    f.write_str("[")?;
    write_operand(f, index, PREC_VALUE)?;
    f.write_str("]")
}

fn write_is_null(f: &mut fmt::Formatter<'_>, operand: &Expression, negated: bool) -> fmt::Result {
    write_operand(f, operand, PREC_VALUE)?;
    f.write_str(if negated { " IS NOT NULL" } else { " IS NULL" })
}

fn write_between(
    f: &mut fmt::Formatter<'_>,
    operand: &Expression,
    low: &Expression,
    high: &Expression,
    negated: bool,
) -> fmt::Result {
    write_operand(f, operand, PREC_VALUE)?;
    f.write_str(if negated {
        " NOT BETWEEN "
    } else {
        " BETWEEN "
    })?;
    write_operand(f, low, PREC_VALUE)?;
    f.write_str(" AND ")?;
    write_operand(f, high, PREC_VALUE)
}

fn write_in_list(
    f: &mut fmt::Formatter<'_>,
    operand: &Expression,
    list: &[Expression],
    negated: bool,
) -> fmt::Result {
    write_operand(f, operand, PREC_VALUE)?;
    f.write_str(if negated { " NOT IN (" } else { " IN (" })?;
    write_expression_list(f, list)?;
    f.write_str(")")
}

fn write_like(
    f: &mut fmt::Formatter<'_>,
    operand: &Expression,
    pattern: &Expression,
    escape: Option<char>,
    negated: bool,
) -> fmt::Result {
    write_operand(f, operand, PREC_VALUE)?;
    f.write_str(if negated { " NOT LIKE " } else { " LIKE " })?;
    write_operand(f, pattern, PREC_VALUE)?;
    if let Some(c) = escape {
        f.write_str(" ESCAPE ")?;
        write_string_literal(f, &c.to_string())?;
    }
    Ok(())
}

fn write_cast(
    f: &mut fmt::Formatter<'_>,
    operand: &Expression,
    data_type: &DataType,
) -> fmt::Result {
    f.write_str("CAST(")?;
    write_operand(f, operand, 1)?;
    f.write_str(" AS ")?;
    fmt::Display::fmt(data_type, f)?;
    f.write_str(")")
}

fn write_at_time_zone(f: &mut fmt::Formatter<'_>, operand: &Expression, zone: &str) -> fmt::Result {
    write_operand(f, operand, PREC_AT_TIME_ZONE)?;
    f.write_str(" AT TIME ZONE ")?;
    write_string_literal(f, zone)
}

fn write_type_constructor(
    f: &mut fmt::Formatter<'_>,
    type_name: &Identifier,
    value: &str,
) -> fmt::Result {
    f.write_str(&type_name.display_as_function())?;
    f.write_str(" ")?;
    write_string_literal(f, value)
}

/// Full expressions separated by `", "` (list elements, arguments).
fn write_expression_list(f: &mut fmt::Formatter<'_>, items: &[Expression]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_operand(f, item, 1)?;
    }
    Ok(())
}

fn write_array(f: &mut fmt::Formatter<'_>, items: &[Expression]) -> fmt::Result {
    f.write_str("ARRAY[")?;
    write_expression_list(f, items)?;
    f.write_str("]")
}

fn write_map(f: &mut fmt::Formatter<'_>, entries: &[(Expression, Expression)]) -> fmt::Result {
    f.write_str("MAP(")?;
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_operand(f, k, 1)?;
        f.write_str(" := ")?;
        write_operand(f, v, 1)?;
    }
    f.write_str(")")
}

fn write_struct(f: &mut fmt::Formatter<'_>, fields: &[(Identifier, Expression)]) -> fmt::Result {
    f.write_str("STRUCT(")?;
    for (i, (name, v)) in fields.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        fmt::Display::fmt(name, f)?;
        f.write_str(" := ")?;
        write_operand(f, v, 1)?;
    }
    f.write_str(")")
}

impl fmt::Display for Expression {
    /// Dispatches to one small function per form, so each level of a deep tree costs little stack.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expression::Literal(l) => fmt::Display::fmt(l, f),
            Expression::Column(c) => fmt::Display::fmt(c, f),
            Expression::LambdaVariable(name) => fmt::Display::fmt(name, f),
            Expression::Dereference { base, field } => write_dereference(f, base, field),
            Expression::Subscript { base, index } => write_subscript(f, base, index),
            Expression::FunctionCall(call) => fmt::Display::fmt(call, f),
            Expression::Lambda(lambda) => fmt::Display::fmt(lambda, f),
            Expression::IntervalUnit(unit) => fmt::Display::fmt(unit, f),
            Expression::Unary { op, operand } => write_unary(f, *op, operand),
            Expression::Arithmetic { op, left, right } => {
                write_binary(f, left, op.as_str(), right, self.precedence())
            }
            Expression::Concat { left, right } => write_binary(f, left, "||", right, PREC_VALUE),
            Expression::Logical { op, left, right } => {
                write_binary(f, left, op.as_str(), right, self.precedence())
            }
            Expression::Comparison { op, left, right } => {
                write_comparison(f, left, op.as_str(), right)
            }
            Expression::Not(operand) => {
                f.write_str("NOT ")?;
                write_operand(f, operand, 3)
            }
            Expression::IsNull { operand, negated } => write_is_null(f, operand, *negated),
            Expression::IsDistinctFrom {
                left,
                right,
                negated,
            } => write_comparison(
                f,
                left,
                if *negated {
                    "IS NOT DISTINCT FROM"
                } else {
                    "IS DISTINCT FROM"
                },
                right,
            ),
            Expression::Between {
                operand,
                low,
                high,
                negated,
            } => write_between(f, operand, low, high, *negated),
            Expression::InList {
                operand,
                list,
                negated,
            } => write_in_list(f, operand, list, *negated),
            Expression::Like {
                operand,
                pattern,
                escape,
                negated,
            } => write_like(f, operand, pattern, *escape, *negated),
            Expression::Case(case) => fmt::Display::fmt(case, f),
            Expression::Cast { operand, data_type } => write_cast(f, operand, data_type),
            Expression::AtTimeZone { operand, zone } => write_at_time_zone(f, operand, zone),
            Expression::TypeConstructor { type_name, value } => {
                write_type_constructor(f, type_name, value)
            }
            Expression::Array(items) => write_array(f, items),
            Expression::Map(entries) => write_map(f, entries),
            Expression::Struct(fields) => write_struct(f, fields),
        }
    }
}

impl fmt::Display for FunctionCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name.display_as_function())?;
        f.write_str("(")?;
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
            fmt::Display::fmt(single, f)?;
        } else {
            f.write_str("(")?;
            comma_separated(f, &self.params)?;
            f.write_str(")")?;
        }
        f.write_str(" => ")?;
        write_operand(f, &self.body, 1)
    }
}

impl fmt::Display for CaseExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CASE")?;
        if let Some(operand) = &self.operand {
            f.write_str(" ")?;
            write_operand(f, operand, PREC_VALUE)?;
        }
        for when in &self.when_clauses {
            f.write_str(" WHEN ")?;
            write_operand(f, &when.condition, 1)?;
            f.write_str(" THEN ")?;
            write_operand(f, &when.result, 1)?;
        }
        if let Some(e) = &self.else_result {
            f.write_str(" ELSE ")?;
            write_operand(f, e, 1)?;
        }
        f.write_str(" END")
    }
}
