//! The first start: a demo office to look around in, kept in a folder of its
//! own so it never touches the real database and leaves nothing behind, and
//! the guide's sync step, which sets the sync folder and key together.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use street_ledger::accounts;
use street_ledger::firstrun::{self, FirstRunError, DEMO_MARKER};
use street_ledger::store::Store;
use street_ledger::{backup, office, sync, Error};
use tempfile::TempDir;

use crate::support::{clerk, count, is_chinese, new_office, today};

/// A data folder as the app leaves it at first start: the real database
/// opened (so created) and nothing set up yet.
fn first_start() -> (TempDir, Store) {
    crate::support::config_dir();
    let dir = TempDir::new().unwrap();
    let real = Store::open_dir(dir.path()).unwrap();
    (dir, real)
}

/// Every file of the data folder outside the demo folder, with its bytes.
/// SQLite's shared-memory index (`-shm`) is left out: readers write their
/// marks there, and it holds no data.
fn files_outside_demo(data_dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if !path.to_string_lossy().ends_with("-shm") {
                out.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(data_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name() == Some(firstrun::DEMO_DIR.as_ref()) {
            continue;
        }
        if path.is_dir() {
            walk(&path, &mut out);
        } else if !path.to_string_lossy().ends_with("-shm") {
            out.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    out
}

fn code(e: Error) -> String {
    e.payload().code
}

#[test]
fn the_demo_is_a_small_street_in_its_own_folder_and_the_real_database_stays_as_it_was() {
    let (dir, real) = first_start();
    let before = files_outside_demo(dir.path());

    let mut demo = firstrun::open_demo(&real, today()).unwrap();

    assert_eq!(demo.path().parent().unwrap(), firstrun::demo_dir(dir.path()));
    assert!(firstrun::has_demo(dir.path()));
    assert!(dir.path().join(firstrun::DEMO_DIR).join(DEMO_MARKER).is_file());
    assert_eq!(office::get(demo.conn()).unwrap().unwrap().name, "示例街道");
    assert_eq!(count(demo.conn(), "person"), 3000);
    for table in ["elderly", "elderly_service", "employment_case", "household", "mediation_case"] {
        assert!(count(demo.conn(), table) > 0, "the demo has {table} records");
    }
    let login = firstrun::demo_login();
    assert_eq!((login.username, login.password), ("admin", "demo1234"));
    assert!(login.others.contains(&"jiedao（街道工作人员）".to_string()), "{:?}", login.others);
    let admin = accounts::login(&mut demo, login.username, login.password, chrono::Utc::now()).unwrap();
    assert_eq!(admin.role.code(), "admin");

    assert_eq!(office::get(real.conn()).unwrap(), None, "the real office is still to be set up");
    assert_eq!(files_outside_demo(dir.path()), before, "nothing outside the demo folder changed");
}

#[test]
fn a_demo_left_open_when_the_app_closed_is_opened_again_as_it_was() {
    let (_dir, real) = first_start();
    let demo = firstrun::open_demo(&real, today()).unwrap();
    let (installation, changes) = (demo.installation_id().to_string(), count(demo.conn(), "change_log"));
    drop(demo);

    let again = firstrun::open_demo(&real, today()).unwrap();
    assert_eq!(again.installation_id(), installation);
    assert_eq!(count(again.conn(), "change_log"), changes, "not made a second time");
}

#[test]
fn a_demo_cut_short_while_it_was_being_made_is_made_again() {
    let (dir, real) = first_start();
    let demo_dir = firstrun::demo_dir(dir.path());
    std::fs::create_dir_all(&demo_dir).unwrap();
    std::fs::write(demo_dir.join("street-ledger.db"), b"half a database").unwrap();
    assert!(!firstrun::has_demo(dir.path()), "no marker: not a demo to open");

    let demo = firstrun::open_demo(&real, today()).unwrap();
    assert_eq!(count(demo.conn(), "person"), 3000);
    assert!(firstrun::has_demo(dir.path()));
}

#[test]
fn leaving_the_demo_deletes_its_folder_with_its_backups_and_nothing_else() {
    let (dir, real) = first_start();
    let demo = firstrun::open_demo(&real, today()).unwrap();
    let demo_backup = backup::backup_now(&demo, &clerk(), "手动备份").unwrap();
    assert!(demo_backup.path.starts_with(firstrun::demo_dir(dir.path())), "the demo backs up into its own folder");
    let before = files_outside_demo(dir.path());

    firstrun::remove_demo(demo).unwrap();

    assert!(!firstrun::demo_dir(dir.path()).exists());
    assert!(!firstrun::has_demo(dir.path()));
    assert_eq!(files_outside_demo(dir.path()), before);
    assert_eq!(office::get(real.conn()).unwrap(), None);
}

#[test]
fn the_real_database_is_never_deleted_as_a_demo() {
    let (dir, real) = first_start();
    let err = firstrun::remove_demo(real).unwrap_err();
    assert_eq!(code(err), "demo.not_a_demo");
    assert!(dir.path().join("street-ledger.db").is_file());
}

#[test]
fn once_the_real_office_is_set_up_there_is_no_demo() {
    let office = new_office();
    let data_dir = office.store.path().parent().unwrap().to_path_buf();
    let Err(err) = firstrun::open_demo(&office.store, today()) else { panic!("a demo was opened") };
    assert_eq!(code(err), "demo.office_set_up");
    assert!(!firstrun::demo_dir(&data_dir).exists());
}

#[test]
fn what_the_demo_refuses_is_said_in_chinese_with_the_way_out() {
    let payload = Error::from(FirstRunError::DemoRefuses("同步")).payload();
    assert_eq!(payload.code, "demo.refused");
    assert!(is_chinese(&payload.message) && payload.message.contains("退出演示并删除演示数据"), "{}", payload.message);
    assert_eq!(payload.field, None);
}

#[test]
fn the_sync_step_sets_the_folder_and_the_key_together() {
    let office = new_office();
    let share = TempDir::new().unwrap();
    let folder = share.path().display().to_string();

    let config =
        firstrun::set_up_sync(&office.store, &clerk(), &folder, "tongbu-mima-2024", "tongbu-mima-2024").unwrap();

    assert_eq!(config.folder.as_deref(), Some(folder.as_str()));
    assert!(config.key_set);
    assert_eq!(sync::config(office.store.conn()).unwrap(), config);
}

#[test]
fn a_sync_step_refused_sets_nothing_and_names_the_field_at_fault() {
    let office = new_office();
    let share = TempDir::new().unwrap();
    let folder = share.path().display().to_string();
    let refused = |folder: &str, key: &str, again: &str| {
        let e = firstrun::set_up_sync(&office.store, &clerk(), folder, key, again).unwrap_err().payload();
        let config = sync::config(office.store.conn()).unwrap();
        assert_eq!((config.folder, config.key_set), (None, false), "nothing set after “{}”", e.message);
        assert!(is_chinese(&e.message));
        (e.code, e.field.unwrap_or_default())
    };

    assert_eq!(refused("", "tongbu-mima-2024", "tongbu-mima-2024"), ("invalid_input".into(), "folder".into()));
    assert_eq!(refused(&folder, "", ""), ("invalid_input".into(), "key".into()));
    assert_eq!(refused(&folder, "tongbu-mima-2024", "tongbu-mima-2025"), ("invalid_input".into(), "key_again".into()));
    assert_eq!(refused("/no/such/folder", "tongbu-mima-2024", "tongbu-mima-2024"), ("sync.folder".into(), "".into()));
    assert_eq!(refused(&folder, "short", "short"), ("sync.weak_key".into(), "".into()));
    // 11 characters: one short of the 12 every passphrase needs.
    assert_eq!(refused(&folder, "tongbu-mima", "tongbu-mima"), ("sync.weak_key".into(), "".into()));
}

#[test]
fn the_core_refuses_to_carry_the_demo_out_of_its_folder_whoever_asks() {
    let (dir, real) = first_start();
    let mut demo = firstrun::open_demo(&real, today()).unwrap();
    let admin = street_ledger::access::Actor::admin("admin");
    let folder = TempDir::new().unwrap();
    let refused = |e: Error| {
        assert_eq!(e.code(), "demo.refused", "{e}");
        assert!(is_chinese(&e.to_string()), "{e}");
    };
    refused(sync::set_folder(&demo, &admin, &folder.path().display().to_string()).unwrap_err());
    refused(sync::set_key(&demo, &admin, "正确的同步密钥12345").unwrap_err());
    refused(firstrun::set_up_sync(&demo, &admin, "x", "正确的同步密钥12345", "正确的同步密钥12345").unwrap_err());
    let key = sync::office_key(demo.conn(), "正确的同步密钥12345").unwrap();
    refused(sync::run_in(&mut demo, &admin, "测试", folder.path(), &key).unwrap_err());
    refused(sync::snapshot(&mut demo, &admin, folder.path().join("快照.slsync"), &key).unwrap_err());
    refused(sync::export(&demo, sync::Kind::Changes, &key).unwrap_err());
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0, "no package written");
    // The real office, once set up, syncs as ever.
    drop(demo);
    let mut real = Store::open_dir(dir.path()).unwrap();
    office::setup(&mut real, &admin, "和平街道", &["东风社区".to_string()]).unwrap();
    sync::set_folder(&real, &admin, &folder.path().display().to_string()).unwrap();
}

/// 加入已有街道办 on a new PC: the snapshot's path is required, an office
/// already set up is never joined over, and the PC gets the name typed.
#[test]
fn joining_an_office_checks_the_path_and_the_office_and_names_the_pc() {
    const PASSPHRASE: &str = "和平街道同步密钥2025";
    let mut a = new_office();
    sync::set_key(&a.store, &clerk(), PASSPHRASE).unwrap();
    let key = sync::office_key(a.store.conn(), PASSPHRASE).unwrap();
    let usb = TempDir::new().unwrap();
    let snapshot = usb.path().join("快照.slsync");
    sync::snapshot(&mut a.store, &clerk(), &snapshot, &key).unwrap();

    let (_dir, mut b) = first_start();
    let blank = firstrun::join_office(&mut b, "  ", PASSPHRASE, Some("二号机")).unwrap_err().payload();
    assert_eq!((blank.code.as_str(), blank.field.as_deref()), ("invalid_input", Some("path")));
    assert!(office::get(b.conn()).unwrap().is_none(), "nothing joined");

    let typed = format!(" {} ", snapshot.display());
    let joined = firstrun::join_office(&mut b, &typed, PASSPHRASE, Some("二号机")).unwrap();
    assert!(joined.received > 0, "{joined:?}");
    assert_eq!(sync::config(b.conn()).unwrap().pc_name, "二号机");
    assert_eq!(
        code(firstrun::join_office(&mut a.store, &snapshot.display().to_string(), PASSPHRASE, None).unwrap_err()),
        "already_configured"
    );
}
