//! The re-employment register: 4050 and retirement ages at their edges,
//! zero-employment households found, confirmed and eliminated, follow-ups
//! and loans falling due, public-welfare post subsidy months.
use chrono::NaiveDate;
use street_ledger::access::{Actor, Role};
use street_ledger::check;
use street_ledger::employment::case::{self, CaseInput, CaseQuery, FollowupInput, Placement};
use street_ledger::employment::household::{self, HouseholdInput, MemberInput, MemberStatus, ZeroState};
use street_ledger::employment::loans::{self, LoanInput};
use street_ledger::employment::posts::{self, PostInput};
use street_ledger::employment::rules::{is_4050, working_age, RetirementRule};
use street_ledger::idcard::Sex;
use street_ledger::person::PersonInput;

use crate::support::{clerk, date, id_number, new_office, today, Office};

fn person(name: &str, idn: &str) -> PersonInput {
    PersonInput { name: name.into(), id_number: Some(idn.into()), ..Default::default() }
}

fn member(name: &str, idn: &str, relation: &str, work_status: &str) -> MemberInput {
    MemberInput {
        person: person(name, idn),
        relation: relation.into(),
        status: MemberStatus {
            work_status: work_status.into(),
            employer: (work_status == "就业").then(|| "某公司".to_string()),
            able: true,
            willing: true,
            ..Default::default()
        },
    }
}

#[test]
fn the_4050_rule_starts_on_the_40th_or_50th_birthday() {
    let on = date(2025, 6, 16);
    assert!(is_4050(Sex::Female, date(1985, 6, 16), on), "40 today");
    assert!(!is_4050(Sex::Female, date(1985, 6, 17), on), "40 tomorrow");
    assert!(is_4050(Sex::Male, date(1975, 6, 16), on), "50 today");
    assert!(!is_4050(Sex::Male, date(1975, 6, 17), on));
    assert!(!is_4050(Sex::Male, date(1985, 1, 1), on), "a man of 40 is not 4050");
    // 29 February: the birthday falls on 1 March in other years.
    assert!(!is_4050(Sex::Female, date(1984, 2, 29), date(2024, 2, 28)));
    assert!(is_4050(Sex::Female, date(1984, 2, 29), date(2024, 2, 29)));
}

#[test]
fn working_age_ends_at_the_gradually_raised_retirement_age() {
    let men = RetirementRule::MEN;
    // Born December 1964: retired at 60 exactly, before the reform.
    assert!(working_age(&men, date(1964, 12, 10), date(2024, 12, 9)));
    assert!(!working_age(&men, date(1964, 12, 10), date(2024, 12, 10)));
    // Born March 1966: 60 and 5 months (months 14 → 14/4+1 = 4? no: 1966-03 is 14 months after 1965-01).
    let birth = date(1966, 3, 10);
    assert_eq!(men.delay_months(birth), 4);
    assert!(working_age(&men, birth, date(2026, 7, 9)));
    assert!(!working_age(&men, birth, date(2026, 7, 10)));
    let women = RetirementRule::WOMEN_WORKERS;
    assert!(working_age(&women, date(1976, 1, 5), date(2026, 1, 5)), "50 but retires later now");
    assert_eq!(women.retirement_date(date(1976, 1, 5)), date(2026, 8, 5), "+7 months");
    assert!(!working_age(&women, date(2010, 6, 17), date(2026, 6, 16)), "under 16");
    assert!(working_age(&women, date(2010, 6, 16), date(2026, 6, 16)), "16 today");
}

#[test]
fn the_retirement_age_for_women_follows_the_setting() {
    let mut o = new_office();
    assert_eq!(RetirementRule::for_sex(o.store.conn(), Sex::Female).unwrap(), RetirementRule::WOMEN_WORKERS);
    crate::support::set_setting(&mut o.store, "employment.retire.female.age", "55");
    assert_eq!(RetirementRule::for_sex(o.store.conn(), Sex::Female).unwrap(), RetirementRule::WOMEN_CADRES);
}

fn household_of(o: &mut Office, members: Vec<MemberInput>) -> String {
    let input =
        HouseholdInput { community_id: o.dongfeng.clone(), address: "东风路1号".into(), notes: None, members };
    household::create(&mut o.store, &clerk(), &input, today()).unwrap()
}

fn zero(o: &Office, h: &str) -> bool {
    household::is_zero_employment(o.store.conn(), h, today()).unwrap()
}

