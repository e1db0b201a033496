//! 核对: every change of a package checked against this PC's own schema
//! before anything is written. A package is sealed with the office key, so
//! it comes from a PC of the office; but that PC may run another version,
//! have a damaged database, or have been tampered with. One change this PC
//! cannot store exactly as logged refuses the whole package as damaged.
use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;
use serde_json::{Map, Value as Json};

use super::exchange::Bundle;
use super::SyncError;
use crate::catalogue::Type;
use crate::store::write::Change;
use crate::store::{Hlc, Table};
use crate::Result;

/// Stamps before this (2000-01-01) come from a clock that was never set.
const EARLIEST_MILLIS: u64 = 946_684_800_000;
/// Stamps after this (2200-01-01) are no clock's: a PC a few days or years
/// ahead has its package wait instead (`exchange::refuse_far_future`).
const LATEST_MILLIS: u64 = 7_258_118_400_000;
/// Sequence numbers far past anything one PC can write (a billion
/// billion would take a million years at a thousand changes a second),
/// and far from where `+ 1` overflows.
const MAX_SEQ: i64 = 1 << 53;
/// Ids are UUIDs (36 characters); some older ones are shorter.
const MAX_ID: usize = 64;
const MAX_USER: usize = 200;

/// Checks every change of a package; the first problem refuses it whole.
pub fn check_bundle(conn: &Connection, file: &str, bundle: &Bundle) -> Result<()> {
    // A setting's key, by record: from an insert in this package or as stored.
    let mut setting_keys: HashMap<&str, String> = HashMap::new();
    for (n, c) in bundle.body.changes.iter().enumerate() {
        if let Err(why) = check_change(conn, &mut setting_keys, c) {
            return Err(SyncError::Invalid { file: file.into(), why: format!("第{}条修改：{why}", n + 1) }.into());
        }
    }
    Ok(())
}

/// Text from the package, shortened and made printable for a message.
fn shown(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(40).collect()
}

fn sane_id(what: &str, id: &str) -> std::result::Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(format!("{what}“{}”不是有效的编号", shown(id)))
    }
}

fn check_change<'c>(
    conn: &Connection,
    setting_keys: &mut HashMap<&'c str, String>,
    c: &'c Change,
) -> std::result::Result<(), String> {
    sane_id("电脑编号", &c.installation_id)?;
    sane_id("事务编号", &c.txn_id)?;
    sane_id("记录编号", &c.record_id)?;
    if !(1..=MAX_SEQ).contains(&c.origin_seq) {
        return Err(format!("序号{}超出范围", c.origin_seq));
    }
    check_stamp(&c.hlc)?;
    if c.at.is_empty() || c.at.len() > 64 {
        return Err(format!("修改时间“{}”无效", shown(&c.at)));
    }
    if c.user_name.chars().count() > MAX_USER {
        return Err("用户名过长".into());
    }
    let table = Table::from_name(&c.table_name).ok_or_else(|| format!("未知的数据表“{}”", shown(&c.table_name)))?;
    match c.op.as_str() {
        "insert" | "update" => {}
        "delete" if table.deletable() => {}
        "delete" => return Err(format!("数据表“{}”的记录不能删除", table.name())),
        other => return Err(format!("未知的操作“{}”", shown(other))),
    }
    // The usual shape is read without building a map per field; a change
    // that is not in it, or has a problem, is read again below, which names
    // the problem.
    if let Ok(typed) = serde_json::from_str::<BTreeMap<String, Diff>>(&c.fields) {
        let fine = typed.iter().all(|(field, diff)| {
            let col = table.field(field);
            col.is_some_and(|col| [&diff.old, &diff.new].into_iter().flatten().all(|v| check_value(col.ty, v).is_ok()))
        });
        if fine {
            let new = |f: &str| typed.get(f).and_then(|d| d.new.as_ref());
            return check_rest(conn, setting_keys, c, table, new("key"), new("value"));
        }
    }
    let fields: Map<String, Json> =
        serde_json::from_str(&c.fields).map_err(|_| "修改的字段不是有效的格式".to_string())?;
    for (field, diff) in &fields {
        let Some(column) = table.field(field) else {
            return Err(format!("数据表“{}”没有字段“{}”", table.name(), shown(field)));
        };
        let Some(diff) = diff.as_object().filter(|d| d.keys().all(|k| k == "old" || k == "new")) else {
            return Err(format!("字段“{field}”的修改格式无效"));
        };
        for v in diff.values() {
            check_value(column.ty, v).map_err(|kind| format!("字段“{}.{field}”的值不是{kind}", table.name()))?;
        }
    }
    let new = |f: &str| fields.get(f).and_then(|d| d.get("new"));
    check_rest(conn, setting_keys, c, table, new("key"), new("value"))
}

