//! Exporting a 100,000-person roster (五类老人花名册) to .xlsx. Target: under
//! 1.5 s and under 50 MB of extra peak memory (the list streams to disk).
//!
//! The roster database is made once, by importing the import bench's
//! 100,000-row file, under `target/bench-data/report-100k-dated/`; registration dates spread over sixteen
//! years, so the period's 新增 sheet is a small part of the roster.
//! `cargo bench --bench report` times three exports; as a test
//! (`cargo test --benches`) it exports a 1,000-person roster once.
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;
use street_ledger::access::Actor;
use street_ledger::import::{self, Options};
use street_ledger::report::{self, Request};
use street_ledger::store::Store;
use street_ledger::{idcard, office};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid date")
}

fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data")
}

/// A roster file of `rows` elderly people.
fn roster_file(rows: usize) -> PathBuf {
    let path = bench_dir().join(format!("report-roster-{rows}.xlsx"));
    std::fs::create_dir_all(bench_dir()).unwrap();
    let mut book = Workbook::new();
    let s = book.add_worksheet_with_constant_memory().unwrap();
    for (c, h) in ["姓名", "身份证号", "所属社区", "老人类别", "登记日期"].iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..rows {
        let birth = NaiveDate::from_ymd_opt(1926, 1, 1).unwrap() + chrono::Duration::days((i * 7919 % 12_000) as i64);
        let id = idcard::compose(["110105", "110106", "110108"][i % 3], birth, (i / 12_000 % 1000) as u16);
        let r = i as u32 + 1;
        s.write_string(r, 0, format!("老人{i}")).unwrap();
        s.write_string(r, 1, id.to_string()).unwrap();
        s.write_string(r, 2, ["东风社区", "西城社区", "南山社区"][i % 3]).unwrap();
        s.write_string(r, 3, ["独居", "困难", "", "残疾"][i % 4]).unwrap();
        // Registered over sixteen years, as an office's roster grows: a
        // year's 新增 sheet is a small part of the roster.
        let registered =
            NaiveDate::from_ymd_opt(2010, 1, 1).unwrap() + chrono::Duration::days((i * 104_729 % 6_170) as i64);
        s.write_string(r, 4, registered.to_string()).unwrap();
    }
    book.save(&path).unwrap();
    path
}

fn roster_db(rows: usize) -> Store {
    let dir = bench_dir().join(format!("report-{}k-dated", rows / 1000));
    if let Ok(store) = Store::open_dir(&dir) {
        let n: i64 = store.conn().query_row("SELECT count(*) FROM elderly", [], |r| r.get(0)).unwrap_or(0);
        if n as usize == rows {
            return store;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let started = Instant::now();
    let mut store = Store::open_dir(&dir).unwrap();
    let names = ["东风社区", "西城社区", "南山社区"].map(String::from);
    office::setup(&mut store, &Actor::admin("bench"), "示例街道", &names).unwrap();
    let file = roster_file(rows);
    let out = import::import(&mut store, &Actor::admin("bench"), "elderly", &file, &Options::default(), None, today())
        .unwrap();
    assert_eq!(out.imported, rows);
    eprintln!("roster of {rows} made in {:.1} s", started.elapsed().as_secs_f64());
    store
}

/// A line of /proc/self/status in MB (Linux): VmHWM peak, VmRSS now.
fn status_mb(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Resets the peak to what is resident now, so an export's peak is its own
/// and not the import's that made the database (Linux: clear_refs 5).
fn reset_peak() -> f64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    status_mb("VmRSS:")
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let rows = if bench { 100_000 } else { 1_000 };
    let store = roster_db(rows);
    let req = Request { name: "elderly-roster".into(), period: "2026".into(), ..Default::default() };
    let out = tempfile::TempDir::new().unwrap();
    println!("{:>8} {:>10} {:>14} {:>8}", "rows", "export ms", "peak +MB", "target");
    for i in 0..if bench { 3 } else { 1 } {
        let before = reset_peak();
        let t = Instant::now();
        report::export(&store, &Actor::admin("bench"), &req, out.path().join(format!("{i}.xlsx")), today()).unwrap();
        let took = t.elapsed();
        let extra = status_mb("VmHWM:") - before;
        let verdict = if !bench {
            "smoke"
        } else if took.as_secs_f64() < 1.5 && extra < 50.0 {
            "ok"
        } else {
            "OVER"
        };
        println!("{rows:>8} {:>10.0} {extra:>14.1} {verdict:>8}", took.as_secs_f64() * 1000.0);
    }
}
