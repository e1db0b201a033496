// First start: the office, its communities and the first administrator
// create the database; the administrator is then logged in.
import { api } from './api.js';
import { field, h, mount, showError } from './dom.js';

export function setupPage(done) {
  const form = h('form.card.setup#setup-form', {},
    h('h1', {}, '欢迎使用街道民生台账'),
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
  mount(form);
}
