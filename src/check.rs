//! `street-ledger check`: SQLite's own integrity check, then the store's
//! invariants. The main one is the one write path: replaying the change log
//! must give every record exactly as stored, with its row version equal to
//! the number of logged changes. A row written around the write path, or a
//! log entry altered or removed, breaks that; the audit trail's hash chains
//! catch log entries altered or removed even where replay cannot (an old
//! value, an event that is not a record change, the newest entries).
use std::collections::{BTreeSet, HashMap};

use rusqlite::types::Value;
use rusqlite::Connection;
use serde::Serialize;

use crate::store::merge::{merge, Entry, Merged};
use crate::store::{write::to_json, Table};
use crate::Result;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct CheckReport {
    pub records: u64,
    pub log_entries: u64,
    /// In Chinese, naming tables and record ids (never personal data).
    pub problems: Vec<String>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

pub fn check(conn: &Connection) -> Result<CheckReport> {
    let mut report = CheckReport::default();
    let integrity: Vec<String> =
        conn.prepare("PRAGMA integrity_check")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if integrity != ["ok"] {
        report.problems.push(format!("SQLite 完整性检查未通过：{}", integrity.join("；")));
        return Ok(report);
    }
    let fk: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if fk > 0 {
        report.problems.push(format!("有{fk}条记录引用了不存在的记录（外键）"));
    }
    let replayed = replay(conn, &mut report)?;
    for table in Table::ALL {
        compare_table(conn, table, &replayed, &mut report)?;
    }
    check_conflicts(conn, &replayed, &mut report)?;
    check_search_index(conn, &mut report)?;
    check_roster_index(conn, &mut report)?;
    report.problems.extend(crate::audit::verify_chain(conn)?);
    Ok(report)
}

/// Per record: what its logged changes make it (see `store::merge`).
type Replayed = HashMap<(String, String), Merged>;

fn replay(conn: &Connection, report: &mut CheckReport) -> Result<Replayed> {
    let mut out: Replayed = HashMap::new();
    let mut stmt = conn.prepare(&format!(
        "SELECT table_name, record_id, hlc, installation_id, op, fields, seen FROM change_log WHERE {}
         ORDER BY record_id, seq",
        crate::store::merge::COUNTED
    ))?;
    let mut rows = stmt.query([])?;
    let mut current: Option<(String, String)> = None;
    let mut entries = Vec::new();
    let mut flush = |key: Option<(String, String)>, entries: &mut Vec<Entry>| {
        if let Some(key) = key {
            out.insert(key, merge(entries));
        }
        entries.clear();
    };
    while let Some(r) = rows.next()? {
        report.log_entries += 1;
        let key: (String, String) = (r.get(0)?, r.get(1)?);
        if current.as_ref() != Some(&key) {
            flush(current.replace(key), &mut entries);
        }
        let seen: Option<String> = r.get(6)?;
        entries.push(Entry::from_log(r.get(2)?, r.get(3)?, r.get(4)?, &r.get::<_, String>(5)?, seen.as_deref()));
    }
    flush(current, &mut entries);
    Ok(out)
}

fn compare_table(conn: &Connection, table: Table, replayed: &Replayed, report: &mut CheckReport) -> Result<()> {
    let pending: BTreeSet<String> = conn
        .prepare("SELECT record_id FROM sync_pending WHERE table_name = ?1")?
        .query_map([table.name()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let cols = table.fields().join(", ");
    let mut stmt = conn.prepare(&format!("SELECT id, row_version, {cols} FROM {}", table.name()))?;
    let mut rows = stmt.query([])?;
    let mut seen = 0usize;
    while let Some(r) = rows.next()? {
        report.records += 1;
        let id: String = r.get(0)?;
        let version: i64 = r.get(1)?;
        let Some(merged) = replayed.get(&(table.name().to_string(), id.clone())).filter(|m| m.exists) else {
            report.problems.push(format!("{}记录{id}没有变更日志：它不是通过程序写入的", table.name()));
            continue;
        };
        seen += 1;
        if pending.contains(&id) {
            continue;
        }
        if merged.changes != version {
            report.problems.push(format!(
                "{}记录{id}的版本号为{version}，变更日志中有{}次变更",
                table.name(),
                merged.changes
            ));
        }
        for (i, f) in table.fields().iter().enumerate() {
            let stored = to_json(&r.get::<_, Value>(i + 2)?);
            let logged = merged.values.get(*f).cloned().unwrap_or_default();
            if !same_json(&stored, &logged) {
                report.problems.push(format!("{}记录{id}的字段{f}与变更日志不一致：可能被绕过程序修改", table.name()));
            }
        }
    }
    let logged = replayed.iter().filter(|((t, id), m)| t == table.name() && m.exists && !pending.contains(id)).count();
    if logged + pending.len() < seen || logged > seen {
        report.problems.push(format!("变更日志记载了{}条{}记录，数据库中有{seen}条", logged, table.name()));
    }
    Ok(())
}

/// The conflict list (冲突待核) must be exactly the fields with two heads.
fn check_conflicts(conn: &Connection, replayed: &Replayed, report: &mut CheckReport) -> Result<()> {
    let listed: BTreeSet<(String, String, String, String)> = conn
        .prepare("SELECT record_id, field, hlc, installation_id FROM sync_conflict")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut expected = BTreeSet::new();
    for ((_, id), m) in replayed {
        for (field, heads) in &m.conflicts {
            for h in heads {
                expected.insert((id.clone(), field.clone(), h.hlc.clone(), h.installation_id.clone()));
            }
        }
    }
    if listed != expected {
        report.problems.push(format!(
            "冲突待核清单与变更日志不一致（应有{}条，实有{}条）：请联系技术支持",
            expected.len(),
            listed.len()
        ));
    }
    Ok(())
}

fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// The search index must hold exactly the tokens of the persons' fields.
/// Token for token, both ways, through a temporary table (in memory, not in
/// the database file).
fn check_search_index(conn: &Connection, report: &mut CheckReport) -> Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.expected_token;
         CREATE TEMP TABLE expected_token (token TEXT NOT NULL, person INTEGER NOT NULL);",
    )?;
    {
        let mut insert = conn.prepare("INSERT INTO temp.expected_token VALUES (?1, ?2)")?;
        let mut stmt = conn.prepare("SELECT rowid, name, id_number, phone FROM person")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let mut tokens = BTreeSet::new();
            for (i, f) in ["name", "id_number", "phone"].iter().enumerate() {
                crate::person::search::field_tokens(f, &r.get::<_, Value>(i + 1)?, &mut tokens);
            }
            for t in tokens {
                insert.execute((t, &id))?;
            }
        }
    }
    let (missing, extra): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM (SELECT token, person FROM temp.expected_token
                                       EXCEPT SELECT token, person FROM person_token)),
                (SELECT count(*) FROM (SELECT token, person FROM person_token
                                       EXCEPT SELECT token, person FROM temp.expected_token))",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    conn.execute_batch("DROP TABLE temp.expected_token")?;
    if missing + extra > 0 {
        report.problems.push(format!(
            "人员查询索引与人员信息不一致（缺{missing}条，多{extra}条）：请从最近的完好备份恢复，或联系技术支持"
        ));
    }
    Ok(())
}

/// The roster index must mirror elderly joined to person, row for row.
fn check_roster_index(conn: &Connection, report: &mut CheckReport) -> Result<()> {
    let source = crate::elderly::roster::INDEX_SOURCE;
    let sql = format!(
        "SELECT (SELECT count(*) FROM ({source} EXCEPT SELECT * FROM roster_index)),
                (SELECT count(*) FROM (SELECT * FROM roster_index EXCEPT {source}))"
    );
    let (missing, extra): (i64, i64) = conn.query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if missing + extra > 0 {
        report.problems.push(format!(
            "花名册索引与花名册不一致（缺{missing}条，多{extra}条）：请从最近的完好备份恢复，或联系技术支持"
        ));
    }
    Ok(())
}
