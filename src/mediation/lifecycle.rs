//! The life of a dispute case (案件流程), step by step:
//!
//! ```text
//! 受理 → [调查] → 调解 (one or more sessions) → 协议 (书面 or 口头) → [履行] → [回访] → 结案
//!                                  ↘ 调解不成 → 结案
//! 受理 → 不予受理;   受理/调查/调解 → 撤回 | 终止调解 | 延期 (stays where it is)
//! 简易程序: 受理, 调解 and an oral (or written) 协议 recorded at once, the day it happened
//! ```
//! plus 司法确认, applied for within 30 days of a written agreement, and the
//! court's ruling on it. Each step is dated, signed by who did it, and kept in
//! the timeline; a step that does not follow from the case (`TRANSITIONS`,
//! the one place) is refused. 回访 before 结案 is required only as the setting
//! `mediation.visit_required` says. An oral agreement has no written
//! document (协议书), so it cannot go to 司法确认.
use chrono::{Duration, NaiveDate};
use rusqlite::types::Value;
use rusqlite::OptionalExtension;
use serde::Deserialize;

use crate::access::Actor;
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{dict, Result};

pub const RECEIVED: &str = "受理";
pub const INVESTIGATING: &str = "调查";
pub const MEDIATING: &str = "调解";
pub const AGREED: &str = "协议";
pub const FAILED: &str = "调解不成";
pub const PERFORMED: &str = "履行";
pub const VISITED: &str = "回访";
pub const CLOSED: &str = "结案";
/// 不予受理: not accepted, with the reason.
pub const REJECTED: &str = "不予受理";
/// 撤回: the applicant withdraws.
pub const WITHDRAWN: &str = "撤回";
/// 终止调解: a party refuses to go on, with the reason.
pub const TERMINATED: &str = "终止调解";
/// 延期: both parties consent to a later deadline; the status stays.
pub const EXTENDED: &str = "延期";
/// 简易程序 (当场调解): the procedure of a case settled on the spot.
pub const SIMPLE: &str = "简易程序";
/// 调解成功: the outcome of an agreement.
pub const SUCCEEDED: &str = "调解成功";
/// Days after a written agreement within which the parties may apply.
pub const JUDICIAL_WINDOW_DAYS: i64 = 30;

/// Every status, in the order of a case's life (the list filters offer these).
pub const STATUSES: [&str; 11] =
    [RECEIVED, INVESTIGATING, MEDIATING, AGREED, FAILED, PERFORMED, VISITED, CLOSED, REJECTED, WITHDRAWN, TERMINATED];

/// Statuses in which a case has ended: no alert, no step but the court's.
pub const ENDED: [&str; 4] = [CLOSED, REJECTED, WITHDRAWN, TERMINATED];

/// Whether a step needs more than the case's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    Always,
    /// No 回访 is needed first (setting `mediation.visit_required`).
    NoVisitNeeded,
}

/// One allowed step: what it may follow, when, and the status it leaves
/// (None: the status stays, as after 延期).
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub step: &'static str,
    pub from: &'static [&'static str],
    pub when: Guard,
    pub to: Option<&'static str>,
}

const fn t(step: &'static str, from: &'static [&'static str]) -> Transition {
    Transition { step, from, when: Guard::Always, to: Some(step) }
}

const OPEN: &[&str] = &[RECEIVED, INVESTIGATING, MEDIATING];

/// Every step and what it may follow; anything else is refused.
pub const TRANSITIONS: &[Transition] = &[
    t(INVESTIGATING, &[RECEIVED]),
    t(MEDIATING, OPEN),
    t(AGREED, &[MEDIATING]),
    t(FAILED, &[MEDIATING]),
    t(REJECTED, &[RECEIVED]),
    t(WITHDRAWN, OPEN),
    t(TERMINATED, OPEN),
    Transition { step: EXTENDED, from: OPEN, when: Guard::Always, to: None },
    t(PERFORMED, &[AGREED]),
    t(VISITED, &[AGREED, PERFORMED]),
    t(CLOSED, &[VISITED, FAILED]),
    Transition { step: CLOSED, from: &[AGREED, PERFORMED], when: Guard::NoVisitNeeded, to: Some(CLOSED) },
];

/// What decides the next steps of a case.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub status: &'a str,
    pub agreement_kind: Option<&'a str>,
    pub performance: Option<&'a str>,
    /// `mediation.visit_required`: 0 不要求, 1 书面协议未履行的, 2 全部.
    pub visit_rule: i64,
}

