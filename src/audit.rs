//! The audit trail (操作日志): record changes come from `change_log` (the
//! one write path); the other events an office must be able to account for
//! (logins, locks, exports, unmasking, backups, restores) are recorded here.
//!
//! Nobody edits or deletes it from the program (triggers refuse it). Both
//! logs are hash chains, so that an entry altered or removed with another
//! tool is found by `street-ledger check`: each row's `hash` is the SHA-256
//! of the previous row's hash and this row's columns, and `audit_head` holds
//! the newest, so that removing the newest entries shows too. The chain has
//! no secret key: it catches edits made without knowing it, not someone who
//! recomputes every hash.
use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Local, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::access::{Actor, Permission};
use crate::person::{limit_offset, Page};
use crate::store::chain::{chain_hash, fold, ChainHead, Log};
use crate::store::log::TAG_HEX;
use crate::store::{Store, Table};
use crate::validate::{clean, invalid};
use crate::Result;

/// An event that is not a record change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Login,
    LoginFailed,
    AccountLocked,
    IdleLock,
    Logout,
    Export,
    Unmask,
    Backup,
    Restore,
    Sync,
    Import,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Action::Login,
        Action::LoginFailed,
        Action::AccountLocked,
        Action::IdleLock,
        Action::Logout,
        Action::Export,
        Action::Unmask,
        Action::Backup,
        Action::Restore,
        Action::Sync,
        Action::Import,
    ];

    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::AccountLocked => "account_locked",
            Action::IdleLock => "idle_lock",
            Action::Logout => "logout",
            Action::Export => "export",
            Action::Unmask => "unmask",
            Action::Backup => "backup",
            Action::Restore => "restore",
            Action::Sync => "sync",
            Action::Import => "import",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Login => "登录",
            Action::LoginFailed => "登录失败",
            Action::AccountLocked => "账号锁定",
            Action::IdleLock => "闲置锁屏",
            Action::Logout => "退出登录",
            Action::Export => "导出",
            Action::Unmask => "查看完整信息",
            Action::Backup => "备份",
            Action::Restore => "恢复",
            Action::Sync => "同步",
            Action::Import => "导入",
        }
    }
}

/// Appends an event. `target` names what it concerns (a record id, a report,
/// a file); `detail` is a short Chinese note. Neither may hold an ID number,
/// a phone or a password.
pub fn record(store: &Store, user: &str, action: Action, target: &str, detail: &str) -> Result<()> {
    // Immediate: reading the chain head and appending after it must not
    // interleave with another program (the CLI beside the app) doing so.
    let tx = rusqlite::Transaction::new_unchecked(store.local(), TransactionBehavior::Immediate)?;
    record_in(&tx, store.installation_id(), user, action, target, detail)?;
    tx.commit()?;
    Ok(())
}

