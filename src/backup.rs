//! Backups (备份) and restores (恢复) of the one database file.
//!
//! A backup is SQLite's online backup of the database file, read through a
//! connection of its own (one consistent snapshot, while the store goes on),
//! into a temporary file in the backup folder, checked, flushed to disk and only then renamed to
//! `street-ledger-YYYYMMDD-HHMMSS[-n].db`: whatever kills the process, a file
//! named like a backup is a whole, checked one. A restore never overwrites
//! the current database: it is kept in a `before-restore-…` folder beside
//! the data, and restoring from there undoes the restore.
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Local, NaiveDateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::access::{Actor, Permission};
use crate::audit::{self, Action};
use crate::store::{Store, DB_FILE, LATEST_VERSION};
use crate::{settings, Result};

const PREFIX: &str = "street-ledger-";
const SUFFIX: &str = ".db";
const STAMP: &str = "%Y%m%d-%H%M%S";
/// Dot-names: never listed as backups, and hidden in most file managers.
const TEMP_BACKUP: &str = ".street-ledger-backup-";
const TEMP_RESTORE: &str = ".street-ledger-restore-";
pub const BEFORE_RESTORE: &str = "before-restore-";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("备份文件“{0}”已损坏，无法恢复；请选择其他备份")]
    Damaged(String),
    #[error("文件“{0}”不是街道民生台账的备份，无法恢复；请选择备份文件夹中 street-ledger- 开头的文件")]
    NotABackup(String),
    #[error("备份“{file}”由更新版本的街道民生台账（数据结构第{found}版）生成，本程序只支持到第{supported}版。当前数据未做任何改动，请升级本程序后再恢复")]
    NewerBackup { file: String, found: i64, supported: i64 },
    #[error("找不到备份文件“{0}”，请确认文件位置后重试")]
    Missing(String),
    #[error("刚生成的备份未通过完整性检查，已删除，未保留这份备份。数据库本身可能已损坏：请运行 street-ledger check，必要时从较早的备份恢复")]
    CopyFailedCheck,
    #[error("数据库正在使用中（街道民生台账可能仍开着），未做任何改动。请先关闭所有街道民生台账窗口再恢复")]
    InUse,
    #[error("本机数据库已损坏，程序没有打开它，也未做任何改动。{advice}")]
    DatabaseDamaged { advice: String, newest_good: Option<PathBuf>, details: Vec<String> },
    #[error("无法读写“{path}”：{source}。请检查该文件夹是否存在、磁盘空间是否充足、是否有写入权限")]
    Io { path: String, source: std::io::Error },
}

impl BackupError {
    pub fn code(&self) -> &'static str {
        match self {
            BackupError::Damaged(_) => "backup.damaged",
            BackupError::NotABackup(_) => "backup.not_a_backup",
            BackupError::NewerBackup { .. } => "backup.newer",
            BackupError::Missing(_) => "backup.missing",
            BackupError::CopyFailedCheck => "backup.copy_failed_check",
            BackupError::InUse => "backup.in_use",
            BackupError::DatabaseDamaged { .. } => "backup.database_damaged",
            BackupError::Io { .. } => "backup.io",
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.display().to_string(), source }
}

/// One backup file in the backup folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    pub file_name: String,
    pub path: PathBuf,
    pub size: u64,
    /// From the file name (local time, to the second): copying the folder
    /// elsewhere keeps it, unlike the file's modification time.
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreInfo {
    pub restored_from: PathBuf,
    /// The database as it was before the restore (in a `before-restore-…`
    /// folder): restoring from it undoes the restore (撤销恢复). None when
    /// there was no database.
    pub previous: Option<PathBuf>,
    pub schema_version: i64,
}

/// The state of a database file before it is opened for use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Health {
    /// No database yet: a first start.
    Absent,
    Ok,
    /// SQLite's own findings, at most ten of them; they name pages and
    /// tables, never personal data.
    Damaged {
        details: Vec<String>,
    },
}

impl Health {
    pub fn is_damaged(&self) -> bool {
        matches!(self, Health::Damaged { .. })
    }
}

