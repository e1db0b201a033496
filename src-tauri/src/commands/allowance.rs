//! 高龄津贴: an elder's allowance section, applying, its status changes and
//! survival checks, and the survival-check due list.
use street_ledger::elderly::allowance::{self, AllowanceState, ApplyInput, DueCheck, EventInput};
use tauri::State;

use super::{today, with, Reply};
use crate::AppState;

#[tauri::command(async, rename_all = "snake_case")]
pub fn allowance_of_elderly(state: State<AppState>, elderly_id: String) -> Reply<AllowanceState> {
    with(&state, |s, a| allowance::of_elderly(s.conn(), a, &elderly_id, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn apply_allowance(state: State<AppState>, elderly_id: String, input: ApplyInput) -> Reply<String> {
    with(&state, |s, a| allowance::apply(s, a, &elderly_id, &input, today()))
}

#[tauri::command(async)]
pub fn record_allowance_event(state: State<AppState>, id: String, input: EventInput) -> Reply<()> {
    with(&state, |s, a| allowance::record(s, a, &id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn allowance_checks_due(state: State<AppState>, community_id: Option<String>) -> Reply<Vec<DueCheck>> {
    with(&state, |s, a| allowance::checks_due(s.conn(), a, community_id.as_deref(), today()))
}
