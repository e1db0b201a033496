// 家庭户 and 零就业家庭: the list (the zero-employment households on top:
// 已认定 with their date, 待认定 proposed by the core, 再次符合 for those
// that fell back), a new household with its members, and the household page
// (members' work status, 认定 with a date, the history of 认定 and 消除).
import { api } from './api.js';
import { communitySelect, errorBox, field, h, mount, onSubmit, options, table, toast, today } from './dom.js';
import { registerMember } from './cases.js';
import { choices } from './employment.js';

const state = { community_id: '' };

/** Where a household stands, as a tag, in the core's words (`zero_label`):
 *  已认定 (date), 待认定, 再次符合; on the household's page 已消除 and the date. */
export function zeroTag(hh, id) {
  return h(`span.zero.zero-${hh.zero.state}${id ? `#${id}` : ''}`, {}, hh.zero_label);
}

export async function householdsPage(ctx) {
  const community = communitySelect(ctx, { id: 'household-community', selected: state.community_id, blank: '全部社区' });
  const total = h('span.muted#household-total');
  const message = h('div');
  const households = (spec, empty) => table(spec, [
    ['认定情况', (r) => zeroTag(r)],
    ['户主', (r) => r.head || '—', 'name'],
    ['住址', (r) => r.address],
    ['社区', (r) => r.community],
    ['人数', (r) => r.members, 'num'],
    ['就业人数', (r) => r.employed, 'num'],
  ], { empty, data: (r) => ({ id: r.id }), open: (r) => `#/household/${r.id}` });
  const zeroList = households('.households#zero-table', '没有零就业家庭，也没有待认定的家庭户');
  const restList = households('.households#household-table', '没有其他家庭户');
  const load = async () => {
    try {
      const rows = await api.households(community.value || null);
      message.replaceChildren();
      const zero = rows.filter((r) => r.zero_listed);
      const rest = rows.filter((r) => !r.zero_listed);
      const candidates = zero.filter((r) => r.actions.includes('confirm')).length;
      total.textContent = `共 ${rows.length} 户；零就业家庭 ${zero.length - candidates} 户，待认定 ${candidates} 户`;
      zeroList.fill(zero);
      restList.fill(rest);
    } catch (e) {
      message.replaceChildren(errorBox(e));
    }
  };
  community.addEventListener('change', () => { state.community_id = community.value; load(); });
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '家庭户'), total,
      h('a.button.primary#household-new', { href: '#/households/new' }, '+ 新建家庭户')),
    h('div.toolbar', {}, community),
    message,
    h('h2', {}, '零就业家庭'),
    h('p.muted', {}, '劳动年龄内、有劳动能力和就业意愿的成员都处于失业状态的家庭户由程序列为“待认定”，核实后在家庭户页面认定；成员就业后自动消除。曾消除又符合条件的标为“再次符合”。'),
    zeroList,
    h('h2', {}, '其他家庭户'),
    restList));
  await load();
}

// Fields of a member the core may name in an error.
const MEMBER_FIELDS = ['name', 'id_number', 'phone', 'relation', 'work_status', 'employer', 'since', 'sex', 'birth_date'];

/** One member row of the new-household form. */
function memberRow(ctx, index) {
  const ctl = (cls, el) => { el.classList.add(cls); return el; };
  const id = ctl('m-id', h('input', { maxLength: 18, placeholder: '18位身份证号', autocomplete: 'off' }));
  const name = ctl('m-name', h('input', { placeholder: '姓名' }));
  const derived = h('td.m-derived.muted', {}, '');
  const error = h('span.field-error', { dataset: { for: `members.${index}` } });
  const status = ctl('m-status', h('select', {}, options(ctx.dicts.work_status, '', '请选择')));
  const tr = h('tr.member-row', { dataset: { row: String(index) } },
    h('td', {}, name),
    h('td', {}, id),
    derived,
    h('td', {}, ctl('m-relation', h('select', {}, options(ctx.dicts.household_relation, index === 0 ? '户主' : '', '请选择')))),
    h('td', {}, status),
    h('td', {}, ctl('m-employer', h('input', { placeholder: '就业时填写' }))),
    h('td', {}, ctl('m-since', h('input', { type: 'date' }))),
    h('td.center', {}, ctl('m-able', h('input', { type: 'checkbox', checked: true, title: '有劳动能力' }))),
    h('td.center', {}, ctl('m-willing', h('input', { type: 'checkbox', checked: true, title: '有就业意愿' }))),
    h('td', {}, h('button.small-button.remove-member', { type: 'button', title: '删去这一行', onclick: () => { tr.remove(); errTr.remove(); } }, '删去')));
  const errTr = h('tr.member-error-row', {}, h('td', { colSpan: 10 }, error));
  // The ID number tells sex and age at once, and is checked as typed.
  let seq = 0;
  id.addEventListener('input', async () => {
    const mine = ++seq;
    const v = id.value.trim();
    error.textContent = '';
    if (v.length < 15) { derived.textContent = ''; return; }
    try {
      const r = await api.lookupId(v);
      if (mine !== seq) return;
      derived.textContent = `${r.sex} ${r.age}岁`;
      if (r.existing && !name.value) name.value = r.existing.name;
    } catch (e) {
      if (mine !== seq) return;
      derived.textContent = '';
      if (v.length >= 18 || e.code !== 'invalid_input') error.textContent = e.message;
    }
  });
  return [tr, errTr];
}

