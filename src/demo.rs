//! `street-ledger demo`: a realistic street office, generated through the
//! same write path as real data (so it is logged, searchable and checkable).
//! Deterministic for a given seed and date.
use chrono::{Datelike, Duration, NaiveDate};

use crate::access::Actor;
use crate::access::Role;
use crate::accounts::{self, NewAccount};
use crate::elderly::calls::{record_call, CallInput};
use crate::elderly::care::{record_service, record_visit, ServiceInput, VisitInput};
use crate::elderly::condolence::{record_condolence, CondolenceInput};
use crate::elderly::{self, ElderlyInput};
use crate::person::{self, PersonInput};
use crate::store::{Store, WriteTx};
use crate::{idcard, office, Result};

/// Accounts a demo office comes with, one per role, to try the app with.
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 4] = [
    ("admin", "演示管理员", Role::Admin),
    ("jiedao", "演示街道工作人员", Role::StreetStaff),
    ("shequ", "演示社区工作人员", Role::CommunityStaff),
    ("chakan", "演示只读", Role::ReadOnly),
];
pub const DEMO_PASSWORD: &str = "demo1234";

#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub office_name: String,
    pub communities: usize,
    pub persons: usize,
    pub seed: u64,
    pub today: NaiveDate,
}

impl DemoSpec {
    pub fn street(today: NaiveDate) -> Self {
        DemoSpec { office_name: "示例街道".into(), communities: 15, persons: 100_000, seed: 1, today }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoSummary {
    pub persons: usize,
    pub elderly: usize,
    pub services: usize,
    pub visits: usize,
    pub cases: usize,
    pub households: usize,
    pub zero_households: usize,
    pub loans: usize,
    pub mediation_cases: usize,
}

/// SplitMix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金", "单", "解", "仇", "区", "朴", "查", "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀", "英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "兰", "霞", "平", "刚", "桂", "华", "建", "国", "志", "文", "玉", "凤", "红", "德", "福", "春", "海", "云", "淑",
    "珍", "荣", "三", "顺", "宝", "林", "山", "清", "梅", "莲", "成", "宏",
];
const AREAS: &[&str] = &["110105", "110101", "110102", "130102", "370102", "410105", "510104"];
const STREETS: &[&str] = &["和平路", "建设路", "解放路", "人民路", "新华街", "光明里", "幸福里", "胜利街"];

fn community_names(n: usize) -> Vec<String> {
    const BASE: &[&str] = &[
        "和平", "建设", "光明", "幸福", "友谊", "新华", "胜利", "朝阳", "东风", "红旗", "团结", "文化", "解放", "民主",
        "长安",
    ];
    (0..n)
        .map(|i| format!("{}社区", BASE.get(i).map(|s| s.to_string()).unwrap_or_else(|| format!("第{}", i + 1))))
        .collect()
}

/// Sets the office up and fills it. About one person in five is 60 or over
/// and goes on the roster, with services and visits over the past year.
pub fn generate(store: &mut Store, actor: &Actor, spec: &DemoSpec) -> Result<DemoSummary> {
    let mut rng = Rng(spec.seed);
    // Phone check-ins draw from their own generator, so the rest of the
    // street is the one earlier versions made from the same seed.
    let mut calls = Rng(spec.seed ^ 0xCA11_CA11);
    // Assistance records draw apart too: the street stays the one it was.
    let mut aid = Rng(spec.seed ^ 0xA551_57A0);
    // 慰问 from a generator of their own: the other records stay as they were.
    let mut gifts = Rng(spec.seed ^ 0x6_1F75);
    // Purchased home care too.
    let mut care = Rng(spec.seed ^ 0xCA2E_0023);
    let today = spec.today;
    let mut used_ids = std::collections::HashSet::new();
    let names = community_names(spec.communities);
    // Argon2 takes tens of milliseconds a password, by design: the demo
    // accounts' hashes are made on another core while the street is written.
    let hashing = std::thread::spawn(|| DEMO_ACCOUNTS.map(|_| accounts::hash_password(DEMO_PASSWORD)));
    let (_, summary) = office::setup_and(store, actor, &spec.office_name, &names, |w, community_ids| {
        let mut sum = DemoSummary::default();
        // Its own sequence, so the rest of the street stays as it was.
        let mut allowance_rng = Rng(spec.seed ^ 0xA110_3A4C_E000);
        // 高龄津贴 by tier, as a district sets them (example figures).
        for (key, amounts) in [
            ("elderly.allowance.tier1.amount", "2021-01:100;2026-01:120"),
            ("elderly.allowance.tier2.amount", "2021-01:300"),
            ("elderly.allowance.tier3.amount", "2021-01:500"),
        ] {
            crate::settings::set_in(w, key, amounts)?;
        }
        let providers = care_providers(w)?;
        let mut working = Vec::new();
        for _ in 0..spec.persons {
            let age = if rng.chance(21) { 60 + rng.below(41) } else { rng.below(60) } as i32;
            let birth = NaiveDate::from_ymd_opt(today.year() - age - 1, 1, 1).expect("valid")
                + Duration::days(rng.below(365) as i64);
            let id = loop {
                let id = idcard::compose(AREAS[rng.below(AREAS.len())], birth, rng.below(1000) as u16);
                if used_ids.insert(id.to_string()) {
                    break id;
                }
            };
            let given: String = (0..1 + rng.below(2)).map(|_| *rng.pick(GIVEN)).collect();
            let p = PersonInput {
                name: format!("{}{given}", rng.pick(SURNAMES)),
                id_number: Some(id.to_string()),
                phone: Some(format!("1{}{:09}", [3, 5, 8][rng.below(3)], rng.next() % 1_000_000_000)),
                community_id: Some(rng.pick(community_ids).clone()),
                address: Some(format!(
                    "{}{}号{}单元{}室",
                    rng.pick(STREETS),
                    1 + rng.below(200),
                    1 + rng.below(6),
                    101 + rng.below(1500)
                )),
                hukou: Some("本地".into()),
                ..Default::default()
            };
            sum.persons += 1;
            if id.age_on(today) < 60 {
                if (18..58).contains(&id.age_on(today)) {
                    working.push(p.clone());
                }
                // `used_ids` made the number unique in a new office: no
                // lookup (the unique index still holds it).
                person::create_unknown(w, &p, today)?;
                continue;
            }
            let input = elderly_input(&mut rng, p, today);
            let elderly_id = elderly::register_in(w, &input, today)?;
            assistance(w, &mut aid, &elderly_id, &input, id.as_str(), today)?;
            sum.elderly += 1;
            for _ in 0..rng.below(6) {
                record_service(w, &elderly_id, &service(&mut rng, today), today)?;
                sum.services += 1;
            }
            for _ in 0..rng.below(5) {
                record_visit(w, &elderly_id, &visit(&mut rng, today), today)?;
                sum.visits += 1;
            }
            for _ in 0..calls.below(4) {
                record_call(w, &elderly_id, &call(&mut calls, today), today)?;
            }
            let leaving = rng.chance(3).then(|| {
                let (status, reason) = if rng.chance(60) {
                    ("去世", None)
                } else {
                    ("迁出", Some("随子女迁居外区".to_string()))
                };
                elderly::StatusChange { status: status.into(), date: days_ago(&mut rng, today, 200), reason }
            });
            if id.age_on(today) >= 80 && gifts.chance(70) {
                record_condolence(w, &elderly_id, &double_ninth(&mut gifts, today), today)?;
            }
            if id.age_on(today) >= 75 && care.chance(2) {
                purchased_care(w, &mut care, &elderly_id, &providers, today)?;
            }
            if id.age_on(today) >= 80 {
                allowance(w, &mut allowance_rng, &elderly_id, birth, leaving.as_ref(), today)?;
            }
            if let Some(change) = leaving {
                elderly::change_status_in(w, &elderly_id, &change, today)?;
            }
        }
        employment(w, &mut rng, working, spec.persons, today, &mut sum)?;
        mediation(w, &mut rng, community_ids, spec.persons, today, &mut sum)?;
        let hashes = hashing.join().expect("hashing the demo passwords");
        for ((username, name, role), hash) in DEMO_ACCOUNTS.into_iter().zip(hashes) {
            let account = NewAccount {
                username: username.into(),
                display_name: name.into(),
                role: role.code().into(),
                community_id: (role == Role::CommunityStaff).then(|| community_ids[0].clone()),
                password: DEMO_PASSWORD.into(),
            };
            accounts::insert_hashed(w, &account, || hash)?;
        }
        Ok(sum)
    })?;
    store.optimize()?;
    Ok(summary)
}

/// The re-employment register at the scale of the street: about 3% of
/// residents as cases, households of which some were confirmed
/// zero-employment over five years and most since eliminated, posts, loans.
fn employment(
    w: &mut crate::store::WriteTx,
    rng: &mut Rng,
    mut pool: Vec<PersonInput>,
    persons: usize,
    today: NaiveDate,
    sum: &mut DemoSummary,
) -> Result<()> {
    use crate::employment::{case, household, loans, posts};
    // The post subsidy's rates, as a district sets them (example figures).
    for (key, rates) in [
        ("employment.rate.post", "2021-01:1800;2024-01:2000"),
        ("employment.rate.pension", "2021-01:640;2024-01:700"),
        ("employment.rate.medical", "2021-01:300"),
        ("employment.rate.unemployment", "2021-01:20"),
        ("employment.loan.subsidy_rate", "2021-01:2.35;2024-01:1.95"),
    ] {
        crate::settings::set_in(w, key, rates)?;
    }
    let posts_ids: Vec<String> = (0..(persons / 1500).max(2))
        .map(|i| {
            let input = posts::PostInput {
                post_type: ["社区保安", "保绿", "保洁", "助老助残", "停车管理", "协管员"][i % 6].into(),
                unit: format!("{}居委会", ["东", "南", "西", "北", "中"][i % 5]),
                community_id: None,
            };
            posts::add_post_in(w, &input)
        })
        .collect::<Result<_>>()?;
    let mut free_posts = posts_ids.clone();
    // Households first: their members become cases.
    let households = (persons / 120).max(3);
    for _ in 0..households {
        if pool.len() < 3 {
            break;
        }
        let size = 1 + rng.below(3);
        let members: Vec<household::MemberInput> = (0..size)
            .map(|i| {
                let p = pool.swap_remove(rng.below(pool.len()));
                let employed = rng.chance(if i == 0 { 15 } else { 35 });
                household::MemberInput {
                    relation: ["户主", "配偶", "子女"][i].into(),
                    status: household::MemberStatus {
                        work_status: if employed { "就业" } else { "失业" }.into(),
                        employer: employed.then(|| "个体经营".to_string()),
                        able: true,
                        willing: true,
                        ..Default::default()
                    },
                    person: p,
                }
            })
            .collect();
        let community_id = members[0].person.community_id.clone().unwrap_or_default();
        let address = members[0].person.address.clone().unwrap_or_default();
        let cases: Vec<PersonInput> = members.iter().map(|m| m.person.clone()).collect();
        let input = household::HouseholdInput { community_id, address, notes: None, members };
        let h = household::create_in(w, &input, today)?;
        sum.households += 1;
        if !household::is_zero_employment(w.conn(), &h, today)? {
            continue;
        }
        let confirmed = today - Duration::days(30 + rng.below(5 * 365) as i64);
        household::confirm_in(w, &h, confirmed, today)?;
        sum.zero_households += 1;
        // The member registered is one of working age when the household
        // was confirmed, registered that day.
        let Some((person, last)) = cases.iter().find_map(|p| {
            let span = working_span(w.conn(), p).ok()?;
            let last = span.retires_on.pred_opt()?.min(today);
            span.holds(confirmed).then(|| (p.clone(), last))
        }) else {
            continue;
        };
        let input = case::CaseInput { person, registered_on: Some(confirmed.to_string()), ..Default::default() };
        let c = case::register_in(w, &input, today)?;
        sum.cases += 1;
        if rng.chance(80) {
            let on = (confirmed + Duration::days(rng.below(300) as i64)).min(last);
            let post = if rng.chance(50) { free_posts.pop() } else { None };
            match post {
                Some(post) => {
                    posts::place_in_post_in(w, &post, &c, &on.to_string(), today)?;
                }
                None => case::place_in(
                    w,
                    &c,
                    &case::Placement {
                        employer: "某物业公司".into(),
                        post: Some("保洁员".into()),
                        placed_on: on.to_string(),
                        way: "市场就业".into(),
                    },
                    today,
                )?,
            }
        }
    }
    let categories = ["残疾", "低保", "连续失业一年以上", "失地农民", "单亲抚养未成年子女", "退役军人"];
    let target = persons * 3 / 100;
    while sum.cases < target && !pool.is_empty() {
        let p = pool.swap_remove(rng.below(pool.len()));
        // Registered within the last five years and within working age.
        let span = working_span(w.conn(), &p)?;
        let first = span.from.max(today - Duration::days(5 * 365));
        let last = span.retires_on.pred_opt().unwrap_or(today).min(today);
        if first > last {
            continue;
        }
        let registered = first + Duration::days(rng.below((last - first).num_days() as usize + 1) as i64);
        let input = case::CaseInput {
            person: p,
            categories: if rng.chance(60) { vec![rng.pick(&categories).to_string()] } else { Vec::new() },
            registered_on: Some(registered.to_string()),
            education: Some(["初中", "高中/中专", "大专"][rng.below(3)].into()),
            skills: rng.chance(40).then(|| ["电工", "烹饪", "驾驶", "家政"][rng.below(4)].to_string()),
            wishes: Some("就近就业".into()),
            retire_base: None,
        };
        let c = case::register_in(w, &input, today)?;
        sum.cases += 1;
        let open_days = (last - registered).num_days() as usize + 1;
        for _ in 0..rng.below(4) {
            let f = case::FollowupInput {
                date: (registered + Duration::days(rng.below(open_days) as i64)).to_string(),
                place: None,
                way: ["电话", "上门"][rng.below(2)].into(),
                content: "了解就业意向，推荐岗位信息".into(),
                staff: "社区劳动保障员".into(),
            };
            case::record_followup(w, &c, &f, today)?;
        }
        if rng.chance(30) {
            let placement = case::Placement {
                employer: "某商贸公司".into(),
                post: Some("营业员".into()),
                placed_on: (registered + Duration::days(rng.below(open_days.min(365)) as i64)).to_string(),
                way: ["市场就业", "自主创业"][rng.below(2)].into(),
            };
            case::place_in(w, &c, &placement, today)?;
        } else if rng.chance(8) {
            let on = registered + Duration::days(rng.below(open_days) as i64);
            case::close_in(w, &c, &on.to_string(), ["迁出", "死亡", "其他"][rng.below(3)], today)?;
        }
        if rng.chance(5) {
            let loan = loans::LoanInput {
                amount: format!("{}", 50_000 + 10_000 * rng.below(6)),
                bank: ["农商银行", "邮储银行", "工商银行"][rng.below(3)].into(),
                guarantee: Some("担保基金".into()),
                granted_on: days_ago(rng, today, 3 * 365),
                term_months: [12, 24, 36][rng.below(3)],
                interest_subsidy: Some("1500".into()),
                borrower: None,
                enterprise: None,
            };
            loans::add_loan_in(w, &c, &loan, today)?;
            sum.loans += 1;
        }
    }
    Ok(())
}

/// A demo person's span of working age (the office's retirement setting).
fn working_span(conn: &rusqlite::Connection, p: &PersonInput) -> Result<crate::employment::rules::WorkingAge> {
    let id = idcard::IdNumber::parse(p.id_number.as_deref().unwrap_or_default()).expect("the demo's own ID numbers");
    crate::employment::rules::WorkingAge::of(conn, id.sex(), id.birth_date(), None)
}

/// Mediation cases: about 400 a year for a street of 100,000 over five
/// years, with the usual shares of types and outcomes (most end in an
/// agreement, about one in ten fails), and a year of prevention work.
fn mediation(
    w: &mut crate::store::WriteTx,
    rng: &mut Rng,
    community_ids: &[String],
    persons: usize,
    today: NaiveDate,
    sum: &mut DemoSummary,
) -> Result<()> {
    use crate::mediation::lifecycle::{record_in, StepInput};
    use crate::mediation::{add_mediator_in, register_in, CaseInput, PartyInput};
    // 以案定补 rates, as a district sets them (example figures).
    for (d, rates) in [("简易", "2021-01:50;2024-01:60"), ("一般", "2021-01:100;2024-01:120")]
        .into_iter()
        .chain([("疑难", "2021-01:200;2024-01:300"), ("重大", "2021-01:400;2024-01:500")])
    {
        crate::settings::set_in(w, &format!("mediation.subsidy.{d}"), rates)?;
    }
    // Per committee (the street's first): its mediators, two for each
    // community's committee.
    let mut committees: Vec<Vec<String>> = Vec::new();
    for (i, c) in std::iter::once(None).chain(community_ids.iter().map(Some)).enumerate() {
        let mut ids = Vec::new();
        for k in 0..if c.is_some() { 2 } else { 1 } {
            let m = demo_mediator(rng, c.cloned(), i * 2 + k, today);
            let id = add_mediator_in(w, &m)?;
            for t in 0..1 + rng.below(3) {
                let training = crate::mediation::mediators::TrainingInput {
                    mediator_id: id.clone(),
                    date: (today - Duration::days(30 + 120 * t as i64 + rng.below(90) as i64)).to_string(),
                    hours: ["3", "4", "6", "1.5"][rng.below(4)].into(),
                    topic: ["人民调解法及实务", "婚姻家庭纠纷调解技巧", "物业纠纷化解", "调解文书制作规范"]
                        [rng.below(4)]
                    .into(),
                };
                crate::mediation::mediators::add_training_in(w, &training, today)?;
            }
            ids.push(id);
        }
        committees.push(ids);
    }
    let mut recent_cases: Vec<(usize, String)> = Vec::new();
    // Shares in percent, from the usual street-level statistics.
    let types = [
        ("邻里", 28),
        ("婚姻家庭", 20),
        ("物业", 12),
        ("损害赔偿", 10),
        ("合同", 8),
        ("劳动争议", 6),
        ("房屋宅基地", 5),
        ("消费", 4),
        ("道路交通事故", 4),
        ("其他", 3),
    ];
    let per_year = (persons * 400 / 100_000).max(5);
    for n in (0..per_year * 5).rev() {
        let received = today - Duration::days((n * 5 * 365 / (per_year * 5)) as i64 + 1);
        let mut roll = rng.below(100);
        let dispute_type = types
            .iter()
            .find(|(_, p)| {
                if roll < *p {
                    true
                } else {
                    roll -= p;
                    false
                }
            })
            .map_or("其他", |t| t.0);
        let side = |rng: &mut Rng, side: &str| PartyInput {
            side: side.into(),
            name: format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)),
            age: Some(25 + rng.below(50) as u32),
            ..Default::default()
        };
        let parties: Vec<PartyInput> = std::iter::once(side(rng, "申请方"))
            .chain((rng.chance(20)).then(|| side(rng, "申请方")))
            .chain(std::iter::once(side(rng, "被申请方")))
            .collect();
        let committee = rng.below(community_ids.len() + 1);
        // committees[0] is the street's; `committee` is the community's index, or past the last for the street.
        let team = &committees[(committee + 1) % committees.len()];
        // One case in four is mediated by both of a committee's mediators.
        let mediator_ids =
            if team.len() > 1 && rng.chance(25) { team.clone() } else { vec![team[rng.below(team.len())].clone()] };
        let difficulty = match rng.below(100) {
            0..40 => "简易",
            40..80 => "一般",
            80..95 => "疑难",
            _ => "重大",
        };
        let input = CaseInput {
            community_id: community_ids.get(committee).cloned(),
            dispute_type: dispute_type.into(),
            source: ["当事人申请", "当事人申请", "主动调解", "公安机关移送"][rng.below(4)].into(),
            mediator_ids,
            difficulty: Some(difficulty.into()),
            summary: format!("{dispute_type}纠纷，双方协商未果，申请调解"),
            amount: rng.chance(50).then(|| format!("{}", 500 * (1 + rng.below(40)))),
            received_on: received.to_string(),
            parties,
            staff: "调委会".into(),
            ..Default::default()
        };
        let id = register_in(w, &input, today)?;
        sum.mediation_cases += 1;
        if (today - received).num_days() < 365 {
            recent_cases.push((committee, id.clone()));
        }
        let at = |d: i64| (received + Duration::days(d)).min(today).to_string();
        let step = |kind: &str, date: String| StepInput {
            step: kind.into(),
            date,
            staff: "调解员".into(),
            content: Some("听取双方陈述，释法说理".into()),
            agreement_kind: Some(if rng_oral(n) { "口头" } else { "书面" }.into()),
            terms: Some("双方达成一致，按约履行".into()),
            performance_deadline: Some(at(20)),
            reason: Some("双方分歧较大".into()),
            referral: Some("引导诉讼".into()),
            performance: Some("履行".into()),
            satisfaction: Some("满意".into()),
            ..Default::default()
        };
        // Recent cases are still open at various steps.
        let age = (today - received).num_days();
        let plan: &[(&str, i64)] = if rng.chance(10) {
            &[("调查", 2), ("调解", 5), ("调解不成", 8), ("结案", 10)]
        } else {
            &[("调查", 2), ("调解", 5), ("协议", 7), ("履行", 15), ("回访", 25), ("结案", 28)]
        };
        for (kind, day) in plan {
            if *day > age {
                break;
            }
            record_in(w, &id, &step(kind, at(*day)), today)?;
        }
    }
    screening(w, rng, community_ids, &recent_cases, today)
}

