// 统计概览: the year at a glance, drawn as inline SVG from the statistics
// reports themselves (each chart's 查看数据 is the report's figures), and
// the open reminders of the three registers.
import { api } from './api.js';
import { errorBox, h, mount, options, table } from './dom.js';
import { columnOf, columnsUnder } from './reports.js';

const preview = api.reportPreview;
const state = { year: new Date().getFullYear() };

export async function overviewPage(ctx) {
  const thisYear = new Date().getFullYear();
  const year = h('select#overview-year', {},
    options(Array.from({ length: 5 }, (_, i) => String(thisYear - i)), String(state.year)));
  const body = h('div#overview-body', {}, h('p.muted.working', {}, h('span.spinner'), '正在统计…'));
  year.addEventListener('change', () => { state.year = Number(year.value); load(); });
  mount(h('div.page.overview', {},
    h('div.page-head', {}, h('h1', {}, '统计概览'), year,
      h('span.muted', {}, ctx.session.community_id ? '本社区' : '全街道'),
      h('a.button.head-link', { href: '#/reports' }, '统计报表')),
    body));

  async function load() {
    const y = state.year;
    body.replaceChildren(h('p.muted.working', {}, h('span.spinner'), '正在统计…'));
    try {
      const last = y === thisYear ? new Date().getMonth() + 1 : 12;
      const months = Array.from({ length: last }, (_, i) => `${y}-${String(i + 1).padStart(2, '0')}`);
      const [elderly, employment, mediation, alerts, monthly] = await Promise.all([
        preview({ name: 'elderly-services', period: String(y) }),
        preview({ name: 'employment-stats', period: String(y) }),
        preview({ name: 'mediation-stats', period: String(y) }),
        openAlerts(),
        Promise.all(months.map(async (m) => [m,
          await preview({ name: 'mediation-stats', period: m }),
          await preview({ name: 'elderly-services', period: m })])),
      ]);
      if (y !== state.year) return;
      const e = elderly.sheets[0];
      const j = employment.sheets[0];
      const m = mediation.sheets[0];
      const byRow = (sheet, cols) => sheet.rows.map((r) => [r[0], cols.reduce((s, c) => s + (Number(r[c]) || 0), 0)]);
      const serviceCols = columnsUnder(e, '服务人次');
      const monthLabel = (p) => `${Number(p.slice(5))}月`;
      const totalOf = (report, cols) => cols.reduce((s, c) => s + (Number(report.sheets[0].total?.[c]) || 0), 0);
      // 月探访率 as the report computes it (已探访 ÷ 应探访; the 合计 from the
      // summed counts), in whole per cent; a month with no one due shows 0.
      const pct = (x) => (x == null ? 0 : Math.round(Number(x) * 100));
      const rateCol = (sheet) => columnOf(sheet, '月探访率', '探访率');
      // The last month that is over: this month's visits are still being made.
      const [lastMonth, , lastReport] = monthly[y === thisYear && monthly.length > 1 ? monthly.length - 2 : monthly.length - 1] || [];
      const lastSheet = lastReport?.sheets[0];
      const charts = [
        chart('chart-elderly', '在册老人（人）', bars(byRow(e, [columnOf(e, '在册老人（人）', '合计')])),
          source(elderly, '在册老人（人）·合计，按期末统计'), ['社区', '在册老人（人）']),
        chart('chart-services', '服务人次', bars(byRow(e, serviceCols), '#c76b2a'),
          source(elderly, '服务人次（各服务类型之和）'), ['社区', '服务人次']),
        chart('chart-employment', '就业援助对象（人）', bars(byRow(j, [columnOf(j, '就业困难人员（人）', '合计')]), '#2f6f9f'),
          source(employment, '就业困难人员（人）·合计，按期末统计'), ['社区', '就业援助对象（人）']),
        chart('chart-mediation', '调解案件受理（件）', bars(byRow(m, [columnOf(m, '调解案件', '受理')]), '#5b7c3a'),
          source(mediation, '调解案件·受理'), ['调委会', '受理（件）']),
        chart('chart-trend-mediation', `${y}年每月调解受理（件）`,
          columns(monthly.map(([p, r]) => [monthLabel(p), totalOf(r, [columnOf(r.sheets[0], '调解案件', '受理')])]), '#5b7c3a'),
          `人民调解工作统计表各月合计行·受理`, ['月份', '受理（件）']),
        chart('chart-trend-services', `${y}年每月服务人次`,
          columns(monthly.map(([p, , r]) => [monthLabel(p), totalOf(r, columnsUnder(r.sheets[0], '服务人次'))]), '#c76b2a'),
          `居家养老服务情况统计表各月合计行·服务人次`, ['月份', '服务人次']),
        chart('chart-visit-rate', `${lastMonth ? monthLabel(lastMonth) : ''}探访率（%）`,
          bars(lastSheet ? lastSheet.rows.map((r) => [r[0], pct(r[rateCol(lastSheet)])]) : [], '#7a4fa0'),
          lastReport ? source(lastReport, '月探访率·探访率（已探访人数÷应探访人数）') : '', ['社区', '探访率（%）']),
        chart('chart-trend-visit-rate', `${y}年每月探访率（%）`,
          columns(monthly.map(([p, , r]) => [monthLabel(p), pct(r.sheets[0].total?.[rateCol(r.sheets[0])])]), '#7a4fa0'),
          `居家养老服务情况统计表各月合计行·月探访率（按合计人数计算）`, ['月份', '探访率（%）']),
      ];
      body.replaceChildren(alertTiles(alerts), h('div.chart-grid', {}, charts));
    } catch (e) {
      body.replaceChildren(errorBox(e));
    }
  }
  await load();
}

