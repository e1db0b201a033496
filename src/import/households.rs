//! Importing households (家庭户, for the zero-employment list): one row per
//! member, as offices list them; the rows sharing a 户主身份证号 (often a
//! merged cell down the household's rows) are one household, known by that
//! number. The head's own row carries it too. A household goes in whole or
//! not at all: a problem on one row sends all its rows back, so the
//! rejected file holds complete households to fix and import again.
//!
//! A new household goes through `household::create_in` (with the head) and
//! `add_member_in` (the others, each on its own row's account). For one
//! already there (its head is an active member), update sets the listed
//! members' work status (`set_member_status_in`) and adds those not yet in
//! it; address and relations are kept as registered.
use std::cell::Cell;

use rusqlite::{Connection, OptionalExtension};

use super::fields::{dict, field, from, Field, Kind, COMMUNITY, ID_NUMBER, NAME, PHONE};
use super::{Layout, Line, Problem, Result, Row, RowResult, Run};
use crate::catalogue::Table;
use crate::employment::household::{self, HouseholdInput, MemberInput, MemberStatus};
use crate::store::WriteTx;

/// The household's address (the person's own is another field).
const ADDRESS: Field = from(Table::Household, "address", Kind::Text).must();

/// Headers and labels are the catalogue's (`Table::Household`,
/// `Table::HouseholdMember` and the person's), but for the community and
/// the household's key: the head's ID number, which is a person's field
/// yet heads a column of its own beside the member's.
pub const FIELDS: &[Field] = &[
    field("household", "户主身份证号", &["户主身份证号码", "户主公民身份号码", "户主证件号"], Kind::IdNumber)
        .must()
        .note("同一户各行相同（可合并单元格），户主本人一行也填"),
    COMMUNITY,
    ADDRESS,
    NAME,
    ID_NUMBER,
    from(Table::HouseholdMember, "relation", dict("household_relation")).must(),
    from(Table::HouseholdMember, "work_status", dict("work_status")).must(),
    from(Table::HouseholdMember, "employer", Kind::Text).note("就业的成员必填"),
    from(Table::HouseholdMember, "since", Kind::Date).note("就业或失业登记的日期"),
    from(Table::HouseholdMember, "able", Kind::YesNo).note("空为“是”"),
    from(Table::HouseholdMember, "willing", Kind::YesNo).note("空为“是”"),
    from(Table::HouseholdMember, "retire_base", Kind::Text).note("女性填“工人”或“干部”；空则按系统设置"),
    PHONE,
    from(Table::Household, "notes", Kind::Text),
];

