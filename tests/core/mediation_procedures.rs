//! The procedures a committee follows (issue 16): a dispute settled on the
//! spot recorded in one step (简易程序), 不予受理 and 终止调解 with their
//! reasons, 撤回, 延期 with both parties' consent (the 超期 alert follows the
//! new deadline), 回访 before 结案 only where the setting asks, the court's
//! ruling on 司法确认, and statistics counted by the date of each event, so a
//! period's sheet never changes afterwards.
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use street_ledger::mediation::lifecycle::{self, StepInput};
use street_ledger::mediation::{self, SimpleInput};
use street_ledger::report::{self, Request};
use street_ledger::settings;

use crate::mediation::{case_at, case_input, step};
use crate::support::{clerk, date, new_office, today, Office};

fn on_the_spot(o: &mut Office, on: &str, kind: &str) -> String {
    let mut input = case_input(&mut o.store, on);
    input.simple = Some(SimpleInput {
        content: "双方当场陈述，调解员释法说理，双方同意和解".into(),
        agreement_kind: kind.into(),
        terms: "乙方当场赔偿甲方500元".into(),
        performance_deadline: (kind == "书面").then(|| on.to_string()),
        performed: false,
    });
    mediation::register(&mut o.store, &clerk(), &input, date(2025, 12, 31)).unwrap()
}

#[test]
fn a_dispute_settled_on_the_spot_is_recorded_in_one_step_dated_when_it_happened() {
    let mut o = new_office();
    let id = on_the_spot(&mut o, "2025-05-20", "");
    let d = mediation::detail(o.store.conn(), &clerk(), &id).unwrap();
    assert_eq!(d.procedure.as_deref(), Some("简易程序"));
    assert_eq!(d.row.status, "协议");
    assert_eq!((d.agreement_kind.as_deref(), d.agreement_on.as_deref()), (Some("口头"), Some("2025-05-20")));
    assert_eq!((d.outcome.as_deref(), d.outcome_on.as_deref()), (Some("调解成功"), Some("2025-05-20")));
    let steps: Vec<(&str, &str)> = d.timeline.iter().map(|s| (s.step.as_str(), s.date.as_str())).collect();
    assert_eq!(steps, [("受理", "2025-05-20"), ("调解", "2025-05-20"), ("协议", "2025-05-20")]);
    // An oral agreement: 回访 is offered, not required.
    assert_eq!(d.next_steps, ["履行", "回访", "结案"]);
    lifecycle::record(&mut o.store, &clerk(), &id, &step("结案", "2025-05-21"), today()).unwrap();
    assert!(mediation::alerts(o.store.conn(), &clerk(), date(2025, 8, 1)).unwrap().is_empty());

    // Performed on the spot: 履行 recorded the same day.
    let mut input = case_input(&mut o.store, "2025-05-22");
    input.simple = Some(SimpleInput {
        content: "当场调解".into(),
        terms: "赔礼道歉".into(),
        performed: true,
        ..Default::default()
    });
    let id = mediation::register(&mut o.store, &clerk(), &input, today()).unwrap();
    let d = mediation::detail(o.store.conn(), &clerk(), &id).unwrap();
    assert_eq!((d.row.status.as_str(), d.performed_on.as_deref()), ("履行", Some("2025-05-22")));

    // What a normal 协议 checks is checked: no terms, nothing written.
    let before = crate::support::count(o.store.conn(), "mediation_case");
    let mut input = case_input(&mut o.store, "2025-05-23");
    input.simple = Some(SimpleInput { content: "当场调解".into(), ..Default::default() });
    let e = mediation::register(&mut o.store, &clerk(), &input, today()).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("terms"));
    assert_eq!(crate::support::count(o.store.conn(), "mediation_case"), before);
}

