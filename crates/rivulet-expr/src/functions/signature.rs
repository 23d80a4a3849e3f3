//! Function signatures: a small text notation (`ARRAY<T>, (T) => U -> ARRAY<U>`, `STRING... ->
//! STRING`), and matching argument types against it with implicit widening and generic type
//! variables, as ksqlDB's `UdfIndex` picks an overload.
//!
//! This module owns parameter types, binding and the cost of a match. It must not know any
//! particular function nor build expressions (the registry's resolver does).

use std::fmt;

use rivulet_core::{DataType, StructField};

use crate::typing::coercion::{common_type, implicit_cast_cost};

/// One parameter (or return) type in a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamType {
    /// A scalar type other than DECIMAL.
    Exact(DataType),
    /// Any DECIMAL(p, s); INT and BIGINT widen to it.
    AnyDecimal,
    /// A generic type variable (`T`), bound by the first argument it meets.
    Var(char),
    Array(Box<ParamType>),
    Map(Box<ParamType>, Box<ParamType>),
    AnyStruct,
    /// A lambda: its parameter types and its body's type.
    Lambda(Vec<ParamType>, Box<ParamType>),
}

/// How a signature's result type is found.
#[derive(Clone)]
pub enum Returns {
    Type(ParamType),
    /// Computed from the (coerced) argument types.
    Derived(fn(&[DataType]) -> DataType),
}

/// One overload.
#[derive(Clone)]
pub struct Signature {
    pub params: Vec<ParamType>,
    /// The last parameter repeats (zero or more times).
    pub variadic: bool,
    pub returns: Returns,
    text: String,
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// `(INT, INT) -> INT`, as DESCRIBE FUNCTION lists it.
impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Display for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamType::Exact(t) => write!(f, "{t}"),
            ParamType::AnyDecimal => f.write_str("DECIMAL"),
            ParamType::Var(c) => write!(f, "{c}"),
            ParamType::Array(e) => write!(f, "ARRAY<{e}>"),
            ParamType::Map(k, v) => write!(f, "MAP<{k}, {v}>"),
            ParamType::AnyStruct => f.write_str("STRUCT"),
            ParamType::Lambda(params, ret) => {
                f.write_str("(")?;
                for (i, p) in params.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{p}")?;
                }
                write!(f, ") => {ret}")
            }
        }
    }
}

impl Signature {
    /// Parses `P1, P2, ... -> R` (`P...` for a repeating last parameter, nothing before `->`
    /// for no parameters). Used on the built-in tables; an error names the bad text.
    pub fn parse(text: &str) -> Result<Signature, String> {
        let mut p = Parser {
            tokens: tokenize(text)?,
            pos: 0,
        };
        let mut params = Vec::new();
        let mut variadic = false;
        if p.peek() != Some("->") {
            loop {
                params.push(p.param()?);
                if p.peek() == Some("...") {
                    p.next();
                    variadic = true;
                }
                match p.next() {
                    Some(",") if !variadic => continue,
                    Some("->") => break,
                    other => return Err(format!("in `{text}`: unexpected {other:?}")),
                }
            }
        } else {
            p.next();
        }
        let ret = p.param()?;
        if p.peek().is_some() {
            return Err(format!("in `{text}`: trailing tokens"));
        }
        let shown: Vec<String> = params.iter().map(ToString::to_string).collect();
        let text = format!(
            "({}{}) -> {ret}",
            shown.join(", "),
            if variadic { "..." } else { "" }
        );
        Ok(Signature {
            params,
            variadic,
            returns: Returns::Type(ret),
            text,
        })
    }

    /// Replaces the result type with one computed from the argument types.
    pub fn derive(mut self, f: fn(&[DataType]) -> DataType) -> Signature {
        self.returns = Returns::Derived(f);
        self
    }

    /// The parameter the `i`-th argument meets.
    pub fn param(&self, i: usize) -> Option<&ParamType> {
        match self.params.get(i) {
            Some(p) => Some(p),
            None if self.variadic => self.params.last(),
            None => None,
        }
    }

