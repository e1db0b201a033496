//! The mediation committee's own work (issue 16, part B): mediators with
//! their profile and trainings, a case's difficulty and the 以案定补 roster
//! (its 合计 is the sum of the cases' subsidies, every quarter of the demo),
//! and the 排查表 as a list that feeds 排查发现纠纷 and opens cases.
use chrono::{Datelike, NaiveDate};
use street_ledger::access::{Actor, Role};
use street_ledger::demo::{self, DemoSpec};
use street_ledger::mediation::lifecycle::{self, StepInput};
use street_ledger::mediation::mediators::{self, Profile, TrainingInput};
use street_ledger::mediation::screening::{self, ScreeningInput};
use street_ledger::mediation::subsidy;
use street_ledger::mediation::{self, CaseInput, MediatorInput, PartyInput};
use street_ledger::report::{self, Cell, Request};
use street_ledger::store::Store;
use tempfile::TempDir;

use crate::support::{all_counts, clerk, new_office, set_setting, today, Office};

fn mediator(o: &mut Office, name: &str, community: Option<&str>) -> String {
    let m = MediatorInput { name: name.into(), community_id: community.map(String::from), ..Default::default() };
    mediation::add_mediator(&mut o.store, &clerk(), &m).unwrap()
}

fn case(o: &mut Office, mediators: &[&String], difficulty: Option<&str>, received: &str) -> String {
    let party = |side: &str, name: &str| PartyInput { side: side.into(), name: name.into(), ..Default::default() };
    let input = CaseInput {
        dispute_type: "邻里".into(),
        source: "当事人申请".into(),
        mediator_ids: mediators.iter().map(|m| m.to_string()).collect(),
        summary: "楼上漏水".into(),
        received_on: received.into(),
        parties: vec![party("申请方", "甲"), party("被申请方", "乙")],
        staff: "小王".into(),
        difficulty: difficulty.map(String::from),
        ..Default::default()
    };
    mediation::register(&mut o.store, &clerk(), &input, today()).unwrap()
}

/// Carries a case to an oral agreement on `on`.
fn agree(o: &mut Office, id: &str, on: &str) {
    for kind in ["调查", "调解", "协议"] {
        let s = StepInput {
            step: kind.into(),
            date: on.into(),
            staff: "老调解".into(),
            content: Some("双方陈述".into()),
            agreement_kind: Some("口头".into()),
            terms: Some("赔偿500元".into()),
            ..Default::default()
        };
        lifecycle::record(&mut o.store, &clerk(), id, &s, today()).unwrap();
    }
}

#[test]
fn a_mediator_keeps_sex_birth_year_education_employment_term_and_trainings() {
    let mut o = new_office();
    let profile = Profile {
        sex: Some("女".into()),
        birth_year: Some(1968),
        education: Some("大专".into()),
        employment: Some("专职".into()),
        term_from: Some("2024-01-01".into()),
        term_to: Some("2026-12-31".into()),
    };
    let input =
        MediatorInput {
            name: "李调解".into(), community_id: Some(o.dongfeng.clone()), profile, ..Default::default()
        };
    let id = mediation::add_mediator(&mut o.store, &clerk(), &input).unwrap();
    for (hours, topic) in [("3", "人民调解法"), ("1.5", "调解文书")] {
        let t = TrainingInput {
            mediator_id: id.clone(),
            date: "2025-03-01".into(),
            hours: hours.into(),
            topic: topic.into(),
        };
        mediators::add_training(&mut o.store, &clerk(), &t, today()).unwrap();
    }
    let roster = mediators::roster(o.store.conn(), &clerk()).unwrap();
    let m = roster.iter().find(|m| m.id == id).unwrap();
    assert_eq!(m.profile, input.profile);
    assert_eq!((m.committee.as_str(), m.trainings, m.training_hours), ("东风社区调委会", 2, 4.5));
    let topics: Vec<String> =
        mediators::trainings(o.store.conn(), &clerk(), Some(&id)).unwrap().into_iter().map(|t| t.topic).collect();
    assert_eq!(topics.len(), 2);

    // A correction keeps the trainings.
    let fixed =
        MediatorInput { profile: Profile { employment: Some("兼职".into()), ..input.profile.clone() }, ..input };
    mediators::update(&mut o.store, &clerk(), &id, &fixed).unwrap();
    let roster = mediators::roster(o.store.conn(), &clerk()).unwrap();
    let m = roster.iter().find(|m| m.id == id).unwrap();
    assert_eq!((m.profile.employment.as_deref(), m.trainings), (Some("兼职"), 2));
    assert!(street_ledger::check::check(o.store.conn()).unwrap().ok());
}

