//! Every setting (系统设置): its key, name, unit, type, range, default and
//! scope. `settings` reads and writes them; the page lists them from here.
use super::Scope;

/// What a setting's value may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number from `min` to `max`, both included.
    Integer { min: i64, max: i64 },
    /// One of a few whole numbers.
    OneOf(&'static [i64]),
    /// A folder; empty means the default place.
    Folder,
    /// An amount in yuan that changes from given months (effective-dated):
    /// `2025-01:1800;2026-01:1900`, each from `min` to `max` yuan; empty
    /// means not set. A month before the first entry has no amount.
    Dated { min: i64, max: i64 },
}

/// One setting.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub key: &'static str,
    /// What the setting is, as messages name it (闲置自动锁屏时间).
    pub name: &'static str,
    /// The unit of a number (分钟), or "".
    pub unit: &'static str,
    pub hint: &'static str,
    pub kind: Kind,
    pub default: &'static str,
    pub scope: Scope,
}

impl Setting {
    /// The label on the settings page: name and unit.
    pub fn label(&self) -> String {
        if self.unit.is_empty() {
            self.name.to_string()
        } else {
            format!("{}（{}）", self.name, self.unit)
        }
    }

    /// The allowed values, as the page and messages say them.
    pub fn range(&self) -> String {
        match self.kind {
            Kind::Integer { min, max } => format!("{min}到{max}之间的整数"),
            Kind::OneOf(values) => values.iter().map(i64::to_string).collect::<Vec<_>>().join("或"),
            Kind::Folder => "文件夹路径，留空为默认位置".to_string(),
            Kind::Dated { min, max } if self.unit == "%" => {
                format!("按起始月份填写，如“2025-01:1.85；2026-01:1.5”，每项{min}到{max}，留空为未设置")
            }
            Kind::Dated { min, max } if self.unit == HOURS => {
                format!("按起始月份填写时数，如“2025-01:20；2026-01:30”，每项{min}到{max}小时，留空为未设置")
            }
            Kind::Dated { min, max } => {
                format!("按起始月份填写金额，如“2025-01:1800；2026-01:1900”，每项{min}到{max}元，留空为未设置")
            }
        }
    }

    pub fn default_integer(&self) -> i64 {
        self.default.parse().unwrap_or_default()
    }
}

const fn int(
    key: &'static str,
    name: &'static str,
    unit: &'static str,
    (min, max): (i64, i64),
    default: &'static str,
    hint: &'static str,
) -> Setting {
    Setting { key, name, unit, hint, kind: Kind::Integer { min, max }, default, scope: Scope::Synced }
}

/// An effective-dated amount in yuan, not set until the office sets it.
const fn dated(key: &'static str, name: &'static str, max: i64, hint: &'static str) -> Setting {
    Setting { key, name, unit: "元/月", hint, kind: Kind::Dated { min: 0, max }, default: "", scope: Scope::Synced }
}

/// 以案定补: an effective-dated amount per successfully mediated case of a
/// difficulty, in force in the month of its agreement; not set until the
/// office sets it.
const fn per_case(key: &'static str, name: &'static str) -> Setting {
    let hint = "每件调解成功的案件，按协议日期所在月份执行的标准；一案多名调解员的平均分配";
    Setting {
        key,
        name,
        unit: "元/件",
        hint,
        kind: Kind::Dated { min: 0, max: 10_000 },
        default: "",
        scope: Scope::Synced,
    }
}

/// An effective-dated rate in percent (two decimals).
const fn dated_rate(
    key: &'static str,
    name: &'static str,
    max: i64,
    default: &'static str,
    hint: &'static str,
) -> Setting {
    Setting { key, name, unit: "%", hint, kind: Kind::Dated { min: 0, max }, default, scope: Scope::Synced }
}

/// The unit of an effective-dated number of hours a month.
const HOURS: &str = "小时/月";

/// 政府购买居家养老服务: the hours a month a care level is entitled to,
/// effective-dated (a change from a month keeps the months before it).
const fn care_hours(key: &'static str, name: &'static str) -> Setting {
    let hint = "每人每月由政府购买的服务时数，按执行起始月份填写；超出部分由个人自付";
    Setting { key, name, unit: HOURS, hint, kind: Kind::Dated { min: 0, max: 300 }, default: "", scope: Scope::Synced }
}

