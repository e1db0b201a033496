//! Footer rows (表尾): what offices write under the last person — a 合计
//! row, a 填表人/审核人 line, blank rows between — is skipped and listed as
//! such, never counted as rejected and never in the rejected-rows file; a
//! 小计 row in the middle of the data is rejected, saying what it looks like.
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Reader, Xlsx};
use rust_xlsxwriter::Workbook;
use street_ledger::import::{self, FooterRow, Options};
use tempfile::TempDir;

use crate::hostile::{demo_folder, run_limited, HANG};
use crate::support::{clerk, id_number, new_office, today};

/// A roster: title, header, then `rows` from Excel row 3 (an empty slice is
/// a blank row; a person is (name, ID number)).
fn roster(dir: &Path, community: &str, rows: &[Vec<&str>]) -> PathBuf {
    let path = dir.join("花名册.xlsx");
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    s.write_string(0, 0, "老年人花名册").unwrap();
    for (c, h) in ["序号", "社区", "姓名", "身份证号"].iter().enumerate() {
        s.write_string(1, c as u16, *h).unwrap();
    }
    for (i, cells) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        match cells.as_slice() {
            [name, id] => {
                s.write_number(r, 0, i as f64 + 1.0).unwrap();
                s.write_string(r, 1, community).unwrap();
                s.write_string(r, 2, *name).unwrap();
                s.write_string(r, 3, *id).unwrap();
            }
            other => {
                for (c, v) in other.iter().enumerate() {
                    s.write_string(r, c as u16, *v).unwrap();
                }
            }
        }
    }
    book.save(&path).unwrap();
    path
}

fn ids() -> Vec<String> {
    (1..=3).map(|i| id_number(1932, 2, i, 800 + i as u16)).collect()
}

const SIGNED: &str = "填表人：张三  审核人：李四  填报日期：2026年11月";

fn footer(rows: &[(usize, &str)]) -> Vec<FooterRow> {
    rows.iter().map(|(row, label)| FooterRow { row: *row, label: label.to_string() }).collect()
}

#[test]
fn a_total_row_and_a_signature_line_after_the_people_are_skipped_as_footer_not_rejected() {
    let mut o = new_office();
    let dir = TempDir::new().unwrap();
    let ids = ids();
    let rows: Vec<Vec<&str>> = vec![
        vec!["甲", &ids[0]],
        vec!["乙", &ids[1]],
        vec!["丙", &ids[2]],
        vec![],
        vec!["合计", "", "3人"],
        vec![],
        vec![SIGNED],
    ];
    let path = roster(dir.path(), "东风社区", &rows);
    let expected = footer(&[(7, "合计"), (9, "填表人")]);
    let p = import::preview(&mut o.store, &clerk(), "elderly", &path, &Options::default(), today()).unwrap();
    assert_eq!((p.rows, p.new), (3, 3), "{:?}", p.problems);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.footer, expected);
    let rejected = dir.path().join("未导入.xlsx");
    let out = import_elderly(&mut o.store, &path, &rejected);
    assert_eq!((out.imported, out.rejected), (3, 0), "{:?}", out.problems);
    assert_eq!(out.footer, expected);
    assert!(!rejected.exists(), "no rejected rows, no file");
    assert_eq!(o.count("elderly"), 3);
}

#[test]
fn a_subtotal_inside_the_data_is_rejected_as_what_it_is_while_the_total_after_it_is_skipped() {
    let mut o = new_office();
    let dir = TempDir::new().unwrap();
    let ids = ids();
    let rows: Vec<Vec<&str>> =
        vec![vec!["甲", &ids[0]], vec!["乙", &ids[1]], vec!["小计", "", "2人"], vec!["丙", &ids[2]], vec!["总计：3人"]];
    let path = roster(dir.path(), "东风社区", &rows);
    let p = import::preview(&mut o.store, &clerk(), "elderly", &path, &Options::default(), today()).unwrap();
    assert_eq!((p.rows, p.new), (4, 3));
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert_eq!(p.problems[0].row, 5);
    assert!(p.problems[0].message.contains("“小计”行"), "{}", p.problems[0].message);
    assert_eq!(p.footer, footer(&[(7, "总计")]));
    let rejected = dir.path().join("未导入.xlsx");
    let out = import_elderly(&mut o.store, &path, &rejected);
    assert_eq!((out.imported, out.rejected), (3, 1));
    // The rejected-rows file holds the subtotal, not the footer.
    let mut book: Xlsx<_> = open_workbook(&rejected).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let firsts: Vec<String> = range.rows().map(|r| r[0].to_string()).collect();
    assert_eq!(firsts.len(), 2, "{firsts:?}");
    assert!(firsts[1].starts_with("原第5行"), "{firsts:?}");
}

#[test]
fn the_command_previews_and_imports_a_roster_with_its_footer_skipped() {
    let (dir, _db) = demo_folder();
    let ids = ids();
    let rows: Vec<Vec<&str>> =
        vec![vec!["甲", &ids[0]], vec!["乙", &ids[1]], vec!["丙", &ids[2]], vec!["合计", "", "3人"], vec![SIGNED]];
    let path = roster(dir.path(), "和平社区", &rows);
    let file = path.to_str().unwrap();
    let line = "已跳过表尾2行（第6、7行：合计、填表人）";
    let dry = run_limited(dir.path(), &["--user", "admin", "import", "elderly", file, "--dry-run"], HANG);
    let out = String::from_utf8_lossy(&dry.stdout);
    assert_eq!(dry.status.code(), Some(0), "{out}{}", String::from_utf8_lossy(&dry.stderr));
    assert!(out.contains("可新增3行") && out.contains(line), "{out}");
    let done = run_limited(dir.path(), &["--user", "admin", "import", "elderly", file], HANG);
    let out = String::from_utf8_lossy(&done.stdout);
    assert_eq!(done.status.code(), Some(0), "{out}{}", String::from_utf8_lossy(&done.stderr));
    assert!(out.contains("新增3人") && out.contains("退回0行") && out.contains(line), "{out}");
}

/// Imports an elderly roster as a clerk, its rejected rows to `rejected`.
fn import_elderly(store: &mut street_ledger::store::Store, path: &Path, rejected: &Path) -> import::Outcome {
    let target = street_ledger::export::Target::from(rejected);
    import::import(store, &clerk(), "elderly", path, &Options::default(), Some(&target), today()).unwrap()
}