#[test]
fn not_accepted_and_terminated_need_their_reason_and_end_the_case_with_its_outcome() {
    let mut o = new_office();
    for (from, what, label) in [("受理", "不予受理", "理由"), ("调解", "终止调解", "原因")] {
        let id = case_at(&mut o, from);
        let mut s = step(what, "2025-06-12");
        s.reason = None;
        let e = lifecycle::record(&mut o.store, &clerk(), &id, &s, today()).unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("reason"), "{what}");
        assert!(e.to_string().contains(label), "{e}");
        s.reason = Some("属于法院正在审理的纠纷".into());
        lifecycle::record(&mut o.store, &clerk(), &id, &s, today()).unwrap();
        let d = mediation::detail(o.store.conn(), &clerk(), &id).unwrap();
        assert_eq!(d.row.status, what);
        assert_eq!((d.outcome.as_deref(), d.outcome_on.as_deref()), (Some(what), Some("2025-06-12")));
        assert_eq!(
            (d.outcome_reason.as_deref(), d.closed_on.as_deref()),
            (Some("属于法院正在审理的纠纷"), Some("2025-06-12"))
        );
        assert!(d.next_steps.is_empty(), "{what} ends the case");
    }
    // 撤回 needs no reason.
    let id = case_at(&mut o, "调查");
    let mut s = step("撤回", "2025-06-12");
    s.reason = None;
    lifecycle::record(&mut o.store, &clerk(), &id, &s, today()).unwrap();
    assert_eq!(mediation::detail(o.store.conn(), &clerk(), &id).unwrap().outcome.as_deref(), Some("撤回"));
    // Ended cases raise no alert, however late.
    assert!(mediation::alerts(o.store.conn(), &clerk(), date(2025, 12, 1)).unwrap().is_empty());
}

#[test]
fn an_extension_needs_both_parties_consent_and_the_overdue_alert_follows_its_deadline() {
    let mut o = new_office();
    let id = case_at(&mut o, "调解"); // received 2025-06-01: overdue from 2025-07-02
    let overdue =
        |o: &Office, on| mediation::alerts(o.store.conn(), &clerk(), on).unwrap().iter().any(|a| a.kind == "超期未结");
    assert!(overdue(&o, date(2025, 7, 2)));
    let mut s = step("延期", "2025-06-15");
    s.consent = false;
    let e = lifecycle::record(&mut o.store, &clerk(), &id, &s, today()).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("consent"));
    s.consent = true;
    s.new_deadline = Some("2025-06-10".into());
    let e = lifecycle::record(&mut o.store, &clerk(), &id, &s, today()).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("new_deadline"));
    s.new_deadline = Some("2025-07-31".into());
    lifecycle::record(&mut o.store, &clerk(), &id, &s, today()).unwrap();
    let d = mediation::detail(o.store.conn(), &clerk(), &id).unwrap();
    assert_eq!((d.row.status.as_str(), d.deadline.as_str()), ("调解", "2025-07-31"), "the status stays");
    assert!(!overdue(&o, date(2025, 7, 2)), "the alert follows the new deadline");
    assert!(!overdue(&o, date(2025, 7, 31)));
    assert!(overdue(&o, date(2025, 8, 1)));
    let late = mediation::alerts(o.store.conn(), &clerk(), date(2025, 8, 1)).unwrap();
    assert_eq!(late[0].date, "2025-07-31");
}

#[test]
fn a_visit_before_closing_is_required_only_as_the_setting_says() {
    let mut o = new_office();
    let closes = |o: &mut Office, from: &str, kind: &str| -> bool {
        let id = case_at(o, "调解");
        let mut agreed = step("协议", "2025-06-10");
        agreed.agreement_kind = Some(kind.into());
        lifecycle::record(&mut o.store, &clerk(), &id, &agreed, today()).unwrap();
        if from == "履行" {
            lifecycle::record(&mut o.store, &clerk(), &id, &step("履行", "2025-06-11"), today()).unwrap();
        }
        let offered = mediation::detail(o.store.conn(), &clerk(), &id).unwrap().next_steps.contains(&"结案");
        let done = lifecycle::record(&mut o.store, &clerk(), &id, &step("结案", "2025-06-12"), today());
        assert_eq!(offered, done.is_ok(), "{from} {kind}: offered exactly when allowed");
        if let Err(e) = done {
            assert!(e.to_string().contains("须先回访"), "{e}");
        }
        offered
    };
    // 1 (default): a written agreement not yet performed is visited first.
    assert!(!closes(&mut o, "协议", "书面"));
    assert!(closes(&mut o, "履行", "书面"));
    assert!(closes(&mut o, "协议", "口头"));
    settings::set(&mut o.store, &clerk(), "mediation.visit_required", "2").unwrap();
    assert!(!closes(&mut o, "履行", "书面"));
    assert!(!closes(&mut o, "协议", "口头"));
    settings::set(&mut o.store, &clerk(), "mediation.visit_required", "0").unwrap();
    assert!(closes(&mut o, "协议", "书面"));
}

