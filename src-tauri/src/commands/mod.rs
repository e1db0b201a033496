//! Tauri commands: each checks the session, calls one core function and maps
//! its error to `{code, message}`. No logic lives here.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use street_ledger::access::Actor;
use street_ledger::accounts::{self, Account, AccountChange, AuthError, NewAccount};
use street_ledger::audit::{self, Action, AuditEntry, AuditQuery};
use street_ledger::backup::{self, BackupInfo, RestoreInfo};
use street_ledger::elderly::care::{self, DueVisit, ServiceInput, VisitInput};
use street_ledger::elderly::roster::{self, RosterQuery, RosterRow};
use street_ledger::elderly::{self, ElderlyDetail, ElderlyInput, ElderlyLookup, StatusChange};
use street_ledger::employment::case::{
    self, CaseDetail, CaseInput, CaseQuery, CaseRow, DueFollowup, FollowupInput, Placement, TrainingInput,
};
use street_ledger::employment::household::{
    self, HouseholdInput, HouseholdRow, HouseholdView, MemberInput, MemberStatus,
};
use street_ledger::employment::loans::{self, LoanInput, LoanView, ReliefInput};
use street_ledger::employment::posts::{self, PostInput, PostView, SubsidyLine};
use street_ledger::export;
use street_ledger::office::{self, Community, Office};
use street_ledger::person::{self, Page, Revealed};
use street_ledger::store::Store;
use street_ledger::sync::review::{Conflict, PendingRecord};
use street_ledger::sync::trust::Refused;
use street_ledger::sync::{self, Applied, RunReport, SyncConfig};
use street_ledger::{dict, settings, Error, ErrorPayload};
use tauri::State;

use crate::session::{Session, SessionInfo};
use crate::AppState;

// 人民调解 commands, in a file of their own.
#[path = "mediation_commands.rs"]
mod mediation;

// 统计报表, 统计概览 and 导入, in a file of their own.
#[path = "report_commands.rs"]
mod reports;

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

fn start_session(
    state: &AppState,
    store: &mut Store,
    username: &str,
    password: &str,
) -> street_ledger::Result<SessionInfo> {
    let actor = accounts::login(store, username, password, chrono::Utc::now())?;
    let session = Session::new(actor, username.trim().to_string());
    let info = session.info(store);
    *state.session.lock().unwrap_or_else(|p| p.into_inner()) = Some(session);
    Ok(info)
}

#[derive(Serialize)]
pub struct AppStatus {
    office: Option<Office>,
    has_accounts: bool,
    session: Option<SessionInfo>,
    data_dir: String,
    backup_dir: Option<String>,
    version: &'static str,
}

#[tauri::command(async)]
fn app_status(state: State<AppState>) -> Reply<AppStatus> {
    with_store(&state, |s| {
        let session = state.session.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|x| x.info(s));
        Ok(AppStatus {
            office: office::get(s.conn())?,
            has_accounts: accounts::any(s.conn())?,
            session,
            data_dir: state.data_dir.display().to_string(),
            backup_dir: backup::backup_dir(s).ok().map(|d| d.display().to_string()),
            version: env!("CARGO_PKG_VERSION"),
        })
    })
}

#[tauri::command(async, rename_all = "snake_case")]
fn setup_office(
    state: State<AppState>,
    office_name: String,
    communities: Vec<String>,
    admin: NewAccount,
) -> Reply<SessionInfo> {
    with_store(&state, |s| {
        office::setup_with_admin(s, &office_name, &communities, &admin)?;
        start_session(&state, s, &admin.username, &admin.password)
    })
}

#[tauri::command(async)]
fn login(state: State<AppState>, username: String, password: String) -> Reply<SessionInfo> {
    with_store(&state, |s| start_session(&state, s, &username, &password))
}

#[tauri::command(async)]
fn unlock(state: State<AppState>, password: String) -> Reply<SessionInfo> {
    let username = state.session.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|s| s.username.clone());
    let username = username.ok_or_else(|| Error::Auth(AuthError::NotLoggedIn).payload())?;
    login(state, username, password)
}

#[tauri::command(async)]
fn lock(state: State<AppState>, manual: bool) -> Reply<()> {
    let why = if manual { "用户手动锁定" } else { "闲置超时自动锁定" };
    with_store(&state, |s| match state.session.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
        Some(session) => session.lock(s, why),
        None => Ok(()),
    })
}

