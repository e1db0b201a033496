//! 人民调解工作统计表 (per committee, by dispute type, by source) and
//! 人民调解案件登记簿.
use rusqlite::Connection;

use super::{headers, rate, total_row, Cell, Period, Scope, Sheet};
use crate::Result;

/// The standard columns, for the cases matching `filter` (a condition on
/// `m`, the case, with ?1 = its value, ?2/?3 = the period) and the
/// prevention entries matching `prevention` (on `e`).
fn figures(
    conn: &Connection,
    filter: &str,
    prevention: Option<&str>,
    key: Option<&str>,
    p: &Period,
) -> Result<Vec<Cell>> {
    let params = rusqlite::params![key, p.from_str(), p.to_str()];
    let cases = format!("FROM mediation_case m WHERE m.received_on BETWEEN ?2 AND ?3 AND {filter}");
    let n = |what: &str, extra: &str| -> Result<f64> {
        Ok(conn
            .query_row(&format!("SELECT {what} {cases} {extra}"), params, |r| r.get::<_, Option<f64>>(0))?
            .unwrap_or(0.0))
    };
    let received = n("count(*)", "")?;
    let success = n("count(*)", "AND m.agreement_on IS NOT NULL")?;
    let amount = n("sum(m.amount_cents)", "AND m.agreement_on IS NOT NULL")? / 1_000_000.0;
    let oral = n("count(*)", "AND m.agreement_kind = '口头'")?;
    let written = n("count(*)", "AND m.agreement_kind = '书面'")?;
    let judicial = n("count(*)", "AND m.judicial_applied_on IS NOT NULL")?;
    let performed = n("count(*)", "AND m.performance = '履行'")?;
    let parties: f64 = conn.query_row(
        &format!("SELECT count(*) FROM mediation_party WHERE case_id IN (SELECT m.id {cases})"),
        params,
        |r| r.get(0),
    )?;
    let prevent = |col: &str| -> Result<i64> {
        let Some(cond) = prevention else { return Ok(0) };
        Ok(conn
            .query_row(
                &format!("SELECT sum({col}) FROM prevention_entry e WHERE e.date BETWEEN ?2 AND ?3 AND {cond}"),
                params,
                |r| r.get::<_, Option<i64>>(0),
            )?
            .unwrap_or(0))
    };
    let mut row = vec![
        Cell::Int(prevent("screenings")?),
        Cell::Int(prevent("disputes_found")? + crate::mediation::screening::found(conn, prevention, params)?),
        Cell::Int(prevent("disputes_prevented")?),
    ];
    row.extend([Cell::Int(received as i64), Cell::Int(success as i64), rate(success, received), Cell::Money(amount)]);
    row.extend([oral, written, judicial, performed, parties].map(|x| Cell::Int(x as i64)));
    for col in ["criminal_cases", "criminal_persons", "petition_cases", "petition_persons", "fights_prevented"] {
        row.push(Cell::Int(prevent(col)?));
    }
    Ok(row)
}

/// 成功率 in the 合计 row: from the summed counts, never summed itself.
#[allow(clippy::ptr_arg)] // the shape `total_row` takes for every report
fn success_rate(t: &mut Vec<Cell>) {
    let (received, success) = (t[4].as_f64(), t[5].as_f64());
    t[6] = rate(success, received);
}

