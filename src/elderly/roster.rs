//! The roster list (花名册列表): search, filters and paging.
use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{assistance, high_age_threshold, kinds_on, ACTIVE, HIGH_AGE};

/// The roster filter for 困难 or 残疾 ticked with no record in force.
pub const UNBACKED: &str = "无记录勾选";
use crate::access::Actor;
use crate::person::{self, limit_offset, search, Page};
use crate::{idcard, Result};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RosterQuery {
    /// Name, initials, ID number or its tail, phone.
    pub text: String,
    pub community_id: Option<String>,
    /// One of the five kinds (高龄 included), or 三无 / 企业退休, or
    /// 无记录勾选 (困难 or 残疾 ticked with no assistance record in force).
    pub kind: Option<String>,
    /// 在册 when absent; "全部" for every status.
    pub status: Option<String>,
    pub page: u32,
    pub page_size: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RosterRow {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub sex: Option<String>,
    pub age: Option<u32>,
    pub id_number_masked: Option<String>,
    pub phone_masked: Option<String>,
    pub community_name: Option<String>,
    pub kinds: Vec<String>,
    /// 困难 or 残疾 ticked with no record in force: flagged in the list.
    pub unbacked_kinds: Vec<String>,
    pub sanwu: bool,
    pub visit_level: String,
    pub status: String,
}

/// The latest birth date that counts as `age` or older on `today`.
pub fn born_by(age: i64, today: NaiveDate) -> NaiveDate {
    let year = today.year() - age as i32;
    NaiveDate::from_ymd_opt(year, today.month(), today.day())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 2, 28).expect("28 Feb exists"))
}

/// What the roster index holds for each entry: the same SELECT serves the
/// write path, which keeps it, and `check`, which verifies it. The person
/// is held by rowid, as the search index holds them, so that a search of
/// the roster reads neither index's persons.
pub(crate) const INDEX_SOURCE: &str = "SELECT e.id, p.rowid, e.status, p.name_key, p.community_id, p.birth_date,
        e.kinds, e.sanwu, e.enterprise_retiree
    FROM elderly e JOIN person p ON p.id = e.person_id";

/// Called by the write path after a roster entry was written.
pub(crate) fn reindex(conn: &Connection, elderly_id: &str) -> rusqlite::Result<()> {
    let sql = format!("INSERT OR REPLACE INTO roster_index {INDEX_SOURCE} WHERE e.id = ?1");
    conn.prepare_cached(&sql)?.execute([elderly_id])?;
    Ok(())
}

/// Roster entries a statement indexes at once.
const ENTRIES_A_STATEMENT: usize = 500;

/// Called by the write path for the roster entries inserted in a
/// transaction, together: one statement each for hundreds.
///
/// OR IGNORE, not OR REPLACE: a statement that cannot fail halfway needs no
/// statement journal, which cost as much as the index itself. An entry
/// already indexed was indexed by [`reindex`] or [`reindex_person`] after
/// its insert, and every later change of what it shows indexes it again, so
/// it is current; and no column of the source can be NULL where the index
/// needs a value (all NOT NULL there too).
pub(crate) fn reindex_all(conn: &Connection, elderly_ids: &[String]) -> rusqlite::Result<()> {
    let sql = |n: usize| {
        format!("INSERT OR IGNORE INTO roster_index {INDEX_SOURCE} WHERE e.id IN ({})", vec!["?"; n].join(", "))
    };
    for chunk in elderly_ids.chunks(ENTRIES_A_STATEMENT) {
        let params = rusqlite::params_from_iter(chunk);
        if chunk.len() == ENTRIES_A_STATEMENT {
            conn.prepare_cached(&sql(chunk.len()))?.execute(params)?;
        } else {
            // Not cached: the odd sizes of last chunks would crowd the cache.
            conn.prepare(&sql(chunk.len()))?.execute(params)?;
        }
    }
    Ok(())
}

/// Called by the write path after a person's fields were updated.
pub(crate) fn reindex_person(conn: &Connection, person_id: &str) -> rusqlite::Result<()> {
    let sql = format!("INSERT OR REPLACE INTO roster_index {INDEX_SOURCE} WHERE e.person_id = ?1");
    conn.prepare_cached(&sql)?.execute([person_id])?;
    Ok(())
}

