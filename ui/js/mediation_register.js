// 受理登记: a dispute with its committee, mediators and the parties on both
// sides (one row per party, added and removed per side), or, by 简易程序, a
// dispute settled on the spot: the session and the agreement recorded with
// the intake, the day it happened. The core numbers the case (or leaves it
// 待编号 on a PC that does not number the committee's cases) and checks
// everything; an ID number typed in a party row is checked as it is typed.
// 立案 from a row of the 排查表 registers the case and links the row in one write.
import { api } from './api.js';
import { field, h, mount, onSubmit, options, table, toast, today } from './dom.js';
import { signName } from './mediation.js';
import { prefillFromScreening, takeScreening } from './mediation_work.js';

export const SIDES = [['申请方', 'applicant'], ['被申请方', 'respondent']];
/** Fields of one party: the core names these when a party is refused. */
const PARTY_FIELDS = ['side', 'name', 'id_number', 'sex', 'ethnicity', 'age', 'occupation', 'phone', 'address'];

export async function mediationRegisterPage(ctx) {
  const screening = takeScreening();
  const [mediators, committees, choices] = await Promise.all([api.mediators(), api.mediationCommittees(), api.mediationChoices()]);
  const own = ctx.session.community_id;
  const mine = committees.filter((c) => c.active && (!own || c.community_id === own));
  const committee = h('select#med-committee', { name: 'committee_id' },
    options(mine.map((c) => [c.id, c.name + (c.kept_here ? '' : '（本机登记的案件待编号）')]), mine[0]?.id || ''));
  const text = (name, attrs = {}) => h('input', { name, ...attrs });
  const mediatorBox = mediators.length
    ? h('div.checks.mediator-checks#mediator-checks', { dataset: { name: 'mediator_ids' } },
      mediators.map((m) => h('label.check', { title: m.cert_no ? `证书编号 ${m.cert_no}` : '' },
        h('input', { type: 'checkbox', name: 'mediator_ids', value: m.id, dataset: { multi: '1' } }),
        m.name, h('span.muted', {}, `（${m.committee}）`))))
    : h('div.notice#mediator-checks', { dataset: { name: 'mediator_ids' } }, '调解员名册中还没有调解员，请先到', h('a', { href: '#/mediation/mediators' }, '调解员名册'), '添加。');
  const sides = SIDES.map(([side, key]) => partySide(side, key));
  const simple = onTheSpot();
  const form = h('form.card.form#mediation-form', {},
    h('h2', {}, '纠纷情况'),
    h('div.grid', {},
      field('受理调委会', committee, { required: true }),
      field('纠纷类型', h('select#med-dispute-type', { name: 'dispute_type' }, options(ctx.dicts.dispute_type, '', '请选择')), { required: true }),
      field('案件来源', h('select#med-source-input', { name: 'source' }, options(ctx.dicts.dispute_source, '', '请选择')), { required: true }),
      field('受理日期', h('input', { name: 'received_on', type: 'date', value: today() }), { required: true }),
      field('受理人', text('staff', { value: signName(ctx) }), { required: true }),
      field('涉及金额（元）', text('amount', { inputMode: 'decimal', placeholder: '没有可不填' })),
      field('案件难度', h('select#med-difficulty', { name: 'difficulty' }, options(choices.difficulties, '一般'))),
      field('纠纷简要情况', h('textarea#med-summary', { name: 'summary', rows: 3 }), { required: true, wide: true }),
      field('当事人申请事项', h('textarea#med-requests', { name: 'requests', rows: 2, placeholder: '当事人请求调委会解决的事项' }), { wide: true }),
      field('调解员', mediatorBox, { required: true, wide: true })),
    simple.el,
    h('h2', {}, '当事人', h('span.muted.small-note', {}, '每方可有多名当事人；填写身份证号的，性别和年龄按身份证号计算')),
    h('span.field-error.parties-error', { dataset: { for: 'parties' } }),
    sides.map((s) => s.el),
    h('div.actions', {}, h('button.primary#med-submit', { type: 'submit' }, '受理登记'), h('a.button', { href: '#/mediation' }, '取消')));

  onSubmit(form, async (v) => {
    const input = {
      committee_id: v.committee_id,
      simple: simple.value(v),
      dispute_type: v.dispute_type || '',
      source: v.source || '',
      mediator_ids: v.mediator_ids || [],
      summary: v.summary || '',
      requests: v.requests,
      amount: v.amount,
      received_on: v.received_on || '',
      staff: v.staff || '',
      parties: sides.flatMap((s) => s.parties()),
      difficulty: v.difficulty,
    };
    const id = await (screening ? api.screeningOpenCase(screening.id, input) : api.mediationRegister(input));
    toast('已受理登记');
    location.hash = `#/mediation/case/${id}`;
  }, { error: (err) => partyAware(form, err) });
  mount(h('div.page', {},
    h('div.page-head', {}, h('a.back', { href: '#/mediation' }, '← 调解案件'), h('h1', {}, '受理登记'),
      h('span.muted', {}, '案号按调委会和年度编排，由该调委会的编号电脑自动生成')),
    screening ? h('p.notice#from-screening', {}, `由排查登记立案：${screening.date} ${screening.community} ${screening.parties}（登记后与该排查记录关联）`) : null,
    form));
  if (screening) {
    // The row's community's committee (the street's for a row of the street's).
    const own = mine.find((c) => (c.community_id || null) === (screening.community_id || null));
    if (own) committee.value = own.id;
    prefillFromScreening(form, screening);
  }
}