#[test]
fn a_household_whose_working_age_members_are_all_unemployed_is_proposed() {
    let mut o = new_office();
    let h = household_of(
        &mut o,
        vec![
            member("张父", &id_number(1975, 3, 1, 11), "户主", "失业"),
            member("张母", &id_number(1978, 4, 1, 12), "配偶", "失业"),
            member("张子", &id_number(2008, 5, 1, 13), "子女", "在校学生"),
        ],
    );
    assert!(zero(&o, &h));
    assert_eq!(
        household::list(o.store.conn(), &clerk(), None, today()).unwrap()[0].zero,
        ZeroState::Candidate { again: false }
    );
}

#[test]
fn an_employed_member_a_student_and_a_retiree_each_change_the_answer() {
    let mut o = new_office();
    // One unemployed parent, one employed: not zero-employment.
    let h = household_of(
        &mut o,
        vec![
            member("李父", &id_number(1975, 3, 1, 21), "户主", "失业"),
            member("李女", &id_number(2000, 5, 1, 22), "子女", "就业"),
        ],
    );
    assert!(!zero(&o, &h));
    let daughter = &household::detail(o.store.conn(), &clerk(), &h, today()).unwrap().members[1];
    assert_eq!(daughter.name, "李女");
    // The employed daughter goes back to study: now zero-employment.
    let student = MemberStatus { work_status: "在校学生".into(), able: true, willing: true, ..Default::default() };
    household::set_member_status(&mut o.store, &clerk(), &daughter.id, &student, today()).unwrap();
    assert!(zero(&o, &h));
    // The father retires early: no one left seeking work, not zero-employment.
    let father = household::detail(o.store.conn(), &clerk(), &h, today()).unwrap().members[0].id.clone();
    let retired = MemberStatus { work_status: "退休".into(), able: true, willing: false, ..Default::default() };
    household::set_member_status(&mut o.store, &clerk(), &father, &retired, today()).unwrap();
    assert!(!zero(&o, &h));
}

#[test]
fn members_past_retirement_age_or_unwilling_do_not_make_a_household_zero_employment() {
    let mut o = new_office();
    let old = household_of(&mut o, vec![member("王老汉", &id_number(1950, 1, 1, 31), "户主", "失业")]);
    assert!(!zero(&o, &old), "75, past retirement");
    let mut unwilling = member("赵某", &id_number(1980, 1, 1, 33), "户主", "失业");
    unwilling.status.willing = false;
    let h = household_of(&mut o, vec![unwilling]);
    assert!(!zero(&o, &h));
}

#[test]
fn confirmed_households_stay_until_a_member_is_placed_then_are_eliminated_and_can_fall_back() {
    let mut o = new_office();
    let father_idn = id_number(1975, 3, 1, 41);
    let h = household_of(&mut o, vec![member("周父", &father_idn, "户主", "失业")]);
    let refused = household::confirm(&mut o.store, &clerk(), &h, "2025-06-17", today()).unwrap_err();
    assert_eq!(refused.payload().field.as_deref(), Some("confirmed_on"), "a date after today");
    household::confirm(&mut o.store, &clerk(), &h, "2025-06-01", today()).unwrap();
    assert_eq!(
        household::detail(o.store.conn(), &clerk(), &h, today()).unwrap().zero,
        ZeroState::Confirmed { since: "2025-06-01".into() }
    );
    // His case shows the derived category; a public-welfare post places him.
    let c = case::register(
        &mut o.store,
        &clerk(),
        &CaseInput {
            person: person("周父", &father_idn),
            registered_on: Some("2025-06-01".into()),
            ..Default::default()
        },
        today(),
    )
    .unwrap();
    let d = case::detail(o.store.conn(), &clerk(), &c, today()).unwrap();
    assert!(d.categories.contains(&"零就业家庭成员".to_string()) && d.categories.contains(&"4050".to_string()));
    let post = posts::add_post(
        &mut o.store,
        &clerk(),
        &PostInput { post_type: "保洁".into(), unit: "东风社区居委会".into(), community_id: None },
    )
    .unwrap();
    posts::place_in_post(&mut o.store, &clerk(), &post, &c, "2025-06-10", today()).unwrap();
    let view = household::detail(o.store.conn(), &clerk(), &h, today()).unwrap();
    assert_eq!(view.zero, ZeroState::No);
    assert_eq!(
        view.history,
        vec![("2025-06-01".to_string(), Some("2025-06-10".to_string()), Some("周父就业".to_string()))]
    );
    assert_eq!(case::detail(o.store.conn(), &clerk(), &c, today()).unwrap().status, "已就业");
    // He loses the job: the household is proposed again, marked as fallen back.
    let member_id = view.members[0].id.clone();
    let lost = MemberStatus { work_status: "失业".into(), able: true, willing: true, ..Default::default() };
    household::set_member_status(&mut o.store, &clerk(), &member_id, &lost, today()).unwrap();
    assert_eq!(
        household::detail(o.store.conn(), &clerk(), &h, today()).unwrap().zero,
        ZeroState::Candidate { again: true }
    );
    assert!(check::check(o.store.conn()).unwrap().ok());
}

