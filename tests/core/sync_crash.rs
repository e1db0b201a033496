//! An import killed at any moment (power cut, task manager, USB stick pulled
//! with the program) leaves the receiving database as it was or with the
//! whole package in — one transaction, never half — passing `check`; and
//! the same package then goes in cleanly. Real `street-ledger sync import`
//! processes, killed with SIGKILL at pseudo-random moments spread over their
//! whole run (start-up, key derivation, reading, the transaction, commit,
//! after the end), each on a fresh copy of the receiving database.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Days;
use rusqlite::types::Value;
use rusqlite::Connection;
use street_ledger::demo::{self, DemoSpec};
use street_ledger::store::{Store, Table, DB_FILE};
use street_ledger::sync::{self, Kind};
use street_ledger::{check, dump, elderly, idcard};
use tempfile::TempDir;

// When to kill: as in `kill.rs`.
use crate::kill::{kill_after, Pace};
use crate::support::{all_counts, clerk, date, elder, today};

const KILLS: usize = 100;
/// More kills aimed at the commit: as soon as the WAL starts growing, after
/// a further pseudo-random 0–4 ms.
const COMMIT_KILLS: usize = 20;
/// Every how many kills a whole run is timed again (the pace follows the
/// machine's load).
const TIME_EVERY: usize = 20;
/// Every how many kills the package is then imported again in full and the
/// result compared with A (and always after the first kill of each phase,
/// see [`Phases`]).
const REIMPORT_EVERY: usize = 20;
const PERSONS: usize = 200;
/// New roster entries on A, then rounds of edits of every person and entry.
const REGISTRATIONS: u64 = 150;
const ROUNDS: usize = 1;
const PASSPHRASE: &str = "正确的同步密钥2025年";

