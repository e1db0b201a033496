//! 人民调解工作统计表 (per committee, by dispute type, by source) and
//! 人民调解案件登记簿.
use rusqlite::Connection;

use super::{headers, rate, total_row, Cell, Period, Scope, Sheet};
use crate::mediation::committee::default_id;
use crate::mediation::{COMMITTEE_SQL, NUMBER_SQL};
use crate::Result;

/// How a case ended (调解成功, 调解不成, 终止调解, 不予受理, 撤回) and when:
/// stored by each step since issue 16; read from the agreement or the
/// 调解不成 step for cases of earlier releases.
const OUTCOME: &str = "coalesce(m.outcome, CASE WHEN m.agreement_on IS NOT NULL THEN '调解成功'
    WHEN m.failed_reason IS NOT NULL THEN '调解不成' END)";
const OUTCOME_ON: &str = "coalesce(m.outcome_on, m.agreement_on,
    (SELECT min(s.date) FROM mediation_step s WHERE s.case_id = m.id AND s.step = '调解不成'))";

/// The standard columns, for the cases matching `filter` (a condition on
/// `m`, the case, with ?1 = its value, ?2/?3 = the period) and the
/// prevention entries matching `prevention` (on `e`). Each figure counts by
/// the date of its event, so a period's figures never change afterwards:
/// 受理 by intake, 成功/不成/终止 by outcome, 履行 by performance, 司法确认 by
/// the court's ruling; 结转 are the cases received by the period's end and
/// not concluded by then.
fn figures(
    conn: &Connection,
    filter: &str,
    prevention: Option<&str>,
    key: Option<&str>,
    p: &Period,
) -> Result<Vec<Cell>> {
    let params = rusqlite::params![key, p.from_str(), p.to_str()];
    let n = |what: &str, cond: &str| -> Result<f64> {
        let sql = format!("SELECT {what} FROM mediation_case m WHERE {filter} AND {cond}");
        Ok(conn.query_row(&sql, params, |r| r.get::<_, Option<f64>>(0))?.unwrap_or(0.0))
    };
    let within = |date: &str| format!("{date} BETWEEN ?2 AND ?3");
    let ended = |what: &str| format!("{OUTCOME} = '{what}' AND {}", within(OUTCOME_ON));
    let received = n("count(*)", &within("m.received_on"))?;
    let success = n("count(*)", &within("m.agreement_on"))?;
    let failed = n("count(*)", &ended("调解不成"))?;
    let terminated = n("count(*)", &ended("终止调解"))?;
    let amount = n("sum(m.amount_cents)", &within("m.agreement_on"))? / 1_000_000.0;
    let oral = n("count(*)", &format!("m.agreement_kind = '口头' AND {}", within("m.agreement_on")))?;
    let written = n("count(*)", &format!("m.agreement_kind = '书面' AND {}", within("m.agreement_on")))?;
    let judicial = n("count(*)", &format!("m.judicial_outcome = '确认' AND {}", within("m.judicial_ruled_on")))?;
    let performed = n("count(*)", &format!("m.performance = '履行' AND {}", within("m.performed_on")))?;
    let carried = n("count(*)", &format!("m.received_on <= ?3 AND coalesce({OUTCOME_ON} > ?3, 1)"))?;
    let parties: f64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM mediation_party WHERE case_id IN
             (SELECT m.id FROM mediation_case m WHERE {filter} AND {})",
            within("m.received_on")
        ),
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
    row.extend([received, success, failed, terminated].map(|x| Cell::Int(x as i64)));
    row.extend([rate(success, success + failed + terminated), Cell::Money(amount)]);
    row.extend([oral, written, judicial, performed, parties, carried].map(|x| Cell::Int(x as i64)));
    for col in [
        "criminal_cases",
        "criminal_persons",
        "petition_cases",
        "petition_persons",
        "fights_prevented",
        "fight_persons",
        "suicide_cases",
        "suicide_persons",
    ] {
        row.push(Cell::Int(prevent(col)?));
    }
    Ok(row)
}

