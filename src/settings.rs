//! Settings (系统设置): every setting, in one table, with its type, range,
//! default and scope. The settings page lists them from here, `set` checks
//! a new value here, every reader reads through the typed accessors here
//! (a stored value out of range or unreadable counts as the default: never
//! a panic, never a lock-out), and the sync validator asks [`check`] and
//! [`is_local`] about a received change.
//!
//! Synced settings (全街道) are records of the `setting` table, changed
//! through the write path. Local settings (本机) belong to one PC (its backup
//! folder and schedule, its sync interval) and live in `local_setting`,
//! outside the change log, so no package ever carries them.
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::access::{Actor, Permission};
use crate::audit::{self, Action};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::Result;

pub use crate::catalogue::{Scope, Setting, SettingKind as Kind, PC_NUMBER, SETTINGS as ALL};

impl Setting {
    /// The value as it counts, or why it cannot: `value` trimmed, full-width
    /// digits folded (typed with a Chinese IME).
    fn parse(&self, value: &str) -> Result<Value, SettingsError> {
        let value = crate::validate::clean(value).unwrap_or_default();
        let out_of_range = || SettingsError::OutOfRange {
            key: self.key.to_string(),
            message: match self.unit {
                "" => format!("{}应为{}", self.name, self.range()),
                unit => format!("{}应为{}（{unit}）", self.name, self.range()),
            },
        };
        match self.kind {
            Kind::Folder if value.contains('\0') || value.chars().count() > 1000 => Err(out_of_range()),
            Kind::Folder => Ok(Value::Text(value)),
            Kind::Integer { min, max } => match value.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(Value::Integer(n)),
                _ => Err(out_of_range()),
            },
            Kind::OneOf(values) => match value.parse::<i64>() {
                Ok(n) if values.contains(&n) => Ok(Value::Integer(n)),
                _ => Err(out_of_range()),
            },
            Kind::Dated { min, max } => match parse_dated(&value, min * 100, max * 100) {
                Some(entries) => Ok(Value::Text(dated_text(&entries))),
                None => Err(out_of_range()),
            },
        }
    }
}

/// `2025-01:1800；2026-07:1900.5` as (first day of the month, cents), in
/// month order; None when an entry is not a month and an amount in range or
/// a month repeats. Empty is no entry.
fn parse_dated(value: &str, min_cents: i64, max_cents: i64) -> Option<Vec<(chrono::NaiveDate, i64)>> {
    let mut out = Vec::new();
    for entry in value.split([';', '；', ',', '，', '\n']).map(str::trim).filter(|e| !e.is_empty()) {
        let (month, amount) = entry.split_once([':', '：'])?;
        let month = chrono::NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d").ok()?;
        let cents = crate::validate::yuan_to_cents("value", "金额", Some(amount.trim()), f64::MAX).ok()?;
        if amount.trim().is_empty() {
            return None;
        }
        if !(min_cents..=max_cents).contains(&cents) {
            return None;
        }
        out.push((month, cents));
    }
    out.sort();
    if out.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    Some(out)
}

/// The stored form of [`parse_dated`]'s entries.
fn dated_text(entries: &[(chrono::NaiveDate, i64)]) -> String {
    let amount = |c: i64| if c % 100 == 0 { (c / 100).to_string() } else { format!("{}.{:02}", c / 100, c % 100) };
    entries.iter().map(|(m, c)| format!("{}:{}", m.format("%Y-%m"), amount(*c))).collect::<Vec<_>>().join(";")
}

/// An effective-dated setting as read once: its amounts (cents) by the month
/// they start. A stored value not allowed counts as not set, like any
/// setting's.
#[derive(Debug, Clone, Default)]
pub struct Dated(Vec<(chrono::NaiveDate, i64)>);

impl Dated {
    /// The amount in force in a month (any day of it): the entry of the
    /// latest starting month not after it; None before the first entry.
    pub fn in_month(&self, month: chrono::NaiveDate) -> Option<i64> {
        self.0.iter().rev().find(|(from, _)| *from <= month).map(|(_, cents)| *cents)
    }
}

pub fn dated(conn: &Connection, key: &str) -> Result<Dated> {
    let Some(Setting { kind: Kind::Dated { min, max }, .. }) = spec(key) else {
        return Err(SettingsError::Unknown(key.to_string()).into());
    };
    Ok(Dated(stored(conn, key)?.and_then(|v| parse_dated(&v, min * 100, max * 100)).unwrap_or_default()))
}

