//! 统计报表, 统计概览 and 导入 through the desktop: a statistics report
//! previewed with its merged headers and 合计 and written as .xlsx (read back
//! with calamine); the overview's charts over a demo street and the table
//! behind one; a roster file with a title row, good rows and bad ones
//! previewed, its good rows imported and the bad ones written back; a
//! households file (one row per member) imported household by household.
use std::time::Duration;

use calamine::{open_workbook, Data, Reader, Xlsx};
use street_ledger::access::Actor;
use street_ledger::elderly::care::{add_service, ServiceInput};
use street_ledger::employment::household;

use super::{count, id_born, seed_elderly, seed_elderly_in, today};
use crate::harness::{office_dir, store, App, PASSWORD};

/// The path a page shows after “…保存到：”.
pub(crate) async fn saved_path(app: &App, css: &str) -> std::path::PathBuf {
    let text = app.text_with(css, ".xlsx").await;
    let path = text.split_once('：').map_or(text.as_str(), |(_, p)| p).trim();
    let path = path.split_once("，").map_or(path, |(p, _)| p).trim();
    std::path::PathBuf::from(path)
}

fn sheet_cells(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn a_statistics_report_is_previewed_with_its_merged_headers_and_total_then_exported() {
    let dir = office_dir();
    let first = seed_elderly(dir.path(), "曾国藩", super::ZENG_ID);
    seed_elderly_in(dir.path(), "李建设", &id_born(1944, 4, 4, 3), 1);
    let service = ServiceInput {
        date: today().to_string(),
        service_type: "日常照料".into(),
        paid: "无偿".into(),
        ..Default::default()
    };
    add_service(&mut store(dir.path()), &Actor::admin("测试"), &first, &service, today()).unwrap();
    let app = App::start_as(dir, "admin", PASSWORD).await;

    app.click("#nav a[data-nav=reports]").await;
    app.select("#report-name", "居家养老服务情况统计表").await;
    app.select("#report-period-kind", "年度").await;
    app.click("#report-preview").await;
    app.text_with("#report-sheet-0 thead", "在册老人（人）").await;
    // 社区 spans both header rows; 在册老人（人） spans its eight columns.
    assert_eq!(app.attr("#report-sheet-0 thead tr:first-child th:first-child", "rowspan").await, "2");
    assert_eq!(app.attr("#report-sheet-0 thead tr:first-child th:nth-child(2)", "colspan").await, "8");
    let rows = app.rows("#report-sheet-0").await;
    assert!(rows.iter().any(|r| r.contains("和平社区")) && rows.iter().any(|r| r.contains("建设社区")), "{rows:?}");
    app.text_with("#report-sheet-0 tfoot tr.total td:first-child", "合计").await;
    let on_roster = app.find("#report-sheet-0 tfoot tr.total td:nth-child(2)").await.text().await.unwrap();
    assert_eq!(on_roster, "2");
    app.screenshot("60-reports").await;

    // A period the core cannot read is refused beside the period.
    app.select("#report-period-kind", "自定义起止日期").await;
    app.set_date("#report-from", &today().to_string()).await;
    app.set_date("#report-to", "2000-01-01").await;
    app.click("#report-preview").await;
    app.text_with(".field-error[data-for=period]", "结束日期早于开始日期").await;
    app.select("#report-period-kind", "年度").await;

    let out = app.data_path().join("报表输出");
    app.type_into("#report-path", &out.display().to_string()).await;
    app.click("#report-export").await;
    let path = saved_path(&app, "#report-saved").await;
    assert!(path.starts_with(&out) && path.exists(), "{}", path.display());
    let cells = sheet_cells(&path);
    assert!(cells[0][0].contains("居家养老服务情况统计表") && cells[0][0].contains("和平街道"), "{:?}", cells[0]);
    assert!(cells.iter().any(|r| r.first().is_some_and(|c| c == "合计")), "no 合计 row");
    app.stop().await;
}

#[tokio::test]
async fn the_overview_draws_the_year_as_charts_and_shows_the_figures_behind_one() {
    let dir = tempfile::TempDir::new().unwrap();
    let spec = street_ledger::demo::DemoSpec { persons: 3000, ..street_ledger::demo::DemoSpec::street(today()) };
    street_ledger::demo::generate(&mut store(dir.path()), &Actor::admin("测试"), &spec).unwrap();
    let app = App::start_as(dir, "admin", street_ledger::demo::DEMO_PASSWORD).await;
    app.click("#nav a[data-nav=overview]").await;
    for chart in [
        "elderly",
        "services",
        "employment",
        "mediation",
        "trend-mediation",
        "trend-services",
        "visit-rate",
        "trend-visit-rate",
    ] {
        app.find(&format!("#chart-{chart} svg rect")).await;
    }
    app.find("#chart-alerts .alert-tile").await;
    assert!(!app.find("#chart-elderly .chart-data").await.is_displayed().await.unwrap());
    app.screenshot("61-overview").await;
    app.click("#chart-mediation .show-data").await;
    let data = app.text_with("#chart-mediation .chart-data", "街道调委会").await;
    assert!(data.contains("人民调解工作统计表"), "{data}");
    app.click("#chart-elderly .show-data").await;
    let rows = app.rows("#chart-elderly .chart-data table").await;
    let bars = app.client.find_all(fantoccini::Locator::Css("#chart-elderly svg rect")).await.unwrap();
    assert_eq!(rows.len(), bars.len(), "one bar per community: {rows:?}");
    app.screenshot("62-overview-data").await;
    app.stop().await;
}

/// A roster kept in Excel: a title row, the header, two good rows, a wrong
/// ID number and an unknown community.
fn roster_file(path: &std::path::Path) -> [String; 4] {
    let good1 = id_born(1940, 2, 3, 41);
    let good2 = id_born(1946, 7, 8, 42);
    let mut bad_id = id_born(1942, 5, 6, 43);
    let last = bad_id.pop().unwrap();
    bad_id.push(if last == '0' { '1' } else { '0' });
    let unknown = id_born(1944, 9, 10, 44);
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    s.set_name("老人名单").unwrap();
    s.write_string(0, 0, "和平街道老年人花名册（2026年）").unwrap();
    for (c, h) in ["序号", "姓名", "身份证号码", "所属社区", "联系电话", "老人类别"].iter().enumerate()
    {
        s.write_string(1, c as u16, *h).unwrap();
    }
    let rows = [
        ("周桂英", &good1, "和平社区"),
        ("吴德明", &good2, "建设社区"),
        ("郑错号", &bad_id, "和平社区"),
        ("王远方", &unknown, "幸福社区"),
    ];
    for (i, (name, id, community)) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        s.write_number(r, 0, i as f64 + 1.0).unwrap();
        s.write_string(r, 1, *name).unwrap();
        s.write_string(r, 2, id.as_str()).unwrap();
        s.write_string(r, 3, *community).unwrap();
        s.write_string(r, 4, "13912345678").unwrap();
        s.write_string(r, 5, "独居").unwrap();
    }
    // The footer an office's roster carries: a total, a blank line, who filled it in.
    s.write_string(6, 0, "合计").unwrap();
    s.write_string(6, 1, "4人").unwrap();
    s.write_string(8, 0, "填表人：张三    审核人：李四    填报日期：2026年11月30日").unwrap();
    book.save(path).unwrap();
    [good1, good2, bad_id, unknown]
}

