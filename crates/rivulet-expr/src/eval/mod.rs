//! Row-at-a-time evaluation of a typed expression with ksqlDB's null semantics:
//! - arithmetic, casts, functions (most), subscripts and dereferences of NULL give NULL;
//! - a comparison, BETWEEN or IN with a NULL operand is FALSE, not NULL (ksqlDB's generated code
//!   checks for null and answers false), so `NOT (x = NULL)` is TRUE;
//! - AND/OR are three-valued (`NULL AND FALSE` is FALSE, `NULL OR TRUE` is TRUE, else NULL);
//!   NOT NULL is NULL;
//! - IS [NOT] NULL and IS [NOT] DISTINCT FROM never give NULL;
//! - a WHERE predicate that is NULL drops the row (`eval_predicate` gives false).
//!
//! This module owns the tree walk, lambda scopes and where errors are caught. It must not apply
//! typing rules (the builders did) nor decide what to do with a failed row (the engine does).

pub mod arithmetic;
pub mod cast;
pub mod compare;

use std::borrow::Cow;

use rivulet_core::{DataType, Value};

use crate::{
    error::EvalError,
    expr::Expr,
    functions::{Invocation, NullPolicy},
};

/// Evaluates `expr` on one input row. The first error ends the evaluation.
pub fn eval(expr: &Expr, row: &[Value]) -> Result<Value, EvalError> {
    let mut ctx = Ctx::new(row, None);
    ev(expr, &mut ctx).map(Cow::into_owned)
}

/// Evaluates a WHERE/HAVING predicate: TRUE keeps the row; FALSE and NULL drop it.
pub fn eval_predicate(expr: &Expr, row: &[Value]) -> Result<bool, EvalError> {
    let mut ctx = Ctx::new(row, None);
    Ok(matches!(ev(expr, &mut ctx)?.as_ref(), Value::Boolean(true)))
}

/// Evaluates `expr` as ksqlDB does with nested error handling on (its default): an error in a
/// CAST, in a function call that is an argument of another function or of a dereference, or in
/// a constructor element is reported to `on_error` and that part becomes NULL; an error
/// anywhere else is reported and the whole result is NULL.
pub fn eval_lenient(expr: &Expr, row: &[Value], on_error: &mut dyn FnMut(EvalError)) -> Value {
    let mut ctx = Ctx::new(row, Some(on_error));
    match ev(expr, &mut ctx) {
        Ok(v) => v.into_owned(),
        Err(e) => {
            ctx.report(e);
            Value::Null
        }
    }
}

/// Per-evaluation state: the row, the lambda parameters in scope and the error sink.
struct Ctx<'r, 'e> {
    row: &'r [Value],
    env: Vec<Value>,
    errors: Option<&'e mut dyn FnMut(EvalError)>,
}

impl<'r, 'e> Ctx<'r, 'e> {
    fn new(row: &'r [Value], errors: Option<&'e mut dyn FnMut(EvalError)>) -> Self {
        Ctx {
            row,
            env: Vec::new(),
            errors,
        }
    }

    fn report(&mut self, e: EvalError) {
        if let Some(sink) = self.errors.as_mut() {
            sink(e);
        }
    }

    /// In lenient mode, turns an error into a reported NULL; in strict mode passes it on.
    fn recover(&mut self, r: Result<Value, EvalError>) -> Result<Value, EvalError> {
        match r {
            Err(e) if self.errors.is_some() => {
                self.report(e);
                Ok(Value::Null)
            }
            other => other,
        }
    }
}

fn ev_owned<'a>(expr: &'a Expr, ctx: &mut Ctx<'a, '_>) -> Result<Value, EvalError> {
    ev(expr, ctx).map(Cow::into_owned)
}

const NULL: Value = Value::Null;

