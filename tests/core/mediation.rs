//! People's mediation: every allowed and refused step of a case's life,
//! case numbers that stay unique when two PCs register cases offline, and
//! alerts on the days at their edges. The procedures of issue 16 (简易程序,
//! 不予受理, 撤回, 终止调解, 延期, 司法确认裁定) are in mediation_procedures.rs,
//! committee numbering in mediation_numbering.rs.
use chrono::NaiveDate;
use street_ledger::access::{Actor, Role};
use street_ledger::mediation::lifecycle::{self, Guard, StepInput, TRANSITIONS};
use street_ledger::mediation::{self, CaseInput, MediatorInput, PartyInput};
use street_ledger::store::Store;
use street_ledger::{check, dump, sync};
use tempfile::TempDir;

use crate::support::{clerk, date, id_number, new_office, today, Office};

pub const STATUSES: [&str; 11] =
    ["受理", "调查", "调解", "协议", "调解不成", "履行", "回访", "结案", "不予受理", "撤回", "终止调解"];

fn party(side: &str, name: &str, idn: Option<String>) -> PartyInput {
    PartyInput { side: side.into(), name: name.into(), id_number: idn, ..Default::default() }
}

pub fn case_input(store: &mut Store, received_on: &str) -> CaseInput {
    case_with_parties(store, received_on, 11)
}

/// Parties with ID numbers made from `seq` (two PCs registering the same
/// person offline keep both apart: see the sync page's 重复).
pub fn case_with_parties(store: &mut Store, received_on: &str, seq: u16) -> CaseInput {
    let mediator = match mediation::mediators(store.conn(), &clerk()).unwrap().first() {
        Some(m) => m.id.clone(),
        None => mediation::add_mediator(
            store,
            &clerk(),
            &MediatorInput { name: "老调解".into(), cert_no: Some("TJ-001".into()), ..Default::default() },
        )
        .unwrap(),
    };
    CaseInput {
        dispute_type: "邻里".into(),
        source: "当事人申请".into(),
        mediator_ids: vec![mediator],
        summary: "楼上漏水引起纠纷".into(),
        amount: Some("3000".into()),
        received_on: received_on.into(),
        parties: vec![
            party("申请方", "甲一", Some(id_number(1970, 1, 1, seq))),
            party("申请方", "甲二", None),
            party("被申请方", "乙一", Some(id_number(1975, 2, 2, seq + 1))),
            party("被申请方", "乙二", None),
        ],
        staff: "小王".into(),
        ..Default::default()
    }
}

pub fn step(kind: &str, on: &str) -> StepInput {
    StepInput {
        step: kind.into(),
        date: on.into(),
        staff: "老调解".into(),
        content: Some("双方陈述，调解员释法说理".into()),
        agreement_kind: Some("书面".into()),
        terms: Some("乙方赔偿甲方3000元".into()),
        performance_deadline: Some("2025-06-30".into()),
        reason: Some("双方分歧过大".into()),
        performance: Some("履行".into()),
        satisfaction: Some("满意".into()),
        consent: true,
        new_deadline: Some("2025-07-31".into()),
        court: Some("某区人民法院".into()),
        ruling_no: Some("（2025）京0105民特12号".into()),
        ruling: Some("确认".into()),
        ..Default::default()
    }
}

/// A case brought to `status` by the allowed path (agreed in writing).
pub fn case_at(o: &mut Office, status: &str) -> String {
    let input = case_input(&mut o.store, "2025-06-01");
    let id = mediation::register(&mut o.store, &clerk(), &input, today()).unwrap();
    let path: &[&str] = match status {
        "受理" => &[],
        "调查" => &["调查"],
        "调解" => &["调查", "调解"],
        "协议" => &["调查", "调解", "协议"],
        "调解不成" => &["调查", "调解", "调解不成"],
        "履行" => &["调查", "调解", "协议", "履行"],
        "回访" => &["调查", "调解", "协议", "履行", "回访"],
        "结案" => &["调查", "调解", "协议", "履行", "回访", "结案"],
        "不予受理" => &["不予受理"],
        "撤回" => &["调查", "撤回"],
        "终止调解" => &["调查", "调解", "终止调解"],
        other => panic!("{other}"),
    };
    for s in path {
        lifecycle::record(&mut o.store, &clerk(), &id, &step(s, "2025-06-10"), today()).unwrap();
    }
    id
}

