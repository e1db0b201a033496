// First start: either set up a new office (its communities and the first
// administrator create the database; the administrator is then logged in,
// and the sync folder and key may be set or skipped), or join an existing
// one from a snapshot made on another of its PCs (the accounts come with it,
// so the login page follows). Beside both: a demo office to look around in
// first, which lives apart from the real database and is deleted on leaving.
import { api } from './api.js';
import { field, h, mount, onSubmit, pathInput, toast } from './dom.js';
import { demoBanner } from './demo.js';

export function setupPage(done, joined, choice = 'new') {
  const tab = (key, label) => h(`button.tab${key === choice ? '.active' : ''}#setup-${key}-tab`, { type: 'button', onclick: () => setupPage(done, joined, key) }, label);
  mount(h('div.setup-row', {},
    h('div.card.setup#setup', {},
      h('h1', {}, '欢迎使用街道民生台账'),
      h('div.tabs', {}, tab('new', '新建街道办'), tab('join', '加入已有街道办（导入快照）')),
      choice === 'join' ? joinForm(joined) : newForm(done)),
    demoOffer(done)));
}

function newForm(done) {
  const form = h('form#setup-form', {},
    h('p.muted', {}, '第 1 步（共 2 步）：请填写本街道的名称和下辖社区，并设置管理员账号。社区以后可以在“社区管理”中增加。'),
    field('街道名称', h('input#setup-office', { name: 'office_name', placeholder: '例如：和平街道', autofocus: true }), { required: true, wide: true }),
    field('下辖社区（每行一个）', h('textarea#setup-communities', { name: 'communities', rows: 5, placeholder: '和平社区\n建设社区\n光明社区' }), { required: true, wide: true }),
    h('div.grid', {},
      field('管理员登录名', h('input#setup-username', { name: 'username', value: 'admin', autocomplete: 'off' }), { required: true }),
      field('管理员姓名', h('input#setup-display', { name: 'display_name', placeholder: '例如：王主任' })),
      field('密码（至少8位）', h('input#setup-password', { name: 'password', type: 'password', autocomplete: 'new-password' }), { required: true }),
      field('再次输入密码', h('input#setup-password2', { name: 'password2', type: 'password', autocomplete: 'new-password' }), { required: true })),
    h('div.actions', {}, h('button.primary#setup-submit', { type: 'submit' }, '完成设置')));
  return onSubmit(form, async () => {
    if (form.password.value !== form.password2.value) throw { field: 'password2', message: '两次输入的密码不一致' };
    const admin = { username: form.username.value, display_name: form.display_name.value, role: 'admin', password: form.password.value };
    const session = await api.setup(form.office_name.value, form.communities.value.split('\n'), admin);
    syncStep(session, done);
  });
}

// Errors of the sync step that belong beside a field.
const SYNC_FIELD_OF = { 'sync.folder': 'folder', 'sync.weak_key': 'key', 'sync.wrong_key': 'key' };

/** Step 2, once the office and its administrator exist: the sync folder and
 *  key, or skip (the 同步 page has the same settings). */
function syncStep(session, done) {
  const form = h('form.card.setup#sync-step-form', {},
    h('h1', {}, '同步设置（可稍后在“同步”页设置）'),
    h('p.muted', {}, '第 2 步（共 2 步）。街道办已设置好，管理员已登录。'),
    h('p', {}, '本街道办有几台电脑使用本程序时，它们通过同一个“同步文件夹”交换数据：可以是共享文件夹，也可以是轮流插到各台电脑上的U盘里的文件夹。“同步密钥”用来加密交换的数据，每台电脑都要填写同一个文件夹和同一个密钥。'),
    field('同步文件夹', pathInput(h('input#sync-step-folder', { name: 'folder', autocomplete: 'off', autofocus: true,
      placeholder: '例如：\\\\街道服务器\\台账同步 或 E:\\台账同步' }), { directory: true, title: '选择同步文件夹' }), { wide: true }),
    h('div.grid', {},
      field('同步密钥（至少12个字符）', h('input#sync-step-key', { name: 'key', type: 'password', autocomplete: 'new-password' })),
      field('再次输入同步密钥', h('input#sync-step-key2', { name: 'key_again', type: 'password', autocomplete: 'new-password' }))),
    h('p.muted', {}, '请把密钥记在安全的地方，设置其他电脑时要用；只有一台电脑时可以先跳过。'),
    h('div.actions', {},
      h('button.primary#sync-step-save', { type: 'submit' }, '保存并开始使用'),
      h('button#sync-step-skip', { type: 'button', onclick: () => done(session) }, '跳过，以后再设置')));
  onSubmit(form, async () => {
    await api.firstSyncSettings(form.folder.value, form.key.value, form.key_again.value);
    toast('同步设置已保存');
    await done(session);
  }, { error: (e) => !e.code?.startsWith('auth.') && { ...e, field: e.field || SYNC_FIELD_OF[e.code] } });
  mount(form);
}

