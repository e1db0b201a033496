//! 冲突待核: fields that two PCs changed without seeing each other's change.
//! The newer value is in force everywhere meanwhile; a user sees every
//! value, who set it on which PC and when, and picks one. The pick is an
//! ordinary change that has seen them all, so it syncs like any edit and
//! settles the conflict on every PC.
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::access::{Actor, Permission};
use crate::audit::{shown, Names};
use crate::store::log::{fields_of, record_key, record_key_sql};
use crate::store::merge::DELETED;
use crate::store::write::from_json;
use crate::store::{Store, Table};
use crate::{Error, Result};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Conflict {
    pub record_id: String,
    pub table: String,
    pub table_label: &'static str,
    /// Whom or what the record is about (a person's name, a date).
    pub record_label: String,
    pub field: String,
    pub field_label: String,
    /// Every value, the one in force first.
    pub heads: Vec<Head>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Head {
    pub hlc: String,
    pub installation_id: String,
    pub pc_name: String,
    pub user_name: String,
    pub at: String,
    /// As shown: ID numbers and phones masked; "（删除）" for a deletion.
    pub value: String,
    pub in_force: bool,
}

/// Settling conflicts changes records of any community: street-level staff.
fn require_reviewer(actor: &Actor) -> Result<()> {
    actor.require(Permission::Write)?;
    if actor.scope().is_some() {
        return Err(crate::access::AccessError::OtherCommunity.into());
    }
    Ok(())
}

pub fn conflicts(conn: &Connection, actor: &Actor) -> Result<Vec<Conflict>> {
    require_reviewer(actor)?;
    let names = Names::load(conn)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT c.record_id, c.table_name, c.field, c.hlc, c.installation_id, l.user_name, l.at, l.op, l.fields, l.mask
         FROM sync_conflict c
         JOIN change_log l ON l.record_key = {} AND l.hlc = c.hlc AND l.installation_id = c.installation_id
         ORDER BY c.record_id, c.field, c.hlc DESC, c.installation_id DESC",
        record_key_sql("c.record_id")
    ))?;
    let mut out: Vec<Conflict> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (record_id, table, field): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let op: String = r.get(7)?;
        let fields = fields_of(conn, &table, &record_id, r.get(8)?, r.get(9)?)?;
        let value = if op == "delete" || (field == DELETED && op != "insert") {
            "（删除）".to_string()
        } else if field == DELETED {
            "（保留这条记录）".to_string()
        } else {
            let parsed: serde_json::Value = serde_json::from_str(&fields).unwrap_or_default();
            shown(&field, parsed.get(&field).and_then(|c| c.get("new")), &names).unwrap_or_else(|| "（空）".into())
        };
        let installation_id: String = r.get(4)?;
        let head = Head {
            hlc: r.get(3)?,
            pc_name: names.pcs.get(&installation_id).cloned().unwrap_or_else(|| "其他电脑".into()),
            installation_id,
            user_name: r.get(5)?,
            at: r.get(6)?,
            value,
            in_force: false,
        };
        match out.last_mut().filter(|c| c.record_id == record_id && c.field == field) {
            Some(c) => c.heads.push(head),
            None => {
                let t = Table::from_name(&table);
                out.push(Conflict {
                    record_label: record_label(conn, t, &record_id)?,
                    table_label: t.map(Table::label).unwrap_or("记录"),
                    field_label: if field == DELETED {
                        "是否删除".into()
                    } else {
                        t.and_then(|t| t.field_label(&field)).unwrap_or(&field).to_string()
                    },
                    record_id,
                    table,
                    field,
                    heads: vec![Head { in_force: true, ..head }],
                })
            }
        }
    }
    Ok(out)
}

/// The entries of a roster entry: a conflict names them by their elderly.
const ELDERLY_ENTRIES: [Table; 6] = [
    Table::ElderlyService,
    Table::ElderlyVisit,
    Table::ElderlyCall,
    Table::ElderlyAssistance,
    Table::ElderlyCondolence,
    Table::ElderlyCareEntitlement,
];

fn record_label(conn: &Connection, table: Option<Table>, id: &str) -> Result<String> {
    let sql = match table {
        Some(Table::Person) => "SELECT name FROM person WHERE id = ?1",
        Some(Table::Elderly) => "SELECT p.name FROM elderly e JOIN person p ON p.id = e.person_id WHERE e.id = ?1",
        Some(t) if ELDERLY_ENTRIES.contains(&t) => {
            // The entry may be deleted: its elderly as its insert logged it
            // (kept without a copy while the record is as inserted).
            "SELECT p.name FROM change_log l
             JOIN elderly e ON e.id = coalesce(json_extract(l.fields, '$.elderly_id.new'),
                (SELECT elderly_id FROM elderly_service WHERE id = l.record_id),
                (SELECT elderly_id FROM elderly_visit WHERE id = l.record_id),
                (SELECT elderly_id FROM elderly_call WHERE id = l.record_id),
                (SELECT elderly_id FROM elderly_assistance WHERE id = l.record_id),
                (SELECT elderly_id FROM elderly_condolence WHERE id = l.record_id),
                (SELECT elderly_id FROM elderly_care_entitlement WHERE id = l.record_id))
             JOIN person p ON p.id = e.person_id WHERE l.record_key = ?1 AND l.op = 'insert'"
        }
        Some(Table::Community) => "SELECT name FROM community WHERE id = ?1",
        Some(Table::CareProvider) => "SELECT name FROM care_provider WHERE id = ?1",
        Some(Table::Account) => "SELECT username FROM account WHERE id = ?1",
        Some(Table::Setting) => "SELECT key FROM setting WHERE id = ?1",
        _ => return Ok(String::new()),
    };
    // The log is asked by the record's key, the records by its id.
    let key = match table {
        Some(t) if ELDERLY_ENTRIES.contains(&t) => record_key(id),
        _ => rusqlite::types::Value::Text(id.into()),
    };
    Ok(conn.query_row(sql, [key], |r| r.get(0)).optional()?.unwrap_or_default())
}

