// The page of one case (援助对象): the person (masked), categories, what
// they can do and want, status and outcome, and in tabs: training,
// follow-up services, placement (安置) and closing (结案), start-up loans
// (展期, repayment), hardship relief and public-welfare posts held.
import { api } from './api.js';
import { errorBox, field, h, mount, onSubmit, options, recordForm, table, toast, today, yuan } from './dom.js';
import { categoryTags, choices, daysLeft, reliefSection, statusTag, wholeNumber } from './employment.js';
import { categoryChecks } from './cases.js';
import { revealable } from './lookup.js';

export async function casePage(ctx, id, tab = 'info') {
  const c = await api.caseDetail(id);
  const p = c.person;
  const reload = (t) => casePage(ctx, id, t);
  const tabs = [
    ['info', '台账信息'], ['training', `培训（${c.trainings.length}）`], ['followups', `跟踪服务（${c.followups.length}）`],
    ['outcome', '安置与结案'], ['loans', `创业贷款（${c.loans.length}）`], ['relief', `困难帮扶（${c.relief.length}）`],
    ['posts', `公益性岗位（${c.posts.length}）`], ['edit', '修改'],
  ];
  const content = {
    info: () => infoTab(ctx, c),
    training: () => trainingTab(ctx, c, reload),
    followups: () => followupsTab(ctx, c, reload),
    outcome: () => outcomeTab(ctx, c, reload),
    loans: () => loansTab(ctx, c, reload),
    relief: () => reliefSection(ctx, c.relief, async (input) => { await api.addRelief(c.id, input); reload('relief'); },
      ['relief-form', 'relief-table']),
    posts: () => postsTab(c, reload),
    edit: () => editTab(ctx, c, reload),
  };
  if (!content[tab]) tab = 'info';
  mount(h('div.page', {},
    h('div.page-head', {},
      h('a.back', { href: '#/cases' }, '← 援助对象'),
      h('h1#case-name', {}, p.name),
      statusTag(c.status, 'case-status'),
      h('span.muted', {}, [[p.sex, p.age !== null && p.age !== undefined ? `${p.age}岁` : ''].filter(Boolean).join(' '), p.community_name, p.id_number_masked].filter(Boolean).join(' · '))),
    h('div.kinds#case-categories', {}, c.categories.length ? categoryTags(c.categories) : h('span.muted', {}, '未选人员类别')),
    h('div.tabs', {}, tabs.map(([key, label]) => h(`button.tab${key === tab ? '.active' : ''}`, { type: 'button', dataset: { tab: key }, onclick: () => reload(key) }, label))),
    h('div.tab-body', {}, content[tab]())));
}

/** What became of the case, in one line. */
function outcomeText(c) {
  if (c.closed_on) return [c.closed_on, c.closed_reason, c.closed_by_rule ? '系统自动结案' : null].filter(Boolean).join(' · ');
  if (c.placed_on) return [c.placed_on, c.placed_way, c.placed_employer, c.placed_post].filter(Boolean).join(' · ');
  return '尚未就业';
}

