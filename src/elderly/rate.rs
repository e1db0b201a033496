//! 月探访率 (monthly visit rate): of the persons due a home visit in a
//! month, those visited in it, per community.
//!
//! Who is due in a month follows the visit levels' intervals
//! (elderly.visit_days.*), as the list of visits due does. A person on the
//! roster at the month's end is due in it when their level asks for a visit
//! at least monthly (an interval of 31 days or less: 高风险 weekly, 重点
//! monthly), or when their next visit, counted from their last home visit
//! before the month (never visited: from registration), falls due by the
//! month's end (一般, quarterly, in the month their quarter runs out, and
//! every month after until visited). Visited: at least one home visit dated
//! in the month. Phone check-ins and visits of the way 电话 are contact, not
//! home visits (`care::PHONE_WAY`).
use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;

use super::care::{intervals, parse, PHONE_WAY};
use super::ACTIVE;
use crate::Result;

/// An interval this short or shorter means a visit every month.
const MONTHLY_DAYS: i64 = 31;

/// Persons due a home visit in a month and those of them visited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VisitCount {
    pub due: i64,
    pub visited: i64,
}

impl VisitCount {
    /// The rate, none when no one was due.
    pub fn rate(&self) -> Option<f64> {
        (self.due > 0).then(|| self.visited as f64 / self.due as f64)
    }
}

/// The counts of the month `from..=to` by community id (`None`: persons of
/// no community), of one community when `community` is given.
pub fn month(
    conn: &Connection,
    community: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<Option<String>, VisitCount>> {
    let interval = intervals(conn)?;
    let mut stmt = conn.prepare_cached(
        "SELECT p.community_id, e.visit_level, e.registered_on,
                (SELECT max(v.date) FROM elderly_visit v WHERE v.elderly_id = e.id AND v.date < ?1 AND v.way <> ?4),
                EXISTS (SELECT 1 FROM elderly_visit v
                        WHERE v.elderly_id = e.id AND v.date BETWEEN ?1 AND ?2 AND v.way <> ?4)
         FROM elderly e JOIN person p ON p.id = e.person_id
         WHERE e.registered_on <= ?2 AND (e.status = ?5 OR e.status_date > ?2)
           AND (?3 IS NULL OR p.community_id = ?3)",
    )?;
    let mut counts: HashMap<Option<String>, VisitCount> = HashMap::new();
    let mut rows = stmt.query((from.to_string(), to.to_string(), community, PHONE_WAY, ACTIVE))?;
    while let Some(r) = rows.next()? {
        let level: String = r.get(1)?;
        let days = *interval.get(&level).unwrap_or(&90);
        let next = match r.get::<_, Option<String>>(3)? {
            Some(last) => parse(&last) + Duration::days(days),
            None => parse(&r.get::<_, String>(2)?),
        };
        if days > MONTHLY_DAYS && next > to {
            continue;
        }
        let c = counts.entry(r.get(0)?).or_default();
        c.due += 1;
        c.visited += r.get::<_, bool>(4)? as i64;
    }
    Ok(counts)
}
