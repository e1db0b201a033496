//! Cases of the employment-assistance register (就业援助台账): one per
//! person, with categories of 就业困难人员, training, follow-up services and
//! the outcome (placed, or closed with a reason).
//!
//! Everything here is bounded by working age (16 to the statutory
//! retirement age, `rules::WorkingAge`): a case is registered only within
//! it, and an open case closes by itself on the day its person reaches
//! retirement age (达到退休年龄: derived, never stored, see [`Standing`]).
//! Three categories are derived, never stored, and hold only within working
//! age: 4050 (from the ID number and the date asked), 距法定退休年龄十年以内,
//! and 零就业家庭成员 (from the person's household).
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::rules::WorkingAge;
use super::{chinese_date, person_for, require_person, working_age};
use crate::access::Actor;
use crate::dict;
use crate::person::{self, Page, PersonInput};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{Error, Result};

pub const OPEN: &str = "在册";
pub const PLACED: &str = "已就业";
pub const CLOSED: &str = "已结案";
/// A case's statuses, in the order of its life.
pub const STATUSES: [&str; 3] = [OPEN, PLACED, CLOSED];

/// 登记培训.
pub const TRAINING: &str = "training";
/// 登记跟踪服务.
pub const FOLLOWUP: &str = "followup";
/// 就业安置, on the case or in a public-welfare post (again when placed:
/// a change of work).
pub const PLACE: &str = "place";
/// 结案 without placement.
pub const CLOSE: &str = "close";
/// What may be done to a case, by its status on the day (derived: see
/// [`CaseFacts::standing`]): (action, the statuses it is allowed in). The
/// case page offers these (`CaseDetail::actions`) and the core refuses the
/// others.
pub const ACTIONS: &[(&str, &[&str])] =
    &[(TRAINING, &[OPEN, PLACED]), (FOLLOWUP, &[OPEN, PLACED]), (PLACE, &[OPEN, PLACED]), (CLOSE, &[OPEN, PLACED])];

/// Whether `action` may be done to a case in `status`.
pub fn allowed(status: &str, action: &str) -> bool {
    ACTIONS.iter().any(|(a, from)| *a == action && from.contains(&status))
}

/// The actions allowed in `status`, in the table's order.
pub fn actions(status: &str) -> Vec<&'static str> {
    ACTIONS.iter().map(|(a, _)| *a).filter(|a| allowed(status, a)).collect()
}

pub const CATEGORY_4050: &str = "4050";
pub const CATEGORY_ZERO: &str = "零就业家庭成员";
pub const CATEGORY_NEAR_RETIREMENT: &str = "距法定退休年龄十年以内";
/// Categories the core derives; a user's choice of them is ignored.
pub const DERIVED: [&str; 3] = [CATEGORY_4050, CATEGORY_ZERO, CATEGORY_NEAR_RETIREMENT];

/// Why a case left the register (本期退出, by reason). 就业 is a placement;
/// the others close it.
pub const EXIT_PLACED: &str = "就业";
pub const EXIT_RETIRED: &str = "达到退休年龄";
pub const EXIT_MOVED: &str = "迁出";
pub const EXIT_DIED: &str = "死亡";
pub const EXIT_OTHER: &str = "其他";
/// The reasons a user closes a case with (结案原因).
pub const CLOSE_REASONS: [&str; 4] = [EXIT_MOVED, EXIT_DIED, EXIT_RETIRED, EXIT_OTHER];

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
    /// A woman's retirement base (工人/干部); empty: the office's setting.
    pub retire_base: Option<String>,
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
    let base = stored_base(w.conn(), &person_id, input.retire_base.as_deref())?;
    require_working_age(w.conn(), &person_id, base.as_deref(), registered)?;
    f.push(("retire_base", base.into()));
    f.extend([
        ("person_id", person_id.into()),
        ("registered_on", registered.to_string().into()),
        ("status", OPEN.to_string().into()),
    ]);
    let id = new_id();
    w.insert(Table::EmploymentCase, &id, &f)?;
    Ok(id)
}

