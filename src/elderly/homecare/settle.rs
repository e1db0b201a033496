//! What a month's purchased services come to (结算): per provider and
//! person, the hours, the amount (hours × the price each service was
//! recorded with), the government's subsidy and the self-pay.
//!
//! A person's entitlement is per month, whatever the provider: the month's
//! services are taken in date order (then as recorded) and the government
//! pays their hours until the month's entitled hours are used up; the rest
//! is self-paid and flagged (超出). So a person served by two providers is
//! subsidised once, and the providers' settlements add up to the month.
//! Hours are counted in hundredths (centi-hours) so sums are exact.
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};

use super::LEVELS;
use crate::settings::{self, Dated};
use crate::Result;

/// Centi-hours as hours.
pub fn hours(centi: i64) -> f64 {
    centi as f64 / 100.0
}

fn centi(hours: f64) -> i64 {
    (hours * 100.0).round() as i64
}

/// Hours (centi) at a price per hour (fen), to the fen.
fn amount(centi: i64, price: i64) -> i64 {
    (centi * price + 50).div_euclid(100)
}

/// The entitled hours per level, as the settings say for each month.
pub struct Hours(Vec<(&'static str, Dated)>);

impl Hours {
    pub fn read(conn: &Connection) -> Result<Hours> {
        let mut out = Vec::new();
        for level in LEVELS {
            out.push((level, settings::dated(conn, &format!("elderly.care.hours.{level}"))?));
        }
        Ok(Hours(out))
    }

    /// Centi-hours of `level` in the month of `month`; a level not set, none.
    pub fn of(&self, level: &str, month: NaiveDate) -> i64 {
        self.0.iter().find(|(l, _)| *l == level).and_then(|(_, d)| d.in_month(month)).unwrap_or(0)
    }
}

/// The level in force for a person in the month starting `month`.
fn level_in(conn: &Connection, elderly_id: &str, month: NaiveDate) -> Result<Option<String>> {
    let m = month.format("%Y-%m").to_string();
    Ok(conn
        .prepare_cached(
            "SELECT level FROM elderly_care_entitlement
             WHERE elderly_id = ?1 AND from_month <= ?2 AND (stop_month IS NULL OR stop_month > ?2)
             ORDER BY from_month DESC LIMIT 1",
        )?
        .query_row((elderly_id, &m), |r| r.get(0))
        .optional()?)
}

/// The last day of the month starting `month`.
pub fn last_day(month: NaiveDate) -> NaiveDate {
    month.checked_add_months(chrono::Months::new(1)).expect("a month later") - chrono::Duration::days(1)
}

/// One person's month: the level, entitled and purchased centi-hours.
pub struct PersonMonth {
    pub level: Option<String>,
    pub entitled: i64,
    pub used: i64,
}

impl PersonMonth {
    pub fn over(&self) -> i64 {
        (self.used - self.entitled).max(0)
    }
}

pub fn person_month(conn: &Connection, elderly_id: &str, month: NaiveDate) -> Result<PersonMonth> {
    let level = level_in(conn, elderly_id, month)?;
    let entitled = level.as_deref().map_or(0, |l| Hours::read(conn).map(|h| h.of(l, month)).unwrap_or(0));
    let last = last_day(month);
    let used: f64 = conn
        .prepare_cached(
            "SELECT coalesce(sum(hours), 0) FROM elderly_service
             WHERE elderly_id = ?1 AND provider_id IS NOT NULL AND date BETWEEN ?2 AND ?3",
        )?
        .query_row((elderly_id, month.to_string(), last.to_string()), |r| r.get(0))?;
    Ok(PersonMonth { level, entitled, used: centi(used) })
}

/// A person's settlement with one provider over the period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line {
    pub provider_id: String,
    pub elderly_id: String,
    pub community: String,
    pub name: String,
    pub id_number: Option<String>,
    /// The level of the last month served (none: not assessed).
    pub level: Option<String>,
    /// Entitled centi-hours of the months served by this provider.
    pub entitled: i64,
    pub hours: i64,
    pub amount: i64,
    pub subsidy: i64,
    pub self_pay: i64,
    /// Hours beyond the entitlement, self-paid (centi).
    pub over: i64,
    /// For ordering: the community's place, the name's key.
    sort: (i64, String),
    /// The last month counted into `entitled`.
    month: Option<NaiveDate>,
}

/// Every purchased service between `from` and `to` (whole months get the
/// month's entitlement), in the community if one is given: lines by
/// provider, then community and name.
pub fn lines(conn: &Connection, community: Option<&str>, from: NaiveDate, to: NaiveDate) -> Result<Vec<Line>> {
    let rules = Hours::read(conn)?;
    let period = crate::report::Period { from, to, label: String::new() };
    let mut out: BTreeMap<(String, String), Line> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT s.elderly_id, s.provider_id, s.hours, coalesce(s.unit_price_cents, 0),
                coalesce(c.name, ''), coalesce(c.sort, 0), p.name, p.name_key, p.id_number
         FROM elderly_service s JOIN elderly e ON e.id = s.elderly_id JOIN person p ON p.id = e.person_id
         LEFT JOIN community c ON c.id = p.community_id
         WHERE s.provider_id IS NOT NULL AND s.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR p.community_id = ?3)
         ORDER BY s.elderly_id, s.date, s.id",
    )?;
    for (start, end) in period.months() {
        let month = start.with_day(1).expect("day 1 exists");
        let mut rows = stmt.query((start.to_string(), end.to_string(), community))?;
        // The person whose services are being taken, with what is left of
        // their month's entitlement.
        let mut current: Option<(String, Option<String>, i64)> = None;
        while let Some(r) = rows.next()? {
            let elderly_id: String = r.get(0)?;
            let provider_id: String = r.get(1)?;
            let h = centi(r.get::<_, Option<f64>>(2)?.unwrap_or(0.0));
            let price: i64 = r.get(3)?;
            if current.as_ref().is_none_or(|(id, _, _)| *id != elderly_id) {
                let level = level_in(conn, &elderly_id, month)?;
                let entitled = level.as_deref().map_or(0, |l| rules.of(l, month));
                current = Some((elderly_id.clone(), level, entitled));
            }
            let (_, level, left) = current.as_mut().expect("set above");
            let line = out.entry((provider_id.clone(), elderly_id.clone())).or_insert_with(|| Line {
                provider_id,
                elderly_id: elderly_id.clone(),
                community: r.get(4).unwrap_or_default(),
                name: r.get(6).unwrap_or_default(),
                id_number: r.get(8).unwrap_or_default(),
                sort: (r.get(5).unwrap_or_default(), r.get(7).unwrap_or_default()),
                ..Line::default()
            });
            // The person's entitlement of the month, once per provider.
            if line.month != Some(month) {
                line.month = Some(month);
                line.entitled += level.as_deref().map_or(0, |l| rules.of(l, month));
            }
            line.level = level.clone().or(line.level.take());
            let covered = h.min(*left);
            *left -= covered;
            let a = amount(h, price);
            let s = amount(covered, price);
            line.hours += h;
            line.amount += a;
            line.subsidy += s;
            line.self_pay += a - s;
            line.over += h - covered;
        }
    }
    let mut lines: Vec<Line> = out.into_values().collect();
    lines.sort_by(|a, b| a.provider_id.cmp(&b.provider_id).then_with(|| a.sort.cmp(&b.sort)));
    Ok(lines)
}
