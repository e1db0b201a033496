//! Issue 17, point 5, through the desktop: a 重阳节 慰问 recorded on the
//! person page (refused without a gift or an amount), then the 重阳节慰问
//! 老人名单 previewed with them as visited, printed on A4 and exported (the
//! .xlsx read back: the band, 已慰问, the 签字 column and the band 合计),
//! its two printed pages each with the header rows.
use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::Datelike;

use super::reports::saved_path;
use super::{count, id_born, seed_elderly, today};
use crate::harness::{office_dir, App, PASSWORD};

/// A sheet's cells as text (empty cells as "").
pub(crate) fn cells(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, sheet: &str) -> Vec<Vec<String>> {
    let range = book.worksheet_range(sheet).unwrap_or_else(|e| panic!("{sheet}: {e}"));
    range
        .rows()
        .map(|r| r.iter().map(|c| if c == &Data::Empty { String::new() } else { c.to_string() }).collect())
        .collect()
}

#[tokio::test]
async fn a_double_ninth_condolence_is_recorded_and_the_double_ninth_list_exported_with_it() {
    let dir = office_dir();
    let id = seed_elderly(dir.path(), "陈九妹", &id_born(today().year() - 85, 3, 3, 4));
    seed_elderly(dir.path(), "林百岁", &id_born(today().year() - 100, 12, 31, 5));
    // 23 more in their eighties: the 名单 runs over two A4 pages.
    for (i, given) in "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅".chars().enumerate() {
        seed_elderly(dir.path(), &format!("周{given}"), &id_born(today().year() - 82, 1, 1 + i as u32, 10 + i as u16));
    }
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.go(&format!("#/elderly/{id}")).await;
    app.text_with("#person-name", "陈九妹").await;
    app.click("button[data-tab=condolences]").await;
    app.select("#condolence-form select[name=kind]", "重阳节").await;
    app.type_into("#condolence-form input[name=staff]", "李主任").await;
    // Nothing given: refused beside the field, nothing written.
    app.click("#condolence-submit").await;
    app.text_with(".field-error[data-for=gift]", "慰问品或慰问金").await;
    app.type_into("#condolence-form input[name=gift]", "米、油").await;
    app.type_into("#condolence-form input[name=amount]", "200").await;
    app.click("#condolence-submit").await;
    let row = app.row_text("#condolence-table", "李主任").await;
    assert!(row.contains("重阳节") && row.contains("米、油") && row.contains("200.00"), "{row}");
    app.text_with("button[data-tab=condolences]", "慰问（1）").await;
    app.screenshot("17-condolence").await;

    app.click("#nav a[data-nav=reports]").await;
    app.select("#report-name", "重阳节慰问老人名单").await;
    app.select("#report-period-kind", "年度").await;
    app.click("#report-preview").await;
    let visited = app.row_text("#report-sheet-0", "陈九妹").await;
    assert!(visited.contains("80–89岁") && visited.contains("已慰问"), "{visited}");
    let not_yet = app.row_text("#report-sheet-0", "林百岁").await;
    assert!(not_yet.contains("100岁及以上") && not_yet.contains("未慰问"), "{not_yet}");
    app.screenshot("17-double-ninth-preview").await;
    // Printed: A4 pages with the 签字 column and the 合计 of the bands.
    app.click("#report-print").await;
    app.text_with("#print-view .report-page thead", "签字").await;
    // Each page of the 名单 repeats its header rows.
    let heads = app
        .client
        .execute("return [...document.querySelectorAll('#print-view .report-page[data-sheet=名单] thead')].map((t) => t.textContent)", vec![])
        .await
        .unwrap();
    let heads: Vec<&str> = heads.as_array().unwrap().iter().filter_map(|t| t.as_str()).collect();
    assert!(heads.len() == 2 && heads.iter().all(|t| t.contains("序号") && t.contains("签字")), "{heads:?}");
    app.text_with("#print-view .report-page[data-sheet=分段统计] tfoot", "合计").await;
    app.screenshot("17-double-ninth-print").await;
    app.click("#print-close").await;

    let out = app.data_path().join("报表输出");
    app.type_into("#report-path", &out.display().to_string()).await;
    app.click("#report-export").await;
    let path = saved_path(&app, "#report-saved").await;
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let list = cells(&mut book, "名单");
    assert!(list[0][0].contains("重阳节慰问老人名单"), "{:?}", list[0]);
    let head = list.iter().position(|r| r.first().is_some_and(|c| c == "序号")).expect("header row");
    assert_eq!(list[head].last().map(String::as_str), Some("签字"), "{:?}", list[head]);
    let chen = list.iter().find(|r| r.contains(&"陈九妹".to_string())).expect("陈九妹 listed");
    assert!(chen.iter().any(|c| c.starts_with(&format!("已慰问 {}", today()))), "{chen:?}");
    assert!(chen.iter().any(|c| c.contains('*')), "ID number masked: {chen:?}");
    let stats = cells(&mut book, "分段统计");
    let total = stats.iter().find(|r| r.first().is_some_and(|c| c == "合计")).expect("合计 row");
    // 80–89, 90–99, 100+, 合计, 已慰问, 未慰问.
    assert_eq!(&total[1..7], ["24", "0", "1", "25", "1", "24"], "{total:?}");
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "elderly_condolence"), 1);
}
