//! Files written for the user (导出) never replace the live database, a
//! backup or an existing file unless the user confirmed, and a failed export
//! leaves neither a half file nor a damaged old one.
use std::fs;
use std::path::{Path, PathBuf};

use street_ledger::audit::{self, AuditQuery};
use street_ledger::export::{self, Target};
use street_ledger::report::{self, Request};
use street_ledger::store::{Store, DB_FILE};
use street_ledger::{backup, check, import, Error};
use tempfile::TempDir;

use crate::support::{clerk, new_office, today, Office};

const OLD: &[u8] = b"the user's own file, kept as it was";

fn roster() -> Request {
    Request { name: "elderly-roster".into(), period: "2026".into(), community_id: None, unmasked: false }
}

fn data_dir(o: &Office) -> PathBuf {
    o.store.path().parent().unwrap().to_path_buf()
}

fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    match r {
        Err(e) => e.code().to_string(),
        Ok(v) => format!("ok: {v:?}"),
    }
}

/// The names in a folder, sorted: a temporary file left behind shows here.
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    n.sort();
    n
}

/// The exports this office can make.
const EXPORTS: [&str; 3] = ["report", "audit", "template"];

fn run(store: &Store, what: &str, target: &Target) -> Result<(), Error> {
    match what {
        "report" => report::export(store, &clerk(), &roster(), target, today()).map(|_| ()),
        "audit" => audit::export_xlsx(store, &clerk(), &AuditQuery::default(), target).map(|_| ()),
        _ => import::template(store, "elderly", target),
    }
}

fn every_export(store: &Store, target: &Target) -> Vec<(&'static str, Result<(), Error>)> {
    EXPORTS.into_iter().map(|what| (what, run(store, what, target))).collect()
}

#[test]
fn an_existing_file_is_refused_without_confirmation_and_left_byte_for_byte() {
    let o = new_office();
    let out = TempDir::new().unwrap();
    let path = out.path().join("老人花名册.xlsx");
    fs::write(&path, OLD).unwrap();
    for (what, r) in every_export(&o.store, &Target::new(&path, false)) {
        let e = r.unwrap_err();
        assert_eq!(e.code(), "export.exists", "{what}: {e}");
        let message = e.to_string();
        assert!(message.contains("老人花名册.xlsx") && message.contains("替换"), "{what}: {message}");
        assert_eq!(fs::read(&path).unwrap(), OLD, "{what} left the file as it was");
        assert_eq!(names(out.path()), ["老人花名册.xlsx"], "{what} left nothing beside it");
    }
    // A bare path is a target that does not replace.
    assert_eq!(code(report::export(&o.store, &clerk(), &roster(), &path, today())), "export.exists");
}

#[test]
fn a_confirmed_export_replaces_the_file_with_a_complete_one() {
    let o = new_office();
    let out = TempDir::new().unwrap();
    let path = out.path().join("报表.xlsx");
    for what in EXPORTS {
        fs::write(&path, OLD).unwrap();
        run(&o.store, what, &Target::new(&path, true)).unwrap_or_else(|e| panic!("{what}: {e}"));
        let _: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_ne!(fs::read(&path).unwrap(), OLD, "{what}");
        assert_eq!(names(out.path()), ["报表.xlsx"], "{what} left no temporary file");
    }
}

#[test]
fn a_new_file_is_written_without_confirmation() {
    let o = new_office();
    let out = TempDir::new().unwrap();
    let path = out.path().join("新文件.xlsx");
    report::export(&o.store, &clerk(), &roster(), &path, today()).unwrap();
    let _: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(names(out.path()), ["新文件.xlsx"]);
}

/// Every spelling of the live database and its companions, and places in
/// the backup folder, with the code each is refused with.
/// Symlinks go in `elsewhere`.
fn protected_paths(o: &Office, elsewhere: &Path) -> Vec<(PathBuf, &'static str)> {
    let dir = data_dir(o);
    let db = dir.join(DB_FILE);
    let backup = backup::backup_now(&o.store, &clerk(), "测试").unwrap().path;
    let backups = backup::backup_dir(&o.store).unwrap();
    fs::create_dir_all(dir.join("sub")).unwrap();
    let mut paths = vec![
        (db.clone(), "export.database"),
        (dir.join(format!("{DB_FILE}-wal")), "export.database"),
        (dir.join(format!("{DB_FILE}-shm")), "export.database"),
        (dir.join(format!("{DB_FILE}-journal")), "export.database"),
        (dir.join(".").join(DB_FILE), "export.database"),
        (dir.join("sub").join("..").join(DB_FILE), "export.database"),
        (dir.join("no-such-folder").join("..").join(format!("{DB_FILE}-wal")), "export.database"),
        (backup, "export.backup"),
        (backups.join("新报表.xlsx"), "export.backup"),
        (backups.join(".").join("新报表.xlsx"), "export.backup"),
    ];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&db, elsewhere.join("link.db")).unwrap();
        std::os::unix::fs::symlink(&backups, elsewhere.join("backups-link")).unwrap();
        std::os::unix::fs::symlink(&dir, elsewhere.join("data-link")).unwrap();
        paths.push((elsewhere.join("link.db"), "export.database"));
        paths.push((elsewhere.join("data-link").join(format!("{DB_FILE}-wal")), "export.database"));
        paths.push((elsewhere.join("backups-link").join("报表.xlsx"), "export.backup"));
    }
    paths
}

