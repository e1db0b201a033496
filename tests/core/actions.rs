//! What may be done to a record, by its status, register by register: each
//! register's table, pinned, and for every status and every action the core
//! both lists the action on the record's view (what the page offers) and
//! accepts it, or lists it not and refuses it, changing nothing.
use chrono::NaiveDate;
use street_ledger::elderly::assistance::{self, AssistanceInput};
use street_ledger::elderly::calls::{self, CallInput};
use street_ledger::elderly::care::{self, ServiceInput, VisitInput};
use street_ledger::elderly::condolence::{self, CondolenceInput};
use street_ledger::elderly::{self, StatusChange};
use street_ledger::employment::case::{self, CaseInput, FollowupInput, Placement, TrainingInput};
use street_ledger::employment::household::{self, HouseholdInput, MemberInput, MemberStatus};
use street_ledger::employment::loans::{self, LoanInput};
use street_ledger::employment::posts::{self, PostInput};
use street_ledger::person::PersonInput;
use street_ledger::{check, dict, Error};

use crate::support::{clerk, date, elder, id_number, new_office, today, Office};

/// The field a refusal names, or `None` when the action was taken.
fn outcome<T>(result: Result<T, Error>) -> Option<String> {
    result.err().map(|e| e.payload().field.unwrap_or_else(|| panic!("a refusal names its field: {e}")))
}

#[test]
fn the_elderly_roster_allows_services_visits_calls_assistance_and_condolences_only_while_on_the_roster() {
    assert_eq!(elderly::actions("在册"), ["service", "visit", "call", "assistance", "condole", "change_status"]);
    assert_eq!(elderly::actions("迁出"), ["change_status"]);
    assert_eq!(elderly::actions("去世"), ["change_status"]);
    let mut o = new_office();
    let statuses = dict::labels(o.store.conn(), "roster_status").unwrap();
    assert_eq!(statuses, ["在册", "迁出", "去世"]);
    let mut seq = 100;
    for status in &statuses {
        for (action, _) in elderly::ACTIONS {
            seq += 2;
            let community = o.dongfeng.clone();
            let id = o.register(&elder("何秀兰", &id_number(1947, 2, 2, seq), &community));
            let leave =
                StatusChange { status: status.clone(), date: "2025-06-01".into(), reason: Some("迁往外地".into()) };
            elderly::change_status(&mut o.store, &clerk(), &id, &leave, today()).unwrap();
            let offered = elderly::detail(o.store.conn(), &clerk(), &id, today()).unwrap().elderly.actions;
            assert_eq!(offered, elderly::actions(status), "{status}");
            let counts = |o: &Office| {
                let n = |t: &str| o.count(t);
                let care = (n("elderly_service"), n("elderly_visit"), n("elderly_call"));
                (care, n("elderly_assistance"), n("elderly_condolence"))
            };
            let before = counts(&o);
            let result = match *action {
                elderly::SERVICE => outcome(care::add_service(&mut o.store, &clerk(), &id, &service(), today())),
                elderly::VISIT => outcome(care::add_visit(&mut o.store, &clerk(), &id, &visit(), today())),
                elderly::CALL => {
                    let call = CallInput {
                        date: "2025-06-12".into(),
                        caller: "小李".into(),
                        result: "正常".into(),
                        action: None,
                    };
                    outcome(calls::add_call(&mut o.store, &clerk(), &id, &call, today()))
                }
                elderly::ASSISTANCE => {
                    let input = AssistanceInput {
                        kind: "重度残疾人护理补贴".into(),
                        status: "在享".into(),
                        amount: Some("100".into()),
                        ..Default::default()
                    };
                    outcome(assistance::add(&mut o.store, &clerk(), &id, &input, today()))
                }
                elderly::CONDOLE => {
                    let gift = CondolenceInput {
                        kind: "生日".into(),
                        date: "2025-06-12".into(),
                        gift: Some("蛋糕".into()),
                        staff: "小李".into(),
                        ..Default::default()
                    };
                    outcome(condolence::add_condolence(&mut o.store, &clerk(), &id, &gift, today()))
                }
                elderly::CHANGE_STATUS => {
                    let back = StatusChange { status: "在册".into(), date: "2025-06-10".into(), reason: None };
                    outcome(elderly::change_status(&mut o.store, &clerk(), &id, &back, today()))
                }
                other => panic!("{other} is not tried here"),
            };
            if offered.contains(action) {
                assert_eq!(result, None, "{status}: {action}");
            } else {
                assert_eq!(result.as_deref(), Some("status"), "{status}: {action} must be refused");
                assert_eq!(counts(&o), before);
            }
        }
    }
    assert!(check::check(o.store.conn()).unwrap().ok());
}

