//! Importing the elderly roster (老年人花名册): one row per person, known by
//! the ID number; a row goes through `elderly::register_in` or `update_in`.
use super::cells::Raw;
use super::fields::{dict, from, Field, Kind, List, ADDRESS, COMMUNITY, ID_NUMBER, NAME, PHONE};
use super::{Layout, Result, Row, RowResult, Run};
use crate::catalogue::Table;
use crate::elderly::{self, ElderlyInput};
use crate::store::WriteTx;

/// Headers and labels are the catalogue's (`Table::Elderly`, and the
/// person's); only the community is the import's own.
pub const FIELDS: &[Field] = &[
    NAME,
    ID_NUMBER,
    COMMUNITY,
    PHONE,
    ADDRESS,
    from(Table::Elderly, "kinds", Kind::Several(List::Dict("elderly_kind", &["高龄"]))).note("高龄按年龄自动认定"),
    from(Table::Elderly, "sanwu", Kind::YesNo),
    from(Table::Elderly, "enterprise_retiree", Kind::YesNo),
    from(Table::Elderly, "living_arrangement", dict("living_arrangement")),
    from(Table::Elderly, "economic_status", dict("economic_status")),
    from(Table::Elderly, "disability_type", dict("disability_type")),
    from(Table::Elderly, "disability_grade", dict("disability_grade")),
    from(Table::Elderly, "health_notes", Kind::Text),
    from(Table::Elderly, "emergency_name", Kind::Text),
    from(Table::Elderly, "emergency_phone", Kind::Phone),
    from(Table::Elderly, "care_mode", dict("care_mode")),
    from(Table::Elderly, "risk_factors", Kind::Several(List::Dict("elderly_risk", &[]))),
    from(Table::Elderly, "registered_on", Kind::Date).note("空则为导入当天"),
];

/// One row: checked, then registered, updated or skipped.
pub(super) fn row(w: &mut WriteTx, run: &mut Run, layout: &Layout, cells: &[Raw], line: usize) -> Result<RowResult> {
    let (row, on_roster) = match run.person_row(w, layout, cells, line, elderly::of_person)? {
        Ok(found) => found,
        Err(rejected) => return Ok(rejected),
    };
    let input = input(&row);
    let today = run.today;
    let written = run.write(
        w,
        on_roster.as_deref(),
        |w| elderly::register_in(w, &input, today).map(drop),
        |w, id| elderly::update_in(w, id, None, &input, today),
    );
    run.settle(written, layout, line, &[])
}

fn input(row: &Row) -> ElderlyInput {
    ElderlyInput {
        person: row.person(),
        kinds: row.list("kinds"),
        sanwu: row.flag("sanwu", false),
        enterprise_retiree: row.flag("enterprise_retiree", false),
        living_arrangement: row.text("living_arrangement"),
        economic_status: row.text("economic_status"),
        disability_type: row.text("disability_type"),
        disability_grade: row.text("disability_grade"),
        health_notes: row.text("health_notes"),
        emergency_name: row.text("emergency_name"),
        emergency_phone: row.text("emergency_phone"),
        care_mode: row.text("care_mode"),
        risk_factors: row.list("risk_factors"),
        registered_on: row.text("registered_on"),
        ..Default::default()
    }
}
