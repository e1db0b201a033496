//! 就业援助工作统计表, 零就业家庭花名册 and the public-welfare post subsidy
//! roster.
use rusqlite::Connection;

use super::{headers, total_row, Cell, Period, Scope, Sheet};
use crate::employment::case::{
    categories_of, CaseFacts, RawFacts, EXIT_DIED, EXIT_MOVED, EXIT_OTHER, EXIT_PLACED, EXIT_RETIRED,
};
use crate::employment::{household, posts};
use crate::Result;

const CATEGORIES: [&str; 5] = ["4050", "残疾", "低保", "零就业家庭成员", "连续失业一年以上"];
const WAYS: [&str; 3] = ["市场就业", "自主创业", "公益性岗位"];
const EXITS: [&str; 5] = [EXIT_PLACED, EXIT_RETIRED, EXIT_MOVED, EXIT_DIED, EXIT_OTHER];

/// The stock and flow of hard-to-employ people in one community over a
/// period: 期初 + 新增 − 退出 = 期末 by construction, since each case is on
/// the register from its registration day to the day it leaves
/// ([`CaseFacts::exit`]: placement, closure or retirement).
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Flow {
    pub opening: i64,
    pub new: i64,
    /// By way, in [`WAYS`] order (any other way counts only in the total).
    pub placed: [i64; 3],
    pub placed_total: i64,
    /// By reason, in [`EXITS`] order.
    pub exits: [i64; 5],
    pub closing: i64,
    /// The closing stock by category on the period's end, in [`CATEGORIES`] order.
    pub closing_by: [i64; 5],
}

impl Flow {
    pub fn exits_total(&self) -> i64 {
        self.exits.iter().sum()
    }
}

/// [`Flow`] of one community's cases over a period.
pub(super) fn flow(conn: &Connection, community_id: &str, p: &Period) -> Result<Flow> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT e.person_id, e.categories, {} FROM employment_case e JOIN person p ON p.id = e.person_id
         WHERE p.community_id = ?1 AND e.registered_on <= ?2",
        CaseFacts::COLUMNS
    ))?;
    let mut it = stmt.query(rusqlite::params![community_id, p.to_str()])?;
    let before = p.from.pred_opt().unwrap_or(p.from);
    let mut f = Flow::default();
    while let Some(r) = it.next()? {
        let (person, stored): (String, String) = (r.get(0)?, r.get(1)?);
        let facts = RawFacts::read(r, 2)?.resolve(conn)?;
        f.opening += facts.in_stock(before) as i64;
        f.new += (facts.registered_on >= p.from) as i64;
        if let Some((on, why)) = facts.exit().filter(|(on, _)| (p.from..=p.to).contains(on)) {
            f.exits[EXITS.iter().position(|e| *e == why).expect("a known reason")] += 1;
            if why == EXIT_PLACED {
                f.placed_total += 1;
                if let Some(i) = WAYS.iter().position(|w| Some(*w) == facts.placed_way.as_deref()) {
                    f.placed[i] += 1;
                }
            }
            debug_assert!(on >= facts.registered_on);
        }
        if facts.in_stock(p.to) {
            f.closing += 1;
            let cats = categories_of(conn, &person, &stored, facts.working, p.to)?;
            for (i, c) in CATEGORIES.iter().enumerate() {
                f.closing_by[i] += cats.iter().any(|x| x == c) as i64;
            }
        }
    }
    Ok(f)
}