    pub fn accepts_arity(&self, n: usize) -> bool {
        if self.variadic {
            n + 1 >= self.params.len()
        } else {
            n == self.params.len()
        }
    }
}

struct Parser {
    tokens: Vec<String>,
    pos: usize,
}

fn tokenize(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if text[char_offset(&chars, i)..].starts_with("->")
            || text[char_offset(&chars, i)..].starts_with("=>")
        {
            out.push(chars[i..i + 2].iter().collect());
            i += 2;
        } else if text[char_offset(&chars, i)..].starts_with("...") {
            out.push("...".into());
            i += 3;
        } else if "<>(),".contains(c) {
            out.push(c.to_string());
            i += 1;
        } else {
            return Err(format!("in `{text}`: unexpected character {c:?}"));
        }
    }
    Ok(out)
}

fn char_offset(chars: &[char], i: usize) -> usize {
    chars[..i].iter().map(|c| c.len_utf8()).sum()
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(String::as_str)
    }

    fn next(&mut self) -> Option<&str> {
        let t = self.tokens.get(self.pos).map(String::as_str);
        self.pos += 1;
        t
    }

    fn expect(&mut self, t: &str) -> Result<(), String> {
        match self.next() {
            Some(x) if x == t => Ok(()),
            other => Err(format!("expected {t}, got {other:?}")),
        }
    }

    fn param(&mut self) -> Result<ParamType, String> {
        let tok = self.next().ok_or("missing type")?.to_string();
        Ok(match tok.as_str() {
            "BOOLEAN" => ParamType::Exact(DataType::Boolean),
            "INT" => ParamType::Exact(DataType::Int),
            "BIGINT" => ParamType::Exact(DataType::Bigint),
            "DOUBLE" => ParamType::Exact(DataType::Double),
            "STRING" => ParamType::Exact(DataType::String),
            "BYTES" => ParamType::Exact(DataType::Bytes),
            "TIMESTAMP" => ParamType::Exact(DataType::Timestamp),
            "DATE" => ParamType::Exact(DataType::Date),
            "TIME" => ParamType::Exact(DataType::Time),
            "DECIMAL" => ParamType::AnyDecimal,
            "STRUCT" => ParamType::AnyStruct,
            "ARRAY" => {
                self.expect("<")?;
                let e = self.param()?;
                self.expect(">")?;
                ParamType::Array(Box::new(e))
            }
            "MAP" => {
                self.expect("<")?;
                let k = self.param()?;
                self.expect(",")?;
                let v = self.param()?;
                self.expect(">")?;
                ParamType::Map(Box::new(k), Box::new(v))
            }
            "(" => {
                let mut params = vec![self.param()?];
                while self.peek() == Some(",") {
                    self.next();
                    params.push(self.param()?);
                }
                self.expect(")")?;
                self.expect("=>")?;
                ParamType::Lambda(params, Box::new(self.param()?))
            }
            v if v.len() == 1 && v.chars().all(|c| c.is_ascii_uppercase()) => {
                ParamType::Var(v.chars().next().unwrap_or('T'))
            }
            other => return Err(format!("unknown type {other}")),
        })
    }
}

/// Type-variable bindings while matching one signature.
#[derive(Debug, Default, Clone)]
pub(crate) struct Bindings {
    vars: Vec<(char, DataType)>,
}

impl Bindings {
    pub(crate) fn get(&self, c: char) -> Option<&DataType> {
        self.vars.iter().find(|(v, _)| *v == c).map(|(_, t)| t)
    }

    fn set(&mut self, c: char, t: DataType) {
        match self.vars.iter_mut().find(|(v, _)| *v == c) {
            Some(slot) => slot.1 = t,
            None => self.vars.push((c, t)),
        }
    }
}

