// Printable documents of a mediation case, as A4 pages in a print view over
// the app: 受理登记表, 人民调解协议书 (written agreements: one copy per party
// and one the committee keeps) and 回访记录; the case file's 申请书, 告知书,
// 调解笔录, 卷宗封面 and 卷内目录 are drawn by print_docs.js. 打印 opens the system's print
// dialog; 另存为PDF has the app print the same pages into a PDF file without
// it. print.css lays the pages out for both. The documents that identify the
// parties (登记表, 协议书) print them from the core's print detail: full ID
// numbers for roles that may see them (audited by the core), masked with a
// note on the toolbar for the others. The case page stays masked.
import { api } from './api.js';
import { h, toast, yuan } from './dom.js';
import { cnDate } from './mediation.js';
import { DOC_TITLES, docSheets } from './print_docs.js';

const TITLES = { register: '人民调解受理登记表', agreement: '人民调解协议书', visit: '人民调解回访记录' };
// Read when a view opens, never while the modules load (print_docs.js imports this one).
const titleOf = (kind) => TITLES[kind] || DOC_TITLES[kind];
const BLANK_DATE = '　　　　年　　月　　日';
// WebKitGTK (Linux) and WebView2 (Windows, Chromium) scale printed pages
// differently; print.css evens it out.
const ENGINE = /Chrome\//.test(navigator.userAgent) ? 'chromium' : 'webkit';

/** The committee's full name: 和平街道人民调解委员会, 和平街道和平社区人民调解委员会. */
export function committeeName(d) {
  if (d.committee_name) return d.committee_name;
  const c = d.row.committee;
  return c === '街道调委会' ? `${d.office}人民调解委员会` : `${d.office}${c.replace(/调委会$/, '')}人民调解委员会`;
}

/** Opens the print view of one document of the case `d` (the case page's
 *  CaseDetail). The 回访记录 carries no ID numbers and prints from `d`. */
export async function openPrint(kind, d) {
  if (kind !== 'visit') {
    if (opening) return;
    const where = location.hash;
    opening = true;
    try {
      d = await (DOC_TITLES[kind] ? api.mediationDocument(d.row.id, kind) : api.mediationPrintDetail(d.row.id));
    } catch (err) {
      toast(err.message, 5000);
      return;
    } finally {
      opening = false;
    }
    // Left the case (or locked) meanwhile: no names over another page.
    if (location.hash !== where || document.getElementById('nav').hidden) return;
  }
  closePrint();
  const sheets = DOC_TITLES[kind] ? docSheets(kind, d)
    : kind === 'agreement' ? agreementCopies(d) : [kind === 'visit' ? visitSheet(d) : registerSheet(d)];
  showPrintView({
    doc: kind, title: titleOf(kind), sheets, pdfName: `${titleOf(kind)}-${d.row.number}`,
    count: kind === 'agreement' ? `（${sheets.length} 份）` : '',
    notes: [d.id_note ? h('div#print-id-note.print-note', { role: 'note' }, d.id_note) : null,
      d.number_note ? h('div#print-number-note.print-note', { role: 'note' }, d.number_note) : null],
  });
}

/** The print view over the app: a toolbar (打印, 另存为PDF, 关闭, notes
 *  that stay off the paper) above A4 `sheets`. */
export function showPrintView({ doc, title, sheets, pdfName, count = '', notes = [] }) {
  closePrint();
  const view = h('div#print-view', { dataset: { doc, engine: ENGINE }, role: 'dialog', 'aria-label': `打印预览：${title}` },
    h('div.print-toolbar', {},
      h('b', {}, `打印预览：${title}`),
      h('span.muted', {}, `A4 纸，共 ${sheets.length} 页${count}`,
        ENGINE === 'webkit' ? '' : '；打印对话框中可选择“另存为 PDF”'),
      h('button.primary#print-go', { type: 'button', onclick: () => window.print() }, '打印'),
      // Windows' print dialog saves PDFs itself; the app does it on Linux.
      ENGINE === 'webkit'
        ? h('button#print-pdf', { type: 'button', onclick: () => savePdf(pdfName) }, '另存为PDF')
        : null,
      h('button#print-close', { type: 'button', onclick: closePrint }, '关闭'),
      // On the toolbar, never on the paper.
      ...notes,
      h('div#print-status.print-status', { role: 'status', hidden: true })),
    h('div.print-pages', {}, sheets));
  document.body.append(view);
  document.body.classList.add('printing');
  document.addEventListener('keydown', onKey);
  document.getElementById('print-go').focus();
}

// One request at a time: a double click opens (and audits) one view.
let opening = false;

export function closePrint() {
  document.getElementById('print-view')?.remove();
  document.body.classList.remove('printing');
  document.removeEventListener('keydown', onKey);
}

