// 同步: this PC's sync settings, "sync now", the history of runs, the
// conflicts to review (冲突待核), records waiting for another (待关联), and
// the snapshot a new PC joins by. The core checks every permission and masks
// every value shown here; the key is never sent back to the window.
import { api } from './api.js';
import { askToReplace, busy, errorBox, field, h, mount, onPress, onSubmit, pathInput, table, toast } from './dom.js';

const when = (iso) => (iso ? new Date(iso).toLocaleString('zh-CN', { hour12: false }) : '');

// Errors of the settings that belong beside a field.
const FIELD_OF = { 'sync.folder': 'folder', 'sync.weak_key': 'key', 'sync.wrong_key': 'key', 'sync.not_joined': 'key',
  'sync.no_key': 'key', 'sync.key_upgrade': 'key' };

/** The page; `outcome` is the result of a sync just run ({report} or {error}). */
export async function syncPage(ctx, outcome) {
  const admin = ctx.session.role === 'admin';
  const [cfg, history, pending, refused] = await Promise.all([
    api.syncConfig(), api.syncHistory(), api.syncPending(), admin ? api.syncRefused() : [],
  ]);
  let conflicts = null;
  try {
    conflicts = await api.syncConflicts();
  } catch (e) {
    if (e.code?.startsWith('auth.')) throw e;
  }
  const configured = Boolean(cfg.folder && cfg.key_set);
  const result = h('div#sync-result', {}, outcomeBox(outcome));
  const now = h('button.primary#sync-now', { type: 'button', onclick: async () => {
    try {
      syncPage(ctx, { report: await busy(now, '正在同步……', api.syncNow) });
    } catch (e) {
      if (!e.code?.startsWith('auth.')) result.replaceChildren(outcomeBox({ error: e }));
    }
  } }, '立即同步');

  mount(h('div.page.sync', {},
    h('div.page-head', {}, h('h1', {}, '同步'), now,
      h('span.muted', {}, configured ? autoText(cfg.every_minutes) : '尚未设置同步')),
    cfg.folder && !cfg.key_set && h('p.notice#sync-needs-key', {},
      '需要输入同步密钥：本机没有保存本街道办的同步密钥（新电脑、从备份恢复到这台电脑，或密钥文件被删除）。'
      + (admin ? '请在下方“同步设置”中输入同步密钥。' : '请管理员在本页面输入同步密钥。')),
    !configured && !cfg.folder && h('p.notice', {}, admin
      ? '请先在下方“同步设置”中填写同步文件夹和同步密钥。各台电脑使用同一个共享文件夹（或轮流插同一个U盘），密钥必须相同。'
      : '本机还没有设置同步，请管理员在本页面填写同步文件夹和同步密钥。'),
    cfg.last_auto && !cfg.last_auto.ok && h('div.error-box#sync-last-auto', {},
      `上次自动同步（${cfg.last_auto.trigger}，${when(cfg.last_auto.at)}）未完成：${cfg.last_auto.message}`),
    result,
    conflictSection(ctx, conflicts),
    pendingSection(pending),
    admin && refusedSection(refused),
    historySection(history),
    h('div.sync-bottom', {},
      admin ? settingsForm(ctx, cfg) : settingsFacts(cfg),
      admin && configured ? snapshotCard() : null)));
}

function autoText(minutes) {
  return minutes > 0
    ? `启动、退出时和每 ${minutes} 分钟自动同步`
    : '启动和退出时自动同步（未开启定时同步）';
}

function outcomeBox(outcome) {
  if (!outcome) return null;
  if (outcome.error) return errorBox(outcome.error);
  const r = outcome.report;
  return h('div.ok-box', {},
    h('div', {}, `同步完成：${r.summary}。`),
    r.messages.map((m) => h('div.warn', {}, `注意：${m}`)));
}

