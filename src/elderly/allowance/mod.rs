//! 高龄津贴 (old-age allowance): an allowance per roster entry, its status
//! history (在享, 暂停, 停发, each dated with a reason) and its 生存认证
//! (annual survival checks), as records through the write path. What it
//! pays in a month (tier, 本月金额, 补发) is derived in [`pay`]; it stops by
//! itself from the month after the person leaves the roster (去世, 迁出).
//!
//! The payee's account is stored in full (the bank needs it) and leaves
//! the core masked like an ID number, but in a report export whose user may
//! unmask.
pub mod pay;

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::{Actor, Permission};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{Error, Result};
use pay::{month_of, Facts, Left, Month, Rules, StatusEvent};

/// 在享: granted (also when resumed).
pub const GRANTED: &str = "在享";
/// 暂停: suspended; the months held are paid back when it resumes.
pub const SUSPENDED: &str = "暂停";
/// 停发: stopped; the months after are not owed.
pub const STOPPED: &str = "停发";
/// 生存认证: a survival check done (an event, not a status).
pub const SURVIVAL_CHECK: &str = "生存认证";
pub const STATUSES: [&str; 3] = [GRANTED, SUSPENDED, STOPPED];
/// 社保卡 or 银行卡.
pub const ACCOUNT_KINDS: [&str; 2] = ["社保卡", "银行卡"];
/// The usual reasons to stop, offered by the form (any reason may be typed).
pub const STOP_REASONS: [&str; 6] = ["去世", "户籍迁出", "资格取消", "重复享受", "自愿放弃", "其他"];

/// What may be done to an allowance, by its status: (action, the event it
/// records, the statuses it is allowed in). The person page offers these
/// ([`AllowanceView::actions`]) and [`record`] refuses the others; nothing
/// is allowed once the person has left the roster.
pub const ACTIONS: &[(&str, &str, &[&str])] = &[
    ("suspend", SUSPENDED, &[GRANTED]),
    ("stop", STOPPED, &[GRANTED, SUSPENDED]),
    ("resume", GRANTED, &[SUSPENDED, STOPPED]),
    ("survival_check", SURVIVAL_CHECK, &[GRANTED, SUSPENDED]),
];

/// The actions allowed in `status`, in the table's order.
pub fn actions(status: &str) -> Vec<&'static str> {
    ACTIONS.iter().filter(|(_, _, from)| from.contains(&status)).map(|(a, _, _)| *a).collect()
}

/// An application (申请) as the user enters it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplyInput {
    pub applied_on: String,
    pub account_kind: Option<String>,
    pub account: Option<String>,
    pub bank: Option<String>,
}

/// A status change or a survival check: one of [`ACTIONS`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EventInput {
    pub action: String,
    pub date: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventView {
    pub event: String,
    pub date: String,
    pub reason: Option<String>,
}

/// The allowance as the person page shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AllowanceView {
    pub id: String,
    pub applied_on: String,
    pub account_kind: Option<String>,
    pub account_masked: Option<String>,
    pub bank: Option<String>,
    /// 在享, 暂停 or 停发 today; 停发 once the person has left the roster.
    pub status: String,
    pub status_date: String,
    pub status_reason: Option<String>,
    /// 年龄段 this month, if any.
    pub tier: Option<String>,
    /// This month's 本月金额 and 补发 (cents).
    pub this_month_cents: i64,
    pub backpay_cents: i64,
    pub first_month: String,
    /// None: not checked since the application.
    pub last_check: Option<String>,
    pub check_due_on: Option<String>,
    pub history: Vec<EventView>,
    pub actions: Vec<&'static str>,
}

/// The allowance section of the person page: the allowance, or whether one
/// may be applied for.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AllowanceState {
    pub allowance: Option<AllowanceView>,
    /// 申请 is offered (on the roster, the first tier's birthday in this
    /// month or before).
    pub can_apply: bool,
    /// Why nothing may be done (left the roster, too young, 只读), in words
    /// for the page.
    pub note: Option<String>,
    pub account_kinds: Vec<&'static str>,
    pub stop_reasons: Vec<&'static str>,
}

/// Applies for the allowance of a roster entry: the allowance and its
/// first event (在享 from the application date).
pub fn apply(
    store: &mut Store,
    actor: &Actor,
    elderly_id: &str,
    input: &ApplyInput,
    today: NaiveDate,
) -> Result<String> {
    store.write(actor, |w| apply_in(w, elderly_id, input, today))
}

