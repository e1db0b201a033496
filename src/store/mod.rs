//! The store: one SQLite file per installation (本机数据库).
//!
//! Opening refuses a database written by a newer version before touching it,
//! then runs the embedded migrations in one transaction. Reads go through
//! [`Store::conn`]; every change to a record goes through [`Store::write`].
pub mod chain;
mod clock;
pub mod hooks;
pub mod log;
pub mod merge;
mod migrations;
pub mod write;

use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

pub use clock::Hlc;
pub use hooks::{Author, Derived, DerivedTx, Setup, Written};
pub use migrations::LATEST_VERSION;
pub use write::{Table, WriteTx};

pub const DB_FILE: &str = "street-ledger.db";

/// SQLite's page cache, in KB: large writes (demo, import) stay in memory
/// instead of spilling.
const CACHE_KB: i64 = 65_536;
/// A new database's page size: with 8 KiB pages rather than SQLite's 4 KiB
/// the B-trees are a level shallower and the page cache handles half the
/// pages (the 100,000-person demo 5% faster, its file no larger; 16 KiB
/// gained nothing more). A database made before keeps its pages.
const PAGE_SIZE: i64 = 8192;
/// The cache while a long list is read once (see [`Store::with_small_cache`]).
const SMALL_CACHE_KB: i64 = 4_096;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("这个数据库由更新版本的街道民生台账（数据结构第{found}版）写入，本程序只支持到第{supported}版。数据库未做任何改动，请升级本程序后再打开")]
    NewerDatabase { found: i64, supported: i64 },
    #[error("文件“{0}”不是街道民生台账的数据库，或已损坏。请检查数据目录，必要时从备份恢复")]
    NotADatabase(String),
    #[error("无法打开数据目录“{path}”：{source}。请检查该目录是否存在且有写入权限")]
    Io { path: String, source: std::io::Error },
    #[error("数据库正被其他程序占用，请稍后重试；如反复出现，请关闭其他打开此数据库的窗口")]
    Busy,
    #[error("该记录刚被其他人修改过，您的修改未保存。请刷新后重新填写")]
    Stale,
    #[error("升级前的自动备份没有成功（{0}），数据库未做任何改动。请确认数据目录所在的磁盘有空余空间、备份文件夹可以写入，然后重新打开程序")]
    UpgradeBackup(String),
    #[error("数据表“{table}”没有“{field}”这一项，本次修改未保存。请升级各台电脑的街道民生台账到同一版本；如仍出现，请联系技术支持")]
    UnknownField { table: String, field: String },
    #[error("数据表“{0}”的记录不能删除（只能改状态，例如迁出、结案），本次修改未保存")]
    NotDeletable(String),
    #[error("数据库操作失败（{0}），本次修改未保存。请重试；如仍失败，请运行 street-ledger check 并联系技术支持")]
    Sqlite(rusqlite::Error),
    #[error(
        "数据库升级到第{version}版时出错（{why}），数据库未做任何改动，旧版本程序仍可打开它。升级前的备份在“{backup}”。请先继续使用旧版本程序，并把这段提示告诉技术支持"
    )]
    Migration { version: i64, why: String, backup: String },
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NewerDatabase { .. } => "store.newer_database",
            StoreError::NotADatabase(_) => "store.not_a_database",
            StoreError::Io { .. } => "store.io",
            StoreError::Busy => "store.busy",
            StoreError::Stale => "store.stale",
            StoreError::UpgradeBackup(_) => "store.upgrade_backup",
            StoreError::UnknownField { .. } => "store.unknown_field",
            StoreError::NotDeletable(_) => "store.not_deletable",
            StoreError::Sqlite(_) => "store.sqlite",
            StoreError::Migration { .. } => "store.migration",
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotADatabase(String::new()),
            _ => StoreError::Sqlite(e),
        }
    }
}

pub struct Store {
    /// The connection that writes: records only inside [`Store::write`]
    /// (SQLite's authorizer refuses them otherwise), this PC's own tables
    /// through [`Store::local`].
    writer: Connection,
    /// The connection every read goes through: `query_only`, so nothing read
    /// through [`Store::conn`] can write.
    read: Connection,
    /// Whether a write transaction is open (record tables may be written).
    writing: Arc<AtomicBool>,
    path: PathBuf,
    installation_id: String,
    clock: Hlc,
    derived: &'static [&'static dyn Derived],
}