#[tauri::command(async)]
fn logout(state: State<AppState>) -> Reply<()> {
    with_store(&state, |s| {
        if let Some(session) = state.session.lock().unwrap_or_else(|p| p.into_inner()).take() {
            audit::record(s, &session.actor.user, Action::Logout, &session.username, "")?;
        }
        Ok(())
    })
}

#[tauri::command(async, rename_all = "snake_case")]
fn change_password(state: State<AppState>, old_password: String, new_password: String) -> Reply<()> {
    let username = state.session.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|s| s.username.clone());
    with(&state, |s, a| {
        let username = username.unwrap_or_default();
        accounts::change_password(s, a, &username, &old_password, &new_password, chrono::Utc::now())
    })
}

#[tauri::command(async)]
fn dictionaries(state: State<AppState>) -> Reply<BTreeMap<String, Vec<String>>> {
    with(&state, |s, _| dict::all(s.conn()))
}

/// 字典管理: every dictionary with all its options, retired ones too.
#[tauri::command(async)]
fn dictionary_list(state: State<AppState>) -> Reply<Vec<dict::Dictionary>> {
    with(&state, |s, a| dict::dictionaries(s.conn(), a))
}

#[tauri::command(async)]
fn add_dictionary_entry(state: State<AppState>, dict: String, label: String) -> Reply<()> {
    with(&state, |s, a| dict::add_entry(s, a, &dict, &label))
}

/// 停用 / 启用 one option; records keep what they hold.
#[tauri::command(async)]
fn set_dictionary_entry_active(state: State<AppState>, id: String, active: bool) -> Reply<()> {
    with(&state, |s, a| dict::set_entry_active(s, a, &id, active))
}