#[test]
fn a_bad_profile_or_training_is_refused_by_field_and_writes_nothing() {
    let mut o = new_office();
    let id = mediator(&mut o, "李调解", Some("东风社区"));
    let before = all_counts(o.store.conn());
    let bad_profiles = [
        (Profile { education: Some("博士后".into()), ..Default::default() }, "education"),
        (Profile { employment: Some("临时".into()), ..Default::default() }, "employment"),
        (Profile { sex: Some("未知".into()), ..Default::default() }, "sex"),
        (Profile { birth_year: Some(68), ..Default::default() }, "birth_year"),
        (
            Profile { term_from: Some("2025-01-01".into()), term_to: Some("2024-12-31".into()), ..Default::default() },
            "term_to",
        ),
        (Profile { term_from: Some("2025/01/01".into()), ..Default::default() }, "term_from"),
    ];
    for (profile, field) in bad_profiles {
        let m = MediatorInput { name: "王调解".into(), profile, ..Default::default() };
        let e = mediation::add_mediator(&mut o.store, &clerk(), &m).unwrap_err().payload();
        assert_eq!(e.field.as_deref(), Some(field), "{}", e.message);
    }
    let training = |hours: &str, date: &str, topic: &str| TrainingInput {
        mediator_id: id.clone(),
        date: date.into(),
        hours: hours.into(),
        topic: topic.into(),
    };
    for (t, field) in [
        (training("0", "2025-03-01", "调解实务"), "hours"),
        (training("三小时", "2025-03-01", "调解实务"), "hours"),
        (training("3", "2025-07-01", "调解实务"), "date"),
        (training("3", "2025-03-01", " "), "topic"),
    ] {
        let e = mediators::add_training(&mut o.store, &clerk(), &t, today()).unwrap_err().payload();
        assert_eq!(e.field.as_deref(), Some(field), "{}", e.message);
    }
    // A community's worker trains only their own committee's mediators.
    let xicheng = Actor::new("西城小李", Role::CommunityStaff, Some(o.xicheng.clone()));
    let e = mediators::add_training(&mut o.store, &xicheng, &training("3", "2025-03-01", "调解实务"), today());
    assert!(e.unwrap_err().payload().code.starts_with("access"));
    assert_eq!(all_counts(o.store.conn()), before, "nothing written");
}

#[test]
fn a_case_has_a_difficulty_chosen_at_registration_default_general_and_editable() {
    let mut o = new_office();
    let m = mediator(&mut o, "老调解", None);
    let plain = case(&mut o, &[&m], None, "2025-05-01");
    let hard = case(&mut o, &[&m], Some("疑难"), "2025-05-01");
    let of = |o: &Office, id: &str| subsidy::of_case(o.store.conn(), &clerk(), id).unwrap();
    assert_eq!(of(&o, &plain).difficulty, "一般");
    assert_eq!(of(&o, &hard).difficulty, "疑难");
    subsidy::set_difficulty(&mut o.store, &clerk(), &plain, "重大").unwrap();
    assert_eq!(of(&o, &plain).difficulty, "重大");
    let before = all_counts(o.store.conn());
    let e = subsidy::set_difficulty(&mut o.store, &clerk(), &plain, "很难").unwrap_err().payload();
    assert_eq!(e.field.as_deref(), Some("difficulty"));
    assert!(e.message.contains("简易、一般、疑难、重大"), "{}", e.message);
    let reader = Actor::new("查看", Role::ReadOnly, None);
    assert!(subsidy::set_difficulty(&mut o.store, &reader, &plain, "简易").is_err());
    assert_eq!(all_counts(o.store.conn()), before);
    // The subsidy shows once there is an agreement, at the rate of its month.
    set_setting(&mut o.store, "mediation.subsidy.疑难", "2025-01:300");
    assert_eq!(of(&o, &hard).cents, None, "no agreement yet");
    agree(&mut o, &hard, "2025-05-20");
    assert_eq!(of(&o, &hard).cents, Some(30_000));
}

