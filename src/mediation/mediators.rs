//! 调解员名册 as committees keep it: besides name and certificate, each
//! mediator's sex, birth year, education, 专职/兼职 and term of appointment
//! (聘任期限), and the trainings they attended (培训: date, hours, topic).
//! The roster's short form (`super::mediators`) stays what case pages use.
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::MediatorInput;
use crate::access::{Actor, Permission};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{Error, Result};

pub const SEXES: [&str; 2] = ["男", "女"];
/// 文化程度, as the yearly mediator statistics group them.
pub const EDUCATIONS: [&str; 6] = ["小学", "初中", "高中（中专）", "大专", "本科", "研究生"];
/// 专职 (full-time) or 兼职 (part-time).
pub const EMPLOYMENTS: [&str; 2] = ["专职", "兼职"];

/// What a mediator is besides name and certificate; every part optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Profile {
    pub sex: Option<String>,
    pub birth_year: Option<i64>,
    pub education: Option<String>,
    pub employment: Option<String>,
    /// 聘任期限: from and to (YYYY-MM-DD).
    pub term_from: Option<String>,
    pub term_to: Option<String>,
}

fn pick(field: &'static str, label: &str, value: Option<&str>, allowed: &[&str]) -> Result<Option<String>> {
    match optional(value) {
        Some(v) if allowed.contains(&v.as_str()) => Ok(Some(v)),
        Some(v) => Err(invalid(field, format!("{label}“{v}”不在可选范围内，请选择{}", allowed.join("、"))).into()),
        None => Ok(None),
    }
}

/// The profile's fields, checked.
pub(crate) fn profile_fields(p: &Profile) -> Result<Vec<(&'static str, Value)>> {
    let sex = pick("sex", "性别", p.sex.as_deref(), &SEXES)?;
    if p.birth_year.is_some_and(|y| !(1900..=2100).contains(&y)) {
        return Err(invalid("birth_year", "出生年份应为四位年份，如1968").into());
    }
    let education = pick("education", "文化程度", p.education.as_deref(), &EDUCATIONS)?;
    let employment = pick("employment", "专职兼职", p.employment.as_deref(), &EMPLOYMENTS)?;
    let day = |field, label, v: Option<&str>| -> Result<Option<NaiveDate>> {
        Ok(match optional(v) {
            Some(s) => Some(validate::date(field, label, &s)?),
            None => None,
        })
    };
    let from = day("term_from", "聘任起始日期", p.term_from.as_deref())?;
    let to = day("term_to", "聘任终止日期", p.term_to.as_deref())?;
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(invalid("term_to", "聘任终止日期不能早于起始日期").into());
        }
    }
    Ok(vec![
        ("sex", sex.into()),
        ("birth_year", p.birth_year.into()),
        ("education", education.into()),
        ("employment", employment.into()),
        ("term_from", from.map(|d| d.to_string()).into()),
        ("term_to", to.map(|d| d.to_string()).into()),
    ])
}

/// The mediator's committee (None: the street's), after checking the actor
/// may change the mediator.
fn require_mediator(w: &WriteTx, id: &str) -> Result<Option<String>> {
    w.actor().require(Permission::Write)?;
    let community: Option<Option<String>> =
        w.conn().query_row("SELECT community_id FROM mediator WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    let community = community.ok_or(Error::NotFound { what: "调解员" })?;
    w.actor().require_community(community.as_deref())?;
    Ok(community)
}

/// Corrects a mediator: name, committee, certificate, phone and profile.
pub fn update(store: &mut Store, actor: &Actor, id: &str, m: &MediatorInput) -> Result<()> {
    store.write(actor, |w| {
        require_mediator(w, id)?;
        let community = match optional(m.community_id.as_deref()) {
            Some(c) => Some(crate::office::resolve(w.conn(), &c)?),
            None => None,
        };
        w.actor().require_community(community.as_deref())?;
        let mut fields: Vec<(&str, Value)> = vec![
            ("name", validate::required("name", "调解员姓名", &m.name)?.into()),
            ("community_id", community.into()),
            ("cert_no", optional(m.cert_no.as_deref()).into()),
            ("phone", validate::phone("phone", m.phone.as_deref())?.into()),
        ];
        fields.extend(profile_fields(&m.profile)?);
        w.update(Table::Mediator, id, None, &fields)?;
        Ok(())
    })
}

/// A mediator as the roster page lists them (phone masked), with their
/// trainings summed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MediatorRow {
    pub id: String,
    pub name: String,
    pub community_id: Option<String>,
    pub committee: String,
    pub cert_no: Option<String>,
    pub phone: Option<String>,
    #[serde(flatten)]
    pub profile: Profile,
    pub trainings: i64,
    pub training_hours: f64,
}

