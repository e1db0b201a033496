//! The life of a dispute case (案件流程), step by step:
//!
//! ```text
//! 受理 → 调查 → 调解 (one or more sessions) → 协议 (书面 or 口头) → 履行 → 回访 → 结案
//!                                          ↘ 调解不成 → 结案
//! ```
//! plus 司法确认, applied for within 30 days of a written agreement. Each
//! step is dated, signed by who did it, and kept in the timeline; a step
//! that does not follow from the case's status is refused. An oral
//! agreement has no written document (协议书), so it cannot go to 司法确认.
use chrono::{Duration, NaiveDate};
use rusqlite::types::Value;
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
/// Days after a written agreement within which the parties may apply.
pub const JUDICIAL_WINDOW_DAYS: i64 = 30;

/// What a step may follow: (step, statuses it may follow).
pub const TRANSITIONS: &[(&str, &[&str])] = &[
    (INVESTIGATING, &[RECEIVED]),
    (MEDIATING, &[INVESTIGATING, MEDIATING]),
    (AGREED, &[MEDIATING]),
    (FAILED, &[MEDIATING]),
    (PERFORMED, &[AGREED]),
    (VISITED, &[PERFORMED]),
    (CLOSED, &[VISITED, FAILED]),
];

/// 司法确认: applied for, once, after a written agreement (not a status).
pub const JUDICIAL: &str = "司法确认";

/// Whether 司法确认 may be applied for: a written agreement not yet taken to
/// court, while the case is between 协议 and 回访 (the 30 days are checked
/// against the date of the application).
pub fn judicial_open(status: &str, agreement_kind: Option<&str>, applied: bool) -> bool {
    matches!(status, AGREED | PERFORMED | VISITED) && agreement_kind == Some("书面") && !applied
}

/// Whether `step` may follow a case in `status`.
pub fn allowed(status: &str, step: &str) -> bool {
    TRANSITIONS.iter().any(|(s, from)| *s == step && from.contains(&status))
}

/// A step as the user records it. Which fields matter depends on the step:
/// 调解 (place, participants, content = the session record), 协议 (kind,
/// terms, performance way/place/deadline), 调解不成 (reason, referral), 履行
/// (performance), 回访 (performance, satisfaction, risk).
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
}

pub fn record(store: &mut Store, actor: &Actor, case_id: &str, s: &StepInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| record_in(w, case_id, s, today))
}

pub fn record_in(w: &mut WriteTx, case_id: &str, s: &StepInput, today: NaiveDate) -> Result<String> {
    let (status, received_on, agreement_on, agreement_kind, judicial) = super::require_case(w, case_id)?;
    let date = validate::past_date("date", "日期", &s.date, today)?;
    if date.to_string() < received_on {
        return Err(invalid("date", "日期不能早于受理日期").into());
    }
    let staff = validate::required("staff", "经办人", &s.staff)?;
    let step = s.step.trim();
    let mut case_fields: Vec<(&str, Value)> = Vec::new();
    if step == JUDICIAL {
        if !judicial_open(&status, agreement_kind.as_deref(), judicial.is_some()) {
            let why = if judicial_open(&status, agreement_kind.as_deref(), false) {
                "该案件已申请司法确认"
            } else {
                "只有达成书面调解协议的案件可以申请司法确认"
            };
            return Err(invalid("step", why).into());
        }
        let agreed: NaiveDate = agreement_on.as_deref().unwrap_or_default().parse().unwrap_or(date);
        if date > agreed + Duration::days(JUDICIAL_WINDOW_DAYS) {
            return Err(invalid("date", "司法确认应在调解协议生效之日起30日内共同申请，已超过期限").into());
        }
        case_fields.push(("judicial_applied_on", date.to_string().into()));
        case_fields.push(("judicial_result", optional(s.content.as_deref()).into()));
    } else {
        if !TRANSITIONS.iter().any(|(t, _)| *t == step) {
            return Err(invalid("step", format!("没有名为“{step}”的办理步骤")).into());
        }
        if !allowed(&status, step) {
            return Err(invalid("step", format!("案件当前为“{status}”，不能直接进入“{step}”，请按流程办理")).into());
        }
        case_fields.push(("status", step.to_string().into()));
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
            ("content", optional(s.content.as_deref().or(s.terms.as_deref()).or(s.reason.as_deref())).into()),
            ("satisfaction", optional(s.satisfaction.as_deref()).into()),
            ("risk", optional(s.risk.as_deref()).into()),
        ],
    )?;
    Ok(id)
}

/// The case fields a step sets, checked.
fn step_fields(w: &WriteTx, step: &str, s: &StepInput, date: NaiveDate) -> Result<Vec<(&'static str, Value)>> {
    let d = date.to_string();
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
            vec![
                ("agreement_kind", kind.into()),
                ("agreement_on", d.into()),
                ("agreement_terms", terms.into()),
                ("performance_way", optional(s.performance_way.as_deref()).into()),
                ("performance_place", optional(s.performance_place.as_deref()).into()),
                ("performance_deadline", deadline.map(|x| x.to_string()).into()),
            ]
        }
        FAILED => vec![
            (
                "failed_reason",
                validate::required("reason", "调解不成的原因", s.reason.as_deref().unwrap_or_default())?.into(),
            ),
            ("referral", optional(s.referral.as_deref()).into()),
        ],
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
