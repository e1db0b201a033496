// 救助与残疾记录: the assistance tab of the person page (低保, 特困, 残疾证,
// the two disability subsidies). 困难 and 残疾 follow from the records in
// force; the core says which fields each kind takes and what a record allows.
import { api } from './api.js';
import { field, h, options, recordForm, table, toast, yuan } from './dom.js';

// Labels of the core's record actions (elderly::assistance::{STOP, RESUME}).
const ACTION_LABELS = { stop: '停发', resume: '恢复在享' };

/** The tab for roster entry `e` with its `records` and the core's `choices`. */
export function assistanceTab(ctx, e, records, choices, reload) {
  const active = e.actions.includes('assistance');
  const kindSelect = h('select', { name: 'kind' }, options(choices.kinds.map((k) => k.kind), choices.kinds[0].kind));
  const kindFields = {
    cert_no: field('证号', h('input', { name: 'cert_no', autocomplete: 'off', placeholder: '低保证号；残疾证号为20位' }), { required: true }),
    persons: field('保障人数', h('input', { name: 'persons', inputMode: 'numeric' }), { required: true }),
    amount: field('月金额（元）', h('input', { name: 'amount', inputMode: 'decimal' }), { required: true }),
    support_mode: field('供养方式', h('select', { name: 'support_mode' }, options(choices.support_modes, '', '请选择')), { required: true }),
    self_care: field('自理能力', h('select', { name: 'self_care' }, options(choices.self_care, '', '请选择')), { required: true }),
    disability_type: field('残疾类别', h('select', { name: 'disability_type' }, options(ctx.dicts.disability_type, '', '按证号'))),
    disability_grade: field('残疾等级', h('select', { name: 'disability_grade' }, options(ctx.dicts.disability_grade, '', '按证号'))),
  };
  const show = () => {
    const wanted = choices.kinds.find((k) => k.kind === kindSelect.value)?.fields || [];
    for (const [name, el] of Object.entries(kindFields)) el.style.display = wanted.includes(name) ? '' : 'none';
  };
  kindSelect.addEventListener('change', show);
  const form = recordForm('assistance-form', '登记救助或残疾记录', [
    field('记录类别', kindSelect, { required: true }),
    field('享受状态', h('select', { name: 'status' }, options(choices.statuses, choices.statuses[0])), { required: true }),
    ...Object.values(kindFields),
    field('认定日期', h('input', { name: 'since', type: 'date' })),
  ], async (v) => {
    await api.addAssistance(e.id, { ...v, kind: v.kind || '', status: v.status || '' });
    toast('记录已保存');
    reload('assistance');
  }, !active);
  show();
  const flag = e.unbacked_kinds.length
    ? h('p.notice#assistance-flag', {}, `已勾选“${e.unbacked_kinds.join('、')}”，但没有在享的低保、特困或残疾证、残疾人补贴记录：请补登记录，或在“修改”中取消勾选。`)
    : null;
  const detail = (r) => [
    r.cert_no, r.persons ? `${r.persons}人` : null, r.support_mode, r.self_care, r.disability_type, r.disability_grade,
  ].filter(Boolean).join(' ');
  return h('div', {}, flag,
    active ? form : h('p.notice', {}, `该老人状态为“${e.status}”，不能再登记；历史记录如下。`),
    h('p.muted', {}, '“困难”由在享的低保、特困记录得出，“残疾”由残疾证或残疾人两项补贴记录得出；停发的记录不再计入。'),
    table('#assistance-table', [
      ['类别', (r) => r.kind], ['状态', (r) => r.status], ['证号及情况', detail],
      ['月金额（元）', (r) => (r.amount_cents == null ? '' : yuan(r.amount_cents)), 'num'], ['认定日期', (r) => r.since],
    ], {
      rows: records,
      data: (r) => ({ id: r.id }),
      actions: active ? (r) => r.actions.map((a) => h(`button.small-button.assistance-${a}`, {
        type: 'button',
        onclick: async () => {
          try { await api.setAssistanceStatus(r.id, r.row_version, a); toast('已办理'); reload('assistance'); } catch (err) { toast(err.message || String(err)); }
        },
      }, ACTION_LABELS[a] || a)) : null,
    }));
}
