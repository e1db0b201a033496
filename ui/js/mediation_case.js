// The case page (调解案件): the case and its parties, the timeline of steps
// (each dated and signed), and the form of the step that may come next —
// only the steps the core lists (`next_steps`), plus 司法确认 while the core
// says a written agreement may still go to court (`judicial_open`) and the
// court's ruling once applied for (`ruling_open`). Printable documents open
// from the head; a case not yet numbered (待编号) says why.
import { field, h, mount, onSubmit, options, table, toast, today, yuan } from './dom.js';
import { api } from './api.js';
import { signName, statusTag } from './mediation.js';
import { SIDES } from './mediation_register.js';
import { openPrint } from './print.js';
import { caseFileButtons } from './print_docs.js';
import { difficultyCard } from './mediation_work.js';

/** Who signs each step, as the timeline and the form call them. */
const SIGNER = { 受理: '受理人', 调查: '调查人', 调解: '记录人', 回访: '回访人' };
const signer = (step) => SIGNER[step] || '经办人';

/** Remembered between renders of one case: the step chosen in the form. */
let chosen = { id: null, step: null };

export async function mediationCasePage(ctx, id) {
  const d = await api.mediationDetail(id);
  const r = d.row;
  const visit = [...d.timeline].reverse().find((s) => s.step === '回访');
  const printButtons = [
    h('button#print-register', { type: 'button', onclick: () => openPrint('register', d) }, '打印受理登记表'),
    d.agreement_kind === '书面' ? h('button#print-agreement', { type: 'button', onclick: () => openPrint('agreement', d) }, '打印调解协议书') : null,
    visit ? h('button#print-visit', { type: 'button', onclick: () => openPrint('visit', d) }, '打印回访记录') : null,
  ];
  mount(h('div.page.med-case', {},
    h('div.page-head', {},
      h('a.back', { href: '#/mediation' }, '← 调解案件'),
      h('h1#mediation-number', {}, r.number),
      h('span#mediation-status', {}, statusTag(r.status)),
      h('span.muted', {}, `${r.dispute_type} · ${r.source} · ${r.committee}`),
      h('span.print-buttons', {}, printButtons)),
    d.number_note ? h('p.notice#number-note', {}, d.number_note) : null,
    caseFileButtons(d, openPrint),
    facts(d),
    await difficultyCard(ctx, d),
    partiesCard(d),
    h('div.med-columns', {},
      h('section.card#timeline-card', {}, h('h2', {}, `办理经过（${d.timeline.length}）`), timeline(d)),
      stepPanel(ctx, d))));
}

function facts(d) {
  const r = d.row;
  const agreement = d.agreement_kind
    ? [['协议', `${d.agreement_kind}协议，${d.agreement_on || ''}`],
      ['协议内容', d.agreement_terms],
      ['履行', [d.performance_way, d.performance_place, d.performance_deadline && `${d.performance_deadline}前`].filter(Boolean).join('；')],
      ['履行情况', [d.performance, d.performed_on].filter(Boolean).join('，')],
      ['司法确认', d.judicial_applied_on ? `${d.judicial_applied_on}申请` : ''],
      ['法院裁定', d.judicial_ruled_on ? `${d.judicial_court}${d.judicial_ruling_no}，${d.judicial_ruled_on}裁定${d.judicial_outcome}` : '']]
    : [];
  const rows = [
    ['受理日期', r.received_on], ['调委会', d.committee_name || r.committee],
    ['程序', d.procedure], ['办结期限', d.outcome ? '' : d.deadline + (d.extended_to ? '（已延期）' : '')],
    ['纠纷类型', r.dispute_type], ['案件来源', r.source],
    ['调解员', d.mediators.map((m) => m.name + (m.cert_no ? `（${m.cert_no}）` : '')).join('、')], ['涉及金额', d.amount_cents ? `${yuan(d.amount_cents)}元` : ''],
    ['纠纷简要情况', d.summary, true], ['申请事项', d.requests, true],
    ...agreement.map(([k, v]) => [k, v, k === '协议内容']),
    ...(d.failed_reason ? [['调解不成原因', d.failed_reason, true], ['告知途径', d.referral]] : []),
    ...(d.outcome_reason ? [[`${d.outcome}原因`, d.outcome_reason, true]] : []),
    ...(d.closed_on ? [['结案日期', d.closed_on]] : []),
  ].filter(([, v]) => v);
  return h('dl.facts.card#mediation-facts', {}, rows.flatMap(([k, v, wide]) => [h(`dt${wide ? '.wide' : ''}`, {}, k), h(`dd${wide ? '.wide' : ''}`, {}, v)]));
}

