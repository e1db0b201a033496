//! File-based sync (同步) between the office's PCs, which share no network:
//! each run leaves this PC's package in a shared folder or on a USB stick and
//! takes in the others' packages found there.
//!
//! Built on the change log of the one write path: a package carries change
//! log entries, a PC takes them in through `WriteTx::receive_new`, and records
//! are what `store::merge` makes of all the changes a PC holds. Packages are
//! sealed with the office key (see `package`); a file that is not a package
//! of this office under this key, or is cut or altered, is refused before
//! anything is written.
pub mod exchange;
pub mod keys;
mod os_store;
pub mod package;
pub mod review;
pub mod trust;
pub mod verify;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

pub use exchange::{apply, bundle, Applied, Bundle};
pub use package::{Kdf, Kind, OfficeKey};

use crate::access::{Actor, Permission};
use crate::audit::{self, Action};
use crate::store::{Store, LATEST_VERSION};
use crate::{Error, Result};

/// Extension of package files in the sync folder.
pub const EXTENSION: &str = "slsync";

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("还没有设置同步：请管理员在“同步”页面填写同步文件夹和同步密钥")]
    NotConfigured,
    #[error("本机还没有加入街道办：请先完成初始设置，或导入其他电脑生成的快照")]
    NotJoined,
    #[error("同步文件夹“{0}”不存在或无法访问。如用U盘，请确认已插好；如用共享文件夹，请确认网络路径可以打开")]
    Folder(String),
    #[error("无法读取文件“{0}”：请确认文件存在、U盘已插好，且本机有读取权限")]
    Unreadable(String),
    #[error("无法写入同步文件夹“{0}”。请确认U盘没有写保护、共享文件夹有写入权限")]
    Write(String),
    #[error("同步密钥至少需要12个字符。如本街道办原来的密钥较短，请管理员换一个至少12个字符的新密钥，并在每台电脑的“同步”页面输入")]
    WeakKey,
    #[error("需要输入同步密钥：本机没有保存本街道办的同步密钥（新电脑、从备份恢复，或密钥文件被删除）。请管理员在“同步”页面输入同步密钥")]
    NoKey,
    #[error("需要输入同步密钥：同步包“{0}”用新的密钥格式加密，本机保存的是升级前的旧格式密钥。请管理员在“同步”页面重新输入本街道办的同步密钥")]
    KeyUpgrade(String),
    #[error("无法读写本机保存同步密钥的文件“{0}”。请确认该文件夹存在、当前系统用户可以读写，然后在“同步”页面重新输入同步密钥")]
    KeyFile(String),
    #[error("文件“{0}”不是街道民生台账的同步包，未导入。请不要把其他文件放进同步文件夹")]
    NotAPackage(String),
    #[error("同步包“{0}”不完整（可能还没复制完，或U盘被提前拔出），未导入。请重新复制该文件后再同步")]
    Truncated(String),
    #[error("同步包“{0}”已损坏（内容被改动过），未导入。请在生成它的电脑上重新同步，生成新的同步包")]
    Damaged(String),
    #[error("同步包“{file}”有{mb} MB，超过了同步包的上限（{limit_mb} MB），未读取。这不是本程序生成的同步包，或已损坏：请把它移出同步文件夹，在生成它的电脑上重新同步")]
    TooLarge { file: String, mb: u64, limit_mb: u64 },
    #[error("同步包“{file}”已损坏，未导入，本机数据没有任何改动：其中的修改不符合本程序的数据结构（{why}）。请在生成它的电脑上把街道民生台账升级到与本机相同的版本后重新同步；如仍出现，请把这个文件交给技术支持")]
    Invalid { file: String, why: String },
    #[error("同步包“{file}”由更新版本的程序生成（文件格式第{format}版），本机无法读取，未导入。请升级本机的街道民生台账后再同步；文件保留不动")]
    NewerFormat { file: String, format: u16 },
    #[error("同步包“{file}”来自更新版本的街道民生台账（数据结构第{found}版，本机第{supported}版），暂不导入。请升级本机程序；升级后再同步即可导入，文件保留不动")]
    NewerSchema { file: String, found: i64, supported: i64 },
    #[error(
        "同步密钥不对：同步包“{0}”是用另一个密钥加密的，未导入。请向管理员确认本街道办的同步密钥，在“同步”页面重新输入"
    )]
    WrongKey(String),
    #[error("同步包“{file}”属于另一个街道办（{office}），未导入。请检查同步文件夹是否选错")]
    OtherOffice { file: String, office: String },
    #[error("电脑“{pc}”的时钟比本机快了约{days}天，它的修改暂不导入，以免盖过其他电脑的修改。请校正该电脑的日期和时间，再在那台电脑上同步")]
    ClockAhead { pc: String, days: u64 },
    /// The run stopped on a fault of the program itself (the automatic
    /// sync catches it and goes on).
    #[error("同步时程序出错，本次同步未完成，下次会再试；如反复出现，请联系技术支持")]
    Failed,
}

