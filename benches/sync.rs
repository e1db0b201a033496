//! Sync at the scale of a whole street office: 100,000 persons in 15
//! communities (about 21,000 on the elderly roster).
//!
//! PC A is the demo office; PC B joined it from A's snapshot and has told A
//! (by its package) what it holds. Then A makes 50,000 field changes (30,000
//! person phones, 20,000 roster health notes, one field each, 50 write
//! transactions), so A's package for B holds exactly those. Measured:
//! exporting that package on A (collect, serialise, deflate, seal), and
//! importing it into a fresh copy of B (read, open, one transaction that logs
//! and merges every change). Targets: export under 0.5 s, import under 1.5 s.
//!
//! `cargo bench --bench sync` reports criterion's means, then prints a table
//! of every timed run. A and B are generated once (a minute or so) under
//! `target/bench-data/sync-…/` and reused by later runs; A's changes are
//! made afresh on a copy each run.
//!
//! Run as a test (`cargo test --benches`), each step runs once on a
//! 2,000-person office with 1,000 changes instead, as a smoke test.
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, SamplingMode};
use rusqlite::types::Value;
use street_ledger::access::Actor;
use street_ledger::demo::{self, DemoSpec};
use street_ledger::store::{Store, Table, DB_FILE, LATEST_VERSION};
use street_ledger::sync::{self, Kind, OfficeKey};
use tempfile::TempDir;

const COMMUNITIES: usize = 15;
const SEED: u64 = 1;
const PASSPHRASE: &str = "示例街道同步密钥2026";
const EXPORT_TARGET: Duration = Duration::from_millis(500);
const IMPORT_TARGET: Duration = Duration::from_millis(1500);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid date")
}

fn actor() -> Actor {
    Actor::admin("bench")
}

fn data_dir(persons: usize) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let name = format!("sync-{}k-seed{SEED}-{}-schema{LATEST_VERSION}", persons / 1000, today());
    target.join("bench-data").join(name)
}

fn person_count(store: &Store) -> usize {
    store.conn().query_row("SELECT count(*) FROM person", [], |r| r.get::<_, i64>(0)).unwrap_or(-1) as usize
}

/// The cached pair: `a/` the demo office, `b/` a PC joined from A's
/// snapshot that A has heard from. `ready` is written last: a folder
/// without it (an interrupted generation) is made again. The folder is
/// named by schema version too: another schema makes another demo.
fn prepared(persons: usize) -> PathBuf {
    let dir = data_dir(persons);
    if dir.join("ready").exists() {
        return dir;
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove stale bench data");
    }
    eprintln!("Generating {persons} persons and a joined PC in {} ...", dir.display());
    let started = Instant::now();
    let mut a = Store::open_dir(&dir.join("a")).expect("open bench data dir");
    let spec =
        DemoSpec { office_name: "示例街道".into(), communities: COMMUNITIES, persons, seed: SEED, today: today() };
    let sum = demo::generate(&mut a, &actor(), &spec).expect("generate demo data");
    a.optimize().expect("analyze");
    eprintln!(
        "  A: {} persons, {} elderly, {} services, {} visits in {:.1} s",
        sum.persons,
        sum.elderly,
        sum.services,
        sum.visits,
        started.elapsed().as_secs_f64()
    );
    sync::set_key(&a, &actor(), PASSPHRASE).expect("A's key");
    let key = sync::office_key(a.conn(), PASSPHRASE).expect("key");
    let snapshot = dir.join("snapshot.slsync");
    sync::snapshot(&mut a, &actor(), &snapshot, &key).expect("snapshot");
    let mut b = Store::open_dir(&dir.join("b")).expect("open B");
    let joined = sync::join(&mut b, &snapshot, PASSPHRASE).expect("B joins");
    b.optimize().expect("analyze");
    std::fs::remove_file(&snapshot).expect("remove snapshot");
    eprintln!("  B joined: {} changes in, {:.1} s in all", joined.received, started.elapsed().as_secs_f64());
    // B's package (nothing of its own) tells A what B holds.
    let from_b = dir.join("b.slsync");
    sync::write_file(&from_b, &sync::export(&b, Kind::Changes, &key).expect("B's package")).expect("write");
    sync::import_file(&mut a, &actor(), &from_b, &key).expect("A reads B's package");
    std::fs::remove_file(&from_b).expect("remove B's package");
    assert_eq!(person_count(&b), persons);
    drop((a, b));
    std::fs::write(dir.join("ready"), b"").expect("mark ready");
    dir
}

/// A copy of a PC's database (closed, so one file) in a folder of its own.
fn copy_of(db_dir: &Path) -> (TempDir, Store) {
    assert!(!db_dir.join(format!("{DB_FILE}-wal")).exists(), "the cached database is closed");
    let dir = TempDir::new().expect("temp dir");
    std::fs::copy(db_dir.join(DB_FILE), dir.path().join(DB_FILE)).expect("copy database");
    let store = Store::open_dir(dir.path()).expect("open copy");
    (dir, store)
}

