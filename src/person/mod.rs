//! Persons (人员): one table shared by every register. The ID number is the
//! natural key; sex and birth date come from it, and age is always computed
//! for the date asked, never stored.
pub(crate) mod derived;
pub mod search;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::idcard::{self, IdNumber, Sex};
use crate::store::{new_id, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{office, pinyin, Error, Result};

/// A person as the user enters it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PersonInput {
    pub name: String,
    pub id_number: Option<String>,
    /// Only for persons without an ID number; otherwise derived.
    pub sex: Option<String>,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub community_id: Option<String>,
    pub address: Option<String>,
    pub hukou: Option<String>,
}

/// A person as shown: ID number and phone masked, age for the date asked.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Person {
    pub id: String,
    pub row_version: i64,
    pub name: String,
    pub id_number_masked: Option<String>,
    pub sex: Option<String>,
    pub birth_date: Option<String>,
    pub age: Option<u32>,
    pub phone_masked: Option<String>,
    pub community_id: Option<String>,
    pub community_name: Option<String>,
    pub address: Option<String>,
    pub hukou: Option<String>,
}

/// What an ID number tells before anything is saved (the form shows it as
/// soon as the number is typed), and whether that person is already known.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IdLookup {
    pub sex: String,
    pub birth_date: String,
    pub age: u32,
    pub existing: Option<Person>,
}

pub fn lookup_id_number(conn: &Connection, input: &str, today: NaiveDate) -> Result<IdLookup> {
    let id = parse_id(input)?;
    let existing = match find_by_id_number(conn, id.as_str())? {
        Some(pid) => Some(get(conn, &pid, today)?),
        None => None,
    };
    Ok(IdLookup {
        sex: id.sex().label().to_string(),
        birth_date: id.birth_date().to_string(),
        age: id.age_on(today),
        existing,
    })
}

pub fn parse_id(input: &str) -> Result<IdNumber> {
    IdNumber::parse(input).map_err(|e| invalid("id_number", e.to_string()).into())
}

pub fn find_by_id_number(conn: &Connection, id_number: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM person WHERE id_number = ?1")?
        .query_row([id_number], |r| r.get(0))
        .optional()?)
}

const SELECT: &str = "SELECT p.id, p.row_version, p.name, p.id_number, p.sex, p.birth_date, p.phone,
    p.community_id, c.name, p.address, p.hukou FROM person p LEFT JOIN community c ON c.id = p.community_id";

pub fn get(conn: &Connection, id: &str, today: NaiveDate) -> Result<Person> {
    conn.prepare_cached(&format!("{SELECT} WHERE p.id = ?1"))?
        .query_row([id], |r| from_row(r, today))
        .optional()?
        .ok_or(Error::NotFound { what: "该人员" })
}

fn from_row(r: &Row, today: NaiveDate) -> rusqlite::Result<Person> {
    let id_number: Option<String> = r.get(3)?;
    let birth_date: Option<String> = r.get(5)?;
    let phone: Option<String> = r.get(6)?;
    Ok(Person {
        id: r.get(0)?,
        row_version: r.get(1)?,
        name: r.get(2)?,
        id_number_masked: id_number.as_deref().map(mask_id),
        sex: r.get(4)?,
        age: age(birth_date.as_deref(), today),
        birth_date,
        phone_masked: phone.as_deref().map(idcard::mask_phone),
        community_id: r.get(7)?,
        community_name: r.get(8)?,
        address: r.get(9)?,
        hukou: r.get(10)?,
    })
}

/// Stored ID numbers are validated, but mask defensively all the same.
pub fn mask_id(id_number: &str) -> String {
    IdNumber::parse(id_number).map(|i| i.masked()).unwrap_or_else(|_| "*".repeat(id_number.chars().count()))
}

pub fn age(birth_date: Option<&str>, today: NaiveDate) -> Option<u32> {
    let b = NaiveDate::parse_from_str(birth_date?, "%Y-%m-%d").ok()?;
    Some(idcard::age_on(b, today))
}