impl Store {
    /// Opens (creating if absent) the database in a data directory.
    pub fn open_dir_with(dir: &Path, setup: &Setup) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.display().to_string(), source })?;
        Store::open_with(&dir.join(DB_FILE), setup)
    }

    /// Opens (creating if absent) a database file, upgrading an older one
    /// after `setup.before_upgrade` has kept a copy of it.
    pub fn open_with(path: &Path, setup: &Setup) -> Result<Store, StoreError> {
        let not_a_db = |e: rusqlite::Error| match StoreError::from(e) {
            StoreError::NotADatabase(_) => StoreError::NotADatabase(path.display().to_string()),
            other => other,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(not_a_db)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Before anything that could write (WAL switch, migrations): a newer
        // database must stay byte-for-byte as it was.
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(not_a_db)?;
        if found > LATEST_VERSION {
            return Err(StoreError::NewerDatabase { found, supported: LATEST_VERSION });
        }
        if conn.query_row("PRAGMA page_count", [], |r| r.get::<_, i64>(0))? == 0 {
            conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -CACHE_KB)?;
        // Statement and savepoint journals in memory: an import checks each
        // row in its own savepoint, and on disk those journals were a third
        // of its time. They hold only what one row or statement touched.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.set_prepared_statement_cache_capacity(64);
        let mut backup = None;
        let upgrading = found > 0 && found < LATEST_VERSION;
        if upgrading {
            // An older version's database: keep a copy before changing it.
            let data_dir = path.parent().unwrap_or(Path::new("."));
            backup = Some((setup.before_upgrade)(&conn, data_dir).map_err(StoreError::UpgradeBackup)?);
        }
        migrations::migrate(&mut conn).map_err(|e| match (e, backup) {
            // Rolled back whole: the user keeps working with the old program.
            (StoreError::Sqlite(why), Some(backup)) => StoreError::Migration {
                version: LATEST_VERSION,
                why: why.to_string(),
                backup: backup.display().to_string(),
            },
            (e, _) => e,
        })?;
        if upgrading {
            give_back_free_pages(&conn);
        }
        let installation_id = installation(&conn)?;
        (setup.after_open)(&conn, &installation_id)?;
        // The clock starts after every stamp logged. Each PC's stamps grow
        // with its own sequence, so its last entries hold its newest (a few
        // are read, not one, in case a clock was set back); no index by
        // stamp is kept for this. (CROSS JOIN: PC by PC, each PC's last
        // entries found by the index, where the planner would scan it.)
        let last: Option<String> = conn.query_row(
            "SELECT max(l.hlc) FROM change_log l WHERE l.seq IN (
                SELECT e.seq FROM change_pc p CROSS JOIN change_entry e ON e.pc = p.n
                WHERE e.origin_seq > (SELECT max(origin_seq) FROM change_entry WHERE pc = p.n) - 64)",
            [],
            |r| r.get(0),
        )?;
        let writing = Arc::new(AtomicBool::new(false));
        guard_records(&conn, writing.clone());
        let read = open_reader(path)?;
        Ok(Store {
            writer: conn,
            read,
            writing,
            path: path.to_path_buf(),
            installation_id,
            clock: Hlc::after(last.as_deref()),
            derived: setup.derived,
        })
    }

    /// Read access, through a connection that cannot write (`query_only`):
    /// records change only through [`Store::write`], this PC's own tables
    /// through [`Store::local`].
    pub fn conn(&self) -> &Connection {
        &self.read
    }

    /// The writing connection, for the tables that belong to this PC and are
    /// not records (`catalogue::LOCAL_TABLES`: login counters, sync state,
    /// audit events, local settings). A record table written through it is
    /// refused by SQLite ("not authorized"): records go through
    /// [`Store::write`].
    pub fn local(&self) -> &Connection {
        &self.writer
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn installation_id(&self) -> &str {
        &self.installation_id
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.writer.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Runs `f` with a small page cache: a long list read once, front to
    /// back (a report export), gains nothing from caching what it read, and
    /// would otherwise hold up to the whole cache afterwards.
    pub fn with_small_cache<T>(&self, f: impl FnOnce() -> T) -> Result<T, StoreError> {
        self.read.pragma_update(None, "cache_size", -SMALL_CACHE_KB)?;
        let out = f();
        self.read.pragma_update(None, "cache_size", -CACHE_KB)?;
        Ok(out)
    }

    /// Refreshes the query planner's statistics after a large write (demo,
    /// import): without them SQLite guesses, and some lists scan everything.
    pub fn optimize(&self) -> Result<(), StoreError> {
        self.writer.execute_batch("PRAGMA analysis_limit = 400; ANALYZE;")?;
        Ok(())
    }

    /// [`Store::write`] for the first large write into a new database (the
    /// demo street, a PC joining an office): through a rollback journal, so
    /// that each new page is written once, where the WAL writes it twice (to
    /// the WAL, then to the database at the checkpoint). SQLite leaves WAL only
    /// for a connection alone on the database, so the reading connection is
    /// closed meanwhile; when another program holds the database the write
    /// goes through the WAL as usual. A kill midway leaves a journal that
    /// SQLite plays back when the database is next opened: the state before
    /// the write, as with the WAL.
    pub fn write_alone<T>(
        &mut self,
        author: &dyn Author,
        f: impl FnOnce(&mut WriteTx) -> crate::Result<T>,
    ) -> crate::Result<T> {
        drop(std::mem::replace(&mut self.read, Connection::open_in_memory().map_err(StoreError::from)?));
        let alone = self.writer.busy_timeout(std::time::Duration::ZERO).is_ok()
            && self
                .writer
                .pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get::<_, String>(0))
                .is_ok_and(|mode| mode.eq_ignore_ascii_case("delete"));
        let out = self.write(author, f);
        let restored = (|| {
            if alone {
                self.writer.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))?;
            }
            self.writer.busy_timeout(std::time::Duration::from_secs(5))?;
            self.read = open_reader(&self.path)?;
            Ok::<_, StoreError>(())
        })();
        let out = out?;
        restored?;
        Ok(out)
    }

    /// Runs `f` as [`Store::write`] would, then undoes everything: what an
    /// import would do, to preview it with the very same checks.
    pub fn dry_run<T>(
        &mut self,
        author: &dyn Author,
        f: impl FnOnce(&mut WriteTx) -> crate::Result<T>,
    ) -> crate::Result<T> {
        self.transaction(author, true, f)
    }

    /// The one write path: runs `f` in one transaction that logs every
    /// changed field; an error anywhere in `f` rolls all of it back.
    pub fn write<T>(
        &mut self,
        author: &dyn Author,
        f: impl FnOnce(&mut WriteTx) -> crate::Result<T>,
    ) -> crate::Result<T> {
        self.transaction(author, false, f)
    }

    /// A write transaction (record tables open to it): committed when `f`
    /// succeeds, unless dry; a dry one skips the log and the derived data and
    /// is dropped without commit, so rolled back.
    fn transaction<T>(
        &mut self,
        author: &dyn Author,
        dry: bool,
        f: impl FnOnce(&mut WriteTx) -> crate::Result<T>,
    ) -> crate::Result<T> {
        let _open = Writing::open(&self.writing);
        let tx = self.writer.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let derived = if dry { &[] } else { self.derived };
        let mut w = WriteTx::new(tx, author, &self.installation_id, &mut self.clock, derived);
        if dry {
            w = w.dry();
        }
        let out = f(&mut w)?;
        if !dry {
            w.commit()?;
        }
        Ok(out)
    }
}

