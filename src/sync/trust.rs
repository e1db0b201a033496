//! 信任: whom a PC believes about accounts and settings. A package is
//! sealed with the office key, so it comes from a PC of the office; but a
//! change to who may log in, with which role and password, or to a setting
//! every PC follows, counts only when its user was an administrator (管理员)
//! at the change's stamp, by this PC's own merged view of the accounts.
//!
//! A change that fails is held as refused (被拒收的更改, `sync_refused`): it
//! stays in the change log, so its PC's later changes still come in in
//! sequence (invariant 1a) and it is relayed for every PC to judge by its
//! own view, but it is left out of the record (`store::merge`'s callers skip
//! it) and listed on the 同步 page. Verdicts are judged again, in stamp
//! order, whenever changes come in: an administrator made by a package that
//! arrives later still makes their earlier-stamped changes count.
//!
//! Passed without an administrator: the office's setup transaction (the
//! first administrator is made in it, by whoever set the office up), any
//! change while the office has no administrator account yet, a user's
//! change of their own password (修改密码), and the PC-number bookkeeping
//! (`pc_number.*` settings, written for whoever first numbers a case). The
//! OS administrator (`Actor::system()`, the CLI's init, demo and restore) is
//! no account: after setup, its account and setting changes are refused by
//! the other PCs. This PC's own changes passed its permission checks when
//! they were made and are not judged again.
use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value as Json;

use crate::access::{Actor, Permission, Role};
use crate::store::log::fields_of;
use crate::store::merge::{merge, Entry, Merged};
use crate::store::Table;
use crate::Result;

/// The tables whose received changes are judged.
pub const GUARDED: [Table; 2] = [Table::Account, Table::Setting];

/// Settings any user's actions write (mediation case numbers per PC).
const BOOKKEEPING_PREFIX: &str = "pc_number.";

struct Guarded {
    installation_id: String,
    origin_seq: i64,
    txn_id: String,
    user_name: String,
    table: Table,
    record_id: String,
    entry: Entry,
}

/// The accounts as the accepted changes so far make them.
#[derive(Default)]
struct View {
    entries: HashMap<String, Vec<Entry>>,
    merged: HashMap<String, Merged>,
}

impl View {
    fn take(&mut self, record_id: &str, e: &Entry) {
        let entries = self.entries.entry(record_id.to_string()).or_default();
        entries.push(e.clone());
        self.merged.insert(record_id.to_string(), merge(entries));
    }

    fn admins(&self) -> impl Iterator<Item = (&str, &Merged)> {
        self.merged.iter().filter(|(_, m)| is_admin(m)).map(|(id, m)| (id.as_str(), m))
    }

    /// Whether `user_name` (as the change log holds it: "姓名(登录名)" for a
    /// logged-in user) is the account `m`.
    fn is_user(m: &Merged, user_name: &str) -> bool {
        let Some(Json::String(login)) = m.values.get("username") else { return false };
        user_name == login || user_name.ends_with(&format!("({login})"))
    }
}

