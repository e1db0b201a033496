//! 就业援助工作统计表, 零就业家庭花名册 and the public-welfare post subsidy
//! roster.
use rusqlite::Connection;

use super::{headers, total_row, Cell, Period, Scope, Sheet};
use crate::employment::{case::categories_of, household, posts};
use crate::Result;

const CATEGORIES: [&str; 5] = ["4050", "残疾", "低保", "零就业家庭成员", "连续失业一年以上"];

/// Per community: hard-to-employ people by category, placed by way, posts
/// filled, loans, zero-employment households found, confirmed, eliminated.
pub(super) fn stats(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let (from, to) = (p.from_str(), p.to_str());
    let mut rows = Vec::new();
    for (id, name) in &scope.communities {
        // Cases registered by the period's end and not closed before it.
        let mut stmt = conn.prepare_cached(
            "SELECT e.person_id, e.categories FROM employment_case e JOIN person p ON p.id = e.person_id
             WHERE p.community_id = ?1 AND e.registered_on <= ?2 AND (e.closed_on IS NULL OR e.closed_on >= ?3)",
        )?;
        let mut it = stmt.query(rusqlite::params![id, to, from])?;
        let (mut total, mut by) = (0i64, [0i64; CATEGORIES.len()]);
        while let Some(r) = it.next()? {
            total += 1;
            let cats = categories_of(conn, &r.get::<_, String>(0)?, &r.get::<_, String>(1)?, p.to)?;
            for (i, c) in CATEGORIES.iter().enumerate() {
                by[i] += cats.iter().any(|x| x == c) as i64;
            }
        }
        let n = |sql: &str| -> Result<i64> {
            Ok(conn.query_row(sql, rusqlite::params![id, from, to], |r| r.get::<_, Option<i64>>(0))?.unwrap_or(0))
        };
        let placed = |way: &str| {
            n(&format!(
                "SELECT count(*) FROM employment_case e JOIN person p ON p.id = e.person_id
                 WHERE p.community_id = ?1 AND e.placed_on BETWEEN ?2 AND ?3 AND e.placed_way = '{way}'"
            ))
        };
        let (market, own, post) = (placed("市场就业")?, placed("自主创业")?, placed("公益性岗位")?);
        let posts_filled = n("SELECT count(*) FROM post_placement pl JOIN employment_case e ON e.id = pl.case_id
             JOIN person p ON p.id = e.person_id
             WHERE p.community_id = ?1 AND pl.start_on <= ?3 AND (pl.end_on IS NULL OR pl.end_on >= ?2)")?;
        let loans = n("SELECT count(*) FROM startup_loan l JOIN person p ON p.id = l.person_id
             WHERE p.community_id = ?1 AND l.granted_on BETWEEN ?2 AND ?3")?;
        let amount = n("SELECT sum(amount_cents) FROM startup_loan l JOIN person p ON p.id = l.person_id
             WHERE p.community_id = ?1 AND l.granted_on BETWEEN ?2 AND ?3")?;
        let overdue = n("SELECT count(*) FROM startup_loan l JOIN person p ON p.id = l.person_id
             WHERE p.community_id = ?1 AND l.settled_on IS NULL
               AND date(l.granted_on, '+' || (l.term_months + l.extension_months) || ' months') < ?3")?;
        let confirmed = n("SELECT count(*) FROM zero_employment z JOIN household h ON h.id = z.household_id
             WHERE h.community_id = ?1 AND z.confirmed_on BETWEEN ?2 AND ?3")?;
        let eliminated = n("SELECT count(*) FROM zero_employment z JOIN household h ON h.id = z.household_id
             WHERE h.community_id = ?1 AND z.eliminated_on BETWEEN ?2 AND ?3")?;
        let found = household::list(conn, &crate::access::Actor::system(), Some(id), p.to)?
            .iter()
            .filter(|h| matches!(h.zero, household::ZeroState::Candidate { .. }))
            .count() as i64
            + confirmed;
        let mut row = vec![Cell::Text(name.clone()), Cell::Int(total)];
        row.extend(by.iter().map(|x| Cell::Int(*x)));
        row.extend([market + own + post, market, own, post, posts_filled, loans].map(Cell::Int));
        row.push(Cell::Money(amount as f64 / 1_000_000.0));
        row.extend([overdue, found, confirmed, eliminated].map(Cell::Int));
        rows.push(row);
    }
    let groups: Vec<(&str, &[&str])> = vec![
        ("社区", &[]),
        ("就业困难人员（人）", &["合计", "4050", "残疾", "低保", "零就业家庭成员", "连续失业一年以上"]),
        ("实现就业（人）", &["合计", "市场就业", "自主创业", "公益性岗位"]),
        ("公益性岗位在岗（人）", &[]),
        ("创业担保贷款", &["笔数", "金额（万元）", "逾期（笔）"]),
        ("零就业家庭（户）", &["发现", "认定", "消除"]),
    ];
    let mut widths = vec![8.0; 18];
    widths[0] = 14.0;
    Ok(vec![Sheet {
        name: "统计表".into(),
        title: "就业援助工作统计表".into(),
        headers: headers(&groups),
        widths,
        total: Some(total_row(&rows, |_| {})),
        rows,
        notes: vec![
            "就业困难人员按报表期末在册统计，一人可属多个类别；4050与零就业家庭成员由系统按身份证号和家庭情况认定。"
                .into(),
            "实现就业、贷款、零就业家庭认定与消除按发生日期计入报表期间；“发现”含期末待认定户。".into(),
        ],
        ..Default::default()
    }])
}

/// Households confirmed zero-employment and open at the period's end, and
/// those eliminated during it.
pub(super) fn zero_roster(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let mut stmt = conn.prepare(
        "SELECT c.name, h.address, z.confirmed_on, z.eliminated_on, z.eliminated_by, h.id,
                (SELECT count(*) FROM household_member m WHERE m.household_id = h.id AND m.active = 1)
         FROM zero_employment z JOIN household h ON h.id = z.household_id JOIN community c ON c.id = h.community_id
         WHERE (?1 IS NULL OR h.community_id = ?1) AND z.confirmed_on <= ?3
           AND (z.eliminated_on IS NULL OR z.eliminated_on >= ?2)
         ORDER BY c.sort, z.confirmed_on",
    )?;
    let mut rows = Vec::new();
    let mut it = stmt.query(rusqlite::params![scope.community, p.from_str(), p.to_str()])?;
    while let Some(r) = it.next()? {
        let household: String = r.get(5)?;
        let (head, idn): (String, Option<String>) = conn.query_row(
            "SELECT p.name, p.id_number FROM household_member m JOIN person p ON p.id = m.person_id
             WHERE m.household_id = ?1 AND m.active = 1 ORDER BY m.relation = '户主' DESC LIMIT 1",
            [&household],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let eliminated: Option<String> = r.get(3)?;
        let in_period = eliminated.as_deref().is_some_and(|e| e <= p.to_str().as_str());
        rows.push(vec![
            Cell::Int(rows.len() as i64 + 1),
            Cell::Text(r.get(0)?),
            Cell::Text(head),
            scope.id_number(idn),
            Cell::Text(r.get(1)?),
            Cell::Int(r.get(6)?),
            Cell::Text(r.get(2)?),
            Cell::Text(if in_period { eliminated.unwrap_or_default() } else { String::new() }),
            Cell::Text(if in_period { r.get::<_, Option<String>>(4)?.unwrap_or_default() } else { String::new() }),
        ]);
    }
    let cols = ["序号", "社区", "户主", "身份证号", "住址", "家庭人口", "认定日期", "消除日期", "消除原因"];
    Ok(vec![Sheet {
        name: "零就业家庭".into(),
        title: "零就业家庭花名册".into(),
        headers: headers(&cols.map(|c| (c, &[][..]))),
        widths: vec![6.0, 12.0, 10.0, 21.0, 28.0, 8.0, 12.0, 12.0, 14.0],
        rows,
        total: None,
        notes: vec!["列出报表期末仍未消除的零就业家庭，以及本期内消除的家庭。".into()],
        ..Default::default()
    }])
}

/// 公益性岗位补贴花名册 for each quarter the period covers.
pub(super) fn subsidy(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    use chrono::Datelike;
    let actor = match &scope.community {
        Some(c) => crate::access::Actor::new("报表", crate::access::Role::CommunityStaff, Some(c.clone())),
        None => crate::access::Actor::system(),
    };
    let mut rows = Vec::new();
    let (mut year, mut quarter) = (p.from.year(), p.from.month0() / 3 + 1);
    while (year, quarter) <= (p.to.year(), p.to.month0() / 3 + 1) {
        for line in posts::subsidy_roster(conn, &actor, year, quarter)? {
            rows.push(vec![
                Cell::Int(rows.len() as i64 + 1),
                Cell::Text(format!("{year}年第{quarter}季度")),
                Cell::Text(line.post_type),
                Cell::Text(line.unit),
                Cell::Text(line.name),
                Cell::Text(line.id_number.unwrap_or_default()),
                Cell::Text(line.start_on),
                Cell::Text(line.end_on.unwrap_or_default()),
                Cell::Int(line.months),
                Cell::Int(line.months_used),
            ]);
        }
        (year, quarter) = if quarter == 4 { (year + 1, 1) } else { (year, quarter + 1) };
    }
    let cols =
        ["序号", "季度", "岗位", "用人单位", "姓名", "身份证号", "上岗日期", "离岗日期", "本季度月数", "累计享受月数"];
    let max = crate::settings::integer(conn, "employment.subsidy_max_months")?;
    Ok(vec![Sheet {
        name: "补贴花名册".into(),
        title: "公益性岗位补贴花名册".into(),
        headers: headers(&cols.map(|c| (c, &[][..]))),
        widths: vec![6.0, 14.0, 10.0, 16.0, 10.0, 21.0, 12.0, 12.0, 10.0, 12.0],
        // 合计 of the quarter's months; 序号 and the running totals are not sums.
        total: Some(total_row(&rows, |t| {
            if t.len() == 10 {
                t[0] = Cell::text("合计");
                t[9] = Cell::text("");
            }
        })),
        rows,
        notes: vec![format!(
            "补贴期限最长{max}个月；本季度在岗不足一月的按一个月计。身份证号遮蔽显示，申领时以原件为准。"
        )],
        ..Default::default()
    }])
}
