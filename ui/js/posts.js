// 公益性岗位: the posts with who holds each and their subsidy months (已享受
// of 最长), a new post, placing a case in a vacant post, ending a placement
// (离岗), and the quarterly subsidy roster (补贴花名册).
import { api } from './api.js';
import { communitySelect, field, h, mount, onSubmit, options, recordForm, table, toast, today } from './dom.js';

const QUARTERS = [[1, '第一季度（1-3月）'], [2, '第二季度（4-6月）'], [3, '第三季度（7-9月）'], [4, '第四季度（10-12月）']];
const now = new Date();
// Kept across visits: the quarter last asked for (the current one at first).
const roster = { year: now.getFullYear(), quarter: Math.floor(now.getMonth() / 3) + 1 };

export async function postsPage(ctx) {
  const [posts, limits] = await Promise.all([api.posts(), api.postLimitAlerts()]);
  const held = posts.filter((p) => p.holder).length;
  const reload = () => postsPage(ctx);
  const list = table('#post-table', [
    ['岗位类型', (p) => p.post_type],
    ['用人单位', (p) => p.unit],
    ['社区', (p) => p.community || '街道'],
    ['在岗人员', (p) => (p.holder ? h('a', { href: `#/case/${p.case_id}/posts`, onclick: (ev) => ev.stopPropagation() }, p.holder) : h('span.vacant', {}, '空缺')), 'name'],
    ['上岗日期', (p) => p.start_on],
    ['已享受 / 最长（月）', (p) => (p.holder ? h(`span${p.months_used >= p.max_months ? '.overdue' : ''}`, {}, `${p.months_used} / ${p.max_months}`) : `— / ${p.max_months}`), 'num'],
  ], {
    rows: posts, empty: '还没有公益性岗位，请在下方新增', data: (p) => ({ id: p.id }), rowClass: () => 'post-row',
    actions: (p, tr) => (p.actions.includes('end')
      ? h('button.small-button.end-post', { type: 'button', onclick: () => list.under(tr, endForm(p, reload)) }, '离岗')
      : h('button.small-button.place-post', { type: 'button', onclick: () => list.under(tr, placeForm(p, reload)) }, '安置人员')),
  });
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '公益性岗位'), h('span.muted#post-total', {}, `共 ${posts.length} 个岗位，在岗 ${held} 人，空缺 ${posts.length - held} 个`)),
    h('p.muted', {}, `补贴按月计算，上岗当月和离岗当月都算一个月；每人累计最长享受 ${posts[0]?.max_months ?? 36} 个月（上岗时距退休不超过5年的可到退休，可在系统设置中调整）。`),
    limits.length ? h('div.card#post-limits', {}, h('h2', {}, `补贴即将到期（${limits.length}人）`),
      table('#post-limit-table', [
        ['姓名', (a) => h('a', { href: `#/case/${a.case_id}/posts` }, a.name), 'name'],
        ['岗位', (a) => `${a.post_type} · ${a.unit}`],
        ['上岗日期', (a) => a.start_on],
        ['补贴截止月份', (a) => a.last_month],
        ['剩余', (a) => (a.months_left > 0 ? `${a.months_left} 个月` : a.months_left === 0 ? '本月到期' : h('span.overdue', {}, `已超期 ${-a.months_left} 个月，不再申领补贴`))],
      ], { rows: limits })) : null,
    list,
    h('div.posts-bottom', {}, newPostForm(ctx, reload), subsidyCard())));
}

function newPostForm(ctx, reload) {
  const form = recordForm('post-form', '新增岗位', [
    field('岗位类型', h('select', { name: 'post_type' }, options(ctx.dicts.post_type, '', '请选择')), { required: true }),
    field('用人单位', h('input', { name: 'unit', placeholder: '如 和平社区居委会' }), { required: true }),
    field('所属社区', communitySelect(ctx, { name: 'community_id', blank: '街道（不属某一社区）' })),
  ], async (v) => {
    await api.addPost({ post_type: v.post_type || '', unit: v.unit || '', community_id: v.community_id });
    toast('岗位已新增');
    reload();
  });
  return form;
}

