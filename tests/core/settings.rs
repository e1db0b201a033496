//! Settings (系统设置): every setting has a type, a range and a scope in one
//! place (`settings::ALL`). Administrators change them; a value out of range
//! is refused with the range and writes nothing; a bad value already stored
//! (an old version, a bad sync) counts as the default, with a warning on the
//! settings page, never a panic or a lock-out. Settings of one PC (本机:
//! backup folder and schedule, sync interval) never reach the change log or
//! another PC.
use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use street_ledger::access::{Actor, Role};
use street_ledger::settings::{self, Kind, Scope};
use street_ledger::store::{new_id, Store, Table};
use street_ledger::sync::{self, Kind as PackageKind};
use street_ledger::{backup, elderly};
use tempfile::TempDir;

use crate::support::{clerk, count, elder, id_number, is_chinese, new_office, today, Office};

fn setting_changes(conn: &Connection, key: &str) -> i64 {
    conn.query_row(
        "SELECT count(*) FROM change_log c JOIN setting s ON s.id = c.record_id WHERE s.key = ?1",
        [key],
        |r| r.get(0),
    )
    .unwrap()
}

fn local_changes_logged(conn: &Connection) -> i64 {
    conn.query_row(
        "SELECT count(*) FROM change_log WHERE fields LIKE '%backup.%' OR fields LIKE '%sync.every%'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn the_settings_page_lists_every_setting_with_its_range_scope_and_current_value() {
    let o = new_office();
    let list = settings::list(o.store.conn(), &clerk()).unwrap();
    assert_eq!(list.len(), settings::ALL.len());
    let high_age = list.iter().find(|s| s.key == "elderly.high_age_threshold").unwrap();
    assert_eq!((high_age.label.as_str(), high_age.value.as_str()), ("高龄起算年龄（岁）", "80"));
    assert_eq!((high_age.range.as_str(), high_age.scope), ("70到100之间的整数", Scope::Synced));
    let dir = list.iter().find(|s| s.key == "backup.dir").unwrap();
    assert!(dir.value.is_empty() && dir.scope == Scope::Local);
    assert!(list.iter().all(|s| s.warning.is_none()), "a new office holds only good values");
    let staff = Actor::new("街道小李", Role::StreetStaff, None);
    assert_eq!(settings::list(o.store.conn(), &staff).unwrap_err().code(), "access.denied");
}

#[test]
fn lowering_the_advanced_age_threshold_makes_a_76_year_old_advanced_age_at_once() {
    let mut o = new_office();
    let born = today().format("%Y").to_string().parse::<i32>().unwrap() - 77;
    let id = o.register(&elder("周老汉", &id_number(born, 1, 1, 1), &o.dongfeng.clone()));
    let kinds = |o: &Office| elderly::get(o.store.conn(), &clerk(), &id, today()).unwrap().kinds;
    assert!(!kinds(&o).contains(&"高龄".to_string()));
    settings::set(&mut o.store, &clerk(), "elderly.high_age_threshold", "70").unwrap();
    assert!(kinds(&o).contains(&"高龄".to_string()));
    assert_eq!(setting_changes(o.store.conn(), "elderly.high_age_threshold"), 2, "the seed and the change");
}

#[test]
fn a_setting_that_is_not_a_number_or_unknown_or_changed_by_a_non_administrator_is_refused() {
    let mut o = new_office();
    let e = settings::set(&mut o.store, &clerk(), "security.idle_minutes", "十五").unwrap_err();
    assert_eq!((e.code(), e.payload().field.as_deref()), ("invalid_input", Some("value")));
    assert_eq!(e.to_string(), "闲置自动锁屏时间应为1到240之间的整数（分钟）");
    let e = settings::set(&mut o.store, &clerk(), "no.such.key", "1").unwrap_err();
    assert_eq!((e.code(), e.payload().field.as_deref()), ("invalid_input", Some("key")));
    let e = settings::set(&mut o.store, &clerk(), "pc_number.abc", "3").unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("key"), "the program's own settings are not for the page");
    let staff = Actor::new("街道小李", Role::StreetStaff, None);
    let e = settings::set(&mut o.store, &staff, "security.idle_minutes", "5").unwrap_err();
    assert_eq!(e.code(), "access.denied");
    assert_eq!(settings::stored(o.store.conn(), "security.idle_minutes").unwrap().as_deref(), Some("15"));
}