/** Saves the pages as a PDF in the export folder and says where. */
async function savePdf(name) {
  const status = document.getElementById('print-status');
  const buttons = [...document.querySelectorAll('.print-toolbar button')];
  const show = (text, state) => Object.assign(status, { textContent: text, hidden: false, className: `print-status ${state}` });
  buttons.forEach((b) => { b.disabled = true; });
  saving = true;
  show('正在保存PDF…', 'busy');
  try {
    const saved = await api.savePrintPdf(name);
    show(`PDF 已保存到：${saved.path}`, 'done');
    status.dataset.path = saved.path;
  } catch (err) {
    show(err.message, 'failed');
  } finally {
    saving = false;
    buttons.forEach((b) => { b.disabled = false; });
  }
}
// The pages stay while they print: Escape waits for the PDF.
let saving = false;

function onKey(ev) {
  if (ev.key === 'Escape' && !saving) closePrint();
}
// Leaving the case (back, a nav link) closes the view too, and so does the
// idle lock (it hides the navigation): the lock screen must not sit under a
// page of names.
window.addEventListener('hashchange', closePrint);
new MutationObserver(() => { if (document.getElementById('nav').hidden) closePrint(); })
  .observe(document.getElementById('nav'), { attributes: true, attributeFilter: ['hidden'] });

export const sheet = (cls, ...children) => h(`section.sheet.${cls}`, {}, ...children);
const title = (kind) => h('h1.doc-title', {}, TITLES[kind]);
const numberLine = (d) => h('div.doc-number', {}, d.row.number);
export const line = (cls = '') => h(`span.sign-line${cls}`);
/** Text as typed, a paragraph (indented two characters) for each line. */
export const paras = (text) => (text || '').split('\n').filter((l) => l.trim()).map((l) => h('p.para', {}, l.trim()));

/** 申请方：甲一，男，汉族，55岁，工人，住…，联系电话…，身份证号… */
export function partyText(p) {
  return [p.name, p.sex, p.ethnicity, p.age != null ? `${p.age}岁` : null, p.occupation && `职业：${p.occupation}`,
    p.address && `住址：${p.address}`, p.phone && `联系电话：${p.phone}`, p.id_number && `身份证号：${p.id_number}`]
    .filter(Boolean).join('，') + '。';
}

export function seal(d, date) {
  return h('div.seal', {},
    h('div.seal-space'),
    h('div.seal-name', {}, `${committeeName(d)}（盖章）`),
    h('div.seal-date', {}, date ? cnDate(date) : BLANK_DATE));
}

function agreementCopies(d) {
  const parties = d.parties;
  const copies = parties.length + 1;
  const holders = [...parties.map((p) => `${p.side} ${p.name} 收执`), '人民调解委员会留存'];
  return holders.map((holder, i) => agreementSheet(d, copies, `第${i + 1}份（共${copies}份）　${holder}`));
}

function agreementSheet(d, copies, mark) {
  const sides = ['申请方', '被申请方'];
  const way = [
    ['履行方式', d.performance_way], ['履行地点', d.performance_place],
    ['履行期限', d.performance_deadline ? `${cnDate(d.performance_deadline)}前` : null],
  ];
  return sheet('doc-agreement',
    h('div.copy-mark', {}, mark),
    title('agreement'),
    numberLine(d),
    h('div.doc-parties', {}, sides.flatMap((side) => d.parties.filter((p) => p.side === side).map((p) =>
      h('p.party', { dataset: { side } }, h('b', {}, `${side}：`), partyText(p))))),
    h('h3', {}, '纠纷主要事实、争议事项：'),
    paras(d.summary),
    d.requests ? paras(`当事人请求：${d.requests}`) : null,
    h('h3', {}, `经${committeeName(d)}调解，双方当事人自愿达成如下协议：`),
    h('div.terms', {}, paras(d.agreement_terms)),
    h('h3', {}, '履行方式、地点、期限：'),
    h('div.performance', {}, way.map(([k, v], i) => h('p.para', {}, `${k}：${v || '＿＿＿＿＿＿'}${i < way.length - 1 ? '；' : '。'}`))),
    h('p.para', {}, '本协议自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效。'),
    h('p.para.copies', {}, `本协议一式${copies}份，当事人各执一份，人民调解委员会留存一份。`),
    h('div.signatures', {},
      h('div.sign-title', {}, '当事人（签名或按指印）：'),
      h('div.sign-grid', {}, d.parties.map((p) => h('div.sign', {}, h('span.who', {}, `${p.side} ${p.name}`), line()))),
      h('div.sign-title', {}, '人民调解员（签名）：'),
      h('div.sign-grid', {}, (d.mediators.length ? d.mediators : [{ name: '' }]).map((m) => h('div.sign.mediator', {}, h('span.who', {}, m.name), line())))),
    seal(d, d.agreement_on));
}

