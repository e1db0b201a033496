//! Settings (系统设置): every setting, in one table, with its type, range,
//! default and scope. The settings page lists them from here, `set` checks
//! a new value here, every reader reads through the typed accessors here
//! (a stored value out of range or unreadable counts as the default: never
//! a panic, never a lock-out), and the sync validator asks [`check`] and
//! [`is_local`] about a received change.
//!
//! Synced settings (全街道) are records of the `setting` table, changed
//! through the write path. Local settings (本机) belong to one PC (its backup
//! folder and schedule, its sync interval) and live in `local_setting`,
//! outside the change log, so no package ever carries them.
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::access::{Actor, Permission};
use crate::audit::{self, Action};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::Result;

/// What a setting's value may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number from `min` to `max`, both included.
    Integer { min: i64, max: i64 },
    /// One of a few whole numbers.
    OneOf(&'static [i64]),
    /// A folder; empty means the default place.
    Folder,
}

/// Where a setting holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// 全街道: one value for every PC, synced like a record.
    Synced,
    /// 本机: this PC only, never synced.
    Local,
}

/// One setting.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub key: &'static str,
    /// What the setting is, as messages name it (闲置自动锁屏时间).
    pub name: &'static str,
    /// The unit of a number (分钟), or "".
    pub unit: &'static str,
    pub hint: &'static str,
    pub kind: Kind,
    pub default: &'static str,
    pub scope: Scope,
}

impl Setting {
    /// The label on the settings page: name and unit.
    pub fn label(&self) -> String {
        if self.unit.is_empty() {
            self.name.to_string()
        } else {
            format!("{}（{}）", self.name, self.unit)
        }
    }

    /// The allowed values, as the page and messages say them.
    pub fn range(&self) -> String {
        match self.kind {
            Kind::Integer { min, max } => format!("{min}到{max}之间的整数"),
            Kind::OneOf(values) => values.iter().map(i64::to_string).collect::<Vec<_>>().join("或"),
            Kind::Folder => "文件夹路径，留空为默认位置".to_string(),
        }
    }

    fn default_integer(&self) -> i64 {
        self.default.parse().unwrap_or_default()
    }

    /// The value as it counts, or why it cannot: `value` trimmed, full-width
    /// digits folded (typed with a Chinese IME).
    fn parse(&self, value: &str) -> Result<Value, SettingsError> {
        let value = crate::validate::clean(value).unwrap_or_default();
        let out_of_range = || SettingsError::OutOfRange {
            key: self.key.to_string(),
            message: match self.unit {
                "" => format!("{}应为{}", self.name, self.range()),
                unit => format!("{}应为{}（{unit}）", self.name, self.range()),
            },
        };
        match self.kind {
            Kind::Folder if value.contains('\0') || value.chars().count() > 1000 => Err(out_of_range()),
            Kind::Folder => Ok(Value::Text(value)),
            Kind::Integer { min, max } => match value.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(Value::Integer(n)),
                _ => Err(out_of_range()),
            },
            Kind::OneOf(values) => match value.parse::<i64>() {
                Ok(n) if values.contains(&n) => Ok(Value::Integer(n)),
                _ => Err(out_of_range()),
            },
        }
    }
}

enum Value {
    Integer(i64),
    Text(String),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Integer(n) => n.to_string(),
            Value::Text(t) => t.clone(),
        }
    }
}

const fn int(
    key: &'static str,
    name: &'static str,
    unit: &'static str,
    (min, max): (i64, i64),
    default: &'static str,
    hint: &'static str,
) -> Setting {
    Setting { key, name, unit, hint, kind: Kind::Integer { min, max }, default, scope: Scope::Synced }
}

const fn local(setting: Setting) -> Setting {
    Setting { scope: Scope::Local, ..setting }
}

