//! Binding: an AST expression to a typed `rivulet_expr::Expr` over a scope — columns to row
//! positions, lambda parameters to lambda variables, operators and calls through the typing
//! builders (which apply ksqlDB's coercions and report type errors).

use rivulet_core::Decimal;
use rivulet_expr::{self as rx, Expr};

use super::{data_type::data_type, PlanError, Scope};
use crate::ast::{self, Expression, FunctionArgs, Literal};

struct Binder<'a, 'c> {
    scope: &'a Scope,
    /// Parameters of the enclosing lambdas, outermost first.
    lambdas: Vec<(String, rivulet_core::DataType)>,
    /// Set when binding over the output of an aggregation (select list, HAVING).
    aggregate: Option<&'a mut AggregateContext<'c>>,
}

/// How expressions after GROUP BY bind: a grouping expression becomes its key column of the
/// aggregate row, an aggregate call becomes its result column (its arguments bind over the
/// source row), and any other source column is an error.
pub struct AggregateContext<'a> {
    /// The source row's scope (aggregate arguments, grouping expressions).
    pub source: &'a Scope,
    pub group_by: &'a [Expression],
    /// Row positions of the grouping expressions' source columns, when they are columns.
    pub group_columns: Vec<Option<usize>>,
    /// Position of the first grouping key in the aggregate row.
    pub key_offset: usize,
    /// The aggregate calls found so far (deduplicated by text).
    pub calls: Vec<rx::aggregate::AggregateCall>,
    /// `SELECT` or `HAVING`, for error messages.
    pub clause: &'static str,
}

impl AggregateContext<'_> {
    fn group_index(&self, expr: &Expression) -> Option<usize> {
        if let Some(i) = self.group_by.iter().position(|g| g == expr) {
            return Some(i);
        }
        let Expression::Column(c) = expr else {
            return None;
        };
        let column = self
            .source
            .resolve(c.source.as_ref().map(|s| s.as_str()), c.name.as_str())
            .ok()?;
        self.group_columns
            .iter()
            .position(|g| *g == Some(column.index))
    }

    fn group_type(&self, i: usize) -> Result<rivulet_core::DataType, PlanError> {
        Ok(bind_expression(&self.group_by[i], self.source)?.data_type())
    }
}

/// Binds `expr` (a select item or HAVING) over the aggregate row described by `context`.
pub fn bind_aggregate_expression(
    expr: &Expression,
    scope: &Scope,
    context: &mut AggregateContext<'_>,
) -> Result<Expr, PlanError> {
    Binder {
        scope,
        lambdas: Vec::new(),
        aggregate: Some(context),
    }
    .bind(expr)
}

/// Binds `expr` over `scope`.
pub fn bind_expression(expr: &Expression, scope: &Scope) -> Result<Expr, PlanError> {
    Binder {
        scope,
        lambdas: Vec::new(),
        aggregate: None,
    }
    .bind(expr)
}

fn literal(l: &Literal) -> Result<Expr, PlanError> {
    Ok(match l {
        Literal::Null => Expr::null(),
        Literal::Boolean(b) => Expr::literal(*b),
        Literal::Integer(v) => Expr::literal(*v),
        Literal::BigInt(v) => Expr::literal(*v),
        Literal::Double(v) => Expr::literal(*v),
        Literal::String(s) => Expr::string(s),
        Literal::Decimal(d) => Expr::decimal(
            d.text()
                .parse::<Decimal>()
                .map_err(|e| PlanError::new(e.to_string()))?,
        ),
    })
}

fn arithmetic_op(op: ast::ArithmeticOp) -> rx::ArithmeticOp {
    match op {
        ast::ArithmeticOp::Add => rx::ArithmeticOp::Add,
        ast::ArithmeticOp::Subtract => rx::ArithmeticOp::Subtract,
        ast::ArithmeticOp::Multiply => rx::ArithmeticOp::Multiply,
        ast::ArithmeticOp::Divide => rx::ArithmeticOp::Divide,
        ast::ArithmeticOp::Modulus => rx::ArithmeticOp::Modulus,
    }
}

fn comparison_op(op: ast::ComparisonOp) -> rx::ComparisonOp {
    match op {
        ast::ComparisonOp::Eq => rx::ComparisonOp::Eq,
        ast::ComparisonOp::NotEq => rx::ComparisonOp::NotEq,
        ast::ComparisonOp::Lt => rx::ComparisonOp::Lt,
        ast::ComparisonOp::LtEq => rx::ComparisonOp::LtEq,
        ast::ComparisonOp::Gt => rx::ComparisonOp::Gt,
        ast::ComparisonOp::GtEq => rx::ComparisonOp::GtEq,
    }
}