impl Facts<'_> {
    /// Whether a 回访 must come before 结案.
    pub fn visit_needed(&self) -> bool {
        match self.visit_rule {
            0 => false,
            1 => self.agreement_kind == Some("书面") && self.performance != Some("履行"),
            _ => true,
        }
    }
}

/// The transition that lets `step` follow the case, if any.
pub fn transition(f: &Facts, step: &str) -> Option<&'static Transition> {
    TRANSITIONS.iter().find(|t| {
        t.step == step
            && t.from.contains(&f.status)
            && match t.when {
                Guard::Always => true,
                Guard::NoVisitNeeded => !f.visit_needed(),
            }
    })
}

/// The steps that may come next, in the table's order.
pub fn next_steps(f: &Facts) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for t in TRANSITIONS {
        if !out.contains(&t.step) && transition(f, t.step).is_some() {
            out.push(t.step);
        }
    }
    out
}

/// 司法确认: applied for, once, after a written agreement (not a status).
pub const JUDICIAL: &str = "司法确认";
/// The court's ruling on it: 确认 or 驳回, court, ruling number, date.
pub const RULING: &str = "司法确认裁定";
pub const RULING_OUTCOMES: [&str; 2] = ["确认", "驳回"];

/// Whether 司法确认 may be applied for: a written agreement not yet taken to
/// court, while the case is between 协议 and 结案 (the 30 days are checked
/// against the date of the application): a case closed has nothing left to do.
pub fn judicial_open(status: &str, agreement_kind: Option<&str>, applied: bool) -> bool {
    matches!(status, AGREED | PERFORMED | VISITED) && agreement_kind == Some("书面") && !applied
}

/// Whether the court's ruling may be recorded: applied for, not yet ruled.
pub fn ruling_open(applied: bool, ruled: bool) -> bool {
    applied && !ruled
}

/// A step as the user records it. Which fields matter depends on the step:
/// 调解 (place, participants, content = the session record), 协议 (kind,
/// terms, performance way/place/deadline), 调解不成 (reason, referral),
/// 不予受理 and 终止调解 (reason), 延期 (consent, new deadline, reason), 履行
/// (performance), 回访 (performance, satisfaction, risk), 司法确认裁定
/// (court, ruling number, ruling).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StepInput {
    pub step: String,
    pub date: String,
    pub staff: String,
    pub place: Option<String>,
    pub participants: Option<String>,
    pub content: Option<String>,
    pub agreement_kind: Option<String>,
    pub terms: Option<String>,
    pub performance_way: Option<String>,
    pub performance_place: Option<String>,
    pub performance_deadline: Option<String>,
    pub reason: Option<String>,
    pub referral: Option<String>,
    pub performance: Option<String>,
    pub satisfaction: Option<String>,
    pub risk: Option<String>,
    /// 延期: both parties consent.
    pub consent: bool,
    /// 延期: the new deadline.
    pub new_deadline: Option<String>,
    pub court: Option<String>,
    pub ruling_no: Option<String>,
    /// 确认 or 驳回.
    pub ruling: Option<String>,
}

pub fn record(store: &mut Store, actor: &Actor, case_id: &str, s: &StepInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| record_in(w, case_id, s, today))
}

/// What a step reads of its case.
pub(crate) struct CaseState {
    pub status: String,
    pub received_on: String,
    pub agreement_on: Option<String>,
    pub agreement_kind: Option<String>,
    pub performance: Option<String>,
    pub judicial_applied_on: Option<String>,
    pub judicial_ruled_on: Option<String>,
}

impl CaseState {
    pub(crate) fn read(conn: &rusqlite::Connection, case_id: &str) -> Result<Option<(Option<String>, CaseState)>> {
        Ok(conn
            .prepare_cached(
                "SELECT community_id, status, received_on, agreement_on, agreement_kind, performance,
                        judicial_applied_on, judicial_ruled_on
                 FROM mediation_case WHERE id = ?1",
            )?
            .query_row([case_id], |r| {
                Ok((
                    r.get(0)?,
                    CaseState {
                        status: r.get(1)?,
                        received_on: r.get(2)?,
                        agreement_on: r.get(3)?,
                        agreement_kind: r.get(4)?,
                        performance: r.get(5)?,
                        judicial_applied_on: r.get(6)?,
                        judicial_ruled_on: r.get(7)?,
                    },
                ))
            })
            .optional()?)
    }

    pub(crate) fn facts(&self, visit_rule: i64) -> Facts<'_> {
        Facts {
            status: &self.status,
            agreement_kind: self.agreement_kind.as_deref(),
            performance: self.performance.as_deref(),
            visit_rule,
        }
    }
}