#[test]
fn the_live_database_its_companions_and_backups_are_refused_even_when_confirmed() {
    let o = new_office();
    let db = data_dir(&o).join(DB_FILE);
    let elsewhere = TempDir::new().unwrap();
    for (path, expected) in protected_paths(&o, elsewhere.path()) {
        let before = fs::read(&db).unwrap();
        let existed = fs::symlink_metadata(&path).is_ok();
        for overwrite in [false, true] {
            let target = Target::new(&path, overwrite);
            assert_eq!(code(export::check(&o.store, &target)), expected, "{} ({overwrite})", path.display());
            for (what, r) in every_export(&o.store, &target) {
                let e = r.unwrap_err();
                assert_eq!(e.code(), expected, "{what} to {}: {e}", path.display());
                assert!(e.to_string().contains("请换一个"), "{e}");
            }
            let e = export::write_bytes(&o.store, &target, b"x").unwrap_err();
            assert_eq!(e.code(), expected);
        }
        assert_eq!(fs::read(&db).unwrap(), before, "the database is untouched by {}", path.display());
        assert_eq!(fs::symlink_metadata(&path).is_ok(), existed, "nothing made at {}", path.display());
    }
    assert!(check::check(o.store.conn()).unwrap().ok());
}

#[test]
fn a_database_a_restore_set_aside_is_refused_like_a_backup() {
    let o = new_office();
    let aside = data_dir(&o).join(format!("{}20260101-120000", backup::BEFORE_RESTORE));
    fs::create_dir_all(&aside).unwrap();
    let target = Target::new(aside.join(DB_FILE), true);
    assert_eq!(code(export::check(&o.store, &target)), "export.backup");
}

#[test]
fn an_export_beside_the_database_in_the_data_folder_is_allowed() {
    let o = new_office();
    let path = data_dir(&o).join("street-ledger.db.xlsx");
    report::export(&o.store, &clerk(), &roster(), &path, today()).unwrap();
    assert!(path.exists());
}

#[test]
fn a_folder_is_not_a_file_to_write() {
    let o = new_office();
    let out = TempDir::new().unwrap();
    assert_eq!(code(export::check(&o.store, &Target::new(out.path(), true))), "export.folder");
}

#[test]
fn a_failed_export_leaves_no_half_file_and_the_old_one_intact() {
    let o = new_office();
    let out = TempDir::new().unwrap();
    let path = out.path().join("快照.slsync");
    fs::write(&path, OLD).unwrap();
    let r: Result<(), Error> = export::write(&o.store, &Target::new(&path, true), |temp| {
        fs::write(temp, b"half of a fi").unwrap();
        Err(Error::NotFound { what: "报表" })
    });
    assert_eq!(code(r), "not_found");
    assert_eq!(fs::read(&path).unwrap(), OLD);
    assert_eq!(names(out.path()), ["快照.slsync"]);
    // A new file that fails is not there at all.
    let fresh = out.path().join("新.slsync");
    let r: Result<(), Error> = export::write(&o.store, &Target::new(&fresh, false), |temp| {
        fs::write(temp, b"half").unwrap();
        Err(Error::NotFound { what: "报表" })
    });
    assert!(r.is_err() && !fresh.exists());
}

#[test]
fn a_file_that_appears_while_the_export_is_written_is_not_replaced() {
    let out = TempDir::new().unwrap();
    let path = out.path().join("报表.xlsx");
    let temp = export::temporary(&path);
    fs::write(&temp, b"the export").unwrap();
    fs::write(&path, OLD).unwrap(); // someone else's, meanwhile
    let e = export::place(&temp, &Target::new(&path, false)).unwrap_err();
    assert_eq!(e.code(), "export.exists");
    assert_eq!(fs::read(&path).unwrap(), OLD);
    export::place(&temp, &Target::new(&path, true)).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"the export");
    assert_eq!(names(out.path()), ["报表.xlsx"]);
}

