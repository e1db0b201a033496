// Backups (备份与恢复): the list, "backup now", restore, and undoing a
// restore. The core decides who may do which; restore ends every session.
import { api } from './api.js';
import { errorBox, h, mount, onPress, table, toast } from './dom.js';

// Compressed backups of a small office are tens of KB: "0.0 MB" would read as empty.
const size = (b) => (b < 1048576 ? `${Math.max(1, Math.round(b / 1024))} KB` : `${(b / 1048576).toFixed(1)} MB`);
const when = (iso) => new Date(iso).toLocaleString('zh-CN', { hour12: false });

export async function backupsPage(ctx) {
  const data = await api.backups();
  const admin = ctx.session.role === 'admin';
  const message = h('div');
  const restore = (b, label) => h('button', { type: 'button', dataset: { file: b.file_name }, onclick: (ev) => confirmRestore(b, ev.target.parentElement) }, label);
  const confirmRestore = (b, cell) => {
    cell.replaceChildren(
      h('span.notice', {}, '当前数据将另存，可以撤销。确定恢复？'),
      onPress(h('button.primary.confirm-restore', { type: 'button' }, '确定恢复'), async () => {
        await api.restoreBackup(b.file_name);
        location.hash = '#/roster';
        location.reload();
      }, message));
  };
  const list = (id, rows, label, empty) => table(id, [
    ['时间', (b) => when(b.created_at)],
    ['文件', (b) => b.file_name, 'mono'],
    ['大小', (b) => size(b.size)],
    ['', (b) => (admin ? restore(b, label) : '')],
  ], { rows, empty });
  const now = ctx.session.role !== 'read_only' && onPress(h('button.primary#backup-now', { type: 'button' }, '立即备份'), async () => {
    await api.backupNow();
    toast('备份完成');
    // Listed again only if this page is still on screen: a backup can
    // take a while, and the user may have gone to another page meanwhile.
    if (now.isConnected) backupsPage(ctx);
  }, message);
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '备份与恢复'), now),
    h('p.muted', {}, `备份文件夹：${data.dir}。每天和退出程序时自动备份，保留最近的若干份（可在设置中调整）。`),
    message,
    list('#backups-table', data.backups, '恢复到此', '还没有备份'),
    data.kept_aside.length ? h('div', {}, h('h2', {}, '恢复前另存的数据（可撤销恢复）'),
      list('#kept-table', data.kept_aside, '撤销恢复', '')) : null));
}

/** The database failed its start-up check: say so and offer the newest good backup. */
export function damagedPage(err) {
  const message = h('div');
  mount(h('div.card.setup#damaged', {},
    h('h1', {}, '数据库已损坏'),
    errorBox(err),
    message,
    h('div.actions', {}, onPress(h('button.primary#restore-newest', { type: 'button' }, '从最新的完好备份恢复'), async () => {
      const r = await api.restoreNewestGood();
      toast('已从备份恢复');
      message.replaceChildren(h('p.notice', {}, `已恢复。损坏的数据库另存在：${r.previous || '（无）'}`));
      setTimeout(() => location.reload(), 1500);
    }, message))));
}