/// The tree walk. Literals and columns are borrowed, so a comparison of a column with a
/// literal copies nothing.
fn ev<'a>(expr: &'a Expr, ctx: &mut Ctx<'a, '_>) -> Result<Cow<'a, Value>, EvalError> {
    Ok(match expr {
        Expr::Literal(v, _) => Cow::Borrowed(v),
        Expr::Column { index, .. } => {
            let row: &'a [Value] = ctx.row;
            match row.get(*index) {
                Some(v) => Cow::Borrowed(v),
                None => {
                    return Err(EvalError::UnexpectedValue {
                        expected: format!("column {index}"),
                        value: format!("a row of {} columns", row.len()),
                    })
                }
            }
        }
        Expr::LambdaVariable { index, .. } => match ctx.env.get(*index) {
            Some(v) => Cow::Owned(v.clone()),
            None => Cow::Borrowed(&NULL),
        },
        Expr::Call {
            function,
            args,
            return_type,
        } => Cow::Owned(call(function, args, return_type, ctx)?),
        Expr::Cast { expr, to } => cast_expr(expr, to, ctx)?,
        Expr::Arithmetic {
            op,
            left,
            right,
            data_type,
        } => arithmetic_expr(op, left, right, data_type, ctx)?,
        Expr::Negate(e) => Cow::Owned(arithmetic::negate(ev(e, ctx)?.as_ref())?),
        Expr::Comparison { op, left, right } => {
            let l = ev(left, ctx)?;
            let r = ev(right, ctx)?;
            boolean(!l.is_null() && !r.is_null() && compare::compare(*op, &l, &r))
        }
        Expr::And(items) => and_expr(items, ctx)?,
        Expr::Or(items) => or_expr(items, ctx)?,
        Expr::Not(e) => match ev(e, ctx)?.as_ref() {
            Value::Boolean(b) => boolean(!b),
            Value::Null => Cow::Borrowed(&NULL),
            other => return Err(EvalError::unexpected("BOOLEAN", other)),
        },
        Expr::IsNull { expr, negated } => boolean(ev(expr, ctx)?.is_null() != *negated),
        Expr::IsDistinctFrom {
            left,
            right,
            negated,
        } => distinct_expr(left, right, negated, ctx)?,
        Expr::Between {
            expr,
            low,
            high,
            negated,
        } => between_expr(expr, low, high, negated, ctx)?,
        Expr::InList {
            expr,
            list,
            negated,
        } => in_list_expr(expr, list, negated, ctx)?,
        Expr::Like {
            expr,
            pattern,
            escape,
            negated,
        } => like_expr(expr, pattern, escape, negated, ctx)?,
        Expr::Case {
            operand,
            when_then,
            else_,
            ..
        } => case_expr(operand, when_then, else_, ctx)?,
        Expr::Subscript { base, index, .. } => subscript_expr(base, index, ctx)?,
        Expr::Dereference { base, field, .. } => dereference_expr(base, field, ctx)?,
        Expr::ArrayConstructor { elements, .. } => array_expr(elements, ctx)?,
        Expr::MapConstructor { entries, .. } => map_expr(entries, ctx)?,
        Expr::StructConstructor { fields, .. } => struct_expr(fields, ctx)?,
        Expr::Lambda { .. } => {
            return Err(EvalError::Function {
                name: "LAMBDA".into(),
                message: "a lambda can only be an argument of TRANSFORM, FILTER or REDUCE".into(),
            })
        }
    })
}

fn cast_expr<'a>(
    expr: &'a Expr,
    to: &'a DataType,
    ctx: &mut Ctx<'a, '_>,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        // ksqlDB wraps the whole cast, operand included, in its nested error handling.
        let v = match ev(expr, ctx) {
            Ok(v) => v,
            Err(e) => return ctx.recover(Err(e)).map(Cow::Owned),
        };
        if v.is_null() {
            return Ok(Cow::Borrowed(&NULL));
        }
        let from = expr.data_type();
        if &from == to {
            return Ok(v);
        }
        let r = cast::cast_value(&v, &from, to);
        Cow::Owned(ctx.recover(r)?)
    })
}

