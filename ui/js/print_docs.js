// The case file's documents (卷宗), as A4 pages for print.js's view: 人民调解
// 申请书, 人民调解权利义务告知书, 调解笔录 (a page per session), 卷宗封面 and
// 卷内目录. Each prints from the core's document (`api.mediationDocument`):
// the case, its difficulty, the file's contents numbered by page; the
// application names the parties by ID number as the core gives them (in
// full only for roles that may see them).
import { h } from './dom.js';
import { cnDate } from './mediation.js';
import { committeeName, grid, line, paras, partyText, seal, sheet, td, th } from './print.js';

export const DOC_TITLES = {
  application: '人民调解申请书',
  notice: '人民调解权利义务告知书',
  session: '调解笔录',
  cover: '人民调解卷宗封面',
  contents: '卷内目录',
};

/** The case page's buttons for them. */
export function caseFileButtons(d, open) {
  return h('span.print-buttons.case-file#case-file-buttons', {}, h('span.muted', {}, '卷宗文书：'),
    Object.entries(DOC_TITLES).map(([kind, title]) => h(`button#print-${kind}`, { type: 'button', onclick: () => open(kind, d) },
      title.replace(/^人民调解/, '').replace('卷宗封面', '封面'))));
}

/** The pages of document `kind` of the core's document `d`. */
export function docSheets(kind, d) {
  return { application, notice, session: sessions, cover, contents }[kind](d);
}

const heading = (text) => h('h1.doc-title', {}, text);
const number = (d) => h('div.doc-number', {}, d.row.number);
const side = (d, s) => d.parties.filter((p) => p.side === s);
const names = (d, s) => side(d, s).map((p) => p.name).join('、');
const signs = (who) => h('div.sign-grid', {}, who.map((w) => h('div.sign', {}, h('span.who', {}, w), line())));

function application(d) {
  return [sheet('doc-application',
    heading(DOC_TITLES.application),
    h('div.doc-parties', {},
      side(d, '申请方').map((p) => h('p.party', { dataset: { side: '申请方' } }, h('b', {}, '申请人：'), partyText(p))),
      side(d, '被申请方').map((p) => h('p.party', { dataset: { side: '被申请方' } }, h('b', {}, '被申请人：'), partyText(p)))),
    h('h3', {}, '申请事项：'),
    h('div.terms', {}, paras(d.requests || '请求人民调解委员会依法调解。')),
    h('h3', {}, '事实和理由：'),
    h('div.facts-text', {}, paras(d.summary)),
    h('p.para', {}, '申请人自愿申请人民调解委员会调解上述纠纷，保证所述事实属实。'),
    h('p.regards', {}, '此致'),
    h('p.addressee', {}, committeeName(d)),
    h('div.signatures', {}, h('div.sign-title', {}, '申请人（签名或按指印）：'), signs(side(d, '申请方').map((p) => p.name))),
    h('div.seal', {}, h('div.seal-date', {}, cnDate(d.row.received_on))))];
}

const RIGHTS = [
  '（一）选择或者接受人民调解员；',
  '（二）接受调解、拒绝调解或者要求终止调解；',
  '（三）要求调解公开进行或者不公开进行；',
  '（四）自主表达意愿、自愿达成调解协议。',
];
const DUTIES = ['（一）如实陈述纠纷事实；', '（二）遵守调解现场秩序，尊重人民调解员；', '（三）尊重对方当事人行使权利。'];

function notice(d) {
  const all = d.parties.map((p) => p.name).join('、');
  return [sheet('doc-notice',
    heading(DOC_TITLES.notice),
    number(d),
    h('p.addressee-top', {}, `${all}：`),
    h('p.para', {}, '根据《中华人民共和国人民调解法》的规定，人民调解委员会在当事人自愿、平等的基础上调解民间纠纷，不违背法律、法规和国家政策，尊重当事人的权利，不阻止当事人依法通过仲裁、行政、司法等途径维护自己的权利。现将当事人在人民调解活动中享有的权利和承担的义务告知如下：'),
    h('h3', {}, '一、当事人享有下列权利：'),
    RIGHTS.map((r) => h('p.para', {}, r)),
    h('h3', {}, '二、当事人履行下列义务：'),
    DUTIES.map((r) => h('p.para', {}, r)),
    h('h3', {}, '三、调解协议的效力'),
    h('p.para', {}, '经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认。'),
    h('p.para', {}, '以上内容已于调解前告知，当事人已知悉。'),
    h('div.signatures', {}, h('div.sign-title', {}, '当事人（签名或按指印）：'), signs(d.parties.map((p) => `${p.side} ${p.name}`))),
    seal(d, d.row.received_on))];
}

