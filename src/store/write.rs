//! The one write path (唯一写入通道). Every insert or update of a record
//! goes through [`WriteTx`], which in the same transaction bumps the row
//! version and appends to `change_log` who changed which fields of which
//! record on which PC, with old and new values. Sync and the audit trail read
//! that log; nothing else writes record tables.
use std::any::Any;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;

use rusqlite::types::{ToSql, Value};
use rusqlite::{params_from_iter, Connection, OptionalExtension, Transaction};
use serde_json::json;

use super::hooks::{Author, Derived, DerivedTx};
use super::{Hlc, StoreError};
use crate::{Error, Result};

pub use crate::catalogue::Table;

/// A field the write path may set, or an error naming it: a field name
/// also goes into SQL text, so nothing else may pass.
pub fn check_field(table: Table, field: &str) -> Result<()> {
    if table.field(field).is_some() {
        return Ok(());
    }
    Err(StoreError::UnknownField { table: table.name().to_string(), field: field.to_string() }.into())
}

fn check_fields(table: Table, fields: &[(&str, Value)]) -> Result<()> {
    fields.iter().try_for_each(|(f, _)| check_field(table, f))
}

/// Field name to value, as given to the write path.
pub type Fields<'f> = [(&'f str, Value)];

pub struct WriteTx<'a> {
    tx: Transaction<'a>,
    author: &'a dyn Author,
    installation_id: &'a str,
    clock: &'a mut Hlc,
    txn_id: String,
    at: String,
    /// The change log's chain head, read at this transaction's first log
    /// entry and carried in memory from row to row (a large import writes
    /// hundreds of thousands), then stored in `audit_head` at commit.
    chain: Option<super::chain::ChainHead>,
    /// The numbers the log gives PC ids and transactions.
    numbers: super::log::Numbers,
    /// This PC's last origin_seq, read at the first log entry.
    local_seq: Option<i64>,
    /// Whether any conflict is listed, read at the first log entry: a change
    /// made here settles the conflicts of the fields it sets.
    conflicts_listed: Option<bool>,
    /// Whether any record waits (待关联), read when first needed.
    pending_listed: Option<bool>,
    /// Whether no conflict, pending record or refused change was held when
    /// first asked ([`WriteTx::materialize_following`]).
    nothing_held: Option<bool>,
    /// The keepers of derived data (search and list indexes), one for each
    /// [`Derived`] the store was opened with.
    derived: Vec<Box<dyn DerivedTx>>,
    /// A trial that is never committed ([`super::Store::dry_run`]): the
    /// change log and the derived indexes, which no write reads, are left
    /// out, so a preview costs what its checks cost and not what logging does.
    dry: bool,
    /// Reads kept for the rest of the transaction ([`WriteTx::memo`]), each
    /// with the table it was read from.
    memo: Vec<(Table, String, Rc<dyn Any>)>,
    /// The last entry logged, its strings reused by the next.
    entry: Change,
}

/// A record's insert, as `WriteTx::merged` found it.
enum Insert {
    None,
    /// Its record's only change, logged with its text: (seq, text).
    Logged(i64, String),
    /// Kept without a copy of its values: (seq, the text rebuilt, and its
    /// mask and patch when read already).
    Kept(i64, String, Option<(i64, Option<super::log::Patch>)>),
    /// Kept without a copy: its mask and patch (its text not rebuilt).
    KeptFirst(i64, Option<super::log::Patch>),
    /// Not read: looked up when needed.
    Unknown,
}

/// One change-log entry as it travels between PCs (see `sync`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    pub installation_id: String,
    pub origin_seq: i64,
    pub txn_id: String,
    pub hlc: String,
    pub at: String,
    pub user_name: String,
    pub table_name: String,
    pub record_id: String,
    pub op: String,
    /// `{"field": {"old": .., "new": ..}}`, as the PC that made it logged it.
    pub fields: String,
    pub seen: Option<String>,
}

impl Change {
    pub const COLUMNS: &'static str =
        "installation_id, origin_seq, txn_id, hlc, at, user_name, table_name, record_id, op, fields, seen, mask";

    /// A change from a row of [`Change::COLUMNS`] of `change_log`.
    pub fn read(conn: &Connection, r: &rusqlite::Row) -> Result<Change> {
        let (table_name, record_id): (String, String) = (r.get(6)?, r.get(7)?);
        let fields = super::log::fields_of(conn, &table_name, &record_id, r.get(9)?, r.get(11)?)?;
        Ok(Change {
            installation_id: r.get(0)?,
            origin_seq: r.get(1)?,
            txn_id: r.get(2)?,
            hlc: r.get(3)?,
            at: r.get(4)?,
            user_name: r.get(5)?,
            table_name,
            record_id,
            op: r.get(8)?,
            fields,
            seen: r.get(10)?,
        })
    }
}