/// Whether a guard holds for a case brought to `from` by `case_at` under the
/// default setting (回访 needed for a written agreement not yet performed).
fn guard_holds(when: Guard, from: &str) -> bool {
    match when {
        Guard::Always => true,
        Guard::NoVisitNeeded => matches!(from, "履行" | "回访"),
    }
}

#[test]
fn every_step_is_allowed_exactly_from_the_statuses_the_rules_name() {
    let mut o = new_office();
    let mut steps: Vec<&str> = TRANSITIONS.iter().map(|t| t.step).collect();
    steps.dedup();
    for from in STATUSES {
        for to in &steps {
            let rule =
                TRANSITIONS.iter().find(|t| t.step == *to && t.from.contains(&from) && guard_holds(t.when, from));
            let id = case_at(&mut o, from);
            let offered = mediation::detail(o.store.conn(), &clerk(), &id).unwrap().next_steps.contains(to);
            assert_eq!(offered, rule.is_some(), "{from} → {to}: offered exactly when allowed");
            let result = lifecycle::record(&mut o.store, &clerk(), &id, &step(to, "2025-06-12"), today());
            let status = mediation::detail(o.store.conn(), &clerk(), &id).unwrap().row.status;
            match rule {
                Some(t) => {
                    result.unwrap_or_else(|e| panic!("{from} → {to}: {e}"));
                    assert_eq!(status, t.to.unwrap_or(from), "{from} → {to}");
                }
                None => {
                    let e = result.expect_err(&format!("{from} → {to} must be refused"));
                    assert_eq!(e.payload().field.as_deref(), Some("step"), "{from} → {to}");
                    assert_eq!(status, from, "a refused step changes nothing");
                }
            }
        }
    }
    assert!(check::check(o.store.conn()).unwrap().ok());
}

#[test]
fn a_case_records_both_sides_and_its_timeline() {
    let mut o = new_office();
    let id = case_at(&mut o, "协议");
    let d = mediation::detail(o.store.conn(), &clerk(), &id).unwrap();
    assert_eq!(d.row.number, "（2025）和平街道人调字第1号");
    assert_eq!((d.row.applicants.as_str(), d.row.respondents.as_str()), ("甲一、甲二", "乙一、乙二"));
    assert_eq!(d.parties.iter().filter(|p| p.id_number.is_some()).count(), 2, "linked to persons by ID number");
    assert!(d.parties[0].id_number.as_deref().unwrap().contains('*'), "masked");
    let steps: Vec<&str> = d.timeline.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(steps, ["受理", "调查", "调解", "协议"]);
    assert_eq!(d.next_steps, ["履行", "回访"], "a written agreement not yet performed is visited before 结案");
    assert_eq!(d.agreement_terms.as_deref(), Some("乙方赔偿甲方3000元"));
}

#[test]
fn a_written_agreement_needs_a_deadline_an_oral_one_does_not_and_cannot_be_confirmed_by_a_court() {
    let mut o = new_office();
    let id = case_at(&mut o, "调解");
    let mut written = step("协议", "2025-06-10");
    written.performance_deadline = None;
    let e = lifecycle::record(&mut o.store, &clerk(), &id, &written, today()).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("performance_deadline"));
    let mut oral = written.clone();
    oral.agreement_kind = Some("口头".into());
    lifecycle::record(&mut o.store, &clerk(), &id, &oral, today()).unwrap();
    let e = lifecycle::record(&mut o.store, &clerk(), &id, &step("司法确认", "2025-06-12"), today()).unwrap_err();
    assert!(e.to_string().contains("书面"));
}

#[test]
fn judicial_confirmation_is_open_for_thirty_days_after_a_written_agreement() {
    let mut o = new_office();
    let id = case_at(&mut o, "协议"); // agreed 2025-06-10
    let late =
        StepInput {
            step: "司法确认".into(), date: "2025-07-11".into(), staff: "小王".into(), ..Default::default()
        };
    let later_today = date(2025, 8, 1);
    let e = lifecycle::record(&mut o.store, &clerk(), &id, &late, later_today).unwrap_err();
    assert!(e.to_string().contains("30日"), "{e}");
    let last_day = StepInput { date: "2025-07-10".into(), ..late };
    lifecycle::record(&mut o.store, &clerk(), &id, &last_day, later_today).unwrap();
    let d = mediation::detail(o.store.conn(), &clerk(), &id).unwrap();
    assert_eq!((d.row.status.as_str(), d.judicial_applied_on.as_deref()), ("协议", Some("2025-07-10")));
}

