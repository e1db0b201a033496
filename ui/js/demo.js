// 演示数据: while the app runs on the demo office (先看看演示数据), a banner
// under the top bar of every page says so, shows how to log in, and offers
// to leave. Leaving deletes the demo and starts the app again on the real
// database (its first-run page, or its login page).
import { api } from './api.js';
import { busy, h, toast } from './dom.js';

/** Shows or removes the banner as the shell says; the demo login, or null. */
export async function demoBanner() {
  const login = await api.demoStatus();
  const app = document.getElementById('app');
  document.getElementById('demo-banner')?.remove();
  app.classList.toggle('demo', Boolean(login));
  if (!login) return null;
  const leave = h('button#demo-leave', { type: 'button', onclick: async () => {
    try {
      await busy(leave, '正在删除演示数据……', api.leaveDemo);
    } catch (e) {
      toast(e.message, 8000);
      return;
    }
    location.hash = '';
    location.reload();
  } }, '退出演示并删除演示数据');
  document.getElementById('topbar').after(h('div#demo-banner', { role: 'alert' },
    h('strong', {}, '演示数据 · 不是真实记录'),
    h('div.demo-text', {},
      h('div', {}, '这是虚构的示例街道，只在本机，不会同步到其他电脑。'),
      h('div.small', {}, '演示管理员登录名 ', h('b.mono', {}, login.username), '，密码 ', h('b.mono', {}, login.password),
        `；另有 ${login.others.join('、')}，密码相同`)),
    leave));
  return login;
}
