// The person page: roster data, services, visits, phone check-ins and 慰问 in
// tabs, and the status
// change (迁出 / 去世) that takes someone off the active list but keeps
// their history.
import { api } from './api.js';
import { field, h, mount, onSubmit, options, recordForm, table, toast, today, yuan } from './dom.js';
import { elderlyForm } from './register.js';
import { revealable } from './lookup.js';
import { reliefSection } from './employment.js';
import { allowanceTab } from './allowance.js';
import { assistanceTab } from './assistance.js';
import { careSection, providerFields } from './homecare.js';

export async function personPage(ctx, id, tab = 'info') {
  const { elderly: e, services, visits, calls, assistance, assistance_choices: choices, condolences } = await api.detail(id);
  const p = e.person;
  const relief = await api.personRelief(p.id);
  const reload = (t) => personPage(ctx, id, t);
  const tabs = [['info', '台账信息'], ['services', `服务记录（${services.length}）`], ['visits', `探访记录（${visits.length}）`], ['calls', `电话问候（${calls.length}）`], ['assistance', `救助与残疾（${assistance.length}）`], ['condolences', `慰问（${condolences.length}）`], ['relief', `困难帮扶（${relief.length}）`], ['allowance', '高龄津贴'], ['edit', '修改']];
  const content = {
    info: () => infoTab(ctx, e, reload),
    services: () => servicesTab(ctx, e, services, reload),
    visits: () => visitsTab(ctx, e, visits, reload),
    calls: () => callsTab(ctx, e, calls, reload),
    condolences: () => condolencesTab(ctx, e, condolences, reload),
    relief: () => reliefSection(ctx, relief, async (input) => { await api.addPersonRelief(p.id, input); reload('relief'); },
      ['person-relief-form', 'person-relief-table']),
    assistance: () => assistanceTab(ctx, e, assistance, choices, reload),
    allowance: () => allowanceTab(ctx, e, reload),
    edit: () => elderlyForm(ctx, e, async (input) => { await api.update(e.id, e.row_version, input); toast('已保存'); reload('info'); }),
  };
  mount(h('div.page', {},
    h('div.page-head', {},
      h('a.back', { href: '#/roster' }, '← 花名册'),
      h('h1#person-name', {}, p.name),
      h(`span.status.status-${e.status}#person-status`, {}, e.status),
      h('span.muted', {}, `${p.sex || ''} ${p.age ?? ''}岁 · ${p.community_name || ''} · ${p.id_number_masked || ''}`)),
    h('div.kinds#person-kinds', {}, e.kinds.map((k) => kindTag(k, e.unbacked_kinds)), e.sanwu ? h('span.tag', {}, '三无') : null),
    h('div.tabs', {}, tabs.map(([key, label]) => h(`button.tab${key === tab ? '.active' : ''}`, { type: 'button', dataset: { tab: key }, onclick: () => reload(key) }, label))),
    h('div.tab-body', {}, content[tab]())));
}

// A kind ticked by hand with no record in force behind it is flagged.
export function kindTag(k, unbacked) {
  return unbacked.includes(k)
    ? h('span.tag.unbacked', { title: '已勾选，但没有在享的救助或残疾记录' }, `${k}（无记录）`)
    : h('span.tag', {}, k);
}

