// The roster list (老年人花名册): search as you type, filters, pages.
import { api } from './api.js';
import { communitySelect, h, options } from './dom.js';
import { listPage } from './list.js';
import { kindTag } from './person.js';

// Kept across visits, so that coming back from a person finds the same list.
const state = { text: '', community_id: '', kind: '', status: '在册', page: 1 };

export async function rosterPage(ctx) {
  const search = h('input#roster-search', { type: 'search', value: state.text, placeholder: '姓名、拼音首字母（如 zs）、身份证号后4-6位或电话', autofocus: true });
  // A community worker sees only their own community (the core enforces it).
  const community = communitySelect(ctx, { id: 'roster-community', selected: state.community_id, blank: '全部社区' });
  // 无记录勾选: 困难 or 残疾 ticked with no assistance record in force (the core's filter).
  const kinds = [...(ctx.dicts.elderly_kind || []), '三无', '企业退休', '无记录勾选'];
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
    table: ['#roster-table', [
      ['姓名', (r) => r.name, 'name'],
      ['性别', (r) => r.sex],
      ['年龄', (r) => r.age, 'num'],
      ['身份证号', (r) => r.id_number_masked, 'mono'],
      ['联系电话', (r) => r.phone_masked, 'mono'],
      ['社区', (r) => r.community_name],
      ['类别', (r) => [...r.kinds.map((k) => kindTag(k, r.unbacked_kinds)), r.sanwu ? h('span.tag', {}, '三无') : null]],
      ['探访等级', (r) => h(`span.level.level-${r.visit_level}`, {}, r.visit_level)],
      ['状态', (r) => h(`span.status.status-${r.status}`, {}, r.status)],
    ], { empty: '没有符合条件的老人', data: (r) => ({ id: r.id }), open: (r) => `#/elderly/${r.id}` }],
    unit: '人',
  });
}
