//! The categories SHOW FUNCTIONS lists each function under, with ksqlDB's exact names
//! (`io.confluent.ksql.function.FunctionCategory`: `MATHEMATICAL`, `STRING`, `DATE / TIME`, …).
//!
//! This module owns the category names only. It must not decide which function is in which
//! category: each family module's registration does (the registry gives a family's functions
//! its default category, and a function may override it).

use std::fmt;

/// A function's category, as SHOW FUNCTIONS and DESCRIBE FUNCTION print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FunctionCategory {
    Conditional,
    Mathematical,
    String,
    RegularExpression,
    Json,
    DateTime,
    Array,
    Map,
    Url,
    Other,
    Aggregate,
    Table,
    Lambda,
    Conversions,
}

impl FunctionCategory {
    /// ksqlDB's text for the category.
    pub fn as_str(self) -> &'static str {
        match self {
            FunctionCategory::Conditional => "CONDITIONAL",
            FunctionCategory::Mathematical => "MATHEMATICAL",
            FunctionCategory::String => "STRING",
            FunctionCategory::RegularExpression => "REGULAR EXPRESSION",
            FunctionCategory::Json => "JSON",
            FunctionCategory::DateTime => "DATE / TIME",
            FunctionCategory::Array => "ARRAY",
            FunctionCategory::Map => "MAP",
            FunctionCategory::Url => "URL",
            FunctionCategory::Other => "OTHER",
            FunctionCategory::Aggregate => "AGGREGATE",
            FunctionCategory::Table => "TABLE",
            FunctionCategory::Lambda => "LAMBDA",
            FunctionCategory::Conversions => "CONVERSIONS",
        }
    }
}

impl fmt::Display for FunctionCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
