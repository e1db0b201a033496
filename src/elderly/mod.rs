//! The elderly-care roster (为老服务花名册): one entry per elderly person,
//! the home-care services they receive and the visits made to them.
//!
//! 高龄 (advanced age) is never stored: it is derived from the birth date for
//! the day asked, with the threshold from settings (default 80).
pub mod allowance;
pub mod assistance;
pub mod calls;
pub mod care;
pub mod condolence;
pub(crate) mod derived;
pub mod homecare;
pub mod lists;
pub mod rate;
pub mod roster;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::access::Permission;
use crate::person::{self, Person, PersonInput};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{dict, Error, Result};

pub const ACTIVE: &str = "在册";
pub const HIGH_AGE: &str = "高龄";

/// 登记服务: a home-care service given.
pub const SERVICE: &str = "service";
/// 登记探访: a visit made.
pub const VISIT: &str = "visit";
/// 电话问候: a phone check-in made.
pub const CALL: &str = "call";
/// 救助与残疾记录: an assistance record added or edited.
pub const ASSISTANCE: &str = "assistance";
/// 登记慰问: a 慰问 (holiday or condolence visit) made.
pub const CONDOLE: &str = "condole";
/// 状态变动: leaving the roster (迁出, 去世) or coming back (在册).
pub const CHANGE_STATUS: &str = "change_status";
/// What may be done to a roster entry, by its status: (action, the statuses
/// it is allowed in; `None`: every status). The person page offers these
/// (`ElderlyPerson::actions`) and the core refuses the others.
pub const ACTIONS: &[(&str, Option<&[&str]>)] = &[
    (SERVICE, Some(&[ACTIVE])),
    (VISIT, Some(&[ACTIVE])),
    (CALL, Some(&[ACTIVE])),
    (ASSISTANCE, Some(&[ACTIVE])),
    (CONDOLE, Some(&[ACTIVE])),
    (CHANGE_STATUS, None),
];

/// Whether `action` may be done to an entry in `status`.
pub fn allowed(status: &str, action: &str) -> bool {
    ACTIONS.iter().any(|(a, from)| *a == action && from.is_none_or(|f| f.contains(&status)))
}

/// The actions allowed in `status`, in the table's order.
pub fn actions(status: &str) -> Vec<&'static str> {
    ACTIONS.iter().map(|(a, _)| *a).filter(|a| allowed(status, a)).collect()
}

/// A roster entry as the user enters it, with the person's own fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ElderlyInput {
    pub person: PersonInput,
    /// Of 独居, 困难, 残疾, 有特殊贡献 (高龄 is derived and ignored here).
    pub kinds: Vec<String>,
    pub sanwu: bool,
    pub enterprise_retiree: bool,
    pub living_arrangement: Option<String>,
    pub economic_status: Option<String>,
    pub disability_type: Option<String>,
    pub disability_grade: Option<String>,
    pub disability_cert: Option<String>,
    pub health_notes: Option<String>,
    pub emergency_name: Option<String>,
    pub emergency_phone: Option<String>,
    pub emergency_relation: Option<String>,
    pub care_mode: Option<String>,
    /// 风险因素, of the dictionary elderly_risk (失能, 失智, 计划生育特殊家庭,
    /// 留守): they weigh in the suggested visit level.
    pub risk_factors: Vec<String>,
    /// 高风险 / 重点 / 一般; suggested from the person when left empty.
    pub visit_level: Option<String>,
    pub registered_on: Option<String>,
}

