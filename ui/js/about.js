// Where the data lives and which version runs: what a helper asks first.
import { h, mount } from './dom.js';

export function aboutPage(ctx) {
  const s = ctx.status;
  const demo = document.getElementById('app').classList.contains('demo');
  mount(h('div.card', {},
    h('h1', {}, '关于本机'),
    h('dl.facts', {},
      h('dt', {}, '街道'), h('dd', {}, ctx.office.name),
      h('dt', {}, '社区'), h('dd', {}, ctx.office.communities.map((c) => c.name).join('、')),
      h('dt', {}, '版本'), h('dd#about-version', {}, s.version),
      h('dt', {}, '数据目录'), h('dd.mono#about-data-dir', {}, s.data_dir),
      h('dt', {}, '备份目录'), h('dd.mono#about-backup-dir', {}, s.backup_dir || '')),
    demo
      ? h('p.muted', {}, '现在打开的是演示数据：它在数据目录下的 demo 文件夹里，不是真实台账，不自动备份，退出演示时删除。')
      : h('p.muted', {}, '备份：程序每天和退出时自动备份，见“备份与恢复”页面。'),
    h('p.muted', {}, '帮助：在任何页面按 F1 或点右上角的“?”。')));
}
