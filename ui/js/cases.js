// 援助对象 (就业援助台账): the list of cases with filters, and registering
// one (登记援助对象). The ID number comes first, as on the roster: the core
// finds the person if already on file (another register, a household).
import { api } from './api.js';
import { communitySelect, field, h, mount, onSubmit, options, toast, today } from './dom.js';
import { listPage } from './list.js';
import { ID_HINT, idLookup, personInput } from './lookup.js';
import { categoryTags, choices, statusTag } from './employment.js';

// Kept across visits, so that coming back from a case finds the same list.
const state = { q: '', category: '', community_id: '', status: '', page: 1 };

export async function casesPage(ctx) {
  const search = h('input#case-search', { type: 'search', value: state.q, placeholder: '姓名、拼音首字母（如 zs）、身份证号后4-6位或电话', autofocus: true });
  const community = communitySelect(ctx, { id: 'case-community', selected: state.community_id, blank: '全部社区' });
  const category = h('select#case-category', {}, options(ctx.dicts.employment_category, state.category, '全部类别'));
  const status = h('select#case-status', {}, options(choices.statuses, state.status, '全部状态'));
  await listPage({
    state,
    fetch: (paging) => api.cases({
      q: state.q || null, category: state.category || null, community_id: state.community_id || null,
      status: state.status || null, ...paging,
    }),
    search: ['q', search],
    filters: { community_id: community, category, status },
    title: '就业援助对象',
    totalId: 'case-total',
    action: h('a.button.primary#case-new', { href: '#/cases/new' }, '+ 登记援助对象'),
    toolbar: h('div.toolbar', {}, search, community, category, status),
    table: ['#case-table', [
      ['姓名', (r) => r.name, 'name'],
      ['性别', (r) => r.sex],
      ['年龄', (r) => r.age, 'num'],
      ['身份证号', (r) => r.id_number, 'mono'],
      ['社区', (r) => r.community],
      ['人员类别', (r) => categoryTags(r.categories), 'wrap-tags'],
      ['登记日期', (r) => r.registered_on],
      ['最近跟踪', (r) => r.last_followup || '—'],
      ['状态', (r) => statusTag(r.status)],
    ], { empty: '没有符合条件的援助对象', data: (r) => ({ id: r.id }), open: (r) => `#/case/${r.id}` }],
    unit: '人',
  });
}

// A member of a household to register as a case: the household page puts
// the name and community here (the ID number is never shown in full).
let draft = null;
export function registerMember(member, communityId) {
  draft = { name: member.name, community_id: communityId, id_hint: member.id_number };
  location.hash = '#/cases/new';
}

export function caseRegisterPage(ctx) {
  const d = draft;
  draft = null;
  const form = caseForm(ctx, d, async (input) => {
    const id = await api.registerCase(input);
    toast('已登记为援助对象');
    location.hash = `#/case/${id}`;
  });
  mount(h('div.page', {},
    h('div.page-head', {}, h('a.back', { href: '#/cases' }, '← 援助对象'), h('h1', {}, '登记援助对象')),
    d ? h('p.notice#case-draft', {}, `为家庭成员“${d.name}”登记：请对照身份证输入完整的身份证号（家庭户中为 ${d.id_hint || '—'}）。`) : null,
    form));
}

/** The categories a user may tick (the derived ones follow by rule). */
export function categoryChecks(ctx, chosen = []) {
  return h('div.checks', { dataset: { name: 'categories' } },
    (ctx.dicts.employment_category || []).filter((c) => !choices.derived_categories.includes(c)).map((c) =>
      h('label.check', {}, h('input', { type: 'checkbox', name: 'categories', value: c, dataset: { multi: '1' }, checked: chosen.includes(c) }), c)),
    h('span.muted', {}, `（${choices.derived_categories.join('、')}按年龄和家庭户自动认定）`));
}

function caseForm(ctx, d, submit) {
  const text = (name, attrs = {}) => h('input', { name, ...attrs });
  const idInput = text('id_number', { id: 'case-id-number', maxLength: 18, placeholder: '18位身份证号', autocomplete: 'off' });
  const derived = h('div.derived#case-derived', {}, ID_HINT);
  const form = h('form.card.form#case-form', {},
    h('h2', {}, '基本信息'),
    h('div.grid', {},
      field('身份证号', idInput, { required: true }),
      field('姓名', text('name', { id: 'case-name-input', value: d?.name || '' }), { required: true }),
      h('div.field', {}, h('span.label', {}, '性别 / 出生日期 / 年龄'), derived),
      field('联系电话', text('phone')),
      field('所属社区', communitySelect(ctx, { name: 'community_id', selected: d?.community_id, blank: '请选择' }), { required: true }),
      field('居住地址', text('address')),
      field('户籍', text('hukou'))),
    h('h2', {}, '援助情况'),
    field('人员类别', categoryChecks(ctx), { wide: true }),
    h('div.grid', {},
      field('登记日期', h('input', { name: 'registered_on', type: 'date', value: today() }), { required: true }),
      field('文化程度', h('select', { name: 'education' }, options(ctx.dicts.education, '', '（未填）'))),
      field('退休年龄类别（女性）', h('select#case-retire-base', { name: 'retire_base' }, options(choices.retire_bases, '', '按系统设置'))),
      field('技能特长', text('skills', { placeholder: '如 电工证、驾驶' })),
      field('求职意愿', text('wishes', { placeholder: '希望从事的工作、地点、时间等' }), { wide: true })),
    h('div.actions', {}, h('button.primary#case-submit', { type: 'submit' }, '登记')));

  idLookup(form, idInput, derived, (r) => {
    if (r.existing) {
      derived.append(h('div.muted', {}, `已有人员：${r.existing.name}（${r.existing.community_name || ''}），登记后使用已有人员信息。`));
      if (!form.name.value) form.name.value = r.existing.name;
    }
  });

  onSubmit(form, (v) => submit({
    person: personInput(v),
    categories: v.categories || [],
    registered_on: v.registered_on, education: v.education, skills: v.skills, wishes: v.wishes,
    retire_base: v.retire_base || null,
  }));
  return form;
}
