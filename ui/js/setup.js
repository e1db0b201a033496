// First start: the office name and its communities create the database.
import { api } from './api.js';
import { field, h, mount, showError } from './dom.js';

export function setupPage(done) {
  const form = h('form.card.setup#setup-form', {},
    h('h1', {}, '欢迎使用街道民生台账'),
    h('p.muted', {}, '首次使用，请填写本街道的名称和下辖社区。社区以后可以在设置中增减。'),
    h('div.form-error'),
    field('街道名称', h('input#setup-office', { name: 'office_name', placeholder: '例如：和平街道', autofocus: true }), { required: true, wide: true }),
    field('下辖社区（每行一个）', h('textarea#setup-communities', { name: 'communities', rows: 8, placeholder: '和平社区\n建设社区\n光明社区' }), { required: true, wide: true }),
    h('div.actions', {}, h('button.primary#setup-submit', { type: 'submit' }, '完成设置')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const name = form.office_name.value;
    const communities = form.communities.value.split('\n');
    try {
      const office = await api.setup(name, communities);
      await done(office);
    } catch (e) {
      showError(form, e);
    }
  });
  mount(form);
}
