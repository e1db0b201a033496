// The shell: opens the office (or its first-start setup) and routes between
// pages by the address hash (#/roster, #/elderly/<id>, ...).
import { api } from './api.js';
import { errorBox, mount, today } from './dom.js';
import { setupPage } from './setup.js';
import { rosterPage } from './roster.js';
import { registerPage } from './register.js';
import { personPage } from './person.js';
import { duePage } from './due.js';
import { aboutPage } from './about.js';

/** What every page may read: the office, its communities, the dictionaries. */
export const ctx = { office: null, dicts: {}, status: null };

const routes = [
  [/^#\/roster\/new$/, () => registerPage(ctx), 'new'],
  [/^#\/roster$/, () => rosterPage(ctx), 'roster'],
  [/^#\/elderly\/([\w-]+)$/, (m) => personPage(ctx, m[1]), 'roster'],
  [/^#\/due$/, () => duePage(ctx), 'due'],
  [/^#\/about$/, () => aboutPage(ctx), 'about'],
];

async function route() {
  if (!ctx.office) return;
  const hash = location.hash || '#/roster';
  for (const [re, page, nav] of routes) {
    const m = hash.match(re);
    if (m) {
      document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.nav === nav));
      try {
        await page(m);
      } catch (e) {
        mount(errorBox(e));
      }
      return;
    }
  }
  location.hash = '#/roster';
}

export async function start() {
  document.getElementById('today').textContent = `今天 ${today()}`;
  try {
    ctx.status = await api.status();
  } catch (e) {
    mount(errorBox(e));
    return;
  }
  if (!ctx.status.office) {
    setupPage(async (office) => { ctx.status.office = office; await opened(); });
    return;
  }
  await opened();
}

async function opened() {
  ctx.office = ctx.status.office;
  ctx.dicts = await api.dictionaries();
  document.getElementById('office-name').textContent = ctx.office.name;
  document.getElementById('nav').hidden = false;
  window.addEventListener('hashchange', route);
  await route();
}

start();
