//! `init`, `demo`, `dump` and `check`.
use std::process::ExitCode;

use street_ledger::access::Actor;
use street_ledger::accounts::NewAccount;
use street_ledger::store::Store;
use street_ledger::{check as checks, demo as demos, dump as dumps, office, Error};

use super::{login, password};

pub fn init(store: &mut Store, name: &str, communities: &[String], admin: &str) -> Result<ExitCode, Error> {
    let password = password(&format!("请设置管理员“{admin}”的密码："))?;
    let account =
        NewAccount { username: admin.to_string(), display_name: "管理员".into(), password, ..Default::default() };
    let o = office::setup_with_admin(store, name, communities, &account)?;
    println!(
        "已初始化：{}，{}个社区，管理员登录名“{admin}”。数据库：{}",
        o.name,
        o.communities.len(),
        store.path().display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn demo(
    store: &mut Store,
    office_name: String,
    communities: usize,
    persons: usize,
    seed: u64,
) -> Result<ExitCode, Error> {
    let started = std::time::Instant::now();
    let today = chrono::Local::now().date_naive();
    let spec = demos::DemoSpec { office_name, communities, persons, seed, today };
    let s = demos::generate(store, &Actor::system(), &spec)?;
    println!("演示账号（密码均为 {}）：{}", demos::DEMO_PASSWORD, demos::DEMO_ACCOUNTS.map(|a| a.0).join("、"));
    println!(
        "演示数据已生成：{}名居民，其中{}名老人，{}条服务记录，{}条探访记录；就业援助对象{}人，家庭户{}户（认定零就业家庭{}户），创业担保贷款{}笔；调解案件{}件；用时{:.1}秒",
        s.persons,
        s.elderly,
        s.services,
        s.visits,
        s.cases,
        s.households,
        s.zero_households,
        s.loans,
        s.mediation_cases,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn dump(store: &mut Store, user: Option<&str>) -> Result<ExitCode, Error> {
    let actor = login(store, user)?;
    let v = dumps::dump(store, &actor)?;
    println!("{}", serde_json::to_string_pretty(&v).expect("JSON"));
    Ok(ExitCode::SUCCESS)
}

/// As the OS administrator: no login.
pub fn check(store: &mut Store) -> Result<ExitCode, Error> {
    let r = checks::check(store.conn())?;
    println!("检查了{}条记录、{}条变更日志。", r.records, r.log_entries);
    if !r.ok() {
        for p in &r.problems {
            println!("问题：{p}");
        }
        return Ok(ExitCode::from(1));
    }
    println!("未发现问题。");
    Ok(ExitCode::SUCCESS)
}