fn truthy(v: Option<&Json>) -> bool {
    match v {
        Some(Json::Bool(b)) => *b,
        Some(Json::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        _ => false,
    }
}

fn is_admin(m: &Merged) -> bool {
    m.exists
        && truthy(m.values.get("active"))
        && m.values.get("role").and_then(Json::as_str).and_then(Role::from_code) == Some(Role::Admin)
}

/// Judges every received change to accounts and settings, in stamp order,
/// and stores the verdicts. Returns the records whose verdict changed: they
/// must be made again from their changes.
pub fn judge(conn: &Connection, own: &str) -> Result<Vec<(Table, String)>> {
    let setup: Option<String> = conn
        .query_row(
            // In stamp order the office's insert is the first change: the
            // index finds it at once where a scan would read the whole log.
            // (migration 0013: table 1 is the office, op 0 an insert).
            "SELECT t.txn_id FROM change_entry c INDEXED BY change_entry_office JOIN change_txn t ON t.n = c.txn
             WHERE c.table_name = 1 AND c.op = 0 ORDER BY c.hlc LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let mut stmt = conn.prepare_cached(
        "SELECT installation_id, origin_seq, txn_id, hlc, user_name, table_name, record_id, op, fields, seen, mask
         FROM change_log WHERE table_name IN ('account', 'setting') ORDER BY hlc, installation_id",
    )?;
    let mut guarded = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (installation_id, hlc): (String, String) = (r.get(0)?, r.get(3)?);
        let (table, record_id): (String, String) = (r.get(5)?, r.get(6)?);
        let fields = fields_of(conn, &table, &record_id, r.get(8)?, r.get(10)?)?;
        guarded.push(Guarded {
            origin_seq: r.get(1)?,
            txn_id: r.get(2)?,
            user_name: r.get(4)?,
            table: if table == "account" { Table::Account } else { Table::Setting },
            entry: Entry::from_log(
                hlc,
                installation_id.clone(),
                r.get(7)?,
                &fields,
                r.get::<_, Option<String>>(9)?.as_deref(),
            ),
            record_id,
            installation_id,
        });
    }
    let mut view = View::default();
    let mut setting_keys: HashMap<&str, &str> = HashMap::new();
    let mut verdicts: BTreeMap<(String, i64), String> = BTreeMap::new();
    for g in &guarded {
        if let Some(Json::String(k)) = g.entry.fields.get("key") {
            setting_keys.insert(&g.record_id, k);
        }
        let refusal = if g.installation_id == own || setup.as_deref() == Some(g.txn_id.as_str()) {
            None
        } else {
            let key = setting_keys.get(g.record_id.as_str()).copied();
            refusal(&view, g, key).or_else(|| setting_refusal(g, key))
        };
        match refusal {
            None if g.table == Table::Account => view.take(&g.record_id, &g.entry),
            None => {}
            Some(why) => {
                verdicts.insert((g.installation_id.clone(), g.origin_seq), why);
            }
        }
    }
    store_verdicts(conn, &guarded, &verdicts)
}

/// Why a received change does not count, or None when it does.
fn refusal(view: &View, g: &Guarded, setting_key: Option<&str>) -> Option<String> {
    // No administrator yet: the office is still being set up.
    view.admins().next()?;
    if view.admins().any(|(_, m)| View::is_user(m, &g.user_name)) {
        return None;
    }
    let own_password = g.table == Table::Account
        && g.entry.op == "update"
        && g.entry.fields.keys().all(|f| f == "password_hash")
        && view.merged.get(&g.record_id).is_some_and(|m| View::is_user(m, &g.user_name));
    if own_password || setting_key.is_some_and(|k| k.starts_with(BOOKKEEPING_PREFIX)) {
        return None;
    }
    Some(format!(
        "修改人“{}”在修改时不是管理员（以本机的账号记录为准）：账号、角色、密码和设置的修改只接受管理员做出的",
        g.user_name
    ))
}

/// Why a received setting change does not count even from an
/// administrator: a key each PC keeps for itself (its backup folder must not
/// follow another PC's), or a value outside the setting's range (an idle lock
/// of 0 minutes would lock every PC at every click). The record keeps the
/// last value that counted.
fn setting_refusal(g: &Guarded, key: Option<&str>) -> Option<String> {
    let key = key.filter(|_| g.table == Table::Setting && g.entry.op != "delete")?;
    if crate::settings::is_local(key) {
        return Some(format!("“{key}”是每台电脑自己的设置，不接受其他电脑的修改"));
    }
    let value = match g.entry.fields.get("value") {
        Some(Json::String(v)) => v.as_str(),
        Some(_) => "",
        None => return None,
    };
    crate::settings::check(key, value).err().map(|e| format!("收到的设置值不可用：{e}"))
}

/// Lists the new refusals and drops the ones that now count; returns the
/// records of both.
fn store_verdicts(
    conn: &Connection,
    guarded: &[Guarded],
    verdicts: &BTreeMap<(String, i64), String>,
) -> Result<Vec<(Table, String)>> {
    let held: BTreeMap<(String, i64), String> = conn
        .prepare_cached("SELECT installation_id, origin_seq, reason FROM sync_refused")?
        .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut flipped = Vec::new();
    for g in guarded {
        let key = (g.installation_id.clone(), g.origin_seq);
        match (held.contains_key(&key), verdicts.get(&key)) {
            (false, Some(why)) => {
                conn.prepare_cached(
                    "INSERT INTO sync_refused (installation_id, origin_seq, reason, refused_at) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute((&g.installation_id, g.origin_seq, why, &now))?;
            }
            (true, None) => {
                conn.prepare_cached("DELETE FROM sync_refused WHERE installation_id = ?1 AND origin_seq = ?2")?
                    .execute((&g.installation_id, g.origin_seq))?;
            }
            _ => continue,
        }
        flipped.push((g.table, g.record_id.clone()));
    }
    flipped.sort_by(|a, b| (a.0.name(), &a.1).cmp(&(b.0.name(), &b.1)));
    flipped.dedup();
    Ok(flipped)
}

/// A refused change, as the 同步 page lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Refused {
    pub pc_name: String,
    pub user_name: String,
    /// When it was made, on its PC.
    pub at: String,
    /// What it changes: table, record, fields (never a value).
    pub what: String,
    pub why: String,
}

/// The refused changes, newest first: administrators only.
pub fn refused(conn: &Connection, actor: &Actor) -> Result<Vec<Refused>> {
    actor.require(Permission::Administer)?;
    let mut stmt = conn.prepare(
        "SELECT coalesce(p.pc_name, '其他电脑'), l.user_name, l.at, l.table_name, l.record_id, l.fields, r.reason, l.mask
         FROM sync_refused r
         JOIN change_log l ON l.installation_id = r.installation_id AND l.origin_seq = r.origin_seq
         LEFT JOIN sync_peer p ON p.installation_id = r.installation_id
         ORDER BY l.hlc DESC, l.installation_id DESC",
    )?;
    let mut out = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (table, record_id): (String, String) = (r.get(3)?, r.get(4)?);
        let fields = fields_of(conn, &table, &record_id, r.get(5)?, r.get(7)?)?;
        let what = what(conn, &table, &record_id, &fields)?;
        out.push(Refused { pc_name: r.get(0)?, user_name: r.get(1)?, at: r.get(2)?, what, why: r.get(6)? });
    }
    Ok(out)
}

/// "账号“shequ”：角色、密码": the record by its login name or setting key,
/// and the fields by their labels.
fn what(conn: &Connection, table: &str, record_id: &str, fields: &str) -> Result<String> {
    let Some(t) = Table::from_name(table).filter(|t| GUARDED.contains(t)) else { return Ok(table.to_string()) };
    let fields: BTreeMap<String, Json> = serde_json::from_str(fields).unwrap_or_default();
    let name_field = if t == Table::Account { "username" } else { "key" };
    let mut name = fields.get(name_field).and_then(|d| d.get("new")).and_then(Json::as_str).map(str::to_string);
    if name.is_none() {
        let sql = format!("SELECT {name_field} FROM {} WHERE id = ?1", t.name());
        name = conn.query_row(&sql, [record_id], |r| r.get(0)).optional()?;
    }
    let labels: Vec<&str> = fields.keys().map(|f| t.field_label(f).unwrap_or(f)).collect();
    let name = name.map(|n| format!("“{n}”")).unwrap_or_default();
    Ok(format!("{}{name}：{}", t.label(), labels.join("、")))
}
