//! Desktop end-to-end tests: the real app, driven as a user would, each on a
//! data folder of its own. `cargo xtask test` runs them under Xvfb.
mod dictionaries;
mod elderly_allowance;
mod elderly_assistance;
mod elderly_care;
mod elderly_lists;
mod elderly_visits;
mod employment;
mod firstrun;
mod harness;
mod latency;
mod mediation;
mod mediation_procedures;
mod mediation_work;
mod reports;
mod sync;

use chrono::NaiveDate;
use harness::{office_dir, store, App, PASSWORD};
use street_ledger::access::Actor;
use street_ledger::access::Role;
use street_ledger::accounts::{self, NewAccount};
use street_ledger::elderly::care::{add_service, ServiceInput};
use street_ledger::elderly::roster::{list, RosterQuery};
use street_ledger::elderly::{self, ElderlyInput};
use street_ledger::person::PersonInput;

const ZENG_ID: &str = "11010519491231002X";

/// A valid ID number of someone born on the given day.
fn id_born(y: i32, m: u32, d: u32, seq: u16) -> String {
    street_ledger::idcard::compose("110105", NaiveDate::from_ymd_opt(y, m, d).unwrap(), seq).to_string()
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Puts a person on the roster through the core, as an earlier session would.
fn seed_elderly(dir: &std::path::Path, name: &str, id_number: &str) -> String {
    seed_elderly_in(dir, name, id_number, 0)
}

/// ... in the office's `community`-th community (0: 和平社区, 1: 建设社区).
fn seed_elderly_in(dir: &std::path::Path, name: &str, id_number: &str, community: usize) -> String {
    let mut s = store(dir);
    let community = street_ledger::office::communities(s.conn()).unwrap()[community].id.clone();
    let input = ElderlyInput {
        person: PersonInput {
            name: name.into(),
            id_number: Some(id_number.into()),
            phone: Some("13812345678".into()),
            community_id: Some(community),
            ..Default::default()
        },
        kinds: vec!["独居".into()],
        ..Default::default()
    };
    elderly::register(&mut s, &Actor::admin("测试"), &input, today()).unwrap()
}

/// The log entries an office set up by `office_dir` starts with.
fn count_after_setup() -> i64 {
    count(office_dir().path(), "change_log")
}

fn count(dir: &std::path::Path, table: &str) -> i64 {
    store(dir).conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn first_start_asks_for_the_office_then_opens_the_roster() {
    let app = App::start(tempfile::TempDir::new().unwrap()).await;
    app.find("#setup-form").await;
    app.screenshot("01-setup").await;
    app.click("#setup-submit").await;
    app.text_with(".field-error[data-for=office_name]", "请填写街道名称").await;
    app.type_into("#setup-office", "和平街道").await;
    app.type_into("#setup-communities", "和平社区\u{E007}建设社区\u{E007}光明社区").await;
    app.type_into("#setup-display", "王主任").await;
    app.type_into("#setup-password", PASSWORD).await;
    app.type_into("#setup-password2", PASSWORD).await;
    app.click("#setup-submit").await;
    app.click("#sync-step-skip").await;
    app.text_with("#roster-total", "共 0 人").await;
    app.text_with("#office-name", "和平街道").await;
    let communities = app.find("#roster-community").await.text().await.unwrap();
    assert!(communities.contains("光明社区"), "{communities}");
    app.screenshot("02-roster-empty").await;
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "community"), 3);
}

#[tokio::test]
async fn registering_from_an_id_number_shows_the_derived_sex_and_age() {
    let app = App::start_as(office_dir(), "admin", PASSWORD).await;
    app.click("#roster-new").await;
    let id = id_born(1940, 3, 2, 2);
    app.type_into("#id-number", &id).await;
    let age = street_ledger::idcard::IdNumber::parse(&id).unwrap().age_on(today());
    let derived = app.text_with("#derived", "1940-03-02").await;
    assert!(derived.contains("女") && derived.contains(&format!("{age}岁")), "{derived}");
    app.type_into("#name", "张秀英").await;
    app.select("#elderly-form select[name=community_id]", "建设社区").await;
    app.click("#elderly-form input[value=独居]").await;
    app.screenshot("03-register-form").await;
    app.click("#elderly-submit").await;
    app.text_with("#person-name", "张秀英").await;
    let tags = app.find(".kinds").await.text().await.unwrap();
    assert!(tags.contains("独居") && tags.contains("高龄"), "{tags}");
    app.screenshot("04-person-page").await;
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "elderly"), 1);
}

