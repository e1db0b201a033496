// 字典管理 (administrators): each dictionary's options, a field to add one,
// and 停用/启用 per option. After a change the forms' cached dictionaries
// (ctx.dicts) are read again, so they offer the new options at once.
import { api } from './api.js';
import { h, mount, onPress, onSubmit, toast } from './dom.js';

export async function dictionariesPage(ctx) {
  const dicts = await api.dictionaryList();
  const changed = async (message) => {
    ctx.dicts = await api.dictionaries();
    toast(message);
    // Redrawn where it was: the dictionary just changed stays in view.
    const main = document.getElementById('main');
    const top = main.scrollTop;
    await dictionariesPage(ctx);
    main.scrollTop = top;
  };
  const card = (d) => {
    // Every error of the card, the adding's and the toggles', shows beside the field.
    const msg = h('span.field-error', { dataset: { for: 'label' } });
    const input = h('input', { name: 'label', placeholder: '新选项', autocomplete: 'off' });
    const add = onSubmit(h('form.dict-add', {}, input, h('button', { type: 'submit' }, '增加'), msg), async () => {
      await api.addDictionaryEntry(d.dict, input.value);
      await changed(`已增加“${input.value.trim()}”到${d.name}`);
    }, { error: (e) => ({ ...e, field: 'label' }) });
    const entry = (e) => {
      // A seed entry not yet written has no id: it shows as in use; once any
      // option is added the seed is written and every entry can be retired.
      const toggle = e.id ? onPress(h('button.small', { type: 'button' }, e.active ? '停用' : '启用'), async () => {
        await api.setDictionaryEntryActive(e.id, !e.active);
        await changed(`${e.active ? '已停用' : '已启用'}“${e.label}”`);
      }, msg) : null;
      return h(`li.dict-entry${e.active ? '' : '.retired'}`, { dataset: { label: e.label }, title: e.active ? '' : '已停用：不再供新登记选用' },
        h('span.dict-label', {}, e.label), e.active ? null : h('span.muted', {}, '（已停用）'), toggle);
    };
    const active = d.entries.filter((e) => e.active).length;
    return h('section.card.dict-card', { dataset: { dict: d.dict } },
      h('h2', {}, d.name, h('span.muted', {}, ` ${active} 项在用${d.entries.length > active ? `，${d.entries.length - active} 项停用` : ''}`)),
      h('ul.dict-entries', {}, d.entries.map(entry)),
      add);
  };
  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '字典管理'),
      h('span.muted', {}, '停用的选项不再供新登记选用，已有记录保留原值；停用的选项可以重新启用。')),
    h('div.dict-grid#dictionaries', {}, dicts.map(card))));
}
