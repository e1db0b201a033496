//! Issue 17, point 3: purchased home care (政府购买居家养老服务): providers,
//! entitlements by care level, services with hours and a price, and the
//! monthly settlement per provider (居家养老服务结算单).
use chrono::NaiveDate;
use street_ledger::access::{Actor, Role};
use street_ledger::demo::{self, DemoSpec};
use street_ledger::elderly::care::{self, ServiceInput};
use street_ledger::elderly::homecare::{self, EntitlementInput, ProviderInput};
use street_ledger::elderly::{self, StatusChange};
use street_ledger::report::{self, Cell, Request, Sheet};
use street_ledger::store::Store;
use street_ledger::Error;
use tempfile::TempDir;

use crate::support::{all_counts, clerk, elder, id_number, new_office, set_setting, today, Office};

fn provider(name: &str, price: &str) -> ProviderInput {
    ProviderInput { name: name.into(), price: price.into(), contact: Some("李经理".into()), ..Default::default() }
}

fn purchased(date: &str, provider_id: &str, hours: &str, price: Option<&str>) -> ServiceInput {
    ServiceInput {
        date: date.into(),
        service_type: "日常照料".into(),
        paid: "无偿".into(),
        hours: Some(hours.into()),
        provider_id: Some(provider_id.into()),
        unit_price: price.map(Into::into),
        ..Default::default()
    }
}

fn entitle(o: &mut Office, id: &str, level: &str, from: &str) -> Result<String, Error> {
    let input = EntitlementInput {
        level: level.into(),
        assessed_on: "2025-01-10".into(),
        from_month: from.into(),
        notes: None,
    };
    homecare::add_entitlement(&mut o.store, &clerk(), id, &input, today())
}

fn settlement(conn: &rusqlite::Connection, actor: &Actor, period: &str) -> report::Report {
    let req = Request { name: "elderly-care-settlement".into(), period: period.into(), ..Default::default() };
    report::build(conn, actor, &req).unwrap()
}

fn sheet<'r>(r: &'r report::Report, name: &str) -> &'r Sheet {
    r.sheets.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no sheet {name}"))
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

/// Every sheet's 合计 is the sum of its rows, and on every row the subsidy
/// and the self-pay make the amount.
fn check_sums(r: &report::Report) {
    for s in &r.sheets {
        let total = s.total.as_ref().expect("a 合计 row");
        for col in 1..total.len() {
            if matches!(total[col], Cell::Money(_) | Cell::Int(_)) {
                let sum: f64 = s.rows.iter().map(|row| row[col].as_f64()).sum();
                assert!((total[col].as_f64() - sum).abs() < 0.005, "{} column {col}", s.name);
            }
        }
        if s.name != "汇总" {
            for row in s.rows.iter().chain([total]) {
                let (amount, subsidy, own) = (row[7].as_f64(), row[8].as_f64(), row[9].as_f64());
                assert!((subsidy + own - amount).abs() < 0.005, "{}: {row:?}", s.name);
                assert_eq!(text(&row[11]), "", "签字确认 is left for the signature");
            }
        }
    }
}

struct Setup {
    o: Office,
    elder: String,
    kangle: String,
    anxin: String,
}

/// 张桂兰 (中度失能, 20 hours a month from 2025-01) served in May 2025 by
/// 康乐 (40 yuan/hour) 8 + 10 hours and by 安馨 (30 yuan/hour, this time 32)
/// 6 hours: 24 hours, 4 over.
fn setup() -> Setup {
    let mut o = new_office();
    set_setting(&mut o.store, "elderly.care.hours.中度失能", "2025-01:20");
    let elder_id = o.register(&elder("张桂兰", &id_number(1940, 3, 2, 24), &o.dongfeng.clone()));
    let kangle = homecare::add_provider(&mut o.store, &clerk(), &provider("康乐居家养老服务中心", "40")).unwrap();
    let anxin = homecare::add_provider(&mut o.store, &clerk(), &provider("安馨家政", "30")).unwrap();
    entitle(&mut o, &elder_id, "中度失能", "2025-01").unwrap();
    for s in [
        purchased("2025-05-03", &kangle, "8", None),
        purchased("2025-05-10", &kangle, "10", None),
        purchased("2025-05-20", &anxin, "6", Some("32")),
    ] {
        care::add_service(&mut o.store, &clerk(), &elder_id, &s, today()).unwrap();
    }
    Setup { o, elder: elder_id, kangle, anxin }
}