/// Every setting an administrator may change, in the page's order. The
/// ranges are what an office can mean; README's settings part lists them.
pub const ALL: &[Setting] = &[
    int("elderly.high_age_threshold", "高龄起算年龄", "岁", (70, 100), "80", "达到此年龄自动认定为高龄老人"),
    int("elderly.min_age", "老年人最低年龄", "岁", (50, 70), "60", "低于此年龄不能登记到老年人花名册"),
    int("elderly.visit_days.高风险", "高风险老人探访间隔", "天", (1, 366), "7", ""),
    int("elderly.visit_days.重点", "重点老人探访间隔", "天", (1, 366), "30", ""),
    int("elderly.visit_days.一般", "一般老人探访间隔", "天", (1, 366), "90", ""),
    int("security.max_failures", "密码连续输错锁定次数", "次", (3, 20), "5", "连续输错这么多次后账号暂时锁定"),
    int("security.lock_minutes", "账号锁定时长", "分钟", (1, 1440), "15", ""),
    int(
        "security.idle_minutes",
        "闲置自动锁屏时间",
        "分钟",
        (1, 240),
        "15",
        "无人操作这么久后窗口锁定，需重新输入密码",
    ),
    local(int("backup.every_hours", "自动备份间隔", "小时", (0, 168), "24", "0 表示不自动备份；只对本机有效")),
    local(int("backup.keep", "保留备份份数", "份", (1, 365), "30", "只对本机有效")),
    int(
        "employment.followup_days",
        "就业援助跟踪服务间隔",
        "天",
        (1, 366),
        "30",
        "在册援助对象超过此天数未跟踪服务即列入待跟踪",
    ),
    int("employment.subsidy_max_months", "公益性岗位补贴最长期限", "个月", (1, 120), "36", ""),
    int("employment.loan_alert_days", "贷款到期提前提醒", "天", (1, 366), "60", ""),
    int(
        "employment.retire.male.age",
        "男性原法定退休年龄",
        "岁",
        (50, 65),
        "60",
        "按渐进式延迟退休规定自动延迟：1965年1月起出生的每4个月延迟1个月，最多36个月",
    ),
    Setting {
        key: "employment.retire.female.age",
        name: "女性原法定退休年龄",
        unit: "岁",
        hint: "50（女职工）或55（女干部），按规定自动延迟",
        kind: Kind::OneOf(&[50, 55]),
        default: "50",
        scope: Scope::Synced,
    },
    int("mediation.open_days", "调解案件超期天数", "天", (1, 366), "30", "受理后超过此天数未结案即提醒"),
    int("mediation.followup_days", "履行后回访期限", "天", (1, 366), "15", "履行后这么多天内回访"),
    int("mediation.judicial_alert_days", "司法确认到期提醒", "天", (1, 30), "7", "书面协议生效后30日内可申请司法确认"),
    local(int(
        "sync.every_minutes",
        "自动同步间隔",
        "分钟",
        (0, 1440),
        "30",
        "程序开着时每隔多久同步一次；0 表示只在启动、退出和点“同步”时同步；只对本机有效",
    )),
    Setting {
        key: "backup.dir",
        name: "备份文件夹",
        unit: "",
        hint: "留空则为数据目录下的 backups；可填U盘或共享文件夹路径；只对本机有效",
        kind: Kind::Folder,
        default: "",
        scope: Scope::Local,
    },
];

/// The number of this PC (本机编号) that case numbers carry, kept by
/// `mediation::numbering` under `pc_number.<installation id>`: synced, set
/// by the program, never on the settings page.
const PC_NUMBER: Setting = int("pc_number.", "本机编号", "", (1, 9999), "1", "");

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("没有名为“{0}”的设置")]
    Unknown(String),
    #[error("{message}")]
    OutOfRange { key: String, message: String },
}

impl From<SettingsError> for crate::Error {
    fn from(e: SettingsError) -> Self {
        let field = match e {
            SettingsError::Unknown(_) => "key",
            SettingsError::OutOfRange { .. } => "value",
        };
        crate::validate::invalid(field, e.to_string()).into()
    }
}

/// The setting of a key, also the program's own (`pc_number.*`).
fn spec(key: &str) -> Option<&'static Setting> {
    ALL.iter().find(|s| s.key == key).or_else(|| key.starts_with(PC_NUMBER.key).then_some(&PC_NUMBER))
}

/// Whether `value` is allowed for `key` (what a received sync change must
/// pass; a local key's value is checked the same way, though it never
/// applies to the `setting` table).
pub fn check(key: &str, value: &str) -> Result<(), SettingsError> {
    spec(key).ok_or_else(|| SettingsError::Unknown(key.to_string()))?.parse(value).map(drop)
}

/// Whether a setting belongs to one PC and never syncs.
pub fn is_local(key: &str) -> bool {
    spec(key).is_some_and(|s| s.scope == Scope::Local)
}

/// The value stored for a key, as it is: a local one from `local_setting`,
/// a synced one from `setting`. A database older than schema 7 (read before
/// its upgrade, or damaged) has no local settings yet: they count as unset,
/// since its `setting` rows may have come from another PC (the backup made
/// before an upgrade goes to `<data folder>/backups`).
pub fn stored(conn: &Connection, key: &str) -> Result<Option<String>> {
    let sql = if !is_local(key) {
        "SELECT value FROM setting WHERE key = ?1"
    } else if has_local_table(conn)? {
        "SELECT value FROM local_setting WHERE key = ?1"
    } else {
        return Ok(None);
    };
    Ok(conn.prepare_cached(sql)?.query_row([key], |r| r.get(0)).optional()?)
}

fn has_local_table(conn: &Connection) -> Result<bool> {
    let sql = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'local_setting')";
    Ok(conn.prepare_cached(sql)?.query_row([], |r| r.get(0))?)
}

