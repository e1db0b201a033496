//! Issue 17, points 4 and 6: enterprise retirees younger than 60, phone
//! check-ins (电话问候), the risk factors behind the suggested visit level,
//! and the monthly visit rate (月探访率).
use street_ledger::elderly::calls::{self, CallInput};
use street_ledger::elderly::care::{self, VisitInput};
use street_ledger::elderly::rate::{self, VisitCount};
use street_ledger::elderly::{self, ElderlyInput, StatusChange};
use street_ledger::report::{self, Cell, Request};
use street_ledger::store::Table;
use street_ledger::Error;

use crate::support::{clerk, date, elder, id_number, new_office, today, Office};

/// A woman (even sequence) born so that she is `age` on the tests' today.
fn woman_aged(name: &str, age: i32, community: &str) -> ElderlyInput {
    let seq = name.chars().map(|c| c as u32).sum::<u32>() % 400 * 2;
    elder(name, &id_number(2025 - age, 1, 10, seq as u16), community)
}

#[test]
fn a_52_year_old_enterprise_retiree_is_accepted_apart_from_the_five_kinds() {
    let mut o = new_office();
    let mut input = woman_aged("周秀兰", 52, &o.dongfeng.clone());
    input.enterprise_retiree = true;
    let id = o.register(&input);

    let e = elderly::get(o.store.conn(), &clerk(), &id, today()).unwrap();
    assert!(e.enterprise_retiree);
    assert_eq!(e.person.age, Some(52));
    assert!(e.kinds.is_empty(), "no kind: {:?}", e.kinds);
    assert_eq!(e.visit_level, "一般");

    // Under 60 she is a retiree only: a kind or 三无 is refused.
    let mut alone = woman_aged("吴桂芳", 52, &o.dongfeng.clone());
    alone.enterprise_retiree = true;
    alone.kinds = vec!["独居".into()];
    let err = elderly::register(&mut o.store, &clerk(), &alone, today()).unwrap_err();
    assert!(matches!(&err, Error::Invalid(i) if i.field == "kinds"), "{err:?}");
    assert!(err.to_string().contains("只能作为企业退休人员登记"), "{err}");
    assert_eq!(o.count("elderly"), 1);
}

#[test]
fn a_59_year_old_living_alone_is_still_refused_and_so_is_a_retiree_below_the_retiree_minimum() {
    let mut o = new_office();
    let mut alone = woman_aged("郑丽华", 59, &o.dongfeng.clone());
    alone.kinds = vec!["独居".into()];
    let err = elderly::register(&mut o.store, &clerk(), &alone, today()).unwrap_err();
    assert!(matches!(&err, Error::Invalid(i) if i.field == "id_number"), "{err:?}");
    assert!(err.to_string().contains("未满60周岁"), "{err}");

    let mut young = woman_aged("冯小梅", 44, &o.dongfeng.clone());
    young.enterprise_retiree = true;
    let err = elderly::register(&mut o.store, &clerk(), &young, today()).unwrap_err();
    assert!(err.to_string().contains("未满45周岁"), "{err}");
    assert_eq!(o.count("elderly"), 0);
    assert_eq!(o.count("person"), 0, "bad input writes nothing");
}

fn elder_on(name: &str, seq: u16, community: &str, level: &str, registered: &str) -> ElderlyInput {
    let mut e = elder(name, &id_number(1940, 3, 3, seq), community);
    e.visit_level = Some(level.into());
    e.registered_on = Some(registered.into());
    e
}

fn visit_on(o: &mut Office, id: &str, date: &str, way: &str) {
    let v = VisitInput { date: date.into(), visitor: "社工小李".into(), way: way.into(), ..Default::default() };
    care::add_visit(&mut o.store, &clerk(), id, &v, today()).unwrap();
}

fn call_on(o: &mut Office, id: &str, date: &str, result: &str, action: Option<&str>) -> Result<String, Error> {
    let c = CallInput {
        date: date.into(),
        caller: "社工小李".into(),
        result: result.into(),
        action: action.map(String::from),
    };
    calls::add_call(&mut o.store, &clerk(), id, &c, today())
}

