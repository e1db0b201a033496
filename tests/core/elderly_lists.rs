//! Issue 17, point 5: the roster's lists (生日名单, 百岁老人, 重阳节 by age
//! band) and 慰问 records.
use chrono::NaiveDate;
use street_ledger::access::{Actor, Role};
use street_ledger::demo::{self, DemoSpec};
use street_ledger::elderly::condolence::{self, CondolenceInput};
use street_ledger::elderly::{self, StatusChange};
use street_ledger::report::{self, Cell, Request};
use street_ledger::store::Store;
use street_ledger::Error;
use tempfile::TempDir;

use crate::support::{clerk, id_number, new_office, today, Office};

/// On the roster since 2020, so past periods list them.
fn elder(name: &str, id_number: &str, community: &str) -> elderly::ElderlyInput {
    let mut input = crate::support::elder(name, id_number, community);
    input.registered_on = Some("2020-01-01".into());
    input
}

fn report(o: &Office, actor: &Actor, name: &str, period: &str) -> report::Report {
    let req = Request { name: name.into(), period: period.into(), community_id: None, unmasked: false };
    report::build(o.store.conn(), actor, &req).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Int(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

/// The names on a sheet (column 2) with one other column.
fn names_with(sheet: &report::Sheet, col: usize) -> Vec<(String, String)> {
    sheet.rows.iter().map(|r| (text(&r[2]), text(&r[col]))).collect()
}

#[test]
fn a_29_february_birthday_is_kept_on_28_february_in_a_common_year_and_listed_in_february() {
    let mut o = new_office();
    let (dongfeng, xicheng) = (o.dongfeng.clone(), o.xicheng.clone());
    o.register(&elder("闰日生", &id_number(1944, 2, 29, 11), &dongfeng));
    o.register(&elder("二月生", &id_number(1950, 2, 10, 13), &dongfeng));
    o.register(&elder("三月生", &id_number(1950, 3, 1, 15), &dongfeng));
    o.register(&elder("西城二月", &id_number(1948, 2, 3, 17), &xicheng));

    let feb = report(&o, &clerk(), "elderly-birthdays", "2025-02");
    let rows = names_with(&feb.sheets[0], 7);
    // By birthday: 3 February, 10 February, then 29 February kept on the 28th.
    assert_eq!(
        rows,
        [
            ("西城二月".into(), "2月3日".into()),
            ("二月生".into(), "2月10日".into()),
            ("闰日生".into(), "2月28日".into())
        ]
    );
    let leap = &feb.sheets[0].rows[2];
    assert_eq!(text(&leap[6]), "81", "age reached in 2025");
    assert!(text(&leap[8]).contains("2月29日生"));
    assert!(text(&leap[4]).contains('*'), "ID numbers masked: {}", text(&leap[4]));
    // Not in March of a common year; on the 29th in a leap year.
    let march = report(&o, &clerk(), "elderly-birthdays", "2025-03");
    assert_eq!(names_with(&march.sheets[0], 7), [("三月生".into(), "3月1日".into())]);
    let leap_year = report(&o, &clerk(), "elderly-birthdays", "2024-02");
    assert!(names_with(&leap_year.sheets[0], 7).contains(&("闰日生".into(), "2月29日".into())));

    // A community worker sees only their community.
    let worker = Actor::new("东风社工", Role::CommunityStaff, Some(dongfeng));
    let mine = report(&o, &worker, "elderly-birthdays", "2025-02");
    let names: Vec<String> = mine.sheets[0].rows.iter().map(|r| text(&r[2])).collect();
    assert_eq!(names, ["二月生", "闰日生"]);
}

#[test]
fn a_person_turning_100_later_in_the_year_is_on_that_years_centenarian_list() {
    let mut o = new_office();
    let d = o.dongfeng.clone();
    o.register(&elder("年底满百", &id_number(1925, 12, 20, 21), &d));
    o.register(&elder("一百零二", &id_number(1923, 1, 5, 23), &d));
    o.register(&elder("明年满百", &id_number(1926, 1, 5, 25), &d));

    let list = report(&o, &clerk(), "elderly-centenarians", "2025");
    let rows = names_with(&list.sheets[0], 6);
    let want: Vec<(String, String)> = vec![("年底满百".into(), "100".into()), ("一百零二".into(), "102".into())];
    assert_eq!(rows, want);
    assert_eq!(text(&list.sheets[0].rows[0][8]), "本年满百岁");
    // On 16 June 2025 she is 99: the list counts the year, not the day.
    assert_eq!(
        elderly::get(o.store.conn(), &clerk(), &elderly_id(&o, "年底满百"), today()).unwrap().person.age,
        Some(99)
    );
    let next = report(&o, &clerk(), "elderly-centenarians", "2026");
    assert_eq!(next.sheets[0].rows.len(), 3);
}

fn elderly_id(o: &Office, name: &str) -> String {
    o.store
        .conn()
        .query_row("SELECT e.id FROM elderly e JOIN person p ON p.id = e.person_id WHERE p.name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap()
}

fn gift(kind: &str, date: &str) -> CondolenceInput {
    CondolenceInput {
        kind: kind.into(),
        date: date.into(),
        gift: Some("米、油".into()),
        amount: Some("200".into()),
        staff: "李主任".into(),
        notes: None,
    }
}

#[test]
fn a_condolence_refused_by_field_writes_nothing() {
    let mut o = new_office();
    let d = o.dongfeng.clone();
    let id = o.register(&elder("慰问对象", &id_number(1940, 5, 5, 31), &d));
    let cases: [(&str, CondolenceInput); 5] = [
        ("kind", CondolenceInput { kind: "端午".into(), ..gift("", "2024-10-11") }),
        ("date", gift("重阳节", "2025-10-29")),
        ("gift", CondolenceInput { gift: None, amount: None, ..gift("重阳节", "2024-10-11") }),
        ("amount", CondolenceInput { amount: Some("两百".into()), ..gift("重阳节", "2024-10-11") }),
        ("staff", CondolenceInput { staff: " ".into(), ..gift("重阳节", "2024-10-11") }),
    ];
    for (field, input) in cases {
        let err = condolence::add_condolence(&mut o.store, &clerk(), &id, &input, today()).unwrap_err();
        assert!(matches!(&err, Error::Invalid(i) if i.field == field), "{field}: {err:?}");
        assert!(crate::support::is_chinese(&err.to_string()), "{err}");
    }
    assert_eq!(o.count("elderly_condolence"), 0);

    // A person who has left the roster gets none; another community's worker neither.
    let worker = Actor::new("西城社工", Role::CommunityStaff, Some(o.xicheng.clone()));
    assert!(condolence::add_condolence(&mut o.store, &worker, &id, &gift("重阳节", "2024-10-11"), today()).is_err());
    let change = StatusChange { status: "去世".into(), date: "2025-06-01".into(), reason: None };
    elderly::change_status(&mut o.store, &clerk(), &id, &change, today()).unwrap();
    let err =
        condolence::add_condolence(&mut o.store, &clerk(), &id, &gift("重阳节", "2025-06-10"), today()).unwrap_err();
    assert!(matches!(&err, Error::Invalid(i) if i.field == "status"), "{err:?}");
    assert_eq!(o.count("elderly_condolence"), 0);
}

#[test]
fn a_double_ninth_condolence_shows_on_the_years_list_and_on_the_person_page() {
    let mut o = new_office();
    let d = o.dongfeng.clone();
    let visited = o.register(&elder("已慰问", &id_number(1935, 5, 5, 41), &d));
    o.register(&elder("未慰问", &id_number(1925, 8, 8, 43), &d));
    o.register(&elder("七十九", &id_number(1945, 1, 1, 45), &d));
    condolence::add_condolence(&mut o.store, &clerk(), &visited, &gift("重阳节", "2024-10-11"), today()).unwrap();
    condolence::add_condolence(&mut o.store, &clerk(), &visited, &gift("春节", "2025-01-20"), today()).unwrap();

    let page = elderly::detail(o.store.conn(), &clerk(), &visited, today()).unwrap();
    assert_eq!(page.condolences.iter().map(|c| c.kind.as_str()).collect::<Vec<_>>(), ["春节", "重阳节"]);
    assert_eq!(page.condolences[0].amount_cents, Some(20000));

    let list = report(&o, &clerk(), "elderly-double-ninth", "2024");
    // By band: 89 in 2024 before 99; 79 is on no band.
    assert_eq!(
        names_with(&list.sheets[0], 7),
        [("已慰问".to_string(), "80–89岁".to_string()), ("未慰问".into(), "90–99岁".into())]
    );
    assert!(text(&list.sheets[0].rows[0][8]).starts_with("已慰问 2024-10-11"), "{:?}", list.sheets[0].rows[0]);
    assert_eq!(text(&list.sheets[0].rows[1][8]), "未慰问");
    // The 2024 visit is not 2025's.
    let next = report(&o, &clerk(), "elderly-double-ninth", "2025");
    assert!(next.sheets[0].rows.iter().all(|r| text(&r[8]) == "未慰问"));
    // 慰问登记表: both of the year, 慰问金 合计 400.
    let reg = report(&o, &clerk(), "elderly-condolences", "2024-10-01..2025-06-30");
    assert_eq!(reg.sheets[0].rows.len(), 2);
    assert_eq!(reg.sheets[0].total.as_ref().unwrap()[7], Cell::Money(400.0));
}

/// The 重阳节 list's 分段统计 on the demo street: each band's 合计 is the
/// sum of the communities' rows and the list has as many persons.
#[test]
fn the_double_ninth_bands_total_the_communities_on_the_demo_street() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let spec = DemoSpec { office_name: "和平街道".into(), communities: 3, persons: 3000, seed: 7, today: day };
    demo::generate(&mut store, &Actor::system(), &spec).unwrap();
    for year in ["2025", "2026"] {
        let req =
            Request { name: "elderly-double-ninth".into(), period: year.into(), community_id: None, unmasked: false };
        let r = report::build(store.conn(), &Actor::admin("admin"), &req).unwrap();
        let (list, stats) = (&r.sheets[0], &r.sheets[1]);
        assert_eq!(stats.rows.len(), 3, "a row per community");
        let total = stats.total.as_ref().unwrap();
        for col in 1..total.len() {
            let sum: f64 = stats.rows.iter().map(|row| row[col].as_f64()).sum();
            assert_eq!(total[col].as_f64(), sum, "{year} column {col}");
        }
        assert_eq!(total[4].as_f64() as usize, list.rows.len(), "{year}: 合计 = persons listed");
        assert!(list.rows.len() > 10, "{year}: the demo has people of 80 and over");
        assert_eq!(total[1].as_f64() + total[2].as_f64() + total[3].as_f64(), total[4].as_f64());
        assert_eq!(total[5].as_f64() + total[6].as_f64(), total[4].as_f64());
        if year == "2025" {
            // The demo's 重阳节 慰问 are of October 2025.
            assert!(total[5].as_f64() > 0.0 && total[6].as_f64() > 0.0, "{total:?}");
        }
    }
}
