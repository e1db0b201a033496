// The shell: first-start setup, login and the idle lock, then routing
// between pages by the address hash (#/roster, #/elderly/<id>, ...).
import { api, onEvent, whenSessionLost } from './api.js';
import { busy, errorBox, mount, toast, today } from './dom.js';
import { setupPage } from './setup.js';
import { demoBanner } from './demo.js';
import { loginPage, lockScreen } from './login.js';
import { rosterPage } from './roster.js';
import { registerPage } from './register.js';
import { personPage } from './person.js';
import { duePage } from './due.js';
import { allowancePage } from './allowance.js';
import { carePage } from './homecare.js';
import { aboutPage } from './about.js';
import { accountsPage, communitiesPage, passwordPage, settingsPage } from './admin.js';
import { backupsPage, damagedPage } from './backups.js';
import { dictionariesPage } from './dictionaries.js';
import { auditPage } from './audit.js';
import { helpPage, topicFor } from './help.js';
import { syncPage } from './sync.js';
import { casesPage, caseRegisterPage } from './cases.js';
import { casePage } from './case.js';
import { householdNewPage, householdPage, householdsPage } from './household.js';
import { followupsPage, loadChoices, loansPage } from './employment.js';
import { postsPage } from './posts.js';
import { mediationRoutes } from './mediation.js';
import { statsRoutes } from './reports.js';

/** What every page may read: the office, the dictionaries, the session. */
export const ctx = { office: null, dicts: {}, status: null, session: null };

