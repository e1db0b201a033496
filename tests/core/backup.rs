//! Backups (备份) and restores (恢复): a backup is a whole, checked copy; a
//! restore refuses a bad backup, keeps the database it replaces, and can be
//! undone; a damaged database is noticed before it is used.
use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::Connection;
use street_ledger::access::Actor;
use street_ledger::access::Role;
use street_ledger::backup::{self, BackupError, Health};
use street_ledger::store::{Store, DB_FILE};
use street_ledger::{dump, Error};
use tempfile::TempDir;

use crate::support::{clerk, elder, id_number, new_office, pack_backup, set_setting, unpack_backup, Office};

fn records(store: &Store) -> serde_json::Value {
    dump::records(store.conn()).expect("records")
}

fn records_in(data_dir: &Path) -> serde_json::Value {
    records(&Store::open_dir(data_dir).expect("open store"))
}

/// Overwrites a few pages in the middle of a (closed) database file.
fn damage(file: &Path) {
    let len = fs::metadata(file).unwrap().len();
    let mut f = fs::OpenOptions::new().write(true).open(file).unwrap();
    f.seek(SeekFrom::Start(len / 2 / 4096 * 4096)).unwrap();
    f.write_all(&[0xA5; 3 * 4096]).unwrap();
    f.sync_all().unwrap();
}

/// The `before-restore-…` folders in a data folder.
fn set_aside(data_dir: &Path) -> Vec<String> {
    fs::read_dir(data_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(backup::BEFORE_RESTORE))
        .collect()
}

fn backup_error(e: Error) -> BackupError {
    match e {
        Error::Backup(b) => b,
        other => panic!("expected a backup error, got {other:?}"),
    }
}

/// An office with one elder on the roster, in its own folder.
fn office_with_one_elder() -> Office {
    let mut office = new_office();
    let dongfeng = office.dongfeng.clone();
    office.register(&elder("王秀英", &id_number(1940, 3, 8, 22), &dongfeng));
    office
}

fn close(office: Office) -> (TempDir, PathBuf) {
    let Office { store, _dir, .. } = office;
    drop(store);
    let data_dir = _dir.path().to_path_buf();
    (_dir, data_dir)
}

#[test]
fn a_restore_brings_back_the_records_as_they_were_at_the_backup() {
    let mut office = office_with_one_elder();
    let at_backup = records(&office.store);
    let b = backup::backup_now(&office.store, &clerk(), "测试").unwrap();
    assert!(b.file_name.starts_with("street-ledger-") && b.file_name.ends_with(".db.zst"), "{}", b.file_name);
    assert_eq!(b.path, office._dir.path().join("backups").join(&b.file_name));
    assert_eq!(b.size, fs::metadata(&b.path).unwrap().len());

    let dongfeng = office.dongfeng.clone();
    office.register(&elder("李建国", &id_number(1938, 11, 2, 13), &dongfeng));
    assert_ne!(records(&office.store), at_backup);

    let (_dir, data_dir) = close(office);
    let r = backup::restore(&data_dir, &b.path, &Actor::system()).unwrap();
    assert_eq!(r.restored_from, b.path);
    assert_eq!(records_in(&data_dir), at_backup);
}

#[test]
fn a_backup_is_made_without_the_store_and_holds_the_records_as_they_were_when_it_began() {
    // The app plans a backup under its store's lock, makes it without (a
    // whole street's database takes seconds), and audits it under the lock.
    let mut office = office_with_one_elder();
    let before = records(&office.store);
    let planned = backup::plan(&office.store, &clerk()).unwrap();
    let dongfeng = office.dongfeng.clone();
    let actor = clerk();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    // A write under way while the copy is made: neither waits for the other.
    let made = office
        .store
        .write(&actor, |w| {
            street_ledger::elderly::register_in(w, &elder("李建国", &id_number(1938, 11, 2, 13), &dongfeng), today)?;
            Ok(planned.make().expect("backup beside a write"))
        })
        .unwrap();
    assert_ne!(records(&office.store), before, "the write went in");
    let audited_before = audit_count(&office.store);
    backup::record(&office.store, &actor, &made, "定时自动备份").unwrap();
    assert_eq!(audit_count(&office.store), audited_before + 1);

    let (_dir, data_dir) = close(office);
    backup::restore(&data_dir, &made.path, &Actor::system()).unwrap();
    assert_eq!(records_in(&data_dir), before, "the backup is the state before the write");
}

