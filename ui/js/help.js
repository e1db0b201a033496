// 帮助: short Chinese help for each part of the app, reachable from every
// page by the ? button or F1. Before anyone is logged in (the first-run
// guide, the login page) there are no pages to route to: then a ? in the top
// bar, or F1, shows the help of that page over it, leaving what was typed.
import { h, mount } from './dom.js';

const SECTIONS = [
  ['firstrun', '第一次使用', [
    '第一次打开本程序时，要先设置本街道办。本街道第一次使用本程序，选“新建街道办”；本街道已经在其他电脑上使用本程序、这台是新增的电脑，选“加入已有街道办（导入快照）”。还没准备好，可以先点右边的“先看看演示数据”。',
    '新建街道办第 1 步：填写街道名称和下辖社区（每行一个，以后可在“社区管理”中增加），再设置管理员账号：登录名（默认 admin）、姓名和密码（至少8位，输入两次）。管理员可以增加其他工作人员的账号、修改系统设置、恢复备份，请牢记管理员密码。点“完成设置”后，管理员就登录了。',
    '第 2 步：同步设置。本街道办只有一台电脑使用本程序时，点“跳过，以后再设置”。有几台电脑时，填写同步文件夹（各台电脑都能打开的共享文件夹，或U盘上的文件夹）和同步密钥（至少12个字符，输入两次，每台电脑填同一个密钥），点“保存并开始使用”。以后也可以在“同步”页面设置或修改，详见“多台电脑同步”。',
    '加入已有街道办：先在已经使用本程序的电脑上，由管理员进入“同步”页面点“生成快照”，把快照文件复制到这台电脑（用U盘或共享文件夹）；再在这里填写快照文件的位置和本街道办的同步密钥，可以顺便填写本机名称（如“建设社区办公室”）。导入后用原来的账号登录。',
    '演示数据：点“先看看演示数据”，程序生成一个虚构的“示例街道”（3000名居民，有为老服务、就业援助、人民调解的记录），约需十几秒，然后用演示管理员登录，可以随意试用各项功能。演示时每个页面上方都有黄色提示条“演示数据 · 不是真实记录”，上面写着演示账号和密码。',
    '演示数据和真实台账完全分开：它放在数据目录下单独的 demo 文件夹里，不会同步到其他电脑，演示时也不能同步、生成快照或恢复备份。演示中录入的内容不会带到真实台账。演示时关闭程序，下次打开仍是演示。',
    '退出演示：点提示条右边的“退出演示并删除演示数据”。程序删除演示文件夹（只删这个文件夹），回到第一次使用的页面，再按上面的步骤设置本街道办即可。',
  ]],
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
  ['employment', '就业援助', [
    '“援助对象”是就业援助台账：登记就业困难人员时先输入身份证号，已在其他台账（如家庭户、老年人花名册）登记过的人员会直接使用已有信息。人员类别中“4050”（女满40岁、男满50岁）和“零就业家庭成员”由程序按年龄和家庭户自动认定，不用勾选。',
    '援助对象页面登记培训、跟踪服务（在册的援助对象每隔一段时间要跟踪一次，默认30天，到期的列在“待跟踪”中）、创业担保贷款（可展期一次，最长12个月）和困难帮扶；就业后在“安置与结案”中登记，或在“公益性岗位”中安置。',
    '“家庭户”登记每户的成员和就业状况。劳动年龄内、有劳动能力和就业意愿的成员都失业的家庭户，程序列为“待认定”，核实后在家庭户页面填写认定日期并“认定”为零就业家庭。成员就业（包括安置到公益性岗位）后自动消除，消除日期为就业日期；以后又符合条件的标为“再次符合”。',
    '“贷款到期”列出60天内到期和已逾期、尚未结清的创业担保贷款。“公益性岗位”列出各岗位的在岗人员和已享受补贴月数（上岗当月、离岗当月都算一个月，每人最长36个月），可新增岗位、安置援助对象、办理离岗，并按年份和季度生成补贴花名册。',
  ]],
  ['mediation', '人民调解', [
    '“调解案件”列出各调委会受理的纠纷，可按纠纷类型、来源、办理状态、调解员、调委会和受理日期筛选。“受理登记”时选择受理的调委会（街道或社区）、纠纷类型和来源，勾选调解员（先在“调解员名册”中添加，含证书编号），并填写双方当事人：每方可点“添加”增加多人，填写身份证号的，性别和年龄自动计算。案号按本机编号和年度自动生成，如“(2026)和平街人调字第2-15号”是2号电脑2026年受理的第15件。',
    '案件页面按顺序办理：调查、调解（可多次，记录时间、地点、参加人和调解记录）、达成协议（书面或口头，书面协议须写明履行期限）或调解不成（写明原因和告知的其他途径）、履行、回访（满意度、矛盾激化风险）、结案。每一步都记录日期和经办人，只能办理当前允许的下一步。书面协议生效后30日内可登记“司法确认”。',
    '打印：案件页面右上角可打印“受理登记表”“人民调解协议书”（书面协议，按当事人人数各一份、调委会留存一份，分页打印）和“回访记录”；预览上方的“另存为PDF”直接保存为PDF文件（存到“文档/街道民生台账导出”，并显示保存位置；Windows 上请在打印对话框中选择“另存为 PDF”）。',
    '“调解提醒”列出受理超过30天未结案、超过履行期限未履行、履行后待回访和司法确认申请期限将满的案件。“排查预防”登记矛盾纠纷排查、预防纠纷、防止民转刑等工作数量，供统计使用。',
    '卷宗文书：案件页面的“卷宗文书”一行可打印人民调解申请书、权利义务告知书、调解笔录（每次调解一页）、卷宗封面和卷内目录（按办理经过列出卷内文件和页号），同样可另存为PDF。',
    '“调解员名册”登记调解员的性别、出生年份、文化程度、专职或兼职、聘任期限，点一行可修改；下方登记培训（日期、学时、内容）。每件案件有难度（简易、一般、疑难、重大），受理登记时选择，案件页面可修改；调解成功的案件按协议日期所在月份执行的“以案定补标准”（系统设置）计算补贴，一案多名调解员的平均分配，统计报表中的“人民调解以案定补发放表”按季度列出每名调解员的件数和金额。',
    '“排查表”按月登记各社区排查发现的每一起纠纷（排查人、当事人、类型、风险等级、责任人、化解期限、化解结果）；需要调解的点“立案”，受理登记会带出社区、类型和当事人，登记后自动关联；也可“关联案件”到已登记的案件。每一条计入统计表的“排查发现纠纷”，可在统计报表中导出“矛盾纠纷排查表”。',
  ]],
  ['stats', '统计与导入', [
    '“统计报表”按上报格式生成九种报表：选择报表、期间（年度、季度、月度或自定义起止日期）和范围（全街道或某个社区；社区工作人员只能统计本社区），点“预览”查看表格（多级表头、合计行和说明与导出的文件一致），点“导出Excel”保存为 .xlsx 文件，保存位置默认是“文档/街道民生台账导出”，也可以填写其他文件夹或文件名。勾选“导出时不遮蔽身份证号”的导出会记入操作日志。',
    '“统计概览”用图表显示本年度各社区的在册老人、服务人次、就业援助对象、调解受理和每月的调解受理、服务人次，以及各类待办提醒；每个图表下的“查看数据”显示图表所用的数字，取自对应的统计报表。',
    '“导入”把已有的 Excel 台账（.xlsx、.xls 或 .csv）导入本系统：填写文件位置后点“预览”，程序自动找到表头行（表格上方可以有标题）并按列名对应字段，可以逐项调整；预览列出每个有问题的行和列，文件中不认识的社区或类别可以对应到已有选项。选择已在台账中的人员是更新、跳过还是停止，以及只导入正确的行还是全部正确才导入，再点“开始导入”。未导入的行连同原因另存为 Excel 文件，改好后可以再导入。也可以先“下载导入模板”按模板填写。',
  ]],
  ['accounts', '账号与权限', [
    '管理员：管理账号、社区、系统设置、查看操作日志、恢复备份。街道工作人员：办理所有社区的台账。社区工作人员：只能查看和办理本社区的台账。只读：只能查看。',
    '密码连续输错5次，账号锁定15分钟；闲置15分钟后屏幕自动锁定，输入密码即可继续。',
  ]],
  ['backup', '备份与恢复', [
    '程序每天和退出时自动备份到数据目录下的 backups 文件夹（可在“系统设置”中改为U盘或共享文件夹），保留最近30份。',
    '“备份与恢复”页面可以立即备份；管理员可以恢复到某一份备份，恢复前的数据会另存，可以“撤销恢复”。',
    '程序启动时会检查数据库；如果数据库损坏，会提示从最新的完好备份恢复。',
    '“关于本机”页面显示程序版本、本机的数据目录和备份目录；需要手工另存一份时，把备份目录里最新的文件复制出来即可。',
  ]],
  ['sync', '多台电脑同步', [
    '街道和各社区的电脑不联网也能共用一套台账：每台电脑把自己的修改写成一个加密的“同步包”放进同步文件夹，同时读入其他电脑的同步包。同步文件夹可以是局域网共享文件夹，也可以是轮流插到各台电脑上的U盘。',
    '设置（管理员，在“同步”页面）：填写本机名称（如“建设社区办公室”，其他电脑上会显示）、同步文件夹和同步密钥。各台电脑的同步密钥必须相同，至少12个字符；密钥保存后不再显示，只在更换时填写。',
    '同步文件夹：每台电脑都要能打开它。共享文件夹填网络位置，如 \\\\街道服务器\\台账同步；用U盘时填U盘上的文件夹，如 E:\\台账同步（各台电脑上U盘的盘符可能不同，按本机显示的填；统信UOS、麒麟上U盘一般在 /media 下）。文件夹里每台电脑有一个自己的同步包（“本机名称-编号.slsync”），每次同步时更新。请不要改名、修改或删除这些文件，也不要往里放别的东西。用U盘时，先插好U盘再同步，同步完成后再拔。',
    '同步密钥：相当于本街道办同步包的密码。同步包里的数据用它加密，没有密钥的人拿到U盘也看不到其中的台账内容；密钥不对，程序不读入这个同步包，并说明原因，不会改动数据。保存密钥时，程序会用文件夹里已有的同步包核对，填错会马上提示。密钥保存在本机，以后自动同步不用再输入；请把它写下来由管理员妥善保管，增加电脑、导入快照时都要用。',
    '何时同步：程序启动时、退出时、开着时每隔一段时间（默认30分钟，可在“同步”页面或“系统设置”中修改，填0则不定时同步），以及随时点顶部的“同步”按钮或“同步”页面的“立即同步”。同步失败（如U盘没插好）不影响正常使用，原因会显示在“同步”页面，下次会再试。',
    '同步记录：每次同步的时间、方式、读入和写出的同步包及修改条数、更新的记录数、冲突数和提示都会列出。',
    '冲突待核：两台电脑在互相同步之前改了同一个人的同一项内容（例如一台把健康状况改为“高血压”，另一台改为“糖尿病”），就会出现冲突。在此之前各电脑暂用时间较新的值。管理员或街道工作人员在“同步”页面核实后，在正确的值旁点“采用此值”，再同步一次，所有电脑都会改为该值。',
    '待关联与重复：有的记录引用了本机还没收到的记录（例如服务记录比老人档案先到），会暂时列在这里，等其他电脑同步过来后自动关联，无需处理。同一人（相同身份证号）在两台电脑上各登记了一次的，后到的一条列为“重复”，目前不能自动合并。',
    '增加一台电脑：在已在使用的电脑上，管理员进入“同步”页面点“生成快照”；把快照文件复制到新电脑。新电脑首次打开本程序时选择“加入已有街道办（导入快照）”，填写快照文件位置和同步密钥，然后用原有账号登录。快照包含全部数据，用完请删除。',
    '命令行：street-ledger sync（按设置的文件夹同步）、sync snapshot -o 文件、sync join 文件；密钥可用环境变量 STREET_LEDGER_SYNC_KEY 提供。',
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
  if (['#/case', '#/household', '#/followups', '#/loans', '#/posts'].some((p) => hash.startsWith(p))) return 'employment';
  if (hash.startsWith('#/mediation')) return 'mediation';
  if (['#/reports', '#/overview', '#/import'].some((p) => hash.startsWith(p))) return 'stats';
  if (hash.startsWith('#/accounts') || hash.startsWith('#/password')) return 'accounts';
  if (hash.startsWith('#/backups') || hash.startsWith('#/about')) return 'backup';
  if (hash.startsWith('#/sync')) return 'sync';
  return 'roster';
}

/** The help of the page on screen before anyone is logged in: the first-run
 *  guide's, or (login page, lock screen) the one on accounts. */
function preLoginTopic() {
  return document.querySelector('#setup, #sync-step-form, #demo-offer') ? 'firstrun' : 'accounts';
}

/** Shows one section over the page; 关闭, Esc or a click beside it closes. */
function showOver(topic) {
  document.getElementById('help-over')?.remove();
  const [, title, paras] = SECTIONS.find(([key]) => key === topic);
  const close = () => { over.remove(); document.removeEventListener('keydown', onKey, true); };
  const onKey = (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); close(); } };
  const over = h('div#help-over', {
    role: 'dialog', 'aria-label': `帮助：${title}`,
    style: 'position: fixed; inset: 0; z-index: 50; display: flex; align-items: center; justify-content: center; background: rgba(0,0,0,.35);',
    onclick: (ev) => { if (ev.target === over) close(); },
  }, h('div.help', { style: 'width: min(760px, 92vw); max-height: 86vh; overflow: auto;' },
    h(`section.card.current#help-${topic}`, {},
      h('h2', {}, `帮助：${title}`), paras.map((p) => h('p', {}, p)),
      h('div.actions', {}, h('button.primary#help-over-close', { type: 'button', onclick: close }, '关闭')))));
  document.addEventListener('keydown', onKey, true);
  document.body.append(over);
  document.getElementById('help-over-close').focus();
}

// The top bar's own ? lives among the logged-in user's buttons, hidden until
// someone logs in; this one stands in for it until then.
const userBox = document.getElementById('user-box');
const startHelp = h('button#help-start', {
  type: 'button', title: '帮助（F1）', onclick: () => showOver(preLoginTopic()),
  style: 'background: transparent; color: #fff; border-color: rgba(255,255,255,.6); font-weight: 700; width: 28px; padding: 2px 0;',
}, '?');
document.getElementById('topbar').append(startHelp);
const syncStartHelp = () => { startHelp.hidden = !userBox.hidden; };
new MutationObserver(syncStartHelp).observe(userBox, { attributes: true, attributeFilter: ['hidden'] });
syncStartHelp();
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'F1' && userBox.hidden) {
    ev.preventDefault();
    showOver(preLoginTopic());
  }
});