#[test]
fn subsidy_months_count_every_month_begun_and_the_quarterly_roster_lists_the_quarter() {
    let mut o = new_office();
    let c = case::register(
        &mut o.store,
        &clerk(),
        &CaseInput {
            person: person("吴某", &id_number(1980, 2, 2, 51)),
            registered_on: Some("2025-01-02".into()),
            ..Default::default()
        },
        today(),
    )
    .unwrap();
    let post = posts::add_post(
        &mut o.store,
        &clerk(),
        &PostInput { post_type: "社区保安".into(), unit: "西城社区".into(), community_id: None },
    )
    .unwrap();
    posts::place_in_post(&mut o.store, &clerk(), &post, &c, "2025-02-20", today()).unwrap();
    assert_eq!(posts::months_used(o.store.conn(), &c, today()).unwrap(), 5, "Feb–Jun");
    let q1 = posts::subsidy_roster(o.store.conn(), &clerk(), 2025, 1).unwrap();
    assert_eq!((q1.len(), q1[0].months, q1[0].months_used), (1, 2, 2));
    assert!(q1[0].id_number.as_deref().unwrap().contains('*'), "masked");
    assert!(posts::subsidy_roster(o.store.conn(), &clerk(), 2024, 4).unwrap().is_empty());
    let v = &posts::posts(o.store.conn(), &clerk(), today()).unwrap()[0];
    assert_eq!((v.holder.as_deref(), v.months_used, v.max_months), (Some("吴某"), 5, 36));
}

#[test]
fn follow_ups_fall_due_on_the_day_the_interval_ends() {
    let mut o = new_office();
    let input = CaseInput {
        person: person("郑某", &id_number(1990, 2, 2, 61)),
        registered_on: Some("2025-05-01".into()),
        ..Default::default()
    };
    let c = case::register(&mut o.store, &clerk(), &input, today()).unwrap();
    let due = |o: &Office, d: NaiveDate| case::followups_due(o.store.conn(), &clerk(), None, d).unwrap();
    assert!(due(&o, date(2025, 5, 30)).is_empty());
    assert_eq!(due(&o, date(2025, 5, 31))[0].days_overdue, 0, "30 days after registration");
    let f = FollowupInput {
        date: "2025-06-01".into(),
        way: "电话".into(),
        content: "了解求职意向".into(),
        staff: "小王".into(),
        ..Default::default()
    };
    case::add_followup(&mut o.store, &clerk(), &c, &f, today()).unwrap();
    assert!(due(&o, date(2025, 6, 30)).is_empty());
    assert_eq!(due(&o, date(2025, 7, 1)).len(), 1);
    case::place(
        &mut o.store,
        &clerk(),
        &c,
        &Placement {
            employer: "某超市".into(), post: None, placed_on: "2025-06-10".into(), way: "市场就业".into()
        },
        today(),
    )
    .unwrap();
    assert!(due(&o, date(2025, 8, 1)).is_empty(), "placed cases need no follow-up");
}

#[test]
fn loans_alert_before_maturity_and_when_overdue_and_extend_once() {
    let mut o = new_office();
    let c = case::register(
        &mut o.store,
        &clerk(),
        &CaseInput { person: person("冯某", &id_number(1985, 2, 2, 71)), ..Default::default() },
        today(),
    )
    .unwrap();
    let l = LoanInput {
        amount: "100000".into(),
        bank: "农商银行".into(),
        granted_on: "2023-08-15".into(),
        term_months: 24,
        ..Default::default()
    };
    let loan = loans::add_loan(&mut o.store, &clerk(), &c, &l, today()).unwrap();
    let alerts = |o: &Office, d: NaiveDate| loans::alerts(o.store.conn(), &clerk(), d).unwrap();
    // Due 2025-08-15; alert window 60 days.
    assert!(alerts(&o, date(2025, 6, 15)).is_empty(), "61 days before");
    assert_eq!(alerts(&o, date(2025, 6, 16))[0].days_left, Some(60));
    assert_eq!(alerts(&o, date(2025, 8, 16))[0].days_left, Some(-1), "overdue");
    loans::extend(&mut o.store, &clerk(), &loan, 12).unwrap();
    assert_eq!(loans::all(o.store.conn(), &clerk(), today()).unwrap()[0].due_on, "2026-08-15");
    let again = loans::extend(&mut o.store, &clerk(), &loan, 3).unwrap_err();
    assert!(again.to_string().contains("只能展期一次"));
    loans::set_repayment(&mut o.store, &clerk(), &loan, "已结清", Some("2025-06-01"), today()).unwrap();
    assert!(alerts(&o, date(2026, 9, 1)).is_empty(), "settled loans never alert");
}

