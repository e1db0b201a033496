//! How the change log is stored (see migrations 0012 and 0013): entries in
//! `change_entry`, what a transaction shares in `change_txn`, PC ids in
//! `change_pc`, table names in `change_table`, and the view `change_log`
//! that shows every entry as it was logged. Stamps, UUIDs, ops and an empty
//! `seen` are stored as numbers and bytes ([`stamp_value`], [`record_key`]);
//! a query by record compares the view's `record_key` with [`record_key`],
//! which the index finds. One thing the view cannot show by itself: an insert whose values
//! are its record's as stored keeps no copy of them (`fields` NULL, `mask`
//! the catalogue positions of the fields it set). [`fields_of`] rebuilds its
//! text from the record, byte for byte as it was logged (and hashed): the
//! write path keeps the first values of the fields that change in
//! `change_patch` ([`keep_first_values`]) and writes the text out before the
//! record is deleted ([`expand`]). Every reader of `change_log.fields` goes
//! through [`fields_of`].
use std::collections::{BTreeMap, HashMap};

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension};

use super::write::Change;
use crate::catalogue::{Table, Type};
use crate::Result;

/// Positions a mask can hold (an i64's bits, sign bit unused).
pub(super) const MASK_BITS: usize = 63;

/// The mask of an insert's fields when its record will hold exactly the
/// values given (each value of its column's type, so SQLite stores it as
/// is and reads it back the same); None when its text must be kept.
pub(super) fn mask_of(table: Table, fields: &[(&str, Value)]) -> Option<i64> {
    let mut mask = 0i64;
    for (name, value) in fields {
        let at = table.fields().iter().position(|f| f.name == *name)?;
        let ty = table.fields()[at].ty;
        let kept = matches!(
            (value, ty),
            (Value::Null, _)
                | (Value::Text(_), Type::Text)
                | (Value::Integer(_), Type::Integer)
                | (Value::Real(_), Type::Real)
        );
        if !kept || at >= MASK_BITS {
            return None;
        }
        mask |= 1 << at;
    }
    Some(mask)
}

/// The logged text of an insert setting `values` (`{"field": {"old": null,
/// "new": ..}}`, fields in name order).
pub(super) fn insert_text<'v>(values: impl Iterator<Item = (&'v str, &'v Value)>) -> String {
    changes_text(values.map(|(f, v)| (f, &Value::Null, v)))
}

/// The logged text of a change: `{"field": {"old": .., "new": ..}}`.
/// Written straight, fields in name order (a field named twice: its last
/// change), byte for byte what serde_json makes of a `BTreeMap` of them: a
/// large import logs millions.
pub(super) fn changes_text<'v>(changes: impl Iterator<Item = (&'v str, &'v Value, &'v Value)>) -> String {
    let mut fields: Vec<(&str, &Value, &Value)> = changes.collect();
    // Stable: of a field named twice, the later change stays last.
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::with_capacity(16 + 48 * fields.len());
    out.push(b'{');
    for (i, &(field, old, new)) in fields.iter().enumerate() {
        if fields.get(i + 1).is_some_and(|next| next.0 == field) {
            continue;
        }
        if out.len() > 1 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, field).expect("JSON of text");
        out.push(b':');
        serde_json::to_writer(&mut out, &Diff { old: Json(old), new: Json(new) }).expect("JSON of plain values");
    }
    out.push(b'}');
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// The fields a mask holds, with their catalogue positions.
fn masked(table: Table, mask: i64) -> impl Iterator<Item = (usize, &'static str)> {
    table.field_names().enumerate().filter(move |(i, _)| *i < MASK_BITS && mask & (1 << i) != 0)
}

/// The first values of the fields a kept insert set that its record has
/// changed since (`change_patch`): its values are its record's with these
/// put back.
pub(super) type Patch = BTreeMap<String, serde_json::Value>;

/// A record's patch; None when none of its insert's fields has changed.
pub(super) fn patch_of(conn: &Connection, record_id: &str) -> Result<Option<Patch>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT fields FROM change_patch WHERE record_id = ?1")?
        .query_row([record_key(record_id)], |r| r.get(0))
        .optional()?;
    // Altered text reads as no patch: the chain check then names the entry.
    Ok(text.map(|t| serde_json::from_str(&t).unwrap_or_default()))
}

