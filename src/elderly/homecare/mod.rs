//! Purchased home care (政府购买居家养老服务): the street's providers
//! (服务机构) under contract, each person's entitlement (服务资格: the
//! assessed care level from a month), and, in `settle`, what a month's
//! purchased services come to per provider and person.
//!
//! A purchased service is an ordinary service record (`care::record_service`)
//! with a provider and a price per hour. The hours a level is entitled to a
//! month are the effective-dated settings `elderly.care.hours.<level>`: the
//! government pays those hours; hours beyond them are self-paid and flagged
//! (超出).
pub mod settle;

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::{AccessError, Actor, Permission};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{Error, Result};

/// 评估等级: the care levels an assessment gives, in order of need.
pub const LEVELS: [&str; 4] = ["自理", "轻度失能", "中度失能", "重度失能"];
/// 在享: the entitlement counts from its month; 停止: it ended at its stop month.
pub const IN_FORCE: &str = "在享";
pub const STOPPED: &str = "停止";
/// The action on an entitlement in force: stop it from a month.
pub const STOP: &str = "stop";

/// The most a price per hour may be (yuan): a typo guard.
const MAX_PRICE_YUAN: f64 = 1_000.0;

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ProviderInput {
    pub name: String,
    pub contact: Option<String>,
    pub phone: Option<String>,
    pub contract_from: Option<String>,
    pub contract_to: Option<String>,
    /// 服务单价 in yuan per hour, as typed: the price a service of this
    /// provider takes unless its record says another.
    pub price: String,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Provider {
    pub id: String,
    pub row_version: i64,
    pub name: String,
    pub contact: Option<String>,
    pub phone: Option<String>,
    pub contract_from: Option<String>,
    pub contract_to: Option<String>,
    pub price_cents: i64,
    pub notes: Option<String>,
}

/// Providers are the street's contracts: street staff and administrators
/// keep them; a community worker chooses among them.
fn require_street(actor: &Actor) -> Result<()> {
    actor.require(Permission::Write)?;
    if actor.scope().is_some() {
        return Err(AccessError::Denied("服务机构由街道统一登记，社区工作人员不能新增或修改").into());
    }
    Ok(())
}

fn provider_fields(input: &ProviderInput) -> Result<Vec<(&'static str, rusqlite::types::Value)>> {
    let name = validate::required("name", "机构名称", &input.name)?;
    let day = |field: &'static str, label: &str, v: &Option<String>| -> Result<Option<NaiveDate>> {
        Ok(match optional(v.as_deref()) {
            Some(d) => Some(validate::date(field, label, &d)?),
            None => None,
        })
    };
    let from = day("contract_from", "合同起始日期", &input.contract_from)?;
    let to = day("contract_to", "合同截止日期", &input.contract_to)?;
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(invalid("contract_to", "合同截止日期不能早于起始日期").into());
        }
    }
    if optional(Some(&input.price)).is_none() {
        return Err(invalid("price", "请填写服务单价（元/小时）").into());
    }
    let price = validate::yuan_to_cents("price", "服务单价", Some(&input.price), MAX_PRICE_YUAN)?;
    if price == 0 {
        return Err(invalid("price", "服务单价应大于0元/小时").into());
    }
    Ok(vec![
        ("name", name.into()),
        ("contact", optional(input.contact.as_deref()).into()),
        ("phone", validate::phone("phone", input.phone.as_deref())?.into()),
        ("contract_from", from.map(|d| d.to_string()).into()),
        ("contract_to", to.map(|d| d.to_string()).into()),
        ("price_cents", price.into()),
        ("notes", optional(input.notes.as_deref()).into()),
    ])
}

pub fn add_provider(store: &mut Store, actor: &Actor, input: &ProviderInput) -> Result<String> {
    store.write(actor, |w| record_provider(w, input))
}

/// [`add_provider`] inside a larger write (demo).
pub fn record_provider(w: &mut WriteTx, input: &ProviderInput) -> Result<String> {
    require_street(w.actor())?;
    let f = provider_fields(input)?;
    let id = new_id();
    w.insert(Table::CareProvider, &id, &f)?;
    Ok(id)
}

/// A new price or contract period applies to services recorded after it:
/// each service keeps the price it was recorded with.
pub fn update_provider(
    store: &mut Store,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    input: &ProviderInput,
) -> Result<()> {
    store.write(actor, |w| {
        require_street(w.actor())?;
        let f = provider_fields(input)?;
        w.update(Table::CareProvider, id, Some(expected_version), &f).map(drop)
    })
}