#[test]
fn the_courts_ruling_is_recorded_after_the_application_with_court_number_and_result() {
    let mut o = new_office();
    let id = case_at(&mut o, "协议");
    let ruling = |on: &str| StepInput { date: on.into(), ..step(lifecycle::RULING, on) };
    let e = lifecycle::record(&mut o.store, &clerk(), &id, &ruling("2025-06-14"), today()).unwrap_err();
    assert!(e.to_string().contains("还没有申请"), "{e}");
    assert!(!mediation::detail(o.store.conn(), &clerk(), &id).unwrap().ruling_open);
    lifecycle::record(&mut o.store, &clerk(), &id, &step(lifecycle::JUDICIAL, "2025-06-12"), today()).unwrap();
    assert!(mediation::detail(o.store.conn(), &clerk(), &id).unwrap().ruling_open);
    let e = lifecycle::record(&mut o.store, &clerk(), &id, &ruling("2025-06-11"), today()).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("date"), "not before the application");
    let mut bad = ruling("2025-06-14");
    bad.ruling = Some("同意".into());
    let e = lifecycle::record(&mut o.store, &clerk(), &id, &bad, today()).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("ruling"));
    let mut no_court = ruling("2025-06-14");
    no_court.court = None;
    let e = lifecycle::record(&mut o.store, &clerk(), &id, &no_court, today()).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("court"));
    lifecycle::record(&mut o.store, &clerk(), &id, &ruling("2025-06-14"), today()).unwrap();
    let d = mediation::detail(o.store.conn(), &clerk(), &id).unwrap();
    assert_eq!(
        (d.judicial_court.as_deref(), d.judicial_ruling_no.as_deref(), d.judicial_outcome.as_deref()),
        (Some("某区人民法院"), Some("（2025）京0105民特12号"), Some("确认"))
    );
    assert_eq!(d.judicial_ruled_on.as_deref(), Some("2025-06-14"));
    assert!(!d.ruling_open, "recorded once");
    assert_eq!(d.timeline.last().unwrap().step, "司法确认裁定");
    assert_eq!(d.row.status, "协议", "not a status");
}

// ---- statistics by event date ----

/// The street committee's row of 按调委会 for a period, read back from the
/// workbook: header leaf → value.
fn street_row(o: &Office, period: &str, dir: &Path) -> Vec<(String, String)> {
    let path = dir.join(format!("统计-{period}-{}.xlsx", street_ledger::store::new_id()));
    let req = Request { name: "mediation-stats".into(), period: period.into(), community_id: None, unmasked: false };
    report::export(&o.store, &clerk(), &req, &path, date(2025, 12, 31)).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range("按调委会").unwrap();
    let cell = |r: u32, c: u32| range.get_value((r, c)).map(|d: &Data| d.to_string()).unwrap_or_default();
    let row = (0..range.height() as u32).find(|r| cell(*r, 0) == "和平街道调委会").unwrap();
    let mut group = String::new();
    (0..range.width() as u32)
        .map(|c| {
            if !cell(2, c).is_empty() {
                group = cell(2, c);
            }
            (format!("{group}/{}", cell(3, c)), cell(row, c))
        })
        .collect()
}

fn figure(row: &[(String, String)], name: &str) -> String {
    row.iter().find(|(h, _)| h == name).unwrap_or_else(|| panic!("{name}: {row:?}")).1.clone()
}