impl<'a> WriteTx<'a> {
    pub(super) fn new(
        tx: Transaction<'a>,
        author: &'a dyn Author,
        installation_id: &'a str,
        clock: &'a mut Hlc,
        derived: &[&'static dyn Derived],
    ) -> Self {
        WriteTx {
            tx,
            author,
            installation_id,
            clock,
            txn_id: super::new_id(),
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            chain: None,
            numbers: Default::default(),
            local_seq: None,
            conflicts_listed: None,
            pending_listed: None,
            nothing_held: None,
            derived: derived.iter().map(|d| d.begin()).collect(),
            dry: false,
            memo: Vec::new(),
            entry: Change::default(),
        }
    }

    pub(super) fn dry(mut self) -> Self {
        self.dry = true;
        self
    }

    /// Who this write acts for: the registers check permissions against it
    /// (`access` reads it back as the `Actor` it was given).
    pub fn author(&self) -> &dyn Author {
        self.author
    }

    /// Runs `f` so that its writes are kept when it succeeds and undone when
    /// it fails, while the transaction goes on (an import keeps the good
    /// rows of a file and reports the bad ones).
    pub fn attempt<T>(&mut self, f: impl FnOnce(&mut WriteTx) -> Result<T>) -> Result<T> {
        // Derived rows pending from before the attempt go in first: written
        // inside it, a rollback of the attempt would take them away too.
        self.flush_derived()?;
        let saved = (self.chain.clone(), self.local_seq, self.conflicts_listed, self.pending_listed);
        let numbers = self.numbers.clone();
        self.tx.execute_batch("SAVEPOINT attempt")?;
        match f(self) {
            Ok(v) => {
                self.tx.execute_batch("RELEASE attempt")?;
                Ok(v)
            }
            Err(e) => {
                self.tx.execute_batch("ROLLBACK TO attempt; RELEASE attempt")?;
                (self.chain, self.local_seq, self.conflicts_listed, self.pending_listed) = saved;
                self.numbers = numbers;
                self.derived.iter_mut().for_each(|d| d.discard());
                // What was read inside the attempt may be undone with it.
                self.memo.clear();
                Err(e)
            }
        }
    }

    /// The PC this write is made on.
    pub fn installation_id(&self) -> &str {
        self.installation_id
    }

    /// Reads inside the transaction (they see this transaction's writes).
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    /// `read` of `table` once in this transaction: kept under `key` until
    /// the write path writes that table (or an attempt is undone). For what
    /// every row of a large write checks against (a dictionary, a setting),
    /// read a hundred thousand times otherwise.
    pub fn memo<T: 'static>(
        &mut self,
        table: Table,
        key: &str,
        read: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<Rc<T>> {
        let kept = self.memo.iter().find(|(t, k, _)| *t == table && k == key);
        if let Some(value) = kept.and_then(|(_, _, v)| v.clone().downcast::<T>().ok()) {
            return Ok(value);
        }
        let value = Rc::new(read(&self.tx)?);
        self.memo.retain(|(t, k, _)| !(*t == table && k == key));
        self.memo.push((table, key.to_string(), value.clone()));
        Ok(value)
    }

    /// Before `table` is written: what was read of it is read again.
    fn forget(&mut self, table: Table) {
        if self.memo.iter().any(|(t, _, _)| *t == table) {
            self.memo.retain(|(t, _, _)| *t != table);
        }
    }

    pub(super) fn commit(mut self) -> Result<()> {
        self.flush_derived()?;
        if let Some(head) = &self.chain {
            super::log::seal(&self.tx, head.seq, &head.hash)?;
            head.store(&self.tx, super::chain::Log::ChangeLog)?;
        }
        self.tx.commit()?;
        Ok(())
    }

    /// Inserts a new record with the given id (made by [`super::new_id`]).
    pub fn insert(&mut self, table: Table, id: &str, fields: &Fields) -> Result<()> {
        check_fields(table, fields)?;
        self.forget(table);
        let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
        // Written straight into one string, the values bound where they
        // are: a large import inserts hundreds of thousands of records.
        let mut sql = String::with_capacity(64 + 24 * fields.len());
        let _ = write!(sql, "INSERT INTO {} (id, row_version", table.name());
        names.iter().for_each(|n| sql.extend([", ", n]));
        sql.push_str(") VALUES (?1, 1");
        for i in 2..fields.len() + 2 {
            let _ = write!(sql, ", ?{i}");
        }
        sql.push(')');
        let params = std::iter::once(&id as &dyn ToSql).chain(fields.iter().map(|(_, v)| v as &dyn ToSql));
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(params))?;
        let rowid = self.tx.last_insert_rowid();
        let old = vec![Value::Null; fields.len()];
        self.derive(table, id, &names, &old, fields, Some(rowid))?;
        let mask = super::log::mask_of(table, fields);
        self.log_as(table, id, "insert", fields.iter().map(|(f, v)| (*f, &Value::Null, v)), true, mask)
    }

