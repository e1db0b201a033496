//! Case numbers (案号). Each 调委会 numbers its own cases per year:
//! "（2026）和平社区人调字第15号" (full-width brackets, the committee's 简称,
//! consecutive per committee and year). Only the PC that keeps a committee's
//! sequence (`committee::keeper`) issues them, so PCs registering offline
//! never make the same number: a case registered on another PC is 待编号
//! until the keeper takes it in by sync (or registers a case itself) and
//! numbers it, in order of intake. A number once given never changes.
//!
//! Release 0.2.0 numbered per PC: "(2026)和平街人调字第2-15号" is the 15th case
//! of 2026 registered on PC number 2. Those numbers stay as printed and are
//! read back by [`parse`]; the PC number (本机编号) is still a synced setting
//! `pc_number.<installation id>`, reserved for a PC joining by a snapshot.
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
        .prepare_cached("SELECT max(CAST(value AS INTEGER)) FROM setting WHERE key LIKE 'pc_number.%'")?
        .query_row([], |r| r.get(0))
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

/// Reserves a PC number for the PC that will join by a snapshot, and hands
/// it the committees given (kept by this PC; see `committee::hand_over_in`).
pub fn reserve(store: &mut Store, package_id: &str, committees: &[String]) -> Result<i64> {
    let installation = store.installation_id().to_string();
    store.write(&crate::access::Actor::system(), |w| {
        super::committee::hand_over_in(w, committees, package_id)?;
        own_or_take(w, &installation)?;
        let n = next_free(w.conn())?;
        set(w, &format!("pc_number.reserved.{package_id}"), n)?;
        Ok(n)
    })
}

/// Takes the number a snapshot reserved and the committees it handed over
/// (on joining).
pub fn adopt(store: &mut Store, n: i64, package_id: &str) -> Result<()> {
    let installation = store.installation_id().to_string();
    store.write(&crate::access::Actor::system(), |w| {
        if own(w.conn(), &installation)?.is_none() {
            set(w, &key(&installation), n)?;
        }
        super::committee::take_over_in(w, package_id)?;
        number_pending_in(w).map(drop)
    })
}

/// What a case without a number shows (and its printouts say why).
pub const PENDING: &str = "待编号";

/// A committee's number.
pub fn format(year: i32, short_name: &str, seq: i64) -> String {
    format!("（{year}）{short_name}人调字第{seq}号")
}

/// A printed number, read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// "（2026）和平社区人调字第15号": a committee's.
    Committee { year: i32, committee: String, seq: i64 },
    /// "(2026)和平街人调字第2-15号": 0.2.0's, per PC.
    PerPc { year: i32, prefix: String, pc: i64, seq: i64 },
}

/// Reads either form of number; None for anything else (待编号).
pub fn parse(number: &str) -> Option<Parsed> {
    let (open, close, per_pc) = if number.starts_with('（') { ('（', '）', false) } else { ('(', ')', true) };
    let rest = number.strip_prefix(open)?;
    let (year, rest) = rest.split_once(close)?;
    let (name, rest) = rest.split_once("人调字第")?;
    let body = rest.strip_suffix('号')?;
    let year: i32 = year.parse().ok()?;
    if per_pc {
        let (pc, seq) = body.split_once('-')?;
        Some(Parsed::PerPc { year, prefix: name.to_string(), pc: pc.parse().ok()?, seq: seq.parse().ok()? })
    } else {
        Some(Parsed::Committee { year, committee: name.to_string(), seq: body.parse().ok()? })
    }
}

/// Numbers every case waiting for one whose committee this PC keeps, in
/// order of intake (then id, the same on every run). Returns how many.
pub(crate) fn number_pending_in(w: &mut WriteTx) -> Result<usize> {
    let here = w.installation_id().to_string();
    let pending: Vec<(String, i32, String, String)> = w
        .conn()
        .prepare_cached(
            "SELECT m.id, m.year, c.id, c.short_name FROM mediation_case m
             JOIN mediation_committee c ON c.id = m.committee_id
             WHERE m.number = '' AND c.keeper = ?1 ORDER BY m.received_on, m.id",
        )?
        .query_map([&here], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, year, committee, short) in &pending {
        let mut seq: i64 = w
            .conn()
            .prepare_cached(
                "SELECT coalesce(max(committee_seq), 0) + 1 FROM mediation_case WHERE committee_id = ?1 AND year = ?2",
            )?
            .query_row((committee, year), |r| r.get(0))?;
        // A number some case already carries (a short name reused) is skipped.
        while w
            .conn()
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM mediation_case WHERE number = ?1 AND number <> '')")?
            .query_row([format(*year, short, seq)], |r| r.get::<_, bool>(0))?
        {
            seq += 1;
        }
        w.update(
            Table::MediationCase,
            id,
            None,
            &[("number", format(*year, short, seq).into()), ("committee_seq", seq.into())],
        )?;
    }
    Ok(pending.len())
}

/// `number_pending_in` in a write of its own, when there is anything to
/// number (after taking in a sync package).
pub fn number_pending(store: &mut Store) -> Result<usize> {
    let waiting: bool = store
        .conn()
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM mediation_case m JOIN mediation_committee c ON c.id = m.committee_id
                        WHERE m.number = '' AND c.keeper = ?1)",
        )?
        .query_row([store.installation_id()], |r| r.get(0))?;
    if !waiting {
        return Ok(0);
    }
    store.write(&crate::access::Actor::system(), number_pending_in)
}
