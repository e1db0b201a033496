// Where the data lives and which version runs: what a helper asks first.
import { h, mount } from './dom.js';

export function aboutPage(ctx) {
  const s = ctx.status;
  mount(h('div.card', {},
    h('h1', {}, '关于本机'),
    h('dl.facts', {},
      h('dt', {}, '街道'), h('dd', {}, ctx.office.name),
      h('dt', {}, '社区'), h('dd', {}, ctx.office.communities.map((c) => c.name).join('、')),
      h('dt', {}, '版本'), h('dd', {}, s.version),
      h('dt', {}, '数据目录'), h('dd.mono', {}, s.data_dir),
      h('dt', {}, '备份目录'), h('dd.mono', {}, s.backup_dir || '')),
    h('p.muted', {}, '备份：程序每天和退出时自动备份，见“备份与恢复”页面。')));
}
