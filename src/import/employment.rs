//! Importing the employment-assistance register (就业援助对象): one row per
//! person, known by the ID number (a person has one case); a row goes
//! through `employment::case::register_in`, or `update_in` for a case
//! already there (categories, education, skills, wishes). The categories
//! 4050 and 零就业家庭成员 are accepted but not stored: the register derives
//! them from age and household.
use rusqlite::OptionalExtension;

use super::cells::Raw;
use super::fields::{dict, field, Field, Kind, List, ADDRESS, COMMUNITY, ID_NUMBER, PHONE};
use super::{Layout, Result, Row, RowResult, Run};
use crate::employment::case::{self, CaseInput, CATEGORY_4050, CATEGORY_ZERO};
use crate::store::WriteTx;

pub const FIELDS: &[Field] = &[
    field("name", "姓名", &["姓名", "名字"], Kind::Text).must(),
    ID_NUMBER,
    COMMUNITY,
    PHONE,
    ADDRESS,
    field(
        "categories",
        "人员类别",
        &["人员类别", "就业困难人员类别", "困难类别", "援助类别", "类别"],
        Kind::Several(List::Dict("employment_category", &[CATEGORY_4050, CATEGORY_ZERO])),
    )
    .note("4050和零就业家庭成员按年龄和家庭自动认定"),
    field("education", "文化程度", &["文化程度", "学历"], dict("education")),
    field("skills", "技能特长", &["技能特长", "技能", "特长", "专业技能"], Kind::Text),
    field("wishes", "就业意愿", &["就业意愿", "求职意向", "意向岗位", "求职意愿"], Kind::Text),
    field("registered_on", "登记日期", &["登记日期", "认定日期", "建档日期"], Kind::Date).note("空则为导入当天"),
];

/// One row: checked, then registered, updated or skipped.
pub(super) fn row(w: &mut WriteTx, run: &mut Run, layout: &Layout, cells: &[Raw], line: usize) -> Result<RowResult> {
    let case_of = |conn: &rusqlite::Connection, person: &str| -> Result<Option<String>> {
        let sql = "SELECT id FROM employment_case WHERE person_id = ?1";
        Ok(conn.prepare_cached(sql)?.query_row([person], |r| r.get(0)).optional()?)
    };
    let (row, found) = match run.person_row(w, layout, cells, line, case_of)? {
        Ok(found) => found,
        Err(rejected) => return Ok(rejected),
    };
    let input = input(&row);
    let today = run.today;
    let written = run.write(
        w,
        found.as_deref(),
        |w| case::register_in(w, &input, today).map(drop),
        |w, id| case::update_in(w, id, &input),
    );
    run.settle(written, layout, line, &[])
}

fn input(row: &Row) -> CaseInput {
    CaseInput {
        person: row.person(),
        categories: row.list("categories"),
        registered_on: row.text("registered_on"),
        education: row.text("education"),
        skills: row.text("skills"),
        wishes: row.text("wishes"),
    }
}