fn arithmetic_expr<'a>(
    op: &crate::expr::ArithmeticOp,
    left: &'a Expr,
    right: &'a Expr,
    data_type: &'a DataType,
    ctx: &mut Ctx<'a, '_>,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let l = ev(left, ctx)?;
        if l.is_null() {
            return Ok(Cow::Borrowed(&NULL));
        }
        let r = ev(right, ctx)?;
        if r.is_null() {
            return Ok(Cow::Borrowed(&NULL));
        }
        Cow::Owned(arithmetic::binary(*op, &l, &r, data_type)?)
    })
}

fn and_expr<'a>(items: &'a [Expr], ctx: &mut Ctx<'a, '_>) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let mut saw_null = false;
        for item in items {
            match ev(item, ctx)?.as_ref() {
                Value::Boolean(false) => return Ok(boolean(false)),
                Value::Boolean(true) => {}
                Value::Null => saw_null = true,
                other => return Err(EvalError::unexpected("BOOLEAN", other)),
            }
        }
        if saw_null {
            Cow::Borrowed(&NULL)
        } else {
            boolean(true)
        }
    })
}

fn or_expr<'a>(items: &'a [Expr], ctx: &mut Ctx<'a, '_>) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let mut saw_null = false;
        for item in items {
            match ev(item, ctx)?.as_ref() {
                Value::Boolean(true) => return Ok(boolean(true)),
                Value::Boolean(false) => {}
                Value::Null => saw_null = true,
                other => return Err(EvalError::unexpected("BOOLEAN", other)),
            }
        }
        if saw_null {
            Cow::Borrowed(&NULL)
        } else {
            boolean(false)
        }
    })
}

fn distinct_expr<'a>(
    left: &'a Expr,
    right: &'a Expr,
    negated: &bool,
    ctx: &mut Ctx<'a, '_>,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let l = ev(left, ctx)?;
        let r = ev(right, ctx)?;
        let distinct = match (l.is_null(), r.is_null()) {
            (true, true) => false,
            (true, false) | (false, true) => true,
            (false, false) => !compare::equal(&l, &r),
        };
        boolean(distinct != *negated)
    })
}

fn between_expr<'a>(
    expr: &'a Expr,
    low: &'a Expr,
    high: &'a Expr,
    negated: &bool,
    ctx: &mut Ctx<'a, '_>,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let v = ev(expr, ctx)?;
        let lo = ev(low, ctx)?;
        let hi = ev(high, ctx)?;
        let inside = !v.is_null()
            && !lo.is_null()
            && !hi.is_null()
            && compare::compare(crate::expr::ComparisonOp::GtEq, &v, &lo)
            && compare::compare(crate::expr::ComparisonOp::LtEq, &v, &hi);
        boolean(inside != *negated)
    })
}

fn in_list_expr<'a>(
    expr: &'a Expr,
    list: &'a [Expr],
    negated: &bool,
    ctx: &mut Ctx<'a, '_>,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let v = ev(expr, ctx)?;
        let mut found = false;
        if !v.is_null() {
            for item in list {
                let candidate = ev(item, ctx)?;
                if !candidate.is_null() && compare::equal(&v, &candidate) {
                    found = true;
                    break;
                }
            }
        }
        boolean(found != *negated)
    })
}

fn like_expr<'a>(
    expr: &'a Expr,
    pattern: &'a Expr,
    escape: &Option<char>,
    negated: &bool,
    ctx: &mut Ctx<'a, '_>,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let v = ev(expr, ctx)?;
        let p = ev(pattern, ctx)?;
        match (v.as_ref(), p.as_ref()) {
            (Value::String(v), Value::String(p)) => {
                boolean(compare::like(v, p, *escape)? != *negated)
            }
            (Value::Null, _) | (_, Value::Null) => Cow::Borrowed(&NULL),
            (other, _) => return Err(EvalError::unexpected("STRING", other)),
        }
    })
}

