//! Importing people's mediation cases (人民调解案件) as registered (受理登记):
//! one row per case, the parties of each side in one cell (several names
//! separated by 、 or ，, their ID numbers in the same order in the next
//! column), the mediators by name from the roster. A row goes through
//! `mediation::register_in`, so each case is numbered by its committee (待编号 on a PC
//! that does not keep the committee's numbers); later steps (调解, 协议 …) are recorded in the app.
//!
//! A case is known by its 受理日期, 纠纷类型 and first applicant (by ID number
//! when the file gives one, else by name): a file's own old case numbers are
//! not kept, so they cannot be the key. A case already there is left as it
//! is even when "update" is chosen: a case changes only by its steps.
use rusqlite::OptionalExtension;

use super::cells::Raw;
use super::fields::{dict, field, from, Field, Kind, List, STREET_COMMITTEE};
use super::{Layout, Result, Row, RowResult, Run};
use crate::catalogue::Table;
use crate::mediation::{self, CaseInput, PartyInput, APPLICANT, RESPONDENT};
use crate::store::WriteTx;

const SIDES: [(&str, &str, &str); 2] =
    [("applicants", "applicant_ids", APPLICANT), ("respondents", "respondent_ids", RESPONDENT)];

/// The case's own fields are the catalogue's (`Table::MediationCase`). The
/// import's own columns are those a row holds otherwise than the case
/// stores them: the committee by name (the case stores a community id),
/// each side's parties as several names and ID numbers in one cell (the
/// case stores one `mediation_party` record each), the mediators by name
/// (the case stores their ids), the amount in 元 (the case stores 分), and
/// who received the case (the 经办人 of its first step, not a case field).
pub const FIELDS: &[Field] = &[
    from(Table::MediationCase, "received_on", Kind::Date).must(),
    field("community", "调委会", &["调解委员会", "所属社区", "社区"], Kind::One(List::Committees))
        .note("空为街道调委会"),
    from(Table::MediationCase, "dispute_type", dict("dispute_type")).must(),
    from(Table::MediationCase, "source", dict("dispute_source")).must(),
    field("applicants", "申请人", &["申请方", "申请人姓名", "申请方当事人"], Kind::Names).must(),
    field("applicant_ids", "申请人身份证号", &["申请人身份证号码", "申请方身份证号"], Kind::IdNumbers),
    field("respondents", "被申请人", &["被申请方", "被申请人姓名", "被申请方当事人"], Kind::Names).must(),
    field("respondent_ids", "被申请人身份证号", &["被申请人身份证号码", "被申请方身份证号"], Kind::IdNumbers),
    field("mediators", "调解员", &["调解人员", "主持调解员", "调解人"], Kind::Several(List::Mediators))
        .must()
        .note("须在调解员名册中"),
    from(Table::MediationCase, "summary", Kind::Text).must(),
    from(Table::MediationCase, "requests", Kind::Text),
    field("amount", "涉及金额（元）", &["涉及金额", "金额", "标的额"], Kind::Text),
    field("staff", "受理人", &["登记人"], Kind::Text).note("空为第一位调解员"),
];

/// One row: checked, then registered, or skipped when already there.
pub(super) fn row(w: &mut WriteTx, run: &mut Run, layout: &Layout, cells: &[Raw], line: usize) -> Result<RowResult> {
    let mut row = run.parse(w, layout, cells, line)?;
    for (names, ids, side) in SIDES {
        let (n, i) = (row.list(names).len(), row.ids(ids).len());
        if i > 0 && i != n {
            let message =
                format!("{side}身份证号有{i}个、姓名有{n}个：请按姓名顺序用顿号分隔，没有的留空（如 号码1、、号码3）");
            row.problem(ids, message);
        }
    }
    let first = first_applicant(&row);
    let key = format!("{:?}|{:?}|{first:?}", row.text("received_on"), row.text("dispute_type"));
    if let Some(earlier) = run.repeat_of(key, line) {
        row.problem("applicants", format!("与第{earlier}行是同一案件（受理日期、纠纷类型和申请人相同），本行未导入"));
    }
    if !row.problems.is_empty() {
        return Ok(RowResult::Rejected(row.problems));
    }
    if registered(w, &row, &first)? {
        return Ok(RowResult::Skipped);
    }
    let input = input(w, &row)?;
    let today = run.today;
    let written = run.write(w, None, |w| mediation::register_in(w, &input, today).map(drop), |_, _| Ok(()));
    run.settle(written, layout, line, &[("mediator_ids", "mediators"), ("parties", "applicants")])
}

/// The first applicant's ID number, or else their name.
fn first_applicant(row: &Row) -> Option<String> {
    row.ids("applicant_ids").into_iter().next().flatten().or_else(|| row.list("applicants").into_iter().next())
}

fn registered(w: &WriteTx, row: &Row, first: &Option<String>) -> Result<bool> {
    let by_id = row.ids("applicant_ids").first().cloned().flatten().is_some();
    let found: Option<i64> = w
        .conn()
        .prepare_cached(
            // The case's first applicant (party ids are made in order), as in the key.
            "SELECT 1 FROM mediation_case m JOIN mediation_party p ON p.case_id = m.id AND p.side = ?3
             LEFT JOIN person s ON s.id = p.person_id
             WHERE m.received_on = ?1 AND m.dispute_type = ?2 AND (CASE WHEN ?5 THEN s.id_number ELSE p.name END) = ?4
               AND p.id = (SELECT min(f.id) FROM mediation_party f WHERE f.case_id = m.id AND f.side = ?3)
             LIMIT 1",
        )?
        .query_row(rusqlite::params![row.text("received_on"), row.text("dispute_type"), APPLICANT, first, by_id], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(found.is_some())
}

fn input(w: &WriteTx, row: &Row) -> Result<CaseInput> {
    let roster = mediation::mediators(w.conn(), w.actor())?;
    let names = row.list("mediators");
    // Names were checked against the roster. A name on two committees'
    // rosters is the case's own committee's mediator, else the first.
    let committee = match row.text("community").filter(|c| c != STREET_COMMITTEE) {
        Some(community) => format!("{community}调委会"),
        None => STREET_COMMITTEE.to_string(),
    };
    let mediator_ids = (names.iter())
        .filter_map(|n| {
            let mut named = roster.iter().filter(|m| m.name == *n);
            named.clone().find(|m| m.committee == committee).or_else(|| named.next())
        })
        .map(|m| m.id.clone())
        .collect();
    let mut parties = Vec::new();
    for (names, ids, side) in SIDES {
        let ids = row.ids(ids);
        for (i, name) in row.list(names).into_iter().enumerate() {
            let id_number = ids.get(i).cloned().flatten();
            parties.push(PartyInput { side: side.to_string(), name, id_number, ..Default::default() });
        }
    }
    Ok(CaseInput {
        community_id: row.text("community").filter(|c| c != STREET_COMMITTEE),
        dispute_type: row.text("dispute_type").unwrap_or_default(),
        source: row.text("source").unwrap_or_default(),
        mediator_ids,
        summary: row.text("summary").unwrap_or_default(),
        requests: row.text("requests"),
        amount: row.text("amount"),
        received_on: row.text("received_on").unwrap_or_default(),
        parties,
        staff: row.text("staff").or_else(|| names.first().cloned()).unwrap_or_default(),
        ..Default::default()
    })
}
