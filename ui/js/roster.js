// The roster list (老年人花名册): search as you type, filters, pages.
import { api } from './api.js';
import { h, options } from './dom.js';
import { communityFilter, listPage } from './list.js';

// Kept across visits, so that coming back from a person finds the same list.
const state = { text: '', community_id: '', kind: '', status: '在册', page: 1 };

export async function rosterPage(ctx) {
  const search = h('input#roster-search', { type: 'search', value: state.text, placeholder: '姓名、拼音首字母（如 zs）、身份证号后4-6位或电话', autofocus: true });
  // A community worker sees only their own community (the core enforces it).
  const community = communityFilter(ctx, 'roster-community', state.community_id);
  const kinds = [...(ctx.dicts.elderly_kind || []), '三无', '企业退休'];
  const kind = h('select#roster-kind', {}, options(kinds, state.kind, '全部类别'));
  const status = h('select#roster-status', {}, options([...(ctx.dicts.roster_status || []), '全部'], state.status));
  await listPage({
    state,
    fetch: (paging) => api.roster({ ...state, community_id: state.community_id || null, kind: state.kind || null, ...paging }),
    search: ['text', search],
    filters: { community_id: community, kind, status },
    title: '老年人花名册',
    totalId: 'roster-total',
    action: h('a.button.primary#roster-new', { href: '#/roster/new' }, '+ 登记老人'),
    toolbar: h('div.toolbar', {}, search, community, kind, status),
    table: 'table.list#roster-table',
    heads: ['姓名', '性别', '年龄', '身份证号', '联系电话', '社区', '类别', '探访等级', '状态'],
    unit: '人',
    empty: '没有符合条件的老人',
    row,
  });
}

function row(r) {
  return h('tr', { dataset: { id: r.id }, onclick: () => { location.hash = `#/elderly/${r.id}`; } },
    h('td.name', {}, r.name),
    h('td', {}, r.sex || ''),
    h('td.num', {}, r.age ?? ''),
    h('td.mono', {}, r.id_number_masked || ''),
    h('td.mono', {}, r.phone_masked || ''),
    h('td', {}, r.community_name || ''),
    h('td', {}, [...r.kinds, r.sanwu ? '三无' : null].filter(Boolean).map((k) => h('span.tag', {}, k))),
    h('td', {}, h(`span.level.level-${r.visit_level}`, {}, r.visit_level)),
    h('td', {}, h(`span.status.status-${r.status}`, {}, r.status)));
}
