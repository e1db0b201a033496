//! 矛盾纠纷排查表: the disputes found by screening in the period, one row
//! each, by community and date, with a 合计 of how many.
use rusqlite::Connection;

use super::{headers, Cell, Period, Scope, Sheet};
use crate::access::Actor;
use crate::mediation::screening;
use crate::Result;

pub(super) fn sheet(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let all = screening::list(conn, &Actor::system(), &p.from_str(), &p.to_str(), scope.community.as_deref())?;
    let rows: Vec<Vec<Cell>> = all
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let s = r.input;
            let result = match (&s.result, &r.case_number) {
                (Some(res), Some(n)) => format!("{res}（已立案：{n}）"),
                (None, Some(n)) => format!("已立案：{n}"),
                (res, None) => res.clone().unwrap_or_default(),
            };
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(r.community),
                Cell::Text(s.date),
                Cell::Text(s.screener),
                Cell::Text(s.parties),
                Cell::Text(s.dispute_type),
                Cell::Text(s.summary.unwrap_or_default()),
                Cell::Text(s.risk),
                Cell::Text(s.owner),
                Cell::Text(s.deadline.unwrap_or_default()),
                Cell::Text(result),
            ]
        })
        .collect();
    let cols = [
        "序号",
        "社区",
        "排查日期",
        "排查人",
        "当事人",
        "纠纷类型",
        "纠纷简况",
        "风险等级",
        "责任人",
        "化解期限",
        "化解结果",
    ];
    let mut total = vec![Cell::text("合计"), Cell::Text(format!("{}件", rows.len()))];
    total.extend((2..cols.len()).map(|_| Cell::text("")));
    Ok(vec![Sheet {
        name: "排查表".into(),
        title: "矛盾纠纷排查表".into(),
        headers: headers(&cols.map(|c| (c, &[][..]))),
        widths: vec![5.0, 10.0, 11.0, 8.0, 14.0, 9.0, 24.0, 6.0, 8.0, 11.0, 20.0],
        total: Some(total),
        rows,
        notes: vec!["每发现一起纠纷登记一行；已立案的注明案号。本表件数计入人民调解工作统计表的“排查发现纠纷”。".into()],
        ..Default::default()
    }])
}