#[test]
fn each_figure_counts_in_the_month_its_event_happened_and_a_reported_month_never_changes() {
    let mut o = new_office();
    let dir = tempfile::TempDir::new().unwrap();
    let today = date(2025, 12, 31);
    // Received in May, agreed in June, performed in July, ruled in July.
    let input = case_input(&mut o.store, "2025-05-10");
    let id = mediation::register(&mut o.store, &clerk(), &input, today).unwrap();
    lifecycle::record(&mut o.store, &clerk(), &id, &step("调解", "2025-05-20"), today).unwrap();
    let may = street_row(&o, "2025-05", dir.path());
    assert_eq!(figure(&may, "调解案件/受理"), "1");
    assert_eq!(figure(&may, "结转/"), "1", "pending at the end of May");
    assert_eq!(figure(&may, "调解案件/调解成功"), "0");

    let mut agreed = step("协议", "2025-06-03");
    agreed.performance_deadline = Some("2025-07-31".into());
    lifecycle::record(&mut o.store, &clerk(), &id, &agreed, today).unwrap();
    lifecycle::record(&mut o.store, &clerk(), &id, &step(lifecycle::JUDICIAL, "2025-06-20"), today).unwrap();
    lifecycle::record(&mut o.store, &clerk(), &id, &step("履行", "2025-07-05"), today).unwrap();
    lifecycle::record(&mut o.store, &clerk(), &id, &step(lifecycle::RULING, "2025-07-08"), today).unwrap();
    // A failure in June of a case received in June; an on-the-spot case in August.
    let other = case_at(&mut o, "调解");
    lifecycle::record(&mut o.store, &clerk(), &other, &step("调解不成", "2025-06-25"), today).unwrap();
    on_the_spot(&mut o, "2025-08-08", "口头");

    assert_eq!(street_row(&o, "2025-05", dir.path()), may, "May's sheet is as it was reported");
    let june = street_row(&o, "2025-06", dir.path());
    assert_eq!(figure(&june, "调解案件/受理"), "1", "the June case");
    assert_eq!(figure(&june, "调解案件/调解成功"), "1", "agreed in June");
    assert_eq!(figure(&june, "调解案件/调解不成"), "1");
    assert_eq!(figure(&june, "调解案件/成功率"), "0.5");
    assert_eq!(figure(&june, "调解协议/书面"), "1");
    assert_eq!(figure(&june, "调解协议/司法确认"), "0", "applied for in June, ruled in July");
    assert_eq!(figure(&june, "结转/"), "0");
    let july = street_row(&o, "2025-07", dir.path());
    assert_eq!(figure(&july, "调解协议/自动履行"), "1");
    assert_eq!(figure(&july, "调解协议/司法确认"), "1");
    assert_eq!(figure(&july, "调解案件/受理"), "0");
    let august = street_row(&o, "2025-08", dir.path());
    assert_eq!(
        (figure(&august, "调解案件/受理"), figure(&august, "调解案件/调解成功"), figure(&august, "调解协议/口头")),
        ("1".into(), "1".into(), "1".into()),
        "an on-the-spot case counts in its month"
    );
    // Later events leave every earlier month as it was.
    lifecycle::record(&mut o.store, &clerk(), &id, &step("回访", "2025-09-01"), today).unwrap();
    lifecycle::record(&mut o.store, &clerk(), &id, &step("结案", "2025-09-02"), today).unwrap();
    assert_eq!(street_row(&o, "2025-06", dir.path()), june);
    assert_eq!(street_row(&o, "2025-07", dir.path()), july);
}

#[test]
fn the_prevention_columns_count_suicides_and_fight_persons_and_the_total_is_the_sum_of_rows() {
    let mut o = new_office();
    let dir = tempfile::TempDir::new().unwrap();
    for (community, cases, persons) in [(None, 1, 2), (Some(o.dongfeng.clone()), 2, 5)] {
        let entry = mediation::PreventionInput {
            community_id: community,
            date: "2025-06-05".into(),
            fights_prevented: 1,
            fight_persons: 12,
            suicide_cases: cases,
            suicide_persons: persons,
            ..Default::default()
        };
        mediation::add_prevention(&mut o.store, &clerk(), &entry, today()).unwrap();
    }
    let june = street_row(&o, "2025-06", dir.path());
    assert_eq!(figure(&june, "防止因民间纠纷引起自杀/件"), "1");
    assert_eq!(figure(&june, "防止因民间纠纷引起自杀/人"), "2");
    assert_eq!(figure(&june, "防止群体性械斗/人"), "12");
    let path = dir.path().join("合计.xlsx");
    let req = Request { name: "mediation-stats".into(), period: "2025-06".into(), community_id: None, unmasked: false };
    report::export(&o.store, &clerk(), &req, &path, date(2025, 12, 31)).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range("按调委会").unwrap();
    let text = |r: u32, c: u32| range.get_value((r, c)).map(|d| d.to_string()).unwrap_or_default();
    let n = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        _ => 0.0,
    };
    let total = (0..range.height() as u32).find(|r| text(*r, 0) == "合计").unwrap();
    let col = (0..range.width() as u32).find(|c| text(2, *c) == "防止因民间纠纷引起自杀").unwrap();
    assert_eq!((n(total, col), n(total, col + 1)), (3.0, 7.0));
    let rows_sum: f64 = (4..total).map(|r| n(r, col + 1)).sum();
    assert_eq!(rows_sum, 7.0, "合计 = the sum of the rows");
}