const fn local(setting: Setting) -> Setting {
    Setting { scope: Scope::Local, ..setting }
}

/// Every setting an administrator may change, in the page's order. The
/// ranges are what an office can mean; README's settings part lists them.
pub const SETTINGS: &[Setting] = &[
    int("elderly.high_age_threshold", "高龄起算年龄", "岁", (70, 100), "80", "达到此年龄自动认定为高龄老人"),
    int("elderly.min_age", "老年人最低年龄", "岁", (50, 70), "60", "低于此年龄不能登记到老年人花名册"),
    int(
        "elderly.retiree_min_age",
        "企业退休人员最低年龄",
        "岁",
        (40, 60),
        "45",
        "未满老年人最低年龄的企业退休人员（社会化管理）可从此年龄登记，不计入五类老人",
    ),
    int("elderly.visit_days.高风险", "高风险老人探访间隔", "天", (1, 366), "7", ""),
    int("elderly.visit_days.重点", "重点老人探访间隔", "天", (1, 366), "30", ""),
    int("elderly.visit_days.一般", "一般老人探访间隔", "天", (1, 366), "90", ""),
    int("elderly.allowance.tier1.age", "高龄津贴第一档起始年龄", "岁", (70, 100), "80", "默认80至89周岁"),
    int("elderly.allowance.tier2.age", "高龄津贴第二档起始年龄", "岁", (70, 110), "90", "默认90至99周岁"),
    int("elderly.allowance.tier3.age", "高龄津贴第三档起始年龄", "岁", (70, 120), "100", "默认100周岁及以上"),
    dated(
        "elderly.allowance.tier1.amount",
        "高龄津贴第一档标准",
        10_000,
        "每人每月，按执行起始月份填写，如“2025-01:100”",
    ),
    dated("elderly.allowance.tier2.amount", "高龄津贴第二档标准", 10_000, "每人每月，按执行起始月份填写"),
    dated("elderly.allowance.tier3.amount", "高龄津贴第三档标准", 10_000, "每人每月，按执行起始月份填写"),
    Setting {
        key: "elderly.allowance.start",
        name: "高龄津贴起发月份",
        unit: "",
        hint: "1：年满起始年龄生日当月的次月起发（补登记的补发）；2：申请当月的次月起发",
        kind: Kind::OneOf(&[1, 2]),
        default: "1",
        scope: Scope::Synced,
    },
    int(
        "elderly.allowance.max_backpay_months",
        "高龄津贴补登记最多补发",
        "个月",
        (0, 120),
        "12",
        "晚登记的，最多补发申请当月之前这么多个月",
    ),
    int(
        "elderly.allowance.check_alert_days",
        "生存认证提前提醒",
        "天",
        (0, 90),
        "30",
        "距上次认证满一年前这么多天列入待认证",
    ),
    care_hours("elderly.care.hours.自理", "居家养老服务时数：自理"),
    care_hours("elderly.care.hours.轻度失能", "居家养老服务时数：轻度失能"),
    care_hours("elderly.care.hours.中度失能", "居家养老服务时数：中度失能"),
    care_hours("elderly.care.hours.重度失能", "居家养老服务时数：重度失能"),
    int("security.max_failures", "密码连续输错锁定次数", "次", (3, 20), "5", "连续输错这么多次后账号暂时锁定"),
    int("security.lock_minutes", "账号锁定时长", "分钟", (1, 1440), "15", ""),
    int(
        "security.idle_minutes",
        "闲置自动锁屏时间",
        "分钟",
        (1, 240),
        "15",
        "无人操作这么久后窗口锁定，需重新输入密码",
    ),
    local(int("backup.every_hours", "自动备份间隔", "小时", (0, 168), "24", "0 表示不自动备份；只对本机有效")),
    local(int("backup.keep", "保留备份份数", "份", (1, 365), "30", "只对本机有效")),
    int(
        "employment.followup_days",
        "就业援助跟踪服务间隔",
        "天",
        (1, 366),
        "30",
        "在册援助对象超过此天数未跟踪服务即列入待跟踪",
    ),
    int(
        "employment.zero_clear_days",
        "零就业家庭动态清零期限",
        "天",
        (1, 366),
        "30",
        "认定后超过此天数仍未消除的零就业家庭列入提醒",
    ),
    int("employment.subsidy_max_months", "公益性岗位补贴最长期限", "个月", (1, 120), "36", ""),
    int(
        "employment.subsidy_retire_years",
        "临近退休可延长补贴年限",
        "年",
        (0, 10),
        "5",
        "上岗时距法定退休年龄不超过此年数的，补贴可延长至退休；0 表示不延长",
    ),
    dated("employment.rate.post", "公益性岗位补贴标准", 20_000, "每人每月岗位补贴，按执行起始月份填写"),
    dated("employment.rate.pension", "社会保险补贴：养老保险（单位部分）", 10_000, "每人每月"),
    dated("employment.rate.medical", "社会保险补贴：医疗保险（单位部分）", 10_000, "每人每月"),
    dated("employment.rate.unemployment", "社会保险补贴：失业保险（单位部分）", 10_000, "每人每月"),
    int("employment.loan_alert_days", "贷款到期提前提醒", "天", (1, 366), "60", ""),
    int(
        "employment.loan.max_person",
        "创业担保贷款个人最高额度",
        "元",
        (10_000, 10_000_000),
        "300000",
        "2023年起个人最高30万元",
    ),
    int(
        "employment.loan.max_enterprise",
        "创业担保贷款小微企业最高额度",
        "元",
        (100_000, 100_000_000),
        "4000000",
        "2023年起小微企业最高400万元",
    ),
    dated_rate(
        "employment.loan.subsidy_rate",
        "创业担保贷款财政贴息年利率",
        20,
        "",
        "按执行起始月份填写，如“2024-01:1.85”；展期内不贴息",
    ),
    int(
        "employment.retire.male.age",
        "男性原法定退休年龄",
        "岁",
        (50, 65),
        "60",
        "按渐进式延迟退休规定自动延迟：1965年1月起出生的每4个月延迟1个月，最多36个月",
    ),
    Setting {
        key: "employment.retire.female.age",
        name: "女性原法定退休年龄",
        unit: "岁",
        hint: "50（女职工）或55（女干部），按规定自动延迟",
        kind: Kind::OneOf(&[50, 55]),
        default: "50",
        scope: Scope::Synced,
    },
    int("mediation.open_days", "调解案件超期天数", "天", (1, 366), "30", "受理后超过此天数未结案即提醒"),
    int("mediation.followup_days", "履行后回访期限", "天", (1, 366), "15", "履行后这么多天内回访"),
    Setting {
        key: "mediation.visit_required",
        name: "结案前须回访",
        unit: "",
        hint: "0：不要求回访；1：书面协议未履行完毕的须回访；2：全部达成协议的案件都须回访",
        kind: Kind::OneOf(&[0, 1, 2]),
        default: "1",
        scope: Scope::Synced,
    },
    int("mediation.judicial_alert_days", "司法确认到期提醒", "天", (1, 30), "7", "书面协议生效后30日内可申请司法确认"),
    per_case("mediation.subsidy.简易", "以案定补标准：简易纠纷"),
    per_case("mediation.subsidy.一般", "以案定补标准：一般纠纷"),
    per_case("mediation.subsidy.疑难", "以案定补标准：疑难纠纷"),
    per_case("mediation.subsidy.重大", "以案定补标准：重大纠纷"),
    local(int(
        "sync.every_minutes",
        "自动同步间隔",
        "分钟",
        (0, 1440),
        "30",
        "程序开着时每隔多久同步一次；0 表示只在启动、退出和点“同步”时同步；只对本机有效",
    )),
    Setting {
        key: "backup.dir",
        name: "备份文件夹",
        unit: "",
        hint: "留空则为数据目录下的 backups；可填U盘或共享文件夹路径；只对本机有效",
        kind: Kind::Folder,
        default: "",
        scope: Scope::Local,
    },
];

/// The number of this PC (本机编号) that case numbers carry, kept by
/// `mediation::numbering` under `pc_number.<installation id>`: synced, set
/// by the program, never on the settings page.
pub const PC_NUMBER: Setting = int("pc_number.", "本机编号", "", (1, 9999), "1", "");