impl SyncError {
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::NotConfigured => "sync.not_configured",
            SyncError::NotJoined => "sync.not_joined",
            SyncError::Folder(_) => "sync.folder",
            SyncError::Write(_) => "sync.write",
            SyncError::Unreadable(_) => "sync.unreadable",
            SyncError::WeakKey => "sync.weak_key",
            SyncError::NoKey => "sync.no_key",
            SyncError::KeyUpgrade(_) => "sync.key_upgrade",
            SyncError::KeyFile(_) => "sync.key_file",
            SyncError::NotAPackage(_) => "sync.not_a_package",
            SyncError::Truncated(_) => "sync.truncated",
            SyncError::Damaged(_) | SyncError::Invalid { .. } => "sync.damaged",
            SyncError::TooLarge { .. } => "sync.too_large",
            SyncError::NewerFormat { .. } => "sync.newer_format",
            SyncError::NewerSchema { .. } => "sync.newer_schema",
            SyncError::WrongKey(_) => "sync.wrong_key",
            SyncError::OtherOffice { .. } => "sync.other_office",
            SyncError::ClockAhead { .. } => "sync.clock_ahead",
            SyncError::Failed => "sync.failed",
        }
    }
}

/// This PC's sync settings, as the settings page shows them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SyncConfig {
    pub pc_name: String,
    pub installation_id: String,
    pub folder: Option<String>,
    pub key_set: bool,
    pub every_minutes: f64,
}