/// [`apply`] inside a larger write (the demo).
pub fn apply_in(w: &mut WriteTx, elderly_id: &str, input: &ApplyInput, today: NaiveDate) -> Result<String> {
    super::require_writable(w, elderly_id)?;
    let (status, birth): (String, Option<String>) = w
        .conn()
        .prepare_cached(
            "SELECT e.status, p.birth_date FROM elderly e JOIN person p ON p.id = e.person_id WHERE e.id = ?1",
        )?
        .query_row([elderly_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if status != super::ACTIVE {
        return Err(invalid("applied_on", format!("该老人状态为“{status}”，不能申请高龄津贴")).into());
    }
    if of_elderly_id(w.conn(), elderly_id)?.is_some() {
        return Err(invalid("applied_on", "该老人已有高龄津贴记录，请在记录中办理恢复发放等变动").into());
    }
    let applied = validate::past_date("applied_on", "申请日期", &input.applied_on, today)?;
    // Read once per write: the demo applies for thousands.
    let rules = w.memo(Table::Setting, "elderly.allowance.rules", Rules::read)?;
    let birth = birth.as_deref().and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok());
    // Old enough: the birthday of the first tier's age falls in the
    // application month or before.
    if birth.is_none_or(|b| month_of(applied) < month_of(b) + 12 * rules.min_age()) {
        return Err(invalid(
            "applied_on",
            format!("按身份证号计算，申请时该老人未满{}周岁，不能申请高龄津贴", rules.min_age()),
        )
        .into());
    }
    let kind = match optional(input.account_kind.as_deref()) {
        Some(k) => {
            let kinds: Vec<String> = ACCOUNT_KINDS.map(String::from).to_vec();
            Some(validate::one_of("account_kind", "账户类型", &k, &kinds)?)
        }
        None => None,
    };
    let id = new_id();
    w.insert(
        Table::ElderlyAllowance,
        &id,
        &[
            ("elderly_id", elderly_id.to_string().into()),
            ("applied_on", applied.to_string().into()),
            ("account_kind", kind.into()),
            ("account", account(input.account.as_deref())?.into()),
            ("bank", optional(input.bank.as_deref()).into()),
        ],
    )?;
    insert_event(w, &id, GRANTED, applied, Some("申请".into()))?;
    Ok(id)
}

/// An account number: digits (spaces and dashes dropped), 6 to 32 of them.
fn account(input: Option<&str>) -> Result<Option<String>> {
    let Some(s) = optional(input) else { return Ok(None) };
    let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.chars().all(|c| c.is_ascii_digit()) && (6..=32).contains(&digits.len()) {
        Ok(Some(digits))
    } else {
        // The number stays out of the message, as an ID number does.
        Err(invalid("account", "账号应为6到32位数字，请核对社保卡或银行卡号").into())
    }
}

/// Records a status change (暂停, 停发, 恢复发放) or a survival check.
pub fn record(
    store: &mut Store,
    actor: &Actor,
    allowance_id: &str,
    input: &EventInput,
    today: NaiveDate,
) -> Result<()> {
    store.write(actor, |w| record_in(w, allowance_id, input, today))
}

/// [`record`] inside a larger write (the demo).
pub fn record_in(w: &mut WriteTx, allowance_id: &str, input: &EventInput, today: NaiveDate) -> Result<()> {
    let elderly_id = elderly_of(w.conn(), allowance_id)?;
    super::require_writable(w, &elderly_id)?;
    let Some((_, event, _)) = ACTIONS.iter().find(|(a, _, _)| *a == input.action) else {
        return Err(invalid("action", "没有这项高龄津贴办理事项，请从页面上的按钮办理").into());
    };
    let (status, status_date, left) = current(w.conn(), allowance_id)?;
    if let Some(l) = left {
        return Err(invalid("action", format!("该老人已{}（{}），高龄津贴已自动停发", l.status, l.date)).into());
    }
    if !actions(&status).contains(&input.action.as_str()) {
        return Err(invalid("action", format!("高龄津贴状态为“{status}”，不能办理{event}")).into());
    }
    let date = validate::past_date("date", "日期", &input.date, today)?;
    if *event != SURVIVAL_CHECK && date.to_string() < status_date {
        return Err(invalid("date", format!("日期不能早于上次状态变动日期{status_date}")).into());
    }
    let reason = optional(input.reason.as_deref());
    if (*event == SUSPENDED || *event == STOPPED) && reason.is_none() {
        return Err(invalid("reason", format!("请填写{event}原因")).into());
    }
    insert_event(w, allowance_id, event, date, reason)
}

/// A person leaving the roster (去世, 迁出) stops their allowance: a 停发
/// event with the roster's status as its reason, so that it stays stopped
/// if they are put back on the roster (a mistaken death, a return), until
/// someone resumes it. Payments stop from the month after either way.
pub(crate) fn stop_on_leaving(w: &mut WriteTx, elderly_id: &str, status: &str, date: NaiveDate) -> Result<()> {
    let Some(id) = of_elderly_id(w.conn(), elderly_id)? else { return Ok(()) };
    let (current, since) = last_status(w.conn(), &id)?;
    if current == STOPPED {
        return Ok(());
    }
    // Never before the last change: the history stays in order.
    let date = parse(&since).map_or(date, |s| s.max(date));
    insert_event(w, &id, STOPPED, date, Some(status.to_string()))
}

fn insert_event(
    w: &mut WriteTx,
    allowance_id: &str,
    event: &str,
    date: NaiveDate,
    reason: Option<String>,
) -> Result<()> {
    w.insert(
        Table::AllowanceEvent,
        &new_id(),
        &[
            ("allowance_id", allowance_id.to_string().into()),
            ("event", event.to_string().into()),
            ("date", date.to_string().into()),
            ("reason", reason.into()),
        ],
    )
}

fn elderly_of(conn: &Connection, allowance_id: &str) -> Result<String> {
    conn.prepare_cached("SELECT elderly_id FROM elderly_allowance WHERE id = ?1")?
        .query_row([allowance_id], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound { what: "该高龄津贴记录" })
}

fn of_elderly_id(conn: &Connection, elderly_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM elderly_allowance WHERE elderly_id = ?1")?
        .query_row([elderly_id], |r| r.get(0))
        .optional()?)
}