/// A mediator with the profile a committee keeps.
fn demo_mediator(
    rng: &mut Rng,
    community_id: Option<String>,
    n: usize,
    today: NaiveDate,
) -> crate::mediation::MediatorInput {
    let from = NaiveDate::from_ymd_opt(today.year() - 1 - rng.below(3) as i32, 1, 1).expect("a day");
    crate::mediation::MediatorInput {
        name: if community_id.is_none() {
            "街道调委会主任".into()
        } else {
            format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
        },
        community_id,
        cert_no: Some(format!("TJ-{:04}", n + 1)),
        phone: None,
        profile: crate::mediation::mediators::Profile {
            sex: Some(["男", "女"][rng.below(2)].into()),
            birth_year: Some(today.year() as i64 - 30 - rng.below(35) as i64),
            education: Some(rng.pick(&crate::mediation::mediators::EDUCATIONS[1..]).to_string()),
            employment: Some(if n == 0 || rng.chance(30) { "专职" } else { "兼职" }.into()),
            term_from: Some(from.to_string()),
            term_to: Some(NaiveDate::from_ymd_opt(from.year() + 3, 12, 31).expect("a day").to_string()),
        },
    }
}

/// A year of screening: each community's rounds of the month (排查次数) and
/// the dispute or two they found (the 排查表's rows); of those not yet
/// resolved, one in five has since become a case of its committee.
fn screening(
    w: &mut crate::store::WriteTx,
    rng: &mut Rng,
    community_ids: &[String],
    recent_cases: &[(usize, String)],
    today: NaiveDate,
) -> Result<()> {
    use crate::mediation::screening::{add_in, ScreeningInput, RISKS};
    let types = ["邻里", "婚姻家庭", "物业", "损害赔偿", "劳动争议", "房屋宅基地"];
    for (i, c) in community_ids.iter().enumerate() {
        let cases: Vec<&String> = recent_cases.iter().filter(|(k, _)| *k == i).map(|(_, id)| id).collect();
        for month in 0..12 {
            // The month's screening rounds (排查次数); what they found is the rows below.
            let rounds = [
                ("community_id", c.clone().into()),
                ("date", (today - Duration::days(month * 30)).to_string().into()),
                ("screenings", (2 + rng.below(3) as i64).into()),
                ("disputes_found", 0.into()),
                ("disputes_prevented", (rng.below(3) as i64).into()),
                ("criminal_cases", 0.into()),
                ("criminal_persons", 0.into()),
                ("petition_cases", 0.into()),
                ("petition_persons", 0.into()),
                ("fights_prevented", 0.into()),
            ];
            w.insert(crate::store::Table::PreventionEntry, &crate::store::new_id(), &rounds)?;
            for _ in 0..1 + rng.below(2) {
                let date = today - Duration::days(month * 30 + rng.below(28) as i64);
                let name = |rng: &mut Rng| format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
                let done = month > 0 && rng.chance(70);
                let s = ScreeningInput {
                    community_id: Some(c.clone()),
                    date: date.to_string(),
                    screener: name(rng),
                    parties: format!("{}、{}", name(rng), name(rng)),
                    dispute_type: rng.pick(&types).to_string(),
                    risk: rng.pick(&RISKS).to_string(),
                    summary: Some("入户走访中发现，双方因琐事多次争吵".into()),
                    owner: name(rng),
                    deadline: Some((date + Duration::days(15)).to_string()),
                    result: done.then(|| "已化解，双方和好".to_string()),
                };
                let id = add_in(w, &s, today)?;
                if !done && !cases.is_empty() && rng.chance(20) {
                    let case = cases[rng.below(cases.len())].clone();
                    w.update(crate::store::Table::ScreeningEntry, &id, None, &[("case_id", case.into())])?;
                }
            }
        }
    }
    Ok(())
}