#[test]
fn a_shared_case_splits_its_subsidy_in_cents_the_remainder_to_the_first_mediator() {
    assert_eq!(subsidy::split(20_000, 3), [6_668, 6_666, 6_666]);
    assert_eq!(subsidy::split(10_001, 2), [5_001, 5_000]);
    assert_eq!(subsidy::split(0, 2), [0, 0]);
    assert!(subsidy::split(500, 0).is_empty());
}

/// The 以案定补 sheet of a period: (mediator, counts by difficulty, yuan) per
/// row, and the 合计 row.
fn roster_sheet(store: &Store, period: &str, community: Option<String>) -> (Vec<Vec<Cell>>, Vec<Cell>) {
    let req = Request {
        name: "mediation-subsidy".into(),
        period: period.into(),
        community_id: community,
        ..Default::default()
    };
    let r = report::build(store.conn(), &clerk(), &req).unwrap();
    let sheet = r.sheets.into_iter().next().unwrap();
    (sheet.rows, sheet.total.unwrap())
}

#[test]
fn the_quarterly_roster_counts_agreed_cases_by_difficulty_at_the_rate_of_their_month() {
    let mut o = new_office();
    set_setting(&mut o.store, "mediation.subsidy.一般", "2025-01:100；2025-05:200");
    set_setting(&mut o.store, "mediation.subsidy.简易", "2025-01:50");
    let (a, b, c) =
        (mediator(&mut o, "甲调解", None), mediator(&mut o, "乙调解", None), mediator(&mut o, "丙调解", None));
    let april = case(&mut o, &[&a], None, "2025-04-01");
    agree(&mut o, &april, "2025-04-30");
    let may = case(&mut o, &[&b, &a, &c], Some("一般"), "2025-04-01");
    agree(&mut o, &may, "2025-05-01");
    let easy = case(&mut o, &[&c], Some("简易"), "2025-04-01");
    agree(&mut o, &easy, "2025-06-02");
    let march = case(&mut o, &[&a], Some("简易"), "2025-03-01");
    agree(&mut o, &march, "2025-03-31");
    case(&mut o, &[&a], Some("重大"), "2025-05-01"); // no agreement: no subsidy

    let (rows, total) = roster_sheet(&o.store, "2025Q2", None);
    let line = |name: &str| rows.iter().find(|r| r[3] == Cell::text(name)).unwrap_or_else(|| panic!("{name}"));
    let counts = |r: &Vec<Cell>| r[4..9].iter().map(Cell::as_f64).collect::<Vec<_>>();
    // 甲: the April case at 100 and a third of May's 200, plus the remainder.
    assert_eq!(counts(line("甲调解")), [0.0, 2.0, 0.0, 0.0, 2.0]);
    assert_eq!(line("甲调解")[9], Cell::Money(100.0 + 66.66));
    // 乙 is named first on the May case: the cent left over is theirs.
    assert_eq!(line("乙调解")[9], Cell::Money(66.68));
    assert_eq!(counts(line("丙调解")), [1.0, 1.0, 0.0, 0.0, 2.0]);
    assert_eq!(line("丙调解")[9], Cell::Money(66.66 + 50.0));
    assert_eq!(total[9], Cell::Money(100.0 + 200.0 + 50.0));
    assert_eq!(total[8], Cell::Int(5), "each mediator counts a shared case");
    // The March case is in the first quarter; a month of it alone too.
    let (q1, _) = roster_sheet(&o.store, "2025Q1", None);
    assert_eq!(q1.len(), 1);
    assert_eq!(q1[0][9], Cell::Money(50.0));
    let (may_only, may_total) = roster_sheet(&o.store, "2025-05", None);
    assert_eq!((may_only.len(), may_total[9].clone()), (3, Cell::Money(200.0)));
    // A committee's roster holds its own cases only.
    let (dongfeng, _) = roster_sheet(&o.store, "2025Q2", Some(o.dongfeng.clone()));
    assert!(dongfeng.is_empty());
}

