//! 居家养老: the roster, an elder's record, services, visits and phone
//! check-ins, and the
//! revealing of a person's full ID number (audited by the core).
use street_ledger::elderly::assistance::{self, AssistanceInput};
use street_ledger::elderly::calls::{self, CallInput};
use street_ledger::elderly::care::{self, DueVisit, ServiceInput, VisitInput};
use street_ledger::elderly::condolence::{self, CondolenceInput};
use street_ledger::elderly::roster::{self, RosterQuery, RosterRow};
use street_ledger::elderly::{self, ElderlyDetail, ElderlyInput, ElderlyLookup, StatusChange};
use street_ledger::person::{self, Page, Revealed};
use tauri::State;

use super::{today, with, Reply};
use crate::AppState;

#[tauri::command(async)]
pub fn roster_list(state: State<AppState>, query: RosterQuery) -> Reply<Page<RosterRow>> {
    with(&state, |s, a| roster::list(s.conn(), a, &query, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn lookup_id_number(state: State<AppState>, id_number: String) -> Reply<ElderlyLookup> {
    with(&state, |s, a| elderly::lookup(s.conn(), a, &id_number, today()))
}

#[tauri::command(async)]
pub fn register_elderly(state: State<AppState>, input: ElderlyInput) -> Reply<String> {
    with(&state, |s, a| elderly::register(s, a, &input, today()))
}

#[tauri::command(async)]
pub fn elderly_detail(state: State<AppState>, id: String) -> Reply<ElderlyDetail> {
    with(&state, |s, a| elderly::detail(s.conn(), a, &id, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_elderly(state: State<AppState>, id: String, row_version: i64, input: ElderlyInput) -> Reply<()> {
    with(&state, |s, a| elderly::update(s, a, &id, Some(row_version), &input, today()))
}

#[tauri::command(async)]
pub fn change_elderly_status(state: State<AppState>, id: String, change: StatusChange) -> Reply<()> {
    with(&state, |s, a| elderly::change_status(s, a, &id, &change, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_service(state: State<AppState>, elderly_id: String, input: ServiceInput) -> Reply<String> {
    with(&state, |s, a| care::add_service(s, a, &elderly_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_visit(state: State<AppState>, elderly_id: String, input: VisitInput) -> Reply<String> {
    with(&state, |s, a| care::add_visit(s, a, &elderly_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_call(state: State<AppState>, elderly_id: String, input: CallInput) -> Reply<String> {
    with(&state, |s, a| calls::add_call(s, a, &elderly_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_assistance(state: State<AppState>, elderly_id: String, input: AssistanceInput) -> Reply<String> {
    with(&state, |s, a| assistance::add(s, a, &elderly_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_assistance(state: State<AppState>, id: String, row_version: i64, input: AssistanceInput) -> Reply<()> {
    with(&state, |s, a| assistance::update(s, a, &id, Some(row_version), &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn set_assistance_status(state: State<AppState>, id: String, row_version: i64, action: String) -> Reply<()> {
    with(&state, |s, a| assistance::set_status(s, a, &id, Some(row_version), &action, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_condolence(state: State<AppState>, elderly_id: String, input: CondolenceInput) -> Reply<String> {
    with(&state, |s, a| condolence::add_condolence(s, a, &elderly_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn due_visits(state: State<AppState>, community_id: Option<String>) -> Reply<Vec<DueVisit>> {
    with(&state, |s, a| care::due_visits(s.conn(), a, community_id.as_deref(), today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn reveal_person(state: State<AppState>, person_id: String) -> Reply<Revealed> {
    with(&state, |s, a| person::reveal(s, a, &person_id))
}
