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

/** Puts an error next to its field, or at the form's top when it has none. */
export function showError(form, err) {
  clearErrors(form);
  const slot = err.field && form.querySelector(`.field-error[data-for="${err.field}"]`);
  if (slot) {
    slot.textContent = err.message;
    slot.closest('.field')?.classList.add('has-error');
  } else {
    form.querySelector('.form-error').textContent = err.message;
  }
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((s) => { s.textContent = ''; });
  form.querySelectorAll('.has-error').forEach((s) => s.classList.remove('has-error'));
  const top = form.querySelector('.form-error');
  if (top) top.textContent = '';
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
 * A pager over a page-numbered list: `state.page` moves, `load()` reloads;
 * `show(res)` fills the page count, the buttons and the table body.
 */
export function pager(state, load, { unit, empty, columns, row, body }) {
  const info = h('span#page-info');
  const prev = h('button#page-prev', { type: 'button', onclick: () => { state.page -= 1; load(); } }, '上一页');
  const next = h('button#page-next', { type: 'button', onclick: () => { state.page += 1; load(); } }, '下一页');
  const total = h('span.muted.total');
  return {
    el: h('div.pager', {}, prev, info, next),
    total,
    show(res) {
      total.textContent = `共 ${res.total} ${unit}`;
      const pages = Math.max(1, Math.ceil(res.total / res.page_size));
      info.textContent = `第 ${res.page} / ${pages} 页`;
      prev.disabled = res.page <= 1;
      next.disabled = res.page >= pages;
      body.replaceChildren(...res.items.map(row));
      if (!res.items.length) body.append(h('tr', {}, h('td.empty', { colSpan: columns }, empty)));
    },
  };
}

/**
 * Sends a form's values with `send`: the submit button is off until the core
 * answers, so that a second click cannot save the same thing twice.
 */
export function onSubmit(form, send) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const values = formValues(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await send(values);
    } catch (e) {
      showError(form, e);
    } finally {
      button.disabled = false;
    }
  });
}

/** A small form on a card that saves with one button; errors beside the field named. */
export function recordForm(id, title, fields, save, disabled) {
  const form = h(`form.card.inline#${id}`, {}, h('h2', {}, title), h('div.form-error'), h('div.grid', {}, fields),
    h('div.actions', {}, h(`button.primary#${id.replace('form', 'submit')}`, { type: 'submit', disabled }, '保存')));
  // A disabled form's button never submits, so the shared handler's
  // re-enabling cannot wake it.
  onSubmit(form, save);
  return form;
}

/** A plain table of text rows, with an empty line when there are none. */
export function table(id, heads, rows) {
  return h('div.table-wrap', {}, h(`table.list#${id}`, {},
    h('thead', {}, h('tr', {}, heads.map((t) => h('th', {}, t)))),
    h('tbody', {}, rows.length ? rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c ?? ''))))
      : h('tr', {}, h('td.empty', { colSpan: heads.length }, '暂无记录')))));
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

