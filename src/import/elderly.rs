//! Importing the elderly roster (老年人花名册).
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::cells::{self, Raw};
use super::{Existing, Field, Layout, Options, Problem, RowResult};
use crate::elderly::{self, ElderlyInput};
use crate::person::PersonInput;
use crate::store::WriteTx;
use crate::{dict, Error};

pub const FIELDS: &[Field] = &[
    Field { key: "name", label: "姓名", synonyms: &["姓名", "老人姓名", "名字"], required: true },
    Field {
        key: "id_number",
        label: "身份证号",
        synonyms: &["身份证号", "身份证号码", "公民身份号码", "证件号", "证件号码", "身份证"],
        required: true,
    },
    Field {
        key: "community",
        label: "所属社区",
        synonyms: &["所属社区", "社区名称", "社区", "所在社区"],
        required: true,
    },
    Field {
        key: "phone",
        label: "联系电话",
        synonyms: &["联系电话", "手机号", "手机号码", "电话", "手机", "联系方式"],
        required: false,
    },
    Field {
        key: "address",
        label: "住址",
        synonyms: &["住址", "家庭住址", "居住地址", "地址", "现住址"],
        required: false,
    },
    Field {
        key: "kinds",
        label: "老人类别",
        synonyms: &["老人类别", "类别", "人员类别", "五类老人类别"],
        required: false,
    },
    Field {
        key: "sanwu", label: "三无老人", synonyms: &["三无老人", "是否三无", "三无"], required: false
    },
    Field {
        key: "enterprise_retiree",
        label: "企业退休人员",
        synonyms: &["企业退休人员", "企业退休", "是否企业退休"],
        required: false,
    },
    Field {
        key: "living_arrangement",
        label: "居住情况",
        synonyms: &["居住情况", "居住状况", "居住方式"],
        required: false,
    },
    Field {
        key: "economic_status", label: "经济状况", synonyms: &["经济状况", "经济情况"], required: false
    },
    Field {
        key: "disability_type", label: "残疾类别", synonyms: &["残疾类别", "残疾类型"], required: false
    },
    Field { key: "disability_grade", label: "残疾等级", synonyms: &["残疾等级"], required: false },
    Field { key: "health_notes", label: "健康状况", synonyms: &["健康状况", "身体状况"], required: false },
    Field {
        key: "emergency_name", label: "紧急联系人", synonyms: &["紧急联系人", "联系人"], required: false
    },
    Field {
        key: "emergency_phone",
        label: "紧急联系人电话",
        synonyms: &["紧急联系人电话", "紧急联系电话", "联系人电话"],
        required: false,
    },
    Field { key: "care_mode", label: "养老方式", synonyms: &["养老方式"], required: false },
    Field {
        key: "registered_on", label: "登记日期", synonyms: &["登记日期", "建档日期", "入册日期"], required: false
    },
];

/// The dictionary a field draws on, if any.
fn dict_of(key: &str) -> Option<&'static str> {
    Some(match key {
        "kinds" => "elderly_kind",
        "living_arrangement" => "living_arrangement",
        "economic_status" => "economic_status",
        "disability_type" => "disability_type",
        "disability_grade" => "disability_grade",
        "care_mode" => "care_mode",
        _ => return None,
    })
}

/// The notes row of the template, and the drop-down list if any.
pub(super) fn hint(conn: &Connection, key: &str) -> crate::Result<(String, Option<Vec<String>>)> {
    let list = match dict_of(key) {
        Some(d) => Some(dict::labels(conn, d)?.into_iter().filter(|l| l != "高龄").collect::<Vec<_>>()),
        None if key == "community" => Some(crate::office::communities(conn)?.into_iter().map(|c| c.name).collect()),
        None if key == "sanwu" || key == "enterprise_retiree" => Some(vec!["是".into(), "否".into()]),
        None => None,
    };
    let hint = match key {
        "id_number" => "18位，请保持本列为文本格式".to_string(),
        "kinds" => "可多选，用顿号分隔；高龄按年龄自动认定".to_string(),
        "registered_on" => "如 2024-03-01，空则为导入当天".to_string(),
        _ => match &list {
            Some(l) if !l.is_empty() => format!("从下拉列表选择：{}", l.join("、")),
            _ => String::new(),
        },
    };
    Ok((hint, list))
}

