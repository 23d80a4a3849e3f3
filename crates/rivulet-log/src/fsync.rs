//! When appended data is forced to disk: `always` (group commit: the append returns after an
//! fsync that covers it; concurrent appends share one), `interval:<ms>`, or `never`.

use std::{fmt, str::FromStr, time::Duration};

use crate::LogError;

/// The durability policy of an embedded log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FsyncPolicy {
    /// An append is acknowledged only after an fsync covering it (group commit).
    #[default]
    Always,
    /// Data is fsynced every interval; appends are acknowledged once written to the page cache.
    Interval(Duration),
    /// Never fsync; the OS writes back when it likes.
    Never,
}

impl FromStr for FsyncPolicy {
    type Err = LogError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "always" => Ok(FsyncPolicy::Always),
            "never" => Ok(FsyncPolicy::Never),
            other => {
                let ms = other
                    .strip_prefix("interval:")
                    .and_then(|ms| ms.trim().trim_end_matches("ms").parse::<u64>().ok())
                    .filter(|ms| *ms > 0)
                    .ok_or_else(|| {
                        LogError::InvalidArgument(format!(
                            "fsync must be 'always', 'never' or 'interval:<ms>', got '{other}'"
                        ))
                    })?;
                Ok(FsyncPolicy::Interval(Duration::from_millis(ms)))
            }
        }
    }
}

impl fmt::Display for FsyncPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FsyncPolicy::Always => f.write_str("always"),
            FsyncPolicy::Never => f.write_str("never"),
            FsyncPolicy::Interval(d) => write!(f, "interval:{}", d.as_millis()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_forms() {
        assert_eq!(
            "always".parse::<FsyncPolicy>().unwrap(),
            FsyncPolicy::Always
        );
        assert_eq!("never".parse::<FsyncPolicy>().unwrap(), FsyncPolicy::Never);
        assert_eq!(
            "interval:250".parse::<FsyncPolicy>().unwrap(),
            FsyncPolicy::Interval(Duration::from_millis(250))
        );
        assert!("interval:0".parse::<FsyncPolicy>().is_err());
        assert!("sometimes".parse::<FsyncPolicy>().is_err());
        assert_eq!(
            FsyncPolicy::Interval(Duration::from_millis(5)).to_string(),
            "interval:5"
        );
    }
}