#[test]
fn a_month_without_a_rate_is_counted_without_an_amount_and_said_so() {
    let mut o = new_office();
    set_setting(&mut o.store, "mediation.subsidy.一般", "2025-06:100");
    let a = mediator(&mut o, "甲调解", None);
    let early = case(&mut o, &[&a], None, "2025-04-01");
    agree(&mut o, &early, "2025-05-31");
    let (rows, total) = roster_sheet(&o.store, "2025Q2", None);
    assert_eq!((rows[0][5].clone(), rows[0][9].clone()), (Cell::Int(1), Cell::Money(0.0)));
    assert_eq!(rows[0][10], Cell::text("有月份未设补贴标准"));
    assert_eq!(total[9], Cell::Money(0.0));
}

/// Every quarter of the demo's five years: the 合计 is the sum of the
/// cases' subsidies (each case agreed in the quarter, at the rate of its
/// difficulty in its month, read here from the settings directly), and of
/// the rows.
#[test]
fn on_a_demo_street_every_quarters_total_is_the_sum_of_its_cases_subsidies_and_of_its_rows() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let spec = DemoSpec { office_name: "和平街道".into(), communities: 3, persons: 3000, seed: 11, today: day };
    demo::generate(&mut store, &Actor::system(), &spec).unwrap();
    let conn = store.conn();
    let rates: Vec<(String, street_ledger::settings::Dated)> = ["简易", "一般", "疑难", "重大"]
        .iter()
        .map(|d| (d.to_string(), street_ledger::settings::dated(conn, &format!("mediation.subsidy.{d}")).unwrap()))
        .collect();
    let (mut quarters, mut shared) = (0, 0);
    for year in day.year() - 5..=day.year() {
        for q in 1..=4 {
            let (from, to) = (format!("{year}-{:02}-01", q * 3 - 2), format!("{year}-{:02}-31", q * 3));
            let mut stmt = conn
                .prepare(
                    "SELECT coalesce(difficulty, '一般'), agreement_on, json_array_length(mediators) FROM mediation_case
                     WHERE agreement_on BETWEEN ?1 AND ?2",
                )
                .unwrap();
            let cases: Vec<(String, String, i64)> = stmt
                .query_map([&from, &to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            let cents: i64 = cases
                .iter()
                .map(|(d, on, _)| {
                    let rate = &rates.iter().find(|(x, _)| x == d).unwrap().1;
                    rate.in_month(on.parse().unwrap()).unwrap_or(0)
                })
                .sum();
            let (rows, total) = roster_sheet(&store, &format!("{year}Q{q}"), None);
            let label = format!("{year}Q{q}");
            assert!((total[9].as_f64() - cents as f64 / 100.0).abs() < 1e-6, "{label}: {total:?} vs {cents} cents");
            let rows_sum: f64 = rows.iter().map(|r| r[9].as_f64()).sum();
            assert!((total[9].as_f64() - rows_sum).abs() < 1e-6, "{label}: 合计 is the sum of the rows");
            for col in 4..9 {
                let sum: f64 = rows.iter().map(|r| r[col].as_f64()).sum();
                assert_eq!(total[col].as_f64(), sum, "{label}: column {col}");
            }
            let by_mediator: i64 = cases.iter().map(|(_, _, n)| n).sum();
            assert_eq!(total[8].as_f64() as i64, by_mediator, "{label}: a case counts for each of its mediators");
            quarters += !cases.is_empty() as i32;
            shared += cases.iter().filter(|(_, _, n)| *n > 1).count();
        }
    }
    assert!(quarters >= 19, "the demo has agreements in most quarters of five years: {quarters}");
    assert!(shared > 0, "the demo shares some cases between two mediators");
}

fn screened(o: &Office, community: Option<&str>, date: &str) -> ScreeningInput {
    ScreeningInput {
        community_id: community.map(|c| if c == "东风社区" { o.dongfeng.clone() } else { o.xicheng.clone() }),
        date: date.into(),
        screener: "网格员小张".into(),
        parties: "赵甲、钱乙".into(),
        dispute_type: "邻里".into(),
        risk: "中".into(),
        summary: Some("楼道堆物引发争吵".into()),
        owner: "调委会老刘".into(),
        deadline: Some("2025-06-30".into()),
        result: None,
    }
}

fn screen(o: &mut Office, community: Option<&str>, date: &str) -> String {
    let input = screened(o, community, date);
    screening::add(&mut o.store, &clerk(), &input, today()).unwrap()
}

/// 排查发现纠纷 of the statistics' committee row.
fn found(store: &Store, period: &str, committee: &str) -> i64 {
    let req = Request { name: "mediation-stats".into(), period: period.into(), ..Default::default() };
    let r = report::build(store.conn(), &clerk(), &req).unwrap();
    let names: Vec<Cell> = r.sheets[0].rows.iter().map(|r| r[0].clone()).collect();
    let row = r.sheets[0].rows.iter().find(|r| r[0] == Cell::text(committee));
    let row = row.unwrap_or_else(|| panic!("{committee} is not a row of {names:?}"));
    row[2].as_f64() as i64
}

#[test]
fn each_screening_row_adds_one_dispute_found_to_the_statistics_beside_the_prevention_totals() {
    let mut o = new_office();
    let entry = street_ledger::mediation::PreventionInput {
        community_id: Some(o.dongfeng.clone()),
        date: "2025-06-01".into(),
        screenings: 2,
        disputes_found: 3,
        ..Default::default()
    };
    mediation::add_prevention(&mut o.store, &clerk(), &entry, today()).unwrap();
    assert_eq!(found(&o.store, "2025-06", "东风社区调委会"), 3);
    for date in ["2025-06-02", "2025-06-10"] {
        screen(&mut o, Some("东风社区"), date);
    }
    screen(&mut o, Some("东风社区"), "2025-05-31");
    screen(&mut o, Some("西城社区"), "2025-06-03");
    assert_eq!(found(&o.store, "2025-06", "东风社区调委会"), 3 + 2);
    assert_eq!(found(&o.store, "2025-05", "东风社区调委会"), 1);
    assert_eq!(found(&o.store, "2025-06", "西城社区调委会"), 1);
    assert_eq!(found(&o.store, "2025-06", "和平街道调委会"), 0);

    // The month's sheet: one row each, by community, with its count.
    let req = Request { name: "mediation-screening".into(), period: "2025-06".into(), ..Default::default() };
    let sheet = report::build(o.store.conn(), &clerk(), &req).unwrap().sheets.remove(0);
    let communities: Vec<Cell> = sheet.rows.iter().map(|r| r[1].clone()).collect();
    assert_eq!(communities, [Cell::text("东风社区"), Cell::text("东风社区"), Cell::text("西城社区")]);
    assert_eq!(sheet.total.unwrap()[1], Cell::text("3件"));
}

#[test]
fn a_bad_screening_row_is_refused_by_field_and_a_community_worker_keeps_to_their_community() {
    let mut o = new_office();
    let before = all_counts(o.store.conn());
    let good = screened(&o, Some("东风社区"), "2025-06-02");
    for (bad, field) in [
        (ScreeningInput { risk: "极高".into(), ..good.clone() }, "risk"),
        (ScreeningInput { dispute_type: "吵架".into(), ..good.clone() }, "dispute_type"),
        (ScreeningInput { deadline: Some("2025-06-01".into()), ..good.clone() }, "deadline"),
        (ScreeningInput { date: "2025-06-17".into(), ..good.clone() }, "date"),
        (ScreeningInput { owner: "".into(), ..good.clone() }, "owner"),
        (ScreeningInput { parties: " ".into(), ..good.clone() }, "parties"),
    ] {
        let e = screening::add(&mut o.store, &clerk(), &bad, today()).unwrap_err().payload();
        assert_eq!(e.field.as_deref(), Some(field), "{}", e.message);
    }
    let xicheng = Actor::new("西城小李", Role::CommunityStaff, Some(o.xicheng.clone()));
    assert!(screening::add(&mut o.store, &xicheng, &good, today()).unwrap_err().payload().code.starts_with("access"));
    assert_eq!(all_counts(o.store.conn()), before);
    screening::add(&mut o.store, &clerk(), &good, today()).unwrap();
    screen(&mut o, Some("西城社区"), "2025-06-03");
    let theirs = screening::list(o.store.conn(), &xicheng, "2025-06-01", "2025-06-30", None).unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].community, "西城社区");
    // Asking for another community still gives their own.
    let asked = screening::list(o.store.conn(), &xicheng, "2025-06-01", "2025-06-30", Some(&o.dongfeng)).unwrap();
    assert_eq!(asked, theirs);
}

