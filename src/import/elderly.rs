//! Importing the elderly roster (老年人花名册): one row per person, known by
//! the ID number; a row goes through `elderly::register_in` or `update_in`.
use super::cells::Raw;
use super::fields::{dict, field, Field, Kind, List, ADDRESS, COMMUNITY, ID_NUMBER, PHONE};
use super::{Layout, Result, Row, RowResult, Run};
use crate::elderly::{self, ElderlyInput};
use crate::store::WriteTx;

pub const FIELDS: &[Field] = &[
    field("name", "姓名", &["姓名", "老人姓名", "名字"], Kind::Text).must(),
    ID_NUMBER,
    COMMUNITY,
    PHONE,
    ADDRESS,
    field(
        "kinds",
        "老人类别",
        &["老人类别", "类别", "人员类别", "五类老人类别"],
        Kind::Several(List::Dict("elderly_kind", &["高龄"])),
    )
    .note("高龄按年龄自动认定"),
    field("sanwu", "三无老人", &["三无老人", "是否三无", "三无"], Kind::YesNo),
    field("enterprise_retiree", "企业退休人员", &["企业退休人员", "企业退休", "是否企业退休"], Kind::YesNo),
    field("living_arrangement", "居住情况", &["居住情况", "居住状况", "居住方式"], dict("living_arrangement")),
    field("economic_status", "经济状况", &["经济状况", "经济情况"], dict("economic_status")),
    field("disability_type", "残疾类别", &["残疾类别", "残疾类型"], dict("disability_type")),
    field("disability_grade", "残疾等级", &["残疾等级"], dict("disability_grade")),
    field("health_notes", "健康状况", &["健康状况", "身体状况"], Kind::Text),
    field("emergency_name", "紧急联系人", &["紧急联系人", "联系人"], Kind::Text),
    field("emergency_phone", "紧急联系人电话", &["紧急联系人电话", "紧急联系电话", "联系人电话"], Kind::Phone),
    field("care_mode", "养老方式", &["养老方式"], dict("care_mode")),
    field("registered_on", "登记日期", &["登记日期", "建档日期", "入册日期"], Kind::Date).note("空则为导入当天"),
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
        registered_on: row.text("registered_on"),
        ..Default::default()
    }
}
