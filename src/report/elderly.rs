//! 五类老人花名册 and 居家养老服务情况统计表.
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
                    e.living_arrangement, e.registered_on, e.status, e.status_date, e.status_reason
             FROM elderly e JOIN person p ON p.id = e.person_id LEFT JOIN community c ON c.id = p.community_id
             WHERE (?1 IS NULL OR p.community_id = ?1) AND {cond}
             ORDER BY c.sort, p.name_key"
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
            let kinds = kinds_on(&r.get::<_, String>(5)?, birth.as_deref(), high_age, p.to).join("、");
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
    let mut rows = Vec::new();
    for (id, name) in &scope.communities {
        let mut kinds = [0i64; 5];
        let (mut total, mut sanwu, mut retirees) = (0, 0, 0);
        let mut stmt = conn.prepare_cached(
            "SELECT e.kinds, p.birth_date, e.sanwu, e.enterprise_retiree FROM elderly e JOIN person p ON p.id = e.person_id
             WHERE p.community_id = ?1 AND e.registered_on <= ?2 AND (e.status = '在册' OR e.status_date > ?2)",
        )?;
        let mut it = stmt.query(rusqlite::params![id, p.to_str()])?;
        while let Some(r) = it.next()? {
            total += 1;
            let k = kinds_on(&r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?.as_deref(), high_age, p.to);
            for (i, kind) in KINDS.iter().enumerate() {
                kinds[i] += k.iter().any(|x| x == kind) as i64;
            }
            sanwu += r.get::<_, i64>(2)?;
            retirees += r.get::<_, i64>(3)?;
        }
        let count = |sql: &str, extra: &str| -> Result<f64> {
            Ok(conn.query_row(
                &format!(
                    "SELECT {sql} FROM elderly_service s JOIN elderly e ON e.id = s.elderly_id JOIN person p ON p.id = e.person_id
                     WHERE p.community_id = ?1 AND s.date BETWEEN ?2 AND ?3 {extra}"
                ),
                rusqlite::params![id, p.from_str(), p.to_str()],
                |r| r.get::<_, Option<f64>>(0),
            )?
            .unwrap_or(0.0))
        };
        let mut row = vec![Cell::Text(name.clone()), Cell::Int(total)];
        row.extend(kinds.iter().map(|k| Cell::Int(*k)));
        row.extend([Cell::Int(sanwu), Cell::Int(retirees)]);
        for t in &types {
            row.push(
                Cell::Int(count("count(*)", &format!("AND s.service_type = '{}'", t.replace('\'', "''")))? as i64),
            );
        }
        row.push(Cell::Int(count("count(*)", "AND s.paid = '无偿'")? as i64));
        row.push(Cell::Int(count("count(*)", "AND s.paid = '低偿'")? as i64));
        row.push(Cell::Money(count("sum(s.charge_cents)", "AND s.paid = '低偿'")? / 100.0));
        let visits: i64 = conn.query_row(
            "SELECT count(*) FROM elderly_visit v JOIN elderly e ON e.id = v.elderly_id JOIN person p ON p.id = e.person_id
             WHERE p.community_id = ?1 AND v.date BETWEEN ?2 AND ?3",
            rusqlite::params![id, p.from_str(), p.to_str()],
            |r| r.get(0),
        )?;
        let overdue = crate::elderly::care::due_visits(conn, actor, Some(id), p.to)?.len() as i64;
        row.extend([Cell::Int(visits), Cell::Int(overdue)]);
        rows.push(row);
    }
    let service_cols: Vec<&str> = types.iter().map(String::as_str).collect();
    let groups: Vec<(&str, &[&str])> = vec![
        ("社区", &[]),
        ("在册老人（人）", &["合计", "独居", "困难", "残疾", "高龄", "有特殊贡献", "三无", "企业退休"]),
        ("服务人次", &service_cols),
        ("无偿服务", &["人次"]),
        ("低偿服务", &["人次", "收费（元）"]),
        ("探访", &["已探访（次）", "逾期未访（人）"]),
    ];
    let width = 1 + 8 + types.len() + 1 + 2 + 2;
    let mut widths = vec![7.0; width];
    widths[0] = 14.0;
    widths[width - 3] = 11.0;
    widths[width - 2] = 11.0;
    widths[width - 1] = 11.0;
    Ok(vec![Sheet {
        row_count: 0,
        name: "统计表".into(),
        title: "居家养老服务情况统计表".into(),
        headers: headers(&groups),
        widths,
        total: Some(total_row(&rows, |_| {})),
        rows,
        notes: vec![
            "在册老人按报表期末统计，一人可属多个类别；高龄按期末年龄计算。".into(),
            "服务与探访按发生日期计入报表期间；逾期未访为期末应探访而未探访的人数。".into(),
        ],
    }])
}
