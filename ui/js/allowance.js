// 高龄津贴: the allowance section of an elder's page (status, tier, this
// month's amount, history, and the actions the core allows) and the page of
// survival checks due (生存认证到期).
import { api } from './api.js';
import { communitySelect, field, h, mount, onSubmit, options, recordForm, table, toast, today, yuan } from './dom.js';

// Labels of the core's action codes (elderly::allowance::ACTIONS).
const ACTION_LABELS = { suspend: '暂停发放', stop: '停发', resume: '恢复发放', survival_check: '生存认证' };

/** The allowance tab of the person page `e`; `reload(tab)` redraws the page. */
export function allowanceTab(ctx, e, reload) {
  const box = h('div#allowance');
  api.allowance(e.id).then((state) => box.replaceChildren(...section(state, e, reload)))
    .catch((err) => box.replaceChildren(h('div.error-box', {}, err.message || String(err))));
  return box;
}

function section(state, e, reload) {
  const a = state.allowance;
  if (!a) {
    if (!state.can_apply) return [h('p.notice', {}, state.note || '')];
    return [recordForm('allowance-apply-form', '申请高龄津贴', [
      field('申请日期', h('input', { name: 'applied_on', type: 'date', value: today() }), { required: true }),
      field('账户类型', h('select', { name: 'account_kind' }, options(state.account_kinds, '', '请选择'))),
      field('账号', h('input', { name: 'account', inputMode: 'numeric', autocomplete: 'off' })),
      field('开户银行', h('input', { name: 'bank' })),
    ], async (v) => { await api.applyAllowance(e.id, { ...v, applied_on: v.applied_on || '' }); toast('已登记高龄津贴'); reload('allowance'); })];
  }
  const facts = [
    ['状态', [a.status, a.status_date, a.status_reason].filter(Boolean).join(' ')],
    ['年龄段', a.tier], ['本月金额（元）', yuan(a.this_month_cents)], ['本月补发（元）', yuan(a.backpay_cents)],
    ['起发月份', a.first_month], ['申请日期', a.applied_on],
    ['账号', [a.account_kind, a.bank, a.account_masked].filter(Boolean).join(' ')],
    ['上次生存认证', a.last_check || '未认证'], ['下次认证到期', a.check_due_on],
  ];
  const out = [h('dl.facts.card#allowance-facts', {}, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')]))];
  if (a.actions.length) {
    const form = h('form.card.inline#allowance-event-form', {},
      h('h2', {}, '津贴变动'),
      h('div.form-error'),
      h('div.grid', {},
        field('办理事项', h('select', { name: 'action' }, options(a.actions.map((x) => [x, ACTION_LABELS[x] || x])))),
        field('日期', h('input', { name: 'date', type: 'date', value: today() })),
        field('原因', h('input', { name: 'reason', list: 'allowance-reasons', placeholder: '暂停、停发时必填' })),
        h('datalist#allowance-reasons', {}, options(state.stop_reasons)),
        h('div.actions', {}, h('button.primary#allowance-event-submit', { type: 'submit' }, '确认'))),
      h('p.muted', {}, '暂停、停发自变动日期的次月起不发；暂停期间的月份在恢复发放当月补发。'));
    onSubmit(form, async (v) => {
      await api.recordAllowance(a.id, { action: v.action || '', date: v.date || '', reason: v.reason });
      toast('已办理');
      reload('allowance');
    });
    out.push(form);
  } else if (state.note) {
    out.push(h('p.notice', {}, state.note));
  }
  out.push(table('#allowance-history', ['日期', '变动', '原因'], { rows: a.history.map((x) => [x.date, x.event, x.reason]) }));
  return out;
}

/** 高龄津贴: the survival checks due, most overdue first. */
export async function allowancePage(ctx) {
  const community = communitySelect(ctx, { id: 'allowance-community', blank: '全部社区' });
  const count = h('span.muted#allowance-total');
  const list = table('#allowance-due-table', [
    ['姓名', (r) => r.name],
    ['社区', (r) => r.community_name],
    ['身份证号', (r) => r.id_number_masked, 'mono'],
    ['津贴状态', (r) => r.status],
    ['上次认证', (r) => r.last_check || `未认证（${r.applied_on}申请）`],
    ['认证到期', (r) => r.due_on],
    ['逾期天数', (r) => (r.days_overdue >= 0 ? r.days_overdue : `还有${-r.days_overdue}天`), 'num'],
  ], { empty: null, data: (r) => ({ id: r.elderly_id }), open: (r) => `#/elderly/${r.elderly_id}/allowance` });
  const load = async () => {
    const rows = await api.allowanceChecksDue(community.value || null);
    count.textContent = `共 ${rows.length} 人待生存认证`;
    list.fill(rows);
  };
  community.addEventListener('change', load);
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '高龄津贴 · 生存认证'), count,
      h('a.button#allowance-report', { href: '#/reports/elderly-allowance' }, '发放名册')),
    h('p.muted', {}, '在享、暂停的高龄津贴每年认证一次：距上次认证（或申请）满一年前列入，逾期的排在前面。点姓名在老人页面办理认证。'),
    h('div.toolbar', {}, community),
    list));
  await load();
}
