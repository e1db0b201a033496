//! Case numbers (案号) that stay unique across the office's PCs without a
//! network: "(2026)和平街人调字第2-15号" is the 15th case of 2026 registered
//! on PC number 2. Each PC numbers its own cases; the PC number (本机编号) is
//! a synced setting `pc_number.<installation id>`. The PC that sets up the
//! office is 1; a PC that joins takes the number its snapshot reserved for it
//! (the maker reserves the next free number through the write path), so two
//! PCs never hold the same number even when they register cases offline.
use rusqlite::{Connection, OptionalExtension};

use crate::store::{new_id, Store, Table, WriteTx};
use crate::Result;

fn key(installation_id: &str) -> String {
    format!("pc_number.{installation_id}")
}

/// This PC's number, if it has one.
pub fn own(conn: &Connection, installation_id: &str) -> Result<Option<i64>> {
    Ok(crate::settings::stored(conn, &key(installation_id))?.and_then(|v| v.parse().ok()))
}

fn next_free(conn: &Connection) -> Result<i64> {
    let max: Option<i64> = conn
        .query_row("SELECT max(CAST(value AS INTEGER)) FROM setting WHERE key LIKE 'pc_number.%'", [], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(max.unwrap_or(0) + 1)
}

/// This PC's number, taking the next free one the first time (an office set
/// up before numbering existed).
pub(crate) fn own_or_take(w: &mut WriteTx, installation_id: &str) -> Result<i64> {
    if let Some(n) = own(w.conn(), installation_id)? {
        return Ok(n);
    }
    let n = next_free(w.conn())?;
    set(w, &key(installation_id), n)?;
    Ok(n)
}

fn set(w: &mut WriteTx, key: &str, n: i64) -> Result<()> {
    w.insert(Table::Setting, &new_id(), &[("key", key.to_string().into()), ("value", n.to_string().into())])
}

/// Reserves a number for the PC that will join by a snapshot.
pub fn reserve(store: &mut Store, package_id: &str) -> Result<i64> {
    let installation = store.installation_id().to_string();
    store.write(&crate::access::Actor::system(), |w| {
        own_or_take(w, &installation)?;
        let n = next_free(w.conn())?;
        set(w, &format!("pc_number.reserved.{package_id}"), n)?;
        Ok(n)
    })
}

/// Takes the number a snapshot reserved (on joining).
pub fn adopt(store: &mut Store, n: i64) -> Result<()> {
    let installation = store.installation_id().to_string();
    store.write(&crate::access::Actor::system(), |w| {
        if own(w.conn(), &installation)?.is_none() {
            set(w, &key(&installation), n)?;
        }
        Ok(())
    })
}

/// The next case number on this PC for a year.
pub(crate) fn next(w: &mut WriteTx, installation_id: &str, year: i32) -> Result<(i64, i64, String)> {
    let pc = own_or_take(w, installation_id)?;
    let seq: i64 = w.conn().query_row(
        "SELECT coalesce(max(seq), 0) + 1 FROM mediation_case WHERE year = ?1 AND pc_number = ?2",
        (year, pc),
        |r| r.get(0),
    )?;
    let office: String = w.conn().query_row("SELECT name FROM office LIMIT 1", [], |r| r.get(0))?;
    let short = office.strip_suffix("街道").or_else(|| office.strip_suffix("街道办事处")).unwrap_or(&office);
    let short = if short.ends_with('街') { short.to_string() } else { format!("{short}街") };
    Ok((pc, seq, format!("({year}){short}人调字第{pc}-{seq}号")))
}
