//! 高龄津贴发放名册 on the demo street, for every month of the last year:
//! each sheet's 合计 is the sum of its rows, and each month's 合计 is last
//! month's 本月金额 (from last month's own roster) + 新增 − 停发 + 补发 ±
//! 标准调整, every figure read from the month's sheets.
use chrono::NaiveDate;
use street_ledger::access::Actor;
use street_ledger::demo::{self, DemoSpec};
use street_ledger::report::{self, Cell, Report, Request, Sheet};
use street_ledger::store::Store;
use tempfile::TempDir;

fn build(store: &Store, period: &str) -> Report {
    let req = Request { name: "elderly-allowance".into(), period: period.into(), ..Default::default() };
    report::build(store.conn(), &Actor::admin("admin"), &req).unwrap()
}

fn sheet<'r>(r: &'r Report, name: &str) -> &'r Sheet {
    r.sheets.iter().find(|s| s.name == name).unwrap()
}

/// The 合计 of the column headed `header`.
fn total(s: &Sheet, header: &str) -> f64 {
    let col = s.headers.iter().find(|h| h.text == header).unwrap_or_else(|| panic!("{header}")).col as usize;
    s.total.as_ref().unwrap()[col].as_f64()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

#[test]
fn every_month_of_the_last_year_reconciles_with_the_month_before() {
    let today = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let spec = DemoSpec { office_name: "和平街道".into(), communities: 3, persons: 4000, seed: 11, today };
    demo::generate(&mut store, &Actor::system(), &spec).unwrap();
    let mut previous = build(&store, "2025-06");
    let mut moved = [0.0; 4];
    for m in 7..=18 {
        let period = format!("{}-{:02}", 2025 + (m - 1) / 12, (m - 1) % 12 + 1);
        let r = build(&store, &period);
        for s in &r.sheets {
            let t = s.total.as_ref().unwrap();
            for (col, cell) in t.iter().enumerate().skip(1) {
                if let Cell::Money(v) = cell {
                    let sum: f64 = s.rows.iter().map(|row| row[col].as_f64()).sum();
                    assert!(close(*v, sum), "{period} {}: column {col}: 合计 {v} ≠ {sum}", s.name);
                }
            }
        }
        let main = sheet(&r, "发放名册");
        let rows_total: f64 = main.rows.iter().map(|row| row[7].as_f64() + row[8].as_f64()).sum();
        assert!(close(total(main, "合计"), rows_total), "{period}: 合计 = 本月金额 + 补发 of the rows");
        let flows = [
            total(sheet(&r, "新增"), "本月金额"),
            -total(sheet(&r, "停发"), "上月金额"),
            total(sheet(&r, "补发"), "补发金额"),
            total(sheet(&r, "标准调整"), "增减"),
        ];
        let last = total(sheet(&previous, "发放名册"), "本月金额");
        let expected = last + flows.iter().sum::<f64>();
        assert!(
            close(total(main, "合计"), expected),
            "{period}: 合计 {} ≠ last month {last} + 新增 − 停发 + 补发 ± 调整 {flows:?}",
            total(main, "合计")
        );
        for (seen, flow) in moved.iter_mut().zip(flows) {
            *seen += flow.abs();
        }
        previous = r;
    }
    // Tried on real movement: people were added, stopped, paid back, and
    // the January raise changed amounts.
    assert!(moved.iter().all(|m| *m > 0.0), "新增, 停发, 补发, 调整 over the year: {moved:?}");
    // A quarter sums its months.
    let q = total(sheet(&build(&store, "2026Q1"), "发放名册"), "合计");
    let months: f64 =
        ["2026-01", "2026-02", "2026-03"].iter().map(|p| total(sheet(&build(&store, p), "发放名册"), "合计")).sum();
    assert!(close(q, months), "2026Q1 {q} ≠ its months {months}");
}
