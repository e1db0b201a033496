// Calls into the desktop core. Every failure arrives as {code, message[, field]}
// with a Chinese message that says what to do.
// When the session is gone (idle lock, logout elsewhere) the shell shows the
// lock or login screen; app.js sets this.
let onSessionLost = () => {};
export function whenSessionLost(f) { onSessionLost = f; }

// Calls reach the core one at a time, in the order they were made. Commands
// run off the window's thread (a long import or backup never freezes the
// window), and without this queue two pages' answers could come back crossed:
// the page asked for last must be the page shown. A call that has not
// answered after QUEUE_PATIENCE_MS no longer holds the ones behind it (they
// then wait for the core's store in the shell, as any call does).
let queue = Promise.resolve();
const QUEUE_PATIENCE_MS = 30000;

// Not exported: every call goes through a binding of `api` below, one per
// command of the shell's `commands::handler` (a test holds the two lists
// equal).
const invoke = (cmd, args) => {
  if (!window.__TAURI__) {
    return Promise.reject({ code: 'no_backend', message: '未连接到程序后台，请从桌面程序中打开本页面' });
  }
  const call = queue.then(() => window.__TAURI__.core.invoke(cmd, args));
  queue = Promise.race([call.catch(() => {}), new Promise((r) => { setTimeout(r, QUEUE_PATIENCE_MS); })]);
  return call.catch((e) => {
    const err = typeof e === 'object' && e && e.message ? e : { code: 'unknown', message: String(e) };
    if (err.code === 'auth.idle_locked' || err.code === 'auth.not_logged_in') onSessionLost(err);
    throw err;
  });
};