/// Values that are never a setting's number, whatever its range.
const NEVER: &[&str] = &["", " ", "1e300", "NaN", "inf", "-inf", "abc", "十五", "1.5", "0x10", "99999999999999999999"];

#[test]
fn every_setting_refuses_values_outside_its_range_with_the_range_and_writes_nothing() {
    let mut o = new_office();
    for s in settings::ALL {
        let (good, bad): (Vec<String>, Vec<String>) = match s.kind {
            Kind::Integer { min, max } => (
                vec![min.to_string(), max.to_string(), format!(" {max} "), s.default.to_string()],
                [min - 1, max + 1, -1, i64::MIN, i64::MAX]
                    .iter()
                    .filter(|n| !(min..=max).contains(*n))
                    .map(i64::to_string)
                    .chain(NEVER.iter().map(|v| v.to_string()))
                    .collect(),
            ),
            Kind::OneOf(values) => (
                values.iter().map(i64::to_string).collect(),
                [values[0] - 1, values[values.len() - 1] + 1, -1, 52]
                    .iter()
                    .map(i64::to_string)
                    .chain(NEVER.iter().filter(|v| !v.trim().is_empty()).map(|v| v.to_string()))
                    .collect(),
            ),
            Kind::Folder => (vec!["".into(), "D:\\台账备份".into()], vec!["a\0b".into(), "长".repeat(1001)]),
            Kind::Dated { min, max } => (
                // As stored: month order, ';', cents only when there are any.
                vec!["".into(), format!("2025-01:{min}"), format!("2024-07:{max};2025-01:{min}.50")],
                vec![
                    format!("2025-01:{}", max + 1),
                    format!("2025-01:{}", min - 1),
                    "2025-13:1".into(),
                    "2025-01".into(),
                    "1800".into(),
                    "2025-01:1;2025-01:2".into(),
                    "2025-01:abc".into(),
                ],
            ),
        };
        for value in &bad {
            let before = (settings::stored(o.store.conn(), s.key).unwrap(), count(o.store.conn(), "change_log"));
            let e = settings::set(&mut o.store, &clerk(), s.key, value).unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("value"), "{} = {value:?}", s.key);
            assert!(is_chinese(&e.to_string()) && e.to_string().starts_with(s.name), "{e}");
            assert!(e.to_string().contains(&s.range()) || s.kind == Kind::Folder, "{e}");
            assert!(settings::check(s.key, value).is_err(), "{} = {value:?} passes check", s.key);
            let after = (settings::stored(o.store.conn(), s.key).unwrap(), count(o.store.conn(), "change_log"));
            assert_eq!(before, after, "{} = {value:?} wrote something", s.key);
        }
        for value in &good {
            settings::set(&mut o.store, &clerk(), s.key, value)
                .unwrap_or_else(|e| panic!("{} = {value:?}: {e}", s.key));
            assert!(settings::check(s.key, value).is_ok());
            assert_eq!(settings::stored(o.store.conn(), s.key).unwrap().as_deref(), Some(value.trim()));
        }
    }
}

#[test]
fn the_ranges_are_what_an_office_can_mean() {
    let range = |key: &str| settings::ALL.iter().find(|s| s.key == key).unwrap().kind;
    assert_eq!(range("security.idle_minutes"), Kind::Integer { min: 1, max: 240 });
    assert_eq!(range("security.lock_minutes"), Kind::Integer { min: 1, max: 1440 });
    assert_eq!(range("security.max_failures"), Kind::Integer { min: 3, max: 20 });
    assert_eq!(range("backup.every_hours"), Kind::Integer { min: 0, max: 168 });
    assert_eq!(range("employment.retire.female.age"), Kind::OneOf(&[50, 55]));
    for s in settings::ALL.iter().filter(|s| s.kind != Kind::Folder) {
        assert!(settings::check(s.key, s.default).is_ok(), "{}: the default is in range", s.key);
    }
    assert!(settings::check("pc_number.0190a1b2", "2").is_ok(), "case-number PC numbers sync as settings");
    assert!(settings::check("pc_number.0190a1b2", "0").is_err());
    assert!(settings::check("security.no_such", "1").is_err(), "an unknown key is refused");
}