#[test]
fn the_case_list_filters_by_derived_category_and_a_community_worker_sees_only_their_own() {
    let mut o = new_office();
    let woman_41 = CaseInput { person: person("陈女", &id_number(1984, 1, 1, 82)), ..Default::default() };
    let man_30 = CaseInput {
        person: PersonInput { community_id: Some(o.xicheng.clone()), ..person("陈男", &id_number(1995, 1, 1, 81)) },
        categories: vec!["退役军人".into()],
        ..Default::default()
    };
    let mut woman_41 = woman_41;
    woman_41.person.community_id = Some(o.dongfeng.clone());
    case::register(&mut o.store, &clerk(), &woman_41, today()).unwrap();
    case::register(&mut o.store, &clerk(), &man_30, today()).unwrap();
    let q = |category: &str| CaseQuery { category: Some(category.into()), ..Default::default() };
    let names = |p: street_ledger::person::Page<case::CaseRow>| p.items.into_iter().map(|r| r.name).collect::<Vec<_>>();
    assert_eq!(names(case::list(o.store.conn(), &clerk(), &q("4050"), today()).unwrap()), ["陈女"]);
    assert_eq!(names(case::list(o.store.conn(), &clerk(), &q("退役军人"), today()).unwrap()), ["陈男"]);
    let worker = Actor::new("社区小李", Role::CommunityStaff, Some(o.dongfeng.clone()));
    assert_eq!(names(case::list(o.store.conn(), &worker, &CaseQuery::default(), today()).unwrap()), ["陈女"]);
    let bad = CaseInput { categories: vec!["外星人".into()], ..man_30 };
    assert_eq!(
        case::register(&mut o.store, &clerk(), &bad, today()).unwrap_err().payload().field.as_deref(),
        Some("categories")
    );
}

#[test]
fn the_case_list_is_searched_like_the_person_search_by_name_part_initials_and_id_tail() {
    let mut o = new_office();
    let chen = id_number(1984, 1, 1, 82);
    for (name, idn) in [("陈秀兰", chen.as_str()), ("曾国华", &id_number(1990, 2, 2, 11))] {
        let input = CaseInput {
            person: PersonInput { community_id: Some(o.dongfeng.clone()), ..person(name, idn) },
            ..Default::default()
        };
        case::register(&mut o.store, &clerk(), &input, today()).unwrap();
    }
    let found = |text: &str| {
        let q = CaseQuery { q: Some(text.into()), ..Default::default() };
        case::list(o.store.conn(), &clerk(), &q, today()).unwrap().items.into_iter().map(|r| r.name).collect::<Vec<_>>()
    };
    assert_eq!(found("秀"), ["陈秀兰"]);
    assert_eq!(found("zgh"), ["曾国华"], "曾 read as a surname");
    assert_eq!(found(&chen[chen.len() - 4..]), ["陈秀兰"]);
    assert!(found("刘").is_empty());
}

fn case_of(o: &mut Office, name: &str, idn: &str, registered: &str) -> Result<String, street_ledger::Error> {
    let input = CaseInput { person: person(name, idn), registered_on: Some(registered.into()), ..Default::default() };
    case::register(&mut o.store, &clerk(), &input, today())
}

#[test]
fn a_case_is_registered_the_day_before_retirement_and_refused_on_the_retirement_day() {
    let mut o = new_office();
    // Born 10 December 1964: retired at 60 exactly, on 10 December 2024.
    case_of(&mut o, "郑甲", &id_number(1964, 12, 10, 11), "2024-12-09").unwrap();
    let refused = case_of(&mut o, "郑乙", &id_number(1964, 12, 10, 13), "2024-12-10").unwrap_err();
    let message = refused.payload().message;
    assert!(message.contains("已于2024年12月10日达到法定退休年龄"), "{message}");
    assert!(message.contains("不能登记为就业困难人员"), "{message}");
    // Under 16 on the day: refused too, naming the 16th birthday.
    let young = case_of(&mut o, "郑丙", &id_number(2009, 7, 1, 15), "2025-06-16").unwrap_err();
    assert!(young.payload().message.contains("2025年7月1日年满16周岁"), "{}", young.payload().message);
    // Nothing of the refused ones was written, not even their persons.
    let persons: i64 = o.store.conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
    assert_eq!(persons, 1);
}