pub fn record_in(w: &mut WriteTx, case_id: &str, s: &StepInput, today: NaiveDate) -> Result<String> {
    let case = super::require_case(w, case_id)?;
    let date = validate::past_date("date", "日期", &s.date, today)?;
    if date.to_string() < case.received_on {
        return Err(invalid("date", "日期不能早于受理日期").into());
    }
    let staff = validate::required("staff", "经办人", &s.staff)?;
    let step = s.step.trim();
    let mut case_fields: Vec<(&str, Value)> = Vec::new();
    let mut content = optional(s.content.as_deref().or(s.terms.as_deref()).or(s.reason.as_deref()));
    if step == JUDICIAL {
        let kind = case.agreement_kind.as_deref();
        if !judicial_open(&case.status, kind, case.judicial_applied_on.is_some()) {
            let why = if judicial_open(&case.status, kind, false) {
                "该案件已申请司法确认"
            } else {
                "只有达成书面调解协议的案件可以申请司法确认"
            };
            return Err(invalid("step", why).into());
        }
        let agreed: NaiveDate = case.agreement_on.as_deref().unwrap_or_default().parse().unwrap_or(date);
        if date > agreed + Duration::days(JUDICIAL_WINDOW_DAYS) {
            return Err(invalid("date", "司法确认应在调解协议生效之日起30日内共同申请，已超过期限").into());
        }
        case_fields.push(("judicial_applied_on", date.to_string().into()));
        case_fields.push(("judicial_result", optional(s.content.as_deref()).into()));
    } else if step == RULING {
        if !ruling_open(case.judicial_applied_on.is_some(), case.judicial_ruled_on.is_some()) {
            let why = if case.judicial_ruled_on.is_some() {
                "该案件已记录法院裁定"
            } else {
                "该案件还没有申请司法确认"
            };
            return Err(invalid("step", why).into());
        }
        if case.judicial_applied_on.as_deref().is_some_and(|a| date.to_string().as_str() < a) {
            return Err(invalid("date", "裁定日期不能早于申请司法确认的日期").into());
        }
        let court = validate::required("court", "作出裁定的法院", s.court.as_deref().unwrap_or_default())?;
        let no = validate::required("ruling_no", "裁定书文号", s.ruling_no.as_deref().unwrap_or_default())?;
        let labels = RULING_OUTCOMES.map(String::from);
        let ruling = validate::one_of("ruling", "裁定结果", s.ruling.as_deref().unwrap_or_default(), &labels)?;
        content = Some(format!("{court}{no}：{ruling}"));
        case_fields.extend([
            ("judicial_court", court.into()),
            ("judicial_ruling_no", no.into()),
            ("judicial_outcome", ruling.into()),
            ("judicial_ruled_on", date.to_string().into()),
        ]);
    } else {
        if !TRANSITIONS.iter().any(|t| t.step == step) {
            return Err(invalid("step", format!("没有名为“{step}”的办理步骤")).into());
        }
        let rule = crate::settings::integer(w.conn(), "mediation.visit_required")?;
        let facts = case.facts(rule);
        let Some(t) = transition(&facts, step) else {
            let status = &case.status;
            if step == CLOSED && [AGREED, PERFORMED].contains(&status.as_str()) && facts.visit_needed() {
                return Err(invalid("step", "按本街道的设置，该案件结案前须先回访").into());
            }
            return Err(invalid("step", format!("案件当前为“{status}”，不能直接进入“{step}”，请按流程办理")).into());
        };
        if let Some(to) = t.to {
            case_fields.push(("status", to.to_string().into()));
        }
        case_fields.extend(step_fields(w, step, s, date)?);
    }
    w.update(Table::MediationCase, case_id, None, &case_fields)?;
    let id = new_id();
    w.insert(
        Table::MediationStep,
        &id,
        &[
            ("case_id", case_id.to_string().into()),
            ("step", step.to_string().into()),
            ("date", date.to_string().into()),
            ("staff", staff.into()),
            ("place", optional(s.place.as_deref()).into()),
            ("participants", optional(s.participants.as_deref()).into()),
            ("content", content.into()),
            ("satisfaction", optional(s.satisfaction.as_deref()).into()),
            ("risk", optional(s.risk.as_deref()).into()),
        ],
    )?;
    Ok(id)
}