/// The active mediators with everything the roster keeps.
pub fn roster(conn: &Connection, _actor: &Actor) -> Result<Vec<MediatorRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.name, m.community_id, coalesce(c.name || '调委会', '街道调委会'), m.cert_no, m.phone,
                m.sex, m.birth_year, m.education, m.employment, m.term_from, m.term_to,
                (SELECT count(*) FROM mediator_training t WHERE t.mediator_id = m.id),
                (SELECT coalesce(sum(hours), 0) FROM mediator_training t WHERE t.mediator_id = m.id)
         FROM mediator m LEFT JOIN community c ON c.id = m.community_id WHERE m.active = 1
         ORDER BY m.community_id IS NOT NULL, c.sort, m.name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(MediatorRow {
            id: r.get(0)?,
            name: r.get(1)?,
            community_id: r.get(2)?,
            committee: r.get(3)?,
            cert_no: r.get(4)?,
            phone: r.get::<_, Option<String>>(5)?.map(|p| crate::idcard::mask_phone(&p)),
            profile: Profile {
                sex: r.get(6)?,
                birth_year: r.get(7)?,
                education: r.get(8)?,
                employment: r.get(9)?,
                term_from: r.get(10)?,
                term_to: r.get(11)?,
            },
            trainings: r.get(12)?,
            training_hours: r.get(13)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TrainingInput {
    pub mediator_id: String,
    pub date: String,
    /// Hours as typed (3, 1.5).
    pub hours: String,
    pub topic: String,
}

/// Records a training a mediator attended (not after today; 0.5 to 500 hours).
pub fn add_training(store: &mut Store, actor: &Actor, t: &TrainingInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| add_training_in(w, t, today))
}

pub fn add_training_in(w: &mut WriteTx, t: &TrainingInput, today: NaiveDate) -> Result<String> {
    require_mediator(w, &t.mediator_id)?;
    let date = validate::past_date("date", "培训日期", &t.date, today)?;
    let hours = validate::clean(&t.hours)
        .and_then(|h| h.parse::<f64>().ok())
        .filter(|h| (0.5..=500.0).contains(h))
        .ok_or_else(|| invalid("hours", "培训学时应为0.5到500之间的数，如 3 或 1.5"))?;
    let topic = validate::required("topic", "培训内容", &t.topic)?;
    let id = new_id();
    w.insert(
        Table::MediatorTraining,
        &id,
        &[
            ("mediator_id", t.mediator_id.clone().into()),
            ("date", date.to_string().into()),
            ("hours", hours.into()),
            ("topic", topic.into()),
        ],
    )?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Training {
    pub id: String,
    pub mediator_id: String,
    pub mediator: String,
    pub date: String,
    pub hours: f64,
    pub topic: String,
}

/// Trainings, newest first: of one mediator, or of every mediator.
pub fn trainings(conn: &Connection, _actor: &Actor, mediator_id: Option<&str>) -> Result<Vec<Training>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.mediator_id, m.name, t.date, t.hours, t.topic
         FROM mediator_training t JOIN mediator m ON m.id = t.mediator_id
         WHERE ?1 IS NULL OR t.mediator_id = ?1 ORDER BY t.date DESC, m.name",
    )?;
    let rows = stmt.query_map([mediator_id], |r| {
        Ok(Training {
            id: r.get(0)?,
            mediator_id: r.get(1)?,
            mediator: r.get(2)?,
            date: r.get(3)?,
            hours: r.get(4)?,
            topic: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The fixed choices of the mediation pages' forms, from the core.
#[derive(Debug, Clone, Serialize)]
pub struct Choices {
    pub sexes: &'static [&'static str],
    pub educations: &'static [&'static str],
    pub employments: &'static [&'static str],
    pub difficulties: &'static [&'static str],
    pub risks: &'static [&'static str],
    /// A case's statuses, in the order of its life.
    pub statuses: &'static [&'static str],
}

pub fn choices() -> Choices {
    Choices {
        sexes: &SEXES,
        educations: &EDUCATIONS,
        employments: &EMPLOYMENTS,
        difficulties: &super::subsidy::DIFFICULTIES,
        risks: &super::screening::RISKS,
        statuses: &super::lifecycle::STATUSES,
    }
}
