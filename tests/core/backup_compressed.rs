//! Compressed backups (issue 18): a backup is a zstd-compressed, checked
//! copy, a fraction of the database's size. A restore unpacks it through a
//! bound and refuses a damaged or hostile file as damaged, changing nothing.
//! Version 0.2.0's uncompressed `.db` backups stay listed, verified, rotated
//! and restorable after an office upgrades.
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use street_ledger::access::Actor;
use street_ledger::backup::{self, BackupError};
use street_ledger::store::{Store, DB_FILE, LATEST_VERSION};
use street_ledger::{demo, dump, Error};
use tempfile::TempDir;

use crate::hostile::{refused_clearly, run_with_limits, MEMORY_LIMIT_KIB};
use crate::support::{clerk, elder, id_number, new_office, set_setting, today, unpack_backup, Office};

const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

fn records_in(data_dir: &Path) -> serde_json::Value {
    dump::records(Store::open_dir(data_dir).expect("open store").conn()).expect("records")
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

fn close(office: Office) -> (TempDir, PathBuf) {
    let Office { store, _dir, .. } = office;
    drop(store);
    let data_dir = _dir.path().to_path_buf();
    (_dir, data_dir)
}

fn office_with_one_elder() -> Office {
    let mut office = new_office();
    let dongfeng = office.dongfeng.clone();
    office.register(&elder("王秀英", &id_number(1940, 3, 8, 22), &dongfeng));
    office
}

/// The data folder as a refused restore must leave it: the same database
/// bytes, nothing set aside, no temporary file.
#[track_caller]
fn assert_untouched(data_dir: &Path, db_before: &[u8]) {
    assert_eq!(fs::read(data_dir.join(DB_FILE)).unwrap(), db_before, "the database is untouched");
    let stray: Vec<String> = names_in(data_dir)
        .into_iter()
        .filter(|n| n.starts_with('.') || n.starts_with(backup::BEFORE_RESTORE))
        .collect();
    assert!(stray.is_empty(), "left behind: {stray:?}");
}

#[test]
fn a_backup_of_a_street_is_under_a_third_of_its_database_and_restores_every_record() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let spec =
        demo::DemoSpec { office_name: "示例街道".into(), communities: 3, persons: 2_000, seed: 5, today: today() };
    demo::generate(&mut store, &clerk(), &spec).unwrap();
    let database: u64 = store
        .conn()
        .query_row("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size", [], |r| r.get(0))
        .unwrap();
    let at_backup = dump::records(store.conn()).unwrap();

    let b = backup::backup_now(&store, &clerk(), "").unwrap();
    assert!(b.compressed && b.file_name.ends_with(".db.zst"), "{}", b.file_name);
    assert_eq!(fs::read(&b.path).unwrap()[..4], ZSTD_MAGIC, "a zstd file");
    assert!(b.size * 3 < database, "{} bytes compressed of a {database}-byte database", b.size);

    let new_pc = TempDir::new().unwrap();
    let r = backup::restore(new_pc.path(), &b.path, &Actor::system()).unwrap();
    assert_eq!(r.schema_version, LATEST_VERSION);
    assert_eq!(records_in(new_pc.path()), at_backup, "every record, as it was");
}

#[test]
fn verifying_a_compressed_backup_leaves_no_file_behind() {
    let office = office_with_one_elder();
    let b = backup::backup_now(&office.store, &clerk(), "").unwrap();
    let folder = b.path.parent().unwrap().to_path_buf();
    let before = names_in(&folder);
    assert_eq!(backup::verify(&b.path).unwrap(), LATEST_VERSION);
    assert_eq!(backup::newest_good(&folder).unwrap().file_name, b.file_name);
    assert_eq!(names_in(&folder), before);
}

