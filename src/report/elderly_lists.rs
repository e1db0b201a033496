//! Lists of the elderly roster for the year's 慰问 work: 老人生日名单,
//! 百岁老人名单, 重阳节慰问名单 (by age band, with who has had a 重阳节
//! 慰问 and a 签字 column) and 慰问登记表. The rules are in
//! `crate::elderly::lists`.
use chrono::Datelike;
use rusqlite::Connection;

use super::{headers, total_row, Cell, Period, Scope, Sheet};
use crate::elderly::lists::{self, Listed, BANDS};
use crate::validate::invalid;
use crate::Result;

fn sheet(name: &str, title: &str, cols: &[&str], widths: &[f64], rows: Vec<Vec<Cell>>, notes: Vec<String>) -> Sheet {
    Sheet {
        name: name.into(),
        title: title.into(),
        headers: headers(&cols.iter().map(|c| (*c, &[][..])).collect::<Vec<_>>()),
        widths: widths.to_vec(),
        row_count: rows.len(),
        rows,
        notes,
        ..Sheet::default()
    }
}

fn cn_day(d: chrono::NaiveDate) -> String {
    format!("{}月{}日", d.month(), d.day())
}

fn yuan(cents: Option<i64>) -> String {
    cents.map(|c| format!("{:.2}元", c as f64 / 100.0)).unwrap_or_default()
}

/// The person's columns shared by the lists.
fn person(scope: &Scope, n: usize, l: &Listed) -> Vec<Cell> {
    vec![
        Cell::Int(n as i64 + 1),
        Cell::text(&l.community),
        Cell::text(&l.name),
        Cell::text(&l.sex),
        scope.id_number(l.id_number.clone()),
        Cell::Text(l.birth.to_string()),
        Cell::Int(l.age as i64),
    ]
}

/// A list's period lies within one year: ages are reached in a year.
fn one_year(p: &Period) -> Result<()> {
    if p.from.year() != p.to.year() {
        return Err(invalid("period", "此名单按年度计算年龄，报表期间请选在同一年内（如某月或某年）").into());
    }
    Ok(())
}

/// 老人生日名单: birthdays in the period (usually a month).
pub(super) fn birthdays(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    one_year(p)?;
    let list = lists::birthdays(conn, scope.community.as_deref(), p.from, p.to)?;
    let rows = list
        .iter()
        .enumerate()
        .map(|(n, l)| {
            let mut row = person(scope, n, l);
            row.push(Cell::Text(cn_day(l.birthday)));
            row.push(Cell::text(if l.birthday.day() != l.birth.day() {
                "2月29日生，平年按2月28日"
            } else {
                ""
            }));
            row.push(Cell::text(""));
            row
        })
        .collect();
    Ok(vec![sheet(
        "生日名单",
        "老人生日名单",
        &["序号", "社区", "姓名", "性别", "身份证号", "出生日期", "满岁", "生日", "备注", "签字"],
        &[6., 12., 10., 6., 21., 12., 6., 10., 22., 12.],
        rows,
        vec![
            "在册老人中生日在报表期间内的；满岁为当年年份减出生年份。".into(),
            "2月29日出生的，平年在2月28日过生日，列入2月名单。".into(),
        ],
    )])
}

/// 百岁老人名单: those reaching 100 or more in the period's year.
pub(super) fn centenarians(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let list = lists::centenarians(conn, scope.community.as_deref(), p.to)?;
    let rows = list
        .iter()
        .enumerate()
        .map(|(n, l)| {
            let mut row = person(scope, n, l);
            row.push(Cell::Text(cn_day(l.birthday)));
            row.push(Cell::text(if l.age == lists::CENTENARIAN { "本年满百岁" } else { "" }));
            row
        })
        .collect();
    Ok(vec![sheet(
        "百岁老人",
        "百岁老人名单",
        &["序号", "社区", "姓名", "性别", "身份证号", "出生日期", "满岁", "生日", "备注"],
        &[6., 12., 10., 6., 21., 12., 6., 10., 14.],
        rows,
        vec![format!("报表期末在册、{}年内年满100周岁及以上的老人（含当年生日未到的）。", p.to.year())],
    )])
}

