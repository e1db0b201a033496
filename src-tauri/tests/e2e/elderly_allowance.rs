//! 高龄津贴 through the desktop: someone turning 80 this month applied for on
//! their page shows on next month's 新增 sheet (previewed, then exported and
//! read back); a death recorded on the page stops them on the month after's
//! 停发 sheet, while this month still pays them; the survival checks due.
use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{Datelike, Months, NaiveDate};
use street_ledger::access::Actor;
use street_ledger::elderly::allowance::{self, ApplyInput};

use super::{id_born, seed_elderly, today};
use crate::harness::{office_dir, store, App, PASSWORD};

/// 80-89: 100 yuan a month, 90-99: 300, 100+: 500, since 2020.
fn set_amounts(dir: &std::path::Path) {
    let mut s = store(dir);
    for (n, amount) in [(1, 100), (2, 300), (3, 500)] {
        let key = format!("elderly.allowance.tier{n}.amount");
        street_ledger::settings::set(&mut s, &Actor::admin("测试"), &key, &format!("2020-01:{amount}")).unwrap();
    }
}

fn month_text(d: NaiveDate) -> String {
    format!("{}-{:02}", d.year(), d.month())
}

/// Previews the 发放名册 of the month of `d` on the 统计报表 page.
async fn preview_month(app: &App, d: NaiveDate) {
    app.go("#/reports/elderly-allowance").await;
    app.select("#report-period-kind", "月度").await;
    app.type_into("#report-year", &d.year().to_string()).await;
    app.select("#report-month", &format!("{}月", d.month())).await;
    app.click("#report-preview").await;
    app.text_with(".report-title", &month_text(d)).await;
}

/// The text of the preview's sheet named `name` (工作表：name).
async fn sheet_text(app: &App, name: &str) -> String {
    let css = format!("section.report-sheet[data-sheet=\"{name}\"]");
    app.find(&css).await.text().await.unwrap()
}

fn xlsx_rows(path: &std::path::Path, sheet: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| if matches!(c, Data::Empty) { String::new() } else { c.to_string() }).collect())
        .collect()
}