function readMember(tr) {
  const val = (cls) => { const v = tr.querySelector(`.${cls}`).value.trim(); return v === '' ? null : v; };
  return {
    person: { name: val('m-name') || '', id_number: val('m-id') },
    relation: val('m-relation') || '',
    work_status: val('m-status') || '',
    employer: val('m-employer'),
    since: val('m-since'),
    able: tr.querySelector('.m-able').checked,
    willing: tr.querySelector('.m-willing').checked,
  };
}

export function householdNewPage(ctx) {
  const members = table('.plain.member-edit#member-edit-table',
    ['姓名', '身份证号', '性别年龄', '与户主关系', '就业状况', '工作单位', '起始日期', '劳动能力', '就业意愿', ''], { empty: null });
  const body = members.body;
  body.id = 'member-rows';
  let next = 0;
  const addRow = () => { body.append(...memberRow(ctx, next)); next += 1; };
  addRow();
  addRow();
  const form = h('form.card.form#household-form', {},
    h('h2', {}, '家庭户'),
    h('div.grid', {},
      field('所属社区', communitySelect(ctx, { name: 'community_id', blank: '请选择' }), { required: true }),
      field('住址', h('input', { name: 'address', id: 'household-address-input', placeholder: '如 和平路12号3单元201' }), { required: true }),
      field('备注', h('input', { name: 'notes' }))),
    h('h2', {}, '家庭成员'),
    h('span.field-error.members-error', { dataset: { for: 'members' } }),
    members,
    h('div.actions', {}, h('button#add-member-row', { type: 'button', onclick: addRow }, '+ 添加成员')),
    h('p.muted', {}, '就业状况为“就业”的成员须填写工作单位。没有劳动能力或没有就业意愿的，去掉相应的勾；在校学生、服兵役、退休的成员不计入零就业家庭的认定。'),
    h('div.actions', {}, h('button.primary#household-submit', { type: 'submit' }, '保存家庭户')));
  const rows = () => [...body.querySelectorAll('tr.member-row')];
  onSubmit(form, async (v) => {
    const input = { community_id: v.community_id || '', address: v.address || '', notes: v.notes, members: rows().map(readMember) };
    const id = await api.createHousehold(input);
    toast('家庭户已保存');
    location.hash = `#/household/${id}`;
  }, {
    // The core names the field, not which member: with one member it is
    // that row, otherwise the message goes above the members.
    error: (e) => {
      if (!MEMBER_FIELDS.includes(e.field)) return e;
      if (rows().length > 1) return { ...e, field: 'members', message: `家庭成员：${e.message}` };
      body.querySelector('.member-error-row .field-error').textContent = e.message;
      return null;
    },
  });
  mount(h('div.page', {},
    h('div.page-head', {}, h('a.back', { href: '#/households' }, '← 家庭户'), h('h1', {}, '新建家庭户')),
    form));
}

export async function householdPage(ctx, id) {
  const hh = await api.household(id);
  const reload = () => householdPage(ctx, id);
  mount(h('div.page', {},
    h('div.page-head', {},
      h('a.back', { href: '#/households' }, '← 家庭户'),
      h('h1#household-address', {}, hh.address),
      zeroTag(hh, 'household-zero'),
      h('span.muted', {}, `${hh.community} · ${hh.members.length} 人 · 登记于 ${hh.registered_on}${hh.notes ? ` · ${hh.notes}` : ''}`)),
    zeroCard(hh, reload),
    h('h2', {}, '家庭成员'),
    membersTable(ctx, hh, reload),
    h('div.household-bottom', {},
      addMemberForm(ctx, hh, reload),
      h('section.card#zero-history-card', {}, h('h2', {}, '认定与消除记录'),
        table('#zero-history', [
          ['认定日期', ([on]) => on],
          ['消除日期', ([, off]) => off || '未消除'],
          ['消除原因', ([, , why]) => why],
        ], { rows: hh.history, empty: '暂无认定记录', wrap: false })))));
}

function zeroCard(hh, reload) {
  const z = hh.zero;
  if (z.since) {
    return h('div.card.zero-card#zero-card', {}, h('b', {}, '已认定为零就业家庭'), `（认定日期 ${z.since}）。家庭成员就业后自动消除，消除日期为其就业日期。`);
  }
  if (!hh.actions.includes('confirm')) {
    const [on, off, why] = hh.history[hh.history.length - 1] || [];
    return h('div.card.zero-card#zero-card', {},
      off ? [h('b', {}, `零就业家庭已于 ${off} 消除`), `（${on} 认定${why ? `，${why}` : ''}）。`] : null,
      h('span.muted', {}, '目前不符合零就业家庭条件（须有劳动年龄内、有劳动能力和就业意愿的成员，且这些成员都处于失业状态）。'));
  }
  const form = h('form.zero-card.card.candidate#confirm-form', {},
    h('div', {}, h('b', {}, z.again ? '再次符合零就业家庭条件，待认定' : '符合零就业家庭条件，待认定'),
      `：劳动年龄内、有劳动能力和就业意愿的成员都处于失业状态。${z.again ? '该户曾认定并已消除。' : ''}核实后填写认定日期并认定。`),
    h('div.form-error'),
    h('div.confirm-row', {},
      field('认定日期', h('input#confirm-date', { name: 'on', type: 'date', value: today(), dataset: { name: 'confirmed_on' } }), { required: true }),
      h('button.primary#confirm-submit', { type: 'submit' }, '认定')));
  return onSubmit(form, async () => {
    await api.confirmHousehold(hh.id, form.on.value.trim());
    toast('已认定为零就业家庭');
    reload();
  });
}