/// A whole-number setting as it counts: the stored value if it is allowed,
/// else the default.
pub fn integer(conn: &Connection, key: &str) -> Result<i64> {
    let s = spec(key).ok_or_else(|| SettingsError::Unknown(key.to_string()))?;
    Ok(match stored(conn, key)?.map(|v| s.parse(&v)) {
        Some(Ok(Value::Integer(n))) => n,
        _ => s.default_integer(),
    })
}

/// A folder setting, None for the default place (unset, empty or not
/// allowed). Never fails: a backup folder is asked for even of a damaged
/// database.
pub fn folder(conn: &Connection, key: &str) -> Option<String> {
    let s = spec(key)?;
    match stored(conn, key).ok().flatten().map(|v| s.parse(&v)) {
        Some(Ok(Value::Text(t))) if !t.is_empty() => Some(t),
        _ => None,
    }
}

/// How long a window may sit unused before it locks (security.idle_minutes).
/// Whatever is stored, this is between 1 and 240 minutes; a read that fails
/// gives the default too, so the check that runs on every command cannot
/// fail on it.
pub fn idle_lock(conn: &Connection) -> Duration {
    minutes(conn, "security.idle_minutes")
}

/// How long an account stays locked after too many failed logins
/// (security.lock_minutes): between 1 minute and a day.
pub fn account_lock(conn: &Connection) -> Duration {
    minutes(conn, "security.lock_minutes")
}

fn minutes(conn: &Connection, key: &str) -> Duration {
    let default = spec(key).map_or(15, Setting::default_integer);
    let n = integer(conn, key).unwrap_or(default);
    Duration::from_secs(n.clamp(1, 7 * 24 * 60) as u64 * 60)
}

/// A setting as the settings page shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SettingView {
    pub key: &'static str,
    pub label: String,
    /// The value in force (the default when the stored one is not allowed).
    pub value: String,
    pub default: &'static str,
    /// The allowed values (1到240之间的整数).
    pub range: String,
    pub hint: &'static str,
    pub scope: Scope,
    /// Set when the stored value is not allowed: what is stored and what
    /// counts instead. The page shows it beside the setting.
    pub warning: Option<String>,
}

/// Every setting with the value in force (administrators).
pub fn list(conn: &Connection, actor: &Actor) -> Result<Vec<SettingView>> {
    actor.require(Permission::Administer)?;
    ALL.iter()
        .map(|s| {
            let stored = stored(conn, s.key)?;
            let (value, warning) = match stored.as_deref().map(|v| (v, s.parse(v))) {
                None => (s.default.to_string(), None),
                Some((_, Ok(v))) => (v.text(), None),
                Some((raw, Err(e))) => {
                    let shown: String = raw.chars().take(40).collect();
                    let default = if s.default.is_empty() { "默认位置".to_string() } else { s.default.to_string() };
                    let warning = format!("保存的值“{shown}”不可用（{e}），现按默认值{default}执行；请重新填写并保存");
                    (s.default.to_string(), Some(warning))
                }
            };
            Ok(SettingView {
                key: s.key,
                label: s.label(),
                value,
                default: s.default,
                range: s.range(),
                hint: s.hint,
                scope: s.scope,
                warning,
            })
        })
        .collect()
}

/// Changes a setting (administrators). A value not allowed is refused with
/// the range and nothing is written. A synced setting goes through the
/// write path (audit trail, sync); a local one into this PC's
/// `local_setting`, with an audit event.
pub fn set(store: &mut Store, actor: &Actor, key: &str, value: &str) -> Result<()> {
    actor.require(Permission::Administer)?;
    let s = ALL.iter().find(|s| s.key == key).ok_or_else(|| SettingsError::Unknown(key.to_string()))?;
    let value = s.parse(value)?.text();
    if s.scope == Scope::Local {
        // The value and its audit event together, or neither.
        let tx = rusqlite::Transaction::new_unchecked(store.conn(), rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO local_setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, &value),
        )?;
        let action = if key.starts_with("sync.") { Action::Sync } else { Action::Backup };
        let shown = if value.is_empty() { "默认".to_string() } else { value };
        audit::record_in(&tx, store.installation_id(), &actor.user, action, &s.label(), &format!("本机设置为{shown}"))?;
        tx.commit()?;
        return Ok(());
    }
    let id: Option<String> =
        store.conn().query_row("SELECT id FROM setting WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    store.write(actor, |w| match &id {
        Some(id) => w.update(Table::Setting, id, None, &[("value", value.clone().into())]).map(drop),
        None => {
            w.insert(Table::Setting, &new_id(), &[("key", key.to_string().into()), ("value", value.clone().into())])
        }
    })
}

/// Writes every synced setting's default (first setup only), so that an
/// office keeps its values when a later version changes a default.
pub(crate) fn seed(w: &mut WriteTx) -> Result<()> {
    for s in ALL.iter().filter(|s| s.scope == Scope::Synced) {
        w.insert(
            Table::Setting,
            &new_id(),
            &[("key", s.key.to_string().into()), ("value", s.default.to_string().into())],
        )?;
    }
    Ok(())
}