#[test]
fn judicial_confirmation_is_offered_exactly_while_the_core_accepts_it() {
    let mut o = new_office();
    // case_at agrees in writing.
    for from in STATUSES {
        let id = case_at(&mut o, from);
        let d = mediation::detail(o.store.conn(), &clerk(), &id).unwrap();
        let open = matches!(from, "协议" | "履行" | "回访");
        assert_eq!(d.judicial_open, open, "{from}");
        assert_eq!(d.judicial_open, lifecycle::judicial_open(from, d.agreement_kind.as_deref(), false));
        let result = lifecycle::record(&mut o.store, &clerk(), &id, &step(lifecycle::JUDICIAL, "2025-06-12"), today());
        assert_eq!(result.is_ok(), open, "{from}: {result:?}");
        if open {
            let d = mediation::detail(o.store.conn(), &clerk(), &id).unwrap();
            assert!(!d.judicial_open, "{from}: applied for once");
            let again =
                lifecycle::record(&mut o.store, &clerk(), &id, &step(lifecycle::JUDICIAL, "2025-06-13"), today());
            assert!(again.unwrap_err().to_string().contains("已申请"));
        }
    }
    // An oral agreement has no document to take to court.
    let id = case_at(&mut o, "调解");
    let mut oral = step("协议", "2025-06-10");
    oral.agreement_kind = Some("口头".into());
    lifecycle::record(&mut o.store, &clerk(), &id, &oral, today()).unwrap();
    assert!(!mediation::detail(o.store.conn(), &clerk(), &id).unwrap().judicial_open);
    assert!(lifecycle::record(&mut o.store, &clerk(), &id, &step(lifecycle::JUDICIAL, "2025-06-12"), today()).is_err());
}

fn alert_kinds(o: &Office, on: NaiveDate) -> Vec<&'static str> {
    mediation::alerts(o.store.conn(), &clerk(), on).unwrap().into_iter().map(|a| a.kind).collect()
}

#[test]
fn alerts_fall_on_the_days_at_their_edges() {
    let mut o = new_office();
    // Received 2025-06-01: open more than 30 days from 2025-07-02.
    let id = case_at(&mut o, "受理");
    assert!(alert_kinds(&o, date(2025, 7, 1)).is_empty());
    assert_eq!(alert_kinds(&o, date(2025, 7, 2)), ["超期未结"]);
    drop(id);
    let mut o = new_office();
    let id = case_at(&mut o, "协议"); // agreed 2025-06-10, deadline 2025-06-30
    let kinds = |o: &Office, d| alert_kinds(o, d).into_iter().filter(|k| *k != "超期未结").collect::<Vec<_>>();
    assert!(kinds(&o, date(2025, 6, 30)).is_empty(), "deadline day itself is not late; window closes in 10 days");
    assert_eq!(kinds(&o, date(2025, 7, 1)), ["逾期未履行"]);
    // The judicial window closes 2025-07-10: alert from 7 days before.
    assert!(!kinds(&o, date(2025, 7, 2)).contains(&"司法确认将到期"));
    assert!(kinds(&o, date(2025, 7, 3)).contains(&"司法确认将到期"));
    assert!(kinds(&o, date(2025, 7, 10)).contains(&"司法确认将到期"));
    assert!(!kinds(&o, date(2025, 7, 11)).contains(&"司法确认将到期"));
    lifecycle::record(&mut o.store, &clerk(), &id, &step("履行", "2025-06-14"), today()).unwrap();
    // Performed 2025-06-14: a visit is due 15 days later where the setting
    // asks for one for every agreement; by default a performed one needs none.
    assert!(!kinds(&o, date(2025, 7, 30)).contains(&"待回访"));
    street_ledger::settings::set(&mut o.store, &clerk(), "mediation.visit_required", "2").unwrap();
    assert!(!kinds(&o, date(2025, 6, 28)).contains(&"待回访"));
    assert!(kinds(&o, date(2025, 6, 29)).contains(&"待回访"));
}

