//! The function registry: every built-in scalar function by upper-cased name, the listing for
//! SHOW FUNCTIONS / DESCRIBE FUNCTION, and overload resolution — arity, implicit widening,
//! generic and lambda types — that turns a name and arguments into a typed `Call`.
//!
//! This module owns lookup and resolution. It must not implement functions (the family modules
//! do) nor evaluate anything.

use std::{
    collections::HashMap,
    sync::{Arc, OnceLock},
};

use rivulet_core::DataType;

use super::{
    signature::{match_param, resolve, Bindings, ParamType, Returns, Signature},
    FunctionCategory, Implementation, NullPolicy, ScalarFunction,
};
use crate::{
    error::TypeError,
    expr::Expr,
    typing::coercion::{cast_node, coerce, implicit_cast_cost},
};

/// All built-in scalar functions.
pub struct FunctionRegistry {
    by_name: HashMap<&'static str, Arc<ScalarFunction>>,
    names: Vec<&'static str>,
}

/// The process-wide registry, built on first use.
pub fn registry() -> &'static FunctionRegistry {
    static REGISTRY: OnceLock<FunctionRegistry> = OnceLock::new();
    REGISTRY.get_or_init(FunctionRegistry::builtin)
}

/// Parses a built-in signature. The tables are fixed text checked by the tests, so a bad
/// entry is a bug caught before release, not an input error.
pub(crate) fn sig(text: &str) -> Signature {
    Signature::parse(text).unwrap_or_else(|e| panic!("bad built-in signature: {e}"))
}

/// A family module's `register`.
type Register = fn(&mut Builder);

/// Collects functions while the registry is built.
pub(crate) struct Builder {
    functions: Vec<ScalarFunction>,
    /// The category of the family being registered; `ScalarFunction::category` overrides it.
    category: FunctionCategory,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            functions: Vec::new(),
            category: FunctionCategory::Other,
        }
    }
}

impl Builder {
    /// Adds a function that returns NULL when any argument is NULL; adjust the returned entry
    /// for other policies.
    pub(crate) fn add(
        &mut self,
        name: &'static str,
        description: &'static str,
        signatures: &[&str],
        implementation: Implementation,
    ) -> &mut ScalarFunction {
        self.add_signatures(
            name,
            description,
            signatures.iter().map(|s| sig(s)).collect(),
            implementation,
        )
    }

    pub(crate) fn add_signatures(
        &mut self,
        name: &'static str,
        description: &'static str,
        signatures: Vec<Signature>,
        implementation: Implementation,
    ) -> &mut ScalarFunction {
        self.functions.push(ScalarFunction {
            name,
            description,
            signatures,
            implementation,
            null_policy: NullPolicy::NullOnAnyNull,
            deterministic: true,
            category: self.category,
        });
        let last = self.functions.len() - 1;
        &mut self.functions[last]
    }
}

impl ScalarFunction {
    /// Lets the implementation see NULL arguments.
    pub(crate) fn custom_nulls(&mut self) -> &mut Self {
        self.null_policy = NullPolicy::Custom;
        self
    }

    pub(crate) fn nondeterministic(&mut self) -> &mut Self {
        self.deterministic = false;
        self
    }

    /// Lists the function under another category than its family's.
    pub(crate) fn in_category(&mut self, category: FunctionCategory) -> &mut Self {
        self.category = category;
        self
    }
}

impl FunctionRegistry {
    fn builtin() -> FunctionRegistry {
        use FunctionCategory as C;
        let mut b = Builder::default();
        let families: [(Register, FunctionCategory); 11] = [
            (super::math::register, C::Mathematical),
            (super::geo::register, C::Mathematical),
            (super::string::register, C::String),
            (super::mask::register, C::String),
            (super::regexp::register, C::RegularExpression),
            (super::encoding::register, C::String),
            (super::datetime::register, C::DateTime),
            (super::nulls::register, C::Conditional),
            (super::collections::register, C::Array),
            (super::lambda::register, C::Lambda),
            (super::json::register, C::Json),
        ];
        for (register, category) in families {
            b.category = category;
            register(&mut b);
        }
        let mut by_name = HashMap::new();
        let mut names = Vec::new();
        for f in b.functions {
            names.push(f.name);
            by_name.insert(f.name, Arc::new(f));
        }
        names.sort_unstable();
        names.dedup();
        FunctionRegistry { by_name, names }
    }