/// The old-age allowance of someone 80 or over: most applied soon after
/// their 80th birthday (within the last five years), one in ten late (补发);
/// some suspended and resumed (补发), a few stopped, and most checked
/// (生存认证) around the last anniversary of their application.
fn allowance(
    w: &mut crate::store::WriteTx,
    rng: &mut Rng,
    elderly_id: &str,
    birth: NaiveDate,
    leaving: Option<&elderly::StatusChange>,
    today: NaiveDate,
) -> Result<()> {
    use crate::elderly::allowance::{apply_in, record_in, ApplyInput, EventInput};
    let until = leaving.and_then(|l| NaiveDate::parse_from_str(&l.date, "%Y-%m-%d").ok()).unwrap_or(today);
    let eighty = birth.with_year(birth.year() + 80).unwrap_or(birth + Duration::days(80 * 365 + 20));
    let delay = if rng.chance(10) { 100 + rng.below(300) } else { rng.below(60) };
    let applied = eighty.max(today - Duration::days(5 * 365)) + Duration::days(delay as i64);
    if applied > until || rng.chance(8) {
        return Ok(());
    }
    let input = ApplyInput {
        applied_on: applied.to_string(),
        account_kind: Some(rng.pick(&["社保卡", "银行卡"]).to_string()),
        account: Some(format!("622202{:013}", rng.next() % 10_000_000_000_000)),
        bank: Some(rng.pick(&["工商银行", "农商银行", "邮储银行"]).to_string()),
    };
    let id = apply_in(w, elderly_id, &input, today)?;
    let event = |action: &str, date: NaiveDate, reason: Option<&str>| EventInput {
        action: action.into(),
        date: date.to_string(),
        reason: reason.map(String::from),
    };
    let days = (until - applied).num_days() as usize + 1;
    let roll = rng.below(100);
    if roll < 7 {
        let suspended = applied + Duration::days(rng.below(days) as i64);
        record_in(w, &id, &event("suspend", suspended, Some("未按期生存认证")), today)?;
        let resumed = suspended + Duration::days(30 + rng.below(120) as i64);
        if rng.chance(60) && resumed <= until {
            record_in(w, &id, &event("survival_check", resumed, None), today)?;
            record_in(w, &id, &event("resume", resumed, Some("已完成生存认证")), today)?;
        }
    } else if roll < 10 {
        let on = applied + Duration::days(rng.below(days) as i64);
        record_in(w, &id, &event("stop", on, Some(*rng.pick(&["自愿放弃", "重复享受", "资格取消"]))), today)?;
    } else if rng.chance(85) {
        let mut anniversary = applied;
        while let Some(next) = anniversary.checked_add_months(chrono::Months::new(12)).filter(|n| *n <= until) {
            anniversary = next;
        }
        if anniversary > applied {
            let on = (anniversary - Duration::days(rng.below(20) as i64)).max(applied);
            record_in(w, &id, &event("survival_check", on, None), today)?;
        }
    }
    Ok(())
}