#[test]
fn two_pcs_registering_cases_offline_never_make_the_same_number() {
    let mut a = new_office();
    let folder = TempDir::new().unwrap();
    let key = sync::office_key(a.store.conn(), "和平街道同步密钥2025").unwrap();
    let snapshot = folder.path().join("快照.slsync");
    sync::snapshot(&mut a.store, &clerk(), &snapshot, &key).unwrap();
    let b_dir = TempDir::new().unwrap();
    let mut b = Store::open_dir(b_dir.path()).unwrap();
    sync::join(&mut b, &snapshot, "和平街道同步密钥2025").unwrap();
    // Both offline: two cases each, the same day. A set the office up and
    // keeps the street committee's numbers; B's wait for them.
    let mut ids = Vec::new();
    let mut numbers = Vec::new();
    for (pc, store) in [&mut a.store, &mut b].into_iter().enumerate() {
        for n in 0..2 {
            let input = case_with_parties(store, "2025-06-01", 100 + 10 * pc as u16 + 2 * n);
            let id = mediation::register(store, &clerk(), &input, today()).unwrap();
            numbers.push(mediation::detail(store.conn(), &clerk(), &id).unwrap().row.number);
            ids.push(id);
        }
    }
    assert_eq!(numbers, ["（2025）和平街道人调字第1号", "（2025）和平街道人调字第2号", "待编号", "待编号"]);
    let note = mediation::detail(b.conn(), &clerk(), &ids[2]).unwrap().number_note.unwrap();
    assert!(note.contains("暂未编号") && note.contains("同步后再打印"), "{note}");
    let ba = sync::bundle(b.conn(), b.installation_id(), sync::Kind::Changes).unwrap();
    sync::apply(&mut a.store, &clerk(), &ba).unwrap();
    let ab = sync::bundle(a.store.conn(), a.store.installation_id(), sync::Kind::Changes).unwrap();
    sync::apply(&mut b, &clerk(), &ab).unwrap();
    assert_eq!(dump::records(a.store.conn()).unwrap(), dump::records(b.conn()).unwrap());
    let number = |id: &str| mediation::detail(b.conn(), &clerk(), id).unwrap().row.number;
    assert_eq!(number(&ids[0]), "（2025）和平街道人调字第1号", "a number once given stays");
    assert_eq!(number(&ids[2]), "（2025）和平街道人调字第3号", "numbered by the keeper when it took the case in");
    assert_eq!(number(&ids[3]), "（2025）和平街道人调字第4号");
    assert!(mediation::detail(b.conn(), &clerk(), &ids[2]).unwrap().number_note.is_none());
    assert!(check::check(a.store.conn()).unwrap().ok() && check::check(b.conn()).unwrap().ok());
}

#[test]
fn a_case_needs_both_sides_a_mediator_and_known_type_and_source() {
    let mut o = new_office();
    let mut input = case_input(&mut o.store, "2025-06-01");
    input.parties.retain(|p| p.side == "申请方");
    assert_eq!(
        mediation::register(&mut o.store, &clerk(), &input, today()).unwrap_err().payload().field.as_deref(),
        Some("parties")
    );
    let mut input = case_input(&mut o.store, "2025-06-01");
    input.dispute_type = "吵架".into();
    assert_eq!(
        mediation::register(&mut o.store, &clerk(), &input, today()).unwrap_err().payload().field.as_deref(),
        Some("dispute_type")
    );
    let mut input = case_input(&mut o.store, "2025-06-01");
    input.mediator_ids.clear();
    assert_eq!(
        mediation::register(&mut o.store, &clerk(), &input, today()).unwrap_err().payload().field.as_deref(),
        Some("mediator_ids")
    );
    assert_eq!(crate::support::count(o.store.conn(), "mediation_case"), 0, "nothing written");
}

// ---- printing the documents: full ID numbers where the role may see them ---