/// The receiving PC B as it was before the import (closed, its database one
/// file), the package from A, and what B holds before and A after.
struct Fixture {
    base: TempDir,
    package: PathBuf,
    _usb: TempDir,
    before: serde_json::Value,
    after: serde_json::Value,
    before_counts: Vec<(&'static str, i64)>,
    after_counts: Vec<(&'static str, i64)>,
    before_peers: Vec<(String, Option<String>)>,
    after_peers: Vec<(String, Option<String>)>,
    /// Changes in the package.
    changes: usize,
}

/// Where the kills landed, as the database shows it.
#[derive(Debug, Default)]
struct Phases {
    /// Nothing of the import on disk (start-up, key, reading, the transaction).
    before_commit: usize,
    /// Commit frames partly in the WAL: rolled back on opening.
    during_commit: usize,
    /// The import committed, its audit event not yet written.
    before_audit: usize,
    /// All done.
    after: usize,
}

/// The PCs B knows and what each said it holds.
fn peers(conn: &Connection) -> Vec<(String, Option<String>)> {
    let mut stmt = conn.prepare("SELECT installation_id, seen FROM sync_peer ORDER BY installation_id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

fn sync_events(conn: &Connection) -> i64 {
    let sql = "SELECT count(*) FROM audit_event WHERE action = 'sync' AND target = 'A.slsync'";
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A demo office A; B joins from its snapshot; B's package tells A what B
/// holds; then A registers new roster entries and edits every person and
/// entry (some 800 changes in a few dozen transactions), and its package of
/// just those is what the killed processes import. Small enough that a
/// debug-build `check` after each of the 120 kills stays quick, big enough
/// that the import transaction is most of a run (start-up, key derivation and
/// reading take some 45 ms of a run's 200–400 ms).
fn fixture() -> Fixture {
    crate::support::config_dir();
    let started = Instant::now();
    let a_dir = TempDir::new().unwrap();
    let mut a = Store::open_dir(a_dir.path()).unwrap();
    let spec =
        DemoSpec { office_name: "示例街道".into(), communities: 3, persons: PERSONS, seed: 11, today: today() };
    demo::generate(&mut a, &clerk(), &spec).unwrap();
    sync::set_key(&a, &clerk(), PASSPHRASE).unwrap();
    let key = sync::office_key(a.conn(), PASSPHRASE).unwrap();

    let usb = TempDir::new().unwrap();
    let snapshot = usb.path().join("快照.slsync");
    sync::snapshot(&mut a, &clerk(), &snapshot, &key).unwrap();
    let base = TempDir::new().unwrap();
    let mut b = Store::open_dir(base.path()).unwrap();
    sync::join(&mut b, &snapshot, PASSPHRASE).unwrap();
    let from_b = usb.path().join("B.slsync");
    sync::write_file(&from_b, &sync::export(&b, Kind::Changes, &key).unwrap()).unwrap();
    sync::import_file(&mut a, &clerk(), &from_b, &key).unwrap();
    eprintln!("  demo and join: {:.1} s", started.elapsed().as_secs_f64());

    // New records (person and roster entry), and edits of existing ones
    // (person fields, roster fields), in a few hundred transactions.
    let community: String = a.conn().query_row("SELECT id FROM community LIMIT 1", [], |r| r.get(0)).unwrap();
    for i in 0..REGISTRATIONS {
        let born = date(1935, 1, 1).checked_add_days(Days::new(i * 17)).unwrap();
        let id = idcard::compose("120101", born, (i % 900) as u16 + 1).to_string();
        elderly::register(&mut a, &clerk(), &elder("冯桂兰", &id, &community), today()).unwrap();
    }
    let persons: Vec<String> = a
        .conn()
        .prepare("SELECT id FROM person ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let roster: Vec<String> = a
        .conn()
        .prepare("SELECT id FROM elderly ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for round in 0..ROUNDS {
        for chunk in persons.chunks(50) {
            a.write(&clerk(), |w| {
                for (i, id) in chunk.iter().enumerate() {
                    let phone = format!("139{:08}", round * 10_000_000 + i);
                    let address = format!("建设路{}号{}室", i + 1, 101 + round);
                    w.update(Table::Person, id, None, &[("phone", phone.into()), ("address", address.into())])?;
                }
                Ok(())
            })
            .unwrap();
        }
        for chunk in roster.chunks(50) {
            a.write(&clerk(), |w| {
                for id in chunk {
                    let notes = Value::Text(format!("第{}次随访：血压偏高", round + 1));
                    w.update(
                        Table::Elderly,
                        id,
                        None,
                        &[("health_notes", notes), ("care_mode", Value::Text("居家".into()))],
                    )?;
                }
                Ok(())
            })
            .unwrap();
        }
    }
    let package = usb.path().join("A.slsync");
    let bytes = sync::export(&a, Kind::Changes, &key).unwrap();
    let (header, _) = sync::package::read_header("A.slsync", &bytes).unwrap();
    sync::write_file(&package, &bytes).unwrap();

    let fx = Fixture {
        before: dump::records(b.conn()).unwrap(),
        before_counts: all_counts(b.conn()),
        after: dump::records(a.conn()).unwrap(),
        after_counts: Vec::new(),
        before_peers: peers(b.conn()),
        after_peers: Vec::new(),
        changes: header.changes,
        base,
        package,
        _usb: usb,
    };
    drop(b);
    assert!(!fx.base.path().join(format!("{DB_FILE}-wal")).exists(), "B's database is one file");
    eprintln!(
        "  package: {} changes, {} KB; fixture ready in {:.1} s",
        header.changes,
        bytes.len() / 1024,
        started.elapsed().as_secs_f64()
    );
    fx
}

fn cli(dir: &Path, package: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_street-ledger"));
    c.arg("--data-dir").arg(dir).args(["sync", "import"]).arg(package);
    // The key this PC keeps (as a scheduled sync uses it): a passphrase would
    // be derived anew each run (argon2id, 64 MiB), time that moves the commit.
    c.env_remove("STREET_LEDGER_DATA_DIR")
        .env_remove("STREET_LEDGER_SYNC_KEY")
        .env(street_ledger::sync::keys::CONFIG_DIR_ENV, crate::support::config_dir());
    c.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    c
}

/// A copy of B before the import, in a folder of its own.
fn copy_of(base: &Path) -> TempDir {
    let dir = TempDir::new().unwrap();
    std::fs::copy(base.join(DB_FILE), dir.path().join(DB_FILE)).unwrap();
    dir
}

/// Waits until the WAL has frames in it (the commit has begun), the child
/// has ended or `limit` has passed. Whether the WAL grew.
fn wal_grows(child: &mut Child, wal: &Path, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if std::fs::metadata(wal).is_ok_and(|m| m.len() > 0) {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::hint::spin_loop();
    }
    false
}

#[test]
fn an_import_killed_at_any_moment_is_there_whole_or_not_at_all() {
    let mut fx = fixture();
    let started = Instant::now();

    // A whole run, to pace the kills, and what B holds after one.
    let mut pace = Pace { seed: 7, runs: Vec::new() };
    let time_whole_run = |pace: &mut Pace| {
        let dir = copy_of(fx.base.path());
        let t = Instant::now();
        let out = cli(dir.path(), &fx.package).status().unwrap();
        pace.runs.push(t.elapsed());
        assert!(out.success());
        dir
    };
    let whole = time_whole_run(&mut pace);
    {
        let store = Store::open_dir(whole.path()).unwrap();
        assert_eq!(dump::records(store.conn()).unwrap(), fx.after, "a whole import gives B what A holds");
        fx.after_counts = all_counts(store.conn());
        fx.after_peers = peers(store.conn());
        assert_ne!(fx.before_peers, fx.after_peers, "B now knows what A holds");
        assert_eq!(sync_events(store.conn()), 1);
    }
    assert_ne!(fx.before_counts, fx.after_counts);
    eprintln!("  whole run: {:?}", pace.run());

    let (mut killed, mut none, mut all, mut reimported) = (0, 0, 0, 0);
    let mut phases = Phases::default();
    let mut at_commit = 0;
    for i in 0..KILLS + COMMIT_KILLS {
        if i % TIME_EVERY == TIME_EVERY - 1 && i < KILLS {
            time_whole_run(&mut pace);
        }
        let dir = copy_of(fx.base.path());
        let mut child = cli(dir.path(), &fx.package).spawn().unwrap();
        let (delay, running) = if i < KILLS {
            let delay = pace.next_delay();
            (delay, kill_after(&mut child, delay))
        } else {
            let started = Instant::now();
            let grown = wal_grows(&mut child, &dir.path().join(format!("{DB_FILE}-wal")), pace.run() * 3);
            at_commit += grown as usize;
            std::thread::sleep(Duration::from_micros(pace.next_delay().as_nanos() as u64 % 4_000));
            (started.elapsed(), kill_after(&mut child, Duration::ZERO))
        };
        killed += running as usize;

        let db = dir.path().join(DB_FILE);
        // Before anything opens it: whether the commit had begun (its frames
        // reach the WAL only at commit; the transaction itself stays in
        // memory).
        let wal = std::fs::metadata(dir.path().join(format!("{DB_FILE}-wal"))).map_or(0, |m| m.len());
        let conn = Connection::open(&db).unwrap();
        let (counts, peers, audited) = (all_counts(&conn), peers(&conn), sync_events(&conn));
        drop(conn);
        let first_of_phase = if counts == fx.before_counts {
            assert_eq!(
                peers, fx.before_peers,
                "kill {i} after {delay:?}: what B knows of A's holdings moves with the changes"
            );
            assert_eq!(audited, 0, "kill {i}");
            let phase = if wal == 0 { &mut phases.before_commit } else { &mut phases.during_commit };
            *phase += 1;
            none += 1;
            *phase == 1
        } else if counts == fx.after_counts {
            assert_eq!(peers, fx.after_peers, "kill {i} after {delay:?}");
            let phase = if audited == 0 { &mut phases.before_audit } else { &mut phases.after };
            *phase += 1;
            all += 1;
            *phase == 1
        } else {
            panic!(
                "kill {i} after {delay:?}: half an import: {counts:?}\nbefore {:?}\nafter {:?}",
                fx.before_counts, fx.after_counts
            );
        };
        let mut store = Store::open(&db).unwrap();
        let report = check::check(store.conn()).unwrap();
        assert!(report.ok(), "kill {i} after {delay:?}: {:?}", report.problems);
        let records = dump::records(store.conn()).unwrap();
        assert!(
            records == fx.before || records == fx.after,
            "kill {i} after {delay:?}: records neither before nor after"
        );

        if first_of_phase || i % REIMPORT_EVERY == 0 {
            let key = sync::stored_key(store.conn()).unwrap();
            let applied = sync::import_file(&mut store, &clerk(), &fx.package, &key).unwrap();
            let expected = if records == fx.before { fx.changes } else { 0 };
            assert_eq!(applied.received, expected, "kill {i}: {applied:?}");
            assert_eq!(dump::records(store.conn()).unwrap(), fx.after, "kill {i}: then imported, B holds what A holds");
            assert_eq!(all_counts(store.conn()), fx.after_counts, "kill {i}");
            let report = check::check(store.conn()).unwrap();
            assert!(report.ok(), "kill {i}, imported again: {:?}", report.problems);
            reimported += 1;
        }
    }
    eprintln!(
        "sync import ({:?} a run): {killed} of {} killed while running; {none} left as before, {all} whole \
         ({phases:?}); {at_commit} of {COMMIT_KILLS} aimed at the commit; {reimported} imported again; {:.1} s",
        pace.run(),
        KILLS + COMMIT_KILLS,
        started.elapsed().as_secs_f64()
    );
    assert!(killed > KILLS / 3 && none > 0 && all > 0, "{killed} killed, {none} none, {all} whole");
    assert!(at_commit > COMMIT_KILLS / 2, "{at_commit} of the kills aimed at the commit found it");
}
