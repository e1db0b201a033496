//! 五类老人花名册 and 居家养老服务情况统计表.
use std::collections::HashMap;

use rusqlite::Connection;

use super::{headers, total_row, Cell, Out, Period, Scope, Sheet};
use crate::access::Actor;
use crate::elderly::{high_age_threshold, kinds_on};
use crate::Result;

const KINDS: [&str; 5] = ["独居", "困难", "残疾", "高龄", "有特殊贡献"];

/// The roster at the end of the period, with who came (新增) and who left
/// (减少, with the reason) during it. Each list streams from its query, so
/// the roster of a whole street is never held.
pub(super) fn roster(conn: &Connection, scope: &Scope, p: &Period, out: &mut Out) -> Result<()> {
    let high_age = high_age_threshold(conn)?;
    let cols =
        ["序号", "社区", "姓名", "性别", "身份证号", "年龄", "老人类别", "三无", "企业退休", "居住情况", "登记日期"];
    let leave_cols = ["序号", "社区", "姓名", "性别", "身份证号", "年龄", "老人类别", "变动", "变动日期", "原因"];
    // The columns both lists share, then each list's own.
    let rows = |cond: &str, left: bool, emit: &mut dyn FnMut(Vec<Cell>) -> Result<()>| -> Result<()> {
        let sql = format!(
            "SELECT c.name, p.name, p.sex, p.id_number, p.birth_date, e.kinds, e.sanwu, e.enterprise_retiree,
                    e.living_arrangement, e.registered_on, e.status, e.status_date, e.status_reason, {in_force}
             FROM elderly e JOIN person p ON p.id = e.person_id LEFT JOIN community c ON c.id = p.community_id
             WHERE (?1 IS NULL OR p.community_id = ?1) AND {cond}
             ORDER BY c.sort, p.name_key",
            in_force = crate::elderly::assistance::IN_FORCE_SQL
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut it = stmt.query(rusqlite::params![scope.community, p.from_str(), p.to_str()])?;
        let mut n = 0;
        while let Some(r) = it.next()? {
            n += 1;
            let opt = |i: usize| -> rusqlite::Result<Cell> {
                Ok(Cell::Text(r.get::<_, Option<String>>(i)?.unwrap_or_default()))
            };
            let birth: Option<String> = r.get(4)?;
            let mut kinds = kinds_on(&r.get::<_, String>(5)?, birth.as_deref(), high_age, p.to);
            // 困难 and 残疾 as the records in force make them (today's, not the period's).
            crate::elderly::assistance::apply(&mut kinds, r.get::<_, Option<String>>(13)?.as_deref());
            let kinds = kinds.join("、");
            let yes = |v: bool| Cell::text(if v { "是" } else { "" });
            let mut row = Vec::with_capacity(11);
            row.extend([
                Cell::Int(n),
                opt(0)?,
                Cell::Text(r.get(1)?),
                opt(2)?,
                scope.id_number(r.get(3)?),
                crate::person::age(birth.as_deref(), p.to).map_or(Cell::text(""), |a| Cell::Int(a as i64)),
                Cell::Text(kinds),
            ]);
            if left {
                row.extend([Cell::Text(r.get(10)?), opt(11)?, opt(12)?]);
            } else {
                row.extend([yes(r.get(6)?), yes(r.get(7)?), opt(8)?, Cell::Text(r.get(9)?)]);
            }
            emit(row)?;
        }
        Ok(())
    };
    let list = |name: &str, title: &str| Sheet {
        name: name.into(),
        title: title.into(),
        headers: headers(&cols.map(|c| (c, &[][..]))),
        widths: vec![6.0, 12.0, 10.0, 6.0, 21.0, 6.0, 22.0, 6.0, 8.0, 12.0, 12.0],
        notes: vec!["老人类别中“高龄”按报表期末年龄计算；身份证号按本单位规定遮蔽显示。".into()],
        ..Sheet::default()
    };
    // On the roster at the period's end: registered by then, not left by then.
    out.list(list("花名册", "五类老人花名册"), |emit| {
        rows("e.registered_on <= ?3 AND (e.status = '在册' OR e.status_date > ?3)", false, emit)
    })?;
    out.list(list("新增", "五类老人花名册（新增）"), |emit| {
        rows("e.registered_on BETWEEN ?2 AND ?3", false, emit)
    })?;
    let leave = Sheet {
        name: "减少".into(),
        title: "五类老人花名册（减少）".into(),
        headers: headers(&leave_cols.map(|c| (c, &[][..]))),
        widths: vec![6.0, 12.0, 10.0, 6.0, 21.0, 6.0, 22.0, 8.0, 12.0, 24.0],
        notes: vec!["变动为迁出或去世，按变动日期计入报表期间。".into()],
        ..Sheet::default()
    };
    out.list(leave, |emit| rows("e.status <> '在册' AND e.status_date BETWEEN ?2 AND ?3", true, emit))
}

/// Per community: elderly by kind, services by type, free and low-cost
/// counts and charges, visits made and overdue.
pub(super) fn services(conn: &Connection, actor: &Actor, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let high_age = high_age_threshold(conn)?;
    let types = crate::dict::labels(conn, "service_type")?;
    // One pass over each table for every community at once, added up per
    // community here: a query per community and figure walked all of that
    // community's residents each time (seconds for a whole street).
    let at: HashMap<&str, usize> = scope.communities.iter().enumerate().map(|(i, (id, _))| (id.as_str(), i)).collect();
    let slot = |c: Option<String>| c.and_then(|c| at.get(c.as_str()).copied());
    let n = scope.communities.len();
    // Per community: total, the five kinds, 三无, 企业退休; services by type;
    // free, low-cost and its charge in cents; visits; overdue.
    let mut roster = vec![[0i64; 8]; n];
    let mut by_type = vec![vec![0i64; types.len()]; n];
    let mut paid = vec![[0i64; 3]; n];
    let mut visits = vec![0i64; n];
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.community_id, e.kinds, p.birth_date, e.sanwu, e.enterprise_retiree, {}
         FROM elderly e JOIN person p ON p.id = e.person_id
         WHERE e.registered_on <= ?1 AND (e.status = '在册' OR e.status_date > ?1)",
        crate::elderly::assistance::IN_FORCE_SQL
    ))?;
    let mut it = stmt.query([p.to_str()])?;
    while let Some(r) = it.next()? {
        let Some(i) = slot(r.get(0)?) else { continue };
        let mut k = kinds_on(&r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?.as_deref(), high_age, p.to);
        crate::elderly::assistance::apply(&mut k, r.get::<_, Option<String>>(5)?.as_deref());
        roster[i][0] += 1;
        for (j, kind) in KINDS.iter().enumerate() {
            roster[i][1 + j] += k.iter().any(|x| x == kind) as i64;
        }
        roster[i][6] += r.get::<_, i64>(3)?;
        roster[i][7] += r.get::<_, i64>(4)?;
    }
    let mut stmt = conn.prepare_cached(
        "SELECT p.community_id, s.service_type, s.paid, count(*), coalesce(sum(s.charge_cents), 0)
         FROM elderly_service s JOIN elderly e ON e.id = s.elderly_id JOIN person p ON p.id = e.person_id
         WHERE s.date BETWEEN ?1 AND ?2 GROUP BY 1, 2, 3",
    )?;
    let mut it = stmt.query([p.from_str(), p.to_str()])?;
    while let Some(r) = it.next()? {
        let Some(i) = slot(r.get(0)?) else { continue };
        let (kind, how, count, cents): (String, String, i64, i64) = (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        if let Some(t) = types.iter().position(|t| *t == kind) {
            by_type[i][t] += count;
        }
        match how.as_str() {
            "无偿" => paid[i][0] += count,
            "低偿" => {
                paid[i][1] += count;
                paid[i][2] += cents;
            }
            _ => {}
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT p.community_id, count(*) FROM elderly_visit v JOIN elderly e ON e.id = v.elderly_id
         JOIN person p ON p.id = e.person_id WHERE v.date BETWEEN ?1 AND ?2 GROUP BY 1",
    )?;
    let mut it = stmt.query([p.from_str(), p.to_str()])?;
    while let Some(r) = it.next()? {
        if let Some(i) = slot(r.get(0)?) {
            visits[i] += r.get::<_, i64>(1)?;
        }
    }
    let by_name: HashMap<&str, usize> =
        scope.communities.iter().enumerate().map(|(i, (_, name))| (name.as_str(), i)).collect();
    let mut overdue = vec![0i64; n];
    for due in crate::elderly::care::due_visits(conn, actor, scope.community.as_deref(), p.to)? {
        if let Some(&i) = due.community_name.as_deref().and_then(|c| by_name.get(c)) {
            overdue[i] += 1;
        }
    }
    // 月探访率: each month of the period counted apart and added up, so a
    // quarter or year holds each person once per month they were due.
    let mut rate = vec![crate::elderly::rate::VisitCount::default(); n];
    for (from, to) in p.months() {
        for (community, c) in crate::elderly::rate::month(conn, scope.community.as_deref(), from, to)? {
            if let Some(i) = slot(community) {
                rate[i].due += c.due;
                rate[i].visited += c.visited;
            }
        }
    }
    let rows: Vec<Vec<Cell>> = (scope.communities.iter().enumerate())
        .map(|(i, (_, name))| {
            let mut row = vec![Cell::Text(name.clone())];
            row.extend(roster[i].iter().map(|x| Cell::Int(*x)));
            row.extend(by_type[i].iter().map(|x| Cell::Int(*x)));
            row.extend([Cell::Int(paid[i][0]), Cell::Int(paid[i][1]), Cell::Money(paid[i][2] as f64 / 100.0)]);
            row.extend([Cell::Int(visits[i]), Cell::Int(overdue[i])]);
            row.extend([Cell::Int(rate[i].due), Cell::Int(rate[i].visited), Cell::Rate(rate[i].rate())]);
            row
        })
        .collect();
    let service_cols: Vec<&str> = types.iter().map(String::as_str).collect();
    let groups: Vec<(&str, &[&str])> = vec![
        ("社区", &[]),
        ("在册老人（人）", &["合计", "独居", "困难", "残疾", "高龄", "有特殊贡献", "三无", "企业退休"]),
        ("服务人次", &service_cols),
        ("无偿服务", &["人次"]),
        ("低偿服务", &["人次", "收费（元）"]),
        ("探访", &["已探访（次）", "逾期未访（人）"]),
        ("月探访率", &["应探访（人）", "已探访（人）", "探访率"]),
    ];
    let width = 1 + 8 + types.len() + 1 + 2 + 2 + 3;
    let mut widths = vec![7.0; width];
    widths[0] = 14.0;
    for w in &mut widths[width - 6..] {
        *w = 11.0;
    }
    // The total's rate from the summed counts, never an average of rates.
    let rate_total = |t: &mut Vec<Cell>| {
        let (due, visited) = (t[width - 3].as_f64(), t[width - 2].as_f64());
        t[width - 1] = super::rate(visited, due);
    };
    Ok(vec![Sheet {
        name: "统计表".into(),
        title: "居家养老服务情况统计表".into(),
        headers: headers(&groups),
        widths,
        total: Some(total_row(&rows, rate_total)),
        rows,
        notes: vec![
            "在册老人按报表期末统计，一人可属多个类别；高龄按期末年龄计算。".into(),
            "服务与探访按发生日期计入报表期间；逾期未访为期末应探访而未探访的人数。".into(),
            "月探访率＝当月已入户探访的应探访人数÷应探访人数：探访等级间隔不超过31天（高风险、重点）的在册老人每月应探访，其余在下次探访到期的月份应探访；电话问候不算入户探访。季度、年度为各月之和，合计行按合计人数计算。".into(),
        ],
        ..Default::default()
    }])
}