#[test]
fn full_width_digits_typed_with_a_chinese_input_method_are_taken() {
    let mut o = new_office();
    settings::set(&mut o.store, &clerk(), "security.idle_minutes", "３０").unwrap();
    assert_eq!(settings::idle_lock(o.store.conn()), Duration::from_secs(30 * 60));
}

/// Writes a value straight into a closed database's `setting` table, as an
/// old version (which took any non-negative number) or a bad sync left it.
fn store_raw(dir: &Path, key: &str, value: &str) {
    let conn = Connection::open(dir.join(street_ledger::store::DB_FILE)).unwrap();
    assert_eq!(conn.execute("UPDATE setting SET value = ?2 WHERE key = ?1", [key, value]).unwrap(), 1);
}

#[test]
fn a_database_holding_an_idle_time_of_0_or_1e300_opens_warns_and_uses_the_default() {
    for bad in ["0", "1e300", "NaN", "-5", ""] {
        let Office { store, _dir: dir, .. } = new_office();
        drop(store);
        store_raw(dir.path(), "security.idle_minutes", bad);
        store_raw(dir.path(), "security.lock_minutes", bad);
        store_raw(dir.path(), "security.max_failures", "0");
        let store = Store::open_dir(dir.path()).expect("the store opens");
        let conn = store.conn();
        assert_eq!(settings::integer(conn, "security.idle_minutes").unwrap(), 15);
        assert_eq!(settings::idle_lock(conn), Duration::from_secs(15 * 60), "idle {bad:?}");
        assert_eq!(settings::account_lock(conn), Duration::from_secs(15 * 60), "lock {bad:?}");
        assert_eq!(settings::integer(conn, "security.max_failures").unwrap(), 5);
        let list = settings::list(conn, &clerk()).unwrap();
        let idle = list.iter().find(|s| s.key == "security.idle_minutes").unwrap();
        assert_eq!(idle.value, "15", "the page shows the value in force");
        let warning = idle.warning.as_deref().expect("a warning");
        assert!(warning.contains(&format!("“{bad}”")) && warning.contains("默认值15"), "{warning}");
        assert!(warning.contains("1到240之间的整数"), "{warning}");
        let warned: Vec<_> = list.iter().filter(|s| s.warning.is_some()).map(|s| s.key).collect();
        assert_eq!(warned, ["security.max_failures", "security.lock_minutes", "security.idle_minutes"]);
    }
}

#[test]
fn the_idle_and_account_lock_durations_follow_the_setting_within_its_range() {
    let mut o = new_office();
    assert_eq!(settings::idle_lock(o.store.conn()), Duration::from_secs(15 * 60));
    settings::set(&mut o.store, &clerk(), "security.idle_minutes", "240").unwrap();
    settings::set(&mut o.store, &clerk(), "security.lock_minutes", "1440").unwrap();
    assert_eq!(settings::idle_lock(o.store.conn()), Duration::from_secs(240 * 60));
    assert_eq!(settings::account_lock(o.store.conn()), Duration::from_secs(24 * 3600));
}