#[tokio::test]
async fn an_80_year_old_applied_for_shows_on_next_months_new_sheet() {
    let dir = office_dir();
    set_amounts(dir.path());
    let now = today();
    let id = seed_elderly(dir.path(), "高满八", &id_born(now.year() - 80, now.month(), 1, 81));
    let app = App::start_as(dir, "admin", PASSWORD).await;

    app.go(&format!("#/elderly/{id}/allowance")).await;
    app.find("#allowance-apply-form").await;
    app.select("#allowance-apply-form select[name=account_kind]", "社保卡").await;
    app.type_into("#allowance-apply-form input[name=account]", "6222021234567890123").await;
    app.type_into("#allowance-apply-form input[name=bank]", "工商银行").await;
    app.click("#allowance-apply-submit").await;
    let facts = app.text_with("#allowance-facts", "在享").await;
    // The birthday month is not paid; the account shows masked.
    assert!(facts.contains(&month_text(now + Months::new(1))), "起发月份 next month: {facts}");
    assert!(facts.contains("622202*********0123") && !facts.contains("6222021234567890123"), "{facts}");
    app.screenshot("70-allowance-person").await;

    preview_month(&app, now).await;
    assert!(!sheet_text(&app, "发放名册").await.contains("高满八"), "not paid in the birthday month");
    let next = now + Months::new(1);
    preview_month(&app, next).await;
    let row = app.row_text("section.report-sheet[data-sheet=\"新增\"] table", "高满八").await;
    assert!(row.contains("80-89岁") && row.contains("100") && row.contains(&month_text(next)), "{row}");
    assert!(sheet_text(&app, "发放名册").await.contains("高满八"));
    app.screenshot("71-allowance-report").await;

    let out = app.data_path().join("报表输出").join("高龄津贴.xlsx");
    app.type_into("#report-path", &out.display().to_string()).await;
    app.click("#report-export").await;
    app.text_with("#report-saved", ".xlsx").await;
    let rows = xlsx_rows(&out, "新增");
    let row = rows.iter().find(|r| r.iter().any(|c| c == "高满八")).expect("on the 新增 sheet");
    assert_eq!(row[1], month_text(next), "{row:?}");
    let total = rows.iter().find(|r| r.first().is_some_and(|c| c == "合计")).expect("a 合计 row");
    assert!(total.iter().any(|c| c == "100"), "{total:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_death_recorded_on_the_page_stops_the_allowance_from_the_month_after() {
    let dir = office_dir();
    set_amounts(dir.path());
    let now = today();
    let id = seed_elderly(dir.path(), "寿终老", &id_born(1936, 2, 3, 83));
    let input = ApplyInput { applied_on: "2024-05-06".into(), ..Default::default() };
    allowance::apply(&mut store(dir.path()), &Actor::admin("测试"), &id, &input, now).unwrap();
    let app = App::start_as(dir, "admin", PASSWORD).await;

    app.go(&format!("#/elderly/{id}")).await;
    app.select("#status-form select[name=status]", "去世").await;
    app.click("#status-submit").await;
    app.text_with("#person-status", "去世").await;
    app.go(&format!("#/elderly/{id}/allowance")).await;
    let facts = app.text_with("#allowance-facts", "停发").await;
    assert!(facts.contains("去世"), "{facts}");
    app.text_with("#allowance .notice", "自动停发").await;
    let history = app.text_with("#allowance-history", "停发").await;
    assert!(history.contains(&now.to_string()) && history.contains("去世"), "{history}");
    assert!(app.client.find(fantoccini::Locator::Css("#allowance-event-form")).await.is_err(), "nothing to do");
    app.screenshot("74-allowance-person-died").await;

    preview_month(&app, now).await;
    assert!(sheet_text(&app, "发放名册").await.contains("寿终老"), "paid the month of the death");
    assert!(!sheet_text(&app, "停发").await.contains("寿终老"));
    preview_month(&app, now + Months::new(1)).await;
    assert!(!sheet_text(&app, "发放名册").await.contains("寿终老"));
    let stopped = sheet_text(&app, "停发").await;
    assert!(stopped.contains("寿终老") && stopped.contains("去世") && stopped.contains(&now.to_string()), "{stopped}");
    app.screenshot("72-allowance-stopped").await;
    app.stop().await;
}

#[tokio::test]
async fn the_survival_checks_due_are_listed_and_one_done_leaves_the_list() {
    let dir = office_dir();
    set_amounts(dir.path());
    let now = today();
    let id = seed_elderly(dir.path(), "待认证", &id_born(1938, 4, 5, 85));
    let applied = (now - Months::new(13)).to_string();
    let input = ApplyInput { applied_on: applied, ..Default::default() };
    allowance::apply(&mut store(dir.path()), &Actor::admin("测试"), &id, &input, now).unwrap();
    let app = App::start_as(dir, "admin", PASSWORD).await;

    app.click("#nav a[data-nav=allowance]").await;
    app.text_with("#allowance-total", "共 1 人").await;
    app.text_with("#allowance-due-table tbody", "待认证").await;
    app.screenshot("73-allowance-due").await;
    // The overview counts it among the reminders, and its tile opens the list.
    app.click("#nav a[data-nav=overview]").await;
    let tile = app.text_with("#chart-alerts a.alert-tile[href='#/allowance']", "生存认证到期").await;
    assert!(tile.starts_with('1'), "{tile}");
    app.click("#chart-alerts a.alert-tile[href='#/allowance']").await;
    app.click_row("#allowance-due-table", "待认证").await;
    app.select("#allowance-event-form select[name=action]", "生存认证").await;
    app.click("#allowance-event-submit").await;
    app.text_with("#allowance-history", "生存认证").await;
    app.click("#nav a[data-nav=allowance]").await;
    app.text_with("#allowance-total", "共 0 人").await;
    // F1 opens the allowance's own help.
    app.find("#allowance-community").await.send_keys("\u{E031}").await.unwrap();
    app.text_with("#help-allowance", "生存认证").await;
    app.stop().await;
}
