// 导入: an office's existing spreadsheet onto a register. The preview is the
// import run and rolled back by the core, so what it says is what importing
// will do: the header row found, each field's column (changeable), every
// problem by row and column, values to map to known ones. Then the import,
// and the rejected rows written back as .xlsx for fixing.
import { api, onEvent } from './api.js';
import { errorBox, field, h, mount, onPress, onSubmit, options, pathInput, table, toast } from './dom.js';

// How far a long file has got, on the line of the spinner that waits for it.
// Never backwards: when a row fails in a register's own check, the core goes
// through the file again row by row, and the count waits until it passes.
let shownDone = 0;
onEvent('import-progress', ({ done, total }) => {
  const el = document.getElementById('import-progress');
  if (!el || done < shownDone) return;
  shownDone = done;
  const n = (x) => x.toLocaleString('zh-CN');
  el.textContent = done < total ? `已处理 ${n(done)} / ${n(total)} 行` : `已处理全部 ${n(total)} 行，正在收尾…`;
});

/** The waiting line of a preview or an import, where its progress shows. */
const working = (what) => {
  shownDone = 0;
  return h('p.muted.working', {}, h('span.spinner'), what, h('span#import-progress.progress-count'));
};

/** Where a file error belongs on the form. */
const FIELD_OF = {
  'import.unreadable': 'path', 'import.format': 'path', 'import.no_sheet': 'sheet',
  // A file refused for its size or shape (src/import/bounds.rs).
  'import.file_too_large': 'path', 'import.bloated': 'path',
  'import.too_many_merges': 'path', 'import.cell_too_long': 'path', 'import.not_text': 'path',
  'import.line_too_long': 'path', 'import.sheet_too_wide': 'path', 'import.too_many_rows': 'path',
  'import.too_much_content': 'path',
};

