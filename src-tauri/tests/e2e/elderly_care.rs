//! Issue 17, point 3, through the desktop: a provider registered on the
//! 购买服务 page, a person's entitlement (中度失能, 10 hours a month) and a
//! purchased service of 12 hours on the person page (flagged 2 hours over),
//! then the month's 居家养老服务结算单 exported from the reports page and
//! read back: the person's hours, amount, subsidy, self-pay and 超出, the
//! 合计 row and the 签字确认 column.
use calamine::{open_workbook, Reader, Xlsx};
use street_ledger::access::Actor;

use super::elderly_lists::cells;
use super::reports::saved_path;
use super::{count, id_born, seed_elderly};
use crate::harness::{office_dir, store, App, PASSWORD};

#[tokio::test]
async fn a_providers_settlement_is_exported_with_the_persons_hours_subsidy_and_self_pay() {
    let dir = office_dir();
    let id = seed_elderly(dir.path(), "周淑珍", &id_born(1942, 5, 6, 8));
    {
        let mut s = store(dir.path());
        street_ledger::settings::set(&mut s, &Actor::admin("测试"), "elderly.care.hours.中度失能", "2020-01:10")
            .unwrap();
    }
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.click("#nav a[data-nav=care]").await;
    app.find("#care-provider-form").await;
    app.type_into("#care-provider-form input[name=name]", "康乐居家养老服务中心").await;
    app.type_into("#care-provider-form input[name=contact]", "王经理").await;
    // No price: refused beside the field.
    app.click("#care-provider-submit").await;
    app.text_with(".field-error[data-for=price]", "服务单价").await;
    app.type_into("#care-provider-form input[name=price]", "40").await;
    app.click("#care-provider-submit").await;
    let row = app.row_text("#care-provider-table", "康乐居家养老服务中心").await;
    assert!(row.contains("40.00") && row.contains("王经理"), "{row}");

    app.go(&format!("#/elderly/{id}/services")).await;
    app.text_with("#person-name", "周淑珍").await;
    app.find("#care-entitlement-form").await;
    app.select("#care-entitlement-form select[name=level]", "中度失能").await;
    app.click("#care-entitlement-submit").await;
    app.text_with("#care-facts", "中度失能").await;
    app.text_with("#care-entitlement-table", "在享").await;
    app.select("#service-form select[name=service_type]", "日常照料").await;
    app.select("#service-form select[name=provider_id]", "康乐居家养老服务中心（40.00元/小时）").await;
    app.type_into("#service-form input[name=hours]", "12").await;
    app.click("#service-submit").await;
    app.text_with("#service-table", "康乐居家养老服务中心").await;
    app.text_with("#care-over-flag", "超出应享时数 2 小时").await;
    app.screenshot("17-care-person").await;
    app.click("#nav a[data-nav=care]").await;
    app.row_text("#care-over-table", "周淑珍").await;
    app.screenshot("17-care-providers").await;

    app.click("#care-report").await;
    app.select("#report-name", "居家养老服务结算单").await;
    app.select("#report-period-kind", "月度").await;
    app.click("#report-preview").await;
    app.text_with("#report-sheet-1", "周淑珍").await;
    app.screenshot("17-care-settlement-preview").await;
    let out = app.data_path().join("报表输出");
    app.type_into("#report-path", &out.display().to_string()).await;
    app.click("#report-export").await;
    let path = saved_path(&app, "#report-saved").await;
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["汇总", "康乐居家养老服务中心"]);
    let sheet = cells(&mut book, "康乐居家养老服务中心");
    assert!(sheet[0][0].contains("居家养老服务结算单（康乐居家养老服务中心）"), "{:?}", sheet[0]);
    let head = sheet.iter().position(|r| r.first().is_some_and(|c| c == "序号")).expect("header row");
    assert_eq!(sheet[head].last().map(String::as_str), Some("签字确认"), "{:?}", sheet[head]);
    let person = sheet.iter().find(|r| r.contains(&"周淑珍".to_string())).expect("周淑珍 listed");
    assert!(person[3].contains('*'), "ID number masked: {person:?}");
    // 应享时数, 服务时数, 金额, 政府补贴, 个人自付, 超出时数; 签字确认 empty.
    assert_eq!(&person[5..12], ["10", "12", "480", "400", "80", "2", ""], "{person:?}");
    let total = sheet.iter().find(|r| r.first().is_some_and(|c| c == "合计")).expect("合计 row");
    assert_eq!(&total[5..11], ["10", "12", "480", "400", "80", "2"], "{total:?}");
    let summary = cells(&mut book, "汇总");
    let total = summary.iter().find(|r| r.first().is_some_and(|c| c == "合计")).expect("合计 row");
    assert_eq!(&total[2..8], ["1", "12", "480", "400", "80", "2"], "{total:?}");
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "care_provider"), 1);
    assert_eq!(count(dir.path(), "elderly_care_entitlement"), 1);
}
