//! Databases written by released versions open with the current code: each
//! fixture under tests/fixtures was made by a release (a 200-person demo plus
//! an audited `dump`), and must migrate with its records and audit trail
//! intact. A new schema version adds a fixture; shipped ones never change.
use std::path::Path;

use street_ledger::store::{Store, DB_FILE, LATEST_VERSION};
use street_ledger::{accounts, check, demo};
use tempfile::TempDir;

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "db"))
        .collect();
    out.sort();
    out
}

#[test]
fn every_released_database_opens_migrates_and_keeps_its_records_and_audit_trail() {
    let fixtures = fixtures();
    assert!(!fixtures.is_empty(), "no fixture databases found");
    for fixture in fixtures {
        let name = fixture.file_name().unwrap().to_string_lossy().to_string();
        let dir = TempDir::new().unwrap();
        std::fs::copy(&fixture, dir.path().join(DB_FILE)).unwrap();
        let mut store = Store::open_dir(dir.path()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(store.schema_version().unwrap(), LATEST_VERSION, "{name}");
        // The database as it was is kept first, as an ordinary backup.
        let backups = street_ledger::backup::list(&dir.path().join("backups")).unwrap();
        assert_eq!(backups.len(), 1, "{name}: one automatic backup before the upgrade");
        let kept = rusqlite::Connection::open(&backups[0].path).unwrap();
        let old_version: i64 = kept.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert!(old_version < LATEST_VERSION, "{name}: the backup holds the old schema");
        let report = check::check(store.conn()).unwrap();
        assert!(report.ok(), "{name}: {:?}", report.problems);
        let count = |sql: &str| -> i64 { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM person"), 200, "{name}");
        assert_eq!(count("SELECT count(*) FROM elderly"), 40, "{name}");
        assert!(count("SELECT count(*) FROM change_log") >= 513, "{name}");
        assert_eq!(count("SELECT count(*) FROM audit_event WHERE action = 'export'"), 1, "{name}");
        let admin = accounts::login(&mut store, "admin", demo::DEMO_PASSWORD, chrono::Utc::now())
            .unwrap_or_else(|e| panic!("{name}: the demo administrator logs in: {e}"));
        assert_eq!(admin.login.as_deref(), Some("admin"));
    }
}
