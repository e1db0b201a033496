//! Cases of the employment-assistance register (就业援助台账): one per
//! person, with categories of 就业困难人员, training, follow-up services and
//! the outcome (placed, or closed with a reason).
//!
//! Two categories are derived, never stored: 4050 (from the ID number and
//! the date asked) and 零就业家庭成员 (from the person's household).
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::rules::is_4050;
use super::{person_for, require_person, sex_and_birth};
use crate::access::Actor;
use crate::dict;
use crate::person::{self, Page, PersonInput};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{Error, Result};

pub const OPEN: &str = "在册";
pub const PLACED: &str = "已就业";
pub const CLOSED: &str = "已结案";
pub const CATEGORY_4050: &str = "4050";
pub const CATEGORY_ZERO: &str = "零就业家庭成员";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CaseInput {
    pub person: PersonInput,
    /// Categories chosen by the user; 4050 and 零就业家庭成员 are added by rule.
    #[serde(default)]
    pub categories: Vec<String>,
    pub registered_on: Option<String>,
    pub education: Option<String>,
    pub skills: Option<String>,
    pub wishes: Option<String>,
}

pub fn register(store: &mut Store, actor: &Actor, input: &CaseInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| register_in(w, input, today))
}

pub fn register_in(w: &mut WriteTx, input: &CaseInput, today: NaiveDate) -> Result<String> {
    let mut f = detail_fields(w.conn(), input)?;
    let person_id = person_for(w, &input.person, today)?;
    let exists = "SELECT EXISTS (SELECT 1 FROM employment_case WHERE person_id = ?1)";
    if w.conn().prepare_cached(exists)?.query_row([&person_id], |r| r.get::<_, bool>(0))? {
        return Err(invalid("id_number", "此人已在就业援助台账中，请在列表中打开，不要重复登记").into());
    }
    let registered =
        super::optional_past_date("registered_on", "登记日期", input.registered_on.as_deref(), today)?.unwrap_or(today);
    f.extend([
        ("person_id", person_id.into()),
        ("registered_on", registered.to_string().into()),
        ("status", OPEN.to_string().into()),
    ]);
    let id = new_id();
    w.insert(Table::EmploymentCase, &id, &f)?;
    Ok(id)
}

fn detail_fields(conn: &Connection, input: &CaseInput) -> Result<Vec<(&'static str, Value)>> {
    let allowed = dict::labels(conn, "employment_category")?;
    let mut categories = Vec::new();
    for c in &input.categories {
        // Derived ones are never stored: they follow the date and the household.
        if c == CATEGORY_4050 || c == CATEGORY_ZERO {
            continue;
        }
        let c = validate::one_of("categories", "人员类别", c, &allowed)?;
        if !categories.contains(&c) {
            categories.push(c);
        }
    }
    let education = match optional(input.education.as_deref()) {
        Some(e) => Some(validate::one_of("education", "文化程度", &e, &dict::labels(conn, "education")?)?),
        None => None,
    };
    Ok(vec![
        ("categories", serde_json::to_string(&categories).expect("JSON of text").into()),
        ("education", education.into()),
        ("skills", optional(input.skills.as_deref()).into()),
        ("wishes", optional(input.wishes.as_deref()).into()),
    ])
}

/// Edits categories, education, skills and wishes.
pub fn update(store: &mut Store, actor: &Actor, id: &str, input: &CaseInput) -> Result<()> {
    store.write(actor, |w| update_in(w, id, input))
}

/// [`update`] inside a larger write (import).
pub fn update_in(w: &mut WriteTx, id: &str, input: &CaseInput) -> Result<()> {
    require_case(w, id)?;
    let f = detail_fields(w.conn(), input)?;
    w.update(Table::EmploymentCase, id, None, &f)?;
    Ok(())
}

/// The person a case is about, after the access check.
pub(crate) fn require_case(w: &WriteTx, case_id: &str) -> Result<String> {
    let person_id = person_of(w.conn(), case_id)?;
    require_person(w, &person_id)?;
    Ok(person_id)
}

fn person_of(conn: &Connection, case_id: &str) -> Result<String> {
    conn.prepare_cached("SELECT person_id FROM employment_case WHERE id = ?1")?
        .query_row([case_id], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound { what: "援助对象" })
}

fn require_open(conn: &Connection, case_id: &str) -> Result<()> {
    let status: String =
        conn.prepare_cached("SELECT status FROM employment_case WHERE id = ?1")?.query_row([case_id], |r| r.get(0))?;
    if status == CLOSED {
        return Err(invalid("status", "该援助对象已结案，不能再登记").into());
    }
    Ok(())
}

