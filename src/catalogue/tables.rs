//! The record tables, in the order of [`Table::ALL`] (parents first).
//! A field added here needs a migration adding its column; the test
//! `catalogue::the_migrations_make_exactly_the_catalogued_tables` holds
//! the two together.
//!
//! `.also` lists the other headers offices give a field in their
//! spreadsheets (import finds its columns by them): every register's files
//! together, so one field imported by two registers is known by the headers
//! of both.
use super::{int, link, real, text, Field, Table, TableDef};

const fn def(table: Table, name: &'static str, label: &'static str, fields: &'static [Field]) -> TableDef {
    TableDef { table, name, label, fields, deletable: false }
}

/// A table whose records may be deleted when entered by mistake.
const fn deletable(d: TableDef) -> TableDef {
    TableDef { deletable: true, ..d }
}

const SORT: Field = int("sort", "排序").must();
const ACTIVE: Field = int("active", "启用").must();
const COMMUNITY: Field = link("community_id", "社区", Table::Community);
const PERSON: Field = link("person_id", "人员", Table::Person).must();
const EMPLOYMENT_CASE: Field = link("case_id", "援助对象", Table::EmploymentCase).must();
const MEDIATION_CASE: Field = link("case_id", "调解案件", Table::MediationCase).must();
const ELDERLY: Field = link("elderly_id", "老人", Table::Elderly).must();
/// A woman's retirement base: 工人 (50) or 干部 (55); empty, the office's setting.
const RETIRE_BASE: Field = text("retire_base", "退休年龄类别").also(&["女性退休类别", "身份类别", "职工/干部"]);