/** Both sides in one table, a body each: a side's label beside its parties. */
function partiesCard(d) {
  const columns = [['姓名', (p) => p.name, 'name'], ['性别', (p) => p.sex], ['年龄', (p) => p.age, 'num'], ['民族', (p) => p.ethnicity],
    ['职业', (p) => p.occupation], ['身份证号', (p) => p.id_number, 'mono'], ['联系电话', (p) => p.phone, 'mono'], ['住址', (p) => p.address, 'wrap']];
  const sides = SIDES.map(([side, key]) => {
    const parties = d.parties.filter((p) => p.side === side);
    const { body } = table('', columns, { rows: parties, empty: null });
    body.id = `${key}-parties`;
    body.firstElementChild?.prepend(h('th.side', { rowSpan: parties.length }, `${side}（${parties.length}人）`));
    return body;
  });
  const list = table('', [['当事人'], ...columns], { wrap: false });
  list.body.replaceWith(...sides);
  return h('section.card.parties-card#parties-card', {}, list);
}

function timeline(d) {
  return h('ol.timeline#mediation-timeline', {}, d.timeline.map((s) => h('li', { dataset: { step: s.step } },
    h('div.when', {}, s.date),
    h('div.what', {},
      h('div.step-name', {}, s.step),
      s.content ? h('div.step-content', {}, s.content) : null,
      h('div.step-meta', {},
        s.place ? h('span', {}, `地点：${s.place}`) : null,
        s.participants ? h('span', {}, `参加人：${s.participants}`) : null,
        // Satisfaction and risk are what a follow-up visit finds.
        s.step === '回访' && s.satisfaction ? h('span', {}, `满意度：${s.satisfaction}`) : null,
        s.step === '回访' && s.risk ? h('span', {}, `激化风险：${s.risk}`) : null),
      h('div.signed', {}, `${signer(s.step)}：${s.staff}`)))));
}

function stepPanel(ctx, d) {
  const steps = [...d.next_steps, ...(d.judicial_open ? ['司法确认'] : []), ...(d.ruling_open ? ['司法确认裁定'] : [])];
  if (!steps.length) {
    return h('section.card#step-panel', {}, h('h2', {}, '下一步'), h('p.notice#case-closed', {}, d.closed_on ? `本案已于${d.closed_on}结案。` : '本案没有可办理的步骤。'));
  }
  if (ctx.session.role === 'read_only') {
    return h('section.card#step-panel', {}, h('h2', {}, '下一步'), h('p.muted', {}, `可办理：${steps.join('、')}（只读账号不能办理）`));
  }
  if (chosen.id !== d.row.id || !steps.includes(chosen.step)) chosen = { id: d.row.id, step: steps[0] };
  const panel = h('section.card#step-panel');
  const render = () => {
    panel.replaceChildren(
      h('h2', {}, '办理下一步'),
      steps.length > 1 ? h('div.step-choices', {}, steps.map((s) => h(`button.step-choice${s === chosen.step ? '.active' : ''}`, {
        type: 'button', dataset: { step: s }, onclick: () => { chosen.step = s; render(); },
      }, s === d.row.status ? `再次${s}` : s))) : null,
      stepForm(ctx, d, chosen.step));
  };
  render();
  return panel;
}

const AGREEMENT_WAYS = ['即时履行', '一次性履行', '分期履行', '银行转账', '现金支付'];
const REFERRALS = ['告知当事人可依法向人民法院提起诉讼', '告知当事人可申请劳动争议仲裁', '告知当事人可向有关行政机关申请处理', '移送公安机关'];
const RISKS = ['无', '较低', '较高，需跟进'];

