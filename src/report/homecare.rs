//! 居家养老服务结算单 (政府购买服务): a 汇总 sheet of every provider, and
//! one sheet per provider served in the period with its persons' hours,
//! amount, government subsidy and self-pay, a 合计 row and a 签字确认
//! column for each person's signature. The rules are in
//! `crate::elderly::homecare::settle`.
use rusqlite::Connection;

use super::{headers, total_row, Cell, Period, Scope, Sheet};
use crate::elderly::homecare::settle::{self, hours, Line};
use crate::elderly::homecare::{self as homecare, Provider};
use crate::Result;

fn money(cents: i64) -> Cell {
    Cell::Money(cents as f64 / 100.0)
}

/// Hours, two decimals (the 合计 sums them as amounts are summed).
fn hrs(centi: i64) -> Cell {
    Cell::Money(hours(centi))
}

fn sheet(
    name: String,
    title: String,
    cols: &[&str],
    widths: &[f64],
    rows: Vec<Vec<Cell>>,
    notes: Vec<String>,
) -> Sheet {
    let mut total = total_row(&rows, |_| {});
    if rows.is_empty() {
        // No rows to take the kinds from: zeros under the figures.
        total = cols
            .iter()
            .enumerate()
            .map(|(i, c)| match (i, *c) {
                (0, _) => Cell::text("合计"),
                (_, "服务人数") => Cell::Int(0),
                (_, c) if c.contains("时数") || c.contains('元') => Cell::Money(0.0),
                _ => Cell::text(""),
            })
            .collect();
    }
    Sheet {
        name,
        title,
        headers: headers(&cols.iter().map(|c| (*c, &[][..])).collect::<Vec<_>>()),
        widths: widths.to_vec(),
        row_count: rows.len(),
        rows,
        total: Some(total),
        notes,
    }
}

/// A sheet name Excel takes: none of `[]:*?/\`, at most 31 characters, not
/// one already used.
fn sheet_name(name: &str, used: &mut Vec<String>) -> String {
    let clean: String = name.chars().filter(|c| !"[]:*?/\\'".contains(*c)).take(28).collect();
    let clean = if clean.trim().is_empty() { "服务机构".to_string() } else { clean };
    let mut out = clean.clone();
    let mut n = 2;
    while used.contains(&out) {
        out = format!("{clean}{n}");
        n += 1;
    }
    used.push(out.clone());
    out
}

pub(super) fn settlement(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let providers = homecare::providers(conn)?;
    let lines = settle::lines(conn, scope.community.as_deref(), p.from, p.to)?;
    let mut sheets = vec![summary(&providers, &lines)];
    let mut used = vec!["汇总".to_string()];
    for provider in &providers {
        let mine: Vec<&Line> = lines.iter().filter(|l| l.provider_id == provider.id).collect();
        if !mine.is_empty() {
            sheets.push(provider_sheet(scope, provider, &mine, sheet_name(&provider.name, &mut used)));
        }
    }
    Ok(sheets)
}

fn summary(providers: &[Provider], lines: &[Line]) -> Sheet {
    let rows = providers
        .iter()
        .enumerate()
        .map(|(n, pr)| {
            let mine: Vec<&Line> = lines.iter().filter(|l| l.provider_id == pr.id).collect();
            let sum = |f: fn(&Line) -> i64| mine.iter().map(|l| f(l)).sum::<i64>();
            vec![
                Cell::Int(n as i64 + 1),
                Cell::text(&pr.name),
                Cell::Int(mine.len() as i64),
                hrs(sum(|l| l.hours)),
                money(sum(|l| l.amount)),
                money(sum(|l| l.subsidy)),
                money(sum(|l| l.self_pay)),
                hrs(sum(|l| l.over)),
            ]
        })
        .collect();
    sheet(
        "汇总".into(),
        "居家养老服务结算单（汇总）".into(),
        &["序号", "服务机构", "服务人数", "服务时数", "服务金额（元）", "政府补贴（元）", "个人自付（元）", "超出时数"],
        &[6., 24., 9., 10., 13., 13., 13., 10.],
        rows,
        vec!["每个服务机构的明细见同名工作表；服务人数为本期由该机构服务的老人人数。".into()],
    )
}

fn provider_sheet(scope: &Scope, pr: &Provider, lines: &[&Line], name: String) -> Sheet {
    let rows = lines
        .iter()
        .enumerate()
        .map(|(n, l)| {
            vec![
                Cell::Int(n as i64 + 1),
                Cell::text(&l.community),
                Cell::text(&l.name),
                scope.id_number(l.id_number.clone()),
                Cell::text(l.level.as_deref().unwrap_or("未评估")),
                hrs(l.entitled),
                hrs(l.hours),
                money(l.amount),
                money(l.subsidy),
                money(l.self_pay),
                hrs(l.over),
                Cell::text(""),
            ]
        })
        .collect();
    let contract = match (&pr.contract_from, &pr.contract_to) {
        (Some(f), Some(t)) => format!("合同期{f}至{t}；"),
        (Some(f), None) => format!("合同自{f}起；"),
        _ => String::new(),
    };
    sheet(
        name,
        format!("居家养老服务结算单（{}）", pr.name),
        &[
            "序号",
            "社区",
            "姓名",
            "身份证号",
            "评估等级",
            "应享时数",
            "服务时数",
            "服务金额（元）",
            "政府补贴（元）",
            "个人自付（元）",
            "超出时数",
            "签字确认",
        ],
        &[6., 11., 9., 21., 10., 9., 9., 12., 12., 12., 9., 12.],
        rows,
        vec![
            format!(
                "{contract}默认单价{:.2}元/小时，服务金额按每次服务登记的单价计算。",
                pr.price_cents as f64 / 100.0
            ),
            "应享时数按评估等级和当月标准（系统设置）计；同一老人当月在各机构的服务按日期先后计入应享时数，\
             应享时数内由政府补贴，超出部分由个人自付，列入“超出时数”。"
                .into(),
        ],
    )
}