#[test]
fn a_name_the_app_makes_up_is_never_a_file_already_there() {
    let out = TempDir::new().unwrap();
    let first = export::fresh(out.path(), "协议书", "pdf");
    assert_eq!(first, out.path().join("协议书.pdf"));
    fs::write(&first, OLD).unwrap();
    let second = export::fresh(out.path(), "协议书", "pdf");
    assert_eq!(second, out.path().join("协议书（2）.pdf"));
    // A folder typed, or none: a new file in it; a file typed: that file.
    let chosen = export::choose(out.path(), Some(out.path().to_str().unwrap()), "报表", "xlsx");
    assert_eq!(chosen.parent().unwrap(), out.path());
    assert!(!chosen.exists() && chosen.extension().unwrap() == "xlsx");
    let typed = out.path().join("上报.xlsx");
    assert_eq!(export::choose(out.path(), Some(typed.to_str().unwrap()), "报表", "xlsx"), typed);
}

#[test]
fn a_snapshot_follows_the_same_rule() {
    use street_ledger::sync;
    let mut o = new_office();
    sync::set_key(&o.store, &clerk(), "和平街道的同步密钥-2026").unwrap();
    let key = sync::stored_key(o.store.conn()).unwrap();
    let out = TempDir::new().unwrap();
    let path = out.path().join("快照.slsync");
    fs::write(&path, OLD).unwrap();
    assert_eq!(code(sync::snapshot(&mut o.store, &clerk(), &path, &key)), "export.exists");
    assert_eq!(fs::read(&path).unwrap(), OLD);
    let db = data_dir(&o).join(DB_FILE);
    assert_eq!(code(sync::snapshot(&mut o.store, &clerk(), Target::new(&db, true), &key)), "export.database");
    sync::snapshot(&mut o.store, &clerk(), Target::new(&path, true), &key).unwrap();
    assert_ne!(fs::read(&path).unwrap(), OLD);
    assert_eq!(names(out.path()), ["快照.slsync"]);
    assert!(check::check(o.store.conn()).unwrap().ok());
}

#[test]
fn a_refused_export_makes_no_folder() {
    let o = new_office();
    let backups = backup::backup_dir(&o.store).unwrap();
    fs::create_dir_all(&backups).unwrap();
    let before = names(&backups);
    let typed = backups.join("新建文件夹").join("子文件夹");
    let chosen = export::choose(&data_dir(&o), Some(typed.to_str().unwrap()), "报表", "xlsx");
    for (what, result) in every_export(&o.store, &Target::new(&chosen, true)) {
        assert_eq!(code(result), "export.backup", "{what}");
    }
    assert_eq!(names(&backups), before, "no folder made inside the backup folder");
    // An allowed export into a folder not there yet makes it.
    let out = TempDir::new().unwrap();
    let chosen = export::choose(&data_dir(&o), out.path().join("新文件夹").to_str(), "报表", "xlsx");
    run(&o.store, "report", &Target::from(&chosen)).unwrap();
    assert_eq!(names(&out.path().join("新文件夹")).len(), 1);
}

#[test]
fn a_case_number_makes_a_file_name_every_system_takes() {
    use street_ledger::print::file_stem;
    assert_eq!(file_stem("人民调解协议书-(2026)和平街人调字第1-3号"), "人民调解协议书-(2026)和平街人调字第1-3号");
    assert_eq!(file_stem("协议书 a/b:c*?\"<>|\n. "), "协议书 a_b_c_______");
    assert_eq!(file_stem(" .. "), "打印文档");
}

/// 另存为PDF follows the export rule before anything is printed: never the
/// database, and the folder made for an allowed file; the file is audited.
#[test]
fn a_pdf_of_a_print_view_follows_the_export_rule_and_is_audited() {
    use street_ledger::print;
    let o = new_office();
    let db = data_dir(&o).join(DB_FILE);
    assert_eq!(code(print::prepare(&o.store, &Target::new(&db, false))), "export.database");
    let out = TempDir::new().unwrap();
    let pdf = out.path().join("导出").join("协议书.pdf");
    print::prepare(&o.store, &Target::from(&pdf)).unwrap();
    assert!(pdf.parent().unwrap().is_dir() && !pdf.exists());
    print::record(&o.store, &clerk(), &pdf, "协议书").unwrap();
    let trail = audit::query(o.store.conn(), &clerk(), &AuditQuery::default()).unwrap();
    let saved = |e: &audit::AuditEntry| e.detail.as_deref().is_some_and(|d| d.contains("协议书，另存为PDF"));
    assert!(trail.items.iter().any(saved), "{:?}", trail.items);
    let path = print::pdf_target(&data_dir(&o), "协议书 1/2").path;
    assert_eq!(path.file_name().unwrap(), "协议书 1_2.pdf");
}