/// An insert's values from its record as read (`row`: the masked fields, in
/// catalogue order, or every field with `every`), its patch put back.
fn first_values<'r>(
    table: Table,
    mask: i64,
    row: &'r [Value],
    every: bool,
    patch: Option<&Patch>,
) -> Vec<(&'static str, std::borrow::Cow<'r, Value>)> {
    masked(table, mask)
        .enumerate()
        .map(|(n, (i, name))| {
            let value = match patch.and_then(|p| p.get(name)) {
                Some(first) => std::borrow::Cow::Owned(super::write::from_json(first)),
                None => std::borrow::Cow::Borrowed(&row[if every { i } else { n }]),
            };
            (name, value)
        })
        .collect()
}

/// An insert's text rebuilt from its record as already read (`row`: every
/// field, in catalogue order) and its patch.
pub(super) fn text_of_row(table: Table, mask: i64, row: &[Value], patch: Option<&Patch>) -> String {
    let values = first_values(table, mask, row, true, patch);
    insert_text(values.iter().map(|(n, v)| (*n, v.as_ref())))
}

/// An insert's new values from its record as already read (`row`: every
/// field, in catalogue order) and its patch, as merge takes them from its text.
pub(super) fn values_of_row(
    table: Table,
    mask: i64,
    row: &[Value],
    patch: Option<&Patch>,
) -> BTreeMap<String, serde_json::Value> {
    let values = first_values(table, mask, row, true, patch);
    values.into_iter().map(|(n, v)| (n.to_string(), super::write::to_json(&v))).collect()
}

/// An insert's text rebuilt from its record; None when the record is gone.
pub fn rebuild(conn: &Connection, table: Table, record_id: &str, mask: i64) -> Result<Option<String>> {
    rebuild_with(conn, table, record_id, mask, true)
}

/// [`rebuild`]; `patched`: false for a record never changed since its
/// insert (migration 0013's step runs before `change_patch` exists).
fn rebuild_with(conn: &Connection, table: Table, record_id: &str, mask: i64, patched: bool) -> Result<Option<String>> {
    let names: Vec<&str> = masked(table, mask).map(|(_, n)| n).collect();
    let sql = format!("SELECT {} FROM {} WHERE id = ?1", names.join(", "), table.name());
    rebuild_from(conn, table, record_id, mask, patched, &sql)
}

/// [`rebuild_with`], its query (`sql`: the masked fields by id) written.
fn rebuild_from(
    conn: &Connection,
    table: Table,
    record_id: &str,
    mask: i64,
    patched: bool,
    sql: &str,
) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let width = stmt.column_count();
    let values: Option<Vec<Value>> =
        stmt.query_row([record_id], |r| (0..width).map(|i| r.get::<_, Value>(i)).collect()).optional()?;
    let Some(values) = values else { return Ok(None) };
    let patch = if patched { patch_of(conn, record_id)? } else { None };
    let values = first_values(table, mask, &values, false, patch.as_ref());
    Ok(Some(insert_text(values.iter().map(|(n, v)| (*n, v.as_ref())))))
}

/// A log row's `fields`: as stored, or rebuilt from its record. A record
/// that is gone or a table this version does not know gives `{}` (the chain
/// check then reports the entry as altered).
pub fn fields_of(
    conn: &Connection,
    table_name: &str,
    record_id: &str,
    fields: Option<String>,
    mask: Option<i64>,
) -> Result<String> {
    if let Some(text) = fields {
        return Ok(text);
    }
    let (Some(table), Some(mask)) = (Table::from_name(table_name), mask) else { return Ok("{}".into()) };
    Ok(rebuild(conn, table, record_id, mask)?.unwrap_or_else(|| "{}".into()))
}

/// [`fields_of`] for every insert of the log in turn (the chain check):
/// which records have a patch is read once, not asked record by record, and
/// each table's query is written once.
#[derive(Default)]
pub struct Rebuilder {
    patched: Option<std::collections::HashSet<(bool, Vec<u8>)>>,
    queries: HashMap<(Table, i64), String>,
}