fn unmask_events(store: &Store) -> Vec<(String, String, String)> {
    let mut stmt = store
        .conn()
        .prepare("SELECT user_name, target, detail FROM audit_event WHERE action = 'unmask' ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect()
}

#[test]
fn an_administrators_printed_documents_carry_the_full_id_numbers_and_the_audit_trail_says_so() {
    let mut o = new_office();
    let id = case_at(&mut o, "协议");
    let printed = mediation::print_detail(&o.store, &clerk(), &id).unwrap();
    assert!(printed.full_id_numbers && printed.id_note.is_none());
    let numbers: Vec<Option<&str>> = printed.case.parties.iter().map(|p| p.id_number.as_deref()).collect();
    let (jia, yi) = (id_number(1970, 1, 1, 11), id_number(1975, 2, 2, 12));
    assert_eq!(numbers, [Some(jia.as_str()), None, Some(yi.as_str()), None], "甲一, 甲二, 乙一, 乙二");
    // The print view gets the case as the case page does, plus the two fields.
    let json = serde_json::to_value(&printed).unwrap();
    assert_eq!(
        (json["row"]["number"].as_str(), json["full_id_numbers"].as_bool()),
        (Some("（2025）和平街道人调字第1号"), Some(true))
    );

    let events = unmask_events(&o.store);
    assert_eq!(events.len(), 1, "one event for the print view");
    let (user, target, detail) = &events[0];
    assert_eq!((user.as_str(), target.as_str()), (clerk().user.as_str(), id.as_str()));
    assert!(detail.contains("（2025）和平街道人调字第1号") && detail.contains("完整身份证号"), "{detail}");
    for secret in [jia.as_str(), &jia[10..], yi.as_str(), &yi[10..]] {
        assert!(!detail.contains(secret), "no ID number in the audit trail: {detail}");
    }
    // The case page still shows them masked, and reading it audits nothing.
    let page = mediation::detail(o.store.conn(), &clerk(), &id).unwrap();
    assert!(page.parties[0].id_number.as_deref().unwrap().contains("********"));
    assert_eq!(unmask_events(&o.store).len(), 1);
}

#[test]
fn a_read_only_user_prints_masked_numbers_with_a_note_on_who_can_print_them_and_nothing_is_audited() {
    let mut o = new_office();
    let id = case_at(&mut o, "协议");
    let reader = Actor::new("只读小赵", Role::ReadOnly, None);
    let printed = mediation::print_detail(&o.store, &reader, &id).unwrap();
    assert!(!printed.full_id_numbers);
    let shown: Vec<&str> = printed.case.parties.iter().filter_map(|p| p.id_number.as_deref()).collect();
    let masked = |n: String| format!("{}********{}", &n[..6], &n[14..]);
    assert_eq!(shown, [masked(id_number(1970, 1, 1, 11)), masked(id_number(1975, 2, 2, 12))]);
    let note = printed.id_note.unwrap();
    assert!(note.contains("只读账号不能打印完整的身份证号"), "{note}");
    assert!(note.contains("管理员或街道工作人员"), "a street committee's case: no community worker reaches it: {note}");
    assert!(unmask_events(&o.store).is_empty(), "nothing shown in full, nothing audited");
}

#[test]
fn a_community_worker_prints_their_committees_cases_in_full_and_no_other_community_s() {
    let mut o = new_office();
    let mut input = case_input(&mut o.store, "2025-06-01");
    input.community_id = Some(o.xicheng.clone());
    let xicheng_case = mediation::register(&mut o.store, &clerk(), &input, today()).unwrap();
    let dongfeng_worker = Actor::new("东风小李", Role::CommunityStaff, Some(o.dongfeng.clone()));
    let e = mediation::print_detail(&o.store, &dongfeng_worker, &xicheng_case).unwrap_err();
    assert_eq!(e.payload().code, "access.denied");
    assert!(e.to_string().starts_with("无权限"), "{e}");
    assert!(unmask_events(&o.store).is_empty(), "a refused print is neither answered nor audited");

    let xicheng_worker = Actor::new("西城小周", Role::CommunityStaff, Some(o.xicheng.clone()));
    let printed = mediation::print_detail(&o.store, &xicheng_worker, &xicheng_case).unwrap();
    assert_eq!(printed.case.parties[0].id_number, Some(id_number(1970, 1, 1, 11)));
    assert_eq!(unmask_events(&o.store)[0].0, "西城小周");
    // A reader is told that this committee's community workers can print it.
    let reader = Actor::new("只读小赵", Role::ReadOnly, None);
    let note = mediation::print_detail(&o.store, &reader, &xicheng_case).unwrap().id_note.unwrap();
    assert!(note.contains("管理员、街道工作人员或西城社区的社区工作人员"), "{note}");
}
