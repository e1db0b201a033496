//! 人民调解以案定补发放表: per quarter, one line per mediator with the cases
//! agreed in it by difficulty and the subsidy due (`mediation::subsidy`),
//! a 合计, and a column to sign for receipt.
use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use super::{headers, total_row, Cell, Period, Scope, Sheet};
use crate::mediation::subsidy::{self, DIFFICULTIES};
use crate::Result;

/// The quarters the period touches, each cut to the period: (label, from, to).
fn quarters(p: &Period) -> Vec<(String, NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let (mut year, mut quarter) = (p.from.year(), p.from.month0() / 3 + 1);
    while (year, quarter) <= (p.to.year(), p.to.month0() / 3 + 1) {
        let start = NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1).expect("a quarter's first day");
        let next = if quarter == 4 { (year + 1, 1) } else { (year, quarter + 1) };
        let end = NaiveDate::from_ymd_opt(next.0, next.1 * 3 - 2, 1).and_then(|d| d.pred_opt()).expect("a day");
        let label = format!("{year}年第{}季度", ["一", "二", "三", "四"][quarter as usize - 1]);
        out.push((label, start.max(p.from), end.min(p.to)));
        (year, quarter) = next;
    }
    out
}

pub(super) fn roster(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let mut rows = Vec::new();
    let mut missing = false;
    for (label, from, to) in quarters(p) {
        for line in subsidy::roster(conn, scope.community.as_deref(), from, to)? {
            missing |= line.rate_missing;
            let mut row = vec![
                Cell::Int(rows.len() as i64 + 1),
                Cell::Text(label.clone()),
                Cell::Text(line.committee),
                Cell::Text(line.name),
            ];
            row.extend(line.counts.map(Cell::Int));
            row.push(Cell::Int(line.counts.iter().sum()));
            row.push(Cell::Money(line.cents as f64 / 100.0));
            row.push(Cell::text(if line.rate_missing { "有月份未设补贴标准" } else { "" }));
            row.push(Cell::text(""));
            rows.push(row);
        }
    }
    let groups: Vec<(&str, &[&str])> = vec![
        ("序号", &[]),
        ("季度", &[]),
        ("调委会", &[]),
        ("调解员", &[]),
        ("调解成功案件（件）", &[DIFFICULTIES[0], DIFFICULTIES[1], DIFFICULTIES[2], DIFFICULTIES[3], "小计"]),
        ("补贴金额（元）", &[]),
        ("备注", &[]),
        ("领取人签字", &[]),
    ];
    let rates = subsidy::Rates::read(conn)?;
    let rates: Vec<String> = DIFFICULTIES
        .iter()
        .map(|d| match rates.case_cents(Some(d), p.to) {
            Some(c) => format!("{d}{}元", c as f64 / 100.0),
            None => format!("{d}未设置"),
        })
        .collect();
    let mut notes = vec![
        "按调解协议日期计入季度；一案多名调解员的补贴平均分配（余数计入第一名），件数各计一件。".to_string(),
        format!(
            "期末执行的补贴标准（元/件）：{}；各案按协议日期所在月份的标准计算，未定难度的按一般计。",
            rates.join("、")
        ),
    ];
    if missing {
        notes.push("备注“有月份未设补贴标准”的，该月案件未计金额，请在系统设置中补设标准后重新导出。".into());
    }
    Ok(vec![Sheet {
        name: "以案定补".into(),
        title: "人民调解以案定补发放表".into(),
        headers: headers(&groups),
        widths: vec![5.0, 14.0, 16.0, 10.0, 6.0, 6.0, 6.0, 6.0, 6.0, 12.0, 14.0, 14.0],
        // An empty quarter still has its 合计 of zeros under every column.
        total: Some(if rows.is_empty() {
            let mut t = vec![Cell::text("合计"), Cell::text(""), Cell::text(""), Cell::text("")];
            t.extend([0; 5].map(Cell::Int));
            t.extend([Cell::Money(0.0), Cell::text(""), Cell::text("")]);
            t
        } else {
            total_row(&rows, |t| t[0] = Cell::text("合计"))
        }),
        rows,
        notes,
        ..Default::default()
    }])
}