impl Rebuilder {
    /// The text of an insert kept without a copy, as [`fields_of`] gives it.
    pub fn text(&mut self, conn: &Connection, table_name: &str, record_id: &str, mask: i64) -> Result<String> {
        let Some(table) = Table::from_name(table_name) else { return Ok("{}".into()) };
        if self.patched.is_none() {
            let mut stmt = conn.prepare("SELECT record_id FROM change_patch")?;
            let keys = stmt.query_map([], |r| Ok(key_bytes(r.get(0)?)))?;
            self.patched = Some(keys.collect::<rusqlite::Result<_>>()?);
        }
        let patched = self.patched.as_ref().is_some_and(|p| p.contains(&key_bytes(record_key(record_id))));
        let sql = self.queries.entry((table, mask)).or_insert_with(|| {
            let names: Vec<&str> = masked(table, mask).map(|(_, n)| n).collect();
            format!("SELECT {} FROM {} WHERE id = ?1", names.join(", "), table.name())
        });
        Ok(rebuild_from(conn, table, record_id, mask, patched, sql)?.unwrap_or_else(|| "{}".into()))
    }
}

/// A record key as bytes, and whether they were a blob.
fn key_bytes(v: Value) -> (bool, Vec<u8>) {
    match v {
        Value::Blob(b) => (true, b),
        Value::Text(t) => (false, t.into_bytes()),
        other => (false, format!("{other:?}").into_bytes()),
    }
}

/// The seq and mask of a record's insert kept without a copy, if it has one.
fn kept_insert(conn: &Connection, record_id: &str) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached("SELECT seq, mask FROM change_entry WHERE record_id = ?1 AND mask IS NOT NULL")?
        .query_row([record_key(record_id)], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Before a record is deleted: its insert's values written out, so that
/// the log keeps them.
pub(super) fn expand(conn: &Connection, table: Table, record_id: &str) -> Result<()> {
    let Some((seq, mask)) = kept_insert(conn, record_id)? else { return Ok(()) };
    let text = rebuild(conn, table, record_id, mask)?.unwrap_or_else(|| "{}".into());
    write_out(conn, seq, record_id, &text)
}

/// Before fields of a stored record change (`changes`: each field with the
/// value it holds now): the first values of those its kept insert set are
/// kept in its patch, unless they are already (a few bytes, where writing
/// the insert's whole text out grew its log row by its record's size).
pub(super) fn keep_first_values<'v>(
    conn: &Connection,
    table: Table,
    record_id: &str,
    changes: impl Iterator<Item = (&'v str, &'v Value)>,
) -> Result<()> {
    let Some((_, mask)) = kept_insert(conn, record_id)? else { return Ok(()) };
    keep_first_values_in(conn, table, record_id, mask, patch_of(conn, record_id)?, changes)
}

/// [`keep_first_values`] for an insert whose mask and patch are read already.
pub(super) fn keep_first_values_in<'v>(
    conn: &Connection,
    table: Table,
    record_id: &str,
    mask: i64,
    mut patch: Option<Patch>,
    changes: impl Iterator<Item = (&'v str, &'v Value)>,
) -> Result<()> {
    let had = patch.as_ref().map(|p| p.len());
    for (name, now) in changes {
        let set = table.field_names().position(|f| f == name).is_some_and(|at| at < MASK_BITS && mask & (1 << at) != 0);
        if set && !patch.as_ref().is_some_and(|p| p.contains_key(name)) {
            patch.get_or_insert_with(Patch::new).insert(name.to_string(), super::write::to_json(now));
        }
    }
    if let Some(p) = patch.filter(|p| Some(p.len()) != had) {
        conn.prepare_cached("INSERT OR REPLACE INTO change_patch (record_id, fields) VALUES (?1, ?2)")?
            .execute((record_key(record_id), serde_json::to_string(&p).expect("JSON of values")))?;
    }
    Ok(())
}