function columnLetter(i) {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export async function importPage(ctx) {
  const cat = await api.reportCatalogue();
  const st = { sheet: null, mapping: {}, values: {}, existing: 'skip', all_or_nothing: false, preview: null };

  const register = h('select#import-register', { name: 'register' }, options(cat.registers, cat.registers[0]?.[0]));
  const path = h('input#import-path', { name: 'path', placeholder: '如 D:\\台账\\老年人花名册.xlsx（.xlsx、.xls 或 .csv）' });
  const sheet = h('select#import-sheet', { name: 'sheet' }, options([], '', '自动识别'));
  const existing = h('select#import-existing', { name: 'existing' },
    options([['update', '更新为文件中的信息'], ['skip', '跳过，保持台账不变'], ['stop', '停止，不导入任何数据']], st.existing));
  const mode = h('select#import-mode', { name: 'all_or_nothing' },
    options([['rows', '只导入正确的行'], ['all', '全部正确才导入']], 'rows'));
  const templateButton = h('button#import-template', { type: 'button' }, '下载导入模板');
  const previewButton = h('button.primary#import-preview', { type: 'submit' }, '预览');
  const runButton = h('button.primary#import-run', { type: 'button', disabled: true }, '开始导入');
  const message = h('div#import-message');
  const result = h('div#import-result');
  const outcome = h('div#import-outcome');

  const opts = () => ({
    sheet: st.sheet || null, mapping: st.mapping, values: st.values,
    existing: existing.value, all_or_nothing: mode.value === 'all',
  });

  const form = h('form.card#import-form', {},
    h('div.import-controls', {},
      field('导入内容', register),
      field('文件位置', pathInput(path, { title: '选择要导入的表格', filters: [['表格文件', ['xlsx', 'xls', 'csv']]] }), { required: true }),
      field('工作表', sheet)),
    h('div.actions', {}, previewButton, templateButton,
      h('span.muted.small-note', {}, '模板含表头、填写说明和下拉选项；已有的表格也可直接导入，表头可在预览中调整')),
    message);

  // 预览 reads the file anew; a choice in the preview previews again keeping the others.
  let keep = false;
  const doPreview = () => { keep = true; form.requestSubmit(); };
  onSubmit(form, async () => {
    if (!keep) Object.assign(st, { sheet: null, mapping: {}, values: {} });
    keep = false;
    outcome.replaceChildren();
    runButton.disabled = true;
    result.replaceChildren(working('正在读取和检查…'));
    try {
      const p = await api.importPreview(register.value, path.value.trim(), opts());
      st.preview = p;
      st.sheet = p.sheet;
      sheet.replaceChildren(...options(p.sheets, p.sheet));
      result.replaceChildren(renderPreview(p));
      runButton.disabled = false;
    } catch (e) {
      st.preview = null;
      result.replaceChildren();
      throw e;
    }
  }, { error: (e) => ({ ...e, field: e.field || FIELD_OF[e.code] }) });

  function renderPreview(p) {
    const bad = new Set(p.problems.map((x) => x.row)).size;
    const counts = h('div.import-counts#import-counts', {},
      h('span', {}, '工作表“', h('b', {}, p.sheet), `”，表头在第 ${p.header_row} 行`),
      h('span.count', {}, '共 ', h('b', {}, p.rows), ' 行'),
      h('span.count.ok', {}, '新增 ', h('b', {}, p.new), ` ${p.unit}`),
      h('span.count', {}, '已在台账 ', h('b', {}, p.existing), ` ${p.unit}`),
      h(`span.count${bad ? '.bad' : ''}`, {}, '有问题 ', h('b', {}, bad), ' 行'),
      // Rows after the data that are no records (合计, 填表人): skipped, not problems.
      p.footer.length ? h('span.count.muted#import-footer', {},
        `已跳过表尾 ${p.footer.length} 行（第${p.footer.map((f) => f.row).join('、')}行：`
        + `${[...new Set(p.footer.map((f) => f.label))].join('、')}）`) : null);

    // Each field with a choice of the file's columns; a change previews again.
    const headerChoices = p.headers.map((t, i) => [columnLetter(i), `${columnLetter(i)}列：${t || '（无表头）'}`]);
    const mapping = table('.import-mapping#import-mapping', [
      ['台账字段', ([, label, required]) => [label, required ? h('b.req', {}, '*') : null]],
      ['文件中的列', ([key]) => {
        const col = p.mapping[key];
        const select = h('select.map-select', { dataset: { field: key } },
          options(headerChoices, col === undefined ? '-' : columnLetter(col), undefined),
          h('option', { value: '-', selected: col === undefined }, '（不导入）'));
        select.addEventListener('change', () => { st.mapping[key] = select.value; doPreview(); });
        return select;
      }],
    ], { rows: p.fields, empty: null, wrap: false, rowClass: ([key]) => (p.mapping[key] === undefined ? 'unmapped' : '') });

    const unknownFields = Object.entries(p.unknown);
    const unknown = unknownFields.length ? h('div.card.import-unknown#import-unknown', {},
      h('h2', {}, '需要对应的值'),
      h('p.small.muted', {}, '文件中这些值不在可选范围内，请选择对应的已有选项（选择后重新预览）；不对应的行不会导入。'),
      table('', [
        ['字段', ([key]) => p.fields.find(([k]) => k === key)?.[1] || key],
        ['文件中的值', ([, v]) => v],
        ['对应为', ([key, v]) => {
          const select = h('select.value-select', { dataset: { field: key, value: v } },
            options(p.choices[key] || [], st.values[key]?.[v] || '', '（请选择）'));
          select.addEventListener('change', () => {
            st.values[key] = st.values[key] || {};
            if (select.value) st.values[key][v] = select.value; else delete st.values[key][v];
            doPreview();
          });
          return select;
        }],
      ], { rows: unknownFields.flatMap(([key, values]) => values.map((v) => [key, v])), wrap: false })) : null;

    const problems = h('div.card.import-problems', {},
      h('h2', {}, p.problems.length ? `问题（${p.problems.length}处，${bad}行）` : '问题'),
      p.problems.length
        ? Object.assign(table('#import-problems', [
          ['行', (x) => `第${x.row}行`, 'num'], ['列', (x) => x.column || '整行'], ['问题', (x) => x.message, 'wrap'],
        ], { rows: p.problems }), { className: 'table-wrap problems-wrap' })
        : h('p.ok-box#import-no-problems', {}, '没有发现问题，可以导入。'));

    return h('div.import-preview', {},
      counts,
      h('div.import-columns', {},
        h('div.card', {}, h('h2', {}, '列对应'), h('div.table-wrap.mapping-wrap', {}, mapping)),
        h('div.import-right', {},
          h('div.card.import-run', {},
            h('div.import-options', {}, field('台账中已有的记录', existing), field('有问题的行', mode),
              h('div.run-cell', {}, runButton)),
            h('p.muted.small-note', {},
              '导入在一次操作中完成，记入操作日志；未导入的行会另存为 Excel，改好后可再导入。'),
            outcome),
          problems, unknown)));
  }

  // Another register reads the file anew: nothing of the last preview applies.
  register.addEventListener('change', () => {
    Object.assign(st, { sheet: null, mapping: {}, values: {}, preview: null });
    result.replaceChildren();
    outcome.replaceChildren();
    runButton.disabled = true;
  });
  sheet.addEventListener('change', () => { st.sheet = sheet.value; st.mapping = {}; doPreview(); });
  onPress(templateButton, async () => {
    const r = await api.importTemplate(register.value);
    message.replaceChildren(h('p.notice#import-template-saved', {}, '导入模板已保存到：', h('span.mono', {}, r.path)));
  }, message);
  runButton.addEventListener('click', async () => {
    runButton.disabled = true;
    previewButton.disabled = true;
    runButton.textContent = '正在导入…';
    outcome.replaceChildren(working('正在导入，请稍候…'));
    try {
      const o = await api.importRun(register.value, path.value.trim(), opts());
      const unit = st.preview?.unit || '条';
      outcome.replaceChildren(h('div.ok-box#import-done', {},
        h('div', {}, `导入完成：新增 ${o.imported} ${unit}，更新 ${o.updated} ${unit}，跳过 ${o.skipped} ${unit}，未导入 ${o.rejected} 行。`),
        o.rejected_path ? h('div#import-rejected', {}, '未导入的行及原因已保存到：', h('span.mono', {}, o.rejected_path),
          '，改好后可再导入。') : null));
      toast(`已导入 ${o.imported + o.updated} ${unit}`);
      outcome.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      outcome.replaceChildren(errorBox(e));
      runButton.disabled = false;
    } finally {
      previewButton.disabled = false;
      runButton.textContent = '开始导入';
    }
  });

  mount(h('div.page.import', {},
    h('div.page-head', {}, h('h1', {}, '导入'), h('span.muted', {}, '把已有的 Excel 台账导入本系统；先预览，确认无误再导入')),
    form,
    result));
}
