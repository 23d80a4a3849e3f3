//! Durable file-system primitives: timed fsyncs that report their latency, directory fsyncs,
//! and atomic file replacement (temp file, fsync, rename, fsync directory).
//!
//! This module owns how bytes are made durable. It must not know about topics, segments or
//! offsets, and it must not decide *when* to sync (that is group commit's job).

use std::{
    fs::{self, File, OpenOptions},
    io::Write,
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

use crate::{LogError, LogResult};

/// Called with the latency of every fsync (wired to metrics).
pub type FsyncObserver = Option<Arc<dyn Fn(Duration) + Send + Sync>>;

/// `fdatasync` of a file, reporting its latency.
pub fn sync_data(file: &File, path: &Path, observer: &FsyncObserver) -> LogResult<()> {
    let started = Instant::now();
    file.sync_data().map_err(|e| LogError::io(path, e))?;
    if let Some(observe) = observer {
        observe(started.elapsed());
    }
    Ok(())
}

/// `fsync` of a directory so that entries created, renamed or removed in it are durable.
pub fn sync_dir(dir: &Path, observer: &FsyncObserver) -> LogResult<()> {
    let handle = File::open(dir).map_err(|e| LogError::io(dir, e))?;
    let started = Instant::now();
    handle.sync_all().map_err(|e| LogError::io(dir, e))?;
    if let Some(observe) = observer {
        observe(started.elapsed());
    }
    Ok(())
}

/// Replaces `path` with `contents` atomically and durably: a reader or a crash sees the old
/// file or the new one, never a mix.
pub fn write_atomic(path: &Path, contents: &[u8], observer: &FsyncObserver) -> LogResult<()> {
    let dir = path.parent().ok_or_else(|| {
        LogError::InvalidArgument(format!("{} has no parent directory", path.display()))
    })?;
    let mut tmp_name = path
        .file_name()
        .ok_or_else(|| LogError::InvalidArgument(format!("{} has no file name", path.display())))?
        .to_os_string();
    tmp_name.push(".tmp");
    let tmp = dir.join(tmp_name);
    {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(|e| LogError::io(&tmp, e))?;
        file.write_all(contents)
            .map_err(|e| LogError::io(&tmp, e))?;
        sync_data(&file, &tmp, observer)?;
    }
    fs::rename(&tmp, path).map_err(|e| LogError::io(path, e))?;
    sync_dir(dir, observer)
}

/// Whether a file name is a leftover of [`write_atomic`] interrupted by a crash.
pub fn is_temp_file(name: &str) -> bool {
    name.ends_with(".tmp")
}

/// Creates a directory (and parents) if missing.
pub fn ensure_dir(dir: &Path) -> LogResult<()> {
    fs::create_dir_all(dir).map_err(|e| LogError::io(dir, e))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn atomic_write_replaces_and_reports_fsyncs() {
        let dir = tempfile::tempdir().unwrap();
        let count = Arc::new(AtomicUsize::new(0));
        let c = count.clone();
        let observer: FsyncObserver = Some(Arc::new(move |_| {
            c.fetch_add(1, Ordering::Relaxed);
        }));
        let path = dir.path().join("x.json");
        write_atomic(&path, b"one", &observer).unwrap();
        write_atomic(&path, b"two", &observer).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert!(!dir.path().join("x.json.tmp").exists());
        assert_eq!(count.load(Ordering::Relaxed), 4);
    }
}
