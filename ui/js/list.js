// The paged list pages (roster, cases, mediation, audit) are one page with
// their own filters, columns and query: built here once, so that they search,
// filter, page and report errors alike.
import { errorBox, h, mount, table } from './dom.js';

export const PAGE_SIZE = 50;

/**
 * Mounts a list page and loads its first page.
 * - `state`: the page's filters and `page`, a module-level object so that
 *   coming back from a record finds the same list;
 * - `fetch(paging)`: asks the core for one page (`paging` is page and size);
 * - `filters`: { stateKey: control } reloaded on change; `search`: [stateKey,
 *   input] reloaded as typed;
 * - `toolbar`: the filter bar as the page lays it out; `action`: what stands
 *   after the total in the head; `table`: the spec, `columns` and options of
 *   the one table (dom.js);
 * - `message`: where errors show (a page that reports more there passes it).
 */
export async function listPage({
  state, fetch, filters = {}, search, title, action, toolbar, table: [spec, columns, opts],
  unit, totalId, message = h('div'),
}) {
  const list = table(spec, columns, opts);
  const drawn = list.querySelector('table') || list;
  // One question at a time: what is typed or chosen while one is being
  // answered waits, and only the newest is asked and drawn (typing fast asks
  // twice, not once per key).
  let busy = false;
  let again = false;
  const load = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const asked = search ? state[search[0]] : '';
        // Marks for the keystroke bench: asked, answered, drawn.
        performance.mark('list-ask');
        const res = await fetch({ page: state.page, page_size: PAGE_SIZE });
        performance.mark('list-answer');
        if (again) continue; // a newer question is waiting: this answer is stale
        message.replaceChildren();
        show(res);
        // What the list shows the answer to (the keystroke bench waits for it).
        drawn.dataset.shown = asked;
      } while (again);
    } catch (e) {
      message.replaceChildren(errorBox(e));
    } finally {
      busy = false;
      if (again) load(); // asked while a failed question was out
    }
  };
  const go = (by) => { state.page += by; load(); };
  const info = h('span#page-info');
  const prev = h('button#page-prev', { type: 'button', onclick: () => go(-1) }, '上一页');
  const next = h('button#page-next', { type: 'button', onclick: () => go(1) }, '下一页');
  const total = h(`span.muted.total${totalId ? `#${totalId}` : ''}`);
  const show = (res) => {
    total.textContent = `共 ${res.total} ${unit}`;
    const pages = Math.max(1, Math.ceil(res.total / res.page_size));
    info.textContent = `第 ${res.page} / ${pages} 页`;
    prev.disabled = res.page <= 1;
    next.disabled = res.page >= pages;
    list.fill(res.items);
  };
  const reset = (key, value) => { state[key] = value; state.page = 1; load(); };
  if (search) {
    // Every keystroke asks at once (an answer takes a few milliseconds; a
    // newer one wins), but not while a Chinese input method is composing.
    const [key, input] = search;
    input.addEventListener('input', (ev) => { if (!ev.isComposing) reset(key, input.value); });
    input.addEventListener('compositionend', () => reset(key, input.value));
  }
  for (const [key, el] of Object.entries(filters)) {
    el.addEventListener('change', () => reset(key, el.value));
  }
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, title), total, action),
    toolbar,
    message,
    list,
    h('div.pager', {}, prev, info, next)));
  await load();
}
