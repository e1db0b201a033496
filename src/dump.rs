//! `dump --json`: every record in a canonical form (tables, then records by
//! id, fields by name), so that two databases holding the same records dump
//! to the same text whatever order they were written in. The change log and
//! the per-PC installation are left out: they differ between PCs by design.
use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::Connection;

use crate::access::{Actor, Permission};
use crate::audit::{self, Action};
use crate::store::{write::to_json, Store, Table};
use crate::Result;

/// Every community's full ID numbers and phones are in it: administrators
/// only, and the export is audited. Password hashes are left out.
pub fn dump(store: &Store, actor: &Actor) -> Result<serde_json::Value> {
    actor.require(Permission::Administer)?;
    let v = records(store.conn())?;
    audit::record(store, &actor.user, Action::Export, "dump --json", "全部记录，未遮蔽")?;
    Ok(v)
}

/// Every record, canonical; no access check (for `check` and tests of the
/// store itself).
pub fn records(conn: &Connection) -> Result<serde_json::Value> {
    let mut out = BTreeMap::new();
    for table in Table::ALL {
        let cols = table.field_names().collect::<Vec<_>>().join(", ");
        let mut stmt = conn.prepare(&format!("SELECT id, {cols} FROM {} ORDER BY id", table.name()))?;
        let mut records = BTreeMap::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let mut fields = BTreeMap::new();
            for (i, f) in table.field_names().enumerate() {
                let v = if f == "password_hash" { "(已隐藏)".into() } else { to_json(&r.get::<_, Value>(i + 1)?) };
                fields.insert(f, v);
            }
            records.insert(id, fields);
        }
        out.insert(table.name(), records);
    }
    Ok(serde_json::to_value(out).expect("plain values"))
}
