//! Sync between two office PCs through one shared folder: two real apps, each
//! on a data folder of its own, set up, joined and reconciled through the UI.
use std::path::Path;

use street_ledger::access::Actor;
use street_ledger::sync;
use tempfile::TempDir;

use super::{seed_elderly, ZENG_ID};
use crate::harness::{office_dir, store, App, PASSWORD};

const KEY: &str = "tongbu-mima-2024";

/// Runs 立即同步 on the sync page and returns the result it shows.
async fn sync_now(app: &App) -> String {
    app.go("#/roster").await;
    app.find("#roster-table").await;
    app.go("#/sync").await;
    app.click("#sync-now").await;
    app.text_with("#sync-result", "同步完成").await
}

/// Changes 健康状况 on the person's page, as a user would.
async fn edit_health(app: &App, elderly_id: &str, value: &str) {
    app.go("#/roster").await;
    app.find("#roster-table").await;
    app.go(&format!("#/elderly/{elderly_id}")).await;
    app.click("button[data-tab=edit]").await;
    app.type_into("#elderly-form input[name=health_notes]", value).await;
    app.click("#elderly-submit").await;
    app.text_with("dl.facts", value).await;
}

async fn health_shown(app: &App, elderly_id: &str, value: &str) {
    app.go("#/roster").await;
    app.find("#roster-table").await;
    app.go(&format!("#/elderly/{elderly_id}")).await;
    app.text_with("dl.facts", value).await;
}

fn health_in(dir: &Path, elderly_id: &str) -> Option<String> {
    store(dir).conn().query_row("SELECT health_notes FROM elderly WHERE id = ?1", [elderly_id], |r| r.get(0)).unwrap()
}