pub(super) const TABLES: [TableDef; 26] = [
    def(Table::Office, "office", "街道", &[text("name", "街道名称").must()]),
    def(Table::Community, "community", "社区", &[text("name", "社区名称").must(), SORT, ACTIVE]),
    def(
        Table::DictEntry,
        "dict_entry",
        "字典",
        &[text("dict", "字典").must(), text("label", "选项").must(), SORT, ACTIVE],
    ),
    def(Table::Setting, "setting", "设置", &[text("key", "设置项").must(), text("value", "设置值").must()]),
    def(
        Table::Account,
        "account",
        "账号",
        &[
            text("username", "登录名").must(),
            text("display_name", "姓名").must(),
            text("role", "角色").must(),
            link("community_id", "所属社区", Table::Community),
            text("password_hash", "密码").must(),
            ACTIVE,
        ],
    ),
    def(
        Table::Person,
        "person",
        "人员",
        &[
            // 家庭成员 comes from the households' files (one row a member);
            // in another register's file it would only be taken for the name
            // when no 姓名 column stands left of it.
            text("name", "姓名").must().also(&["老人姓名", "名字", "成员姓名", "家庭成员"]),
            text("name_key", "拼音排序").must(),
            text("id_number", "身份证号").also(&[
                "身份证号码",
                "公民身份号码",
                "证件号",
                "证件号码",
                "身份证",
                "成员身份证号",
            ]),
            text("sex", "性别"),
            text("birth_date", "出生日期"),
            text("phone", "联系电话").also(&["手机号", "手机号码", "电话", "手机", "联系方式"]),
            COMMUNITY,
            text("address", "住址").also(&["家庭住址", "居住地址", "地址", "现住址"]),
            text("hukou", "户籍"),
            text("created_at", "登记日期").must(),
        ],
    ),
    def(
        Table::Elderly,
        "elderly",
        "老人花名册",
        &[
            PERSON,
            text("kinds", "老人类别").must().also(&["类别", "人员类别", "五类老人类别"]),
            int("sanwu", "三无老人").must().also(&["是否三无", "三无"]),
            int("enterprise_retiree", "企业退休人员").must().also(&["企业退休", "是否企业退休"]),
            text("living_arrangement", "居住情况").also(&["居住状况", "居住方式"]),
            text("economic_status", "经济状况").also(&["经济情况"]),
            text("disability_type", "残疾类别").also(&["残疾类型"]),
            text("disability_grade", "残疾等级"),
            text("disability_cert", "残疾证号"),
            text("health_notes", "健康状况").also(&["身体状况"]),
            text("emergency_name", "紧急联系人").also(&["联系人"]),
            text("emergency_phone", "紧急联系人电话").also(&["紧急联系电话", "联系人电话"]),
            text("emergency_relation", "与老人关系"),
            text("care_mode", "养老方式"),
            text("visit_level", "探访等级").must(),
            text("status", "状态").must(),
            text("status_date", "状态日期"),
            text("status_reason", "状态原因"),
            text("registered_on", "登记日期").must().also(&["建档日期", "入册日期"]),
        ],
    ),
    deletable(def(
        Table::ElderlyService,
        "elderly_service",
        "服务记录",
        &[
            ELDERLY,
            text("date", "服务日期").must(),
            text("service_type", "服务类型").must(),
            text("paid", "收费方式").must(),
            int("charge_cents", "收费（分）").must(),
            text("provider", "服务提供方"),
            real("hours", "服务时长（小时）"),
            text("notes", "备注"),
        ],
    )),
    deletable(def(
        Table::ElderlyVisit,
        "elderly_visit",
        "探访记录",
        &[
            ELDERLY,
            text("date", "探访日期").must(),
            text("visitor", "探访人").must(),
            text("way", "探访方式").must(),
            text("health", "健康状况"),
            text("economy", "经济状况"),
            text("family_support", "家庭支持"),
            text("home_safety", "居家安全"),
            text("needs", "需求"),
        ],
    )),
    def(
        Table::Household,
        "household",
        "家庭户",
        &[
            link("community_id", "社区", Table::Community).must(),
            // 家庭住址, as the households' files head it: a person's own
            // address is 住址.
            text("address", "家庭住址").must().also(&["住址", "居住地址", "地址", "现住址"]),
            text("registered_on", "登记日期").must(),
            text("notes", "备注").also(&["家庭情况"]),
        ],
    ),
    def(
        Table::HouseholdMember,
        "household_member",
        "家庭成员",
        &[
            link("household_id", "家庭户", Table::Household).must(),
            PERSON,
            text("relation", "与户主关系").must().also(&["家庭关系", "关系"]),
            text("work_status", "就业状况").must().also(&["就业状态", "就业情况"]),
            text("employer", "工作单位").also(&["就业单位", "单位"]),
            text("since", "起始日期").also(&["就业失业日期", "失业登记日期", "就业日期"]),
            int("able", "有劳动能力").must().also(&["劳动能力", "是否有劳动能力"]),
            int("willing", "有就业意愿").must().also(&["就业意愿", "是否有就业意愿"]),
            ACTIVE,
            RETIRE_BASE,
        ],
    ),
    def(
        Table::ZeroEmployment,
        "zero_employment",
        "零就业家庭认定",
        &[
            link("household_id", "家庭户", Table::Household).must(),
            text("confirmed_on", "认定日期").must(),
            text("eliminated_on", "消除日期"),
            text("eliminated_by", "消除方式"),
        ],
    ),
    def(
        Table::EmploymentCase,
        "employment_case",
        "就业援助台账",
        &[
            PERSON,
            text("categories", "人员类别").must().also(&["就业困难人员类别", "困难类别", "援助类别", "类别"]),
            text("registered_on", "登记日期").must().also(&["认定日期", "建档日期"]),
            text("education", "文化程度").also(&["学历"]),
            text("skills", "技能特长").also(&["技能", "特长", "专业技能"]),
            text("wishes", "就业意愿").also(&["求职意向", "意向岗位", "求职意愿"]),
            text("status", "状态").must(),
            text("placed_employer", "就业单位"),
            text("placed_post", "岗位"),
            text("placed_on", "就业日期"),
            text("placed_way", "就业方式"),
            text("closed_on", "结案日期"),
            text("closed_reason", "结案原因"),
            RETIRE_BASE,
        ],
    ),
    deletable(def(
        Table::EmploymentTraining,
        "employment_training",
        "培训记录",
        &[
            EMPLOYMENT_CASE,
            text("kind", "培训类型").must(),
            text("course", "培训项目"),
            text("start_on", "开始日期"),
            text("end_on", "结束日期"),
            text("result", "培训结果"),
        ],
    )),
    deletable(def(
        Table::EmploymentFollowup,
        "employment_followup",
        "跟踪服务",
        &[
            EMPLOYMENT_CASE,
            text("date", "日期").must(),
            text("place", "地点"),
            text("way", "方式").must(),
            text("content", "服务内容").must(),
            text("staff", "经办人").must(),
        ],
    )),
    def(
        Table::WelfarePost,
        "welfare_post",
        "公益性岗位",
        &[text("post_type", "岗位类型").must(), text("unit", "用人单位").must(), COMMUNITY, ACTIVE],
    ),
    def(
        Table::PostPlacement,
        "post_placement",
        "岗位安置",
        &[
            link("post_id", "公益性岗位", Table::WelfarePost).must(),
            EMPLOYMENT_CASE,
            text("start_on", "上岗日期").must(),
            text("end_on", "离岗日期"),
        ],
    ),
    def(
        Table::StartupLoan,
        "startup_loan",
        "创业担保贷款",
        &[
            PERSON,
            int("amount_cents", "贷款金额（分）").must(),
            text("bank", "贷款银行").must(),
            text("guarantee", "担保方式"),
            text("granted_on", "放款日期").must(),
            int("term_months", "贷款期限（月）").must(),
            int("extension_months", "展期（月）").must(),
            int("interest_subsidy_cents", "贴息金额（分）").must(),
            text("repayment", "还款情况").must(),
            text("settled_on", "结清日期"),
            text("borrower", "借款人类型").also(&["借款主体", "贷款对象"]),
            text("enterprise", "企业名称").also(&["借款企业", "小微企业名称"]),
        ],
    ),
    deletable(def(
        Table::HardshipRelief,
        "hardship_relief",
        "困难帮扶",
        &[
            PERSON,
            text("programme", "帮扶项目").must(),
            text("date", "日期").must(),
            text("help", "帮扶内容").must(),
            int("amount_cents", "金额（分）").must(),
        ],
    )),
    def(
        Table::Mediator,
        "mediator",
        "调解员",
        &[text("name", "调解员姓名").must(), COMMUNITY, text("cert_no", "证书编号"), text("phone", "联系电话"), ACTIVE],
    ),
    def(
        Table::MediationCase,
        "mediation_case",
        "调解案件",
        &[
            text("number", "案号").must(),
            int("year", "年度").must(),
            int("pc_number", "电脑编号").must(),
            int("seq", "序号").must(),
            COMMUNITY,
            text("dispute_type", "纠纷类型").must().also(&["纠纷类别", "案件类型", "案件类别"]),
            text("source", "案件来源").must().also(&["纠纷来源", "来源"]),
            text("mediators", "调解员").must(),
            text("summary", "纠纷简要情况").must().also(&["纠纷简况", "简要案情", "纠纷事实", "案情简介", "纠纷情况"]),
            text("requests", "当事人请求").also(&["申请事项", "请求事项"]),
            int("amount_cents", "涉及金额（分）").must(),
            text("received_on", "受理日期").must().also(&["受理时间", "收案日期", "登记日期"]),
            text("status", "状态").must(),
            text("agreement_kind", "协议形式"),
            text("agreement_on", "协议日期"),
            text("agreement_terms", "协议内容"),
            text("performance_way", "履行方式"),
            text("performance_place", "履行地点"),
            text("performance_deadline", "履行期限"),
            text("failed_reason", "调解不成原因"),
            text("referral", "引导途径"),
            text("performance", "履行情况"),
            text("performed_on", "履行日期"),
            text("judicial_applied_on", "申请司法确认日期"),
            text("judicial_result", "司法确认结果"),
            text("closed_on", "结案日期"),
        ],
    ),
    def(
        Table::MediationParty,
        "mediation_party",
        "当事人",
        &[
            MEDIATION_CASE,
            text("side", "当事人身份").must(),
            link("person_id", "人员", Table::Person),
            text("name", "当事人姓名").must(),
            text("sex", "性别"),
            text("ethnicity", "民族"),
            int("age", "年龄"),
            text("occupation", "职业"),
            text("phone", "联系电话"),
            text("address", "住址"),
        ],
    ),
    def(
        Table::MediationStep,
        "mediation_step",
        "办理步骤",
        &[
            MEDIATION_CASE,
            text("step", "步骤").must(),
            text("date", "日期").must(),
            text("staff", "经办人").must(),
            text("place", "地点"),
            text("participants", "参加人"),
            text("content", "内容"),
            text("satisfaction", "满意度"),
            text("risk", "风险评估"),
        ],
    ),
    def(
        Table::PreventionEntry,
        "prevention_entry",
        "矛盾纠纷排查",
        &[
            COMMUNITY,
            text("date", "排查日期").must(),
            int("screenings", "排查次数").must(),
            int("disputes_found", "排查出纠纷").must(),
            int("disputes_prevented", "预防纠纷").must(),
            int("criminal_cases", "防止民转刑案件").must(),
            int("criminal_persons", "防止民转刑人数").must(),
            int("petition_cases", "防止群体性上访案件").must(),
            int("petition_persons", "防止群体性上访人数").must(),
            int("fights_prevented", "防止群体性械斗").must(),
            text("notes", "备注"),
        ],
    ),
    def(
        Table::ElderlyAllowance,
        "elderly_allowance",
        "高龄津贴",
        &[
            link("elderly_id", "老人", Table::Elderly).must(),
            text("applied_on", "申请日期").must(),
            text("account_kind", "账户类型"),
            text("account", "账号").also(&["银行账号", "社保卡号", "银行卡号"]),
            text("bank", "开户银行"),
        ],
    ),
    def(
        Table::AllowanceEvent,
        "allowance_event",
        "高龄津贴变动",
        &[
            link("allowance_id", "高龄津贴", Table::ElderlyAllowance).must(),
            text("event", "变动").must(),
            text("date", "变动日期").must(),
            text("reason", "原因"),
        ],
    ),
];