/// An elderly person (老年人) on the roster, as the person page shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ElderlyPerson {
    pub id: String,
    pub row_version: i64,
    pub person: Person,
    /// Stored kinds, plus 困难 and 残疾 made by assistance records in force
    /// (`assistance::apply`), plus 高龄 when the age reaches the threshold today.
    pub kinds: Vec<String>,
    /// 困难 or 残疾 ticked by hand with no record in force behind it: flagged.
    pub unbacked_kinds: Vec<String>,
    pub sanwu: bool,
    pub enterprise_retiree: bool,
    pub living_arrangement: Option<String>,
    pub economic_status: Option<String>,
    pub disability_type: Option<String>,
    pub disability_grade: Option<String>,
    pub disability_cert: Option<String>,
    pub health_notes: Option<String>,
    pub emergency_name: Option<String>,
    pub emergency_phone_masked: Option<String>,
    pub emergency_relation: Option<String>,
    pub care_mode: Option<String>,
    pub risk_factors: Vec<String>,
    pub visit_level: String,
    pub status: String,
    pub status_date: Option<String>,
    pub status_reason: Option<String>,
    pub registered_on: String,
    /// What may be done now ([`ACTIONS`]).
    pub actions: Vec<&'static str>,
}

/// Leaving the roster (迁出, 去世) or coming back (在册).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StatusChange {
    pub status: String,
    pub date: String,
    pub reason: Option<String>,
}

/// The kinds a person has on `today`: stored ones plus the derived 高龄.
pub fn kinds_on(stored_json: &str, birth_date: Option<&str>, high_age: i64, today: NaiveDate) -> Vec<String> {
    let mut kinds: Vec<String> = serde_json::from_str(stored_json).unwrap_or_default();
    if person::age(birth_date, today).is_some_and(|a| a as i64 >= high_age) {
        kinds.push(HIGH_AGE.to_string());
    }
    kinds
}

pub fn high_age_threshold(conn: &Connection) -> Result<i64> {
    crate::settings::integer(conn, "elderly.high_age_threshold")
}

/// Puts a person on the roster. A person already known by the ID number is
/// reused (and updated) rather than registered twice; one already on the
/// roster is refused.
pub fn register(store: &mut Store, actor: &Actor, input: &ElderlyInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| register_in(w, input, today))
}

/// [`register`] inside a larger write (import, demo).
pub fn register_in(w: &mut WriteTx, input: &ElderlyInput, today: NaiveDate) -> Result<String> {
    w.actor().require(Permission::Write)?;
    if let Some(c) = optional(input.person.community_id.as_deref()) {
        let community = crate::office::resolve_in(w, &c)?;
        w.actor().require_community(Some(&community))?;
    }
    let idn = optional(input.person.id_number.as_deref())
        .ok_or_else(|| invalid("id_number", "请填写身份证号：花名册按身份证号核对年龄和身份"))?;
    let idn = person::parse_id(&idn)?;
    let person_id = match person::find_by_id_number(w.conn(), idn.as_str())? {
        Some(pid) => {
            w.actor().require_community(community_of_person(w.conn(), &pid)?.as_deref())?;
            if let Some(name) = roster_name(w.conn(), &pid)? {
                return Err(invalid("id_number", format!("“{name}”已在花名册中，请在列表中打开，不要重复登记")).into());
            }
            person::update(w, &pid, None, &keep_stored(w.conn(), &pid, &input.person)?)?;
            pid
        }
        None => person::create_unknown(w, &input.person, today)?,
    };
    let mut f = fields(w, input, &person_id, today)?;
    f.push(("person_id", person_id.into()));
    f.push(("status", ACTIVE.to_string().into()));
    let registered = match optional(input.registered_on.as_deref()) {
        Some(d) => validate::date("registered_on", "登记日期", &d)?,
        None => today,
    };
    if registered > today {
        return Err(invalid("registered_on", "登记日期不能晚于今天").into());
    }
    f.push(("registered_on", registered.to_string().into()));
    let id = new_id();
    w.insert(Table::Elderly, &id, &f)?;
    Ok(id)
}

/// Saves an edit of the roster entry and its person.
pub fn update(
    store: &mut Store,
    actor: &Actor,
    id: &str,
    expected_version: Option<i64>,
    input: &ElderlyInput,
    today: NaiveDate,
) -> Result<()> {
    store.write(actor, |w| update_in(w, id, expected_version, input, today))
}

