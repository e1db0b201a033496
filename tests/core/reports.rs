//! Reports to upper levels, read back with a real reader (calamine): the
//! official layout (merged title, 填报 row, merged headers, 合计 with rates
//! recomputed, footer), and figures that match counts made directly in SQL.
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::NaiveDate;
use street_ledger::access::{Actor, Role};
use street_ledger::demo::{self, DemoSpec};
use street_ledger::report::{self, Request, CATALOGUE};
use street_ledger::store::Store;
use tempfile::TempDir;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

fn street() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let spec = DemoSpec { office_name: "和平街道".into(), communities: 3, persons: 3000, seed: 7, today: day() };
    demo::generate(&mut store, &Actor::system(), &spec).unwrap();
    (dir, store)
}

fn admin() -> Actor {
    Actor::admin("admin")
}

fn export(store: &Store, actor: &Actor, name: &str, period: &str, community: Option<String>, path: &Path) {
    let req = Request { name: name.into(), period: period.into(), community_id: community, unmasked: false };
    report::export(store, actor, &req, path, day()).unwrap_or_else(|e| panic!("{name}: {e}"));
}

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    range.get_value((row, col)).map(|d| d.to_string()).unwrap_or_default()
}

fn number(range: &calamine::Range<Data>, row: u32, col: u32) -> f64 {
    match range.get_value((row, col)) {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

/// The column of `leaf` under the merged header `group` (header rows 3–4).
fn column(range: &calamine::Range<Data>, group: &str, leaf: &str) -> u32 {
    let start = (0..range.width() as u32).find(|c| cell(range, 2, *c) == group).unwrap_or_else(|| panic!("{group}"));
    (start..range.width() as u32).find(|c| cell(range, 3, *c) == leaf).unwrap_or_else(|| panic!("{group}/{leaf}"))
}

/// The row of a sheet whose first cell is `first`.
fn row_of(range: &calamine::Range<Data>, first: &str) -> u32 {
    (0..range.height() as u32).find(|r| cell(range, *r, 0) == first).unwrap_or_else(|| panic!("no row “{first}”"))
}

#[test]
fn every_report_opens_with_its_title_filled_in_row_headers_footer_and_print_layout() {
    let (dir, store) = street();
    for (name, title) in CATALOGUE {
        let path = dir.path().join(format!("{name}.xlsx"));
        export(&store, &admin(), name, "2026Q2", None, &path);
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        for sheet in book.sheet_names() {
            let range = book.worksheet_range(&sheet).unwrap();
            let merges = book.merge_cells_by_sheet_name(&sheet).unwrap();
            let width = range.width() as u32;
            let a1 = cell(&range, 0, 0);
            assert!(a1.starts_with("和平街道 2026年第二季度 "), "{name}/{sheet}: {a1}");
            // A list sheet is named for its part (高龄津贴新增名单 of 高龄津贴发放名册).
            let stem = title.trim_end_matches("发放名册").trim_end_matches("花名册").trim_end_matches("统计表");
            assert!(a1.contains(stem), "{name}/{sheet}: {a1}");
            assert!(
                merges.iter().any(|m| m.start == (0, 0) && m.end.1 == width - 1),
                "{name}/{sheet}: the title is merged across the table"
            );
            assert!(cell(&range, 1, 0).starts_with("填报单位：和平街道"), "{name}/{sheet}");
            let filled: String = (0..width).map(|c| cell(&range, 1, c)).collect();
            assert!(
                filled.contains("填报日期：2026年6月30日") && filled.contains("填报人："),
                "{name}/{sheet}: {filled}"
            );
            let footer = (0..range.height() as u32).map(|r| cell(&range, r, 0)).find(|t| t.starts_with("单位负责人"));
            assert!(footer.is_some_and(|f| f.contains("填报日期")), "{name}/{sheet}: footer");
            assert!((0..range.height() as u32).any(|r| cell(&range, r, 0).starts_with("说明：")), "{name}/{sheet}");
        }
    }
}

#[test]
fn statistics_have_two_level_merged_headers_and_a_total_whose_rate_is_recomputed() {
    let (dir, store) = street();
    let path = dir.path().join("m.xlsx");
    export(&store, &admin(), "mediation-stats", "2025", None, &path);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range("按调委会").unwrap();
    let merges = book.merge_cells_by_sheet_name("按调委会").unwrap();
    assert_eq!(cell(&range, 2, 0), "调委会");
    assert!(merges.iter().any(|m| m.start == (2, 0) && m.end == (3, 0)), "the first header spans both header rows");
    assert_eq!(cell(&range, 2, 4), "调解案件");
    assert!(merges.iter().any(|m| m.start == (2, 4) && m.end == (2, 9)), "a group spans its six columns");
    assert_eq!((cell(&range, 3, 4), cell(&range, 3, 8)), ("受理".to_string(), "成功率".to_string()));
    // Per committee: 受理 by intake and 调解成功 by agreement date, as counted in SQL.
    let conn = store.conn();
    let count = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> f64 {
        conn.query_row(sql, p, |r| r.get::<_, i64>(0)).unwrap() as f64
    };
    let mut received_sum = 0.0;
    let mut success_sum = 0.0;
    for (id, name) in conn
        .prepare("SELECT id, name FROM community ORDER BY sort")
        .unwrap()
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
    {
        let row = row_of(&range, &format!("{name}调委会"));
        let received = count(
            "SELECT count(*) FROM mediation_case WHERE community_id = ?1 AND received_on BETWEEN '2025-01-01' AND '2025-12-31'",
            &[&id],
        );
        let success = count(
            "SELECT count(*) FROM mediation_case WHERE community_id = ?1
             AND agreement_on BETWEEN '2025-01-01' AND '2025-12-31'",
            &[&id],
        );
        assert_eq!(number(&range, row, 4), received, "{name} 受理");
        assert_eq!(number(&range, row, 5), success, "{name} 调解成功");
        received_sum += received;
        success_sum += success;
    }
    let street_row = row_of(&range, "和平街道调委会");
    received_sum += number(&range, street_row, 4);
    success_sum += number(&range, street_row, 5);
    let total = row_of(&range, "合计");
    assert_eq!(number(&range, total, 4), received_sum);
    assert_eq!(number(&range, total, 5), success_sum);
    assert!(received_sum > 0.0, "the demo has cases in 2025");
    let concluded = success_sum + number(&range, total, 6) + number(&range, total, 7);
    assert!(
        (number(&range, total, 8) - success_sum / concluded).abs() < 1e-9,
        "合计 rate = total success ÷ total concluded (成功 + 不成 + 终止)"
    );
    assert!(
        book.sheet_names().contains(&"按纠纷类型".to_string())
            && book.sheet_names().contains(&"按案件来源".to_string())
    );
}

#[test]
fn the_elderly_service_figures_match_the_registers_per_community() {
    let (dir, store) = street();
    let path = dir.path().join("s.xlsx");
    export(&store, &admin(), "elderly-services", "2026-01-01..2026-06-30", None, &path);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range("统计表").unwrap();
    assert_eq!((cell(&range, 2, 1), cell(&range, 3, 1)), ("在册老人（人）".to_string(), "合计".to_string()));
    let conn = store.conn();
    let names: Vec<(String, String)> = conn
        .prepare("SELECT id, name FROM community ORDER BY sort")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for (id, name) in &names {
        let row = row_of(&range, name);
        let on_roster: i64 = conn
            .query_row(
                "SELECT count(*) FROM elderly e JOIN person p ON p.id = e.person_id WHERE p.community_id = ?1
                 AND e.registered_on <= '2026-06-30' AND (e.status = '在册' OR e.status_date > '2026-06-30')",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        let care: i64 = conn
            .query_row(
                "SELECT count(*) FROM elderly_service s JOIN elderly e ON e.id = s.elderly_id JOIN person p ON p.id = e.person_id
                 WHERE p.community_id = ?1 AND s.service_type = '日常照料' AND s.date BETWEEN '2026-01-01' AND '2026-06-30'",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(number(&range, row, 1), on_roster as f64, "{name} 在册");
        let col = (0..range.width() as u32).find(|c| cell(&range, 3, *c) == "日常照料").unwrap();
        assert_eq!(number(&range, row, col), care as f64, "{name} 日常照料");
        let sql = |what: &str, table: &str, extra: &str| -> f64 {
            let q = format!(
                "SELECT coalesce({what}, 0) FROM {table} x JOIN elderly e ON e.id = x.elderly_id JOIN person p ON p.id = e.person_id
                 WHERE p.community_id = ?1 AND x.date BETWEEN '2026-01-01' AND '2026-06-30' {extra}"
            );
            conn.query_row(&q, [id], |r| r.get::<_, f64>(0)).unwrap()
        };
        let figure = |group: &str, leaf: &str| number(&range, row, column(&range, group, leaf));
        assert_eq!(
            figure("无偿服务", "人次"),
            sql("count(*)", "elderly_service", "AND x.paid = '无偿'"),
            "{name} 无偿"
        );
        assert_eq!(
            figure("低偿服务", "人次"),
            sql("count(*)", "elderly_service", "AND x.paid = '低偿'"),
            "{name} 低偿"
        );
        let charge = sql("sum(x.charge_cents)", "elderly_service", "AND x.paid = '低偿'") / 100.0;
        assert!((figure("低偿服务", "收费（元）") - charge).abs() < 0.005, "{name} 收费");
        assert_eq!(figure("探访", "已探访（次）"), sql("count(*)", "elderly_visit", ""), "{name} 探访");
        let to = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let overdue = street_ledger::elderly::care::due_visits(conn, &admin(), Some(id), to).unwrap().len();
        assert_eq!(figure("探访", "逾期未访（人）"), overdue as f64, "{name} 逾期未访");
        let sanwu: f64 = conn
            .query_row(
                "SELECT count(*) FROM elderly e JOIN person p ON p.id = e.person_id WHERE p.community_id = ?1 AND e.sanwu = 1
                 AND e.registered_on <= '2026-06-30' AND (e.status = '在册' OR e.status_date > '2026-06-30')",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(figure("在册老人（人）", "三无"), sanwu, "{name} 三无");
    }
    let total = row_of(&range, "合计");
    let sum: f64 = names.iter().map(|(_, n)| number(&range, row_of(&range, n), 1)).sum();
    assert_eq!(number(&range, total, 1), sum);
}

#[test]
fn rosters_mask_id_numbers_and_keep_them_as_text_and_a_community_worker_gets_only_their_community() {
    let (dir, store) = street();
    let path = dir.path().join("r.xlsx");
    export(&store, &admin(), "elderly-roster", "2026", None, &path);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["花名册", "新增", "减少"]);
    let range = book.worksheet_range("花名册").unwrap();
    assert_eq!(cell(&range, 2, 4), "身份证号");
    let first = cell(&range, 3, 4);
    assert!(matches!(range.get_value((3, 4)), Some(Data::String(_))), "ID numbers are text");
    assert!(first.contains('*') && first.len() == 18, "{first}");
    let community: String =
        store.conn().query_row("SELECT id FROM community ORDER BY sort LIMIT 1", [], |r| r.get(0)).unwrap();
    let other: String =
        store.conn().query_row("SELECT name FROM community ORDER BY sort LIMIT 1 OFFSET 1", [], |r| r.get(0)).unwrap();
    let worker = Actor::new("shequ", Role::CommunityStaff, Some(community));
    let path = dir.path().join("w.xlsx");
    export(&store, &worker, "elderly-roster", "2026", None, &path);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range("花名册").unwrap();
    assert!((3..range.height() as u32).all(|r| cell(&range, r, 1) != other), "another community leaked");
    let readonly = Actor::new("chakan", Role::ReadOnly, None);
    let req = Request { name: "elderly-roster".into(), period: "2026".into(), unmasked: true, ..Default::default() };
    let e = report::build(store.conn(), &readonly, &req).unwrap_err();
    assert_eq!(e.code(), "access.denied");
}

/// Full ID numbers are for the audited file: on screen the preview masks
/// them, whatever the request asks.
#[test]
fn a_preview_masks_id_numbers_even_when_asked_for_them_in_full() {
    let (_dir, store) = street();
    let req = Request { name: "elderly-roster".into(), period: "2026".into(), unmasked: true, ..Default::default() };
    let id_of = |r: &report::Report| match &r.sheets[0].rows[0][4] {
        report::Cell::Text(t) => t.clone(),
        other => panic!("{other:?}"),
    };
    let full = id_of(&report::build(store.conn(), &admin(), &req).unwrap());
    assert!(full.len() == 18 && !full.contains('*'), "{full}");
    let shown = id_of(&report::preview(store.conn(), &admin(), &req).unwrap());
    assert!(shown.contains('*') && shown.len() == 18, "{shown}");
}

#[test]
fn periods_and_names_that_make_no_sense_are_refused_in_chinese() {
    let (_dir, store) = street();
    let bad = |name: &str, period: &str| {
        let req = Request { name: name.into(), period: period.into(), ..Default::default() };
        report::build(store.conn(), &admin(), &req).unwrap_err().payload()
    };
    assert_eq!(bad("elderly-roster", "2026Q5").field.as_deref(), Some("period"));
    assert!(bad("no-such", "2026").message.contains("没有名为"));
}

#[test]
fn every_total_is_the_sum_of_its_column_and_rates_are_recomputed_not_summed() {
    let (_dir, store) = street();
    for (name, _) in CATALOGUE {
        let req = Request { name: name.to_string(), period: "2025".into(), ..Default::default() };
        let r = report::build(store.conn(), &admin(), &req).unwrap();
        for sheet in r.sheets.iter().filter(|s| s.total.is_some()) {
            let total = sheet.total.as_ref().unwrap();
            for (col, t) in total.iter().enumerate().skip(1) {
                let sum: f64 = sheet.rows.iter().map(|row| row[col].as_f64()).sum();
                match t {
                    report::Cell::Int(_) | report::Cell::Money(_) => {
                        assert!((t.as_f64() - sum).abs() < 1e-6, "{name}/{}: column {col}", sheet.name)
                    }
                    report::Cell::Rate(Some(x)) => {
                        // 成功率 = 调解成功 ÷ 受理 of the totals; 探访率 =
                        // 已探访 ÷ 应探访 of the totals, the two columns before it.
                        let (part, whole) = match *name {
                            "elderly-services" => (total[col - 1].as_f64(), total[col - 2].as_f64()),
                            _ => (total[5].as_f64(), total[4].as_f64()),
                        };
                        assert!((x - part / whole).abs() < 1e-9, "{name}/{}", sheet.name);
                    }
                    _ => {}
                }
            }
        }
    }
}

/// 月探访率 on the demo street, every month of a year: the 合计's counts
/// are the sums of the community rows and its rate is recomputed from them;
/// the year is the sum of its months. The demo's visits are of the last
/// 365 days, so the year is the one up to the demo's day.
#[test]
fn the_visit_rate_total_is_the_sum_of_its_communities_every_month_and_the_year_of_its_months() {
    let (_dir, store) = street();
    let build = |period: &str| {
        let req = Request { name: "elderly-services".into(), period: period.into(), ..Default::default() };
        report::build(store.conn(), &admin(), &req).unwrap().sheets.remove(0)
    };
    let (mut due_months, mut visited_months) = (0.0, 0.0);
    let months = (7..=12).map(|m| format!("2025-{m:02}")).chain((1..=6).map(|m| format!("2026-{m:02}")));
    for m in months {
        let sheet = build(&m);
        let total = sheet.total.as_ref().unwrap();
        let w = total.len();
        let sum = |col: usize| sheet.rows.iter().map(|r| r[col].as_f64()).sum::<f64>();
        let (due, visited) = (total[w - 3].as_f64(), total[w - 2].as_f64());
        assert_eq!((due, visited), (sum(w - 3), sum(w - 2)), "{m}");
        assert!(due > 0.0 && visited > 0.0 && visited <= due, "{m}: {visited}/{due}");
        assert_eq!(total[w - 1], report::Cell::Rate(Some(visited / due)), "{m}");
        for row in &sheet.rows {
            let (d, v) = (row[w - 3].as_f64(), row[w - 2].as_f64());
            assert_eq!(row[w - 1], report::Cell::Rate((d > 0.0).then(|| v / d)), "{m} {:?}", row[0]);
        }
        due_months += due;
        visited_months += visited;
    }
    let year = build("2025-07-01..2026-06-30");
    let total = year.total.as_ref().unwrap();
    let w = total.len();
    assert_eq!((total[w - 3].as_f64(), total[w - 2].as_f64()), (due_months, visited_months));
}

#[test]
fn an_empty_period_and_a_community_without_records_give_zeros_not_missing_rows() {
    let (_dir, mut store) = street();
    street_ledger::office::add_community(&mut store, &admin(), "新建社区").unwrap();
    for (name, _) in CATALOGUE {
        for (period, community) in [("1999", None), ("2025", Some("新建社区".to_string()))] {
            let req = Request {
                name: name.to_string(),
                period: period.into(),
                community_id: community.clone(),
                ..Default::default()
            };
            let r = report::build(store.conn(), &admin(), &req).unwrap_or_else(|e| panic!("{name} {period}: {e}"));
            for sheet in &r.sheets {
                if let Some(total) = &sheet.total {
                    // Statistics keep a row per community (and committee), all
                    // zero; a name list with a 合计 (补贴, 零就业家庭, 以案定补, 慰问登记,
                    // 排查表, every sheet of 高龄津贴发放名册) may be empty.
                    let lists = ["补贴花名册", "零就业家庭", "以案定补", "排查表", "慰问登记"];
                    assert!(
                        !sheet.rows.is_empty() || lists.contains(&sheet.name.as_str()) || *name == "elderly-allowance",
                        "{name}/{} {period}: rows",
                        sheet.name
                    );
                    assert!(
                        total.iter().skip(1).all(|c| c.as_f64() == 0.0),
                        "{name}/{} {period}: {total:?}",
                        sheet.name
                    );
                } else {
                    assert!(sheet.rows.is_empty(), "{name}/{} {period}: a list with rows", sheet.name);
                }
            }
            let dir = TempDir::new().unwrap();
            let path = dir.path().join("r.xlsx");
            report::export(&store, &admin(), &req, &path, day()).unwrap();
            let book: Xlsx<_> = open_workbook(&path).unwrap();
            assert_eq!(book.sheet_names().len(), r.sheets.len());
        }
    }
}

#[test]
fn a_preview_shows_the_first_rows_of_a_long_list_and_says_how_many_the_file_holds() {
    let (dir, store) = street();
    let on_roster: usize = store
        .conn()
        .query_row(
            "SELECT count(*) FROM elderly WHERE registered_on <= '2026-12-31' AND (status = '在册' OR status_date > '2026-12-31')",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as usize;
    assert!(on_roster > report::PREVIEW_ROWS, "the demo street must have a roster longer than a preview");
    let req = Request { name: "elderly-roster".into(), period: "2026".into(), ..Default::default() };
    let preview = report::preview(store.conn(), &admin(), &req).unwrap();
    let roster = &preview.sheets[0];
    assert_eq!((roster.rows.len(), roster.row_count), (report::PREVIEW_ROWS, on_roster));
    let full = report::build(store.conn(), &admin(), &req).unwrap();
    assert_eq!(full.sheets[0].rows.len(), on_roster);
    assert_eq!(full.sheets[0].rows[..report::PREVIEW_ROWS], roster.rows[..]);
    // The file has every row, numbered on: title, 填报 row and header above.
    let path = dir.path().join("r.xlsx");
    export(&store, &admin(), "elderly-roster", "2026", None, &path);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range("花名册").unwrap();
    let last = 3 + on_roster as u32 - 1;
    assert_eq!(number(&range, last, 0), on_roster as f64);
    assert!(cell(&range, last + 2, 0).starts_with("单位负责人"));
}
