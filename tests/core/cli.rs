//! The `street-ledger` command as a user runs it, on a data folder.
use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_street-ledger"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("STREET_LEDGER_DATA_DIR")
        .env("STREET_LEDGER_PASSWORD", street_ledger::demo::DEMO_PASSWORD)
        .output()
        .expect("run street-ledger")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

#[track_caller]
fn succeeds(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "stdout: {}\nstderr: {}", stdout(o), stderr(o));
}

#[test]
fn version_prints_the_package_version() {
    let o = Command::new(env!("CARGO_BIN_EXE_street-ledger")).arg("--version").output().unwrap();
    succeeds(&o);
    assert_eq!(stdout(&o).trim(), format!("street-ledger {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn init_sets_up_the_office_and_its_communities() {
    let dir = TempDir::new().unwrap();
    let o = run(dir.path(), &["init", "--office", "和平街道", "--communities", "东风社区,西城社区"]);
    succeeds(&o);
    assert!(stdout(&o).contains("和平街道，2个社区"), "{}", stdout(&o));

    let dump = run(dir.path(), &["--user", "admin", "dump", "--json"]);
    succeeds(&dump);
    let v: serde_json::Value = serde_json::from_str(&stdout(&dump)).unwrap();
    let mut names: Vec<&str> =
        v["community"].as_object().unwrap().values().map(|c| c["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["东风社区", "西城社区"]);
    assert_eq!(v["office"].as_object().unwrap().values().next().unwrap()["name"], "和平街道");
}

#[test]
fn a_demo_dumps_as_json_and_passes_the_check() {
    let dir = TempDir::new().unwrap();
    let o = run(dir.path(), &["demo", "--persons", "500", "--communities", "3", "--seed", "7"]);
    succeeds(&o);
    assert!(stdout(&o).contains("500名居民"), "{}", stdout(&o));

    let dump = run(dir.path(), &["--user", "admin", "dump", "--json"]);
    succeeds(&dump);
    let v: serde_json::Value = serde_json::from_str(&stdout(&dump)).expect("dump is valid JSON");
    let persons = v["person"].as_object().expect("person records");
    assert_eq!(persons.len(), 500);
    assert!(persons.values().all(|p| p["name"].is_string() && p["name_key"].is_string()));
    assert_eq!(v["community"].as_object().unwrap().len(), 3);
    assert!(!v["elderly"].as_object().unwrap().is_empty());

    let check = run(dir.path(), &["check"]);
    succeeds(&check);
    assert!(stdout(&check).contains("未发现问题"), "{}", stdout(&check));
}

#[test]
fn check_exits_1_and_lists_problems_when_a_row_was_altered() {
    let dir = TempDir::new().unwrap();
    succeeds(&run(dir.path(), &["init", "--office", "和平街道", "--communities", "东风社区"]));
    let db = dir.path().join(street_ledger::store::DB_FILE);
    rusqlite::Connection::open(&db).unwrap().execute("UPDATE community SET name = '改过的社区'", []).unwrap();

    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("问题：") && stdout(&o).contains("community"), "{}", stdout(&o));
}

#[test]
fn a_demo_on_an_initialised_folder_fails_with_a_chinese_message_and_exit_code_2() {
    let dir = TempDir::new().unwrap();
    succeeds(&run(dir.path(), &["init", "--office", "和平街道", "--communities", "东风社区,西城社区"]));

    let o = run(dir.path(), &["demo", "--persons", "50", "--communities", "2"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("错误：") && err.contains("已完成初始设置"), "{err}");
    let dump: serde_json::Value =
        serde_json::from_str(&stdout(&run(dir.path(), &["--user", "admin", "dump", "--json"]))).unwrap();
    assert!(dump["person"].as_object().unwrap().is_empty(), "the refused demo wrote nothing");
}

#[test]
fn a_folder_holding_a_newer_database_is_refused_with_exit_code_2() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join(street_ledger::store::DB_FILE);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", street_ledger::store::LATEST_VERSION + 1).unwrap();
    drop(conn);

    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("请升级本程序"), "{}", stderr(&o));
}

/// An office in `dir` and a report file already at `out`.
fn office_with_a_file(dir: &Path, out: &Path) {
    succeeds(&run(dir, &["init", "--office", "和平街道", "--communities", "东风社区"]));
    std::fs::write(out, b"someone's own file").unwrap();
}

fn report_to(dir: &Path, out: &Path, force: bool) -> Output {
    let out = out.to_str().unwrap();
    let mut args = vec!["--user", "admin", "report", "elderly-roster", "--period", "2026", "-o", out];
    if force {
        args.push("--force");
    }
    run(dir, &args)
}

#[test]
fn report_refuses_to_replace_an_existing_file_without_force() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("花名册.xlsx");
    office_with_a_file(dir.path(), &out);
    let o = report_to(dir.path(), &out, false);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("花名册.xlsx") && err.contains("已存在") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"someone's own file");
}