#[tokio::test]
async fn a_roster_file_is_previewed_with_its_problems_and_only_its_good_rows_are_imported() {
    let dir = office_dir();
    let file = dir.path().join("roster-2026.xlsx");
    roster_file(&file);
    let app = App::start_as(dir, "admin", PASSWORD).await;
    open_import(&app).await;

    // A file that is not there is named beside the path.
    app.type_into("#import-path", &app.data_path().join("nowhere.xlsx").display().to_string()).await;
    app.click("#import-preview").await;
    app.text_with(".field-error[data-for=path]", "无法读取文件").await;

    preview_file(&app, &file).await;
    let counts = app.text_with("#import-counts", "共 4 行").await;
    assert!(
        counts.contains("表头在第 2 行") && counts.contains("新增 2 人") && counts.contains("有问题 2 行"),
        "{counts}"
    );
    let problems = app.rows("#import-problems").await;
    assert!(problems.iter().any(|r| r.contains("第5行") && r.contains("身份证号码")), "{problems:?}");
    assert!(problems.iter().any(|r| r.contains("第6行") && r.contains("幸福社区")), "{problems:?}");
    app.text_with("#import-unknown", "幸福社区").await;
    app.find("#import-unknown select.value-select[data-field=community]").await;
    // The total and the signature line are skipped, not counted as problems.
    app.text_with("#import-footer", "已跳过表尾 2 行（第7、9行：合计、填表人）").await;
    // The guessed columns: 身份证号 from the file's 身份证号码 (column C).
    assert_eq!(app.value("#import-mapping select[data-field=id_number]").await, "C");
    app.screenshot("63-import-preview").await;

    app.click("#import-run").await;
    let done = app.text_with("#import-done", "导入完成").await;
    assert!(done.contains("新增 2 人") && done.contains("未导入 2 行"), "{done}");
    let rejected = saved_path(&app, "#import-rejected").await;
    app.screenshot("64-import-done").await;
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "elderly"), 2);
    let cells = sheet_cells(&rejected);
    assert_eq!(cells.len(), 3, "the header and the two bad rows: {cells:?}");
    assert!(cells[1].iter().any(|c| c == "郑错号") && cells[1][0].contains("原第5行"), "{:?}", cells[1]);
    assert!(cells[2].iter().any(|c| c == "王远方") && cells[2][0].contains("原第6行"), "{:?}", cells[2]);
}

