//! The people's mediation register (人民调解): dispute cases from intake to
//! follow-up (`lifecycle`), numbered uniquely across PCs (`numbering`), with
//! parties on both sides, the mediator roster, alerts, and the prevention
//! work the statistics count.
pub mod casefile;
pub mod lifecycle;
pub mod mediators;
pub mod numbering;
pub mod screening;
pub mod subsidy;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::{Actor, Permission, Role};
use crate::person::{self, PersonInput};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{dict, Error, Result};
use lifecycle::{AGREED, CLOSED, PERFORMED, RECEIVED};

pub const APPLICANT: &str = "申请方";
pub const RESPONDENT: &str = "被申请方";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PartyInput {
    pub side: String,
    pub name: String,
    /// When given, the party is linked to (or added to) the person table.
    pub id_number: Option<String>,
    pub sex: Option<String>,
    pub ethnicity: Option<String>,
    pub age: Option<u32>,
    pub occupation: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CaseInput {
    /// The committee: a community's 调委会, or none for the street's.
    pub community_id: Option<String>,
    pub dispute_type: String,
    pub source: String,
    pub mediator_ids: Vec<String>,
    pub summary: String,
    pub requests: Option<String>,
    /// Yuan, as typed.
    pub amount: Option<String>,
    pub received_on: String,
    pub parties: Vec<PartyInput>,
    /// Who registers it (受理人), for the timeline.
    pub staff: String,
    /// 简易/一般/疑难/重大 (`subsidy::DIFFICULTIES`); none is 一般.
    pub difficulty: Option<String>,
}

/// 受理登记: registers a dispute with its parties; it gets this PC's next
/// case number for the year received.
pub fn register(store: &mut Store, actor: &Actor, input: &CaseInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| register_in(w, input, today))
}

pub fn register_in(w: &mut WriteTx, input: &CaseInput, today: NaiveDate) -> Result<String> {
    w.actor().require(Permission::Write)?;
    let community = match optional(input.community_id.as_deref()) {
        Some(c) => Some(crate::office::resolve(w.conn(), &c)?),
        None => None,
    };
    w.actor().require_community(community.as_deref())?;
    let conn = w.conn();
    let dispute_type =
        validate::one_of("dispute_type", "纠纷类型", &input.dispute_type, &dict::labels(conn, "dispute_type")?)?;
    let source = validate::one_of("source", "案件来源", &input.source, &dict::labels(conn, "dispute_source")?)?;
    let summary = validate::required("summary", "纠纷简要情况", &input.summary)?;
    let received = validate::past_date("received_on", "受理日期", &input.received_on, today)?;
    let staff = validate::required("staff", "受理人", &input.staff)?;
    let amount = validate::yuan_to_cents("amount", "涉及金额", input.amount.as_deref(), 100_000_000.0)?;
    for m in &input.mediator_ids {
        let there = "SELECT EXISTS (SELECT 1 FROM mediator WHERE id = ?1 AND active = 1)";
        if !conn.query_row(there, [m], |r| r.get::<_, bool>(0))? {
            return Err(invalid("mediator_ids", "所选调解员不在调解员名册中").into());
        }
    }
    if input.mediator_ids.is_empty() {
        return Err(invalid("mediator_ids", "请至少选择一名调解员").into());
    }
    for side in [APPLICANT, RESPONDENT] {
        if !input.parties.iter().any(|p| p.side == side) {
            return Err(invalid("parties", format!("请至少填写一名{side}当事人")).into());
        }
    }
    let difficulty = subsidy::difficulty(input.difficulty.as_deref())?;
    let installation = w.installation_id().to_string();
    let (pc, seq, number) = numbering::next(w, &installation, received.year())?;
    let id = new_id();
    w.insert(
        Table::MediationCase,
        &id,
        &[
            ("number", number.into()),
            ("year", (received.year() as i64).into()),
            ("pc_number", pc.into()),
            ("seq", seq.into()),
            ("community_id", community.into()),
            ("dispute_type", dispute_type.into()),
            ("source", source.into()),
            ("mediators", serde_json::to_string(&input.mediator_ids).expect("JSON of text").into()),
            ("summary", summary.clone().into()),
            ("requests", optional(input.requests.as_deref()).into()),
            ("amount_cents", amount.into()),
            ("received_on", received.to_string().into()),
            ("status", RECEIVED.to_string().into()),
            ("difficulty", difficulty.into()),
        ],
    )?;
    for p in &input.parties {
        add_party_in(w, &id, p, today)?;
    }
    w.insert(
        Table::MediationStep,
        &new_id(),
        &[
            ("case_id", id.clone().into()),
            ("step", RECEIVED.to_string().into()),
            ("date", received.to_string().into()),
            ("staff", staff.into()),
            ("content", summary.into()),
        ],
    )?;
    Ok(id)
}

