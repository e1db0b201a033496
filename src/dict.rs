//! Dictionaries (字典): enumerations kept as data, seeded at setup from
//! `assets/dictionaries.json`, editable later by administrators. Settings
//! are in `settings`.
use rusqlite::Connection;
use serde::Deserialize;

use crate::store::{new_id, Table, WriteTx};
use crate::Result;

const SEED: &str = include_str!("../assets/dictionaries.json");

#[derive(Deserialize)]
struct Seed {
    dictionaries: serde_json::Map<String, serde_json::Value>,
}

/// Writes the seed dictionaries and settings (first setup only).
pub(crate) fn seed(w: &mut WriteTx) -> Result<()> {
    let seed: Seed = serde_json::from_str(SEED).expect("assets/dictionaries.json is valid");
    for (dict, labels) in &seed.dictionaries {
        for (i, label) in labels.as_array().into_iter().flatten().enumerate() {
            let label = label.as_str().unwrap_or_default().to_string();
            w.insert(
                Table::DictEntry,
                &new_id(),
                &[
                    ("dict", dict.clone().into()),
                    ("label", label.into()),
                    ("sort", (i as i64).into()),
                    ("active", 1.into()),
                ],
            )?;
        }
    }
    crate::settings::seed(w)
}

/// The active labels of a dictionary, in their set order. A dictionary
/// added by a later version than the one the office was set up with has no
/// entries yet: its seed labels stand in until someone edits it.
pub fn labels(conn: &Connection, dict: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT label FROM dict_entry WHERE dict = ?1 AND active = 1 ORDER BY sort, label")?;
    let rows: Vec<String> = stmt.query_map([dict], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if rows.is_empty() {
        let any = "SELECT EXISTS (SELECT 1 FROM dict_entry WHERE dict = ?1)";
        if !conn.prepare_cached(any)?.query_row([dict], |r| r.get::<_, bool>(0))? {
            return Ok(seed_labels(dict));
        }
    }
    Ok(rows)
}

/// [`labels`] inside a write, read once per transaction (an import checks
/// every row against the same few dictionaries).
pub fn labels_in(w: &mut WriteTx, dict: &str) -> Result<std::rc::Rc<Vec<String>>> {
    w.memo(Table::DictEntry, dict, |conn| labels(conn, dict))
}

fn seed_labels(dict: &str) -> Vec<String> {
    static SEEDED: std::sync::OnceLock<Seed> = std::sync::OnceLock::new();
    let seed = SEEDED.get_or_init(|| serde_json::from_str(SEED).expect("assets/dictionaries.json is valid"));
    let labels = seed.dictionaries.get(dict).and_then(|v| v.as_array());
    labels.into_iter().flatten().filter_map(|l| l.as_str().map(String::from)).collect()
}

/// Every active dictionary, for the UI's drop-downs.
pub fn all(conn: &Connection) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
    let mut stmt =
        conn.prepare_cached("SELECT dict, label FROM dict_entry WHERE active = 1 ORDER BY dict, sort, label")?;
    let mut out = std::collections::BTreeMap::<String, Vec<String>>::new();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (d, l) = row?;
        out.entry(d).or_default().push(l);
    }
    let seed: Seed = serde_json::from_str(SEED).expect("assets/dictionaries.json is valid");
    for dict in seed.dictionaries.keys() {
        if !out.contains_key(dict) {
            out.insert(dict.clone(), labels(conn, dict)?);
        }
    }
    Ok(out)
}

/// The dictionaries as the 字典管理 page shows them.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Dictionary {
    pub dict: String,
    pub name: &'static str,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Entry {
    /// None for a seed entry not yet written (a dictionary never edited).
    pub id: Option<String>,
    pub label: String,
    pub active: bool,
}