/// The retirement base to store: a woman's as typed, a man's none.
fn stored_base(conn: &Connection, person_id: &str, typed: Option<&str>) -> Result<Option<String>> {
    let base = super::retire_base(typed)?;
    let female = super::sex_and_birth(conn, person_id)?.is_some_and(|(sex, _)| sex == crate::idcard::Sex::Female);
    Ok(base.filter(|_| female))
}

/// Only a person of working age on the day may be registered: 16 or older
/// and not yet at their statutory retirement age.
fn require_working_age(conn: &Connection, person_id: &str, base: Option<&str>, on: NaiveDate) -> Result<()> {
    let Some(span) = working_age(conn, person_id, base)? else { return Ok(()) };
    if on < span.from {
        return Err(invalid(
            "id_number",
            format!("此人{}年满16周岁，登记日期时还未到法定劳动年龄，不能登记为就业困难人员", chinese_date(span.from)),
        )
        .into());
    }
    if on >= span.retires_on {
        let mut message = format!(
            "此人已于{}达到法定退休年龄，不能登记为就业困难人员（就业援助只面向16周岁以上、未达法定退休年龄的人员）",
            chinese_date(span.retires_on)
        );
        if span.sex == crate::idcard::Sex::Female && base != Some(super::rules::BASE_CADRE) {
            let cadre = WorkingAge::of(conn, span.sex, span.birth, Some(super::rules::BASE_CADRE))?;
            if cadre.holds(on) {
                message.push_str("；如她按干部身份退休，请在“退休年龄类别”中选择“干部”");
            }
        }
        return Err(invalid("id_number", message).into());
    }
    Ok(())
}