/// Makes `n` field changes on A: person phones, then roster health notes
/// (two in five), each its own change-log entry, in transactions of 1,000.
fn make_changes(a: &mut Store, n: usize) {
    let elderly_share = n * 2 / 5;
    let ids = |sql: &str, limit: usize| -> Vec<String> {
        let mut stmt = a.conn().prepare(sql).expect("ids");
        let rows = stmt.query_map([limit as i64], |r| r.get(0)).expect("ids");
        rows.map(|r| r.expect("id")).collect()
    };
    let persons = ids("SELECT id FROM person ORDER BY id LIMIT ?1", n - elderly_share);
    let elderly = ids("SELECT id FROM elderly ORDER BY id LIMIT ?1", elderly_share);
    assert_eq!(persons.len() + elderly.len(), n, "enough persons and roster entries");
    let changes = persons
        .iter()
        .enumerate()
        .map(|(i, id)| (Table::Person, id, "phone", Value::Text(format!("139{:08}", i))))
        .chain(elderly.iter().enumerate().map(|(i, id)| {
            (Table::Elderly, id, "health_notes", Value::Text(format!("{}月随访：血压偏高，已提醒复查", i % 12 + 1)))
        }))
        .collect::<Vec<_>>();
    for chunk in changes.chunks(1000) {
        a.write(&actor(), |w| {
            for (table, id, field, value) in chunk {
                assert!(w.update(*table, id, None, &[(*field, value.clone())])?, "a real change");
            }
            Ok(())
        })
        .expect("changes on A");
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(times: &[Duration]) -> (Duration, Duration, Duration) {
    let mut t = times.to_vec();
    t.sort();
    (t[0], t[t.len() / 2], t[t.len() - 1])
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` does not.
    let bench_mode = std::env::args().any(|a| a == "--bench");
    // Sync keys go to the target's tmp folder, never the user's config folder.
    let config = Path::new(env!("CARGO_TARGET_TMPDIR")).join("street-ledger-config");
    assert!(sync::keys::use_config_dir(&config));
    let (persons, changes) = if bench_mode { (100_000, 50_000) } else { (2_000, 1_000) };
    let dir = prepared(persons);

    // A, changed: a copy of the cached A with the changes made now.
    let started = Instant::now();
    let (_a_dir, mut a) = copy_of(&dir.join("a"));
    make_changes(&mut a, changes);
    let key: OfficeKey = sync::office_key(a.conn(), PASSPHRASE).expect("key");
    eprintln!("{changes} changes made on a copy of A in {:.1} s", started.elapsed().as_secs_f64());

    let package_dir = TempDir::new().expect("temp dir");
    let package = package_dir.path().join("A.slsync");
    let bytes = sync::export(&a, Kind::Changes, &key).expect("export");
    let (header, _) = sync::package::read_header("A.slsync", &bytes).expect("a package");
    assert_eq!(header.changes, changes, "the package holds just what B lacks");
    sync::write_file(&package, &bytes).expect("write package");

    // The import once, checked: B then holds what A holds.
    {
        let (_b_dir, mut b) = copy_of(&dir.join("b"));
        let applied = sync::import_file(&mut b, &actor(), &package, &key).expect("import");
        assert_eq!((applied.received, applied.known, applied.deferred), (changes, 0, 0), "{applied:?}");
        assert_eq!(applied.records_changed, changes, "{applied:?}");
        if !bench_mode {
            let report = street_ledger::check::check(b.conn()).expect("check");
            assert!(report.ok(), "{:?}", report.problems);
            assert_eq!(
                street_ledger::dump::records(b.conn()).expect("dump"),
                street_ledger::dump::records(a.conn()).expect("dump")
            );
        }
    }

    let export_times = RefCell::new(Vec::new());
    let import_times = RefCell::new(Vec::new());
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(10)
        .configure_from_args();
    let mut group = c.benchmark_group(format!("sync @ {}k persons, {}k changes", persons / 1000, changes / 1000));
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("export package", |bench| {
        bench.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                std::hint::black_box(sync::export(&a, Kind::Changes, &key).expect("export"));
                let took = t.elapsed();
                export_times.borrow_mut().push(took);
                total += took;
            }
            total
        })
    });
    group.bench_function("import package into a copy of B", |bench| {
        bench.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (b_dir, mut b) = copy_of(&dir.join("b"));
                let t = Instant::now();
                let applied = sync::import_file(&mut b, &actor(), &package, &key).expect("import");
                let took = t.elapsed();
                assert_eq!(applied.received, changes);
                import_times.borrow_mut().push(took);
                total += took;
                drop((b, b_dir));
            }
            total
        })
    });
    group.finish();
    c.final_summary();

    let size = bytes.len();
    let rows =
        [("export", export_times.into_inner(), EXPORT_TARGET), ("import", import_times.into_inner(), IMPORT_TARGET)];
    println!(
        "\n{} persons, package of {} field changes ({:.1} MB sealed)\n{:<8}{:>6}{:>10}{:>10}{:>10}{:>10}  ",
        persons,
        changes,
        size as f64 / 1_048_576.0,
        "step",
        "runs",
        "min ms",
        "median",
        "max",
        "target",
    );
    for (name, times, target) in &rows {
        let (min, median, max) = summary(times);
        let verdict = if median < *target { "ok" } else { "OVER" };
        println!(
            "{name:<8}{:>6}{:>10.1}{:>10.1}{:>10.1}{:>10.0}  {verdict}",
            times.len(),
            ms(min),
            ms(median),
            ms(max),
            ms(*target)
        );
    }
    if !bench_mode {
        println!("(smoke test on a small office: the targets are for 100,000 persons and 50,000 changes)");
    }
}