/// [`update`] inside a larger write (import).
pub fn update_in(
    w: &mut WriteTx,
    id: &str,
    expected_version: Option<i64>,
    input: &ElderlyInput,
    today: NaiveDate,
) -> Result<()> {
    w.actor().require(Permission::Write)?;
    let person_id = person_of(w.conn(), id)?;
    w.actor().require_community(community_of_person(w.conn(), &person_id)?.as_deref())?;
    if let Some(c) = optional(input.person.community_id.as_deref()) {
        let community = crate::office::resolve_in(w, &c)?;
        w.actor().require_community(Some(&community))?;
    }
    let input = &keep_masked(w.conn(), id, &person_id, input)?;
    let person_changed = person::update(w, &person_id, None, &input.person)?;
    let f = fields(w, input, &person_id, today)?;
    // The form edits entry and person as one: the entry's version covers
    // both, so a stale form cannot put back a person field changed since.
    if !w.update(Table::Elderly, id, expected_version, &f)? && person_changed {
        w.touch(Table::Elderly, id)?;
    }
    Ok(())
}

/// Moves a person off the roster or back; the entry and its history stay.
pub fn change_status(
    store: &mut Store,
    actor: &Actor,
    id: &str,
    change: &StatusChange,
    today: NaiveDate,
) -> Result<()> {
    store.write(actor, |w| change_status_in(w, id, change, today))
}

/// [`change_status`] inside a larger write (import, demo).
pub fn change_status_in(w: &mut WriteTx, id: &str, change: &StatusChange, today: NaiveDate) -> Result<()> {
    require_writable(w, id)?;
    let current: String = w.conn().query_row("SELECT status FROM elderly WHERE id = ?1", [id], |r| r.get(0))?;
    if !allowed(&current, CHANGE_STATUS) {
        return Err(invalid("status", format!("该老人状态为“{current}”，不能再变动状态")).into());
    }
    let statuses = dict::labels(w.conn(), "roster_status")?;
    let status = validate::one_of("status", "状态", &change.status, &statuses)?;
    let date = validate::date("status_date", "变动日期", &change.date)?;
    if date > today {
        return Err(invalid("status_date", "变动日期不能晚于今天").into());
    }
    let reason = optional(change.reason.as_deref());
    if status == "迁出" && reason.is_none() {
        return Err(invalid("status_reason", "请填写迁出原因或去向").into());
    }
    let f =
        [("status", status.clone().into()), ("status_date", date.to_string().into()), ("status_reason", reason.into())];
    w.update(Table::Elderly, id, None, &f)?;
    if current == ACTIVE && status != ACTIVE {
        allowance::stop_on_leaving(w, id, &status, date)?;
        homecare::stop_on_leaving(w, id, date)?;
    }
    Ok(())
}

/// A roster entry, if the actor may see it.
pub fn get(conn: &Connection, actor: &Actor, id: &str, today: NaiveDate) -> Result<ElderlyPerson> {
    let person = person::get(conn, &person_of(conn, id)?, today)?;
    actor.require_community(person.community_id.as_deref())?;
    let high_age = high_age_threshold(conn)?;
    let e = conn
        .prepare_cached(&format!(
            "SELECT id, row_version, kinds, sanwu, enterprise_retiree, living_arrangement, economic_status,
                    disability_type, disability_grade, disability_cert, health_notes, emergency_name, emergency_phone,
                    emergency_relation, care_mode, visit_level, status, status_date, status_reason, registered_on,
                    risk_factors, {in_force}
             FROM elderly e WHERE id = ?1",
            in_force = assistance::IN_FORCE_SQL
        ))?
        .query_row([id], |r| {
            let kinds: String = r.get(2)?;
            let phone: Option<String> = r.get(12)?;
            let status: String = r.get(16)?;
            let mut kinds = kinds_on(&kinds, person.birth_date.as_deref(), high_age, today);
            let in_force: Option<String> = r.get(21)?;
            let unbacked_kinds = assistance::apply(&mut kinds, in_force.as_deref());
            Ok(ElderlyPerson {
                id: r.get(0)?,
                row_version: r.get(1)?,
                kinds,
                unbacked_kinds,
                person,
                sanwu: r.get(3)?,
                enterprise_retiree: r.get(4)?,
                living_arrangement: r.get(5)?,
                economic_status: r.get(6)?,
                disability_type: r.get(7)?,
                disability_grade: r.get(8)?,
                disability_cert: r.get(9)?,
                health_notes: r.get(10)?,
                emergency_name: r.get(11)?,
                emergency_phone_masked: phone.as_deref().map(crate::idcard::mask_phone),
                emergency_relation: r.get(13)?,
                care_mode: r.get(14)?,
                risk_factors: list(r.get(20)?),
                visit_level: r.get(15)?,
                actions: actions(&status),
                status,
                status_date: r.get(17)?,
                status_reason: r.get(18)?,
                registered_on: r.get(19)?,
            })
        })?;
    Ok(e)
}