fn conflicts_in(dir: &Path) -> i64 {
    store(dir).conn().query_row("SELECT count(*) FROM sync_conflict", [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn two_pcs_join_sync_and_settle_a_conflict_through_one_folder() {
    let dir_a = office_dir();
    let elderly_id = seed_elderly(dir_a.path(), "曾国藩", ZENG_ID);
    let share = TempDir::new().unwrap();
    let usb = TempDir::new().unwrap();
    let snapshot = usb.path().join("和平街道快照.slsync");

    // PC A, the office's first PC: sync settings, then a snapshot for B.
    let a = App::start_as(dir_a, "admin", PASSWORD).await;
    a.go("#/sync").await;
    a.find("#sync-settings-form").await;
    a.text_with(".notice", "请先在下方").await;
    a.type_into("#sync-pc-name", "街道办一号机").await;
    a.type_into("#sync-folder", "/no/such/folder").await;
    a.type_into("#sync-key", KEY).await;
    a.click("#sync-save").await;
    a.text_with(".field-error[data-for=folder]", "不存在").await;
    a.type_into("#sync-folder", &share.path().display().to_string()).await;
    a.type_into("#sync-key", KEY).await;
    a.click("#sync-save").await;
    a.text_with("#toast", "同步设置已保存").await;
    // The page drawn anew with the key set (not the form as it was sent).
    a.attr_with("#sync-key", "placeholder", "已设置").await;
    a.find("#snapshot-card").await;
    assert_eq!(a.value("#sync-key").await, "", "the key is never shown back");
    a.type_into("#snapshot-path", &snapshot.display().to_string()).await;
    a.click("#make-snapshot").await;
    a.text_with("#snapshot-result", "快照已生成").await;
    assert!(snapshot.is_file());

    // PC B, a new PC: joins from the snapshot on its first start.
    let b = App::start(TempDir::new().unwrap()).await;
    b.find("#setup-form").await;
    b.click("#setup-join-tab").await;
    b.type_into("#join-path", &snapshot.display().to_string()).await;
    b.type_into("#join-key", "wrong-key-123").await;
    b.type_into("#join-pc-name", "建设社区办公室").await;
    b.click("#join-submit").await;
    b.text_with(".field-error[data-for=passphrase]", "同步密钥不对").await;
    b.type_into("#join-key", KEY).await;
    b.screenshot("18-join-office").await;
    b.click("#join-submit").await;
    b.login("admin", PASSWORD).await;
    b.text_with("#office-name", "和平街道").await;
    b.go("#/sync").await;
    assert!(b.attr("#sync-key", "placeholder").await.contains("已设置"), "the key came with the join");
    assert_eq!(b.value("#sync-pc-name").await, "建设社区办公室");
    b.type_into("#sync-folder", &share.path().display().to_string()).await;
    b.click("#sync-save").await;
    b.text_with("#toast", "同步设置已保存").await;

    // The same field of the same person, changed on both before they sync.
    edit_health(&a, &elderly_id, "高血压").await;
    edit_health(&b, &elderly_id, "糖尿病").await;
    let first = sync_now(&a).await;
    assert!(first.contains("冲突待核0项"), "{first}");
    let second = sync_now(&b).await;
    assert!(second.contains("读入1个同步包") && second.contains("冲突待核1项"), "{second}");
    // The top bar's 同步 button does the same from any page.
    a.go("#/roster").await;
    a.click("#sync-top").await;
    a.text_with("#toast", "冲突待核1项").await;

    // B reviews: both values, with their PCs; keeps A's.
    b.go("#/roster").await;
    b.go("#/sync").await;
    b.text_with("#conflicts h2", "冲突待核（1）").await;
    let card = b.text_with("#conflicts .conflict", "健康状况").await;
    for expected in ["曾国藩", "高血压", "糖尿病", "街道办一号机", "建设社区办公室", "目前使用"]
    {
        assert!(card.contains(expected), "{expected} missing in {card}");
    }
    assert!(!card.contains(ZENG_ID), "{card}");
    b.screenshot("19-sync-conflict").await;
    let row = b.row_with("#conflicts .conflict-values", "高血压").await;
    row.find(fantoccini::Locator::Css("button.pick")).await.unwrap().click().await.unwrap();
    b.find("#no-conflicts").await;
    health_shown(&b, &elderly_id, "高血压").await;

    // The pick travels: B, then A, then B again.
    sync_now(&b).await;
    let settled = sync_now(&a).await;
    assert!(settled.contains("冲突待核0项"), "{settled}");
    a.find("#no-conflicts").await;
    let history = a.rows("#sync-history-table").await;
    assert_eq!(history.len(), 3, "{history:?}");
    assert!(history.iter().all(|r| r.contains("手动") && r.contains("王主任")), "{history:?}");
    a.screenshot("20-sync-page").await;
    sync_now(&b).await;
    b.find("#no-conflicts").await;
    health_shown(&a, &elderly_id, "高血压").await;
    health_shown(&b, &elderly_id, "高血压").await;

    let (dir_a, dir_b) = (a.stop().await, b.stop().await);
    for dir in [&dir_a, &dir_b] {
        assert_eq!(health_in(dir.path(), &elderly_id).as_deref(), Some("高血压"));
        assert_eq!(conflicts_in(dir.path()), 0);
    }
}

#[tokio::test]
async fn sync_runs_by_itself_at_start_and_on_the_timer_and_a_missing_folder_does_not_stop_the_app() {
    let dir = office_dir();
    let share = TempDir::new().unwrap();
    {
        let mut s = store(dir.path());
        let admin = Actor::admin("测试");
        sync::set_folder(&s, &admin, &share.path().display().to_string()).unwrap();
        sync::set_key(&s, &admin, KEY).unwrap();
        street_ledger::settings::set(&mut s, &admin, "sync.every_minutes", "1").unwrap();
        // The window must not lock meanwhile: its minutes are 3 seconds too.
        street_ledger::settings::set(&mut s, &admin, "security.idle_minutes", "240").unwrap();
    }
    // A minute of the timer lasts 3 seconds here.
    let app = App::start_env(dir, &[("STREET_LEDGER_MINUTE_SECONDS", "3")]).await;
    app.login("admin", PASSWORD).await;
    app.go("#/sync").await;
    app.text_with("#sync-history-table tbody", "启动时").await;
    // The page refreshes itself when a timed run ends.
    app.text_with("#sync-history-table tbody", "定时").await;
    assert!(share.path().read_dir().unwrap().count() >= 1, "the package is in the folder");

    // The stick is pulled: the next timed run fails, says so, and the app goes on.
    let path = share.path().to_path_buf();
    std::fs::remove_dir_all(&path).unwrap();
    app.text_with("#sync-last-auto", "不存在或无法访问").await;
    app.screenshot("21-sync-failed").await;
    app.go("#/roster").await;
    app.find("#roster-table").await;
    app.click("#sync-top").await;
    app.text_with("#toast", "不存在或无法访问").await;
    std::fs::create_dir_all(&path).unwrap();
    let dir = app.stop().await;
    let runs = sync::history(store(dir.path()).conn(), 10).unwrap();
    assert!(
        runs.iter().any(|r| r.trigger_kind == "启动时") && runs.iter().any(|r| r.trigger_kind == "定时"),
        "{runs:?}"
    );
}

#[tokio::test]
async fn a_community_worker_syncs_but_neither_changes_the_settings_nor_settles_conflicts() {
    let dir = office_dir();
    let share = TempDir::new().unwrap();
    let community = street_ledger::office::communities(store(dir.path()).conn()).unwrap()[0].id.clone();
    {
        let s = store(dir.path());
        sync::set_folder(&s, &Actor::admin("测试"), &share.path().display().to_string()).unwrap();
        sync::set_key(&s, &Actor::admin("测试"), KEY).unwrap();
    }
    super::add_account(dir.path(), "heping", street_ledger::access::Role::CommunityStaff, Some(community));
    let app = App::start_as(dir, "heping", PASSWORD).await;
    app.go("#/sync").await;
    app.text_with("#conflicts", "由管理员或街道工作人员").await;
    app.text_with(".sync-bottom", "已设置").await;
    let client = &app.client;
    assert!(client.find(fantoccini::Locator::Css("#sync-settings-form")).await.is_err());
    assert!(client.find(fantoccini::Locator::Css("#snapshot-card")).await.is_err());
    assert!(client.find(fantoccini::Locator::Css("#sync-key")).await.is_err());
    let result = sync_now(&app).await;
    assert!(result.contains("写出"), "{result}");
    app.screenshot("22-sync-community-worker").await;
    app.stop().await;
}
