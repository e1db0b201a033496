//! Tauri commands, one module per area: each takes the session, calls one
//! core function and maps its error to `{code, message}`. No logic lives
//! here: permissions, validation and wording are the core's.
use chrono::NaiveDate;
use serde::Serialize;
use street_ledger::access::Actor;
use street_ledger::accounts::AuthError;
use street_ledger::store::Store;
use street_ledger::{Error, ErrorPayload};

use crate::AppState;

mod admin;
mod allowance;
mod backups;
mod elderly;
mod employment;
pub mod firstrun;
mod homecare;
mod login;
mod mediation;
mod mediation_work;
mod print;
mod probe;
mod reports;
mod sync;

pub(crate) use backups::backup_without_store;

type Reply<T> = Result<T, ErrorPayload>;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Runs a core call as the logged-in, unlocked user.
pub(crate) fn with<T>(state: &AppState, f: impl FnOnce(&mut Store, &Actor) -> street_ledger::Result<T>) -> Reply<T> {
    with_store(state, |store| {
        let actor = match state.session.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            Some(s) => s.active(store)?,
            None => return Err(Error::Auth(AuthError::NotLoggedIn)),
        };
        f(store, &actor)
    })
}

/// Runs a core call that needs no session (status, setup, login).
pub(crate) fn with_store<T>(state: &AppState, f: impl FnOnce(&mut Store) -> street_ledger::Result<T>) -> Reply<T> {
    let mut guard = state.store.lock().unwrap_or_else(|p| p.into_inner());
    let store = guard.as_mut().map_err(|e| e.clone())?;
    f(store).map_err(ErrorPayload::from)
}

/// A file written for the user: where, and how many rows.
#[derive(Serialize)]
pub struct Exported {
    path: String,
    rows: usize,
}

/// Every command the UI can call, in one list, whichever module it lives
/// in: a command missing here answers "not found". main.rs puts the demo's
/// refusals (`firstrun::refuse_on_demo`) in front of it. ui/js/api.js has
/// one binding per command (tests/core/shell.rs holds the two lists equal).
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        probe::ui_ready,
        firstrun::demo_status,
        firstrun::enter_demo,
        firstrun::leave_demo,
        firstrun::first_sync_settings,
        login::app_status,
        login::setup_office,
        login::login,
        login::unlock,
        login::lock,
        login::logout,
        login::change_password,
        admin::dictionaries,
        admin::dictionary_list,
        admin::add_dictionary_entry,
        admin::set_dictionary_entry_active,
        elderly::roster_list,
        elderly::lookup_id_number,
        elderly::register_elderly,
        elderly::elderly_detail,
        elderly::update_elderly,
        elderly::change_elderly_status,
        elderly::add_service,
        elderly::add_visit,
        elderly::add_call,
        elderly::add_assistance,
        elderly::update_assistance,
        elderly::set_assistance_status,
        elderly::add_condolence,
        elderly::due_visits,
        elderly::reveal_person,
        allowance::allowance_of_elderly,
        allowance::apply_allowance,
        allowance::record_allowance_event,
        allowance::allowance_checks_due,
        homecare::care_providers,
        homecare::add_care_provider,
        homecare::update_care_provider,
        homecare::care_of_elderly,
        homecare::add_care_entitlement,
        homecare::stop_care_entitlement,
        admin::list_accounts,
        admin::create_account,
        admin::reset_password,
        admin::add_community,
        backups::backups,
        backups::backup_now,
        backups::restore_backup,
        backups::restore_newest_good,
        admin::audit_choices,
        admin::audit_query,
        admin::audit_export,
        admin::settings,
        admin::set_setting,
        admin::update_account,
        sync::sync_config,
        sync::set_sync_settings,
        sync::sync_now,
        sync::sync_history,
        sync::sync_conflicts,
        sync::resolve_conflict,
        sync::sync_pending,
        sync::sync_refused,
        sync::make_snapshot,
        sync::join_office,
        employment::case_list,
        employment::register_case,
        employment::case_detail,
        employment::update_case,
        employment::add_training,
        employment::add_followup,
        employment::place_case,
        employment::close_case,
        employment::followups_due,
        employment::household_list,
        employment::create_household,
        employment::household_detail,
        employment::add_household_member,
        employment::set_member_status,
        employment::confirm_household,
        employment::post_list,
        employment::add_post,
        employment::place_in_post,
        employment::end_post_placement,
        employment::subsidy_roster,
        employment::add_loan,
        employment::extend_loan,
        employment::set_loan_repayment,
        employment::loan_alerts,
        employment::employment_choices,
        employment::post_limit_alerts,
        employment::zero_clearing_alerts,
        employment::loan_list,
        employment::add_relief,
        employment::add_person_relief,
        employment::person_relief,
        reports::report_catalogue,
        reports::report_preview,
        reports::report_export,
        reports::import_template,
        reports::import_preview,
        reports::import_run,
        mediation::mediation_list,
        mediation::mediation_register,
        mediation::mediation_detail,
        mediation::mediation_step,
        mediation::mediation_alerts,
        mediation::mediators,
        mediation::add_mediator,
        mediation::prevention_list,
        mediation::add_prevention,
        mediation::mediation_committees,
        mediation::save_committee,
        mediation::keep_committee_here,
        print::mediation_print_detail,
        print::save_print_pdf,
        mediation_work::mediation_choices,
        mediation_work::mediator_roster,
        mediation_work::update_mediator,
        mediation_work::mediator_trainings,
        mediation_work::add_mediator_training,
        mediation_work::case_difficulty,
        mediation_work::set_case_difficulty,
        mediation_work::screening_list,
        mediation_work::add_screening,
        mediation_work::update_screening,
        mediation_work::screening_open_case,
        mediation_work::screening_link_case,
        mediation_work::mediation_document
    ]
}