function infoTab(ctx, c) {
  const p = c.person;
  const [idCell, phoneCell] = revealable(ctx, p);
  const last = c.followups[0];
  const rows = [
    ['身份证号', idCell], ['出生日期', p.birth_date], ['联系电话', phoneCell], ['所属社区', p.community_name],
    ['居住地址', p.address], ['户籍', p.hukou], ['登记日期', c.registered_on], ['文化程度', c.education],
    ['技能特长', c.skills], ['求职意愿', c.wishes], ['状态', statusTag(c.status)], ['就业或结案', h('span#case-outcome', {}, outcomeText(c))],
    ['最近跟踪', last ? `${last.date} ${last.way} ${last.staff}` : '从未跟踪'], ['培训', c.trainings.length ? `${c.trainings.length} 次` : '未参加'],
    ['法定退休日期', h('span#case-retires-on', {}, [c.retires_on, c.retire_base ? `按${c.retire_base}` : null].filter(Boolean).join(' · '))],
  ];
  return h('div', {},
    h('dl.facts.card', {}, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')])),
    h('h2', {}, '台账经过'),
    table('#case-history', ['日期', '事项'], { rows: c.history.map((e) => [e.date, e.what]) }));
}

function closedNotice(c, what) {
  return h('p.notice', {}, `该援助对象已结案（${outcomeText(c)}），不能再登记${what}；历史记录如下。`);
}

function trainingTab(ctx, c, reload) {
  const open = c.actions.includes('training');
  const form = recordForm('training-form', '登记培训', [
    field('培训类型', h('select', { name: 'kind' }, options(ctx.dicts.training_kind, '', '请选择')), { required: true }),
    field('培训项目', h('input', { name: 'course', placeholder: '如 育婴师、电工、SYB创业培训' })),
    field('开始日期', h('input', { name: 'start_on', type: 'date', value: today() })),
    field('结束日期', h('input', { name: 'end_on', type: 'date' })),
    field('培训结果', h('input', { name: 'result', placeholder: '如 取得初级证书' })),
  ], async (v) => { await api.addTraining(c.id, { ...v, kind: v.kind || '' }); toast('培训记录已保存'); reload('training'); });
  return h('div', {}, open ? form : closedNotice(c, '培训'),
    table('#training-table', ['类型', '培训项目', '开始日期', '结束日期', '培训结果'],
      { rows: c.trainings.map((t) => [t.kind, t.course, t.start_on, t.end_on, t.result]) }));
}

function followupsTab(ctx, c, reload) {
  const open = c.actions.includes('followup');
  const form = recordForm('followup-form', '登记跟踪服务', [
    field('服务日期', h('input', { name: 'date', type: 'date', value: today() }), { required: true }),
    field('服务方式', h('select', { name: 'way' }, options(ctx.dicts.followup_way, '', '请选择')), { required: true }),
    field('服务地点', h('input', { name: 'place' })),
    field('服务人员', h('input', { name: 'staff', value: (ctx.session.user || '').replace(`(${ctx.session.username})`, '') }), { required: true }),
    field('服务内容', h('input', { name: 'content', placeholder: '如 推荐岗位、政策宣传、了解求职进展' }), { required: true, wide: true }),
  ], async (v) => {
    await api.addFollowup(c.id, { ...v, date: v.date || '', way: v.way || '', content: v.content || '', staff: v.staff || '' });
    toast('跟踪服务已保存');
    reload('followups');
  });
  return h('div', {}, open ? form : closedNotice(c, '跟踪服务'),
    table('#followup-history', ['日期', '方式', '地点', '服务内容', '服务人员'],
      { rows: c.followups.map((f) => [f.date, f.way, f.place, f.content, f.staff]) }));
}

function outcomeTab(ctx, c, reload) {
  const facts = h('dl.facts.card#outcome-facts', {},
    h('dt', {}, '状态'), h('dd', {}, statusTag(c.status)),
    h('dt', {}, c.closed_on ? '结案情况' : '就业情况'), h('dd', {}, outcomeText(c)));
  if (!c.actions.includes('place') && !c.actions.includes('close')) return h('div', {}, facts, h('p.muted', {}, '已结案的援助对象不再列入待跟踪；如需重新援助，请联系管理员。'));
  const place = c.actions.includes('place') && recordForm('place-form', c.placed_on ? '重新安置（更换工作）' : '就业安置', [
    field('就业单位', h('input', { name: 'employer', placeholder: '灵活就业可填“灵活就业”' }), { required: true }),
    field('岗位', h('input', { name: 'post' })),
    field('就业日期', h('input', { name: 'placed_on', type: 'date', value: today() }), { required: true }),
    field('就业方式', h('select', { name: 'way' }, options(ctx.dicts.placed_way, '', '请选择')), { required: true }),
  ], async (v) => {
    await api.placeCase(c.id, { employer: v.employer || '', post: v.post, placed_on: v.placed_on || '', way: v.way || '' });
    toast('已登记就业，家庭成员的就业状况随之更新');
    reload('outcome');
  });
  const close = c.actions.includes('close') && recordForm('close-form', '结案', [
    field('结案日期', h('input', { name: 'on', type: 'date', value: today(), dataset: { name: 'closed_on' } }), { required: true }),
    field('结案原因', h('select', { name: 'reason', dataset: { name: 'closed_reason' } }, options(choices.close_reasons, '', '请选择')), { required: true }),
  ], async (v) => {
    await api.closeCase(c.id, v.on || '', v.reason || '');
    toast('已结案');
    reload('outcome');
  });
  if (close) close.querySelector('button[type=submit]').textContent = '结案';
  return h('div', {}, facts,
    h('p.muted', {}, '安置在公益性岗位请在“公益性岗位”中办理（同时计算补贴月数）；其他就业在此登记。安置后该人所在家庭户的就业状况随之更新，零就业家庭随之消除。'),
    place, close);
}

function loansTab(ctx, c, reload) {
  const form = recordForm('loan-form', '登记创业担保贷款', [
    field('贷款金额（元）', h('input', { name: 'amount', inputMode: 'decimal' }), { required: true }),
    field('贷款银行', h('input', { name: 'bank' }), { required: true }),
    field('担保方式', h('input', { name: 'guarantee', placeholder: '如 担保基金、反担保人' })),
    field('放款日期', h('input', { name: 'granted_on', type: 'date', value: today() }), { required: true }),
    field('期限（月）', h('input', { name: 'term_months', inputMode: 'numeric', placeholder: '1至36' }), { required: true }),
    field('财政贴息（元）', h('input', { name: 'interest_subsidy', inputMode: 'decimal' })),
    field('借款人类型', h('select', { name: 'borrower' }, options(choices.borrowers, choices.borrowers[0]))),
    field('企业名称', h('input', { name: 'enterprise', placeholder: '小微企业贷款填写' })),
  ], async (v) => {
    await api.addLoan(c.id, { ...v, amount: v.amount || '', bank: v.bank || '', granted_on: v.granted_on || '', term_months: wholeNumber(v.term_months) });
    toast('贷款已登记');
    reload('loans');
  });
  const list = table('#loan-table', [
    ['放款日期', (l) => l.granted_on],
    ['金额（元）', (l) => yuan(l.amount_cents), 'num'],
    ['贷款银行', (l) => l.bank],
    ['担保方式', (l) => l.guarantee],
    ['期限（月）', (l) => l.term_months, 'num'],
    ['展期（月）', (l) => l.extension_months || '', 'num'],
    ['到期日', (l) => l.due_on],
    ['剩余', daysLeft],
    ['贴息（元）', (l) => yuan(l.interest_subsidy_cents), 'num'],
    ['应贴息（按年）', (l) => l.subsidy_by_year.map((y) => `${y.year}年 ${yuan(y.cents)}`).join('；') || '—'],
    ['还款情况', (l) => (l.settled_on ? `${l.repayment} ${l.settled_on}` : l.repayment)],
  ], {
    rows: c.loans, empty: '暂无贷款', data: (l) => ({ id: l.id }), rowClass: () => 'loan-row',
    actions: (l, tr) => [
      l.actions.includes('extend') ? h('button.small-button.extend-loan', { type: 'button', onclick: () => openLoanForm(l, 'extend', tr) }, '展期') : null,
      l.actions.includes('repayment') ? h('button.small-button.repay-loan', { type: 'button', onclick: () => openLoanForm(l, 'repay', tr) }, '还款情况') : null],
  });
  // One small form under the loan's row: 展期 or 还款情况.
  const openLoanForm = (l, kind, row) => {
    const fields = kind === 'extend'
      ? [field('展期（月）', h('input', { name: 'months', inputMode: 'numeric', placeholder: '1至12，只能展期一次，展期内不贴息', dataset: { name: 'extension_months' } }), { required: true })]
      : [field('还款情况', h('select', { name: 'status', dataset: { name: 'repayment' } }, options(ctx.dicts.loan_repayment, l.repayment))),
        field('结清日期', h('input', { name: 'on', type: 'date', value: today(), dataset: { name: 'settled_on' } }))];
    const form = h('form.inline-form.loan-edit-form', {}, h('div.grid', {}, fields),
      h('div.actions', {}, h('button.primary.loan-edit-submit', { type: 'submit' }, kind === 'extend' ? '确认展期' : '保存'),
        h('button', { type: 'button', onclick: () => form.closest('tr').remove() }, '取消')));
    onSubmit(form, async (v) => {
      if (kind === 'extend') await api.extendLoan(l.id, wholeNumber(v.months));
      else await api.setRepayment(l.id, v.status || '', v.on);
      toast(kind === 'extend' ? '已展期' : '还款情况已保存');
      reload('loans');
    });
    list.under(row, form);
  };
  return h('div', {}, form, list);
}

function postsTab(c, reload) {
  const held = c.posts.find((p) => !p.end_on);
  const box = h('div');
  const list = table('#case-post-table', ['岗位类型', '用人单位', '上岗日期', '离岗日期'],
    { rows: c.posts.map((p) => [p.post_type, p.unit, p.start_on, p.end_on || '在岗']) });
  if (held || !c.actions.includes('place')) {
    box.append(h('p.muted', {}, held ? `目前在“${held.unit}”的${held.post_type}岗位上岗；离岗在“公益性岗位”页面办理。` : '已结案，不能再安置。'), list);
    return box;
  }
  // Vacant posts to choose from: the posts page lists every post.
  const form = h('form.card.inline#case-post-form', {}, h('h2', {}, '安置到公益性岗位'),
    h('div.grid', {},
      field('岗位', h('select', { name: 'post_id', dataset: { name: 'post_id' } }, h('option', { value: '' }, '正在读取空缺岗位……')), { required: true }),
      field('上岗日期', h('input', { name: 'start_on', type: 'date', value: today() }), { required: true })),
    h('div.actions', {}, h('button.primary#case-post-submit', { type: 'submit' }, '安置')));
  api.posts().then((posts) => {
    const vacant = posts.filter((p) => !p.holder);
    form.post_id.replaceChildren(...options(vacant.map((p) => [p.id, `${p.post_type} · ${p.unit}${p.community ? ` · ${p.community}` : ''}`]), '', vacant.length ? '请选择' : '没有空缺岗位，请先在“公益性岗位”页面新增'));
  }).catch((e) => box.prepend(errorBox(e)));
  onSubmit(form, async (v) => {
    await api.placeInPost(v.post_id || '', c.id, v.start_on || '');
    toast('已安置到公益性岗位');
    reload('posts');
  });
  box.append(form, list);
  return box;
}

function editTab(ctx, c, reload) {
  const form = h('form.card.form#case-edit-form', {},
    field('人员类别', categoryChecks(ctx, c.stored_categories), { wide: true }),
    h('div.grid', {},
      field('文化程度', h('select', { name: 'education' }, options(ctx.dicts.education, c.education || '', '（未填）'))),
      field('技能特长', h('input', { name: 'skills', value: c.skills || '' })),
      field('求职意愿', h('input', { name: 'wishes', value: c.wishes || '' }), { wide: true }),
      field('退休年龄类别（女性）', h('select', { name: 'retire_base' }, options(choices.retire_bases, c.retire_base || '', '按系统设置')))),
    h('p.muted', {}, '姓名、电话、地址等人员信息与其他台账共用；身份证号不能修改。'),
    h('div.actions', {}, h('button.primary#case-edit-submit', { type: 'submit' }, '保存修改')));
  return onSubmit(form, async (v) => {
    await api.updateCase(c.id, { person: {}, categories: v.categories || [], education: v.education, skills: v.skills, wishes: v.wishes, retire_base: v.retire_base || null });
    toast('已保存');
    reload('info');
  });
}