#[tokio::test]
async fn a_bad_id_number_is_refused_in_chinese_and_nothing_is_written() {
    let app = App::start_as(office_dir(), "admin", PASSWORD).await;
    app.go("#/roster/new").await;
    app.type_into("#id-number", "110105194912310021").await;
    app.text_with(".field-error[data-for=id_number]", "校验位").await;
    app.type_into("#name", "李四").await;
    app.select("#elderly-form select[name=community_id]", "和平社区").await;
    app.click("#elderly-submit").await;
    app.text_with(".field-error[data-for=id_number]", "身份证号校验位不对").await;
    app.screenshot("05-bad-id").await;
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "person"), 0);
    assert_eq!(count(dir.path(), "elderly"), 0);
    assert_eq!(count(dir.path(), "change_log"), count_after_setup());
}

#[tokio::test]
async fn a_service_and_a_visit_are_recorded_for_a_person_found_by_initials() {
    let dir = office_dir();
    seed_elderly(dir.path(), "曾国藩", ZENG_ID);
    seed_elderly(dir.path(), "张三", &id_born(1945, 1, 1, 1));
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.type_into("#roster-search", "zgf").await;
    app.text_with("#roster-total", "共 1 人").await;
    app.text_with("#roster-table tbody", "曾国藩").await;
    app.click("#roster-table tbody tr td.name").await;
    app.text_with("#person-name", "曾国藩").await;

    app.click("button[data-tab=services]").await;
    app.select("#service-form select[name=service_type]", "日常照料").await;
    app.select("#service-form select[name=paid]", "低偿").await;
    app.type_into("#service-form input[name=charge]", "12.5").await;
    app.type_into("#service-form input[name=provider]", "社区服务站").await;
    app.click("#service-submit").await;
    app.text_with("#service-table tbody", "12.50").await;

    app.click("button[data-tab=visits]").await;
    app.type_into("#visit-form input[name=visitor]", "王社工").await;
    app.type_into("#visit-form input[name=needs]", "希望有人代购").await;
    app.click("#visit-submit").await;
    app.text_with("#visit-table tbody", "王社工").await;
    app.screenshot("06-visits").await;
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "elderly_service"), 1);
    assert_eq!(count(dir.path(), "elderly_visit"), 1);
}

#[tokio::test]
async fn a_death_takes_the_person_off_the_active_list_but_keeps_the_history() {
    let dir = office_dir();
    let id = seed_elderly(dir.path(), "王伟", ZENG_ID);
    let service = ServiceInput {
        date: today().to_string(),
        service_type: "代办代购".into(),
        paid: "无偿".into(),
        ..Default::default()
    };
    add_service(&mut store(dir.path()), &Actor::admin("测试"), &id, &service, today()).unwrap();
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.text_with("#roster-total", "共 1 人").await;
    app.click("#roster-table tbody tr td.name").await;
    app.select("#status-form select[name=status]", "去世").await;
    app.click("#status-submit").await;
    app.text_with("#person-status", "去世").await;

    app.go("#/roster").await;
    app.text_with("#roster-total", "共 0 人").await;
    app.select("#roster-status", "去世").await;
    app.text_with("#roster-table tbody", "王伟").await;
    app.click("#roster-table tbody tr td.name").await;
    app.click("button[data-tab=services]").await;
    app.text_with("#service-table tbody", "代办代购").await;
    assert!(app.client.find(fantoccini::Locator::Css("#service-form")).await.is_err(), "no new services after death");
    let dir = app.stop().await;
    let active = list(store(dir.path()).conn(), &Actor::admin("测试"), &RosterQuery::default(), today()).unwrap();
    assert_eq!(active.total, 0);
}

#[tokio::test]
async fn a_whole_street_fits_the_office_screen() {
    let dir = tempfile::TempDir::new().unwrap();
    let spec = street_ledger::demo::DemoSpec { persons: 3000, ..street_ledger::demo::DemoSpec::street(today()) };
    street_ledger::demo::generate(&mut store(dir.path()), &Actor::admin("测试"), &spec).unwrap();
    let expected =
        list(store(dir.path()).conn(), &Actor::admin("测试"), &RosterQuery::default(), today()).unwrap().total;
    let app = App::start_as(dir, "admin", street_ledger::demo::DEMO_PASSWORD).await;
    app.text_with("#roster-total", &format!("共 {expected} 人")).await;
    assert_eq!(app.rows("#roster-table").await.len(), 50);
    app.screenshot("07-roster-demo").await;
    app.click("#roster-table tbody tr td.name").await;
    app.find("#person-name").await;
    app.screenshot("08-person-demo").await;
    app.go("#/due").await;
    app.find("#due-table").await;
    app.screenshot("09-due").await;
    app.stop().await;
}