fn detail_fields(conn: &Connection, input: &CaseInput) -> Result<Vec<(&'static str, Value)>> {
    let allowed = dict::labels(conn, "employment_category")?;
    let mut categories = Vec::new();
    for c in &input.categories {
        // Derived ones are never stored: they follow the date and the household.
        if DERIVED.contains(&c.as_str()) {
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
    let person_id = require_case(w, id)?;
    let mut f = detail_fields(w.conn(), input)?;
    f.push(("retire_base", stored_base(w.conn(), &person_id, input.retire_base.as_deref())?.into()));
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

/// The case's facts when `action` is allowed in its standing on `day`
/// ([`ACTIONS`]).
fn require_allowed(conn: &Connection, case_id: &str, day: NaiveDate, action: &str) -> Result<CaseFacts> {
    let facts = CaseFacts::load(conn, case_id)?;
    let standing = facts.standing(day);
    if !allowed(&standing.status, action) {
        let why = if standing.by_rule { "（达到法定退休年龄，系统已自动结案）" } else { "" };
        let what = if action == CLOSE { "不能再结案" } else { "不能再登记" };
        return Err(invalid("status", format!("该援助对象{}{why}，{what}", standing.status)).into());
    }
    Ok(facts)
}

/// What a case's standing follows from: its dates, and its person's
/// retirement day.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFacts {
    pub registered_on: NaiveDate,
    pub status: String,
    pub placed_on: Option<NaiveDate>,
    pub placed_way: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub closed_reason: Option<String>,
    /// The person's span of working age, when their sex and birth are known.
    pub working: Option<WorkingAge>,
}

/// How a case stands on a day: its stored status, unless its person
/// reached retirement age while it was open (达到退休年龄: derived, shown
/// in its history and counted as a closure).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    pub status: String,
    pub closed_on: Option<String>,
    pub closed_reason: Option<String>,
    /// Closed by the retirement rule, not by a user.
    pub by_rule: bool,
}

impl CaseFacts {
    /// The columns [`RawFacts::read`] reads, of `employment_case e`.
    pub const COLUMNS: &'static str =
        "e.registered_on, e.status, e.placed_on, e.placed_way, e.closed_on, e.closed_reason, e.person_id, e.retire_base";

    pub fn load(conn: &Connection, case_id: &str) -> Result<CaseFacts> {
        let sql = format!("SELECT {} FROM employment_case e WHERE e.id = ?1", Self::COLUMNS);
        let row = conn.prepare_cached(&sql)?.query_row([case_id], |r| RawFacts::read(r, 0)).optional()?;
        row.ok_or(Error::NotFound { what: "援助对象" })?.resolve(conn)
    }

    /// When and why the case left the register: the first of its placement
    /// (就业), its closure (by its reason) and its person's retirement day;
    /// never before it was registered.
    pub fn exit(&self) -> Option<(NaiveDate, &'static str)> {
        let placed = self.placed_on.filter(|_| self.status == PLACED).map(|d| (d, EXIT_PLACED));
        let closed =
            self.closed_on.filter(|_| self.status == CLOSED).map(|d| (d, exit_reason(self.closed_reason.as_deref())));
        let retired = self.retires_on().map(|d| (d, EXIT_RETIRED));
        // On the same day a user's record wins over the rule.
        [placed, closed, retired]
            .into_iter()
            .flatten()
            .min_by_key(|(d, _)| *d)
            .map(|(d, why)| (d.max(self.registered_on), why))
    }

    /// On the register at the end of a day.
    /// The person's statutory retirement day, when known.
    pub fn retires_on(&self) -> Option<NaiveDate> {
        self.working.map(|w| w.retires_on)
    }

    pub fn in_stock(&self, day: NaiveDate) -> bool {
        self.registered_on <= day && self.exit().is_none_or(|(on, _)| on > day)
    }

    pub fn standing(&self, today: NaiveDate) -> Standing {
        // A closure's date and reason only while closed (a synced edit may
        // leave them beside another status): the page shows them as its outcome.
        let closed = self.status == CLOSED;
        let stored = Standing {
            status: self.status.clone(),
            closed_on: self.closed_on.filter(|_| closed).map(|d| d.to_string()),
            closed_reason: self.closed_reason.clone().filter(|_| closed),
            by_rule: false,
        };
        match (self.status.as_str(), self.retires_on()) {
            (OPEN, Some(retired)) if retired <= today => Standing {
                status: CLOSED.into(),
                closed_on: Some(retired.max(self.registered_on).to_string()),
                closed_reason: Some(EXIT_RETIRED.into()),
                by_rule: true,
            },
            _ => stored,
        }
    }
}

/// The row of [`CaseFacts::COLUMNS`] before the person's retirement day is
/// worked out.
pub struct RawFacts {
    facts: CaseFacts,
    person_id: String,
    base: Option<String>,
}

impl RawFacts {
    /// Reads [`CaseFacts::COLUMNS`] from column `at` on.
    pub fn read(r: &rusqlite::Row, at: usize) -> rusqlite::Result<RawFacts> {
        let date = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
            Ok(r.get::<_, Option<String>>(at + i)?.and_then(|d| d.parse().ok()))
        };
        Ok(RawFacts {
            facts: CaseFacts {
                registered_on: date(0)?.unwrap_or(NaiveDate::MIN),
                status: r.get(at + 1)?,
                placed_on: date(2)?,
                placed_way: r.get(at + 3)?,
                closed_on: date(4)?,
                closed_reason: r.get(at + 5)?,
                working: None,
            },
            person_id: r.get(at + 6)?,
            base: r.get(at + 7)?,
        })
    }

    pub fn resolve(self, conn: &Connection) -> Result<CaseFacts> {
        let span = working_age(conn, &self.person_id, self.base.as_deref())?;
        Ok(CaseFacts { working: span, ..self.facts })
    }
}

/// A closure's reason as one of the report's (结案原因 typed before 0.3.0
/// was free text: read by its words).
pub fn exit_reason(text: Option<&str>) -> &'static str {
    let text = text.unwrap_or_default();
    if let Some(r) = CLOSE_REASONS.iter().find(|r| **r == text) {
        return r;
    }
    if text.contains("退休") {
        EXIT_RETIRED
    } else if text.contains('迁') {
        EXIT_MOVED
    } else if ["死亡", "去世", "病故", "身故"].iter().any(|w| text.contains(w)) {
        EXIT_DIED
    } else {
        EXIT_OTHER
    }
}