/// Checks the input and turns it into the person's fields; nothing is
/// written when this fails.
fn fields(w: &mut WriteTx, input: &PersonInput) -> Result<Vec<(&'static str, Value)>> {
    let name = validate::required("name", "姓名", &input.name)?;
    if name.chars().count() > 30 {
        return Err(invalid("name", "姓名过长（最多30个字），请核对").into());
    }
    let id = match optional(input.id_number.as_deref()) {
        Some(s) => Some(parse_id(&s)?),
        None => None,
    };
    let (sex, birth) = match &id {
        Some(id) => (Some(id.sex().label().to_string()), Some(id.birth_date().to_string())),
        None => {
            let sex = match optional(input.sex.as_deref()) {
                Some(s) if s == Sex::Male.label() || s == Sex::Female.label() => Some(s),
                Some(_) => return Err(invalid("sex", "性别请选择“男”或“女”").into()),
                None => None,
            };
            let birth = match optional(input.birth_date.as_deref()) {
                Some(s) => Some(validate::date("birth_date", "出生日期", &s)?.to_string()),
                None => None,
            };
            (sex, birth)
        }
    };
    let community = match optional(input.community_id.as_deref()) {
        Some(c) => Some(office::resolve_in(w, &c)?),
        None => None,
    };
    Ok(vec![
        ("name", name.clone().into()),
        ("name_key", pinyin::sort_key(&name).into()),
        ("id_number", id.map(|i| i.to_string()).into()),
        ("sex", sex.into()),
        ("birth_date", birth.into()),
        ("phone", validate::phone("phone", input.phone.as_deref())?.into()),
        ("community_id", community.into()),
        ("address", optional(input.address.as_deref()).into()),
        ("hukou", optional(input.hukou.as_deref()).into()),
    ])
}

/// Registers a new person. An ID number already on file is refused with the
/// message naming who holds it: callers open that person instead.
/// `today` dates the record, so that generated and imported data depend on
/// their inputs, not on the wall clock.
pub fn create(w: &mut WriteTx, input: &PersonInput, today: NaiveDate) -> Result<String> {
    insert(w, input, today, true)
}

/// [`create`] for a caller that knows no person has this ID number (the
/// roster's registration has just looked; the demo made it unique in a new
/// office): the lookup is not made twice (the unique index still holds it).
pub(crate) fn create_unknown(w: &mut WriteTx, input: &PersonInput, today: NaiveDate) -> Result<String> {
    insert(w, input, today, false)
}

fn insert(w: &mut WriteTx, input: &PersonInput, today: NaiveDate, check_duplicate: bool) -> Result<String> {
    let mut f = fields(w, input)?;
    if check_duplicate {
        refuse_duplicate(w, &f, None)?;
    }
    let id = new_id();
    f.push(("created_at", today.to_string().into()));
    w.insert(Table::Person, &id, &f)?;
    Ok(id)
}

pub fn update(w: &mut WriteTx, id: &str, expected_version: Option<i64>, input: &PersonInput) -> Result<bool> {
    let f = fields(w, input)?;
    refuse_duplicate(w, &f, Some(id))?;
    w.update(Table::Person, id, expected_version, &f)
}

/// Names the holder of a duplicate ID number only to someone who may see
/// them: a community worker learns nothing about other communities.
fn refuse_duplicate(w: &WriteTx, f: &[(&str, Value)], this: Option<&str>) -> Result<()> {
    let conn = w.conn();
    let Some((_, Value::Text(idn))) = f.iter().find(|(k, _)| *k == "id_number") else { return Ok(()) };
    match find_by_id_number(conn, idn)? {
        Some(other) if Some(other.as_str()) != this => {
            let (name, community): (String, Option<String>) =
                conn.query_row("SELECT name, community_id FROM person WHERE id = ?1", [&other], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            if w.actor().require_community(community.as_deref()).is_err() {
                return Err(invalid("id_number", "该身份证号已在其他社区登记，请联系街道工作人员核实").into());
            }
            Err(invalid("id_number", format!("该身份证号已登记为“{name}”，请打开已有人员，不要重复登记")).into())
        }
        _ => Ok(()),
    }
}

/// A page of results, with the total for the pager.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
}

/// Page numbers start at 1; a page holds at most 200 rows, 50 if unset.
pub fn limit_offset(page: u32, page_size: u32) -> (u32, u32, i64, i64) {
    let page = page.max(1);
    // Unset (0) means the usual page of 50.
    let size = if page_size == 0 { 50 } else { page_size.min(200) };
    (page, size, size as i64, ((page - 1) * size) as i64)
}

/// The full ID number and phone, shown on request (查看完整信息) to roles
/// that may see them; every request is audited.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Revealed {
    pub id_number: Option<String>,
    pub phone: Option<String>,
}

pub fn reveal(store: &crate::store::Store, actor: &crate::access::Actor, person_id: &str) -> Result<Revealed> {
    actor.require(crate::access::Permission::Unmask)?;
    type Row = (Option<String>, Option<String>, Option<String>, String);
    let row: Option<Row> = store
        .conn()
        .prepare_cached("SELECT id_number, phone, community_id, name FROM person WHERE id = ?1")?
        .query_row([person_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let (id_number, phone, community, name) = row.ok_or(Error::NotFound { what: "该人员" })?;
    actor.require_community(community.as_deref())?;
    crate::audit::record(
        store,
        &actor.user,
        crate::audit::Action::Unmask,
        person_id,
        &format!("查看“{name}”的完整身份证号和电话"),
    )?;
    Ok(Revealed { id_number, phone })
}
