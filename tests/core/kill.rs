//! Killed at any moment (power cut, task manager), the program leaves a
//! database that passes `PRAGMA integrity_check` and holds each write whole
//! or not at all; a killed backup leaves no file that looks like a backup
//! but is not one. Real processes, killed with SIGKILL at pseudo-random
//! moments spread over their whole run: before, during and after the writes.
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Days;
use rusqlite::Connection;
use street_ledger::store::{Store, DB_FILE, LATEST_VERSION};
use street_ledger::{backup, check, demo, idcard, office};
use tempfile::TempDir;

use crate::support::{clerk, date, elder, today};

const DEMO_KILLS: usize = 40;
const WRITE_KILLS: usize = 40;
const BACKUP_KILLS: usize = 30;
const DEMO_PERSONS: i64 = 300;
/// Set for the re-run test binary that plays the writing program.
const CHILD_ENV: &str = "STREET_LEDGER_KILL_TEST_DIR";

/// When to kill: a pseudo-random share (splitmix64, seeded, so a failure
/// recurs alike) of how long a whole run takes here and now. That is the
/// median of whole runs made between the kills: a busy machine (the rest of
/// the suite runs alongside) slows every run, and the kills must still land
/// before, during and after the writes.
pub(crate) struct Pace {
    pub(crate) seed: u64,
    pub(crate) runs: Vec<Duration>,
}

impl Pace {
    fn new(seed: u64) -> Pace {
        Pace { seed, runs: Vec::new() }
    }

    fn time_whole_run(&mut self, mut command: Command) {
        let started = Instant::now();
        assert!(command.status().unwrap().success());
        self.runs.push(started.elapsed());
    }

    pub(crate) fn run(&self) -> Duration {
        let mut runs = self.runs.clone();
        runs.sort();
        runs[runs.len() / 2]
    }

    /// In `[0, 1.15 × run)`: some kills come after the end.
    pub(crate) fn next_delay(&mut self) -> Duration {
        self.seed = self.seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        self.run().mul_f64(1.15 * (z >> 11) as f64 / (1u64 << 53) as f64)
    }
}

fn cli(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_street-ledger"));
    c.arg("--data-dir").arg(dir).args(args).env_remove("STREET_LEDGER_DATA_DIR");
    c.stdout(Stdio::null()).stderr(Stdio::null());
    c
}

/// SIGKILL after `delay` (or nothing, if it finished first). Whether it was
/// still running.
pub(crate) fn kill_after(child: &mut Child, delay: Duration) -> bool {
    std::thread::sleep(delay);
    let running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    child.wait().unwrap();
    running
}

#[track_caller]
fn assert_intact(db: &Path) -> Connection {
    let conn = Connection::open(db).unwrap();
    let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(result, "ok", "{}", db.display());
    conn
}

