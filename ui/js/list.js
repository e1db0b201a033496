// The paged list pages (roster, cases, mediation, audit) are one page with
// their own filters, columns and query: built here once, so that they search,
// filter, page and report errors alike.
import { errorBox, h, mount, options, pager } from './dom.js';

export const PAGE_SIZE = 50;

/** The community filter of a list: a community worker sees only their own. */
export function communityFilter(ctx, id, selected) {
  const own = ctx.session.community_id;
  return own
    ? h(`select#${id}`, { disabled: true }, options(ctx.office.communities.filter((c) => c.id === own).map((c) => [c.id, c.name]), own))
    : h(`select#${id}`, {}, options(ctx.office.communities.map((c) => [c.id, c.name]), selected || '', '全部社区'));
}

/**
 * Mounts a list page and loads its first page.
 * - `state`: the page's filters and `page`, a module-level object so that
 *   coming back from a record finds the same list;
 * - `fetch(paging)`: asks the core for one page (`paging` is page and size);
 * - `filters`: { stateKey: control } reloaded on change; `search`: [stateKey,
 *   input] reloaded as typed;
 * - `toolbar`: the filter bar as the page lays it out; `action`: what stands
 *   after the total in the head; `table`: the table's spec ('table.list#id');
 * - `message`: where errors show (a page that reports more there passes it).
 */
export async function listPage({
  state, fetch, filters = {}, search, title, action, toolbar, table, heads,
  unit, empty, row, totalId, message = h('div'),
}) {
  const body = h('tbody');
  let seq = 0;
  const load = async () => {
    const mine = ++seq;
    try {
      const res = await fetch({ page: state.page, page_size: PAGE_SIZE });
      if (mine !== seq) return; // a newer keystroke's or choice's answer wins
      message.replaceChildren();
      pages.show(res);
    } catch (e) {
      message.replaceChildren(errorBox(e));
    }
  };
  const pages = pager(state, load, { unit, empty, columns: heads.length, row, body });
  if (totalId) pages.total.id = totalId;
  const reset = (key, value) => { state[key] = value; state.page = 1; load(); };
  if (search) {
    const [key, input] = search;
    let timer;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => reset(key, input.value), 150);
    });
  }
  for (const [key, el] of Object.entries(filters)) {
    el.addEventListener('change', () => reset(key, el.value));
  }
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, title), pages.total, action),
    toolbar,
    message,
    h('div.table-wrap', {}, h(table, {},
      h('thead', {}, h('tr', {}, heads.map((t) => h('th', {}, t)))),
      body)),
    pages.el));
  await load();
}
