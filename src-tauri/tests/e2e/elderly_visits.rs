//! Issue 17, points 4 and 6, through the desktop: a phone check-in (电话问候)
//! recorded on the person page and kept apart from the visits; a woman who
//! retired at 52 registered as an enterprise retiree; the 月探访率 per
//! community and by month on the overview.
use chrono::Datelike;
use street_ledger::access::Actor;

use super::{count, id_born, seed_elderly, today, ZENG_ID};
use crate::harness::{office_dir, store, App, PASSWORD};

#[tokio::test]
async fn a_phone_check_in_is_recorded_and_shown_in_the_persons_record_but_not_as_a_visit() {
    let dir = office_dir();
    let id = seed_elderly(dir.path(), "曾国藩", ZENG_ID);
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.go(&format!("#/elderly/{id}")).await;
    app.text_with("#person-name", "曾国藩").await;
    app.click("button[data-tab=calls]").await;
    app.type_into("#call-form input[name=caller]", "王社工").await;
    app.select("#call-form select[name=result]", "未接").await;
    // 未接 needs what was done about it: refused beside the field, nothing written.
    app.click("#call-submit").await;
    app.text_with(".field-error[data-for=action]", "请填写处理情况").await;
    app.type_into("#call-form input[name=action]", "半小时后再拨，已接通").await;
    app.click("#call-submit").await;
    let row = app.row_text("#call-table", "王社工").await;
    assert!(
        row.contains("未接") && row.contains("半小时后再拨，已接通") && row.contains(&today().to_string()),
        "{row}"
    );
    app.text_with("button[data-tab=calls]", "电话问候（1）").await;
    app.text_with("button[data-tab=visits]", "探访记录（0）").await;
    app.screenshot("17-phone-check-in").await;
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "elderly_call"), 1);
    assert_eq!(count(dir.path(), "elderly_visit"), 0);
}

#[tokio::test]
async fn a_woman_retired_at_52_is_registered_as_an_enterprise_retiree_with_risk_factors_on_the_form() {
    let app = App::start_as(office_dir(), "admin", PASSWORD).await;
    app.click("#roster-new").await;
    let id = id_born(today().year() - 53, 12, 31, 4);
    app.type_into("#id-number", &id).await;
    app.text_with("#derived", "女").await;
    app.type_into("#name", "周秀兰").await;
    app.select("#elderly-form select[name=community_id]", "和平社区").await;
    // Without the retiree box she is too young for the roster.
    app.click("#elderly-submit").await;
    app.text_with(".field-error[data-for=id_number]", "企业退休人员请勾选").await;
    app.click("#elderly-form input[name=enterprise_retiree]").await;
    app.find("#elderly-form input[name=risk_factors][value=留守]").await;
    app.screenshot("17-register-retiree").await;
    app.click("#elderly-submit").await;
    app.text_with("#person-name", "周秀兰").await;
    let facts = app.find("dl.facts").await.text().await.unwrap();
    assert!(facts.contains("企业退休") && facts.contains("是"), "{facts}");
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "elderly"), 1);
}

#[tokio::test]
async fn the_overview_shows_the_visit_rate_per_community_and_by_month() {
    let dir = tempfile::TempDir::new().unwrap();
    let spec = street_ledger::demo::DemoSpec { persons: 3000, ..street_ledger::demo::DemoSpec::street(today()) };
    street_ledger::demo::generate(&mut store(dir.path()), &Actor::admin("测试"), &spec).unwrap();
    let app = App::start_as(dir, "admin", street_ledger::demo::DEMO_PASSWORD).await;
    app.click("#nav a[data-nav=overview]").await;
    app.find("#chart-visit-rate svg rect").await;
    app.find("#chart-trend-visit-rate svg rect").await;
    app.click("#chart-visit-rate .show-data").await;
    let data = app.text_with("#chart-visit-rate .chart-data", "探访率").await;
    assert!(data.contains("居家养老服务情况统计表"), "{data}");
    let rows = app.rows("#chart-visit-rate .chart-data table").await;
    assert_eq!(rows.len(), spec.communities, "one bar per community: {rows:?}");
    let scroll = "document.querySelector('#chart-visit-rate').scrollIntoView()";
    app.client.execute(scroll, vec![]).await.unwrap();
    app.screenshot("17-overview-visit-rate").await;

    // The report behind it: 月探访率 with its three columns, the 合计's rate.
    app.click("#nav a[data-nav=reports]").await;
    app.select("#report-name", "居家养老服务情况统计表").await;
    app.select("#report-period-kind", "月度").await;
    app.click("#report-preview").await;
    app.text_with("#report-sheet-0 thead", "月探访率").await;
    let head = app.find("#report-sheet-0 thead").await.text().await.unwrap();
    assert!(head.contains("应探访（人）") && head.contains("探访率"), "{head}");
    // The counts are counts and the rate a percentage.
    let script =
        "return [...document.querySelectorAll('#report-sheet-0 tfoot tr.total td')].map((td) => td.textContent)";
    let total = app.client.execute(script, vec![]).await.unwrap();
    let cells: Vec<&str> = total.as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    let [due, visited, rate] = cells[cells.len() - 3..] else { panic!("{total}") };
    let (due, visited): (f64, f64) = (due.parse().unwrap(), visited.parse().unwrap());
    assert_eq!(rate, format!("{:.1}%", visited / due * 100.0), "{cells:?}");
    // The new columns are the last: the table's box scrolled to its right end.
    let right = "let e = document.querySelector('#report-sheet-0');
        while (e && e.scrollWidth <= e.clientWidth) e = e.parentElement;
        if (e) e.scrollLeft = e.scrollWidth;";
    app.client.execute(right, vec![]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.screenshot("17-report-visit-rate").await;
    app.stop().await;
}