function membersTable(ctx, hh, reload) {
  const edit = (m, tr) => {
    const form = h('form.inline-form.member-status-form', {},
      h('div.grid', {},
        field('就业状况', h('select', { name: 'work_status' }, options(ctx.dicts.work_status, m.work_status)), { required: true }),
        field('工作单位', h('input', { name: 'employer', value: m.employer || '', placeholder: '就业时填写' })),
        field('起始日期', h('input', { name: 'since', type: 'date', value: m.since || '' })),
        h('div.field', {}, h('span.label', {}, '劳动能力与意愿'), h('div.checks', {},
          h('label.check', {}, h('input', { type: 'checkbox', name: 'able', checked: m.able }), '有劳动能力'),
          h('label.check', {}, h('input', { type: 'checkbox', name: 'willing', checked: m.willing }), '有就业意愿'))),
        field('退休年龄类别（女性）', h('select', { name: 'retire_base' }, options(choices.retire_bases, m.retire_base || '', '按系统设置')))),
      h('div.actions', {}, h('button.primary.member-status-submit', { type: 'submit' }, '保存'),
        h('button', { type: 'button', onclick: () => form.closest('tr').remove() }, '取消')));
    onSubmit(form, async (v) => {
      await api.setMemberStatus(m.id, { work_status: v.work_status || '', employer: v.employer, since: v.since, able: v.able, willing: v.willing, retire_base: v.retire_base || null });
      toast('就业状况已保存');
      reload();
    });
    list.under(tr, form);
  };
  const list = table('#member-table', [
    ['姓名', (m) => m.name, 'name'],
    ['与户主关系', (m) => m.relation],
    ['性别', (m) => m.sex],
    ['年龄', (m) => m.age, 'num'],
    ['身份证号', (m) => m.id_number, 'mono'],
    ['劳动年龄', (m) => (m.working_age ? '是' : '否')],
    ['就业状况', (m) => h(`span.work.work-${m.work_status}`, {}, m.work_status)],
    ['工作单位', (m) => m.employer],
    ['起始日期', (m) => m.since],
    ['劳动能力 / 意愿', (m) => `${m.able ? '有' : '无'} / ${m.willing ? '有' : '无'}`],
  ], {
    rows: hh.members, empty: null, data: (m) => ({ id: m.id }), rowClass: () => 'member',
    actions: (m, tr) => [
      h('button.small-button.edit-member', { type: 'button', onclick: () => edit(m, tr) }, '修改就业状况'),
      h('button.small-button.member-case', { type: 'button', onclick: () => registerMember(m, hh.community_id) }, '登记援助')],
  });
  return list;
}

function addMemberForm(ctx, hh, reload) {
  const form = h('form.card#member-form', {},
    h('h2', {}, '添加成员'),
    h('div.grid.grid-narrow', {},
      field('姓名', h('input', { name: 'name' }), { required: true }),
      field('身份证号', h('input', { name: 'id_number', maxLength: 18, autocomplete: 'off' }), { required: true }),
      field('与户主关系', h('select', { name: 'relation' }, options(ctx.dicts.household_relation, '', '请选择')), { required: true }),
      field('就业状况', h('select', { name: 'work_status' }, options(ctx.dicts.work_status, '', '请选择')), { required: true }),
      field('工作单位', h('input', { name: 'employer', placeholder: '就业时填写' })),
      field('起始日期', h('input', { name: 'since', type: 'date' })),
      h('div.field', {}, h('span.label', {}, '劳动能力与意愿'), h('div.checks', {},
        h('label.check', {}, h('input', { type: 'checkbox', name: 'able', checked: true }), '有劳动能力'),
        h('label.check', {}, h('input', { type: 'checkbox', name: 'willing', checked: true }), '有就业意愿'))),
      field('退休年龄类别（女性）', h('select', { name: 'retire_base' }, options(choices.retire_bases, '', '按系统设置')))),
    h('div.actions', {}, h('button.primary#member-submit', { type: 'submit' }, '添加')));
  return onSubmit(form, async (v) => {
    const member = {
      person: { name: v.name || '', id_number: v.id_number }, relation: v.relation || '', work_status: v.work_status || '',
      employer: v.employer, since: v.since, able: v.able, willing: v.willing, retire_base: v.retire_base || null,
    };
    await api.addMember(hh.id, member);
    toast('成员已添加');
    reload();
  });
}
