//! 街道民生台账 desktop app: a window over the core. It opens the store and
//! hands each UI request to a command in `commands`; `session` holds who is
//! logged in on this window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod session;

use std::path::PathBuf;
use std::sync::Mutex;

use street_ledger::access::Actor;
use street_ledger::backup;
use street_ledger::store::{default_data_dir, Store};
use street_ledger::ErrorPayload;
use tauri::Manager;

/// What every command reaches: the open store (or why it could not open),
/// and the session of the person at the keyboard.
pub struct AppState {
    store: Mutex<Result<Store, ErrorPayload>>,
    session: Mutex<Option<session::Session>>,
    data_dir: PathBuf,
}

/// `--data-dir DIR` on the command line, else the core's default.
fn data_dir() -> PathBuf {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            if let Some(d) = args.next() {
                return PathBuf::from(d);
            }
        } else if let Some(d) = a.strip_prefix("--data-dir=") {
            return PathBuf::from(d);
        }
    }
    default_data_dir()
}

/// Opens the office database after the start-up integrity check: a damaged
/// one is not opened (nor touched), and the UI offers the newest good backup.
pub fn open(data_dir: &std::path::Path) -> Result<Store, ErrorPayload> {
    backup::check_on_start(data_dir).map_err(|e| street_ledger::Error::from(e).payload())?;
    Store::open_dir(data_dir).map_err(|e| street_ledger::Error::from(e).payload())
}

/// Backs up when the newest backup is older than the setting says (daily by
/// default), as the OS administrator: it is the office's own safety net.
fn backup_if_due(app: &tauri::AppHandle, reason: &str, always: bool) {
    let state = app.state::<AppState>();
    let guard = state.store.lock().unwrap_or_else(|p| p.into_inner());
    if let Ok(store) = guard.as_ref() {
        if always || backup::due(store, chrono::Utc::now()).unwrap_or(false) {
            if let Err(e) = backup::backup_now(store, &Actor::system(), reason) {
                eprintln!("自动备份失败：{e}");
            }
        }
    }
}

fn main() {
    let data_dir = data_dir();
    let state = AppState { store: Mutex::new(open(&data_dir)), session: Mutex::new(None), data_dir };
    let app = tauri::Builder::default()
        .manage(state)
        .invoke_handler(commands::handler())
        .setup(|app| {
            let handle = app.handle().clone();
            std::thread::spawn(move || loop {
                backup_if_due(&handle, "定时自动备份", false);
                std::thread::sleep(std::time::Duration::from_secs(600));
            });
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("error while building 街道民生台账");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            backup_if_due(handle, "退出时自动备份", true);
        }
    });
}
