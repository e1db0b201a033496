// 帮助: short Chinese help for each part of the app, reachable from every
// page by the ? button or F1.
import { h, mount } from './dom.js';

const SECTIONS = [
  ['roster', '老年人花名册', [
    '花名册列出本街道（社区工作人员只看到本社区）的老年人。默认只显示“在册”的老人，可在右侧选择“迁出”“去世”或“全部”。',
    '搜索框可以输入姓名或其中几个字、拼音首字母（如“zs”找张三，多音字姓氏如曾、单、解按姓氏读音）、身份证号后4到6位或电话号码，边输入边查找。',
    '“高龄”按出生日期自动认定，起算年龄在“系统设置”中调整（默认80岁）。',
  ]],
  ['register', '登记老人', [
    '先输入身份证号：程序自动校验号码并显示性别、出生日期和年龄。号码有误时，输入框下方会说明原因。',
    '如果该身份证号已经登记过，会出现“打开已有记录”的链接，请不要重复登记。',
    '身份证号和电话在列表中只显示部分数字；需要时在人员页面点击“显示完整”，此操作会记入操作日志。',
  ]],
  ['care', '服务与探访', [
    '在人员页面的“服务记录”中登记居家养老服务：生活保障、日常照料、心理慰藉、代办代购，选择无偿或低偿（低偿填写收费金额）。',
    '“探访记录”登记每次探访的健康、经济、家庭支持、居家安全和需求情况。',
    '“待探访”列出已到探访时间的老人：高风险每周、重点每月、一般每季度，间隔可在“系统设置”中调整。',
    '老人迁出或去世时，在“台账信息”中做“状态变动”。记录不会删除，历史服务和探访都会保留。',
  ]],
  ['accounts', '账号与权限', [
    '管理员：管理账号、社区、系统设置、查看操作日志、恢复备份。街道工作人员：办理所有社区的台账。社区工作人员：只能查看和办理本社区的台账。只读：只能查看。',
    '密码连续输错5次，账号锁定15分钟；闲置15分钟后屏幕自动锁定，输入密码即可继续。',
  ]],
  ['backup', '备份与恢复', [
    '程序每天和退出时自动备份到数据目录下的 backups 文件夹（可在“系统设置”中改为U盘或共享文件夹），保留最近30份。',
    '“备份与恢复”页面可以立即备份；管理员可以恢复到某一份备份，恢复前的数据会另存，可以“撤销恢复”。',
    '程序启动时会检查数据库；如果数据库损坏，会提示从最新的完好备份恢复。',
  ]],
  ['sync', '多台电脑同步', [
    '各社区和街道的电脑之间通过共享文件夹或U盘同步数据的功能正在开发中。',
  ]],
];

export function helpPage(topic) {
  const wanted = SECTIONS.find(([key]) => key === topic) ? topic : null;
  mount(h('div.page.help', {},
    h('div.page-head', {}, h('h1', {}, '帮助')),
    h('nav.help-index', {}, SECTIONS.map(([key, title]) => h('a', { href: `#/help/${key}` }, title))),
    SECTIONS.map(([key, title, paras]) => h(`section.card${key === wanted ? '.current' : ''}`, { id: `help-${key}` },
      h('h2', {}, title), paras.map((p) => h('p', {}, p))))));
  if (wanted) document.getElementById(`help-${wanted}`).scrollIntoView();
}

/** The help topic for the page on screen. */
export function topicFor(hash) {
  if (hash.startsWith('#/roster/new')) return 'register';
  if (hash.startsWith('#/elderly') || hash.startsWith('#/due')) return 'care';
  if (hash.startsWith('#/accounts') || hash.startsWith('#/password')) return 'accounts';
  if (hash.startsWith('#/backups')) return 'backup';
  return 'roster';
}
