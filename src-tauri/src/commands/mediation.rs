//! 人民调解: cases from 受理 to 结案, the mediator roster, alerts and the
//! prevention entries. Like every command: the session, one core call, the
//! error as `{code, message, field?}`.
use street_ledger::mediation::committee::{self, Committee, CommitteeInput};
use street_ledger::mediation::lifecycle::{self, StepInput};
use street_ledger::mediation::{
    self, Alert, CaseDetail, CaseInput, CaseQuery, CaseRow, Mediator, MediatorInput, PreventionInput,
};
use street_ledger::person::Page;
use tauri::State;

use super::{today, with, Reply};
use crate::AppState;

#[tauri::command(async)]
pub fn mediation_list(state: State<AppState>, query: CaseQuery) -> Reply<Page<CaseRow>> {
    with(&state, |s, a| mediation::list(s.conn(), a, &query))
}

/// 受理登记: the case with its parties on both sides; returns its id.
#[tauri::command(async)]
pub fn mediation_register(state: State<AppState>, input: CaseInput) -> Reply<String> {
    with(&state, |s, a| mediation::register(s, a, &input, today()))
}

#[tauri::command(async)]
pub fn mediation_detail(state: State<AppState>, id: String) -> Reply<CaseDetail> {
    with(&state, |s, a| mediation::detail(s.conn(), a, &id))
}

/// One step of the case (调查, 调解, 协议, … 司法确认); the core refuses a
/// step that does not follow from the case's status.
#[tauri::command(async, rename_all = "snake_case")]
pub fn mediation_step(state: State<AppState>, case_id: String, input: StepInput) -> Reply<String> {
    with(&state, |s, a| lifecycle::record(s, a, &case_id, &input, today()))
}

#[tauri::command(async)]
pub fn mediation_alerts(state: State<AppState>) -> Reply<Vec<Alert>> {
    with(&state, |s, a| mediation::alerts(s.conn(), a, today()))
}

#[tauri::command(async)]
pub fn mediators(state: State<AppState>) -> Reply<Vec<Mediator>> {
    with(&state, |s, a| mediation::mediators(s.conn(), a))
}

#[tauri::command(async)]
pub fn add_mediator(state: State<AppState>, input: MediatorInput) -> Reply<String> {
    with(&state, |s, a| mediation::add_mediator(s, a, &input))
}

#[tauri::command(async)]
pub fn prevention_list(state: State<AppState>, from: String, to: String) -> Reply<Vec<serde_json::Value>> {
    with(&state, |s, a| mediation::prevention(s.conn(), a, &from, &to))
}

#[tauri::command(async)]
pub fn add_prevention(state: State<AppState>, input: PreventionInput) -> Reply<String> {
    with(&state, |s, a| mediation::add_prevention(s, a, &input, today()))
}

/// 调委会: every committee, with the PC that numbers its cases.
#[tauri::command(async)]
pub fn mediation_committees(state: State<AppState>) -> Reply<Vec<Committee>> {
    with(&state, |s, _| committee::list(s.conn(), s.installation_id()))
}

/// Adds or changes a committee (administrators); returns its id.
#[tauri::command(async)]
pub fn save_committee(state: State<AppState>, input: CommitteeInput) -> Reply<String> {
    with(&state, |s, a| committee::save(s, a, &input))
}

/// Makes this PC number a committee's cases (administrators, after the warning).
#[tauri::command(async, rename_all = "snake_case")]
pub fn keep_committee_here(state: State<AppState>, committee_id: String, confirmed: bool) -> Reply<()> {
    with(&state, |s, a| committee::keep_here(s, a, &committee_id, confirmed))
}