enum Value {
    Integer(i64),
    Text(String),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Integer(n) => n.to_string(),
            Value::Text(t) => t.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("没有名为“{0}”的设置")]
    Unknown(String),
    #[error("{message}")]
    OutOfRange { key: String, message: String },
}

impl From<SettingsError> for crate::Error {
    fn from(e: SettingsError) -> Self {
        let field = match e {
            SettingsError::Unknown(_) => "key",
            SettingsError::OutOfRange { .. } => "value",
        };
        crate::validate::invalid(field, e.to_string()).into()
    }
}

/// The setting of a key, also the program's own (`pc_number.*`).
fn spec(key: &str) -> Option<&'static Setting> {
    ALL.iter().find(|s| s.key == key).or_else(|| key.starts_with(PC_NUMBER.key).then_some(&PC_NUMBER))
}

/// Whether `value` is allowed for `key` (what a received sync change must
/// pass; a local key's value is checked the same way, though it never
/// applies to the `setting` table).
pub fn check(key: &str, value: &str) -> Result<(), SettingsError> {
    spec(key).ok_or_else(|| SettingsError::Unknown(key.to_string()))?.parse(value).map(drop)
}

/// Whether a setting belongs to one PC and never syncs.
pub fn is_local(key: &str) -> bool {
    spec(key).is_some_and(|s| s.scope == Scope::Local)
}

/// The value stored for a key, as it is: a local one from `local_setting`,
/// a synced one from `setting`. A database older than schema 7 (read before
/// its upgrade, or damaged) has no local settings yet: they count as unset,
/// since its `setting` rows may have come from another PC (the backup made
/// before an upgrade goes to `<data folder>/backups`).
pub fn stored(conn: &Connection, key: &str) -> Result<Option<String>> {
    let sql = if !is_local(key) {
        "SELECT value FROM setting WHERE key = ?1"
    } else if has_local_table(conn)? {
        "SELECT value FROM local_setting WHERE key = ?1"
    } else {
        return Ok(None);
    };
    Ok(conn.prepare_cached(sql)?.query_row([key], |r| r.get(0)).optional()?)
}

fn has_local_table(conn: &Connection) -> Result<bool> {
    let sql = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'local_setting')";
    Ok(conn.prepare_cached(sql)?.query_row([], |r| r.get(0))?)
}

/// A whole-number setting as it counts: the stored value if it is allowed,
/// else the default.
pub fn integer(conn: &Connection, key: &str) -> Result<i64> {
    let s = spec(key).ok_or_else(|| SettingsError::Unknown(key.to_string()))?;
    Ok(match stored(conn, key)?.map(|v| s.parse(&v)) {
        Some(Ok(Value::Integer(n))) => n,
        _ => s.default_integer(),
    })
}

/// [`integer`] inside a write, read once per transaction; a setting of this
/// PC (not a record) is read each time.
pub fn integer_in(w: &mut WriteTx, key: &str) -> Result<i64> {
    if is_local(key) {
        return integer(w.conn(), key);
    }
    Ok(*w.memo(Table::Setting, key, |conn| integer(conn, key))?)
}

/// A folder setting, None for the default place (unset, empty or not
/// allowed). Never fails: a backup folder is asked for even of a damaged
/// database.
pub fn folder(conn: &Connection, key: &str) -> Option<String> {
    let s = spec(key)?;
    match stored(conn, key).ok().flatten().map(|v| s.parse(&v)) {
        Some(Ok(Value::Text(t))) if !t.is_empty() => Some(t),
        _ => None,
    }
}

/// How long a window may sit unused before it locks (security.idle_minutes).
/// Whatever is stored, this is between 1 and 240 minutes; a read that fails
/// gives the default too, so the check that runs on every command cannot
/// fail on it.
pub fn idle_lock(conn: &Connection) -> Duration {
    minutes(conn, "security.idle_minutes")
}

/// How long an account stays locked after too many failed logins
/// (security.lock_minutes): between 1 minute and a day.
pub fn account_lock(conn: &Connection) -> Duration {
    minutes(conn, "security.lock_minutes")
}

