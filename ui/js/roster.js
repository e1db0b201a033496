// The roster list (老年人花名册): search as you type, filters, pages.
import { api } from './api.js';
import { errorBox, h, mount, options, pager } from './dom.js';

const PAGE_SIZE = 50;
// Kept across visits, so that coming back from a person finds the same list.
const state = { text: '', community_id: '', kind: '', status: '在册', page: 1 };

export async function rosterPage(ctx) {
  const search = h('input#roster-search', { type: 'search', value: state.text, placeholder: '姓名、拼音首字母（如 zs）、身份证号后4-6位或电话', autofocus: true });
  // A community worker sees only their own community (the core enforces it).
  const own = ctx.session.community_id;
  const community = own
    ? h('select#roster-community', { disabled: true }, options(ctx.office.communities.filter((c) => c.id === own).map((c) => [c.id, c.name]), own))
    : h('select#roster-community', {}, options(ctx.office.communities.map((c) => [c.id, c.name]), state.community_id, '全部社区'));
  const kinds = [...(ctx.dicts.elderly_kind || []), '三无', '企业退休'];
  const kind = h('select#roster-kind', {}, options(kinds, state.kind, '全部类别'));
  const status = h('select#roster-status', {}, options([...(ctx.dicts.roster_status || []), '全部'], state.status));
  const body = h('tbody');
  const message = h('div');

  let seq = 0;
  const load = async () => {
    const mine = ++seq;
    try {
      const res = await api.roster({ ...state, community_id: state.community_id || null, kind: state.kind || null, page_size: PAGE_SIZE });
      if (mine !== seq) return; // a newer keystroke's answer wins
      message.replaceChildren();
      pages.show(res);
    } catch (e) {
      message.replaceChildren(errorBox(e));
    }
  };
  const pages = pager(state, load, { unit: '人', empty: '没有符合条件的老人', columns: 9, row, body });
  pages.total.id = 'roster-total';
  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.text = search.value; state.page = 1; load(); }, 150);
  });
  for (const [el, key] of [[community, 'community_id'], [kind, 'kind'], [status, 'status']]) {
    el.addEventListener('change', () => { state[key] = el.value; state.page = 1; load(); });
  }

  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '老年人花名册'), pages.total,
      h('a.button.primary#roster-new', { href: '#/roster/new' }, '+ 登记老人')),
    h('div.toolbar', {}, search, community, kind, status),
    message,
    h('div.table-wrap', {}, h('table.list#roster-table', {},
      h('thead', {}, h('tr', {}, ['姓名', '性别', '年龄', '身份证号', '联系电话', '社区', '类别', '探访等级', '状态'].map((t) => h('th', {}, t)))),
      body)),
    pages.el));
  await load();
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