#[test]
fn report_with_force_replaces_the_file() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("花名册.xlsx");
    office_with_a_file(dir.path(), &out);
    succeeds(&report_to(dir.path(), &out, true));
    let _: calamine::Xlsx<_> = calamine::open_workbook(&out).expect("a complete workbook");
}

#[test]
fn force_never_replaces_the_database_or_a_backup() {
    let dir = TempDir::new().unwrap();
    succeeds(&run(dir.path(), &["init", "--office", "和平街道", "--communities", "东风社区"]));
    succeeds(&run(dir.path(), &["backup"]));
    let db = dir.path().join(street_ledger::store::DB_FILE);
    let backup = std::fs::read_dir(dir.path().join("backups")).unwrap().next().unwrap().unwrap().path();
    let spelled = dir.path().join(".").join(street_ledger::store::DB_FILE);
    let backup_bytes = std::fs::read(&backup).unwrap();
    for (target, says) in [(&db, "数据库"), (&spelled, "数据库"), (&backup, "备份")] {
        let o = report_to(dir.path(), target, true);
        assert_eq!(o.status.code(), Some(2), "{}", target.display());
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
        let o = run(dir.path(), &["import", "elderly", target.to_str().unwrap(), "--template", "--force"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }
    // The database changed only through SQLite (the logins were audited); no workbook replaced it.
    assert!(std::fs::read(&db).unwrap().starts_with(b"SQLite format 3\0"));
    assert!(std::fs::read(&backup).unwrap() == backup_bytes, "the backup is byte for byte as it was");
    succeeds(&run(dir.path(), &["check"]));
}

#[test]
fn an_import_template_over_an_existing_file_needs_force() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("模板.xlsx");
    office_with_a_file(dir.path(), &out);
    let o = run(dir.path(), &["import", "elderly", out.to_str().unwrap(), "--template"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).unwrap(), b"someone's own file");
    succeeds(&run(dir.path(), &["import", "elderly", out.to_str().unwrap(), "--template", "--force"]));
    let _: calamine::Xlsx<_> = calamine::open_workbook(&out).expect("a complete workbook");
}

#[test]
fn sync_snapshot_and_export_need_force_to_replace_and_never_replace_the_database() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("快照.slsync");
    office_with_a_file(dir.path(), &out);
    let sync = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_street-ledger"))
            .arg("--data-dir")
            .arg(dir.path())
            .arg("sync")
            .args(args)
            .env("STREET_LEDGER_SYNC_KEY", "和平街道的同步密钥-2026")
            .output()
            .unwrap()
    };
    let o = out.to_str().unwrap();
    for action in ["snapshot", "export"] {
        let refused = sync(&[action, "-o", o]);
        assert_eq!(refused.status.code(), Some(2), "{action}");
        assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
        assert_eq!(std::fs::read(&out).unwrap(), b"someone's own file", "{action}");
        let db = dir.path().join(".").join(street_ledger::store::DB_FILE);
        let refused = sync(&[action, "-o", db.to_str().unwrap(), "--force"]);
        assert_eq!(refused.status.code(), Some(2), "{action}");
        assert!(stderr(&refused).contains("数据库"), "{}", stderr(&refused));
    }
    succeeds(&sync(&["snapshot", "-o", o, "--force"]));
    assert_ne!(std::fs::read(&out).unwrap(), b"someone's own file");
    succeeds(&run(dir.path(), &["check"]));
}

/// A package file of `len` bytes with `package`'s header (another PC its
/// writer, its body length made to fit) and a body of zeros left as a hole: no disk is used for it.
fn large_package_like(package: &[u8], path: &Path, len: u64) {
    use std::io::Write;
    use street_ledger::sync::package;
    let (mut header, _) = package::read_header("", package).unwrap();
    // As if another PC wrote it.
    header.writer = street_ledger::store::new_id();
    let json_len = |h: &package::Header| serde_json::to_vec(h).unwrap().len() as u64;
    header.body_len = len - 14 - json_len(&header);
    // The body length's digits are part of the header's length.
    header.body_len = len - 14 - json_len(&header);
    let json = serde_json::to_vec(&header).unwrap();
    let mut file = std::fs::File::create(path).unwrap();
    // The magic and the format, then the header's length and the header.
    file.write_all(&package[..10]).unwrap();
    file.write_all(&(json.len() as u32).to_le_bytes()).unwrap();
    file.write_all(&json).unwrap();
    file.set_len(len).unwrap();
}