fn audit_count(store: &Store) -> i64 {
    store.conn().query_row("SELECT count(*) FROM audit_event", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_backup_is_one_self_contained_file_and_leaves_nothing_else_behind() {
    let office = office_with_one_elder();
    let b = backup::backup_now(&office.store, &clerk(), "").unwrap();
    // Rollback journal, not WAL (header byte 18): unpacked, it opens without -wal/-shm files.
    let elsewhere = TempDir::new().unwrap();
    let unpacked = elsewhere.path().join("unpacked.db");
    unpack_backup(&b.path, &unpacked);
    assert_eq!(fs::read(&unpacked).unwrap()[18], 1);
    let names: Vec<String> = fs::read_dir(b.path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, [b.file_name.as_str()]);
    assert_eq!(backup::verify(&b.path).unwrap(), street_ledger::store::LATEST_VERSION);
}

#[test]
fn rotation_keeps_the_newest_backup_keep_copies() {
    let mut office = office_with_one_elder();
    set_setting(&mut office.store, "backup.keep", "3");
    let made: Vec<String> =
        (0..5).map(|_| backup::backup_now(&office.store, &clerk(), "").unwrap().file_name).collect();

    let dir = backup::backup_dir(&office.store).unwrap();
    let kept: Vec<String> = backup::list(&dir).unwrap().into_iter().map(|b| b.file_name).collect();
    let newest_three: Vec<String> = made.iter().rev().take(3).cloned().collect();
    assert_eq!(kept, newest_three, "newest first, the two oldest removed");
}

#[test]
fn the_backup_folder_is_the_setting_backup_dir_when_set() {
    let mut office = office_with_one_elder();
    let elsewhere = TempDir::new().unwrap();
    let folder = elsewhere.path().join("台账备份");
    let value = folder.to_str().unwrap().to_string();
    set_setting(&mut office.store, "backup.dir", &value);

    let b = backup::backup_now(&office.store, &clerk(), "").unwrap();
    assert_eq!(b.path.parent().unwrap(), folder);
    assert_eq!(backup::backup_dir_for(office._dir.path()), folder, "readable without the store");
    assert!(!office._dir.path().join("backups").exists());
}

#[test]
fn a_damaged_backup_is_refused_for_restore_and_nothing_changes() {
    let office = office_with_one_elder();
    let good = backup::backup_now(&office.store, &clerk(), "").unwrap();
    let bad = backup::backup_now(&office.store, &clerk(), "").unwrap();
    damage(&bad.path);
    let (_dir, data_dir) = close(office);
    let before = fs::read(data_dir.join(DB_FILE)).unwrap();

    assert!(matches!(backup::verify(&bad.path), Err(BackupError::Damaged(_))));
    let err = backup_error(backup::restore(&data_dir, &bad.path, &Actor::system()).unwrap_err());
    assert_eq!(err.code(), "backup.damaged");
    assert!(err.to_string().contains("已损坏，无法恢复；请选择其他备份"), "{err}");

    assert_eq!(fs::read(data_dir.join(DB_FILE)).unwrap(), before, "the database is untouched");
    assert!(set_aside(&data_dir).is_empty());
    let temps =
        fs::read_dir(&data_dir).unwrap().filter(|e| e.as_ref().unwrap().file_name().to_str().unwrap().starts_with('.'));
    assert_eq!(temps.count(), 0, "the checked copy is removed");
    assert_eq!(backup::newest_good(&data_dir.join("backups")).unwrap().file_name, good.file_name);
}

#[test]
fn a_backup_from_a_newer_version_or_another_program_is_refused() {
    let office = office_with_one_elder();
    let b = backup::backup_now(&office.store, &clerk(), "").unwrap();
    let (_dir, data_dir) = close(office);

    let newer = data_dir.join("newer.db");
    unpack_backup(&b.path, &newer);
    Connection::open(&newer).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let err = backup_error(backup::restore(&data_dir, &newer, &Actor::system()).unwrap_err());
    assert_eq!(err.code(), "backup.newer");
    assert!(err.to_string().contains("第99版"), "{err}");
    // Compressed, as a newer version would make it: the same refusal, naming the file.
    let newer_packed = data_dir.join("street-ledger-20991231-235959.db.zst");
    pack_backup(&newer, &newer_packed);
    let err = backup_error(backup::restore(&data_dir, &newer_packed, &Actor::system()).unwrap_err());
    assert_eq!(err.code(), "backup.newer");
    assert!(err.to_string().contains("street-ledger-20991231-235959.db.zst"), "{err}");
    assert!(matches!(backup::verify(&newer_packed), Err(BackupError::NewerBackup { found: 99, .. })));

    let foreign = data_dir.join("other.db");
    Connection::open(&foreign).unwrap().execute_batch("CREATE TABLE t (x); PRAGMA user_version = 1;").unwrap();
    let err = backup_error(backup::restore(&data_dir, &foreign, &Actor::system()).unwrap_err());
    assert_eq!(err.code(), "backup.not_a_backup");

    let missing =
        backup_error(backup::restore(&data_dir, &data_dir.join("无此文件.db"), &Actor::system()).unwrap_err());
    assert_eq!(missing.code(), "backup.missing");
}

#[test]
fn a_restore_keeps_the_previous_database_aside_and_restoring_that_undoes_it() {
    let mut office = office_with_one_elder();
    let b = backup::backup_now(&office.store, &clerk(), "").unwrap();
    let dongfeng = office.dongfeng.clone();
    office.register(&elder("李建国", &id_number(1938, 11, 2, 13), &dongfeng));
    let latest = records(&office.store);
    let (_dir, data_dir) = close(office);

    let r = backup::restore(&data_dir, &b.path, &Actor::system()).unwrap();
    let previous = r.previous.expect("the replaced database is kept");
    assert_eq!(previous.file_name().unwrap(), DB_FILE);
    let folder = previous.parent().unwrap();
    assert!(folder.file_name().unwrap().to_str().unwrap().starts_with("before-restore-"), "{}", folder.display());
    assert_eq!(folder.parent().unwrap(), data_dir);
    assert_ne!(records_in(&data_dir), latest);

    let undo = backup::restore(&data_dir, &previous, &Actor::system()).unwrap();
    assert_eq!(records_in(&data_dir), latest, "undoing the restore brings back the later records");
    assert!(undo.previous.is_some_and(|p| p != previous), "the undo keeps its own copy");
}

#[test]
fn a_restore_onto_a_folder_without_a_database_keeps_nothing_aside() {
    let office = office_with_one_elder();
    let at_backup = records(&office.store);
    let b = backup::backup_now(&office.store, &clerk(), "").unwrap();
    let (_dir, _) = close(office);

    let new_pc = TempDir::new().unwrap();
    let r = backup::restore(new_pc.path(), &b.path, &Actor::system()).unwrap();
    assert_eq!(r.previous, None);
    assert_eq!(records_in(new_pc.path()), at_backup);
}

#[test]
fn a_restore_is_refused_while_the_store_is_open() {
    let office = office_with_one_elder();
    let b = backup::backup_now(&office.store, &clerk(), "").unwrap();
    let data_dir = office._dir.path().to_path_buf();

    let err = backup_error(backup::restore(&data_dir, &b.path, &Actor::system()).unwrap_err());
    assert_eq!(err.code(), "backup.in_use");
    assert!(set_aside(&data_dir).is_empty());
    assert_eq!(office.count("elderly"), 1, "the open store is untouched");
}

#[test]
fn backups_and_restores_are_in_the_audit_trail() {
    let office = office_with_one_elder();
    let b = backup::backup_now(&office.store, &clerk(), "每日自动备份").unwrap();
    let (user, target, detail): (String, String, String) = office
        .store
        .conn()
        .query_row("SELECT user_name, target, detail FROM audit_event WHERE action = 'backup'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!((user.as_str(), target.as_str(), detail.as_str()), ("测试员小王", b.file_name.as_str(), "每日自动备份"));

    let (_dir, data_dir) = close(office);
    backup::restore(&data_dir, &b.path, &Actor::admin("管理员老张")).unwrap();
    let store = Store::open_dir(&data_dir).unwrap();
    let (user, target, detail): (String, String, String) = store
        .conn()
        .query_row("SELECT user_name, target, detail FROM audit_event WHERE action = 'restore'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!((user.as_str(), target.as_str()), ("管理员老张", b.file_name.as_str()));
    assert!(detail.contains("before-restore-"), "{detail}");
}

#[test]
fn a_read_only_account_may_not_back_up_and_only_an_administrator_may_restore() {
    let office = office_with_one_elder();
    let viewer = Actor::new("查看员", Role::ReadOnly, None);
    let err = backup::backup_now(&office.store, &viewer, "").unwrap_err();
    assert_eq!(err.code(), "access.denied");
    let street = Actor::new("街道小李", Role::StreetStaff, None);
    let b = backup::backup_now(&office.store, &street, "").unwrap();

    let (_dir, data_dir) = close(office);
    let err = backup::restore(&data_dir, &b.path, &street).unwrap_err();
    assert_eq!(err.code(), "access.denied");
    assert!(set_aside(&data_dir).is_empty(), "nothing was touched");
}

#[test]
fn a_backup_is_due_when_the_newest_is_older_than_backup_every_hours() {
    let mut office = office_with_one_elder();
    let now = chrono::Utc::now();
    assert!(backup::due(&office.store, now).unwrap(), "no backup yet");
    backup::backup_now(&office.store, &clerk(), "").unwrap();
    assert!(!backup::due(&office.store, now + chrono::Duration::hours(23)).unwrap());
    assert!(backup::due(&office.store, now + chrono::Duration::hours(25)).unwrap(), "daily by default");

    set_setting(&mut office.store, "backup.every_hours", "2");
    assert!(backup::due(&office.store, now + chrono::Duration::hours(3)).unwrap());
    set_setting(&mut office.store, "backup.every_hours", "0");
    assert!(!backup::due(&office.store, now + chrono::Duration::days(400)).unwrap(), "0 turns them off");
}

#[test]
fn health_tells_a_damaged_database_from_a_sound_one() {
    let office = office_with_one_elder();
    let b = backup::backup_now(&office.store, &clerk(), "").unwrap();
    let (_dir, data_dir) = close(office);
    let db = data_dir.join(DB_FILE);
    assert_eq!(backup::health(&db), Health::Ok);
    assert_eq!(backup::health(&data_dir.join("无.db")), Health::Absent);

    damage(&db);
    let Health::Damaged { details } = backup::health(&db) else { panic!("damage not found") };
    assert!(!details.is_empty() && details.len() <= 10, "{details:?}");
    assert_eq!(backup::newest_good(&backup::backup_dir_for(&data_dir)).unwrap().file_name, b.file_name);

    fs::write(&db, "这不是数据库".repeat(1000)).unwrap();
    assert!(backup::health(&db).is_damaged());

    // The damaged file is replaced only by a restore, and kept aside by it.
    let damaged = fs::read(&db).unwrap();
    let r = backup::restore(&data_dir, &b.path, &Actor::system()).unwrap();
    assert_eq!(fs::read(r.previous.unwrap()).unwrap(), damaged);
    assert_eq!(backup::health(&db), Health::Ok);
}

#[test]
fn at_start_a_damaged_database_is_refused_with_the_newest_good_backup_to_offer() {
    let office = office_with_one_elder();
    let good = backup::backup_now(&office.store, &clerk(), "").unwrap();
    let (_dir, data_dir) = close(office);
    backup::check_on_start(&data_dir).unwrap();

    let db = data_dir.join(DB_FILE);
    damage(&db);
    let damaged = fs::read(&db).unwrap();
    let err = backup::check_on_start(&data_dir).unwrap_err();
    assert_eq!(err.code(), "backup.database_damaged");
    let BackupError::DatabaseDamaged { newest_good, .. } = &err else { unreachable!() };
    assert_eq!(newest_good.as_deref(), Some(good.path.as_path()));
    assert!(err.to_string().contains(&good.path.display().to_string()), "{err}");
    assert_eq!(fs::read(&db).unwrap(), damaged, "never written to");

    fs::remove_file(&good.path).unwrap();
    let err = backup::check_on_start(&data_dir).unwrap_err();
    assert!(err.to_string().contains("没有找到完好的备份"), "{err}");
}

/// The start page's 恢复最新的完好备份 (no one can log in to a damaged
/// database): the core offers the newest good backup only for a damaged
/// database, never over a sound one.
#[test]
fn the_newest_good_backup_is_offered_only_for_a_damaged_database() {
    let office = office_with_one_elder();
    let good = backup::backup_now(&office.store, &clerk(), "").unwrap();
    let (_dir, data_dir) = close(office);
    let sound = backup::newest_good_for_damaged(&data_dir).unwrap_err();
    assert_eq!(sound.code(), "access.denied");
    assert!(sound.to_string().contains("只有管理员"), "{sound}");

    damage(&data_dir.join(DB_FILE));
    assert_eq!(backup::newest_good_for_damaged(&data_dir).unwrap(), good.path);
    fs::remove_file(&good.path).unwrap();
    assert_eq!(backup::newest_good_for_damaged(&data_dir).unwrap_err().code(), "not_found");
}

#[test]
fn the_cli_backs_up_lists_and_restores() {
    let dir = TempDir::new().unwrap();
    let cli = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_street-ledger"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env_remove("STREET_LEDGER_DATA_DIR")
            .env("STREET_LEDGER_PASSWORD", "init-password-1")
            .output()
            .unwrap();
        let out = String::from_utf8(o.stdout).unwrap() + &String::from_utf8(o.stderr).unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {out}");
        out
    };
    cli(&["init", "--office", "和平街道", "--communities", "东风社区"]);
    let made = cli(&["backup"]);
    assert!(made.contains("已备份到"), "{made}");
    let listed = cli(&["backup", "--list"]);
    assert!(listed.contains("共1份备份"), "{listed}");
    assert!(cli(&["backup", "--if-due"]).contains("未到设定间隔"));

    let file = backup::list(&dir.path().join("backups")).unwrap().remove(0).path;
    let restored = cli(&["restore", file.to_str().unwrap()]);
    assert!(restored.contains("已从") && restored.contains("撤销"), "{restored}");
    let audit: i64 = Connection::open(dir.path().join(DB_FILE))
        .unwrap()
        .query_row(
            "SELECT count(*) FROM audit_event WHERE action = 'restore' AND user_name LIKE '系统管理员%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audit, 1);
}