/// The status now, its date, and the person's leaving if they left.
fn current(conn: &Connection, allowance_id: &str) -> Result<(String, String, Option<Left>)> {
    let (status, date) = last_status(conn, allowance_id)?;
    let left = left_of(conn, &elderly_of(conn, allowance_id)?)?;
    Ok((status, date, left))
}

/// The last status event (not a survival check) and its date.
fn last_status(conn: &Connection, allowance_id: &str) -> Result<(String, String)> {
    Ok(conn
        .prepare_cached(
            "SELECT event, date FROM allowance_event WHERE allowance_id = ?1 AND event <> ?2
             ORDER BY date DESC, id DESC LIMIT 1",
        )?
        .query_row((allowance_id, SURVIVAL_CHECK), |r| Ok((r.get(0)?, r.get(1)?)))?)
}

fn left_of(conn: &Connection, elderly_id: &str) -> Result<Option<Left>> {
    let (status, date): (String, Option<String>) = conn
        .prepare_cached("SELECT status, status_date FROM elderly WHERE id = ?1")?
        .query_row([elderly_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(left(&status, date))
}

/// Off the roster (any status but 在册) from its date.
fn left(status: &str, date: Option<String>) -> Option<Left> {
    let date = date.filter(|_| status != super::ACTIVE)?;
    let month = month_of(parse(&date)?);
    Some(Left { month, status: status.to_string(), date })
}

fn parse(d: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()
}

/// An account as it leaves the core: like an ID number, the first six and
/// the last four digits kept.
pub fn mask_account(account: &str) -> String {
    let chars: Vec<char> = account.chars().collect();
    let n = chars.len();
    if n < 12 {
        let keep = n.saturating_sub(4).max(n / 2);
        return format!("{}{}", "*".repeat(keep), chars[keep..].iter().collect::<String>());
    }
    format!(
        "{}{}{}",
        chars[..6].iter().collect::<String>(),
        "*".repeat(n - 10),
        chars[n - 4..].iter().collect::<String>()
    )
}

/// One allowance with everything payments and lists need, as read in bulk.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub elderly_id: String,
    pub community: String,
    pub name: String,
    pub id_number: Option<String>,
    pub birth_date: String,
    pub applied_on: String,
    pub account_kind: Option<String>,
    pub account: Option<String>,
    pub bank: Option<String>,
    pub facts: Facts,
    /// Every event, status changes and checks, in order.
    pub history: Vec<EventView>,
}

impl Entry {
    /// The last survival check, if any.
    pub fn last_check(&self) -> Option<&str> {
        self.history.iter().rev().find(|e| e.event == SURVIVAL_CHECK).map(|e| e.date.as_str())
    }

    /// A year after the last check, or after the application when none yet.
    pub fn check_due_on(&self) -> NaiveDate {
        let since = self.last_check().unwrap_or(&self.applied_on);
        parse(since).and_then(|d| d.checked_add_months(Months::new(12))).unwrap_or(NaiveDate::MIN)
    }

    /// Status on `today` (its event), 停发 once the person has left.
    fn status_on(&self, today: NaiveDate) -> (String, String, Option<String>) {
        if let Some(l) = &self.facts.left {
            return (STOPPED.into(), l.date.clone(), Some(l.status.clone()));
        }
        let last = self.facts.events.iter().rev().find(|e| e.date.as_str() <= today.to_string().as_str());
        last.map_or((GRANTED.into(), self.applied_on.clone(), None), |e| {
            (e.status.clone(), e.date.clone(), e.reason.clone())
        })
    }
}

/// Every allowance of a community (or all), in community and name order,
/// read in two queries whatever their number.
pub fn entries(conn: &Connection, community: Option<&str>, elderly_id: Option<&str>) -> Result<Vec<Entry>> {
    let mut events: HashMap<String, Vec<(String, String, Option<String>)>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT v.allowance_id, v.event, v.date, v.reason FROM allowance_event v
         JOIN elderly_allowance a ON a.id = v.allowance_id
         WHERE ?1 IS NULL OR a.elderly_id = ?1 ORDER BY v.date, v.id",
    )?;
    let mut rows = stmt.query([elderly_id])?;
    while let Some(r) = rows.next()? {
        events.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?, r.get(3)?));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.elderly_id, coalesce(c.name, ''), p.name, p.id_number, coalesce(p.birth_date, ''),
                a.applied_on, a.account_kind, a.account, a.bank, e.status, e.status_date
         FROM elderly_allowance a JOIN elderly e ON e.id = a.elderly_id JOIN person p ON p.id = e.person_id
         LEFT JOIN community c ON c.id = p.community_id
         WHERE (?1 IS NULL OR p.community_id = ?1) AND (?2 IS NULL OR a.elderly_id = ?2)
         ORDER BY c.sort, p.name_key, a.id",
    )?;
    let mut out = Vec::new();
    let mut rows = stmt.query((community, elderly_id))?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let birth_date: String = r.get(5)?;
        let applied_on: String = r.get(6)?;
        let (Some(birth), Some(applied)) = (parse(&birth_date), parse(&applied_on)) else { continue };
        let status: String = r.get(10)?;
        let history: Vec<EventView> = events
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .map(|(event, date, reason)| EventView { event, date, reason })
            .collect();
        let facts = Facts {
            birth: month_of(birth),
            applied: month_of(applied),
            events: history
                .iter()
                .filter(|e| e.event != SURVIVAL_CHECK)
                .filter_map(|e| Some(StatusEvent::new(&e.event, parse(&e.date)?, e.reason.clone())))
                .collect(),
            left: left(&status, r.get(11)?),
        };
        out.push(Entry {
            id,
            elderly_id: r.get(1)?,
            community: r.get(2)?,
            name: r.get(3)?,
            id_number: r.get(4)?,
            birth_date,
            applied_on,
            account_kind: r.get(7)?,
            account: r.get(8)?,
            bank: r.get(9)?,
            facts,
            history,
        });
    }
    Ok(out)
}