#[test]
fn a_backup_made_by_version_0_2_0_uncompressed_is_listed_verified_found_and_restored() {
    let mut office = office_with_one_elder();
    let at_backup = dump::records(office.store.conn()).unwrap();
    let b = backup::backup_now(&office.store, &clerk(), "").unwrap();
    // 0.2.0 made plain SQLite files named `.db`.
    let folder = backup::backup_dir(&office.store).unwrap();
    let old = folder.join("street-ledger-20250301-090000.db");
    unpack_backup(&b.path, &old);
    let dongfeng = office.dongfeng.clone();
    office.register(&elder("李建国", &id_number(1938, 11, 2, 13), &dongfeng));

    let listed: Vec<(String, bool)> =
        backup::list(&folder).unwrap().into_iter().map(|b| (b.file_name, b.compressed)).collect();
    assert_eq!(listed, [(b.file_name.clone(), true), (old.file_name().unwrap().to_str().unwrap().into(), false)]);
    assert_eq!(backup::verify(&old).unwrap(), LATEST_VERSION);
    let data_dir = office._dir.path().to_path_buf();
    let found = backup::find_restorable(&office.store, &Actor::system(), &data_dir, "street-ledger-20250301-090000.db");
    assert_eq!(found.unwrap(), old, "the 备份 page restores it by the name it lists");

    let (_dir, data_dir) = close(office);
    backup::restore(&data_dir, &old, &Actor::system()).unwrap();
    assert_eq!(records_in(&data_dir), at_backup);
}

#[test]
fn the_v0_2_0_fixture_as_an_old_backup_restores_and_is_upgraded_with_a_compressed_backup_first() {
    let office = new_office();
    let folder = backup::backup_dir(&office.store).unwrap();
    let (_dir, data_dir) = close(office);
    fs::create_dir_all(&folder).unwrap();
    let old = folder.join("street-ledger-20251101-080000.db");
    fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-6-v0.2.0.db"), &old).unwrap();

    let r = backup::restore(&data_dir, &old, &Actor::system()).unwrap();
    assert_eq!(r.schema_version, 6);
    let store = Store::open_dir(&data_dir).unwrap();
    let persons: i64 = store.conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
    assert_eq!(persons, 200);
    // Opening it upgraded it, after a backup of the old schema: compressed, and listed first.
    let listed = backup::list(&folder).unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed[0].compressed && listed[1].file_name == "street-ledger-20251101-080000.db", "{listed:?}");
    assert_eq!(backup::verify(&listed[0].path).unwrap(), 6, "the backup holds the database before the upgrade");
}

#[test]
fn rotation_counts_compressed_and_uncompressed_backups_alike() {
    let mut office = office_with_one_elder();
    set_setting(&mut office.store, "backup.keep", "3");
    let first = backup::backup_now(&office.store, &clerk(), "").unwrap();
    let folder = first.path.parent().unwrap().to_path_buf();
    for old in ["street-ledger-20250101-080000.db", "street-ledger-20250102-080000.db"] {
        unpack_backup(&first.path, &folder.join(old));
    }
    fs::remove_file(&first.path).unwrap();

    let kept = |office: &Office| -> Vec<String> {
        let listed = backup::list(&backup::backup_dir(&office.store).unwrap()).unwrap();
        listed.into_iter().map(|b| b.file_name).collect()
    };
    let a = backup::backup_now(&office.store, &clerk(), "").unwrap().file_name;
    assert_eq!(kept(&office), [a.as_str(), "street-ledger-20250102-080000.db", "street-ledger-20250101-080000.db"]);
    let b = backup::backup_now(&office.store, &clerk(), "").unwrap().file_name;
    assert_eq!(kept(&office), [b.as_str(), a.as_str(), "street-ledger-20250102-080000.db"], "the oldest went");
    let c = backup::backup_now(&office.store, &clerk(), "").unwrap().file_name;
    assert_eq!(kept(&office), [c, b, a]);
}

/// Pseudo-random bytes (splitmix64), the same every run.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as u8
        })
        .collect()
}