    /// Sets the given fields of a record; logs and bumps the row version only
    /// when something actually changed. With `expected_version`, refuses to
    /// overwrite a record that someone else changed meanwhile.
    /// Returns whether anything changed.
    pub fn update(&mut self, table: Table, id: &str, expected_version: Option<i64>, fields: &Fields) -> Result<bool> {
        check_fields(table, fields)?;
        let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
        let select = format!("SELECT row_version, {} FROM {} WHERE id = ?1", names.join(", "), table.name());
        let current: Option<(i64, Vec<Value>)> = self
            .tx
            .prepare_cached(&select)?
            .query_row([id], |r| {
                let old = (0..names.len()).map(|i| r.get::<_, Value>(i + 1)).collect::<rusqlite::Result<_>>()?;
                Ok((r.get(0)?, old))
            })
            .optional()?;
        let Some((version, old)) = current else {
            return Err(Error::NotFound { what: "记录" });
        };
        if expected_version.is_some_and(|v| v != version) {
            return Err(StoreError::Stale.into());
        }
        let changed: Vec<usize> = (0..fields.len()).filter(|&i| !same(&old[i], &fields[i].1)).collect();
        if changed.is_empty() {
            return Ok(false);
        }
        self.forget(table);
        super::log::keep_first_values(&self.tx, table, id, changed.iter().map(|&i| (names[i], &old[i])))?;
        let sets: Vec<String> =
            changed.iter().enumerate().map(|(n, &i)| format!("{} = ?{}", names[i], n + 2)).collect();
        let sql =
            format!("UPDATE {} SET row_version = row_version + 1, {} WHERE id = ?1", table.name(), sets.join(", "));
        let params = std::iter::once(&id as &dyn ToSql).chain(changed.iter().map(|&i| &fields[i].1 as &dyn ToSql));
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(params))?;
        self.derive(table, id, &names, &old, fields, None)?;
        self.log(table, id, "update", changed.iter().map(|&i| (names[i], &old[i], &fields[i].1)))?;
        Ok(true)
    }

    /// Sets one field and logs it even when the value is the same: picking
    /// a side of a conflict (冲突待核) must reach the other PCs as a change
    /// that has seen both sides.
    pub fn settle(&mut self, table: Table, id: &str, field: &str, value: Value) -> Result<()> {
        let fields = [(field, value)];
        check_fields(table, &fields)?;
        let sql = format!("SELECT {field} FROM {} WHERE id = ?1", table.name());
        let old: Value = self
            .tx
            .prepare_cached(&sql)?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotFound { what: "记录" })?;
        self.forget(table);
        super::log::keep_first_values(&self.tx, table, id, std::iter::once((field, &old)))?;
        let sql = format!("UPDATE {} SET row_version = row_version + 1, {field} = ?2 WHERE id = ?1", table.name());
        self.tx.prepare_cached(&sql)?.execute((id, &fields[0].1))?;
        self.derive(table, id, &[field], std::slice::from_ref(&old), &fields, None)?;
        self.log(table, id, "update", std::iter::once((field, &old, &fields[0].1)))
    }

    /// Deletes a record that nothing refers to (a mistaken entry), leaving a
    /// tombstone in the log with the values it had. Deleting a record already
    /// gone (the other side of a delete conflict) logs the tombstone only.
    pub fn delete(&mut self, table: Table, id: &str) -> Result<()> {
        if !table.deletable() {
            return Err(StoreError::NotDeletable(table.name().to_string()).into());
        }
        self.forget(table);
        let names: Vec<&str> = table.field_names().collect();
        let sql = format!("SELECT {} FROM {} WHERE id = ?1", names.join(", "), table.name());
        let old: Option<Vec<Value>> = self
            .tx
            .prepare_cached(&sql)?
            .query_row([id], |r| (0..names.len()).map(|i| r.get::<_, Value>(i)).collect())
            .optional()?;
        let old = match old {
            Some(old) => {
                super::log::expand(&self.tx, table, id)?;
                self.tx.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", table.name()))?.execute([id])?;
                old
            }
            None if self.logged(id)? => vec![Value::Null; names.len()],
            None => return Err(Error::NotFound { what: "记录" }),
        };
        self.log(table, id, "delete", names.iter().zip(&old).map(|(f, v)| (*f, v, &Value::Null)))
    }

    /// Brings back a deleted record (the other side of a delete conflict):
    /// an insert that has seen the deletion and the edits made meanwhile.
    pub fn restore(&mut self, table: Table, id: &str, fields: &Fields) -> Result<()> {
        check_fields(table, fields)?;
        self.log(table, id, "insert", fields.iter().map(|(f, v)| (*f, &Value::Null, v)))?;
        self.materialize(table, id)?;
        Ok(())
    }

    fn logged(&self, id: &str) -> Result<bool> {
        let sql = "SELECT EXISTS (SELECT 1 FROM change_entry WHERE record_id = ?1)";
        Ok(self.tx.prepare_cached(sql)?.query_row([super::log::record_key(id)], |r| r.get(0))?)
    }

    /// Whether this PC has logged any change of a record.
    pub fn has_history(&self, id: &str) -> Result<bool> {
        self.logged(id)
    }

    /// What this PC holds of a record's changes (see
    /// [`WriteTx::materialize_following`]).
    pub fn heads(&mut self, id: &str) -> Result<super::log::Heads> {
        self.numbers.heads(&self.tx, id)
    }

    /// Takes in a change made on another PC that the caller knows is new
    /// (its PC's next in sequence, by what the log holds as read in this
    /// transaction): logged as that PC made it (its stamp, user and `seen`),
    /// chained into this PC's log.
    /// With `mask`: the one change of a record with no history
    /// here, an insert (see [`fresh_insert_mask`]) logged without a copy of
    /// its values, which [`WriteTx::materialize_fresh`] must then store in
    /// this transaction (or write out). Returns its seq.
    pub fn receive_new(&mut self, change: &Change, mask: Option<i64>) -> Result<i64> {
        self.clock.observe(&change.hlc);
        self.append(change, mask)?;
        Ok(self.chain.as_ref().expect("appended").seq)
    }

    /// Brings a record to what its logged changes make it (see `merge`),
    /// keeping its derived data, its conflicts and its pending state.
    /// Returns whether the stored record changed.
    pub fn materialize(&mut self, table: Table, id: &str) -> Result<bool> {
        let stored = self.stored(table, id)?;
        let (merged, insert) = self.merged(table, id, stored.as_deref())?;
        self.materialize_as(table, id, &merged, insert, stored)
    }

    /// [`WriteTx::materialize`] for a record whose changes all came in in
    /// this take-in (none logged before it), merged from them in memory
    /// (`changes` in the order they were logged) instead of read back.
    /// `kept`: the seq and mask of its one change, an insert taken in by
    /// [`WriteTx::receive_new`]: its text is written out unless the record
    /// now holds exactly what rebuilds it.
    pub fn materialize_fresh(
        &mut self,
        table: Table,
        id: &str,
        changes: &[&Change],
        kept: Option<(i64, i64)>,
    ) -> Result<bool> {
        let entries: Vec<super::merge::Entry> = changes
            .iter()
            .map(|c| {
                super::merge::Entry::from_log(
                    c.hlc.clone(),
                    c.installation_id.clone(),
                    c.op.clone(),
                    &c.fields,
                    c.seen.as_deref(),
                )
            })
            .collect();
        let merged = super::merge::merge(&entries);
        let insert = match (kept, changes) {
            (Some((seq, mask)), [only]) => Insert::Kept(seq, only.fields.clone(), Some((mask, None))),
            _ => Insert::Unknown,
        };
        let stored = self.stored(table, id)?;
        let changed = self.materialize_as(table, id, &merged, insert, stored)?;
        if let (Some((seq, mask)), [only]) = (kept, changes) {
            // Kept only when the record is stored (not 待关联 or 重复) with
            // values that give back the logged text byte for byte.
            let values: Vec<(&str, Value)> =
                table.field_names().filter_map(|f| merged.values.get(f).map(|v| (f, from_json(v)))).collect();
            let exact = super::log::mask_of(table, &values) == Some(mask)
                && super::log::insert_text(values.iter().map(|(f, v)| (*f, v))) == only.fields;
            if !exact || !(changed || self.stored_exists(table, id)?) {
                super::log::write_out(&self.tx, seq, id, &only.fields)?;
            }
        }
        Ok(changed)
    }

    /// [`WriteTx::materialize`] for a stored record whose changes taken in
    /// now (`changes`, as logged, all updates) follow every change of it
    /// logged before them (`heads`, read before they were taken in): each
    /// has seen all of those and the ones before it. Merging then gives the
    /// record as stored with their values set in order, and no conflict, so
    /// neither the log is read back nor merged. None when they do not
    /// follow, or the office holds conflicts, pending or refused changes:
    /// [`WriteTx::materialize`] merges it then.
    pub fn materialize_following(
        &mut self,
        table: Table,
        id: &str,
        changes: &[&Change],
        heads: super::log::Heads,
    ) -> Result<Option<bool>> {
        if !heads.numeric || changes.iter().any(|c| c.op != "update") || !self.nothing_held()? {
            return Ok(None);
        }
        let mut newest = heads.newest;
        for c in changes {
            let Some(seen) = c.seen.as_deref().and_then(|s| serde_json::from_str::<BTreeMap<String, String>>(s).ok())
            else {
                return Ok(None);
            };
            let saw = |(pc, hlc): &(String, i64)| {
                seen.get(pc).and_then(|h| super::log::stamp_number(h)).is_some_and(|h| h >= *hlc)
            };
            let Some(stamp) = super::log::stamp_number(&c.hlc) else { return Ok(None) };
            if newest.is_empty() || !newest.iter().all(saw) {
                return Ok(None);
            }
            newest.push((c.installation_id.clone(), stamp));
        }
        let Some(stored) = self.stored(table, id)? else { return Ok(None) };
        // Only what they set: the stored record keeps every other field.
        let mut values = BTreeMap::new();
        for c in changes {
            values.extend(super::merge::new_values(&c.fields));
        }
        let merged = super::merge::Merged {
            exists: true,
            values,
            conflicts: BTreeMap::new(),
            changes: heads.count + changes.len() as i64,
        };
        let insert = match heads.kept {
            Some((mask, patch)) => Insert::KeptFirst(mask, patch),
            None => Insert::None,
        };
        self.materialize_as(table, id, &merged, insert, Some(stored)).map(Some)
    }

    /// Whether the office holds no conflict, pending record or refused
    /// change (read once a transaction; a take-in adds to them only for
    /// records it merges the long way).
    fn nothing_held(&mut self) -> Result<bool> {
        if self.nothing_held.is_none() {
            let sql = "SELECT NOT EXISTS (SELECT 1 FROM sync_conflict) AND NOT EXISTS (SELECT 1 FROM sync_pending)
                       AND NOT EXISTS (SELECT 1 FROM sync_refused)";
            self.nothing_held = Some(self.tx.query_row(sql, [], |r| r.get(0))?);
        }
        Ok(self.nothing_held == Some(true))
    }

    /// Every field of a stored record, in catalogue order.
    fn stored(&self, table: Table, id: &str) -> Result<Option<Vec<Value>>> {
        let names: Vec<&str> = table.field_names().collect();
        let sql = format!("SELECT {} FROM {} WHERE id = ?1", names.join(", "), table.name());
        Ok(self
            .tx
            .prepare_cached(&sql)?
            .query_row([id], |r| (0..names.len()).map(|i| r.get::<_, Value>(i)).collect())
            .optional()?)
    }

    fn stored_exists(&self, table: Table, id: &str) -> Result<bool> {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {} WHERE id = ?1)", table.name());
        Ok(self.tx.prepare_cached(&sql)?.query_row([id], |r| r.get(0))?)
    }

    fn materialize_as(
        &mut self,
        table: Table,
        id: &str,
        merged: &super::merge::Merged,
        insert: Insert,
        stored: Option<Vec<Value>>,
    ) -> Result<bool> {
        self.forget(table);
        if self.conflicts_listed.is_none() {
            self.conflicts_listed =
                Some(self.tx.query_row("SELECT EXISTS (SELECT 1 FROM sync_conflict)", [], |r| r.get(0))?);
        }
        // Most records have no conflict, and most imports none at all.
        if self.conflicts_listed == Some(true) {
            self.tx.prepare_cached("DELETE FROM sync_conflict WHERE record_id = ?1")?.execute([id])?;
        }
        if !merged.conflicts.is_empty() {
            self.conflicts_listed = Some(true);
        }
        for (field, heads) in &merged.conflicts {
            for h in heads {
                self.tx
                    .prepare_cached(
                        "INSERT INTO sync_conflict (record_id, table_name, field, hlc, installation_id)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute((id, table.name(), field, &h.hlc, &h.installation_id))?;
            }
        }
        let reason = match self.store_merged(table, id, merged, insert, stored)? {
            Ok(changed) => {
                if self.pending_listed()? {
                    self.tx.prepare_cached("DELETE FROM sync_pending WHERE record_id = ?1")?.execute([id])?;
                }
                return Ok(changed);
            }
            Err(reason) => reason,
        };
        self.tx
            .prepare_cached(
                "INSERT INTO sync_pending (record_id, table_name, reason) VALUES (?1, ?2, ?3)
                 ON CONFLICT (record_id) DO UPDATE SET reason = excluded.reason",
            )?
            .execute((id, table.name(), reason))?;
        self.pending_listed = Some(true);
        Ok(false)
    }

    fn pending_listed(&mut self) -> Result<bool> {
        if self.pending_listed.is_none() {
            self.pending_listed =
                Some(self.tx.query_row("SELECT EXISTS (SELECT 1 FROM sync_pending)", [], |r| r.get(0))?);
        }
        Ok(self.pending_listed == Some(true))
    }

    /// What a record's logged changes make it, and its insert (seq, text):
    /// `Logged` when its one change is an insert logged with its text,
    /// `Kept` when the insert is kept without a copy (the text rebuilt).
    /// `stored`: the record as stored (every field, in catalogue order), from
    /// which an insert kept without a copy is rebuilt.
    fn merged(&self, table: Table, id: &str, stored: Option<&[Value]>) -> Result<(super::merge::Merged, Insert)> {
        let sql = format!(
            "SELECT hlc, installation_id, op, fields, seen, table_name, mask, seq FROM change_log
             WHERE record_key = ?1 AND {} ORDER BY seq",
            super::merge::COUNTED
        );
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let mut rows = stmt.query([super::log::record_key(id)])?;
        let mut entries = Vec::new();
        let (mut logged, mut kept) = (None, None);
        while let Some(r) = rows.next()? {
            let text: Option<String> = r.get(3)?;
            let mask: Option<i64> = r.get(6)?;
            let op: String = r.get(2)?;
            let seen: Option<String> = r.get(4)?;
            let entry_table: String = r.get(5)?;
            if let (None, Some(mask), true) = (&text, mask, entry_table == table.name()) {
                // Kept without a copy: its values are the record's, read
                // already, with the first values of those changed since.
                let (text, values, patch) = match stored {
                    Some(row) => {
                        let patch = super::log::patch_of(&self.tx, id)?;
                        let p = patch.as_ref();
                        let text = super::log::text_of_row(table, mask, row, p);
                        (text, super::log::values_of_row(table, mask, row, p), patch)
                    }
                    None => ("{}".to_string(), Default::default(), None),
                };
                kept = Some((r.get(7)?, text, Some((mask, patch))));
                entries.push(super::merge::Entry::with_values(r.get(0)?, r.get(1)?, op, values, seen.as_deref()));
                continue;
            }
            let fields = super::log::fields_of(&self.tx, &entry_table, id, text.clone(), mask)?;
            match (text, mask) {
                (Some(text), _) if op == "insert" && entries.is_empty() => logged = Some((r.get(7)?, text)),
                (None, Some(_)) => kept = Some((r.get(7)?, fields.clone(), None)),
                _ => {}
            }
            entries.push(super::merge::Entry::from_log(r.get(0)?, r.get(1)?, op, &fields, seen.as_deref()));
        }
        let insert = match (logged, kept) {
            (Some((seq, text)), _) if entries.len() == 1 => Insert::Logged(seq, text),
            (_, Some((seq, text, first))) => Insert::Kept(seq, text, first),
            _ => Insert::None,
        };
        Ok((super::merge::merge(&entries), insert))
    }

    /// Writes the merged record over the stored one; Ok(Err(reason)) when it
    /// cannot be stored yet (待关联, 重复), and nothing is written then.
    fn store_merged(
        &mut self,
        table: Table,
        id: &str,
        m: &super::merge::Merged,
        insert: Insert,
        stored: Option<Vec<Value>>,
    ) -> Result<std::result::Result<bool, &'static str>> {
        let names: Vec<&str> = table.field_names().collect();
        if !m.exists {
            let inserted = "SELECT EXISTS (SELECT 1 FROM change_entry WHERE record_id = ?1 AND op = 0)";
            let key = super::log::record_key(id);
            if stored.is_none() && !self.tx.prepare_cached(inserted)?.query_row([key], |r| r.get::<_, bool>(0))? {
                return Ok(Err("待关联：这条记录的登记还没有同步到本机"));
            }
            if stored.is_some() {
                self.write_out(table, id, &insert)?;
                self.tx.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", table.name()))?.execute([id])?;
            }
            return Ok(Ok(stored.is_some()));
        }
        for (field, parent) in table.references() {
            if let Some(serde_json::Value::String(parent_id)) = m.values.get(field) {
                let sql = format!("SELECT EXISTS (SELECT 1 FROM {} WHERE id = ?1)", parent.name());
                if !self.tx.prepare_cached(&sql)?.query_row([parent_id], |r| r.get::<_, bool>(0))? {
                    return Ok(Err("待关联：它所属的记录还没有同步到本机"));
                }
            }
        }
        let all: Vec<(&str, Value)> =
            names.iter().filter_map(|f| m.values.get(*f).map(|v| (*f, from_json(v)))).collect();
        // Only what differs from the stored record is written and reindexed:
        // a received phone change must not rebuild every index of a person.
        let old_of = |f: &str| -> Value {
            match &stored {
                Some(row) => row[names.iter().position(|n| *n == f).expect("a field")].clone(),
                None => Value::Null,
            }
        };
        let values: Vec<(&str, Value)> =
            all.into_iter().filter(|(f, v)| stored.is_none() || !same(&old_of(f), v)).collect();
        let set: Vec<&str> = values.iter().map(|(f, _)| *f).collect();
        let sql = match &stored {
            None => format!(
                "INSERT INTO {} (id, row_version, {}) VALUES (?1, ?2, {})",
                table.name(),
                set.join(", "),
                (3..set.len() + 3).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
            ),
            Some(_) => {
                let sets: String = set.iter().enumerate().map(|(n, f)| format!(", {f} = ?{}", n + 3)).collect();
                format!("UPDATE {} SET row_version = ?2{sets} WHERE id = ?1", table.name())
            }
        };
        if stored.is_some() && !values.is_empty() {
            let old: Vec<Value> = set.iter().map(|f| old_of(f)).collect();
            let changes = set.iter().copied().zip(old.iter());
            match &insert {
                Insert::Kept(_, _, Some((mask, patch))) | Insert::KeptFirst(mask, patch) => {
                    super::log::keep_first_values_in(&self.tx, table, id, *mask, patch.clone(), changes)?
                }
                // `merged` read every entry: no insert is kept without a copy.
                Insert::None | Insert::Logged(..) => {}
                _ => super::log::keep_first_values(&self.tx, table, id, changes)?,
            }
        }
        let params = [Value::Text(id.into()), Value::Integer(m.changes)]
            .into_iter()
            .chain(values.iter().map(|(_, v)| v.clone()));
        if let Err(e) = self.tx.prepare_cached(&sql)?.execute(params_from_iter(params)) {
            if e.sqlite_error().is_some_and(|e| e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE) {
                return Ok(Err("重复：本机已有身份证号（或名称）相同的另一条记录，请核对后保留一条"));
            }
            return Err(e.into());
        }
        let inserted = stored.is_none().then(|| self.tx.last_insert_rowid());
        if values.is_empty() {
            return Ok(Ok(false));
        }
        if let (None, 1, Insert::Logged(seq, text)) = (&stored, m.changes, &insert) {
            // A record made by its insert alone: the log need not keep a copy.
            super::log::keep_without_copy(&self.tx, table, *seq, &values, text)?;
        }
        let old: Vec<Value> = set.iter().map(|f| old_of(f)).collect();
        self.derive(table, id, &set, &old, &values, inserted)?;
        Ok(Ok(true))
    }

    /// Before a stored record is deleted: its insert's text written out,
    /// from what `merged` rebuilt when it has (no second read of the record).
    fn write_out(&self, table: Table, id: &str, insert: &Insert) -> Result<()> {
        match insert {
            Insert::Kept(seq, text, _) => super::log::write_out(&self.tx, *seq, id, text),
            _ => super::log::expand(&self.tx, table, id),
        }
    }

    /// Bumps a record's version without changing its fields (logged as an
    /// update of no field), for a record whose meaning includes another's.
    pub fn touch(&mut self, table: Table, id: &str) -> Result<()> {
        let sql = format!("UPDATE {} SET row_version = row_version + 1 WHERE id = ?1", table.name());
        if self.tx.prepare_cached(&sql)?.execute([id])? == 0 {
            return Err(Error::NotFound { what: "记录" });
        }
        self.log(table, id, "update", std::iter::empty())
    }

    /// Keeps derived data in step with the record, in this transaction.
    fn derive(
        &mut self,
        table: Table,
        id: &str,
        names: &[&str],
        old: &[Value],
        fields: &Fields,
        inserted: Option<i64>,
    ) -> Result<()> {
        if self.dry {
            return Ok(());
        }
        let written =
            super::Written { table, id, names, old, values: fields, new: inserted.is_some(), rowid: inserted };
        for d in &mut self.derived {
            d.changed(&self.tx, &written)?;
        }
        Ok(())
    }

    fn flush_derived(&mut self) -> Result<()> {
        for d in &mut self.derived {
            d.flush(&self.tx)?;
        }
        Ok(())
    }

    fn log<'v>(
        &mut self,
        table: Table,
        id: &str,
        op: &str,
        changes: impl Iterator<Item = (&'v str, &'v Value, &'v Value)>,
    ) -> Result<()> {
        self.log_as(table, id, op, changes, false, None)
    }

    /// `fresh`: a record just made under a new id, with no history to have
    /// seen (no query on the hot path of a large insert).
    fn log_as<'v>(
        &mut self,
        table: Table,
        id: &str,
        op: &str,
        changes: impl Iterator<Item = (&'v str, &'v Value, &'v Value)>,
        fresh: bool,
        mask: Option<i64>,
    ) -> Result<()> {
        if self.dry {
            return Ok(());
        }
        let changes: Vec<(&str, &Value, &Value)> = changes.collect();
        if self.conflicts_listed.is_none() {
            self.conflicts_listed =
                Some(self.tx.query_row("SELECT EXISTS (SELECT 1 FROM sync_conflict)", [], |r| r.get(0))?);
        }
        if self.conflicts_listed == Some(true) {
            // A change made here has seen every head of the fields it sets.
            let mut settle = self.tx.prepare_cached("DELETE FROM sync_conflict WHERE record_id = ?1 AND field = ?2")?;
            for f in changes.iter().map(|c| c.0).chain((op != "update").then_some(super::merge::DELETED)) {
                settle.execute((id, f))?;
            }
        }
        let fields = super::log::changes_text(changes.into_iter());
        let seen = if fresh { "{}".to_string() } else { self.seen(id)? };
        let origin_seq = match self.local_seq {
            Some(n) => n + 1,
            None => {
                let sql = "SELECT coalesce(max(origin_seq), 0) FROM change_log WHERE installation_id = ?1";
                self.tx.prepare_cached(sql)?.query_row([self.installation_id], |r| r.get::<_, i64>(0))? + 1
            }
        };
        self.local_seq = Some(origin_seq);
        // One entry's strings reused for the next (most are the same for a
        // whole transaction): a large import logs hundreds of thousands.
        let mut c = std::mem::take(&mut self.entry);
        let set = |s: &mut String, v: &str| {
            if s != v {
                s.clear();
                s.push_str(v);
            }
        };
        set(&mut c.installation_id, self.installation_id);
        set(&mut c.txn_id, &self.txn_id);
        set(&mut c.at, &self.at);
        set(&mut c.user_name, self.author.user_name());
        set(&mut c.table_name, table.name());
        set(&mut c.record_id, id);
        set(&mut c.op, op);
        c.origin_seq = origin_seq;
        c.hlc = self.clock.tick();
        c.fields = fields;
        c.seen = Some(seen);
        let appended = self.append(&c, mask);
        self.entry = c;
        appended
    }

    /// What this PC has seen of a record: per installation, its newest stamp.
    fn seen(&self, id: &str) -> Result<String> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT installation_id, max(hlc) FROM change_log WHERE record_key = ?1 GROUP BY installation_id",
        )?;
        let seen: BTreeMap<String, String> = stmt
            .query_map([super::log::record_key(id)], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(serde_json::to_string(&seen).expect("JSON of text"))
    }

    /// Appends a change to the log, chained (see `audit`).
    fn append(&mut self, c: &Change, mask: Option<i64>) -> Result<()> {
        if self.chain.is_none() {
            self.chain = Some(super::chain::ChainHead::load(&self.tx, super::chain::Log::ChangeLog)?);
        }
        let head = self.chain.as_mut().expect("loaded above");
        // The columns in the order of `audit::Log::ChangeLog.columns()`.
        let hash = super::chain::chain_hash(
            &head.hash,
            &[
                Some(c.txn_id.as_str()),
                Some(&c.hlc),
                Some(&c.at),
                Some(&c.installation_id),
                Some(&c.user_name),
                Some(&c.table_name),
                Some(&c.record_id),
                Some(&c.op),
                Some(&c.fields),
            ],
        );
        head.seq = self.numbers.append(&self.tx, c, &hash, mask)?;
        head.hash = hash;
        Ok(())
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Real(x), Value::Real(y)) => x == y,
        (Value::Integer(x), Value::Real(y)) | (Value::Real(y), Value::Integer(x)) => *x as f64 == *y,
        _ => a == b,
    }
}