/** 简易程序: a tick that opens the fields of the session and the oral (or
 *  written) agreement reached on the spot. */
function onTheSpot() {
  const body = h('div.grid#simple-fields', { hidden: true },
    field('调解情况', h('textarea#simple-content', { name: 'content', rows: 3, placeholder: '当场调解的经过、各方意见' }), { required: true, wide: true }),
    field('协议形式', h('div.checks#simple-kind', { dataset: { name: 'agreement_kind' } },
      ['口头', '书面'].map((k) => h('label.check', {}, h('input', { type: 'radio', name: 'simple_kind', value: k, checked: k === '口头' }), `${k}协议`)))),
    field('履行期限（书面协议必填）', h('input#simple-deadline', { name: 'performance_deadline', type: 'date' })),
    field('协议内容', h('textarea#simple-terms', { name: 'terms', rows: 3, placeholder: '双方当场达成的约定' }), { required: true, wide: true }),
    field('当场履行', h('label.check', { dataset: { name: 'performed' } }, h('input#simple-performed', { type: 'checkbox', name: 'simple_performed' }), '协议已当场履行完毕')));
  const tick = h('input#simple-procedure', { type: 'checkbox', name: 'simple_procedure', onchange: () => { body.hidden = !tick.checked; } });
  const el = h('section.simple-procedure', {},
    h('label.check.simple-tick', {}, tick, h('b', {}, '简易程序（当场调解）'),
      h('span.muted', {}, '：纠纷当场调解、当场达成协议的，受理、调解和协议一并登记，日期均为受理日期')),
    body);
  const value = (v) => (tick.checked
    ? {
      content: v.content || '',
      agreement_kind: el.querySelector('input[name=simple_kind]:checked')?.value || '口头',
      terms: v.terms || '',
      performance_deadline: v.performance_deadline,
      performed: !!v.simple_performed,
    }
    : null);
  return { el, value };
}

/** A party's error goes beside the parties (the core does not say which row);
 *  a missing name also marks the rows that have none. */
function partyAware(form, err) {
  if (!PARTY_FIELDS.includes(err.field)) return err;
  if (err.field === 'name') {
    form.querySelectorAll('tr.party-row').forEach((tr) => {
      if (!tr.querySelector('.p-name').value.trim()) tr.classList.add('has-error');
    });
  }
  return { ...err, field: 'parties' };
}