/// Chinese names of the dictionaries.
fn dictionary_name(dict: &str) -> &'static str {
    match dict {
        "elderly_kind" => "老人类别",
        "living_arrangement" => "居住情况",
        "economic_status" => "经济状况",
        "disability_type" => "残疾类别",
        "disability_grade" => "残疾等级",
        "care_mode" => "养老方式",
        "roster_status" => "花名册状态",
        "visit_level" => "探访等级",
        "service_type" => "服务类型",
        "service_paid" => "收费方式",
        "visit_way" => "探访方式",
        "elderly_risk" => "老人风险因素",
        "call_result" => "电话问候结果",
        "condolence_kind" => "慰问类型",
        "employment_category" => "就业困难人员类别",
        "work_status" => "就业状况",
        "household_relation" => "与户主关系",
        "education" => "文化程度",
        "training_kind" => "培训类型",
        "followup_way" => "跟踪服务方式",
        "placed_way" => "就业方式",
        "post_type" => "公益性岗位类型",
        "loan_repayment" => "贷款还款情况",
        "relief_programme" => "帮扶项目",
        "case_status" => "援助对象状态",
        "dispute_type" => "纠纷类型",
        "dispute_source" => "案件来源",
        "performance" => "协议履行情况",
        "satisfaction" => "当事人满意度",
        _ => "其他",
    }
}

/// Every dictionary with all its entries, active or not (administrators:
/// the 字典管理 page).
pub fn dictionaries(conn: &Connection, actor: &crate::access::Actor) -> Result<Vec<Dictionary>> {
    actor.require(crate::access::Permission::Administer)?;
    let seed: Seed = serde_json::from_str(SEED).expect("assets/dictionaries.json is valid");
    let mut out = Vec::new();
    for dict in seed.dictionaries.keys() {
        let mut stmt =
            conn.prepare_cached("SELECT id, label, active FROM dict_entry WHERE dict = ?1 ORDER BY sort, label")?;
        let mut entries: Vec<Entry> = stmt
            .query_map([dict], |r| Ok(Entry { id: Some(r.get(0)?), label: r.get(1)?, active: r.get(2)? }))?
            .collect::<rusqlite::Result<_>>()?;
        if entries.is_empty() {
            entries = seed_labels(dict).into_iter().map(|label| Entry { id: None, label, active: true }).collect();
        }
        out.push(Dictionary { dict: dict.clone(), name: dictionary_name(dict), entries });
    }
    Ok(out)
}

/// Adds an option to a dictionary (administrators; synced like any record).
pub fn add_entry(store: &mut crate::store::Store, actor: &crate::access::Actor, dict: &str, label: &str) -> Result<()> {
    use crate::validate::invalid;
    actor.require(crate::access::Permission::Administer)?;
    let label = crate::validate::required("label", "选项", label)?;
    if !dictionaries(store.conn(), actor)?.iter().any(|d| d.dict == dict) {
        return Err(invalid("dict", format!("没有名为“{dict}”的字典")).into());
    }
    store.write(actor, |w| {
        let existing: Vec<String> = {
            let mut stmt = w.conn().prepare("SELECT label FROM dict_entry WHERE dict = ?1")?;
            let rows = stmt.query_map([dict], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            rows
        };
        if existing.contains(&label) {
            return Err(invalid("label", format!("“{label}”已在字典中；停用的选项可以重新启用")).into());
        }
        // A dictionary never edited holds only its seed: write the seed first,
        // or the new option would replace the seed instead of joining it.
        let mut labels = if existing.is_empty() { seed_labels(dict) } else { Vec::new() };
        labels.push(label);
        let base = existing.len() as i64;
        for (i, l) in labels.into_iter().enumerate() {
            w.insert(
                Table::DictEntry,
                &new_id(),
                &[
                    ("dict", dict.to_string().into()),
                    ("label", l.into()),
                    ("sort", (base + i as i64).into()),
                    ("active", 1.into()),
                ],
            )?;
        }
        Ok(())
    })
}

/// Retires or brings back an option. Records keep what they hold; a retired
/// option is no longer offered or accepted for new entries.
pub fn set_entry_active(
    store: &mut crate::store::Store,
    actor: &crate::access::Actor,
    id: &str,
    active: bool,
) -> Result<()> {
    actor.require(crate::access::Permission::Administer)?;
    store.write(actor, |w| w.update(Table::DictEntry, id, None, &[("active", (active as i64).into())]).map(drop))
}