fn add_party_in(w: &mut WriteTx, case_id: &str, p: &PartyInput, today: NaiveDate) -> Result<String> {
    let side = validate::one_of("side", "当事人一方", &p.side, &[APPLICANT.to_string(), RESPONDENT.to_string()])?;
    let name = validate::required("name", "当事人姓名", &p.name)?;
    let phone = validate::phone("phone", p.phone.as_deref())?;
    let (mut sex, mut age, mut person_id) = (optional(p.sex.as_deref()), p.age.map(|a| a as i64), None);
    if let Some(idn) = optional(p.id_number.as_deref()) {
        let parsed = person::parse_id(&idn)?;
        sex = Some(parsed.sex().label().to_string());
        age = Some(parsed.age_on(today) as i64);
        person_id = Some(match person::find_by_id_number(w.conn(), parsed.as_str())? {
            Some(pid) => pid,
            None => {
                let input = PersonInput {
                    name: name.clone(),
                    id_number: Some(idn),
                    phone: phone.clone(),
                    address: optional(p.address.as_deref()),
                    ..Default::default()
                };
                person::create(w, &input, today)?
            }
        });
    }
    let id = new_id();
    w.insert(
        Table::MediationParty,
        &id,
        &[
            ("case_id", case_id.to_string().into()),
            ("side", side.into()),
            ("person_id", person_id.into()),
            ("name", name.into()),
            ("sex", sex.into()),
            ("ethnicity", optional(p.ethnicity.as_deref()).into()),
            ("age", age.into()),
            ("occupation", optional(p.occupation.as_deref()).into()),
            ("phone", phone.into()),
            ("address", optional(p.address.as_deref()).into()),
        ],
    )?;
    Ok(id)
}

type CaseState = (String, String, Option<String>, Option<String>, Option<String>);

/// The case's status, received date, agreement date and kind, judicial
/// application, after checking the actor may change it.
pub(crate) fn require_case(w: &WriteTx, case_id: &str) -> Result<CaseState> {
    w.actor().require(Permission::Write)?;
    let (community, state): (Option<String>, CaseState) = w
        .conn()
        .query_row(
            "SELECT community_id, status, received_on, agreement_on, agreement_kind, judicial_applied_on
             FROM mediation_case WHERE id = ?1",
            [case_id],
            |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))),
        )
        .optional()?
        .ok_or(Error::NotFound { what: "调解案件" })?;
    w.actor().require_community(community.as_deref())?;
    Ok(state)
}

/// A case in the list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseRow {
    pub id: String,
    pub number: String,
    pub dispute_type: String,
    pub source: String,
    pub committee: String,
    pub applicants: String,
    pub respondents: String,
    pub received_on: String,
    pub status: String,
    pub mediators: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CaseQuery {
    pub dispute_type: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
    pub mediator_id: Option<String>,
    pub community_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: u32,
    pub page_size: u32,
}

const ROW_SQL: &str = "SELECT m.id, m.number, m.dispute_type, m.source, coalesce(c.name || '调委会', '街道调委会'),
        coalesce((SELECT group_concat(name, '、') FROM mediation_party WHERE case_id = m.id AND side = '申请方'), ''),
        coalesce((SELECT group_concat(name, '、') FROM mediation_party WHERE case_id = m.id AND side = '被申请方'), ''),
        m.received_on, m.status,
        coalesce((SELECT group_concat(d.name, '、') FROM json_each(m.mediators) j JOIN mediator d ON d.id = j.value), '')
    FROM mediation_case m LEFT JOIN community c ON c.id = m.community_id";

