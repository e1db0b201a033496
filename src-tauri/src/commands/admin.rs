//! 系统管理: accounts, communities, dictionaries (字典管理), settings and
//! the audit trail. The core checks that the user is an administrator.
use std::collections::BTreeMap;

use street_ledger::accounts::{self, Account, AccountChange, NewAccount};
use street_ledger::audit::{self, AuditEntry, AuditQuery, Choices};
use street_ledger::export::Target;
use street_ledger::office::{self, Community};
use street_ledger::person::Page;
use street_ledger::{dict, settings};
use tauri::State;

use super::{with, Exported, Reply};
use crate::AppState;

/// Every active dictionary, for the drop-downs of every page.
#[tauri::command(async)]
pub fn dictionaries(state: State<AppState>) -> Reply<BTreeMap<String, Vec<String>>> {
    with(&state, |s, _| dict::all(s.conn()))
}

/// 字典管理: every dictionary with all its options, retired ones too.
#[tauri::command(async)]
pub fn dictionary_list(state: State<AppState>) -> Reply<Vec<dict::Dictionary>> {
    with(&state, |s, a| dict::dictionaries(s.conn(), a))
}

#[tauri::command(async)]
pub fn add_dictionary_entry(state: State<AppState>, dict: String, label: String) -> Reply<()> {
    with(&state, |s, a| dict::add_entry(s, a, &dict, &label))
}

/// 停用 / 启用 one option; records keep what they hold.
#[tauri::command(async)]
pub fn set_dictionary_entry_active(state: State<AppState>, id: String, active: bool) -> Reply<()> {
    with(&state, |s, a| dict::set_entry_active(s, a, &id, active))
}

#[tauri::command(async)]
pub fn list_accounts(state: State<AppState>) -> Reply<Vec<Account>> {
    with(&state, |s, a| accounts::list(s.conn(), a))
}

#[tauri::command(async)]
pub fn create_account(state: State<AppState>, account: NewAccount) -> Reply<String> {
    with(&state, |s, a| accounts::create(s, a, &account))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn reset_password(state: State<AppState>, username: String, new_password: String) -> Reply<()> {
    with(&state, |s, a| accounts::reset_password(s, a, &username, &new_password))
}

#[tauri::command(async)]
pub fn update_account(state: State<AppState>, username: String, change: AccountChange) -> Reply<()> {
    with(&state, |s, a| accounts::update(s, a, &username, &change))
}

#[tauri::command(async)]
pub fn add_community(state: State<AppState>, name: String) -> Reply<Community> {
    with(&state, |s, a| office::add_community(s, a, &name))
}

#[tauri::command(async)]
pub fn settings(state: State<AppState>) -> Reply<Vec<settings::SettingView>> {
    with(&state, |s, a| settings::list(s.conn(), a))
}

#[tauri::command(async)]
pub fn set_setting(state: State<AppState>, key: String, value: String) -> Reply<()> {
    with(&state, |s, a| settings::set(s, a, &key, &value))
}

#[tauri::command(async)]
pub fn audit_choices(state: State<AppState>) -> Reply<Choices> {
    with(&state, |s, a| audit::choices(s.conn(), a))
}

#[tauri::command(async)]
pub fn audit_query(state: State<AppState>, query: AuditQuery) -> Reply<Page<AuditEntry>> {
    with(&state, |s, a| audit::query(s.conn(), a, &query))
}

#[tauri::command(async)]
pub fn audit_export(state: State<AppState>, query: AuditQuery) -> Reply<Exported> {
    let target = Target::chosen(&state.data_dir, None, "操作日志", "xlsx", None);
    with(&state, |s, a| {
        let rows = audit::export_xlsx(s, a, &query, &target)?;
        Ok(Exported { path: target.path.display().to_string(), rows })
    })
}
