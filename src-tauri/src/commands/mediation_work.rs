//! The mediation committee's own work: the mediator roster with profiles and
//! trainings, a case's difficulty (以案定补), the 排查表 and 立案 from it, and
//! the case file's printed documents. Like every command: the session, one
//! core call, the error as `{code, message, field?}`.
use street_ledger::mediation::casefile::{self, Document};
use street_ledger::mediation::mediators::{self, Choices, MediatorRow, Training, TrainingInput};
use street_ledger::mediation::screening::{self, ScreeningInput};
use street_ledger::mediation::subsidy::{self, CaseSubsidy};
use street_ledger::mediation::{CaseInput, MediatorInput};
use tauri::State;

use super::{today, with, Reply};
use crate::AppState;

#[tauri::command(async)]
pub fn mediation_choices() -> Reply<Choices> {
    Ok(mediators::choices())
}

#[tauri::command(async)]
pub fn mediator_roster(state: State<AppState>) -> Reply<Vec<MediatorRow>> {
    with(&state, |s, a| mediators::roster(s.conn(), a))
}

#[tauri::command(async)]
pub fn update_mediator(state: State<AppState>, id: String, input: MediatorInput) -> Reply<()> {
    with(&state, |s, a| mediators::update(s, a, &id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn mediator_trainings(state: State<AppState>, mediator_id: Option<String>) -> Reply<Vec<Training>> {
    with(&state, |s, a| mediators::trainings(s.conn(), a, mediator_id.as_deref()))
}

#[tauri::command(async)]
pub fn add_mediator_training(state: State<AppState>, input: TrainingInput) -> Reply<String> {
    with(&state, |s, a| mediators::add_training(s, a, &input, today()))
}

#[tauri::command(async)]
pub fn case_difficulty(state: State<AppState>, id: String) -> Reply<CaseSubsidy> {
    with(&state, |s, a| subsidy::of_case(s.conn(), a, &id))
}

#[tauri::command(async)]
pub fn set_case_difficulty(state: State<AppState>, id: String, difficulty: String) -> Reply<()> {
    with(&state, |s, a| subsidy::set_difficulty(s, a, &id, &difficulty))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn screening_list(
    state: State<AppState>,
    from: String,
    to: String,
    community_id: Option<String>,
) -> Reply<Vec<screening::Row>> {
    with(&state, |s, a| screening::list(s.conn(), a, &from, &to, community_id.as_deref()))
}

#[tauri::command(async)]
pub fn add_screening(state: State<AppState>, input: ScreeningInput) -> Reply<String> {
    with(&state, |s, a| screening::add(s, a, &input, today()))
}

#[tauri::command(async)]
pub fn update_screening(state: State<AppState>, id: String, input: ScreeningInput) -> Reply<()> {
    with(&state, |s, a| screening::update(s, a, &id, &input, today()))
}

/// 立案 from a row: the case registered and the row linked, in one write.
#[tauri::command(async)]
pub fn screening_open_case(state: State<AppState>, id: String, input: CaseInput) -> Reply<String> {
    with(&state, |s, a| screening::open_case(s, a, &id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn screening_link_case(state: State<AppState>, id: String, case_id: String) -> Reply<()> {
    with(&state, |s, a| screening::link_case(s, a, &id, &case_id))
}

/// A document of the case file (申请书, 告知书, 调解笔录, 卷宗封面, 卷内目录).
#[tauri::command(async)]
pub fn mediation_document(state: State<AppState>, id: String, kind: String) -> Reply<Document> {
    with(&state, |s, a| casefile::document(s, a, &id, &kind))
}