function conflictSection(ctx, conflicts) {
  if (conflicts === null) {
    return h('section#conflicts', {}, h('h2', {}, '冲突待核'),
      h('p.muted', {}, '冲突由管理员或街道工作人员核实处理。'));
  }
  return h('section#conflicts', {},
    h('h2', {}, `冲突待核（${conflicts.length}）`),
    conflicts.length
      ? [h('p.muted', {}, '以下内容在两台电脑上被改成了不同的值（改的时候两台电脑还没有同步）。目前暂用时间较新的值；请核实后点“采用此值”，选定的值会在下次同步时传到所有电脑。'),
        ...conflicts.map((c) => conflictCard(ctx, c))]
      : h('p.muted#no-conflicts', {}, '没有待核的冲突。'));
}

function conflictCard(ctx, c) {
  const message = h('div');
  const title = [c.table_label, c.record_label, c.field_label].filter(Boolean).join(' · ');
  return h('div.card.conflict', { dataset: { record: c.record_id, field: c.field } },
    h('h3', {}, c.table === 'elderly' ? h('a', { href: `#/elderly/${c.record_id}` }, title) : title),
    table('.conflict-values', [
      ['值', (v) => [v.value, v.in_force ? h('span.tag.in-force', {}, '目前使用') : null], 'value'],
      ['电脑', (v) => v.pc_name],
      ['修改人', (v) => v.user_name],
      ['修改时间', (v) => when(v.at)],
      ['', (v) => onPress(h('button.pick', { type: 'button' }, '采用此值'), async () => {
        await api.resolveConflict(c.record_id, c.field, v.hlc, v.installation_id);
        toast(`已采用“${v.value}”，下次同步时其他电脑也会改为此值`, 4000);
        syncPage(ctx);
      }, message)],
    ], { rows: c.heads, wrap: false }),
    message);
}

function pendingSection(pending) {
  return h('section#pending', {},
    h('h2', {}, `待关联与重复（${pending.length}）`),
    pending.length
      ? [h('p.muted', {}, '待关联：记录引用了本机还没有收到的其他记录（例如服务记录比老人档案先到），等相关电脑同步过来后会自动关联，无需处理。重复：同一人（相同身份证号）在两台电脑上各登记了一次，后到的一条暂不显示，目前还不能自动合并，请联系管理员核对。'),
        table('#pending-table', [['类别', (p) => p.table_label], ['记录编号', (p) => p.record_id, 'mono'], ['原因', (p) => p.reason, 'wrap']], { rows: pending })]
      : h('p.muted#no-pending', {}, '没有待关联或重复的记录。'));
}

// Changes to accounts or settings another PC sent by a user who was not an
// administrator then: kept aside, not applied (see sync::trust).
function refusedSection(refused) {
  return h('section#refused', {},
    h('h2', {}, `被拒收的更改（${refused.length}）`),
    refused.length
      ? [h('p.muted', {}, '账号、角色、密码和设置的修改，只接受当时是管理员的用户做出的。下列修改未生效，也不会丢失；如确需修改，请由管理员在本机重新操作。'),
        table('#refused-table', [
          ['电脑', (r) => r.pc_name],
          ['修改人', (r) => r.user_name],
          ['时间', (r) => when(r.at)],
          ['修改内容', (r) => r.what, 'wrap'],
          ['原因', (r) => r.why, 'wrap'],
        ], { rows: refused })]
      : h('p.muted#no-refused', {}, '没有被拒收的更改。'));
}

function historySection(history) {
  return h('section#history', {},
    h('h2', {}, '同步记录'),
    table('.sync-history#sync-history-table', [
      ['时间', (r) => when(r.started_at)],
      ['方式', (r) => r.trigger_kind],
      ['操作人', (r) => r.user_name],
      ['同步包 写出/读入', (r) => `${r.written} / ${r.read}`, 'num'],
      ['修改 读入/写出', (r) => `${r.changes_in} / ${r.changes_out}`, 'num'],
      ['更新记录', (r) => r.records_changed, 'num'],
      ['冲突', (r) => r.conflicts, 'num'],
      ['说明', (r) => (r.messages.length ? r.messages.join('；') : '正常'), 'wrap'],
    ], { rows: history, empty: '还没有同步过' }));
}

