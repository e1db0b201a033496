// A report printed on A4: each sheet cut into pages of ROWS_PER_PAGE rows,
// every page with the title, 填报单位, the header rows and 第 n 页; the 合计,
// 说明 and 制表人/审核人 lines on a sheet's last page. The lists with a 签字
// column (重阳节慰问老人名单, 老人慰问登记表) leave it room to sign. Printed
// from the preview, so masked ID numbers only and at most its first rows.
import { h } from './dom.js';
import { showPrintView } from './print.js';
import { formatCell, sheetHead } from './reports.js';

/** Rows on an A4 page with room for a signature in each. */
const ROWS_PER_PAGE = 22;

export function openReportPrint(report) {
  const sheets = report.sheets.flatMap((sheet) => sheetPages(report, sheet));
  const title = report.title;
  showPrintView({ doc: 'report', title, sheets, pdfName: title.replace(/\s+/g, '-') });
}

function sheetPages(report, sheet) {
  const { columns, kinds, head } = sheetHead(sheet);
  const widths = Array.from({ length: columns }, (_, i) => sheet.widths[i] || 10);
  const sum = widths.reduce((a, b) => a + b, 0);
  const colgroup = () => h('colgroup', {}, widths.map((w) => h('col', { style: `width:${(w / sum * 100).toFixed(2)}%` })));
  const td = (c, i) => h(typeof c === 'string' ? 'td' : 'td.num', {}, formatCell(c, kinds[i]));
  const chunks = [];
  for (let i = 0; i < sheet.rows.length; i += ROWS_PER_PAGE) chunks.push(sheet.rows.slice(i, i + ROWS_PER_PAGE));
  if (!chunks.length) chunks.push([]);
  const cut = (sheet.row_count ?? sheet.rows.length) > sheet.rows.length;
  return chunks.map((rows, p) => {
    const last = p === chunks.length - 1;
    return h('section.sheet.report-page', { dataset: { sheet: sheet.name } },
      h('h1.report-print-title', {}, sheet.title),
      h('div.report-print-unit', {}, h('span', {}, `填报单位：${report.unit}`), h('span', {}, `第 ${p + 1} 页 共 ${chunks.length} 页`)),
      h('table.report-print', {}, colgroup(),
        h('thead', {}, head.map((tr) => tr.cloneNode(true))), // every page repeats the header rows
        h('tbody', {}, rows.length ? rows.map((r) => h('tr', {}, r.map(td))) : h('tr', {}, h('td', { colSpan: columns }, '本期没有记录'))),
        last && sheet.total ? h('tfoot', {}, h('tr.total', {}, sheet.total.map(td))) : null),
      last && cut ? h('p.report-print-note', {}, `共 ${sheet.row_count} 行，此处只打印前 ${sheet.rows.length} 行；完整名单请导出Excel后打印。`) : null,
      last && sheet.notes.length ? h('ol.report-print-notes', {}, sheet.notes.map((n) => h('li', {}, n))) : null,
      last ? h('div.report-print-sign', {}, h('span', {}, '制表人：'), h('span', {}, '审核人：'), h('span', {}, '日期：')) : null);
  });
}