/// 政府购买居家养老服务: three providers under contract, and the hours a
/// month each care level is entitled to (example figures, a raise in 2026).
fn care_providers(w: &mut crate::store::WriteTx) -> Result<Vec<String>> {
    for (level, hours) in
        [("轻度失能", "2024-01:10;2026-01:12"), ("中度失能", "2024-01:20"), ("重度失能", "2024-01:30")]
    {
        crate::settings::set_in(w, &format!("elderly.care.hours.{level}"), hours)?;
    }
    let mut ids = Vec::new();
    for (name, price) in [("康乐居家养老服务中心", "40"), ("安馨家政服务有限公司", "35"), ("夕阳红助老服务社", "38.5")]
    {
        let input = crate::elderly::homecare::ProviderInput {
            name: name.into(),
            contact: Some("王经理".into()),
            phone: Some("010-65001234".into()),
            contract_from: Some("2024-01-01".into()),
            contract_to: Some("2027-12-31".into()),
            price: price.into(),
            notes: None,
        };
        ids.push(crate::elderly::homecare::record_provider(w, &input)?);
    }
    Ok(ids)
}

/// A person assessed within the last two years, served by one provider (now
/// and then a second) once or twice a month since, some months beyond
/// the entitlement.
fn purchased_care(
    w: &mut crate::store::WriteTx,
    rng: &mut Rng,
    elderly_id: &str,
    providers: &[String],
    today: NaiveDate,
) -> Result<()> {
    use crate::elderly::homecare::{record_entitlement, EntitlementInput, LEVELS};
    let assessed = today - Duration::days(rng.below(730) as i64);
    let from = assessed.with_day(1).expect("day 1");
    let input = EntitlementInput {
        level: LEVELS[if rng.chance(10) { 0 } else { 1 + rng.below(3) }].into(),
        assessed_on: assessed.to_string(),
        from_month: from.format("%Y-%m").to_string(),
        notes: None,
    };
    record_entitlement(w, elderly_id, &input, today)?;
    let provider = rng.pick(providers).clone();
    let mut month = from;
    while month <= today {
        for _ in 0..1 + rng.below(2) {
            let day = month + Duration::days(rng.below(28) as i64);
            if day > today {
                continue;
            }
            let by = if rng.chance(10) { rng.pick(providers).clone() } else { provider.clone() };
            let service = ServiceInput {
                date: day.to_string(),
                service_type: rng.pick(&["日常照料", "生活保障"]).to_string(),
                paid: "无偿".into(),
                hours: Some(format!("{}", 2 + rng.below(12))),
                provider_id: Some(by),
                ..Default::default()
            };
            record_service(w, elderly_id, &service, today)?;
        }
        month = month.checked_add_months(chrono::Months::new(1)).expect("a month later");
    }
    Ok(())
}

