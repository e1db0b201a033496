// Small DOM helpers: build elements, read forms, show messages.
import { chooseFile } from './api.js';

/** h('div.cls#id', {attr: v, onclick: f}, ...children) */
export function h(spec, attrs = {}, ...children) {
  const [, tag, rest] = spec.match(/^([a-z0-9]+)?(.*)$/i);
  const el = document.createElement(tag || 'div');
  for (const part of rest.match(/[.#][^.#]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function mount(...children) {
  const main = document.getElementById('main');
  main.replaceChildren(...children);
  main.scrollTop = 0;
}

export function options(values, selected, blank) {
  const opts = blank !== undefined ? [h('option', { value: '' }, blank)] : [];
  for (const v of values || []) {
    const [value, label] = Array.isArray(v) ? v : [v, v];
    opts.push(h('option', { value, selected: value === selected }, label));
  }
  return opts;
}

/** A labelled form field; the error slot beside it is filled by showErrors. */
export function field(label, control, opts = {}) {
  const name = control.dataset.name || control.name;
  return h(`label.field${opts.wide ? '.wide' : ''}`, {},
    h('span.label', {}, label, opts.required ? h('b.req', {}, '*') : null),
    control,
    h('span.field-error', { dataset: { for: name } }));
}

export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') {
      if (el.dataset.multi) {
        out[el.name] = out[el.name] || [];
        if (el.checked) out[el.name].push(el.value);
      } else out[el.name] = el.checked;
    } else out[el.name] = el.value.trim() === '' ? null : el.value.trim();
  }
  return out;
}

/**
 * Shows an error the one way every form does: beside the field it names,
 * else in the form's one message above its buttons (made there when the form
 * has none). The named field is scrolled into view.
 */
export function showError(form, err) {
  clearErrors(form);
  place(form, err);
}

/** Puts an error in its place on a form whose errors are cleared. */
function place(form, err) {
  const slot = err.field && form.querySelector(`.field-error[data-for="${err.field}"]`);
  const shown = slot || form.querySelector('.form-error') || topSlot(form);
  shown.textContent = err.message || String(err);
  slot?.closest('.field')?.classList.add('has-error');
  shown.scrollIntoView?.({ block: 'nearest' });
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((s) => { s.textContent = ''; });
  form.querySelectorAll('.has-error').forEach((s) => s.classList.remove('has-error'));
  const top = form.querySelector('.form-error');
  if (top) top.textContent = '';
}

/** The form's message for errors that name no field, just above its buttons. */
function topSlot(form) {
  const button = form.querySelector('button[type=submit]') || form.querySelector('button');
  const before = button?.closest('.actions') || button || null;
  const slot = h('div.form-error');
  if (before && form.contains(before)) before.before(slot); else form.append(slot);
  return slot;
}

let toastTimer;
export function toast(message, ms = 2500) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, ms);
}

export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function yuan(cents) {
  return (cents / 100).toFixed(2);
}

export function errorBox(err) {
  return h('div.error-box', {}, err.message || String(err));
}

/**
 * An export refused because its file exists (`export.exists`): asks in
 * `box` whether to replace the file the user typed, and on 替换 calls
 * `replace()` (which resends with overwrite). The core still refuses the
 * database and backups whatever is answered here.
 */
export function askToReplace(box, path, replace) {
  box.replaceChildren(h('div.confirm-replace', {},
    h('span.notice', {}, `文件“${path}”已存在，要替换吗？`),
    h('button.primary#confirm-replace', { type: 'button', onclick: () => { box.replaceChildren(); replace(); } }, '替换'),
    h('button#cancel-replace', { type: 'button', onclick: () => box.replaceChildren() }, '取消')));
}

/**
 * The one form helper: on submit, sends the form's values with `send(values)`
 * (it may read the form itself) with the whole form disabled until the core
 * answers, so a second click cannot save twice; errors as `showError`.
 * `opts.error(e)` may turn an error into the one to show (a field of its own),
 * or mark more of the form (the marks stay until the next submit).
 */
export function onSubmit(form, send, opts = {}) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (form.classList.contains('saving')) return;
    clearErrors(form);
    const values = formValues(form);
    // Controls disabled before (a read-only field, a form that may not save) stay so.
    const off = [...form.querySelectorAll('button, input, select, textarea')].filter((el) => !el.disabled);
    form.classList.add('saving');
    off.forEach((el) => { el.disabled = true; });
    try {
      await send(values);
    } catch (e) {
      const shown = opts.error ? opts.error(e) : e;
      if (shown) place(form, shown); // the form's errors were cleared when it was sent
    } finally {
      form.classList.remove('saving');
      off.forEach((el) => { el.disabled = false; });
    }
  });
  return form;
}

/** Runs `work` with `button` off (so a second click does nothing) and, if
 *  `label` is given, saying it (正在同步……); the button comes back as it
 *  was whatever happens. Returns what `work` returns. */
export async function busy(button, label, work) {
  const was = button.textContent;
  button.disabled = true;
  if (label) button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    if (label) button.textContent = was;
  }
}

