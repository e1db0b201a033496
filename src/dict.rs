//! Dictionaries (字典) and settings (设置): enumerations and thresholds kept as
//! data, seeded at setup from `assets/dictionaries.json`, editable later.
use rusqlite::Connection;
use serde::Deserialize;

use crate::store::{new_id, Table, WriteTx};
use crate::Result;

const SEED: &str = include_str!("../assets/dictionaries.json");

#[derive(Deserialize)]
struct Seed {
    dictionaries: serde_json::Map<String, serde_json::Value>,
    settings: serde_json::Map<String, serde_json::Value>,
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
    for (key, value) in &seed.settings {
        let value = value.as_str().unwrap_or_default().to_string();
        w.insert(Table::Setting, &new_id(), &[("key", key.clone().into()), ("value", value.into())])?;
    }
    Ok(())
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

/// Every dictionary with all its entries, active or not.
pub fn dictionaries(conn: &Connection) -> Result<Vec<Dictionary>> {
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
    if !dictionaries(store.conn())?.iter().any(|d| d.dict == dict) {
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

pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn.prepare_cached("SELECT value FROM setting WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

/// A numeric setting, falling back to `default` when unset or unreadable.
pub fn setting_i64(conn: &Connection, key: &str, default: i64) -> Result<i64> {
    Ok(setting(conn, key)?.and_then(|v| v.trim().parse().ok()).unwrap_or(default))
}

/// A setting as the settings page shows it.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct SettingView {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub hint: &'static str,
}

/// The settings an administrator may change, with their defaults: a value
/// must be a number unless the default is empty (a folder).
const KNOWN: &[(&str, &str, &str, &str)] = &[
    ("elderly.high_age_threshold", "高龄起算年龄（岁）", "80", "达到此年龄自动认定为高龄老人"),
    ("elderly.min_age", "老年人最低年龄（岁）", "60", "低于此年龄不能登记到老年人花名册"),
    ("elderly.visit_days.高风险", "高风险老人探访间隔（天）", "7", ""),
    ("elderly.visit_days.重点", "重点老人探访间隔（天）", "30", ""),
    ("elderly.visit_days.一般", "一般老人探访间隔（天）", "90", ""),
    ("security.max_failures", "密码连续输错几次锁定", "5", ""),
    ("security.lock_minutes", "账号锁定时长（分钟）", "15", ""),
    ("security.idle_minutes", "闲置几分钟后自动锁屏", "15", ""),
    ("backup.every_hours", "自动备份间隔（小时）", "24", "0 表示不自动备份"),
    ("backup.keep", "保留备份份数", "30", ""),
    ("employment.followup_days", "就业援助跟踪服务间隔（天）", "30", "在册援助对象超过此天数未跟踪服务即列入待跟踪"),
    ("employment.subsidy_max_months", "公益性岗位补贴最长月数", "36", ""),
    ("employment.loan_alert_days", "贷款到期提前提醒（天）", "60", ""),
    (
        "employment.retire.male.age",
        "男性原法定退休年龄（岁）",
        "60",
        "按渐进式延迟退休规定自动延迟：1965年1月起出生的每4个月延迟1个月，最多36个月",
    ),
    ("employment.retire.female.age", "女性原法定退休年龄（岁）", "50", "50（女职工）或55（女干部），按规定自动延迟"),
    ("mediation.open_days", "调解案件超期天数", "30", "受理后超过此天数未结案即提醒"),
    ("mediation.followup_days", "履行后几天内回访", "15", ""),
    ("mediation.judicial_alert_days", "司法确认到期前几天提醒", "7", "书面协议生效后30日内可申请司法确认"),
    (
        "sync.every_minutes",
        "自动同步间隔（分钟）",
        "30",
        "程序开着时每隔多久同步一次；0 表示只在启动、退出和点“同步”时同步",
    ),
    ("backup.dir", "备份文件夹", "", "留空则为数据目录下的 backups；可填U盘或共享文件夹路径"),
];

pub fn settings(conn: &Connection) -> Result<Vec<SettingView>> {
    KNOWN
        .iter()
        .map(|(key, label, default, hint)| {
            Ok(SettingView { key, label, value: setting(conn, key)?.unwrap_or_else(|| default.to_string()), hint })
        })
        .collect()
}

/// Changes a setting (administrators), through the write path, so the
/// change is in the audit trail and syncs like any record.
pub fn set_setting(
    store: &mut crate::store::Store,
    actor: &crate::access::Actor,
    key: &str,
    value: &str,
) -> Result<()> {
    use crate::validate::invalid;
    actor.require(crate::access::Permission::Administer)?;
    let Some((key, label, default, _)) = KNOWN.iter().find(|k| k.0 == key) else {
        return Err(invalid("key", format!("没有名为“{key}”的设置")).into());
    };
    let value = value.trim().to_string();
    if !default.is_empty() && !value.parse::<f64>().is_ok_and(|v| v >= 0.0) {
        return Err(invalid("value", format!("{label}应填写不小于0的数字")).into());
    }
    use rusqlite::OptionalExtension;
    let id: Option<String> =
        store.conn().query_row("SELECT id FROM setting WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    store.write(actor, |w| match &id {
        Some(id) => w.update(Table::Setting, id, None, &[("value", value.clone().into())]).map(|_| ()),
        None => {
            w.insert(Table::Setting, &new_id(), &[("key", key.to_string().into()), ("value", value.clone().into())])
        }
    })
}