/** One side's table of party rows, with 添加 and 删除. */
function partySide(side, key) {
  const grid = table('.party-edit', ['', '姓名*', '身份证号', '性别', '民族', '年龄', '职业', '联系电话', '住址', ''], { empty: null, wrap: false, bare: true });
  const { body } = grid;
  body.id = `${key}-rows`;
  let next = 0;
  const renumber = () => {
    const rows = [...body.querySelectorAll('tr.party-row')];
    rows.forEach((tr, i) => { tr.querySelector('.p-no').textContent = `${side}${rows.length > 1 ? i + 1 : ''}`; });
    rows.forEach((tr) => { tr.querySelector('.p-remove').disabled = rows.length === 1; });
  };
  const add = () => {
    body.append(partyRow(side, next++, () => renumber()));
    renumber();
  };
  add();
  const el = h(`div.party-side.card#${key}-side`, {},
    h('div.party-head', {}, h('h3', {}, side),
      h(`button.small-button#add-${key}`, { type: 'button', onclick: () => { add(); body.lastElementChild.querySelector('.p-name').focus(); } }, `+ 添加${side}`)),
    grid);
  const parties = () => [...body.querySelectorAll('tr.party-row')].map((tr) => {
    const val = (c) => tr.querySelector(`.${c}`).value.trim() || null;
    const age = val('p-age');
    return {
      side, name: val('p-name') || '', id_number: val('p-id'), sex: val('p-sex'), ethnicity: val('p-ethnicity'),
      age: age === null ? null : Number(age), occupation: val('p-occupation'), phone: val('p-phone'), address: val('p-address'),
    };
  // A row left wholly blank is no party.
  }).filter((p) => Object.entries(p).some(([k, v]) => k !== 'side' && v));
  return { el, parties };
}

function partyRow(side, n, changed) {
  const input = (cls, attrs = {}) => h(`input.${cls}`, attrs);
  const id = input('p-id', { maxLength: 18, placeholder: '18位，可不填', autocomplete: 'off' });
  const derived = h('div.p-derived');
  const tr = h('tr.party-row', { dataset: { row: String(n), side } },
    h('td.p-no'),
    h('td', {}, input('p-name')),
    h('td', {}, id, derived),
    h('td', {}, h('select.p-sex', {}, options(['男', '女'], '', '—'))),
    h('td', {}, input('p-ethnicity', { placeholder: '汉族', list: 'ethnicity-list' })),
    h('td', {}, input('p-age', { type: 'number', min: 0, max: 150 })),
    h('td', {}, input('p-occupation')),
    h('td', {}, input('p-phone', { inputMode: 'tel' })),
    h('td', {}, input('p-address')),
    h('td', {}, h('button.p-remove.small-button', { type: 'button', title: '删除此当事人', onclick: () => { tr.remove(); changed(); } }, '删除')));
  // The ID number checked as typed: sex and age follow from it.
  let seq = 0;
  id.addEventListener('input', async () => {
    const mine = ++seq;
    const v = id.value.trim();
    derived.className = 'p-derived';
    derived.textContent = '';
    tr.classList.remove('has-error');
    if (v.length < 15) return;
    try {
      const r = await api.lookupId(v);
      if (mine !== seq) return;
      derived.textContent = `${r.sex} ${r.age}岁`;
      tr.querySelector('.p-sex').value = r.sex;
      tr.querySelector('.p-age').value = r.age;
      const name = tr.querySelector('.p-name');
      if (r.existing && !name.value) name.value = r.existing.name;
    } catch (e) {
      // A person on file in another community is still a party here.
      if (mine !== seq || e.code?.startsWith('access') || (v.length < 18 && e.code === 'invalid_input')) return;
      derived.className = 'p-derived field-error';
      derived.textContent = e.message;
      tr.classList.add('has-error');
    }
  });
  return tr;
}

// Ethnicities offered as typed (any may be entered).
document.body.append(h('datalist#ethnicity-list', {}, ['汉族', '回族', '满族', '蒙古族', '壮族', '维吾尔族', '藏族', '苗族', '彝族', '土家族', '朝鲜族'].map((e) => h('option', { value: e }))));
