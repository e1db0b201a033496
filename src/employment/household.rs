//! Households (户) and zero-employment households (零就业家庭).
//!
//! A household is a candidate when at least one member is of working age
//! (16 to the retirement age of `rules`), able and willing to work, and
//! every such member is unemployed (失业). Students, conscripts, retirees and
//! those unable to work do not count either way. A user confirms (认定) a
//! candidate with a date; placing a member in work eliminates it (消除),
//! dated; a household that falls back is proposed again.
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{person_for, require_person};
use crate::access::{Actor, Permission};
use crate::dict;
use crate::person::PersonInput;
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{Error, Result};

pub const EMPLOYED: &str = "就业";
pub const UNEMPLOYED: &str = "失业";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberStatus {
    pub work_status: String,
    pub employer: Option<String>,
    /// Since when employed, or registered unemployed.
    pub since: Option<String>,
    #[serde(default = "yes")]
    pub able: bool,
    #[serde(default = "yes")]
    pub willing: bool,
    /// A woman's retirement base (工人/干部); empty: the office's setting.
    #[serde(default)]
    pub retire_base: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberInput {
    pub person: PersonInput,
    pub relation: String,
    #[serde(flatten)]
    pub status: MemberStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HouseholdInput {
    pub community_id: String,
    pub address: String,
    pub notes: Option<String>,
    pub members: Vec<MemberInput>,
}

/// Registers a household with its members, in one write.
pub fn create(store: &mut Store, actor: &Actor, input: &HouseholdInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| create_in(w, input, today))
}

pub fn create_in(w: &mut WriteTx, input: &HouseholdInput, today: NaiveDate) -> Result<String> {
    w.actor().require(Permission::Write)?;
    let community =
        crate::office::resolve(w.conn(), &validate::required("community_id", "社区", &input.community_id)?)?;
    w.actor().require_community(Some(&community))?;
    let label = Table::Household.field_label("address").unwrap_or("家庭住址");
    let address = validate::required("address", label, &input.address)?;
    if input.members.is_empty() {
        return Err(invalid("members", "请至少填写一名家庭成员").into());
    }
    let id = new_id();
    w.insert(
        Table::Household,
        &id,
        &[
            ("community_id", community.into()),
            ("address", address.into()),
            ("registered_on", today.to_string().into()),
            ("notes", optional(input.notes.as_deref()).into()),
        ],
    )?;
    for m in &input.members {
        add_member_in(w, &id, m, today)?;
    }
    Ok(id)
}

pub fn add_member(
    store: &mut Store,
    actor: &Actor,
    household_id: &str,
    m: &MemberInput,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| {
        require_household(w, household_id)?;
        add_member_in(w, household_id, m, today)
    })
}

/// [`add_member`] inside a larger write (import).
pub(crate) fn add_member_in(w: &mut WriteTx, household_id: &str, m: &MemberInput, today: NaiveDate) -> Result<String> {
    let mut person = m.person.clone();
    if optional(person.community_id.as_deref()).is_none() {
        person.community_id = Some(household_community(w.conn(), household_id)?);
    }
    let person_id = person_for(w, &person, today)?;
    let taken = "SELECT EXISTS (SELECT 1 FROM household_member WHERE person_id = ?1 AND active = 1)";
    if w.conn().prepare_cached(taken)?.query_row([&person_id], |r| r.get::<_, bool>(0))? {
        return Err(invalid("id_number", "此人已是某一家庭户的成员，请先在原家庭户中移出").into());
    }
    let relations = dict::labels(w.conn(), "household_relation")?;
    let relation = validate::one_of("relation", "与户主关系", &m.relation, &relations)?;
    let mut f = status_fields(w.conn(), &m.status, today)?;
    f.extend([
        ("household_id", household_id.to_string().into()),
        ("person_id", person_id.into()),
        ("relation", relation.into()),
        ("active", 1.into()),
    ]);
    let id = new_id();
    w.insert(Table::HouseholdMember, &id, &f)?;
    reconsider(w, household_id, today)?;
    Ok(id)
}