const routes = [
  [/^#\/roster\/new$/, () => registerPage(ctx), 'new'],
  [/^#\/roster$/, () => rosterPage(ctx), 'roster'],
  [/^#\/elderly\/([\w-]+)(?:\/(\w+))?$/, (m) => personPage(ctx, m[1], m[2]), 'roster'],
  [/^#\/due$/, () => duePage(ctx), 'due'],
  [/^#\/allowance$/, () => allowancePage(ctx), 'allowance'],
  [/^#\/care$/, () => carePage(ctx), 'care'],
  [/^#\/cases\/new$/, () => caseRegisterPage(ctx), 'cases'],
  [/^#\/cases$/, () => casesPage(ctx), 'cases'],
  [/^#\/case\/([\w-]+)(?:\/(\w+))?$/, (m) => casePage(ctx, m[1], m[2]), 'cases'],
  [/^#\/households\/new$/, () => householdNewPage(ctx), 'households'],
  [/^#\/households$/, () => householdsPage(ctx), 'households'],
  [/^#\/household\/([\w-]+)$/, (m) => householdPage(ctx, m[1]), 'households'],
  [/^#\/followups$/, () => followupsPage(ctx), 'followups'],
  [/^#\/loans$/, () => loansPage(ctx), 'loans'],
  [/^#\/posts$/, () => postsPage(ctx), 'posts'],
  ...mediationRoutes(ctx),
  ...statsRoutes(ctx),
  [/^#\/accounts$/, () => accountsPage(ctx), 'accounts'],
  [/^#\/communities$/, () => communitiesPage(ctx), 'communities'],
  [/^#\/settings$/, () => settingsPage(ctx), 'settings'],
  [/^#\/dictionaries$/, () => dictionariesPage(ctx), 'dictionaries'],
  [/^#\/password$/, () => passwordPage(ctx), ''],
  [/^#\/backups$/, () => backupsPage(ctx), 'backups'],
  [/^#\/audit$/, () => auditPage(ctx), 'audit'],
  [/^#\/about$/, () => aboutPage(ctx), 'about'],
  [/^#\/sync$/, () => syncPage(ctx), 'sync'],
  [/^#\/help(?:\/(\w+))?$/, (m) => helpPage(m[1]), ''],
];

async function route() {
  if (!ctx.session || ctx.session.locked) return;
  const hash = location.hash || '#/roster';
  for (const [re, page, nav] of routes) {
    const m = hash.match(re);
    if (m) {
      document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.nav === nav));
      try {
        await page(m);
      } catch (e) {
        if (!e.code?.startsWith('auth.')) mount(errorBox(e));
      }
      return;
    }
  }
  location.hash = '#/roster';
}

function chrome(visible) {
  document.getElementById('nav').hidden = !visible;
  document.getElementById('user-box').hidden = !visible;
}

async function start() {
  document.getElementById('today').textContent = `今天 ${today()}`;
  try {
    ctx.status = await api.status();
  } catch (e) {
    if (e.code === 'backup.database_damaged') damagedPage(e);
    else mount(errorBox(e));
    return;
  }
  await demoBanner();
  const { office, session } = ctx.status;
  if (office) document.getElementById('office-name').textContent = office.name;
  if (!office) return setupPage(loggedIn, start);
  if (!session) return loginPage(office.name, loggedIn);
  if (session.locked) return locked(session);
  return loggedIn(session);
}

function locked(session) {
  chrome(false);
  ctx.session = { ...session, locked: true };
  lockScreen(session, loggedIn);
}

async function loggedIn(session) {
  ctx.session = session;
  ctx.status = await api.status();
  ctx.office = ctx.status.office;
  ctx.dicts = await api.dictionaries();
  await loadChoices();
  document.getElementById('office-name').textContent = ctx.office.name;
  document.getElementById('user-name').textContent = `${session.user} · ${session.role_label}`;
  document.body.classList.toggle('is-admin', session.role === 'admin');
  chrome(true);
  idle.arm(session.idle_minutes);
  await route();
}

/** Locks the window after the configured idle minutes without input; the
 *  core enforces the same limit on every call. */
const idle = {
  timer: null,
  minutes: 15,
  arm(minutes) {
    this.minutes = minutes;
    this.reset();
  },
  reset() {
    clearTimeout(this.timer);
    if (!ctx.session || ctx.session.locked) return;
    this.timer = setTimeout(async () => {
      // The lock screen first: the call may wait behind a long import.
      locked(ctx.session);
      await api.lock().catch(() => {});
    }, this.minutes * 60000);
  },
};
for (const ev of ['keydown', 'mousedown', 'wheel']) document.addEventListener(ev, () => idle.reset(), true);

// F1 or ? opens the help for the page on screen.
const openHelp = () => { if (ctx.session && !ctx.session.locked) location.hash = `#/help/${topicFor(location.hash)}`; };
document.getElementById('help').addEventListener('click', openHelp);
document.addEventListener('keydown', (ev) => { if (ev.key === 'F1') { ev.preventDefault(); openHelp(); } });

// 同步 in the top bar: sync now, say what came of it, and show fresh data on
// the pages that only list (a half-filled form is left alone).
const syncTop = document.getElementById('sync-top');
const refreshAfterSync = () => {
  const hash = location.hash || '#/roster';
  if (document.activeElement?.closest('form')) return;
  if (['#/sync', '#/roster', '#/due', '#/cases', '#/households', '#/followups', '#/loans', '#/posts'].includes(hash)) route();
};
syncTop.addEventListener('click', async () => {
  try {
    const r = await busy(syncTop, '同步中…', api.syncNow);
    const warn = r.messages.length ? `。注意：${r.messages.join('；')}` : '';
    toast(`同步完成：${r.summary}${warn}`, r.messages.length ? 8000 : 4000);
    syncTop.classList.toggle('sync-failed', r.messages.length > 0);
    syncTop.title = `上次同步：${new Date().toLocaleTimeString('zh-CN', { hour12: false })}`;
    refreshAfterSync();
  } catch (e) {
    if (!e.code?.startsWith('auth.')) {
      toast(e.message, 8000);
      syncTop.classList.add('sync-failed');
      syncTop.title = e.message;
    }
  }
});
// Automatic syncs (start, timer, exit) report here when they end.
onEvent('sync-finished', (s) => {
  const notes = s.notes.length ? `。注意：${s.notes.join('；')}` : '';
  syncTop.classList.toggle('sync-failed', !s.ok || s.notes.length > 0);
  syncTop.title = `上次自动同步（${s.trigger}）：${s.message}${notes}`;
  if (!ctx.session || ctx.session.locked) return;
  if (!s.ok) toast(`自动同步未完成：${s.message}`, 8000);
  else if (s.records_changed > 0 || notes) toast(`自动同步：更新了${s.records_changed}条记录${s.conflicts ? `，冲突待核${s.conflicts}项` : ''}${notes}`, notes ? 8000 : 4000);
  if (s.records_changed > 0 || location.hash === '#/sync') refreshAfterSync();
});

whenSessionLost((err) => {
  if (err.code === 'auth.idle_locked' && ctx.session) locked(ctx.session);
  else location.reload();
});
window.addEventListener('hashchange', route);
document.getElementById('lock-now').addEventListener('click', async () => { locked(ctx.session); await api.lock(true).catch(() => {}); });
document.getElementById('logout').addEventListener('click', async () => { await api.logout(); location.hash = ''; location.reload(); });

// Once the first page (login or first run) is on screen: the start-up probe of package-test.
start().finally(() => requestAnimationFrame(() => api.uiReady().catch(() => {})));