/// The backup folder: this PC's setting `backup.dir` (a relative path counts
/// from the data folder), else `<data folder>/backups`.
pub fn backup_dir(store: &Store) -> Result<PathBuf> {
    let data_dir = data_dir_of(store);
    Ok(resolve_dir(&data_dir, settings::folder(store.conn(), "backup.dir")))
}

/// The backup folder when the store cannot be opened (a damaged database at
/// start): the setting is read if the file still allows it.
pub fn backup_dir_for(data_dir: &Path) -> PathBuf {
    let configured =
        open_read_only(&data_dir.join(DB_FILE)).ok().and_then(|conn| settings::folder(&conn, "backup.dir"));
    resolve_dir(data_dir, configured)
}

fn resolve_dir(data_dir: &Path, configured: Option<String>) -> PathBuf {
    match configured.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()) {
        Some(d) => data_dir.join(d), // join keeps an absolute path as it is
        None => data_dir.join("backups"),
    }
}

fn data_dir_of(store: &Store) -> PathBuf {
    store.path().parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

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
/// without it ([`Planned::make`]). Copying and checking a whole street's
/// database takes seconds; the app must not hold its store, and so every
/// window command, for that long.
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
    /// snapshot, while the store goes on writing), checks the copy, names
    /// it, and drops the oldest backups beyond the number to keep.
    pub fn make(&self) -> Result<BackupInfo> {
        let dir = &self.dir;
        fs::create_dir_all(dir).map_err(io(dir))?;
        remove_stale_temps(dir, TEMP_BACKUP);
        let temp = dir.join(format!("{TEMP_BACKUP}{}.tmp", uuid::Uuid::new_v4()));
        let copied = open_read_only(&self.db).map_err(Into::into).and_then(|src| copy_online(&src, &temp));
        if let Err(e) = copied {
            remove_with_sidecars(&temp);
            return Err(e);
        }
        let info = match check_file(&temp) {
            Ok(_) => place(dir, &temp)?,
            Err(_) => {
                remove_with_sidecars(&temp);
                return Err(BackupError::CopyFailedCheck.into());
            }
        };
        // Never the one just made, even if the clock was set back since older ones.
        for old in list(dir)?.into_iter().filter(|b| b.path != info.path).skip(self.keep - 1) {
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
/// (called by `Store::open` before its migrations): an ordinary, checked
/// backup in the backup folder, which the 备份与恢复 page can restore.
pub(crate) fn before_upgrade(conn: &Connection, data_dir: &Path) -> Result<PathBuf> {
    let dir = resolve_dir(data_dir, settings::folder(conn, "backup.dir"));
    fs::create_dir_all(&dir).map_err(io(&dir))?;
    let temp = dir.join(format!("{TEMP_BACKUP}{}.tmp", uuid::Uuid::new_v4()));
    if let Err(e) = copy_online(conn, &temp).and_then(|_| Ok(check_file(&temp).map(drop)?)) {
        remove_with_sidecars(&temp);
        return Err(e);
    }
    Ok(place(&dir, &temp)?.path)
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

/// Renames a checked temporary file to the next free backup name.
fn place(dir: &Path, temp: &Path) -> Result<BackupInfo> {
    let now = Local::now().naive_local();
    let stamp = now.format(STAMP).to_string();
    // After the last of this second, not in a gap rotation left: the order
    // of names is the order of making.
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

/// Backups in a folder, newest first; other files are not looked at.
pub fn list(dir: &Path) -> Result<Vec<BackupInfo>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir)(e).into()),
    };
    let mut found: Vec<(BackupInfo, u32)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let path = e.path();
            let n = parse_name(e.file_name().to_str()?)?.1;
            Some((info_of(&path)?, n))
        })
        .collect();
    found.sort_by_key(|(b, n)| std::cmp::Reverse((b.created_at, *n)));
    Ok(found.into_iter().map(|(i, _)| i).collect())
}

/// `street-ledger-YYYYMMDD-HHMMSS[-n].db` → (local time, n).
fn parse_name(name: &str) -> Option<(NaiveDateTime, u32)> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (stamp, n) = match (rest.get(..15)?, rest.get(15..)?) {
        (stamp, "") => (stamp, 1),
        (stamp, n) => (stamp, n.strip_prefix('-')?.parse().ok().filter(|n| *n > 1)?),
    };
    Some((NaiveDateTime::parse_from_str(stamp, STAMP).ok()?, n))
}