/// Appends an event inside a transaction the caller holds (begun
/// immediate), so that the event and the change it tells of are written
/// together or not at all.
pub(crate) fn record_in(
    tx: &rusqlite::Transaction,
    installation: &str,
    user: &str,
    action: Action,
    target: &str,
    detail: &str,
) -> Result<()> {
    let mut head = ChainHead::load(tx, Log::AuditEvent)?;
    let at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    // The columns in the order of `Log::AuditEvent.columns()`.
    let hash = chain_hash(
        &head.hash,
        &[Some(&at), Some(installation), Some(user), Some(action.code()), Some(target), Some(detail)],
    );
    tx.prepare_cached(
        "INSERT INTO audit_event (at, installation_id, user_name, action, target, detail, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute((&at, installation, user, action.code(), target, detail, &hash))?;
    head.seq = tx.last_insert_rowid();
    head.hash = hash;
    head.store(tx, Log::AuditEvent)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// The hash chains

/// Problems with the chains, in Chinese, naming the log and the entries
/// (never their content). Empty when both chains are intact.
pub fn verify_chain(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for log in Log::ALL {
        let label = log.label();
        let mut started = false;
        let mut found = Vec::new();
        // Gaps in seq since the last entry that matched: if the chain breaks
        // after one, the entries in it were removed (seq never skips).
        let mut gaps: Vec<(i64, i64)> = Vec::new();
        // Whether an entry of the write being read was already named: the
        // entries after it in that write are chained from it, so their tags
        // cannot match either (a write keeps its whole hash on its last entry
        // only, the others a tag of theirs: `store::log::TAG_HEX`).
        let mut named_in_write = false;
        let (last_seq, last_hash) = fold(conn, log, |l| {
            if l.seq > l.prev_seq + 1 {
                gaps.push((l.prev_seq + 1, l.seq - 1));
            }
            let Some(stored) = &l.stored else {
                // Entries from before the chain have none; after it began, a
                // missing hash means a row put in (or rewritten) by hand.
                if started {
                    found.push(format!("{label}第{}条缺少校验值：可能被绕过程序写入或改动", l.seq));
                }
                return;
            };
            started = true;
            let tag = stored.len() == TAG_HEX;
            let matches = if tag { l.computed.starts_with(stored.as_str()) } else { *stored == l.computed };
            if !matches && !named_in_write {
                if gaps.is_empty() {
                    let record = match &l.record {
                        Some((table, id)) => {
                            format!("（{table}记录{id}）")
                        }
                        None => String::new(),
                    };
                    found.push(format!("{label}第{}条{record}与校验链不符：可能被绕过程序改动", l.seq));
                }
                found.extend(gaps.iter().map(|(a, b)| format!("{label}{}缺失：可能被绕过程序删除", span(*a, *b))));
                named_in_write = tag;
            } else if !tag {
                named_in_write = false;
            }
            gaps.clear();
        })?;
        problems.append(&mut found);
        let head: Option<(i64, Option<String>)> = conn
            .query_row("SELECT seq, hash FROM audit_head WHERE log = ?1", [log.table()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match head {
            None => problems.push(format!("{label}的校验链记录（audit_head）缺失：可能被绕过程序删除")),
            Some((seq, _)) if seq > last_seq => {
                problems.push(format!("{label}最新的{}缺失：可能被绕过程序删除", span(last_seq + 1, seq)))
            }
            Some((seq, _)) if seq < last_seq => {
                problems.push(format!("{label}{}不是通过程序写入的", span(seq + 1, last_seq)))
            }
            Some((seq, Some(hash))) if hash != last_hash => {
                problems.push(format!("{label}最新一条（第{seq}条）与校验链不符：可能被绕过程序改动"))
            }
            Some((seq, None)) if started => {
                problems.push(format!("{label}的校验链记录缺少第{seq}条的校验值：可能被绕过程序改动"))
            }
            Some(_) => {}
        }
    }
    Ok(problems)
}

fn span(first: i64, last: i64) -> String {
    if first == last {
        format!("第{first}条")
    } else {
        format!("第{first}至第{last}条")
    }
}

// ---------------------------------------------------------------------------
// The administrator's page

/// The audit page's filters; all optional. Dates are local (YYYY-MM-DD),
/// both included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// A login name (zhangsan), a display name (张三) or the whole recorded
    /// user (张三(zhangsan)).
    pub user: Option<String>,
    /// A record's id: its changes, and events about it (查看完整信息).
    pub record_id: Option<String>,
    /// One of [`action_choices`]: `change` (every record change), `insert`,
    /// `update`, a table name (`person`, `setting`...), or an [`Action`] code.
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: u32,
    pub page_size: u32,
}

/// One line of the audit page: a record change or another event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// `c<seq>` for a record change, `e<seq>` for another event.
    pub key: String,
    /// Local time, `2025-06-16 09:30:05`.
    pub at: String,
    pub installation_id: String,
    /// The PC's name when it is this PC.
    pub pc_name: Option<String>,
    pub user: String,
    /// `insert`, `update` or an [`Action`] code.
    pub action: String,
    pub action_label: &'static str,
    pub table: Option<String>,
    pub table_label: Option<&'static str>,
    pub record_id: Option<String>,
    /// The changed fields of a record change, ID numbers and phones masked.
    pub changes: Vec<FieldChange>,
    /// What an event concerns (a login name, a report, a file).
    pub target: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub field_label: Option<&'static str>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A value the page's action filter offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub code: &'static str,
    pub label: String,
}

/// The action filter's list, in the order the page shows it.
pub fn action_choices() -> Vec<Choice> {
    let mut out = vec![
        Choice { code: "change", label: "全部记录变更".into() },
        Choice { code: "insert", label: "新增记录".into() },
        Choice { code: "update", label: "修改记录".into() },
    ];
    out.extend(Table::ALL.iter().map(|t| Choice { code: t.name(), label: format!("{}变更", t.label()) }));
    out.extend(Action::ALL.iter().map(|a| Choice { code: a.code(), label: a.label().into() }));
    out
}

/// Everyone who appears in the trail, for the user filter.
pub fn users(conn: &Connection, actor: &Actor) -> Result<Vec<String>> {
    actor.require(Permission::Administer)?;
    let mut stmt =
        conn.prepare("SELECT user_name FROM change_txn UNION SELECT user_name FROM audit_event ORDER BY 1")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the page's filters offer: the actions and everyone in the trail.
#[derive(Debug, Clone, Serialize)]
pub struct Choices {
    pub actions: Vec<Choice>,
    pub users: Vec<String>,
}

/// The filters' choices (administrators, as [`users`]).
pub fn choices(conn: &Connection, actor: &Actor) -> Result<Choices> {
    Ok(Choices { actions: action_choices(), users: users(conn, actor)? })
}

/// A page of the trail, newest first. Administrators only.
pub fn query(conn: &Connection, actor: &Actor, q: &AuditQuery) -> Result<Page<AuditEntry>> {
    actor.require(Permission::Administer)?;
    let (page, page_size, limit, offset) = limit_offset(q.page, q.page_size);
    let sel = Selection::new(q)?;
    let mut items = Vec::new();
    sel.each(conn, Some((limit, offset)), |e| {
        items.push(e);
        Ok(())
    })?;
    Ok(Page { items, total: sel.count(conn)?, page, page_size })
}

/// Excel's last row: an export that would not fit is refused, not cut.
const MAX_ROWS: u32 = 1_048_575;

const COLUMNS: [(&str, f64); 10] = [
    ("时间", 20.0),
    ("电脑", 16.0),
    ("用户", 18.0),
    ("操作", 12.0),
    ("对象", 14.0),
    ("记录", 38.0),
    ("字段", 14.0),
    ("原值", 24.0),
    ("新值", 24.0),
    ("说明", 36.0),
];

/// Writes every entry the filters select (all pages) to an .xlsx file, one
/// row per changed field, values masked as on the page. The export itself
/// is audited. Returns the number of rows below the header. The file goes
/// where [`crate::export::check`] allows, whole or not at all.
pub fn export_xlsx(
    store: &Store,
    actor: &Actor,
    q: &AuditQuery,
    target: impl Into<crate::export::Target>,
) -> Result<usize> {
    actor.require(Permission::Administer)?;
    let target = target.into();
    let row = crate::export::write(store, &target, |temp| write_xlsx(store, q, &target.path, temp))?;
    let name = target.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    record(store, &actor.user, Action::Export, "操作日志", &format!("导出{row}行，已遮蔽，文件“{name}”"))?;
    Ok(row as usize)
}

/// The workbook of [`export_xlsx`], saved to `file`; messages name `path`.
fn write_xlsx(store: &Store, q: &AuditQuery, path: &Path, file: &Path) -> Result<u32> {
    use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};
    let sel = Selection::new(q)?;
    let too_many = || -> crate::Error {
        invalid(
            "to",
            format!("要导出的操作日志超过 Excel 的上限（{MAX_ROWS}行），请缩小日期范围或加上其他条件后分批导出"),
        )
        .into()
    };
    let expected = sel.sheet_rows(store.conn())?;
    if expected > MAX_ROWS as u64 {
        return Err(too_many());
    }
    let cannot = |e: rust_xlsxwriter::XlsxError| -> crate::Error {
        invalid(
            "path",
            format!("无法写入文件“{}”（{e}）。请换一个保存位置，或先关闭在 Excel 中打开的同名文件", path.display()),
        )
        .into()
    };
    let font = |f: Format| f.set_font_name("宋体").set_font_size(11);
    let header =
        font(Format::new()).set_bold().set_background_color(Color::RGB(0xDDEBF7)).set_border(FormatBorder::Thin);
    let body = font(Format::new());
    let mut book = Workbook::new();
    // Rows go to a temporary file as written: a year of a street's trail
    // does not have to fit in memory.
    let sheet = book.add_worksheet_with_constant_memory().map_err(cannot)?;
    sheet.set_name("操作日志").map_err(cannot)?;
    for (col, (title, width)) in COLUMNS.iter().enumerate() {
        sheet.set_column_width(col as u16, *width).map_err(cannot)?;
        sheet.write_string_with_format(0, col as u16, *title, &header).map_err(cannot)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(cannot)?;
    let mut row = 0u32;
    sel.each(store.conn(), None, |e| {
        let pc = e.pc_name.clone().unwrap_or_else(|| e.installation_id.clone());
        // An event names its object by the table it concerns, or by target.
        let (object, record) = match (e.table_label, &e.record_id) {
            (Some(t), Some(r)) => (t.to_string(), r.clone()),
            (Some(t), None) => (t.to_string(), e.target.clone().unwrap_or_default()),
            (None, _) => (e.target.clone().unwrap_or_default(), String::new()),
        };
        let lines: Vec<Option<&FieldChange>> =
            if e.changes.is_empty() { vec![None] } else { e.changes.iter().map(Some).collect() };
        for change in lines {
            row += 1;
            if row > MAX_ROWS {
                return Err(too_many());
            }
            let field = change.map(|c| c.field_label.map(str::to_string).unwrap_or_else(|| c.field.clone()));
            let cells = [
                Some(e.at.as_str()),
                Some(pc.as_str()),
                Some(e.user.as_str()),
                Some(e.action_label),
                Some(object.as_str()),
                Some(record.as_str()),
                field.as_deref(),
                change.and_then(|c| c.old.as_deref()),
                change.and_then(|c| c.new.as_deref()),
                e.detail.as_deref(),
            ];
            for (col, cell) in cells.iter().enumerate() {
                sheet.write_string_with_format(row, col as u16, cell.unwrap_or(""), &body).map_err(cannot)?;
            }
        }
        Ok(())
    })?;
    debug_assert_eq!(row as u64, expected, "the row estimate is exact");
    sheet.autofilter(0, 0, row, COLUMNS.len() as u16 - 1).map_err(cannot)?;
    book.save(file).map_err(cannot)?;
    Ok(row)
}

/// The filters as SQL over the two logs; a side the action filter rules
/// out is left out of the query.
struct Selection {
    changes: Option<Vec<String>>,
    events: Option<Vec<String>>,
    params: Vec<Value>,
}

impl Selection {
    fn new(q: &AuditQuery) -> Result<Selection> {
        let mut s = Selection { changes: Some(Vec::new()), events: Some(Vec::new()), params: Vec::new() };
        let given = |v: &Option<String>| v.as_deref().and_then(clean);
        if let Some(user) = given(&q.user) {
            let p = s.param(user);
            // 张三(zhangsan) is found by either name; the setup's first
            // administrator is logged by display name alone.
            s.both(format!(
                "(user_name = {p} OR substr(user_name, 1, length({p}) + 1) = {p} || '('
                  OR substr(user_name, -length({p}) - 2) = '(' || {p} || ')')"
            ));
        }
        if let Some(record) = given(&q.record_id) {
            // The log by the record's key (its index); events by their text.
            let key = s.value(crate::store::log::record_key(&record));
            s.change(format!("record_key = {key}"));
            let p = s.param(record);
            s.event(format!("target = {p}"));
        }
        if let Some(action) = given(&q.action) {
            if action == "change" {
                s.events = None;
            } else if action == "insert" || action == "update" {
                let p = s.param(action);
                s.change(format!("op = {p}"));
                s.events = None;
            } else if let Some(t) = Table::ALL.into_iter().find(|t| t.name() == action || t.label() == action) {
                let p = s.param(t.name().to_string());
                s.change(format!("table_name = {p}"));
                s.events = None;
            } else if let Some(a) =
                Action::from_code(&action).or_else(|| Action::ALL.into_iter().find(|a| a.label() == action))
            {
                let p = s.param(a.code().to_string());
                s.event(format!("action = {p}"));
                s.changes = None;
            } else {
                return Err(invalid("action", format!("操作类型“{action}”不在可选范围内，请从列表中选择")).into());
            }
        }
        let from = match given(&q.from) {
            Some(d) => Some(crate::validate::date("from", "开始日期", &d)?),
            None => None,
        };
        let to = match given(&q.to) {
            Some(d) => Some(crate::validate::date("to", "结束日期", &d)?),
            None => None,
        };
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                return Err(invalid("to", "结束日期早于开始日期，请重新选择").into());
            }
        }
        if let Some(f) = from {
            let p = s.param(utc_start_of(f));
            s.both(format!("at >= {p}"));
        }
        if let Some(t) = to.and_then(|t| t.succ_opt()) {
            let p = s.param(utc_start_of(t));
            s.both(format!("at < {p}"));
        }
        Ok(s)
    }

    fn param(&mut self, v: String) -> String {
        self.value(Value::Text(v))
    }

    fn value(&mut self, v: Value) -> String {
        self.params.push(v);
        format!("?{}", self.params.len())
    }

    fn change(&mut self, cond: String) {
        if let Some(c) = &mut self.changes {
            c.push(cond);
        }
    }

    fn event(&mut self, cond: String) {
        if let Some(e) = &mut self.events {
            e.push(cond);
        }
    }

    fn both(&mut self, cond: String) {
        self.change(cond.clone());
        self.event(cond);
    }

    fn sides(&self) -> Vec<(&'static str, String)> {
        let filter = |w: &Vec<String>| if w.is_empty() { String::new() } else { format!(" WHERE {}", w.join(" AND ")) };
        let mut out = Vec::new();
        if let Some(w) = &self.changes {
            out.push(("change_log", filter(w)));
        }
        if let Some(w) = &self.events {
            out.push(("audit_event", filter(w)));
        }
        out
    }

    fn count(&self, conn: &Connection) -> Result<u64> {
        let counts: Vec<String> = self.sides().iter().map(|(t, w)| format!("(SELECT count(*) FROM {t}{w})")).collect();
        let sql = format!("SELECT {}", counts.join(" + "));
        Ok(conn.prepare(&sql)?.query_row(params_from_iter(&self.params), |r| r.get::<_, i64>(0))? as u64)
    }

    /// The rows an export will have: one per changed field (a field's
    /// change is the only place `"old":` occurs unescaped in the JSON), at
    /// least one per entry; cheaper than building them to find out.
    fn sheet_rows(&self, conn: &Connection) -> Result<u64> {
        let counts: Vec<String> = self
            .sides()
            .iter()
            .map(|(t, w)| match *t {
                // An insert kept without a copy of its values: a row per field it set.
                "change_log" => format!(
                    "(SELECT coalesce(sum(max(1, coalesce((length(fields) - length(replace(fields, '\"old\":', ''))) / 6,
                                                          {}))), 0)
                      FROM change_log{w})",
                    (0..63).map(|i| format!("((mask >> {i}) & 1)")).collect::<Vec<_>>().join(" + ")
                ),
                _ => format!("(SELECT count(*) FROM {t}{w})"),
            })
            .collect();
        let sql = format!("SELECT {}", counts.join(" + "));
        Ok(conn.prepare(&sql)?.query_row(params_from_iter(&self.params), |r| r.get::<_, i64>(0))? as u64)
    }

    /// Calls `f` for each selected entry, newest first; `page` is (limit, offset).
    fn each(
        &self,
        conn: &Connection,
        page: Option<(i64, i64)>,
        mut f: impl FnMut(AuditEntry) -> Result<()>,
    ) -> Result<()> {
        let selects: Vec<String> = self
            .sides()
            .iter()
            .map(|(t, w)| match *t {
                "change_log" => format!(
                    "SELECT 'c' AS src, seq, at, installation_id, user_name, op AS action, table_name, record_id,
                            fields, NULL AS target, NULL AS detail, mask FROM change_log{w}"
                ),
                _ => format!(
                    "SELECT 'e' AS src, seq, at, installation_id, user_name, action, NULL, NULL, NULL, target, detail,
                            NULL FROM audit_event{w}"
                ),
            })
            .collect();
        let mut params = self.params.clone();
        // The source breaks ties between the two logs, so pages never overlap.
        let mut sql = format!("{} ORDER BY at DESC, seq DESC, src DESC", selects.join(" UNION ALL "));
        if let Some((limit, offset)) = page {
            params.extend([Value::Integer(limit), Value::Integer(offset)]);
            sql.push_str(&format!(" LIMIT ?{} OFFSET ?{}", params.len() - 1, params.len()));
        }
        let names = Names::load(conn)?;
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(&params))?;
        while let Some(r) = rows.next()? {
            let src: String = r.get(0)?;
            let seq: i64 = r.get(1)?;
            let at: String = r.get(2)?;
            let installation_id: String = r.get(3)?;
            let action: String = r.get(5)?;
            let mut e = AuditEntry {
                key: format!("{src}{seq}"),
                at: local_time(&at),
                pc_name: names.pcs.get(&installation_id).cloned(),
                installation_id,
                user: r.get(4)?,
                action_label: "",
                action,
                table: None,
                table_label: None,
                record_id: None,
                changes: Vec::new(),
                target: r.get(9)?,
                detail: r.get(10)?,
            };
            if src == "c" {
                let table_name: String = r.get(6)?;
                let table = Table::ALL.into_iter().find(|t| t.name() == table_name);
                e.action_label = match e.action.as_str() {
                    "insert" => "新增",
                    "update" => "修改",
                    _ => "其他",
                };
                e.table_label = table.map(Table::label);
                let record_id: String = r.get(7)?;
                let fields = crate::store::log::fields_of(conn, &table_name, &record_id, r.get(8)?, r.get(11)?)?;
                e.table = Some(table_name);
                e.record_id = Some(record_id);
                e.changes = changes(table, &fields, &names);
            } else {
                let a = Action::from_code(&e.action);
                e.action_label = a.map(Action::label).unwrap_or("其他");
                e.table_label = a.and_then(event_table);
                if a == Some(Action::Unmask) {
                    e.record_id = e.target.clone();
                }
            }
            f(e)?;
        }
        Ok(())
    }
}