/** The fields each step needs (the core's StepInput names). */
function stepFields(ctx, d, step) {
  const text = (name, attrs = {}) => h('input', { name, ...attrs });
  const area = (name, rows = 3, attrs = {}) => h('textarea', { name, rows, ...attrs });
  const list = (id, values) => h(`datalist#${id}`, {}, values.map((v) => h('option', { value: v })));
  switch (step) {
    case '调查':
      return [
        field('调查地点', text('place')),
        field('被调查人', text('participants', { placeholder: '当事人、证人等' })),
        field('调查情况', area('content', 4, { id: 'step-content' }), { required: true, wide: true }),
      ];
    case '调解':
      return [
        field('调解时间', text('time', { id: 'step-time', placeholder: '如 14:30—16:00' })),
        field('调解地点', text('place', { id: 'step-place' })),
        field('参加人', text('participants', { id: 'step-participants', placeholder: '当事人、调解员、邀请参加人' }), { wide: true }),
        field('调解记录', area('content', 5, { id: 'step-content', placeholder: '各方陈述、调解员说理、各方意见' }), { required: true, wide: true }),
      ];
    case '协议':
      return [
        field('协议形式', h('div.checks#agreement-kind', { dataset: { name: 'agreement_kind' } },
          ['书面', '口头'].map((k) => h('label.check', {}, h('input', { type: 'radio', name: 'agreement_kind', value: k, checked: k === '书面' }), `${k}协议`))), { required: true }),
        field('履行期限（书面协议必填）', text('performance_deadline', { type: 'date', id: 'step-deadline' })),
        field('协议内容', area('terms', 5, { id: 'step-terms', placeholder: '逐条写明双方约定的权利义务' }), { required: true, wide: true }),
        field('履行方式', h('span', { dataset: { name: 'performance_way' } }, text('performance_way', { id: 'step-way', list: 'way-list' }), list('way-list', AGREEMENT_WAYS))),
        field('履行地点', text('performance_place', { id: 'step-way-place' })),
      ];
    case '调解不成':
      return [
        field('调解不成的原因', area('reason', 3, { id: 'step-reason' }), { required: true, wide: true }),
        field('告知的其他解决途径', h('span', { dataset: { name: 'referral' } }, text('referral', { id: 'step-referral', list: 'referral-list' }), list('referral-list', REFERRALS)), { wide: true }),
      ];
    case '履行':
      return [
        field('履行情况', h('select', { name: 'performance' }, options(ctx.dicts.performance, '', '请选择')), { required: true }),
        field('说明', area('content', 2, { placeholder: '如 已当场支付3000元' }), { wide: true }),
      ];
    case '回访':
      return [
        field('协议履行情况', h('select', { name: 'performance' }, options(ctx.dicts.performance, d.performance || '', '请选择'))),
        field('当事人满意度', h('select', { name: 'satisfaction' }, options(ctx.dicts.satisfaction, '', '请选择')), { required: true }),
        field('矛盾激化风险', h('span', { dataset: { name: 'risk' } }, text('risk', { list: 'risk-list' }), list('risk-list', RISKS))),
        field('回访对象', text('participants')),
        field('回访方式和地点', text('place', { placeholder: '如 入户回访' })),
        field('回访情况', area('content', 3), { wide: true }),
      ];
    case '结案':
      return [field('结案说明', area('content', 2, { placeholder: '如 协议已履行完毕，当事人满意' }), { wide: true })];
    case '不予受理':
      return [field('不予受理的理由', area('reason', 3, { id: 'step-reason', placeholder: '如 属于人民法院正在审理的纠纷' }), { required: true, wide: true })];
    case '撤回':
      return [field('撤回情况', area('reason', 2, { id: 'step-reason', placeholder: '如 申请人自行和解，申请撤回' }), { wide: true })];
    case '终止调解':
      return [field('终止调解的原因', area('reason', 3, { id: 'step-reason', placeholder: '如 被申请人明确拒绝继续调解' }), { required: true, wide: true })];
    case '延期':
      return [
        field('延期至', text('new_deadline', { type: 'date', id: 'step-new-deadline' }), { required: true }),
        field('双方同意', h('label.check', { dataset: { name: 'consent' } }, h('input#step-consent', { type: 'checkbox', name: 'consent' }), '双方当事人均同意延期')),
        field('延期理由', area('reason', 2, { id: 'step-reason', placeholder: '如 需等待损失鉴定结果' }), { wide: true }),
      ];
    case '司法确认裁定':
      return [
        field('作出裁定的法院', text('court', { id: 'step-court', placeholder: '如 某区人民法院' }), { required: true }),
        field('裁定书文号', text('ruling_no', { id: 'step-ruling-no', placeholder: '如 （2026）京0105民特12号' }), { required: true }),
        field('裁定结果', h('select#step-ruling', { name: 'ruling' }, options(['确认', '驳回'], '', '请选择')), { required: true }),
      ];
    case '司法确认': {
      const closes = d.agreement_on ? addDays(d.agreement_on, 30) : '';
      return [
        h('p.notice.wide-note', {}, `书面调解协议生效之日起30日内，双方当事人可共同向人民法院申请司法确认${closes ? `（本案至${closes}）` : ''}。`),
        field('申请情况及结果', area('content', 2, { placeholder: '如 双方共同向某区人民法院申请，法院已受理' }), { wide: true }),
      ];
    }
    default:
      return [];
  }
}

function addDays(date, n) {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

function stepForm(ctx, d, step) {
  const form = h('form.step-form#step-form', { dataset: { step } },
    h('div.grid', {},
      field({ 司法确认: '申请日期', 司法确认裁定: '裁定日期' }[step] || '日期', h('input', { name: 'date', type: 'date', value: today(), id: 'step-date' }), { required: true }),
      field(`${signer(step)}（签名）`, h('input', { name: 'staff', value: signName(ctx), id: 'step-staff' }), { required: true }),
      stepFields(ctx, d, step)),
    h('div.actions', {}, h('button.primary#step-submit', { type: 'submit' }, `登记“${step}”`)));
  return onSubmit(form, async (v) => {
    const checked = form.querySelector('input[name=agreement_kind]:checked');
    // What the core has no field for is kept in the record's text: the time
    // of a session, and the performance a follow-up visit found.
    const extra = [v.time && `时间：${v.time}`, step === '回访' && v.performance && `协议履行情况：${v.performance}`].filter(Boolean);
    const content = [...extra, v.content].filter(Boolean).join('\n') || null;
    const input = { ...v, step, date: v.date || '', staff: v.staff || '', content, agreement_kind: checked ? checked.value : null };
    delete input.time;
    await api.mediationStep(d.row.id, input);
    toast(`已登记“${step}”`);
    await mediationCasePage(ctx, d.row.id);
  });
}