function settingsFacts(cfg) {
  return h('div.card', {}, h('h2', {}, '同步设置'),
    h('dl.facts', {},
      h('dt', {}, '本机名称'), h('dd#sync-pc-name-shown', {}, cfg.pc_name),
      h('dt', {}, '同步文件夹'), h('dd.mono', {}, cfg.folder || '未设置'),
      h('dt', {}, '同步密钥'), h('dd', {}, cfg.key_set ? '已设置' : '未设置（需要输入同步密钥）'),
      h('dt', {}, '自动同步'), h('dd', {}, autoText(cfg.every_minutes))),
    h('p.muted', {}, '同步设置由管理员修改。'));
}

function settingsForm(ctx, cfg) {
  const form = h('form.card#sync-settings-form', {},
    h('h2', {}, '同步设置'),
    h('div.grid', {},
      field('本机名称', h('input#sync-pc-name', { name: 'pc_name', value: cfg.pc_name, autocomplete: 'off' }), { required: true }),
      field('自动同步间隔（分钟）', h('input#sync-every', { name: 'every_minutes', value: String(cfg.every_minutes), inputMode: 'decimal' })),
      field('同步文件夹', pathInput(h('input#sync-folder', { name: 'folder', value: cfg.folder || '', autocomplete: 'off',
        placeholder: '共享文件夹或U盘上的文件夹，例如 \\\\街道服务器\\台账同步 或 E:\\台账同步' }), { directory: true, title: '选择同步文件夹' }), { wide: true }),
      field('同步密钥', h('input#sync-key', { name: 'key', type: 'password', autocomplete: 'new-password',
        placeholder: cfg.key_set ? '已设置（不显示）；只在更换时填写' : '至少12个字符，各台电脑必须相同' }), { wide: true })),
    h('p.muted', {}, `本机名称会显示在其他电脑的同步记录和冲突中。同步密钥用来加密同步包，请勿告诉无关人员；${cfg.key_set ? '密钥已设置，留空则不修改。' : ''}间隔填 0 则只在启动、退出和点“同步”时同步。`),
    h('div.actions', {}, h('button.primary#sync-save', { type: 'submit' }, '保存设置')));
  return onSubmit(form, async () => {
    const v = { pc_name: form.pc_name.value, folder: form.folder.value, key: form.key.value, every: form.every_minutes.value.trim() };
    await api.setSyncSettings(v.pc_name, v.folder, v.key || null);
    if (v.every !== String(cfg.every_minutes)) {
      await api.setSetting('sync.every_minutes', v.every).catch((e) => { throw { ...e, field: 'every_minutes' }; });
    }
    toast('同步设置已保存');
    syncPage(ctx);
  }, { error: (e) => !e.code?.startsWith('auth.') && { ...e, field: e.field || FIELD_OF[e.code] } });
}

function snapshotCard() {
  const path = h('input#snapshot-path', { autocomplete: 'off', placeholder: '保存位置：文件或文件夹（可留空）' });
  const result = h('div#snapshot-result');
  const snapshotTo = async (typed, overwrite) => {
    result.replaceChildren(h('span.muted', {}, '正在生成快照……'));
    try {
      const s = await busy(make, null, () => api.makeSnapshot(typed || null, overwrite));
      result.replaceChildren(h('div.ok-box', {}, `快照已生成：`, h('span.mono', {}, s.path), `（${(s.bytes / 1048576).toFixed(1)} MB）`));
    } catch (e) {
      if (e.code === 'export.exists') askToReplace(result, typed, () => snapshotTo(typed, true));
      else result.replaceChildren(errorBox(e));
    }
  };
  const make = h('button#make-snapshot', { type: 'button', onclick: () => snapshotTo(path.value.trim(), false) }, '生成快照');
  return h('div.card#snapshot-card', {},
    h('h2', {}, '增加一台电脑：生成快照'),
    h('p.muted', {}, '快照包含本街道办的全部数据和账号，已用同步密钥加密。把快照文件复制到新电脑（或放在共享文件夹里），在新电脑上首次打开本程序时选择“加入已有街道办（导入快照）”，填写快照文件的位置和同步密钥，然后用原有账号登录。快照用完后请删除。'),
    h('div.snapshot-row', {}, pathInput(path, { save: true, title: '快照保存为', filters: [['同步快照', ['slsync']]] }), make),
    h('p.muted.small', {}, '保存位置留空时，快照保存在“文档\\街道民生台账导出”文件夹中。'),
    result);
}
