//! Importing a whole street's roster: a 100,000-row .xlsx file (the kind an
//! office keeps: title row, header, ID numbers as text) validated (the
//! rolled-back preview) and imported into an empty office. Target: under 5 s
//! for the import on these machines.
//!
//! `cargo bench --bench import` times each step three times and prints the
//! figures; the file is generated once under `target/bench-data/`.
//! As a test (`cargo test --benches`) it runs once on 1,000 rows.
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;
use street_ledger::access::Actor;
use street_ledger::import::{self, Options};
use street_ledger::store::Store;
use street_ledger::{idcard, office};
use tempfile::TempDir;

const TARGET: Duration = Duration::from_secs(5);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid date")
}

fn file(rows: usize) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("import-roster-{rows}.xlsx"));
    if path.exists() {
        return path;
    }
    let mut book = Workbook::new();
    let s = book.add_worksheet_with_constant_memory().unwrap();
    s.write_string(0, 0, "示例街道老年人花名册").unwrap();
    for (c, h) in ["序号", "姓名", "身份证号", "所属社区", "联系电话", "老人类别", "住址"].iter().enumerate()
    {
        s.write_string(1, c as u16, *h).unwrap();
    }
    let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
    let given = ["秀英", "桂兰", "建国", "玉兰", "国华", "淑珍", "德明", "凤英"];
    for i in 0..rows {
        let r = i as u32 + 2;
        let birth = NaiveDate::from_ymd_opt(1926, 1, 1).unwrap() + chrono::Duration::days((i * 7919 % 12_000) as i64);
        let id = idcard::compose(["110105", "110106", "110108"][i % 3], birth, (i / 12_000 % 1000) as u16);
        s.write_number(r, 0, i as f64 + 1.0).unwrap();
        s.write_string(r, 1, format!("{}{}", surnames[i % 10], given[i / 10 % 8])).unwrap();
        s.write_string(r, 2, id.to_string()).unwrap();
        s.write_string(r, 3, ["东风社区", "西城社区", "南山社区"][i % 3]).unwrap();
        s.write_string(r, 4, format!("138{:08}", i)).unwrap();
        s.write_string(r, 5, ["独居", "困难", "", "残疾"][i % 4]).unwrap();
        s.write_string(r, 6, format!("和平路{}号", i % 500)).unwrap();
    }
    book.save(&path).unwrap();
    path
}

fn empty_office() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let names = ["东风社区", "西城社区", "南山社区"].map(String::from);
    office::setup(&mut store, &Actor::admin("bench"), "示例街道", &names).unwrap();
    (dir, store)
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    // STREET_LEDGER_BENCH_ROWS: a smaller file, to see how time grows.
    let rows = std::env::var("STREET_LEDGER_BENCH_ROWS").ok().and_then(|r| r.parse().ok());
    let rows = rows.unwrap_or(if bench { 100_000 } else { 1_000 });
    let started = Instant::now();
    let path = file(rows);
    eprintln!("file of {rows} rows ready in {:.1} s: {}", started.elapsed().as_secs_f64(), path.display());
    let actor = Actor::admin("bench");
    let mut table = Vec::new();
    for _ in 0..if bench { 3 } else { 1 } {
        let (_dir, mut store) = empty_office();
        let t = Instant::now();
        let p = import::preview(&mut store, &actor, "elderly", &path, &Options::default(), today()).unwrap();
        let preview = t.elapsed();
        assert_eq!((p.new, p.problems.len()), (rows, 0), "{:?}", p.problems.first());
        let t = Instant::now();
        let out = import::import(&mut store, &actor, "elderly", &path, &Options::default(), None, today()).unwrap();
        let import = t.elapsed();
        assert_eq!(out.imported, rows);
        table.push((preview, import));
    }
    println!("{:>8} {:>14} {:>14} {:>8}", "rows", "validate ms", "import ms", "target");
    for (p, i) in &table {
        let verdict = if !bench {
            "smoke"
        } else if *i <= TARGET {
            "ok"
        } else {
            "OVER"
        };
        println!("{rows:>8} {:>14.0} {:>14.0} {verdict:>8}", p.as_secs_f64() * 1000.0, i.as_secs_f64() * 1000.0);
    }
}
