// Visits due (待探访): who should be visited by now, most overdue first.
import { api } from './api.js';
import { h, mount, options } from './dom.js';

export async function duePage(ctx) {
  const community = h('select#due-community', {}, options(ctx.office.communities.map((c) => [c.id, c.name]), '', '全部社区'));
  const body = h('tbody');
  const count = h('span.muted#due-total');
  const load = async () => {
    const rows = await api.dueVisits(community.value || null);
    count.textContent = `共 ${rows.length} 人待探访`;
    body.replaceChildren(...rows.map((r) => h('tr', { dataset: { id: r.elderly_id }, onclick: () => { location.hash = `#/elderly/${r.elderly_id}`; } },
      h('td', {}, r.name), h('td', {}, r.community_name || ''), h('td', {}, h(`span.level.level-${r.visit_level}`, {}, r.visit_level)),
      h('td', {}, r.last_visit || '从未探访'), h('td', {}, r.due_on), h('td.num', {}, r.days_overdue))));
  };
  community.addEventListener('change', load);
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '待探访'), count),
    h('p.muted', {}, '按探访等级计算：高风险每周、重点每月、一般每季度（可在设置中调整）。'),
    h('div.toolbar', {}, community),
    h('div.table-wrap', {}, h('table.list#due-table', {},
      h('thead', {}, h('tr', {}, ['姓名', '社区', '等级', '上次探访', '应探访日期', '逾期天数'].map((t) => h('th', {}, t)))),
      body))));
  await load();
}
