//! Backups (备份) and restores (恢复) of the one database file.
//!
//! A backup is SQLite's online backup of the database file, read through a
//! connection of its own (one consistent snapshot, while the store goes on),
//! into a temporary file in the backup folder, checked, compressed with zstd
//! (pack.rs), flushed to disk and only then renamed to
//! `street-ledger-YYYYMMDD-HHMMSS[-n].db.zst` (make.rs): whatever kills the
//! process, a file named like a backup is a whole, checked one. Version
//! 0.2.0's uncompressed `street-ledger-….db` backups are listed, rotated,
//! verified and restored alongside. A restore (restore.rs) never overwrites
//! the current database: it is kept in a `before-restore-…` folder beside
//! the data, and restoring from there undoes the restore.
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local, NaiveDateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::access::{AccessError, Actor, Permission};
use crate::store::{Store, DB_FILE, LATEST_VERSION};
use crate::{settings, Result};

mod files;
mod make;
mod pack;
mod restore;

pub(crate) use make::before_upgrade;
pub use make::{backup_now, plan, record, Planned};
pub use restore::restore;

use files::{io, remove_with_sidecars, temp_name};

const PREFIX: &str = "street-ledger-";
/// A compressed backup; [`SUFFIX_PLAIN`] is version 0.2.0's uncompressed one.
const SUFFIX: &str = ".db.zst";
const SUFFIX_PLAIN: &str = ".db";
const STAMP: &str = "%Y%m%d-%H%M%S";
/// Dot-names: never listed as backups, and hidden in most file managers.
const TEMP_BACKUP: &str = ".street-ledger-backup-";
/// A compressed backup unpacked to be checked, beside it.
const TEMP_VERIFY: &str = ".street-ledger-verify-";
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

/// One backup file in the backup folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    pub file_name: String,
    pub path: PathBuf,
    /// On disk: compressed for a compressed backup.
    pub size: u64,
    /// A zstd-compressed backup (`.db.zst`); false for version 0.2.0's `.db`
    /// backups and the databases a restore set aside.
    pub compressed: bool,
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

/// The backups page: the backup folder and its backups, and the databases
/// a restore set aside (restoring one undoes that restore).
#[derive(Debug, Clone, Serialize)]
pub struct Backups {
    pub dir: String,
    pub backups: Vec<BackupInfo>,
    pub kept_aside: Vec<BackupInfo>,
}

pub fn overview(store: &Store, data_dir: &Path) -> Result<Backups> {
    let dir = backup_dir(store)?;
    Ok(Backups { dir: dir.display().to_string(), backups: list(&dir)?, kept_aside: kept_aside(data_dir)? })
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

/// `street-ledger-YYYYMMDD-HHMMSS[-n].db.zst` (or `.db`) → (local time, n).
fn parse_name(name: &str) -> Option<(NaiveDateTime, u32)> {
    let rest = name.strip_prefix(PREFIX)?;
    let rest = rest.strip_suffix(SUFFIX).or_else(|| rest.strip_suffix(SUFFIX_PLAIN))?;
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
    let compressed = file_name.ends_with(SUFFIX);
    Some(BackupInfo { file_name, path: path.to_path_buf(), size: meta.len(), compressed, created_at })
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

/// Checks a backup without changing it: it unpacks (a compressed one, to a
/// temporary file removed again), opens, passes `PRAGMA integrity_check`,
/// and has a schema version this build supports. Gives that version.
pub fn verify(path: &Path) -> Result<i64, BackupError> {
    if !path.is_file() {
        return Err(BackupError::Missing(path.display().to_string()));
    }
    if !pack::is_compressed(path) {
        return check_file(path);
    }
    let shown = path.display().to_string();
    // Beside the backup (the same disk as restoring it needs); in the
    // system's temporary folder when that folder is read-only.
    let beside = temp_name(path.parent().unwrap_or(Path::new(".")), TEMP_VERIFY, ".db");
    let mut scratch = beside.clone();
    let mut unpacked = pack::unpack(path, &scratch, &shown);
    if matches!(unpacked, Err(BackupError::Io { .. })) && !beside.exists() {
        scratch = temp_name(&std::env::temp_dir(), TEMP_VERIFY, ".db");
        unpacked = pack::unpack(path, &scratch, &shown);
    }
    let checked = unpacked.and_then(|_| check_file(&scratch).map_err(|e| shown_as(e, &shown)));
    remove_with_sidecars(&scratch);
    checked
}

/// A finding on a copy, told of the backup it came from.
fn shown_as(e: BackupError, shown: &str) -> BackupError {
    match e {
        BackupError::Damaged(_) => BackupError::Damaged(shown.to_string()),
        BackupError::NotABackup(_) => BackupError::NotABackup(shown.to_string()),
        BackupError::NewerBackup { found, supported, .. } => {
            BackupError::NewerBackup { file: shown.to_string(), found, supported }
        }
        other => other,
    }
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

/// At start, when the database is damaged: the newest good backup, to
/// restore as the OS user (no one can log in to a damaged database). A
/// sound database is restored only by an administrator, from the backups
/// page ([`find_restorable`]), so this refuses it.
pub fn newest_good_for_damaged(data_dir: &Path) -> Result<PathBuf> {
    match check_on_start(data_dir) {
        Ok(()) => Err(AccessError::Denied("数据库完好时，只有管理员可以在“备份与恢复”页面恢复").into()),
        Err(BackupError::DatabaseDamaged { newest_good: Some(newest), .. }) => Ok(newest),
        Err(BackupError::DatabaseDamaged { newest_good: None, .. }) => {
            Err(crate::Error::NotFound { what: "完好的备份" })
        }
        Err(e) => Err(e.into()),
    }
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
        out.push(BackupInfo { file_name: name, path, size: meta.len(), compressed: false, created_at });
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.created_at));
    Ok(out)
}
