//! Public-welfare posts (公益性岗位): the posts, who holds each, subsidy
//! months used out of the maximum (setting employment.subsidy_max_months,
//! default 36) and the quarterly subsidy roster (补贴花名册) with its amounts.
//!
//! A person's subsidy months ([`Claim`]) are their first 36 months in post,
//! over all their placements; placed with 5 years or less to retirement
//! (setting employment.subsidy_retire_years) they run to retirement
//! instead; never a month from the one after they reach retirement age.
//! The roster never lists a month past that limit. Amounts come from the
//! effective-dated rates of the month (employment.rate.*).
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
    let claim = Claim::of(w.conn(), case_id, start)?;
    if !claim.to_retirement && claim.months.len() as i64 >= max {
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

/// The first day of a date's month.
fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("every month has a first day")
}

/// The months a case may claim a subsidy for, up to a day (an open
/// placement counts as continuing to it), and its limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// First days of the months claimable, in order.
    pub months: Vec<NaiveDate>,
    /// Placed with few enough years to retirement: the months run to it.
    pub to_retirement: bool,
    /// The last month that may ever be claimed, when known by `until`: the
    /// 36th month in post, or the month the person reaches retirement age.
    pub last: Option<NaiveDate>,
}

impl Claim {
    pub fn of(conn: &Connection, case_id: &str, until: NaiveDate) -> Result<Claim> {
        let max = crate::settings::integer(conn, "employment.subsidy_max_months")?;
        let years = crate::settings::integer(conn, "employment.subsidy_retire_years")?;
        let retires_on = super::case::CaseFacts::load(conn, case_id)?.retires_on();
        let mut stmt = conn.prepare_cached("SELECT start_on, end_on FROM post_placement WHERE case_id = ?1")?;
        let rows: Vec<(String, Option<String>)> =
            stmt.query_map([case_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let spans: Vec<(NaiveDate, Option<NaiveDate>)> = rows
            .into_iter()
            .filter_map(|(start, end)| Some((start.parse().ok()?, end.and_then(|e| e.parse().ok()))))
            .collect();
        let to_retirement = match (spans.iter().map(|(s, _)| *s).min(), retires_on) {
            (Some(start), Some(retires)) if years > 0 => {
                retires.checked_sub_months(chrono::Months::new(12 * years as u32)).is_some_and(|from| from <= start)
            }
            _ => false,
        };
        let retirement_month = retires_on.map(|r| month_of(r.pred_opt().unwrap_or(r)));
        // The months claimable when open placements run to `to`.
        let claimable = |to: NaiveDate| -> Vec<NaiveDate> {
            let mut in_post = std::collections::BTreeSet::new();
            for (start, end) in &spans {
                let end = end.unwrap_or(to).min(to);
                let mut m = month_of(*start);
                while m <= end {
                    in_post.insert(m);
                    m = m.checked_add_months(chrono::Months::new(1)).expect("a later month");
                }
            }
            let within = in_post.into_iter().filter(|m| retirement_month.is_none_or(|last| *m <= last));
            if to_retirement {
                within.collect()
            } else {
                within.take(max as usize).collect()
            }
        };
        let months = claimable(until);
        // The limit: the 36th month in post as the placements stand (open
        // ones continuing), or retirement, whichever comes first.
        let ahead = until.checked_add_months(chrono::Months::new(max as u32 + 1)).unwrap_or(until);
        let projected = claimable(ahead);
        let counted_out = !to_retirement && projected.len() as i64 == max;
        let last = match (counted_out, retirement_month) {
            (true, r) => projected.last().copied().map(|m| r.map_or(m, |r| m.min(r))),
            (false, r) => r,
        };
        Ok(Claim { months, to_retirement, last })
    }
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

/// A line of the quarterly subsidy roster: one placement's claimable
/// months of the quarter and their amounts (cents).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SubsidyLine {
    pub post_type: String,
    pub unit: String,
    pub name: String,
    pub id_number: Option<String>,
    pub start_on: String,
    pub end_on: Option<String>,
    /// Months of the quarter in post that may be claimed.
    pub months: i64,
    /// Months claimed up to the quarter's end, of the limit.
    pub months_used: i64,
    /// 岗位补贴 and the three 社会保险补贴 (unit's share) of those months.
    pub post_cents: i64,
    pub pension_cents: i64,
    pub medical_cents: i64,
    pub unemployment_cents: i64,
    /// The last month that may be claimed (2027-03), when known.
    pub last_month: Option<String>,
    /// The limit falls within 3 months after the quarter's end (or in it).
    pub near_limit: bool,
    /// A month without a rate set: its amount counts as 0.
    pub rate_missing: bool,
}

impl SubsidyLine {
    pub fn total_cents(&self) -> i64 {
        self.post_cents + self.pension_cents + self.medical_cents + self.unemployment_cents
    }
}

/// The rates, read once: 岗位补贴, 养老, 医疗, 失业.
fn rates(conn: &Connection) -> Result<[crate::settings::Dated; 4]> {
    let of = |key: &str| crate::settings::dated(conn, key);
    Ok([
        of("employment.rate.post")?,
        of("employment.rate.pension")?,
        of("employment.rate.medical")?,
        of("employment.rate.unemployment")?,
    ])
}

/// The first and last day of a quarter (1–4).
fn quarter_days(year: i32, quarter: u32) -> Result<(NaiveDate, NaiveDate)> {
    if !(1..=4).contains(&quarter) {
        return Err(invalid("quarter", "季度应为1到4").into());
    }
    let first = NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1).ok_or_else(|| invalid("year", "年份不正确"))?;
    let last = first.checked_add_months(chrono::Months::new(3)).and_then(|d| d.pred_opt());
    Ok((first, last.ok_or_else(|| invalid("year", "年份不正确"))?))
}

/// Who held a post in a quarter (1–4) of a year, by post, with the months
/// that may be claimed and their amounts. A placement with no month left to
/// claim in the quarter is not listed.
pub fn subsidy_roster(conn: &Connection, actor: &Actor, year: i32, quarter: u32) -> Result<Vec<SubsidyLine>> {
    let (first, last) = quarter_days(year, quarter)?;
    let mut stmt = conn.prepare(
        "SELECT w.post_type, w.unit, p.name, p.id_number, pl.start_on, pl.end_on, pl.case_id
         FROM post_placement pl JOIN welfare_post w ON w.id = pl.post_id
         JOIN employment_case e ON e.id = pl.case_id JOIN person p ON p.id = e.person_id
         WHERE pl.start_on <= ?1 AND (pl.end_on IS NULL OR pl.end_on >= ?2) AND (?3 IS NULL OR p.community_id = ?3)
         ORDER BY w.post_type, w.unit, p.name_key",
    )?;
    let rates = rates(conn)?;
    let mut out = Vec::new();
    let mut rows = stmt.query(rusqlite::params![last.to_string(), first.to_string(), actor.scope()])?;
    while let Some(r) = rows.next()? {
        let start: String = r.get(4)?;
        let end: Option<String> = r.get(5)?;
        let from = month_of(start.parse::<NaiveDate>().unwrap_or(first).max(first));
        let to = end.as_deref().and_then(|e| e.parse().ok()).unwrap_or(last).min(last);
        let claim = Claim::of(conn, &r.get::<_, String>(6)?, last)?;
        let ahead = month_of(last) + chrono::Months::new(3);
        let mine: Vec<NaiveDate> = claim.months.iter().copied().filter(|m| from <= *m && *m <= to).collect();
        if mine.is_empty() {
            continue;
        }
        let mut line = SubsidyLine {
            post_type: r.get(0)?,
            unit: r.get(1)?,
            name: r.get(2)?,
            id_number: r.get::<_, Option<String>>(3)?.map(|n| crate::person::mask_id(&n)),
            months: mine.len() as i64,
            months_used: claim.months.len() as i64,
            start_on: start,
            end_on: end,
            post_cents: 0,
            pension_cents: 0,
            medical_cents: 0,
            unemployment_cents: 0,
            last_month: claim.last.map(|m| m.format("%Y-%m").to_string()),
            near_limit: claim.last.is_some_and(|l| l <= ahead),
            rate_missing: false,
        };
        for m in mine {
            let [post, pension, medical, unemployment] = rates.each_ref().map(|r| r.in_month(m));
            line.rate_missing |= [post, pension, medical, unemployment].iter().any(Option::is_none);
            line.post_cents += post.unwrap_or(0);
            line.pension_cents += pension.unwrap_or(0);
            line.medical_cents += medical.unwrap_or(0);
            line.unemployment_cents += unemployment.unwrap_or(0);
        }
        out.push(line);
    }
    Ok(out)
}

/// A person in post whose subsidy limit is near or reached.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LimitAlert {
    pub case_id: String,
    pub name: String,
    pub post_type: String,
    pub unit: String,
    pub start_on: String,
    /// The last month that may be claimed (2027-03).
    pub last_month: String,
    /// Months from this month to it: 0 this month, negative once past.
    pub months_left: i64,
    pub to_retirement: bool,
}

