//! Public-welfare posts (公益性岗位): the posts, who holds each, subsidy
//! months used out of the maximum (setting employment.subsidy_max_months,
//! default 36) and the quarterly subsidy roster (补贴花名册).
use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::case::{place_in, require_case, Placement};
use crate::access::{Actor, Permission};
use crate::dict;
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{Error, Result};

/// 安置人员: a case placed in the post.
pub const PLACE: &str = "place";
/// 离岗: the holder's placement ends.
pub const END: &str = "end";

/// What may be done to a post: 安置人员 while it is vacant, 离岗 while it
/// is held. The posts page offers these (`PostView::actions`) and the core
/// refuses the others.
pub fn actions(held: bool) -> Vec<&'static str> {
    vec![if held { END } else { PLACE }]
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PostInput {
    pub post_type: String,
    /// The unit where the post is (用人单位).
    pub unit: String,
    pub community_id: Option<String>,
}

pub fn add_post(store: &mut Store, actor: &Actor, input: &PostInput) -> Result<String> {
    store.write(actor, |w| add_post_in(w, input))
}

pub fn add_post_in(w: &mut WriteTx, input: &PostInput) -> Result<String> {
    w.actor().require(Permission::Write)?;
    let community = match optional(input.community_id.as_deref()) {
        Some(c) => Some(crate::office::resolve(w.conn(), &c)?),
        None => None,
    };
    w.actor().require_community(community.as_deref())?;
    let post_type = validate::one_of("post_type", "岗位类型", &input.post_type, &dict::labels(w.conn(), "post_type")?)?;
    let id = new_id();
    w.insert(
        Table::WelfarePost,
        &id,
        &[
            ("post_type", post_type.into()),
            ("unit", validate::required("unit", "用人单位", &input.unit)?.into()),
            ("community_id", community.into()),
            ("active", 1.into()),
        ],
    )?;
    Ok(id)
}

/// Places a case's person in a post from a date: the case is placed (way
/// 公益性岗位), which eliminates a zero-employment household.
pub fn place_in_post(
    store: &mut Store,
    actor: &Actor,
    post_id: &str,
    case_id: &str,
    start_on: &str,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| place_in_post_in(w, post_id, case_id, start_on, today))
}