/// While alive, record tables may be written (a write transaction is open).
struct Writing<'a>(&'a AtomicBool);

impl<'a> Writing<'a> {
    fn open(flag: &'a AtomicBool) -> Writing<'a> {
        flag.store(true, Ordering::SeqCst);
        Writing(flag)
    }
}

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// Makes SQLite refuse any statement that inserts, updates or deletes
/// records unless a write transaction is open: the one write path holds by
/// the engine, not by convention. (Checked when a statement is prepared:
/// the write path's own statements are prepared inside it.)
fn guard_records(conn: &Connection, writing: Arc<AtomicBool>) {
    conn.authorizer(Some(move |ctx: AuthContext<'_>| {
        let table = match ctx.action {
            AuthAction::Insert { table_name } | AuthAction::Delete { table_name } => table_name,
            AuthAction::Update { table_name, .. } => table_name,
            _ => return Authorization::Allow,
        };
        if Table::from_name(table).is_some() && !writing.load(Ordering::SeqCst) {
            Authorization::Deny
        } else {
            Authorization::Allow
        }
    }));
}

/// After an upgrade that left much of the file free (migration 0013 stores
/// the log in a third of the space), the space goes back to the disk: a
/// 0.2.0 street of 440 MB is 130 MB after it. Failing (a full disk) loses
/// nothing; the file just stays large.
fn give_back_free_pages(conn: &Connection) {
    let pages = |pragma: &str| conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get::<_, i64>(0)).unwrap_or(0);
    if pages("freelist_count") * 4 > pages("page_count") {
        let _ = conn.execute_batch("VACUUM");
    }
}

