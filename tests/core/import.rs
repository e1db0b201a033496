//! Importing an office's existing roster files: the messy ones, made here
//! by the tests themselves (title rows over the header, merged community
//! cells, blank rows, a hidden column, Excel-mangled ID numbers, dates in
//! every form, full-width text, a GBK CSV), each problem reported per row in
//! Chinese; good rows in, bad rows out to a file, nothing twice.
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Reader, Xlsx};
use proptest::prelude::*;
use rust_xlsxwriter::Workbook;
use street_ledger::export::Target;
use street_ledger::import::cells::{self, Raw};
use street_ledger::import::{self, Existing, Options};
use street_ledger::{check, dump};
use tempfile::TempDir;

use crate::support::{clerk, id_number, new_office, today};

/// A roster as offices keep it: a title, a note, the header, two people of
/// 东风社区 under one merged community cell, a blank row, a hidden column.
fn messy_roster(dir: &Path) -> (PathBuf, Vec<String>) {
    let path = dir.join("老人花名册.xlsx");
    let ids = vec![id_number(1940, 3, 2, 11), id_number(1938, 5, 6, 12), id_number(1941, 7, 8, 13)];
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    s.set_name("2025年花名册").unwrap();
    s.merge_range(0, 0, 0, 8, "和平街道2025年五类老人花名册", &Default::default()).unwrap();
    s.write_string(1, 0, "填报单位：和平街道（盖章）").unwrap();
    let header =
        ["序号", "社区名称", "姓名", "公民身份号码", "手机号", "备注（内部）", "老人类别", "是否三无", "建档日期"];
    for (c, h) in header.iter().enumerate() {
        s.write_string(2, c as u16, *h).unwrap();
    }
    s.set_column_hidden(5).unwrap();
    s.merge_range(3, 1, 4, 1, "东风社区", &Default::default()).unwrap();
    let rows: [(&str, &str, &str, &str, &str, &str); 3] = [
        ("张 三", &ids[0], "138 0013 8000", "独居、困难", "否", "1945.3.2"),
        ("李四", &ids[1], "", "残疾", "是", "2020年5月6日"),
        ("王五", &ids[2], "13900139000", "独居", "", "2021-07-08"),
    ];
    for (i, (name, idn, phone, kinds, sanwu, date)) in rows.iter().enumerate() {
        let r = if i < 2 { 3 + i as u32 } else { 6 }; // row 5 (Excel 6) left blank
        s.write_number(r, 0, i as f64 + 1.0).unwrap();
        if i == 2 {
            s.write_string(r, 1, "西城社区").unwrap();
        }
        s.write_string(r, 2, *name).unwrap();
        s.write_string(r, 3, *idn).unwrap();
        s.write_string(r, 4, *phone).unwrap();
        s.write_string(r, 5, "内部备注").unwrap();
        s.write_string(r, 6, *kinds).unwrap();
        s.write_string(r, 7, *sanwu).unwrap();
        s.write_string(r, 8, *date).unwrap();
    }
    book.save(&path).unwrap();
    (path, ids)
}

