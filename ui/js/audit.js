// The audit trail (操作日志): who changed what, when, on which PC, and the
// other events (logins, exports, unmasking, backups). Administrators only;
// nothing here can change an entry.
import { api } from './api.js';
import { h, onPress, options, toast } from './dom.js';
import { PAGE_SIZE, listPage } from './list.js';

const state = { user: '', action: '', from: '', to: '', record_id: '', page: 1 };

export async function auditPage() {
  const choices = await api.auditChoices();
  const user = h('select#audit-user', {}, options(choices.users, state.user, '全部用户'));
  const action = h('select#audit-action', {}, options(choices.actions.map((c) => [c.code, c.label]), state.action, '全部操作'));
  const from = h('input#audit-from', { type: 'date', value: state.from, title: '起始日期' });
  const to = h('input#audit-to', { type: 'date', value: state.to, title: '截止日期' });
  const record = h('input#audit-record', { value: state.record_id, placeholder: '记录编号' });
  const message = h('div');
  // The export takes the same query as the page on screen.
  const query = () => ({
    user: state.user || null, action: state.action || null, from: state.from || null, to: state.to || null,
    record_id: state.record_id || null, page: state.page, page_size: PAGE_SIZE,
  });
  const exportButton = onPress(h('button#audit-export', { type: 'button' }, '导出 Excel'), async () => {
    const r = await api.auditExport(query());
    toast(`已导出 ${r.rows} 行`);
    message.replaceChildren(h('p.notice', {}, `已导出 ${r.rows} 行到：${r.path}`));
  }, message);
  await listPage({
    state,
    fetch: () => api.auditQuery(query()),
    filters: { user, action, from, to, record_id: record },
    title: '操作日志',
    action: exportButton,
    toolbar: h('div.toolbar', {}, user, action, from, h('span.muted', {}, '至'), to, record),
    table: ['.audit#audit-table', [
      ['时间', (e) => e.at, 'mono'],
      ['电脑', (e) => e.pc_name || e.installation_id.slice(0, 8)],
      ['用户', (e) => e.user],
      ['操作', (e) => e.action_label],
      ['对象', (e) => e.table_label || e.target],
      ['变更内容', changes, 'changes'],
      ['说明', (e) => e.detail],
    ], { empty: '没有符合条件的记录' }],
    unit: '条',
    message,
  });
}

/** An insert lists every field; the empty ones say nothing. */
function changes(e) {
  return e.changes.filter((c) => c.old != null || c.new != null).map((c) => h('div.change', {},
    h('b', {}, c.field_label || c.field), '：', c.old ?? '（空）', ' → ', c.new ?? '（空）'));
}