/// One row: checked, then registered, updated or skipped in its own
/// savepoint. Problems name the column as the file heads it.
pub(super) fn row(
    w: &mut WriteTx,
    layout: &Layout,
    row: &[Raw],
    line: usize,
    options: &Options,
    seen: &mut BTreeMap<String, usize>,
    today: NaiveDate,
    guarded: bool,
) -> RowResult {
    let mut problems = Vec::new();
    let mut problem = |key: &str, message: String| {
        problems.push(Problem { row: line, column: layout.header(key), message });
    };
    let text = |key: &str| -> Option<String> {
        let t = layout.cell(row, key).text()?;
        Some(options.values.get(key).and_then(|m| m.get(&t)).cloned().unwrap_or(t))
    };
    let id_number = match cells::id_number(&layout.cell(row, "id_number")) {
        Ok(Some(id)) => Some(id),
        Ok(None) => {
            problem("id_number", "缺少身份证号".into());
            None
        }
        Err(e) => {
            problem("id_number", e);
            None
        }
    };
    if let Some(id) = &id_number {
        if let Some(first) = seen.get(id) {
            problem("id_number", format!("与第{first}行是同一人（身份证号相同），本行未导入"));
        } else {
            seen.insert(id.clone(), line);
        }
    }
    let phone = cells::phone(&layout.cell(row, "phone")).unwrap_or_else(|e| {
        problem("phone", e);
        None
    });
    let emergency_phone = cells::phone(&layout.cell(row, "emergency_phone")).unwrap_or_else(|e| {
        problem("emergency_phone", e);
        None
    });
    let registered_on = cells::date(&layout.cell(row, "registered_on")).unwrap_or_else(|e| {
        problem("registered_on", e);
        None
    });
    let flag = |key: &str, problem: &mut dyn FnMut(&str, String)| {
        cells::yes_no(&layout.cell(row, key)).unwrap_or_else(|e| {
            problem(key, e);
            false
        })
    };
    let sanwu = flag("sanwu", &mut problem);
    let retiree = flag("enterprise_retiree", &mut problem);
    let community = text("community");
    if let Some(c) = &community {
        if crate::office::resolve(w.conn(), c).is_err() {
            problem("community", format!("未知值：community={c}"));
        }
    }
    let kinds: Vec<String> = text("kinds")
        .map(|k| {
            k.split(['、', ',', '，', '/', ';', '；', ' '])
                .filter(|s| !s.is_empty())
                .map(|s| options.values.get("kinds").and_then(|m| m.get(s)).cloned().unwrap_or_else(|| s.to_string()))
                .collect()
        })
        .unwrap_or_default();
    for key in ["kinds", "living_arrangement", "economic_status", "disability_type", "disability_grade", "care_mode"] {
        let Some(d) = dict_of(key) else { continue };
        let Ok(allowed) = dict::labels(w.conn(), d) else { continue };
        let values = if key == "kinds" { kinds.clone() } else { text(key).into_iter().collect() };
        for v in values.iter().filter(|v| !allowed.contains(v)) {
            problem(key, format!("未知值：{key}={v}"));
        }
    }
    if text("name").is_none() {
        problem("name", "缺少姓名".into());
    }
    if !problems.is_empty() {
        return RowResult::Rejected(problems);
    }
    let input = ElderlyInput {
        person: PersonInput {
            name: text("name").unwrap_or_default(),
            id_number,
            phone,
            community_id: community,
            address: text("address"),
            ..Default::default()
        },
        kinds: kinds.into_iter().filter(|k| k != "高龄").collect(),
        sanwu,
        enterprise_retiree: retiree,
        living_arrangement: text("living_arrangement"),
        economic_status: text("economic_status"),
        disability_type: text("disability_type"),
        disability_grade: text("disability_grade"),
        health_notes: text("health_notes"),
        emergency_name: text("emergency_name"),
        emergency_phone,
        care_mode: text("care_mode"),
        registered_on: registered_on.map(|d| d.to_string()),
        ..Default::default()
    };
    let on_roster = input
        .person
        .id_number
        .as_deref()
        .and_then(|idn| crate::person::find_by_id_number(w.conn(), idn).ok().flatten())
        .and_then(|pid| {
            w.conn().query_row("SELECT id FROM elderly WHERE person_id = ?1", [pid], |r| r.get::<_, String>(0)).ok()
        });
    let result = match (&on_roster, options.existing) {
        (Some(_), Existing::Skip | Existing::Stop) => return RowResult::Skipped,
        (Some(id), Existing::Update) => {
            guard(w, guarded, |w| elderly::update_in(w, id, None, &input, today)).map(|_| RowResult::Updated)
        }
        (None, _) => guard(w, guarded, |w| elderly::register_in(w, &input, today)).map(|_| RowResult::Imported),
    };
    if !guarded && result.is_err() {
        return RowResult::Unguarded;
    }
    result.unwrap_or_else(|e| {
        let field = match &e {
            Error::Invalid(i) => i.field,
            _ => "",
        };
        let column = FIELDS.iter().find(|f| f.key == field || (field == "community_id" && f.key == "community"));
        RowResult::Rejected(vec![Problem {
            row: line,
            column: column.map(|f| layout.header(f.key)).unwrap_or_default(),
            message: e.to_string(),
        }])
    })
}

/// A row in its own savepoint when guarded; straight in otherwise (the fast
/// first try of an import, restarted guarded if any row fails).
fn guard<T>(w: &mut WriteTx, guarded: bool, f: impl FnOnce(&mut WriteTx) -> crate::Result<T>) -> crate::Result<T> {
    if guarded {
        w.attempt(f)
    } else {
        f(w)
    }
}
