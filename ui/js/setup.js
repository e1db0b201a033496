// First start: either set up a new office (its communities and the first
// administrator create the database; the administrator is then logged in),
// or join an existing one from a snapshot made on another of its PCs (the
// accounts come with it, so the login page follows).
import { api } from './api.js';
import { field, h, mount, showError, toast } from './dom.js';

export function setupPage(done, joined, choice = 'new') {
  const tab = (key, label) => h(`button.tab${key === choice ? '.active' : ''}#setup-${key}-tab`, { type: 'button', onclick: () => setupPage(done, joined, key) }, label);
  mount(h('div.card.setup#setup', {},
    h('h1', {}, '欢迎使用街道民生台账'),
    h('div.tabs', {}, tab('new', '新建街道办'), tab('join', '加入已有街道办（导入快照）')),
    choice === 'join' ? joinForm(joined) : newForm(done)));
}

function newForm(done) {
  const form = h('form#setup-form', {},
    h('p.muted', {}, '首次使用，请填写本街道的名称和下辖社区，并设置管理员账号。社区以后可以在“社区管理”中增加。'),
    h('div.form-error'),
    field('街道名称', h('input#setup-office', { name: 'office_name', placeholder: '例如：和平街道', autofocus: true }), { required: true, wide: true }),
    field('下辖社区（每行一个）', h('textarea#setup-communities', { name: 'communities', rows: 5, placeholder: '和平社区\n建设社区\n光明社区' }), { required: true, wide: true }),
    h('div.grid', {},
      field('管理员登录名', h('input#setup-username', { name: 'username', value: 'admin', autocomplete: 'off' }), { required: true }),
      field('管理员姓名', h('input#setup-display', { name: 'display_name', placeholder: '例如：王主任' })),
      field('密码（至少8位）', h('input#setup-password', { name: 'password', type: 'password', autocomplete: 'new-password' }), { required: true }),
      field('再次输入密码', h('input#setup-password2', { name: 'password2', type: 'password', autocomplete: 'new-password' }), { required: true })),
    h('div.actions', {}, h('button.primary#setup-submit', { type: 'submit' }, '完成设置')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (form.password.value !== form.password2.value) {
      showError(form, { field: 'password2', message: '两次输入的密码不一致' });
      return;
    }
    const admin = { username: form.username.value, display_name: form.display_name.value, role: 'admin', password: form.password.value };
    try {
      const session = await api.setup(form.office_name.value, form.communities.value.split('\n'), admin);
      await done(session);
    } catch (e) {
      showError(form, e);
    }
  });
  return form;
}

// Errors of the join that belong beside a field.
const FIELD_OF = { 'sync.folder': 'path', 'sync.not_a_package': 'path', 'sync.truncated': 'path', 'sync.damaged': 'path', 'sync.wrong_key': 'passphrase' };

function joinForm(joined) {
  const form = h('form#join-form', {},
    h('p.muted', {}, '本街道办已经在其他电脑上使用本程序时，请在那台电脑上由管理员进入“同步”页面点“生成快照”，把快照文件复制到本机（U盘或共享文件夹），然后在这里填写快照文件的位置和本街道办的同步密钥。导入后用原有账号登录。'),
    h('div.form-error'),
    field('快照文件', h('input#join-path', { name: 'path', autocomplete: 'off', placeholder: '例如：E:\\街道民生台账快照-20240301-093000.slsync' }), { required: true, wide: true }),
    field('同步密钥', h('input#join-key', { name: 'passphrase', type: 'password', autocomplete: 'off' }), { required: true, wide: true }),
    field('本机名称', h('input#join-pc-name', { name: 'pc_name', autocomplete: 'off', placeholder: '例如：建设社区办公室；留空则用电脑名' }), { wide: true }),
    h('p.muted', {}, '如果快照文件就放在同步文件夹里，本机会自动使用该文件夹同步。'),
    h('div.actions', {}, h('button.primary#join-submit', { type: 'submit' }, '导入快照并加入')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = form.querySelector('#join-submit');
    button.disabled = true;
    button.textContent = '正在导入……';
    try {
      const a = await api.joinOffice(form.path.value, form.passphrase.value, form.pc_name.value.trim() || null);
      toast(`已加入：导入${a.records_changed}条记录，请用原有账号登录`, 4000);
      await joined();
    } catch (e) {
      showError(form, { ...e, field: e.field || FIELD_OF[e.code] });
      button.disabled = false;
      button.textContent = '导入快照并加入';
    }
  });
  return form;
}
