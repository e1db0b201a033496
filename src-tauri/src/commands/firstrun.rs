//! The first-run guide's commands: the demo office (先看看演示数据) opened in
//! place of the real database and left again, and the sync step. While the
//! demo is open, `refuse_on_demo` turns away whatever would carry its records
//! out of its folder, whichever module the command lives in.
use std::path::Path;
use std::sync::atomic::Ordering;

use street_ledger::firstrun::{self, DemoLogin, FirstRunError};
use street_ledger::store::Store;
use street_ledger::sync::SyncConfig;
use street_ledger::{Error, ErrorPayload};
use tauri::{Manager, State};

use super::{with, with_store, Reply};
use crate::AppState;

/// Commands refused while the demo is open, with what the refusal says
/// cannot be done. The core refuses to sync the demo itself, but these
/// commands would first answer with another reason (no folder or key set
/// yet, the PC's name already changed), and a restore is the shell's own:
/// it would put a demo backup over the real database (`AppState::data_dir`).
const NOT_ON_DEMO: &[(&str, &str)] = &[
    ("set_sync_settings", "设置同步"),
    ("first_sync_settings", "设置同步"),
    ("sync_now", "同步"),
    ("make_snapshot", "生成快照"),
    ("restore_backup", "恢复备份"),
];

/// The app's handler: `commands` (every command, `commands::handler`), with
/// the demo's refusals in front.
pub fn refuse_on_demo(
    commands: impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static,
) -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    move |invoke| {
        let command = invoke.message.command();
        let on_demo = invoke.message.webview_ref().state::<AppState>().demo.load(Ordering::SeqCst);
        if let Some((_, what)) = NOT_ON_DEMO.iter().find(|(c, _)| on_demo && *c == command) {
            invoke.resolver.reject(Error::from(FirstRunError::DemoRefuses(what)).payload());
            return true;
        }
        commands(invoke)
    }
}

/// The store to start on, and whether it is the demo: a demo left open when
/// the app was closed is opened again (the office not being set up yet).
pub fn open_at_start(data_dir: &Path) -> (Result<Store, ErrorPayload>, bool) {
    let real = crate::open(data_dir);
    if let (true, Ok(store)) = (firstrun::has_demo(data_dir), &real) {
        if let Ok(demo) = firstrun::open_demo(store, chrono::Local::now().date_naive()) {
            return (Ok(demo), true);
        }
    }
    (real, false)
}

/// How to log in to the demo while it is open (the banner), else nothing.
#[tauri::command(async)]
pub(crate) fn demo_status(state: State<AppState>) -> Option<DemoLogin> {
    state.demo.load(Ordering::SeqCst).then(firstrun::demo_login)
}

/// 先看看演示数据: the demo office, made on first use (a few seconds), in
/// place of the real database, which stays as it is. Async, so the window
/// stays responsive meanwhile.
#[tauri::command]
pub(crate) async fn enter_demo(state: State<'_, AppState>) -> Reply<DemoLogin> {
    let _no_backup = state.backing_up.lock().unwrap_or_else(|p| p.into_inner());
    with_store(&state, |store| {
        *store = firstrun::open_demo(store, chrono::Local::now().date_naive())?;
        state.demo.store(true, Ordering::SeqCst);
        Ok(firstrun::demo_login())
    })
}

/// 退出演示并删除演示数据: back to the real database; the demo folder is
/// deleted, and whoever was logged in to the demo is logged out.
#[tauri::command(async)]
pub(crate) fn leave_demo(state: State<AppState>) -> Reply<()> {
    let _no_backup = state.backing_up.lock().unwrap_or_else(|p| p.into_inner());
    let mut guard = state.store.lock().unwrap_or_else(|p| p.into_inner());
    if !state.demo.swap(false, Ordering::SeqCst) {
        return Ok(());
    }
    *state.session.lock().unwrap_or_else(|p| p.into_inner()) = None;
    match std::mem::replace(&mut *guard, crate::open(&state.data_dir)) {
        Ok(demo) => firstrun::remove_demo(demo).map_err(ErrorPayload::from),
        Err(_) => Ok(()),
    }
}

/// The guide's sync step (the administrator just set up is logged in).
#[tauri::command(async, rename_all = "snake_case")]
pub(crate) fn first_sync_settings(
    state: State<AppState>,
    folder: String,
    key: String,
    key_again: String,
) -> Reply<SyncConfig> {
    with(&state, |s, a| firstrun::set_up_sync(s, a, &folder, &key, &key_again))
}
