//! 政府购买居家养老服务: the providers page, and an elder's entitlement
//! (服务资格) with this month's hours against it.
use street_ledger::elderly::homecare::{self, CareState, EntitlementInput, ProviderInput, ProvidersPage};
use tauri::State;

use super::{today, with, Reply};
use crate::AppState;

#[tauri::command(async, rename_all = "snake_case")]
pub fn care_providers(state: State<AppState>, community_id: Option<String>) -> Reply<ProvidersPage> {
    with(&state, |s, a| homecare::page(s.conn(), a, community_id.as_deref(), today()))
}

#[tauri::command(async)]
pub fn add_care_provider(state: State<AppState>, input: ProviderInput) -> Reply<String> {
    with(&state, |s, a| homecare::add_provider(s, a, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_care_provider(state: State<AppState>, id: String, row_version: i64, input: ProviderInput) -> Reply<()> {
    with(&state, |s, a| homecare::update_provider(s, a, &id, row_version, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn care_of_elderly(state: State<AppState>, elderly_id: String) -> Reply<CareState> {
    with(&state, |s, a| homecare::state(s.conn(), a, &elderly_id, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_care_entitlement(state: State<AppState>, elderly_id: String, input: EntitlementInput) -> Reply<String> {
    with(&state, |s, a| homecare::add_entitlement(s, a, &elderly_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn stop_care_entitlement(state: State<AppState>, id: String, stop_month: String) -> Reply<()> {
    with(&state, |s, a| homecare::stop_entitlement(s, a, &id, &stop_month))
}
