//! 街道民生台账 desktop app: a window over the core. It opens the store and
//! hands each UI request to a command (every one is listed in
//! `commands::handler`); `session` holds who is logged in on this window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod session;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use commands::firstrun;
use serde::Serialize;
use street_ledger::access::Actor;
use street_ledger::store::{default_data_dir, Store};
use street_ledger::sync::{self, SyncError};
use street_ledger::{backup, Error, ErrorPayload};
use tauri::{Emitter, Manager};

/// What every command reaches: the open store (or why it could not open),
/// and the session of the person at the keyboard.
pub struct AppState {
    store: Mutex<Result<Store, ErrorPayload>>,
    session: Mutex<Option<session::Session>>,
    data_dir: PathBuf,
    /// Whether `store` is the demo (先看看演示数据) rather than the real
    /// database: nothing syncs or backs up automatically then. Set only
    /// where the store is switched (commands::firstrun).
    demo: AtomicBool,
    /// How the last automatic sync (at start, on the timer, at exit) ended;
    /// a run refused before it began (folder missing) is in no history.
    last_auto_sync: Mutex<Option<AutoSync>>,
    /// Held through a whole backup (made without `store`, see
    /// `commands::backup_without_store`) and by whatever replaces the
    /// database (a restore, the demo): one backup at a time, never beside
    /// a restore. Always taken before `store`.
    backing_up: Mutex<()>,
}

/// One automatic sync as the sync page and the top bar show it (also sent
/// to the window as the `sync-finished` event).
#[derive(Clone, Serialize)]
pub struct AutoSync {
    trigger: String,
    at: String,
    /// Whether the run was made; it may still have `notes`.
    ok: bool,
    /// The summary, or what went wrong, in Chinese.
    message: String,
    /// Files skipped and other warnings of a run that was made.
    notes: Vec<String>,
    records_changed: i64,
    conflicts: i64,
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
    if state.demo.load(Ordering::SeqCst) {
        return; // The demo is thrown away, never backed up.
    }
    let actor = Actor::system();
    let made = commands::backup_without_store(&state, reason, || {
        commands::with_store(&state, |store| {
            let due = always || backup::due(store, chrono::Utc::now()).unwrap_or(false);
            Ok(if due { Some((backup::plan(store, &actor)?, actor.clone())) } else { None })
        })
    });
    if let Err(e) = made {
        eprintln!("自动备份失败：{}", e.message);
    }
}

/// Whether the sync folder answers within a few seconds. Asked before the
/// store is locked: a share that is down, or a stick just pulled, must not
/// hold the database (and so the window) while the system gives up on it.
pub fn folder_reachable(folder: Option<&str>) -> Result<(), ErrorPayload> {
    let Some(folder) = folder else { return Ok(()) };
    let (tx, rx) = std::sync::mpsc::channel();
    let path = PathBuf::from(folder);
    std::thread::spawn(move || {
        let _ = tx.send(path.is_dir());
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(true) => Ok(()),
        _ => Err(Error::from(SyncError::Folder(folder.to_string())).payload()),
    }
}

/// Syncs as the OS administrator when this PC has a sync folder and key,
/// like the automatic backup. A failure is kept for the sync page and told
/// to the window, never raised: the app goes on without it.
fn auto_sync(app: &tauri::AppHandle, trigger: &str) {
    let state = app.state::<AppState>();
    if state.demo.load(Ordering::SeqCst) {
        return; // The demo never syncs.
    }
    let folder = match state.store.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        Ok(store) => sync::config(store.conn()).ok().filter(|c| c.key_set).and_then(|c| c.folder),
        Err(_) => None,
    };
    let Some(folder) = folder else { return };
    let outcome = folder_reachable(Some(&folder)).and_then(|()| {
        let mut guard = state.store.lock().unwrap_or_else(|p| p.into_inner());
        let store = guard.as_mut().map_err(|e| e.clone())?;
        let run =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sync::run(store, &Actor::system(), trigger)));
        run.map_err(|_| Error::from(SyncError::Failed).payload())?.map_err(ErrorPayload::from)
    });
    let at = chrono::Local::now().to_rfc3339();
    let event = match outcome {
        Ok(r) => AutoSync {
            trigger: trigger.into(),
            at,
            ok: true,
            message: r.summary,
            notes: r.messages,
            records_changed: r.records_changed,
            conflicts: r.conflicts,
        },
        Err(e) => {
            eprintln!("自动同步失败（{trigger}）：{}", e.message);
            let (message, notes) = (e.message, Vec::new());
            AutoSync { trigger: trigger.into(), at, ok: false, message, notes, records_changed: 0, conflicts: 0 }
        }
    };
    *state.last_auto_sync.lock().unwrap_or_else(|p| p.into_inner()) = Some(event.clone());
    let _ = app.emit("sync-finished", event);
}

/// Minutes between timed syncs (setting sync.every_minutes; 0: none).
fn sync_every_minutes(app: &tauri::AppHandle) -> f64 {
    let state = app.state::<AppState>();
    let guard = state.store.lock().unwrap_or_else(|p| p.into_inner());
    guard.as_ref().ok().and_then(|s| sync::config(s.conn()).ok()).map(|c| c.every_minutes).unwrap_or(0.0)
}

/// On Linux (UOS, Kylin), WebKitGTK draws the window without its GPU
/// compositing unless asked otherwise (`WEBKIT_DISABLE_COMPOSITING_MODE=0`).
/// The pages are forms and lists, with nothing to animate; on a PC whose GL
/// is done in software (no driver, a virtual machine, a remote desktop) the
/// compositor took most of each frame: on the 100,000-person street, a name
/// entered into the roster search was drawn in p95 49 ms with it and 10 ms
/// without (README, keystroke to drawn list). Set before any thread starts.
fn draw_without_gpu_compositing() {
    if cfg!(target_os = "linux") && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

fn main() {
    draw_without_gpu_compositing();
    let data_dir = data_dir();
    let (store, demo) = firstrun::open_at_start(&data_dir);
    let state = AppState {
        store: Mutex::new(store),
        session: Mutex::new(None),
        data_dir,
        demo: AtomicBool::new(demo),
        last_auto_sync: Mutex::new(None),
        backing_up: Mutex::new(()),
    };
    let app = tauri::Builder::default()
        // The system's open and save dialogs for 浏览…; files themselves are
        // read and written only by the app's own commands.
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        // Every command in one list; what the demo refuses, in front.
        .invoke_handler(firstrun::refuse_on_demo(commands::handler()))
        .setup(|app| {
            let handle = app.handle().clone();
            std::thread::spawn(move || loop {
                backup_if_due(&handle, "定时自动备份", false);
                std::thread::sleep(std::time::Duration::from_secs(600));
            });
            // Sync once the store is open, then every sync.every_minutes
            // (read each time: the administrator may change it meanwhile).
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                auto_sync(&handle, "启动时");
                let mut last = Instant::now();
                loop {
                    std::thread::sleep(Duration::from_secs(5));
                    let every = sync_every_minutes(&handle);
                    if every > 0.0 && last.elapsed().as_secs_f64() >= every * session::minute().as_secs_f64() {
                        auto_sync(&handle, "定时");
                        last = Instant::now();
                    }
                }
            });
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("error while building 街道民生台账");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            auto_sync(handle, "退出时");
            backup_if_due(handle, "退出时自动备份", true);
        }
    });
}
