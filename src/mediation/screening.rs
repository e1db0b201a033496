//! 矛盾纠纷排查表: the disputes a community's screening found, one row each
//! (date, screener, parties, type, risk level, responsible person, deadline,
//! result), linked to the case once one is opened for it (立案 from the row,
//! or an existing case). Each row counts once in 排查发现纠纷 of the
//! statistics for its date, beside the totals of `prevention_entry`.
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::CaseInput;
use crate::access::{Actor, Permission};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{dict, Error, Result};

/// 风险等级.
pub const RISKS: [&str; 3] = ["低", "中", "高"];

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ScreeningInput {
    /// The community screened; none is the street's own screening.
    pub community_id: Option<String>,
    pub date: String,
    /// 排查人.
    pub screener: String,
    /// 当事人, as written on the sheet (张三、李四).
    pub parties: String,
    pub dispute_type: String,
    pub risk: String,
    pub summary: Option<String>,
    /// 责任人: who is to resolve it.
    pub owner: String,
    /// 化解期限.
    pub deadline: Option<String>,
    /// 化解结果 (may be written later).
    pub result: Option<String>,
}

fn fields(w: &mut WriteTx, s: &ScreeningInput, today: NaiveDate) -> Result<Vec<(&'static str, Value)>> {
    let community = match optional(s.community_id.as_deref()) {
        Some(c) => Some(crate::office::resolve(w.conn(), &c)?),
        None => None,
    };
    w.actor().require_community(community.as_deref())?;
    let date = validate::past_date("date", "排查日期", &s.date, today)?;
    let screener = validate::required("screener", "排查人", &s.screener)?;
    let parties = validate::required("parties", "当事人", &s.parties)?;
    let types = dict::labels(w.conn(), "dispute_type")?;
    let dispute_type = validate::one_of("dispute_type", "纠纷类型", &s.dispute_type, &types)?;
    let risk = validate::required("risk", "风险等级", &s.risk)?;
    if !RISKS.contains(&risk.as_str()) {
        return Err(invalid("risk", format!("风险等级请选择{}", RISKS.join("、"))).into());
    }
    let owner = validate::required("owner", "责任人", &s.owner)?;
    let deadline = match optional(s.deadline.as_deref()) {
        Some(d) => Some(validate::date("deadline", "化解期限", &d)?),
        None => None,
    };
    if deadline.is_some_and(|d| d < date) {
        return Err(invalid("deadline", "化解期限不能早于排查日期").into());
    }
    Ok(vec![
        ("community_id", community.into()),
        ("date", date.to_string().into()),
        ("screener", screener.into()),
        ("parties", parties.into()),
        ("dispute_type", dispute_type.into()),
        ("risk", risk.into()),
        ("summary", optional(s.summary.as_deref()).into()),
        ("owner", owner.into()),
        ("deadline", deadline.map(|d| d.to_string()).into()),
        ("result", optional(s.result.as_deref()).into()),
    ])
}

/// Adds a dispute found by screening.
pub fn add(store: &mut Store, actor: &Actor, s: &ScreeningInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| add_in(w, s, today))
}

pub fn add_in(w: &mut WriteTx, s: &ScreeningInput, today: NaiveDate) -> Result<String> {
    w.actor().require(Permission::Write)?;
    let f = fields(w, s, today)?;
    let id = new_id();
    w.insert(Table::ScreeningEntry, &id, &f)?;
    Ok(id)
}

/// Corrects a row or writes its result.
pub fn update(store: &mut Store, actor: &Actor, id: &str, s: &ScreeningInput, today: NaiveDate) -> Result<()> {
    store.write(actor, |w| {
        require_row(w, id)?;
        let f = fields(w, s, today)?;
        w.update(Table::ScreeningEntry, id, None, &f)?;
        Ok(())
    })
}

/// The row's linked case, after checking the actor may change the row.
fn require_row(w: &WriteTx, id: &str) -> Result<Option<String>> {
    w.actor().require(Permission::Write)?;
    let row: Option<(Option<String>, Option<String>)> = w
        .conn()
        .query_row("SELECT community_id, case_id FROM screening_entry WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (community, case) = row.ok_or(Error::NotFound { what: "排查登记" })?;
    w.actor().require_community(community.as_deref())?;
    Ok(case)
}

fn not_linked(case: Option<String>) -> Result<()> {
    match case {
        Some(_) => Err(invalid("case_id", "这条排查登记已关联调解案件").into()),
        None => Ok(()),
    }
}

/// 立案: registers the case for a row and links the two, in one write.
pub fn open_case(store: &mut Store, actor: &Actor, id: &str, input: &CaseInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| {
        not_linked(require_row(w, id)?)?;
        let case = super::register_in(w, input, today)?;
        w.update(Table::ScreeningEntry, id, None, &[("case_id", case.clone().into())])?;
        Ok(case)
    })
}

/// Links a row to a case already registered.
pub fn link_case(store: &mut Store, actor: &Actor, id: &str, case_id: &str) -> Result<()> {
    store.write(actor, |w| {
        not_linked(require_row(w, id)?)?;
        super::require_case(w, case_id)?;
        w.update(Table::ScreeningEntry, id, None, &[("case_id", case_id.to_string().into())])?;
        Ok(())
    })
}

/// A row of the 排查表.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    pub id: String,
    pub community_id: Option<String>,
    pub community: String,
    #[serde(flatten)]
    pub input: ScreeningInput,
    pub case_id: Option<String>,
    pub case_number: Option<String>,
}

/// The rows from `from` to `to` (both included), of one community (a
/// community worker: always theirs) or all, by date.
pub fn list(conn: &Connection, actor: &Actor, from: &str, to: &str, community: Option<&str>) -> Result<Vec<Row>> {
    let community = actor.scope().map(String::from).or_else(|| optional(community));
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.community_id, coalesce(c.name, '街道'), s.date, s.screener, s.parties, s.dispute_type,
                s.risk, s.summary, s.owner, s.deadline, s.result, s.case_id, m.number
         FROM screening_entry s LEFT JOIN community c ON c.id = s.community_id
         LEFT JOIN mediation_case m ON m.id = s.case_id
         WHERE s.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.community_id = ?3)
         ORDER BY s.community_id IS NOT NULL, c.sort, s.date, s.rowid",
    )?;
    let rows = stmt.query_map(rusqlite::params![from, to, community], |r| {
        Ok(Row {
            id: r.get(0)?,
            community_id: r.get(1)?,
            community: r.get(2)?,
            input: ScreeningInput {
                community_id: r.get(1)?,
                date: r.get(3)?,
                screener: r.get(4)?,
                parties: r.get(5)?,
                dispute_type: r.get(6)?,
                risk: r.get(7)?,
                summary: r.get(8)?,
                owner: r.get(9)?,
                deadline: r.get(10)?,
                result: r.get(11)?,
            },
            case_id: r.get(12)?,
            case_number: r.get(13)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// 排查发现纠纷 from the rows: those dated ?2 to ?3 matching `cond` (on `e`,
/// with ?1), as the statistics' prevention totals are filtered.
pub fn found(conn: &Connection, cond: Option<&str>, params: impl rusqlite::Params) -> Result<i64> {
    let Some(cond) = cond else { return Ok(0) };
    let sql = format!("SELECT count(*) FROM screening_entry e WHERE e.date BETWEEN ?2 AND ?3 AND {cond}");
    Ok(conn.query_row(&sql, params, |r| r.get(0))?)
}