pub fn config(conn: &Connection) -> Result<SyncConfig> {
    let (installation_id, pc_name): (String, String) =
        conn.query_row("SELECT id, pc_name FROM installation", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let every_minutes = crate::settings::integer(conn, "sync.every_minutes")? as f64;
    Ok(SyncConfig {
        key_set: keys::load(&installation_id).is_ok_and(|k| k.is_some()),
        pc_name,
        installation_id,
        folder: local(conn, "folder")?,
        every_minutes,
    })
}

fn local(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM sync_config WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

fn set_local(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_config (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )?;
    Ok(())
}

/// Names this PC (本机名称), as the other PCs will see it.
pub fn set_pc_name(store: &Store, actor: &Actor, name: &str) -> Result<()> {
    actor.require(Permission::Administer)?;
    let name = crate::validate::required("pc_name", "本机名称", name)?;
    store.local().execute("UPDATE installation SET pc_name = ?1", [&name])?;
    audit::record(store, &actor.user, Action::Sync, "本机名称", &name)
}

/// The sync page's settings at once: this PC's name, the sync folder and the
/// office key (administrators; each checks). `None` or an empty key leaves
/// that one as it is; the folder comes before the key, which is checked
/// against its packages.
pub fn set_settings(
    store: &Store,
    actor: &Actor,
    pc_name: Option<&str>,
    folder: Option<&str>,
    key: Option<&str>,
) -> Result<SyncConfig> {
    pc_name.map_or(Ok(()), |n| set_pc_name(store, actor, n))?;
    folder.map_or(Ok(()), |f| set_folder(store, actor, f))?;
    key.filter(|k| !k.is_empty()).map_or(Ok(()), |k| set_key(store, actor, k))?;
    config(store.conn())
}

/// Sets the sync folder; it must exist now.
pub fn set_folder(store: &Store, actor: &Actor, folder: &str) -> Result<()> {
    actor.require(Permission::Administer)?;
    crate::firstrun::refuse_on_demo(store, "设置同步")?;
    let folder = folder.trim();
    if folder.is_empty() {
        store.local().execute("DELETE FROM sync_config WHERE key = 'folder'", [])?;
        return audit::record(store, &actor.user, Action::Sync, "同步文件夹", "已清除");
    }
    if !Path::new(folder).is_dir() {
        return Err(SyncError::Folder(folder.to_string()).into());
    }
    set_local(store.local(), "folder", folder)?;
    audit::record(store, &actor.user, Action::Sync, "同步文件夹", folder)
}

/// The passphrase's length is checked wherever one is typed (sync page,
/// first-run sync step, join, CLI).
pub const MIN_PASSPHRASE_CHARS: usize = 12;

fn check_strength(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(SyncError::WeakKey.into());
    }
    Ok(())
}

/// Sets the office key from its passphrase, kept in the key store (see
/// `keys`), never in the database. When the folder already holds another
/// PC's package of this office, the key must open it: a mistyped passphrase
/// is caught here, before any package is written with it.
pub fn set_key(store: &Store, actor: &Actor, passphrase: &str) -> Result<()> {
    actor.require(Permission::Administer)?;
    crate::firstrun::refuse_on_demo(store, "设置同步")?;
    check_strength(passphrase)?;
    let (office_id, _) = exchange::office(store.conn())?.ok_or(SyncError::NotJoined)?;
    let key = OfficeKey::derive(passphrase, &office_id);
    if let Some(folder) = local(store.conn(), "folder")? {
        // Headers only: no body is read to judge the key.
        let folder = Path::new(&folder);
        for name in package_names(folder)? {
            if let Ok(head) = package::Head::read(&folder.join(&name), &name) {
                let h = &head.header;
                if h.writer != store.installation_id() && h.office_id == office_id && !key.opens(&h.key_check) {
                    return Err(SyncError::WrongKey(name).into());
                }
            }
        }
    }
    keys::save(store.installation_id(), &key)?;
    audit::record(store, &actor.user, Action::Sync, "同步密钥", "已设置（密钥本身不记录）")
}

/// The key this PC keeps (set on the sync page, or when joining); none:
/// 需要输入同步密钥.
pub fn stored_key(conn: &Connection) -> Result<OfficeKey> {
    let installation_id: String = conn.query_row("SELECT id FROM installation", [], |r| r.get(0))?;
    keys::load(&installation_id)?.ok_or_else(|| SyncError::NoKey.into())
}

/// The key of this PC's office for a passphrase (the CLI's
/// STREET_LEDGER_SYNC_KEY or prompt).
pub fn office_key(conn: &Connection, passphrase: &str) -> Result<OfficeKey> {
    check_strength(passphrase)?;
    let (office_id, _) = exchange::office(conn)?.ok_or(SyncError::NotJoined)?;
    Ok(OfficeKey::derive(passphrase, &office_id))
}

/// Writes a package of the changes some PC may lack (or a snapshot of all).
pub fn export(store: &Store, kind: Kind, key: &OfficeKey) -> Result<Vec<u8>> {
    seal_package(store, kind, key, crate::store::new_id(), None)
}

fn seal_package(
    store: &Store,
    kind: Kind,
    key: &OfficeKey,
    package_id: String,
    pc_number: Option<i64>,
) -> Result<Vec<u8>> {
    // Every package is made here: none may carry the demo's records.
    crate::firstrun::refuse_on_demo(store, "生成同步包")?;
    let conn = store.conn();
    let (office_id, office_name) = exchange::office(conn)?.ok_or(SyncError::NotJoined)?;
    let b = bundle(conn, store.installation_id(), kind)?;
    let header = package::Header {
        kind,
        package_id,
        pc_number,
        office_id,
        office_name,
        writer: b.writer.clone(),
        writer_pc: b.writer_pc.clone(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        schema_version: LATEST_VERSION,
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        seen: b.seen,
        changes: 0,
        kdf: key.kdf(),
        key_check: String::new(),
        nonce: String::new(),
        body_len: 0,
    };
    Ok(package::seal(header, &b.body, key))
}

/// Opens a package of this office with this PC's key: every check that can
/// refuse it comes before anything is written.
fn open_with(conn: &Connection, name: &str, bytes: &[u8], key: &OfficeKey) -> Result<(package::Header, Bundle)> {
    let (header, _) = package::read_header(name, bytes)?;
    if let Some((office_id, _)) = exchange::office(conn)? {
        if header.office_id != office_id {
            return Err(SyncError::OtherOffice { file: name.into(), office: header.office_name }.into());
        }
    }
    if header.schema_version > LATEST_VERSION {
        return Err(SyncError::NewerSchema {
            file: name.into(),
            found: header.schema_version,
            supported: LATEST_VERSION,
        }
        .into());
    }
    let (header, body) = package::open(name, bytes, key)?;
    let b =
        Bundle { writer: header.writer.clone(), writer_pc: header.writer_pc.clone(), seen: header.seen.clone(), body };
    verify::check_bundle(conn, name, &b)?;
    Ok((header, b))
}

/// Writes a snapshot (every change, every register, full ID numbers) for a
/// new PC: administrators only, and audited.
pub fn snapshot(
    store: &mut Store,
    actor: &Actor,
    target: impl Into<crate::export::Target>,
    key: &OfficeKey,
) -> Result<usize> {
    snapshot_handing_over(store, actor, target, key, &[])
}

/// A snapshot that also hands the joining PC the numbering of committees
/// this PC keeps (`mediation::committee`): they number nothing until it joins.
pub fn snapshot_handing_over(
    store: &mut Store,
    actor: &Actor,
    target: impl Into<crate::export::Target>,
    key: &OfficeKey,
    committees: &[String],
) -> Result<usize> {
    actor.require(Permission::Administer)?;
    crate::firstrun::refuse_on_demo(store, "生成快照")?;
    exchange::office(store.conn())?.ok_or(SyncError::NotJoined)?;
    let target = target.into();
    // Refused before a PC number is reserved for it.
    crate::export::check(store, &target)?;
    let path = &target.path;
    let package_id = crate::store::new_id();
    let pc_number = crate::mediation::numbering::reserve(store, &package_id, committees)?;
    let bytes = seal_package(store, Kind::Snapshot, key, package_id, Some(pc_number))?;
    crate::export::write_bytes(store, &target, &bytes)?;
    audit::record(store, &actor.user, Action::Export, &file_name(path), "同步快照：全部记录，已加密")?;
    Ok(bytes.len())
}

/// Takes in one package file (CLI `sync import`).
pub fn import_file(store: &mut Store, actor: &Actor, path: &Path, key: &OfficeKey) -> Result<Applied> {
    crate::firstrun::refuse_on_demo(store, "同步")?;
    let name = file_name(path);
    let office = exchange::office(store.conn())?.map(|(id, _)| id);
    let bytes = package::read_file(path, &name, office.as_deref(), key)?;
    let (_, b) = open_with(store.conn(), &name, &bytes, key)?;
    let applied = apply(store, actor, &b)?;
    audit::record(store, &actor.user, Action::Sync, &name, &summary_text(&applied))?;
    Ok(applied)
}

/// Joins an office on a new PC: takes in a snapshot made by any PC of the
/// office, with the office passphrase, and keeps the key for later syncs.
pub fn join(store: &mut Store, path: &Path, passphrase: &str) -> Result<Applied> {
    if exchange::office(store.conn())?.is_some() {
        return Err(Error::AlreadyConfigured);
    }
    let name = file_name(path);
    let head = package::Head::read(path, &name)?;
    check_strength(passphrase)?;
    let key = OfficeKey::derive(passphrase, &head.header.office_id);
    // A mistyped passphrase is refused before the body is read.
    head.check_for(None, &key)?;
    let header = head.header.clone();
    let bytes = head.body()?;
    let (_, b) = open_with(store.conn(), &name, &bytes, &key)?;
    let applied = apply(store, &Actor::system(), &b)?;
    if let Some(n) = header.pc_number {
        crate::mediation::numbering::adopt(store, n, &header.package_id)?;
    }
    keys::save(store.installation_id(), &key)?;
    store.local().execute(
        "INSERT OR IGNORE INTO sync_package (package_id, writer, read_at) VALUES (?1, ?2, ?3)",
        (&header.package_id, &header.writer, chrono::Utc::now().to_rfc3339()),
    )?;
    if let Some(dir) = path.parent().filter(|d| d.is_dir() && !d.as_os_str().is_empty()) {
        if local(store.conn(), "folder")?.is_none() {
            set_local(store.local(), "folder", &dir.display().to_string())?;
        }
    }
    audit::record(store, "系统", Action::Sync, &name, &format!("加入街道办，导入快照：{}", summary_text(&applied)))?;
    Ok(applied)
}

/// Writes a package file, whole or not at all: a temporary name first, then
/// a rename, so that a PC reading the folder meanwhile never sees half.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_file_name(format!(".{}.tmp", file_name(path)));
    let failed = |_| Error::from(SyncError::Write(path.display().to_string()));
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp).map_err(failed)?;
        f.write_all(bytes).map_err(failed)?;
        f.sync_all().map_err(failed)?;
    }
    std::fs::rename(&tmp, path).map_err(failed)?;
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// This PC's package in the folder: one file per PC, replaced on each run.
fn own_file(folder: &Path, conn: &Connection, installation_id: &str) -> Result<PathBuf> {
    let pc: String = conn.query_row("SELECT pc_name FROM installation", [], |r| r.get(0))?;
    let safe: String =
        pc.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).take(40).collect();
    // The end of a UUIDv7 is random; its start is the time it was made.
    let tail = &installation_id[installation_id.len().saturating_sub(12)..];
    Ok(folder.join(format!("{safe}-{tail}.{EXTENSION}")))
}