#[test]
fn a_womans_retirement_base_is_her_own_and_the_refusal_says_how_to_set_it() {
    let mut o = new_office();
    // Born March 1972: as a worker (50) she retired in 2022; as a cadre (55,
    // +7 months from the reform) she works until October 2027.
    let idn = id_number(1972, 3, 1, 22);
    let refused = case_of(&mut o, "冯女", &idn, "2025-06-01").unwrap_err();
    assert!(refused.payload().message.contains("请在“退休年龄类别”中选择“干部”"), "{}", refused.payload().message);
    let input = CaseInput {
        person: person("冯女", &idn),
        registered_on: Some("2025-06-01".into()),
        retire_base: Some("干部".into()),
        ..Default::default()
    };
    let c = case::register(&mut o.store, &clerk(), &input, today()).unwrap();
    let d = case::detail(o.store.conn(), &clerk(), &c, today()).unwrap();
    assert_eq!((d.retire_base.as_deref(), d.retires_on.as_deref()), (Some("干部"), Some("2027-10-01")));
    assert!(d.categories.contains(&"距法定退休年龄十年以内".to_string()), "{:?}", d.categories);
    // The office's setting stays 50 for every other woman.
    let other = case_of(&mut o, "冯妹", &id_number(1972, 3, 1, 24), "2025-06-01").unwrap_err();
    assert_eq!(other.payload().field.as_deref(), Some("id_number"));
    let bad =
        CaseInput { retire_base: Some("教师".into()), person: person("冯姐", &id_number(1980, 1, 1, 26)), ..input };
    assert_eq!(
        case::register(&mut o.store, &clerk(), &bad, today()).unwrap_err().payload().field.as_deref(),
        Some("retire_base")
    );
}

#[test]
fn an_open_case_closes_by_itself_on_the_retirement_day_and_its_categories_end_with_it() {
    let mut o = new_office();
    // Born 10 June 1966: 60 and 5 months (delay from the 1965 cohort), so he
    // retires on 10 November 2026.
    let c = case_of(&mut o, "钱某", &id_number(1966, 6, 10, 31), "2025-06-01").unwrap();
    let on = |d: NaiveDate| case::detail(o.store.conn(), &clerk(), &c, d).unwrap();
    let before = on(date(2026, 11, 9));
    assert_eq!(before.status, "在册");
    assert!(before.categories.contains(&"4050".to_string()));
    assert!(before.categories.contains(&"距法定退休年龄十年以内".to_string()));
    let after = on(date(2026, 11, 10));
    assert_eq!(after.retires_on.as_deref(), Some("2026-11-10"));
    assert_eq!(
        (after.status.as_str(), after.closed_on.as_deref(), after.closed_reason.as_deref(), after.closed_by_rule),
        ("已结案", Some("2026-11-10"), Some("达到退休年龄"), true)
    );
    assert!(after.categories.is_empty(), "no 4050 past working age: {:?}", after.categories);
    assert_eq!(
        after.history.last().map(|e| (e.date.as_str(), e.what.as_str())),
        Some(("2026-11-10", "达到法定退休年龄，自动结案"))
    );
    // Nothing was written: the closure is derived.
    let stored: String =
        o.store.conn().query_row("SELECT status FROM employment_case WHERE id = ?1", [&c], |r| r.get(0)).unwrap();
    assert_eq!(stored, "在册");
    // The list shows and filters it as closed; no follow-up falls due; a
    // follow-up served after that day is refused, one served before is taken.
    let later = date(2026, 12, 1);
    let closed = CaseQuery { status: Some("已结案".into()), ..Default::default() };
    assert_eq!(case::list(o.store.conn(), &clerk(), &closed, later).unwrap().total, 1);
    assert!(case::followups_due(o.store.conn(), &clerk(), None, later).unwrap().is_empty());
    let served = |d: &str| FollowupInput {
        date: d.into(),
        place: None,
        way: "电话".into(),
        content: "回访".into(),
        staff: "小王".into(),
    };
    let refused = case::add_followup(&mut o.store, &clerk(), &c, &served("2026-11-20"), later).unwrap_err();
    assert!(refused.payload().message.contains("达到法定退休年龄"), "{}", refused.payload().message);
    case::add_followup(&mut o.store, &clerk(), &c, &served("2026-11-01"), later).unwrap();
}

