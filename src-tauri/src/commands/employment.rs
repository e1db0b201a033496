//! 社区再就业: cases (就业援助对象), households and zero-employment
//! households, public-welfare posts, start-up loans and hardship relief.
use street_ledger::employment::case::{
    self, CaseDetail, CaseInput, CaseQuery, CaseRow, DueFollowup, FollowupInput, Placement, TrainingInput,
};
use street_ledger::employment::household::{
    self, HouseholdInput, HouseholdRow, HouseholdView, MemberInput, MemberStatus,
};
use street_ledger::employment::loans::{self, LoanInput, LoanView, ReliefInput};
use street_ledger::employment::posts::{self, LimitAlert, PostInput, PostView, SubsidyLine};
use street_ledger::person::Page;
use tauri::State;

use super::{today, with, Reply};
use crate::AppState;

#[tauri::command(async)]
pub fn case_list(state: State<AppState>, query: CaseQuery) -> Reply<Page<CaseRow>> {
    with(&state, |s, a| case::list(s.conn(), a, &query, today()))
}

#[tauri::command(async)]
pub fn register_case(state: State<AppState>, input: CaseInput) -> Reply<String> {
    with(&state, |s, a| case::register(s, a, &input, today()))
}

#[tauri::command(async)]
pub fn case_detail(state: State<AppState>, id: String) -> Reply<CaseDetail> {
    with(&state, |s, a| case::detail(s.conn(), a, &id, today()))
}

#[tauri::command(async)]
pub fn update_case(state: State<AppState>, id: String, input: CaseInput) -> Reply<()> {
    with(&state, |s, a| case::update(s, a, &id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_training(state: State<AppState>, case_id: String, input: TrainingInput) -> Reply<String> {
    with(&state, |s, a| case::add_training(s, a, &case_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_followup(state: State<AppState>, case_id: String, input: FollowupInput) -> Reply<String> {
    with(&state, |s, a| case::add_followup(s, a, &case_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn place_case(state: State<AppState>, case_id: String, placement: Placement) -> Reply<()> {
    with(&state, |s, a| case::place(s, a, &case_id, &placement, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn close_case(state: State<AppState>, case_id: String, on: String, reason: String) -> Reply<()> {
    with(&state, |s, a| case::close(s, a, &case_id, &on, &reason, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn followups_due(state: State<AppState>, community_id: Option<String>) -> Reply<Vec<DueFollowup>> {
    with(&state, |s, a| case::followups_due(s.conn(), a, community_id.as_deref(), today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn household_list(state: State<AppState>, community_id: Option<String>) -> Reply<Vec<HouseholdRow>> {
    with(&state, |s, a| household::list(s.conn(), a, community_id.as_deref(), today()))
}

#[tauri::command(async)]
pub fn create_household(state: State<AppState>, input: HouseholdInput) -> Reply<String> {
    with(&state, |s, a| household::create(s, a, &input, today()))
}

#[tauri::command(async)]
pub fn household_detail(state: State<AppState>, id: String) -> Reply<HouseholdView> {
    with(&state, |s, a| household::detail(s.conn(), a, &id, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_household_member(state: State<AppState>, household_id: String, member: MemberInput) -> Reply<String> {
    with(&state, |s, a| household::add_member(s, a, &household_id, &member, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn set_member_status(state: State<AppState>, member_id: String, status: MemberStatus) -> Reply<()> {
    with(&state, |s, a| household::set_member_status(s, a, &member_id, &status, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn confirm_household(state: State<AppState>, household_id: String, on: String) -> Reply<String> {
    with(&state, |s, a| household::confirm(s, a, &household_id, &on, today()))
}

#[tauri::command(async)]
pub fn post_list(state: State<AppState>) -> Reply<Vec<PostView>> {
    with(&state, |s, a| posts::posts(s.conn(), a, today()))
}

#[tauri::command(async)]
pub fn add_post(state: State<AppState>, input: PostInput) -> Reply<String> {
    with(&state, |s, a| posts::add_post(s, a, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn place_in_post(state: State<AppState>, post_id: String, case_id: String, start_on: String) -> Reply<String> {
    with(&state, |s, a| posts::place_in_post(s, a, &post_id, &case_id, &start_on, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn end_post_placement(state: State<AppState>, placement_id: String, end_on: String) -> Reply<()> {
    with(&state, |s, a| posts::end_placement(s, a, &placement_id, &end_on, today()))
}

#[tauri::command(async)]
pub fn subsidy_roster(state: State<AppState>, year: i32, quarter: u32) -> Reply<Vec<SubsidyLine>> {
    with(&state, |s, a| posts::subsidy_roster(s.conn(), a, year, quarter))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_loan(state: State<AppState>, case_id: String, input: LoanInput) -> Reply<String> {
    with(&state, |s, a| loans::add_loan(s, a, &case_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn extend_loan(state: State<AppState>, loan_id: String, months: u32) -> Reply<()> {
    with(&state, |s, a| loans::extend(s, a, &loan_id, months))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn set_loan_repayment(state: State<AppState>, loan_id: String, status: String, on: Option<String>) -> Reply<()> {
    with(&state, |s, a| loans::set_repayment(s, a, &loan_id, &status, on.as_deref(), today()))
}

#[tauri::command(async)]
pub fn loan_alerts(state: State<AppState>) -> Reply<Vec<LoanView>> {
    with(&state, |s, a| loans::alerts(s.conn(), a, today()))
}

#[tauri::command]
pub fn employment_choices() -> street_ledger::employment::Choices {
    street_ledger::employment::CHOICES
}

#[tauri::command(async)]
pub fn post_limit_alerts(state: State<AppState>) -> Reply<Vec<LimitAlert>> {
    with(&state, |s, a| posts::limit_alerts(s.conn(), a, today()))
}

#[tauri::command(async)]
pub fn zero_clearing_alerts(state: State<AppState>) -> Reply<Vec<household::ClearingAlert>> {
    with(&state, |s, a| household::clearing_alerts(s.conn(), a, today()))
}

#[tauri::command(async)]
pub fn loan_list(state: State<AppState>) -> Reply<Vec<LoanView>> {
    with(&state, |s, a| loans::all(s.conn(), a, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_relief(state: State<AppState>, case_id: String, input: ReliefInput) -> Reply<String> {
    with(&state, |s, a| loans::add_relief(s, a, &case_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_person_relief(state: State<AppState>, person_id: String, input: ReliefInput) -> Reply<String> {
    with(&state, |s, a| loans::add_relief_for_person(s, a, &person_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn person_relief(state: State<AppState>, person_id: String) -> Reply<Vec<serde_json::Value>> {
    with(&state, |s, a| loans::relief_of(s.conn(), a, &person_id))
}