#[tokio::test]
async fn a_long_roster_file_shows_how_many_of_its_rows_are_done_while_it_is_imported() {
    let dir = office_dir();
    let file = dir.path().join("whole-street.csv");
    let rows = 8_000;
    let mut text = String::from("姓名,身份证号,所属社区\r\n");
    for i in 0..rows {
        let community = ["和平社区", "建设社区"][i % 2];
        text.push_str(&format!(
            "老人{i},{},{community}\r\n",
            id_born(1930 + (i / 1000) as i32, 5, 1, (i % 1000) as u16)
        ));
    }
    std::fs::write(&file, text).unwrap();
    let app = App::start_as(dir, "admin", PASSWORD).await;
    open_import(&app).await;
    preview_file(&app, &file).await;
    app.text_within("#import-counts", "共 8000 行", Duration::from_secs(60)).await;
    app.click("#import-run").await;
    // Shown for as long as the import runs (seconds, for 8,000 rows).
    let shown = app.text_with("#import-progress", "8,000 行").await;
    assert!(shown.starts_with("已处理"), "{shown}");
    app.screenshot("65-import-progress").await;
    let done = app.text_within("#import-done", "导入完成", Duration::from_secs(60)).await;
    assert!(done.contains("新增 8000 人"), "{done}");
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "elderly"), rows as i64);
}

#[tokio::test]
async fn an_unknown_community_mapped_to_a_known_one_and_a_column_changed_are_previewed_again() {
    let dir = office_dir();
    let file = dir.path().join("roster-2026.xlsx");
    roster_file(&file);
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.go("#/import").await;
    app.click("#import-template").await;
    let template = saved_path(&app, "#import-template-saved").await;
    assert!(
        template.exists() && template.display().to_string().contains("老年人花名册导入模板"),
        "{}",
        template.display()
    );
    assert!(sheet_cells(&template)[0].iter().any(|c| c.starts_with("身份证号")), "the template's header");
    preview_file(&app, &file).await;
    app.text_with("#import-counts", "有问题 2 行").await;
    app.select("#import-unknown select.value-select[data-field=community]", "建设社区").await;
    let counts = app.text_with("#import-counts", "有问题 1 行").await;
    assert!(counts.contains("新增 3 人"), "{counts}");
    assert!(!app.rows("#import-problems").await.iter().any(|r| r.contains("第6行")));
    // 联系电话 not imported: still every row but the bad ID number is new.
    app.select("#import-mapping select[data-field=phone]", "（不导入）").await;
    app.text_with("#import-counts", "新增 3 人").await;
    assert_eq!(app.value("#import-mapping select[data-field=phone]").await, "-");
    app.click("#import-run").await;
    app.text_with("#import-done", "新增 3 人").await;
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "elderly"), 3);
    let phones: i64 = store(dir.path())
        .conn()
        .query_row("SELECT count(*) FROM person WHERE phone IS NOT NULL AND phone != ''", [], |r| r.get(0))
        .unwrap();
    assert_eq!(phones, 0, "the phone column was not imported");
}