/// The start of a local day, as the logs' UTC timestamps.
fn utc_start_of(day: NaiveDate) -> String {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    let local = midnight.and_local_timezone(Local).earliest().map(|t| t.with_timezone(&Utc));
    local.unwrap_or_else(|| midnight.and_utc()).to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn local_time(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|_| at.to_string())
}

/// Names shown instead of ids: PCs and communities.
pub(crate) struct Names {
    pub(crate) pcs: HashMap<String, String>,
    communities: HashMap<String, String>,
}

impl Names {
    pub(crate) fn load(conn: &Connection) -> Result<Names> {
        let pairs = |sql: &str| -> Result<HashMap<String, String>> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        Ok(Names {
            pcs: pairs(
                "SELECT installation_id, pc_name FROM sync_peer UNION ALL SELECT id, pc_name FROM installation",
            )?,
            communities: pairs("SELECT id, name FROM community")?,
        })
    }
}

/// A change_log row's fields, in the table's field order, as shown: ID
/// numbers and phones masked, password hashes hidden.
fn changes(table: Option<Table>, fields: &str, names: &Names) -> Vec<FieldChange> {
    let parsed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(fields).unwrap_or_default();
    let order = |f: &str| table.and_then(|t| t.field_names().position(|x| x == f)).unwrap_or(usize::MAX);
    let mut out: Vec<FieldChange> = parsed
        .iter()
        .map(|(field, change)| FieldChange {
            field: field.clone(),
            field_label: table.and_then(|t| t.field_label(field)),
            old: shown(field, change.get("old"), names),
            new: shown(field, change.get("new"), names),
        })
        .collect();
    out.sort_by_key(|c| order(&c.field));
    out
}

pub(crate) fn shown(field: &str, value: Option<&serde_json::Value>, names: &Names) -> Option<String> {
    let text = match value? {
        serde_json::Value::Null => return None,
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(match field {
        "id_number" => crate::person::mask_id(&text),
        "phone" | "emergency_phone" => crate::idcard::mask_phone(&text),
        "password_hash" => "(已隐藏)".to_string(),
        "active" | "sanwu" | "enterprise_retiree" => if text == "0" { "否" } else { "是" }.to_string(),
        "role" => crate::access::Role::from_code(&text).map(|r| r.label().to_string()).unwrap_or(text),
        "community_id" => names.communities.get(&text).cloned().unwrap_or(text),
        _ => text,
    })
}

/// What kind of record an event concerns, if any.
fn event_table(a: Action) -> Option<&'static str> {
    match a {
        Action::Login | Action::LoginFailed | Action::AccountLocked | Action::IdleLock | Action::Logout => Some("账号"),
        Action::Unmask => Some("人员"),
        Action::Export | Action::Backup | Action::Restore | Action::Sync | Action::Import => None,
    }
}
