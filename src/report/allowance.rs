//! 高龄津贴发放名册: the main list (every payment of the period with its
//! 补发 and 合计), and the month's changes on their own sheets: 新增, 停发,
//! 补发 and 标准调整 (tier or policy changes). A month's 合计 is last
//! month's 本月金额 + 新增 − 停发 + 补发 ± 标准调整, as the notes show; a
//! quarter or year sums its months.
use std::collections::HashMap;

use rusqlite::Connection;

use super::{headers, total_row, Cell, Period, Scope, Sheet};
use crate::elderly::allowance::pay::{month_text, Month, MonthPay, Rules};
use crate::elderly::allowance::{self, mask_account, Entry, STOPPED};
use crate::Result;

fn yuan(cents: i64) -> Cell {
    Cell::Money(cents as f64 / 100.0)
}

/// The sheets of the period.
pub(super) fn roster(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let rules = Rules::read(conn)?;
    let entries = allowance::entries(conn, scope.community.as_deref(), None)?;
    let months: Vec<Month> = allowance::months(p.from, p.to).collect();
    let one_month = months.len() == 1;
    // Per entry: (本期金额, 补发, the last month paid's tier and standard).
    let mut main: Vec<(usize, i64, i64, Option<MonthPay>)> = Vec::new();
    let (mut added, mut stopped, mut back, mut changed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut flows = HashMap::<&str, i64>::new();
    for (i, e) in entries.iter().enumerate() {
        let (mut regular, mut backpay, mut shown) = (0, 0, None);
        for &m in &months {
            let (now, before) = (e.facts.pay(&rules, m), e.facts.pay(&rules, m - 1));
            regular += now.regular;
            backpay += now.backpay;
            *flows.entry("上月").or_default() += before.regular;
            match (before.paid, now.paid) {
                (false, true) => {
                    *flows.entry("新增").or_default() += now.regular;
                    added.push(added_row(&rules, scope, e, m, &now));
                }
                (true, false) => {
                    *flows.entry("停发").or_default() += before.regular;
                    stopped.push(stopped_row(&rules, scope, e, m, &before));
                }
                (true, true) if now.regular != before.regular => {
                    *flows.entry("调整").or_default() += now.regular - before.regular;
                    changed.push(changed_row(&rules, scope, e, m, &before, &now));
                }
                _ => {}
            }
            if now.backpay > 0 || !now.backpay_months.is_empty() {
                *flows.entry("补发").or_default() += now.backpay;
                back.push(backpay_row(scope, e, m, &now));
            }
            if now.paid || !now.backpay_months.is_empty() {
                shown = Some(now);
            }
        }
        if let Some(pay) = shown {
            main.push((i, regular, backpay, Some(pay)));
        }
    }
    let main_rows: Vec<Vec<Cell>> = main
        .iter()
        .enumerate()
        .map(|(n, (i, regular, backpay, pay))| {
            let e = &entries[*i];
            let pay = pay.clone().unwrap_or_default();
            let account = e.account.as_deref().map(|a| if scope.unmasked { a.to_string() } else { mask_account(a) });
            vec![
                Cell::Int(n as i64 + 1),
                Cell::Text(e.community.clone()),
                Cell::Text(e.name.clone()),
                scope.id_number(e.id_number.clone()),
                Cell::Text(e.birth_date.clone()),
                Cell::Text(tier(&rules, &pay)),
                yuan(pay.standard),
                yuan(*regular),
                yuan(*backpay),
                yuan(regular + backpay),
                Cell::Text(account.unwrap_or_default()),
            ]
        })
        .collect();
    let flow = |k: &str| flows.get(k).copied().unwrap_or(0);
    let mut notes = vec![
        "年满起始年龄的次月起发（或按设置自申请次月起发）；去世、迁出的，发放至当月，次月起自动停发。".to_string(),
        "暂停期间的月份在恢复发放当月补发；补登记的，在申请当月补发此前应发的月份（最多补发月数见系统设置）。".into(),
        "标准未设置的月份按0元计，请管理员在系统设置中填写高龄津贴各档标准。".into(),
    ];
    let yuan_text = |c: i64| format!("{:.2}", c as f64 / 100.0);
    notes.push(format!(
        "本期合计{}元 = 上月本月金额{}元 + 新增{}元 − 停发{}元 + 补发{}元 {} 标准调整{}元{}。",
        yuan_text(flow("上月") + flow("新增") - flow("停发") + flow("补发") + flow("调整")),
        yuan_text(flow("上月")),
        yuan_text(flow("新增")),
        yuan_text(flow("停发")),
        yuan_text(flow("补发")),
        if flow("调整") < 0 { "−" } else { "+" },
        yuan_text(flow("调整").abs()),
        if one_month { "" } else { "（各月相加）" }
    ));
    let amount = if one_month { "本月金额" } else { "本期金额" };
    let main_cols = ["序号", "社区", "姓名", "身份证号", "出生日期", "年龄段", "标准", amount, "补发", "合计", "账号"];
    Ok(vec![
        sheet(
            "发放名册",
            "高龄津贴发放名册",
            &main_cols,
            &[5., 10., 8., 20., 11., 10., 8., 12., 10., 12., 22.],
            main_rows,
            notes,
        ),
        sheet(
            "新增",
            "高龄津贴新增名单",
            &["序号", "月份", "社区", "姓名", "身份证号", "出生日期", "年龄段", "标准", "本月金额", "原因"],
            &[5., 9., 10., 8., 20., 11., 10., 8., 9., 12.],
            added,
            vec!["本月起发放的：年满起始年龄生日当月的次月（或申请当月的次月）起新发的，以及暂停、停发后恢复发放的。"
                .into()],
        ),
        sheet(
            "停发",
            "高龄津贴停发名单",
            &["序号", "月份", "社区", "姓名", "身份证号", "年龄段", "上月金额", "停发日期", "原因"],
            &[5., 9., 10., 8., 20., 10., 9., 11., 16.],
            stopped,
            vec!["停发、暂停的，自变动日期的次月起不发；去世、迁出的自当月的次月起不发。".into()],
        ),
        sheet(
            "补发",
            "高龄津贴补发名单",
            &["序号", "月份", "社区", "姓名", "身份证号", "补发月份", "月数", "补发金额", "原因"],
            &[5., 9., 10., 8., 20., 20., 6., 9., 10.],
            back,
            vec!["补登记的，在申请当月补发此前应发的月份；暂停后恢复发放的，在恢复当月补发暂停期间的月份。".into()],
        ),
        sheet(
            "标准调整",
            "高龄津贴标准调整名单",
            &["序号", "月份", "社区", "姓名", "身份证号", "上月年龄段", "本月年龄段", "上月金额", "本月金额", "增减"],
            &[5., 9., 10., 8., 20., 10., 10., 9., 9., 9.],
            changed,
            vec!["升档（年满90、100周岁的次月起）或标准调整（按执行起始月份）引起的金额变化。".into()],
        ),
    ])
}

/// A list sheet with its numbered rows and a 合计 row.
fn sheet(
    name: &str,
    title: &str,
    cols: &[&str],
    widths: &[f64],
    mut rows: Vec<Vec<Cell>>,
    notes: Vec<String>,
) -> Sheet {
    for (n, row) in rows.iter_mut().enumerate() {
        row[0] = Cell::Int(n as i64 + 1);
    }
    let groups: Vec<(&str, &[&str])> = cols.iter().map(|c| (*c, &[][..])).collect();
    // A sum of monthly standards means nothing: that column's 合计 is blank.
    let total = total_row(&rows, |t| {
        for (cell, col) in t.iter_mut().zip(cols).skip(1) {
            if *col == "标准" {
                *cell = Cell::text("");
            }
        }
    });
    // An empty list still has its 合计 row, of zeros.
    let total = if rows.is_empty() {
        let mut t = vec![Cell::text("合计")];
        t.extend(cols[1..].iter().map(|c| if money(c) { Cell::Money(0.0) } else { Cell::text("") }));
        t
    } else {
        total
    };
    Sheet {
        name: name.into(),
        title: title.into(),
        headers: headers(&groups),
        widths: widths.to_vec(),
        total: Some(total),
        row_count: rows.len(),
        rows,
        notes,
    }
}

/// The columns a 合计 row sums as money (标准 is not summed).
fn money(col: &str) -> bool {
    col.contains("金额") || matches!(col, "补发" | "合计" | "增减")
}

fn tier(rules: &Rules, pay: &MonthPay) -> String {
    pay.tier.map(|t| rules.tiers[t].label.clone()).unwrap_or_default()
}

/// 序号 (numbered by [`sheet`]), 月份, 社区, 姓名, 身份证号.
fn who(scope: &Scope, e: &Entry, m: Month) -> Vec<Cell> {
    vec![
        Cell::Int(0),
        Cell::Text(month_text(m)),
        Cell::Text(e.community.clone()),
        Cell::Text(e.name.clone()),
        scope.id_number(e.id_number.clone()),
    ]
}

fn added_row(rules: &Rules, scope: &Scope, e: &Entry, m: Month, now: &MonthPay) -> Vec<Cell> {
    let resumed =
        e.facts.event_for(m - 1).is_some_and(|ev| ev.from > e.facts.applied || ev.status != allowance::GRANTED);
    let mut row = who(scope, e, m);
    row.extend([
        Cell::Text(e.birth_date.clone()),
        Cell::Text(tier(rules, now)),
        yuan(now.standard),
        yuan(now.regular),
        Cell::text(if resumed { "恢复发放" } else { "新增" }),
    ]);
    row
}

fn stopped_row(rules: &Rules, scope: &Scope, e: &Entry, m: Month, before: &MonthPay) -> Vec<Cell> {
    let (date, reason) = match (&e.facts.left, e.facts.event_for(m)) {
        (Some(l), _) if l.month < m => (l.date.clone(), l.status.clone()),
        (_, Some(ev)) => (ev.date.clone(), format!("{}：{}", ev.status, ev.reason.clone().unwrap_or_default())),
        _ => (String::new(), STOPPED.to_string()),
    };
    let mut row = who(scope, e, m);
    row.extend([Cell::Text(tier(rules, before)), yuan(before.regular), Cell::Text(date), Cell::Text(reason)]);
    row
}

fn backpay_row(scope: &Scope, e: &Entry, m: Month, now: &MonthPay) -> Vec<Cell> {
    let first = now.backpay_months.first().copied().unwrap_or(m);
    let last = now.backpay_months.last().copied().unwrap_or(m);
    let span = if first == last { month_text(first) } else { format!("{}至{}", month_text(first), month_text(last)) };
    let late = first < e.facts.applied;
    let mut row = who(scope, e, m);
    row.extend([
        Cell::Text(span),
        Cell::Int(now.backpay_months.len() as i64),
        yuan(now.backpay),
        Cell::text(if late { "补登记" } else { "恢复发放" }),
    ]);
    row
}

fn changed_row(rules: &Rules, scope: &Scope, e: &Entry, m: Month, before: &MonthPay, now: &MonthPay) -> Vec<Cell> {
    let mut row = who(scope, e, m);
    row.extend([
        Cell::Text(tier(rules, before)),
        Cell::Text(tier(rules, now)),
        yuan(before.regular),
        yuan(now.regular),
        yuan(now.regular - before.regular),
    ]);
    row
}
