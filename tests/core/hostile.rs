//! Hostile input: files an office (or a stranger in the sync folder) may hand
//! the app, each taken by the real `street-ledger` command under a 1 GB
//! address-space limit. Every one must end in a clear Chinese message and
//! leave the database exactly as it was: never a crash, never a write.
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The address-space limit the command runs under (`ulimit -v`, in KiB).
pub const MEMORY_LIMIT_KIB: u64 = 1 << 20;

/// Runs `street-ledger --data-dir DIR ARGS...` under `ulimit -v`, as the
/// demo's administrator. A run still going after `hang` is killed and the
/// test fails: a hostile file must not hold the store for ever. (This guards
/// against a hang; it is not a speed figure.)
pub fn run_limited(dir: &Path, args: &[&str], hang: Duration) -> Output {
    run_with_limits(dir, args, hang, &format!("ulimit -v {MEMORY_LIMIT_KIB}"))
}

/// [`run_limited`] under the given `ulimit` commands instead.
pub fn run_with_limits(dir: &Path, args: &[&str], hang: Duration, ulimits: &str) -> Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("{ulimits} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_street-ledger"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("STREET_LEDGER_DATA_DIR")
        .env("STREET_LEDGER_PASSWORD", street_ledger::demo::DEMO_PASSWORD)
        // The sync key store this test run's own code uses.
        .env(street_ledger::sync::keys::CONFIG_DIR_ENV, crate::support::config_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run street-ledger under ulimit");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait for street-ledger").is_some() {
            return child.wait_with_output().expect("output of street-ledger");
        }
        if start.elapsed() > hang {
            let _ = child.kill();
            let o = child.wait_with_output().expect("output of street-ledger");
            panic!(
                "street-ledger {args:?} still running after {hang:?}\nstderr: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The command refused the input the way a user should see it: a non-zero
/// exit (not a signal, not a panic or allocation failure) and a Chinese
/// message on stderr.
#[track_caller]
pub fn refused_clearly(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.code().is_some_and(|c| c != 0), "expected a refusal, got {:?}\nstderr: {err}", o.status);
    assert!(!err.contains("panicked") && !err.contains("memory allocation"), "crashed: {err}");
    assert!(crate::support::is_chinese(&err), "message not in Chinese: {err}");
    err
}

/// Tables a refused command may still write: signing in (`--user`) is itself
/// audited and clears the failure count; SQLite keeps its own statistics.
const NOT_DATA: &[&str] = &["audit_event", "audit_head", "login_state"];

/// Every row of every data table, as text: equal before and after means zero
/// writes. Compare with `assert_unchanged`, which names the tables that differ.
pub fn fingerprint(db: &Path) -> Vec<(String, Vec<String>)> {
    use rusqlite::types::ValueRef;
    let conn = rusqlite::Connection::open(db).expect("open database");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let text = |v: ValueRef| match v {
        ValueRef::Null => "∅".to_string(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(b) => format!("blob:{}", b.len()),
    };
    let mut out = Vec::new();
    for t in tables.into_iter().filter(|t| !NOT_DATA.contains(&t.as_str())) {
        // Sorted here: some tables have no rowid to order by.
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| Ok((0..n).map(|i| text(r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.push((t, rows));
    }
    out
}

/// The database holds exactly what `before` recorded.
#[track_caller]
pub fn assert_unchanged(db: &Path, before: &[(String, Vec<String>)]) {
    let after = fingerprint(db);
    let changed: Vec<&str> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, _)| b.0.as_str())
        .chain((before.len() != after.len()).then_some("(tables added or removed)"))
        .collect();
    assert!(changed.is_empty(), "the refused command wrote to: {changed:?}");
}

/// A data folder with a small demo street, and its database file.
pub fn demo_folder() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::TempDir::new().unwrap();
    let o = run_limited(dir.path(), &["demo", "--persons", "300", "--communities", "2", "--seed", "3"], HANG);
    assert_eq!(o.status.code(), Some(0), "demo: {}", String::from_utf8_lossy(&o.stderr));
    let db = dir.path().join("street-ledger.db");
    assert!(db.exists(), "the demo made no database at {}", db.display());
    (dir, db)
}

/// Long enough for a debug build on a loaded machine; a hang, not a figure.
pub const HANG: Duration = Duration::from_secs(120);

#[test]
fn a_file_that_is_not_there_is_refused_in_chinese_with_nothing_written() {
    let (dir, db) = demo_folder();
    let before = fingerprint(&db);
    let missing = dir.path().join("没有这个文件.xlsx");
    let o = run_limited(dir.path(), &["--user", "admin", "import", "elderly", missing.to_str().unwrap()], HANG);
    refused_clearly(&o);
    assert_unchanged(&db, &before);
}
