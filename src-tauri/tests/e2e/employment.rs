//! 社区再就业 through the desktop: a household found, confirmed and eliminated
//! as a zero-employment household by a member placed in a public-welfare
//! post, and a start-up loan falling due on the 贷款到期 list.
use chrono::{Months, NaiveDate};
use street_ledger::access::Actor;
use street_ledger::employment::case::{self, CaseInput};
use street_ledger::employment::household::{self, HouseholdInput, MemberInput, MemberStatus, ZeroState};
use street_ledger::person::PersonInput;

use super::{id_born, today};
use crate::harness::{office_dir, store, App, PASSWORD};

/// Fills one member row of the new-household form (`row` from 0).
async fn member_row(app: &App, row: usize, name: &str, id_number: &str, relation: &str, work: &str) {
    let cell = |class: &str| format!("#member-rows tr[data-row='{row}'] .{class}");
    app.type_into(&cell("m-name"), name).await;
    app.type_into(&cell("m-id"), id_number).await;
    app.select(&cell("m-relation"), relation).await;
    app.select(&cell("m-status"), work).await;
}

/// A household next door with someone in work: never on the zero list.
fn seed_working_household(dir: &std::path::Path) {
    let mut s = store(dir);
    let community = street_ledger::office::communities(s.conn()).unwrap()[0].id.clone();
    let input = HouseholdInput {
        community_id: community,
        address: "和平路10号".into(),
        notes: None,
        members: vec![MemberInput {
            person: PersonInput {
                name: "赵大勇".into(),
                id_number: Some(id_born(1980, 6, 6, 21)),
                ..Default::default()
            },
            relation: "户主".into(),
            status: MemberStatus {
                work_status: "就业".into(),
                employer: Some("和平物业公司".into()),
                able: true,
                willing: true,
                ..Default::default()
            },
        }],
    };
    household::create(&mut s, &Actor::admin("测试"), &input, today()).unwrap();
}