/// An insert kept without a copy, its text (rebuilt) written out.
pub(super) fn write_out(conn: &Connection, seq: i64, record_id: &str, text: &str) -> Result<()> {
    conn.prepare_cached("UPDATE change_entry SET fields = ?2, mask = NULL WHERE seq = ?1")?.execute((seq, text))?;
    conn.prepare_cached("DELETE FROM change_patch WHERE record_id = ?1")?.execute([record_key(record_id)])?;
    Ok(())
}

/// A received insert that has just made its record: kept without a copy
/// when the record gives back exactly the text it was logged with.
pub(super) fn compact(conn: &Connection, table: Table, record_id: &str) -> Result<()> {
    let logged: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, fields FROM change_entry WHERE record_id = ?1 AND op = 0 AND fields IS NOT NULL")?
        .query_row([record_key(record_id)], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((seq, text)) = logged else { return Ok(()) };
    let Ok(parsed) = serde_json::from_str::<BTreeMap<String, serde_json::Value>>(&text) else { return Ok(()) };
    let mut mask = 0i64;
    for name in parsed.keys() {
        match table.field_names().position(|f| f == name) {
            Some(at) if at < MASK_BITS => mask |= 1 << at,
            _ => return Ok(()),
        }
    }
    if rebuild_with(conn, table, record_id, mask, false)?.as_deref() == Some(text.as_str()) {
        conn.prepare_cached("UPDATE change_entry SET fields = NULL, mask = ?2 WHERE seq = ?1")?.execute((seq, mask))?;
    }
    Ok(())
}

/// A received insert that has just made its record from `values`: kept
/// without a copy when the record gives back exactly the text it was logged
/// with (each value of its column's type, and the same text made again).
pub(super) fn keep_without_copy(
    conn: &Connection,
    table: Table,
    seq: i64,
    values: &[(&str, Value)],
    text: &str,
) -> Result<()> {
    let Some(mask) = mask_of(table, values) else { return Ok(()) };
    if insert_text(values.iter().map(|(f, v)| (*f, v))) == text {
        conn.prepare_cached("UPDATE change_entry SET fields = NULL, mask = ?2 WHERE seq = ?1")?.execute((seq, mask))?;
    }
    Ok(())
}

/// Migration 0013's step (0012's compact log, filled): every insert already logged whose record is as
/// it inserted it (one change) keeps no copy of its values.
pub(super) fn compact_all(conn: &Connection) -> std::result::Result<(), super::StoreError> {
    let run = || -> Result<()> {
        for table in Table::ALL {
            // A table a later migration makes has no records yet.
            let made = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)";
            if !conn.query_row(made, [table.name()], |r| r.get::<_, bool>(0))? {
                continue;
            }
            let sql = format!("SELECT id FROM {} WHERE row_version = 1", table.name());
            let ids: Vec<String> = conn.prepare(&sql)?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            for id in ids {
                compact(conn, table, &id)?;
            }
        }
        Ok(())
    };
    run().map_err(|e| match e {
        crate::Error::Store(e) => e,
        // Only SQLite can fail here.
        _ => super::StoreError::Sqlite(rusqlite::Error::InvalidQuery),
    })
}

/// The numbers this PC's log gives PC ids and transactions, held for one
/// write transaction (a large import logs hundreds of thousands of entries
/// of one transaction; a sync, thousands of a few).
#[derive(Default, Clone)]
pub(super) struct Numbers {
    pcs: HashMap<String, i64>,
    txns: HashMap<(String, String, String), i64>,
    tables: HashMap<String, i64>,
    /// PC ids by number, for [`Numbers::heads`].
    pc_names: HashMap<i64, String>,
    /// The transaction of the last entry, compared without a key made.
    last_txn: Option<(String, String, String, i64)>,
}

