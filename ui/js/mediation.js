// 人民调解: the case list with its filters, the alerts (提醒) and the
// prevention entries (排查预防); the routes of the register for app.js. The
// mediator roster and the 排查表 are in mediation_work.js, 受理登记 in
// mediation_register.js, the case page in mediation_case.js, the committees
// (调委会) in mediation_committees.js, the printable documents in print.js
// and print_docs.js.
import { api } from './api.js';
import { communitySelect, errorBox, field, h, mount, onSubmit, options, table, toast, today } from './dom.js';
import { listPage } from './list.js';
import { mediationRegisterPage } from './mediation_register.js';
import { mediationCasePage } from './mediation_case.js';
import { committeesPage } from './mediation_committees.js';
import { mediatorsPage, screeningPage } from './mediation_work.js';

/** The pages of the register, as app.js routes them: [hash, page, nav]. */
export function mediationRoutes(ctx) {
  return [
    [/^#\/mediation$/, () => mediationListPage(ctx), 'mediation'],
    [/^#\/mediation\/new$/, () => mediationRegisterPage(ctx), 'mediation-new'],
    [/^#\/mediation\/case\/([\w-]+)$/, (m) => mediationCasePage(ctx, m[1]), 'mediation'],
    [/^#\/mediation\/alerts$/, () => alertsPage(ctx), 'mediation-alerts'],
    [/^#\/mediation\/mediators$/, () => mediatorsPage(ctx), 'mediators'],
    [/^#\/mediation\/prevention$/, () => preventionPage(ctx), 'prevention'],
    [/^#\/mediation\/committees$/, () => committeesPage(ctx), 'committees'],
    [/^#\/mediation\/screening$/, () => screeningPage(ctx), 'screening'],
  ];
}


export function statusTag(status) {
  return h(`span.mstatus.mstatus-${status}`, {}, status);
}

/** The name a user signs with: the display name, without the "(username)" the session adds. */
export function signName(ctx) {
  return ctx.session.user.replace(/\([^()]*\)$/, '');
}

/** "2026-03-05" as 2026年3月5日. */
export function cnDate(d) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d || '');
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : '';
}

/** The committee a case or mediator belongs to: the street's (no community), or a community's. */
export function committeeChoice(ctx, name, id) {
  return communitySelect(ctx, { id, name, blank: `${ctx.office.name}人民调解委员会`, label: (c) => `${c.name}人民调解委员会` });
}

// Kept across visits, so that coming back from a case finds the same list.
const state = { dispute_type: '', source: '', status: '', mediator_id: '', committee_id: '', from: '', to: '', page: 1 };

export async function mediationListPage(ctx) {
  const [mediators, committees, choices] = await Promise.all([api.mediators(), api.mediationCommittees(), api.mediationChoices()]);
  const own = ctx.session.community_id;
  const mine = committees.filter((c) => !own || c.community_id === own).map((c) => [c.id, `${c.short_name}调委会`]);
  const controls = {
    dispute_type: h('select#med-type', {}, options(ctx.dicts.dispute_type, state.dispute_type, '全部类型')),
    source: h('select#med-source', {}, options(ctx.dicts.dispute_source, state.source, '全部来源')),
    status: h('select#med-status', {}, options(choices.statuses, state.status, '全部状态')),
    mediator_id: h('select#med-mediator', {}, options(mediators.map((m) => [m.id, m.name]), state.mediator_id, '全部调解员')),
    committee_id: h('select#med-committee-filter', {}, options(mine, state.committee_id, '全部调委会')),
    from: h('input#med-from', { type: 'date', value: state.from, title: '受理日期从' }),
    to: h('input#med-to', { type: 'date', value: state.to, title: '受理日期至' }),
  };
  await listPage({
    state,
    fetch: (paging) => {
      const q = { ...paging };
      for (const k of Object.keys(controls)) q[k] = state[k] || null;
      return api.mediationList(q);
    },
    filters: controls,
    title: '人民调解案件',
    totalId: 'med-total',
    action: h('a.button.primary#med-new', { href: '#/mediation/new' }, '+ 受理登记'),
    toolbar: h('div.toolbar.med-toolbar', {}, controls.dispute_type, controls.source, controls.status, controls.mediator_id, controls.committee_id,
      h('span.period', {}, h('span.muted', {}, '受理日期'), controls.from, h('span.muted', {}, '至'), controls.to)),
    table: ['#med-table', [
      ['案号', (r) => r.number, 'case-number'],
      ['纠纷类型', (r) => r.dispute_type],
      ['来源', (r) => r.source],
      ['调委会', (r) => r.committee],
      ['申请方', (r) => r.applicants, 'names'],
      ['被申请方', (r) => r.respondents, 'names'],
      ['调解员', (r) => r.mediators, 'names'],
      ['受理日期', (r) => r.received_on],
      ['状态', (r) => statusTag(r.status)],
    ], { empty: '没有符合条件的调解案件', data: (r) => ({ id: r.id }), open: (r) => `#/mediation/case/${r.id}` }],
    unit: '件',
  });
}

const ALERT_HINTS = {
  超期未结: '受理后超过规定天数仍未结案',
  逾期未履行: '已过协议约定的履行期限',
  待回访: '履行后应回访',
  司法确认将到期: '书面协议生效后30日内可申请司法确认',
};

export async function alertsPage() {
  const alerts = await api.mediationAlerts();
  const when = (a) => (a.days > 0 ? `已过 ${a.days} 天` : a.days === 0 ? '今天' : `还有 ${-a.days} 天`);
  const counts = Object.keys(ALERT_HINTS).map((k) => [k, alerts.filter((a) => a.kind === k).length]);
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '调解提醒'), h('span.muted#alert-total', {}, `共 ${alerts.length} 项`)),
    h('div.alert-counts', {}, counts.map(([k, n]) => h(`span.alert-kind.alert-${k}`, { title: ALERT_HINTS[k] }, `${k} ${n}`))),
    table('#alert-table', [
      ['案号', (a) => a.number, 'case-number'],
      ['提醒', (a) => h(`span.alert-kind.alert-${a.kind}`, {}, a.kind)],
      ['日期', (a) => a.date],
      ['距今', (a) => h(`span${a.days > 0 ? '.overdue' : '.due-soon'}`, {}, when(a))],
      ['说明', (a) => ALERT_HINTS[a.kind], 'muted'],
    ], { rows: alerts, empty: '没有需要提醒的案件', data: (a) => ({ id: a.case_id }), open: (a) => `#/mediation/case/${a.case_id}` })));
}

/** The prevention counts, as the statistics name them. */
const PREVENTION = [
  ['screenings', '排查次数'],
  ['disputes_found', '排查出纠纷（件）'],
  ['disputes_prevented', '预防纠纷（件）'],
  ['criminal_cases', '防止民转刑（件）'],
  ['criminal_persons', '防止民转刑（人）'],
  ['petition_cases', '防止群体性上访（件）'],
  ['petition_persons', '防止群体性上访（人）'],
  ['fights_prevented', '防止群体性械斗（件）'],
  ['fight_persons', '防止群体性械斗（人）'],
  ['suicide_cases', '防止因民间纠纷引起自杀（件）'],
  ['suicide_persons', '防止因民间纠纷引起自杀（人）'],
];
const period = { from: `${today().slice(0, 4)}-01-01`, to: today() };

export async function preventionPage(ctx) {
  const from = h('input#prev-from', { type: 'date', value: period.from });
  const to = h('input#prev-to', { type: 'date', value: period.to });
  const result = h('div#prevention-result');
  const load = async () => {
    period.from = from.value;
    period.to = to.value;
    try {
      const rows = await api.prevention(period.from || '0000-01-01', period.to || '9999-12-31');
      const sum = (k) => rows.reduce((n, r) => n + (r[k] || 0), 0);
      result.replaceChildren(table('.prevention#prevention-table', [
        ['日期', (r) => r.date],
        ['调委会', (r) => r.committee],
        ...PREVENTION.map(([k, l]) => [l, (r) => r[k], 'num']),
        ['备注', (r) => r.notes, 'wrap'],
      ], { rows, empty: '该期间没有排查预防记录', foot: rows.length ? ['合计', `${rows.length} 条`, ...PREVENTION.map(([k]) => sum(k)), ''] : null }));
    } catch (e) {
      result.replaceChildren(errorBox(e));
    }
  };
  from.addEventListener('change', load);
  to.addEventListener('change', load);
  const number = (name) => h('input', { name, type: 'number', min: 0, step: 1, value: '0' });
  const form = h('form.card.inline#prevention-form', {},
    h('h2', {}, '登记排查预防'),
    h('div.grid.grid-narrow', {},
      field('日期', h('input', { name: 'date', type: 'date', value: today() }), { required: true }),
      field('调委会', committeeChoice(ctx, 'community_id', 'prevention-committee'), { required: true }),
      PREVENTION.map(([k, l]) => field(l, number(k))),
      field('备注', h('input', { name: 'notes', placeholder: '排查的重点、化解的情况' }), { wide: true })),
    h('div.actions', {}, h('button.primary#prevention-submit', { type: 'submit', disabled: ctx.session.role === 'read_only' }, '保存')));
  onSubmit(form, async (v) => {
    const input = { community_id: v.community_id, date: v.date || '', notes: v.notes };
    // Whole numbers as typed; a blank one counts 0, anything else the core checks.
    for (const [k] of PREVENTION) input[k] = v[k] === null ? 0 : Number(v[k]);
    await api.addPrevention(input);
    toast('排查预防记录已保存');
    form.reset();
    await load();
  });
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '矛盾纠纷排查预防'),
      h('span.period', {}, h('span.muted', {}, '期间'), from, h('span.muted', {}, '至'), to)),
    result,
    form));
  await load();
}