fn minutes(conn: &Connection, key: &str) -> Duration {
    let default = spec(key).map_or(15, Setting::default_integer);
    let n = integer(conn, key).unwrap_or(default);
    Duration::from_secs(n.clamp(1, 7 * 24 * 60) as u64 * 60)
}

/// A setting as the settings page shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SettingView {
    pub key: &'static str,
    pub label: String,
    /// The value in force (the default when the stored one is not allowed).
    pub value: String,
    pub default: &'static str,
    /// The allowed values (1到240之间的整数).
    pub range: String,
    pub hint: &'static str,
    pub scope: Scope,
    /// Set when the stored value is not allowed: what is stored and what
    /// counts instead. The page shows it beside the setting.
    pub warning: Option<String>,
}

/// Every setting with the value in force (administrators).
pub fn list(conn: &Connection, actor: &Actor) -> Result<Vec<SettingView>> {
    actor.require(Permission::Administer)?;
    ALL.iter()
        .map(|s| {
            let stored = stored(conn, s.key)?;
            let (value, warning) = match stored.as_deref().map(|v| (v, s.parse(v))) {
                None => (s.default.to_string(), None),
                Some((_, Ok(v))) => (v.text(), None),
                Some((raw, Err(e))) => {
                    let shown: String = raw.chars().take(40).collect();
                    let default = if s.default.is_empty() { "默认位置".to_string() } else { s.default.to_string() };
                    let warning = format!("保存的值“{shown}”不可用（{e}），现按默认值{default}执行；请重新填写并保存");
                    (s.default.to_string(), Some(warning))
                }
            };
            Ok(SettingView {
                key: s.key,
                label: s.label(),
                value,
                default: s.default,
                range: s.range(),
                hint: s.hint,
                scope: s.scope,
                warning,
            })
        })
        .collect()
}

/// Changes a setting (administrators). A value not allowed is refused with
/// the range and nothing is written. A synced setting goes through the
/// write path (audit trail, sync); a local one into this PC's
/// `local_setting`, with an audit event.
pub fn set(store: &mut Store, actor: &Actor, key: &str, value: &str) -> Result<()> {
    actor.require(Permission::Administer)?;
    let s = ALL.iter().find(|s| s.key == key).ok_or_else(|| SettingsError::Unknown(key.to_string()))?;
    let value = s.parse(value)?.text();
    if s.scope == Scope::Local {
        // The value and its audit event together, or neither.
        let tx = rusqlite::Transaction::new_unchecked(store.local(), rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO local_setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, &value),
        )?;
        let action = if key.starts_with("sync.") { Action::Sync } else { Action::Backup };
        let shown = if value.is_empty() { "默认".to_string() } else { value };
        audit::record_in(&tx, store.installation_id(), &actor.user, action, &s.label(), &format!("本机设置为{shown}"))?;
        tx.commit()?;
        return Ok(());
    }
    store.write(actor, |w| write_in(w, key, &value))
}

/// [`set`] of a synced setting inside a larger write (the demo's rates),
/// checked the same way.
pub fn set_in(w: &mut WriteTx, key: &str, value: &str) -> Result<()> {
    w.actor().require(Permission::Administer)?;
    let s = ALL.iter().find(|s| s.key == key && s.scope == Scope::Synced);
    let s = s.ok_or_else(|| SettingsError::Unknown(key.to_string()))?;
    let value = s.parse(value)?.text();
    write_in(w, key, &value)
}

fn write_in(w: &mut WriteTx, key: &str, value: &str) -> Result<()> {
    let id: Option<String> =
        w.conn().query_row("SELECT id FROM setting WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    match id {
        Some(id) => w.update(Table::Setting, &id, None, &[("value", value.to_string().into())]).map(drop),
        None => {
            w.insert(Table::Setting, &new_id(), &[("key", key.to_string().into()), ("value", value.to_string().into())])
        }
    }
}

/// Writes every synced setting's default (first setup only), so that an
/// office keeps its values when a later version changes a default.
pub(crate) fn seed(w: &mut WriteTx) -> Result<()> {
    for s in ALL.iter().filter(|s| s.scope == Scope::Synced) {
        w.insert(
            Table::Setting,
            &new_id(),
            &[("key", s.key.to_string().into()), ("value", s.default.to_string().into())],
        )?;
    }
    Ok(())
}