/// Per community: the stock and flow of hard-to-employ people (期初, 新增,
/// 实现就业 by way, 退出 by reason, 期末 by category), posts filled, loans,
/// zero-employment households found, confirmed, eliminated.
pub(super) fn stats(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let (from, to) = (p.from_str(), p.to_str());
    let mut rows = Vec::new();
    for (id, name) in &scope.communities {
        let flow = flow(conn, id, p)?;
        let n = |sql: &str| -> Result<i64> {
            Ok(conn.query_row(sql, rusqlite::params![id, from, to], |r| r.get::<_, Option<i64>>(0))?.unwrap_or(0))
        };
        let posts_filled = n("SELECT count(*) FROM post_placement pl JOIN employment_case e ON e.id = pl.case_id
             JOIN person p ON p.id = e.person_id
             WHERE p.community_id = ?1 AND pl.start_on <= ?3 AND (pl.end_on IS NULL OR pl.end_on >= ?2)")?;
        let loans = n("SELECT count(*) FROM startup_loan l JOIN person p ON p.id = l.person_id
             WHERE p.community_id = ?1 AND l.granted_on BETWEEN ?2 AND ?3")?;
        let amount = n("SELECT sum(amount_cents) FROM startup_loan l JOIN person p ON p.id = l.person_id
             WHERE p.community_id = ?1 AND l.granted_on BETWEEN ?2 AND ?3")?;
        let subsidy = loan_subsidy(conn, id, p)?;
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
        let mut row = vec![Cell::Text(name.clone()), Cell::Int(flow.opening), Cell::Int(flow.new)];
        row.push(Cell::Int(flow.placed_total));
        row.extend(flow.placed.map(Cell::Int));
        row.push(Cell::Int(flow.exits_total()));
        row.extend(flow.exits.map(Cell::Int));
        row.push(Cell::Int(flow.closing));
        row.extend(flow.closing_by.map(Cell::Int));
        row.extend([posts_filled, loans].map(Cell::Int));
        row.push(Cell::Money(amount as f64 / 1_000_000.0));
        row.push(Cell::Int(overdue));
        row.push(Cell::Money(subsidy as f64 / 100.0));
        row.extend([found, confirmed, eliminated].map(Cell::Int));
        rows.push(row);
    }
    let groups: Vec<(&str, &[&str])> = vec![
        ("社区", &[]),
        ("期初在册（人）", &[]),
        ("本期新增（人）", &[]),
        ("本期实现就业（人）", &["合计", "市场就业", "自主创业", "公益性岗位"]),
        ("本期退出（人）", &["合计", "就业", "达到退休年龄", "迁出", "死亡", "其他"]),
        ("期末在册（人）", &["合计", "4050", "残疾", "低保", "零就业家庭成员", "连续失业一年以上"]),
        ("公益性岗位在岗（人）", &[]),
        ("创业担保贷款", &["笔数", "金额（万元）", "逾期（笔）", "应贴息（元）"]),
        ("零就业家庭（户）", &["发现", "认定", "消除"]),
    ];
    let mut widths = vec![7.0; 27];
    widths[0] = 14.0;
    Ok(vec![Sheet {
        name: "统计表".into(),
        title: "就业援助工作统计表".into(),
        headers: headers(&groups),
        widths,
        total: Some(total_row(&rows, |_| {})),
        rows,
        notes: vec![
            "期初在册＋本期新增－本期退出＝期末在册。实现就业的人员于就业之日退出在册；达到法定退休年龄的于当日自动结案退出。"
                .into(),
            "期末在册按报表期末日统计，一人可属多个类别；4050、零就业家庭成员由系统按身份证号、退休年龄和家庭情况认定，只计劳动年龄内人员。"
                .into(),
            "实现就业、贷款、零就业家庭认定与消除按发生日期计入报表期间；“发现”含期末待认定户。".into(),
            "应贴息按各贷款在报表期间内的贷款期限月份和当月执行的贴息利率计算，展期内不贴息。".into(),
        ],
        ..Default::default()
    }])
}

/// The interest subsidy due in a period for the loans of a community's
/// persons (cents): each loan's months of term within the period.
fn loan_subsidy(conn: &Connection, community_id: &str, p: &Period) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.amount_cents, l.granted_on, l.term_months, l.settled_on FROM startup_loan l
         JOIN person p ON p.id = l.person_id WHERE p.community_id = ?1 AND l.granted_on <= ?2",
    )?;
    let mut rows = stmt.query(rusqlite::params![community_id, p.to_str()])?;
    let rate = crate::employment::loans::subsidy_rate(conn)?;
    let mut total = 0;
    while let Some(r) = rows.next()? {
        let Ok(granted) = r.get::<_, String>(1)?.parse() else { continue };
        let settled = r.get::<_, Option<String>>(3)?.and_then(|s| s.parse().ok());
        for (month, cents) in crate::employment::loans::subsidy_months(&rate, r.get(0)?, granted, r.get(2)?, settled) {
            if (p.from..=p.to).contains(&month) {
                total += cents;
            }
        }
    }
    Ok(total)
}

/// Households confirmed zero-employment and open at the period's end, and
/// those eliminated during it: members of working age and unemployed on the
/// period's end, the assistance given, and who was placed.
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
        let (working, unemployed) = household::working_members(conn, &household, p.to)?;
        let placed = match (&eliminated, in_period) {
            (Some(on), true) => household::placement(conn, &household, on)?,
            _ => None,
        };
        let [placed_name, unit, post, placed_on] = placed.unwrap_or_default();
        rows.push(vec![
            Cell::Int(rows.len() as i64 + 1),
            Cell::Text(r.get(0)?),
            Cell::Text(head),
            scope.id_number(idn),
            Cell::Text(r.get(1)?),
            Cell::Int(r.get(6)?),
            Cell::Int(working),
            Cell::Int(unemployed),
            Cell::Text(r.get(2)?),
            Cell::Text(household::measures(conn, &household)?),
            Cell::Text(if in_period { eliminated.unwrap_or_default() } else { String::new() }),
            Cell::Text(placed_name),
            Cell::Text(unit),
            Cell::Text(post),
            Cell::Text(placed_on),
        ]);
    }
    let groups: Vec<(&str, &[&str])> = vec![
        ("序号", &[]),
        ("社区", &[]),
        ("户主", &[]),
        ("身份证号", &[]),
        ("住址", &[]),
        ("家庭人口", &[]),
        ("劳动年龄人数", &[]),
        ("失业人数", &[]),
        ("认定日期", &[]),
        ("援助措施", &[]),
        ("消除日期", &[]),
        ("安置情况", &["安置人", "安置单位", "安置岗位", "安置日期"]),
    ];
    Ok(vec![Sheet {
        name: "零就业家庭".into(),
        title: "零就业家庭花名册".into(),
        headers: headers(&groups),
        widths: vec![5.0, 10.0, 8.0, 20.0, 22.0, 6.0, 7.0, 6.0, 11.0, 20.0, 11.0, 8.0, 14.0, 9.0, 11.0],
        total: Some(total_row(&rows, |t| {
            if !t.is_empty() {
                t[0] = Cell::text("合计");
            }
        })),
        rows,
        notes: vec![
            "列出报表期末仍未消除的零就业家庭，以及本期内消除的家庭（安置情况为使其消除的就业）。".into(),
            "劳动年龄人数、失业人数按报表期末日计算（16周岁至法定退休年龄）。".into(),
        ],
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
            let yuan = |cents: i64| Cell::Money(cents as f64 / 100.0);
            let mut remark = Vec::new();
            if line.near_limit {
                remark.push(format!("补贴将于{}到期", line.last_month.clone().unwrap_or_default()));
            }
            if line.rate_missing {
                remark.push("有月份未设补贴标准".to_string());
            }
            rows.push(vec![
                Cell::Int(rows.len() as i64 + 1),
                Cell::Text(format!("{year}年第{quarter}季度")),
                Cell::Text(line.post_type.clone()),
                Cell::Text(line.unit.clone()),
                Cell::Text(line.name.clone()),
                Cell::Text(line.id_number.clone().unwrap_or_default()),
                Cell::Text(line.start_on.clone()),
                Cell::Text(line.end_on.clone().unwrap_or_default()),
                Cell::Int(line.months),
                Cell::Int(line.months_used),
                Cell::Text(line.last_month.clone().unwrap_or_default()),
                yuan(line.post_cents),
                yuan(line.pension_cents),
                yuan(line.medical_cents),
                yuan(line.unemployment_cents),
                yuan(line.total_cents()),
                Cell::Text(remark.join("；")),
            ]);
        }
        (year, quarter) = if quarter == 4 { (year + 1, 1) } else { (year, quarter + 1) };
    }
    let groups: Vec<(&str, &[&str])> = vec![
        ("序号", &[]),
        ("季度", &[]),
        ("岗位", &[]),
        ("用人单位", &[]),
        ("姓名", &[]),
        ("身份证号", &[]),
        ("上岗日期", &[]),
        ("离岗日期", &[]),
        ("本季度月数", &[]),
        ("累计享受月数", &[]),
        ("补贴截止月份", &[]),
        ("岗位补贴（元）", &[]),
        ("社会保险补贴（元）", &["养老保险", "医疗保险", "失业保险"]),
        ("补贴合计（元）", &[]),
        ("备注", &[]),
    ];
    let max = crate::settings::integer(conn, "employment.subsidy_max_months")?;
    let years = crate::settings::integer(conn, "employment.subsidy_retire_years")?;
    Ok(vec![Sheet {
        name: "补贴花名册".into(),
        title: "公益性岗位补贴花名册".into(),
        headers: headers(&groups),
        widths: vec![5.0, 13.0, 9.0, 14.0, 8.0, 20.0, 11.0, 11.0, 7.0, 7.0, 9.0, 10.0, 9.0, 9.0, 9.0, 11.0, 16.0],
        // 合计 of the quarter's months and amounts; 序号 and the running
        // totals are not sums.
        total: Some(total_row(&rows, |t| {
            if t.len() > 9 {
                t[0] = Cell::text("合计");
                t[9] = Cell::text("");
            }
        })),
        rows,
        notes: vec![
            format!(
                "补贴期限最长{max}个月（各次上岗累计）；上岗时距法定退休年龄不超过{years}年的可延长至退休；达到退休年龄之后的月份不列入。"
            ),
            "本季度在岗不足一月的按一个月计；金额按各月执行的补贴标准计算。身份证号遮蔽显示，申领时以原件为准。".into(),
        ],
        ..Default::default()
    }])
}