fn case_expr<'a>(
    operand: &'a Option<Box<Expr>>,
    when_then: &'a [(Expr, Expr)],
    else_: &'a Option<Box<Expr>>,
    ctx: &mut Ctx<'a, '_>,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let subject = match operand {
            Some(o) => Some(ev(o, ctx)?),
            None => None,
        };
        for (when, then) in when_then {
            let w = ev(when, ctx)?;
            let hit = match &subject {
                Some(s) => !s.is_null() && !w.is_null() && compare::equal(s, &w),
                None => matches!(w.as_ref(), Value::Boolean(true)),
            };
            if hit {
                return ev(then, ctx);
            }
        }
        match else_ {
            Some(e) => ev(e, ctx)?,
            None => Cow::Borrowed(&NULL),
        }
    })
}

fn subscript_expr<'a>(
    base: &'a Expr,
    index: &'a Expr,
    ctx: &mut Ctx<'a, '_>,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let b = ev(base, ctx)?;
        let i = ev(index, ctx)?;
        match (b, i.as_ref()) {
            (_, Value::Null) => Cow::Borrowed(&NULL),
            (Cow::Borrowed(Value::Array(items)), idx) => match array_index(items.len(), idx) {
                Some(k) => Cow::Borrowed(&items[k]),
                None => Cow::Borrowed(&NULL),
            },
            (Cow::Owned(Value::Array(mut items)), idx) => match array_index(items.len(), idx) {
                Some(k) => Cow::Owned(items.swap_remove(k)),
                None => Cow::Borrowed(&NULL),
            },
            (b, key) => match b.as_ref() {
                Value::Map(entries) => Cow::Owned(
                    entries
                        .iter()
                        .find(|(k, _)| compare::equal(k, key))
                        .map(|(_, v)| v.clone())
                        .unwrap_or(Value::Null),
                ),
                Value::Null => Cow::Borrowed(&NULL),
                other => return Err(EvalError::unexpected("ARRAY or MAP", other)),
            },
        }
    })
}

fn dereference_expr<'a>(
    base: &'a Expr,
    field: &'a str,
    ctx: &mut Ctx<'a, '_>,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let b = match base {
            Expr::Call { .. } => {
                let r = ev_owned(base, ctx);
                Cow::Owned(ctx.recover(r)?)
            }
            _ => ev(base, ctx)?,
        };
        match b {
            Cow::Borrowed(Value::Struct(fields)) => fields
                .iter()
                .find(|(n, _)| **n == *field)
                .map_or(Cow::Borrowed(&NULL), |(_, v)| Cow::Borrowed(v)),
            Cow::Owned(Value::Struct(fields)) => Cow::Owned(
                fields
                    .into_iter()
                    .find(|(n, _)| **n == *field)
                    .map_or(Value::Null, |(_, v)| v),
            ),
            b if b.is_null() => Cow::Borrowed(&NULL),
            other => return Err(EvalError::unexpected("STRUCT", &other)),
        }
    })
}

fn array_expr<'a>(
    elements: &'a [Expr],
    ctx: &mut Ctx<'a, '_>,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let mut out = Vec::with_capacity(elements.len());
        for e in elements {
            let r = ev_owned(e, ctx);
            out.push(ctx.recover(r)?);
        }
        Cow::Owned(Value::Array(out))
    })
}

fn map_expr<'a>(
    entries: &'a [(Expr, Expr)],
    ctx: &mut Ctx<'a, '_>,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let mut out: Vec<(Value, Value)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            let rk = ev_owned(k, ctx);
            let key = ctx.recover(rk)?;
            let rv = ev_owned(v, ctx);
            let value = ctx.recover(rv)?;
            match out
                .iter_mut()
                .find(|(existing, _)| compare::equal(existing, &key))
            {
                Some(slot) => slot.1 = value,
                None => out.push((key, value)),
            }
        }
        Cow::Owned(Value::Map(out))
    })
}