#[test]
fn a_placement_is_dated_within_the_case() {
    let mut o = new_office();
    let c = case_of(&mut o, "孙某", &id_number(1985, 5, 5, 33), "2025-03-01").unwrap();
    let placement =
        |d: &str| Placement {
            employer: "某物业".into(), post: None, placed_on: d.into(), way: "市场就业".into()
        };
    let early = case::place(&mut o.store, &clerk(), &c, &placement("2025-02-28"), today()).unwrap_err();
    assert_eq!(early.payload().field.as_deref(), Some("placed_on"));
    assert!(early.payload().message.contains("不能早于登记日期（2025年3月1日）"));
    case::place(&mut o.store, &clerk(), &c, &placement("2025-03-01"), today()).unwrap();
}

/// A man's case registered and placed in a post from `start`.
fn placed_in_post(o: &mut Office, name: &str, idn: &str, registered: &str, start: &str) -> String {
    let c = case_of(o, name, idn, registered).unwrap();
    let post = posts::add_post(
        &mut o.store,
        &clerk(),
        &PostInput { post_type: "保洁".into(), unit: format!("{name}的单位"), community_id: None },
    )
    .unwrap();
    posts::place_in_post(&mut o.store, &clerk(), &post, &c, start, today()).unwrap();
    c
}

fn roster_of(o: &Office, year: i32, quarter: u32, name: &str) -> Option<posts::SubsidyLine> {
    posts::subsidy_roster(o.store.conn(), &clerk(), year, quarter).unwrap().into_iter().find(|l| l.name == name)
}

#[test]
fn the_36th_subsidy_month_is_claimed_and_the_37th_never_with_the_rate_of_each_month() {
    let mut o = new_office();
    crate::support::set_setting(&mut o.store, "employment.rate.post", "2024-07:2000；2022-01:1800");
    crate::support::set_setting(&mut o.store, "employment.rate.pension", "2022-01:640");
    crate::support::set_setting(&mut o.store, "employment.rate.medical", "2022-01:300.5");
    crate::support::set_setting(&mut o.store, "employment.rate.unemployment", "2022-01:20");
    let stored = street_ledger::settings::stored(o.store.conn(), "employment.rate.post").unwrap();
    assert_eq!(stored.as_deref(), Some("2022-01:1800;2024-07:2000"), "kept in month order");
    placed_in_post(&mut o, "卫某", &id_number(1980, 4, 4, 35), "2021-12-01", "2022-01-10");
    // January 2022 to December 2024 is 36 months.
    let q2 = roster_of(&o, 2024, 2, "卫某").unwrap();
    assert_eq!((q2.months, q2.post_cents, q2.pension_cents, q2.medical_cents), (3, 540_000, 192_000, 90_150));
    let q3 = roster_of(&o, 2024, 3, "卫某").unwrap();
    assert_eq!((q3.post_cents, q3.total_cents()), (600_000, 600_000 + 192_000 + 90_150 + 6_000), "the July rise");
    let q4 = roster_of(&o, 2024, 4, "卫某").unwrap();
    assert_eq!((q4.months, q4.months_used, q4.last_month.as_deref(), q4.near_limit), (3, 36, Some("2024-12"), true));
    assert!(roster_of(&o, 2025, 1, "卫某").is_none(), "the 37th month is never listed");
    assert!(!roster_of(&o, 2024, 1, "卫某").unwrap().near_limit);
    // The alert lists him from three months before the limit, and after it.
    let alerts = |d| posts::limit_alerts(o.store.conn(), &clerk(), d).unwrap();
    assert!(alerts(date(2024, 8, 31)).is_empty());
    let near = alerts(date(2024, 9, 1));
    assert_eq!((near[0].last_month.as_str(), near[0].months_left), ("2024-12", 3));
    assert_eq!(alerts(date(2025, 2, 1))[0].months_left, -2);
    // The rates are refused unless each is a month and an amount in range.
    let mut store = o.store;
    for bad in ["2025-13:1800", "2025-01", "2025-01:-1", "2025-01:1800;2025-01:1900", "2025-01:30000"] {
        let e = street_ledger::settings::set(&mut store, &clerk(), "employment.rate.post", bad).unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("value"), "{bad}");
    }
}

