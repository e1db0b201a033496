//! The start-up probe of `cargo xtask package-test`: with
//! `STREET_LEDGER_STARTUP_PROBE` set, the app prints one line to stdout when
//! the UI has put its first page (login or first-run) on screen, so the time
//! from start to the login page can be measured. Unset, `ui_ready` does nothing.

/// The UI calls this once its first page is in the window.
#[tauri::command(async)]
pub(crate) fn ui_ready() {
    if std::env::var_os("STREET_LEDGER_STARTUP_PROBE").is_some() {
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), "startup: login page shown").and_then(|()| std::io::stdout().flush());
    }
}
