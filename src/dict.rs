//! Dictionaries (字典) and settings (设置): enumerations and thresholds kept as
//! data, seeded at setup from `assets/dictionaries.json`, editable later.
use rusqlite::Connection;
use serde::Deserialize;

use crate::store::{new_id, Table, WriteTx};
use crate::Result;

const SEED: &str = include_str!("../assets/dictionaries.json");

#[derive(Deserialize)]
struct Seed {
    dictionaries: serde_json::Map<String, serde_json::Value>,
    settings: serde_json::Map<String, serde_json::Value>,
}

/// Writes the seed dictionaries and settings (first setup only).
pub(crate) fn seed(w: &mut WriteTx) -> Result<()> {
    let seed: Seed = serde_json::from_str(SEED).expect("assets/dictionaries.json is valid");
    for (dict, labels) in &seed.dictionaries {
        for (i, label) in labels.as_array().into_iter().flatten().enumerate() {
            let label = label.as_str().unwrap_or_default().to_string();
            w.insert(
                Table::DictEntry,
                &new_id(),
                &[
                    ("dict", dict.clone().into()),
                    ("label", label.into()),
                    ("sort", (i as i64).into()),
                    ("active", 1.into()),
                ],
            )?;
        }
    }
    for (key, value) in &seed.settings {
        let value = value.as_str().unwrap_or_default().to_string();
        w.insert(Table::Setting, &new_id(), &[("key", key.clone().into()), ("value", value.into())])?;
    }
    Ok(())
}

/// The active labels of a dictionary, in their set order.
pub fn labels(conn: &Connection, dict: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT label FROM dict_entry WHERE dict = ?1 AND active = 1 ORDER BY sort, label")?;
    let rows = stmt.query_map([dict], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every active dictionary, for the UI's drop-downs.
pub fn all(conn: &Connection) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
    let mut stmt =
        conn.prepare_cached("SELECT dict, label FROM dict_entry WHERE active = 1 ORDER BY dict, sort, label")?;
    let mut out = std::collections::BTreeMap::<String, Vec<String>>::new();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (d, l) = row?;
        out.entry(d).or_default().push(l);
    }
    Ok(out)
}

pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn.prepare_cached("SELECT value FROM setting WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

/// A numeric setting, falling back to `default` when unset or unreadable.
pub fn setting_i64(conn: &Connection, key: &str, default: i64) -> Result<i64> {
    Ok(setting(conn, key)?.and_then(|v| v.trim().parse().ok()).unwrap_or(default))
}