/// The roster entry of a person, if any (the ID lookup uses it to open it).
pub fn of_person(conn: &Connection, person_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM elderly WHERE person_id = ?1")?
        .query_row([person_id], |r| r.get(0))
        .optional()?)
}

/// The edit form shows the ID number and phones masked and sends them empty
/// unless retyped: empty there means "keep what is stored".
fn keep_masked(conn: &Connection, id: &str, person_id: &str, input: &ElderlyInput) -> Result<ElderlyInput> {
    let emergency: Option<String> =
        conn.query_row("SELECT emergency_phone FROM elderly WHERE id = ?1", [id], |r| r.get(0))?;
    let mut input = input.clone();
    input.person = keep_stored(conn, person_id, &input.person)?;
    if optional(input.emergency_phone.as_deref()).is_none() {
        input.emergency_phone = emergency;
    }
    Ok(input)
}

/// The person's ID number and phone (which the form could only show masked),
/// address and household registration, when the form left them empty, are
/// kept as stored: registering a known person must not wipe what is known.
fn keep_stored(conn: &Connection, person_id: &str, input: &PersonInput) -> Result<PersonInput> {
    type Stored = (Option<String>, Option<String>, Option<String>, Option<String>);
    let (idn, phone, address, hukou): Stored =
        conn.query_row("SELECT id_number, phone, address, hukou FROM person WHERE id = ?1", [person_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    let mut input = input.clone();
    for (field, stored) in [
        (&mut input.id_number, idn),
        (&mut input.phone, phone),
        (&mut input.address, address),
        (&mut input.hukou, hukou),
    ] {
        if optional(field.as_deref()).is_none() {
            *field = stored;
        }
    }
    Ok(input)
}

/// The actor may write, and the entry's person is in their community.
pub(crate) fn require_writable(w: &WriteTx, elderly_id: &str) -> Result<()> {
    w.actor().require(Permission::Write)?;
    let person_id = person_of(w.conn(), elderly_id)?;
    w.actor().require_community(community_of_person(w.conn(), &person_id)?.as_deref())?;
    Ok(())
}

fn community_of_person(conn: &Connection, person_id: &str) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT community_id FROM person WHERE id = ?1")?.query_row([person_id], |r| r.get(0))?)
}

fn person_of(conn: &Connection, elderly_id: &str) -> Result<String> {
    conn.prepare_cached("SELECT person_id FROM elderly WHERE id = ?1")?
        .query_row([elderly_id], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound { what: "该老人" })
}

fn roster_name(conn: &Connection, person_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT p.name FROM elderly e JOIN person p ON p.id = e.person_id WHERE e.person_id = ?1")?
        .query_row([person_id], |r| r.get(0))
        .optional()?)
}