/// Picks one value of a conflict (by its stamp). Picking a deletion deletes
/// the record; picking a value of a deleted record brings it back.
pub fn resolve(
    store: &mut Store,
    actor: &Actor,
    record_id: &str,
    field: &str,
    hlc: &str,
    installation_id: &str,
) -> Result<()> {
    require_reviewer(actor)?;
    let conn = store.conn();
    let picked: Option<(String, String, Option<String>, Option<i64>)> = conn
        .query_row(
            &format!(
                "SELECT c.table_name, l.op, l.fields, l.mask FROM sync_conflict c
                 JOIN change_log l ON l.record_key = {} AND l.hlc = c.hlc AND l.installation_id = c.installation_id
                 WHERE c.record_id = ?1 AND c.field = ?2 AND c.hlc = ?3 AND c.installation_id = ?4",
                record_key_sql("c.record_id")
            ),
            (record_id, field, hlc, installation_id),
            |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((table, op, fields, mask)) = picked else {
        return Err(Error::NotFound { what: "这项冲突（可能已由他人处理）" });
    };
    let fields = fields_of(conn, &table, record_id, fields, mask)?;
    let table = Table::from_name(&table).ok_or(Error::NotFound { what: "记录" })?;
    let exists: bool =
        conn.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {} WHERE id = ?1)", table.name()), [record_id], |r| {
            r.get(0)
        })?;
    let deletes = op == "delete" || (field == DELETED && op != "insert");
    if deletes {
        return store.write(actor, |w| w.delete(table, record_id));
    }
    if !exists {
        let values = last_values(conn, table, record_id, field, &fields)?;
        return store.write(actor, |w| w.restore(table, record_id, &values));
    }
    let parsed: serde_json::Value = serde_json::from_str(&fields).unwrap_or_default();
    let value = from_json(parsed.get(field).and_then(|c| c.get("new")).unwrap_or(&serde_json::Value::Null));
    store.write(actor, |w| w.settle(table, record_id, field, value))
}

/// A deleted record's values before its deletion, with the picked value.
fn last_values(
    conn: &Connection,
    table: Table,
    id: &str,
    field: &str,
    picked: &str,
) -> Result<Vec<(&'static str, rusqlite::types::Value)>> {
    let mut values: std::collections::BTreeMap<String, serde_json::Value> = Default::default();
    let mut stmt = conn.prepare(
        "SELECT op, fields, table_name, mask FROM change_log WHERE record_key = ?1 ORDER BY hlc, installation_id",
    )?;
    let mut rows = stmt.query([record_key(id)])?;
    while let Some(r) = rows.next()? {
        let op: String = r.get(0)?;
        let fields = fields_of(conn, &r.get::<_, String>(2)?, id, r.get(1)?, r.get(3)?)?;
        let parsed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&fields).unwrap_or_default();
        for (f, c) in parsed {
            let v = if op == "delete" { c.get("old") } else { c.get("new") };
            if let Some(v) = v.filter(|v| !v.is_null()) {
                values.insert(f, v.clone());
            }
        }
    }
    let parsed: serde_json::Value = serde_json::from_str(picked).unwrap_or_default();
    if let Some(v) = parsed.get(field).and_then(|c| c.get("new")) {
        values.insert(field.to_string(), v.clone());
    }
    Ok(table.field_names().filter_map(|f| values.get(f).map(|v| (f, from_json(v)))).collect())
}

/// A record waiting for another (待关联) or clashing with one (重复).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PendingRecord {
    pub record_id: String,
    pub table_label: &'static str,
    pub reason: String,
}

pub fn pending(conn: &Connection) -> Result<Vec<PendingRecord>> {
    let mut stmt =
        conn.prepare("SELECT record_id, table_name, reason FROM sync_pending ORDER BY table_name, record_id")?;
    let rows = stmt.query_map([], |r| {
        let table: String = r.get(1)?;
        Ok(PendingRecord {
            record_id: r.get(0)?,
            table_label: Table::from_name(&table).map(Table::label).unwrap_or("记录"),
            reason: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