/// One page of the roster. Filtering, counting and paging run on the roster
/// index alone; only the page's rows are joined to persons.
/// A community worker sees only their own community, whatever they ask for.
pub fn list(conn: &Connection, actor: &Actor, q: &RosterQuery, today: NaiveDate) -> Result<Page<RosterRow>> {
    let high_age = high_age_threshold(conn)?;
    let mut conds: Vec<String> = Vec::new();
    let mut params: Vec<String> = Vec::new();
    let searched = search::matches_rowid_sql("r.person", &q.text);
    // A search finds few entries through the person index: `+` keeps the
    // planner off the other filters' indexes, which it may prefer when the
    // statistics are missing (a new database, or just upgraded) and which
    // would walk the whole roster.
    let plus = if searched.is_some() { "+" } else { "" };
    match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some("全部") => {}
        status => {
            conds.push(format!("{plus}r.status = ?"));
            params.push(status.unwrap_or(ACTIVE).to_string());
        }
    }
    if let Some(c) = actor.scope().or(q.community_id.as_deref().filter(|c| !c.is_empty())) {
        conds.push(format!("{plus}r.community_id = ?"));
        params.push(c.to_string());
    }
    match q.kind.as_deref().filter(|k| !k.is_empty()) {
        None => {}
        Some(HIGH_AGE) => {
            conds.push(format!("{plus}r.birth_date <= ?"));
            params.push(born_by(high_age, today).to_string());
        }
        Some("三无") => conds.push("r.sanwu = 1".into()),
        Some("企业退休") => conds.push("r.enterprise_retiree = 1".into()),
        Some(UNBACKED) => conds.push(assistance::unbacked_filter_sql()),
        Some(kind) if assistance::kind_filter_sql(kind).is_some() => {
            conds.extend(assistance::kind_filter_sql(kind));
        }
        Some(kind) => {
            conds.push("instr(r.kinds, ?) > 0".into());
            params.push(format!("\"{kind}\""));
        }
    }
    if let Some((sql, tokens)) = &searched {
        conds.push(sql.clone());
        params.extend(tokens.iter().cloned());
    }
    let filter = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
    let (page, page_size, limit, offset) = limit_offset(q.page, q.page_size);
    let count = format!("SELECT count(*) FROM roster_index r{filter}");
    // A search finds few entries, each at the price of index probes: they
    // are counted as the page is chosen, not found twice. A list without
    // one is counted and paged along the covering indexes instead.
    let total_column = if searched.is_some() { "count(*) OVER ()" } else { "0" };
    let sql = format!(
        "SELECT e.id, p.id, p.name, p.sex, p.birth_date, p.id_number, p.phone, c.name, e.kinds, e.sanwu,
                e.visit_level, e.status, pg.total, {in_force}
         FROM (SELECT r.elderly_id, r.name_key, {total_column} AS total FROM roster_index r{filter}
               ORDER BY r.name_key, r.elderly_id LIMIT {limit} OFFSET {offset}) pg
         JOIN elderly e ON e.id = pg.elderly_id JOIN person p ON p.id = e.person_id
         LEFT JOIN community c ON c.id = p.community_id
         ORDER BY pg.name_key, pg.elderly_id",
        in_force = assistance::IN_FORCE_SQL
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut counted: Option<u64> = None;
    let items: Vec<RosterRow> = stmt
        .query_map(rusqlite::params_from_iter(&params), |r| {
            counted = Some(r.get(12)?);
            let birth: Option<String> = r.get(4)?;
            let idn: Option<String> = r.get(5)?;
            let phone: Option<String> = r.get(6)?;
            let kinds: String = r.get(8)?;
            let mut kinds = kinds_on(&kinds, birth.as_deref(), high_age, today);
            let in_force: Option<String> = r.get(13)?;
            let unbacked_kinds = assistance::apply(&mut kinds, in_force.as_deref());
            Ok(RosterRow {
                id: r.get(0)?,
                person_id: r.get(1)?,
                name: r.get(2)?,
                sex: r.get(3)?,
                age: person::age(birth.as_deref(), today),
                id_number_masked: idn.as_deref().map(person::mask_id),
                phone_masked: phone.as_deref().map(idcard::mask_phone),
                community_name: r.get(7)?,
                kinds,
                unbacked_kinds,
                sanwu: r.get(9)?,
                visit_level: r.get(10)?,
                status: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let total = match counted {
        Some(total) if searched.is_some() => total,
        // A page past the end (or a list without search) counts apart.
        _ => conn.prepare_cached(&count)?.query_row(rusqlite::params_from_iter(&params), |r| r.get(0))?,
    };
    Ok(Page { items, total, page, page_size })
}