/// Checks the roster fields against the dictionaries; the person must
/// already be written (its age decides the minimum and the visit level).
fn fields(
    w: &mut WriteTx,
    input: &ElderlyInput,
    person_id: &str,
    today: NaiveDate,
) -> Result<Vec<(&'static str, Value)>> {
    // Only what the checks need: an import reads it for every row.
    let (community, birth_date): (Option<String>, Option<String>) = w
        .conn()
        .prepare_cached("SELECT community_id, birth_date FROM person WHERE id = ?1")?
        .query_row([person_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or(Error::NotFound { what: "该人员" })?;
    if community.is_none() {
        return Err(invalid("community_id", "请选择所属社区").into());
    }
    let age = person::age(birth_date.as_deref(), today).unwrap_or(0) as i64;
    check_age(w, input, age)?;
    let pick = |w: &mut WriteTx, field: &'static str, label: &str, dict_name: &str, v: &Option<String>| match optional(
        v.as_deref(),
    ) {
        Some(v) => Ok::<_, Error>(Some(validate::one_of(field, label, &v, &dict::labels_in(w, dict_name)?)?)),
        None => Ok(None),
    };
    let allowed_kinds = dict::labels_in(w, "elderly_kind")?;
    let mut kinds = Vec::new();
    for k in &input.kinds {
        let k = validate::one_of("kinds", "老人类别", k, &allowed_kinds)?;
        if k != HIGH_AGE && !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    let allowed_risks = dict::labels_in(w, "elderly_risk")?;
    let mut risks = Vec::new();
    for k in input.risk_factors.iter().filter(|k| !k.trim().is_empty()) {
        let k = validate::one_of("risk_factors", "风险因素", k, &allowed_risks)?;
        if !risks.contains(&k) {
            risks.push(k);
        }
    }
    let living = pick(w, "living_arrangement", "居住情况", "living_arrangement", &input.living_arrangement)?;
    let level = match pick(w, "visit_level", "探访等级", "visit_level", &input.visit_level)? {
        Some(l) => l,
        None => {
            let high_age = crate::settings::integer_in(w, "elderly.high_age_threshold")?;
            let facts = RiskFacts {
                kinds: &kinds,
                sanwu: input.sanwu,
                high_age: age >= high_age,
                living: living.as_deref(),
                risks: &risks,
            };
            suggested_level(&facts).to_string()
        }
    };
    Ok(vec![
        ("kinds", serde_json::to_string(&kinds).expect("list of strings").into()),
        ("sanwu", input.sanwu.into()),
        ("enterprise_retiree", input.enterprise_retiree.into()),
        ("living_arrangement", living.into()),
        ("economic_status", pick(w, "economic_status", "经济状况", "economic_status", &input.economic_status)?.into()),
        ("disability_type", pick(w, "disability_type", "残疾类别", "disability_type", &input.disability_type)?.into()),
        (
            "disability_grade",
            pick(w, "disability_grade", "残疾等级", "disability_grade", &input.disability_grade)?.into(),
        ),
        ("disability_cert", optional(input.disability_cert.as_deref()).into()),
        ("health_notes", optional(input.health_notes.as_deref()).into()),
        ("emergency_name", optional(input.emergency_name.as_deref()).into()),
        ("emergency_phone", validate::phone("emergency_phone", input.emergency_phone.as_deref())?.into()),
        ("emergency_relation", optional(input.emergency_relation.as_deref()).into()),
        ("care_mode", pick(w, "care_mode", "养老方式", "care_mode", &input.care_mode)?.into()),
        ("visit_level", level.into()),
        ("risk_factors", (!risks.is_empty()).then(|| serde_json::to_string(&risks).expect("list of strings")).into()),
    ])
}

/// The five kinds and 三无 start at `elderly.min_age` (60). An enterprise
/// retiree (企业退休人员, 社会化管理) may be younger: a woman retires at 50
/// or 55. Such a person is on the roster as a retiree only, kept apart from
/// the five kinds, down to `elderly.retiree_min_age`.
fn check_age(w: &mut WriteTx, input: &ElderlyInput, age: i64) -> Result<()> {
    let min_age = crate::settings::integer_in(w, "elderly.min_age")?;
    if age >= min_age {
        return Ok(());
    }
    if !input.enterprise_retiree {
        return Err(invalid(
            "id_number",
            format!("按身份证号计算该人员{age}岁，未满{min_age}周岁，不能登记到老年人花名册；企业退休人员请勾选“企业退休人员”"),
        )
        .into());
    }
    let retiree_min = crate::settings::integer_in(w, "elderly.retiree_min_age")?;
    if age < retiree_min {
        return Err(invalid(
            "id_number",
            format!("按身份证号计算该人员{age}岁，未满{retiree_min}周岁，不能作为企业退休人员登记"),
        )
        .into());
    }
    if input.sanwu || input.kinds.iter().any(|k| !k.trim().is_empty() && k != HIGH_AGE) {
        return Err(invalid(
            "kinds",
            format!("该人员{age}岁，未满{min_age}周岁，只能作为企业退休人员登记，不能勾选五类老人或三无"),
        )
        .into());
    }
    Ok(())
}

/// What the suggested visit level is decided from.
pub struct RiskFacts<'a> {
    /// The stored kinds (高龄 not among them).
    pub kinds: &'a [String],
    pub sanwu: bool,
    pub high_age: bool,
    /// 居住情况: 独居, 空巢, ….
    pub living: Option<&'a str>,
    /// 风险因素: 失能, 失智, 计划生育特殊家庭, 留守.
    pub risks: &'a [String],
}

/// The cadence some cities use, with the groups the 2022 探访关爱 guidance
/// adds: 80+ living alone, 失能 or 失智 (the cadence's "seriously ill") is
/// high-risk (weekly); any kind, 三无, 高龄, 空巢, 留守 or a 计划生育特殊家庭
/// is a key person (monthly); the rest quarterly.
pub fn suggested_level(f: &RiskFacts) -> &'static str {
    let has = |list: &[String], x: &str| list.iter().any(|k| k == x);
    let alone = has(f.kinds, "独居");
    if (f.high_age && alone) || has(f.risks, "失能") || has(f.risks, "失智") {
        "高风险"
    } else if f.sanwu || !f.kinds.is_empty() || f.high_age || f.living == Some("空巢") || !f.risks.is_empty() {
        "重点"
    } else {
        "一般"
    }
}