/// Every category of a person on a date: stored ones, 4050, and
/// 零就业家庭成员 when their household is confirmed or proposed.
pub fn categories_of(conn: &Connection, person_id: &str, stored: &str, today: NaiveDate) -> Result<Vec<String>> {
    let mut out: Vec<String> = serde_json::from_str(stored).unwrap_or_default();
    if let Some((sex, birth)) = sex_and_birth(conn, person_id)? {
        if is_4050(sex, birth, today) {
            out.insert(0, CATEGORY_4050.into());
        }
    }
    let household: Option<String> = conn
        .prepare_cached("SELECT household_id FROM household_member WHERE person_id = ?1 AND active = 1")?
        .query_row([person_id], |r| r.get(0))
        .optional()?;
    if let Some(h) = household {
        let confirmed =
            "SELECT EXISTS (SELECT 1 FROM zero_employment WHERE household_id = ?1 AND eliminated_on IS NULL)";
        if conn.prepare_cached(confirmed)?.query_row([&h], |r| r.get::<_, bool>(0))? {
            out.push(CATEGORY_ZERO.into());
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TrainingInput {
    pub kind: String,
    pub course: Option<String>,
    pub start_on: Option<String>,
    pub end_on: Option<String>,
    pub result: Option<String>,
}

pub fn add_training(
    store: &mut Store,
    actor: &Actor,
    case_id: &str,
    t: &TrainingInput,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| {
        require_case(w, case_id)?;
        require_open(w.conn(), case_id)?;
        let kind = validate::one_of("kind", "培训类型", &t.kind, &dict::labels(w.conn(), "training_kind")?)?;
        let start = super::optional_past_date("start_on", "开始日期", t.start_on.as_deref(), today)?;
        let end = match optional(t.end_on.as_deref()) {
            Some(e) => Some(validate::date("end_on", "结束日期", &e)?),
            None => None,
        };
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                return Err(invalid("end_on", "结束日期不能早于开始日期").into());
            }
        }
        let id = new_id();
        w.insert(
            Table::EmploymentTraining,
            &id,
            &[
                ("case_id", case_id.to_string().into()),
                ("kind", kind.into()),
                ("course", optional(t.course.as_deref()).into()),
                ("start_on", start.map(|d| d.to_string()).into()),
                ("end_on", end.map(|d| d.to_string()).into()),
                ("result", optional(t.result.as_deref()).into()),
            ],
        )?;
        Ok(id)
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct FollowupInput {
    pub date: String,
    pub place: Option<String>,
    pub way: String,
    pub content: String,
    pub staff: String,
}

pub fn add_followup(
    store: &mut Store,
    actor: &Actor,
    case_id: &str,
    f: &FollowupInput,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| record_followup(w, case_id, f, today))
}

pub fn record_followup(w: &mut WriteTx, case_id: &str, f: &FollowupInput, today: NaiveDate) -> Result<String> {
    require_case(w, case_id)?;
    require_open(w.conn(), case_id)?;
    let date = validate::past_date("date", "服务日期", &f.date, today)?;
    let way = validate::one_of("way", "服务方式", &f.way, &dict::labels(w.conn(), "followup_way")?)?;
    let id = new_id();
    w.insert(
        Table::EmploymentFollowup,
        &id,
        &[
            ("case_id", case_id.to_string().into()),
            ("date", date.to_string().into()),
            ("place", optional(f.place.as_deref()).into()),
            ("way", way.into()),
            ("content", validate::required("content", "服务内容", &f.content)?.into()),
            ("staff", validate::required("staff", "服务人员", &f.staff)?.into()),
        ],
    )?;
    Ok(id)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Placement {
    pub employer: String,
    pub post: Option<String>,
    pub placed_on: String,
    /// 市场就业, 自主创业 or 公益性岗位.
    pub way: String,
}

/// 安置: the person is in work. Their household member status follows, which
/// eliminates a zero-employment household.
pub fn place(store: &mut Store, actor: &Actor, case_id: &str, p: &Placement, today: NaiveDate) -> Result<()> {
    store.write(actor, |w| place_in(w, case_id, p, today))
}

pub(crate) fn place_in(w: &mut WriteTx, case_id: &str, p: &Placement, today: NaiveDate) -> Result<()> {
    let person_id = require_case(w, case_id)?;
    require_open(w.conn(), case_id)?;
    let employer = validate::required("employer", "就业单位", &p.employer)?;
    let on = validate::past_date("placed_on", "就业日期", &p.placed_on, today)?;
    let way = validate::one_of("way", "就业方式", &p.way, &dict::labels(w.conn(), "placed_way")?)?;
    w.update(
        Table::EmploymentCase,
        case_id,
        None,
        &[
            ("status", PLACED.to_string().into()),
            ("placed_employer", employer.clone().into()),
            ("placed_post", optional(p.post.as_deref()).into()),
            ("placed_on", on.to_string().into()),
            ("placed_way", way.into()),
        ],
    )?;
    super::household::placed(w, &person_id, &employer, on, today)
}

/// 结案 without placement (moved away, retired, no longer seeking …).
pub fn close(store: &mut Store, actor: &Actor, case_id: &str, on: &str, reason: &str, today: NaiveDate) -> Result<()> {
    store.write(actor, |w| {
        require_case(w, case_id)?;
        let on = validate::past_date("closed_on", "结案日期", on, today)?;
        let reason = validate::required("closed_reason", "结案原因", reason)?;
        w.update(
            Table::EmploymentCase,
            case_id,
            None,
            &[
                ("status", CLOSED.to_string().into()),
                ("closed_on", on.to_string().into()),
                ("closed_reason", reason.into()),
            ],
        )?;
        Ok(())
    })
}

/// A case in the list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseRow {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub sex: Option<String>,
    pub age: Option<u32>,
    pub id_number: Option<String>,
    pub community: Option<String>,
    pub categories: Vec<String>,
    pub status: String,
    pub registered_on: String,
    pub last_followup: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CaseQuery {
    pub q: Option<String>,
    pub category: Option<String>,
    pub community_id: Option<String>,
    pub status: Option<String>,
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    pub page_size: u32,
}

/// The case list with filters. Categories are partly derived, so the
/// category filter is applied after deriving them.
pub fn list(conn: &Connection, actor: &Actor, q: &CaseQuery, today: NaiveDate) -> Result<Page<CaseRow>> {
    let community = actor.scope().map(String::from).or_else(|| optional(q.community_id.as_deref()));
    let mut conds = vec!["1 = 1".to_string()];
    let mut params: Vec<String> = Vec::new();
    if let Some(c) = community {
        conds.push("p.community_id = ?".into());
        params.push(c);
    }
    if let Some(s) = optional(q.status.as_deref()) {
        conds.push("e.status = ?".into());
        params.push(s);
    }
    if let Some((sql, tokens)) = q.q.as_deref().and_then(|text| crate::person::search::matches_sql("e.person_id", text))
    {
        conds.push(sql);
        params.extend(tokens);
    }
    let sql = format!(
        "SELECT e.id, e.person_id, p.name, p.sex, p.birth_date, p.id_number, c.name, e.categories, e.status,
                e.registered_on, (SELECT max(date) FROM employment_followup f WHERE f.case_id = e.id)
         FROM employment_case e JOIN person p ON p.id = e.person_id LEFT JOIN community c ON c.id = p.community_id
         WHERE {}
         ORDER BY p.name_key, e.id",
        conds.join(" AND ")
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(&params))?;
    let category = optional(q.category.as_deref());
    let (page, page_size, limit, offset) = person::limit_offset(q.page, q.page_size);
    let mut items = Vec::new();
    let mut total = 0u64;
    while let Some(r) = rows.next()? {
        let person_id: String = r.get(1)?;
        let categories = categories_of(conn, &person_id, &r.get::<_, String>(7)?, today)?;
        if category.as_ref().is_some_and(|c| !categories.contains(c)) {
            continue;
        }
        total += 1;
        if total as i64 <= offset || items.len() as i64 >= limit {
            continue;
        }
        let birth: Option<String> = r.get(4)?;
        items.push(CaseRow {
            id: r.get(0)?,
            person_id,
            name: r.get(2)?,
            sex: r.get(3)?,
            age: person::age(birth.as_deref(), today),
            id_number: r.get::<_, Option<String>>(5)?.map(|n| person::mask_id(&n)),
            community: r.get(6)?,
            categories,
            status: r.get(8)?,
            registered_on: r.get(9)?,
            last_followup: r.get(10)?,
        });
    }
    Ok(Page { items, total, page, page_size })
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseDetail {
    pub id: String,
    pub version: i64,
    pub person: person::Person,
    pub categories: Vec<String>,
    pub stored_categories: Vec<String>,
    pub registered_on: String,
    pub education: Option<String>,
    pub skills: Option<String>,
    pub wishes: Option<String>,
    pub status: String,
    pub placed_employer: Option<String>,
    pub placed_post: Option<String>,
    pub placed_on: Option<String>,
    pub placed_way: Option<String>,
    pub closed_on: Option<String>,
    pub closed_reason: Option<String>,
    pub trainings: Vec<serde_json::Value>,
    pub followups: Vec<serde_json::Value>,
    pub loans: Vec<super::loans::LoanView>,
    pub relief: Vec<serde_json::Value>,
    pub posts: Vec<serde_json::Value>,
}

pub fn detail(conn: &Connection, actor: &Actor, id: &str, today: NaiveDate) -> Result<CaseDetail> {
    let person_id = person_of(conn, id)?;
    actor.require_community(super::community_of(conn, &person_id)?.as_deref())?;
    let row = conn.query_row(
        "SELECT row_version, categories, registered_on, education, skills, wishes, status, placed_employer,
                placed_post, placed_on, placed_way, closed_on, closed_reason
         FROM employment_case WHERE id = ?1",
        [id],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?),
                (r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?),
            ))
        },
    )?;
    let (version, stored, (registered_on, education, skills, wishes, status), placed) = row;
    let (placed_employer, placed_post, placed_on, placed_way, closed_on, closed_reason) = placed;
    let rows = |sql: &str, key: &str| crate::store::json_rows(conn, sql, [key]);
    Ok(CaseDetail {
        id: id.to_string(),
        version,
        person: person::get(conn, &person_id, today)?,
        categories: categories_of(conn, &person_id, &stored, today)?,
        stored_categories: serde_json::from_str(&stored).unwrap_or_default(),
        registered_on,
        education,
        skills,
        wishes,
        status,
        placed_employer,
        placed_post,
        placed_on,
        placed_way,
        closed_on,
        closed_reason,
        trainings: rows(
            "SELECT id, kind, course, start_on, end_on, result FROM employment_training WHERE case_id = ?1 ORDER BY start_on DESC",
            id,
        )?,
        followups: rows(
            "SELECT id, date, place, way, content, staff FROM employment_followup WHERE case_id = ?1 ORDER BY date DESC",
            id,
        )?,
        loans: super::loans::of_person(conn, &person_id, today)?,
        relief: rows(
            "SELECT id, programme, date, help, amount_cents FROM hardship_relief WHERE person_id = ?1 ORDER BY date DESC",
            &person_id,
        )?,
        posts: rows(
            "SELECT pl.id, w.post_type, w.unit, pl.start_on, pl.end_on FROM post_placement pl
             JOIN welfare_post w ON w.id = pl.post_id WHERE pl.case_id = ?1 ORDER BY pl.start_on DESC",
            id,
        )?,
    })
}