/** A button outside a form (a row's 保存, 恢复, 采用此值): off while `run()`
 *  works; an error shows in `where` (beside a field: its text; else the box). */
export function onPress(button, run, where) {
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    where.replaceChildren();
    try {
      await busy(button, null, run);
    } catch (e) {
      where.replaceChildren(where.matches('.field-error') ? e.message || String(e) : errorBox(e));
    }
  });
  return button;
}

/** A small form on a card that saves with one button; errors beside the field named. */
export function recordForm(id, title, fields, save, disabled) {
  const form = h(`form.card.inline#${id}`, {}, h('h2', {}, title), h('div.grid', {}, fields),
    h('div.actions', {}, h(`button.primary#${id.replace('form', 'submit')}`, { type: 'submit', disabled }, '保存')));
  return onSubmit(form, save);
}

/**
 * The one table of the app: every list and table of every page.
 * - `spec`: what follows `table.list` ('#roster-table', '.audit#audit-table');
 * - `columns`: each a label (the rows are arrays: the cell at its index), or
 *   [label, cell(row) → content (or a td of its own), td class];
 * - `opts.rows`, `opts.empty` (the line when there are none);
 * - `opts.open(row)`: what a click on the row opens (a hash, or it acts
 *   itself); a table without it is plain (no pointer, no hover);
 * - `opts.data(row)`: the row's dataset ({ id }); `opts.rowClass(row)`: its class;
 * - `opts.actions(row, tr)`: the row's buttons, in a last column;
 * - `opts.head`: header rows when the labels take more than one row;
 * - `opts.foot`: the cells of a 合计 row; `opts.wrap: false`: no scrolling box;
 * - `opts.bare`: not a list's look (a grid of inputs, a report's own layout).
 * The element it returns has `fill(rows)` (draws the rows again) and
 * `under(tr, content)` (one line under a row for its small form).
 */
export function table(spec, columns, opts = {}) {
  const cols = columns.map((c, i) => (Array.isArray(c) ? c : [c, (r) => r[i]]));
  if (opts.actions) cols.push(['', (r, tr) => opts.actions(r, tr), 'actions-cell']);
  const body = h('tbody');
  const line = (r) => {
    const tr = h(`tr${opts.rowClass ? `.${opts.rowClass(r)}` : ''}`, { dataset: opts.data?.(r) });
    if (opts.open) {
      tr.addEventListener('click', () => {
        const to = opts.open(r);
        if (typeof to === 'string') location.hash = to;
      });
    }
    tr.append(...cols.map(([, cell, cls]) => {
      const c = cell(r, tr);
      return c instanceof HTMLTableCellElement ? c : h(cls ? `td.${cls}` : 'td', {}, c ?? '');
    }));
    return tr;
  };
  const el = h(opts.bare ? `table${spec}` : `table.list${opts.open ? '' : '.plain'}${spec}`, {},
    h('thead', {}, opts.head || h('tr', {}, cols.map(([label, , cls]) => h(cls === 'num' ? 'th.num' : 'th', {}, label)))),
    body,
    opts.foot ? h('tfoot', {}, h('tr', {}, opts.foot.map((c) => h(typeof c === 'number' ? 'th.num' : 'th', {}, c)))) : null);
  const box = opts.wrap === false ? el : h('div.table-wrap', {}, el);
  box.fill = (rows) => {
    body.replaceChildren(...rows.map(line));
    if (!rows.length && opts.empty !== null) body.append(h('tr', {}, h('td.empty', { colSpan: cols.length }, opts.empty ?? '暂无记录')));
  };
  box.under = (tr, content) => {
    body.querySelectorAll('tr.edit-row').forEach((r) => r.remove());
    tr.after(h('tr.edit-row', {}, h('td', { colSpan: cols.length }, content)));
    content.querySelector?.('input, select')?.focus();
  };
  box.body = body;
  if (opts.rows) box.fill(opts.rows);
  return box;
}

/**
 * The one community select, from the session: a community worker gets only
 * their own community (fixed); anyone else every community after `blank`
 * (a filter's 全部社区, a form's 请选择). `label(c)` names a community
 * (mediation says its committee).
 */
export function communitySelect(ctx, { id, name, selected, blank, label = (c) => c.name } = {}) {
  const own = ctx.session.community_id;
  const attrs = { id, name, dataset: name ? { name } : undefined };
  const mine = ctx.office.communities.filter((c) => !own || c.id === own).map((c) => [c.id, label(c)]);
  return own
    ? h('select', { ...attrs, disabled: true }, options(mine, own))
    : h('select', attrs, options(mine, selected || '', blank));
}

/** A path field with a 浏览… button opening the system's file dialog: office
 *  staff pick files, they do not type paths (typing still works). `how` as
 *  for `chooseFile`. */
export function pathInput(input, how = {}) {
  const browse = h('button.browse', { type: 'button', title: how.title || '选择位置', onclick: async () => {
    const chosen = await chooseFile(input.value.trim(), how);
    if (!chosen) return;
    input.value = chosen;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  } }, '浏览…');
  browse.hidden = !window.__TAURI__?.dialog;
  return h('span.path-input', { dataset: { name: input.name || '' } }, input, browse);
}