/// Every provider, by name.
pub fn providers(conn: &Connection) -> Result<Vec<Provider>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, row_version, name, contact, phone, contract_from, contract_to, price_cents, notes
         FROM care_provider ORDER BY name, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Provider {
            id: r.get(0)?,
            row_version: r.get(1)?,
            name: r.get(2)?,
            contact: r.get(3)?,
            phone: r.get(4)?,
            contract_from: r.get(5)?,
            contract_to: r.get(6)?,
            price_cents: r.get(7)?,
            notes: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A provider's name and price per hour, for a service recorded with it.
pub(crate) fn provider_price(w: &WriteTx, id: &str) -> Result<(String, i64)> {
    w.conn()
        .prepare_cached("SELECT name, price_cents FROM care_provider WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| invalid("provider_id", "没有这个服务机构，请从列表中选择").into())
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct EntitlementInput {
    /// One of [`LEVELS`].
    pub level: String,
    pub assessed_on: String,
    /// 起始月份 `2026-03`: the first month the level's hours count.
    pub from_month: String,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entitlement {
    pub id: String,
    pub level: String,
    pub assessed_on: String,
    pub from_month: String,
    pub status: String,
    /// 停止月份: the first month without it.
    pub stop_month: Option<String>,
    pub notes: Option<String>,
    /// [`STOP`] while in force.
    pub actions: Vec<&'static str>,
}

/// `2026-03` (or a day of it) as the first day of the month.
pub fn month(field: &'static str, label: &str, input: &str) -> Result<NaiveDate> {
    let s = input.trim();
    let s = s.get(..7).unwrap_or(s);
    NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
        .map_err(|_| invalid(field, format!("{label}请填写年月，如 2026-03")).into())
}

fn month_text(m: NaiveDate) -> String {
    m.format("%Y-%m").to_string()
}

/// A new assessment from a month. The entitlement in force before it ends
/// where the new one starts; one starting the same month or later must be
/// stopped first.
pub fn add_entitlement(
    store: &mut Store,
    actor: &Actor,
    elderly_id: &str,
    input: &EntitlementInput,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| record_entitlement(w, elderly_id, input, today))
}

/// [`add_entitlement`] inside a larger write (demo).
pub fn record_entitlement(
    w: &mut WriteTx,
    elderly_id: &str,
    input: &EntitlementInput,
    today: NaiveDate,
) -> Result<String> {
    super::care::require_allowed(w, elderly_id, super::SERVICE)?;
    let level = validate::one_of("level", "评估等级", &input.level, &LEVELS.map(String::from))?;
    let assessed = validate::past_date("assessed_on", "评估日期", &input.assessed_on, today)?;
    let from = month("from_month", "起始月份", &input.from_month)?;
    let assessed_month = assessed.with_day(1).expect("day 1");
    if from < assessed_month {
        return Err(invalid("from_month", "起始月份不能早于评估日期所在月份").into());
    }
    let current = in_force(w, elderly_id)?;
    for (id, their_from) in &current {
        if *their_from >= month_text(from) {
            return Err(invalid(
                "from_month",
                format!("已有自{their_from}起在享的服务资格，请选择更晚的起始月份，或先停止该资格"),
            )
            .into());
        }
        let f = [("status", STOPPED.to_string().into()), ("stop_month", month_text(from).into())];
        w.update(Table::ElderlyCareEntitlement, id, None, &f)?;
    }
    let id = new_id();
    let f = [
        ("elderly_id", elderly_id.to_string().into()),
        ("level", level.into()),
        ("assessed_on", assessed.to_string().into()),
        ("from_month", month_text(from).into()),
        ("status", IN_FORCE.to_string().into()),
        ("notes", optional(input.notes.as_deref()).into()),
    ];
    w.insert(Table::ElderlyCareEntitlement, &id, &f)?;
    Ok(id)
}

/// Stops an entitlement in force from `stop_month` (its first month
/// without hours); the months before keep it.
pub fn stop_entitlement(store: &mut Store, actor: &Actor, id: &str, stop_month: &str) -> Result<()> {
    store.write(actor, |w| {
        let (elderly_id, status, from): (String, String, String) = w
            .conn()
            .query_row("SELECT elderly_id, status, from_month FROM elderly_care_entitlement WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?
            .ok_or(Error::NotFound { what: "该服务资格" })?;
        super::require_writable(w, &elderly_id)?;
        if status != IN_FORCE {
            return Err(invalid("status", "该服务资格已停止，不能再停止；如需恢复请重新登记评估").into());
        }
        let stop = month_text(month("stop_month", "停止月份", stop_month)?);
        if stop < from {
            return Err(invalid("stop_month", format!("停止月份不能早于起始月份{from}")).into());
        }
        let f = [("status", STOPPED.to_string().into()), ("stop_month", stop.into())];
        w.update(Table::ElderlyCareEntitlement, id, None, &f).map(drop)
    })
}

/// The person's entitlements in force: (id, from month).
fn in_force(w: &WriteTx, elderly_id: &str) -> Result<Vec<(String, String)>> {
    Ok(w.conn()
        .prepare_cached("SELECT id, from_month FROM elderly_care_entitlement WHERE elderly_id = ?1 AND status = ?2")?
        .query_map((elderly_id, IN_FORCE), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Leaving the roster (去世, 迁出) on `date` stops the entitlement in force
/// from the month after, as the old-age allowance stops; one starting
/// later still is stopped from its own first month.
pub(crate) fn stop_on_leaving(w: &mut WriteTx, elderly_id: &str, date: NaiveDate) -> Result<()> {
    let next = month_text(settle::last_day(date.with_day(1).expect("day 1")) + chrono::Duration::days(1));
    let current = in_force(w, elderly_id)?;
    for (id, from) in current {
        let f = [("status", STOPPED.to_string().into()), ("stop_month", next.clone().max(from).into())];
        w.update(Table::ElderlyCareEntitlement, &id, None, &f)?;
    }
    Ok(())
}

/// Newest first.
pub fn entitlements(conn: &Connection, elderly_id: &str) -> Result<Vec<Entitlement>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, level, assessed_on, from_month, status, stop_month, notes FROM elderly_care_entitlement
         WHERE elderly_id = ?1 ORDER BY from_month DESC, id DESC",
    )?;
    let rows = stmt.query_map([elderly_id], |r| {
        let status: String = r.get(4)?;
        Ok(Entitlement {
            id: r.get(0)?,
            level: r.get(1)?,
            assessed_on: r.get(2)?,
            from_month: r.get(3)?,
            actions: if status == IN_FORCE { vec![STOP] } else { vec![] },
            status,
            stop_month: r.get(5)?,
            notes: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The person page's home-care section: the entitlements, and how this
/// month's purchased hours stand against the month's entitlement.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CareState {
    pub entitlements: Vec<Entitlement>,
    pub month: String,
    /// The level in force this month, if any.
    pub level: Option<String>,
    pub entitled_hours: f64,
    pub used_hours: f64,
    /// Hours beyond the entitlement (self-paid), 0 when within.
    pub over_hours: f64,
    pub levels: [&'static str; 4],
    pub providers: Vec<Provider>,
}

pub fn state(conn: &Connection, actor: &Actor, elderly_id: &str, today: NaiveDate) -> Result<CareState> {
    // Reading the entry checks the actor's reach.
    super::get(conn, actor, elderly_id, today)?;
    let m = today.with_day(1).expect("day 1");
    let used = settle::person_month(conn, elderly_id, m)?;
    Ok(CareState {
        entitlements: entitlements(conn, elderly_id)?,
        month: month_text(m),
        entitled_hours: settle::hours(used.entitled),
        used_hours: settle::hours(used.used),
        over_hours: settle::hours(used.over()),
        level: used.level,
        levels: LEVELS,
        providers: providers(conn)?,
    })
}

/// A person over the month's entitlement (超出), across providers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OverRow {
    pub elderly_id: String,
    pub name: String,
    pub community_name: String,
    pub level: Option<String>,
    pub entitled_hours: f64,
    pub used_hours: f64,
    pub over_hours: f64,
}

/// The providers page: the providers, whether the actor may keep them, and
/// this month's persons over their entitlement (a community worker's
/// confined to their community).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProvidersPage {
    pub providers: Vec<Provider>,
    pub can_edit: bool,
    pub month: String,
    pub over: Vec<OverRow>,
}

pub fn page(conn: &Connection, actor: &Actor, community_id: Option<&str>, today: NaiveDate) -> Result<ProvidersPage> {
    let community = actor.scope().or(community_id);
    let first = today.with_day(1).expect("day 1");
    let mut over: Vec<OverRow> = Vec::new();
    for l in settle::lines(conn, community, first, settle::last_day(first))? {
        match over.iter_mut().find(|o| o.elderly_id == l.elderly_id) {
            Some(o) => {
                o.used_hours += settle::hours(l.hours);
                o.over_hours += settle::hours(l.over);
            }
            None => over.push(OverRow {
                elderly_id: l.elderly_id.clone(),
                name: l.name.clone(),
                community_name: l.community.clone(),
                level: l.level.clone(),
                entitled_hours: settle::hours(l.entitled),
                used_hours: settle::hours(l.hours),
                over_hours: settle::hours(l.over),
            }),
        }
    }
    over.retain(|o| o.over_hours > 0.0);
    over.sort_by(|a, b| b.over_hours.total_cmp(&a.over_hours).then_with(|| a.name.cmp(&b.name)));
    Ok(ProvidersPage {
        providers: providers(conn)?,
        can_edit: actor.may(Permission::Write) && actor.scope().is_none(),
        month: month_text(first),
        over,
    })
}
