//! `street-ledger check`: SQLite's own integrity check, then the store's
//! invariants. The main one is the one write path: replaying the change log
//! must give every record exactly as stored, with its row version equal to
//! the number of logged changes. A row written around the write path, or a
//! log entry altered or removed, breaks that; the audit trail's hash chains
//! catch log entries altered or removed even where replay cannot (an old
//! value, an event that is not a record change, the newest entries).
use std::collections::{BTreeSet, HashMap, HashSet};

use rusqlite::types::Value;
use rusqlite::Connection;
use serde::Serialize;

use crate::store::log::fields_of;
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
    // SQLite's own check reads every page once and takes a third of the
    // time: on a database file it runs beside the rest, through a read-only
    // connection of its own. Its verdict comes first either way: on a
    // damaged file nothing else is reported.
    let file = conn.path().filter(|p| !p.is_empty()).map(std::path::PathBuf::from);
    let (integrity, rest) = match file {
        Some(file) => std::thread::scope(|s| {
            let engine = s.spawn(move || {
                let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
                integrity(&Connection::open_with_flags(file, flags)?)
            });
            let rest = invariants(conn);
            (engine.join().expect("the integrity check does not panic"), rest)
        }),
        None => match integrity(conn)? {
            ok if ok == ["ok"] => (Ok(ok), invariants(conn)),
            damaged => (Ok(damaged), Ok(CheckReport::default())),
        },
    };
    let integrity = integrity?;
    if integrity != ["ok"] {
        let problem = format!("SQLite 完整性检查未通过：{}", integrity.join("；"));
        return Ok(CheckReport { problems: vec![problem], ..CheckReport::default() });
    }
    rest
}