fn status_fields(
    conn: &Connection,
    s: &MemberStatus,
    today: NaiveDate,
) -> Result<Vec<(&'static str, rusqlite::types::Value)>> {
    let statuses = dict::labels(conn, "work_status")?;
    let status = validate::one_of("work_status", "就业状况", &s.work_status, &statuses)?;
    let since = super::optional_past_date("since", "起始日期", s.since.as_deref(), today)?;
    let employer = optional(s.employer.as_deref());
    if status == EMPLOYED && employer.is_none() {
        return Err(invalid("employer", "就业的成员请填写工作单位（灵活就业可填“灵活就业”）").into());
    }
    Ok(vec![
        ("work_status", status.into()),
        ("employer", employer.into()),
        ("since", since.map(|d| d.to_string()).into()),
        ("able", (s.able as i64).into()),
        ("willing", (s.willing as i64).into()),
        ("retire_base", super::retire_base(s.retire_base.as_deref())?.into()),
    ])
}

/// Changes a member's work status. A member placed in work eliminates the
/// household's zero-employment confirmation, dated by `since`.
pub fn set_member_status(
    store: &mut Store,
    actor: &Actor,
    member_id: &str,
    status: &MemberStatus,
    today: NaiveDate,
) -> Result<()> {
    store.write(actor, |w| set_member_status_in(w, member_id, status, today))
}