/// The allowance section of a roster entry's page.
pub fn of_elderly(conn: &Connection, actor: &Actor, elderly_id: &str, today: NaiveDate) -> Result<AllowanceState> {
    let entry = super::get(conn, actor, elderly_id, today)?;
    let rules = Rules::read(conn)?;
    let may_write = actor.may(Permission::Write);
    let mut note = None;
    let allowance = entries(conn, None, Some(elderly_id))?.into_iter().next().map(|e| {
        let month = month_of(today);
        let pay = e.facts.pay(&rules, month);
        let (status, status_date, status_reason) = e.status_on(today);
        note = match &e.facts.left {
            Some(l) => Some(format!("该老人已{}（{}），高龄津贴已自动停发。", l.status, l.date)),
            None if !may_write => Some("只读账号只能查看高龄津贴，不能办理。".to_string()),
            None => None,
        };
        let actions = if note.is_some() { Vec::new() } else { actions(&status) };
        AllowanceView {
            id: e.id.clone(),
            applied_on: e.applied_on.clone(),
            account_kind: e.account_kind.clone(),
            account_masked: e.account.as_deref().map(mask_account),
            bank: e.bank.clone(),
            // Before the first month paid, the tier it will pay.
            tier: pay
                .tier
                .or_else(|| e.facts.pay(&rules, e.facts.start(&rules).max(month)).tier)
                .map(|t| rules.tiers[t].label.clone()),
            this_month_cents: pay.regular,
            backpay_cents: pay.backpay,
            first_month: pay::month_text(e.facts.start(&rules).max(e.facts.applied)),
            last_check: e.last_check().map(String::from),
            // None once stopped: no check is due.
            check_due_on: (status != STOPPED).then(|| e.check_due_on().to_string()),
            status,
            status_date,
            status_reason,
            actions,
            history: e.history,
        }
    });
    // As [`apply_in`] reads it: the birthday of the first tier's age falls
    // in this month or before.
    let birth = entry.person.birth_date.as_deref().and_then(parse);
    let old_enough = birth.is_some_and(|b| month_of(today) >= month_of(b) + 12 * rules.min_age());
    if allowance.is_none() {
        note = if entry.status != super::ACTIVE {
            Some(format!("该老人状态为“{}”，不能申请高龄津贴。", entry.status))
        } else if !old_enough {
            Some(format!("年满{}周岁（生日当月起）才能申请高龄津贴。", rules.min_age()))
        } else if !may_write {
            Some("只读账号不能申请高龄津贴。".to_string())
        } else {
            None
        };
    }
    Ok(AllowanceState {
        can_apply: note.is_none() && allowance.is_none(),
        note,
        allowance,
        account_kinds: ACCOUNT_KINDS.to_vec(),
        stop_reasons: STOP_REASONS.to_vec(),
    })
}

