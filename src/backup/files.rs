//! File chores shared by backups and restores: temporary names, their
//! SQLite companions, and flushing to disk.
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::BackupError;

pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.display().to_string(), source }
}

/// A new temporary file name in `dir`: `prefix`, a random id, `ext`.
pub(super) fn temp_name(dir: &Path, prefix: &str, ext: &str) -> PathBuf {
    dir.join(format!("{prefix}{}{ext}", uuid::Uuid::new_v4()))
}

pub(super) fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

pub(super) fn remove_with_sidecars(path: &Path) {
    for p in [path.to_path_buf(), sidecar(path, "-wal"), sidecar(path, "-shm"), sidecar(path, "-journal")] {
        let _ = fs::remove_file(p);
    }
}

/// Temporary files of a backup or restore that was killed. Only old ones:
/// a young one may belong to a backup running right now in another process.
pub(super) fn remove_stale_temps(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let cutoff = SystemTime::now() - Duration::from_secs(3600);
    for e in entries.filter_map(|e| e.ok()) {
        let is_temp = e.file_name().to_str().is_some_and(|n| n.starts_with(prefix));
        let old = e.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < cutoff);
        if is_temp && old {
            let _ = fs::remove_file(e.path());
        }
    }
}

pub(super) fn sync_file(path: &Path) -> Result<(), BackupError> {
    File::options().read(true).write(true).open(path).and_then(|f| f.sync_all()).map_err(io(path))
}

/// Makes a rename durable: on Unix the directory entry is flushed separately.
/// Windows has no directory handle to flush; NTFS journals the rename.
pub(super) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