/// Households as a CSV, one row per member: 赵家 (two members, good) and 孙家,
/// whose child's ID number has a wrong check digit. The ID numbers, in the
/// order of the rows.
fn households_file(path: &std::path::Path) -> [String; 4] {
    let zhao = id_born(1975, 4, 5, 61);
    let qian = id_born(1977, 6, 7, 62);
    let sun = id_born(1970, 8, 9, 63);
    let mut bad = id_born(2008, 10, 11, 64);
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    let text = format!(
        "户主身份证号,社区,家庭住址,姓名,身份证号,与户主关系,就业状况,工作单位\n\
         {zhao},和平社区,和平路3号,赵振华,{zhao},户主,失业,\n\
         {zhao},和平社区,和平路3号,钱秀兰,{qian},配偶,就业,和平超市\n\
         {sun},建设社区,建设路8号,孙志强,{sun},户主,失业,\n\
         {sun},建设社区,建设路8号,孙小错,{bad},子女,在校学生,\n"
    );
    std::fs::write(path, text).unwrap();
    [zhao, qian, sun, bad]
}

#[tokio::test]
async fn a_households_file_is_previewed_and_only_its_good_households_are_imported_whole() {
    let dir = office_dir();
    let file = dir.path().join("家庭户-2026.csv");
    let [zhao, qian, _, bad] = households_file(&file);
    let app = App::start_as(dir, "admin", PASSWORD).await;
    open_import(&app).await;
    app.select("#import-register", "家庭户（零就业家庭）").await;
    preview_file(&app, &file).await;

    let counts = app.text_with("#import-counts", "共 4 行").await;
    assert!(
        counts.contains("表头在第 1 行") && counts.contains("新增 2 人") && counts.contains("有问题 2 行"),
        "{counts}"
    );
    // The bad number on its own row; its household's other row goes back with it.
    let problems = app.rows("#import-problems").await;
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems.iter().any(|r| r.contains("第5行") && r.contains("身份证号")), "{problems:?}");
    assert!(problems.iter().any(|r| r.contains("第4行") && r.contains("同户第5行有问题")), "{problems:?}");
    assert!(!problems.iter().any(|r| r.contains("第2行") || r.contains("第3行")), "{problems:?}");
    assert!(!problems.iter().any(|r| r.contains(&bad)), "no full ID number in a problem: {problems:?}");
    assert_eq!(app.value("#import-mapping select[data-field=household]").await, "A");
    assert_eq!(app.value("#import-mapping select[data-field=id_number]").await, "E");
    app.screenshot("65-import-households-preview").await;

    app.click("#import-run").await;
    let done = app.text_with("#import-done", "导入完成").await;
    assert!(done.contains("新增 2 人") && done.contains("未导入 2 行"), "{done}");
    let rejected = saved_path(&app, "#import-rejected").await;
    let dir = app.stop().await;

    let s = store(dir.path());
    let actor = Actor::admin("测试");
    let list = household::list(s.conn(), &actor, None, today()).unwrap();
    assert_eq!(list.len(), 1, "only 赵家");
    assert_eq!((list[0].head.as_str(), list[0].address.as_str(), list[0].members), ("赵振华", "和平路3号", 2));
    let view = household::detail(s.conn(), &actor, &list[0].id, today()).unwrap();
    let members: Vec<_> = view.members.iter().map(|m| (m.name.as_str(), m.relation.as_str())).collect();
    assert_eq!(members, [("赵振华", "户主"), ("钱秀兰", "配偶")]);
    let spouse = &view.members[1];
    assert_eq!((spouse.work_status.as_str(), spouse.employer.as_deref()), ("就业", Some("和平超市")));
    assert_eq!(count(dir.path(), "household_member"), 2);
    let numbers: Vec<String> = s
        .conn()
        .prepare("SELECT id_number FROM person ORDER BY id_number")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut expected = vec![zhao, qian];
    expected.sort();
    assert_eq!(numbers, expected, "nobody of 孙家 was written");

    let cells = sheet_cells(&rejected);
    assert_eq!(cells.len(), 3, "the header and 孙家's two rows: {cells:?}");
    assert!(cells[1].iter().any(|c| c == "孙志强") && cells[1][0].contains("原第4行"), "{:?}", cells[1]);
    assert!(cells[2].iter().any(|c| c == "孙小错") && cells[2][0].contains("原第5行"), "{:?}", cells[2]);
}