#[test]
fn placed_with_exactly_five_years_to_go_the_subsidy_runs_to_retirement() {
    let mut o = new_office();
    // Both born 10 December 1964: retired on 10 December 2024.
    placed_in_post(&mut o, "甲", &id_number(1964, 12, 10, 37), "2019-12-01", "2019-12-10");
    placed_in_post(&mut o, "乙", &id_number(1964, 12, 10, 39), "2019-12-01", "2019-12-09");
    let claim = |name: &str| {
        let c: String = o
            .store
            .conn()
            .query_row(
                "SELECT e.id FROM employment_case e JOIN person p ON p.id = e.person_id WHERE p.name = ?1",
                [name],
                |r| r.get(0),
            )
            .unwrap();
        posts::Claim::of(o.store.conn(), &c, today()).unwrap()
    };
    let five = claim("甲");
    assert!(five.to_retirement);
    assert_eq!((five.months.len(), five.last), (61, Some(date(2024, 12, 1))), "December 2019 to December 2024");
    let more = claim("乙");
    assert!(!more.to_retirement, "five years and a day: the 36-month cap");
    assert_eq!((more.months.len(), more.last), (36, Some(date(2022, 11, 1))));
    assert!(roster_of(&o, 2024, 4, "甲").is_some_and(|l| l.months == 3));
    assert!(roster_of(&o, 2025, 1, "甲").is_none(), "no month after retirement");
    assert!(roster_of(&o, 2022, 4, "乙").is_some_and(|l| l.months == 2), "October and November 2022");
}

#[test]
fn loans_within_policy_the_caps_the_term_and_the_third_and_fourth_loan() {
    let mut o = new_office();
    let c = case_of(&mut o, "蒋某", &id_number(1986, 3, 3, 43), "2024-01-01").unwrap();
    let loan = |amount: &str, borrower: Option<&str>, term: u32| LoanInput {
        amount: amount.into(),
        bank: "邮储银行".into(),
        granted_on: "2024-03-15".into(),
        term_months: term,
        borrower: borrower.map(String::from),
        enterprise: (borrower == Some("小微企业")).then(|| "蒋记餐饮有限公司".to_string()),
        ..Default::default()
    };
    let field = |o: &mut Office, l: &LoanInput| {
        loans::add_loan(&mut o.store, &clerk(), &c, l, today()).unwrap_err().payload().field.unwrap_or_default()
    };
    assert_eq!(field(&mut o, &loan("300000.01", None, 36)), "amount", "above a person's 300,000");
    assert_eq!(field(&mut o, &loan("4000000.01", Some("小微企业"), 36)), "amount", "above an enterprise's 4,000,000");
    assert_eq!(field(&mut o, &loan("100000", None, 37)), "term_months", "a term above 3 years");
    let no_name = LoanInput { enterprise: None, ..loan("100000", Some("小微企业"), 12) };
    assert_eq!(field(&mut o, &no_name), "enterprise");
    assert_eq!(field(&mut o, &loan("100000", Some("合作社"), 12)), "borrower");
    loans::add_loan(&mut o.store, &clerk(), &c, &loan("300000", None, 36), today()).unwrap();
    loans::add_loan(&mut o.store, &clerk(), &c, &loan("4000000", Some("小微企业"), 24), today()).unwrap();
    loans::add_loan(&mut o.store, &clerk(), &c, &loan("50000", None, 12), today()).unwrap();
    let fourth = loans::add_loan(&mut o.store, &clerk(), &c, &loan("50000", None, 12), today()).unwrap_err();
    assert!(fourth.payload().message.contains("累计不超过3次"), "{}", fourth.payload().message);
    let count: i64 = o.store.conn().query_row("SELECT count(*) FROM startup_loan", [], |r| r.get(0)).unwrap();
    assert_eq!(count, 3, "the refused ones wrote nothing");
}

#[test]
fn the_interest_subsidy_is_due_per_year_for_the_term_and_never_for_the_extension() {
    let mut o = new_office();
    crate::support::set_setting(&mut o.store, "employment.loan.subsidy_rate", "2024-01:2.4;2025-01:1.8");
    let c = case_of(&mut o, "韩某", &id_number(1987, 4, 4, 45), "2024-01-01").unwrap();
    let l = LoanInput {
        amount: "100000".into(),
        bank: "农商银行".into(),
        granted_on: "2024-03-15".into(),
        term_months: 12,
        ..Default::default()
    };
    let id = loans::add_loan(&mut o.store, &clerk(), &c, &l, today()).unwrap();
    loans::extend(&mut o.store, &clerk(), &id, 12).unwrap();
    let view = &loans::all(o.store.conn(), &clerk(), today()).unwrap()[0];
    // 100,000 × 2.4% ÷ 12 = 200 a month for March–December 2024; 150 a
    // month at 1.8% for January–February 2025; nothing in the extension.
    let by_year: Vec<(i32, i64)> = view.subsidy_by_year.iter().map(|y| (y.year, y.cents)).collect();
    assert_eq!(by_year, [(2024, 200_000), (2025, 30_000)]);
    assert_eq!(view.borrower, "个人");
}

