// Registering an elderly person (登记老人), and the same form for editing.
// The ID number comes first: sex, birth date and age follow from it, and a
// number already on file opens that person instead of a duplicate.
import { api } from './api.js';
import { communitySelect, field, h, mount, onSubmit, options, toast } from './dom.js';
import { ID_HINT, idLookup, personInput } from './lookup.js';

export function registerPage(ctx) {
  const form = elderlyForm(ctx, null, async (input) => {
    const id = await api.register(input);
    toast('已登记');
    location.hash = `#/elderly/${id}`;
  });
  mount(h('div.page', {}, h('div.page-head', {}, h('h1', {}, '登记老人')), form));
}

/** The roster form; `current` (an ElderlyPerson) fills it for an edit. */
export function elderlyForm(ctx, current, submit) {
  const d = ctx.dicts;
  const p = current?.person || {};
  const sel = (name, dict, value) => h('select', { name }, options(d[dict], value || '', '（未填）'));
  const text = (name, value, attrs = {}) => h('input', { name, value: value || '', ...attrs });
  const derived = h('div.derived#derived', {}, current ? `${p.sex || ''}　${p.birth_date || ''}　${p.age ?? ''}岁` : ID_HINT);
  const idInput = current
    ? h('input', { value: p.id_number_masked || '', disabled: true, dataset: { name: 'id_number' } })
    : text('id_number', '', { id: 'id-number', maxLength: 18, placeholder: '18位身份证号', autocomplete: 'off' });

  const kinds = h('div.checks', { dataset: { name: 'kinds' } }, (d.elderly_kind || []).filter((k) => k !== '高龄').map((k) =>
    h('label.check', {}, h('input', { type: 'checkbox', name: 'kinds', value: k, dataset: { multi: '1' }, checked: current?.kinds.includes(k) }), k)),
  h('span.muted', {}, '（高龄按年龄自动认定）'));
  const risks = h('div.checks', { dataset: { name: 'risk_factors' } }, (d.elderly_risk || []).map((k) =>
    h('label.check', {}, h('input', { type: 'checkbox', name: 'risk_factors', value: k, dataset: { multi: '1' }, checked: current?.risk_factors.includes(k) }), k)),
  h('span.muted', {}, '（与五类老人、空巢一起决定建议的探访等级）'));

  const form = h('form.card.form#elderly-form', {},
    h('h2', {}, '基本信息'),
    h('div.grid', {},
      field('身份证号', idInput, { required: true }),
      field('姓名', text('name', p.name, { id: 'name' }), { required: true }),
      h('div.field', {}, h('span.label', {}, '性别 / 出生日期 / 年龄'), derived),
      field('联系电话', text('phone', '', { placeholder: current ? `不修改请留空（现为 ${p.phone_masked || '无'}）` : '' })),
      field('所属社区', communitySelect(ctx, { name: 'community_id', selected: p.community_id, blank: '请选择' }), { required: true }),
      field('居住地址', text('address', p.address), { wide: true }),
      field('户籍', text('hukou', p.hukou))),
    h('h2', {}, '老人类别'),
    field('五类老人', kinds, { wide: true }),
    field('风险因素', risks, { wide: true }),
    h('div.grid', {},
      h('label.check', {}, h('input', { type: 'checkbox', name: 'sanwu', checked: current?.sanwu }), '三无人员'),
      h('label.check', {}, h('input', { type: 'checkbox', name: 'enterprise_retiree', checked: current?.enterprise_retiree }), '企业退休人员（社会化管理）'),
      h('span.muted', {}, '未满60周岁的企业退休人员只登记为企业退休人员，不勾选五类老人和三无')),
    h('h2', {}, '生活与健康'),
    h('div.grid', {},
      field('居住情况', sel('living_arrangement', 'living_arrangement', current?.living_arrangement)),
      field('经济状况', sel('economic_status', 'economic_status', current?.economic_status)),
      field('养老方式', sel('care_mode', 'care_mode', current?.care_mode)),
      field('探访等级', h('select', { name: 'visit_level' }, options(d.visit_level, current?.visit_level || '', '（按类别和风险因素建议）'))),
      field('残疾类别', sel('disability_type', 'disability_type', current?.disability_type)),
      field('残疾等级', sel('disability_grade', 'disability_grade', current?.disability_grade)),
      field('残疾证号', text('disability_cert', current?.disability_cert)),
      field('健康状况', text('health_notes', current?.health_notes, { placeholder: '失能、失智、慢病等' }))),
    h('h2', {}, '紧急联系人'),
    h('div.grid', {},
      field('姓名', text('emergency_name', current?.emergency_name)),
      field('电话', text('emergency_phone', '', { placeholder: current?.emergency_phone_masked ? `不修改请留空（现为 ${current.emergency_phone_masked}）` : '' })),
      field('关系', text('emergency_relation', current?.emergency_relation))),
    h('div.actions', {}, h('button.primary#elderly-submit', { type: 'submit' }, current ? '保存修改' : '登记')));

  if (!current) {
    idLookup(form, idInput, derived, (r) => {
      if (r.elderly_id) {
        derived.append(h('div.notice', {}, `该身份证号已登记：${r.existing.name}。`, h('a#open-existing', { href: `#/elderly/${r.elderly_id}` }, '打开已有记录')));
      } else if (r.existing && !form.name.value) {
        form.name.value = r.existing.name;
      }
    });
  }

  onSubmit(form, (v) => submit({
    person: personInput(v),
    kinds: v.kinds || [],
    risk_factors: v.risk_factors || [],
    sanwu: v.sanwu, enterprise_retiree: v.enterprise_retiree,
    living_arrangement: v.living_arrangement, economic_status: v.economic_status, care_mode: v.care_mode,
    visit_level: v.visit_level, disability_type: v.disability_type, disability_grade: v.disability_grade,
    disability_cert: v.disability_cert, health_notes: v.health_notes,
    emergency_name: v.emergency_name, emergency_phone: v.emergency_phone, emergency_relation: v.emergency_relation,
  }));
  return form;
}