/** Open reminders now, with the page that lists them. */
async function openAlerts() {
  const count = (p) => p.then((l) => l.length, () => null);
  const [due, checks, followups, loans, posts, zero, mediation] = await Promise.all([
    count(api.dueVisits(null)), count(api.allowanceChecksDue(null)), count(api.followupsDue(null)), count(api.loanAlerts()),
    count(api.postLimitAlerts()), count(api.zeroClearingAlerts()), count(api.mediationAlerts()),
  ]);
  return [
    ['待探访老人', due, '#/due'], ['生存认证到期', checks, '#/allowance'], ['待跟踪援助对象', followups, '#/followups'],
    ['贷款到期', loans, '#/loans'], ['岗位补贴到期', posts, '#/posts'],
    ['零就业家庭未清零', zero, '#/households'], ['调解提醒', mediation, '#/mediation/alerts'],
  ];
}

function alertTiles(alerts) {
  const data = dataTable(['提醒', '数量（条）'], alerts.map(([label, n]) => [label, n ?? '—']), '各提醒页面当前列出的条数');
  data.hidden = true;
  return h('div.card.alert-card#chart-alerts', {},
    h('div.alert-head', {}, h('h2', {}, '待办提醒'), toggle(data)),
    h('div.alert-tiles', {}, alerts.map(([label, n, href]) => h(`a.alert-tile${n ? '.has' : ''}`, { href },
      h('span.alert-n', {}, n ?? '—'), h('span.alert-label', {}, label)))),
    data);
}

function source(report, what) {
  return `${report.title}：${what}`;
}

/** A chart card: title, the drawing, and 查看数据 with the figures drawn. */
function chart(id, title, drawing, caption, heads) {
  const data = dataTable(heads, drawing.data, `数据来源：${caption}`);
  data.hidden = true;
  return h(`div.card.chart#${id}`, {},
    h('div.chart-head', {}, h('h2', {}, title), toggle(data)),
    drawing.svg,
    data);
}

function toggle(data) {
  const button = h('button.small-button.show-data', { type: 'button' }, '查看数据');
  button.addEventListener('click', () => {
    data.hidden = !data.hidden;
    button.textContent = data.hidden ? '查看数据' : '收起数据';
  });
  return button;
}

function dataTable(heads, rows, caption) {
  return h('div.chart-data', {},
    table('', heads.map((t, i) => [t, (r) => String(r[i]), i ? 'num' : '']), { rows, wrap: false }),
    h('p.small.muted', {}, caption));
}

const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children.flat()) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Horizontal bars, one per row: the label left, the figure after the bar. */
function bars(data, color = '#b83227') {
  const W = 360; const left = 96; const right = 44; const row = data.length > 9 ? 15 : 22; const top = 4;
  const H = Math.max(60, top * 2 + data.length * row);
  const max = Math.max(1, ...data.map(([, v]) => v));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', width: W, height: H });
  data.forEach(([label, v], i) => {
    const y = top + i * row;
    const w = ((W - left - right) * v) / max;
    svg.append(
      s('text', { x: left - 6, y: y + row / 2 + 4, 'text-anchor': 'end', class: 'chart-label' }, short(label, 7)),
      s('rect', { x: left, y: y + 3, width: Math.max(v ? 1 : 0, w), height: row - 6, fill: color, rx: 2 },
        s('title', {}, `${label}：${v}`)),
      s('text', { x: left + w + 4, y: y + row / 2 + 4, class: 'chart-value' }, fmt(v)));
  });
  if (!data.length) svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'chart-label' }, '暂无数据'));
  return { svg, data: data.map(([l, v]) => [l, fmt(v)]) };
}

/** Vertical bars over the months, figures on top. */
function columns(data, color) {
  const W = 360; const H = 170; const left = 8; const bottom = 20; const top = 16;
  const max = Math.max(1, ...data.map(([, v]) => v));
  const slot = (W - left * 2) / Math.max(12, data.length);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', width: W, height: H });
  svg.append(s('line', { x1: left, x2: W - left, y1: H - bottom, y2: H - bottom, stroke: '#c3cad2' }));
  data.forEach(([label, v], i) => {
    const x = left + i * slot;
    const bh = ((H - bottom - top) * v) / max;
    svg.append(
      s('rect', { x: x + slot * 0.18, y: H - bottom - bh, width: slot * 0.64, height: bh, fill: color, rx: 2 },
        s('title', {}, `${label}：${v}`)),
      s('text', { x: x + slot / 2, y: H - bottom - bh - 3, 'text-anchor': 'middle', class: 'chart-value' }, fmt(v)),
      s('text', { x: x + slot / 2, y: H - 5, 'text-anchor': 'middle', class: 'chart-label' }, label));
  });
  return { svg, data: data.map(([l, v]) => [l, fmt(v)]) };
}

function fmt(v) {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function short(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