#[test]
fn a_messy_roster_is_read_under_its_title_with_merged_cells_blank_rows_and_a_hidden_column() {
    let mut o = new_office();
    let dir = TempDir::new().unwrap();
    let (path, ids) = messy_roster(dir.path());
    let options = Options::default();
    let p = import::preview(&mut o.store, &clerk(), "elderly", &path, &options, today()).unwrap();
    assert_eq!((p.sheet.as_str(), p.header_row, p.rows, p.new), ("2025年花名册", 3, 3, 3), "{:?}", p.problems);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(o.count("elderly"), 0, "a preview writes nothing");
    let out = import::import(&mut o.store, &clerk(), "elderly", &path, &options, None, today()).unwrap();
    assert_eq!(out.imported, 3);
    let (name, community, sanwu, registered): (String, String, i64, String) = o
        .store
        .conn()
        .query_row(
            "SELECT p.name, c.name, e.sanwu, e.registered_on FROM elderly e JOIN person p ON p.id = e.person_id
             JOIN community c ON c.id = p.community_id WHERE p.id_number = ?1",
            [&ids[1]],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((name.as_str(), community.as_str(), sanwu, registered.as_str()), ("李四", "东风社区", 1, "2020-05-06"));
    let phone: String =
        o.store.conn().query_row("SELECT phone FROM person WHERE id_number = ?1", [&ids[0]], |r| r.get(0)).unwrap();
    assert_eq!(phone, "13800138000", "spaces dropped");
    // The same file again: nobody twice.
    let again = import::import(&mut o.store, &clerk(), "elderly", &path, &options, None, today()).unwrap();
    assert_eq!((again.imported, again.skipped), (0, 3));
    assert_eq!(o.count("elderly"), 3);
    assert!(check::check(o.store.conn()).unwrap().ok());
}

fn bad_rows_file(dir: &Path) -> PathBuf {
    let path = dir.join("有问题的表.xlsx");
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for (c, h) in ["姓名", "身份证号", "所属社区", "联系电话", "老人类别", "登记日期"].iter().enumerate()
    {
        s.write_string(0, c as u16, *h).unwrap();
    }
    let good = id_number(1944, 1, 1, 21);
    s.write_string(1, 0, "正确").unwrap();
    s.write_string(1, 1, &good).unwrap();
    s.write_string(1, 2, "东风社区").unwrap();
    s.write_string(2, 0, "被改成数字").unwrap();
    s.write_number(2, 1, 110105194401010000.0).unwrap();
    s.write_string(2, 2, "东风社区").unwrap();
    s.write_string(3, 0, "错号").unwrap();
    s.write_string(3, 1, "110105194401010021").unwrap();
    s.write_string(3, 2, "东风社区").unwrap();
    s.write_string(4, 0, "重复").unwrap();
    s.write_string(4, 1, &good).unwrap();
    s.write_string(4, 2, "东风社区").unwrap();
    s.write_string(5, 0, "未知社区").unwrap();
    s.write_string(5, 1, id_number(1944, 2, 2, 23)).unwrap();
    s.write_string(5, 2, "南山社区").unwrap();
    s.write_string(6, 0, "未知类别").unwrap();
    s.write_string(6, 1, id_number(1944, 3, 3, 25)).unwrap();
    s.write_string(6, 2, "西城社区").unwrap();
    s.write_string(6, 4, "孤寡").unwrap();
    s.write_string(7, 0, "坏电话和日期").unwrap();
    s.write_string(7, 1, id_number(1944, 4, 4, 27)).unwrap();
    s.write_string(7, 2, "西城社区").unwrap();
    s.write_string(7, 3, "12345").unwrap();
    s.write_string(7, 5, "1944年13月1日").unwrap();
    book.save(&path).unwrap();
    path
}

#[test]
fn every_problem_is_named_per_row_and_column_and_the_rejected_rows_come_back_in_a_file() {
    let mut o = new_office();
    let dir = TempDir::new().unwrap();
    let path = bad_rows_file(dir.path());
    let p = import::preview(&mut o.store, &clerk(), "elderly", &path, &Options::default(), today()).unwrap();
    let at = |row: usize| -> Vec<String> {
        p.problems.iter().filter(|x| x.row == row).map(|x| format!("{}|{}", x.column, x.message)).collect()
    };
    assert!(at(3)[0].starts_with("身份证号|") && at(3)[0].contains("文本"), "{:?}", at(3));
    assert!(at(4)[0].contains("校验"), "{:?}", at(4));
    assert!(!at(4)[0].contains("110105194401010021"), "messages never carry a full ID number");
    assert!(at(5)[0].contains("与第2行是同一人"), "{:?}", at(5));
    assert!(at(6)[0].starts_with("所属社区|") && at(6)[0].contains("南山社区"), "{:?}", at(6));
    assert_eq!(p.unknown.get("community").cloned(), Some(vec!["南山社区".to_string()]));
    assert!(at(7)[0].starts_with("老人类别|") && at(7)[0].contains("孤寡"), "{:?}", at(7));
    assert_eq!(at(8).len(), 2, "{:?}", at(8));
    assert_eq!(p.new, 1);
    // Nothing goes in when all or nothing is chosen.
    let strict = Options { all_or_nothing: true, ..Default::default() };
    let e = import::import(&mut o.store, &clerk(), "elderly", &path, &strict, None, today()).unwrap_err();
    assert_eq!(e.code(), "import.rejected");
    assert_eq!(o.count("elderly"), 0);
    // Mapping the unknown community and category lets those rows in.
    let mut mapped = Options::default();
    mapped.values.insert("community".into(), [("南山社区".to_string(), "东风社区".to_string())].into());
    mapped.values.insert("kinds".into(), [("孤寡".to_string(), "独居".to_string())].into());
    let rejected = dir.path().join("退回.xlsx");
    let out =
        import::import(&mut o.store, &clerk(), "elderly", &path, &mapped, Some(&Target::from(&rejected)), today())
            .unwrap();
    assert_eq!((out.imported, out.rejected), (3, 4));
    let mut book: Xlsx<_> = open_workbook(&rejected).unwrap();
    let range = book.worksheet_range(&book.sheet_names()[0]).unwrap();
    assert_eq!(range.get_value((0, 0)).unwrap().to_string(), "问题说明");
    assert_eq!(range.height(), 5, "the header and the four rejected rows");
    assert!(range.get_value((1, 0)).unwrap().to_string().starts_with("原第3行"));
}

#[test]
fn a_gbk_csv_and_a_person_already_on_the_roster_updated_skipped_or_stopping_the_import() {
    let mut o = new_office();
    let dir = TempDir::new().unwrap();
    let idn = id_number(1939, 9, 9, 31);
    o.register(&crate::support::elder("赵六", &idn, &o.dongfeng.clone()));
    let text = format!(
        "姓名,身份证号,社区,住址\r\n赵六,{idn},东风社区,和平路9号\r\n钱七,{},西城社区,建设路1号\r\n",
        id_number(1942, 2, 2, 33)
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let path = dir.path().join("花名册.csv");
    std::fs::write(&path, &gbk).unwrap();
    let stop = Options { existing: Existing::Stop, ..Default::default() };
    let e = import::import(&mut o.store, &clerk(), "elderly", &path, &stop, None, today()).unwrap_err();
    assert_eq!(e.code(), "import.existing");
    assert_eq!(o.count("elderly"), 1);
    let update = Options { existing: Existing::Update, ..Default::default() };
    let out = import::import(&mut o.store, &clerk(), "elderly", &path, &update, None, today()).unwrap();
    assert_eq!((out.imported, out.updated), (1, 1));
    let address: String =
        o.store.conn().query_row("SELECT address FROM person WHERE id_number = ?1", [&idn], |r| r.get(0)).unwrap();
    assert_eq!(address, "和平路9号");
}

#[test]
fn an_exported_roster_imported_into_an_empty_office_gives_the_same_records() {
    let mut a = new_office();
    for (i, name) in ["甲", "乙", "丙"].iter().enumerate() {
        let mut input =
            crate::support::elder(name, &id_number(1940, 1, 1 + i as u32, 41 + 2 * i as u16), &a.dongfeng.clone());
        input.kinds = vec!["独居".into()];
        input.person.phone = Some(format!("1380013800{i}"));
        a.register(&input);
    }
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("roster.xlsx");
    let req = street_ledger::report::Request {
        name: "elderly-roster".into(),
        period: "2025".into(),
        unmasked: true,
        ..Default::default()
    };
    street_ledger::report::export(&a.store, &clerk(), &req, &path, today()).unwrap();
    let mut b = new_office();
    let out = import::import(&mut b.store, &clerk(), "elderly", &path, &Options::default(), None, today()).unwrap();
    assert_eq!(out.imported, 3, "{:?}", out.problems);
    let fields = |o: &crate::support::Office| -> Vec<(String, String, String, String)> {
        o.store
            .conn()
            .prepare(
                "SELECT p.name, p.id_number, c.name, e.kinds FROM elderly e JOIN person p ON p.id = e.person_id
                 JOIN community c ON c.id = p.community_id ORDER BY p.id_number",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert_eq!(fields(&a), fields(&b));
    let _ = dump::records(b.store.conn()).unwrap();
}

#[test]
fn a_template_lists_the_dictionaries_as_drop_downs() {
    let o = new_office();
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("模板.xlsx");
    import::template(&o.store, "elderly", &path).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range("导入模板").unwrap();
    assert_eq!(range.get_value((0, 1)).unwrap().to_string(), "身份证号*");
    let xml = sheet_xml(&path);
    assert!(xml.contains("dataValidation") && xml.contains("东风社区"), "drop-down lists");
}

/// The first sheet's XML: calamine does not expose validations, so the
/// tests look at the sheet itself.
pub fn sheet_xml(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let entry = archive.by_name("xl/worksheets/sheet1.xml").unwrap();
    std::io::read_to_string(entry).unwrap()
}

#[test]
fn an_old_xls_roster_is_read_under_its_merged_title_with_blank_rows() {
    use crate::xls::{Cell, Sheet};
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("老人花名册.xls");
    let ids = [id_number(1940, 3, 2, 61), id_number(1938, 5, 6, 62), id_number(1941, 7, 8, 63)];
    let text = |r: u16, c: u16, s: &str| (r, c, Cell::Text(s.to_string()));
    let mut cells = vec![text(0, 0, "和平街道五类老人花名册")];
    for (c, h) in ["序号", "姓名", "身份证号", "社区", "联系电话"].iter().enumerate() {
        cells.push(text(1, c as u16, h));
    }
    // Row 3 (Excel) blank; 西城社区 merged down rows 5 and 6.
    let people = [(2, "张三", &ids[0], "东风社区"), (4, "李四", &ids[1], "西城社区"), (5, "王五", &ids[2], "")];
    for (n, (r, name, idn, community)) in people.iter().enumerate() {
        cells.push((*r, 0, Cell::Number(n as f64 + 1.0)));
        cells.extend([text(*r, 1, name), text(*r, 2, idn)]);
        if !community.is_empty() {
            cells.push(text(*r, 3, community));
        }
    }
    cells.push((2, 4, Cell::Number(13800138000.0)));
    let sheet = Sheet { name: "花名册".into(), cells, merged: vec![(0, 0, 0, 4), (4, 5, 3, 3)] };
    crate::xls::write(&path, &sheet);

    let mut o = new_office();
    let p = import::preview(&mut o.store, &clerk(), "elderly", &path, &Options::default(), today()).unwrap();
    assert_eq!((p.sheet.as_str(), p.header_row, p.rows, p.new), ("花名册", 2, 3, 3), "{:?}", p.problems);
    let out = import::import(&mut o.store, &clerk(), "elderly", &path, &Options::default(), None, today()).unwrap();
    assert_eq!(out.imported, 3, "{:?}", out.problems);
    let person = |idn: &str| -> (String, String, Option<String>) {
        o.store
            .conn()
            .query_row(
                "SELECT p.name, c.name, p.phone FROM person p JOIN community c ON c.id = p.community_id
                 WHERE p.id_number = ?1",
                [idn],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    };
    assert_eq!(person(&ids[0]), ("张三".into(), "东风社区".into(), Some("13800138000".into())));
    assert_eq!(person(&ids[2]), ("王五".into(), "西城社区".into(), None), "the merged community applies");
    assert_eq!(o.count("elderly"), 3);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn the_cell_parsers_never_panic(s in "\\PC{0,40}", n in proptest::num::f64::ANY) {
        for raw in [Raw::Text(s.clone()), Raw::Number(n)] {
            let _ = cells::id_number(&raw);
            let _ = cells::date(&raw);
            let _ = cells::phone(&raw);
            let _ = cells::yes_no(&raw);
        }
    }

    #[test]
    fn any_valid_id_number_survives_full_width_and_spaces(days in 0i64..40_000, seq in 0u16..1000) {
        let birth = chrono::NaiveDate::from_ymd_opt(1920, 1, 1).unwrap() + chrono::Duration::days(days);
        let id = street_ledger::idcard::compose("110105", birth, seq).to_string();
        let wide: String = id.chars().map(|c| char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap()).collect();
        prop_assert_eq!(cells::id_number(&Raw::Text(format!(" {wide} "))).unwrap(), Some(id));
    }
}

#[test]
fn a_row_that_only_the_register_itself_refuses_is_rejected_alone() {
    let mut o = new_office();
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("年龄.csv");
    let text = format!(
        "姓名,身份证号,社区\n年长,{},东风社区\n年轻,{},东风社区\n另一位,{},西城社区\n",
        id_number(1940, 1, 1, 51),
        id_number(1995, 1, 1, 53),
        id_number(1941, 1, 1, 55)
    );
    std::fs::write(&path, text).unwrap();
    let out = import::import(&mut o.store, &clerk(), "elderly", &path, &Options::default(), None, today()).unwrap();
    assert_eq!((out.imported, out.rejected), (2, 1));
    assert_eq!(out.problems[0].row, 3);
    assert!(out.problems[0].message.contains("60"), "{:?}", out.problems);
    assert_eq!(o.count("person"), 2, "the refused row left nothing behind");
    assert!(check::check(o.store.conn()).unwrap().ok());
}

#[test]
fn a_person_imported_before_a_refused_edit_of_someone_on_file_stays_findable() {
    use street_ledger::employment::case::{self, CaseInput};
    use street_ledger::person::search::{self, PersonQuery};
    use street_ledger::person::PersonInput;
    let mut o = new_office();
    // 钱青年 is on file already (re-employment), too young for the roster.
    let young = id_number(1990, 5, 6, 61);
    let person = PersonInput {
        name: "钱青年".into(),
        id_number: Some(young.clone()),
        community_id: Some(o.dongfeng.clone()),
        ..Default::default()
    };
    case::register(&mut o.store, &clerk(), &CaseInput { person, ..Default::default() }, today()).unwrap();
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("花名册.csv");
    let text = format!(
        "姓名,身份证号,社区,联系电话\n孙寿康,{},东风社区,13800000001\n钱青年,{young},东风社区,13900000002\n",
        id_number(1940, 1, 1, 63)
    );
    std::fs::write(&path, text).unwrap();
    // The register refuses 钱青年 only after his phone was changed, inside
    // his row's own savepoint, which is undone.
    let out = import::import(&mut o.store, &clerk(), "elderly", &path, &Options::default(), None, today()).unwrap();
    assert_eq!((out.imported, out.rejected), (1, 1), "{:?}", out.problems);
    assert!(check::check(o.store.conn()).unwrap().ok(), "the search index lost a row");
    let q = PersonQuery { text: "孙寿康".into(), ..Default::default() };
    assert_eq!(search::search(o.store.conn(), &clerk(), &q, today()).unwrap().total, 1);
}

#[test]
fn when_the_rejected_rows_cannot_be_written_the_user_learns_the_good_rows_are_in_and_a_rerun_fixes_it() {
    let mut o = new_office();
    let dir = TempDir::new().unwrap();
    let path = bad_rows_file(dir.path());
    // A file where its folder should be: no folder can be made there.
    std::fs::write(dir.path().join("不是文件夹"), b"a file").unwrap();
    let nowhere = dir.path().join("不是文件夹").join("退回.xlsx");
    let e = import::import(
        &mut o.store,
        &clerk(),
        "elderly",
        &path,
        &Options::default(),
        Some(&Target::from(&nowhere)),
        today(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "import.rejected_file");
    assert!(e.to_string().contains("数据已导入") && e.to_string().contains("再导入一次"), "{e}");
    assert_eq!(o.count("elderly"), 1, "the good row is in");
    // The same file again, to a folder that exists: nobody twice, the file written.
    let rejected = dir.path().join("退回.xlsx");
    let out = import::import(
        &mut o.store,
        &clerk(),
        "elderly",
        &path,
        &Options::default(),
        Some(&Target::from(&rejected)),
        today(),
    )
    .unwrap();
    assert_eq!((out.imported, out.skipped), (0, 1));
    assert_eq!(o.count("elderly"), 1);
    assert!(rejected.exists());
}

#[test]
fn a_long_file_tells_how_far_its_rows_have_got_when_previewed_and_imported() {
    let mut o = new_office();
    let dir = TempDir::new().unwrap();
    let rows = import::PROGRESS_EVERY * 2 + 7;
    let mut text = String::from("姓名,身份证号,所属社区\r\n");
    for i in 0..rows {
        let idn = id_number(1940 + (i / 1000) as i32, 3, 8, (i % 1000) as u16);
        text.push_str(&format!("老人{i},{idn},东风社区\r\n"));
    }
    let path = dir.path().join("花名册.csv");
    std::fs::write(&path, text).unwrap();
    let told = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = told.clone();
    let options =
        Options { on_progress: import::OnProgress::new(move |p| log.lock().unwrap().push(p)), ..Default::default() };
    let expected: Vec<import::Progress> = [import::PROGRESS_EVERY, import::PROGRESS_EVERY * 2, rows]
        .into_iter()
        .map(|done| import::Progress { done, total: rows })
        .collect();

    let p = import::preview(&mut o.store, &clerk(), "elderly", &path, &options, today()).unwrap();
    assert_eq!(p.new, rows, "{:?}", p.problems.first());
    assert_eq!(std::mem::take(&mut *told.lock().unwrap()), expected);
    let out = import::import(&mut o.store, &clerk(), "elderly", &path, &options, None, today()).unwrap();
    assert_eq!(out.imported, rows);
    assert_eq!(*told.lock().unwrap(), expected);
}