impl Numbers {
    fn table(&mut self, conn: &Connection, name: &str) -> Result<i64> {
        if let Some(n) = self.tables.get(name) {
            return Ok(*n);
        }
        let found: Option<i64> = conn
            .prepare_cached("SELECT n FROM change_table WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()?;
        let n = match found {
            Some(n) => n,
            None => {
                conn.prepare_cached("INSERT INTO change_table (name) VALUES (?1)")?.execute([name])?;
                conn.last_insert_rowid()
            }
        };
        self.tables.insert(name.to_string(), n);
        Ok(n)
    }

    fn pc(&mut self, conn: &Connection, installation_id: &str) -> Result<i64> {
        if let Some(n) = self.pcs.get(installation_id) {
            return Ok(*n);
        }
        let found: Option<i64> = conn
            .prepare_cached("SELECT n FROM change_pc WHERE installation_id = ?1")?
            .query_row([installation_id], |r| r.get(0))
            .optional()?;
        let n = match found {
            Some(n) => n,
            None => {
                conn.prepare_cached("INSERT INTO change_pc (installation_id) VALUES (?1)")?
                    .execute([installation_id])?;
                conn.last_insert_rowid()
            }
        };
        self.pcs.insert(installation_id.to_string(), n);
        Ok(n)
    }

    fn txn(&mut self, conn: &Connection, c: &Change) -> Result<i64> {
        if let Some((txn_id, at, user_name, n)) = &self.last_txn {
            if *txn_id == c.txn_id && *at == c.at && *user_name == c.user_name {
                return Ok(*n);
            }
        }
        let n = self.txn_number(conn, c)?;
        self.last_txn = Some((c.txn_id.clone(), c.at.clone(), c.user_name.clone(), n));
        Ok(n)
    }

    fn txn_number(&mut self, conn: &Connection, c: &Change) -> Result<i64> {
        let key = (c.txn_id.clone(), c.at.clone(), c.user_name.clone());
        if let Some(n) = self.txns.get(&key) {
            return Ok(*n);
        }
        let found: Option<i64> = conn
            .prepare_cached("SELECT n FROM change_txn WHERE txn_id = ?1 AND at = ?2 AND user_name = ?3")?
            .query_row((&c.txn_id, &c.at, &c.user_name), |r| r.get(0))
            .optional()?;
        let n = match found {
            Some(n) => n,
            None => {
                conn.prepare_cached("INSERT INTO change_txn (txn_id, at, user_name) VALUES (?1, ?2, ?3)")?
                    .execute((&c.txn_id, &c.at, &c.user_name))?;
                conn.last_insert_rowid()
            }
        };
        self.txns.insert(key, n);
        Ok(n)
    }

    /// Writes one entry with the tag of its chain hash (see [`seal`]);
    /// `mask` for an insert kept without a copy of its values (the record
    /// must hold them when the transaction commits). Returns its seq.
    pub(super) fn append(&mut self, conn: &Connection, c: &Change, hash: &str, mask: Option<i64>) -> Result<i64> {
        let pc = self.pc(conn, &c.installation_id)?;
        let txn = self.txn(conn, c)?;
        let table = self.table(conn, &c.table_name)?;
        let fields = if mask.is_some() { None } else { Some(c.fields.as_str()) };
        let seen = match c.seen.as_deref() {
            Some("{}") => Value::Integer(0),
            other => other.map_or(Value::Null, |s| Value::Text(s.to_string())),
        };
        conn.prepare_cached(
            "INSERT INTO change_entry (txn, pc, origin_seq, hlc, table_name, record_id, op, fields, mask, hash, seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(rusqlite::params![
            txn,
            pc,
            c.origin_seq,
            stamp_value(&c.hlc),
            table,
            record_key(&c.record_id),
            op_number(&c.op),
            fields,
            mask,
            hash_bytes(&hash[..TAG_HEX.min(hash.len())]),
            seen,
        ])?;
        Ok(conn.last_insert_rowid())
    }
}

/// A record id as `change_entry` stores it and `change_log.record_key`
/// shows it: a lower-case UUID as its 16 bytes, any other text as it is.
pub fn record_key(id: &str) -> Value {
    let b = id.as_bytes();
    let dashes = [8, 13, 18, 23];
    let canonical = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if dashes.contains(&i) {
                *c == b'-'
            } else {
                c.is_ascii_digit() || (b'a'..=b'f').contains(c)
            }
        });
    if !canonical {
        return Value::Text(id.to_string());
    }
    let hex: Vec<u8> = b.iter().copied().filter(|c| *c != b'-').collect();
    let digit = |c: u8| (c as char).to_digit(16).expect("checked above") as u8;
    Value::Blob(hex.chunks(2).map(|p| digit(p[0]) * 16 + digit(p[1])).collect())
}

