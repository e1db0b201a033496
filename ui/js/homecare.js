// 政府购买居家养老服务: the providers page (服务机构, and this month's
// persons over their entitlement), and on the person page the entitlement
// (服务资格) with this month's hours, and the provider fields of the
// service form. What may be done comes from the core (can_edit, actions).
import { api } from './api.js';
import { communitySelect, field, h, mount, onSubmit, options, recordForm, table, toast, today, yuan } from './dom.js';

const hours = (x) => (Math.round(x * 100) / 100).toString();

/** 服务机构: the providers, their form, and who is over the month's hours. */
export async function carePage(ctx) {
  const community = communitySelect(ctx, { id: 'care-community', blank: '全部社区' });
  const box = h('div#care-providers');
  const overBox = h('div#care-over');
  const load = async () => {
    const p = await api.careProviders(community.value || null);
    box.replaceChildren(...providersSection(p, load));
    overBox.replaceChildren(
      h('h2', {}, `${p.month} 超出应享时数的老人（${p.over.length}人）`),
      table('#care-over-table', [
        ['姓名', (r) => r.name], ['社区', (r) => r.community_name], ['评估等级', (r) => r.level || '未评估'],
        ['应享时数', (r) => hours(r.entitled_hours), 'num'], ['已用时数', (r) => hours(r.used_hours), 'num'],
        ['超出时数', (r) => hours(r.over_hours), 'num'],
      ], { rows: p.over, empty: '本月没有超出应享时数的老人', data: (r) => ({ id: r.elderly_id }), open: (r) => `#/elderly/${r.elderly_id}/services` }));
  };
  community.addEventListener('change', load);
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '政府购买居家养老服务'),
      h('a.button#care-report', { href: '#/reports/elderly-care-settlement' }, '结算单')),
    h('p.muted', {}, '服务机构由街道登记；在老人页面的“服务记录”中登记评估等级（服务资格）和机构提供的服务时长。每月应享时数按评估等级在“系统设置”中设定，超出部分由个人自付。'),
    box,
    h('div.toolbar', {}, community),
    overBox));
  await load();
}

function providersSection(p, reload) {
  const out = [];
  let editing = null;
  const form = p.can_edit ? providerForm((v) => (editing
    ? api.updateCareProvider(editing.id, editing.row_version, v)
    : api.addCareProvider(v)), reload) : null;
  if (form) out.push(form);
  out.push(table('#care-provider-table', [
    ['机构名称', (r) => r.name], ['联系人', (r) => r.contact], ['联系电话', (r) => r.phone],
    ['合同期', (r) => [r.contract_from, r.contract_to].filter(Boolean).join(' 至 ')],
    ['单价（元/小时）', (r) => yuan(r.price_cents), 'num'], ['备注', (r) => r.notes],
  ], {
    rows: p.providers,
    empty: '尚未登记服务机构',
    data: (r) => ({ id: r.id }),
    open: form ? (r) => {
      editing = r;
      for (const [k, v] of Object.entries({ ...r, price: yuan(r.price_cents) })) {
        if (form.elements[k]) form.elements[k].value = v ?? '';
      }
      form.querySelector('h2').textContent = `修改服务机构：${r.name}`;
    } : null,
  }));
  return out;
}

function providerForm(save, reload) {
  return recordForm('care-provider-form', '登记服务机构', [
    field('机构名称', h('input', { name: 'name' }), { required: true }),
    field('联系人', h('input', { name: 'contact' })),
    field('联系电话', h('input', { name: 'phone', inputMode: 'tel' })),
    field('合同起始日期', h('input', { name: 'contract_from', type: 'date' })),
    field('合同截止日期', h('input', { name: 'contract_to', type: 'date' })),
    field('单价（元/小时）', h('input', { name: 'price', inputMode: 'decimal' }), { required: true }),
    field('备注', h('input', { name: 'notes' }), { wide: true }),
  ], async (v) => { await save({ ...v, name: v.name || '', price: v.price || '' }); toast('服务机构已保存'); reload(); });
}

/** The person page's entitlement section for roster entry `e`; `ready(state)`
 *  is called with what the core sent (its providers fill the service form). */
export function careSection(ctx, e, reload, ready) {
  const box = h('div#care-section');
  api.care(e.id).then((s) => { box.replaceChildren(...entitlement(s, e, reload)); ready(s); })
    .catch((err) => box.replaceChildren(h('div.error-box', {}, err.message || String(err))));
  return box;
}

function entitlement(s, e, reload) {
  const active = e.actions.includes('service');
  const facts = [
    ['评估等级', s.level || '无在享的服务资格'], ['本月', s.month],
    ['本月应享时数', hours(s.entitled_hours)], ['本月已用时数', hours(s.used_hours)],
  ];
  const out = [h('dl.facts.card#care-facts', {}, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))];
  if (s.over_hours > 0) {
    out.push(h('p.notice#care-over-flag', {}, `本月已超出应享时数 ${hours(s.over_hours)} 小时，超出部分由个人自付。`));
  }
  if (active) {
    out.push(recordForm('care-entitlement-form', '登记评估（服务资格）', [
      field('评估等级', h('select', { name: 'level' }, options(s.levels, '', '请选择')), { required: true }),
      field('评估日期', h('input', { name: 'assessed_on', type: 'date', value: today() }), { required: true }),
      field('起始月份', h('input', { name: 'from_month', type: 'month', value: today().slice(0, 7) }), { required: true }),
      field('备注', h('input', { name: 'notes' })),
    ], async (v) => {
      await api.addCareEntitlement(e.id, { ...v, level: v.level || '', assessed_on: v.assessed_on || '', from_month: v.from_month || '' });
      toast('服务资格已登记');
      reload('services');
    }));
  }
  const stopMonth = h('input#care-stop-month', { type: 'month', value: today().slice(0, 7), title: '停止月份（该月起不再享受）' });
  out.push(h('div.toolbar', {}, h('span.muted', {}, '停止月份'), stopMonth),
    table('#care-entitlement-table', [
      ['评估等级', (r) => r.level], ['评估日期', (r) => r.assessed_on], ['起始月份', (r) => r.from_month],
      ['状态', (r) => [r.status, r.stop_month ? `${r.stop_month}起` : ''].filter(Boolean).join(' ')], ['备注', (r) => r.notes],
    ], {
      rows: s.entitlements,
      empty: '尚未登记服务资格',
      data: (r) => ({ id: r.id }),
      actions: (r) => r.actions.map((a) => h(`button.small-button.care-${a}`, {
        type: 'button',
        onclick: async () => {
          try { await api.stopCareEntitlement(r.id, stopMonth.value || ''); toast('服务资格已停止'); reload('services'); } catch (err) { toast(err.message || String(err)); }
        },
      }, '停止')),
    }));
  return out;
}

/** The service form's fields of a purchased service: the provider (its
 *  choices set by `fill(providers)`) and the price. */
export function providerFields() {
  const select = h('select', { name: 'provider_id' }, options([], '', '非购买服务'));
  const fill = (providers) => select.replaceChildren(
    ...options(providers.map((p) => [p.id, `${p.name}（${yuan(p.price_cents)}元/小时）`]), '', '非购买服务'));
  return [[
    field('服务机构（政府购买）', select),
    field('单价（元/小时）', h('input', { name: 'unit_price', inputMode: 'decimal', placeholder: '留空按机构单价' })),
  ], fill];
}