#[tokio::test]
async fn a_zero_employment_household_is_confirmed_and_eliminated_by_a_public_welfare_post() {
    let dir = office_dir();
    seed_working_household(dir.path());
    seed_case(dir.path(), "李四海", &id_born(1990, 9, 9, 31));
    let father = id_born(1975, 3, 1, 11);
    let confirmed_on = (today() - chrono::Duration::days(7)).to_string();
    let app = App::start_as(dir, "admin", PASSWORD).await;

    // A new household: both parents unemployed, the son at school.
    app.click("#nav a[data-nav=households]").await;
    app.text_with("#household-table tbody", "赵大勇").await;
    app.click("#household-new").await;
    app.select("#household-form select[name=community_id]", "和平社区").await;
    app.type_into("#household-address-input", "和平路12号3单元201").await;
    member_row(&app, 0, "刘建国", &father, "户主", "失业").await;
    member_row(&app, 1, "王秀兰", &id_born(1978, 4, 1, 12), "配偶", "失业").await;
    app.click("#add-member-row").await;
    member_row(&app, 2, "刘小明", &id_born(2008, 5, 1, 13), "子女", "在校学生").await;
    app.text_with("#member-rows tr[data-row='0'] .m-derived", "男").await;
    app.screenshot("20-household-new").await;
    app.click("#household-submit").await;
    app.text_with("#household-zero", "待认定").await;

    // The core proposes it: 待认定, at the top of the household list.
    app.click("#nav a[data-nav=households]").await;
    app.text_with("#zero-table tbody", "刘建国").await;
    let first = app.rows("#zero-table").await.remove(0);
    assert!(first.contains("待认定") && first.contains("和平路12号3单元201"), "{first}");
    assert!(
        !app.rows("#zero-table").await.iter().any(|r| r.contains("赵大勇")),
        "the working household is not proposed"
    );
    app.screenshot("21-households").await;

    // 认定, dated a week ago.
    app.click("#zero-table tbody tr td.name").await;
    app.set_date("#confirm-date", &confirmed_on).await;
    app.click("#confirm-submit").await;
    app.text_with("#household-zero", &format!("已认定 {confirmed_on}")).await;
    app.text_with("#zero-history tbody", &confirmed_on).await;

    // The father becomes a case (his ID number typed from his card).
    app.click("#member-table tbody tr.member .member-case").await;
    assert_eq!(app.value("#case-name-input").await, "刘建国");
    app.type_into("#case-id-number", &father).await;
    app.text_with("#case-derived", "1975-03-01").await;
    app.screenshot("27-case-register").await;
    app.click("#case-submit").await;
    app.text_with("#case-name", "刘建国").await;
    let categories = app.text_with("#case-categories", "零就业家庭成员").await;
    assert!(categories.contains("4050"), "{categories}");

    // A public-welfare post, then the father placed in it.
    app.click("#nav a[data-nav=posts]").await;
    app.find("#post-form").await;
    app.select("#post-form select[name=post_type]", "保洁").await;
    app.type_into("#post-form input[name=unit]", "和平社区居委会").await;
    app.select("#post-form select[name=community_id]", "和平社区").await;
    app.click("#post-submit").await;
    app.row_text("#post-table", "空缺").await;
    app.click("#post-table .place-post").await;
    app.type_into(".place-post-form .case-search", "ljg").await;
    app.text_with(".place-post-form .case-choice", "找到 1 人").await;
    app.screenshot("28-post-place").await;
    app.select(".place-post-form .case-choice", &format!("刘建国　{}　和平社区　在册", mask(&father))).await;
    app.click(".place-post-form .place-post-submit").await;
    // The post's own row once saved (the form under it also names him).
    let held = app.row_text("#post-table", "1 / 36").await;
    assert!(held.contains("刘建国") && held.contains(&today().to_string()), "{held}");
    app.screenshot("22-posts").await;

    // The household is eliminated, dated the day he started; his case is placed.
    app.click("#nav a[data-nav=households]").await;
    app.click_row("#household-table", "和平路12号3单元201").await;
    app.text_with("#household-zero", &format!("已消除 {}", today())).await;
    let history = app.text_with("#zero-history tbody", "刘建国就业").await;
    assert!(history.contains(&confirmed_on) && history.contains(&today().to_string()), "{history}");
    let member = app.row_text("#member-table", "刘建国").await;
    assert!(member.contains("就业") && member.contains("和平社区居委会"), "{member}");
    app.screenshot("23-household-page").await;

    app.click("#nav a[data-nav=cases]").await;
    app.click_row("#case-table", "刘建国").await;
    app.text_with("#case-status", "已就业").await;
    app.text_with("#case-outcome", "公益性岗位").await;
    app.screenshot("24-case-page").await;
    app.click("button[data-tab=posts]").await;
    app.text_with("#case-post-table tbody", "和平社区居委会").await;

    let dir = app.stop().await;
    let s = store(dir.path());
    let rows = household::list(s.conn(), &Actor::admin("测试"), None, today()).unwrap();
    assert!(rows.iter().all(|r| r.zero == ZeroState::No), "{rows:?}");
    assert!(street_ledger::check::check(s.conn()).unwrap().ok());
}

/// The ID number as the core masks it.
fn mask(id_number: &str) -> String {
    street_ledger::person::mask_id(id_number)
}

/// Registers a case through the core, as an earlier session would.
fn seed_case(dir: &std::path::Path, name: &str, id_number: &str) {
    let input = CaseInput {
        person: PersonInput { name: name.into(), id_number: Some(id_number.into()), ..Default::default() },
        ..Default::default()
    };
    case::register(&mut store(dir), &Actor::admin("测试"), &input, today()).unwrap();
}