    /// A function by name, any case.
    pub fn get(&self, name: &str) -> Option<&Arc<ScalarFunction>> {
        self.by_name
            .get(name)
            .or_else(|| self.by_name.get(name.to_ascii_uppercase().as_str()))
    }

    /// Every function, by name (SHOW FUNCTIONS; each has its description and signatures for
    /// DESCRIBE FUNCTION).
    pub fn list(&self) -> Vec<&ScalarFunction> {
        self.names
            .iter()
            .filter_map(|n| self.by_name.get(n).map(Arc::as_ref))
            .collect()
    }

    /// Types `name(args)`: picks the cheapest matching overload, inserts the implicit casts,
    /// types NULL literals and lambda bodies, and computes the result type.
    pub fn call(&self, name: &str, args: Vec<Expr>) -> Result<Expr, TypeError> {
        let function = self
            .get(name)
            .ok_or_else(|| TypeError::UnknownFunction(name.to_ascii_uppercase()))?;
        let arg_types: Vec<Option<DataType>> = args.iter().map(arg_type).collect();
        let mut best: Option<(u32, &Signature, Bindings)> = None;
        for signature in &function.signatures {
            if let Some((cost, bindings)) = match_signature(signature, &args, &arg_types) {
                let better = match &best {
                    Some((c, _, _)) => cost < *c,
                    None => true,
                };
                if better {
                    best = Some((cost, signature, bindings));
                }
            }
        }
        let Some((_, signature, bindings)) = best else {
            return Err(no_match(function, &args));
        };
        let mut coerced = Vec::with_capacity(args.len());
        for (i, (arg, actual)) in args.into_iter().zip(&arg_types).enumerate() {
            let param = signature
                .param(i)
                .ok_or_else(|| no_match_simple(function))?;
            coerced.push(coerce_arg(
                function.name,
                arg,
                actual.as_ref(),
                param,
                &bindings,
            )?);
        }
        let types: Vec<DataType> = coerced.iter().map(Expr::data_type).collect();
        let return_type = match &signature.returns {
            Returns::Derived(f) => f(&types),
            Returns::Type(ParamType::AnyDecimal) => types
                .iter()
                .find(|t| matches!(t, DataType::Decimal { .. }))
                .cloned()
                .unwrap_or(DataType::Decimal {
                    precision: 10,
                    scale: 0,
                }),
            Returns::Type(p) => resolve(p, None, &bindings).ok_or_else(|| {
                TypeError::Invalid(format!(
                    "Function '{}' cannot resolve its return type {p} from NULL arguments",
                    function.name
                ))
            })?,
        };
        Ok(Expr::Call {
            function: Arc::clone(function),
            args: coerced,
            return_type,
        })
    }