pub(crate) fn set_member_status_in(
    w: &mut WriteTx,
    member_id: &str,
    status: &MemberStatus,
    today: NaiveDate,
) -> Result<()> {
    let (household_id, person_id): (String, String) = w
        .conn()
        .prepare_cached("SELECT household_id, person_id FROM household_member WHERE id = ?1")?
        .query_row([member_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or(Error::NotFound { what: "家庭成员" })?;
    require_person(w, &person_id)?;
    let f = status_fields(w.conn(), status, today)?;
    w.update(Table::HouseholdMember, member_id, None, &f)?;
    reconsider(w, &household_id, today)
}

/// The members of a person's household placed in work (from a case's
/// placement): their status follows.
pub(crate) fn placed(w: &mut WriteTx, person_id: &str, employer: &str, on: NaiveDate, today: NaiveDate) -> Result<()> {
    let member: Option<(String, i64, i64, Option<String>)> = w
        .conn()
        .prepare_cached(
            "SELECT id, able, willing, retire_base FROM household_member WHERE person_id = ?1 AND active = 1",
        )?
        .query_row([person_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((id, able, willing, retire_base)) = member else { return Ok(()) };
    let status = MemberStatus {
        work_status: EMPLOYED.into(),
        employer: Some(employer.into()),
        since: Some(on.to_string()),
        able: able != 0,
        willing: willing != 0,
        retire_base,
    };
    set_member_status_in(w, &id, &status, today)
}

/// After a member changes: a confirmed household with someone in work is
/// eliminated, dated when that member started.
fn reconsider(w: &mut WriteTx, household_id: &str, today: NaiveDate) -> Result<()> {
    let Some(open) = open_confirmation(w.conn(), household_id)? else { return Ok(()) };
    let worker: Option<(String, Option<String>)> = w
        .conn()
        .prepare_cached(
            "SELECT p.name, m.since FROM household_member m JOIN person p ON p.id = m.person_id
             WHERE m.household_id = ?1 AND m.active = 1 AND m.work_status = ?2 ORDER BY m.since LIMIT 1",
        )?
        .query_row((household_id, EMPLOYED), |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((name, since)) = worker {
        let on = since.unwrap_or_else(|| today.to_string());
        w.update(
            Table::ZeroEmployment,
            &open,
            None,
            &[("eliminated_on", on.into()), ("eliminated_by", format!("{name}就业").into())],
        )?;
    }
    Ok(())
}

fn open_confirmation(conn: &Connection, household_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM zero_employment WHERE household_id = ?1 AND eliminated_on IS NULL")?
        .query_row([household_id], |r| r.get(0))
        .optional()?)
}

/// 认定: confirms a candidate household as a zero-employment household.
pub fn confirm(store: &mut Store, actor: &Actor, household_id: &str, on: &str, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| {
        let on = validate::past_date("confirmed_on", "认定日期", on, today)?;
        confirm_in(w, household_id, on, today)
    })
}

pub fn confirm_in(w: &mut WriteTx, household_id: &str, on: NaiveDate, today: NaiveDate) -> Result<String> {
    require_household(w, household_id)?;
    let zero = zero_state(w.conn(), household_id, today)?;
    if !actions(&zero).contains(&CONFIRM) {
        let why = match zero {
            ZeroState::Confirmed { .. } => "该户已认定为零就业家庭，尚未消除",
            _ => {
                "该户不符合零就业家庭条件：须至少有一名劳动年龄内、有劳动能力和就业意愿的成员，且这些成员都处于失业状态"
            }
        };
        return Err(invalid("confirmed_on", why).into());
    }
    let id = new_id();
    w.insert(
        Table::ZeroEmployment,
        &id,
        &[("household_id", household_id.to_string().into()), ("confirmed_on", on.to_string().into())],
    )?;
    Ok(id)
}

/// Whether every working-age member able and willing to work is unemployed
/// (and there is at least one).
pub fn is_zero_employment(conn: &Connection, household_id: &str, today: NaiveDate) -> Result<bool> {
    let mut stmt = conn.prepare_cached(
        "SELECT person_id, work_status, able, willing, retire_base FROM household_member
         WHERE household_id = ?1 AND active = 1",
    )?;
    type Member = (String, String, bool, bool, Option<String>);
    let members: Vec<Member> = stmt
        .query_map([household_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut seekers = 0;
    for (person_id, status, able, willing, base) in members {
        if status == EMPLOYED {
            return Ok(false);
        }
        if status != UNEMPLOYED || !able || !willing {
            continue;
        }
        if super::working_age(conn, &person_id, base.as_deref())?.is_some_and(|span| span.holds(today)) {
            seekers += 1;
        }
    }
    Ok(seekers > 0)
}

fn household_community(conn: &Connection, household_id: &str) -> Result<String> {
    conn.prepare_cached("SELECT community_id FROM household WHERE id = ?1")?
        .query_row([household_id], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound { what: "家庭户" })
}

fn require_household(w: &WriteTx, household_id: &str) -> Result<()> {
    w.actor().require(Permission::Write)?;
    w.actor().require_community(Some(&household_community(w.conn(), household_id)?))?;
    Ok(())
}

impl ZeroState {
    /// On the zero-employment list: confirmed, or a candidate.
    pub fn listed(&self) -> bool {
        !matches!(self, ZeroState::No)
    }

    /// How the pages show it: 已认定 with its date, 待认定 (· 再次符合 when it
    /// was eliminated before), 非零就业, or 已消除 with the date of the last
    /// confirmation's elimination when one is given (the household's page).
    pub fn label(&self, eliminated_on: Option<&str>) -> String {
        match (self, eliminated_on) {
            (ZeroState::No, Some(on)) => format!("已消除 {on}"),
            (ZeroState::No, None) => "非零就业".into(),
            (ZeroState::Confirmed { since }, _) => format!("已认定 {since}"),
            (ZeroState::Candidate { again: true }, _) => "待认定 · 再次符合".into(),
            (ZeroState::Candidate { again: false }, _) => "待认定".into(),
        }
    }
}

/// 认定: a candidate confirmed as a zero-employment household.
pub const CONFIRM: &str = "confirm";

/// What may be done to a household by where it stands: 认定 only while it
/// is a candidate (待认定). The household page offers these
/// (`HouseholdView::actions`) and the core refuses the others.
pub fn actions(zero: &ZeroState) -> Vec<&'static str> {
    match zero {
        ZeroState::Candidate { .. } => vec![CONFIRM],
        ZeroState::No | ZeroState::Confirmed { .. } => Vec::new(),
    }
}

/// Where a household stands on the zero-employment list.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ZeroState {
    /// Not zero-employment.
    No,
    /// Meets the rule, not confirmed: 待认定 (`again`: it was eliminated before).
    Candidate { again: bool },
    /// 已认定, not yet eliminated.
    Confirmed { since: String },
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MemberView {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub id_number: Option<String>,
    pub age: Option<u32>,
    pub sex: Option<String>,
    pub relation: String,
    pub work_status: String,
    pub employer: Option<String>,
    pub since: Option<String>,
    pub able: bool,
    pub willing: bool,
    pub working_age: bool,
    pub retire_base: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HouseholdView {
    pub id: String,
    pub community_id: String,
    pub community: String,
    pub address: String,
    pub registered_on: String,
    pub notes: Option<String>,
    pub members: Vec<MemberView>,
    pub zero: ZeroState,
    /// Past confirmations: (认定, 消除, 原因).
    pub history: Vec<(String, Option<String>, Option<String>)>,
    /// [`ZeroState::label`], with the last elimination.
    pub zero_label: String,
    /// What may be done now ([`actions`]).
    pub actions: Vec<&'static str>,
}

pub fn detail(conn: &Connection, actor: &Actor, id: &str, today: NaiveDate) -> Result<HouseholdView> {
    let community_id = household_community(conn, id)?;
    actor.require_community(Some(&community_id))?;
    let (community, address, registered_on, notes): (String, String, String, Option<String>) = conn.query_row(
        "SELECT c.name, h.address, h.registered_on, h.notes FROM household h JOIN community c ON c.id = h.community_id
         WHERE h.id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.person_id, p.name, p.id_number, p.sex, p.birth_date, m.relation, m.work_status, m.employer,
                m.since, m.able, m.willing, m.retire_base
         FROM household_member m JOIN person p ON p.id = m.person_id
         WHERE m.household_id = ?1 AND m.active = 1 ORDER BY m.relation = '户主' DESC, p.birth_date",
    )?;
    let mut members = Vec::new();
    let mut rows = stmt.query([id])?;
    while let Some(r) = rows.next()? {
        let person_id: String = r.get(1)?;
        let birth: Option<String> = r.get(5)?;
        let retire_base: Option<String> = r.get(12)?;
        let working =
            super::working_age(conn, &person_id, retire_base.as_deref())?.is_some_and(|span| span.holds(today));
        members.push(MemberView {
            id: r.get(0)?,
            name: r.get(2)?,
            id_number: r.get::<_, Option<String>>(3)?.map(|n| crate::person::mask_id(&n)),
            sex: r.get(4)?,
            age: crate::person::age(birth.as_deref(), today),
            relation: r.get(6)?,
            work_status: r.get(7)?,
            employer: r.get(8)?,
            since: r.get(9)?,
            able: r.get(10)?,
            willing: r.get(11)?,
            working_age: working,
            retire_base,
            person_id,
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT confirmed_on, eliminated_on, eliminated_by FROM zero_employment WHERE household_id = ?1 ORDER BY confirmed_on",
    )?;
    let history: Vec<(String, Option<String>, Option<String>)> =
        stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    let zero = zero_state(conn, id, today)?;
    let eliminated_on = history.last().and_then(|(_, off, _)| off.as_deref());
    Ok(HouseholdView {
        id: id.to_string(),
        actions: actions(&zero),
        zero_label: zero.label(eliminated_on),
        zero,
        community_id,
        community,
        address,
        registered_on,
        notes,
        members,
        history,
    })
}

fn zero_state(conn: &Connection, id: &str, today: NaiveDate) -> Result<ZeroState> {
    let open: Option<String> = conn
        .prepare_cached("SELECT confirmed_on FROM zero_employment WHERE household_id = ?1 AND eliminated_on IS NULL")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(since) = open {
        return Ok(ZeroState::Confirmed { since });
    }
    if is_zero_employment(conn, id, today)? {
        let again = "SELECT EXISTS (SELECT 1 FROM zero_employment WHERE household_id = ?1)";
        return Ok(ZeroState::Candidate { again: conn.prepare_cached(again)?.query_row([id], |r| r.get(0))? });
    }
    Ok(ZeroState::No)
}

/// A household in the list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HouseholdRow {
    pub id: String,
    pub community: String,
    pub address: String,
    pub head: String,
    pub members: i64,
    pub employed: i64,
    pub zero: ZeroState,
    /// [`ZeroState::label`] (the list shows no elimination).
    pub zero_label: String,
    /// [`ZeroState::listed`]: in the zero-employment table.
    pub zero_listed: bool,
    /// What may be done now ([`actions`]).
    pub actions: Vec<&'static str>,
}

/// Members of working age on a day (16 to their retirement age) and, of
/// them, the unemployed (失业).
pub fn working_members(conn: &Connection, household_id: &str, on: NaiveDate) -> Result<(i64, i64)> {
    let mut stmt = conn.prepare_cached(
        "SELECT person_id, work_status, retire_base FROM household_member WHERE household_id = ?1 AND active = 1",
    )?;
    let members: Vec<(String, String, Option<String>)> =
        stmt.query_map([household_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    let (mut working, mut unemployed) = (0, 0);
    for (person, status, base) in members {
        if super::working_age(conn, &person, base.as_deref())?.is_some_and(|span| span.holds(on)) {
            working += 1;
            unemployed += (status == UNEMPLOYED) as i64;
        }
    }
    Ok((working, unemployed))
}

/// 援助措施: what the members' cases received (跟踪服务 n次, each training
/// kind, 公益性岗位, 创业担保贷款) and the household's relief programmes.
pub fn measures(conn: &Connection, household_id: &str) -> Result<String> {
    let mut stmt = conn.prepare_cached(
        "SELECT (SELECT count(*) FROM employment_followup f JOIN employment_case e ON e.id = f.case_id
                 WHERE e.person_id IN (SELECT person_id FROM household_member WHERE household_id = ?1)),
                (SELECT group_concat(DISTINCT t.kind) FROM employment_training t JOIN employment_case e ON e.id = t.case_id
                 WHERE e.person_id IN (SELECT person_id FROM household_member WHERE household_id = ?1)),
                (SELECT count(*) FROM post_placement pl JOIN employment_case e ON e.id = pl.case_id
                 WHERE e.person_id IN (SELECT person_id FROM household_member WHERE household_id = ?1)),
                (SELECT count(*) FROM startup_loan l
                 WHERE l.person_id IN (SELECT person_id FROM household_member WHERE household_id = ?1)),
                (SELECT group_concat(DISTINCT r.programme) FROM hardship_relief r
                 WHERE r.person_id IN (SELECT person_id FROM household_member WHERE household_id = ?1))",
    )?;
    let (followups, trainings, posts, loans, relief): (i64, Option<String>, i64, i64, Option<String>) =
        stmt.query_row([household_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    let mut out = Vec::new();
    if followups > 0 {
        out.push(format!("跟踪服务{followups}次"));
    }
    out.extend(trainings.into_iter().flat_map(|t| t.split(',').map(String::from).collect::<Vec<_>>()));
    if posts > 0 {
        out.push("公益性岗位".into());
    }
    if loans > 0 {
        out.push("创业担保贷款".into());
    }
    out.extend(relief.into_iter().flat_map(|t| t.split(',').map(String::from).collect::<Vec<_>>()));
    Ok(out.join("、"))
}

/// Who was placed when a confirmation was eliminated: name, employer, post
/// and date (安置人/单位/岗位/日期), from the member's case when it has one.
pub fn placement(conn: &Connection, household_id: &str, on: &str) -> Result<Option<[String; 4]>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.name, coalesce(e.placed_employer, m.employer, ''), coalesce(e.placed_post, ''),
                coalesce(e.placed_on, m.since, ?2)
         FROM household_member m JOIN person p ON p.id = m.person_id
         LEFT JOIN employment_case e ON e.person_id = m.person_id AND e.placed_on = ?2
         WHERE m.household_id = ?1 AND (e.id IS NOT NULL OR (m.work_status = ?3 AND m.since = ?2))
         ORDER BY e.id IS NULL LIMIT 1",
    )?;
    Ok(stmt
        .query_row(rusqlite::params![household_id, on, EMPLOYED], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))
        .optional()?)
}

/// A confirmed zero-employment household not yet cleared (动态清零) past
/// the setting employment.zero_clear_days (30) after its confirmation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClearingAlert {
    pub household_id: String,
    pub community: String,
    pub address: String,
    pub head: String,
    pub confirmed_on: String,
    /// Days since it was confirmed.
    pub days: i64,
}

/// The name of household `h`'s head (户主, else its first member), in SQL.
const HEAD_NAME: &str = "coalesce((SELECT p.name FROM household_member m JOIN person p ON p.id = m.person_id
    WHERE m.household_id = h.id AND m.active = 1 ORDER BY m.relation = '户主' DESC LIMIT 1), '')";

pub fn clearing_alerts(conn: &Connection, actor: &Actor, today: NaiveDate) -> Result<Vec<ClearingAlert>> {
    let limit = crate::settings::integer(conn, "employment.zero_clear_days")?;
    let mut stmt = conn.prepare(&format!(
        "SELECT h.id, c.name, h.address, z.confirmed_on, {HEAD_NAME}
         FROM zero_employment z JOIN household h ON h.id = z.household_id JOIN community c ON c.id = h.community_id
         WHERE z.eliminated_on IS NULL AND (?1 IS NULL OR h.community_id = ?1)
         ORDER BY z.confirmed_on"
    ))?;
    let mut out = Vec::new();
    let mut rows = stmt.query([actor.scope()])?;
    while let Some(r) = rows.next()? {
        let confirmed: String = r.get(3)?;
        let Ok(on) = confirmed.parse::<NaiveDate>() else { continue };
        let days = (today - on).num_days();
        if days > limit {
            out.push(ClearingAlert {
                household_id: r.get(0)?,
                community: r.get(1)?,
                address: r.get(2)?,
                head: r.get(4)?,
                confirmed_on: confirmed,
                days,
            });
        }
    }
    Ok(out)
}

/// Households of a community (or the actor's), the zero-employment list
/// first: confirmed, then candidates (待认定), then the rest.
pub fn list(conn: &Connection, actor: &Actor, community: Option<&str>, today: NaiveDate) -> Result<Vec<HouseholdRow>> {
    let community = actor.scope().map(String::from).or_else(|| community.filter(|c| !c.is_empty()).map(String::from));
    let mut stmt = conn.prepare(&format!(
        "SELECT h.id, c.name, h.address, {HEAD_NAME},
                (SELECT count(*) FROM household_member m WHERE m.household_id = h.id AND m.active = 1),
                (SELECT count(*) FROM household_member m WHERE m.household_id = h.id AND m.active = 1 AND m.work_status = '就业')
         FROM household h JOIN community c ON c.id = h.community_id
         WHERE ?1 IS NULL OR h.community_id = ?1
         ORDER BY c.sort, h.address"
    ))?;
    let mut out = Vec::new();
    let mut rows = stmt.query([&community])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let zero = zero_state(conn, &id, today)?;
        out.push(HouseholdRow {
            zero_label: zero.label(None),
            zero_listed: zero.listed(),
            actions: actions(&zero),
            zero,
            id,
            community: r.get(1)?,
            address: r.get(2)?,
            head: r.get(3)?,
            members: r.get(4)?,
            employed: r.get(5)?,
        });
    }
    let rank = |z: &ZeroState| match z {
        ZeroState::Confirmed { .. } => 0,
        ZeroState::Candidate { .. } => 1,
        ZeroState::No => 2,
    };
    out.sort_by_key(|h| rank(&h.zero));
    Ok(out)
}
