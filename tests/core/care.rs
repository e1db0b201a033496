//! Home-care services and visits: what may be recorded, and who is due for
//! a visit on a given day.
use chrono::Duration;
use street_ledger::elderly::care::{self, ServiceInput, VisitInput};
use street_ledger::elderly::{self, StatusChange};
use street_ledger::Error;

use crate::support::{clerk, elder, id_number, new_office, set_setting, today, Office};

fn service(date: &str, paid: &str, charge: Option<&str>) -> ServiceInput {
    ServiceInput {
        date: date.into(),
        service_type: "代办代购".into(),
        paid: paid.into(),
        charge: charge.map(Into::into),
        provider: Some("居家养老服务中心".into()),
        hours: Some("1.5".into()),
        notes: None,
        ..Default::default()
    }
}

fn visit(days_ago: i64) -> VisitInput {
    VisitInput {
        date: (today() - Duration::days(days_ago)).to_string(),
        visitor: "社工小李".into(),
        way: "入户".into(),
        health: Some("血压偏高".into()),
        ..Default::default()
    }
}

/// One person on the roster (78, no kinds: visit level 一般).
fn one_elder() -> (Office, String) {
    let mut office = new_office();
    let id = office.register(&elder("何秀兰", &id_number(1947, 2, 2, 24), &office.dongfeng.clone()));
    (office, id)
}

fn refused_on(result: Result<String, Error>, field: &str) {
    match result {
        Err(Error::Invalid(i)) => assert_eq!(i.field, field, "{}", i.message),
        other => panic!("expected invalid input on {field}, got {other:?}"),
    }
}

#[test]
fn services_are_recorded_in_fen_and_shown_newest_first() {
    let (mut office, id) = one_elder();
    care::add_service(&mut office.store, &clerk(), &id, &service("2025-05-01", "无偿", None), today()).unwrap();
    care::add_service(&mut office.store, &clerk(), &id, &service("2025-06-16", "低偿", Some("12.50元")), today())
        .unwrap();

    let d = elderly::detail(office.store.conn(), &clerk(), &id, today()).unwrap();
    let got: Vec<(&str, &str, i64)> =
        d.services.iter().map(|s| (s.date.as_str(), s.paid.as_str(), s.charge_cents)).collect();
    assert_eq!(got, [("2025-06-16", "低偿", 1250), ("2025-05-01", "无偿", 0)]);
    assert_eq!(d.services[0].hours, Some(1.5));
}

#[test]
fn a_free_service_with_a_charge_is_refused() {
    let (mut office, id) = one_elder();
    refused_on(
        care::add_service(&mut office.store, &clerk(), &id, &service("2025-06-01", "无偿", Some("5")), today()),
        "charge",
    );
    assert_eq!(office.count("elderly_service"), 0);
}

#[test]
fn a_service_dated_after_today_is_refused() {
    let (mut office, id) = one_elder();
    refused_on(
        care::add_service(&mut office.store, &clerk(), &id, &service("2025-06-17", "无偿", None), today()),
        "date",
    );
    refused_on(
        care::add_service(&mut office.store, &clerk(), &id, &service("2025/06/01", "无偿", None), today()),
        "date",
    );
    assert_eq!(office.count("elderly_service"), 0);
}

#[test]
fn a_service_type_or_charge_mode_outside_the_dictionary_is_refused() {
    let (mut office, id) = one_elder();
    let mut input = service("2025-06-01", "无偿", None);
    input.service_type = "理发".into();
    refused_on(care::add_service(&mut office.store, &clerk(), &id, &input, today()), "service_type");
    refused_on(
        care::add_service(&mut office.store, &clerk(), &id, &service("2025-06-01", "全价", None), today()),
        "paid",
    );
    refused_on(
        care::add_service(&mut office.store, &clerk(), &id, &service("2025-06-01", "低偿", Some("十元")), today()),
        "charge",
    );
    assert_eq!(office.count("elderly_service"), 0);
}

#[test]
fn no_service_or_visit_can_be_recorded_for_a_deceased_person() {
    let (mut office, id) = one_elder();
    let change = StatusChange { status: "去世".into(), date: "2025-06-10".into(), reason: None };
    elderly::change_status(&mut office.store, &clerk(), &id, &change, today()).unwrap();

    refused_on(
        care::add_service(&mut office.store, &clerk(), &id, &service("2025-06-01", "无偿", None), today()),
        "status",
    );
    refused_on(care::add_visit(&mut office.store, &clerk(), &id, &visit(3), today()), "status");
    assert_eq!((office.count("elderly_service"), office.count("elderly_visit")), (0, 0));
    let unknown =
        care::add_service(&mut office.store, &clerk(), "no-such-id", &service("2025-06-01", "无偿", None), today());
    assert_eq!(unknown.unwrap_err().code(), "not_found");
}

#[test]
fn a_visit_is_recorded_and_shown_in_the_detail() {
    let (mut office, id) = one_elder();
    let visit_id = care::add_visit(&mut office.store, &clerk(), &id, &visit(3), today()).unwrap();

    let d = elderly::detail(office.store.conn(), &clerk(), &id, today()).unwrap();
    assert_eq!(d.visits.len(), 1);
    assert_eq!(d.visits[0].id, visit_id);
    assert_eq!(d.visits[0].visit, visit(3));
    let mut no_visitor = visit(1);
    no_visitor.visitor = " ".into();
    refused_on(care::add_visit(&mut office.store, &clerk(), &id, &no_visitor, today()), "visitor");
    refused_on(care::add_visit(&mut office.store, &clerk(), &id, &visit(-1), today()), "date");
}

