//! Opening the store: migrations on a new file, reopening, and refusing
//! files this version must not touch.
use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::Connection;
use street_ledger::store::{self, Store, StoreError, LATEST_VERSION};
use street_ledger::{dump, Error};
use tempfile::TempDir;

use crate::support::{self, clerk, is_chinese, new_office};

/// Every file in a folder with its bytes: a refused open must leave it all as it was.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let e = e.expect("entry");
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read file"))
        })
        .collect()
}

#[test]
fn a_new_file_is_migrated_to_the_latest_schema_version() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("new.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    for table in ["installation", "change_log", "office", "community", "person", "person_token", "elderly"] {
        assert_eq!(support::count(store.conn(), table), if table == "installation" { 1 } else { 0 }, "{table}");
    }
    assert!(!store.installation_id().is_empty());
    assert!(path.exists());
}

#[test]
fn opening_a_data_folder_creates_it_with_the_database_inside() {
    let dir = TempDir::new().unwrap();
    let data = dir.path().join("街道").join("数据");
    let store = Store::open_dir(&data).unwrap();
    assert_eq!(store.path(), data.join(store::DB_FILE));
    assert!(data.join(store::DB_FILE).is_file());
}

#[test]
fn reopening_a_current_database_changes_nothing_and_keeps_the_data() {
    let office = new_office();
    let path = office.store.path().to_path_buf();
    let installation = office.store.installation_id().to_string();
    let records = dump::records(office.store.conn()).unwrap();
    let counts = support::all_counts(office.store.conn());
    drop(office.store);

    let reopened = Store::open(&path).unwrap();
    assert_eq!(reopened.installation_id(), installation);
    assert_eq!(reopened.schema_version().unwrap(), LATEST_VERSION);
    assert_eq!(support::count(reopened.conn(), "installation"), 1);
    assert_eq!(support::all_counts(reopened.conn()), counts);
    assert_eq!(dump::records(reopened.conn()).unwrap(), records);
}

/// A database as a newer program would leave it: some data, a higher user_version.
fn write_newer_database(path: &Path, journal_mode: &str) {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", journal_mode).unwrap();
    conn.execute_batch(
        "CREATE TABLE future_register (id TEXT PRIMARY KEY, name TEXT);
         INSERT INTO future_register VALUES ('1', '张三');",
    )
    .unwrap();
    conn.pragma_update(None, "user_version", LATEST_VERSION + 1).unwrap();
    conn.close().unwrap();
}

fn assert_newer_database_refused(journal_mode: &str) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join(store::DB_FILE);
    write_newer_database(&path, journal_mode);
    let before = snapshot(dir.path());

    let err = Store::open(&path).err().expect("a newer database must be refused");
    match &err {
        StoreError::NewerDatabase { found, supported } => {
            assert_eq!(*found, LATEST_VERSION + 1);
            assert_eq!(*supported, LATEST_VERSION);
        }
        other => panic!("expected NewerDatabase, got {other:?}"),
    }
    assert_eq!(err.code(), "store.newer_database");
    assert!(err.to_string().contains("升级"), "{err}");
    assert_eq!(snapshot(dir.path()), before, "the folder (database, -wal, -shm) must be byte-for-byte unchanged");
    // Refused through the data-folder entry point too.
    assert!(matches!(Store::open_dir(dir.path()), Err(StoreError::NewerDatabase { .. })));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    assert_newer_database_refused("DELETE");
}

#[test]
fn a_newer_database_in_wal_mode_is_refused_and_left_untouched() {
    assert_newer_database_refused("WAL");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_with_its_own_code() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("名单.db");
    let text = "姓名,身份证号\n张三,11010519491231002X\n".repeat(40);
    std::fs::write(&path, &text).unwrap();

    let err = Error::from(Store::open(&path).err().expect("a text file must be refused"));
    assert_eq!(err.code(), "store.not_a_database");
    let message = err.to_string();
    assert!(message.contains("名单.db") && is_chinese(&message), "{message}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn the_installation_id_stays_with_the_file_and_differs_between_files() {
    let a = new_office();
    let b = new_office();
    assert_ne!(a.store.installation_id(), b.store.installation_id());
    let path = a.store.path().to_path_buf();
    let id = a.store.installation_id().to_string();
    drop(a.store);
    let mut reopened = Store::open(&path).unwrap();
    assert_eq!(reopened.installation_id(), id);
    // And writes after reopening are stamped with it.
    street_ledger::office::add_community(&mut reopened, &clerk(), "南湖社区").unwrap();
    let stamped: String = reopened
        .conn()
        .query_row("SELECT installation_id FROM change_log ORDER BY seq DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stamped, id);
}

/// A new database is made with 8 KiB pages (its B-trees a level shallower
/// than with SQLite's 4 KiB); a database made before keeps its own pages.
#[test]
fn a_new_database_has_8_kib_pages_and_an_older_one_keeps_its_own() {
    let page_size = |c: &Connection| c.query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0)).unwrap();
    let office = new_office();
    assert_eq!(page_size(office.store.conn()), 8192);
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("older.db");
    Connection::open(&path).unwrap().execute_batch("PRAGMA page_size = 4096; CREATE TABLE kept (x);").unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(page_size(store.conn()), 4096);
}

/// Record ids are 22 characters of letters, digits, `-` and `_`; each made
/// later sorts later, and after every id made the older way (a UUID's 36
/// characters), so that the newest record of a day is still the greatest id.
#[test]
fn record_ids_are_short_and_sort_in_the_order_they_were_made() {
    let older = uuid::Uuid::now_v7().to_string();
    let ids: Vec<String> = (0..20_000).map(|_| store::new_id()).collect();
    for id in &ids {
        assert_eq!(id.len(), 22, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{id}");
        assert!(id.as_str() > older.as_str(), "{id} sorts after {older}");
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "made in order, sorted in order, none twice");
}

/// The office's first write (the demo street's is large) goes through a
/// rollback journal, each page written once; the store is in WAL again after
/// it, reads see it, and a later write goes through the WAL. With another
/// program holding the database, the first write goes through the WAL.
#[test]
fn the_first_write_leaves_the_database_in_wal_alone_or_not() {
    for other_open in [false, true] {
        let dir = TempDir::new().unwrap();
        let mut store = Store::open_dir(dir.path()).unwrap();
        let other = other_open.then(|| Connection::open(store.path()).unwrap());
        if let Some(other) = &other {
            other.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).unwrap();
        }
        let names = ["东风社区".to_string()];
        street_ledger::office::setup(&mut store, &clerk(), "和平街道", &names).unwrap();
        let mode: String = store.local().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal", "other program open: {other_open}");
        assert_eq!(street_ledger::office::communities(store.conn()).unwrap().len(), 1);
        assert!(!dir.path().join(format!("{}-journal", store::DB_FILE)).exists());
        let community = street_ledger::office::add_community(&mut store, &clerk(), "西湖社区").unwrap();
        assert_eq!(community.name, "西湖社区");
        assert!(dir.path().join(format!("{}-wal", store::DB_FILE)).exists());
        drop(other);
    }
}