/// A stored JSON list (NULL: none).
fn list(stored: Option<String>) -> Vec<String> {
    stored.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default()
}

/// The person page: the roster entry with its services and visits.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ElderlyDetail {
    pub elderly: ElderlyPerson,
    pub services: Vec<care::ServiceRecord>,
    pub visits: Vec<care::VisitRecord>,
    /// 电话问候, newest first.
    pub calls: Vec<calls::CallRecord>,
    /// 救助与残疾记录, in force first.
    pub assistance: Vec<assistance::AssistanceRecord>,
    /// What the assistance form offers.
    pub assistance_choices: assistance::Choices,
    /// 慰问, newest first.
    pub condolences: Vec<condolence::CondolenceRecord>,
}

pub fn detail(conn: &Connection, actor: &Actor, id: &str, today: NaiveDate) -> Result<ElderlyDetail> {
    Ok(ElderlyDetail {
        elderly: get(conn, actor, id, today)?,
        services: care::services(conn, id)?,
        visits: care::visits(conn, id)?,
        calls: calls::calls(conn, id)?,
        assistance: assistance::records(conn, id)?,
        assistance_choices: assistance::choices(),
        condolences: condolence::condolences(conn, id)?,
    })
}

/// What the new-person form learns from a typed ID number: derived sex,
/// birth date and age, and the roster entry to open if the person is on it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ElderlyLookup {
    #[serde(flatten)]
    pub id: person::IdLookup,
    pub elderly_id: Option<String>,
}

pub fn lookup(conn: &Connection, actor: &Actor, id_number: &str, today: NaiveDate) -> Result<ElderlyLookup> {
    let id = person::lookup_id_number(conn, id_number, today)?;
    if let Some(p) = &id.existing {
        actor.require_community(p.community_id.as_deref())?;
    }
    let elderly_id = match &id.existing {
        Some(p) => of_person(conn, &p.id)?,
        None => None,
    };
    Ok(ElderlyLookup { id, elderly_id })
}