/// A survival check due (生存认证到期).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DueCheck {
    pub allowance_id: String,
    pub elderly_id: String,
    pub community_name: String,
    pub name: String,
    pub id_number_masked: String,
    pub status: String,
    /// None: not checked since the application (due a year after it).
    pub last_check: Option<String>,
    pub applied_on: String,
    pub due_on: String,
    /// Negative: days left before it falls due.
    pub days_overdue: i64,
}

/// Allowances paid or suspended whose yearly survival check falls due
/// within elderly.allowance.check_alert_days of `today` or is overdue, most
/// overdue first. A community worker sees only their own community's.
pub fn checks_due(
    conn: &Connection,
    actor: &Actor,
    community_id: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<DueCheck>> {
    let community = actor.scope().or(community_id);
    let ahead = crate::settings::integer(conn, "elderly.allowance.check_alert_days")?;
    let mut due: Vec<DueCheck> = entries(conn, community, None)?
        .into_iter()
        .filter_map(|e| {
            let (status, _, _) = e.status_on(today);
            let due_on = e.check_due_on();
            let overdue = (today - due_on).num_days();
            (e.facts.left.is_none() && status != STOPPED && overdue >= -ahead).then(|| DueCheck {
                allowance_id: e.id.clone(),
                elderly_id: e.elderly_id.clone(),
                community_name: e.community.clone(),
                name: e.name.clone(),
                id_number_masked: e.id_number.as_deref().map(crate::person::mask_id).unwrap_or_default(),
                status,
                last_check: e.last_check().map(String::from),
                applied_on: e.applied_on.clone(),
                due_on: due_on.to_string(),
                days_overdue: overdue,
            })
        })
        .collect();
    due.sort_by(|a, b| b.days_overdue.cmp(&a.days_overdue).then_with(|| a.name.cmp(&b.name)));
    Ok(due)
}

/// Months `from` to `to` (both included), for lists over a period.
pub fn months(from: NaiveDate, to: NaiveDate) -> std::ops::RangeInclusive<Month> {
    month_of(from)..=month_of(to)
}