#[test]
fn the_settlement_gives_each_provider_its_hours_amount_subsidy_and_self_pay_with_a_total() {
    let s = setup();
    let r = settlement(s.o.store.conn(), &clerk(), "2025-05");
    check_sums(&r);
    let kangle = sheet(&r, "康乐居家养老服务中心");
    assert_eq!(kangle.rows.len(), 1);
    let row = &kangle.rows[0];
    assert_eq!(text(&row[2]), "张桂兰");
    assert_eq!(text(&row[4]), "中度失能");
    let figures = |row: &[Cell]| (5..=10).map(|c| row[c].as_f64()).collect::<Vec<_>>();
    // 应享, 服务时数, 金额, 补贴, 自付, 超出.
    assert_eq!(figures(row), [20.0, 18.0, 720.0, 720.0, 0.0, 0.0]);
    // The entitlement's last 2 hours go to 安馨's service; its other 4 are over.
    assert_eq!(figures(&sheet(&r, "安馨家政").rows[0]), [20.0, 6.0, 192.0, 64.0, 128.0, 4.0]);
    let summary = sheet(&r, "汇总");
    assert_eq!(summary.rows.len(), 2, "every provider");
    let total = summary.total.as_ref().unwrap();
    assert_eq!((3..=7).map(|c| total[c].as_f64()).collect::<Vec<_>>(), [24.0, 912.0, 784.0, 128.0, 4.0]);
    // No service in June: no provider sheet, a 汇总 of zeros.
    let june = settlement(s.o.store.conn(), &clerk(), "2025-06");
    check_sums(&june);
    assert_eq!(june.sheets.len(), 1);
    let _ = (&s.kangle, &s.anxin);
}

#[test]
fn going_over_the_entitlement_is_flagged_on_the_person_and_the_providers_page() {
    let s = setup();
    let may = chrono::NaiveDate::from_ymd_opt(2025, 5, 31).unwrap();
    let state = homecare::state(s.o.store.conn(), &clerk(), &s.elder, may).unwrap();
    assert_eq!((state.entitled_hours, state.used_hours, state.over_hours), (20.0, 24.0, 4.0));
    assert_eq!(state.level.as_deref(), Some("中度失能"));
    let page = homecare::page(s.o.store.conn(), &clerk(), None, may).unwrap();
    assert_eq!(page.over.len(), 1);
    assert_eq!((page.over[0].name.as_str(), page.over[0].over_hours), ("张桂兰", 4.0));
    assert!(page.can_edit);
    // Within the entitlement in June: not flagged.
    let june = homecare::state(s.o.store.conn(), &clerk(), &s.elder, today()).unwrap();
    assert_eq!((june.used_hours, june.over_hours), (0.0, 0.0));
}

#[test]
fn a_change_of_the_hours_from_a_month_keeps_the_earlier_months() {
    let mut s = setup();
    let before = settlement(s.o.store.conn(), &clerk(), "2025-05");
    care::add_service(&mut s.o.store, &clerk(), &s.elder, &purchased("2025-06-02", &s.kangle, "15", None), today())
        .unwrap();
    set_setting(&mut s.o.store, "elderly.care.hours.中度失能", "2025-01:20;2025-06:10");
    assert_eq!(settlement(s.o.store.conn(), &clerk(), "2025-05"), before, "May stays as it was");
    let june = settlement(s.o.store.conn(), &clerk(), "2025-06");
    let row = &sheet(&june, "康乐居家养老服务中心").rows[0];
    // 15 hours, 10 entitled from June: 400 subsidy, 200 self-paid, 5 over.
    assert_eq!((5..=10).map(|c| row[c].as_f64()).collect::<Vec<_>>(), [10.0, 15.0, 600.0, 400.0, 200.0, 5.0]);
    // A quarter sums its months, each with its own entitlement.
    let q = settlement(s.o.store.conn(), &clerk(), "2025Q2");
    check_sums(&q);
    let total = sheet(&q, "汇总").total.clone().unwrap();
    assert_eq!((3..=7).map(|c| total[c].as_f64()).collect::<Vec<_>>(), [39.0, 1512.0, 1184.0, 328.0, 9.0]);
}

#[test]
fn an_entitlement_from_a_later_month_ends_the_one_before_and_stopping_ends_the_hours() {
    let mut s = setup();
    let later = entitle(&mut s.o, &s.elder, "重度失能", "2025-05");
    assert!(later.is_ok(), "{later:?}");
    let list = homecare::entitlements(s.o.store.conn(), &s.elder).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!((list[1].status.as_str(), list[1].stop_month.as_deref()), ("停止", Some("2025-05")));
    assert!(list[1].actions.is_empty() && list[0].actions == ["stop"]);
    // The same month again is refused, and writes nothing.
    let counts = all_counts(s.o.store.conn());
    match entitle(&mut s.o, &s.elder, "轻度失能", "2025-05") {
        Err(Error::Invalid(e)) => assert_eq!(e.field, "from_month"),
        other => panic!("{other:?}"),
    }
    assert_eq!(all_counts(s.o.store.conn()), counts);
    // 重度失能 has no hours set: May is all self-paid now.
    let r = settlement(s.o.store.conn(), &clerk(), "2025-05");
    assert_eq!(sheet(&r, "汇总").total.as_ref().unwrap()[6].as_f64(), 912.0);
    homecare::stop_entitlement(&mut s.o.store, &clerk(), &list[0].id, "2025-06").unwrap();
    let stopped = homecare::entitlements(s.o.store.conn(), &s.elder).unwrap();
    assert!(stopped.iter().all(|e| e.actions.is_empty()));
    assert!(homecare::stop_entitlement(&mut s.o.store, &clerk(), &list[0].id, "2025-07").is_err());
}