/// The names of the package files in a folder, sorted; none is read.
fn package_names(folder: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(folder).map_err(|_| SyncError::Folder(folder.display().to_string()))?;
    let mut out: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| Path::new(name).extension().is_some_and(|x| x == EXTENSION) && !name.starts_with('.'))
        .collect();
    out.sort();
    Ok(out)
}

/// Reads and opens one package file of the folder for a sync run: none when
/// it is this PC's own or was taken in before (known from its header, before
/// its body is read); refused, before its body is read, when it is of
/// another office or sealed with a key this PC does not hold.
fn next_package(
    conn: &Connection,
    path: &Path,
    name: &str,
    own: &str,
    key: &OfficeKey,
) -> Result<Option<(String, Bundle)>> {
    let head = package::Head::read(path, name)?;
    if head.header.writer == own {
        return Ok(None);
    }
    let sql = "SELECT EXISTS (SELECT 1 FROM sync_package WHERE package_id = ?1)";
    if conn.query_row(sql, [&head.header.package_id], |r| r.get::<_, bool>(0))? {
        return Ok(None);
    }
    let office = exchange::office(conn)?.map(|(id, _)| id);
    head.check_for(office.as_deref(), key)?;
    let bytes = head.body()?;
    let (h, b) = open_with(conn, name, &bytes, key)?;
    Ok(Some((h.package_id, b)))
}

