//! The audit trail (操作日志): record changes come from `change_log` (the
//! one write path); the other events an office must be able to account for
//! (logins, locks, exports, unmasking, backups, restores) are recorded here.
use crate::store::Store;
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
}

impl Action {
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
        }
    }
}

/// Appends an event. `target` names what it concerns (a record id, a report,
/// a file); `detail` is a short Chinese note. Neither may hold an ID number,
/// a phone or a password.
pub fn record(store: &Store, user: &str, action: Action, target: &str, detail: &str) -> Result<()> {
    store
        .conn()
        .prepare_cached(
            "INSERT INTO audit_event (at, installation_id, user_name, action, target, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute((
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            store.installation_id(),
            user,
            action.code(),
            target,
            detail,
        ))?;
    Ok(())
}
