// The committee's own work: the mediator roster (profile and trainings),
// a case's difficulty for 以案定补, and the monthly 矛盾纠纷排查表 with 立案
// from a row. The choices (education, difficulty, risk …) come from the core.
import { api } from './api.js';
import { communitySelect, errorBox, field, h, mount, onPress, onSubmit, options, table, toast, today, yuan } from './dom.js';
import { committeeChoice, signName } from './mediation.js';

let choices = null;
async function choicesOnce() {
  choices = choices || await api.mediationChoices();
  return choices;
}

/** The case page's 以案定补 card: the difficulty, changed in place, and the subsidy once agreed. */
export async function difficultyCard(ctx, d) {
  const [c, s] = await Promise.all([choicesOnce(), api.caseDifficulty(d.row.id)]);
  const select = h('select#case-difficulty', {}, options(c.difficulties, s.difficulty));
  const message = h('span.field-error');
  const save = h('button.small-button#case-difficulty-save', { type: 'button', disabled: ctx.session.role === 'read_only' }, '保存');
  const subsidy = h('span.muted#case-subsidy');
  const show = (x) => {
    subsidy.textContent = `以案定补：${x.cents != null ? `${yuan(x.cents)}元（按协议日期${x.agreed_on}执行的标准）`
      : x.agreed_on ? '协议所在月份未设补贴标准（系统设置 → 以案定补标准）' : '达成协议后按难度计算'}`;
  };
  show(s);
  onPress(save, async () => {
    await api.setCaseDifficulty(d.row.id, select.value);
    toast(`案件难度已改为“${select.value}”`);
    show(await api.caseDifficulty(d.row.id));
  }, message);
  return h('section.card.case-difficulty#difficulty-card', {},
    h('span.label', {}, '案件难度'), select, save, subsidy, message);
}

const term = (m) => [m.term_from, m.term_to].filter(Boolean).join(' 至 ');

export async function mediatorsPage(ctx) {
  const [list, trainings, c] = await Promise.all([api.mediatorRoster(), api.mediatorTrainings(), choicesOnce()]);
  const readOnly = ctx.session.role === 'read_only';
  let editing = null;
  const heading = h('h2#mediator-form-title', {}, '添加调解员');
  const cancel = h('button#mediator-cancel', { type: 'button', hidden: true, onclick: () => mediatorsPage(ctx) }, '取消修改');
  const form = h('form.card.inline#mediator-form', {},
    heading,
    h('div.grid', {},
      field('姓名', h('input#mediator-name', { name: 'name' }), { required: true }),
      field('所属调委会', committeeChoice(ctx, 'community_id', 'mediator-committee'), { required: true }),
      field('调解员证书编号', h('input#mediator-cert', { name: 'cert_no', placeholder: '如 TJ-2024-001' })),
      field('联系电话', h('input#mediator-phone', { name: 'phone' })),
      field('性别', h('select#mediator-sex', { name: 'sex' }, options(c.sexes, '', '—'))),
      field('出生年份', h('input#mediator-birth', { name: 'birth_year', type: 'number', min: 1900, max: 2100, placeholder: '如 1968' })),
      field('文化程度', h('select#mediator-education', { name: 'education' }, options(c.educations, '', '—'))),
      field('专职/兼职', h('select#mediator-employment', { name: 'employment' }, options(c.employments, '', '—'))),
      field('聘任起始日期', h('input#mediator-term-from', { name: 'term_from', type: 'date' })),
      field('聘任终止日期', h('input#mediator-term-to', { name: 'term_to', type: 'date' }))),
    h('div.actions', {}, h('button.primary#mediator-submit', { type: 'submit', disabled: readOnly }, '添加'), cancel));
  onSubmit(form, async (v) => {
    const input = { ...v, name: v.name || '', birth_year: v.birth_year === null ? null : Number(v.birth_year) };
    if (editing) await api.updateMediator(editing.id, input);
    else await api.addMediator(input);
    toast(editing ? '调解员信息已修改' : '调解员已添加');
    mediatorsPage(ctx);
  });
  const edit = (m) => {
    editing = m;
    heading.textContent = `修改调解员：${m.name}`;
    form.querySelector('#mediator-submit').textContent = '保存修改';
    cancel.hidden = false;
    for (const el of form.elements) {
      if (!el.name || el.disabled) continue;
      // The phone is shown masked: typed again only to change it.
      el.value = el.name === 'phone' ? '' : m[el.name] ?? '';
    }
    form.querySelector('#mediator-committee').value = m.community_id || '';
    form.scrollIntoView({ block: 'nearest' });
  };
  const training = h('form.card.inline#training-form', {},
    h('h2', {}, '登记培训'),
    h('div.grid', {},
      field('调解员', h('select#training-mediator', { name: 'mediator_id' }, options(list.map((m) => [m.id, `${m.name}（${m.committee}）`]), '', '请选择')), { required: true }),
      field('培训日期', h('input#training-date', { name: 'date', type: 'date', value: today() }), { required: true }),
      field('学时', h('input#training-hours', { name: 'hours', inputMode: 'decimal', placeholder: '如 3 或 1.5' }), { required: true }),
      field('培训内容', h('input#training-topic', { name: 'topic', placeholder: '如 人民调解法及调解技巧' }), { required: true, wide: true })),
    h('div.actions', {}, h('button.primary#training-submit', { type: 'submit', disabled: readOnly }, '登记')));
  onSubmit(training, async (v) => {
    await api.addMediatorTraining({ mediator_id: v.mediator_id || '', date: v.date || '', hours: v.hours || '', topic: v.topic || '' });
    toast('培训记录已登记');
    mediatorsPage(ctx);
  });
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '调解员名册'), h('span.muted#mediator-total', {}, `共 ${list.length} 人`),
      h('span.muted', {}, '点击一行修改该调解员')),
    table('#mediator-table', [
      ['姓名', (m) => m.name, 'name'],
      ['性别', (m) => m.sex || '—'],
      ['出生年份', (m) => m.birth_year || '—'],
      ['文化程度', (m) => m.education || '—'],
      ['专职/兼职', (m) => m.employment || '—'],
      ['所属调委会', (m) => m.committee],
      ['证书编号', (m) => m.cert_no || '—', 'mono'],
      ['聘任期限', (m) => term(m) || '—'],
      ['培训', (m) => (m.trainings ? `${m.trainings}次 ${m.training_hours}学时` : '—')],
      ['联系电话', (m) => m.phone || '—', 'mono'],
    ], { rows: list, empty: '名册中还没有调解员，请在下方添加', data: (m) => ({ id: m.id }), open: readOnly ? undefined : (m) => edit(m) }),
    h('div.med-columns', {}, form, training),
    h('section.card', {}, h('h2', {}, `培训记录（${trainings.length}）`),
      table('#training-table', [
        ['培训日期', (t) => t.date],
        ['调解员', (t) => t.mediator, 'name'],
        ['学时', (t) => t.hours, 'num'],
        ['培训内容', (t) => t.topic, 'wrap'],
      ], { rows: trainings, empty: '还没有培训记录' }))));
  if (!list.length) document.getElementById('mediator-name')?.focus();
}