/// This PC's id, made at first start.
fn installation(conn: &Connection) -> Result<String, StoreError> {
    if let Some(id) = conn.query_row("SELECT id FROM installation", [], |r| r.get(0)).optional()? {
        return Ok(id);
    }
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO installation (id, pc_name, created_at) VALUES (?1, ?2, ?3)",
        (&id, pc_name(), chrono::Utc::now().to_rfc3339()),
    )?;
    Ok(id)
}

fn pc_name() -> String {
    std::env::var("COMPUTERNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok().map(|s| s.trim().to_string()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "本机".to_string())
}

/// Rows of a query as JSON objects named by their columns (the child lists
/// of a case page, prevention entries).
pub(crate) fn json_rows(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> crate::Result<Vec<serde_json::Value>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let mut out = Vec::new();
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        let mut obj = serde_json::Map::new();
        for (i, n) in names.iter().enumerate() {
            obj.insert(n.clone(), write::to_json(&r.get::<_, rusqlite::types::Value>(i)?));
        }
        out.push(serde_json::Value::Object(obj));
    }
    Ok(out)
}

/// The reading connection: `query_only`, so that nothing read through
/// [`Store::conn`] can write.
fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let read = Connection::open_with_flags(path, flags)?;
    read.busy_timeout(std::time::Duration::from_secs(5))?;
    read.pragma_update(None, "query_only", "ON")?;
    read.pragma_update(None, "cache_size", -CACHE_KB)?;
    read.set_prepared_statement_cache_capacity(64);
    Ok(read)
}

/// A new record's id: a UUIDv7 (time-ordered, unique across PCs without
/// coordination) written in 22 characters instead of 36, because ids are
/// most of the bytes of a record table and its indexes (about a third of
/// the demo street's file, 1.5 million ids).
///
/// The 128 bits follow the 4 bits `0001`, six bits a character, in an
/// alphabet in ASCII order (`-0-9A-Z_a-z`): ids made later sort later,
/// and after every id written the older way (`0…-…`), so "the newest of a
/// day" (`ORDER BY date DESC, id DESC`) holds across the change. They are
/// only ASCII letters, digits, `-` and `_`, as addresses and received
/// packages require. Ids made before stay as they are: an id is opaque
/// text everywhere but in [`log::record_key`].
pub fn new_id() -> String {
    id_text(uuid::Uuid::now_v7().as_u128())
}

const ID_DIGITS: &[u8; 64] = b"-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

fn id_text(bits: u128) -> String {
    let lead = (0b0001 << 2) | (bits >> 126) as usize;
    let rest = (0..21).map(|i| ID_DIGITS[((bits >> (120 - 6 * i)) & 63) as usize] as char);
    std::iter::once(ID_DIGITS[lead] as char).chain(rest).collect()
}

/// Where the data lives when no folder is named: `STREET_LEDGER_DATA_DIR`,
/// else the platform data folder (Linux `~/.local/share/street-ledger`,
/// Windows `%APPDATA%\street-ledger`).
pub fn default_data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("STREET_LEDGER_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("street-ledger")
}
