//! 备份与恢复: the backups, a backup made now, and restores (from the list,
//! or, at start, of the newest good backup over a damaged database).
use street_ledger::access::Actor;
use street_ledger::backup::{self, BackupInfo, Backups, RestoreInfo};
use street_ledger::{Error, ErrorPayload};
use tauri::State;

use super::{with, with_store, Reply};
use crate::AppState;

#[tauri::command(async)]
pub fn backups(state: State<AppState>) -> Reply<Backups> {
    with(&state, |s, _| backup::overview(s, &state.data_dir))
}

#[tauri::command(async)]
pub fn backup_now(state: State<AppState>) -> Reply<BackupInfo> {
    let made = backup_without_store(&state, "手动备份", || {
        with(&state, |s, a| Ok(Some((backup::plan(s, a)?, a.clone()))))
    });
    Ok(made?.expect("a manual backup is always planned"))
}

/// Restores a backup (or a database a restore set aside) named from the
/// lists above; the store is closed for it and everyone must log in again.
#[tauri::command(async, rename_all = "snake_case")]
pub fn restore_backup(state: State<AppState>, file_name: String) -> Reply<RestoreInfo> {
    let (actor, file) =
        with(&state, |s, a| Ok((a.clone(), backup::find_restorable(s, a, &state.data_dir, &file_name)?)))?;
    reopen_around(&state, |dir| backup::restore(dir, &file, &actor))
}

/// At start, when the database is damaged: restore the newest good backup
/// (the core refuses it for a sound database). No one can log in to a
/// damaged database, so the OS user acts.
#[tauri::command(async)]
pub fn restore_newest_good(state: State<AppState>) -> Reply<RestoreInfo> {
    let newest = backup::newest_good_for_damaged(&state.data_dir)?;
    reopen_around(&state, |dir| backup::restore(dir, &newest, &Actor::system()))
}

/// One backup, when `plan` (run under the store) gives one: made without
/// the store, since copying and checking a whole street's database takes
/// seconds and every command waits on the store; then audited in the
/// database it copied, unless a restore or the demo has replaced it since.
pub(crate) fn backup_without_store(
    state: &AppState,
    reason: &str,
    plan: impl FnOnce() -> Reply<Option<(backup::Planned, Actor)>>,
) -> Reply<Option<BackupInfo>> {
    let _one_at_a_time = state.backing_up.lock().unwrap_or_else(|p| p.into_inner());
    let Some((planned, actor)) = plan()? else { return Ok(None) };
    let info = planned.make().map_err(ErrorPayload::from)?;
    with_store(state, |s| {
        if s.path() == planned.db() {
            backup::record(s, &actor, &info, reason)?;
        }
        Ok(())
    })?;
    Ok(Some(info))
}

/// Closes the store, runs `f` on the data folder, opens the store again and
/// ends the session (the restored accounts may differ).
fn reopen_around<T>(state: &AppState, f: impl FnOnce(&std::path::Path) -> street_ledger::Result<T>) -> Reply<T> {
    // Not while a backup is being made of the database about to be replaced.
    let _no_backup = state.backing_up.lock().unwrap_or_else(|p| p.into_inner());
    let mut guard = state.store.lock().unwrap_or_else(|p| p.into_inner());
    *guard = Err(Error::Restoring.payload());
    let out = f(&state.data_dir).map_err(ErrorPayload::from);
    *guard = crate::open(&state.data_dir);
    *state.session.lock().unwrap_or_else(|p| p.into_inner()) = None;
    out
}