impl Binder<'_, '_> {
    fn bind_all(&mut self, exprs: &[Expression]) -> Result<Vec<Expr>, PlanError> {
        exprs.iter().map(|e| self.bind(e)).collect()
    }

    fn boxed(&mut self, e: &Expression) -> Result<Expr, PlanError> {
        self.bind(e)
    }

    fn bind(&mut self, expr: &Expression) -> Result<Expr, PlanError> {
        if let Some(bound) = self.bind_after_group_by(expr)? {
            return Ok(bound);
        }
        Ok(match expr {
            Expression::Literal(l) => literal(l)?,
            Expression::Column(c) => {
                let name = c.name.as_str();
                if c.source.is_none() {
                    if let Some(i) = self.lambdas.iter().rposition(|(p, _)| p == name) {
                        return Ok(rx::lambda_variable(i, self.lambdas[i].1.clone()));
                    }
                }
                let column = self
                    .scope
                    .resolve(c.source.as_ref().map(|s| s.as_str()), name)?;
                Expr::column(column.index, column.data_type.clone())
            }
            Expression::LambdaVariable(name) => {
                let i = self
                    .lambdas
                    .iter()
                    .rposition(|(p, _)| p == name.as_str())
                    .ok_or_else(|| {
                        PlanError::new(format!(
                            "Lambda variable '{}' is not defined",
                            name.as_str()
                        ))
                    })?;
                rx::lambda_variable(i, self.lambdas[i].1.clone())
            }
            Expression::Dereference { base, field } => {
                let bound = self.boxed(base)?;
                match rx::dereference(bound, field.as_str()) {
                    Ok(e) => e,
                    // Name the struct as the statement wrote it, not by its row position.
                    Err(rx::TypeError::UnknownField { field, .. }) => {
                        return Err(rx::TypeError::UnknownField {
                            field,
                            base: base.to_string(),
                        }
                        .into())
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Expression::Subscript { base, index } => {
                let base = self.boxed(base)?;
                let index = self.boxed(index)?;
                rx::subscript(base, index)?
            }
            Expression::FunctionCall(call) => self.call(call)?,
            Expression::Lambda(_) => {
                return Err(PlanError::new(
                    "A lambda can only be an argument of TRANSFORM, FILTER or REDUCE",
                ))
            }
            Expression::IntervalUnit(unit) => Expr::string(unit.plural()),
            Expression::Unary { op, operand } => {
                let operand = self.boxed(operand)?;
                match op {
                    ast::UnaryOp::Minus => rx::negate(operand)?,
                    ast::UnaryOp::Plus => rx::unary_plus(operand)?,
                }
            }
            Expression::Arithmetic { op, left, right } => {
                let (l, r) = (self.boxed(left)?, self.boxed(right)?);
                rx::arithmetic(arithmetic_op(*op), l, r)?
            }
            Expression::Concat { left, right } => {
                let (l, r) = (self.boxed(left)?, self.boxed(right)?);
                rx::concat(l, r)?
            }
            Expression::Comparison { op, left, right } => {
                let (l, r) = (self.boxed(left)?, self.boxed(right)?);
                rx::comparison(comparison_op(*op), l, r)?
            }
            Expression::Logical { op, left, right } => {
                let operands = vec![self.boxed(left)?, self.boxed(right)?];
                match op {
                    ast::LogicalOp::And => rx::and(operands)?,
                    ast::LogicalOp::Or => rx::or(operands)?,
                }
            }
            Expression::Not(e) => {
                let e = self.boxed(e)?;
                rx::not(e)?
            }
            Expression::IsNull { operand, negated } => {
                let e = self.boxed(operand)?;
                rx::is_null(e, *negated)
            }
            Expression::IsDistinctFrom {
                left,
                right,
                negated,
            } => {
                let (l, r) = (self.boxed(left)?, self.boxed(right)?);
                rx::is_distinct_from(l, r, *negated)?
            }
            Expression::Between {
                operand,
                low,
                high,
                negated,
            } => {
                let (e, lo, hi) = (self.boxed(operand)?, self.boxed(low)?, self.boxed(high)?);
                rx::between(e, lo, hi, *negated)?
            }
            Expression::InList {
                operand,
                list,
                negated,
            } => {
                let e = self.boxed(operand)?;
                let list = self.bind_all(list)?;
                rx::in_list(e, list, *negated)?
            }
            Expression::Like {
                operand,
                pattern,
                escape,
                negated,
            } => {
                let (e, p) = (self.boxed(operand)?, self.boxed(pattern)?);
                rx::like(e, p, *escape, *negated)?
            }
            Expression::Case(case) => {
                let operand = match &case.operand {
                    Some(o) => Some(self.boxed(o)?),
                    None => None,
                };
                let mut when_then = Vec::with_capacity(case.when_clauses.len());
                for w in &case.when_clauses {
                    when_then.push((self.bind(&w.condition)?, self.bind(&w.result)?));
                }
                let else_ = match &case.else_result {
                    Some(e) => Some(self.boxed(e)?),
                    None => None,
                };
                rx::case(operand, when_then, else_)?
            }
            Expression::Cast {
                operand,
                data_type: t,
            } => {
                let e = self.boxed(operand)?;
                rx::cast(e, data_type(t)?)?
            }
            Expression::AtTimeZone { .. } => {
                return Err(PlanError::new("AT TIME ZONE is not supported yet"))
            }
            Expression::TypeConstructor { type_name, value } => {
                let t = crate::parse_data_type(type_name.as_str())
                    .map_err(|e| PlanError::new(e.message))?;
                rx::cast(Expr::string(value), data_type(&t)?)?
            }
            Expression::Array(items) => {
                let items = self.bind_all(items)?;
                rx::array(items)?
            }
            Expression::Map(entries) => {
                let mut bound = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    bound.push((self.bind(k)?, self.bind(v)?));
                }
                rx::map(bound)?
            }
            Expression::Struct(fields) => {
                let mut bound = Vec::with_capacity(fields.len());
                for (name, v) in fields {
                    bound.push((name.as_str().to_string(), self.bind(v)?));
                }
                rx::structure(bound)?
            }
        })
    }

    /// In an aggregate context: a grouping expression or aggregate call as its column of the
    /// aggregate row, or an error for a source column that is neither.
    fn bind_after_group_by(&mut self, expr: &Expression) -> Result<Option<Expr>, PlanError> {
        let Some(ctx) = self.aggregate.as_deref_mut() else {
            return Ok(None);
        };
        if !self.lambdas.is_empty() {
            return Ok(None);
        }
        if let Some(i) = ctx.group_index(expr) {
            let t = ctx.group_type(i)?;
            return Ok(Some(Expr::column(ctx.key_offset + i, t)));
        }
        match expr {
            Expression::FunctionCall(call) if rx::aggregate::is_aggregate(call.name.as_str()) => {
                let (args, texts, star) = match &call.args {
                    FunctionArgs::Star => (Vec::new(), Vec::new(), true),
                    FunctionArgs::List(args) => {
                        let mut bound = Vec::with_capacity(args.len());
                        for a in args {
                            bound.push(bind_expression(a, ctx.source)?);
                        }
                        (bound, args.iter().map(ToString::to_string).collect(), false)
                    }
                };
                let resolved =
                    rx::aggregate::resolve_with_text(call.name.as_str(), args, &texts, star)?;
                let text = resolved.to_string();
                let position = match ctx.calls.iter().position(|c| c.to_string() == text) {
                    Some(p) => p,
                    None => {
                        ctx.calls.push(resolved);
                        ctx.calls.len() - 1
                    }
                };
                let t = ctx.calls[position].return_type.clone();
                let index = ctx.key_offset + ctx.group_by.len() + position;
                Ok(Some(Expr::column(index, t)))
            }
            Expression::Column(c) => {
                let qualifier = c.source.as_ref().map(|s| s.as_str());
                if self.scope.resolve(qualifier, c.name.as_str()).is_err()
                    && ctx.source.resolve(qualifier, c.name.as_str()).is_ok()
                {
                    return Err(PlanError::new(format!(
                        "Non-aggregate {} expression(s) not part of GROUP BY: {expr}",
                        ctx.clause
                    )));
                }
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    fn call(&mut self, call: &ast::FunctionCall) -> Result<Expr, PlanError> {
        let name = call.name.as_str().to_ascii_uppercase();
        if rx::aggregate::is_aggregate(&name) {
            return Err(PlanError::new(format!(
                "Use of aggregate function {name} requires a GROUP BY clause."
            )));
        }
        let args = match &call.args {
            FunctionArgs::Star => Vec::new(),
            FunctionArgs::List(args) => {
                let mut bound: Vec<Expr> = Vec::with_capacity(args.len());
                for a in args {
                    match a {
                        Expression::Lambda(lambda) => {
                            let preceding: Vec<_> = bound.iter().map(Expr::data_type).collect();
                            let types =
                                rx::lambda_parameter_types(&name, &preceding, lambda.params.len())?;
                            let params: Vec<String> = lambda
                                .params
                                .iter()
                                .map(|p| p.as_str().to_string())
                                .collect();
                            for (p, t) in params.iter().zip(types) {
                                self.lambdas.push((p.clone(), t));
                            }
                            let body = self.bind(&lambda.body);
                            self.lambdas.truncate(self.lambdas.len() - params.len());
                            bound.push(rx::lambda(params, body?));
                        }
                        other => {
                            let e = self.bind(other)?;
                            bound.push(e);
                        }
                    }
                }
                bound
            }
        };
        Ok(rx::call(&name, args)?)
    }
}