/** 先看看演示数据: a made-up street in a folder of its own, the demo's
 *  administrator logged in, the banner on every page until it is left. */
function demoOffer(done) {
  const button = h('button#demo-enter', { type: 'submit' }, '先看看演示数据');
  const offer = h('form.card.setup.demo-offer#demo-offer', {},
    h('h2', {}, '还没准备好？'),
    h('p', {}, '可以先用演示数据看看程序怎么用：一个虚构的“示例街道”，有3000名居民和为老服务、就业援助、人民调解的记录。'),
    h('p.muted', {}, '演示数据放在单独的文件夹里，不会和真实台账混在一起，也不会同步到其他电脑。看完后点页面上方的“退出演示并删除演示数据”，再回到这里设置本街道办。'),
    h('div.actions', {}, button));
  return onSubmit(offer, async () => {
    button.textContent = '正在生成演示数据，约需十几秒……';
    try {
      const login = await api.enterDemo();
      await demoBanner();
      await done(await api.login(login.username, login.password));
    } finally {
      button.textContent = '先看看演示数据';
    }
  });
}

// Errors of the join that belong beside a field.
const FIELD_OF = { 'sync.folder': 'path', 'sync.not_a_package': 'path', 'sync.truncated': 'path', 'sync.damaged': 'path', 'sync.wrong_key': 'passphrase' };

function joinForm(joined) {
  const form = h('form#join-form', {},
    h('p.muted', {}, '本街道办已经在其他电脑上使用本程序时，请在那台电脑上由管理员进入“同步”页面点“生成快照”，把快照文件复制到本机（U盘或共享文件夹），然后在这里填写快照文件的位置和本街道办的同步密钥。导入后用原有账号登录。'),
    field('快照文件', pathInput(h('input#join-path', { name: 'path', autocomplete: 'off', placeholder: '例如：E:\\街道民生台账快照-20240301-093000.slsync' }), { title: '选择快照文件', filters: [['同步快照', ['slsync']]] }), { required: true, wide: true }),
    field('同步密钥', h('input#join-key', { name: 'passphrase', type: 'password', autocomplete: 'off' }), { required: true, wide: true }),
    field('本机名称', h('input#join-pc-name', { name: 'pc_name', autocomplete: 'off', placeholder: '例如：建设社区办公室；留空则用电脑名' }), { wide: true }),
    h('p.muted', {}, '如果快照文件就放在同步文件夹里，本机会自动使用该文件夹同步。'),
    h('div.actions', {}, h('button.primary#join-submit', { type: 'submit' }, '导入快照并加入')));
  const button = form.querySelector('#join-submit');
  return onSubmit(form, async () => {
    button.textContent = '正在导入……';
    try {
      const a = await api.joinOffice(form.path.value, form.passphrase.value, form.pc_name.value.trim() || null);
      toast(`已加入：导入${a.records_changed}条记录，请用原有账号登录`, 4000);
      await joined();
    } finally {
      button.textContent = '导入快照并加入';
    }
  }, { error: (e) => ({ ...e, field: e.field || FIELD_OF[e.code] }) });
}