/// Every row of the file, household by household.
pub(super) fn rows(w: &mut WriteTx, run: &mut Run, layout: &Layout, rows: &[Line]) -> Result<Vec<RowResult>> {
    // In the order first met, found by key (a file may hold thousands).
    let mut groups: Vec<(String, Vec<Row>)> = Vec::new();
    let mut group_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (line, cells) in rows {
        let mut row = run.parse(w, layout, cells, *line)?;
        run.same_person(&mut row, "id_number");
        // A row without a usable household number stands alone (and fails).
        let key = row.text("household").unwrap_or_else(|| format!("第{line}行"));
        match group_of.get(&key) {
            Some(&i) => groups[i].1.push(row),
            None => {
                group_of.insert(key.clone(), groups.len());
                groups.push((key, vec![row]));
            }
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for (key, mut group) in groups {
        let found = household_of(w.conn(), &key)?;
        check(&key, &mut group, found.is_some());
        let result = if group.iter().any(|r| !r.problems.is_empty()) {
            RowResult::Rejected(Vec::new())
        } else {
            write(w, run, layout, &key, &group, found.as_deref())?
        };
        run.rows_done(group.len());
        match result {
            RowResult::Unguarded => return Ok(vec![RowResult::Unguarded]),
            RowResult::Rejected(problems) => out.extend(reject(group, problems)),
            done => out.extend(group.iter().map(|_| copy(&done))),
        }
    }
    Ok(out)
}

/// What makes a household's rows one household: the same community and
/// address, and (for a new one) the head's own row.
fn check(key: &str, group: &mut [Row], registered: bool) {
    let first = (group[0].line, group[0].text("community"), group[0].text("address"));
    for row in group.iter_mut().skip(1) {
        for (Field { key: k, label, .. }, value) in [(COMMUNITY, &first.1), (ADDRESS, &first.2)] {
            if value.is_some() && row.text(k).is_some() && row.text(k) != *value {
                row.problem(k, format!("与同户第{}行的{label}不同：同一户各行应相同", first.0));
            }
        }
    }
    for row in group.iter_mut().filter(|r| r.text("household").as_deref() == Some(key)) {
        let own = row.text("id_number");
        if row.text("relation").as_deref() == Some("户主") && own.is_some() && own.as_deref() != Some(key) {
            row.problem("relation", "与户主关系为“户主”，但身份证号与户主身份证号不同：请核对");
        }
    }
    let has_head = group.iter().any(|r| r.text("id_number").as_deref() == Some(key));
    if !registered && !has_head && group[0].problems.is_empty() && group[0].text("household").is_some() {
        group[0].problem("household", "本户没有户主本人的一行（身份证号与户主身份证号相同）：请补上户主");
    }
}

/// The household's rows written in one savepoint: registered, updated or
/// skipped as one; a refusal is named on the row it came from.
fn write(
    w: &mut WriteTx,
    run: &Run,
    layout: &Layout,
    key: &str,
    group: &[Row],
    found: Option<&str>,
) -> Result<RowResult> {
    let today = run.today;
    let members: Vec<(usize, MemberInput)> = group.iter().map(|r| (r.line, member(r))).collect();
    let failed = Cell::new(group[0].line);
    let head = group.iter().position(|r| r.text("id_number").as_deref() == Some(key)).unwrap_or(0);
    let written = run.write(
        w,
        found,
        |w| {
            let household = HouseholdInput {
                community_id: group[head].text("community").unwrap_or_default(),
                address: group[head].text("address").unwrap_or_default(),
                notes: group.iter().find_map(|r| r.text("notes")),
                members: vec![members[head].1.clone()],
            };
            failed.set(members[head].0);
            let id = household::create_in(w, &household, today)?;
            for (line, m) in members.iter().enumerate().filter(|(i, _)| *i != head).map(|(_, m)| m) {
                failed.set(*line);
                household::add_member_in(w, &id, m, today)?;
            }
            Ok(())
        },
        |w, id| {
            for (line, m) in &members {
                failed.set(*line);
                match member_of(w.conn(), id, m.person.id_number.as_deref().unwrap_or_default())? {
                    Some(member) => household::set_member_status_in(w, &member, &m.status, today)?,
                    None => drop(household::add_member_in(w, id, m, today)?),
                }
            }
            Ok(())
        },
    );
    run.settle(written, layout, failed.get(), &[("members", "name")])
}

fn member(row: &Row) -> MemberInput {
    MemberInput {
        person: row.person(),
        relation: row.text("relation").unwrap_or_default(),
        status: MemberStatus {
            work_status: row.text("work_status").unwrap_or_default(),
            employer: row.text("employer"),
            since: row.text("since"),
            able: row.flag("able", true),
            willing: row.flag("willing", true),
            retire_base: row.text("retire_base"),
        },
    }
}

/// Each row of a household sent back: its own problems, or where the
/// household's problems are.
fn reject(group: Vec<Row>, extra: Vec<Problem>) -> Vec<RowResult> {
    let bad: Vec<usize> = group
        .iter()
        .filter(|r| !r.problems.is_empty() || extra.iter().any(|p| p.row == r.line))
        .map(|r| r.line)
        .collect();
    let lines = bad.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("、");
    group
        .into_iter()
        .map(|r| {
            let mut problems = r.problems;
            problems.extend(extra.iter().filter(|p| p.row == r.line).cloned());
            if problems.is_empty() {
                let message = format!("同户第{lines}行有问题，本户各行均未导入");
                problems.push(Problem { row: r.line, column: String::new(), message });
            }
            RowResult::Rejected(problems)
        })
        .collect()
}

fn copy(r: &RowResult) -> RowResult {
    match r {
        RowResult::Imported => RowResult::Imported,
        RowResult::Updated => RowResult::Updated,
        _ => RowResult::Skipped,
    }
}

/// The household a person heads. Only as its head: a son still listed in
/// his parents' household who heads his own in the file is a new household
/// (which the register refuses until he is moved out of theirs), never
/// more members of his parents'.
fn household_of(conn: &Connection, id_number: &str) -> Result<Option<String>> {
    let Some(person) = crate::person::find_by_id_number(conn, id_number)? else { return Ok(None) };
    let sql = "SELECT household_id FROM household_member WHERE person_id = ?1 AND active = 1 AND relation = '户主'";
    Ok(conn.prepare_cached(sql)?.query_row([person], |r| r.get(0)).optional()?)
}

/// The membership of a person in a household, if active.
fn member_of(conn: &Connection, household_id: &str, id_number: &str) -> Result<Option<String>> {
    let Some(person) = crate::person::find_by_id_number(conn, id_number)? else { return Ok(None) };
    Ok(conn
        .prepare_cached("SELECT id FROM household_member WHERE household_id = ?1 AND person_id = ?2 AND active = 1")?
        .query_row([household_id, &person], |r| r.get(0))
        .optional()?)
}