fn one(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The replayed change log gives every record as stored: no half write.
#[track_caller]
fn assert_check_passes(db: &Path) {
    let store = Store::open(db).unwrap();
    let report = check::check(store.conn()).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
}

#[test]
fn a_demo_killed_at_any_moment_is_there_whole_or_not_at_all() {
    let persons = DEMO_PERSONS.to_string();
    let args = ["demo", "--persons", &persons, "--communities", "2", "--seed", "5"];
    let mut pace = Pace::new(1);
    let (mut killed, mut none, mut all) = (0, 0, 0);
    for i in 0..DEMO_KILLS {
        if i % 4 == 0 {
            pace.time_whole_run(cli(TempDir::new().unwrap().path(), &args));
        }
        let dir = TempDir::new().unwrap();
        let mut child = cli(dir.path(), &args).spawn().unwrap();
        killed += kill_after(&mut child, pace.next_delay()) as usize;

        let db = dir.path().join(DB_FILE);
        if !db.exists() {
            none += 1;
            continue;
        }
        let conn = assert_intact(&db);
        // The migrations are one transaction too.
        match one(&conn, "PRAGMA user_version") {
            0 => assert_eq!(one(&conn, "SELECT count(*) FROM sqlite_master"), 0),
            v => assert_eq!(v, LATEST_VERSION),
        }
        if one(&conn, "PRAGMA user_version") == 0 {
            none += 1;
            continue;
        }
        let (p, accounts) = (one(&conn, "SELECT count(*) FROM person"), one(&conn, "SELECT count(*) FROM account"));
        assert!(
            (p, accounts) == (0, 0) || (p, accounts) == (DEMO_PERSONS, demo::DEMO_ACCOUNTS.len() as i64),
            "{p} persons and {accounts} accounts: the demo is one transaction"
        );
        if p == 0 {
            none += 1;
        } else {
            all += 1;
        }
        drop(conn);
        assert_check_passes(&db);
    }
    eprintln!(
        "demo ({:?} a run): {killed} of {DEMO_KILLS} killed while running; {none} with none, {all} whole",
        pace.run()
    );
    assert!(killed > DEMO_KILLS / 3 && none > 0 && all > 0, "{killed} killed, {none} none, {all} whole");
}

/// The writing program for [`single_writes_killed_at_any_moment_are_each_whole_and_durable`]:
/// registers elders one write at a time and says so after each commit.
#[test]
#[ignore = "the child process of a kill test; does nothing on its own"]
fn writer_child() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else { return };
    let mut store = Store::open_dir(Path::new(&dir)).unwrap();
    let community: String = store.conn().query_row("SELECT id FROM community LIMIT 1", [], |r| r.get(0)).unwrap();
    let mut out = std::io::stdout().lock();
    for i in 0u64.. {
        let born = date(1930, 1, 1).checked_add_days(Days::new(i % 9000)).unwrap();
        let id = idcard::compose("110105", born, (i / 9000 + 1) as u16).to_string();
        street_ledger::elderly::register(&mut store, &clerk(), &elder("赵淑珍", &id, &community), today()).unwrap();
        writeln!(out, "committed {}", i + 1).unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn single_writes_killed_at_any_moment_are_each_whole_and_durable() {
    let writer = |dir: &Path| {
        // On Linux the running binary itself, even if a rebuild has replaced
        // the file meanwhile.
        let proc_exe = Path::new("/proc/self/exe");
        let exe = if proc_exe.exists() { proc_exe.to_path_buf() } else { std::env::current_exe().unwrap() };
        let mut c = Command::new(exe);
        c.args(["kill::writer_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        c
    };
    let prepared = |dir: &Path| {
        let mut store = Store::open_dir(dir).unwrap();
        office::setup(&mut store, &clerk(), "和平街道", &["东风社区".to_string()]).unwrap();
    };

    // The writer never ends: the kills spread over its start-up and first
    // few dozen writes.
    let mut pace = Pace { seed: 2, runs: vec![Duration::from_millis(320)] };
    let mut most = 0;
    for _ in 0..WRITE_KILLS {
        let dir = TempDir::new().unwrap();
        prepared(dir.path());
        let mut child = writer(dir.path()).spawn().unwrap();
        assert!(kill_after(&mut child, pace.next_delay()), "the writer never stops by itself");
        let mut said = String::new();
        child.stdout.take().unwrap().read_to_string(&mut said).unwrap();
        // The first report may share its line with the test harness's own
        // "test kill::writer_child ... ", hence a search, not a prefix.
        let committed: i64 = said
            .lines()
            .rev()
            .find_map(|l| l.rsplit_once("committed ").map(|(_, n)| n.trim()))
            .map_or(0, |n| n.parse().unwrap());

        let db = dir.path().join(DB_FILE);
        let conn = assert_intact(&db);
        let (persons, elderly) =
            (one(&conn, "SELECT count(*) FROM person"), one(&conn, "SELECT count(*) FROM elderly"));
        assert_eq!(persons, elderly, "a registration writes its person and its roster entry together");
        assert!(
            persons == committed || persons == committed + 1,
            "{persons} on disk, {committed} reported committed: every reported commit survives"
        );
        drop(conn);
        assert_check_passes(&db);
        most = most.max(persons);
    }
    eprintln!("single writes: {WRITE_KILLS} kills, up to {most} writes each");
    assert!(most > 5, "kills landed among the writes, not only before them");
}

#[test]
fn a_backup_killed_at_any_moment_leaves_the_database_sound_and_no_false_backup() {
    let dir = TempDir::new().unwrap();
    {
        let mut store = Store::open_dir(dir.path()).unwrap();
        let spec =
            demo::DemoSpec {
                office_name: "示例街道".into(), communities: 2, persons: 1_500, seed: 3, today: today()
            };
        demo::generate(&mut store, &clerk(), &spec).unwrap();
    }
    let db = dir.path().join(DB_FILE);
    let folder = dir.path().join("backups");
    let mut pace = Pace::new(3);
    let (mut killed, mut half_made) = (0, 0);
    for i in 0..BACKUP_KILLS {
        if i % 4 == 0 {
            pace.time_whole_run(cli(dir.path(), &["backup"]));
        }
        let mut child = cli(dir.path(), &["backup"]).spawn().unwrap();
        killed += kill_after(&mut child, pace.next_delay()) as usize;

        drop(assert_intact(&db));
        assert_eq!(backup::health(&db), backup::Health::Ok);
        for b in backup::list(&folder).unwrap() {
            backup::verify(&b.path).unwrap_or_else(|e| panic!("{}: {e}", b.file_name));
        }
        half_made = std::fs::read_dir(&folder)
            .map(|d| d.filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with('.')).count())
            .unwrap_or(0);
    }
    assert_check_passes(&db);
    eprintln!(
        "backup ({:?} a run): {killed} of {BACKUP_KILLS} killed while running, {half_made} unfinished copies left, {} backups",
        pace.run(),
        backup::list(&folder).unwrap().len()
    );
    assert!(killed > BACKUP_KILLS / 3, "{killed} killed");
}
