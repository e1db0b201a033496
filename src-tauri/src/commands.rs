//! Tauri commands: each takes the store, calls one core function and maps
//! its error to `{code, message}`. No logic lives here.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use street_ledger::elderly::care::{self, DueVisit, ServiceInput, VisitInput};
use street_ledger::elderly::roster::{self, RosterQuery, RosterRow};
use street_ledger::elderly::{self, ElderlyDetail, ElderlyInput, ElderlyLookup, StatusChange};
use street_ledger::office::{self, Office};
use street_ledger::person::Page;
use street_ledger::store::{Actor, Store};
use street_ledger::{dict, ErrorPayload};
use tauri::State;

use crate::AppState;

type Reply<T> = Result<T, ErrorPayload>;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Runs a core call on the open store, turning its error into the payload.
fn with<T>(state: &AppState, f: impl FnOnce(&mut Store, &Actor) -> street_ledger::Result<T>) -> Reply<T> {
    let mut guard = state.store.lock().unwrap_or_else(|p| p.into_inner());
    let store = guard.as_mut().map_err(|e| e.clone())?;
    f(store, &state.actor).map_err(ErrorPayload::from)
}

#[derive(Serialize)]
pub struct AppStatus {
    office: Option<Office>,
    data_dir: String,
    version: &'static str,
}

#[tauri::command]
fn app_status(state: State<AppState>) -> Reply<AppStatus> {
    let office = with(&state, |s, _| office::get(s.conn()))?;
    Ok(AppStatus { office, data_dir: state.data_dir.display().to_string(), version: env!("CARGO_PKG_VERSION") })
}

#[tauri::command(rename_all = "snake_case")]
fn setup_office(state: State<AppState>, office_name: String, communities: Vec<String>) -> Reply<Office> {
    with(&state, |s, a| office::setup(s, a, &office_name, &communities))
}

#[tauri::command]
fn dictionaries(state: State<AppState>) -> Reply<BTreeMap<String, Vec<String>>> {
    with(&state, |s, _| dict::all(s.conn()))
}

#[tauri::command]
fn roster_list(state: State<AppState>, query: RosterQuery) -> Reply<Page<RosterRow>> {
    with(&state, |s, _| roster::list(s.conn(), &query, today()))
}

#[tauri::command(rename_all = "snake_case")]
fn lookup_id_number(state: State<AppState>, id_number: String) -> Reply<ElderlyLookup> {
    with(&state, |s, _| elderly::lookup(s.conn(), &id_number, today()))
}

#[tauri::command]
fn register_elderly(state: State<AppState>, input: ElderlyInput) -> Reply<String> {
    with(&state, |s, a| elderly::register(s, a, &input, today()))
}

#[tauri::command]
fn elderly_detail(state: State<AppState>, id: String) -> Reply<ElderlyDetail> {
    with(&state, |s, _| elderly::detail(s.conn(), &id, today()))
}

#[tauri::command(rename_all = "snake_case")]
fn update_elderly(state: State<AppState>, id: String, row_version: i64, input: ElderlyInput) -> Reply<()> {
    with(&state, |s, a| elderly::update(s, a, &id, Some(row_version), &input, today()))
}

#[tauri::command]
fn change_elderly_status(state: State<AppState>, id: String, change: StatusChange) -> Reply<()> {
    with(&state, |s, a| elderly::change_status(s, a, &id, &change, today()))
}

#[tauri::command(rename_all = "snake_case")]
fn add_service(state: State<AppState>, elderly_id: String, input: ServiceInput) -> Reply<String> {
    with(&state, |s, a| care::add_service(s, a, &elderly_id, &input, today()))
}

#[tauri::command(rename_all = "snake_case")]
fn add_visit(state: State<AppState>, elderly_id: String, input: VisitInput) -> Reply<String> {
    with(&state, |s, a| care::add_visit(s, a, &elderly_id, &input, today()))
}

#[tauri::command(rename_all = "snake_case")]
fn due_visits(state: State<AppState>, community_id: Option<String>) -> Reply<Vec<DueVisit>> {
    with(&state, |s, _| care::due_visits(s.conn(), community_id.as_deref(), today()))
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app_status,
        setup_office,
        dictionaries,
        roster_list,
        lookup_id_number,
        register_elderly,
        elderly_detail,
        update_elderly,
        change_elderly_status,
        add_service,
        add_visit,
        due_visits
    ]
}