#[test]
fn a_household_not_cleared_30_days_after_confirmation_is_an_alert_and_the_roster_says_who_was_placed() {
    let mut o = new_office();
    let father = id_number(1975, 3, 1, 51);
    let h = household_of(
        &mut o,
        vec![
            member("褚父", &father, "户主", "失业"),
            member("褚母", &id_number(1978, 4, 1, 52), "配偶", "失业"),
            member("褚子", &id_number(2012, 5, 1, 53), "子女", "在校学生"),
        ],
    );
    household::confirm(&mut o.store, &clerk(), &h, "2025-05-16", today()).unwrap();
    let alerts = |o: &Office, d| household::clearing_alerts(o.store.conn(), &clerk(), d).unwrap();
    assert!(alerts(&o, date(2025, 6, 15)).is_empty(), "30 days after: not yet");
    let late = alerts(&o, date(2025, 6, 16));
    assert_eq!((late[0].head.as_str(), late[0].days), ("褚父", 31));
    // Before anyone is placed: two of working age, both unemployed.
    assert_eq!(household::working_members(o.store.conn(), &h, today()).unwrap(), (2, 2));
    let c = case_of(&mut o, "褚父", &father, "2025-05-20").unwrap();
    let served = FollowupInput {
        date: "2025-05-25".into(),
        place: None,
        way: "上门".into(),
        content: "推荐岗位".into(),
        staff: "小王".into(),
    };
    case::add_followup(&mut o.store, &clerk(), &c, &served, today()).unwrap();
    let job = Placement {
        employer: "和平物业".into(),
        post: Some("保安".into()),
        placed_on: "2025-06-01".into(),
        way: "市场就业".into(),
    };
    case::place(&mut o.store, &clerk(), &c, &job, today()).unwrap();
    assert!(alerts(&o, today()).is_empty(), "cleared");
    let req = street_ledger::report::Request {
        name: "zero-employment-roster".into(),
        period: "2025-06".into(),
        ..Default::default()
    };
    let r = street_ledger::report::build(o.store.conn(), &clerk(), &req).unwrap();
    let row: Vec<String> = r.sheets[0].rows[0]
        .iter()
        .map(|c| match c {
            street_ledger::report::Cell::Text(t) => t.clone(),
            street_ledger::report::Cell::Int(n) => n.to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    // 家庭人口, 劳动年龄人数, 失业人数 (the father now works), 认定日期,
    // 援助措施, 消除日期, 安置人/单位/岗位/日期.
    assert_eq!(
        row[5..],
        ["3", "2", "1", "2025-05-16", "跟踪服务1次", "2025-06-01", "褚父", "和平物业", "保安", "2025-06-01"]
    );
}

#[test]
fn relief_is_recorded_for_any_resident_without_an_employment_case() {
    let mut o = new_office();
    let input =
        PersonInput { community_id: Some(o.dongfeng.clone()), ..person("何奶奶", &id_number(1950, 1, 1, 62)) };
    let pid = o.store.write(&clerk(), |w| street_ledger::person::create(w, &input, today())).unwrap();
    let relief = loans::ReliefInput {
        programme: "春风行动".into(),
        date: "2025-02-01".into(),
        help: "米面油".into(),
        amount: Some("200".into()),
    };
    loans::add_relief_for_person(&mut o.store, &clerk(), &pid, &relief, today()).unwrap();
    let given = loans::relief_of(o.store.conn(), &clerk(), &pid).unwrap();
    assert_eq!((given[0]["programme"].as_str(), given[0]["amount_cents"].as_i64()), (Some("春风行动"), Some(20_000)));
    // A worker of another community neither records nor sees it.
    let other = Actor::new("西城小李", Role::CommunityStaff, Some(o.xicheng.clone()));
    assert!(loans::add_relief_for_person(&mut o.store, &other, &pid, &relief, today()).is_err());
    assert!(loans::relief_of(o.store.conn(), &other, &pid).is_err());
}

#[test]
fn a_case_is_closed_for_one_of_the_reports_reasons() {
    let mut o = new_office();
    let c = case_of(&mut o, "严某", &id_number(1988, 8, 8, 47), "2025-01-01").unwrap();
    let e = case::close(&mut o.store, &clerk(), &c, "2025-05-01", "不想找了", today()).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("closed_reason"));
    case::close(&mut o.store, &clerk(), &c, "2025-05-01", "迁出", today()).unwrap();
    let d = case::detail(o.store.conn(), &clerk(), &c, today()).unwrap();
    assert_eq!((d.status.as_str(), d.closed_reason.as_deref(), d.closed_by_rule), ("已结案", Some("迁出"), false));
}