// Kept across visits: the month and community shown.
const shown = { month: today().slice(0, 7), community_id: '' };

function monthSpan(month) {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [`${month}-01`, `${month}-${String(last).padStart(2, '0')}`];
}

/** The row chosen for 立案: the register page (mediation_register.js) takes it once. */
let screeningToOpen = null;
export function takeScreening() {
  const r = screeningToOpen;
  screeningToOpen = null;
  return r;
}

export async function screeningPage(ctx) {
  const c = await choicesOnce();
  const readOnly = ctx.session.role === 'read_only';
  const month = h('input#scr-month', { type: 'month', value: shown.month });
  const community = communitySelect(ctx, { id: 'scr-community', selected: shown.community_id, blank: '全部社区' });
  const message = h('div');
  const result = table('#screening-table', [
    ['排查日期', (r) => r.date],
    ['社区', (r) => r.community],
    ['排查人', (r) => r.screener],
    ['当事人', (r) => r.parties, 'names'],
    ['纠纷类型', (r) => r.dispute_type],
    ['纠纷简况', (r) => r.summary, 'wrap'],
    ['风险等级', (r) => h(`span.risk.risk-${r.risk}`, {}, r.risk)],
    ['责任人', (r) => r.owner],
    ['化解期限', (r) => r.deadline],
    ['化解结果', (r) => r.result, 'wrap'],
    ['调解案件', (r) => (r.case_id ? h('a.case-link', { href: `#/mediation/case/${r.case_id}` }, r.case_number) : '')],
  ], {
    empty: '本月还没有排查登记',
    data: (r) => ({ id: r.id }),
    actions: readOnly ? undefined : (r, tr) => rowActions(r, tr),
  });
  const count = h('span.muted#screening-total');
  const load = async () => {
    shown.month = month.value || shown.month;
    shown.community_id = community.value;
    const [from, to] = monthSpan(shown.month);
    try {
      const rows = await api.screeningList(from, to, shown.community_id || null);
      result.fill(rows);
      count.textContent = `合计 ${rows.length} 件`;
      message.replaceChildren();
    } catch (e) {
      message.replaceChildren(errorBox(e));
    }
  };
  const rowActions = (r, tr) => h('span.row-actions', {},
    r.case_id ? null : h('button.small-button.open-case', { type: 'button', onclick: (ev) => { ev.stopPropagation(); screeningToOpen = r; location.hash = '#/mediation/new'; } }, '立案'),
    r.case_id ? null : h('button.small-button.link-case', { type: 'button', onclick: (ev) => { ev.stopPropagation(); linkForm(r, tr); } }, '关联案件'),
    h('button.small-button.write-result', { type: 'button', onclick: (ev) => { ev.stopPropagation(); resultForm(r, tr); } }, '填写结果'));
  const resultForm = (r, tr) => {
    const f = h('form.inline-edit', {}, h('input.result-input', { name: 'result', value: r.result || '', placeholder: '如 已化解，双方和好' }),
      h('span.field-error', { dataset: { for: 'result' } }), h('button.primary.small-button', { type: 'submit' }, '保存'));
    onSubmit(f, async (v) => {
      await api.updateScreening(r.id, { ...r, result: v.result });
      toast('化解结果已保存');
      await load();
    });
    result.under(tr, f);
  };
  const linkForm = async (r, tr) => {
    const cases = await api.mediationList({ community_id: r.community_id, page: 1, page_size: 100 });
    const f = h('form.inline-edit', {},
      h('select.link-select', { name: 'case_id' }, options(cases.items.map((k) => [k.id, `${k.number} ${k.applicants}—${k.respondents}`]), '', '选择本社区调委会的案件')),
      h('span.field-error', { dataset: { for: 'case_id' } }), h('button.primary.small-button', { type: 'submit' }, '关联'));
    onSubmit(f, async (v) => {
      await api.screeningLinkCase(r.id, v.case_id || '');
      toast('已关联调解案件');
      await load();
    });
    result.under(tr, f);
  };
  month.addEventListener('change', load);
  community.addEventListener('change', load);
  const form = h('form.card#screening-form', {},
    h('h2', {}, '登记排查发现的纠纷'),
    h('div.grid', {},
      field('排查日期', h('input', { name: 'date', type: 'date', value: today() }), { required: true }),
      field('社区', communitySelect(ctx, { id: 'screening-community', name: 'community_id', blank: '请选择' }), { required: true }),
      field('排查人', h('input#screening-screener', { name: 'screener', value: signName(ctx) }), { required: true }),
      field('当事人', h('input#screening-parties', { name: 'parties', placeholder: '如 张三、李四' }), { required: true }),
      field('纠纷类型', h('select#screening-type', { name: 'dispute_type' }, options(ctx.dicts.dispute_type, '', '请选择')), { required: true }),
      field('风险等级', h('select#screening-risk', { name: 'risk' }, options(c.risks, '', '请选择')), { required: true }),
      field('责任人', h('input#screening-owner', { name: 'owner' }), { required: true }),
      field('化解期限', h('input#screening-deadline', { name: 'deadline', type: 'date' })),
      field('纠纷简况', h('input#screening-summary', { name: 'summary', placeholder: '如 楼道堆物引发争吵' }), { wide: true }),
      field('化解结果', h('input#screening-result', { name: 'result', placeholder: '已化解的可直接填写' }), { wide: true })),
    h('div.actions', {}, h('button.primary#screening-submit', { type: 'submit', disabled: readOnly }, '登记')));
  onSubmit(form, async (v) => {
    const input = { ...v };
    for (const k of ['date', 'screener', 'parties', 'dispute_type', 'risk', 'owner']) input[k] = v[k] || '';
    await api.addScreening(input);
    toast('排查登记已保存');
    if (input.date.slice(0, 7) !== month.value) month.value = input.date.slice(0, 7);
    await load();
  });
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '矛盾纠纷排查表'), count,
      h('span.period', {}, h('span.muted', {}, '月份'), month, community),
      h('span.muted', {}, '导出Excel：统计报表 → 矛盾纠纷排查表')),
    message, result, form));
  await load();
}

/** 立案 from a screening row: its committee, type, summary and the first two
 *  parties named (the first applies, the second responds) filled in. */
export function prefillFromScreening(form, r) {
  const set = (css, v) => { const el = form.querySelector(css); if (el && v && !el.disabled) el.value = v; };
  set('#med-dispute-type', r.dispute_type);
  set('#med-summary', r.summary);
  set('#med-source-input', '主动调解');
  const [a, b] = r.parties.split(/[、，,；;\s]+/).filter(Boolean);
  set('#applicant-rows tr.party-row .p-name', a);
  set('#respondent-rows tr.party-row .p-name', b);
}
