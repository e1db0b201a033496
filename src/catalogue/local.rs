//! The tables that are not records: the change log and the audit trail,
//! derived indexes, and what one PC keeps for itself. None is synced as
//! rows (the change log travels as changes); none goes through the write
//! path's record methods.
use super::Type::{self, Blob, Integer, Text};

/// A table of the database that is not a record table.
#[derive(Debug)]
pub struct LocalTable {
    pub name: &'static str,
    /// What it holds, for `check` and the catalogue test.
    pub what: &'static str,
    pub columns: &'static [(&'static str, Type)],
}

const fn local(name: &'static str, what: &'static str, columns: &'static [(&'static str, Type)]) -> LocalTable {
    LocalTable { name, what, columns }
}

pub const LOCAL_TABLES: &[LocalTable] = &[
    local("installation", "本机标识", &[("id", Text), ("pc_name", Text), ("created_at", Text)]),
    local(
        "change_entry",
        "记录变更日志（同步与审计的依据；视图 change_log 按原样列出）",
        &[
            ("seq", Integer),
            ("txn", Integer),
            ("pc", Integer),
            ("origin_seq", Integer),
            ("hlc", Blob),
            ("table_name", Integer),
            ("record_id", Blob),
            ("op", Integer),
            ("fields", Text),
            ("mask", Integer),
            ("hash", Blob),
            ("seen", Blob),
        ],
    ),
    local("change_patch", "不另存副本的新增记录：其后改动过的字段的初值", &[("record_id", Blob), ("fields", Text)]),
    local("change_table", "变更所在的表", &[("n", Integer), ("name", Text)]),
    local(
        "change_txn",
        "变更所属的事务：编号、时间、用户",
        &[("n", Integer), ("txn_id", Text), ("at", Text), ("user_name", Text)],
    ),
    local("change_pc", "变更来自的电脑", &[("n", Integer), ("installation_id", Text)]),
    local(
        "audit_event",
        "操作日志（登录、导出等）",
        &[
            ("seq", Integer),
            ("at", Text),
            ("installation_id", Text),
            ("user_name", Text),
            ("action", Text),
            ("target", Text),
            ("detail", Text),
            ("hash", Text),
        ],
    ),
    local("audit_head", "两条校验链的最新一条", &[("log", Text), ("seq", Integer), ("hash", Text)]),
    local("person_token", "人员查询索引", &[("token", Text), ("person", Integer)]),
    local(
        "roster_index",
        "老人花名册列表索引",
        &[
            ("elderly_id", Text),
            ("person", Integer),
            ("status", Text),
            ("name_key", Text),
            ("community_id", Text),
            ("birth_date", Text),
            ("kinds", Text),
            ("sanwu", Integer),
            ("enterprise_retiree", Integer),
        ],
    ),
    local("local_setting", "本机设置", &[("key", Text), ("value", Text)]),
    local("login_state", "登录失败计数与锁定", &[("username", Text), ("failures", Integer), ("locked_until", Text)]),
    local("sync_config", "本机同步设置", &[("key", Text), ("value", Text)]),
    local(
        "sync_peer",
        "其他电脑及已收到的变更",
        &[("installation_id", Text), ("pc_name", Text), ("seen", Text), ("last_read_at", Text)],
    ),
    local("sync_package", "已读取的同步包", &[("package_id", Text), ("writer", Text), ("read_at", Text)]),
    local(
        "sync_run",
        "同步记录",
        &[
            ("id", Integer),
            ("started_at", Text),
            ("finished_at", Text),
            ("trigger_kind", Text),
            ("user_name", Text),
            ("written", Integer),
            ("read", Integer),
            ("changes_in", Integer),
            ("changes_out", Integer),
            ("records_changed", Integer),
            ("conflicts", Integer),
            ("messages", Text),
        ],
    ),
    local(
        "sync_conflict",
        "冲突待核",
        &[("record_id", Text), ("table_name", Text), ("field", Text), ("hlc", Text), ("installation_id", Text)],
    ),
    local("sync_pending", "待关联的记录", &[("record_id", Text), ("table_name", Text), ("reason", Text)]),
    local(
        "sync_refused",
        "未采纳的变更",
        &[("installation_id", Text), ("origin_seq", Integer), ("reason", Text), ("refused_at", Text)],
    ),
];