pub fn place_in_post_in(
    w: &mut WriteTx,
    post_id: &str,
    case_id: &str,
    start_on: &str,
    today: NaiveDate,
) -> Result<String> {
    require_case(w, case_id)?;
    let (post_type, unit): (String, String) = w
        .conn()
        .query_row("SELECT post_type, unit FROM welfare_post WHERE id = ?1", [post_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or(Error::NotFound { what: "公益性岗位" })?;
    let held = "SELECT EXISTS (SELECT 1 FROM post_placement WHERE post_id = ?1 AND end_on IS NULL)";
    if !actions(w.conn().query_row(held, [post_id], |r| r.get::<_, bool>(0))?).contains(&PLACE) {
        return Err(invalid("post_id", "该岗位已有在岗人员，请先办理离岗").into());
    }
    let start = validate::past_date("start_on", "上岗日期", start_on, today)?;
    let max = crate::settings::integer(w.conn(), "employment.subsidy_max_months")?;
    if months_used(w.conn(), case_id, today)? >= max {
        return Err(invalid("case_id", format!("此人已享受公益性岗位补贴{max}个月，达到上限")).into());
    }
    let id = new_id();
    w.insert(
        Table::PostPlacement,
        &id,
        &[
            ("post_id", post_id.to_string().into()),
            ("case_id", case_id.to_string().into()),
            ("start_on", start.to_string().into()),
        ],
    )?;
    let placement =
        Placement {
            employer: unit, post: Some(post_type), placed_on: start.to_string(), way: "公益性岗位".into()
        };
    place_in(w, case_id, &placement, today)?;
    Ok(id)
}

/// 离岗: the placement ends.
pub fn end_placement(
    store: &mut Store,
    actor: &Actor,
    placement_id: &str,
    end_on: &str,
    today: NaiveDate,
) -> Result<()> {
    store.write(actor, |w| {
        let (case_id, start, ended): (String, String, Option<String>) = w
            .conn()
            .query_row("SELECT case_id, start_on, end_on FROM post_placement WHERE id = ?1", [placement_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?
            .ok_or(Error::NotFound { what: "岗位安置" })?;
        require_case(w, &case_id)?;
        if !actions(ended.is_none()).contains(&END) {
            let on = ended.unwrap_or_default();
            return Err(invalid("end_on", format!("该人员已于{on}离岗")).into());
        }
        let end = validate::past_date("end_on", "离岗日期", end_on, today)?;
        if end.to_string() < start {
            return Err(invalid("end_on", "离岗日期不能早于上岗日期").into());
        }
        w.update(Table::PostPlacement, placement_id, None, &[("end_on", end.to_string().into())])?;
        Ok(())
    })
}

/// Whole and started months between two dates (a month begun counts).
fn months_between(start: NaiveDate, end: NaiveDate) -> i64 {
    if end < start {
        return 0;
    }
    (end.year() - start.year()) as i64 * 12 + end.month() as i64 - start.month() as i64 + 1
}

/// Subsidy months a case has used in all its placements up to `today`.
pub fn months_used(conn: &Connection, case_id: &str, today: NaiveDate) -> Result<i64> {
    let mut stmt = conn.prepare_cached("SELECT start_on, end_on FROM post_placement WHERE case_id = ?1")?;
    let spans = stmt.query_map([case_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
    let mut total = 0;
    for span in spans {
        let (start, end) = span?;
        let start: NaiveDate = start.parse().unwrap_or(today);
        let end: NaiveDate = end.and_then(|e| e.parse().ok()).unwrap_or(today).min(today);
        total += months_between(start, end);
    }
    Ok(total)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PostView {
    pub id: String,
    pub post_type: String,
    pub unit: String,
    pub community: Option<String>,
    pub placement_id: Option<String>,
    pub case_id: Option<String>,
    pub holder: Option<String>,
    pub start_on: Option<String>,
    pub months_used: i64,
    pub max_months: i64,
    /// What may be done now ([`actions`]).
    pub actions: Vec<&'static str>,
}

/// Every post with its current holder and their subsidy months.
pub fn posts(conn: &Connection, actor: &Actor, today: NaiveDate) -> Result<Vec<PostView>> {
    let max = crate::settings::integer(conn, "employment.subsidy_max_months")?;
    let mut stmt = conn.prepare(
        "SELECT w.id, w.post_type, w.unit, c.name, pl.id, pl.case_id, p.name, pl.start_on
         FROM welfare_post w LEFT JOIN community c ON c.id = w.community_id
         LEFT JOIN post_placement pl ON pl.post_id = w.id AND pl.end_on IS NULL
         LEFT JOIN employment_case e ON e.id = pl.case_id LEFT JOIN person p ON p.id = e.person_id
         WHERE w.active = 1 AND (?1 IS NULL OR w.community_id = ?1)
         ORDER BY w.post_type, w.unit",
    )?;
    let mut out = Vec::new();
    let mut rows = stmt.query([actor.scope()])?;
    while let Some(r) = rows.next()? {
        let case_id: Option<String> = r.get(5)?;
        out.push(PostView {
            id: r.get(0)?,
            post_type: r.get(1)?,
            unit: r.get(2)?,
            community: r.get(3)?,
            placement_id: r.get(4)?,
            months_used: match &case_id {
                Some(c) => months_used(conn, c, today)?,
                None => 0,
            },
            actions: actions(case_id.is_some()),
            case_id,
            holder: r.get(6)?,
            start_on: r.get(7)?,
            max_months: max,
        });
    }
    Ok(out)
}

/// A line of the quarterly subsidy roster.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SubsidyLine {
    pub post_type: String,
    pub unit: String,
    pub name: String,
    pub id_number: Option<String>,
    pub start_on: String,
    pub end_on: Option<String>,
    /// Months of the quarter in post.
    pub months: i64,
    /// Months used up to the quarter's end, of the maximum.
    pub months_used: i64,
}

/// Who held a post in a quarter (1–4) of a year, by post.
pub fn subsidy_roster(conn: &Connection, actor: &Actor, year: i32, quarter: u32) -> Result<Vec<SubsidyLine>> {
    if !(1..=4).contains(&quarter) {
        return Err(invalid("quarter", "季度应为1到4").into());
    }
    let first = NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1).ok_or_else(|| invalid("year", "年份不正确"))?;
    let last = NaiveDate::from_ymd_opt(year + (quarter == 4) as i32, if quarter == 4 { 1 } else { quarter * 3 + 1 }, 1)
        .expect("a valid month")
        .pred_opt()
        .expect("a day before");
    let mut stmt = conn.prepare(
        "SELECT w.post_type, w.unit, p.name, p.id_number, pl.start_on, pl.end_on, pl.case_id
         FROM post_placement pl JOIN welfare_post w ON w.id = pl.post_id
         JOIN employment_case e ON e.id = pl.case_id JOIN person p ON p.id = e.person_id
         WHERE pl.start_on <= ?1 AND (pl.end_on IS NULL OR pl.end_on >= ?2) AND (?3 IS NULL OR p.community_id = ?3)
         ORDER BY w.post_type, w.unit, p.name_key",
    )?;
    let mut out = Vec::new();
    let mut rows = stmt.query(rusqlite::params![last.to_string(), first.to_string(), actor.scope()])?;
    while let Some(r) = rows.next()? {
        let start: String = r.get(4)?;
        let end: Option<String> = r.get(5)?;
        let from = start.parse::<NaiveDate>().unwrap_or(first).max(first);
        let to = end.as_deref().and_then(|e| e.parse().ok()).unwrap_or(last).min(last);
        out.push(SubsidyLine {
            post_type: r.get(0)?,
            unit: r.get(1)?,
            name: r.get(2)?,
            id_number: r.get::<_, Option<String>>(3)?.map(|n| crate::person::mask_id(&n)),
            months: months_between(from, to),
            months_used: months_used(conn, &r.get::<_, String>(6)?, last)?,
            start_on: start,
            end_on: end,
        });
    }
    Ok(out)
}