/// xdotool with `args`, its output; None when it fails or is not there.
fn xdotool(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("xdotool").args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[tokio::test]
async fn browse_opens_the_systems_file_chooser_and_the_file_picked_fills_the_path() {
    if xdotool(&["version"]).is_none() {
        eprintln!("no xdotool: the file chooser is not driven (cargo xtask test installs it)");
        return;
    }
    let dir = office_dir();
    // An ASCII name: xdotool types what a keyboard has.
    let file = dir.path().join("roster-browse.xlsx");
    roster_file(&file);
    let app = App::start_as(dir, "admin", PASSWORD).await;
    open_import(&app).await;
    app.click("#import-form .browse").await;
    // The chooser is GTK's own window, titled as the page asked.
    let path = file.display().to_string();
    pick_in_chooser("选择要导入的表格", &path).await;
    // The pick travels back through the dialog plugin to the page.
    let mut value = String::new();
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(15) {
        value = app.value("#import-path").await;
        if value == path {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(value, path, "the path picked is in the field");
    app.click("#import-preview").await;
    app.text_with("#import-counts", "共 4 行").await;
    app.stop().await;
}

/// The system's file choosers titled `title` that are on screen: GTK names
/// its window when it creates it, a moment (much longer on a loaded
/// machine) before it is shown and can take keys.
fn choosers_shown(title: &str) -> Vec<String> {
    xdotool(&["search", "--onlyvisible", "--name", title])
        .map(|w| w.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Picks `path` in the file chooser titled `title` as someone typing it
/// would: Ctrl+L, the path, Enter. Keys are real key presses (XTEST: GTK
/// ignores keys sent to a window by name), which go wherever the keyboard's
/// focus is when they are made; so each round waits for the chooser to be
/// shown and to have the focus (no window manager under Xvfb gives it), and
/// the keys go again while the chooser stays open: a completion popup can
/// take an Enter, and keys made while the focus was still elsewhere are lost.
async fn pick_in_chooser(title: &str, path: &str) {
    use std::time::{Duration, Instant};
    let started = Instant::now();
    let mut opened = false;
    while started.elapsed() < Duration::from_secs(60) {
        let Some(window) = choosers_shown(title).pop() else {
            if opened {
                return; // Picked: the chooser has closed.
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        if !opened {
            opened = true;
            if let Some(shots) = std::env::var_os("STREET_LEDGER_SCREENSHOTS") {
                let _ = std::fs::create_dir_all(&shots);
                let png = std::path::Path::new(&shots).join("66-import-browse-dialog.png");
                let _ = std::process::Command::new("import").args(["-window", "root"]).arg(&png).status();
            }
        }
        xdotool(&["windowfocus", "--sync", &window]);
        if xdotool(&["getwindowfocus"]).as_deref() != Some(window.as_str()) {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        // Ctrl+A: what an earlier round typed is replaced, not added to.
        xdotool(&["key", "ctrl+l", "ctrl+a"]);
        xdotool(&["type", "--delay", "20", path]);
        // After the location bar's completion has settled.
        tokio::time::sleep(Duration::from_millis(800)).await;
        xdotool(&["key", "Return"]);
        // The chooser closes once the keys are handled; a loaded machine
        // takes seconds for that. Still open: a completion popup took the
        // Enter (one more picks the path it filled in), or the keys were
        // lost (the next round types them again).
        for patience in [4, 8] {
            let round = Instant::now();
            while round.elapsed() < Duration::from_secs(patience) && choosers_shown(title).contains(&window) {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            if patience == 4 && choosers_shown(title).contains(&window) {
                xdotool(&["key", "Return"]);
            }
        }
    }
    panic!("the system's file chooser “{title}” did not open, or did not take the path {path}");
}

/// The 导入 page, opened from the menu.
async fn open_import(app: &App) {
    app.click("#nav a[data-nav=import]").await;
    app.find("#import-form").await;
}

/// `file` typed as the file to import, and previewed.
async fn preview_file(app: &App, file: &std::path::Path) {
    app.type_into("#import-path", &file.display().to_string()).await;
    app.click("#import-preview").await;
}