/// 重阳节慰问名单: the list by age band with the year's 重阳节 慰问 and a
/// 签字 column, and the count per community and band with a 合计.
pub(super) fn double_ninth(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let list = lists::double_ninth(conn, scope.community.as_deref(), p.to)?;
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .enumerate()
        .map(|(n, (band, l, visited))| {
            let mut row = person(scope, n, l);
            row.push(Cell::text(BANDS[*band].0));
            row.push(Cell::Text(match visited {
                Some(v) => {
                    let what: Vec<String> = [v.gift.clone().unwrap_or_default(), yuan(v.amount_cents)]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect();
                    format!("已慰问 {} {}", v.date, what.join("、"))
                }
                None => "未慰问".into(),
            }));
            row.push(Cell::text(""));
            row
        })
        .collect();
    let mut counts = Vec::new();
    // The rows carry the community's name; names are unique in an office.
    for (_, name) in &scope.communities {
        let mine: Vec<_> = list.iter().filter(|(_, l, _)| l.community == *name).collect();
        let mut row = vec![Cell::text(name)];
        for b in 0..BANDS.len() {
            row.push(Cell::Int(mine.iter().filter(|(band, _, _)| *band == b).count() as i64));
        }
        row.push(Cell::Int(mine.len() as i64));
        let visited = mine.iter().filter(|(_, _, v)| v.is_some()).count() as i64;
        row.push(Cell::Int(visited));
        row.push(Cell::Int(mine.len() as i64 - visited));
        counts.push(row);
    }
    let mut stats = sheet(
        "分段统计",
        "重阳节慰问老人名单（分年龄段统计）",
        &["社区", BANDS[0].0, BANDS[1].0, BANDS[2].0, "合计", "已慰问", "未慰问"],
        &[14., 10., 10., 12., 8., 8., 8.],
        Vec::new(),
        vec!["合计为各社区之和；已慰问指本年登记了重阳节慰问的。".into()],
    );
    stats.total = Some(total_row(&counts, |_| {}));
    stats.row_count = counts.len();
    stats.rows = counts;
    Ok(vec![
        sheet(
            "名单",
            "重阳节慰问老人名单",
            &["序号", "社区", "姓名", "性别", "身份证号", "出生日期", "满岁", "年龄段", "慰问情况", "签字"],
            &[5., 10., 8., 5., 22., 12., 5., 11., 24., 12.],
            rows,
            vec![format!(
                "报表期末在册、{}年内年满80周岁及以上的老人，按年龄段排列；满岁为当年年份减出生年份。",
                p.to.year()
            )],
        ),
        stats,
    ])
}

/// 慰问登记表: every 慰问 in the period, with the 慰问金 合计 and a 签字 column.
pub(super) fn condolences(conn: &Connection, scope: &Scope, p: &Period) -> Result<Vec<Sheet>> {
    let mut stmt = conn.prepare(
        "SELECT coalesce(c.name, ''), p.name, p.id_number, k.kind, k.date, k.gift, k.amount_cents, k.staff
         FROM elderly_condolence k JOIN elderly e ON e.id = k.elderly_id JOIN person p ON p.id = e.person_id
         LEFT JOIN community c ON c.id = p.community_id
         WHERE (?1 IS NULL OR p.community_id = ?1) AND k.date BETWEEN ?2 AND ?3
         ORDER BY k.date, c.sort, p.name_key",
    )?;
    let mut rows = Vec::new();
    let mut it = stmt.query((&scope.community, p.from_str(), p.to_str()))?;
    while let Some(r) = it.next()? {
        let opt =
            |i: usize| -> rusqlite::Result<Cell> { Ok(Cell::Text(r.get::<_, Option<String>>(i)?.unwrap_or_default())) };
        rows.push(vec![
            Cell::Int(rows.len() as i64 + 1),
            Cell::Text(r.get(0)?),
            Cell::Text(r.get(1)?),
            scope.id_number(r.get(2)?),
            Cell::Text(r.get(3)?),
            Cell::Text(r.get(4)?),
            opt(5)?,
            Cell::Money(r.get::<_, Option<i64>>(6)?.unwrap_or(0) as f64 / 100.0),
            Cell::Text(r.get(7)?),
            Cell::text(""),
        ]);
    }
    let mut s = sheet(
        "慰问登记",
        "老人慰问登记表",
        &["序号", "社区", "姓名", "身份证号", "慰问类型", "慰问日期", "慰问品", "慰问金（元）", "经办人", "领取人签字"],
        &[6., 12., 10., 21., 9., 11., 16., 11., 10., 14.],
        Vec::new(),
        vec!["慰问金合计为各行之和；慰问品不计金额。".into()],
    );
    let mut total = total_row(&rows, |_| {});
    if rows.is_empty() {
        total = vec![
            Cell::text("合计"),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
            Cell::Money(0.0),
            Cell::text(""),
            Cell::text(""),
        ];
    }
    s.total = Some(total);
    s.row_count = rows.len();
    s.rows = rows;
    Ok(vec![s])
}
