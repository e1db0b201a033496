//! 以案定补 (a subsidy per case): each case has a difficulty (简易/一般/疑难/
//! 重大), chosen at registration and editable; a case mediated successfully
//! (it has an agreement date) earns the rate of its difficulty in force in
//! the month of its agreement (settings `mediation.subsidy.<难度>`, effective
//! by month), counted in the quarter of that date and shared equally by its
//! mediators (in cents, the remainder to the first named). So the quarterly
//! roster's 合计 is the sum of its cases' subsidies.
use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use crate::access::Actor;
use crate::settings::{self, Dated};
use crate::store::{Store, Table};
use crate::validate::{invalid, optional};
use crate::{Error, Result};

pub const DIFFICULTIES: [&str; 4] = ["简易", "一般", "疑难", "重大"];
/// What a case registered without one (and every case before schema 17) counts as.
pub const DEFAULT: &str = "一般";

/// A difficulty as typed, checked; none is [`DEFAULT`].
pub fn difficulty(input: Option<&str>) -> Result<String> {
    match optional(input) {
        None => Ok(DEFAULT.to_string()),
        Some(d) if DIFFICULTIES.contains(&d.as_str()) => Ok(d),
        Some(d) => {
            Err(invalid("difficulty", format!("案件难度“{d}”不在可选范围内，请选择{}", DIFFICULTIES.join("、"))).into())
        }
    }
}

/// Changes a case's difficulty (any status: the subsidy follows it).
pub fn set_difficulty(store: &mut Store, actor: &Actor, case_id: &str, value: &str) -> Result<()> {
    store.write(actor, |w| {
        super::require_case(w, case_id)?;
        let d = difficulty(Some(value))?;
        w.update(Table::MediationCase, case_id, None, &[("difficulty", d.into())])?;
        Ok(())
    })
}

/// A case's difficulty and, once it has an agreement, its subsidy.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseSubsidy {
    pub difficulty: String,
    /// The agreement's date, once there is one.
    pub agreed_on: Option<String>,
    /// Cents; None before an agreement or while no rate is set for its month.
    pub cents: Option<i64>,
}

pub fn of_case(conn: &Connection, actor: &Actor, case_id: &str) -> Result<CaseSubsidy> {
    let row: Option<(Option<String>, Option<String>, Option<String>)> = conn
        .query_row("SELECT community_id, difficulty, agreement_on FROM mediation_case WHERE id = ?1", [case_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .ok();
    let (community, difficulty, agreed) = row.ok_or(Error::NotFound { what: "调解案件" })?;
    actor.require_community(community.as_deref())?;
    let agreed_on = agreed.clone();
    let agreed = agreed.and_then(|a| a.parse::<NaiveDate>().ok());
    let cents = match agreed {
        Some(on) => Rates::read(conn)?.case_cents(difficulty.as_deref(), on),
        None => None,
    };
    Ok(CaseSubsidy { difficulty: difficulty.unwrap_or_else(|| DEFAULT.into()), agreed_on, cents })
}

/// The four rates, read once.
pub struct Rates([Dated; 4]);

impl Rates {
    pub fn read(conn: &Connection) -> Result<Rates> {
        let rate = |d: &str| settings::dated(conn, &format!("mediation.subsidy.{d}"));
        Ok(Rates([rate(DIFFICULTIES[0])?, rate(DIFFICULTIES[1])?, rate(DIFFICULTIES[2])?, rate(DIFFICULTIES[3])?]))
    }

    /// A case's subsidy (cents) by the rate in force on its agreement date.
    pub fn case_cents(&self, difficulty: Option<&str>, agreed: NaiveDate) -> Option<i64> {
        self.0[index(difficulty)].in_month(agreed)
    }
}

/// The column of a difficulty; none or unknown counts as [`DEFAULT`].
fn index(difficulty: Option<&str>) -> usize {
    let d = difficulty.unwrap_or(DEFAULT);
    DIFFICULTIES.iter().position(|x| *x == d).unwrap_or(1)
}

/// `cents` shared by `n` mediators: equal shares, the remainder to the first.
pub fn split(cents: i64, n: usize) -> Vec<i64> {
    if n == 0 {
        return Vec::new();
    }
    let share = cents / n as i64;
    let mut out = vec![share; n];
    out[0] += cents - share * n as i64;
    out
}

/// One mediator's line of the roster.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Line {
    pub mediator_id: String,
    pub name: String,
    pub committee: String,
    /// Cases by difficulty, in [`DIFFICULTIES`] order (a shared case counts
    /// for each of its mediators).
    pub counts: [i64; 4],
    pub cents: i64,
    /// A case of theirs fell in a month with no rate set.
    pub rate_missing: bool,
}

/// 以案定补发放表 lines for the cases agreed from `from` to `to` (both
/// included) of one committee (`community`: a community's, or every
/// committee when None), one per mediator with a case, in roster order.
pub fn roster(conn: &Connection, community: Option<&str>, from: NaiveDate, to: NaiveDate) -> Result<Vec<Line>> {
    let rates = Rates::read(conn)?;
    let mut order: HashMap<String, (usize, Line)> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.name, coalesce(c.name || '调委会', '街道调委会') FROM mediator m
         LEFT JOIN community c ON c.id = m.community_id ORDER BY m.community_id IS NOT NULL, c.sort, m.name, m.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let line = Line { mediator_id: r.get(0)?, name: r.get(1)?, committee: r.get(2)?, ..Default::default() };
        order.insert(line.mediator_id.clone(), (order.len(), line));
    }
    let mut cases = conn.prepare_cached(
        "SELECT mediators, difficulty, agreement_on FROM mediation_case
         WHERE agreement_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR community_id = ?3)",
    )?;
    let mut rows = cases.query(rusqlite::params![from.to_string(), to.to_string(), community])?;
    let mut seen = std::collections::BTreeSet::new();
    while let Some(r) = rows.next()? {
        let ids: Vec<String> = serde_json::from_str(&r.get::<_, String>(0)?).unwrap_or_default();
        let difficulty: Option<String> = r.get(1)?;
        let Ok(agreed) = r.get::<_, String>(2)?.parse::<NaiveDate>() else { continue };
        let cents = rates.case_cents(difficulty.as_deref(), agreed);
        for (id, share) in ids.iter().zip(split(cents.unwrap_or(0), ids.len())) {
            let Some((at, line)) = order.get_mut(id) else { continue };
            line.counts[index(difficulty.as_deref())] += 1;
            line.cents += share;
            line.rate_missing |= cents.is_none();
            seen.insert((*at, id.clone()));
        }
    }
    Ok(seen.into_iter().filter_map(|(_, id)| order.remove(&id).map(|(_, line)| line)).collect())
}
