// Visits due (待探访): who should be visited by now, most overdue first.
import { api } from './api.js';
import { communitySelect, h, mount, table } from './dom.js';

export async function duePage(ctx) {
  // A community worker sees only their own community (the core enforces it).
  const community = communitySelect(ctx, { id: 'due-community', blank: '全部社区' });
  const count = h('span.muted#due-total');
  const list = table('#due-table', [
    ['姓名', (r) => r.name],
    ['社区', (r) => r.community_name],
    ['等级', (r) => h(`span.level.level-${r.visit_level}`, {}, r.visit_level)],
    ['上次探访', (r) => r.last_visit || '从未探访'],
    ['应探访日期', (r) => r.due_on],
    ['逾期天数', (r) => r.days_overdue, 'num'],
  ], { empty: null, data: (r) => ({ id: r.elderly_id }), open: (r) => `#/elderly/${r.elderly_id}` });
  const load = async () => {
    const rows = await api.dueVisits(community.value || null);
    count.textContent = `共 ${rows.length} 人待探访`;
    list.fill(rows);
  };
  community.addEventListener('change', load);
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '待探访'), count),
    h('p.muted', {}, '按探访等级计算：高风险每周、重点每月、一般每季度（可在设置中调整）。'),
    h('div.toolbar', {}, community),
    list));
  await load();
}