#[test]
fn leaving_the_roster_stops_the_entitlement_from_the_month_after() {
    let mut s = setup();
    let death = StatusChange { status: "去世".into(), date: "2025-05-31".into(), reason: None };
    elderly::change_status(&mut s.o.store, &clerk(), &s.elder, &death, today()).unwrap();
    let list = homecare::entitlements(s.o.store.conn(), &s.elder).unwrap();
    assert_eq!((list[0].status.as_str(), list[0].stop_month.as_deref()), ("停止", Some("2025-06")));
    assert!(list[0].actions.is_empty());
    // May, the month of the death, keeps its entitlement.
    let r = settlement(s.o.store.conn(), &clerk(), "2025-05");
    assert_eq!(sheet(&r, "汇总").total.as_ref().unwrap()[5].as_f64(), 784.0);
}

#[test]
fn bad_input_and_a_community_worker_keeping_providers_are_refused_writing_nothing() {
    let mut s = setup();
    let counts = all_counts(s.o.store.conn());
    let worker = Actor::new("社区小李", Role::CommunityStaff, Some(s.o.dongfeng.clone()));
    match homecare::add_provider(&mut s.o.store, &worker, &provider("新机构", "30")) {
        Err(Error::Access(_)) => {}
        other => panic!("{other:?}"),
    }
    let page = homecare::page(s.o.store.conn(), &worker, None, today()).unwrap();
    assert!(!page.can_edit && page.providers.len() == 2, "a worker chooses among the providers");
    for (input, field) in [(provider("", "30"), "name"), (provider("甲", ""), "price"), (provider("甲", "0"), "price")]
    {
        match homecare::add_provider(&mut s.o.store, &clerk(), &input) {
            Err(Error::Invalid(e)) => assert_eq!(e.field, field),
            other => panic!("{other:?}"),
        }
    }
    let no_hours = ServiceInput { hours: None, ..purchased("2025-06-01", &s.kangle, "1", None) };
    let price_alone = ServiceInput { provider_id: None, ..purchased("2025-06-01", &s.kangle, "2", Some("30")) };
    let unknown = purchased("2025-06-01", "不存在", "2", None);
    for (input, field) in [(no_hours, "hours"), (price_alone, "provider_id"), (unknown, "provider_id")] {
        match care::add_service(&mut s.o.store, &clerk(), &s.elder, &input, today()) {
            Err(Error::Invalid(e)) => assert_eq!(e.field, field),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(all_counts(s.o.store.conn()), counts);
    // A worker of another community does not see the person's hours.
    let other = Actor::new("社区小赵", Role::CommunityStaff, Some(s.o.xicheng.clone()));
    assert!(homecare::state(s.o.store.conn(), &other, &s.elder, today()).is_err());
    let r = settlement(s.o.store.conn(), &other, "2025-05");
    assert_eq!(r.sheets.len(), 1, "no provider served 西城社区");
}

/// On the demo street, for every month of the last year: each provider's
/// 合计 is the sum of its rows, and the providers together are every
/// purchased service of the month.
#[test]
fn each_months_settlements_total_their_rows_and_all_purchased_services_on_the_demo_street() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let spec = DemoSpec { office_name: "和平街道".into(), communities: 3, persons: 5000, seed: 7, today: day };
    demo::generate(&mut store, &Actor::system(), &spec).unwrap();
    let conn = store.conn();
    let mut over = 0.0;
    for m in 0..12 {
        let first = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap().checked_add_months(chrono::Months::new(m)).unwrap();
        let period = first.format("%Y-%m").to_string();
        let r = settlement(conn, &Actor::admin("admin"), &period);
        check_sums(&r);
        let summary = sheet(&r, "汇总");
        let total = summary.total.as_ref().unwrap();
        let (hours, amount): (f64, i64) = conn
            .query_row(
                "SELECT coalesce(sum(hours), 0), coalesce(sum(CAST(round(hours * unit_price_cents) AS INTEGER)), 0)
                 FROM elderly_service WHERE provider_id IS NOT NULL AND substr(date, 1, 7) = ?1",
                [&period],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert!(hours > 0.0, "{period}: the demo has purchased services");
        assert!((total[3].as_f64() - hours).abs() < 0.005, "{period}: hours");
        assert!((total[4].as_f64() - amount as f64 / 100.0).abs() < 0.005, "{period}: amount");
        // Each provider's sheet is its 汇总 row.
        for row in &summary.rows {
            let Some(s) = r.sheets.iter().find(|s| s.title.ends_with(&format!("（{}）", text(&row[1])))) else {
                assert_eq!(row[2].as_f64(), 0.0, "{period}: a provider without services has no sheet");
                continue;
            };
            let t = s.total.as_ref().unwrap();
            assert_eq!(row[2].as_f64() as usize, s.rows.len());
            for (c, sc) in [(3, 6), (4, 7), (5, 8), (6, 9), (7, 10)] {
                assert!((row[c].as_f64() - t[sc].as_f64()).abs() < 0.005, "{period} {}: {c}", s.name);
            }
        }
        over += total[7].as_f64();
    }
    assert!(over > 0.0, "some demo months go over the entitlement");
}
