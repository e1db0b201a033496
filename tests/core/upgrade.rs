//! Databases written by released versions open with the current code: each
//! fixture under tests/fixtures was made by a release (a 200-person demo, from
//! v0.2.0 on with its re-employment and mediation registers, plus changes and
//! an audited `dump`), and must migrate with its records and audit trail
//! intact. A new schema version adds a fixture (`make_fixture_of_this_release`
//! below); shipped ones never change.
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use street_ledger::access::Actor;
use street_ledger::person::search;
use street_ledger::store::{Store, Table, DB_FILE, LATEST_VERSION};
use street_ledger::{accounts, backup, check, demo, dump, elderly, employment, mediation, sync};
use tempfile::TempDir;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixtures() -> Vec<PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "db"))
        .collect();
    out.sort();
    out
}

/// What a database holds, read with plain SQLite: the schema version, the rows
/// of every record table it has, and both chains of the audit trail.
#[derive(Debug, PartialEq)]
struct Contents {
    version: i64,
    records: Vec<(&'static str, i64)>,
    change_log: Vec<(i64, Option<String>)>,
    audit_events: Vec<(i64, String, Option<String>)>,
}

fn contents(conn: &Connection) -> Contents {
    let version = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let has = |table: &str| -> bool {
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
            > 0
    };
    let records = Table::ALL
        .into_iter()
        .filter(|t| has(t.name()))
        .map(|t| (t.name(), conn.query_row(&format!("SELECT count(*) FROM {}", t.name()), [], |r| r.get(0)).unwrap()))
        .collect();
    let rows = |sql: &str| -> Vec<(i64, String, Option<String>)> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let change_log =
        rows("SELECT seq, '', hash FROM change_log ORDER BY seq").into_iter().map(|(s, _, h)| (s, h)).collect();
    let audit_events = rows("SELECT seq, action, hash FROM audit_event ORDER BY seq");
    Contents { version, records, change_log, audit_events }
}

fn count(contents: &Contents, table: &str) -> i64 {
    contents.records.iter().find(|(t, _)| *t == table).map_or(0, |(_, n)| *n)
}

#[test]
fn every_released_database_opens_migrates_and_keeps_its_records_and_audit_trail() {
    // v0.2.0's fixture holds a sync key, which opening moves to the key store.
    crate::support::config_dir();
    let fixtures = fixtures();
    assert!(fixtures.len() >= 2, "the fixture databases are missing");
    for fixture in fixtures {
        let name = fixture.file_name().unwrap().to_string_lossy().to_string();
        // One self-contained file: no write-ahead log beside it, none expected.
        for extra in ["db-wal", "db-shm", "db-journal"] {
            assert!(!fixture.with_extension(extra).exists(), "{name}: a -{extra} file beside the fixture");
        }
        let header = std::fs::read(&fixture).unwrap();
        assert_eq!((header[18], header[19]), (1, 1), "{name}: a rollback-journal database (not WAL mode)");

        let dir = TempDir::new().unwrap();
        let db = dir.path().join(DB_FILE);
        std::fs::copy(&fixture, &db).unwrap();
        let before = contents(&Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap());
        assert!(before.version <= LATEST_VERSION, "{name}");
        assert_eq!(count(&before, "person"), 200, "{name}");
        for table in ["elderly", "elderly_service", "elderly_visit"] {
            assert!(count(&before, table) > 0, "{name}: {table} has records");
        }
        if before.version >= 6 {
            // v0.2.0 on: the re-employment and mediation registers, and changes by a user.
            for table in ["household", "zero_employment", "employment_case", "employment_followup", "mediation_case"] {
                assert!(count(&before, table) > 0, "{name}: {table} has records");
            }
            for table in ["mediation_party", "mediation_step", "prevention_entry", "post_placement"] {
                assert!(count(&before, table) > 0, "{name}: {table} has records");
            }
        }

        let mut store = Store::open_dir(dir.path()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(store.schema_version().unwrap(), LATEST_VERSION, "{name}");
        // An older database is kept first, as an ordinary backup; a current one is left alone.
        let backups = backup::list(&dir.path().join("backups")).unwrap();
        if before.version < LATEST_VERSION {
            assert_eq!(backups.len(), 1, "{name}: one automatic backup before the upgrade");
            assert!(backups[0].compressed, "{name}: compressed like any other backup");
            let unpacked = dir.path().join("unpacked.db");
            crate::support::unpack_backup(&backups[0].path, &unpacked);
            let kept = Connection::open(&unpacked).unwrap();
            let old_version: i64 = kept.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
            assert_eq!(old_version, before.version, "{name}: the backup holds the old schema");
        } else {
            assert!(backups.is_empty(), "{name}: no upgrade, no backup");
        }
        let report = check::check(store.conn()).unwrap();
        assert!(report.ok(), "{name}: {:?}", report.problems);

        // Every record and both audit chains came through, row for row.
        let after = contents(store.conn());
        for (table, n) in &before.records {
            assert_eq!(count(&after, table), *n, "{name}: {table} records");
        }
        // The log as it was, then the committees the upgrade made through the
        // write path: the street's and one per community, each case given its
        // community's (issue 16).
        assert_eq!(after.change_log[..before.change_log.len()], before.change_log, "{name}: the change log");
        let communities = count(&before, "community");
        assert_eq!(count(&after, "mediation_committee"), communities + 1, "{name}: committees");
        let made = after.change_log.len() - before.change_log.len();
        assert_eq!(made as i64, communities + 1 + count(&before, "mediation_case"), "{name}: logged upgrade writes");
        let unassigned: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM mediation_case WHERE committee_id IS NULL", [], |r| r.get(0))
            .unwrap();
        assert_eq!(unassigned, 0, "{name}");
        if before.version >= 6 {
            // 0.2.0's numbers stay as printed, and read back as per-PC numbers.
            let old = Connection::open_with_flags(&fixture, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
            let numbers = |conn: &Connection| -> Vec<(String, String)> {
                let mut stmt = conn.prepare("SELECT id, number FROM mediation_case ORDER BY id").unwrap();
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
            };
            let kept = numbers(store.conn());
            assert_eq!(kept, numbers(&old), "{name}: case numbers unchanged");
            for (_, number) in &kept {
                assert!(
                    matches!(mediation::numbering::parse(number), Some(mediation::numbering::Parsed::PerPc { .. })),
                    "{name}: {number}"
                );
            }
        }
        assert_eq!(after.audit_events, before.audit_events, "{name}: the audit events");
        assert_eq!(after.audit_events.iter().filter(|(_, action, _)| action == "export").count(), 1, "{name}");

        // And the office carries on: its administrator logs in and writes.
        let admin = accounts::login(&mut store, "admin", demo::DEMO_PASSWORD, chrono::Utc::now())
            .unwrap_or_else(|e| panic!("{name}: the demo administrator logs in: {e}"));
        assert_eq!(admin.login.as_deref(), Some("admin"));
        let mediator = mediation::MediatorInput { name: "升级后新增调解员".into(), ..Default::default() };
        mediation::add_mediator(&mut store, &admin, &mediator).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = check::check(store.conn()).unwrap();
        assert!(report.ok(), "{name} after a write: {:?}", report.problems);
    }
}

/// Makes this release's fixture, `tests/fixtures/schema-<N>-v<version>.db`, when
/// it is not there yet: `cargo test --test core make_fixture -- --ignored`. A
/// 200-person demo, changes to each register by the logged-in administrator,
/// one sync run, an audited `dump`; then one self-contained file (the WAL
/// checkpointed, rollback-journal mode).
#[test]
#[ignore = "run once per release that changes the schema"]
fn make_fixture_of_this_release() {
    let file = fixtures_dir().join(format!("schema-{LATEST_VERSION}-v{}.db", env!("CARGO_PKG_VERSION")));
    if file.exists() {
        println!("{} exists: shipped fixtures never change", file.display());
        return;
    }
    let today = chrono::Local::now().date_naive();
    let day = |n: i64| (today - chrono::Duration::days(n)).to_string();
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let spec = demo::DemoSpec { persons: 200, ..demo::DemoSpec::street(today) };
    let summary = demo::generate(&mut store, &Actor::system(), &spec).unwrap();
    println!("{summary:?}");
    let admin = accounts::login(&mut store, "admin", demo::DEMO_PASSWORD, chrono::Utc::now()).unwrap();
    let one = |store: &Store, sql: &str| -> String { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };

    // 为老服务: a service, one deleted (a tombstone), a status change.
    let elder = one(&store, "SELECT id FROM elderly WHERE status = '在册' ORDER BY id LIMIT 1");
    let service = elderly::care::ServiceInput {
        date: day(3),
        service_type: "日常照料".into(),
        paid: "无偿".into(),
        provider: Some("居家养老服务中心".into()),
        hours: Some("2".into()),
        notes: Some("助浴".into()),
        ..Default::default()
    };
    elderly::care::add_service(&mut store, &admin, &elder, &service, today).unwrap();
    let mistaken = elderly::care::add_service(&mut store, &admin, &elder, &service, today).unwrap();
    elderly::care::delete_entry(&mut store, &admin, Table::ElderlyService, &mistaken).unwrap();
    let leaving = one(&store, "SELECT id FROM elderly WHERE status = '在册' ORDER BY id DESC LIMIT 1");
    let change =
        elderly::StatusChange { status: "迁出".into(), date: day(1), reason: Some("随子女迁居".into()) };
    elderly::change_status(&mut store, &admin, &leaving, &change, today).unwrap();

    // 就业援助: a follow-up of an open case.
    let case = one(&store, "SELECT id FROM employment_case WHERE status <> '已结案' ORDER BY id LIMIT 1");
    let followup = employment::case::FollowupInput {
        date: day(2),
        place: Some("社区服务站".into()),
        way: "上门".into(),
        content: "推荐保洁岗位".into(),
        staff: "社区劳动保障员".into(),
    };
    employment::case::add_followup(&mut store, &admin, &case, &followup, today).unwrap();

    // 人民调解: a case registered with a party who is on the person table, its
    // first step, and a month of prevention work.
    let mediator = one(&store, "SELECT id FROM mediator ORDER BY id LIMIT 1");
    let resident = one(&store, "SELECT id_number FROM person WHERE id_number IS NOT NULL ORDER BY id LIMIT 1");
    let party = |side: &str, name: &str, id_number: Option<String>| mediation::PartyInput {
        side: side.into(),
        name: name.into(),
        id_number,
        age: Some(45),
        ..Default::default()
    };
    let input = mediation::CaseInput {
        community_id: None,
        dispute_type: "邻里".into(),
        source: "当事人申请".into(),
        mediator_ids: vec![mediator],
        summary: "楼上漏水，协商未果".into(),
        amount: Some("1200".into()),
        received_on: day(2),
        parties: vec![party("申请方", "升级测试甲", Some(resident)), party("被申请方", "升级测试乙", None)],
        staff: "调委会".into(),
        ..Default::default()
    };
    let mediation_case = mediation::register(&mut store, &admin, &input, today).unwrap();
    let step = mediation::lifecycle::StepInput {
        step: "调查".into(),
        date: day(1),
        staff: "调解员".into(),
        content: Some("现场查看漏水情况".into()),
        ..Default::default()
    };
    mediation::lifecycle::record(&mut store, &admin, &mediation_case, &step, today).unwrap();
    let prevention = mediation::PreventionInput {
        community_id: None,
        date: day(1),
        screenings: 12,
        disputes_found: 3,
        disputes_prevented: 2,
        notes: Some("节前排查".into()),
        ..Default::default()
    };
    mediation::add_prevention(&mut store, &admin, &prevention, today).unwrap();

    // 同步: this PC's name, a folder and key, one run (local state of schema 4).
    let folder = TempDir::new().unwrap();
    sync::set_pc_name(&store, &admin, "街道办公室").unwrap();
    sync::set_folder(&store, &admin, &folder.path().to_string_lossy()).unwrap();
    sync::set_key(&store, &admin, "fixture-sync-key").unwrap();
    sync::run(&mut store, &admin, "手动").unwrap();

    // The audited export, as `street-ledger --user admin dump --json` makes it.
    dump::dump(&store, &admin).unwrap();
    let report = check::check(store.conn()).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    drop(store);

    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete");
    conn.execute_batch("VACUUM").unwrap();
    drop(conn);
    std::fs::copy(dir.path().join(DB_FILE), &file).unwrap();
    println!("made {}", file.display());
}

#[test]
fn a_migration_that_fails_leaves_the_old_database_as_it_was_and_says_where_the_backup_is() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join(DB_FILE);
    std::fs::copy(fixtures_dir().join("schema-3-v0.1.0.db"), &db).unwrap();
    // A table in the way of schema 4 (someone's stray tool, a damaged file):
    // creating sync_config fails half way through the upgrade.
    Connection::open(&db).unwrap().execute_batch("CREATE TABLE sync_config (x)").unwrap();
    let before = contents(&Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap());
    assert_eq!(before.version, 3);

    let e = Store::open_dir(dir.path()).map(drop).unwrap_err();
    let payload = street_ledger::Error::from(e).payload();
    assert_eq!(payload.code, "store.migration");
    assert!(payload.message.contains("未做任何改动") && payload.message.contains("旧版本"), "{}", payload.message);

    let after = contents(&Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap());
    assert_eq!(after, before, "every migration rolled back together");
    let backup = payload.message.split('“').nth(1).and_then(|s| s.split('”').next()).unwrap();
    let unpacked = dir.path().join("unpacked.db");
    crate::support::unpack_backup(std::path::Path::new(backup), &unpacked);
    let kept = contents(&Connection::open_with_flags(&unpacked, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap());
    assert_eq!(kept, before, "the backup named is the database before the upgrade");
}

#[test]
fn upgrading_forgets_the_counts_of_unknown_login_names() {
    // Earlier versions kept '?' + a salted SHA-256 of an unknown typed name,
    // often a password typed into the name box; known names' counts stay.
    crate::support::config_dir();
    let dir = TempDir::new().unwrap();
    let db = dir.path().join(DB_FILE);
    std::fs::copy(fixtures_dir().join("schema-6-v0.2.0.db"), &db).unwrap();
    Connection::open(&db)
        .unwrap()
        .execute_batch(
            "INSERT OR REPLACE INTO login_state (username, failures, locked_until) VALUES
                 ('?5f0e3a9c1b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d0f', 3, NULL),
                 ('admin', 2, NULL)",
        )
        .unwrap();
    let store = Store::open_dir(dir.path()).unwrap();
    let count = |sql: &str| -> i64 { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM login_state WHERE username LIKE '?%'"), 0);
    assert_eq!(count("SELECT failures FROM login_state WHERE username = 'admin'"), 2);
}

#[test]
fn after_upgrading_everyone_is_found_by_every_key_the_old_search_index_held() {
    // Name parts, initials, ID number and tails, phone and tail: whatever
    // found a person before the upgrade finds them after it.
    crate::support::config_dir();
    for fixture in fixtures() {
        let name = fixture.file_name().unwrap().to_string_lossy().to_string();
        let dir = TempDir::new().unwrap();
        std::fs::copy(&fixture, dir.path().join(DB_FILE)).unwrap();
        let (keys, old_form): (Vec<(String, String)>, bool) = {
            let old = Connection::open_with_flags(dir.path().join(DB_FILE), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
            // Before migration 0011 the index named the person by id.
            let old_form = old.prepare("SELECT person_id FROM person_token LIMIT 0").is_ok();
            let sql = if old_form { "SELECT substr(token, 3), person_id FROM person_token" } else { "SELECT '', ''" };
            let mut stmt = old.prepare(sql).unwrap();
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
            (rows.map(Result::unwrap).collect(), old_form)
        };
        if !old_form {
            // Made by 0011 or later: no old index to carry over (the other
            // upgrade tests and `check` hold this one).
            continue;
        }
        assert!(keys.len() > 200 * 8, "{name}: the old index holds the keys of 200 persons");

        let store = Store::open_dir(dir.path()).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (key, person) in &keys {
            let (found, params) = search::matches_sql("id", key).unwrap();
            let sql = format!("SELECT count(*) FROM person WHERE id = ? AND {found}");
            let params = std::iter::once(person).chain(&params);
            let n: i64 = store.conn().query_row(&sql, rusqlite::params_from_iter(params), |r| r.get(0)).unwrap();
            assert_eq!(n, 1, "{name}: a person is no longer found by one of their keys");
        }
        let q = search::PersonQuery { text: keys[0].0.clone(), page: 1, page_size: 200, ..Default::default() };
        let page = search::search(store.conn(), &Actor::admin("升级"), &q, chrono::Utc::now().date_naive()).unwrap();
        assert!(page.items.iter().any(|p| p.id == keys[0].1), "{name}: found through the search itself");
    }
}

/// Two PCs of one office upgrading apart make the same committees and give
/// each case the same committee: after they sync, nothing disagrees.
#[test]
fn two_pcs_upgrading_apart_agree_on_the_committees_they_make() {
    crate::support::config_dir();
    let fixture = fixtures().into_iter().find(|f| f.to_string_lossy().contains("v0.3.0")).expect("0.3.0's fixture");
    let dirs = [TempDir::new().unwrap(), TempDir::new().unwrap()];
    for (i, dir) in dirs.iter().enumerate() {
        std::fs::copy(&fixture, dir.path().join(DB_FILE)).unwrap();
        if i == 1 {
            // The second PC: the same records, an installation of its own.
            let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
            conn.execute("UPDATE installation SET id = '0190a1b2-0000-7000-8000-0000000000b2', pc_name = '二号机'", [])
                .unwrap();
        }
    }
    let mut pcs: Vec<Store> = dirs.iter().map(|d| Store::open_dir(d.path()).unwrap()).collect();
    let committees = |s: &Store| dump::records(s.conn()).unwrap();
    for (from, to) in [(0, 1), (1, 0)] {
        let b = sync::bundle(pcs[from].conn(), pcs[from].installation_id(), sync::Kind::Changes).unwrap();
        sync::apply(&mut pcs[to], &Actor::system(), &b).unwrap();
    }
    assert_eq!(committees(&pcs[0]), committees(&pcs[1]));
    for s in &pcs {
        assert!(sync::review::conflicts(s.conn(), &Actor::admin("admin")).unwrap().is_empty(), "no conflict");
        let report = check::check(s.conn()).unwrap();
        assert!(report.ok(), "{:?}", report.problems);
        let kept: i64 =
            s.conn().query_row("SELECT count(DISTINCT keeper) FROM mediation_committee", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, 1, "one keeper for every committee: the PC that set the office up");
        let makers: i64 = s
            .conn()
            .query_row(
                "SELECT count(DISTINCT installation_id) FROM change_log WHERE table_name = 'mediation_committee' AND op = 'insert'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(makers, 2, "each PC made them");
    }
}
