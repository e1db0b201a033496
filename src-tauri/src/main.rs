//! 街道民生台账 desktop app: a window over the core. It opens the store and
//! hands each UI request to a command in `commands`; `session` holds who is
//! logged in on this window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod session;

use std::path::PathBuf;
use std::sync::Mutex;

use street_ledger::store::{default_data_dir, Store};
use street_ledger::ErrorPayload;

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

fn main() {
    let data_dir = data_dir();
    let store = Store::open_dir(&data_dir).map_err(|e| street_ledger::Error::from(e).payload());
    let state = AppState { store: Mutex::new(store), session: Mutex::new(None), data_dir };
    tauri::Builder::default()
        .manage(state)
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .expect("error while running 街道民生台账");
}
