//! The window's start: the app's status, the office's first setup, logging
//! in and out, the idle lock and the user's own password.
use serde::Serialize;
use street_ledger::accounts::{self, AuthError, NewAccount};
use street_ledger::audit::{self, Action};
use street_ledger::office::{self, Office};
use street_ledger::store::Store;
use street_ledger::{backup, Error};
use tauri::State;

use super::{with, with_store, Reply};
use crate::session::{Session, SessionInfo};
use crate::AppState;

/// Logs in and makes the window's session.
fn start_session(
    state: &AppState,
    store: &mut Store,
    username: &str,
    password: &str,
) -> street_ledger::Result<SessionInfo> {
    let actor = accounts::login(store, username, password, chrono::Utc::now())?;
    let session = Session::new(actor, username.trim().to_string());
    let info = session.info(store);
    *state.session.lock().unwrap_or_else(|p| p.into_inner()) = Some(session);
    Ok(info)
}

fn username(state: &AppState) -> Option<String> {
    state.session.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|s| s.username.clone())
}

#[derive(Serialize)]
pub struct AppStatus {
    office: Option<Office>,
    has_accounts: bool,
    session: Option<SessionInfo>,
    data_dir: String,
    backup_dir: Option<String>,
    version: &'static str,
}

#[tauri::command(async)]
pub fn app_status(state: State<AppState>) -> Reply<AppStatus> {
    with_store(&state, |s| {
        let session = state.session.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|x| x.info(s));
        Ok(AppStatus {
            office: office::get(s.conn())?,
            has_accounts: accounts::any(s.conn())?,
            session,
            data_dir: state.data_dir.display().to_string(),
            backup_dir: backup::backup_dir(s).ok().map(|d| d.display().to_string()),
            version: env!("CARGO_PKG_VERSION"),
        })
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn setup_office(
    state: State<AppState>,
    office_name: String,
    communities: Vec<String>,
    admin: NewAccount,
) -> Reply<SessionInfo> {
    with_store(&state, |s| {
        office::setup_with_admin(s, &office_name, &communities, &admin)?;
        start_session(&state, s, &admin.username, &admin.password)
    })
}

#[tauri::command(async)]
pub fn login(state: State<AppState>, username: String, password: String) -> Reply<SessionInfo> {
    with_store(&state, |s| start_session(&state, s, &username, &password))
}

#[tauri::command(async)]
pub fn unlock(state: State<AppState>, password: String) -> Reply<SessionInfo> {
    let username = username(&state).ok_or_else(|| Error::Auth(AuthError::NotLoggedIn).payload())?;
    login(state, username, password)
}

#[tauri::command(async)]
pub fn lock(state: State<AppState>, manual: bool) -> Reply<()> {
    let why = if manual { "用户手动锁定" } else { "闲置超时自动锁定" };
    with_store(&state, |s| match state.session.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
        Some(session) => session.lock(s, why),
        None => Ok(()),
    })
}

#[tauri::command(async)]
pub fn logout(state: State<AppState>) -> Reply<()> {
    with_store(&state, |s| {
        if let Some(session) = state.session.lock().unwrap_or_else(|p| p.into_inner()).take() {
            audit::record(s, &session.actor.user, Action::Logout, &session.username, "")?;
        }
        Ok(())
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn change_password(state: State<AppState>, old_password: String, new_password: String) -> Reply<()> {
    let username = username(&state).unwrap_or_default();
    with(&state, |s, a| accounts::change_password(s, a, &username, &old_password, &new_password, chrono::Utc::now()))
}
