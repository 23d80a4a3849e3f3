//! Typing of collection access and construction: `a[i]`, `m[k]`, `s->f`, `ARRAY[…]`,
//! `MAP(k := v, …)`, `STRUCT(f := v, …)`, and lambda nodes.
//!
//! This module owns element/field typing and constructor coercion. It must not evaluate (see
//! `eval`) nor resolve function calls (see `functions::registry`).

use rivulet_core::{DataType, StructField};

use super::coercion::{coerce, unify};
use crate::{error::TypeError, expr::Expr};

/// `base[index]`: ARRAY by an INT/BIGINT position (1-based, negative from the end), MAP by a
/// key of its key type.
pub fn subscript(base: Expr, index: Expr) -> Result<Expr, TypeError> {
    let t = base.data_type();
    let (index, data_type) = match &t {
        DataType::Array(e) => {
            let it = index.data_type();
            let index = if index.is_null_literal() {
                coerce(index, &DataType::Int)?
            } else if matches!(it, DataType::Int | DataType::Bigint) {
                index
            } else {
                return Err(TypeError::Invalid(format!(
                    "Array index must be INTEGER or BIGINT but was {it}"
                )));
            };
            (index, (**e).clone())
        }
        DataType::Map(k, v) => (coerce(index, k)?, (**v).clone()),
        DataType::Struct(_) => {
            return Err(TypeError::Invalid(format!(
                "Subscript expression ({base}[{index}]) do not apply to {t}. Use the dereference operator for STRUCTS: {base}->{index}"
            )))
        }
        _ => {
            return Err(TypeError::Invalid(format!(
                "Subscript expression ({base}[{index}]) do not apply to {t}."
            )))
        }
    };
    Ok(Expr::Subscript {
        base: Box::new(base),
        index: Box::new(index),
        data_type,
    })
}

/// `base->field` on a STRUCT; the name must match exactly (unquoted names arrive upper-cased).
pub fn dereference(base: Expr, field: &str) -> Result<Expr, TypeError> {
    let t = base.data_type();
    let DataType::Struct(fields) = &t else {
        return Err(TypeError::Invalid(format!(
            "Expected STRUCT type, got: {t}"
        )));
    };
    let data_type = fields
        .iter()
        .find(|f| f.name == field)
        .map(|f| f.data_type.clone())
        .ok_or_else(|| TypeError::UnknownField {
            field: field.to_string(),
            base: base.to_string(),
        })?;
    Ok(Expr::Dereference {
        base: Box::new(base),
        field: field.to_string(),
        data_type,
    })
}

/// `ARRAY[e, …]`: elements coerced to their common type.
pub fn array(elements: Vec<Expr>) -> Result<Expr, TypeError> {
    if elements.is_empty() {
        return Err(TypeError::Invalid(
            "Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).".into(),
        ));
    }
    let (elements, common) = unify(elements)?;
    let element = common.ok_or_else(|| {
        TypeError::Invalid("Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.".into())
    })?;
    Ok(Expr::ArrayConstructor {
        elements,
        data_type: DataType::Array(Box::new(element)),
    })
}

/// `MAP(k := v, …)`: keys and values each coerced to their common type; a later duplicate key
/// wins.
pub fn map(entries: Vec<(Expr, Expr)>) -> Result<Expr, TypeError> {
    if entries.is_empty() {
        return Err(TypeError::Invalid(
            "Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).".into(),
        ));
    }
    let (keys, values): (Vec<Expr>, Vec<Expr>) = entries.into_iter().unzip();
    let (keys, key_type) = unify(keys)?;
    let key_type = key_type.ok_or_else(|| {
        TypeError::Invalid("Cannot construct a map with all NULL keys (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL key to the desired type.".into())
    })?;
    let (values, value_type) = unify(values)?;
    let value_type = value_type.ok_or_else(|| {
        TypeError::Invalid("Cannot construct a map with all NULL values (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.".into())
    })?;
    Ok(Expr::MapConstructor {
        entries: keys.into_iter().zip(values).collect(),
        data_type: DataType::Map(Box::new(key_type), Box::new(value_type)),
    })
}

/// `STRUCT(name := v, …)`; a NULL literal field is typed STRING (CAST it for another type).
pub fn structure(fields: Vec<(String, Expr)>) -> Result<Expr, TypeError> {
    let mut typed = Vec::with_capacity(fields.len());
    let mut types = Vec::with_capacity(fields.len());
    for (name, e) in fields {
        if types.iter().any(|f: &StructField| f.name == name) {
            return Err(TypeError::Invalid(format!(
                "Duplicate field names found in STRUCT: '{name}'"
            )));
        }
        let e = if e.is_null_literal() {
            coerce(e, &DataType::String)?
        } else {
            e
        };
        types.push(StructField {
            name: name.clone(),
            data_type: e.data_type(),
        });
        typed.push((name, e));
    }
    Ok(Expr::StructConstructor {
        fields: typed,
        data_type: DataType::Struct(types),
    })
}

/// A lambda argument; type its body with `FunctionRegistry::lambda_parameter_types` first.
pub fn lambda(params: Vec<String>, body: Expr) -> Expr {
    Expr::Lambda {
        params,
        body: Box::new(body),
    }
}

/// A lambda parameter reference (see `Expr::LambdaVariable` for the numbering).
pub fn lambda_variable(index: usize, data_type: DataType) -> Expr {
    Expr::LambdaVariable { index, data_type }
}