#[tokio::test]
async fn a_start_up_loan_due_within_sixty_days_is_on_the_loan_alerts() {
    let dir = office_dir();
    seed_case(dir.path(), "冯创业", &id_born(1985, 2, 2, 71));
    // Granted 23 months ago for 24 months: due in about a month.
    let granted: NaiveDate = today().checked_sub_months(Months::new(23)).unwrap();
    let due = granted.checked_add_months(Months::new(24)).unwrap();
    let days = (due - today()).num_days();
    assert!((1..=60).contains(&days));
    let app = App::start_as(dir, "admin", PASSWORD).await;

    app.click("#nav a[data-nav=loans]").await;
    app.text_with("#loan-alert-table tbody", "没有60天内到期").await;
    app.click("#nav a[data-nav=cases]").await;
    app.click_row("#case-table", "冯创业").await;
    app.click("button[data-tab=loans]").await;
    app.type_into("#loan-form input[name=amount]", "100000").await;
    app.type_into("#loan-form input[name=bank]", "农商银行").await;
    app.set_date("#loan-form input[name=granted_on]", &granted.to_string()).await;
    app.type_into("#loan-form input[name=term_months]", "24").await;
    app.click("#loan-submit").await;
    let row = app.text_with("#loan-table tbody", &due.to_string()).await;
    assert!(row.contains("100000.00") && row.contains(&format!("{days} 天")), "{row}");
    app.screenshot("25-case-loans").await;

    app.click("#nav a[data-nav=loans]").await;
    let alert = app.row_text("#loan-alert-table", "冯创业").await;
    assert!(alert.contains(&due.to_string()) && alert.contains(&format!("{days} 天")), "{alert}");
    app.screenshot("26-loan-alerts").await;

    // 展期 12 months: no longer due soon.
    app.click_row("#loan-alert-table", "冯创业").await;
    app.click("#loan-table .extend-loan").await;
    app.type_into(".loan-edit-form input[name=months]", "13").await;
    app.click(".loan-edit-form .loan-edit-submit").await;
    app.text_with(".loan-edit-form .field-error[data-for=extension_months]", "1到12个月").await;
    app.screenshot("29-loan-extend").await;
    app.type_into(".loan-edit-form input[name=months]", "12").await;
    app.click(".loan-edit-form .loan-edit-submit").await;
    let extended = due.checked_add_months(Months::new(12)).unwrap();
    app.text_with("#loan-table tbody", &extended.to_string()).await;
    app.click("#nav a[data-nav=loans]").await;
    app.text_with("#loan-alert-table tbody", "没有60天内到期").await;
    app.stop().await;
}

#[tokio::test]
async fn the_re_employment_pages_of_a_whole_street_fit_the_office_screen() {
    let dir = tempfile::TempDir::new().unwrap();
    let spec = street_ledger::demo::DemoSpec { persons: 6000, ..street_ledger::demo::DemoSpec::street(today()) };
    street_ledger::demo::generate(&mut store(dir.path()), &Actor::admin("测试"), &spec).unwrap();
    let app = App::start_as(dir, "admin", street_ledger::demo::DEMO_PASSWORD).await;
    app.click("#nav a[data-nav=cases]").await;
    app.text_with("#case-total", "共").await;
    assert_eq!(app.rows("#case-table").await.len(), 50);
    app.screenshot("30-cases-demo").await;
    app.click("#case-table tbody tr td.name").await;
    app.find("#case-name").await;
    app.click("button[data-tab=followups]").await;
    app.find("#followup-form").await;
    app.screenshot("31-case-followups-demo").await;
    app.click("button[data-tab=outcome]").await;
    app.find("#outcome-facts").await;
    app.screenshot("32-case-outcome-demo").await;
    app.click("#nav a[data-nav=households]").await;
    app.text_with("#household-total", "零就业家庭").await;
    app.screenshot("33-households-demo").await;
    app.click("#zero-table tbody tr td.name").await;
    app.find("#member-table").await;
    app.click("#member-table .edit-member").await;
    app.find(".member-status-form").await;
    app.screenshot("34-household-demo").await;
    app.click("#nav a[data-nav=followups]").await;
    app.text_with("#followup-total", "待跟踪").await;
    app.screenshot("35-followups-demo").await;
    app.click("#nav a[data-nav=loans]").await;
    app.find("#loan-alert-table").await;
    app.screenshot("36-loans-demo").await;
    app.click("#nav a[data-nav=posts]").await;
    app.text_with("#subsidy-result", "季度").await;
    app.screenshot("37-posts-demo").await;
    app.stop().await;
}

