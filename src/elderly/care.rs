//! Home-care services (居家养老服务) and visits (探访) for people on the
//! roster, and the list of visits due.
use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::ACTIVE;
use crate::access::{Actor, Permission};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{dict, Error, Result};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ServiceInput {
    pub date: String,
    pub service_type: String,
    /// 无偿 (free) or 低偿 (low-cost).
    pub paid: String,
    /// Yuan, as typed ("12.50").
    pub charge: Option<String>,
    pub provider: Option<String>,
    pub hours: Option<String>,
    pub notes: Option<String>,
    /// 服务机构 of a purchased service (政府购买): one of `homecare::providers`.
    pub provider_id: Option<String>,
    /// Yuan per hour as typed; empty: the provider's price.
    pub unit_price: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ServiceRecord {
    pub id: String,
    pub date: String,
    pub service_type: String,
    pub paid: String,
    pub charge_cents: i64,
    pub provider: Option<String>,
    pub hours: Option<f64>,
    pub notes: Option<String>,
    pub provider_id: Option<String>,
    pub unit_price_cents: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct VisitInput {
    pub date: String,
    pub visitor: String,
    pub way: String,
    pub health: Option<String>,
    pub economy: Option<String>,
    pub family_support: Option<String>,
    pub home_safety: Option<String>,
    pub needs: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VisitRecord {
    pub id: String,
    #[serde(flatten)]
    pub visit: VisitInput,
}

/// Services and visits are for people still on the roster
/// (`super::ACTIONS`): the user may write this entry (access first: a
/// refusal must not tell the person's status), and its status allows the
/// action. One read: the demo and an import record a hundred thousand
/// services and visits.
pub(super) fn require_allowed(w: &WriteTx, elderly_id: &str, action: &str) -> Result<()> {
    w.actor().require(Permission::Write)?;
    let (status, community): (String, Option<String>) = w
        .conn()
        .prepare_cached(
            "SELECT e.status, p.community_id FROM elderly e JOIN person p ON p.id = e.person_id WHERE e.id = ?1",
        )?
        .query_row([elderly_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or(Error::NotFound { what: "该老人" })?;
    w.actor().require_community(community.as_deref())?;
    if !super::allowed(&status, action) {
        return Err(invalid(
            "status",
            format!("该老人状态为“{status}”，已不在册，不能再登记服务、探访、电话问候、救助记录或慰问"),
        )
        .into());
    }
    Ok(())
}

fn past_date(field: &'static str, label: &str, input: &str, today: NaiveDate) -> Result<NaiveDate> {
    Ok(validate::past_date(field, label, input, today)?)
}

fn cents(input: Option<&str>) -> Result<i64> {
    Ok(validate::yuan_to_cents("charge", "收费金额", input, 1_000_000.0)?)
}

pub fn add_service(
    store: &mut Store,
    actor: &Actor,
    elderly_id: &str,
    input: &ServiceInput,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| record_service(w, elderly_id, input, today))
}

pub fn add_visit(
    store: &mut Store,
    actor: &Actor,
    elderly_id: &str,
    input: &VisitInput,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| record_visit(w, elderly_id, input, today))
}

/// Deletes a service or visit entered by mistake (its roster entry stays).
/// The deletion is logged with the values it had and syncs as a tombstone.
pub fn delete_entry(store: &mut Store, actor: &Actor, table: Table, id: &str) -> Result<()> {
    if !matches!(table, Table::ElderlyService | Table::ElderlyVisit | Table::ElderlyCall | Table::ElderlyCondolence) {
        return Err(Error::NotFound { what: "服务或探访记录" });
    }
    store.write(actor, |w| {
        let sql = format!("SELECT elderly_id FROM {} WHERE id = ?1", table.name());
        let elderly_id: String = w
            .conn()
            .query_row(&sql, [id], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotFound { what: "服务或探访记录" })?;
        super::require_writable(w, &elderly_id)?;
        w.delete(table, id)
    })
}

/// [`add_service`] inside a larger write (import, demo).
pub fn record_service(w: &mut WriteTx, elderly_id: &str, input: &ServiceInput, today: NaiveDate) -> Result<String> {
    require_allowed(w, elderly_id, super::SERVICE)?;
    let date = past_date("date", "服务日期", &input.date, today)?;
    let service_type =
        validate::one_of("service_type", "服务类型", &input.service_type, &dict::labels_in(w, "service_type")?)?;
    let paid = validate::one_of("paid", "收费方式", &input.paid, &dict::labels_in(w, "service_paid")?)?;
    let charge = cents(input.charge.as_deref())?;
    if paid == "无偿" && charge != 0 {
        return Err(invalid("charge", "无偿服务的收费金额应为0；如收取费用，请选择“低偿”").into());
    }
    let hours = match optional(input.hours.as_deref()) {
        Some(h) => Some(
            h.parse::<f64>()
                .ok()
                .filter(|h| (0.0..=24.0).contains(h))
                .ok_or_else(|| invalid("hours", "服务时长请填写0到24之间的小时数"))?,
        ),
        None => None,
    };
    let mut provider = optional(input.provider.as_deref());
    let (provider_id, price) = match optional(input.provider_id.as_deref()) {
        Some(id) => {
            let (name, default_price) = super::homecare::provider_price(w, &id)?;
            if hours.is_none_or(|h| h <= 0.0) {
                return Err(invalid("hours", "政府购买的服务请填写服务时长（小时），结算按时长计算").into());
            }
            let price = match optional(input.unit_price.as_deref()) {
                Some(p) => validate::yuan_to_cents("unit_price", "服务单价", Some(&p), 1_000.0)?,
                None => default_price,
            };
            provider = provider.or(Some(name));
            (Some(id), Some(price))
        }
        None if optional(input.unit_price.as_deref()).is_some() => {
            return Err(invalid("provider_id", "填写了服务单价的，请选择服务机构（政府购买的服务）").into());
        }
        None => (None, None),
    };
    let id = new_id();
    let f = [
        ("elderly_id", elderly_id.to_string().into()),
        ("date", date.to_string().into()),
        ("service_type", service_type.into()),
        ("paid", paid.into()),
        ("charge_cents", charge.into()),
        ("provider", provider.into()),
        ("hours", hours.into()),
        ("notes", optional(input.notes.as_deref()).into()),
        ("provider_id", provider_id.into()),
        ("unit_price_cents", price.into()),
    ];
    w.insert(Table::ElderlyService, &id, &f)?;
    Ok(id)
}

/// [`add_visit`] inside a larger write (import, demo).
pub fn record_visit(w: &mut WriteTx, elderly_id: &str, input: &VisitInput, today: NaiveDate) -> Result<String> {
    require_allowed(w, elderly_id, super::VISIT)?;
    let date = past_date("date", "探访日期", &input.date, today)?;
    let visitor = validate::required("visitor", "探访人", &input.visitor)?;
    let way = validate::one_of("way", "探访方式", &input.way, &dict::labels_in(w, "visit_way")?)?;
    let id = new_id();
    let f = [
        ("elderly_id", elderly_id.to_string().into()),
        ("date", date.to_string().into()),
        ("visitor", visitor.into()),
        ("way", way.into()),
        ("health", optional(input.health.as_deref()).into()),
        ("economy", optional(input.economy.as_deref()).into()),
        ("family_support", optional(input.family_support.as_deref()).into()),
        ("home_safety", optional(input.home_safety.as_deref()).into()),
        ("needs", optional(input.needs.as_deref()).into()),
    ];
    w.insert(Table::ElderlyVisit, &id, &f)?;
    Ok(id)
}

/// Newest first.
pub fn services(conn: &Connection, elderly_id: &str) -> Result<Vec<ServiceRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, date, service_type, paid, charge_cents, provider, hours, notes, provider_id, unit_price_cents
         FROM elderly_service
         WHERE elderly_id = ?1 ORDER BY date DESC, id DESC",
    )?;
    let rows = stmt.query_map([elderly_id], |r| {
        Ok(ServiceRecord {
            id: r.get(0)?,
            date: r.get(1)?,
            service_type: r.get(2)?,
            paid: r.get(3)?,
            charge_cents: r.get(4)?,
            provider: r.get(5)?,
            hours: r.get(6)?,
            notes: r.get(7)?,
            provider_id: r.get(8)?,
            unit_price_cents: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Newest first.
pub fn visits(conn: &Connection, elderly_id: &str) -> Result<Vec<VisitRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, date, visitor, way, health, economy, family_support, home_safety, needs FROM elderly_visit
         WHERE elderly_id = ?1 ORDER BY date DESC, id DESC",
    )?;
    let rows = stmt.query_map([elderly_id], |r| {
        Ok(VisitRecord {
            id: r.get(0)?,
            visit: VisitInput {
                date: r.get(1)?,
                visitor: r.get(2)?,
                way: r.get(3)?,
                health: r.get(4)?,
                economy: r.get(5)?,
                family_support: r.get(6)?,
                home_safety: r.get(7)?,
                needs: r.get(8)?,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DueVisit {
    pub elderly_id: String,
    pub name: String,
    pub community_name: Option<String>,
    pub visit_level: String,
    pub last_visit: Option<String>,
    pub due_on: String,
    pub days_overdue: i64,
}

/// People on the roster whose next visit is due by `today`, most overdue
/// first. The interval per level comes from settings (elderly.visit_days.*);
/// someone never visited is due from the day they were registered.
/// A community worker sees only their own community's.
pub fn due_visits(
    conn: &Connection,
    actor: &Actor,
    community_id: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<DueVisit>> {
    let community_id = actor.scope().or(community_id);
    let interval = intervals(conn)?;
    let mut stmt = conn.prepare_cached(
        // As of `today`: on the roster that day, and the home visits made
        // by then (a report of a past period asks about its last day).
        "SELECT e.id, p.name, c.name, e.visit_level, e.registered_on,
                (SELECT max(v.date) FROM elderly_visit v WHERE v.elderly_id = e.id AND v.date <= ?3
                   AND v.way <> ?4)
         FROM elderly e JOIN person p ON p.id = e.person_id LEFT JOIN community c ON c.id = p.community_id
         WHERE e.registered_on <= ?3 AND (e.status = ?1 OR e.status_date > ?3)
           AND (?2 IS NULL OR p.community_id = ?2)",
    )?;
    let mut due = Vec::new();
    for row in stmt.query_map((ACTIVE, community_id, today.to_string(), PHONE_WAY), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })? {
        let (elderly_id, name, community_name, level, registered, last) = row?;
        let due_on = match &last {
            Some(d) => parse(d) + Duration::days(*interval.get(&level).unwrap_or(&90)),
            None => parse(&registered),
        };
        if due_on <= today {
            due.push(DueVisit {
                elderly_id,
                name,
                community_name,
                visit_level: level,
                last_visit: last,
                due_on: due_on.to_string(),
                days_overdue: (today - due_on).num_days(),
            });
        }
    }
    due.sort_by(|a, b| b.days_overdue.cmp(&a.days_overdue).then_with(|| a.name.cmp(&b.name)));
    Ok(due)
}

/// 电话, the visit way that is no home visit. Before phone check-ins had a
/// record of their own (`super::calls`), a call was entered as a visit of
/// this way: like a call, it is contact, and neither the visits due nor the
/// visit rate count it.
pub const PHONE_WAY: &str = "电话";

/// The days between visits, per visit level (settings elderly.visit_days.*).
pub fn intervals(conn: &Connection) -> Result<HashMap<String, i64>> {
    let levels = dict::labels(conn, "visit_level")?;
    let mut interval = HashMap::new();
    for (i, level) in levels.iter().enumerate() {
        // A level an office added has no setting: the interval of its place.
        let key = format!("elderly.visit_days.{level}");
        let days = if crate::settings::ALL.iter().any(|s| s.key == key) {
            crate::settings::integer(conn, &key)?
        } else {
            [7, 30, 90].get(i).copied().unwrap_or(90)
        };
        interval.insert(level.clone(), days);
    }
    Ok(interval)
}

pub(super) fn parse(d: &str) -> NaiveDate {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}