fn groups() -> Vec<(&'static str, &'static [&'static str])> {
    vec![
        ("", &[]),
        ("矛盾纠纷排查", &["排查次数", "发现纠纷", "预防纠纷"]),
        ("调解案件", &["受理", "调解成功", "成功率", "协议涉及金额（万元）"]),
        ("调解协议", &["口头", "书面", "司法确认", "自动履行"]),
        ("当事人数", &[]),
        ("防止民转刑", &["件", "人"]),
        ("防止群体性上访", &["件", "人"]),
        ("防止群体性械斗（件）", &[]),
    ]
}

fn sheet(name: &str, title: &str, first: &'static str, rows: Vec<Vec<Cell>>, notes: Vec<String>) -> Sheet {
    let mut g = groups();
    g[0].0 = first;
    let mut widths = vec![8.0; 18];
    widths[0] = 16.0;
    widths[7] = 11.0;
    Sheet {
        name: name.into(),
        title: title.into(),
        headers: headers(&g),
        widths,
        total: Some(total_row(&rows, success_rate)),
        rows,
        notes,
        ..Default::default()
    }
}

pub(super) fn stats(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let mut by_committee = Vec::new();
    if scope.community.is_none() {
        let mut row = vec![Cell::text("街道调委会")];
        row.extend(figures(
            conn,
            "m.community_id IS NULL AND ?1 IS NULL",
            Some("e.community_id IS NULL AND ?1 IS NULL"),
            None,
            p,
        )?);
        by_committee.push(row);
    }
    for (id, name) in &scope.communities {
        let mut row = vec![Cell::Text(format!("{name}调委会"))];
        row.extend(figures(conn, "m.community_id = ?1", Some("e.community_id = ?1"), Some(id), p)?);
        by_committee.push(row);
    }
    let within = match &scope.community {
        Some(_) => "m.community_id = '{c}'",
        None => "1 = 1",
    };
    let within = within.replace("{c}", &scope.community.clone().unwrap_or_default().replace('\'', "''"));
    let by = |dict: &str, column: &str| -> Result<Vec<Vec<Cell>>> {
        let mut rows = Vec::new();
        for label in crate::dict::labels(conn, dict)? {
            let mut row = vec![Cell::Text(label.clone())];
            row.extend(figures(conn, &format!("m.{column} = ?1 AND {within}"), None, Some(&label), p)?);
            rows.push(row);
        }
        Ok(rows)
    };
    let notes = vec![
        "调解成功为达成调解协议（书面或口头）的案件；成功率 = 调解成功 ÷ 受理，合计行按合计数重新计算。".to_string(),
        "协议涉及金额为达成协议案件的涉及金额，单位万元；自动履行为当事人已按协议履行的案件。".to_string(),
        "排查与预防、防止民转刑、防止群体性上访和械斗按排查登记填报；分类型、分来源表中不含这些数。".to_string(),
    ];
    Ok(vec![
        sheet("按调委会", "人民调解工作统计表", "调委会", by_committee, notes.clone()),
        sheet(
            "按纠纷类型",
            "人民调解工作统计表（按纠纷类型）",
            "纠纷类型",
            by("dispute_type", "dispute_type")?,
            notes.clone(),
        ),
        sheet("按案件来源", "人民调解工作统计表（按案件来源）", "案件来源", by("dispute_source", "source")?, notes),
    ])
}

/// Every case received in the period.
pub(super) fn register(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let mut stmt = conn.prepare(
        "SELECT m.number, m.received_on, coalesce(c.name || '调委会', '街道调委会'), m.dispute_type, m.source,
                coalesce((SELECT group_concat(name, '、') FROM mediation_party WHERE case_id = m.id AND side = '申请方'), ''),
                coalesce((SELECT group_concat(name, '、') FROM mediation_party WHERE case_id = m.id AND side = '被申请方'), ''),
                coalesce((SELECT group_concat(d.name, '、') FROM json_each(m.mediators) j JOIN mediator d ON d.id = j.value), ''),
                m.status, coalesce(m.agreement_kind, ''), m.amount_cents, coalesce(m.closed_on, '')
         FROM mediation_case m LEFT JOIN community c ON c.id = m.community_id
         WHERE m.received_on BETWEEN ?2 AND ?3 AND (?1 IS NULL OR m.community_id = ?1)
         ORDER BY m.received_on, m.number",
    )?;
    let mut rows = Vec::new();
    let mut it = stmt.query(rusqlite::params![scope.community, p.from_str(), p.to_str()])?;
    while let Some(r) = it.next()? {
        let mut row = vec![Cell::Int(rows.len() as i64 + 1)];
        for i in 0..10 {
            row.push(Cell::Text(r.get(i)?));
        }
        row.push(Cell::Money(r.get::<_, i64>(10)? as f64 / 100.0));
        row.push(Cell::Text(r.get(11)?));
        rows.push(row);
    }
    let cols = [
        "序号",
        "案号",
        "受理日期",
        "调委会",
        "纠纷类型",
        "案件来源",
        "申请方",
        "被申请方",
        "调解员",
        "办理状态",
        "协议形式",
        "涉及金额（元）",
        "结案日期",
    ];
    Ok(vec![Sheet {
        name: "案件登记簿".into(),
        title: "人民调解案件登记簿".into(),
        headers: headers(&cols.map(|c| (c, &[][..]))),
        widths: vec![6.0, 24.0, 11.0, 14.0, 10.0, 12.0, 14.0, 14.0, 10.0, 9.0, 8.0, 12.0, 11.0],
        rows,
        total: None,
        notes: vec!["按受理日期列出本期受理的全部调解案件。".into()],
        ..Default::default()
    }])
}