/// [`record_key`] in SQL, of a column holding a record id as text (the
/// same GLOB as migration 0013's).
pub fn record_key_sql(column: &str) -> String {
    const H: &str = "[0-9a-f]";
    let run = |n: usize| H.repeat(n);
    let uuid = format!("{}-{}-{}-{}-{}", run(8), run(4), run(4), run(4), run(12));
    format!("CASE WHEN {column} GLOB '{uuid}' THEN unhex(replace({column}, '-', '')) ELSE {column} END")
}

/// A record id as the view `change_log` shows a stored key that is bytes
/// (the inverse of [`record_key`] for a UUID).
fn record_text(key: &[u8]) -> String {
    let h = super::chain::hex(key);
    let part = |from: usize, to: usize| h.get(from.min(h.len())..to.min(h.len())).unwrap_or("");
    format!("{}-{}-{}-{}-{}", part(0, 8), part(8, 12), part(12, 16), part(16, 20), part(20, h.len()))
}

/// A stamp as the view `change_log` shows one stored as a number (the
/// inverse of [`stamp_value`]).
fn stamp_text(stamp: i64) -> String {
    format!("{:015}-{:06}", stamp / 1_000_000, stamp % 1_000_000)
}

/// A stamp as stored: `MMMMMMMMMMMMMMM-CCCCCC` as M * 1,000,000 + C (the
/// same order), when it fits; any other text as it is.
fn stamp_value(hlc: &str) -> Value {
    let b = hlc.as_bytes();
    let form = b.len() == 22 && b[15] == b'-' && b.iter().enumerate().all(|(i, c)| i == 15 || c.is_ascii_digit());
    let number = form
        .then(|| {
            let (millis, counter): (i64, i64) = (hlc[..15].parse().ok()?, hlc[16..].parse().ok()?);
            millis.checked_mul(1_000_000)?.checked_add(counter)
        })
        .flatten();
    number.map_or_else(|| Value::Text(hlc.to_string()), Value::Integer)
}

/// A stamp as the number it is stored as, when it is one.
pub(super) fn stamp_number(hlc: &str) -> Option<i64> {
    match stamp_value(hlc) {
        Value::Integer(n) => Some(n),
        _ => None,
    }
}

/// What the log holds of a record: each PC's newest stamp, how many
/// entries, and its insert kept without a copy (mask and patch).
#[derive(Debug, Default)]
pub struct Heads {
    pub(super) newest: Vec<(String, i64)>,
    pub(super) count: i64,
    pub(super) kept: Option<(i64, Option<Patch>)>,
    /// Whether every stamp is a number (odd text kept as it came is merged
    /// the long way).
    pub(super) numeric: bool,
}

impl Heads {
    /// Whether this PC holds any change of the record.
    pub fn any(&self) -> bool {
        self.count > 0
    }
}

impl Numbers {
    /// A PC id by its number here.
    fn pc_named(&mut self, conn: &Connection, n: i64) -> Result<String> {
        if let Some(id) = self.pc_names.get(&n) {
            return Ok(id.clone());
        }
        let id: String =
            conn.prepare_cached("SELECT installation_id FROM change_pc WHERE n = ?1")?.query_row([n], |r| r.get(0))?;
        self.pc_names.insert(n, id.clone());
        Ok(id)
    }