/// One case in three ends in an oral agreement.
fn rng_oral(n: usize) -> bool {
    n.is_multiple_of(3)
}

fn days_ago(rng: &mut Rng, today: NaiveDate, max: usize) -> String {
    (today - Duration::days(rng.below(max) as i64)).to_string()
}

fn elderly_input(rng: &mut Rng, person: PersonInput, today: NaiveDate) -> ElderlyInput {
    let mut kinds = Vec::new();
    for (kind, pct) in [("独居", 15), ("困难", 10), ("残疾", 8), ("有特殊贡献", 2)] {
        if rng.chance(pct) {
            kinds.push(kind.to_string());
        }
    }
    let disabled = kinds.iter().any(|k| k == "残疾");
    let mut input = ElderlyInput {
        person,
        sanwu: rng.chance(1),
        enterprise_retiree: rng.chance(30),
        living_arrangement: Some(
            if kinds.iter().any(|k| k == "独居") { "独居" } else { *rng.pick(&["空巢", "与子女同住"]) }.into(),
        ),
        economic_status: Some(if kinds.iter().any(|k| k == "困难") { "低保" } else { "一般" }.into()),
        disability_type: disabled.then(|| rng.pick(&["肢体残疾", "视力残疾", "听力残疾"]).to_string()),
        disability_grade: disabled.then(|| rng.pick(&["一级", "二级", "三级", "四级"]).to_string()),
        health_notes: Some(rng.pick(&["良好", "高血压", "糖尿病", "行动不便", "失能", "轻度失智"]).to_string()),
        emergency_name: Some(format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))),
        emergency_phone: Some(format!("139{:08}", rng.next() % 100_000_000)),
        emergency_relation: Some(rng.pick(&["子女", "配偶", "亲属", "邻居"]).to_string()),
        care_mode: Some(rng.pick(&["居家", "居家", "居家", "社区", "机构"]).to_string()),
        kinds,
        registered_on: Some(days_ago(rng, today, 1500)),
        ..Default::default()
    };
    // The health note's 失能 or 失智 is a risk factor (no draw of its own:
    // the demo stays the street it was).
    let risk = match input.health_notes.as_deref() {
        Some("失能") => Some("失能"),
        Some("轻度失智") => Some("失智"),
        _ => None,
    };
    input.risk_factors = risk.into_iter().map(String::from).collect();
    input
}

