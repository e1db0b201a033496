//! What the layers above give the store when they open it (the store knows
//! nothing of registers, backups or keys; it calls what it is given).
use std::any::Any;
use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::Connection;

use super::Table;
use crate::Result;

/// Who a write is made for: the store logs the user's name; the registers
/// read the rest (role, community) back through [`super::WriteTx::author`].
pub trait Author: Any {
    fn user_name(&self) -> &str;
}

/// Data derived from records (a search index, a list index), kept in step
/// by the write path in the same transaction: what a record became is
/// handed to every [`Derived`] of the store before the transaction commits,
/// so there is no moment in which a committed record is not indexed.
pub trait Derived: Sync {
    /// A keeper of this derived data for one transaction.
    fn begin(&self) -> Box<dyn DerivedTx>;
}

/// One transaction's keeper of derived data. It may hold changes back and
/// write them together (a large import inserts a hundred thousand persons),
/// but it must have written them when [`DerivedTx::flush`] returns.
pub trait DerivedTx {
    /// A record was inserted or changed.
    fn changed(&mut self, conn: &Connection, written: &Written) -> Result<()>;

    /// Writes whatever is held back.
    fn flush(&mut self, conn: &Connection) -> Result<()>;

    /// Forgets whatever is held back (the writes it was for were undone).
    fn discard(&mut self);
}

/// A record as the write path wrote it.
pub struct Written<'a> {
    pub table: Table,
    pub id: &'a str,
    /// The fields set.
    pub names: &'a [&'a str],
    /// Their values before (NULL for a new record).
    pub old: &'a [Value],
    /// Their values after.
    pub values: &'a [(&'a str, Value)],
    /// Whether the record is new.
    pub new: bool,
    /// A new record's rowid (the derived data of a person keeps it).
    pub rowid: Option<i64>,
}

/// Makes the backup kept before an older database is upgraded; returns
/// where it is, or why it could not be made.
pub type BeforeUpgrade = fn(conn: &Connection, data_dir: &Path) -> std::result::Result<PathBuf, String>;

/// Runs once the database is at the latest version, before the store is
/// used (with the installation's id).
pub type AfterOpen = fn(conn: &Connection, installation_id: &str) -> rusqlite::Result<()>;

/// Everything a store is opened with.
pub struct Setup {
    pub derived: &'static [&'static dyn Derived],
    pub before_upgrade: BeforeUpgrade,
    pub after_open: AfterOpen,
}