    /// A record's [`Heads`] (one query on the log's own columns).
    pub(super) fn heads(&mut self, conn: &Connection, record_id: &str) -> Result<Heads> {
        let mut stmt = conn.prepare_cached(
            "SELECT pc, max(hlc), count(*), max(mask), (SELECT fields FROM change_patch WHERE record_id = ?1)
             FROM change_entry WHERE record_id = ?1 GROUP BY pc",
        )?;
        let mut rows = stmt.query([record_key(record_id)])?;
        let mut heads = Heads { numeric: true, ..Heads::default() };
        while let Some(r) = rows.next()? {
            match r.get::<_, Value>(1)? {
                Value::Integer(hlc) => heads.newest.push((self.pc_named(conn, r.get(0)?)?, hlc)),
                _ => heads.numeric = false,
            }
            heads.count += r.get::<_, i64>(2)?;
            if let Some(mask) = r.get::<_, Option<i64>>(3)? {
                let patch = r.get::<_, Option<String>>(4)?.map(|t| serde_json::from_str(&t).unwrap_or_default());
                heads.kept = Some((mask, patch));
            }
        }
        Ok(heads)
    }
}

/// An op as stored (the view shows its name); any other text is refused
/// by the table's CHECK, as before.
fn op_number(op: &str) -> Value {
    match op {
        "insert" => Value::Integer(0),
        "update" => Value::Integer(1),
        "delete" => Value::Integer(2),
        other => Value::Text(other.to_string()),
    }
}

/// Every entry in order of seq, its columns as the view `change_log` gives
/// them (in the order of `chain::Log::ChangeLog.columns()`), with its stored
/// hash and mask: what `check` hashes again. Read from `change_entry` and
/// the small tables it numbers, formatted here as the view formats them (the
/// view, joined row by row, took a quarter of `check`). An entry whose
/// transaction, PC or table is missing is left out, as the view's joins do;
/// `check` finds that as a gap in the chain.
pub fn each_entry_as_logged(
    conn: &Connection,
    mut visit: impl FnMut(i64, Option<String>, &mut Vec<Option<String>>, Option<i64>) -> Result<()>,
) -> Result<()> {
    use super::chain::text;
    let small = |sql: &str| -> Result<HashMap<i64, Vec<Option<String>>>> {
        let mut stmt = conn.prepare(sql)?;
        let width = stmt.column_count();
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, (1..width).map(|i| r.get_ref(i).map(text)).collect::<rusqlite::Result<_>>()?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let txns = small("SELECT n, txn_id, at, user_name FROM change_txn")?;
    let pcs = small("SELECT n, installation_id FROM change_pc")?;
    let tables = small("SELECT n, name FROM change_table")?;
    let mut stmt = conn.prepare(
        "SELECT seq, hash, txn, hlc, pc, table_name, record_id, op, fields, mask FROM change_entry ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut values: Vec<Option<String>> = Vec::with_capacity(9);
    while let Some(r) = rows.next()? {
        let (Some(t), Some(p), Some(n)) = (txns.get(&r.get(2)?), pcs.get(&r.get(4)?), tables.get(&r.get(5)?)) else {
            continue;
        };
        let hlc = match r.get_ref(3)? {
            ValueRef::Integer(stamp) => Some(stamp_text(stamp)),
            other => text(other),
        };
        let record = match r.get_ref(6)? {
            ValueRef::Blob(key) => Some(record_text(key)),
            other => text(other),
        };
        let op = match r.get_ref(7)? {
            ValueRef::Integer(0) => "insert",
            ValueRef::Integer(1) => "update",
            _ => "delete",
        };
        let stored = match r.get_ref(1)? {
            ValueRef::Blob(b) => Some(super::chain::hex(b)),
            other => text(other),
        };
        values.clear();
        values.extend([t[0].clone(), hlc, t[1].clone(), p[0].clone(), t[2].clone(), n[0].clone(), record]);
        values.extend([Some(op.to_string()), text(r.get_ref(8)?)]);
        visit(r.get(0)?, stored, &mut values, r.get(9)?)?;
    }
    Ok(())
}

/// How much of its chain hash an entry keeps (hex digits): 4 bytes, enough
/// for `check` to name the entry that was altered. The whole hash (32 bytes)
/// is kept on a write's last entry only ([`seal`]), and that is what makes
/// the chain hold: a large import or a joining PC writes hundreds of
/// thousands of entries in one write.
pub const TAG_HEX: usize = 8;

/// Gives a write's last entry the chain's whole hash, which covers every
/// entry before it.
pub(super) fn seal(conn: &Connection, seq: i64, hash: &str) -> Result<()> {
    conn.prepare_cached("UPDATE change_entry SET hash = ?1 WHERE seq = ?2")?.execute((hash_bytes(hash), seq))?;
    Ok(())
}

/// A chain hash or its tag as stored: 32 or 4 bytes (its hex digits as text
/// otherwise).
fn hash_bytes(hex: &str) -> Value {
    let digit = |b: u8| (b as char).to_digit(16).filter(|_| !b.is_ascii_uppercase());
    let bytes: Option<Vec<u8>> = (hex.len() == 64 || hex.len() == TAG_HEX)
        .then(|| hex.as_bytes().chunks(2).map(|p| Some((digit(p[0])? * 16 + digit(p[1])?) as u8)).collect())
        .flatten();
    bytes.map(Value::Blob).unwrap_or_else(|| Value::Text(hex.to_string()))
}

/// A field's change as the log stores it, `{"old": .., "new": ..}`:
/// serialised straight from the values (a large import logs millions).
#[derive(serde::Serialize)]
struct Diff<'v> {
    old: Json<'v>,
    new: Json<'v>,
}

/// A value in the JSON form of [`super::write::to_json`], without building it.
struct Json<'v>(&'v Value);