#[test]
fn a_case_opened_from_a_screening_row_is_registered_and_linked_in_one_write() {
    let mut o = new_office();
    let m = mediator(&mut o, "老调解", Some("东风社区"));
    let row = screen(&mut o, Some("东风社区"), "2025-06-02");
    let party = |side: &str, name: &str| PartyInput { side: side.into(), name: name.into(), ..Default::default() };
    let input = CaseInput {
        community_id: Some(o.dongfeng.clone()),
        dispute_type: "邻里".into(),
        source: "主动调解".into(),
        mediator_ids: vec![m],
        summary: "楼道堆物引发争吵".into(),
        received_on: "2025-06-05".into(),
        parties: vec![party("申请方", "赵甲"), party("被申请方", "钱乙")],
        staff: "老刘".into(),
        ..Default::default()
    };
    // A case that fails its checks leaves the row unlinked and no case.
    let before = all_counts(o.store.conn());
    let bad = CaseInput { parties: vec![], ..input.clone() };
    assert!(screening::open_case(&mut o.store, &clerk(), &row, &bad, today()).is_err());
    assert_eq!(all_counts(o.store.conn()), before);
    let case = screening::open_case(&mut o.store, &clerk(), &row, &input, today()).unwrap();
    let rows = screening::list(o.store.conn(), &clerk(), "2025-06-01", "2025-06-30", None).unwrap();
    let number = mediation::detail(o.store.conn(), &clerk(), &case).unwrap().row.number;
    assert_eq!(
        (rows[0].case_id.as_deref(), rows[0].case_number.as_deref()),
        (Some(case.as_str()), Some(number.as_str()))
    );
    // Once linked, a row opens no second case and takes no other link.
    let e = screening::open_case(&mut o.store, &clerk(), &row, &input, today()).unwrap_err().payload();
    assert!(e.message.contains("已关联"), "{}", e.message);
    assert!(screening::link_case(&mut o.store, &clerk(), &row, &case).is_err());
    // Another row links to the case already registered.
    let other = screen(&mut o, Some("东风社区"), "2025-06-04");
    screening::link_case(&mut o.store, &clerk(), &other, &case).unwrap();
    let req = Request { name: "mediation-screening".into(), period: "2025-06".into(), ..Default::default() };
    let sheet = report::build(o.store.conn(), &clerk(), &req).unwrap().sheets.remove(0);
    assert!(sheet.rows.iter().all(|r| r[10] == Cell::Text(format!("已立案：{number}"))), "{:?}", sheet.rows);
    assert!(street_ledger::check::check(o.store.conn()).unwrap().ok());
}