/// The cost of passing an argument of type `actual` to `param` (binding variables), or `None`.
pub(crate) fn match_param(param: &ParamType, actual: &DataType, b: &mut Bindings) -> Option<u32> {
    match (param, actual) {
        (ParamType::Exact(t), _) => implicit_cast_cost(actual, t),
        (ParamType::AnyDecimal, DataType::Decimal { .. }) => Some(0),
        (ParamType::AnyDecimal, DataType::Bigint) => Some(1),
        (ParamType::AnyDecimal, DataType::Int) => Some(2),
        (ParamType::AnyDecimal, _) => None,
        (ParamType::Var(c), _) => match b.get(*c).cloned() {
            None => {
                b.set(*c, actual.clone());
                Some(0)
            }
            Some(bound) if &bound == actual => Some(0),
            Some(bound) => {
                if let Some(cost) = implicit_cast_cost(actual, &bound) {
                    return Some(cost);
                }
                let widened = common_type(&bound, actual)?;
                b.set(*c, widened);
                Some(1)
            }
        },
        (ParamType::Array(p), DataType::Array(e)) => match_param(p, e, b),
        (ParamType::Map(pk, pv), DataType::Map(k, v)) => {
            Some(match_param(pk, k, b)? + match_param(pv, v, b)?)
        }
        (ParamType::AnyStruct, DataType::Struct(_)) => Some(0),
        _ => None,
    }
}

/// The concrete type a parameter stands for once variables are bound; `actual` (the
/// argument's own type, if it has one) fills in DECIMAL's precision and STRUCT's fields.
pub(crate) fn resolve(
    param: &ParamType,
    actual: Option<&DataType>,
    b: &Bindings,
) -> Option<DataType> {
    Some(match param {
        ParamType::Exact(t) => t.clone(),
        ParamType::AnyDecimal => {
            let (precision, scale) = actual.and_then(DataType::as_decimal).unwrap_or((10, 0));
            DataType::Decimal { precision, scale }
        }
        ParamType::Var(c) => b.get(*c)?.clone(),
        ParamType::Array(p) => {
            let inner = match actual {
                Some(DataType::Array(e)) => Some(e.as_ref()),
                _ => None,
            };
            DataType::Array(Box::new(resolve(p, inner, b)?))
        }
        ParamType::Map(pk, pv) => {
            let (k, v) = match actual {
                Some(DataType::Map(k, v)) => (Some(k.as_ref()), Some(v.as_ref())),
                _ => (None, None),
            };
            DataType::Map(Box::new(resolve(pk, k, b)?), Box::new(resolve(pv, v, b)?))
        }
        ParamType::AnyStruct => match actual {
            Some(t @ DataType::Struct(_)) => t.clone(),
            _ => DataType::Struct(Vec::<StructField>::new()),
        },
        ParamType::Lambda(_, ret) => resolve(ret, actual, b)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_the_notation() {
        let s = Signature::parse("ARRAY<T>, (T) => U -> ARRAY<U>").unwrap();
        assert_eq!(s.to_string(), "(ARRAY<T>, (T) => U) -> ARRAY<U>");
        let s = Signature::parse("STRING... -> STRING").unwrap();
        assert!(s.variadic && s.accepts_arity(0) && s.accepts_arity(3));
        assert_eq!(s.to_string(), "(STRING...) -> STRING");
        let s = Signature::parse("-> DOUBLE").unwrap();
        assert!(s.accepts_arity(0) && !s.accepts_arity(1));
        let s = Signature::parse("MAP<K, V>, S, (S, K, V) => S -> S").unwrap();
        assert_eq!(s.params.len(), 3);
        assert!(Signature::parse("FOO -> INT").is_err());
    }

    #[test]
    fn binds_and_widens_type_variables() {
        let mut b = Bindings::default();
        let t = ParamType::Var('T');
        assert_eq!(match_param(&t, &DataType::Int, &mut b), Some(0));
        assert_eq!(match_param(&t, &DataType::Bigint, &mut b), Some(1));
        assert_eq!(b.get('T'), Some(&DataType::Bigint));
        assert_eq!(match_param(&t, &DataType::String, &mut b), None);
        assert_eq!(
            match_param(&ParamType::Exact(DataType::Double), &DataType::Int, &mut b),
            Some(3)
        );
    }
}