/** Placing a case: find them by name, initials or ID tail, choose, date. */
function placeForm(post, reload) {
  const search = h('input.case-search', { type: 'search', placeholder: '输入姓名、拼音首字母或身份证号后几位查找援助对象', autocomplete: 'off' });
  const choice = h('select.case-choice', { name: 'case_id', dataset: { name: 'case_id' } }, h('option', { value: '' }, '正在查找……'));
  const form = h('form.inline-form.place-post-form', {},
    h('div', {}, h('b', {}, `安置到：${post.post_type} · ${post.unit}`)),
    h('div.grid', {},
      field('查找援助对象', search),
      field('援助对象', choice, { required: true }),
      field('上岗日期', h('input', { name: 'start_on', type: 'date', value: today() }), { required: true })),
    h('span.field-error', { dataset: { for: 'post_id' } }),
    h('div.actions', {}, h('button.primary.place-post-submit', { type: 'submit' }, '确定安置'),
      h('button', { type: 'button', onclick: () => form.closest('tr').remove() }, '取消')));
  let seq = 0;
  const find = async () => {
    const mine = ++seq;
    try {
      const res = await api.cases({ q: search.value.trim() || null, page: 1, page_size: 50 });
      if (mine !== seq) return;
      const items = res.items;
      choice.replaceChildren(...options(items.map((r) => [r.id, `${r.name}　${r.id_number || ''}　${r.community || ''}　${r.status}`]), '',
        items.length ? `请选择（找到 ${res.total} 人${res.total > items.length ? `，显示前 ${items.length} 人` : ''}）` : '没有找到，请换个查找条件'));
      if (items.length === 1) choice.value = items[0].id;
    } catch (e) {
      if (mine === seq) choice.replaceChildren(h('option', { value: '' }, e.message));
    }
  };
  let timer;
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(find, 150); });
  find();
  return onSubmit(form, async (v) => {
    await api.placeInPost(post.id, v.case_id || '', v.start_on || '');
    toast('已安置，援助对象状态改为已就业');
    reload();
  });
}

function endForm(post, reload) {
  const form = h('form.inline-form.end-post-form', {},
    h('div', {}, h('b', {}, `${post.holder} 离岗：${post.post_type} · ${post.unit}（${post.start_on} 上岗）`)),
    h('div.grid', {}, field('离岗日期', h('input', { name: 'end_on', type: 'date', value: today() }), { required: true })),
    h('div.actions', {}, h('button.primary.end-post-submit', { type: 'submit' }, '确定离岗'),
      h('button', { type: 'button', onclick: () => form.closest('tr').remove() }, '取消')));
  return onSubmit(form, async () => {
    await api.endPlacement(post.placement_id, form.end_on.value.trim());
    toast('已离岗，岗位空缺');
    reload();
  });
}

function subsidyCard() {
  const years = Array.from({ length: 11 }, (_, i) => now.getFullYear() - i);
  const year = h('select#subsidy-year', { name: 'year', dataset: { name: 'year' } }, options(years.map((y) => [String(y), `${y}年`]), String(roster.year)));
  const quarter = h('select#subsidy-quarter', { name: 'quarter', dataset: { name: 'quarter' } }, options(QUARTERS, roster.quarter));
  const result = h('div#subsidy-result');
  const form = h('form.card#subsidy-form', {},
    h('h2', {}, '补贴花名册'),
    h('div.form-error'),
    h('div.subsidy-row', {}, field('年份', year), field('季度', quarter),
      h('button.primary#subsidy-query', { type: 'submit' }, '生成')),
    result);
  onSubmit(form, async () => {
    roster.year = Number(year.value);
    roster.quarter = Number(quarter.value);
    const lines = await api.subsidyRoster(roster.year, roster.quarter);
    const months = lines.reduce((n, l) => n + l.months, 0);
    result.replaceChildren(
      h('p.muted#subsidy-total', {}, `${roster.year}年第${roster.quarter}季度：${lines.length} 人，合计 ${months} 人月`),
      table('#subsidy-table', [
        ['岗位类型', (l) => l.post_type],
        ['用人单位', (l) => l.unit],
        ['姓名', (l) => l.name],
        ['身份证号', (l) => l.id_number, 'mono'],
        ['上岗日期', (l) => l.start_on],
        ['离岗日期', (l) => l.end_on],
        ['本季度月数', (l) => l.months, 'num'],
        ['累计已享受', (l) => l.months_used, 'num'],
      ], { rows: lines, empty: '该季度没有在岗人员' }));
  });
  form.dispatchEvent(new Event('submit', { cancelable: true })); // at once, for the quarter last asked for
  return form;
}