#[test]
fn a_phone_check_in_is_on_the_record_but_is_no_home_visit() {
    let mut o = new_office();
    let dongfeng = o.dongfeng.clone();
    let id = o.register(&elder_on("钱桂英", 12, &dongfeng, "重点", "2025-01-01"));

    let call = call_on(&mut o, &id, "2025-06-10", "正常", None).unwrap();
    let err = call_on(&mut o, &id, "2025-06-11", "未接", None).unwrap_err();
    assert!(matches!(&err, Error::Invalid(i) if i.field == "action"), "{err:?}");
    let err = call_on(&mut o, &id, "2025-06-11", "忙音", Some("再拨")).unwrap_err();
    assert!(matches!(&err, Error::Invalid(i) if i.field == "result"), "{err:?}");
    call_on(&mut o, &id, "2025-06-12", "异常", Some("上门查看，已联系子女")).unwrap();

    let d = elderly::detail(o.store.conn(), &clerk(), &id, today()).unwrap();
    let seen: Vec<(&str, &str)> = d.calls.iter().map(|c| (c.call.date.as_str(), c.call.result.as_str())).collect();
    assert_eq!(seen, [("2025-06-12", "异常"), ("2025-06-10", "正常")]);
    assert_eq!(d.calls[0].call.action.as_deref(), Some("上门查看，已联系子女"));
    assert!(d.visits.is_empty());
    assert!(d.elderly.actions.contains(&elderly::CALL));

    // Contact, not a visit: still due (never visited since registering),
    // and a visit entered with the way 电话 is no home visit either.
    visit_on(&mut o, &id, "2025-06-13", "电话");
    let due = care::due_visits(o.store.conn(), &clerk(), None, today()).unwrap();
    assert_eq!(due.iter().map(|d| d.elderly_id.as_str()).collect::<Vec<_>>(), [id.as_str()]);
    visit_on(&mut o, &id, "2025-06-14", "入户");
    assert!(care::due_visits(o.store.conn(), &clerk(), None, today()).unwrap().is_empty());

    // Entered by mistake: deleted like a visit.
    care::delete_entry(&mut o.store, &clerk(), Table::ElderlyCall, &call).unwrap();
    assert_eq!(o.count("elderly_call"), 1);
}

#[test]
fn disability_dementia_family_planning_empty_nest_and_left_behind_raise_the_suggested_level() {
    let mut o = new_office();
    let dongfeng = o.dongfeng.clone();
    let mut seq = 100;
    let mut level_of = |o: &mut Office, living: Option<&str>, risks: &[&str]| {
        seq += 2;
        let mut e = elder(&format!("测试{seq}"), &id_number(1950, 5, 5, seq), &dongfeng);
        e.living_arrangement = living.map(String::from);
        e.risk_factors = risks.iter().map(|r| r.to_string()).collect();
        let id = o.register(&e);
        let e = elderly::get(o.store.conn(), &clerk(), &id, today()).unwrap();
        (e.visit_level, e.risk_factors)
    };
    assert_eq!(level_of(&mut o, None, &[]).0, "一般", "75, no kind, nothing else");
    assert_eq!(level_of(&mut o, Some("空巢"), &[]).0, "重点");
    assert_eq!(level_of(&mut o, None, &["留守"]).0, "重点");
    assert_eq!(level_of(&mut o, None, &["计划生育特殊家庭"]).0, "重点");
    assert_eq!(level_of(&mut o, None, &["失能"]).0, "高风险");
    let (level, risks) = level_of(&mut o, Some("与子女同住"), &["失智", "留守", "失智"]);
    assert_eq!((level.as_str(), risks), ("高风险", vec!["失智".to_string(), "留守".to_string()]));

    let mut bad = elder("孙不明", &id_number(1950, 6, 6, 8), &dongfeng);
    bad.risk_factors = vec!["酗酒".into()];
    let err = elderly::register(&mut o.store, &clerk(), &bad, today()).unwrap_err();
    assert!(matches!(&err, Error::Invalid(i) if i.field == "risk_factors"), "{err:?}");
}