#[tokio::test]
async fn a_person_past_retirement_age_is_refused_with_the_date_in_chinese() {
    let app = App::start_as(office_dir(), "admin", PASSWORD).await;
    app.go("#/cases/new").await;
    // Born 1 March 1960: a man retired at 60 exactly, on 1 March 2020.
    app.type_into("#case-id-number", &id_born(1960, 3, 1, 31)).await;
    app.type_into("#case-name-input", "孔老汉").await;
    app.select("#case-form select[name=community_id]", "和平社区").await;
    app.click("#case-submit").await;
    let said = app.text_with(".field-error[data-for=id_number]", "达到法定退休年龄").await;
    assert!(said.contains("2020年3月1日") && said.contains("不能登记为就业困难人员"), "{said}");
    app.screenshot("29-case-past-retirement").await;
    let dir = app.stop().await;
    let s = store(dir.path());
    let cases: i64 = s.conn().query_row("SELECT count(*) FROM employment_case", [], |r| r.get(0)).unwrap();
    let persons: i64 = s.conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
    assert_eq!((cases, persons), (0, 0), "nothing written");
}

#[tokio::test]
async fn the_post_subsidy_roster_shows_each_amount_and_the_total() {
    let dir = office_dir();
    let start = today().checked_sub_months(Months::new(2)).unwrap();
    {
        let mut s = store(dir.path());
        let admin = Actor::admin("测试");
        for (key, rate) in [
            ("employment.rate.post", "2020-01:1800"),
            ("employment.rate.pension", "2020-01:640"),
            ("employment.rate.medical", "2020-01:300"),
            ("employment.rate.unemployment", "2020-01:20"),
        ] {
            street_ledger::settings::set(&mut s, &admin, key, rate).unwrap();
        }
        let input = CaseInput {
            person: PersonInput {
                name: "钱保洁".into(),
                id_number: Some(id_born(1985, 5, 5, 41)),
                ..Default::default()
            },
            registered_on: Some((start - chrono::Duration::days(10)).to_string()),
            ..Default::default()
        };
        let c = case::register(&mut s, &admin, &input, today()).unwrap();
        let post = street_ledger::employment::posts::PostInput {
            post_type: "保洁".into(),
            unit: "和平社区居委会".into(),
            community_id: None,
        };
        let post = street_ledger::employment::posts::add_post(&mut s, &admin, &post).unwrap();
        street_ledger::employment::posts::place_in_post(&mut s, &admin, &post, &c, &start.to_string(), today())
            .unwrap();
    }
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.click("#nav a[data-nav=reports]").await;
    app.select("#report-name", "公益性岗位补贴花名册").await;
    app.select("#report-period-kind", "年度").await;
    app.click("#report-preview").await;
    app.text_with("#report-sheet-0 thead", "社会保险补贴（元）").await;
    app.row_text("#report-sheet-0", "钱保洁").await;
    // The year's months in post (an open placement is claimed to December),
    // each 1800 + 640 + 300 + 20 = 2760 yuan.
    use chrono::Datelike;
    let first = if start.year() == today().year() { start.month() } else { 1 };
    let months = 12 - first + 1;
    let total = app.text_with("#report-sheet-0 tfoot tr.total", "合计").await;
    for expected in [months * 1800, months * 2760] {
        assert!(total.contains(&format!("{expected}.00")), "{expected} in {total}");
    }
    app.screenshot("63-post-subsidy-roster").await;
    app.stop().await;
}
