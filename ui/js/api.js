// Calls into the desktop core. Every failure arrives as {code, message[, field]}
// with a Chinese message that says what to do.
const invoke = (cmd, args) => {
  if (!window.__TAURI__) {
    return Promise.reject({ code: 'no_backend', message: '未连接到程序后台，请从桌面程序中打开本页面' });
  }
  return window.__TAURI__.core.invoke(cmd, args).catch((e) => {
    throw typeof e === 'object' && e && e.message ? e : { code: 'unknown', message: String(e) };
  });
};

export const api = {
  status: () => invoke('app_status'),
  setup: (office_name, communities) => invoke('setup_office', { office_name, communities }),
  dictionaries: () => invoke('dictionaries'),
  roster: (query) => invoke('roster_list', { query }),
  lookupId: (id_number) => invoke('lookup_id_number', { id_number }),
  register: (input) => invoke('register_elderly', { input }),
  detail: (id) => invoke('elderly_detail', { id }),
  update: (id, row_version, input) => invoke('update_elderly', { id, row_version, input }),
  changeStatus: (id, change) => invoke('change_elderly_status', { id, change }),
  addService: (elderly_id, input) => invoke('add_service', { elderly_id, input }),
  addVisit: (elderly_id, input) => invoke('add_visit', { elderly_id, input }),
  dueVisits: (community_id) => invoke('due_visits', { community_id }),
};
