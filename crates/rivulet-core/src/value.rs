//! A SQL value (ksqlDB's types) as operators see it. Equality and hashing are total (NaN equals
//! NaN, decimals compare across scales) so values can key groups and joins.

use std::{
    cmp::Ordering,
    fmt,
    hash::{Hash, Hasher},
    sync::Arc,
};

use bytes::Bytes;

use crate::{DataType, Decimal};

/// One SQL value. Strings are shared (`Arc<str>`) so copying a row copies pointers.
#[derive(Debug, Clone, Default)]
pub enum Value {
    #[default]
    Null,
    Boolean(bool),
    Int(i32),
    Bigint(i64),
    Double(f64),
    Decimal(Decimal),
    String(Arc<str>),
    Bytes(Bytes),
    /// Epoch milliseconds, UTC.
    Timestamp(i64),
    /// Days since the epoch.
    Date(i32),
    /// Milliseconds since midnight.
    Time(i32),
    Array(Vec<Value>),
    /// Entries in insertion order.
    Map(Vec<(Value, Value)>),
    /// Fields by name, in the struct type's order.
    Struct(Vec<(Arc<str>, Value)>),
}

impl Value {
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The type of a non-null scalar value; `None` for NULL and for collections (whose element
    /// types the schema says).
    pub fn scalar_type(&self) -> Option<DataType> {
        Some(match self {
            Value::Boolean(_) => DataType::Boolean,
            Value::Int(_) => DataType::Int,
            Value::Bigint(_) => DataType::Bigint,
            Value::Double(_) => DataType::Double,
            Value::Decimal(d) => DataType::Decimal {
                precision: d.precision(),
                scale: d.scale,
            },
            Value::String(_) => DataType::String,
            Value::Bytes(_) => DataType::Bytes,
            Value::Timestamp(_) => DataType::Timestamp,
            Value::Date(_) => DataType::Date,
            Value::Time(_) => DataType::Time,
            _ => return None,
        })
    }

    /// The value as a double, for numeric values.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(v) => Some(f64::from(*v)),
            Value::Bigint(v) => Some(*v as f64),
            Value::Double(v) => Some(*v),
            Value::Decimal(d) => Some(d.to_f64()),
            _ => None,
        }
    }

    /// The value as a 64-bit integer, for integer values.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(i64::from(*v)),
            Value::Bigint(v) => Some(*v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    /// SQL comparison: `None` when either side is NULL or the kinds are not comparable.
    /// Numbers compare across INT, BIGINT, DOUBLE and DECIMAL.
    pub fn sql_cmp(&self, other: &Value) -> Option<Ordering> {
        use Value::*;
        match (self, other) {
            (Null, _) | (_, Null) => None,
            (Int(_) | Bigint(_), Int(_) | Bigint(_)) => {
                self.as_i64()?.partial_cmp(&other.as_i64()?)
            }
            (Decimal(a), Decimal(b)) => Some(a.cmp(b)),
            (Decimal(a), Int(_) | Bigint(_)) => {
                Some(a.cmp(&crate::Decimal::new(i128::from(other.as_i64()?), 0)))
            }
            (Int(_) | Bigint(_), Decimal(b)) => {
                Some(crate::Decimal::new(i128::from(self.as_i64()?), 0).cmp(b))
            }
            (
                Int(_) | Bigint(_) | Double(_) | Decimal(_),
                Int(_) | Bigint(_) | Double(_) | Decimal(_),
            ) => self.as_f64()?.partial_cmp(&other.as_f64()?),
            (Boolean(a), Boolean(b)) => Some(a.cmp(b)),
            (String(a), String(b)) => Some(a.cmp(b)),
            (Bytes(a), Bytes(b)) => Some(a.cmp(b)),
            (Timestamp(a), Timestamp(b)) => Some(a.cmp(b)),
            (Date(a), Date(b)) => Some(a.cmp(b)),
            (Time(a), Time(b)) => Some(a.cmp(b)),
            (Array(a), Array(b)) => {
                for (x, y) in a.iter().zip(b) {
                    match x.sql_cmp(y)? {
                        Ordering::Equal => {}
                        o => return Some(o),
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            _ => None,
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        use Value::*;
        match (self, other) {
            (Null, Null) => true,
            (Double(a), Double(b)) => a.to_bits() == b.to_bits() || a == b,
            (Map(a), Map(b)) => a == b,
            (Struct(a), Struct(b)) => a == b,
            (Array(a), Array(b)) => a == b,
            (Null, _) | (_, Null) => false,
            _ => self.sql_cmp(other) == Some(Ordering::Equal) && self.kind() == other.kind(),
        }
    }
}

impl Eq for Value {}

impl Value {
    /// A tag of the variant, for hashing and equality across kinds.
    fn kind(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Boolean(_) => 1,
            Value::Int(_) | Value::Bigint(_) => 2,
            Value::Double(_) => 3,
            Value::Decimal(_) => 4,
            Value::String(_) => 5,
            Value::Bytes(_) => 6,
            Value::Timestamp(_) => 7,
            Value::Date(_) => 8,
            Value::Time(_) => 9,
            Value::Array(_) => 10,
            Value::Map(_) => 11,
            Value::Struct(_) => 12,
        }
    }
}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.kind().hash(state);
        match self {
            Value::Null => {}
            Value::Boolean(b) => b.hash(state),
            Value::Int(_) | Value::Bigint(_) => self.as_i64().hash(state),
            Value::Double(d) => {
                // +0.0 and -0.0 are equal, so they must hash alike.
                let d = if *d == 0.0 { 0.0 } else { *d };
                d.to_bits().hash(state)
            }
            Value::Decimal(d) => d.hash(state),
            Value::String(s) => s.hash(state),
            Value::Bytes(b) => b.hash(state),
            Value::Timestamp(t) => t.hash(state),
            Value::Date(d) => d.hash(state),
            Value::Time(t) => t.hash(state),
            Value::Array(a) => a.hash(state),
            Value::Map(m) => m.hash(state),
            Value::Struct(s) => s.hash(state),
        }
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Boolean(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Bigint(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Double(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.into())
    }
}

/// ksqlDB's text form of a value (CAST to STRING, string concatenation).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::Int(v) => write!(f, "{v}"),
            Value::Bigint(v) => write!(f, "{v}"),
            Value::Double(v) => write!(f, "{}", java_double(*v)),
            Value::Decimal(d) => write!(f, "{d}"),
            Value::String(s) => f.write_str(s),
            Value::Bytes(b) => write!(f, "{}", crate::base64::encode(b)),
            Value::Timestamp(ms) => f.write_str(&crate::time::format_timestamp(*ms)),
            Value::Date(days) => f.write_str(&crate::time::format_date(*days)),
            Value::Time(ms) => f.write_str(&crate::time::format_time(*ms)),
            Value::Array(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Map(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}={v}")?;
                }
                f.write_str("}")
            }
            Value::Struct(fields) => {
                f.write_str("Struct{")?;
                let mut first = true;
                for (name, v) in fields.iter().filter(|(_, v)| !v.is_null()) {
                    if !first {
                        f.write_str(",")?;
                    }
                    first = false;
                    write!(f, "{name}={v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// A double as Java's `Double.toString` prints it (`1.0`, `1.5E10`, `NaN`, `Infinity`).
pub fn java_double(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let abs = v.abs();
    if abs == 0.0 || (1e-3..1e7).contains(&abs) {
        let s = format!("{v}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        // Scientific: shortest mantissa with at least one fractional digit.
        let s = format!("{v:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exp}")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn equality_and_hash_are_total_and_cross_integer_width() {
        let mut set = HashSet::new();
        set.insert(Value::Int(5));
        assert!(set.contains(&Value::Bigint(5)));
        set.insert(Value::Double(f64::NAN));
        assert!(set.contains(&Value::Double(f64::NAN)));
        set.insert(Value::Double(0.0));
        assert!(set.contains(&Value::Double(-0.0)));
        assert_ne!(Value::Int(1), Value::Double(1.0));
        assert_ne!(Value::Null, Value::Int(0));
    }

    #[test]
    fn sql_comparison_across_numeric_types_and_null() {
        assert_eq!(
            Value::Int(2).sql_cmp(&Value::Double(2.5)),
            Some(Ordering::Less)
        );
        assert_eq!(
            Value::Decimal("2.50".parse().unwrap()).sql_cmp(&Value::Bigint(2)),
            Some(Ordering::Greater)
        );
        assert_eq!(Value::Null.sql_cmp(&Value::Int(1)), None);
        assert_eq!(Value::from("a").sql_cmp(&Value::Int(1)), None);
    }

    #[test]
    fn text_forms_follow_java() {
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(0.5), "0.5");
        assert_eq!(java_double(1.5e10), "1.5E10");
        assert_eq!(java_double(1e-5), "1.0E-5");
        assert_eq!(
            Value::Array(vec![Value::Int(1), Value::Null]).to_string(),
            "[1, null]"
        );
        assert_eq!(Value::Timestamp(1).to_string(), "1970-01-01T00:00:00.001");
    }
}