#[test]
fn a_person_never_visited_is_due_from_the_day_of_registration() {
    let (office, id) = one_elder();
    let due = care::due_visits(office.store.conn(), &clerk(), None, today()).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].elderly_id.as_str(), due[0].last_visit.as_deref()), (id.as_str(), None));
    assert_eq!((due[0].due_on.as_str(), due[0].days_overdue), ("2025-06-16", 0));
}

/// Two high-risk persons (80+ living alone), visited 8 and 3 days ago.
fn high_risk_pair() -> (Office, String, String) {
    let mut office = new_office();
    let mut ids = Vec::new();
    for (i, name) in ["高风险甲", "高风险乙"].iter().enumerate() {
        let mut input = elder(name, &id_number(1935, 3, 1 + i as u32, 11), &office.dongfeng.clone());
        input.kinds = vec!["独居".into()];
        let id = office.register(&input);
        assert_eq!(elderly::get(office.store.conn(), &clerk(), &id, today()).unwrap().visit_level, "高风险");
        ids.push(id);
    }
    care::add_visit(&mut office.store, &clerk(), &ids[0], &visit(8), today()).unwrap();
    care::add_visit(&mut office.store, &clerk(), &ids[1], &visit(3), today()).unwrap();
    let second = ids.pop().unwrap();
    (office, ids.pop().unwrap(), second)
}

#[test]
fn a_high_risk_person_visited_8_days_ago_is_due_and_one_visited_3_days_ago_is_not() {
    let (office, eight, _three) = high_risk_pair();
    let due = care::due_visits(office.store.conn(), &clerk(), None, today()).unwrap();
    assert_eq!(due.iter().map(|d| d.elderly_id.as_str()).collect::<Vec<_>>(), [eight.as_str()]);
    assert_eq!(due[0].last_visit.as_deref(), Some("2025-06-08"));
    assert_eq!((due[0].due_on.as_str(), due[0].days_overdue), ("2025-06-15", 1));
}

#[test]
fn the_visit_interval_comes_from_settings() {
    let (mut office, eight, three) = high_risk_pair();
    set_setting(&mut office.store, "elderly.visit_days.高风险", "2");
    let due = care::due_visits(office.store.conn(), &clerk(), None, today()).unwrap();
    // Most overdue first.
    assert_eq!(
        due.iter().map(|d| (d.elderly_id.clone(), d.days_overdue)).collect::<Vec<_>>(),
        [(eight, 6), (three, 1)]
    );

    set_setting(&mut office.store, "elderly.visit_days.高风险", "30");
    assert!(care::due_visits(office.store.conn(), &clerk(), None, today()).unwrap().is_empty());
}

#[test]
fn due_visits_leave_out_other_communities_and_people_off_the_roster() {
    let mut office = new_office();
    let east = office.register(&elder("东边", &id_number(1950, 1, 1, 11), &office.dongfeng.clone()));
    office.register(&elder("西边", &id_number(1950, 1, 2, 13), &office.xicheng.clone()));
    let gone = office.register(&elder("已故", &id_number(1950, 1, 3, 15), &office.dongfeng.clone()));
    let change = StatusChange { status: "去世".into(), date: "2025-06-10".into(), reason: None };
    elderly::change_status(&mut office.store, &clerk(), &gone, &change, today()).unwrap();

    let due = care::due_visits(office.store.conn(), &clerk(), Some(&office.dongfeng), today()).unwrap();
    assert_eq!(due.iter().map(|d| d.elderly_id.as_str()).collect::<Vec<_>>(), [east.as_str()]);
    assert_eq!(care::due_visits(office.store.conn(), &clerk(), None, today()).unwrap().len(), 2);
}

#[test]
fn as_of_a_past_day_only_the_visits_made_by_then_count() {
    let mut office = new_office();
    let mut ids = Vec::new();
    for (i, name) in ["早访", "晚访"].iter().enumerate() {
        let mut input = elder(name, &id_number(1935, 3, 1 + i as u32, 11), &office.dongfeng.clone());
        input.kinds = vec!["独居".into()];
        input.registered_on = Some("2025-01-01".into());
        ids.push(office.register(&input));
    }
    care::add_visit(&mut office.store, &clerk(), &ids[0], &visit(8), today()).unwrap();
    care::add_visit(&mut office.store, &clerk(), &ids[1], &visit(3), today()).unwrap();
    // On 12 June the second had not been visited yet: due since registration.
    let due = care::due_visits(office.store.conn(), &clerk(), None, crate::support::date(2025, 6, 12)).unwrap();
    assert_eq!(due.iter().map(|d| d.elderly_id.as_str()).collect::<Vec<_>>(), [ids[1].as_str()]);
    assert_eq!((due[0].last_visit.as_deref(), due[0].due_on.as_str()), (None, "2025-01-01"));
    // Before either was registered, no one was due.
    assert!(care::due_visits(office.store.conn(), &clerk(), None, crate::support::date(2024, 12, 31))
        .unwrap()
        .is_empty());
}
