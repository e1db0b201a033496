//! Importing the employment-assistance register (就业援助对象): one row per
//! person, known by the ID number (a person has one case); a row goes
//! through `employment::case::register_in`, or `update_in` for a case
//! already there (categories, education, skills, wishes, a woman's
//! retirement base). The categories 4050, 距法定退休年龄十年以内 and
//! 零就业家庭成员 are accepted but not stored: the register derives them
//! from age and household.
use rusqlite::OptionalExtension;

use super::cells::Raw;
use super::fields::{dict, from, Field, Kind, List, ADDRESS, COMMUNITY, ID_NUMBER, NAME, PHONE};
use super::{Layout, Result, Row, RowResult, Run};
use crate::catalogue::Table;
use crate::employment::case::{self, CaseInput, DERIVED};
use crate::store::WriteTx;

/// Headers and labels are the catalogue's (`Table::EmploymentCase`, and the
/// person's); only the community is the import's own.
pub const FIELDS: &[Field] = &[
    NAME,
    ID_NUMBER,
    COMMUNITY,
    PHONE,
    ADDRESS,
    from(Table::EmploymentCase, "categories", Kind::Several(List::Dict("employment_category", &DERIVED)))
        .note("4050、距法定退休年龄十年以内和零就业家庭成员按年龄和家庭自动认定"),
    from(Table::EmploymentCase, "education", dict("education")),
    from(Table::EmploymentCase, "skills", Kind::Text),
    from(Table::EmploymentCase, "wishes", Kind::Text),
    from(Table::EmploymentCase, "registered_on", Kind::Date).note("空则为导入当天"),
    from(Table::EmploymentCase, "retire_base", Kind::Text).note("女性填“工人”或“干部”；空则按系统设置"),
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
        retire_base: row.text("retire_base"),
    }
}