/** A bordered table over columns of the given widths (percent). */
export function grid(widths, rows) {
  return h('table.doc-grid', {}, h('colgroup', {}, widths.map((w) => h('col', { style: `width:${w}%` }))), h('tbody', {}, rows));
}
export const th = (text, span = 1, attrs = {}) => h('th', { colSpan: span, ...attrs }, text);
export const td = (text, span = 1, cls) => h('td', { colSpan: span, class: cls }, text ?? '');
/** A label in a column of its own, one character a line (申/请/方). */
const sideLabel = (side, rows) => h('th.side', { rowSpan: rows }, [...side].flatMap((c, i) => (i ? [h('br'), c] : [c])));

// 受理登记表: nine columns; a party takes three rows beside its side's label.
const REGISTER_COLUMNS = [7, 11, 14, 13, 10, 12, 12, 9, 12];

function registerSheet(d) {
  const r = d.row;
  const sideRows = (side) => {
    const ps = d.parties.filter((p) => p.side === side);
    return ps.flatMap((p, i) => [
      h('tr', {}, i === 0 ? sideLabel(side, ps.length * 3) : null,
        th('姓名'), td(p.name, 1, 'name'), th('性别'), td(p.sex), th('民族'), td(p.ethnicity), th('年龄'), td(p.age != null ? `${p.age}岁` : '')),
      h('tr', {}, th('职业'), td(p.occupation), th('联系电话'), td(p.phone), th('身份证号'), td(p.id_number, 3)),
      h('tr', {}, th('住址'), td(p.address, 7)),
    ]);
  };
  const rows = [
    ...sideRows('申请方'),
    ...sideRows('被申请方'),
    h('tr', {}, th('纠纷类型', 2), td(r.dispute_type, 2), th('案件来源', 2), td(r.source, 3)),
    h('tr', {}, th('涉及金额', 2), td(d.amount_cents ? `${yuan(d.amount_cents)}元` : '', 2), th('调解员', 2), td(d.mediators.map((m) => m.name).join('、'), 3)),
    h('tr.tall', {}, th('纠纷简要情况', 2), td(d.summary, 7, 'text')),
    h('tr.tall', {}, th('当事人申请事项', 2), td(d.requests, 7, 'text')),
    h('tr.signs', {}, th('当事人签名', 2), h('td', { colSpan: 7 }, h('div.sign-grid', {}, d.parties.map((p) => h('div.sign', {}, h('span.who', {}, `${p.side} ${p.name}`), line()))))),
    h('tr', {}, th('受理人', 2), td(d.timeline[0]?.staff, 2), th('受理日期', 2), td(cnDate(r.received_on), 3)),
  ];
  return sheet('doc-register',
    title('register'),
    h('div.doc-number.split', {}, h('span', {}, `受理单位：${committeeName(d)}`), h('span', {}, r.number)),
    grid(REGISTER_COLUMNS, rows),
    seal(d, r.received_on));
}

function visitSheet(d) {
  const visit = [...d.timeline].reverse().find((s) => s.step === '回访') || {};
  const names = (side) => d.parties.filter((p) => p.side === side).map((p) => p.name).join('、');
  const rows = [
    h('tr', {}, th('案号'), td(d.row.number), th('纠纷类型'), td(d.row.dispute_type)),
    h('tr', {}, th('申请方'), td(names('申请方')), th('被申请方'), td(names('被申请方'))),
    h('tr', {}, th('协议日期'), td(cnDate(d.agreement_on)), th('协议形式'), td(d.agreement_kind ? `${d.agreement_kind}协议` : '')),
    h('tr.tall', {}, th('协议内容'), td(d.agreement_terms, 3, 'text')),
    h('tr', {}, th('回访时间'), td(cnDate(visit.date)), th('回访人'), td(visit.staff)),
    h('tr', {}, th('回访对象'), td(visit.participants), th('回访方式'), td(visit.place)),
    h('tr', {}, th('协议履行情况'), td([d.performance, d.performed_on && `（${cnDate(d.performed_on)}）`].filter(Boolean).join('')),
      th('当事人满意度'), td(visit.satisfaction)),
    h('tr', {}, th('矛盾激化风险'), td(visit.risk, 3)),
    h('tr.taller', {}, th('回访情况'), td(visit.content, 3, 'text')),
    h('tr.signs', {}, th('回访人签名'), h('td', {}, line()), th('被回访人签名'), h('td', {}, line())),
  ];
  return sheet('doc-visit',
    title('visit'),
    h('div.doc-number.split', {}, h('span', {}, `回访单位：${committeeName(d)}`), h('span', {}, d.row.number)),
    grid([17, 33, 17, 33], rows),
    seal(d, visit.date));
}