fn info_of(path: &Path) -> Option<BackupInfo> {
    let file_name = path.file_name()?.to_str()?.to_string();
    let (local, _) = parse_name(&file_name)?;
    let meta = fs::metadata(path).ok().filter(|m| m.is_file())?;
    let created_at = local.and_local_timezone(Local).earliest()?.with_timezone(&Utc);
    Some(BackupInfo { file_name, path: path.to_path_buf(), size: meta.len(), created_at })
}

/// Whether the automatic backup is due: no backup yet, or the newest is
/// older than `backup.every_hours`. Zero or less turns automatic backups off.
pub fn due(store: &Store, now: DateTime<Utc>) -> Result<bool> {
    let every = settings::integer(store.conn(), "backup.every_hours")?;
    if every <= 0 {
        return Ok(false);
    }
    Ok(match list(&backup_dir(store)?)?.first() {
        None => true,
        Some(newest) => now - newest.created_at >= chrono::Duration::hours(every),
    })
}

/// The newest backup in `dir` that passes the integrity check and this
/// build can open: what to offer when the database is damaged.
pub fn newest_good(dir: &Path) -> Option<BackupInfo> {
    list(dir).ok()?.into_iter().find(|b| verify(&b.path).is_ok())
}

/// Checks a backup without changing it: it opens, passes
/// `PRAGMA integrity_check`, and has a schema version this build supports.
/// Gives that version.
pub fn verify(path: &Path) -> Result<i64, BackupError> {
    if !path.is_file() {
        return Err(BackupError::Missing(path.display().to_string()));
    }
    check_file(path)
}

fn check_file(path: &Path) -> Result<i64, BackupError> {
    let shown = || path.display().to_string();
    let conn = open_read_only(path).map_err(|_| BackupError::Damaged(shown()))?;
    match integrity(&conn, "integrity_check") {
        Ok(problems) if problems.is_empty() => {}
        // Unreadable as SQLite at all (a damaged header, or some other
        // file) reads as damaged too: either way it cannot be restored.
        Ok(_) | Err(_) => return Err(BackupError::Damaged(shown())),
    }
    let version: i64 =
        conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|_| BackupError::Damaged(shown()))?;
    let ours: bool = conn
        .query_row("SELECT count(*) = 2 FROM sqlite_master WHERE name IN ('change_log', 'installation')", [], |r| {
            r.get(0)
        })
        .map_err(|_| BackupError::Damaged(shown()))?;
    if version < 1 || !ours {
        return Err(BackupError::NotABackup(shown()));
    }
    if version > LATEST_VERSION {
        return Err(BackupError::NewerBackup { file: shown(), found: version, supported: LATEST_VERSION });
    }
    Ok(version)
}

/// The problems `PRAGMA integrity_check` or `quick_check` reports; empty
/// when the database is sound.
fn integrity(conn: &Connection, pragma: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}(10)"))?;
    let rows: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(if rows == ["ok"] { Vec::new() } else { rows })
}

fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

/// The start-up check of the database file (`PRAGMA quick_check`), before
/// the store opens it: a damaged file must be reported, not written to.
pub fn health(db: &Path) -> Health {
    if !db.exists() {
        return Health::Absent;
    }
    let damaged = |e: rusqlite::Error| Health::Damaged { details: vec![e.to_string()] };
    let conn = match open_read_only(db) {
        Ok(c) => c,
        Err(e) => return damaged(e),
    };
    match integrity(&conn, "quick_check") {
        Ok(problems) if problems.is_empty() => Health::Ok,
        Ok(problems) => Health::Damaged { details: problems },
        Err(e) => damaged(e),
    }
}

