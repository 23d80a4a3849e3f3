//! The aggregate functions as SHOW FUNCTIONS / DESCRIBE FUNCTION list them: ksqlDB's
//! descriptions (`@UdafDescription`) and, per variant, its signature (in the scalar registry's
//! `ARGS -> RESULT` notation, `T` for any type) and ksqlDB's `@UdafFactory` description.
//!
//! This module owns the listing text only; it must not decide typing (`resolve` does).

/// One aggregate function's listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AggregateFunctionInfo {
    /// Upper-case, as SHOW FUNCTIONS lists it.
    pub name: &'static str,
    pub description: &'static str,
    /// `(signature, description)` of each variant.
    pub variants: &'static [(&'static str, &'static str)],
}

/// The category SHOW FUNCTIONS gives every aggregate function.
pub const AGGREGATE_CATEGORY: &str = "AGGREGATE";

const OFFSET_DESCRIPTION: &str =
    "This function returns the oldest N values for the column, computed by offset.";
const STDDEV_DESCRIPTION: &str =
    "Returns the sample standard deviation of the column. Applicable only to numeric types.";
const STDDEV_VARIANTS: &[(&str, &str)] = &[
    (
        "BIGINT -> DOUBLE",
        "Compute sample standard deviation of column with type Long.",
    ),
    (
        "INT -> DOUBLE",
        "Compute sample standard deviation of column with type Integer.",
    ),
    (
        "DOUBLE -> DOUBLE",
        "Compute sample standard deviation of column with type Double.",
    ),
];

