// 统计报表: a report of the catalogue for a period and a scope, previewed
// as the file lays it out (merged multi-level headers, 合计, 说明) and
// written as .xlsx. Also the routes of the three statistics pages.
import { api } from './api.js';
import { askToReplace, busy, clearErrors, communitySelect, errorBox, field, h, mount, onSubmit, options, pathInput, showError, table, toast } from './dom.js';
import { overviewPage } from './overview.js';
import { importPage } from './import.js';
import { openReportPrint } from './print_report.js';

export function statsRoutes(ctx) {
  return [
    [/^#\/reports(?:\/([\w-]+))?$/, (m) => { if (m[1]) state.name = m[1]; return reportsPage(ctx); }, 'reports'],
    [/^#\/overview$/, () => overviewPage(ctx), 'overview'],
    [/^#\/import$/, () => importPage(ctx), 'import'],
  ];
}

/** Rows shown on screen; the file holds them all. */
const PREVIEW_ROWS = 500;
const now = new Date();
const state = {
  name: 'elderly-services', kind: 'year', year: now.getFullYear(), quarter: Math.floor(now.getMonth() / 3) + 1,
  month: now.getMonth() + 1, from: '', to: '', community_id: '', unmasked: false, path: null,
};

/** The period as the core reads it: 2026, 2026Q3, 2026-07, 2026-01-01..2026-06-30. */
export function periodOf(s) {
  if (s.kind === 'quarter') return `${s.year}Q${s.quarter}`;
  if (s.kind === 'month') return `${s.year}-${String(s.month).padStart(2, '0')}`;
  if (s.kind === 'custom') return `${s.from || ''}..${s.to || ''}`;
  return String(s.year);
}

export async function reportsPage(ctx) {
  const cat = await api.reportCatalogue();
  if (state.path === null) state.path = cat.export_dir;
  const mine = ctx.session.community_id;
  if (mine) state.community_id = mine;

  const name = h('select#report-name', { name: 'name' }, options(cat.reports, state.name));
  const kind = h('select#report-period-kind', {},
    options([['year', '年度'], ['quarter', '季度'], ['month', '月度'], ['custom', '自定义起止日期']], state.kind));
  const year = h('input#report-year', { type: 'number', min: 2000, max: 2100, value: state.year, title: '年份' });
  const quarter = h('select#report-quarter', {},
    options([1, 2, 3, 4].map((q) => [String(q), `第${'一二三四'[q - 1]}季度`]), String(state.quarter)));
  const month = h('select#report-month', {},
    options(Array.from({ length: 12 }, (_, i) => [String(i + 1), `${i + 1}月`]), String(state.month)));
  const from = h('input#report-from', { type: 'date', value: state.from, title: '起始日期' });
  const to = h('input#report-to', { type: 'date', value: state.to, title: '截止日期' });
  const yearBox = h('span.period-year', {}, year, h('span.muted', {}, '年'));
  const rangeBox = h('span.period-range', {}, from, h('span.muted', {}, '至'), to);
  const periodBox = h('div.period-controls', { dataset: { name: 'period' } }, kind, yearBox, quarter, month, rangeBox);
  const community = communitySelect(ctx, { id: 'report-community', name: 'community_id', selected: state.community_id, blank: '全街道' });
  const unmasked = h('input#report-unmasked', { type: 'checkbox', checked: state.unmasked });
  const path = h('input#report-path', { value: state.path, placeholder: cat.export_dir, title: '保存到的文件夹或文件' });

  const showPeriod = () => {
    const k = kind.value;
    yearBox.hidden = k === 'custom';
    quarter.hidden = k !== 'quarter';
    month.hidden = k !== 'month';
    rangeBox.hidden = k !== 'custom';
  };
  const read = () => {
    Object.assign(state, {
      name: name.value, kind: kind.value, year: year.value.trim(), quarter: quarter.value, month: month.value,
      from: from.value, to: to.value, community_id: community.value, unmasked: unmasked.checked, path: path.value,
    });
    return { name: state.name, period: periodOf(state), community_id: state.community_id || null, unmasked: state.unmasked };
  };
  kind.addEventListener('change', showPeriod);
  showPeriod();

  const result = h('div#report-result');
  const saved = h('div#report-export-result');
  const previewButton = h('button.primary#report-preview', { type: 'submit' }, '预览');
  const exportButton = h('button#report-export', { type: 'button' }, '导出Excel');
  // 打印 prints the report previewed (masked, its first rows): A4 pages.
  let previewed = null;
  const printButton = h('button#report-print', { type: 'button', disabled: true, onclick: () => previewed && openReportPrint(previewed) }, '打印');
  const form = h('form.card#report-form', {},
    h('div.form-error'),
    h('div.report-controls', {},
      field('报表', name),
      h('label.field.period-field', {}, h('span.label', {}, '报表期间'), periodBox,
        h('span.field-error', { dataset: { for: 'period' } })),
      field('范围', community),
      h('label.check.unmask', { title: '导出的文件中显示完整身份证号（记入操作日志）' }, unmasked, '导出时不遮蔽身份证号'),
      h('div.field-error', { dataset: { for: 'unmasked' } })),
    h('div.export-row', {},
      previewButton,
      printButton,
      h('span.label.muted', {}, '保存到'),
      pathInput(path, { save: true, title: '报表保存为', filters: [['Excel 工作簿', ['xlsx']]] }),
      exportButton),
    saved);

  onSubmit(form, async () => {
    result.replaceChildren(h('p.muted.working', {}, '正在生成…'));
    try {
      const report = await api.reportPreview(read());
      result.replaceChildren(renderReport(report));
      previewed = report;
      printButton.disabled = false;
    } catch (e) {
      result.replaceChildren();
      previewed = null;
      printButton.disabled = true;
      throw e;
    }
  });
  const exportTo = async (request, typed, overwrite) => {
    saved.replaceChildren(h('p.muted.working', {}, h('span.spinner'), '正在生成Excel文件，请稍候…'));
    try {
      const r = await busy(exportButton, '正在生成…', () => api.reportExport(request, typed || null, overwrite));
      saved.replaceChildren(h('p.notice#report-saved', {}, '已保存到：', h('span.mono', {}, r.path)));
      toast('报表已导出');
    } catch (e) {
      saved.replaceChildren();
      if (e.code === 'export.exists') askToReplace(saved, typed, () => exportTo(request, typed, true));
      else if (e.field === 'path' || e.code.startsWith('export.')) saved.replaceChildren(errorBox(e));
      else showError(form, e);
    }
  };
  exportButton.addEventListener('click', () => {
    clearErrors(form);
    exportTo(read(), path.value.trim(), false);
  });

  mount(h('div.page.reports', {},
    h('div.page-head', {}, h('h1', {}, '统计报表'),
      h('span.muted', {}, '按上报格式预览和导出；社区工作人员只能统计本社区')),
    form,
    result));
}

/** Every sheet of a report as tables laid out like the file. */
export function renderReport(report) {
  return h('div.report', {},
    h('div.report-title.muted', {}, `填报单位：${report.unit}　报表期间：${report.period.label}（${report.period.from} 至 ${report.period.to}）`),
    report.sheets.map((sheet, i) => renderSheet(sheet, i)));
}

/** A sheet's header rows as the file merges them, its column count and each
 *  column's kind: the preview and the print view lay a sheet out alike. */
export function sheetHead(sheet) {
  const depth = Math.max(1, ...sheet.headers.map((x) => x.row + x.rows));
  const columns = Math.max(1, ...sheet.headers.map((x) => x.col + x.cols));
  const head = [];
  for (let r = 0; r < depth; r += 1) {
    const cells = sheet.headers.filter((x) => x.row === r).sort((a, b) => a.col - b.col);
    head.push(h('tr', {}, cells.map((x) => h('th', { rowSpan: x.rows, colSpan: x.cols }, x.text))));
  }
  return { columns, kinds: columnKinds(sheet, columns), head };
}

export function renderSheet(sheet, index = 0) {
  const { columns, kinds, head } = sheetHead(sheet);
  const shown = sheet.rows.slice(0, PREVIEW_ROWS);
  const list = table(`.report-table#report-sheet-${index}`,
    Array.from({ length: columns }, (_, i) => ['', (r) => cellTd(r[i], kinds[i])]),
    { rows: shown, empty: '本期没有记录', head, bare: true });
  // The 合计 row is a row of cells as the sheet's (the file's layout, not a list's foot).
  if (sheet.total) list.querySelector('table').append(h('tfoot', {}, h('tr.total', {}, sheet.total.map((c, i) => cellTd(c, kinds[i])))));
  return h('section.report-sheet', { dataset: { sheet: sheet.name } },
    h('h2', {}, sheet.title, index >= 0 ? h('span.muted.sheet-name', {}, `（工作表：${sheet.name}）`) : null),
    list,
    (sheet.row_count ?? sheet.rows.length) > shown.length
      ? h('p.notice', {}, `共 ${sheet.row_count ?? sheet.rows.length} 行，预览只显示前 ${shown.length} 行；导出的文件包含全部。`) : null,
    sheet.notes.length ? h('ol.report-notes', {}, h('span.muted', {}, '说明：'), sheet.notes.map((n) => h('li', {}, n))) : null);
}

/** Per column: 'rate' (a share shown as %), 'money' (two decimals) or 'count',
 *  from the header over it (the cells alone do not say). */
export function columnKinds(sheet, columns) {
  const kinds = Array(columns).fill('count');
  for (let c = 0; c < columns; c += 1) {
    const over = sheet.headers.filter((x) => x.col <= c && c < x.col + x.cols).sort((a, b) => b.row - a.row);
    // A rate is named by the column's own (lowest) header: a group such as
    // 月探访率 also holds the counts it is computed from. An amount in 元 may
    // be said once over its group.
    if (over[0] && /率/.test(over[0].text)) kinds[c] = 'rate';
    else if (over.some((x) => /元/.test(x.text))) kinds[c] = 'money';
  }
  return kinds;
}

export function formatCell(c, kind) {
  if (c === null || c === undefined) return kind === 'rate' ? '—' : '';
  if (typeof c === 'string') return c;
  if (kind === 'rate') return `${(c * 100).toFixed(1)}%`;
  if (kind === 'money') return c.toFixed(2);
  return String(c);
}

function cellTd(c, kind) {
  return h(typeof c === 'string' ? 'td' : 'td.num', {}, formatCell(c, kind));
}

/** The column under a group and leaf header (leaf '' or absent: the group's own column). */
export function columnOf(sheet, group, leaf) {
  const g = sheet.headers.find((x) => x.row === 0 && x.text === group);
  if (!g) return -1;
  if (!leaf) return g.col;
  const l = sheet.headers.find((x) => x.row > 0 && x.text === leaf && x.col >= g.col && x.col < g.col + g.cols);
  return l ? l.col : -1;
}

/** The columns under a group header. */
export function columnsUnder(sheet, group) {
  const g = sheet.headers.find((x) => x.row === 0 && x.text === group);
  return g ? Array.from({ length: g.cols }, (_, i) => g.col + i) : [];
}