/// The stored form of a field value from the change log.
pub fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(*b as i64),
        serde_json::Value::Number(n) => {
            n.as_i64().map(Value::Integer).unwrap_or_else(|| Value::Real(n.as_f64().unwrap_or(0.0)))
        }
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// The JSON form of a field value in the change log and in dumps.
pub fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => json!(i),
        Value::Real(f) => json!(f),
        Value::Text(s) => json!(s),
        Value::Blob(b) => json!(b),
    }
}

/// The mask with which a received insert, the one change of a record with
/// no history here, is logged without a copy of its values: the catalogue
/// positions of the fields it names (its keys only are read here; whether
/// the record it makes gives back its text exactly is settled by
/// [`WriteTx::materialize_fresh`]). None when it names a field this table
/// does not have.
pub fn fresh_insert_mask(table: Table, change: &Change) -> Option<i64> {
    if change.op != "insert" {
        return None;
    }
    let keys: BTreeMap<&str, serde::de::IgnoredAny> = serde_json::from_str(&change.fields).ok()?;
    let mut mask = 0i64;
    for name in keys.keys() {
        match table.field_names().position(|f| f == *name) {
            Some(at) if at < super::log::MASK_BITS => mask |= 1 << at,
            _ => return None,
        }
    }
    Some(mask)
}