/// Most persons ticked 困难 get a 低保 (or now and then 特困) record and most
/// ticked 残疾 a 残疾证 matching their type and grade, some with a subsidy;
/// one in ten is left without, so the demo shows the 无记录 flag.
fn assistance(
    w: &mut WriteTx,
    rng: &mut Rng,
    elderly_id: &str,
    input: &ElderlyInput,
    id_number: &str,
    today: NaiveDate,
) -> Result<()> {
    use crate::elderly::assistance::{record, AssistanceInput};
    let has = |k: &str| input.kinds.iter().any(|x| x == k);
    let base = AssistanceInput { status: "在享".into(), ..Default::default() };
    if has("困难") && !rng.chance(10) {
        let a = if rng.chance(15) {
            AssistanceInput {
                kind: "特困".into(),
                support_mode: Some(rng.pick(&["集中供养", "分散供养"]).to_string()),
                self_care: Some(rng.pick(&crate::elderly::assistance::SELF_CARE).to_string()),
                ..base.clone()
            }
        } else {
            AssistanceInput {
                kind: "低保".into(),
                cert_no: Some(format!("DB{}{:05}", today.format("%Y"), rng.below(100_000))),
                persons: Some((1 + rng.below(3)).to_string()),
                amount: Some((600 + rng.below(900)).to_string()),
                ..base.clone()
            }
        };
        record(w, elderly_id, &a, today)?;
    }
    if has("残疾") && !rng.chance(10) {
        let code = |v: &Option<String>, list: &[&str]| v.as_deref().and_then(|v| list.iter().position(|x| *x == v));
        let types = ["视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"];
        let grades = ["一级", "二级", "三级", "四级"];
        if let (Some(t), Some(g)) = (code(&input.disability_type, &types), code(&input.disability_grade, &grades)) {
            let cert = format!("{id_number}{}{}", t + 1, g + 1);
            record(
                w,
                elderly_id,
                &AssistanceInput { kind: "残疾证".into(), cert_no: Some(cert), ..base.clone() },
                today,
            )?;
            if g < 2 && rng.chance(60) {
                let care =
                    AssistanceInput {
                        kind: "重度残疾人护理补贴".into(), amount: Some("100".into()), ..base.clone()
                    };
                record(w, elderly_id, &care, today)?;
            }
        }
    }
    Ok(())
}