/// One sync run, as the history page lists it.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct RunReport {
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub trigger_kind: String,
    pub user_name: String,
    pub written: i64,
    pub read: i64,
    pub changes_in: i64,
    pub changes_out: i64,
    pub records_changed: i64,
    pub conflicts: i64,
    /// Problems and warnings, in Chinese, one per file or step.
    pub messages: Vec<String>,
    /// What the run did, in the one sentence the window, the CLI and the
    /// audit trail all say ([`RunReport::summarised`]).
    pub summary: String,
}

impl RunReport {
    /// The report with its `summary` written from its counts.
    pub fn summarised(self) -> RunReport {
        let summary = format!(
            "读入{}个同步包、{}条修改，写出{}条修改，更新记录{}条，冲突待核{}项",
            self.read, self.changes_in, self.changes_out, self.records_changed, self.conflicts
        );
        RunReport { summary, ..self }
    }
}

/// A sync run on the folder: takes in every package there not taken in yet
/// (each in its own transaction), then writes this PC's package. A bad file
/// is reported and skipped; the others still go in.
pub fn run(store: &mut Store, actor: &Actor, trigger: &str) -> Result<RunReport> {
    let folder = local(store.conn(), "folder")?.ok_or(SyncError::NotConfigured);
    let attempt = folder.map_err(Error::from).and_then(|f| Ok((f, stored_key(store.conn())?)));
    let (folder, key) = match attempt {
        Ok(ready) => ready,
        Err(e) => return Err(failed(store.local(), actor, trigger, e)?),
    };
    run_in(store, actor, trigger, Path::new(&folder), &key)
}

/// A run that could not start is in the history too, with why.
fn failed(conn: &Connection, actor: &Actor, trigger: &str, e: Error) -> Result<Error> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let report = RunReport {
        started_at: now.clone(),
        finished_at: Some(now),
        trigger_kind: trigger.to_string(),
        user_name: actor.user.clone(),
        messages: vec![e.to_string()],
        ..RunReport::default()
    };
    record_run(conn, &report)?;
    Ok(e)
}