/// 成功率 in the 合计 row: from the summed counts, never summed itself.
#[allow(clippy::ptr_arg)] // the shape `total_row` takes for every report
fn success_rate(t: &mut Vec<Cell>) {
    let (success, failed, terminated) = (t[5].as_f64(), t[6].as_f64(), t[7].as_f64());
    t[8] = rate(success, success + failed + terminated);
}

fn groups() -> Vec<(&'static str, &'static [&'static str])> {
    vec![
        ("", &[]),
        ("矛盾纠纷排查", &["排查次数", "发现纠纷", "预防纠纷"]),
        ("调解案件", &["受理", "调解成功", "调解不成", "终止调解", "成功率", "协议涉及金额（万元）"]),
        ("调解协议", &["口头", "书面", "司法确认", "自动履行"]),
        ("当事人数", &[]),
        ("结转", &[]),
        ("防止民转刑", &["件", "人"]),
        ("防止群体性上访", &["件", "人"]),
        ("防止群体性械斗", &["件", "人"]),
        ("防止因民间纠纷引起自杀", &["件", "人"]),
    ]
}

fn sheet(name: &str, title: &str, first: &'static str, rows: Vec<Vec<Cell>>, notes: Vec<String>) -> Sheet {
    let mut g = groups();
    g[0].0 = first;
    let mut widths = vec![6.5; 24];
    widths[0] = 14.0;
    widths[9] = 10.0;
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
    for (id, short, community) in committees(conn, scope)? {
        // Prevention work is entered per community (or the street): it
        // goes to the street's and the communities' own committees.
        let prevention = match &community {
            _ if id != default_id(community.as_deref()) => None,
            Some(c) => Some(format!("e.community_id = '{}'", c.replace('\'', "''"))),
            None => Some("e.community_id IS NULL".to_string()),
        };
        let mut row = vec![Cell::Text(format!("{short}调委会"))];
        row.extend(figures(conn, "m.committee_id = ?1", prevention.as_deref(), Some(&id), p)?);
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
        "各项按事件发生日期统计：受理按受理日期，调解成功、不成、终止按结果日期，自动履行按履行日期，司法确认按法院裁定确认的日期；已报送期间的数字不会因以后登记的事项而改变。".to_string(),
        "调解成功为达成调解协议（书面或口头）的案件；成功率 = 调解成功 ÷（调解成功 + 调解不成 + 终止调解），合计行按合计数重新计算；结转为期末已受理尚未调结的案件。".to_string(),
        "协议涉及金额为本期达成协议案件的涉及金额，单位万元；当事人数为本期受理案件的当事人。".to_string(),
        "排查与预防、防止民转刑、防止群体性上访、械斗和因民间纠纷引起自杀按排查登记填报；分类型、分来源表中不含这些数。".to_string(),
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

/// The committees reported, in the committee list's order (a community
/// worker: their community's), as (id, 简称, community).
fn committees(conn: &Connection, scope: &Scope) -> Result<Vec<(String, String, Option<String>)>> {
    let mut stmt = conn.prepare(
        "SELECT m.id, m.short_name, m.community_id FROM mediation_committee m
         LEFT JOIN community c ON c.id = m.community_id
         WHERE ?1 IS NULL OR m.community_id = ?1
         ORDER BY m.kind <> '街道', m.community_id IS NULL, c.sort, m.name",
    )?;
    let rows = stmt.query_map([&scope.community], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every case received in the period.
pub(super) fn register(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {NUMBER_SQL}, m.received_on, {COMMITTEE_SQL}, m.dispute_type, m.source,
                coalesce((SELECT group_concat(name, '、') FROM mediation_party WHERE case_id = m.id AND side = '申请方'), ''),
                coalesce((SELECT group_concat(name, '、') FROM mediation_party WHERE case_id = m.id AND side = '被申请方'), ''),
                coalesce((SELECT group_concat(d.name, '、') FROM json_each(m.mediators) j JOIN mediator d ON d.id = j.value), ''),
                m.status, coalesce(m.agreement_kind, ''), m.amount_cents, coalesce(m.closed_on, '')
         FROM mediation_case m
         WHERE m.received_on BETWEEN ?2 AND ?3 AND (?1 IS NULL OR m.community_id = ?1)
         ORDER BY m.received_on, m.number"
    ))?;
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