fn service(rng: &mut Rng, today: NaiveDate) -> ServiceInput {
    let paid = rng.chance(40);
    ServiceInput {
        date: days_ago(rng, today, 365),
        service_type: rng.pick(&["生活保障", "日常照料", "心理慰藉", "代办代购"]).to_string(),
        paid: if paid { "低偿" } else { "无偿" }.into(),
        charge: paid.then(|| format!("{}", 5 + rng.below(60))),
        provider: Some(rng.pick(&["社区服务站", "志愿者", "居家养老服务中心"]).to_string()),
        hours: Some(format!("{}", 1 + rng.below(3))),
        notes: None,
        ..Default::default()
    }
}

/// The last 重阳节 慰问 (in October: the festival moves with the lunar
/// calendar) before `today`.
fn double_ninth(rng: &mut Rng, today: NaiveDate) -> CondolenceInput {
    let year = if today.month() >= 11 { today.year() } else { today.year() - 1 };
    let date = NaiveDate::from_ymd_opt(year, 10, 1 + rng.below(28) as u32).expect("a day of October");
    let (gift, amount) = *rng.pick(&[(Some("米、油"), None), (Some("慰问品"), Some("200")), (None, Some("300"))]);
    CondolenceInput {
        kind: crate::elderly::condolence::DOUBLE_NINTH.into(),
        date: date.to_string(),
        gift: gift.map(String::from),
        amount: amount.map(String::from),
        staff: "社区工作人员".into(),
        notes: None,
    }
}

fn call(rng: &mut Rng, today: NaiveDate) -> CallInput {
    let (result, action) = *rng.pick(&[
        ("正常", None),
        ("正常", None),
        ("正常", None),
        ("未接", Some("次日再拨，已接通")),
        ("异常", Some("身体不适，已联系子女陪同就医")),
    ]);
    CallInput {
        date: days_ago(rng, today, 180),
        caller: format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)),
        result: result.into(),
        action: action.map(String::from),
    }
}

fn visit(rng: &mut Rng, today: NaiveDate) -> VisitInput {
    VisitInput {
        date: days_ago(rng, today, 365),
        visitor: format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)),
        way: rng.pick(&["入户", "入户", "电话"]).to_string(),
        health: Some(rng.pick(&["身体状况稳定", "血压偏高", "行动不便"]).to_string()),
        economy: Some("基本生活有保障".into()),
        family_support: Some(rng.pick(&["子女常来探望", "子女在外地", "无子女"]).to_string()),
        home_safety: Some(rng.pick(&["无隐患", "燃气需检查", "地面湿滑"]).to_string()),
        needs: Some(rng.pick(&["无", "希望有人代购", "需要助浴"]).to_string()),
    }
}
