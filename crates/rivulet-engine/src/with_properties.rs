//! Reading a statement's `WITH (…)` properties: the names a statement accepts, string and
//! integer values, with ksqlDB's error messages. It must not decide what a property means.

use rivulet_sql::{Literal, Properties};

use crate::EngineError;

/// The WITH clause of one statement.
pub struct WithProperties<'a>(pub &'a Properties);

impl WithProperties<'_> {
    /// Fails naming every property not in `allowed` (upper-case names); `what` ends the
    /// message prefix (`WITH clause` plus any qualification).
    pub fn check_known(&self, allowed: &[&str], what: &str) -> Result<(), EngineError> {
        let unknown: Vec<String> = self
            .0
            .iter()
            .map(|p| p.name.as_str().to_ascii_uppercase())
            .filter(|n| !allowed.contains(&n.as_str()))
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(EngineError::statement(format!(
                "Invalid config variable(s) in the {what}: {}",
                unknown.join(",")
            )))
        }
    }

    /// A string property.
    pub fn string(&self, key: &str) -> Result<Option<String>, EngineError> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Literal::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(EngineError::statement(format!(
                "Invalid value for {key}: expected a string, got {other}"
            ))),
        }
    }

    /// An integer property (an integer literal or a string of digits).
    pub fn int(&self, key: &str) -> Result<Option<i64>, EngineError> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Literal::Integer(v)) => Ok(Some(i64::from(*v))),
            Some(Literal::BigInt(v)) => Ok(Some(*v)),
            Some(Literal::String(s)) => s.trim().parse().map(Some).map_err(|_| {
                EngineError::statement(format!("Invalid value for {key}: '{s}' is not a number"))
            }),
            Some(other) => Err(EngineError::statement(format!(
                "Invalid value for {key}: expected an integer, got {other}"
            ))),
        }
    }

    /// A boolean property (`true`/`false`, or the strings `'true'`/`'false'`).
    pub fn bool(&self, key: &str) -> Result<Option<bool>, EngineError> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Literal::Boolean(b)) => Ok(Some(*b)),
            Some(Literal::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Literal::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(other) => Err(EngineError::statement(format!(
                "Invalid value for {key}: {other}"
            ))),
        }
    }
}