/// May 2025 by hand. 东风: A 高风险 visited at home; B 重点 phoned only
/// (a call and a visit of the way 电话); C 一般 visited in April, next due
/// 30 June: not due; D 一般 visited 1 February, due 2 May, visited 20 May;
/// E 一般 never visited: due; F registered in June and G dead on 20 May:
/// not on the roster at the month's end. 西城: H 重点 visited.
/// 东风 2 of 4, 西城 1 of 1; the 合计 3 of 5 (60%, not the 75% of an
/// average of the rates).
#[test]
fn the_visit_rate_of_a_hand_made_month_per_community_and_in_total() {
    let mut o = new_office();
    let (df, xc) = (o.dongfeng.clone(), o.xicheng.clone());
    let reg = |o: &mut Office, name: &str, seq: u16, c: &str, level: &str, on: &str| {
        let e = elder_on(name, seq, c, level, on);
        o.register(&e)
    };
    let a = reg(&mut o, "甲", 2, &df, "高风险", "2025-01-01");
    let b = reg(&mut o, "乙", 4, &df, "重点", "2025-01-01");
    let c = reg(&mut o, "丙", 6, &df, "一般", "2025-01-01");
    let d = reg(&mut o, "丁", 8, &df, "一般", "2025-01-01");
    reg(&mut o, "戊", 10, &df, "一般", "2025-01-01");
    reg(&mut o, "己", 12, &df, "重点", "2025-06-01");
    let g = reg(&mut o, "庚", 14, &df, "重点", "2025-01-01");
    let h = reg(&mut o, "辛", 16, &xc, "重点", "2025-01-01");
    visit_on(&mut o, &a, "2025-05-10", "入户");
    visit_on(&mut o, &b, "2025-05-12", "电话");
    call_on(&mut o, &b, "2025-05-13", "正常", None).unwrap();
    visit_on(&mut o, &c, "2025-04-01", "入户");
    visit_on(&mut o, &d, "2025-02-01", "入户");
    visit_on(&mut o, &d, "2025-05-20", "入户");
    visit_on(&mut o, &g, "2025-05-05", "入户");
    visit_on(&mut o, &h, "2025-05-03", "入户");
    let died = StatusChange { status: "去世".into(), date: "2025-05-20".into(), reason: None };
    elderly::change_status(&mut o.store, &clerk(), &g, &died, today()).unwrap();

    let counts = rate::month(o.store.conn(), None, date(2025, 5, 1), date(2025, 5, 31)).unwrap();
    assert_eq!(counts[&Some(df.clone())], VisitCount { due: 4, visited: 2 });
    assert_eq!(counts[&Some(xc.clone())], VisitCount { due: 1, visited: 1 });

    let req = Request { name: "elderly-services".into(), period: "2025-05".into(), ..Default::default() };
    let r = report::build(o.store.conn(), &clerk(), &req).unwrap();
    let sheet = &r.sheets[0];
    let last3 = |row: &[Cell]| row[row.len() - 3..].to_vec();
    let by_name = |n: &str| last3(sheet.rows.iter().find(|r| r[0] == Cell::text(n)).unwrap());
    assert_eq!(by_name("东风社区"), [Cell::Int(4), Cell::Int(2), Cell::Rate(Some(0.5))]);
    assert_eq!(by_name("西城社区"), [Cell::Int(1), Cell::Int(1), Cell::Rate(Some(1.0))]);
    assert_eq!(last3(sheet.total.as_ref().unwrap()), [Cell::Int(5), Cell::Int(3), Cell::Rate(Some(0.6))]);

    let june = rate::month(o.store.conn(), Some(&df), date(2025, 6, 1), date(2025, 6, 30)).unwrap();
    assert_eq!(june.len(), 1, "one community asked");
    // A 高风险, B 重点, C due 30 June, E never visited, F registered 1 June;
    // D visited 20 May is next due in August.
    assert_eq!(june[&Some(df)], VisitCount { due: 5, visited: 0 });
}