fn struct_expr<'a>(
    fields: &'a [(String, Expr)],
    ctx: &mut Ctx<'a, '_>,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok({
        let mut out = Vec::with_capacity(fields.len());
        for (name, e) in fields {
            let r = ev_owned(e, ctx);
            out.push((name.as_str().into(), ctx.recover(r)?));
        }
        Cow::Owned(Value::Struct(out))
    })
}

fn boolean<'a>(b: bool) -> Cow<'a, Value> {
    const TRUE: Value = Value::Boolean(true);
    const FALSE: Value = Value::Boolean(false);
    Cow::Borrowed(if b { &TRUE } else { &FALSE })
}

/// ksqlDB's `ArrayAccess`: 1-based, negative from the end (-1 is the last), else no element.
fn array_index(len: usize, index: &Value) -> Option<usize> {
    let i = match index {
        Value::Int(i) => i64::from(*i),
        // Java casts the index to int.
        Value::Bigint(i) => i64::from(*i as i32),
        _ => return None,
    };
    let len = i64::try_from(len).ok()?;
    let k = if i >= 0 { i - 1 } else { len + i };
    (0..len).contains(&k).then_some(k as usize)
}

fn call<'a>(
    function: &'a crate::functions::ScalarFunction,
    args: &'a [Expr],
    return_type: &'a DataType,
    ctx: &mut Ctx<'a, '_>,
) -> Result<Value, EvalError> {
    // Arguments live on the stack for the usual arities (no allocation per call).
    const INLINE_ARGS: usize = 6;
    let mut inline: [Value; INLINE_ARGS] = Default::default();
    let mut spilled: Vec<Value> = Vec::new();
    let values: &mut [Value] = if args.len() <= INLINE_ARGS {
        &mut inline[..args.len()]
    } else {
        spilled.resize(args.len(), Value::Null);
        &mut spilled
    };
    let mut any_null = false;
    for (slot, arg) in values.iter_mut().zip(args) {
        *slot = match arg {
            Expr::Lambda { .. } => Value::Null,
            // ksqlDB catches errors of a function call (or dereference) passed as an argument.
            Expr::Call { .. } | Expr::Dereference { .. } => {
                let r = ev_owned(arg, ctx);
                let v = ctx.recover(r)?;
                any_null |= v.is_null();
                v
            }
            _ => {
                let v = ev_owned(arg, ctx)?;
                any_null |= v.is_null();
                v
            }
        };
    }
    if any_null && function.null_policy == NullPolicy::NullOnAnyNull {
        return Ok(Value::Null);
    }
    let mut run_lambda = |i: usize, params: Vec<Value>| -> Result<Value, EvalError> {
        let Some(Expr::Lambda { body, .. }) = args.get(i) else {
            return Err(EvalError::Function {
                name: function.name.to_string(),
                message: format!("argument {} is not a lambda", i + 1),
            });
        };
        let base = ctx.env.len();
        ctx.env.extend(params);
        let r = ev_owned(body, ctx);
        ctx.env.truncate(base);
        r
    };
    let mut invocation = Invocation::new(values, return_type, &mut run_lambda);
    let v = (function.implementation)(&mut invocation).map_err(|e| e.into_eval(function.name))?;
    // Keep DECIMAL results at the declared scale, whatever the implementation computed.
    Ok(match (v, return_type) {
        (Value::Decimal(d), DataType::Decimal { scale, .. }) if d.scale != *scale => {
            Value::Decimal(cast::rescale(&d, *scale).ok_or_else(|| {
                EvalError::Overflow(format!(
                    "{} result {d} does not fit {return_type}",
                    function.name
                ))
            })?)
        }
        (v, _) => v,
    })
}
