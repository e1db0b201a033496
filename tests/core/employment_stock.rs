//! 就业援助工作统计表 on the demo street: stock and flow reconcile (期初 +
//! 新增 − 退出 = 期末) for every community and the 合计, for every month and
//! quarter of the last three years, and each period's 期初 is the previous
//! period's 期末; in every re-employment report of those periods, each 合计
//! is the sum of its column.
use chrono::NaiveDate;
use street_ledger::access::Actor;
use street_ledger::demo::{self, DemoSpec};
use street_ledger::report::{self, Cell, Request};
use street_ledger::store::Store;
use tempfile::TempDir;

/// Columns of the sheet: 社区, 期初, 新增, 实现就业 (合计 + 3 ways), 退出
/// (合计 + 5 reasons), 期末 (合计 + 5 categories), …
const OPENING: usize = 1;
const NEW: usize = 2;
const PLACED: usize = 3;
const EXITS: usize = 7;
const CLOSING: usize = 13;

/// Every 合计 of a report's sheets is the sum of its column (序号 and the
/// running totals, given as text, aside).
fn totals_are_sums(store: &Store, name: &str, period: &str) {
    let req = Request { name: name.into(), period: period.into(), ..Default::default() };
    let r = report::build(store.conn(), &Actor::admin("admin"), &req).unwrap();
    for sheet in &r.sheets {
        let Some(total) = &sheet.total else { continue };
        for (col, t) in total.iter().enumerate().skip(1) {
            if matches!(t, Cell::Int(_) | Cell::Money(_)) {
                let sum: f64 = sheet.rows.iter().map(|row| row[col].as_f64()).sum();
                assert!((t.as_f64() - sum).abs() < 0.005, "{name} {period}: column {col}: {} ≠ {sum}", t.as_f64());
            }
        }
    }
}

fn stats(store: &Store, period: &str) -> Vec<Vec<i64>> {
    let req = Request { name: "employment-stats".into(), period: period.into(), ..Default::default() };
    let r = report::build(store.conn(), &Actor::admin("admin"), &req).unwrap();
    let sheet = &r.sheets[0];
    let header: Vec<String> = sheet.headers.iter().map(|h| h.text.clone()).collect();
    assert!(header.iter().any(|h| h.contains("期初在册")), "{header:?}");
    let ints = |row: &Vec<Cell>| row.iter().map(|c| if let Cell::Int(n) = c { *n } else { 0 }).collect::<Vec<i64>>();
    let mut rows: Vec<Vec<i64>> = sheet.rows.iter().map(ints).collect();
    rows.push(ints(sheet.total.as_ref().unwrap()));
    rows
}

#[test]
fn stock_and_flow_reconcile_for_every_community_month_and_quarter_of_three_years() {
    let today = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let spec = DemoSpec { office_name: "和平街道".into(), communities: 3, persons: 4000, seed: 11, today };
    demo::generate(&mut store, &Actor::system(), &spec).unwrap();
    let months: Vec<String> = (0..36)
        .map(|i| {
            let m = 2023 * 12 + 6 + i;
            format!("{}-{:02}", m / 12, m % 12 + 1)
        })
        .collect();
    let quarters: Vec<String> = (0..12)
        .map(|i| {
            let q = 2023 * 4 + 2 + i;
            format!("{}Q{}", q / 4, q % 4 + 1)
        })
        .collect();
    let (mut exits, mut retired, mut placed) = (0, 0, 0);
    for periods in [&months, &quarters] {
        let mut previous: Option<Vec<Vec<i64>>> = None;
        for period in periods.iter() {
            for name in ["employment-stats", "zero-employment-roster", "welfare-post-subsidy"] {
                totals_are_sums(&store, name, period);
            }
            let rows = stats(&store, period);
            for (i, r) in rows.iter().enumerate() {
                assert_eq!(r[OPENING] + r[NEW] - r[EXITS], r[CLOSING], "{period}, row {i}: {r:?}");
                assert_eq!(r[EXITS], r[EXITS + 1..EXITS + 6].iter().sum::<i64>(), "{period}, row {i}: exits by reason");
                assert_eq!(r[PLACED], r[EXITS + 1], "{period}, row {i}: placed = left for work");
                assert!(r[PLACED] >= r[PLACED + 1..PLACED + 4].iter().sum::<i64>(), "{period}, row {i}");
                for cat in &r[CLOSING + 1..CLOSING + 6] {
                    assert!(*cat <= r[CLOSING], "{period}, row {i}: a category above the stock");
                }
            }
            if let Some(prev) = &previous {
                for (i, (p, r)) in prev.iter().zip(&rows).enumerate() {
                    assert_eq!(p[CLOSING], r[OPENING], "{period}, row {i}: opening = last period's closing");
                }
            }
            let total = rows.last().unwrap();
            exits += total[EXITS];
            retired += total[EXITS + 2];
            placed += total[PLACED];
            previous = Some(rows);
        }
    }
    // The identity was tried on real movement, not on empty sheets.
    assert!(exits > 20 && retired > 0 && placed > 10, "exits {exits}, retired {retired}, placed {placed}");
}