fn service() -> ServiceInput {
    ServiceInput {
        date: "2025-06-12".into(),
        service_type: "代办代购".into(),
        paid: "无偿".into(),
        charge: None,
        provider: None,
        hours: None,
        notes: None,
        ..Default::default()
    }
}

fn visit() -> VisitInput {
    VisitInput { date: "2025-06-12".into(), visitor: "社工小李".into(), way: "入户".into(), ..Default::default() }
}

fn person(name: &str, idn: &str) -> PersonInput {
    PersonInput { name: name.into(), id_number: Some(idn.into()), ..Default::default() }
}

fn new_case(o: &mut Office, idn: &str, registered: &str) -> String {
    let input =
        CaseInput { person: person("钱某", idn), registered_on: Some(registered.into()), ..Default::default() };
    case::register(&mut o.store, &clerk(), &input, today()).unwrap()
}

fn placement(on: &str) -> Placement {
    Placement { employer: "某超市".into(), post: None, placed_on: on.into(), way: "市场就业".into() }
}

/// Tries `action` on a case on `day`, dated that day.
fn try_case(o: &mut Office, c: &str, action: &str, day: NaiveDate) -> Option<String> {
    let on = day.to_string();
    match action {
        case::TRAINING => {
            let t = TrainingInput { kind: "技能培训".into(), start_on: Some(on), ..Default::default() };
            outcome(case::add_training(&mut o.store, &clerk(), c, &t, day))
        }
        case::FOLLOWUP => {
            let f = FollowupInput {
                date: on,
                place: None,
                way: "电话".into(),
                content: "回访".into(),
                staff: "小王".into(),
            };
            outcome(case::add_followup(&mut o.store, &clerk(), c, &f, day))
        }
        case::PLACE => outcome(case::place(&mut o.store, &clerk(), c, &placement(&on), day)),
        case::CLOSE => outcome(case::close(&mut o.store, &clerk(), c, &on, "迁出", day)),
        other => panic!("{other} is not tried here"),
    }
}

#[test]
fn an_employment_case_is_served_placed_and_closed_until_it_is_closed_by_a_user_or_by_retirement() {
    let open = ["training", "followup", "place", "close"];
    assert_eq!(case::actions("在册"), open);
    assert_eq!(case::actions("已就业"), open, "placed again when the work changes");
    assert!(case::actions("已结案").is_empty());
    let mut o = new_office();
    assert!(dict::labels(o.store.conn(), "training_kind").unwrap().contains(&"技能培训".to_string()));
    let mut seq = 201; // odd: men
    for status in case::STATUSES {
        for (action, _) in case::ACTIONS {
            seq += 2;
            let c = new_case(&mut o, &id_number(1985, 5, 5, seq), "2025-03-01");
            match status {
                case::OPEN => {}
                case::PLACED => case::place(&mut o.store, &clerk(), &c, &placement("2025-04-01"), today()).unwrap(),
                _ => case::close(&mut o.store, &clerk(), &c, "2025-05-01", "迁出", today()).unwrap(),
            }
            let d = case::detail(o.store.conn(), &clerk(), &c, today()).unwrap();
            assert_eq!((d.status.as_str(), &d.actions), (status, &case::actions(status)));
            let result = try_case(&mut o, &c, action, today());
            if d.actions.contains(action) {
                assert_eq!(result, None, "{status}: {action}");
            } else {
                assert_eq!(result.as_deref(), Some("status"), "{status}: {action} must be refused");
                assert_eq!(case::detail(o.store.conn(), &clerk(), &c, today()).unwrap(), d, "nothing changed");
            }
        }
    }
    // Closed by the retirement rule (derived, never stored): refused alike.
    // Born 10 June 1966, he retires on 10 November 2026.
    let later = date(2026, 11, 20);
    for (action, _) in case::ACTIONS {
        seq += 2;
        let c = new_case(&mut o, &id_number(1966, 6, 10, seq), "2025-06-01");
        let d = case::detail(o.store.conn(), &clerk(), &c, later).unwrap();
        assert_eq!((d.status.as_str(), d.closed_by_rule, d.actions.len()), ("已结案", true, 0));
        let open_before = case::detail(o.store.conn(), &clerk(), &c, date(2026, 11, 9)).unwrap();
        assert_eq!(open_before.actions, open, "open the day before");
        assert_eq!(try_case(&mut o, &c, action, later).as_deref(), Some("status"), "{action} after retirement");
    }
    assert!(check::check(o.store.conn()).unwrap().ok());
}