#[tauri::command(async)]
fn roster_list(state: State<AppState>, query: RosterQuery) -> Reply<Page<RosterRow>> {
    with(&state, |s, a| roster::list(s.conn(), a, &query, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn lookup_id_number(state: State<AppState>, id_number: String) -> Reply<ElderlyLookup> {
    with(&state, |s, a| elderly::lookup(s.conn(), a, &id_number, today()))
}

#[tauri::command(async)]
fn register_elderly(state: State<AppState>, input: ElderlyInput) -> Reply<String> {
    with(&state, |s, a| elderly::register(s, a, &input, today()))
}

#[tauri::command(async)]
fn elderly_detail(state: State<AppState>, id: String) -> Reply<ElderlyDetail> {
    with(&state, |s, a| elderly::detail(s.conn(), a, &id, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn update_elderly(state: State<AppState>, id: String, row_version: i64, input: ElderlyInput) -> Reply<()> {
    with(&state, |s, a| elderly::update(s, a, &id, Some(row_version), &input, today()))
}

#[tauri::command(async)]
fn change_elderly_status(state: State<AppState>, id: String, change: StatusChange) -> Reply<()> {
    with(&state, |s, a| elderly::change_status(s, a, &id, &change, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn add_service(state: State<AppState>, elderly_id: String, input: ServiceInput) -> Reply<String> {
    with(&state, |s, a| care::add_service(s, a, &elderly_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn add_visit(state: State<AppState>, elderly_id: String, input: VisitInput) -> Reply<String> {
    with(&state, |s, a| care::add_visit(s, a, &elderly_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn due_visits(state: State<AppState>, community_id: Option<String>) -> Reply<Vec<DueVisit>> {
    with(&state, |s, a| care::due_visits(s.conn(), a, community_id.as_deref(), today()))
}

// 社区再就业: cases (就业援助对象), households and zero-employment
// households, public-welfare posts, start-up loans and hardship relief.

#[tauri::command(async)]
fn case_list(state: State<AppState>, query: CaseQuery) -> Reply<Page<CaseRow>> {
    with(&state, |s, a| case::list(s.conn(), a, &query, today()))
}

#[tauri::command(async)]
fn register_case(state: State<AppState>, input: CaseInput) -> Reply<String> {
    with(&state, |s, a| case::register(s, a, &input, today()))
}

#[tauri::command(async)]
fn case_detail(state: State<AppState>, id: String) -> Reply<CaseDetail> {
    with(&state, |s, a| case::detail(s.conn(), a, &id, today()))
}

#[tauri::command(async)]
fn update_case(state: State<AppState>, id: String, input: CaseInput) -> Reply<()> {
    with(&state, |s, a| case::update(s, a, &id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
fn add_training(state: State<AppState>, case_id: String, input: TrainingInput) -> Reply<String> {
    with(&state, |s, a| case::add_training(s, a, &case_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn add_followup(state: State<AppState>, case_id: String, input: FollowupInput) -> Reply<String> {
    with(&state, |s, a| case::add_followup(s, a, &case_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn place_case(state: State<AppState>, case_id: String, placement: Placement) -> Reply<()> {
    with(&state, |s, a| case::place(s, a, &case_id, &placement, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn close_case(state: State<AppState>, case_id: String, on: String, reason: String) -> Reply<()> {
    with(&state, |s, a| case::close(s, a, &case_id, &on, &reason, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn followups_due(state: State<AppState>, community_id: Option<String>) -> Reply<Vec<DueFollowup>> {
    with(&state, |s, a| case::followups_due(s.conn(), a, community_id.as_deref(), today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn household_list(state: State<AppState>, community_id: Option<String>) -> Reply<Vec<HouseholdRow>> {
    with(&state, |s, a| household::list(s.conn(), a, community_id.as_deref(), today()))
}

#[tauri::command(async)]
fn create_household(state: State<AppState>, input: HouseholdInput) -> Reply<String> {
    with(&state, |s, a| household::create(s, a, &input, today()))
}

#[tauri::command(async)]
fn household_detail(state: State<AppState>, id: String) -> Reply<HouseholdView> {
    with(&state, |s, a| household::detail(s.conn(), a, &id, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn add_household_member(state: State<AppState>, household_id: String, member: MemberInput) -> Reply<String> {
    with(&state, |s, a| household::add_member(s, a, &household_id, &member, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn set_member_status(state: State<AppState>, member_id: String, status: MemberStatus) -> Reply<()> {
    with(&state, |s, a| household::set_member_status(s, a, &member_id, &status, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn confirm_household(state: State<AppState>, household_id: String, on: String) -> Reply<String> {
    with(&state, |s, a| household::confirm(s, a, &household_id, &on, today()))
}

#[tauri::command(async)]
fn post_list(state: State<AppState>) -> Reply<Vec<PostView>> {
    with(&state, |s, a| posts::posts(s.conn(), a, today()))
}

#[tauri::command(async)]
fn add_post(state: State<AppState>, input: PostInput) -> Reply<String> {
    with(&state, |s, a| posts::add_post(s, a, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
fn place_in_post(state: State<AppState>, post_id: String, case_id: String, start_on: String) -> Reply<String> {
    with(&state, |s, a| posts::place_in_post(s, a, &post_id, &case_id, &start_on, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn end_post_placement(state: State<AppState>, placement_id: String, end_on: String) -> Reply<()> {
    with(&state, |s, a| posts::end_placement(s, a, &placement_id, &end_on, today()))
}

#[tauri::command(async)]
fn subsidy_roster(state: State<AppState>, year: i32, quarter: u32) -> Reply<Vec<SubsidyLine>> {
    with(&state, |s, a| posts::subsidy_roster(s.conn(), a, year, quarter))
}

#[tauri::command(async, rename_all = "snake_case")]
fn add_loan(state: State<AppState>, case_id: String, input: LoanInput) -> Reply<String> {
    with(&state, |s, a| loans::add_loan(s, a, &case_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn extend_loan(state: State<AppState>, loan_id: String, months: u32) -> Reply<()> {
    with(&state, |s, a| loans::extend(s, a, &loan_id, months))
}

#[tauri::command(async, rename_all = "snake_case")]
fn set_loan_repayment(state: State<AppState>, loan_id: String, status: String, on: Option<String>) -> Reply<()> {
    with(&state, |s, a| loans::set_repayment(s, a, &loan_id, &status, on.as_deref(), today()))
}

#[tauri::command(async)]
fn loan_alerts(state: State<AppState>) -> Reply<Vec<LoanView>> {
    with(&state, |s, a| loans::alerts(s.conn(), a, today()))
}

#[tauri::command(async)]
fn loan_list(state: State<AppState>) -> Reply<Vec<LoanView>> {
    with(&state, |s, a| loans::all(s.conn(), a, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn add_relief(state: State<AppState>, case_id: String, input: ReliefInput) -> Reply<String> {
    with(&state, |s, a| loans::add_relief(s, a, &case_id, &input, today()))
}

#[tauri::command(async, rename_all = "snake_case")]
fn reveal_person(state: State<AppState>, person_id: String) -> Reply<Revealed> {
    with(&state, |s, a| person::reveal(s, a, &person_id))
}

#[tauri::command(async)]
fn list_accounts(state: State<AppState>) -> Reply<Vec<Account>> {
    with(&state, |s, a| accounts::list(s.conn(), a))
}

#[tauri::command(async)]
fn create_account(state: State<AppState>, account: NewAccount) -> Reply<String> {
    with(&state, |s, a| accounts::create(s, a, &account))
}

#[tauri::command(async, rename_all = "snake_case")]
fn reset_password(state: State<AppState>, username: String, new_password: String) -> Reply<()> {
    with(&state, |s, a| accounts::reset_password(s, a, &username, &new_password))
}

#[derive(Serialize)]
pub struct AuditChoices {
    actions: Vec<audit::Choice>,
    users: Vec<String>,
}

#[tauri::command(async)]
fn audit_choices(state: State<AppState>) -> Reply<AuditChoices> {
    with(&state, |s, a| Ok(AuditChoices { actions: audit::action_choices(), users: audit::users(s.conn(), a)? }))
}

#[tauri::command(async)]
fn audit_query(state: State<AppState>, query: AuditQuery) -> Reply<Page<AuditEntry>> {
    with(&state, |s, a| audit::query(s.conn(), a, &query))
}

#[derive(Serialize)]
pub struct Exported {
    path: String,
    rows: usize,
}

/// Where to write (the core's rule: the path typed if it names a file,
/// else a new file in the folder typed or the export folder) and whether
/// the user confirmed replacing a file already there.
pub(crate) fn export_target(
    state: &AppState,
    typed: Option<&str>,
    what: &str,
    ext: &str,
    overwrite: Option<bool>,
) -> export::Target {
    export::Target::new(export::choose(&state.data_dir, typed, what, ext), overwrite.unwrap_or(false))
}

#[tauri::command(async)]
fn audit_export(state: State<AppState>, query: AuditQuery) -> Reply<Exported> {
    let target = export_target(&state, None, "操作日志", "xlsx", None);
    with(&state, |s, a| {
        let rows = audit::export_xlsx(s, a, &query, &target)?;
        Ok(Exported { path: target.path.display().to_string(), rows })
    })
}

#[derive(Serialize)]
pub struct Backups {
    dir: String,
    backups: Vec<BackupInfo>,
    /// Databases a restore set aside: restoring one undoes that restore.
    kept_aside: Vec<BackupInfo>,
}

#[tauri::command(async)]
fn backups(state: State<AppState>) -> Reply<Backups> {
    with(&state, |s, _| {
        let dir = backup::backup_dir(s)?;
        Ok(Backups {
            dir: dir.display().to_string(),
            backups: backup::list(&dir)?,
            kept_aside: backup::kept_aside(&state.data_dir)?,
        })
    })
}

#[tauri::command(async)]
fn backup_now(state: State<AppState>) -> Reply<BackupInfo> {
    let made = backup_without_store(&state, "手动备份", || {
        with(&state, |s, a| Ok(Some((backup::plan(s, a)?, a.clone()))))
    });
    Ok(made?.expect("a manual backup is always planned"))
}

/// Restores a backup (or a database a restore set aside) named from the
/// lists above; the store is closed for it and everyone must log in again.
#[tauri::command(async, rename_all = "snake_case")]
fn restore_backup(state: State<AppState>, file_name: String) -> Reply<RestoreInfo> {
    let (actor, file) =
        with(&state, |s, a| Ok((a.clone(), backup::find_restorable(s, a, &state.data_dir, &file_name)?)))?;
    reopen_around(&state, |dir| backup::restore(dir, &file, &actor))
}

/// At start, when the database is damaged: restore the newest good backup.
/// No one can log in to a damaged database, so the OS user acts.
#[tauri::command(async)]
fn restore_newest_good(state: State<AppState>) -> Reply<RestoreInfo> {
    // Only for a database that failed its start-up check; a sound one is
    // restored by an administrator from the backups page.
    let damaged = matches!(&*state.store.lock().unwrap_or_else(|p| p.into_inner()), Err(e) if e.code == "backup.database_damaged");
    if !damaged {
        let refused = street_ledger::access::AccessError::Denied("数据库完好时，只有管理员可以在“备份与恢复”页面恢复");
        return Err(Error::from(refused).payload());
    }
    let newest = backup::newest_good(&backup::backup_dir_for(&state.data_dir));
    let newest = newest.ok_or_else(|| Error::NotFound { what: "完好的备份" }.payload())?;
    reopen_around(&state, |dir| backup::restore(dir, &newest.path, &Actor::system()))
}

/// Closes the store, runs `f` on the data folder, opens the store again and
/// ends the session (the restored accounts may differ).
/// One backup, when `plan` (run under the store) gives one: made without
/// the store, since copying and checking a whole street's database takes
/// seconds and every command waits on the store; then audited in the
/// database it copied, unless a restore or the demo has replaced it since.
pub(crate) fn backup_without_store(
    state: &AppState,
    reason: &str,
    plan: impl FnOnce() -> Reply<Option<(backup::Planned, Actor)>>,
) -> Reply<Option<BackupInfo>> {
    let _one_at_a_time = state.backing_up.lock().unwrap_or_else(|p| p.into_inner());
    let Some((planned, actor)) = plan()? else { return Ok(None) };
    let info = planned.make().map_err(ErrorPayload::from)?;
    with_store(state, |s| {
        if s.path() == planned.db() {
            backup::record(s, &actor, &info, reason)?;
        }
        Ok(())
    })?;
    Ok(Some(info))
}

fn reopen_around<T>(state: &AppState, f: impl FnOnce(&std::path::Path) -> street_ledger::Result<T>) -> Reply<T> {
    // Not while a backup is being made of the database about to be replaced.
    let _no_backup = state.backing_up.lock().unwrap_or_else(|p| p.into_inner());
    let mut guard = state.store.lock().unwrap_or_else(|p| p.into_inner());
    *guard = Err(ErrorPayload {
        code: "store.closed".into(), message: "数据库正在恢复，请稍候".into(), field: None
    });
    let out = f(&state.data_dir).map_err(ErrorPayload::from);
    *guard = crate::open(&state.data_dir);
    *state.session.lock().unwrap_or_else(|p| p.into_inner()) = None;
    out
}

#[derive(Serialize)]
pub struct SyncView {
    #[serde(flatten)]
    config: SyncConfig,
    last_auto: Option<crate::AutoSync>,
}

#[tauri::command(async)]
fn sync_config(state: State<AppState>) -> Reply<SyncView> {
    let last_auto = state.last_auto_sync.lock().unwrap_or_else(|p| p.into_inner()).clone();
    with(&state, |s, _| Ok(SyncView { config: sync::config(s.conn())?, last_auto }))
}

/// This PC's name, the sync folder and the office key (administrators; the
/// core checks each). `None` or an empty key leaves that one as it is; the
/// folder comes before the key, which is checked against its packages.
#[tauri::command(async, rename_all = "snake_case")]
fn set_sync_settings(
    state: State<AppState>,
    pc_name: Option<String>,
    folder: Option<String>,
    key: Option<String>,
) -> Reply<SyncConfig> {
    with(&state, |s, a| {
        pc_name.map_or(Ok(()), |n| sync::set_pc_name(s, a, &n))?;
        folder.map_or(Ok(()), |f| sync::set_folder(s, a, &f))?;
        key.filter(|k| !k.is_empty()).map_or(Ok(()), |k| sync::set_key(s, a, &k))?;
        sync::config(s.conn())
    })
}

/// Async, so the window stays responsive while the folder is read and written.
#[tauri::command]
async fn sync_now(state: State<'_, AppState>) -> Reply<RunReport> {
    let folder = with(&state, |s, _| Ok(sync::config(s.conn())?.folder))?;
    crate::folder_reachable(folder.as_deref())?;
    with(&state, |s, a| sync::run(s, a, "手动"))
}

#[tauri::command(async)]
fn sync_history(state: State<AppState>) -> Reply<Vec<RunReport>> {
    with(&state, |s, _| sync::history(s.conn(), 50))
}

#[tauri::command(async)]
fn sync_conflicts(state: State<AppState>) -> Reply<Vec<Conflict>> {
    with(&state, |s, a| sync::review::conflicts(s.conn(), a))
}

#[tauri::command(async, rename_all = "snake_case")]
fn resolve_conflict(
    state: State<AppState>,
    record_id: String,
    field: String,
    hlc: String,
    installation_id: String,
) -> Reply<()> {
    with(&state, |s, a| sync::review::resolve(s, a, &record_id, &field, &hlc, &installation_id))
}

#[tauri::command(async)]
fn sync_pending(state: State<AppState>) -> Reply<Vec<PendingRecord>> {
    with(&state, |s, _| sync::review::pending(s.conn()))
}

#[tauri::command(async)]
fn sync_refused(state: State<AppState>) -> Reply<Vec<Refused>> {
    with(&state, |s, a| sync::trust::refused(s.conn(), a))
}

#[derive(Serialize)]
pub struct Snapshot {
    path: String,
    bytes: usize,
}

/// A snapshot of the whole office, sealed with the office key, for a new PC
/// to join by (administrators): to `path` (a file, or a folder to put it
/// in), else to the export folder.
#[tauri::command]
async fn make_snapshot(state: State<'_, AppState>, path: Option<String>, overwrite: Option<bool>) -> Reply<Snapshot> {
    let target = export_target(&state, path.as_deref(), "街道民生台账快照", sync::EXTENSION, overwrite);
    with(&state, |s, a| {
        let bytes = sync::snapshot(s, a, &target, &sync::stored_key(s.conn())?)?;
        Ok(Snapshot { path: target.path.display().to_string(), bytes })
    })
}

/// First start on a new PC of an existing office: take in a snapshot made on
/// another PC; its accounts log in here afterwards. No session, like setup.
#[tauri::command(rename_all = "snake_case")]
async fn join_office(
    state: State<'_, AppState>,
    path: String,
    passphrase: String,
    pc_name: Option<String>,
) -> Reply<Applied> {
    with_store(&state, |s| {
        if office::get(s.conn())?.is_some() {
            return Err(Error::AlreadyConfigured);
        }
        if path.trim().is_empty() {
            return Err(street_ledger::validate::invalid("path", "请填写快照文件的位置").into());
        }
        let applied = sync::join(s, std::path::Path::new(path.trim()), &passphrase)?;
        pc_name.filter(|n| !n.trim().is_empty()).map_or(Ok(()), |n| sync::set_pc_name(s, &Actor::system(), &n))?;
        Ok(applied)
    })
}

#[tauri::command(async)]
fn settings(state: State<AppState>) -> Reply<Vec<settings::SettingView>> {
    with(&state, |s, a| settings::list(s.conn(), a))
}

#[tauri::command(async)]
fn set_setting(state: State<AppState>, key: String, value: String) -> Reply<()> {
    with(&state, |s, a| settings::set(s, a, &key, &value))
}

#[tauri::command(async)]
fn update_account(state: State<AppState>, username: String, change: AccountChange) -> Reply<()> {
    with(&state, |s, a| accounts::update(s, a, &username, &change))
}

#[tauri::command(async)]
fn add_community(state: State<AppState>, name: String) -> Reply<Community> {
    with(&state, |s, a| office::add_community(s, a, &name))
}

/// Every command the UI can call, in one list, whichever file it lives in:
/// a command missing here answers "not found". main.rs puts the demo's
/// refusals (`firstrun_commands::refuse_on_demo`) in front of it.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        crate::probe::ui_ready,
        crate::firstrun_commands::demo_status,
        crate::firstrun_commands::enter_demo,
        crate::firstrun_commands::leave_demo,
        crate::firstrun_commands::first_sync_settings,
        app_status,
        setup_office,
        login,
        unlock,
        lock,
        logout,
        change_password,
        dictionaries,
        dictionary_list,
        add_dictionary_entry,
        set_dictionary_entry_active,
        roster_list,
        lookup_id_number,
        register_elderly,
        elderly_detail,
        update_elderly,
        change_elderly_status,
        add_service,
        add_visit,
        due_visits,
        reveal_person,
        list_accounts,
        create_account,
        reset_password,
        add_community,
        backups,
        backup_now,
        restore_backup,
        restore_newest_good,
        audit_choices,
        audit_query,
        audit_export,
        settings,
        set_setting,
        update_account,
        sync_config,
        set_sync_settings,
        sync_now,
        sync_history,
        sync_conflicts,
        resolve_conflict,
        sync_pending,
        sync_refused,
        make_snapshot,
        join_office,
        case_list,
        register_case,
        case_detail,
        update_case,
        add_training,
        add_followup,
        place_case,
        close_case,
        followups_due,
        household_list,
        create_household,
        household_detail,
        add_household_member,
        set_member_status,
        confirm_household,
        post_list,
        add_post,
        place_in_post,
        end_post_placement,
        subsidy_roster,
        add_loan,
        extend_loan,
        set_loan_repayment,
        loan_alerts,
        loan_list,
        add_relief,
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
        crate::print_commands::mediation_print_detail,
        crate::print_commands::save_print_pdf
    ]
}