fn unmask_events(store: &Store) -> i64 {
    store.conn().query_row("SELECT count(*) FROM audit_event WHERE action = 'unmask'", [], |r| r.get(0)).unwrap()
}

#[test]
fn the_case_files_contents_list_what_its_steps_produced_in_binding_order_page_by_page() {
    let mut o = new_office();
    let m = mediator(&mut o, "老调解", None);
    let id = case(&mut o, &[&m], Some("疑难"), "2025-05-01");
    let step = |kind: &str, on: &str| StepInput {
        step: kind.into(),
        date: on.into(),
        staff: "老调解".into(),
        content: Some("时间：14:30—16:00\n双方陈述".into()),
        agreement_kind: Some("书面".into()),
        terms: Some("赔偿500元".into()),
        performance_deadline: Some("2025-06-30".into()),
        performance: Some("履行".into()),
        satisfaction: Some("满意".into()),
        ..Default::default()
    };
    for (kind, on) in [("调查", "2025-05-02"), ("调解", "2025-05-03"), ("调解", "2025-05-06"), ("协议", "2025-05-06")]
        .into_iter()
        .chain([("司法确认", "2025-05-10"), ("履行", "2025-05-20"), ("回访", "2025-06-05")])
    {
        lifecycle::record(&mut o.store, &clerk(), &id, &step(kind, on), today()).unwrap();
    }
    let doc = mediation::casefile::document(&o.store, &clerk(), &id, "contents").unwrap();
    let listed: Vec<(&str, Option<&str>, u32)> =
        doc.contents.iter().map(|i| (i.title.as_str(), i.date.as_deref(), i.page)).collect();
    assert_eq!(
        listed,
        [
            ("人民调解申请书", Some("2025-05-01"), 1),
            ("人民调解受理登记表", Some("2025-05-01"), 2),
            ("人民调解权利义务告知书", Some("2025-05-01"), 3),
            ("当事人身份证明材料", None, 4),
            ("调查记录", Some("2025-05-02"), 5),
            ("调解笔录（第1次）", Some("2025-05-03"), 6),
            ("调解笔录（第2次）", Some("2025-05-06"), 7),
            ("人民调解协议书", Some("2025-05-06"), 8),
            ("司法确认申请材料", Some("2025-05-10"), 9),
            ("协议履行情况记录", Some("2025-05-20"), 10),
            ("回访记录", Some("2025-06-05"), 11),
        ]
    );
    assert_eq!((doc.pages, doc.difficulty.as_str(), doc.title), (11, "疑难", "卷内目录"));
    // Only the application names the parties by ID number: it alone is
    // printed from the audited print detail.
    let before = unmask_events(&o.store);
    for kind in ["notice", "session", "cover", "contents"] {
        let d = mediation::casefile::document(&o.store, &clerk(), &id, kind).unwrap();
        assert!(!d.print.full_id_numbers, "{kind}");
    }
    assert_eq!(unmask_events(&o.store), before, "no document but the application unmasks");
    let app = mediation::casefile::document(&o.store, &clerk(), &id, "application").unwrap();
    assert!(app.print.full_id_numbers);
    let reader = Actor::new("查看", Role::ReadOnly, None);
    let masked = mediation::casefile::document(&o.store, &reader, &id, "application").unwrap();
    assert!(!masked.print.full_id_numbers && masked.print.id_note.is_some());
    let e = mediation::casefile::document(&o.store, &clerk(), &id, "封底").unwrap_err().payload();
    assert_eq!(e.field.as_deref(), Some("kind"));
    let xicheng = Actor::new("西城小李", Role::CommunityStaff, Some(o.xicheng.clone()));
    assert!(mediation::casefile::document(&o.store, &xicheng, &id, "cover").is_err(), "the street's case");
}
