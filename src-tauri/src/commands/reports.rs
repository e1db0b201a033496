//! 统计报表, 统计概览 and 导入: reports previewed and written as .xlsx,
//! spreadsheets previewed and imported. Like every command: the session, one
//! core call, the error as `{code, message, field?}`. The long ones are
//! `async` so the window stays responsive.
use std::path::Path;

use serde::Serialize;
use street_ledger::export::{self, Target};
use street_ledger::import::{self, Options, Outcome, Preview};
use street_ledger::report::{self, Report, Request};
use tauri::{AppHandle, Emitter, State};

use super::{today, with, Exported, Reply};
use crate::AppState;

/// The export folder's rule for an .xlsx the user asked for.
fn target(state: &AppState, typed: Option<&str>, what: &str, overwrite: Option<bool>) -> Target {
    Target::chosen(&state.data_dir, typed, what, "xlsx", overwrite)
}

#[derive(Serialize)]
pub struct Catalogue {
    /// (name, title)
    reports: Vec<(&'static str, &'static str)>,
    /// (code, label)
    registers: Vec<(&'static str, &'static str)>,
    export_dir: String,
}

#[tauri::command(async)]
pub fn report_catalogue(state: State<AppState>) -> Reply<Catalogue> {
    let export_dir = export::folder(&state.data_dir).display().to_string();
    with(&state, |_, _| {
        Ok(Catalogue { reports: report::CATALOGUE.to_vec(), registers: import::registers(), export_dir })
    })
}

/// The report as the file would hold it (ID numbers always masked on screen).
#[tauri::command]
pub async fn report_preview(state: State<'_, AppState>, request: Request) -> Reply<Report> {
    with(&state, |s, a| report::preview(s.conn(), a, &request))
}

#[tauri::command]
pub async fn report_export(
    state: State<'_, AppState>,
    request: Request,
    path: Option<String>,
    overwrite: Option<bool>,
) -> Reply<Exported> {
    let target = target(&state, path.as_deref(), report::title(&request.name), overwrite);
    with(&state, |s, a| {
        let written = report::export(s, a, &request, &target, today())?;
        Ok(Exported { path: written.display().to_string(), rows: 0 })
    })
}

/// The import template of a register, written to the export folder.
#[tauri::command(async)]
pub fn import_template(state: State<AppState>, register: String) -> Reply<Exported> {
    let target = target(&state, None, &import::template_name(&register), None);
    with(&state, |s, _| {
        import::template(s, &register, &target)?;
        Ok(Exported { path: target.path.display().to_string(), rows: 0 })
    })
}

#[tauri::command]
pub async fn import_preview(
    app: AppHandle,
    state: State<'_, AppState>,
    register: String,
    path: String,
    options: Options,
) -> Reply<Preview> {
    let options = telling(app, options);
    with(&state, |s, a| import::preview(s, a, &register, Path::new(path.trim()), &options, today()))
}

/// The rows' progress sent to the window as `import-progress` events: a
/// whole street's roster takes a while.
fn telling(app: AppHandle, options: Options) -> Options {
    let on_progress = import::OnProgress::new(move |p| {
        let _ = app.emit("import-progress", p);
    });
    Options { on_progress, ..options }
}

#[derive(Serialize)]
pub struct Imported {
    #[serde(flatten)]
    outcome: Outcome,
    /// The rows not imported, with why, when there were any.
    rejected_path: Option<String>,
}

#[tauri::command]
pub async fn import_run(
    app: AppHandle,
    state: State<'_, AppState>,
    register: String,
    path: String,
    options: Options,
) -> Reply<Imported> {
    let options = telling(app, options);
    let out = target(&state, None, "导入未通过的行", None);
    with(&state, |s, a| {
        let outcome = import::import(s, a, &register, Path::new(path.trim()), &options, Some(&out), today())?;
        let rejected_path = (outcome.rejected > 0).then(|| out.path.display().to_string());
        Ok(Imported { outcome, rejected_path })
    })
}