/// Every aggregate function, by name.
const FUNCTIONS: &[AggregateFunctionInfo] = &[
    AggregateFunctionInfo {
        name: "AVG",
        description: "Returns the average value of the column computed as the sum divided by thecount. Applicable only to numeric types.",
        variants: &[
            ("BIGINT -> DOUBLE", "Compute average of column with type Long."),
            ("INT -> DOUBLE", "Compute average of column with type Integer."),
            ("DOUBLE -> DOUBLE", "Compute average of column with type Double."),
        ],
    },
    AggregateFunctionInfo {
        name: "COLLECT_LIST",
        description: "Gather all of the values from an input grouping into a single Array field.\nAlthough this aggregate works on both Stream and Table inputs, the order of entries in the result array is not guaranteed when working on Table input data.\nYou may limit the size of the resultant Array to N entries, beyond which any further values will be silently ignored, by setting the ksql.functions.collect_list.limit configuration to N.",
        variants: &[("T -> ARRAY<T>", "collect values of a field into a single Array")],
    },
    AggregateFunctionInfo {
        name: "COLLECT_SET",
        description: "Gather all of the distinct values from an input grouping into a single Array.\nNot available for aggregating values from an input Table.\nYou may limit the size of the resultant Array to N entries, beyond which any further values will be silently ignored, by setting the ksql.functions.collect_list.limit configuration to N.",
        variants: &[(
            "T -> ARRAY<T>",
            "collect distinct values of a Bigint field into a single Array",
        )],
    },
    AggregateFunctionInfo {
        name: "CORRELATION",
        description: "Computes the Pearson correlation coefficient between two columns of data.",
        variants: &[
            (
                "DOUBLE, DOUBLE -> DOUBLE",
                "Computes the Pearson correlation coefficient between two DOUBLE columns.",
            ),
            (
                "INT, INT -> DOUBLE",
                "Computes the Pearson correlation coefficient between two INTEGER columns.",
            ),
            (
                "BIGINT, BIGINT -> DOUBLE",
                "Computes the Pearson correlation coefficient between two BIGINT columns.",
            ),
        ],
    },
    AggregateFunctionInfo {
        name: "COUNT",
        description: "Counts records by key.",
        variants: &[("T -> BIGINT", "Counts records by key.")],
    },
    AggregateFunctionInfo {
        name: "COUNT_DISTINCT",
        description: "This function returns the number of items found in a group. The implementation is probabilistic with a typical accuracy (standard error) of less than 1%.",
        variants: &[("T -> BIGINT", "Count distinct")],
    },
    AggregateFunctionInfo {
        name: "EARLIEST_BY_OFFSET",
        description: OFFSET_DESCRIPTION,
        variants: &[
            ("T -> T", "return the earliest value of a column"),
            ("T, BOOLEAN -> T", "return the earliest value of a column"),
            ("T, INT -> ARRAY<T>", "return the earliest N values of a column"),
            (
                "T, INT, BOOLEAN -> ARRAY<T>",
                "return the earliest N values of a column",
            ),
        ],
    },
    AggregateFunctionInfo {
        name: "HISTOGRAM",
        description: "Returns a map of each distinct String from the input Stream or Table and how many times each occurs. \nThis version limits the size of the resultant Map to 1000 entries. Any entries added beyond this limit will be ignored.",
        variants: &[(
            "STRING -> MAP<STRING, BIGINT>",
            "Build a value-to-count histogram of input Strings",
        )],
    },
    AggregateFunctionInfo {
        name: "LATEST_BY_OFFSET",
        description: OFFSET_DESCRIPTION,
        variants: &[
            ("T -> T", "return the latest value of a column"),
            ("T, BOOLEAN -> T", "return the latest value of a column"),
            ("T, INT -> ARRAY<T>", "return the latest N values of a column"),
            (
                "T, INT, BOOLEAN -> ARRAY<T>",
                "return the latest N values of a column",
            ),
        ],
    },
    AggregateFunctionInfo {
        name: "MAX",
        description: "Computes the maximum value for a key.",
        variants: &[
            ("INT -> INT", "Computes the maximum value for an integer key."),
            ("BIGINT -> BIGINT", "Computes the maximum value for a long key."),
            ("DOUBLE -> DOUBLE", "Computes the maximum value for a double key."),
            ("DECIMAL -> DECIMAL", "Computes the maximum value for a decimal key."),
            ("DATE -> DATE", "Computes the maximum value for a date key."),
            ("TIME -> TIME", "Computes the maximum value for a time key."),
            (
                "TIMESTAMP -> TIMESTAMP",
                "Computes the maximum value for a timestamp key.",
            ),
            ("STRING -> STRING", "Computes the maximum value for a string key."),
            ("BYTES -> BYTES", "Computes the maximum value for a bytes key."),
        ],
    },
    AggregateFunctionInfo {
        name: "MIN",
        description: "Computes the minimum value for a key.",
        variants: &[
            ("INT -> INT", "Computes the minimum value for an integer key."),
            ("BIGINT -> BIGINT", "Computes the minimum value for a long key."),
            ("DOUBLE -> DOUBLE", "Computes the minimum value for a double key."),
            ("DECIMAL -> DECIMAL", "Computes the minimum value for a decimal key."),
            ("DATE -> DATE", "Computes the minimum value for a date key."),
            ("TIME -> TIME", "Computes the minimum value for a time key."),
            (
                "TIMESTAMP -> TIMESTAMP",
                "Computes the minimum value for a timestamp key.",
            ),
            ("STRING -> STRING", "Computes the minimum value for a string key."),
            ("BYTES -> BYTES", "Computes the minimum value for a bytes key."),
        ],
    },
    AggregateFunctionInfo {
        name: "STDDEV_SAMP",
        description: STDDEV_DESCRIPTION,
        variants: STDDEV_VARIANTS,
    },
    AggregateFunctionInfo {
        name: "STDDEV_SAMPLE",
        description: STDDEV_DESCRIPTION,
        variants: STDDEV_VARIANTS,
    },
    AggregateFunctionInfo {
        name: "SUM",
        description: "Computes the sum for a key.",
        variants: &[
            (
                "DECIMAL -> DECIMAL",
                "Computes the sum of decimal values for a key, resulting in a decimal with the same precision and scale.",
            ),
            ("DOUBLE -> DOUBLE", "Computes the sum for a key."),
            ("BIGINT -> BIGINT", "Computes the sum for a key."),
            ("INT -> INT", "Computes the sum for a key."),
        ],
    },
    AggregateFunctionInfo {
        name: "TOPK",
        description: "Returns the top k values for a column and other values in those records.",
        variants: &[
            (
                "INT, ANY..., INT -> ARRAY",
                "Returns the top k values for an integer column and other values in those records.",
            ),
            (
                "BIGINT, ANY..., INT -> ARRAY",
                "Returns the top k values for a bigint column and other values in those records.",
            ),
            (
                "DOUBLE, ANY..., INT -> ARRAY",
                "Returns the top k values for a double column and other values in those records.",
            ),
            (
                "STRING, ANY..., INT -> ARRAY",
                "Returns the top k values for a string column and other values in those records.",
            ),
        ],
    },
    AggregateFunctionInfo {
        name: "TOPKDISTINCT",
        description: "Computes the top k distinct values for a column, per key.",
        variants: &[
            (
                "INT, INT -> ARRAY<INT>",
                "Calculates the top k distinct values for an integer column, per key.",
            ),
            (
                "BIGINT, INT -> ARRAY<BIGINT>",
                "Calculates the top k distinct values for a long column, per key.",
            ),
            (
                "DOUBLE, INT -> ARRAY<DOUBLE>",
                "Calculates the top k distinct values for a double column, per key.",
            ),
            (
                "STRING, INT -> ARRAY<STRING>",
                "Calculates the top k distinct values for a string column, per key.",
            ),
            (
                "DECIMAL, INT -> ARRAY<DECIMAL>",
                "Calculates the top k distinct values for a decimal column, per key.",
            ),
            (
                "DATE, INT -> ARRAY<DATE>",
                "Calculates the top k distinct values for a date column, per key.",
            ),
            (
                "TIME, INT -> ARRAY<TIME>",
                "Calculates the top k distinct values for a time column, per key.",
            ),
            (
                "TIMESTAMP, INT -> ARRAY<TIMESTAMP>",
                "Calculates the top k distinct values for a timestamp column, per key.",
            ),
            (
                "BYTES, INT -> ARRAY<BYTES>",
                "Calculates the top k distinct values for a bytes column, per key.",
            ),
        ],
    },
];

/// Every aggregate function, sorted by name.
pub fn aggregate_functions() -> &'static [AggregateFunctionInfo] {
    FUNCTIONS
}

/// One aggregate function's listing by name, any case.
pub fn aggregate_function(name: &str) -> Option<&'static AggregateFunctionInfo> {
    FUNCTIONS.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::AGGREGATE_NAMES;

    #[test]
    fn every_aggregate_is_listed_once_in_name_order() {
        let names: Vec<&str> = aggregate_functions().iter().map(|f| f.name).collect();
        let mut expected = AGGREGATE_NAMES.to_vec();
        expected.sort_unstable();
        assert_eq!(names, expected);
        assert!(aggregate_functions()
            .iter()
            .all(|f| !f.description.is_empty() && !f.variants.is_empty()));
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(aggregate_function("topk").map(|f| f.name), Some("TOPK"));
        assert!(aggregate_function("ABS").is_none());
    }
}