fn add_account(dir: &std::path::Path, username: &str, role: Role, community: Option<String>) {
    let account = NewAccount {
        username: username.into(),
        display_name: format!("{username}姓名"),
        role: role.code().into(),
        community_id: community,
        password: PASSWORD.into(),
    };
    accounts::create(&mut store(dir), &Actor::admin("测试"), &account).unwrap();
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_the_right_one_logs_in() {
    let app = App::start(office_dir()).await;
    app.type_into("#login-username", "admin").await;
    app.type_into("#login-password", "wrong-password").await;
    app.click("#login-submit").await;
    app.text_with("#login-form .form-error", "用户名或密码不对").await;
    app.screenshot("10-login-refused").await;
    app.login("admin", PASSWORD).await;
    app.text_with("#user-name", "王主任").await;
    let dir = app.stop().await;
    let failures: i64 = store(dir.path())
        .conn()
        .query_row("SELECT count(*) FROM audit_event WHERE action = 'login_failed'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(failures, 1);
}

#[tokio::test]
async fn an_idle_window_locks_itself_and_unlocks_with_the_password() {
    let dir = office_dir();
    street_ledger::settings::set(&mut store(dir.path()), &Actor::admin("测试"), "security.idle_minutes", "1").unwrap();
    // A minute of the idle lock lasts 3 seconds here.
    let app = App::start_env(dir, &[("STREET_LEDGER_MINUTE_SECONDS", "3")]).await;
    app.login("admin", PASSWORD).await;
    app.find("#roster-table").await;
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    app.find("#lock-form").await;
    app.screenshot("11-locked").await;
    app.type_into("#unlock-password", PASSWORD).await;
    app.click("#unlock-submit").await;
    app.find("#roster-table").await;
    let dir = app.stop().await;
    let locks: i64 = store(dir.path())
        .conn()
        .query_row("SELECT count(*) FROM audit_event WHERE action = 'idle_lock'", [], |r| r.get(0))
        .unwrap();
    assert!(locks >= 1);
}

#[tokio::test]
async fn an_idle_time_of_0_or_1e300_left_in_the_database_is_shown_as_a_warning_and_the_default_applies() {
    for bad in ["0", "1e300"] {
        let dir = office_dir();
        // Written past the settings' checks, as 0.2.0 or a bad sync left it
        // (0 locked at every call, 1e300 made every command panic): by
        // another program, since the app's own connections cannot.
        drop(store(dir.path()));
        rusqlite::Connection::open(dir.path().join(street_ledger::store::DB_FILE))
            .unwrap()
            .execute("UPDATE setting SET value = ?1 WHERE key = 'security.idle_minutes'", [bad])
            .unwrap();
        let app = App::start_as(dir, "admin", PASSWORD).await;
        app.find("#roster-table").await;
        app.go("#/settings").await;
        let row = "#settings-table tr[data-key='security.idle_minutes']";
        app.text_with(&format!("{row} .setting-warning"), &format!("保存的值“{bad}”不可用")).await;
        app.text_with(&format!("{row} .setting-warning"), "现按默认值15执行").await;
        if bad == "0" {
            app.screenshot("15a-settings-bad-value").await;
        }
        // The window answers and stays unlocked: the default 15 minutes apply.
        app.go("#/roster").await;
        app.find("#roster-table").await;
        assert!(app.client.find(fantoccini::Locator::Css("#lock-form")).await.is_err(), "locked with {bad}");
        app.go("#/settings").await;
        app.type_into(&format!("{row} input"), "20").await;
        app.click(&format!("{row} button")).await;
        app.text_with("#toast", "已保存").await;
        let dir = app.stop().await;
        assert_eq!(street_ledger::settings::idle_lock(store(dir.path()).conn()).as_secs(), 20 * 60);
    }
}

#[tokio::test]
async fn a_community_worker_sees_only_their_community() {
    let dir = office_dir();
    let communities = street_ledger::office::communities(store(dir.path()).conn()).unwrap();
    seed_elderly(dir.path(), "曾国藩", ZENG_ID);
    let other = seed_elderly_in(dir.path(), "李建设", &id_born(1944, 4, 4, 3), 1);
    add_account(dir.path(), "heping", Role::CommunityStaff, Some(communities[0].id.clone()));
    let app = App::start_as(dir, "heping", PASSWORD).await;
    app.text_with("#roster-total", "共 1 人").await;
    let rows = app.rows("#roster-table").await;
    assert!(rows[0].contains("曾国藩") && !rows.iter().any(|r| r.contains("李建设")), "{rows:?}");
    app.screenshot("12-community-worker").await;
    app.go(&format!("#/elderly/{other}")).await;
    app.text_with(".error-box", "无权限").await;
    app.stop().await;
}

#[tokio::test]
async fn a_backup_restored_brings_the_roster_back_to_that_moment() {
    let dir = office_dir();
    seed_elderly(dir.path(), "曾国藩", ZENG_ID);
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.go("#/backups").await;
    // The automatic backup at start may be listed already: the click's own
    // backup is done when the list shows one more.
    app.find("#backups-table").await;
    let listed = backups_listed(&app).await;
    app.click("#backup-now").await;
    let started = std::time::Instant::now();
    while backups_listed(&app).await <= listed {
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "the backup made now was never listed");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Someone registers a second person after the backup.
    let data = app.data_path();
    seed_elderly(&data, "李建设", &id_born(1944, 4, 4, 3));
    app.go("#/roster").await;
    app.text_with("#roster-total", "共 2 人").await;

    app.go("#/backups").await;
    app.click("#backups-table tbody tr button").await;
    app.click(".confirm-restore").await;
    app.login("admin", PASSWORD).await;
    app.text_with("#roster-total", "共 1 人").await;
    app.go("#/backups").await;
    app.find("#kept-table").await;
    app.screenshot("13-backups").await;
    let dir = app.stop().await;
    assert_eq!(count(dir.path(), "elderly"), 1);
    let restores: i64 = store(dir.path())
        .conn()
        .query_row("SELECT count(*) FROM audit_event WHERE action = 'restore'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(restores, 1);
}

/// How many backups the 备份与恢复 page lists (its placeholder row is none),
/// read in one go: the page may be redrawn meanwhile.
async fn backups_listed(app: &App) -> u64 {
    let script = "return [...document.querySelectorAll('#backups-table tbody tr')]
        .filter((tr) => tr.textContent.includes('street-ledger-')).length";
    app.client.execute(script, vec![]).await.unwrap().as_u64().unwrap()
}

#[tokio::test]
async fn showing_a_full_id_number_is_recorded_in_the_audit_page() {
    let dir = office_dir();
    seed_elderly(dir.path(), "曾国藩", ZENG_ID);
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.click("#roster-table tbody tr td.name").await;
    app.text_with("#id-number-shown", "********").await;
    app.click("#reveal").await;
    app.text_with("#id-number-shown", ZENG_ID).await;
    app.go("#/audit").await;
    app.text_with("#audit-table tbody", "查看完整信息").await;
    let first = app.rows("#audit-table").await.remove(0);
    assert!(first.contains("查看完整信息") && first.contains("曾国藩") && !first.contains(ZENG_ID), "{first}");
    app.screenshot("14-audit").await;
    app.stop().await;
}

#[tokio::test]
async fn an_administrator_lowers_the_advanced_age_threshold_in_the_settings() {
    let dir = office_dir();
    let id = seed_elderly(dir.path(), "曾国藩", ZENG_ID);
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.go("#/settings").await;
    app.type_into("#settings-table tr[data-key='elderly.high_age_threshold'] input", "70").await;
    app.click("#settings-table tr[data-key='elderly.high_age_threshold'] button").await;
    app.text_with("#toast", "已保存").await;
    app.screenshot("15-settings").await;
    app.go(&format!("#/elderly/{id}")).await;
    app.text_with(".kinds", "高龄").await;
    app.stop().await;
}

#[tokio::test]
async fn an_administrator_disables_an_account_and_it_can_no_longer_log_in() {
    let dir = office_dir();
    add_account(dir.path(), "lisi", Role::StreetStaff, None);
    let app = App::start_as(dir, "admin", PASSWORD).await;
    app.go("#/accounts").await;
    app.text_with("#accounts-table tbody", "lisi").await;
    let rows = app.client.find_all(fantoccini::Locator::Css("#accounts-table tbody tr")).await.unwrap();
    let mut lisi = None;
    for r in rows {
        if r.text().await.unwrap().contains("lisi") {
            lisi = Some(r);
        }
    }
    let lisi = lisi.expect("lisi's row");
    lisi.find(fantoccini::Locator::Css("button")).await.unwrap().click().await.unwrap();
    app.click("#accounts-table input[type=checkbox]").await;
    app.click("#accounts-table button.primary").await;
    app.text_with("#accounts-table tbody", "停用").await;
    app.screenshot("16-accounts").await;
    app.click("#logout").await;
    app.type_into("#login-username", "lisi").await;
    app.type_into("#login-password", PASSWORD).await;
    app.click("#login-submit").await;
    app.text_with("#login-form .form-error", "已停用").await;
    app.stop().await;
}

#[tokio::test]
async fn f1_opens_the_help_for_the_page_on_screen() {
    let app = App::start_as(office_dir(), "admin", PASSWORD).await;
    app.click("#roster-new").await;
    app.find("#id-number").await.send_keys("\u{E031}").await.unwrap(); // F1
    app.text_with("#help-register", "先输入身份证号").await;
    app.screenshot("17-help").await;
    app.go("#/about").await;
    app.text_with(".facts", "backups").await;
    app.stop().await;
}
