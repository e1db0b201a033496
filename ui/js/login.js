// Logging in, and the lock screen an idle window falls back to.
import { api } from './api.js';
import { field, h, mount, onSubmit } from './dom.js';

export function loginPage(officeName, done) {
  const form = h('form.card.setup#login-form', {},
    h('h1', {}, '登录'),
    h('p.muted', {}, officeName),
    field('登录名', h('input#login-username', { name: 'username', autofocus: true, autocomplete: 'username' }), { wide: true }),
    field('密码', h('input#login-password', { name: 'password', type: 'password', autocomplete: 'current-password' }), { wide: true }),
    h('div.actions', {}, h('button.primary#login-submit', { type: 'submit' }, '登录')));
  onSubmit(form, async () => {
    done(await api.login(form.username.value, form.password.value));
  }, { error: (e) => { form.password.value = ''; return e; } });
  mount(form);
}

export function lockScreen(session, done) {
  const form = h('form.card.setup#lock-form', {},
    h('h1', {}, '已锁定'),
    h('p.muted', {}, `${session.user}，长时间未操作，屏幕已锁定。请输入密码继续。`),
    field('密码', h('input#unlock-password', { name: 'password', type: 'password', autofocus: true }), { wide: true }),
    h('div.actions', {},
      h('button.primary#unlock-submit', { type: 'submit' }, '解锁'),
      h('button#unlock-logout', { type: 'button', onclick: async () => { await api.logout(); location.reload(); } }, '换个账号登录')));
  onSubmit(form, async () => {
    done(await api.unlock(form.password.value));
  }, { error: (e) => { form.password.value = ''; return e; } });
  mount(form);
}