/// An outcome (调解成功, 调解不成 …) and its date, for statistics by event date.
fn outcome(what: &str, date: &str) -> [(&'static str, Value); 2] {
    [("outcome", what.to_string().into()), ("outcome_on", date.to_string().into())]
}

/// The case fields a step sets, checked.
fn step_fields(w: &WriteTx, step: &str, s: &StepInput, date: NaiveDate) -> Result<Vec<(&'static str, Value)>> {
    let d = date.to_string();
    let reason = |label: &str| validate::required("reason", label, s.reason.as_deref().unwrap_or_default());
    Ok(match step {
        MEDIATING => {
            validate::required("content", "调解记录", s.content.as_deref().unwrap_or_default())?;
            Vec::new()
        }
        AGREED => {
            let kind = validate::one_of(
                "agreement_kind",
                "协议形式",
                s.agreement_kind.as_deref().unwrap_or_default(),
                &["书面".to_string(), "口头".to_string()],
            )?;
            let terms = validate::required("terms", "协议内容", s.terms.as_deref().unwrap_or_default())?;
            let deadline = match optional(s.performance_deadline.as_deref()) {
                Some(x) => Some(validate::date("performance_deadline", "履行期限", &x)?),
                None if kind == "书面" => {
                    return Err(invalid("performance_deadline", "书面协议须写明履行期限").into());
                }
                None => None,
            };
            if deadline.is_some_and(|x| x < date) {
                return Err(invalid("performance_deadline", "履行期限不能早于协议日期").into());
            }
            let mut f = vec![
                ("agreement_kind", kind.into()),
                ("agreement_on", d.clone().into()),
                ("agreement_terms", terms.into()),
                ("performance_way", optional(s.performance_way.as_deref()).into()),
                ("performance_place", optional(s.performance_place.as_deref()).into()),
                ("performance_deadline", deadline.map(|x| x.to_string()).into()),
            ];
            f.extend(outcome(SUCCEEDED, &d));
            f
        }
        FAILED => {
            let mut f = vec![
                ("failed_reason", reason("调解不成的原因")?.into()),
                ("referral", optional(s.referral.as_deref()).into()),
            ];
            f.extend(outcome(FAILED, &d));
            f
        }
        REJECTED | TERMINATED => {
            let label = if step == REJECTED { "不予受理的理由" } else { "终止调解的原因" };
            let mut f = vec![("outcome_reason", reason(label)?.into()), ("closed_on", d.clone().into())];
            f.extend(outcome(step, &d));
            f
        }
        WITHDRAWN => {
            let mut f = vec![("outcome_reason", optional(s.reason.as_deref()).into()), ("closed_on", d.clone().into())];
            f.extend(outcome(WITHDRAWN, &d));
            f
        }
        EXTENDED => {
            if !s.consent {
                return Err(invalid("consent", "延期须经双方当事人同意，请确认后勾选").into());
            }
            let raw = s.new_deadline.as_deref().unwrap_or_default();
            if raw.trim().is_empty() {
                return Err(invalid("new_deadline", "请填写延期后的办结期限").into());
            }
            let to = validate::date("new_deadline", "延期至", raw)?;
            if to <= date {
                return Err(invalid("new_deadline", "延期后的期限应晚于办理日期").into());
            }
            vec![("extended_to", to.to_string().into())]
        }
        PERFORMED => {
            let labels = dict::labels(w.conn(), "performance")?;
            let p = validate::one_of("performance", "履行情况", s.performance.as_deref().unwrap_or_default(), &labels)?;
            vec![("performance", p.into()), ("performed_on", d.into())]
        }
        VISITED => {
            let labels = dict::labels(w.conn(), "satisfaction")?;
            validate::one_of("satisfaction", "当事人满意度", s.satisfaction.as_deref().unwrap_or_default(), &labels)?;
            Vec::new()
        }
        CLOSED => vec![("closed_on", d.into())],
        _ => Vec::new(),
    })
}

/// One step of the timeline.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Step {
    pub id: String,
    pub step: String,
    pub date: String,
    pub staff: String,
    pub place: Option<String>,
    pub participants: Option<String>,
    pub content: Option<String>,
    pub satisfaction: Option<String>,
    pub risk: Option<String>,
}

pub fn timeline(conn: &rusqlite::Connection, case_id: &str) -> Result<Vec<Step>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, step, date, staff, place, participants, content, satisfaction, risk FROM mediation_step
         WHERE case_id = ?1 ORDER BY date, rowid",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Step {
            id: r.get(0)?,
            step: r.get(1)?,
            date: r.get(2)?,
            staff: r.get(3)?,
            place: r.get(4)?,
            participants: r.get(5)?,
            content: r.get(6)?,
            satisfaction: r.get(7)?,
            risk: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