/// An open case whose last follow-up (or registration) is older than the
/// interval (setting employment.followup_days).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DueFollowup {
    pub case_id: String,
    pub name: String,
    pub community: Option<String>,
    pub last: Option<String>,
    pub due_on: String,
    pub days_overdue: i64,
}

pub fn followups_due(
    conn: &Connection,
    actor: &Actor,
    community: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<DueFollowup>> {
    let days = crate::settings::integer(conn, "employment.followup_days")?;
    let community = actor.scope().map(String::from).or_else(|| community.filter(|c| !c.is_empty()).map(String::from));
    let mut stmt = conn.prepare(
        "SELECT e.id, p.name, c.name, (SELECT max(date) FROM employment_followup f WHERE f.case_id = e.id), e.registered_on
         FROM employment_case e JOIN person p ON p.id = e.person_id LEFT JOIN community c ON c.id = p.community_id
         WHERE e.status = ?1 AND (?2 IS NULL OR p.community_id = ?2)",
    )?;
    let mut out = Vec::new();
    let mut rows = stmt.query(rusqlite::params![OPEN, community])?;
    while let Some(r) = rows.next()? {
        let last: Option<String> = r.get(3)?;
        let from: NaiveDate = last.as_deref().unwrap_or(&r.get::<_, String>(4)?).parse().unwrap_or(today);
        let due = from + chrono::Duration::days(days);
        if due <= today {
            out.push(DueFollowup {
                case_id: r.get(0)?,
                name: r.get(1)?,
                community: r.get(2)?,
                last,
                due_on: due.to_string(),
                days_overdue: (today - due).num_days(),
            });
        }
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.days_overdue));
    Ok(out)
}