fn case_row(r: &rusqlite::Row) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        id: r.get(0)?,
        number: r.get(1)?,
        dispute_type: r.get(2)?,
        source: r.get(3)?,
        committee: r.get(4)?,
        applicants: r.get(5)?,
        respondents: r.get(6)?,
        received_on: r.get(7)?,
        status: r.get(8)?,
        mediators: r.get(9)?,
    })
}

/// Cases with filters, newest first. A community worker sees their
/// committee's cases only.
pub fn list(conn: &Connection, actor: &Actor, q: &CaseQuery) -> Result<person::Page<CaseRow>> {
    let mut conds = vec!["1 = 1".to_string()];
    let mut params: Vec<String> = Vec::new();
    let community = actor.scope().map(String::from).or_else(|| optional(q.community_id.as_deref()));
    let filters = [
        ("m.community_id = ?", community),
        ("m.dispute_type = ?", optional(q.dispute_type.as_deref())),
        ("m.source = ?", optional(q.source.as_deref())),
        ("m.status = ?", optional(q.status.as_deref())),
        ("EXISTS (SELECT 1 FROM json_each(m.mediators) WHERE value = ?)", optional(q.mediator_id.as_deref())),
        ("m.received_on >= ?", optional(q.from.as_deref())),
        ("m.received_on <= ?", optional(q.to.as_deref())),
    ];
    for (cond, value) in filters {
        if let Some(v) = value {
            conds.push(cond.to_string());
            params.push(v);
        }
    }
    let filter = conds.join(" AND ");
    let total: u64 = conn.query_row(
        &format!("SELECT count(*) FROM mediation_case m WHERE {filter}"),
        rusqlite::params_from_iter(&params),
        |r| r.get(0),
    )?;
    let (page, page_size, limit, offset) = person::limit_offset(q.page, q.page_size);
    let sql =
        format!("{ROW_SQL} WHERE {filter} ORDER BY m.received_on DESC, m.number DESC LIMIT {limit} OFFSET {offset}");
    let mut stmt = conn.prepare(&sql)?;
    let items = stmt.query_map(rusqlite::params_from_iter(&params), case_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(person::Page { items, total, page, page_size })
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Party {
    pub id: String,
    pub side: String,
    pub name: String,
    pub id_number: Option<String>,
    pub sex: Option<String>,
    pub ethnicity: Option<String>,
    pub age: Option<i64>,
    pub occupation: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseDetail {
    pub row: CaseRow,
    pub office: String,
    pub summary: String,
    pub requests: Option<String>,
    pub amount_cents: i64,
    pub agreement_kind: Option<String>,
    pub agreement_on: Option<String>,
    pub agreement_terms: Option<String>,
    pub performance_way: Option<String>,
    pub performance_place: Option<String>,
    pub performance_deadline: Option<String>,
    pub failed_reason: Option<String>,
    pub referral: Option<String>,
    pub performance: Option<String>,
    pub performed_on: Option<String>,
    pub judicial_applied_on: Option<String>,
    pub closed_on: Option<String>,
    pub parties: Vec<Party>,
    pub mediators: Vec<Mediator>,
    pub timeline: Vec<lifecycle::Step>,
    /// The steps that may come next.
    pub next_steps: Vec<&'static str>,
    /// Whether 司法确认 may be applied for now (`lifecycle::judicial_open`).
    pub judicial_open: bool,
}

/// The case page's case: ID numbers and phones masked.
pub fn detail(conn: &Connection, actor: &Actor, id: &str) -> Result<CaseDetail> {
    detail_of(conn, actor, id, false)
}

/// A case for its printed documents (受理登记表, 人民调解协议书).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PrintDetail {
    #[serde(flatten)]
    pub case: CaseDetail,
    /// The parties' ID numbers are in full: the actor may see them.
    pub full_id_numbers: bool,
    /// When they are masked: why, and who can print them in full (for the
    /// print view's toolbar, not the paper).
    pub id_note: Option<String>,
}

/// The case as its signed documents need it: the parties identified by
/// their full ID numbers for roles that may see them (`Permission::Unmask`),
/// audited like `person::reveal` (who, which case; never the numbers);
/// masked, with a note saying who can print them, for the others. Phones
/// stay masked.
pub fn print_detail(store: &Store, actor: &Actor, id: &str) -> Result<PrintDetail> {
    let full = actor.may(Permission::Unmask);
    let case = detail_of(store.conn(), actor, id, full)?;
    if !full {
        let id_note = Some(who_prints_in_full(store.conn(), actor, id)?);
        return Ok(PrintDetail { case, full_id_numbers: false, id_note });
    }
    if case.parties.iter().any(|p| p.id_number.is_some()) {
        let detail = format!("打印调解案件{}的文书，显示当事人的完整身份证号", case.row.number);
        crate::audit::record(store, &actor.user, crate::audit::Action::Unmask, id, &detail)?;
    }
    Ok(PrintDetail { case, full_id_numbers: true, id_note: None })
}

/// 身份证号已部分隐去…: the roles that may unmask and reach the case (a
/// community's worker only their community's committee's cases).
fn who_prints_in_full(conn: &Connection, actor: &Actor, id: &str) -> Result<String> {
    let community: Option<String> = conn.query_row(
        "SELECT c.name FROM mediation_case m LEFT JOIN community c ON c.id = m.community_id WHERE m.id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let who: Vec<String> = Role::ALL
        .into_iter()
        .filter(|r| Actor::new("", *r, None).may(Permission::Unmask))
        .filter_map(|r| match (r, &community) {
            (Role::CommunityStaff, Some(c)) => Some(format!("{c}的{}", r.label())),
            (Role::CommunityStaff, None) => None,
            _ => Some(r.label().to_string()),
        })
        .collect();
    let who = match who.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{}或{last}", rest.join("、")),
        None => "管理员".into(),
    };
    Ok(format!(
        "身份证号已部分隐去：{}账号不能打印完整的身份证号。需要完整身份证号的正式文书，请由{who}登录后打印。",
        actor.role.label()
    ))
}

fn detail_of(conn: &Connection, actor: &Actor, id: &str, full_id_numbers: bool) -> Result<CaseDetail> {
    let row = conn
        .query_row(&format!("{ROW_SQL} WHERE m.id = ?1"), [id], case_row)
        .optional()?
        .ok_or(Error::NotFound { what: "调解案件" })?;
    let community: Option<String> =
        conn.query_row("SELECT community_id FROM mediation_case WHERE id = ?1", [id], |r| r.get(0))?;
    actor.require_community(community.as_deref())?;
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.side, p.name, s.id_number, p.sex, p.ethnicity, p.age, p.occupation, p.phone, p.address
         FROM mediation_party p LEFT JOIN person s ON s.id = p.person_id WHERE p.case_id = ?1
         ORDER BY p.side = '被申请方', p.rowid",
    )?;
    let parties = stmt
        .query_map([id], |r| {
            Ok(Party {
                id: r.get(0)?,
                side: r.get(1)?,
                name: r.get(2)?,
                id_number: r
                    .get::<_, Option<String>>(3)?
                    .map(|n| if full_id_numbers { n } else { person::mask_id(&n) }),
                sex: r.get(4)?,
                ethnicity: r.get(5)?,
                age: r.get(6)?,
                occupation: r.get(7)?,
                phone: r.get::<_, Option<String>>(8)?.map(|p| crate::idcard::mask_phone(&p)),
                address: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let ids: String = conn.query_row("SELECT mediators FROM mediation_case WHERE id = ?1", [id], |r| r.get(0))?;
    let ids: Vec<String> = serde_json::from_str(&ids).unwrap_or_default();
    let mediators = mediators(conn, actor)?.into_iter().filter(|m| ids.contains(&m.id)).collect();
    let office: String = conn.query_row("SELECT name FROM office LIMIT 1", [], |r| r.get(0))?;
    let d = conn.query_row(
        "SELECT summary, requests, amount_cents, agreement_kind, agreement_on, agreement_terms, performance_way,
                performance_place, performance_deadline, failed_reason, referral, performance, performed_on,
                judicial_applied_on, closed_on
         FROM mediation_case WHERE id = ?1",
        [id],
        |r| {
            Ok(CaseDetail {
                next_steps: lifecycle::TRANSITIONS
                    .iter()
                    .filter(|(_, from)| from.contains(&row.status.as_str()))
                    .map(|(s, _)| *s)
                    .collect(),
                row: row.clone(),
                office: office.clone(),
                summary: r.get(0)?,
                requests: r.get(1)?,
                amount_cents: r.get(2)?,
                agreement_kind: r.get(3)?,
                agreement_on: r.get(4)?,
                agreement_terms: r.get(5)?,
                performance_way: r.get(6)?,
                performance_place: r.get(7)?,
                performance_deadline: r.get(8)?,
                failed_reason: r.get(9)?,
                referral: r.get(10)?,
                performance: r.get(11)?,
                performed_on: r.get(12)?,
                judicial_applied_on: r.get(13)?,
                closed_on: r.get(14)?,
                judicial_open: lifecycle::judicial_open(
                    &row.status,
                    r.get::<_, Option<String>>(3)?.as_deref(),
                    r.get::<_, Option<String>>(13)?.is_some(),
                ),
                parties: Vec::new(),
                mediators: Vec::new(),
                timeline: Vec::new(),
            })
        },
    )?;
    Ok(CaseDetail { parties, mediators, timeline: lifecycle::timeline(conn, id)?, ..d })
}

/// An alert (提醒) on a case.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Alert {
    pub case_id: String,
    pub number: String,
    /// 超期未结, 逾期未履行, 待回访, 司法确认将到期.
    pub kind: &'static str,
    pub date: String,
    /// Days past (positive) or left (negative) against `date`.
    pub days: i64,
}

/// Open cases past the open-days limit (setting mediation.open_days, 30);
/// agreements past their performance deadline; performed cases due a
/// follow-up visit (mediation.followup_days, 15, after performance); written
/// agreements whose 30-day judicial-confirmation window closes within
/// mediation.judicial_alert_days (7).
pub fn alerts(conn: &Connection, actor: &Actor, today: NaiveDate) -> Result<Vec<Alert>> {
    let open_days = crate::settings::integer(conn, "mediation.open_days")?;
    let followup_days = crate::settings::integer(conn, "mediation.followup_days")?;
    let judicial_days = crate::settings::integer(conn, "mediation.judicial_alert_days")?;
    let mut stmt = conn.prepare(
        "SELECT id, number, status, received_on, performance_deadline, performed_on, agreement_kind, agreement_on,
                judicial_applied_on
         FROM mediation_case WHERE status <> ?1 AND (?2 IS NULL OR community_id = ?2)",
    )?;
    let mut rows = stmt.query(rusqlite::params![CLOSED, actor.scope()])?;
    let mut out = Vec::new();
    let day = |s: Option<String>| s.and_then(|s| s.parse::<NaiveDate>().ok());
    while let Some(r) = rows.next()? {
        let (id, number, status): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let mut push = |kind, date: NaiveDate| {
            out.push(Alert {
                case_id: id.clone(),
                number: number.clone(),
                kind,
                date: date.to_string(),
                days: (today - date).num_days(),
            })
        };
        if let Some(received) = day(r.get(3)?) {
            if (today - received).num_days() > open_days {
                push("超期未结", received + Duration::days(open_days));
            }
        }
        if status == AGREED {
            if let Some(deadline) = day(r.get(4)?).filter(|d| *d < today) {
                push("逾期未履行", deadline);
            }
        }
        if status == PERFORMED {
            if let Some(due) = day(r.get(5)?).map(|d| d + Duration::days(followup_days)).filter(|d| *d <= today) {
                push("待回访", due);
            }
        }
        let written = r.get::<_, Option<String>>(6)?.as_deref() == Some("书面");
        if written && r.get::<_, Option<String>>(8)?.is_none() {
            if let Some(agreed) = day(r.get(7)?) {
                let closes = agreed + Duration::days(lifecycle::JUDICIAL_WINDOW_DAYS);
                let left = (closes - today).num_days();
                if (0..=judicial_days).contains(&left) {
                    push("司法确认将到期", closes);
                }
            }
        }
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.days));
    Ok(out)
}

/// 调解员.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Mediator {
    pub id: String,
    pub name: String,
    pub committee: String,
    pub cert_no: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MediatorInput {
    pub name: String,
    pub community_id: Option<String>,
    pub cert_no: Option<String>,
    pub phone: Option<String>,
    #[serde(flatten)]
    pub profile: mediators::Profile,
}

pub fn add_mediator(store: &mut Store, actor: &Actor, m: &MediatorInput) -> Result<String> {
    store.write(actor, |w| add_mediator_in(w, m))
}

pub fn add_mediator_in(w: &mut WriteTx, m: &MediatorInput) -> Result<String> {
    w.actor().require(Permission::Write)?;
    let community = match optional(m.community_id.as_deref()) {
        Some(c) => Some(crate::office::resolve(w.conn(), &c)?),
        None => None,
    };
    w.actor().require_community(community.as_deref())?;
    let id = new_id();
    w.insert(
        Table::Mediator,
        &id,
        &[
            ("name", validate::required("name", "调解员姓名", &m.name)?.into()),
            ("community_id", community.into()),
            ("cert_no", optional(m.cert_no.as_deref()).into()),
            ("phone", validate::phone("phone", m.phone.as_deref())?.into()),
            ("active", 1.into()),
        ]
        .into_iter()
        .chain(mediators::profile_fields(&m.profile)?)
        .collect::<Vec<_>>(),
    )?;
    Ok(id)
}

/// The roster (phones masked).
pub fn mediators(conn: &Connection, _actor: &Actor) -> Result<Vec<Mediator>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.name, coalesce(c.name || '调委会', '街道调委会'), m.cert_no, m.phone
         FROM mediator m LEFT JOIN community c ON c.id = m.community_id WHERE m.active = 1
         ORDER BY m.community_id IS NOT NULL, c.sort, m.name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Mediator {
            id: r.get(0)?,
            name: r.get(1)?,
            committee: r.get(2)?,
            cert_no: r.get(3)?,
            phone: r.get::<_, Option<String>>(4)?.map(|p| crate::idcard::mask_phone(&p)),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Prevention work (排查, 预防, 防止民转刑 …) counted for the statistics.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct PreventionInput {
    pub community_id: Option<String>,
    pub date: String,
    pub screenings: i64,
    pub disputes_found: i64,
    pub disputes_prevented: i64,
    pub criminal_cases: i64,
    pub criminal_persons: i64,
    pub petition_cases: i64,
    pub petition_persons: i64,
    pub fights_prevented: i64,
    pub notes: Option<String>,
}

pub fn add_prevention(store: &mut Store, actor: &Actor, p: &PreventionInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| {
        w.actor().require(Permission::Write)?;
        let community = match optional(p.community_id.as_deref()) {
            Some(c) => Some(crate::office::resolve(w.conn(), &c)?),
            None => None,
        };
        w.actor().require_community(community.as_deref())?;
        let counts = [
            ("screenings", p.screenings),
            ("disputes_found", p.disputes_found),
            ("disputes_prevented", p.disputes_prevented),
            ("criminal_cases", p.criminal_cases),
            ("criminal_persons", p.criminal_persons),
            ("petition_cases", p.petition_cases),
            ("petition_persons", p.petition_persons),
            ("fights_prevented", p.fights_prevented),
        ];
        if counts.iter().any(|(_, n)| *n < 0) {
            return Err(invalid("screenings", "数量不能为负数").into());
        }
        let mut f: Vec<(&str, rusqlite::types::Value)> = counts.iter().map(|(k, n)| (*k, (*n).into())).collect();
        f.push(("community_id", community.into()));
        f.push(("date", validate::past_date("date", "日期", &p.date, today)?.to_string().into()));
        f.push(("notes", optional(p.notes.as_deref()).into()));
        let id = new_id();
        w.insert(Table::PreventionEntry, &id, &f)?;
        Ok(id)
    })
}

/// Prevention entries of a period (inclusive dates), newest first.
pub fn prevention(conn: &Connection, actor: &Actor, from: &str, to: &str) -> Result<Vec<serde_json::Value>> {
    crate::store::json_rows(
        conn,
        "SELECT p.id, p.date, coalesce(c.name, '街道') AS committee, p.screenings, p.disputes_found, p.disputes_prevented,
                p.criminal_cases, p.criminal_persons, p.petition_cases, p.petition_persons, p.fights_prevented, p.notes
         FROM prevention_entry p LEFT JOIN community c ON c.id = p.community_id
         WHERE p.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR p.community_id = ?3) ORDER BY p.date DESC",
        rusqlite::params![from, to, actor.scope()],
    )
}