/// 补贴期限提醒: everyone in post whose last claimable month is within 3
/// months from this one, or already past (their post should end, or be paid
/// otherwise).
pub fn limit_alerts(conn: &Connection, actor: &Actor, today: NaiveDate) -> Result<Vec<LimitAlert>> {
    let horizon = month_of(today) + chrono::Months::new(3);
    let mut stmt = conn.prepare(
        "SELECT pl.case_id, p.name, w.post_type, w.unit, pl.start_on
         FROM post_placement pl JOIN welfare_post w ON w.id = pl.post_id
         JOIN employment_case e ON e.id = pl.case_id JOIN person p ON p.id = e.person_id
         WHERE pl.end_on IS NULL AND (?1 IS NULL OR p.community_id = ?1)
         ORDER BY p.name_key",
    )?;
    let mut out = Vec::new();
    let mut rows = stmt.query([actor.scope()])?;
    while let Some(r) = rows.next()? {
        let case_id: String = r.get(0)?;
        let claim = Claim::of(conn, &case_id, today)?;
        let Some(last) = claim.last.filter(|l| *l <= horizon) else { continue };
        let months_left = (last.year() - today.year()) as i64 * 12 + last.month() as i64 - today.month() as i64;
        out.push(LimitAlert {
            case_id,
            name: r.get(1)?,
            post_type: r.get(2)?,
            unit: r.get(3)?,
            start_on: r.get(4)?,
            last_month: last.format("%Y-%m").to_string(),
            months_left,
            to_retirement: claim.to_retirement,
        });
    }
    out.sort_by_key(|a| a.months_left);
    Ok(out)
}