/// A sync folder full of large files that are not for this PC (another
/// office's, or sealed with another key) is judged by their headers alone:
/// no body is read, so the run fits in far less memory than the files take.
#[cfg(unix)]
#[test]
fn large_package_files_of_another_office_or_key_are_refused_without_reading_their_bodies() {
    use street_ledger::store::Store;
    use street_ledger::sync::{self, Kind};
    const PASSPHRASE: &str = "和平街道的同步密钥-2026";
    let dir = TempDir::new().unwrap();
    succeeds(&run(dir.path(), &["init", "--office", "和平街道", "--communities", "东风社区"]));
    crate::support::config_dir();
    let ours = Store::open_dir(dir.path()).unwrap();
    let wrong_key = sync::office_key(ours.conn(), "另一个密钥-不是本街道的-2026").unwrap();
    let wrong_key_package = sync::export(&ours, Kind::Changes, &wrong_key).unwrap();
    drop(ours);
    let other = crate::support::new_office();
    let other_key = sync::office_key(other.store.conn(), PASSPHRASE).unwrap();
    let other_office_package = sync::export(&other.store, Kind::Changes, &other_key).unwrap();

    let folder = TempDir::new().unwrap();
    for i in 0..15 {
        let len = 120 << 20;
        large_package_like(&other_office_package, &folder.path().join(format!("别处-{i:02}.slsync")), len);
        large_package_like(&wrong_key_package, &folder.path().join(format!("错钥-{i:02}.slsync")), len);
    }
    // 30 files of 120 MB; the run may take no more than 1 GiB of address space.
    let bin = env!("CARGO_BIN_EXE_street-ledger");
    let o = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 1048576 && exec "$0" --data-dir "$1" --user admin sync --dir "$2""#)
        .arg(bin)
        .arg(dir.path())
        .arg(folder.path())
        .env_remove("STREET_LEDGER_DATA_DIR")
        .env("STREET_LEDGER_PASSWORD", street_ledger::demo::DEMO_PASSWORD)
        .env("STREET_LEDGER_SYNC_KEY", PASSPHRASE)
        .output()
        .unwrap();
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "refusals reported\nstdout: {out}\nstderr: {}", stderr(&o));
    assert_eq!(out.matches("属于另一个街道办").count(), 15, "{out}");
    assert_eq!(out.matches("同步密钥不对").count(), 15, "{out}");
    assert!(out.contains("读入0个同步包"), "{out}");
}

#[test]
fn a_mistyped_existing_choice_is_refused_not_read_as_skip() {
    let dir = TempDir::new().unwrap();
    succeeds(&run(dir.path(), &["init", "--office", "和平街道", "--communities", "东风社区"]));
    let file = dir.path().join("花名册.csv");
    std::fs::write(&file, "姓名,身份证号,所属社区\n").unwrap();
    let o = run(dir.path(), &["--user", "admin", "import", "elderly", file.to_str().unwrap(), "--existing", "updte"]);
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert!(stderr(&o).contains("update, skip, stop"), "{}", stderr(&o));
}

#[test]
fn a_mistyped_register_or_report_is_refused_with_the_choices() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("模板.xlsx");
    let o = run(dir.path(), &["import", "elderley", out.to_str().unwrap(), "--template"]);
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert!(stderr(&o).contains("elderly, employment, households, mediation"), "{}", stderr(&o));
    assert!(!out.exists());
    let o = run(dir.path(), &["--user", "admin", "report", "elderly-rooster", "--period", "2026", "-o", "x.xlsx"]);
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert!(stderr(&o).contains("elderly-roster, elderly-services"), "{}", stderr(&o));
}

/// `street-ledger backup --list | head -1`: the reader goes away before the
/// list is written; the CLI ends as other command-line tools do (by SIGPIPE),
/// never with a panic.
#[cfg(target_os = "linux")]
#[test]
fn a_listing_piped_into_a_reader_that_stops_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let dir = TempDir::new().unwrap();
    crate::support::config_dir();
    succeeds(&run(dir.path(), &["init", "--office", "和平街道", "--communities", "东风社区"]));
    succeeds(&run(dir.path(), &["backup"]));
    let mut child = Command::new(env!("CARGO_BIN_EXE_street-ledger"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["backup", "--list"])
        .env_remove("STREET_LEDGER_DATA_DIR")
        .env("STREET_LEDGER_CONFIG_DIR", street_ledger::sync::keys::config_dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader is gone before the first line is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    const SIGPIPE: i32 = 13;
    assert!(out.status.code() == Some(0) || out.status.signal() == Some(SIGPIPE), "{:?}", out.status);
}