function infoTab(ctx, e, reload) {
  const p = e.person;
  const [idCell, phoneCell] = revealable(ctx, p);
  const rows = [
    ['身份证号', idCell], ['出生日期', p.birth_date], ['联系电话', phoneCell], ['所属社区', p.community_name],
    ['居住地址', p.address], ['户籍', p.hukou], ['居住情况', e.living_arrangement], ['经济状况', e.economic_status],
    ['养老方式', e.care_mode], ['探访等级', e.visit_level], ['风险因素', e.risk_factors.join('、')], ['残疾', [e.disability_type, e.disability_grade, e.disability_cert].filter(Boolean).join(' ')],
    ['健康状况', e.health_notes], ['企业退休', e.enterprise_retiree ? '是' : '否'],
    ['紧急联系人', [e.emergency_name, e.emergency_relation, e.emergency_phone_masked].filter(Boolean).join(' ')],
    ['登记日期', e.registered_on], ['状态', [e.status, e.status_date, e.status_reason].filter(Boolean).join(' ')],
  ];
  const form = h('form.card.inline#status-form', {},
    h('h2', {}, '状态变动'),
    h('div.form-error'),
    h('div.grid', {},
      field('新状态', h('select', { name: 'status' }, options(ctx.dicts.roster_status, e.status))),
      field('变动日期', h('input', { name: 'date', type: 'date', value: today(), dataset: { name: 'status_date' } })),
      field('原因或去向', h('input', { name: 'reason', dataset: { name: 'status_reason' }, placeholder: '迁出时必填' })),
      h('div.actions', {}, h('button#status-submit', { type: 'submit' }, '确认变动'))),
    h('p.muted', {}, '迁出、去世的老人不再出现在“在册”名单中，其服务和探访记录全部保留。'));
  onSubmit(form, async (v) => {
    await api.changeStatus(e.id, { status: v.status || '', date: v.date || '', reason: v.reason });
    toast('状态已变更');
    reload('info');
  });
  return h('div', {}, h('dl.facts.card', {}, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')])), form);
}

// Services, and the entitlement of purchased home care (政府购买) above them:
// a service with a provider is settled with it by its hours and price.
function servicesTab(ctx, e, services, reload) {
  const active = e.actions.includes('service');
  const [purchased, fillProviders] = providerFields();
  const form = recordForm('service-form', '登记服务', [
    field('服务日期', h('input', { name: 'date', type: 'date', value: today() }), { required: true }),
    field('服务类型', h('select', { name: 'service_type' }, options(ctx.dicts.service_type, '', '请选择')), { required: true }),
    field('收费方式', h('select', { name: 'paid' }, options(ctx.dicts.service_paid, '无偿')), { required: true }),
    field('收费（元）', h('input', { name: 'charge', inputMode: 'decimal', placeholder: '低偿时填写' })),
    field('服务提供者', h('input', { name: 'provider' })),
    field('时长（小时）', h('input', { name: 'hours', inputMode: 'decimal' })),
    ...purchased,
    field('备注', h('input', { name: 'notes' }), { wide: true }),
  ], async (v) => { await api.addService(e.id, { ...v, date: v.date || '', service_type: v.service_type || '', paid: v.paid || '' }); toast('服务记录已保存'); reload('services'); }, !active);
  return h('div', {}, careSection(ctx, e, reload, (s) => fillProviders(s.providers)),
    active ? form : h('p.notice', {}, `该老人状态为“${e.status}”，不能再登记服务；历史记录如下。`),
    table('#service-table', ['日期', '类型', '收费方式', '收费（元）', '提供者', '时长', '单价（元/小时）', '备注'],
      { rows: services.map((s) => [s.date, s.service_type, s.paid, yuan(s.charge_cents), s.provider, s.hours, s.unit_price_cents == null ? '' : yuan(s.unit_price_cents), s.notes]) }));
}

function visitsTab(ctx, e, visits, reload) {
  const active = e.actions.includes('visit');
  const form = recordForm('visit-form', '登记探访', [
    field('探访日期', h('input', { name: 'date', type: 'date', value: today() }), { required: true }),
    field('探访人', h('input', { name: 'visitor' }), { required: true }),
    field('方式', h('select', { name: 'way' }, options(ctx.dicts.visit_way, '入户')), { required: true }),
    field('健康状况', h('input', { name: 'health' })),
    field('经济状况', h('input', { name: 'economy' })),
    field('家庭支持', h('input', { name: 'family_support' })),
    field('居家安全', h('input', { name: 'home_safety' })),
    field('需求', h('input', { name: 'needs' })),
  ], async (v) => { await api.addVisit(e.id, { ...v, date: v.date || '', visitor: v.visitor || '', way: v.way || '' }); toast('探访记录已保存'); reload('visits'); }, !active);
  return h('div', {}, active ? form : h('p.notice', {}, `该老人状态为“${e.status}”，不能再登记探访；历史记录如下。`),
    table('#visit-table', ['日期', '探访人', '方式', '健康', '经济', '家庭支持', '居家安全', '需求'],
      { rows: visits.map((v) => [v.date, v.visitor, v.way, v.health, v.economy, v.family_support, v.home_safety, v.needs]) }));
}

// 电话问候: contact, not a home visit (the visit rate and the visits due
// count home visits only).
function callsTab(ctx, e, calls, reload) {
  const active = e.actions.includes('call');
  const form = recordForm('call-form', '登记电话问候', [
    field('问候日期', h('input', { name: 'date', type: 'date', value: today() }), { required: true }),
    field('问候人', h('input', { name: 'caller' }), { required: true }),
    field('结果', h('select', { name: 'result' }, options(ctx.dicts.call_result, '正常')), { required: true }),
    field('处理情况', h('input', { name: 'action', placeholder: '未接、异常时必填' }), { wide: true }),
  ], async (v) => { await api.addCall(e.id, { ...v, date: v.date || '', caller: v.caller || '', result: v.result || '' }); toast('电话问候已保存'); reload('calls'); }, !active);
  return h('div', {}, active ? form : h('p.notice', {}, `该老人状态为“${e.status}”，不能再登记电话问候；历史记录如下。`),
    h('p.muted', {}, '电话问候算作联系，不算入户探访：不计入月探访率，也不改变下次探访日期。'),
    table('#call-table', ['日期', '问候人', '结果', '处理情况'],
      { rows: calls.map((c) => [c.date, c.caller, c.result, c.action]) }));
}

// 慰问 (春节, 重阳节, 生日, 住院, …): what was given; the 重阳节 list shows
// who has had the year's 重阳节 慰问, and the printed lists are signed.
function condolencesTab(ctx, e, condolences, reload) {
  const active = e.actions.includes('condole');
  const form = recordForm('condolence-form', '登记慰问', [
    field('慰问类型', h('select', { name: 'kind' }, options(ctx.dicts.condolence_kind, '', '请选择')), { required: true }),
    field('慰问日期', h('input', { name: 'date', type: 'date', value: today() }), { required: true }),
    field('慰问品', h('input', { name: 'gift', placeholder: '如 米、油' })),
    field('慰问金（元）', h('input', { name: 'amount', inputMode: 'decimal' })),
    field('经办人', h('input', { name: 'staff' }), { required: true }),
    field('备注', h('input', { name: 'notes' }), { wide: true }),
  ], async (v) => { await api.addCondolence(e.id, { ...v, kind: v.kind || '', date: v.date || '', staff: v.staff || '' }); toast('慰问记录已保存'); reload('condolences'); }, !active);
  return h('div', {}, active ? form : h('p.notice', {}, `该老人状态为“${e.status}”，不能再登记慰问；历史记录如下。`),
    h('p.muted', {}, '慰问品、慰问金至少填一项。名单在“统计报表”中：老人生日名单、百岁老人名单、重阳节慰问老人名单、老人慰问登记表（可导出Excel打印签字）。'),
    table('#condolence-table', ['日期', '类型', '慰问品', '慰问金（元）', '经办人', '备注'],
      { rows: condolences.map((c) => [c.date, c.kind, c.gift, yuan(c.amount_cents), c.staff, c.notes]) }));
}