/** The time a session's record begins with (the case page writes 时间：… first). */
function splitTime(content) {
  const m = /^时间：(.*)\n?/.exec(content || '');
  return m ? [m[1], content.slice(m[0].length)] : ['', content || ''];
}

function sessions(d) {
  const held = d.timeline.filter((s) => s.step === '调解');
  return (held.length ? held : [{}]).map((s, i) => {
    const [time, record] = splitTime(s.content);
    const rows = [
      h('tr', {}, th('时间'), td([cnDate(s.date), time].filter(Boolean).join(' '), 3)),
      h('tr', {}, th('地点'), td(s.place, 3)),
      h('tr', {}, th('调解员'), td(d.mediators.map((m) => m.name).join('、')), th('记录人'), td(s.staff)),
      h('tr', {}, th('申请方'), td(names(d, '申请方')), th('被申请方'), td(names(d, '被申请方'))),
      h('tr', {}, th('参加人'), td(s.participants, 3)),
      h('tr', {}, th('纠纷类型'), td(d.row.dispute_type), th('调解次数'), td(held.length ? `第${i + 1}次` : '')),
      h('tr.record', {}, th('调解记录'), td(record, 3, 'text')),
      h('tr.signs', {}, th('当事人签名'), h('td', { colSpan: 3 }, signs(d.parties.map((p) => p.name)))),
      h('tr.signs', {}, th('调解员签名'), h('td', {}, line()), th('记录人签名'), h('td', {}, line())),
    ];
    return sheet('doc-session', heading(DOC_TITLES.session),
      h('div.doc-number.split', {}, h('span', {}, committeeName(d)), h('span', {}, d.row.number)),
      grid([16, 34, 16, 34], rows));
  });
}

function outcome(d) {
  if (d.agreement_kind) return `达成${d.agreement_kind}调解协议`;
  if (d.failed_reason) return '调解不成';
  return '';
}

function cover(d) {
  const lines = [
    ['案　　号', d.row.number],
    ['案　　由', `${d.row.dispute_type}纠纷`],
    ['申 请 人', names(d, '申请方')],
    ['被申请人', names(d, '被申请方')],
    ['调 解 员', d.mediators.map((m) => m.name).join('、')],
    ['案件难度', d.difficulty],
    ['受理日期', cnDate(d.row.received_on)],
    ['结案日期', cnDate(d.closed_on)],
    ['调解结果', outcome(d)],
    ['立 卷 人', ''],
    ['保管期限', ''],
  ];
  return [sheet('doc-cover',
    h('div.cover-committee', {}, committeeName(d)),
    h('h1.doc-title.cover-title', {}, '人民调解卷宗'),
    h('dl.cover-lines', {}, lines.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '')])),
    h('div.cover-pages', {}, `本卷共　${d.pages}　页`))];
}

function contents(d) {
  const rows = d.contents.map((it, i) => h('tr', {}, td(String(i + 1)), td(it.title, 1, 'left'), td(it.date ? cnDate(it.date) : ''), td(String(it.page)), td('')));
  // Room to add by hand what the file also holds (evidence, photographs).
  for (let i = rows.length; i < 16; i += 1) rows.push(h('tr', {}, td(''), td(''), td(''), td(''), td('')));
  return [sheet('doc-contents', heading(DOC_TITLES.contents),
    h('div.doc-number.split', {}, h('span', {}, committeeName(d)), h('span', {}, d.row.number)),
    grid([9, 45, 20, 10, 16], [h('tr', {}, th('序号'), th('文件名称'), th('日期'), th('页号'), th('备注')), ...rows]))];
}
