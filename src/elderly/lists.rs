//! Lists of the roster for the year's work: 生日名单 (birthdays in a
//! month), 百岁老人 (centenarians) and the 重阳节 list by age band with
//! who has had a 重阳节 慰问. The reports (`crate::report`) print and
//! export them; the rules are here.
//!
//! Ages on these lists are the age *reached in the year* (the year minus
//! the birth year): a person turning 100 in December is on January's
//! 百岁老人 list, as offices count them for the year's 慰问.
use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use crate::Result;

/// The 重阳节 list's age bands (domain: the common split 80–89, 90–99,
/// 100+): (label, lowest age, highest age).
pub const BANDS: [(&str, i32, Option<i32>); 3] =
    [("80–89岁", 80, Some(89)), ("90–99岁", 90, Some(99)), ("100岁及以上", 100, None)];

/// 百岁老人: this age reached in the year.
pub const CENTENARIAN: i32 = 100;

/// The day a birthday is kept in `year`. Someone born on 29 February keeps
/// it on 28 February in a common year: still in February, so the month's
/// list has them, and before the month ends.
pub fn birthday_in(birth: NaiveDate, year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, birth.month(), 28))
        .expect("every month has a 28th")
}

/// The age reached in `year`.
pub fn age_reached(birth: NaiveDate, year: i32) -> i32 {
    year - birth.year()
}

/// The band of an age reached, as its index in [`BANDS`].
pub fn band_of(age: i32) -> Option<usize> {
    BANDS.iter().position(|(_, lo, hi)| age >= *lo && hi.is_none_or(|h| age <= h))
}

/// A person on one of the lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub elderly_id: String,
    pub community: String,
    pub name: String,
    pub sex: String,
    pub id_number: Option<String>,
    pub birth: NaiveDate,
    /// Reached in the list's year.
    pub age: i32,
    /// The day the birthday is kept in the list's year.
    pub birthday: NaiveDate,
}

/// Everyone on the roster on `on` (registered by then, not left by then)
/// with a birth date, in `community` (all when `None`), by community and
/// name; ages for the year of `on`.
pub fn on_roster(conn: &Connection, community: Option<&str>, on: NaiveDate) -> Result<Vec<Listed>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.id, coalesce(c.name, ''), p.name, coalesce(p.sex, ''), p.id_number, p.birth_date
         FROM elderly e JOIN person p ON p.id = e.person_id LEFT JOIN community c ON c.id = p.community_id
         WHERE (?1 IS NULL OR p.community_id = ?1) AND p.birth_date IS NOT NULL
           AND e.registered_on <= ?2 AND (e.status = '在册' OR e.status_date > ?2)
         ORDER BY c.sort, c.name, p.name_key",
    )?;
    let rows = stmt.query_map((community, on.to_string()), |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get::<_, String>(5)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (elderly_id, community, name, sex, id_number, birth) = row?;
        let Ok(birth) = NaiveDate::parse_from_str(&birth, "%Y-%m-%d") else { continue };
        out.push(Listed {
            elderly_id,
            community,
            name,
            sex,
            id_number,
            age: age_reached(birth, on.year()),
            birthday: birthday_in(birth, on.year()),
            birth,
        });
    }
    Ok(out)
}

/// 生日名单: those on the roster at `to` whose birthday, as kept that
/// year, falls between `from` and `to` (a month, or any span within one
/// year), by birthday.
pub fn birthdays(conn: &Connection, community: Option<&str>, from: NaiveDate, to: NaiveDate) -> Result<Vec<Listed>> {
    let mut list: Vec<Listed> =
        on_roster(conn, community, to)?.into_iter().filter(|l| l.birthday >= from && l.birthday <= to).collect();
    list.sort_by_key(|l| l.birthday);
    Ok(list)
}

/// 百岁老人: those on the roster at `on` who reach 100 or more in its year.
pub fn centenarians(conn: &Connection, community: Option<&str>, on: NaiveDate) -> Result<Vec<Listed>> {
    Ok(on_roster(conn, community, on)?.into_iter().filter(|l| l.age >= CENTENARIAN).collect())
}

/// The 重阳节 list: those on the roster at `on` in an age band, by band;
/// with their 重阳节 慰问 of that year (date, gift or amount) if any.
pub fn double_ninth(
    conn: &Connection,
    community: Option<&str>,
    on: NaiveDate,
) -> Result<Vec<(usize, Listed, Option<Visited>)>> {
    let year = on.year();
    let mut stmt = conn.prepare_cached(
        "SELECT date, gift, amount_cents FROM elderly_condolence
         WHERE elderly_id = ?1 AND kind = ?2 AND date BETWEEN ?3 AND ?4 ORDER BY date DESC LIMIT 1",
    )?;
    let mut out = Vec::new();
    for l in on_roster(conn, community, on)? {
        let Some(band) = band_of(l.age) else { continue };
        let visited = stmt
            .query_map(
                (&l.elderly_id, super::condolence::DOUBLE_NINTH, format!("{year}-01-01"), format!("{year}-12-31")),
                |r| Ok(Visited { date: r.get(0)?, gift: r.get(1)?, amount_cents: r.get(2)? }),
            )?
            .next()
            .transpose()?;
        out.push((band, l, visited));
    }
    out.sort_by_key(|(band, _, _)| *band);
    Ok(out)
}

/// A 重阳节 慰问 made.
#[derive(Debug, Clone, PartialEq)]
pub struct Visited {
    pub date: String,
    pub gift: Option<String>,
    pub amount_cents: Option<i64>,
}