#[test]
fn a_truncated_or_random_compressed_backup_is_refused_as_damaged_and_nothing_is_written() {
    let office = office_with_one_elder();
    let good = backup::backup_now(&office.store, &clerk(), "").unwrap();
    let folder = good.path.parent().unwrap().to_path_buf();
    let (_dir, data_dir) = close(office);
    let whole = fs::read(&good.path).unwrap();
    let not_a_database = {
        let mut e = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
        e.write_all(&"这不是数据库".repeat(10_000).into_bytes()).unwrap();
        e.finish().unwrap()
    };
    let hostile: Vec<(&str, Vec<u8>)> = vec![
        ("street-ledger-20990101-000001.db.zst", whole[..whole.len() / 2].to_vec()),
        ("street-ledger-20990101-000002.db.zst", whole[..whole.len() - 1].to_vec()),
        ("street-ledger-20990101-000003.db.zst", noise(64 << 10, 1)),
        ("street-ledger-20990101-000004.db.zst", [&ZSTD_MAGIC[..], &noise(64 << 10, 2)].concat()),
        ("street-ledger-20990101-000005.db.zst", [&whole[..], &noise(100, 3)].concat()),
        ("street-ledger-20990101-000006.db.zst", not_a_database),
    ];
    let db_before = fs::read(data_dir.join(DB_FILE)).unwrap();
    for (name, bytes) in &hostile {
        fs::write(folder.join(name), bytes).unwrap();
    }
    let in_folder = names_in(&folder);
    for (name, _) in &hostile {
        let path = folder.join(name);
        let e = backup::verify(&path).unwrap_err();
        assert!(matches!(&e, BackupError::Damaged(f) if f.contains(name)), "{name}: {e:?}");
        let e = match backup::restore(&data_dir, &path, &Actor::system()).unwrap_err() {
            Error::Backup(e) => e,
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(e.code(), "backup.damaged", "{name}");
        assert!(e.to_string().contains("已损坏，无法恢复；请选择其他备份") && e.to_string().contains(name), "{e}");
        assert_untouched(&data_dir, &db_before);
    }
    assert_eq!(names_in(&folder), in_folder, "verifying left nothing in the backup folder");
    assert_eq!(backup::newest_good(&folder).unwrap().file_name, good.file_name, "the damaged ones are passed over");
}

/// A small zstd file inflating to `frames` × 64 MiB of zeros, with no size
/// in its headers (as a stream is written): only reading it finds how big it is.
fn bomb(frames: usize) -> Vec<u8> {
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        e.write_all(&zeros).unwrap();
    }
    let frame = e.finish().unwrap();
    frame.repeat(frames)
}

/// One frame that says in its header it holds `size` bytes (and does).
fn declared_bomb(size: u64) -> Vec<u8> {
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    e.include_contentsize(true).unwrap();
    e.set_pledged_src_size(Some(size)).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..size >> 20 {
        e.write_all(&zeros).unwrap();
    }
    e.finish().unwrap()
}

#[test]
fn a_zstd_bomb_is_refused_as_damaged_under_a_memory_limit_and_nothing_is_written() {
    let office = office_with_one_elder();
    let folder = backup::backup_dir(&office.store).unwrap();
    let (_dir, data_dir) = close(office);
    fs::create_dir_all(&folder).unwrap();
    let bombs = [
        // 2.5 GiB from well under a megabyte: far beyond 1000 times its size.
        ("street-ledger-20990101-000001.db.zst", bomb(40)),
        ("street-ledger-20990101-000002.db.zst", declared_bomb(512 << 20)),
    ];
    let db_before = fs::read(data_dir.join(DB_FILE)).unwrap();
    for (name, bytes) in &bombs {
        assert!(bytes.len() < 1 << 20, "{name}: {} bytes", bytes.len());
        let path = folder.join(name);
        fs::write(&path, bytes).unwrap();
        // Memory as for any hostile file; files up to 320 MiB: the bound
        // (256 MiB for a file this small) and not a byte more is written.
        let limits = format!("ulimit -v {MEMORY_LIMIT_KIB} && ulimit -f {}", (320u64 << 20) / 512);
        let o = run_with_limits(&data_dir, &["restore", path.to_str().unwrap()], Duration::from_secs(120), &limits);
        let err = refused_clearly(&o);
        assert!(err.contains("已损坏") && err.contains(name), "{name}: {err}");
        assert_untouched(&data_dir, &db_before);

        assert!(matches!(backup::verify(&path), Err(BackupError::Damaged(_))), "{name}");
        assert_eq!(names_in(&folder), [*name], "verifying left nothing behind");
        fs::remove_file(&path).unwrap();
    }
}
