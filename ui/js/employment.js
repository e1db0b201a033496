// 社区再就业 (就业援助): what its pages share, and the two reminder lists:
// 待跟踪 (follow-ups due) and 贷款到期 (start-up loans maturing or overdue).
import { api } from './api.js';
import { communitySelect, errorBox, field, h, mount, options, recordForm, table, toast, today, yuan } from './dom.js';

/** What the core decides for this register's forms (the categories it
 *  derives, closure reasons, a woman's retirement bases, loan borrowers),
 *  loaded at login. */
export const choices = { derived_categories: [], close_reasons: [], retire_bases: [], borrowers: [], statuses: [] };
export async function loadChoices() {
  Object.assign(choices, await api.employmentChoices());
}

/** A whole number as the core takes it; anything else goes as 0, which the
 *  core refuses with its own message. */
export function wholeNumber(text) {
  const n = Number(String(text ?? '').trim());
  return Number.isInteger(n) && n >= 0 && n <= 4294967295 && String(text ?? '').trim() !== '' ? n : 0;
}

export function statusTag(status, id) {
  return h(`span.status.status-${status}${id ? `#${id}` : ''}`, {}, status);
}

export function categoryTags(categories) {
  return (categories || []).map((c) => h(`span.tag${choices.derived_categories.includes(c) ? '.derived-tag' : ''}`, {}, c));
}

/** Days left to a loan's due date, said plainly (overdue in red). */
export function daysLeft(loan) {
  if (loan.days_left === null || loan.days_left === undefined) return h('span.muted', {}, '已结清');
  if (loan.days_left < 0) return h('span.overdue', {}, `已逾期 ${-loan.days_left} 天`);
  if (loan.days_left === 0) return h('span.overdue', {}, '今天到期');
  return h('span.due-soon', {}, `${loan.days_left} 天`);
}

/** Opens the case of a person (a loan knows the person, not the case). */
export async function openCaseOf(personId, name) {
  try {
    const res = await api.cases({ q: name, page: 1, page_size: 200 });
    const row = res.items.find((r) => r.person_id === personId);
    if (row) location.hash = `#/case/${row.id}/loans`;
    else toast('没有找到此人的援助对象记录');
  } catch (e) {
    toast(e.message);
  }
}

export async function followupsPage(ctx) {
  const community = communitySelect(ctx, { id: 'followup-community', blank: '全部社区' });
  const count = h('span.muted#followup-total');
  const message = h('div');
  const list = table('#followup-table', [
    ['姓名', (r) => r.name, 'name'],
    ['社区', (r) => r.community],
    ['上次跟踪', (r) => r.last || '从未跟踪'],
    ['应跟踪日期', (r) => r.due_on],
    ['逾期天数', (r) => r.days_overdue, 'num'],
  ], { empty: '没有到期待跟踪的援助对象', data: (r) => ({ id: r.case_id }), open: (r) => `#/case/${r.case_id}/followups` });
  const load = async () => {
    try {
      const rows = await api.followupsDue(community.value || null);
      message.replaceChildren();
      count.textContent = `共 ${rows.length} 人待跟踪`;
      list.fill(rows);
    } catch (e) {
      message.replaceChildren(errorBox(e));
    }
  };
  community.addEventListener('change', load);
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '待跟踪'), count),
    h('p.muted', {}, '在册的援助对象自上次跟踪服务（没有跟踪过的自登记日期）起，超过跟踪间隔（默认30天，可在系统设置中调整）即列在这里，逾期最久的在前。'),
    h('div.toolbar', {}, community),
    message,
    list));
  await load();
}

// Kept across visits: whether every loan is shown, not only the alerts.
const loanState = { all: false };

export async function loansPage(ctx) {
  const rows = loanState.all ? await api.loans() : await api.loanAlerts();
  const toggle = h('label.check', {}, h('input#loan-all', { type: 'checkbox', checked: loanState.all, onchange: (ev) => { loanState.all = ev.target.checked; loansPage(ctx); } }), '显示全部贷款');
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, loanState.all ? '创业担保贷款' : '贷款到期'),
      h('span.muted#loan-total', {}, loanState.all ? `共 ${rows.length} 笔` : `${rows.length} 笔将到期或已逾期`), toggle),
    h('p.muted', {}, '列出60天内到期（天数可在系统设置中调整）和已逾期、尚未结清的创业担保贷款，最紧急的在前。点击一行打开借款人的援助对象页面，在“创业贷款”中办理展期或登记还款情况。'),
    table('#loan-alert-table', [
      ['姓名', (l) => l.name, 'name'],
      ['社区', (l) => l.community],
      ['金额（元）', (l) => yuan(l.amount_cents), 'num'],
      ['贷款银行', (l) => l.bank],
      ['放款日期', (l) => l.granted_on],
      ['期限（月）', (l) => l.term_months, 'num'],
      ['展期（月）', (l) => l.extension_months || '', 'num'],
      ['到期日', (l) => l.due_on],
      ['剩余', daysLeft],
      ['还款情况', (l) => l.repayment],
    ], {
      rows, data: (l) => ({ id: l.id }), open: (l) => openCaseOf(l.person_id, l.name),
      empty: loanState.all ? '还没有登记贷款' : '没有60天内到期或逾期的贷款',
    })));
}

/** 春风行动 and other hardship relief: the form and the list, for a case or
 *  any resident (`save(input)` records it; `ids`: the form's and table's). */
export function reliefSection(ctx, relief, save, [formId, tableId]) {
  const form = recordForm(formId, '登记困难帮扶', [
    field('帮扶项目', h('select', { name: 'programme' }, options(ctx.dicts.relief_programme, '', '请选择')), { required: true }),
    field('帮扶日期', h('input', { name: 'date', type: 'date', value: today() }), { required: true }),
    field('帮扶内容', h('input', { name: 'help', placeholder: '如 慰问金、米面油、岗位推荐' }), { required: true }),
    field('金额（元）', h('input', { name: 'amount', inputMode: 'decimal', placeholder: '发放现金时填写' })),
  ], async (v) => {
    await save({ ...v, programme: v.programme || '', date: v.date || '', help: v.help || '' });
    toast('帮扶记录已保存');
  });
  return h('div', {}, form,
    table(`#${tableId}`, ['日期', '帮扶项目', '帮扶内容', '金额（元）'],
      { rows: relief.map((r) => [r.date, r.programme, r.help, r.amount_cents ? yuan(r.amount_cents) : '']) }));
}
