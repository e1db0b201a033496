// Administration: accounts (用户管理), communities (社区管理), and one's own
// password. The core refuses these to anyone but an administrator anyway.
import { api } from './api.js';
import { communitySelect, field, h, mount, onPress, onSubmit, options, table, toast } from './dom.js';

const ROLES = [['admin', '管理员'], ['street_staff', '街道工作人员'], ['community_staff', '社区工作人员'], ['read_only', '只读']];

export async function accountsPage(ctx) {
  const accounts = await api.accounts();
  const names = Object.fromEntries(ctx.office.communities.map((c) => [c.id, c.name]));
  const form = h('form.card.inline#account-form', {},
    h('h2', {}, '新建账号'),
    h('div.grid', {},
      field('登录名', h('input', { name: 'username', autocomplete: 'off' }), { required: true }),
      field('姓名', h('input', { name: 'display_name' })),
      field('角色', h('select', { name: 'role' }, options(ROLES, 'community_staff')), { required: true }),
      field('所属社区（社区工作人员）', communitySelect(ctx, { name: 'community_id', blank: '（不限）' })),
      field('初始密码（至少8位）', h('input', { name: 'password', type: 'password', autocomplete: 'new-password' }), { required: true })),
    h('div.actions', {}, h('button.primary#account-submit', { type: 'submit' }, '创建')));
  onSubmit(form, async (v) => {
    await api.createAccount({ ...v, username: v.username || '', display_name: v.display_name || '', password: v.password || '' });
    toast('账号已创建');
    accountsPage(ctx);
  });
  // Inline, not window.prompt: the desktop webview has no script dialogs.
  const reset = (username, cell) => {
    const input = h('input', { type: 'password', placeholder: '新密码（至少8位）' });
    const msg = h('span.field-error');
    const ok = onPress(h('button', { type: 'button' }, '确定'), async () => {
      await api.resetPassword(username, input.value);
      toast('密码已重置，锁定已解除');
      accountsPage(ctx);
    }, msg);
    cell.replaceChildren(input, ok, msg);
    input.focus();
  };
  // Role, community and whether the account may log in, edited in its row.
  const edit = (a, tr) => {
    const role = h('select', {}, options(ROLES, a.role));
    const community = communitySelect(ctx, { selected: a.community_id, blank: '（不限）' });
    const active = h('input', { type: 'checkbox', checked: a.active });
    const msg = h('span.field-error');
    const save = onPress(h('button.primary', { type: 'button' }, '保存'), async () => {
      await api.updateAccount(a.username, { display_name: a.display_name, role: role.value, community_id: community.value || null, active: active.checked });
      toast('已保存');
      accountsPage(ctx);
    }, msg);
    tr.replaceChildren(h('td', {}, a.username), h('td', {}, a.display_name), h('td', {}, role), h('td', {}, community),
      h('td', {}, h('label.check', {}, active, '启用')), h('td', {}, save, msg));
  };
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '用户管理'), h('span.muted', {}, `共 ${accounts.length} 个账号`)),
    table('#accounts-table', [
      ['登录名', (a) => a.username],
      ['姓名', (a) => a.display_name],
      ['角色', (a) => a.role_label],
      ['所属社区', (a) => names[a.community_id] || '—'],
      ['状态', (a) => (a.active ? '启用' : '停用')],
      ['', (a, tr) => [
        h('button', { type: 'button', onclick: () => edit(a, tr) }, '修改'), ' ',
        h('button', { type: 'button', onclick: (ev) => reset(a.username, ev.target.parentElement) }, '重置密码')]],
    ], { rows: accounts }),
    form));
}

export function communitiesPage(ctx) {
  const form = h('form.card.inline#community-form', {},
    h('h2', {}, '增加社区'),
    h('div.form-error'),
    h('div.grid', {}, field('社区名称', h('input', { name: 'name', dataset: { name: 'community_name' } }), { required: true }),
      h('div.actions', {}, h('button.primary#community-submit', { type: 'submit' }, '增加'))));
  onSubmit(form, async () => {
    const c = await api.addCommunity(form.name.value);
    ctx.office.communities.push(c);
    toast(`已增加${c.name}`);
    communitiesPage(ctx);
  });
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '社区管理')),
    h('div.card', {}, h('ol.communities', {}, ctx.office.communities.map((c) => h('li', {}, c.name)))),
    form));
}

/** 系统设置: thresholds, visit intervals, security and backups, each with
 *  its allowed values and whether it holds for the whole office or this PC.
 *  The core checks every value; a stored value it cannot use comes with a
 *  warning, shown until a good value is saved. Each save is audited. */
export async function settingsPage() {
  const settings = await api.settings();
  // Each row saves its own value; its error shows under the value.
  const row = new Map(settings.map((s) => {
    const input = h('input', { value: s.value, name: s.key, dataset: { name: 'value' } });
    const warning = h('span.field-error.setting-warning', {}, s.warning || '');
    const msg = h('span.field-error');
    const save = onPress(h('button', { type: 'button' }, '保存'), async () => {
      await api.setSetting(s.key, input.value);
      warning.textContent = '';
      toast(`已保存：${s.label}`);
    }, msg);
    return [s, [input, warning, msg, save]];
  }));
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '系统设置')),
    h('p.muted', {}, '“全街道”的设置同步到本街道所有电脑；“本机”的设置只对这台电脑有效。'),
    table('.settings#settings-table', [
      ['设置', (s) => s.label],
      ['值', (s) => row.get(s).slice(0, 3)],
      ['适用', (s) => (s.scope === 'local' ? '本机' : '全街道'), 'muted'],
      ['说明', (s) => [s.hint, `允许：${s.range}`].filter(Boolean).join('；'), 'muted'],
      ['', (s) => row.get(s)[3]],
    ], { rows: settings, data: (s) => ({ key: s.key }) })));
}

export function passwordPage() {
  const form = h('form.card.setup#password-form', {},
    h('h1', {}, '修改密码'),
    field('原密码', h('input', { name: 'old', type: 'password' }), { wide: true }),
    field('新密码（至少8位）', h('input', { name: 'new', type: 'password', dataset: { name: 'new_password' } }), { wide: true }),
    h('div.actions', {}, h('button.primary', { type: 'submit' }, '保存')));
  onSubmit(form, async () => {
    await api.changePassword(form.old.value, form.new.value);
    toast('密码已修改');
    location.hash = '#/roster';
  });
  mount(form);
}
