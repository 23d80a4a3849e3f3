//! What one request carries besides its statements: property overrides (`streamsProperties`,
//! changed by SET/UNSET for the rest of the request) and `${var}` variables (`sessionVariables`,
//! changed by DEFINE/UNDEFINE).

use std::collections::BTreeMap;

use rivulet_sql::Variables;

/// Per-request state while a script runs.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub properties: BTreeMap<String, String>,
    pub variables: Variables,
}

impl Session {
    /// A session from a request's `streamsProperties` and `sessionVariables` (JSON objects).
    pub fn from_request(
        properties: Option<&serde_json::Map<String, serde_json::Value>>,
        variables: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> Self {
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut session = Session::default();
        for (k, v) in properties.into_iter().flatten() {
            session.properties.insert(k.clone(), text(v));
        }
        for (k, v) in variables.into_iter().flatten() {
            session.variables.define(k, &text(v));
        }
        session
    }

    /// A property by its name or its `ksql.streams.` form (`auto.offset.reset` either way).
    pub fn property(&self, name: &str) -> Option<&str> {
        let bare = name.strip_prefix("ksql.streams.").unwrap_or(name);
        self.properties
            .get(bare)
            .or_else(|| self.properties.get(&format!("ksql.streams.{bare}")))
            .map(String::as_str)
    }
}
