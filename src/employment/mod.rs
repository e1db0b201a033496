//! The re-employment register (社区再就业): households and zero-employment
//! households (零就业家庭), hard-to-employ people's cases (就业援助台账) with
//! training, follow-up services and outcome, public-welfare posts
//! (公益性岗位), guaranteed start-up loans (创业担保贷款) and hardship relief
//! (春风行动). Persons come from the shared person table; every write goes
//! through the one write path, so all of it syncs.
pub mod case;
pub mod household;
pub mod loans;
pub mod posts;
pub mod rules;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};

use crate::access::Permission;
use crate::person::{self, PersonInput};
use crate::store::WriteTx;
use crate::validate::{invalid, optional};
use crate::{Error, Result};

/// What the register's forms offer that the core decides: the categories it
/// derives (never ticked), the closure reasons, a woman's retirement bases
/// and the loan borrowers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Choices {
    pub derived_categories: &'static [&'static str],
    pub close_reasons: &'static [&'static str],
    pub retire_bases: &'static [&'static str],
    pub borrowers: &'static [&'static str],
    /// A case's statuses (在册, 已就业, 已结案).
    pub statuses: &'static [&'static str],
}

pub const CHOICES: Choices = Choices {
    derived_categories: &case::DERIVED,
    close_reasons: &case::CLOSE_REASONS,
    retire_bases: &rules::BASES,
    borrowers: &[loans::PERSON, loans::ENTERPRISE],
    statuses: &case::STATUSES,
};

/// A person's community, for the access check.
pub(crate) fn community_of(conn: &Connection, person_id: &str) -> Result<Option<String>> {
    conn.prepare_cached("SELECT community_id FROM person WHERE id = ?1")?
        .query_row([person_id], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound { what: "人员" })
}

/// May this actor change the records about this person?
pub(crate) fn require_person(w: &WriteTx, person_id: &str) -> Result<()> {
    w.actor().require(Permission::Write)?;
    w.actor().require_community(community_of(w.conn(), person_id)?.as_deref())?;
    Ok(())
}

/// The person an entry is about: the one with this ID number if on file
/// (the registers share persons), else a new one. An ID number is required.
pub(crate) fn person_for(w: &mut WriteTx, input: &PersonInput, today: NaiveDate) -> Result<String> {
    w.actor().require(Permission::Write)?;
    if let Some(c) = optional(input.community_id.as_deref()) {
        w.actor().require_community(Some(&crate::office::resolve(w.conn(), &c)?))?;
    }
    let idn = optional(input.id_number.as_deref())
        .ok_or_else(|| invalid("id_number", "请填写身份证号：按身份证号核对年龄、性别和是否已登记"))?;
    let idn = person::parse_id(&idn)?;
    match person::find_by_id_number(w.conn(), idn.as_str())? {
        Some(pid) => {
            require_person(w, &pid)?;
            Ok(pid)
        }
        None => person::create(w, input, today),
    }
}

/// Sex and birth date of a person, from the stored fields.
pub(crate) fn sex_and_birth(conn: &Connection, person_id: &str) -> Result<Option<(crate::idcard::Sex, NaiveDate)>> {
    let (sex, birth): (Option<String>, Option<String>) = conn
        .prepare_cached("SELECT sex, birth_date FROM person WHERE id = ?1")?
        .query_row([person_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let sex = match sex.as_deref() {
        Some("男") => crate::idcard::Sex::Male,
        Some("女") => crate::idcard::Sex::Female,
        _ => return Ok(None),
    };
    Ok(birth.and_then(|b| b.parse().ok()).map(|b| (sex, b)))
}

/// A person's span of working age, with a woman's own retirement base;
/// None when the person's sex or birth date is not known.
pub(crate) fn working_age(conn: &Connection, person_id: &str, base: Option<&str>) -> Result<Option<rules::WorkingAge>> {
    match sex_and_birth(conn, person_id)? {
        Some((sex, birth)) => Ok(Some(rules::WorkingAge::of(conn, sex, birth, base)?)),
        None => Ok(None),
    }
}

/// A date as the messages give it: 2026年3月1日.
pub(crate) fn chinese_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A woman's retirement base as typed (工人/干部, or empty for the office's
/// setting); a man's is always empty.
pub(crate) fn retire_base(input: Option<&str>) -> Result<Option<String>> {
    match optional(input) {
        None => Ok(None),
        Some(b) => {
            Ok(Some(crate::validate::one_of("retire_base", "退休年龄类别", &b, &rules::BASES.map(String::from))?))
        }
    }
}

/// An optional date typed by the user, not after today.
pub(crate) fn optional_past_date(
    field: &'static str,
    label: &str,
    input: Option<&str>,
    today: NaiveDate,
) -> Result<Option<NaiveDate>> {
    match optional(input) {
        None => Ok(None),
        Some(s) => Ok(Some(crate::validate::past_date(field, label, &s, today)?)),
    }
}