    /// The types a lambda's parameters take when it is argument number `preceding.len()` of
    /// `name`, given the types of the arguments before it (for an earlier lambda, its body's
    /// type). The planner types the lambda body with these before calling `call`.
    pub fn lambda_parameter_types(
        &self,
        name: &str,
        preceding: &[DataType],
        arity: usize,
    ) -> Result<Vec<DataType>, TypeError> {
        let function = self
            .get(name)
            .ok_or_else(|| TypeError::UnknownFunction(name.to_ascii_uppercase()))?;
        'signatures: for signature in &function.signatures {
            let Some(ParamType::Lambda(params, _)) = signature.param(preceding.len()) else {
                continue;
            };
            if params.len() != arity {
                continue;
            }
            let mut b = Bindings::default();
            for (i, t) in preceding.iter().enumerate() {
                let param = match signature.param(i) {
                    Some(ParamType::Lambda(_, ret)) => ret.as_ref(),
                    Some(p) => p,
                    None => continue 'signatures,
                };
                if match_param(param, t, &mut b).is_none() {
                    continue 'signatures;
                }
            }
            if let Some(types) = params
                .iter()
                .map(|p| resolve(p, None, &b))
                .collect::<Option<Vec<_>>>()
            {
                return Ok(types);
            }
        }
        Err(TypeError::Invalid(format!(
            "Function '{}' takes no lambda with {arity} parameter(s) after arguments ({})",
            function.name,
            preceding
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }
}

/// An argument's type for matching: `None` for a NULL literal (matches anything) and for a
/// lambda (matched by its own rule).
fn arg_type(e: &Expr) -> Option<DataType> {
    match e {
        _ if e.is_null_literal() => None,
        Expr::Lambda { .. } => None,
        _ => Some(e.data_type()),
    }
}

/// The total widening cost of calling `signature` with `args`, or `None` if it does not fit.
fn match_signature(
    signature: &Signature,
    args: &[Expr],
    types: &[Option<DataType>],
) -> Option<(u32, Bindings)> {
    if !signature.accepts_arity(args.len()) {
        return None;
    }
    let mut b = Bindings::default();
    let mut cost = 0;
    for (i, (arg, t)) in args.iter().zip(types).enumerate() {
        let param = signature.param(i)?;
        match (arg, param) {
            (Expr::Lambda { params, .. }, ParamType::Lambda(ps, _)) => {
                if params.len() != ps.len() {
                    return None;
                }
            }
            (Expr::Lambda { .. }, _) | (_, ParamType::Lambda(..)) => return None,
            _ => {
                if let Some(t) = t {
                    cost += match_param(param, t, &mut b)?;
                }
            }
        }
    }
    // Lambda bodies: bind the result variable, or check the body widens to it.
    for (i, arg) in args.iter().enumerate() {
        if let (Expr::Lambda { body, .. }, Some(ParamType::Lambda(_, ret))) =
            (arg, signature.param(i))
        {
            let body_type = body.data_type();
            match ret.as_ref() {
                ParamType::Var(c) if b.get(*c).is_none() => {
                    match_param(ret, &body_type, &mut b)?;
                }
                _ => {
                    let target = resolve(ret, Some(&body_type), &b)?;
                    cost += implicit_cast_cost(&body_type, &target)?;
                }
            }
        }
    }
    Some((cost, b))
}

fn coerce_arg(
    function: &str,
    arg: Expr,
    actual: Option<&DataType>,
    param: &ParamType,
    b: &Bindings,
) -> Result<Expr, TypeError> {
    if let Expr::Lambda { params, body } = arg {
        let body_type = body.data_type();
        let target = resolve(param, Some(&body_type), b).unwrap_or_else(|| body_type.clone());
        let body = if target == body_type {
            *body
        } else {
            cast_node(*body, target)
        };
        return Ok(Expr::Lambda {
            params,
            body: Box::new(body),
        });
    }
    let target = resolve(param, actual, b).ok_or_else(|| {
        TypeError::Invalid(format!(
            "Function '{function}' cannot infer the type of a NULL argument for parameter {param}; CAST it"
        ))
    })?;
    coerce(arg, &target)
}

fn describe_arg(e: &Expr) -> String {
    match e {
        _ if e.is_null_literal() => "NULL".into(),
        Expr::Lambda { params, body } => {
            format!("LAMBDA({}) => {}", params.len(), body.data_type())
        }
        _ => e.data_type().to_string(),
    }
}

fn no_match(function: &ScalarFunction, args: &[Expr]) -> TypeError {
    TypeError::NoMatchingSignature {
        name: function.name.to_string(),
        args: args.iter().map(describe_arg).collect(),
        alternatives: function
            .signatures
            .iter()
            .map(|s| format!("{}{s}", function.name))
            .collect(),
    }
}

fn no_match_simple(function: &ScalarFunction) -> TypeError {
    no_match(function, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(name: &str) -> &'static str {
        registry()
            .get(name)
            .map(|f| f.category.as_str())
            .unwrap_or("missing")
    }

    #[test]
    fn each_family_lists_under_its_ksqldb_category() {
        assert_eq!(category("ABS"), "MATHEMATICAL");
        assert_eq!(category("GEO_DISTANCE"), "MATHEMATICAL");
        assert_eq!(category("CONCAT"), "STRING");
        assert_eq!(category("MASK"), "STRING");
        assert_eq!(category("REGEXP_EXTRACT"), "REGULAR EXPRESSION");
        assert_eq!(category("FORMAT_TIMESTAMP"), "DATE / TIME");
        assert_eq!(category("COALESCE"), "CONDITIONAL");
        assert_eq!(category("ARRAY_LENGTH"), "ARRAY");
        assert_eq!(category("MAP_KEYS"), "MAP");
        assert_eq!(category("AS_VALUE"), "OTHER");
        assert_eq!(category("TRANSFORM"), "LAMBDA");
        assert_eq!(category("EXTRACTJSONFIELD"), "JSON");
        assert_eq!(category("INT_FROM_BYTES"), "CONVERSIONS");
    }
}