fn integrity(conn: &Connection) -> Result<Vec<String>> {
    Ok(conn.prepare("PRAGMA integrity_check")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
}

/// The store's invariants, on a file SQLite finds sound.
fn invariants(conn: &Connection) -> Result<CheckReport> {
    let mut report = CheckReport::default();
    let fk: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if fk > 0 {
        report.problems.push(format!("有{fk}条记录引用了不存在的记录（外键）"));
    }
    let replayed = replay(conn, &mut report)?;
    for table in Table::ALL {
        compare_table(conn, table, &replayed, &mut report)?;
    }
    check_conflicts(conn, &replayed, &mut report)?;
    // The search check holds every token of every person: not beside this.
    drop(replayed);
    check_search_index(conn, &mut report)?;
    check_roster_index(conn, &mut report)?;
    report.problems.extend(crate::audit::verify_chain(conn)?);
    Ok(report)
}

/// Per record: what its logged changes make it (see `store::merge`), and
/// the records made by their insert alone kept without a copy of its values
/// (`store::log`): those are their records by construction, so replaying
/// them would compare each record with itself; the chain check, which
/// rebuilds and hashes their text, is what holds them.
#[derive(Default)]
struct Replayed {
    merged: HashMap<(String, String), Merged>,
    as_inserted: HashSet<(String, String)>,
}

/// One log entry of a record, as read.
struct Row {
    hlc: String,
    installation_id: String,
    op: String,
    fields: Option<String>,
    seen: Option<String>,
    mask: Option<i64>,
}

fn replay(conn: &Connection, report: &mut CheckReport) -> Result<Replayed> {
    let mut out = Replayed::default();
    let mut stmt = conn.prepare(&format!(
        "SELECT table_name, record_id, hlc, installation_id, op, fields, seen, mask FROM change_log WHERE {}
         ORDER BY record_key, seq",
        crate::store::merge::COUNTED
    ))?;
    let mut rows = stmt.query([])?;
    let mut current: Option<(String, String)> = None;
    let mut group: Vec<Row> = Vec::new();
    let mut flush = |key: Option<(String, String)>, group: &mut Vec<Row>| -> Result<()> {
        let Some(key) = key else { return Ok(()) };
        if let [only] = group.as_slice() {
            if only.fields.is_none() && only.op == "insert" {
                out.as_inserted.insert(key);
                group.clear();
                return Ok(());
            }
        }
        let mut entries = Vec::with_capacity(group.len());
        for r in group.drain(..) {
            let fields = fields_of(conn, &key.0, &key.1, r.fields, r.mask)?;
            entries.push(Entry::from_log(r.hlc, r.installation_id, r.op, &fields, r.seen.as_deref()));
        }
        out.merged.insert(key, merge(&entries));
        Ok(())
    };
    while let Some(r) = rows.next()? {
        report.log_entries += 1;
        let key: (String, String) = (r.get(0)?, r.get(1)?);
        if current.as_ref() != Some(&key) {
            flush(current.replace(key), &mut group)?;
        }
        group.push(Row {
            hlc: r.get(2)?,
            installation_id: r.get(3)?,
            op: r.get(4)?,
            fields: r.get(5)?,
            seen: r.get(6)?,
            mask: r.get(7)?,
        });
    }
    flush(current, &mut group)?;
    Ok(out)
}

fn compare_table(conn: &Connection, table: Table, replayed: &Replayed, report: &mut CheckReport) -> Result<()> {
    let pending: BTreeSet<String> = conn
        .prepare("SELECT record_id FROM sync_pending WHERE table_name = ?1")?
        .query_map([table.name()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let cols = table.field_names().collect::<Vec<_>>().join(", ");
    let mut stmt = conn.prepare(&format!("SELECT id, row_version, {cols} FROM {}", table.name()))?;
    let mut rows = stmt.query([])?;
    let mut seen = 0usize;
    while let Some(r) = rows.next()? {
        report.records += 1;
        let id: String = r.get(0)?;
        let version: i64 = r.get(1)?;
        let key = (table.name().to_string(), id.clone());
        if replayed.as_inserted.contains(&key) {
            seen += 1;
            if version != 1 {
                report.problems.push(format!("{}记录{id}的版本号为{version}，变更日志中有1次变更", table.name()));
            }
            continue;
        }
        let Some(merged) = replayed.merged.get(&key).filter(|m| m.exists) else {
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
        for (i, f) in table.field_names().enumerate() {
            let stored = to_json(&r.get::<_, Value>(i + 2)?);
            let logged = merged.values.get(f).cloned().unwrap_or_default();
            if !same_json(&stored, &logged) {
                report.problems.push(format!("{}记录{id}的字段{f}与变更日志不一致：可能被绕过程序修改", table.name()));
            }
        }
    }
    let logged =
        replayed.merged.iter().filter(|((t, id), m)| t == table.name() && m.exists && !pending.contains(id)).count()
            + replayed.as_inserted.iter().filter(|(t, _)| t == table.name()).count();
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
    for ((_, id), m) in &replayed.merged {
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

/// The search index must hold exactly the tokens of the persons' fields:
/// every person's tokens, made again and sorted as the index is, against the
/// index read in its own order (a merge of two sorted lists: no temporary
/// table, which the read connection could not write, and no second copy of
/// the index in memory).
fn check_search_index(conn: &Connection, report: &mut CheckReport) -> Result<()> {
    let mut expected: Vec<(String, i64)> = Vec::new();
    let mut stmt = conn.prepare("SELECT rowid, name, id_number, phone FROM person")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let mut tokens = BTreeSet::new();
        for (i, f) in ["name", "id_number", "phone"].iter().enumerate() {
            crate::person::search::field_tokens(f, &r.get::<_, Value>(i + 1)?, &mut tokens);
        }
        expected.extend(tokens.into_iter().map(|t| (t, id)));
    }
    // The index's order: its primary key's, by SQLite's binary collation,
    // which is byte order, as Rust's for strings.
    expected.sort_unstable();
    let (mut missing, mut extra) = (0u64, 0u64);
    let mut want = expected.iter().peekable();
    let mut stmt = conn.prepare("SELECT token, person FROM person_token ORDER BY token, person")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let have: (String, i64) = (r.get(0)?, r.get(1)?);
        loop {
            match want.peek() {
                Some(w) if **w < have => {
                    missing += 1;
                    want.next();
                }
                Some(w) if **w == have => {
                    want.next();
                    break;
                }
                _ => {
                    extra += 1;
                    break;
                }
            }
        }
    }
    missing += want.count() as u64;
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