/// A field's change in its usual shape: `old` and `new`, nothing else.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Diff {
    #[serde(default, deserialize_with = "present")]
    old: Option<Json>,
    #[serde(default, deserialize_with = "present")]
    new: Option<Json>,
}

/// A key that is there, even with null: Some.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<Json>, D::Error> {
    serde::Deserialize::deserialize(d).map(Some)
}

/// What is checked of a change beyond its fields: its `seen`, and a
/// setting's key and value (`new_key`, `new_value`: what it sets).
fn check_rest<'c>(
    conn: &Connection,
    setting_keys: &mut HashMap<&'c str, String>,
    c: &'c Change,
    table: Table,
    new_key: Option<&Json>,
    new_value: Option<&Json>,
) -> std::result::Result<(), String> {
    if let Some(seen) = &c.seen {
        let seen: Map<String, Json> = serde_json::from_str(seen).map_err(|_| "“已见”信息格式无效".to_string())?;
        for (pc, stamp) in &seen {
            sane_id("电脑编号", pc)?;
            check_stamp(stamp.as_str().ok_or_else(|| "“已见”信息格式无效".to_string())?)?;
        }
    }
    if table == Table::Setting {
        if let Some(Json::String(k)) = new_key {
            setting_keys.insert(&c.record_id, k.clone());
        }
        let key = match setting_keys.get(c.record_id.as_str()) {
            Some(k) => Some(k.clone()),
            None => stored_setting_key(conn, &c.record_id),
        };
        if c.op != "delete" {
            check_setting_change(key.as_deref(), new_key, new_value)?;
        }
    }
    Ok(())
}

fn stored_setting_key(conn: &Connection, id: &str) -> Option<String> {
    use rusqlite::OptionalExtension;
    conn.query_row("SELECT key FROM setting WHERE id = ?1", [id], |r| r.get(0)).optional().ok().flatten()
}

/// A stamp in its fixed-width form, with a time between 2000 and 2200 and a
/// counter that cannot overflow (`Hlc::parse` takes six digits at most).
fn check_stamp(stamp: &str) -> std::result::Result<(), String> {
    match Hlc::parse(stamp) {
        Some(h) if (EARLIEST_MILLIS..LATEST_MILLIS).contains(&h.millis()) => Ok(()),
        _ => Err(format!("时间戳“{}”无效（时钟超出范围）", shown(stamp))),
    }
}

/// A value of the column's declared type (what `from_json` stores it as).
fn check_value(column_type: Type, v: &Json) -> std::result::Result<(), &'static str> {
    let ok = match (column_type, v) {
        (_, Json::Null) => true,
        (_, Json::Array(_) | Json::Object(_)) => false,
        (Type::Integer, Json::Bool(_)) => true,
        (Type::Integer, Json::Number(n)) => n.is_i64(),
        (Type::Real, Json::Number(_)) => true,
        (Type::Text, Json::String(_)) => true,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    Err(match column_type {
        Type::Integer => "整数",
        Type::Real => "数字",
        Type::Text | Type::Blob => "文字",
    })
}

/// The shape of a received change of a setting (设置): `key` is the
/// setting's key (from this change, an earlier one in the package, or as
/// stored; None when this PC has not got the setting's insert yet),
/// `new_key` and `new_value` what the change sets; both must be text. Its
/// meaning (a key kept per PC, a value out of range) is judged in
/// `trust::setting_refusal`, which holds such a change as refused rather
/// than refusing the package: 0.2.0 logs carry such changes and relay them
/// for ever, and one of them must not stop an office's sync.
pub fn check_setting_change(
    key: Option<&str>,
    new_key: Option<&Json>,
    new_value: Option<&Json>,
) -> std::result::Result<(), String> {
    if new_key.is_some_and(|k| k.as_str().is_none_or(str::is_empty)) {
        return Err("设置项的名称必须是文字".into());
    }
    if new_value.is_some_and(|v| !v.is_string() && !v.is_null()) {
        return Err(format!("设置“{}”的值必须是文字", shown(key.unwrap_or("?"))));
    }
    Ok(())
}
