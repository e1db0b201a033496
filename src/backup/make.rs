//! Making a backup: SQLite's online backup into a temporary file, checked,
//! compressed under another temporary name, flushed, and only then renamed
//! to a backup's name; then rotation.
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Local;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;

use super::files::{io, remove_stale_temps, remove_with_sidecars, sync_dir, sync_file, temp_name};
use super::{
    backup_dir, check_file, info_of, list, open_read_only, pack, parse_name, resolve_dir, BackupError, BackupInfo,
    PREFIX, STAMP, SUFFIX, TEMP_BACKUP, TEMP_VERIFY,
};
use crate::access::{Actor, Permission};
use crate::audit::{self, Action};
use crate::store::Store;
use crate::{settings, Result};

/// Backs the open store up now, in one call (the CLI's `backup`): the
/// desktop makes the same three steps ([`plan`], [`Planned::make`],
/// [`record`]) holding its store only for the first and the last. Keeps
/// only the newest `backup.keep` backups. Staff who may change records may
/// save them; read-only accounts may not.
pub fn backup_now(store: &Store, actor: &Actor, reason: &str) -> Result<BackupInfo> {
    let info = plan(store, actor)?.make()?;
    record(store, actor, &info, reason)?;
    Ok(info)
}

/// A backup about to be made: read from the store in a moment, then made
/// without it ([`Planned::make`]). Copying, checking and compressing a whole
/// street's database takes seconds; the app must not hold its store, and so
/// every window command, for that long.
#[derive(Debug, Clone)]
pub struct Planned {
    db: PathBuf,
    dir: PathBuf,
    keep: usize,
}

/// What a backup of this store needs to know, for someone who may make one.
pub fn plan(store: &Store, actor: &Actor) -> Result<Planned> {
    actor.require(Permission::Write)?;
    let keep = settings::integer(store.conn(), "backup.keep")?.max(1) as usize;
    Ok(Planned { db: store.path().to_path_buf(), dir: backup_dir(store)?, keep })
}

impl Planned {
    /// The database file the backup copies.
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// Copies the database through a connection of its own (one consistent
    /// snapshot, while the store goes on writing), checks and compresses the
    /// copy, names it, and drops the oldest backups beyond the number to
    /// keep (compressed ones and version 0.2.0's `.db` alike).
    pub fn make(&self) -> Result<BackupInfo> {
        let src = open_read_only(&self.db)?;
        let info = take(&src, &self.dir)?;
        drop(src);
        // Never the one just made, even if the clock was set back since older ones.
        for old in list(&self.dir)?.into_iter().filter(|b| b.path != info.path).skip(self.keep - 1) {
            // A copy someone holds open (Windows) is removed next time.
            let _ = fs::remove_file(&old.path);
        }
        Ok(info)
    }
}

/// Enters a backup made by [`Planned::make`] in the audit trail.
pub fn record(store: &Store, actor: &Actor, info: &BackupInfo, reason: &str) -> Result<()> {
    let detail = if reason.trim().is_empty() { "备份".to_string() } else { reason.trim().to_string() };
    audit::record(store, &actor.user, Action::Backup, &info.file_name, &detail)?;
    Ok(())
}

/// The automatic backup made before a newer version upgrades the database
/// (called by `Store::open` before its migrations): an ordinary, checked,
/// compressed backup in the backup folder, which the 备份与恢复 page can restore.
pub(crate) fn before_upgrade(conn: &Connection, data_dir: &Path) -> Result<PathBuf> {
    let dir = resolve_dir(data_dir, settings::folder(conn, "backup.dir"));
    Ok(take(conn, &dir)?.path)
}

/// One backup of `src` into `dir`. Each step's file has a dot-name until the
/// last rename: whatever kills the process, a file named like a backup is a
/// whole, checked one.
fn take(src: &Connection, dir: &Path) -> Result<BackupInfo> {
    fs::create_dir_all(dir).map_err(io(dir))?;
    remove_stale_temps(dir, TEMP_BACKUP);
    remove_stale_temps(dir, TEMP_VERIFY);
    let copy = temp_name(dir, TEMP_BACKUP, ".tmp");
    let packed = temp_name(dir, TEMP_BACKUP, ".zst.tmp");
    let made = copy_online(src, &copy).and_then(|_| {
        check_file(&copy).map_err(|_| BackupError::CopyFailedCheck)?;
        pack::compress(&copy, &packed)?;
        Ok(())
    });
    remove_with_sidecars(&copy);
    if let Err(e) = made {
        let _ = fs::remove_file(&packed);
        return Err(e);
    }
    place(dir, &packed)
}

/// The online backup into a new file, made a single self-contained file
/// (rollback journal, not WAL) and flushed to disk.
fn copy_online(src: &Connection, temp: &Path) -> Result<()> {
    let mut dst = Connection::open(temp)?;
    {
        let backup = Backup::new(src, &mut dst)?;
        // All pages in one step: one consistent snapshot, never restarted by
        // a write in between.
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::Busy | StepResult::Locked => std::thread::sleep(Duration::from_millis(50)),
                _ => {}
            }
        }
    }
    // The copied header says WAL; a backup should be one file that opens
    // without creating -wal/-shm beside it.
    dst.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
    dst.close().map_err(|(_, e)| e)?;
    sync_file(temp)?;
    Ok(())
}

/// Renames a checked, compressed temporary file to the next free backup name.
fn place(dir: &Path, temp: &Path) -> Result<BackupInfo> {
    let now = Local::now().naive_local();
    let stamp = now.format(STAMP).to_string();
    // After the last of this second (of either kind), not in a gap rotation
    // left: the order of names is the order of making.
    let mut n = fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| parse_name(e.ok()?.file_name().to_str()?))
        .filter(|(at, _)| at.format(STAMP).to_string() == stamp)
        .map(|(_, n)| n + 1)
        .max()
        .unwrap_or(1);
    let target = loop {
        let name = if n == 1 { format!("{PREFIX}{stamp}{SUFFIX}") } else { format!("{PREFIX}{stamp}-{n}{SUFFIX}") };
        let path = dir.join(&name);
        if !path.exists() {
            break path;
        }
        n += 1;
    };
    fs::rename(temp, &target).map_err(io(&target))?;
    sync_dir(dir);
    info_of(&target).ok_or_else(|| BackupError::Missing(target.display().to_string()).into())
}
