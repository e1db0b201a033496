//! 同步: this PC's sync settings, a run now, the history, conflicts to
//! review (冲突待核), records waiting (待关联), accounts and settings changes
//! refused, and the snapshot a new PC joins by.
use serde::Serialize;
use street_ledger::export::Target;
use street_ledger::firstrun;
use street_ledger::sync::review::{Conflict, PendingRecord};
use street_ledger::sync::trust::Refused;
use street_ledger::sync::{self, Applied, RunReport, SyncConfig};
use tauri::State;

use super::{with, with_store, Reply};
use crate::AppState;

#[derive(Serialize)]
pub struct SyncView {
    #[serde(flatten)]
    config: SyncConfig,
    last_auto: Option<crate::AutoSync>,
}

#[tauri::command(async)]
pub fn sync_config(state: State<AppState>) -> Reply<SyncView> {
    let last_auto = state.last_auto_sync.lock().unwrap_or_else(|p| p.into_inner()).clone();
    with(&state, |s, _| Ok(SyncView { config: sync::config(s.conn())?, last_auto }))
}

/// This PC's name, the sync folder and the office key (administrators).
#[tauri::command(async, rename_all = "snake_case")]
pub fn set_sync_settings(
    state: State<AppState>,
    pc_name: Option<String>,
    folder: Option<String>,
    key: Option<String>,
) -> Reply<SyncConfig> {
    with(&state, |s, a| sync::set_settings(s, a, pc_name.as_deref(), folder.as_deref(), key.as_deref()))
}

/// Async, so the window stays responsive while the folder is read and
/// written; a folder that does not answer is found before the store is held.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Reply<RunReport> {
    let folder = with(&state, |s, _| Ok(sync::config(s.conn())?.folder))?;
    crate::folder_reachable(folder.as_deref())?;
    with(&state, |s, a| sync::run(s, a, "手动"))
}

#[tauri::command(async)]
pub fn sync_history(state: State<AppState>) -> Reply<Vec<RunReport>> {
    with(&state, |s, _| sync::history(s.conn(), 50))
}

#[tauri::command(async)]
pub fn sync_conflicts(state: State<AppState>) -> Reply<Vec<Conflict>> {
    with(&state, |s, a| sync::review::conflicts(s.conn(), a))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn resolve_conflict(
    state: State<AppState>,
    record_id: String,
    field: String,
    hlc: String,
    installation_id: String,
) -> Reply<()> {
    with(&state, |s, a| sync::review::resolve(s, a, &record_id, &field, &hlc, &installation_id))
}

#[tauri::command(async)]
pub fn sync_pending(state: State<AppState>) -> Reply<Vec<PendingRecord>> {
    with(&state, |s, _| sync::review::pending(s.conn()))
}

#[tauri::command(async)]
pub fn sync_refused(state: State<AppState>) -> Reply<Vec<Refused>> {
    with(&state, |s, a| sync::trust::refused(s.conn(), a))
}

#[derive(Serialize)]
pub struct Snapshot {
    path: String,
    bytes: usize,
}

/// A snapshot of the whole office, sealed with the office key, for a new PC
/// to join by (administrators): to `path` (a file, or a folder to put it
/// in), else to the export folder.
#[tauri::command]
pub async fn make_snapshot(
    state: State<'_, AppState>,
    path: Option<String>,
    overwrite: Option<bool>,
) -> Reply<Snapshot> {
    let target = Target::chosen(&state.data_dir, path.as_deref(), "街道民生台账快照", sync::EXTENSION, overwrite);
    with(&state, |s, a| {
        let bytes = sync::snapshot(s, a, &target, &sync::stored_key(s.conn())?)?;
        Ok(Snapshot { path: target.path.display().to_string(), bytes })
    })
}

/// First start on a new PC of an existing office: take in a snapshot made on
/// another PC; its accounts log in here afterwards. No session, like setup.
#[tauri::command(rename_all = "snake_case")]
pub async fn join_office(
    state: State<'_, AppState>,
    path: String,
    passphrase: String,
    pc_name: Option<String>,
) -> Reply<Applied> {
    with_store(&state, |s| firstrun::join_office(s, &path, &passphrase, pc_name.as_deref()))
}