export const api = {
  status: () => invoke('app_status'),
  setup: (office_name, communities, admin) => invoke('setup_office', { office_name, communities, admin }),
  login: (username, password) => invoke('login', { username, password }),
  unlock: (password) => invoke('unlock', { password }),
  lock: (manual = false) => invoke('lock', { manual }),
  logout: () => invoke('logout'),
  changePassword: (old_password, new_password) => invoke('change_password', { old_password, new_password }),
  reveal: (person_id) => invoke('reveal_person', { person_id }),
  accounts: () => invoke('list_accounts'),
  createAccount: (account) => invoke('create_account', { account }),
  resetPassword: (username, new_password) => invoke('reset_password', { username, new_password }),
  updateAccount: (username, change) => invoke('update_account', { username, change }),
  addCommunity: (name) => invoke('add_community', { name }),
  backups: () => invoke('backups'),
  backupNow: () => invoke('backup_now'),
  restoreBackup: (file_name) => invoke('restore_backup', { file_name }),
  restoreNewestGood: () => invoke('restore_newest_good'),
  settings: () => invoke('settings'),
  setSetting: (key, value) => invoke('set_setting', { key, value }),
  auditChoices: () => invoke('audit_choices'),
  auditQuery: (query) => invoke('audit_query', { query }),
  auditExport: (query) => invoke('audit_export', { query }),
  dictionaries: () => invoke('dictionaries'),
  dictionaryList: () => invoke('dictionary_list'),
  addDictionaryEntry: (dict, label) => invoke('add_dictionary_entry', { dict, label }),
  setDictionaryEntryActive: (id, active) => invoke('set_dictionary_entry_active', { id, active }),
  roster: (query) => invoke('roster_list', { query }),
  lookupId: (id_number) => invoke('lookup_id_number', { id_number }),
  register: (input) => invoke('register_elderly', { input }),
  detail: (id) => invoke('elderly_detail', { id }),
  update: (id, row_version, input) => invoke('update_elderly', { id, row_version, input }),
  changeStatus: (id, change) => invoke('change_elderly_status', { id, change }),
  addService: (elderly_id, input) => invoke('add_service', { elderly_id, input }),
  addVisit: (elderly_id, input) => invoke('add_visit', { elderly_id, input }),
  addCall: (elderly_id, input) => invoke('add_call', { elderly_id, input }),
  addAssistance: (elderly_id, input) => invoke('add_assistance', { elderly_id, input }),
  updateAssistance: (id, row_version, input) => invoke('update_assistance', { id, row_version, input }),
  setAssistanceStatus: (id, row_version, action) => invoke('set_assistance_status', { id, row_version, action }),
  addCondolence: (elderly_id, input) => invoke('add_condolence', { elderly_id, input }),
  dueVisits: (community_id) => invoke('due_visits', { community_id }),
  allowance: (elderly_id) => invoke('allowance_of_elderly', { elderly_id }),
  applyAllowance: (elderly_id, input) => invoke('apply_allowance', { elderly_id, input }),
  recordAllowance: (id, input) => invoke('record_allowance_event', { id, input }),
  allowanceChecksDue: (community_id) => invoke('allowance_checks_due', { community_id }),
  careProviders: (community_id) => invoke('care_providers', { community_id }),
  addCareProvider: (input) => invoke('add_care_provider', { input }),
  updateCareProvider: (id, row_version, input) => invoke('update_care_provider', { id, row_version, input }),
  care: (elderly_id) => invoke('care_of_elderly', { elderly_id }),
  addCareEntitlement: (elderly_id, input) => invoke('add_care_entitlement', { elderly_id, input }),
  stopCareEntitlement: (id, stop_month) => invoke('stop_care_entitlement', { id, stop_month }),
  syncConfig: () => invoke('sync_config'),
  setSyncSettings: (pc_name, folder, key) => invoke('set_sync_settings', { pc_name, folder, key }),
  syncNow: () => invoke('sync_now'),
  syncHistory: () => invoke('sync_history'),
  syncConflicts: () => invoke('sync_conflicts'),
  resolveConflict: (record_id, field, hlc, installation_id) => invoke('resolve_conflict', { record_id, field, hlc, installation_id }),
  syncPending: () => invoke('sync_pending'),
  syncRefused: () => invoke('sync_refused'),
  makeSnapshot: (path, overwrite = false) => invoke('make_snapshot', { path, overwrite }),
  joinOffice: (path, passphrase, pc_name) => invoke('join_office', { path, passphrase, pc_name }),
  // 社区再就业
  cases: (query) => invoke('case_list', { query }),
  registerCase: (input) => invoke('register_case', { input }),
  caseDetail: (id) => invoke('case_detail', { id }),
  updateCase: (id, input) => invoke('update_case', { id, input }),
  addTraining: (case_id, input) => invoke('add_training', { case_id, input }),
  addFollowup: (case_id, input) => invoke('add_followup', { case_id, input }),
  placeCase: (case_id, placement) => invoke('place_case', { case_id, placement }),
  closeCase: (case_id, on, reason) => invoke('close_case', { case_id, on, reason }),
  followupsDue: (community_id) => invoke('followups_due', { community_id }),
  households: (community_id) => invoke('household_list', { community_id }),
  createHousehold: (input) => invoke('create_household', { input }),
  household: (id) => invoke('household_detail', { id }),
  addMember: (household_id, member) => invoke('add_household_member', { household_id, member }),
  setMemberStatus: (member_id, status) => invoke('set_member_status', { member_id, status }),
  confirmHousehold: (household_id, on) => invoke('confirm_household', { household_id, on }),
  posts: () => invoke('post_list'),
  addPost: (input) => invoke('add_post', { input }),
  placeInPost: (post_id, case_id, start_on) => invoke('place_in_post', { post_id, case_id, start_on }),
  endPlacement: (placement_id, end_on) => invoke('end_post_placement', { placement_id, end_on }),
  subsidyRoster: (year, quarter) => invoke('subsidy_roster', { year, quarter }),
  addLoan: (case_id, input) => invoke('add_loan', { case_id, input }),
  extendLoan: (loan_id, months) => invoke('extend_loan', { loan_id, months }),
  setRepayment: (loan_id, status, on) => invoke('set_loan_repayment', { loan_id, status, on }),
  loanAlerts: () => invoke('loan_alerts'),
  employmentChoices: () => invoke('employment_choices'),
  postLimitAlerts: () => invoke('post_limit_alerts'),
  zeroClearingAlerts: () => invoke('zero_clearing_alerts'),
  loans: () => invoke('loan_list'),
  addRelief: (case_id, input) => invoke('add_relief', { case_id, input }),
  addPersonRelief: (person_id, input) => invoke('add_person_relief', { person_id, input }),
  personRelief: (person_id) => invoke('person_relief', { person_id }),
  // 人民调解
  mediationList: (query) => invoke('mediation_list', { query }),
  mediationRegister: (input) => invoke('mediation_register', { input }),
  mediationDetail: (id) => invoke('mediation_detail', { id }),
  mediationStep: (case_id, input) => invoke('mediation_step', { case_id, input }),
  mediationAlerts: () => invoke('mediation_alerts'),
  mediationCommittees: () => invoke('mediation_committees'),
  saveCommittee: (input) => invoke('save_committee', { input }),
  keepCommitteeHere: (committee_id, confirmed) => invoke('keep_committee_here', { committee_id, confirmed }),
  mediators: () => invoke('mediators'),
  addMediator: (input) => invoke('add_mediator', { input }),
  prevention: (from, to) => invoke('prevention_list', { from, to }),
  addPrevention: (input) => invoke('add_prevention', { input }),
  mediationPrintDetail: (id) => invoke('mediation_print_detail', { id }),
  savePrintPdf: (name) => invoke('save_print_pdf', { name }),
  mediationChoices: () => invoke('mediation_choices'),
  mediatorRoster: () => invoke('mediator_roster'),
  updateMediator: (id, input) => invoke('update_mediator', { id, input }),
  mediatorTrainings: (mediator_id = null) => invoke('mediator_trainings', { mediator_id }),
  addMediatorTraining: (input) => invoke('add_mediator_training', { input }),
  caseDifficulty: (id) => invoke('case_difficulty', { id }),
  setCaseDifficulty: (id, difficulty) => invoke('set_case_difficulty', { id, difficulty }),
  screeningList: (from, to, community_id = null) => invoke('screening_list', { from, to, community_id }),
  addScreening: (input) => invoke('add_screening', { input }),
  updateScreening: (id, input) => invoke('update_screening', { id, input }),
  screeningOpenCase: (id, input) => invoke('screening_open_case', { id, input }),
  screeningLinkCase: (id, case_id) => invoke('screening_link_case', { id, case_id }),
  mediationDocument: (id, kind) => invoke('mediation_document', { id, kind }),
  // 统计报表, 统计概览 and 导入
  reportCatalogue: () => invoke('report_catalogue'),
  reportPreview: (request) => invoke('report_preview', { request }),
  reportExport: (request, path, overwrite = false) => invoke('report_export', { request, path, overwrite }),
  importTemplate: (register) => invoke('import_template', { register }),
  importPreview: (register, path, options) => invoke('import_preview', { register, path, options }),
  importRun: (register, path, options) => invoke('import_run', { register, path, options }),
  // First start: the demo and the sync step; the start-up probe
  demoStatus: () => invoke('demo_status'),
  enterDemo: () => invoke('enter_demo'),
  leaveDemo: () => invoke('leave_demo'),
  firstSyncSettings: (folder, key, key_again) => invoke('first_sync_settings', { folder, key, key_again }),
  uiReady: () => invoke('ui_ready'),
};

/** The system's own file dialog: `how.save` for a save dialog, else an open
 *  one (`how.directory` for a folder). The chosen path, or null when the
 *  user cancels or there is no dialog (a plain browser). */
export async function chooseFile(current, how = {}) {
  const dialog = window.__TAURI__?.dialog;
  if (!dialog) return null;
  const filters = (how.filters || []).map(([name, extensions]) => ({ name, extensions }));
  const options = { title: how.title, filters, defaultPath: current || how.defaultPath || undefined };
  try {
    return await (how.save ? dialog.save(options) : dialog.open({ ...options, directory: Boolean(how.directory), multiple: false }));
  } catch {
    return null;
  }
}

/** Calls `f(payload)` for every event of that name the desktop core sends. */
export function onEvent(name, f) {
  window.__TAURI__?.event?.listen(name, (ev) => f(ev.payload));
}