fn record_run(conn: &Connection, report: &RunReport) -> Result<i64> {
    conn.execute(
        "INSERT INTO sync_run (started_at, finished_at, trigger_kind, user_name, written, read, changes_in, changes_out,
                               records_changed, conflicts, messages)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        rusqlite::params![
            report.started_at,
            report.finished_at,
            report.trigger_kind,
            report.user_name,
            report.written,
            report.read,
            report.changes_in,
            report.changes_out,
            report.records_changed,
            report.conflicts,
            serde_json::to_string(&report.messages).expect("JSON of text"),
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A sync run on a given folder with a given key (the CLI's `--dir`).
pub fn run_in(store: &mut Store, actor: &Actor, trigger: &str, folder: &Path, key: &OfficeKey) -> Result<RunReport> {
    crate::firstrun::refuse_on_demo(store, "同步")?;
    let folder = folder.to_path_buf();
    if !folder.is_dir() {
        return Err(failed(store.local(), actor, trigger, SyncError::Folder(folder.display().to_string()).into())?);
    }
    let mut report = RunReport {
        started_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        trigger_kind: trigger.to_string(),
        user_name: actor.user.clone(),
        ..RunReport::default()
    };
    let own = store.installation_id().to_string();
    // One file at a time: read, opened and applied before the next is read.
    // A package may need another's changes first (gaps): the ones still
    // waiting are read again in another round while any round brings
    // something new.
    let mut waiting = package_names(&folder)?;
    loop {
        let mut progress = false;
        let mut still = Vec::new();
        for name in waiting {
            let (package_id, b) = match next_package(store.conn(), &folder.join(&name), &name, &own, key) {
                Ok(Some(package)) => package,
                Ok(None) => continue,
                Err(e) => {
                    report.messages.push(e.to_string());
                    continue;
                }
            };
            match apply(store, actor, &b) {
                Ok(a) => {
                    report.read += 1;
                    report.changes_in += a.received as i64;
                    report.records_changed += a.records_changed as i64;
                    progress |= a.received > 0;
                    if a.deferred > 0 {
                        still.push(name);
                    } else {
                        store.local().execute(
                            "INSERT OR IGNORE INTO sync_package (package_id, writer, read_at) VALUES (?1, ?2, ?3)",
                            (&package_id, &b.writer, chrono::Utc::now().to_rfc3339()),
                        )?;
                    }
                }
                Err(e) => report.messages.push(e.to_string()),
            }
        }
        waiting = still;
        if !progress || waiting.is_empty() {
            break;
        }
    }
    for name in &waiting {
        report
            .messages
            .push(format!("同步包“{name}”中有部分修改需要等其他电脑的同步包到来后才能导入，下次同步时会再试"));
    }
    match export(store, Kind::Changes, key) {
        Ok(bytes) => {
            let path = own_file(&folder, store.conn(), &own)?;
            report.changes_out = package::read_header("", &bytes).map(|(h, _)| h.changes as i64).unwrap_or(0);
            match write_file(&path, &bytes) {
                Ok(()) => report.written = 1,
                Err(e) => report.messages.push(e.to_string()),
            }
        }
        Err(e) => report.messages.push(e.to_string()),
    }
    let conn = store.conn();
    report.conflicts =
        conn.query_row("SELECT count(DISTINCT record_id || field) FROM sync_conflict", [], |r| r.get(0))?;
    let pending: i64 = conn.query_row("SELECT count(*) FROM sync_pending", [], |r| r.get(0))?;
    if pending > 0 {
        report.messages.push(format!("有{pending}条记录在等待其他电脑同步来的关联记录（待关联），不影响其他记录"));
    }
    report.finished_at = Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    report.id = record_run(store.local(), &report)?;
    let report = report.summarised();
    audit::record(store, &actor.user, Action::Sync, &folder.display().to_string(), &report.summary)?;
    Ok(report)
}

fn summary_text(a: &Applied) -> String {
    format!("新修改{}条，已有{}条，更新记录{}条，冲突待核{}项", a.received, a.known, a.records_changed, a.conflicts)
}

/// The sync history (同步记录), newest first.
pub fn history(conn: &Connection, limit: i64) -> Result<Vec<RunReport>> {
    let mut stmt = conn.prepare(
        "SELECT id, started_at, finished_at, trigger_kind, user_name, written, read, changes_in, changes_out,
                records_changed, conflicts, messages
         FROM sync_run ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(RunReport {
            id: r.get(0)?,
            started_at: r.get(1)?,
            finished_at: r.get(2)?,
            trigger_kind: r.get(3)?,
            user_name: r.get(4)?,
            written: r.get(5)?,
            read: r.get(6)?,
            changes_in: r.get(7)?,
            changes_out: r.get(8)?,
            records_changed: r.get(9)?,
            conflicts: r.get(10)?,
            messages: serde_json::from_str(&r.get::<_, String>(11)?).unwrap_or_default(),
            summary: String::new(),
        }
        .summarised())
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