#[test]
fn a_local_setting_is_kept_on_this_pc_outside_the_change_log_and_audited() {
    let mut o = new_office();
    let log = count(o.store.conn(), "change_log");
    settings::set(&mut o.store, &clerk(), "backup.dir", "/media/usb/备份").unwrap();
    settings::set(&mut o.store, &clerk(), "backup.keep", "7").unwrap();
    settings::set(&mut o.store, &clerk(), "sync.every_minutes", "0").unwrap();
    assert_eq!(settings::stored(o.store.conn(), "backup.dir").unwrap().as_deref(), Some("/media/usb/备份"));
    assert_eq!(backup::backup_dir(&o.store).unwrap(), Path::new("/media/usb/备份"));
    assert_eq!(settings::integer(o.store.conn(), "backup.keep").unwrap(), 7);
    assert_eq!(sync::config(o.store.conn()).unwrap().every_minutes, 0.0);
    assert_eq!(count(o.store.conn(), "change_log"), log, "no record change");
    assert_eq!(
        count(o.store.conn(), "setting"),
        settings::ALL.iter().filter(|s| s.scope == Scope::Synced).count() as i64
    );
    let audited: i64 = o
        .store
        .conn()
        .query_row("SELECT count(*) FROM audit_event WHERE target LIKE '%备份文件夹%'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 1);
}

#[test]
fn a_local_setting_whose_audit_event_cannot_be_written_is_not_changed() {
    let mut o = new_office();
    settings::set(&mut o.store, &clerk(), "backup.keep", "7").unwrap();
    let events = count(o.store.conn(), "audit_event");
    // The audit trail refuses the event (a full disk, a damaged file).
    o.store
        .local()
        .execute_batch(
            "CREATE TEMP TRIGGER no_audit BEFORE INSERT ON main.audit_event BEGIN SELECT RAISE(ABORT, 'full'); END",
        )
        .unwrap();
    settings::set(&mut o.store, &clerk(), "backup.keep", "9").unwrap_err();
    o.store.local().execute_batch("DROP TRIGGER no_audit").unwrap();
    assert_eq!(settings::integer(o.store.conn(), "backup.keep").unwrap(), 7, "the value and its event together");
    assert_eq!(count(o.store.conn(), "audit_event"), events);
}

#[test]
fn a_backup_folder_in_the_synced_table_is_never_read() {
    // What a PC of an older version sends, or an older version of this PC left.
    let mut o = new_office();
    let share = TempDir::new().unwrap();
    let value = share.path().display().to_string();
    o.store
        .write(&clerk(), |w| {
            w.insert(Table::Setting, &new_id(), &[("key", "backup.dir".to_string().into()), ("value", value.into())])
        })
        .unwrap();
    assert!(settings::is_local("backup.dir"));
    assert_eq!(backup::backup_dir(&o.store).unwrap(), o._dir.path().join("backups"));
    assert_eq!(backup::backup_dir_for(o._dir.path()), o._dir.path().join("backups"));
    let b = backup::backup_now(&o.store, &clerk(), "").unwrap();
    assert!(b.path.starts_with(o._dir.path()) && share.path().read_dir().unwrap().next().is_none());
}

const PASSPHRASE: &str = "正确的同步密钥2025年";

#[test]
fn local_settings_never_reach_another_pc_and_synced_ones_do() {
    let mut a = new_office();
    sync::set_key(&a.store, &clerk(), PASSPHRASE).unwrap();
    let key = sync::office_key(a.store.conn(), PASSPHRASE).unwrap();
    let usb = TempDir::new().unwrap();
    let snapshot = usb.path().join("快照.slsync");
    sync::snapshot(&mut a.store, &clerk(), &snapshot, &key).unwrap();
    let b_dir = TempDir::new().unwrap();
    let mut b = Store::open_dir(b_dir.path()).unwrap();
    sync::join(&mut b, &snapshot, PASSPHRASE).unwrap();

    let share = TempDir::new().unwrap();
    settings::set(&mut a.store, &clerk(), "backup.dir", &share.path().display().to_string()).unwrap();
    settings::set(&mut a.store, &clerk(), "backup.every_hours", "0").unwrap();
    settings::set(&mut a.store, &clerk(), "sync.every_minutes", "5").unwrap();
    settings::set(&mut a.store, &clerk(), "security.idle_minutes", "20").unwrap();
    assert_eq!(local_changes_logged(a.store.conn()), 0, "no local setting in A's change log");

    let package = usb.path().join("A.slsync");
    sync::write_file(&package, &sync::export(&a.store, PackageKind::Changes, &key).unwrap()).unwrap();
    sync::import_file(&mut b, &clerk(), &package, &key).unwrap();
    assert_eq!(settings::integer(b.conn(), "security.idle_minutes").unwrap(), 20, "the synced setting arrived");
    assert_eq!(backup::backup_dir(&b).unwrap(), b_dir.path().join("backups"));
    assert_eq!(settings::integer(b.conn(), "backup.every_hours").unwrap(), 24);
    assert_eq!(sync::config(b.conn()).unwrap().every_minutes, 30.0);
    assert_eq!(local_changes_logged(b.conn()), 0, "nor in B's");
    assert_eq!(count(b.conn(), "local_setting"), 0);
}

/// A copy of the schema-6 fixture (v0.2.0) in which `backup.dir` was set by
/// `pc` (this PC's own installation id, or another's), as v0.2.0 synced it.
fn v020_with_backup_dir(dir: &Path, by_this_pc: bool) -> String {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-6-v0.2.0.db");
    let db = dir.join(street_ledger::store::DB_FILE);
    std::fs::copy(fixture, &db).unwrap();
    let conn = Connection::open(&db).unwrap();
    let own: String = conn.query_row("SELECT id FROM installation", [], |r| r.get(0)).unwrap();
    let pc = if by_this_pc { own } else { "0190ffff-0000-7000-8000-000000000001".to_string() };
    let folder = dir.join("共享备份").display().to_string();
    let id = new_id();
    conn.execute("DELETE FROM setting WHERE key = 'backup.dir'", []).unwrap();
    conn.execute("INSERT INTO setting (id, row_version, key, value) VALUES (?1, 1, 'backup.dir', ?2)", [&id, &folder])
        .unwrap();
    let next: i64 = conn
        .query_row("SELECT coalesce(max(origin_seq), 0) + 1 FROM change_log WHERE installation_id = ?1", [&pc], |r| {
            r.get(0)
        })
        .unwrap();
    let fields = serde_json::json!({"key": {"old": null, "new": "backup.dir"}, "value": {"old": null, "new": folder}});
    conn.execute(
        "INSERT INTO change_log (txn_id, hlc, at, installation_id, user_name, table_name, record_id, op, fields, origin_seq)
         VALUES (?1, '999999999999999-000000', '2026-01-01T00:00:00Z', ?2, '测试', 'setting', ?3, 'insert', ?4, ?5)",
        rusqlite::params![new_id(), pc, id, fields.to_string(), next],
    )
    .unwrap();
    folder
}

#[test]
fn on_upgrade_a_pc_keeps_the_backup_folder_it_chose_and_drops_one_another_pc_chose() {
    let dir = TempDir::new().unwrap();
    let folder = v020_with_backup_dir(dir.path(), true);
    let store = Store::open_dir(dir.path()).unwrap();
    assert_eq!(backup::backup_dir(&store).unwrap(), Path::new(&folder), "chosen here: kept");
    assert_eq!(settings::integer(store.conn(), "backup.keep").unwrap(), 30, "the schedule as it was");

    let dir = TempDir::new().unwrap();
    v020_with_backup_dir(dir.path(), false);
    let store = Store::open_dir(dir.path()).unwrap();
    assert_eq!(backup::backup_dir(&store).unwrap(), dir.path().join("backups"), "chosen elsewhere: dropped");
}

#[test]
fn an_administrator_adds_and_retires_dictionary_options_and_the_registers_follow() {
    use street_ledger::dict;
    let mut o = crate::support::new_office();
    dict::add_entry(&mut o.store, &clerk(), "employment_category", "高校毕业生").unwrap();
    let labels = dict::labels(o.store.conn(), "employment_category").unwrap();
    assert!(labels.contains(&"高校毕业生".to_string()) && labels.contains(&"4050".to_string()), "the seed stays");
    let again = dict::add_entry(&mut o.store, &clerk(), "employment_category", "高校毕业生").unwrap_err();
    assert_eq!(again.payload().field.as_deref(), Some("label"));
    let entries = dict::dictionaries(o.store.conn(), &clerk()).unwrap();
    let living = entries.iter().find(|d| d.dict == "living_arrangement").unwrap();
    assert_eq!(living.name, "居住情况");
    let id = living.entries.iter().find(|e| e.label == "空巢").unwrap().id.clone().unwrap();
    dict::set_entry_active(&mut o.store, &clerk(), &id, false).unwrap();
    let mut input = elder("周老", &id_number(1940, 1, 1, 91), &o.dongfeng.clone());
    input.living_arrangement = Some("空巢".into());
    let e = elderly::register(&mut o.store, &clerk(), &input, today()).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("living_arrangement"), "a retired option is refused");
    let worker = Actor::new("小李", Role::StreetStaff, None);
    assert_eq!(dict::add_entry(&mut o.store, &worker, "education", "博士").unwrap_err().code(), "access.denied");
    assert_eq!(dict::dictionaries(o.store.conn(), &worker).unwrap_err().code(), "access.denied");
}
