// 调委会: the committees that number and seal their own cases (the street's,
// each community's, others the office adds), their 简称 as case numbers
// carry it, and the PC that numbers each one's cases. Administrators add and
// change them, and may move a committee's numbering to this PC after the
// core's warning (confirmed by a tick). Everything is checked by the core.
import { api } from './api.js';
import { communitySelect, field, h, mount, onSubmit, options, table, toast } from './dom.js';

const KINDS = ['街道', '社区', '行业性专业性'];

export async function committeesPage(ctx) {
  const list = await api.mediationCommittees();
  const admin = ctx.session.role === 'admin';
  const editing = { id: null };
  const form = h('form.card.inline#committee-form');
  const draw = (c) => {
    editing.id = c?.id || null;
    form.replaceChildren(
      h('h2', {}, c ? `修改：${c.name}` : '添加调委会'),
      h('div.grid', {},
        field('调委会名称', h('input#committee-name', { name: 'name', value: c?.name || '', placeholder: '如 和平街道物业纠纷人民调解委员会' }), { required: true, wide: true }),
        field('简称（用于案号）', h('input#committee-short', { name: 'short_name', value: c?.short_name || '', placeholder: '如 和平物业' }), { required: true }),
        field('类别', h('select#committee-kind', { name: 'kind' }, options(KINDS, c?.kind || '行业性专业性')), { required: true }),
        field('所属社区', communitySelect(ctx, { id: 'committee-community', name: 'community_id', selected: c?.community_id || '', blank: '不属于社区' })),
        c ? field('状态', h('select#committee-active', { name: 'active' }, options([['1', '启用'], ['0', '停用']], c.active ? '1' : '0'))) : null),
      h('p.muted.small-note', {}, `案号格式：（年度）简称人调字第N号，例如“（${new Date().getFullYear()}）${c?.short_name || '和平社区'}人调字第1号”。已编出的案号不会因修改简称而改变。`),
      h('div.actions', {},
        h('button.primary#committee-submit', { type: 'submit', disabled: !admin }, c ? '保存修改' : '添加'),
        c ? h('button#committee-cancel', { type: 'button', onclick: () => draw(null) }, '取消') : null));
  };
  onSubmit(form, async (v) => {
    const input = { ...v, id: editing.id, name: v.name || '', short_name: v.short_name || '', kind: v.kind || '' };
    input.active = v.active === undefined ? null : v.active !== '0';
    await api.saveCommittee(input);
    toast(editing.id ? '调委会已修改' : '调委会已添加');
    committeesPage(ctx);
  });
  draw(null);

  const move = h('form.card.inline#committee-move-form', {},
    h('h2', {}, '改由本机编号'),
    h('p.muted', {}, '每个调委会的案号只由一台电脑编排，其他电脑登记的案件“待编号”，同步到编号电脑后自动编号。编号电脑更换时，在新的电脑上操作：'),
    h('div.grid', {},
      field('调委会', h('select#move-committee', { name: 'committee_id' }, options(list.filter((c) => !c.kept_here).map((c) => [c.id, `${c.name}（现由${c.keeper}编号）`]), '', '请选择')), { required: true, wide: true }),
      field('确认', h('label.check', { dataset: { name: 'confirm' } }, h('input#move-confirm', { type: 'checkbox', name: 'confirmed' }), '已确认原编号电脑已同步，此后不再为该调委会编号'), { wide: true })),
    h('div.actions', {}, h('button#move-submit', { type: 'submit', disabled: !admin }, '改由本机编号')));
  onSubmit(move, async (v) => {
    await api.keepCommitteeHere(v.committee_id || '', !!v.confirmed);
    toast('该调委会的案号改由本机编排');
    committeesPage(ctx);
  });

  mount(h('div.page', {},
    h('div.page-head', {}, h('h1', {}, '调委会'), h('span.muted#committee-total', {}, `共 ${list.length} 个`),
      admin ? null : h('span.muted', {}, '（只有管理员可以修改）')),
    h('div.med-columns', {},
      table('#committee-table', [
        ['名称', (c) => c.name, 'name'],
        ['简称', (c) => c.short_name],
        ['类别', (c) => c.kind],
        ['编号电脑', (c) => (c.kept_here ? h('b', {}, '本机') : c.keeper)],
        ['状态', (c) => (c.active ? '启用' : '停用')],
      ], { rows: list, empty: '还没有调委会', data: (c) => ({ id: c.id }), open: admin ? (c) => draw(c) : undefined }),
      h('div', {}, form, move))));
}