impl serde::Serialize for Json<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Integer(i) => s.serialize_i64(*i),
            Value::Real(f) => s.serialize_f64(*f),
            Value::Text(t) => s.serialize_str(t),
            Value::Blob(b) => serde::Serialize::serialize(b, s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_logged_change_is_the_json_of_its_values() {
        let values = [
            Value::Null,
            Value::Integer(-3),
            Value::Real(1.5),
            Value::Text("王\"秀英\"\n".into()),
            Value::Blob(vec![0, 255]),
        ];
        for old in &values {
            for new in &values {
                let direct = changes_text(std::iter::once(("f", old, new)));
                let built =
                    json!({"f": {"old": crate::store::write::to_json(old), "new": crate::store::write::to_json(new)}})
                        .to_string();
                assert_eq!(direct, built);
            }
        }
    }

    #[test]
    fn a_logged_change_of_several_fields_is_the_json_map_of_them_in_name_order() {
        let (a, b, c) = (Value::Text("甲\\".into()), Value::Integer(7), Value::Null);
        // Out of order, and one field named twice: its last change counts.
        let changes = [("phone", &c, &a), ("address", &a, &b), ("phone", &b, &c), ("name", &c, &c)];
        let mut map = serde_json::Map::new();
        for (f, old, new) in changes {
            let diff = json!({"old": crate::store::write::to_json(old), "new": crate::store::write::to_json(new)});
            map.insert(f.to_string(), diff);
        }
        let by_name: BTreeMap<String, serde_json::Value> = map.into_iter().collect();
        assert_eq!(changes_text(changes.into_iter()), serde_json::to_string(&by_name).unwrap());
        assert_eq!(changes_text(std::iter::empty()), "{}");
    }

    #[test]
    fn a_stamp_and_a_uuid_read_back_as_they_were_stored() {
        let stamp = "001764892800123-000042";
        assert!(matches!(stamp_value(stamp), Value::Integer(n) if stamp_text(n) == stamp));
        let id = "01a2446a-d15c-70c5-810d-da70e48c0254";
        assert!(matches!(record_key(id), Value::Blob(b) if record_text(&b) == id));
    }

    #[test]
    fn a_hash_or_its_tag_is_kept_as_bytes_only_when_it_is_64_or_8_lower_case_hex_digits() {
        let hex = "0123456789abcdef".repeat(4);
        assert!(matches!(hash_bytes(&hex), Value::Blob(b) if b.len() == 32 && b[0] == 0x01 && b[7] == 0xef));
        assert!(matches!(hash_bytes(&hex[..8]), Value::Blob(b) if b == [0x01, 0x23, 0x45, 0x67]));
        for odd in [hex.to_uppercase(), hex[1..].to_string(), format!("{}g", &hex[1..]), String::new()] {
            assert_eq!(hash_bytes(&odd), Value::Text(odd.clone()));
        }
    }
}
