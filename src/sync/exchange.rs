//! What goes into a package and how a package comes in: changes from every
//! PC (so a PC that never meets another still hears from it through a
//! third), minus what every PC this one has heard from already holds.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::package::{Body, Kind};
use super::SyncError;
use crate::access::Actor;
use crate::store::log::Heads;
use crate::store::write::Change;
use crate::store::{Hlc, Store, Table};
use crate::Result;

/// A package's content once opened: who wrote it, what it had seen, the
/// changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub writer: String,
    pub writer_pc: String,
    pub seen: BTreeMap<String, i64>,
    pub body: Body,
}

/// What taking in a package did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Applied {
    /// Changes new to this PC.
    pub received: usize,
    /// Changes this PC already had.
    pub known: usize,
    /// Changes left for later: an earlier change of their PC is missing.
    pub deferred: usize,
    /// Records whose stored form changed.
    pub records_changed: usize,
    /// Conflicts (fields with two heads) listed after the import.
    pub conflicts: usize,
    /// Records waiting for another (待关联) after the import.
    pub pending: usize,
}

/// Per installation, the last origin_seq this PC holds. Changes are taken
/// in without gaps, so this says exactly what it holds.
pub fn holdings(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.installation_id, (SELECT max(origin_seq) FROM change_entry WHERE pc = p.n) FROM change_pc p",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The office this PC belongs to: (id, name).
pub fn office(conn: &Connection) -> Result<Option<(String, String)>> {
    Ok(conn.query_row("SELECT id, name FROM office LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
}

/// The changes to send: for each PC's changes, those after what every PC
/// this one has read a package from said it holds. A snapshot sends all.
pub fn bundle(conn: &Connection, installation_id: &str, kind: Kind) -> Result<Bundle> {
    let holds = holdings(conn)?;
    let mut peers: Vec<BTreeMap<String, i64>> = Vec::new();
    if kind == Kind::Changes {
        let mut stmt =
            conn.prepare_cached("SELECT seen FROM sync_peer WHERE last_read_at IS NOT NULL AND installation_id <> ?1")?;
        for seen in stmt.query_map([installation_id], |r| r.get::<_, String>(0))? {
            peers.push(serde_json::from_str(&seen?).unwrap_or_default());
        }
    }
    let mut changes = Vec::new();
    let sql = format!(
        "SELECT {} FROM change_log WHERE installation_id = ?1 AND origin_seq > ?2 ORDER BY origin_seq",
        Change::COLUMNS
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    for (origin, last) in &holds {
        let cutoff = if peers.is_empty() {
            0
        } else {
            peers.iter().map(|p| p.get(origin).copied().unwrap_or(0)).min().unwrap_or(0)
        };
        if cutoff < *last {
            let mut rows = stmt.query((origin, cutoff))?;
            while let Some(r) = rows.next()? {
                changes.push(Change::read(conn, r)?);
            }
        }
    }
    // Stamp order: a record's insert before its edits, a person before the
    // roster entry that refers to it.
    changes.sort_by(|a, b| (&a.hlc, &a.installation_id).cmp(&(&b.hlc, &b.installation_id)));
    let mut pcs = pc_names(conn)?;
    let own: String = conn.query_row("SELECT pc_name FROM installation", [], |r| r.get(0))?;
    pcs.insert(installation_id.to_string(), own.clone());
    Ok(Bundle { writer: installation_id.to_string(), writer_pc: own, seen: holds, body: Body { changes, pcs } })
}

pub fn pc_names(conn: &Connection) -> Result<BTreeMap<String, String>> {
    let mut stmt = conn.prepare_cached("SELECT installation_id, pc_name FROM sync_peer")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A PC whose clock runs more than a day ahead would win every later edit;
/// its changes wait until this PC's clock catches up or it is corrected.
pub fn refuse_far_future(bundle: &Bundle, now_millis: u64) -> Result<(), SyncError> {
    let limit = now_millis + 24 * 3600 * 1000;
    if let Some(c) = bundle.body.changes.iter().find(|c| Hlc::parse(&c.hlc).is_some_and(|h| h.millis() > limit)) {
        let ahead = Hlc::parse(&c.hlc).map(|h| h.millis() - now_millis).unwrap_or(0);
        let pc = bundle.body.pcs.get(&c.installation_id).cloned().unwrap_or_else(|| c.installation_id.clone());
        return Err(SyncError::ClockAhead { pc, days: ahead.div_ceil(24 * 3600 * 1000) });
    }
    Ok(())
}

/// Takes in a package's changes in one transaction: all of them or, on any
/// failure, none. Reading the same package twice changes nothing.
pub fn apply(store: &mut Store, actor: &Actor, bundle: &Bundle) -> Result<Applied> {
    let applied = take_in(store, actor, bundle)?;
    // What came in may be a case this PC numbers, or a community or case
    // from a PC not yet upgraded (logged writes of their own).
    crate::mediation::committee::ensure(store)?;
    crate::mediation::numbering::number_pending(store)?;
    Ok(applied)
}

fn take_in(store: &mut Store, actor: &Actor, bundle: &Bundle) -> Result<Applied> {
    refuse_far_future(bundle, chrono::Utc::now().timestamp_millis().max(0) as u64)?;
    let own = store.installation_id().to_string();
    // Joining: the first write into this PC's database is the whole street.
    let first = office(store.conn())?.is_none();
    let take = |w: &mut crate::store::WriteTx| {
        // Read in this transaction: what it holds is what it will not take again.
        let mut holds = holdings(w.conn())?;
        let mut applied = Applied::default();
        let mut touched: BTreeSet<(usize, String)> = BTreeSet::new();
        // Which changes come in: each PC's next ones in sequence (the log
        // holds each PC's changes without gaps, so none of these is here).
        let mut new: Vec<(Table, &Change)> = Vec::new();
        for c in &bundle.body.changes {
            let Some(table) = Table::from_name(&c.table_name) else {
                return Err(SyncError::Damaged(format!("{}的变更", bundle.writer_pc)).into());
            };
            let last = holds.entry(c.installation_id.clone()).or_insert(0);
            if c.origin_seq <= *last {
                applied.known += 1;
                continue;
            }
            if c.origin_seq > *last + 1 {
                applied.deferred += 1;
                continue;
            }
            *last = c.origin_seq;
            new.push((table, c));
        }
        // Records with no history here (a new PC joining: all of them) are
        // merged from their changes in memory, and an insert that is its
        // record's one change is logged as a local insert is, without a copy
        // of its values. Accounts and settings are judged first (`trust`):
        // they take the common path.
        let mut fresh: HashMap<&str, Fresh> = HashMap::new();
        // Records with history here, by what this PC held of them and the
        // changes that come in for them, which may follow it (None:
        // accounts and settings, which take the common path).
        let mut settled: HashMap<&str, Option<(Heads, Vec<&Change>)>> = HashMap::new();
        for (table, c) in &new {
            let id = c.record_id.as_str();
            let guarded = super::trust::GUARDED.contains(table);
            if let Some(f) = fresh.get_mut(id) {
                f.changes.push(c);
            } else if let Some(held) = settled.get_mut(id) {
                match (held.as_mut(), guarded) {
                    (Some((_, changes)), false) => changes.push(c),
                    _ => *held = None,
                }
            } else if guarded {
                settled.insert(id, None);
            } else {
                let heads = w.heads(id)?;
                if heads.any() {
                    settled.insert(id, Some((heads, vec![*c])));
                } else {
                    fresh.insert(id, Fresh { changes: vec![c], kept: None });
                }
            }
        }
        for (table, c) in &new {
            let f = fresh.get_mut(c.record_id.as_str()).filter(|f| f.changes.len() == 1);
            match f.and_then(|f| Some((f, crate::store::write::fresh_insert_mask(*table, c)?))) {
                Some((f, mask)) => f.kept = Some((w.receive_new(c, Some(mask))?, mask)),
                None => {
                    w.receive_new(c, None)?;
                }
            }
            applied.received += 1;
            touched.insert((table_rank(*table), c.record_id.clone()));
        }
        // Accounts and settings count only by an administrator (`trust`):
        // judged again whenever changes come in, before any record is made.
        if applied.received > 0 {
            for (table, id) in super::trust::judge(w.conn(), &own)? {
                touched.insert((table_rank(table), id));
            }
        }
        // Records waiting for another may be complete now.
        let waiting: Vec<(String, String)> = w
            .conn()
            .prepare("SELECT table_name, record_id FROM sync_pending")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (table, id) in waiting {
            if let Some(t) = Table::from_name(&table) {
                touched.insert((table_rank(t), id));
            }
        }
        // Parents before children: the tables are listed in that order.
        for (rank, id) in &touched {
            let table = Table::ALL[*rank];
            let following = match settled.remove(id.as_str()) {
                Some(Some((heads, changes))) => w.materialize_following(table, id, &changes, heads)?,
                _ => None,
            };
            let changed = match (following, fresh.get(id.as_str())) {
                (Some(changed), _) => changed,
                (None, Some(f)) => w.materialize_fresh(table, id, &f.changes, f.kept)?,
                (None, None) => w.materialize(table, id)?,
            };
            if changed {
                applied.records_changed += 1;
            }
        }
        let conn = w.conn();
        for (id, name) in &bundle.body.pcs {
            if *id != own {
                conn.prepare_cached(
                    "INSERT INTO sync_peer (installation_id, pc_name) VALUES (?1, ?2)
                     ON CONFLICT (installation_id) DO UPDATE SET pc_name = excluded.pc_name",
                )?
                .execute((id, name))?;
            }
        }
        if bundle.writer != own {
            conn.prepare_cached(
                "INSERT INTO sync_peer (installation_id, pc_name, seen, last_read_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (installation_id) DO UPDATE SET pc_name = excluded.pc_name, seen = excluded.seen,
                     last_read_at = excluded.last_read_at",
            )?
            .execute((
                &bundle.writer,
                &bundle.writer_pc,
                serde_json::to_string(&bundle.seen).expect("JSON of numbers"),
                chrono::Utc::now().to_rfc3339(),
            ))?;
        }
        applied.conflicts = conn
            .query_row("SELECT count(DISTINCT record_id || field) FROM sync_conflict", [], |r| r.get::<_, i64>(0))?
            as usize;
        applied.pending = conn.query_row("SELECT count(*) FROM sync_pending", [], |r| r.get::<_, i64>(0))? as usize;
        Ok(applied)
    };
    if first {
        store.write_alone(actor, take)
    } else {
        store.write(actor, take)
    }
}

/// A record with no history here before this take-in: its changes in it, in
/// the order they are logged, and the seq and mask of its insert when that is
/// its one change, logged without a copy of its values.
struct Fresh<'c> {
    changes: Vec<&'c Change>,
    kept: Option<(i64, i64)>,
}

fn table_rank(t: Table) -> usize {
    Table::ALL.iter().position(|x| *x == t).expect("every table is listed")
}
