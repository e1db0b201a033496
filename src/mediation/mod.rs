//! The people's mediation register (人民调解): dispute cases from intake to
//! follow-up (`lifecycle`), each of a committee (`committee`) that numbers
//! its own cases (`numbering`), with parties on both sides, the mediator
//! roster (`mediators`), alerts, the prevention work the statistics count,
//! 以案定补 (`subsidy`), the 排查表 (`screening`) and the case file's
//! printouts (`casefile`).
pub mod casefile;
pub mod committee;
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
use lifecycle::{CaseState, AGREED, PERFORMED, RECEIVED};

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

/// 简易程序: what was settled on the spot, recorded with the intake, all
/// dated the day it happened (the case's 受理日期).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SimpleInput {
    /// 调解情况 (the session record).
    pub content: String,
    /// 口头 (usual) or 书面.
    pub agreement_kind: String,
    pub terms: String,
    pub performance_deadline: Option<String>,
    /// Performed on the spot (当场履行).
    pub performed: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CaseInput {
    /// The committee (`committee::list`); none: the community's, or the
    /// street's when no community is given either.
    pub committee_id: Option<String>,
    /// A community's committee, when no committee is given.
    pub community_id: Option<String>,
    /// 简易程序: intake, mediation and agreement in one step.
    pub simple: Option<SimpleInput>,
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

/// 受理登记: registers a dispute with its parties, of a committee. It is
/// numbered at once on the PC that keeps the committee's sequence, else
/// 待编号 until that PC takes it in (`numbering`).
pub fn register(store: &mut Store, actor: &Actor, input: &CaseInput, today: NaiveDate) -> Result<String> {
    store.write(actor, |w| register_in(w, input, today))
}

pub fn register_in(w: &mut WriteTx, input: &CaseInput, today: NaiveDate) -> Result<String> {
    w.actor().require(Permission::Write)?;
    let community = match optional(input.community_id.as_deref()) {
        Some(c) => Some(crate::office::resolve(w.conn(), &c)?),
        None => None,
    };
    let (committee_id, community) = committee::resolve_for_case(w, input.committee_id.as_deref(), community)?;
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
        if !conn.prepare_cached(there)?.query_row([m], |r| r.get::<_, bool>(0))? {
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
    let id = new_id();
    w.insert(
        Table::MediationCase,
        &id,
        &[
            // 待编号 until the committee's keeper numbers it (below, when here).
            ("number", String::new().into()),
            ("year", (received.year() as i64).into()),
            ("pc_number", 0.into()),
            ("seq", 0.into()),
            ("committee_id", committee_id.into()),
            ("procedure", input.simple.as_ref().map(|_| lifecycle::SIMPLE.to_string()).into()),
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
            ("staff", staff.clone().into()),
            ("content", summary.into()),
        ],
    )?;
    if let Some(simple) = &input.simple {
        record_on_the_spot(w, &id, simple, &received.to_string(), &staff, today)?;
    }
    numbering::number_pending_in(w)?;
    Ok(id)
}

/// 简易程序: the session, the agreement and, when performed on the spot, the
/// performance, each a step of the timeline dated the day of intake.
fn record_on_the_spot(
    w: &mut WriteTx,
    id: &str,
    s: &SimpleInput,
    on: &str,
    staff: &str,
    today: NaiveDate,
) -> Result<()> {
    let kind = if s.agreement_kind.trim().is_empty() { "口头" } else { s.agreement_kind.trim() };
    // Each step's own text on the timeline: the session's record, the
    // terms (the agreement's, when no content is given), 当场履行.
    let step = |step: &str| lifecycle::StepInput {
        step: step.into(),
        date: on.into(),
        staff: staff.into(),
        content: match step {
            lifecycle::MEDIATING => Some(s.content.clone()),
            PERFORMED => Some("协议当场履行完毕".into()),
            _ => None,
        },
        agreement_kind: Some(kind.into()),
        terms: Some(s.terms.clone()),
        performance_deadline: s.performance_deadline.clone(),
        performance: Some("履行".into()),
        ..Default::default()
    };
    lifecycle::record_in(w, id, &step(lifecycle::MEDIATING), today)?;
    lifecycle::record_in(w, id, &step(AGREED), today)?;
    if s.performed {
        lifecycle::record_in(w, id, &step(PERFORMED), today)?;
    }
    Ok(())
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

/// What a step reads of its case, after checking the actor may change it.
pub(crate) fn require_case(w: &WriteTx, case_id: &str) -> Result<CaseState> {
    w.actor().require(Permission::Write)?;
    let (community, state) = CaseState::read(w.conn(), case_id)?.ok_or(Error::NotFound { what: "调解案件" })?;
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
    pub committee_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: u32,
    pub page_size: u32,
}

/// A case's number as shown: 待编号 until its committee's keeper numbers it.
pub(crate) const NUMBER_SQL: &str = "CASE m.number WHEN '' THEN '待编号' ELSE m.number END";

/// A case's committee as lists and reports name it (和平社区调委会).
pub(crate) const COMMITTEE_SQL: &str =
    "coalesce((SELECT k.short_name || '调委会' FROM mediation_committee k WHERE k.id = m.committee_id), '街道调委会')";

fn row_sql() -> String {
    format!(
        "SELECT m.id, {NUMBER_SQL}, m.dispute_type, m.source, {COMMITTEE_SQL},
        coalesce((SELECT group_concat(name, '、') FROM mediation_party WHERE case_id = m.id AND side = '申请方'), ''),
        coalesce((SELECT group_concat(name, '、') FROM mediation_party WHERE case_id = m.id AND side = '被申请方'), ''),
        m.received_on, m.status,
        coalesce((SELECT group_concat(d.name, '、') FROM json_each(m.mediators) j JOIN mediator d ON d.id = j.value), '')
    FROM mediation_case m"
    )
}

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
        ("m.committee_id = ?", optional(q.committee_id.as_deref())),
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
    let total: u64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM mediation_case m WHERE {filter}"))?
        .query_row(rusqlite::params_from_iter(&params), |r| r.get(0))?;
    let (page, page_size, limit, offset) = person::limit_offset(q.page, q.page_size);
    let sql = format!(
        "{} WHERE {filter} ORDER BY m.received_on DESC, m.number DESC LIMIT {limit} OFFSET {offset}",
        row_sql()
    );
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
    pub committee_id: Option<String>,
    /// The committee's full name (和平社区人民调解委员会), for the documents.
    pub committee_name: Option<String>,
    /// 简易程序, or none (the ordinary procedure).
    pub procedure: Option<String>,
    /// 调解成功, 调解不成, 终止调解, 不予受理 or 撤回, and when.
    pub outcome: Option<String>,
    pub outcome_on: Option<String>,
    pub outcome_reason: Option<String>,
    /// The deadline to close it: 延期's, else intake + mediation.open_days.
    pub deadline: String,
    pub extended_to: Option<String>,
    pub judicial_court: Option<String>,
    pub judicial_ruling_no: Option<String>,
    pub judicial_outcome: Option<String>,
    pub judicial_ruled_on: Option<String>,
    /// Why the number is missing, for the page and the printouts (待编号).
    pub number_note: Option<String>,
    pub parties: Vec<Party>,
    pub mediators: Vec<Mediator>,
    pub timeline: Vec<lifecycle::Step>,
    /// The steps that may come next.
    pub next_steps: Vec<&'static str>,
    /// Whether 司法确认 may be applied for now (`lifecycle::judicial_open`).
    pub judicial_open: bool,
    /// Whether the court's ruling may be recorded (`lifecycle::ruling_open`).
    pub ruling_open: bool,
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
    let community: Option<String> = conn
        .prepare_cached(
            "SELECT c.name FROM mediation_case m LEFT JOIN community c ON c.id = m.community_id WHERE m.id = ?1",
        )?
        .query_row([id], |r| r.get(0))?;
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
        .prepare_cached(&format!("{} WHERE m.id = ?1", row_sql()))?
        .query_row([id], case_row)
        .optional()?
        .ok_or(Error::NotFound { what: "调解案件" })?;
    let community: Option<String> =
        conn.prepare_cached("SELECT community_id FROM mediation_case WHERE id = ?1")?.query_row([id], |r| r.get(0))?;
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
    let ids: String =
        conn.prepare_cached("SELECT mediators FROM mediation_case WHERE id = ?1")?.query_row([id], |r| r.get(0))?;
    let ids: Vec<String> = serde_json::from_str(&ids).unwrap_or_default();
    let mediators = mediators(conn, actor)?.into_iter().filter(|m| ids.contains(&m.id)).collect();
    let office: String = conn.prepare_cached("SELECT name FROM office LIMIT 1")?.query_row([], |r| r.get(0))?;
    let (_, state) = CaseState::read(conn, id)?.ok_or(Error::NotFound { what: "调解案件" })?;
    let rule = crate::settings::integer(conn, "mediation.visit_required")?;
    let open_days = crate::settings::integer(conn, "mediation.open_days")?;
    let d = conn
        .prepare_cached(
            "SELECT m.summary, m.requests, m.amount_cents, m.agreement_kind, m.agreement_on, m.agreement_terms,
                m.performance_way, m.performance_place, m.performance_deadline, m.failed_reason, m.referral,
                m.performance, m.performed_on, m.judicial_applied_on, m.closed_on, m.committee_id, m.procedure,
                m.outcome, m.outcome_on, m.outcome_reason, m.extended_to, m.judicial_court, m.judicial_ruling_no,
                m.judicial_outcome, m.judicial_ruled_on, m.number = '',
                (SELECT k.short_name FROM mediation_committee k WHERE k.id = m.committee_id),
                (SELECT p.pc_name FROM mediation_committee k JOIN sync_peer p ON p.installation_id = k.keeper
                 WHERE k.id = m.committee_id),
                (SELECT k.name FROM mediation_committee k WHERE k.id = m.committee_id)
         FROM mediation_case m WHERE m.id = ?1",
        )?
        .query_row([id], |r| {
            let extended_to: Option<String> = r.get(20)?;
            let pending: bool = r.get(25)?;
            let number_note = pending.then(|| {
                let committee = r.get::<_, Option<String>>(26).ok().flatten().unwrap_or_default();
                let keeper = r.get::<_, Option<String>>(27).ok().flatten();
                let keeper = keeper.map(|k| format!("（{k}）")).unwrap_or_default();
                format!(
                    "本案在非编号电脑上登记，暂未编号。{committee}调委会的案号由其编号电脑{keeper}统一编排：\
                     请两台电脑同步后再打印需要案号的文书"
                )
            });
            Ok(CaseDetail {
                next_steps: lifecycle::next_steps(&state.facts(rule)),
                deadline: extended_to.clone().unwrap_or_else(|| {
                    state
                        .received_on
                        .parse::<NaiveDate>()
                        .map(|d| (d + Duration::days(open_days)).to_string())
                        .unwrap_or_default()
                }),
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
                committee_id: r.get(15)?,
                committee_name: r.get(28)?,
                procedure: r.get(16)?,
                outcome: r.get(17)?,
                outcome_on: r.get(18)?,
                outcome_reason: r.get(19)?,
                extended_to,
                judicial_court: r.get(21)?,
                judicial_ruling_no: r.get(22)?,
                judicial_outcome: r.get(23)?,
                judicial_ruled_on: r.get(24)?,
                number_note,
                judicial_open: lifecycle::judicial_open(
                    &row.status,
                    state.agreement_kind.as_deref(),
                    state.judicial_applied_on.is_some(),
                ),
                ruling_open: lifecycle::ruling_open(
                    state.judicial_applied_on.is_some(),
                    state.judicial_ruled_on.is_some(),
                ),
                parties: Vec::new(),
                mediators: Vec::new(),
                timeline: Vec::new(),
            })
        })?;
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

/// Open cases past their deadline (intake + mediation.open_days, 30, or the
/// deadline both parties agreed to by 延期); agreements past their
/// performance deadline; performed cases due a follow-up visit where one is
/// needed (mediation.followup_days, 15, after performance;
/// mediation.visit_required); written agreements whose 30-day
/// judicial-confirmation window closes within mediation.judicial_alert_days (7).
pub fn alerts(conn: &Connection, actor: &Actor, today: NaiveDate) -> Result<Vec<Alert>> {
    let open_days = crate::settings::integer(conn, "mediation.open_days")?;
    let followup_days = crate::settings::integer(conn, "mediation.followup_days")?;
    let judicial_days = crate::settings::integer(conn, "mediation.judicial_alert_days")?;
    let visit_rule = crate::settings::integer(conn, "mediation.visit_required")?;
    let ended = lifecycle::ENDED.map(|s| format!("'{s}'")).join(", ");
    let mut stmt = conn.prepare(&format!(
        "SELECT id, {NUMBER_SQL}, status, received_on, performance_deadline, performed_on, agreement_kind,
                agreement_on, judicial_applied_on, extended_to, performance
         FROM mediation_case m WHERE status NOT IN ({ended}) AND (?1 IS NULL OR community_id = ?1)"
    ))?;
    let mut rows = stmt.query(rusqlite::params![actor.scope()])?;
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
        let deadline = day(r.get(9)?).or_else(|| day(r.get(3).ok()?).map(|d| d + Duration::days(open_days)));
        if let Some(deadline) = deadline.filter(|d| *d < today) {
            push("超期未结", deadline);
        }
        if status == AGREED {
            if let Some(deadline) = day(r.get(4)?).filter(|d| *d < today) {
                push("逾期未履行", deadline);
            }
        }
        let kind: Option<String> = r.get(6)?;
        let performance: Option<String> = r.get(10)?;
        let facts = lifecycle::Facts {
            status: &status,
            agreement_kind: kind.as_deref(),
            performance: performance.as_deref(),
            visit_rule,
        };
        if status == PERFORMED && facts.visit_needed() {
            if let Some(due) = day(r.get(5)?).map(|d| d + Duration::days(followup_days)).filter(|d| *d <= today) {
                push("待回访", due);
            }
        }
        if kind.as_deref() == Some("书面") && r.get::<_, Option<String>>(8)?.is_none() {
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
    /// 防止群体性械斗: cases (件) and persons (人).
    pub fights_prevented: i64,
    pub fight_persons: i64,
    /// 防止因民间纠纷引起自杀 (件/人).
    pub suicide_cases: i64,
    pub suicide_persons: i64,
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
            ("fight_persons", p.fight_persons),
            ("suicide_cases", p.suicide_cases),
            ("suicide_persons", p.suicide_persons),
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
                p.criminal_cases, p.criminal_persons, p.petition_cases, p.petition_persons, p.fights_prevented,
                p.fight_persons, p.suicide_cases, p.suicide_persons, p.notes
         FROM prevention_entry p LEFT JOIN community c ON c.id = p.community_id
         WHERE p.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR p.community_id = ?3) ORDER BY p.date DESC",
        rusqlite::params![from, to, actor.scope()],
    )
}
