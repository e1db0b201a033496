//! Restoring (恢复): the backup is unpacked or copied beside the data and
//! checked there; only then is the current database set aside and replaced.
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Local;
use rusqlite::{Connection, OpenFlags};

use super::files::{io, remove_stale_temps, remove_with_sidecars, sidecar, sync_dir, sync_file, temp_name};
use super::{check_file, pack, shown_as, BackupError, RestoreInfo, BEFORE_RESTORE, STAMP};
use crate::access::{Actor, Permission};
use crate::audit::{self, Action};
use crate::store::{Store, DB_FILE};
use crate::Result;

const TEMP_RESTORE: &str = ".street-ledger-restore-";

/// Replaces the database in `data_dir` with a backup (恢复), compressed or a
/// plain `.db` (version 0.2.0's backups, a database a restore set aside).
/// The store must be closed. The backup is unpacked or copied and checked
/// first: a damaged, foreign or too new one is refused and nothing changes.
/// The current database is kept in `before-restore-…`;
/// [`RestoreInfo::previous`] names it. Administrators only.
pub fn restore(data_dir: &Path, backup_file: &Path, actor: &Actor) -> Result<RestoreInfo> {
    actor.require(Permission::Administer)?;
    if !backup_file.is_file() {
        return Err(BackupError::Missing(backup_file.display().to_string()).into());
    }
    let db = data_dir.join(DB_FILE);
    if db.exists() {
        settle(&db)?;
    }
    remove_stale_temps(data_dir, TEMP_RESTORE);

    // What gets installed is exactly what was checked: the copy, not the
    // original, which could change in between.
    let temp = temp_name(data_dir, TEMP_RESTORE, ".db");
    let prepared = prepare_copy(backup_file, &temp);
    let schema_version = match prepared {
        Ok(v) => v,
        Err(e) => {
            remove_with_sidecars(&temp);
            return Err(e);
        }
    };

    let previous = if db.exists() { Some(set_aside(data_dir, &db)?) } else { None };
    fs::rename(&temp, &db).map_err(io(&db))?;
    sync_dir(data_dir);

    let store = Store::open(&db)?;
    let detail = match &previous {
        Some(p) => format!("恢复前的数据库已保存在 {}", p.display()),
        None => "恢复前没有数据库".to_string(),
    };
    let source = backup_file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    audit::record(&store, &actor.user, Action::Restore, &source, &detail)?;
    Ok(RestoreInfo { restored_from: backup_file.to_path_buf(), previous, schema_version })
}

/// Refuses while another connection has the database open (the app still
/// running); otherwise folds the WAL into the file so the file alone is the
/// whole database.
fn settle(db: &Path) -> Result<(), BackupError> {
    let Ok(conn) = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
    else {
        return Ok(()); // cannot even be opened: nothing can be using it either
    };
    // A short wait rides out a passing reader; an open store holds its lock
    // for as long as it is open.
    let _ = conn.busy_timeout(Duration::from_millis(500));
    let busy = |e: &rusqlite::Error| {
        matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
    };
    // Exclusive locking fails while any other connection holds the file.
    let locked = conn
        .query_row("PRAGMA locking_mode = EXCLUSIVE", [], |_| Ok(()))
        .and_then(|_| conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;"));
    match locked {
        Err(e) if busy(&e) => return Err(BackupError::InUse),
        Err(_) => return Ok(()), // damaged: it is set aside as it is
        Ok(()) => {}
    }
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    let _ = conn.close();
    Ok(())
}

/// Unpacks a compressed backup, or copies a plain one (and the WAL beside
/// it, for a database set aside by a restore), to `temp`; checks the result
/// and makes it one self-contained file.
fn prepare_copy(backup_file: &Path, temp: &Path) -> Result<i64> {
    let shown = backup_file.display().to_string();
    if pack::is_compressed(backup_file) {
        pack::unpack(backup_file, temp, &shown)?;
    } else {
        fs::copy(backup_file, temp).map_err(io(temp))?;
        let wal = sidecar(backup_file, "-wal");
        if wal.is_file() {
            let temp_wal = sidecar(temp, "-wal");
            fs::copy(&wal, &temp_wal).map_err(io(&temp_wal))?;
        }
    }
    let version = check_file(temp).map_err(|e| shown_as(e, &shown))?;
    let conn = Connection::open_with_flags(temp, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
    conn.close().map_err(|(_, e)| e)?;
    let _ = fs::remove_file(sidecar(temp, "-shm"));
    sync_file(temp)?;
    Ok(version)
}

/// Keeps the current database in a new `before-restore-…` folder. The file
/// stays in place until the restored one is renamed over it, so a crash in
/// between leaves a database in the data folder, never none.
fn set_aside(data_dir: &Path, db: &Path) -> Result<PathBuf, BackupError> {
    let stamp = Local::now().format(STAMP).to_string();
    let mut n = 1;
    let folder = loop {
        let name = if n == 1 { format!("{BEFORE_RESTORE}{stamp}") } else { format!("{BEFORE_RESTORE}{stamp}-{n}") };
        let folder = data_dir.join(name);
        match fs::create_dir(&folder) {
            Ok(()) => break folder,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
            Err(e) => return Err(io(&folder)(e)),
        }
    };
    let kept = folder.join(DB_FILE);
    if fs::hard_link(db, &kept).is_err() {
        fs::copy(db, &kept).map_err(io(&kept))?;
        sync_file(&kept)?;
    }
    // A WAL left beside the restored file would be replayed into it.
    let wal = sidecar(db, "-wal");
    if wal.exists() {
        let kept_wal = sidecar(&kept, "-wal");
        fs::rename(&wal, &kept_wal).map_err(io(&kept_wal))?;
    }
    let _ = fs::remove_file(sidecar(db, "-shm"));
    sync_dir(&folder);
    Ok(kept)
}
