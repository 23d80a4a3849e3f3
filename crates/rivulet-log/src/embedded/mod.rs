//! The embedded backend: segment files per partition on local disk. (Being written.)

use std::path::PathBuf;

use crate::FsyncPolicy;

/// Settings of an embedded log.
#[derive(Clone)]
pub struct EmbeddedConfig {
    pub data_dir: PathBuf,
    pub fsync: FsyncPolicy,
}
