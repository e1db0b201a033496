//! The first start on an empty data folder: the demo to look around in,
//! marked on every page, refused any sync, and gone with its files when left;
//! then the real office, its administrator and the sync step.
use fantoccini::Locator;
use street_ledger::firstrun;
use street_ledger::store::Store;
use street_ledger::sync;
use tempfile::TempDir;

use crate::harness::{store, App, PASSWORD};

const KEY: &str = "tongbu-mima-2024";

#[tokio::test]
async fn first_start_offers_the_demo_then_sets_up_the_office_and_its_sync() {
    let app = App::start(TempDir::new().unwrap()).await;
    let data = app.data_path();
    app.find("#setup-form").await;
    app.text_with("#demo-offer", "不会同步到其他电脑").await;
    app.screenshot("firstrun-1-setup").await;

    // The demo: its own folder, its administrator logged in, the banner.
    app.click("#demo-enter").await;
    app.text_with("#demo-banner", "演示数据 · 不是真实记录").await;
    app.text_with("#office-name", "示例街道").await;
    let banner = app.text_with("#demo-banner", "admin").await;
    assert!(banner.contains("demo1234") && banner.contains("退出演示并删除演示数据"), "{banner}");
    let total = app.text_with("#roster-total", "共").await;
    assert_ne!(total, "共 0 人");
    assert_eq!(app.rows("#roster-table").await.len(), 50);
    app.screenshot("firstrun-2-demo-banner").await;
    assert!(firstrun::has_demo(&data));
    app.go("#/mediation").await;
    app.text_with("#med-table tbody", "示例街道人调字").await;
    app.text_with("#demo-banner", "演示数据 · 不是真实记录").await;

    // Nothing of the demo leaves this PC.
    app.go("#/sync").await;
    app.click("#sync-now").await;
    app.text_with("#sync-result", "现在打开的是演示数据，不能同步").await;

    // Leaving deletes the demo and comes back to the real first-run page.
    app.click("#demo-leave").await;
    app.find("#setup-form").await;
    assert!(!firstrun::demo_dir(&data).exists(), "the demo folder is deleted");
    assert!(app.client.find(Locator::Css("#demo-banner")).await.is_err(), "no banner on the real database");

    // The real office, its administrator, then the sync step.
    app.type_into("#setup-office", "和平街道").await;
    app.type_into("#setup-communities", "和平社区\u{E007}建设社区").await;
    app.type_into("#setup-display", "王主任").await;
    app.type_into("#setup-password", PASSWORD).await;
    app.type_into("#setup-password2", PASSWORD).await;
    app.click("#setup-submit").await;
    app.find("#sync-step-form").await;
    let share = TempDir::new().unwrap();
    let folder = share.path().display().to_string();
    app.type_into("#sync-step-folder", &folder).await;
    app.type_into("#sync-step-key", KEY).await;
    app.type_into("#sync-step-key2", "tongbu-mima-2025").await;
    app.click("#sync-step-save").await;
    app.text_with(".field-error[data-for=key_again]", "两次输入的同步密钥不一致").await;
    app.type_into("#sync-step-key2", KEY).await;
    app.screenshot("firstrun-3-sync-step").await;
    app.click("#sync-step-save").await;
    app.text_with("#roster-total", "共 0 人").await;
    app.text_with("#office-name", "和平街道").await;

    app.go("#/sync").await;
    app.find("#sync-settings-form").await;
    assert_eq!(app.value("#sync-folder").await, folder);
    assert!(app.attr("#sync-key", "placeholder").await.contains("已设置"));
    let dir = app.stop().await;
    let config = sync::config(store(dir.path()).conn()).unwrap();
    assert_eq!((config.folder.as_deref(), config.key_set), (Some(folder.as_str()), true));
}

#[tokio::test]
async fn a_demo_left_open_when_the_app_closed_opens_again_with_its_banner() {
    let dir = TempDir::new().unwrap();
    let real = Store::open_dir(dir.path()).unwrap();
    drop(firstrun::open_demo(&real, chrono::Local::now().date_naive()).unwrap());
    drop(real);

    let app = App::start(dir).await;
    app.text_with("#demo-banner", "演示数据 · 不是真实记录").await;
    let login = firstrun::demo_login();
    app.login(login.username, login.password).await;
    app.text_with("#user-name", "演示管理员").await;
    app.go("#/backups").await;
    app.find("#backups-table").await;
    app.text_with("#demo-banner", "演示数据 · 不是真实记录").await;
    app.click("#demo-leave").await;
    app.find("#setup-form").await;
    let dir = app.stop().await;
    assert!(!firstrun::demo_dir(dir.path()).exists());
}