/// Every category of a person on a date: stored ones, and within working
/// age (`span`, as [`CaseFacts::working`] holds it) 4050, 距法定退休年龄十年以内
/// and 零就业家庭成员 (when their household is confirmed).
pub fn categories_of(
    conn: &Connection,
    person_id: &str,
    stored: &str,
    span: Option<WorkingAge>,
    today: NaiveDate,
) -> Result<Vec<String>> {
    let mut out: Vec<String> = serde_json::from_str(stored).unwrap_or_default();
    // Typed before they were derived: the rule decides now.
    out.retain(|c| !DERIVED.contains(&c.as_str()));
    if let Some(span) = span {
        if span.is_4050(today) {
            out.insert(0, CATEGORY_4050.into());
        }
        if span.near_retirement(today) {
            out.push(CATEGORY_NEAR_RETIREMENT.into());
        }
    }
    if span.is_some_and(|s| !s.holds(today)) {
        return Ok(out);
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
        let kind = validate::one_of("kind", "培训类型", &t.kind, &dict::labels(w.conn(), "training_kind")?)?;
        let start = super::optional_past_date("start_on", "开始日期", t.start_on.as_deref(), today)?;
        require_allowed(w.conn(), case_id, start.unwrap_or(today), TRAINING)?;
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
    let date = validate::past_date("date", "服务日期", &f.date, today)?;
    // Open on the day served (entered late, it may be past).
    require_allowed(w.conn(), case_id, date, FOLLOWUP)?;
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
    let employer = validate::required("employer", "就业单位", &p.employer)?;
    let on = validate::past_date("placed_on", "就业日期", &p.placed_on, today)?;
    // Open on the day of the placement (entered late, it may be past).
    let facts = require_allowed(w.conn(), case_id, on, PLACE)?;
    if on < facts.registered_on {
        let message = format!("就业日期不能早于登记日期（{}）", chinese_date(facts.registered_on));
        return Err(invalid("placed_on", message).into());
    }
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
    store.write(actor, |w| close_in(w, case_id, on, reason, today))
}

/// [`close`] inside a larger write (the demo).
pub fn close_in(w: &mut WriteTx, case_id: &str, on: &str, reason: &str, today: NaiveDate) -> Result<()> {
    require_case(w, case_id)?;
    let on = validate::past_date("closed_on", "结案日期", on, today)?;
    require_allowed(w.conn(), case_id, on, CLOSE)?;
    let reasons = CLOSE_REASONS.map(String::from);
    let reason = validate::one_of("closed_reason", "结案原因", reason, &reasons)?;
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
    // The status is partly derived (达到退休年龄): filtered after deriving.
    let status = optional(q.status.as_deref());
    if let Some((sql, tokens)) = q.q.as_deref().and_then(|text| crate::person::search::matches_sql("e.person_id", text))
    {
        conds.push(sql);
        params.extend(tokens);
    }
    let sql = format!(
        "SELECT e.id, e.person_id, p.name, p.sex, p.birth_date, p.id_number, c.name, e.categories, e.status,
                e.registered_on, (SELECT max(date) FROM employment_followup f WHERE f.case_id = e.id), {}
         FROM employment_case e JOIN person p ON p.id = e.person_id LEFT JOIN community c ON c.id = p.community_id
         WHERE {}
         ORDER BY p.name_key, e.id",
        CaseFacts::COLUMNS,
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
        let facts = RawFacts::read(r, 11)?.resolve(conn)?;
        let standing = facts.standing(today);
        if status.as_ref().is_some_and(|s| *s != standing.status) {
            continue;
        }
        let categories = categories_of(conn, &person_id, &r.get::<_, String>(7)?, facts.working, today)?;
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
            status: standing.status,
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
    /// Closed by the retirement rule (达到退休年龄), not by a user.
    pub closed_by_rule: bool,
    pub retire_base: Option<String>,
    /// The person's statutory retirement day, when known.
    pub retires_on: Option<String>,
    /// What may be done today ([`ACTIONS`]).
    pub actions: Vec<&'static str>,
    /// 登记, 就业 and 结案 (a user's, or 达到退休年龄 by the rule), by date.
    pub history: Vec<Event>,
    pub trainings: Vec<serde_json::Value>,
    pub followups: Vec<serde_json::Value>,
    pub loans: Vec<super::loans::LoanView>,
    pub relief: Vec<serde_json::Value>,
    pub posts: Vec<serde_json::Value>,
}

/// A dated step of a case's history.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Event {
    pub date: String,
    pub what: String,
}

fn history(f: &CaseFacts, today: NaiveDate) -> Vec<Event> {
    let event = |d: NaiveDate, what: String| Event { date: d.to_string(), what };
    let mut out = vec![event(f.registered_on, "登记为就业困难人员".into())];
    if let (PLACED, Some(on)) = (f.status.as_str(), f.placed_on) {
        out.push(event(on, format!("实现就业（{}）", f.placed_way.as_deref().unwrap_or("就业"))));
    }
    if let (CLOSED, Some(on)) = (f.status.as_str(), f.closed_on) {
        out.push(event(on, format!("结案：{}", f.closed_reason.as_deref().unwrap_or(EXIT_OTHER))));
    }
    let standing = f.standing(today);
    if standing.by_rule {
        let on = standing.closed_on.unwrap_or_default();
        out.push(Event { date: on, what: "达到法定退休年龄，自动结案".into() });
    }
    out
}

pub fn detail(conn: &Connection, actor: &Actor, id: &str, today: NaiveDate) -> Result<CaseDetail> {
    let person_id = person_of(conn, id)?;
    actor.require_community(super::community_of(conn, &person_id)?.as_deref())?;
    let row = conn.query_row(
        "SELECT row_version, categories, registered_on, education, skills, wishes, placed_employer,
                placed_post, placed_on, placed_way, retire_base
         FROM employment_case WHERE id = ?1",
        [id],
        |r| {
            Ok((
                (r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?),
                (r.get(3)?, r.get(4)?, r.get(5)?),
                (r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?),
                r.get::<_, Option<String>>(10)?,
            ))
        },
    )?;
    let ((version, stored, registered_on), (education, skills, wishes), placed, retire_base) = row;
    let (placed_employer, placed_post, placed_on, placed_way) = placed;
    let facts = CaseFacts::load(conn, id)?;
    let standing = facts.standing(today);
    let rows = |sql: &str, key: &str| crate::store::json_rows(conn, sql, [key]);
    Ok(CaseDetail {
        id: id.to_string(),
        version,
        person: person::get(conn, &person_id, today)?,
        categories: categories_of(conn, &person_id, &stored, facts.working, today)?,
        stored_categories: serde_json::from_str(&stored).unwrap_or_default(),
        registered_on,
        education,
        skills,
        wishes,
        history: history(&facts, today),
        actions: actions(&standing.status),
        status: standing.status,
        placed_employer,
        placed_post,
        placed_on,
        placed_way,
        closed_on: standing.closed_on,
        closed_reason: standing.closed_reason,
        closed_by_rule: standing.by_rule,
        retire_base,
        retires_on: facts.retires_on().map(|d| d.to_string()),
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
    let mut stmt = conn.prepare(&format!(
        "SELECT e.id, p.name, c.name, (SELECT max(date) FROM employment_followup f WHERE f.case_id = e.id),
                e.registered_on, {}
         FROM employment_case e JOIN person p ON p.id = e.person_id LEFT JOIN community c ON c.id = p.community_id
         WHERE e.status = ?1 AND (?2 IS NULL OR p.community_id = ?2)",
        CaseFacts::COLUMNS
    ))?;
    let mut out = Vec::new();
    let mut rows = stmt.query(rusqlite::params![OPEN, community])?;
    while let Some(r) = rows.next()? {
        // Closed by the retirement rule: no follow-up is due.
        if RawFacts::read(r, 5)?.resolve(conn)?.standing(today).status != OPEN {
            continue;
        }
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