/// The start-up check, before the store opens the database: a damaged one is
/// refused with the newest good backup to offer for restoring, so it is
/// never written to (nor replaced) without someone choosing to.
pub fn check_on_start(data_dir: &Path) -> Result<(), BackupError> {
    let Health::Damaged { details } = health(&data_dir.join(DB_FILE)) else { return Ok(()) };
    let newest_good = newest_good(&backup_dir_for(data_dir)).map(|b| b.path);
    let advice = match &newest_good {
        Some(b) => format!("最新的完好备份是“{}”，请从它恢复；恢复前的数据库会另存，恢复可以撤销", b.display()),
        None => "没有找到完好的备份。请不要删除数据目录中的文件，并联系技术支持".to_string(),
    };
    Err(BackupError::DatabaseDamaged { advice, newest_good, details })
}

/// Replaces the database in `data_dir` with a backup (恢复). The store must be
/// closed. The backup is copied and checked first: a damaged, foreign or too
/// new one is refused and nothing changes. The current database is kept in
/// `before-restore-…`; [`RestoreInfo::previous`] names it. Administrators only.
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
    let temp = data_dir.join(format!("{TEMP_RESTORE}{}.db", uuid::Uuid::new_v4()));
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

/// Copies a backup (and the WAL beside it, for a database set aside by a
/// restore) to `temp`, checks the copy and makes it one self-contained file.
fn prepare_copy(backup_file: &Path, temp: &Path) -> Result<i64> {
    fs::copy(backup_file, temp).map_err(io(temp))?;
    let wal = sidecar(backup_file, "-wal");
    if wal.is_file() {
        let temp_wal = sidecar(temp, "-wal");
        fs::copy(&wal, &temp_wal).map_err(io(&temp_wal))?;
    }
    let shown = backup_file.display().to_string();
    let version = check_file(temp).map_err(|e| match e {
        BackupError::Damaged(_) => BackupError::Damaged(shown.clone()),
        BackupError::NotABackup(_) => BackupError::NotABackup(shown.clone()),
        BackupError::NewerBackup { found, supported, .. } => {
            BackupError::NewerBackup { file: shown.clone(), found, supported }
        }
        other => other,
    })?;
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

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

fn remove_with_sidecars(path: &Path) {
    for p in [path.to_path_buf(), sidecar(path, "-wal"), sidecar(path, "-shm"), sidecar(path, "-journal")] {
        let _ = fs::remove_file(p);
    }
}

/// Temporary files of a backup or restore that was killed. Only old ones:
/// a young one may belong to a backup running right now in another process.
fn remove_stale_temps(dir: &Path, prefix: &str) {
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

fn sync_file(path: &Path) -> Result<(), BackupError> {
    File::options().read(true).write(true).open(path).and_then(|f| f.sync_all()).map_err(io(path))
}

/// Makes a rename durable: on Unix the directory entry is flushed separately.
/// Windows has no directory handle to flush; NTFS journals the rename.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// A file the backups page offers to restore, by the name it showed: only
/// names from the two lists are accepted, never a path. Administrators only,
/// checked before the store is closed for the restore.
pub fn find_restorable(store: &Store, actor: &Actor, data_dir: &Path, file_name: &str) -> Result<PathBuf> {
    actor.require(Permission::Administer)?;
    let known = list(&backup_dir(store)?)?.into_iter().chain(kept_aside(data_dir)?);
    let found = known.into_iter().find(|b| b.file_name == file_name);
    Ok(found.ok_or(crate::Error::NotFound { what: "该备份" })?.path)
}

/// The databases a restore set aside (`before-restore-…` folders), newest
/// first: restoring one of them undoes that restore (撤销恢复).
pub fn kept_aside(data_dir: &Path) -> Result<Vec<BackupInfo>> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(data_dir) else { return Ok(out) };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let path = entry.path().join(DB_FILE);
        let Some(stamp) = name.strip_prefix("before-restore-") else { continue };
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        let Some(Ok(at)) = stamp.get(..15).map(|s| chrono::NaiveDateTime::parse_from_str(s, "%Y%m%d-%H%M%S")) else {
            continue;
        };
        let created_at =
            at.and_local_timezone(chrono::Local).single().map(|t| t.with_timezone(&Utc)).unwrap_or_default();
        out.push(BackupInfo { file_name: name, path, size: meta.len(), created_at });
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.created_at));
    Ok(out)
}