#[test]
fn a_loan_is_extended_once_while_not_settled_and_its_repayment_recorded_any_time() {
    assert_eq!(loans::actions(false, false), ["extend", "repayment"]);
    assert_eq!(loans::actions(false, true), ["repayment"]);
    assert_eq!(loans::actions(true, false), ["repayment"]);
    let mut o = new_office();
    let states: [(&str, &[&str]); 4] =
        [("新放款", &[]), ("逾期", &["逾期"]), ("已展期", &["展期"]), ("已结清", &["已结清"])];
    let mut borrowers = 0;
    for (name, steps) in states {
        for action in loans::ACTIONS {
            // A borrower each (a person has at most 3 subsidised loans).
            borrowers += 1;
            let c = new_case(&mut o, &id_number(1985, 2, 2, 69 + 2 * borrowers), "2025-01-01");
            let l = LoanInput {
                amount: "50000".into(),
                bank: "农商银行".into(),
                granted_on: "2024-08-15".into(),
                term_months: 24,
                ..Default::default()
            };
            let loan = loans::add_loan(&mut o.store, &clerk(), &c, &l, today()).unwrap();
            for step in steps {
                match *step {
                    "展期" => loans::extend(&mut o.store, &clerk(), &loan, 6).unwrap(),
                    status => loans::set_repayment(&mut o.store, &clerk(), &loan, status, Some("2025-06-01"), today())
                        .unwrap(),
                }
            }
            let view = |o: &Office| {
                loans::all(o.store.conn(), &clerk(), today()).unwrap().into_iter().find(|v| v.id == loan).unwrap()
            };
            let before = view(&o);
            let expected = loans::actions(before.settled_on.is_some(), before.extension_months > 0);
            assert_eq!(before.actions, expected, "{name}");
            let result = match action {
                loans::EXTEND => outcome(loans::extend(&mut o.store, &clerk(), &loan, 3)),
                _ => outcome(loans::set_repayment(&mut o.store, &clerk(), &loan, "正常还款", None, today())),
            };
            if before.actions.contains(&action) {
                assert_eq!(result, None, "{name}: {action}");
            } else {
                assert_eq!(result.as_deref(), Some("extension_months"), "{name}: {action} must be refused");
                assert_eq!(view(&o), before, "nothing changed");
            }
        }
    }
    // The date of a settlement is read only when the loan is settled.
    let l = LoanInput {
        amount: "1000".into(),
        bank: "农商银行".into(),
        granted_on: "2025-01-02".into(),
        term_months: 12,
        ..Default::default()
    };
    let c = new_case(&mut o, &id_number(1985, 3, 3, 71), "2025-01-01");
    let loan = loans::add_loan(&mut o.store, &clerk(), &c, &l, today()).unwrap();
    loans::set_repayment(&mut o.store, &clerk(), &loan, "逾期", Some("2025-06-01"), today()).unwrap();
    let v = loans::all(o.store.conn(), &clerk(), today()).unwrap().into_iter().find(|v| v.id == loan).unwrap();
    assert_eq!((v.repayment.as_str(), v.settled_on), ("逾期", None));
}

#[test]
fn a_post_is_given_to_one_holder_at_a_time_and_a_placement_ends_once() {
    assert_eq!(posts::actions(false), ["place"]);
    assert_eq!(posts::actions(true), ["end"]);
    let mut o = new_office();
    let post_input = PostInput { post_type: "保洁".into(), unit: "东风社区居委会".into(), community_id: None };
    let post = posts::add_post(&mut o.store, &clerk(), &post_input).unwrap();
    let view = |o: &Office| posts::posts(o.store.conn(), &clerk(), today()).unwrap().remove(0);
    assert_eq!(view(&o).actions, ["place"]);
    let first = new_case(&mut o, &id_number(1980, 1, 1, 301), "2025-01-01");
    let placed = posts::place_in_post(&mut o.store, &clerk(), &post, &first, "2025-02-01", today()).unwrap();
    let held = view(&o);
    assert_eq!((held.actions.as_slice(), held.placement_id.as_deref()), (["end"].as_slice(), Some(placed.as_str())));
    let second = new_case(&mut o, &id_number(1981, 1, 1, 303), "2025-01-01");
    let refused = posts::place_in_post(&mut o.store, &clerk(), &post, &second, "2025-03-01", today());
    assert_eq!(outcome(refused).as_deref(), Some("post_id"), "place is not offered on a held post");
    assert_eq!(o.count("post_placement"), 1);
    posts::end_placement(&mut o.store, &clerk(), &placed, "2025-05-31", today()).unwrap();
    assert_eq!(view(&o).actions, ["place"]);
    let again = posts::end_placement(&mut o.store, &clerk(), &placed, "2025-06-10", today());
    assert_eq!(outcome(again).as_deref(), Some("end_on"), "an ended placement ends once");
    let end_on: String =
        o.store.conn().query_row("SELECT end_on FROM post_placement WHERE id = ?1", [&placed], |r| r.get(0)).unwrap();
    assert_eq!(end_on, "2025-05-31");
    posts::place_in_post(&mut o.store, &clerk(), &post, &second, "2025-06-01", today()).unwrap();
}

fn member(name: &str, idn: &str, work_status: &str) -> MemberInput {
    MemberInput {
        person: person(name, idn),
        relation: "户主".into(),
        status: MemberStatus {
            work_status: work_status.into(),
            employer: (work_status == "就业").then(|| "某公司".to_string()),
            since: Some("2025-01-01".into()),
            able: true,
            willing: true,
            ..Default::default()
        },
    }
}

#[test]
fn a_household_is_confirmed_only_while_a_candidate_and_the_pages_show_it_in_the_cores_words() {
    let mut o = new_office();
    let mut seq = 401; // odd: men, of working age at 50
                       // (members' work status, confirmed first, the label, on the zero list)
    let cases = [
        ("就业", false, "非零就业", false),
        ("失业", false, "待认定", true),
        ("失业", true, "已认定 2025-06-01", true),
    ];
    for (work, confirmed, label, listed) in cases {
        seq += 2;
        let input = HouseholdInput {
            community_id: o.dongfeng.clone(),
            address: format!("东风路{seq}号"),
            notes: None,
            members: vec![member("周父", &id_number(1975, 3, 1, seq), work)],
        };
        let h = household::create(&mut o.store, &clerk(), &input, today()).unwrap();
        if confirmed {
            household::confirm(&mut o.store, &clerk(), &h, "2025-06-01", today()).unwrap();
        }
        let view = household::detail(o.store.conn(), &clerk(), &h, today()).unwrap();
        assert_eq!(view.actions, household::actions(&view.zero), "{label}");
        assert_eq!(view.zero_label, label);
        let row = household::list(o.store.conn(), &clerk(), None, today()).unwrap().into_iter().find(|r| r.id == h);
        let row = row.unwrap();
        assert_eq!((row.zero_label.as_str(), row.zero_listed, &row.actions), (label, listed, &view.actions));
        let confirmations = o.count("zero_employment");
        let result = outcome(household::confirm(&mut o.store, &clerk(), &h, "2025-06-10", today()));
        if view.actions.contains(&household::CONFIRM) {
            assert_eq!((result, o.count("zero_employment")), (None, confirmations + 1), "{label}");
        } else {
            assert_eq!(result.as_deref(), Some("confirmed_on"), "{label}: confirm must be refused");
            assert_eq!(o.count("zero_employment"), confirmations);
        }
    }
    assert_eq!(household::actions(&household::ZeroState::Candidate { again: true }), ["confirm"]);
    // Eliminated: the household's page says when; the list shows no history.
    let member_id = {
        let rows = household::list(o.store.conn(), &clerk(), None, today()).unwrap();
        let confirmed = rows.iter().find(|r| r.zero_label == "已认定 2025-06-01").unwrap();
        let view = household::detail(o.store.conn(), &clerk(), &confirmed.id, today()).unwrap();
        (confirmed.id.clone(), view.members[0].id.clone())
    };
    let work = MemberStatus {
        work_status: "就业".into(),
        employer: Some("某超市".into()),
        since: Some("2025-06-12".into()),
        able: true,
        willing: true,
        ..Default::default()
    };
    household::set_member_status(&mut o.store, &clerk(), &member_id.1, &work, today()).unwrap();
    let view = household::detail(o.store.conn(), &clerk(), &member_id.0, today()).unwrap();
    assert_eq!((view.zero_label.as_str(), view.actions.len()), ("已消除 2025-06-12", 0));
    let rows = household::list(o.store.conn(), &clerk(), None, today()).unwrap();
    let row = rows.iter().find(|r| r.id == member_id.0).unwrap();
    assert_eq!((row.zero_label.as_str(), row.zero_listed), ("非零就业", false));
    assert!(check::check(o.store.conn()).unwrap().ok());
}
