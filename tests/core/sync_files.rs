//! A sync package that is not what it should be — sealed with another key,
//! cut short, altered, not a package at all, from a newer program, from
//! another office, from a PC whose clock runs days ahead — is refused with
//! its own code and a Chinese message, and the receiving database file stays
//! byte for byte as it was. A folder run skips such a file and still takes
//! in the good ones; a package read twice changes nothing; a mistyped key is
//! caught before it is saved.
//!
//! Byte comparisons: the database runs in WAL mode, so a committed write may
//! sit in the `-wal` file while the main file is untouched. Every comparison
//! therefore closes the store first (the last connection to close
//! checkpoints the WAL into the main file and deletes it, which is asserted),
//! reads the main file, reopens, makes the attempt, closes again and reads
//! again. [`the_byte_comparison_sees_a_good_import`] shows that the same
//! procedure does see an import.
use std::path::PathBuf;

use street_ledger::store::{Store, DB_FILE, LATEST_VERSION};
use street_ledger::sync::package::{self, Header, FORMAT};
use street_ledger::sync::{self, Kind, OfficeKey};
use street_ledger::{dump, Error};
use tempfile::TempDir;

use crate::support::{clerk, count, elder, id_number, is_chinese, new_office, Office};

/// The office passphrase. (“正确的同步密钥” alone is 7 characters: the core
/// asks for at least 8, see [`a_key_shorter_than_8_characters_is_refused`].)
const PASSPHRASE: &str = "正确的同步密钥2025年";

/// A PC of the office other than A: joined from A's snapshot. Its store can
/// be closed and reopened to read the database file's bytes.
struct Peer {
    store: Option<Store>,
    dir: TempDir,
}

impl Peer {
    fn store(&mut self) -> &mut Store {
        if self.store.is_none() {
            self.store = Some(Store::open_dir(self.dir.path()).expect("reopen store"));
        }
        self.store.as_mut().expect("opened above")
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join(DB_FILE)
    }

    /// The database file's bytes with every commit in it: the store closed,
    /// its WAL checkpointed and gone.
    fn db_bytes(&mut self) -> Vec<u8> {
        self.store = None;
        let wal = self.dir.path().join(format!("{DB_FILE}-wal"));
        assert!(!wal.exists(), "closing the store checkpoints and removes the WAL");
        let bytes = std::fs::read(self.db()).expect("read database file");
        assert!(bytes.len() > 4096, "a real database file");
        bytes
    }
}

/// Office A (set up here, with the key) and B (joined from A's snapshot,
/// then A has read B's first package), A with two roster entries B does not
/// have yet, and a folder to put packages in.
struct Pair {
    a: Office,
    b: Peer,
    key: OfficeKey,
    folder: TempDir,
}

fn pair() -> Pair {
    let mut a = new_office();
    sync::set_key(&a.store, &clerk(), PASSPHRASE).expect("set A's key");
    let key = sync::office_key(a.store.conn(), PASSPHRASE).unwrap();
    assert_eq!(sync::stored_key(a.store.conn()).unwrap(), key);
    a.register(&elder("赵淑珍", &id_number(1940, 3, 5, 12), &a.dongfeng.clone()));

    let usb = TempDir::new().unwrap();
    let snapshot = usb.path().join("快照.slsync");
    sync::snapshot(&mut a.store, &clerk(), &snapshot, &key).unwrap();
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let joined = sync::join(&mut store, &snapshot, PASSPHRASE).expect("B joins from A's snapshot");
    assert!(joined.received > 0 && joined.records_changed > 0, "{joined:?}");
    assert_eq!(sync::stored_key(store.conn()).unwrap(), key, "joining keeps the key");
    // B's first package (what joining wrote on B, and what B holds) goes to
    // A, as on the first sync.
    let from_b = usb.path().join("B.slsync");
    sync::write_file(&from_b, &sync::export(&store, Kind::Changes, &key).unwrap()).unwrap();
    sync::import_file(&mut a.store, &clerk(), &from_b, &key).unwrap();
    assert_eq!(records(&store), records(&a.store), "B holds what A holds");

    // Changes B has not seen yet.
    a.register(&elder("钱国强", &id_number(1938, 7, 9, 13), &a.dongfeng.clone()));
    a.register(&elder("孙秀英", &id_number(1945, 11, 20, 14), &a.xicheng.clone()));
    Pair { a, b: Peer { store: Some(store), dir }, key, folder: TempDir::new().unwrap() }
}

impl Pair {
    /// A's package of what B may lack, sealed with `key`.
    fn package_with(&self, key: &OfficeKey) -> Vec<u8> {
        sync::export(&self.a.store, Kind::Changes, key).unwrap()
    }

    fn package(&self) -> Vec<u8> {
        self.package_with(&self.key)
    }

    fn put(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.folder.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Imports a file into B with B's key and expects it refused with
    /// `code`, B's database file unchanged. Returns the message.
    #[track_caller]
    fn refused(&mut self, name: &str, bytes: &[u8], code: &str) -> String {
        let path = self.put(name, bytes);
        let key = self.key.clone();
        refused_unchanged(&mut self.b, code, |store| sync::import_file(store, &clerk(), &path, &key))
    }
}

/// Runs `attempt` on B's store, expects `Err` with `code` and a Chinese
/// message, and B's database file byte-for-byte as before. Returns the
/// message.
#[track_caller]
fn refused_unchanged<T: std::fmt::Debug>(
    peer: &mut Peer,
    code: &str,
    attempt: impl FnOnce(&mut Store) -> street_ledger::Result<T>,
) -> String {
    let before = peer.db_bytes();
    let err = attempt(peer.store()).expect_err("refused");
    assert!(matches!(err, Error::Sync(_)), "{err:?}");
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(err.payload().code, code);
    let message = err.to_string();
    assert!(is_chinese(&message), "{message}");
    let after = peer.db_bytes();
    assert!(
        before == after,
        "{code}: the database file changed ({} bytes before, {} after)",
        before.len(),
        after.len()
    );
    message
}

fn records(store: &Store) -> serde_json::Value {
    dump::records(store.conn()).unwrap()
}

fn persons_named(store: &Store, name: &str) -> i64 {
    store.conn().query_row("SELECT count(*) FROM person WHERE name = ?1", [name], |r| r.get(0)).unwrap()
}

/// Byte range of the header JSON, and where the body starts.
fn header_span(bytes: &[u8]) -> (usize, usize) {
    let (_, header_end) = package::read_header("x", bytes).unwrap();
    (14, header_end)
}

/// Position of the first byte of a string value in the header JSON.
fn header_value_at(bytes: &[u8], field: &str) -> usize {
    let (start, end) = header_span(bytes);
    let needle = format!("\"{field}\":\"");
    let at = bytes[start..end].windows(needle.len()).position(|w| w == needle.as_bytes()).expect("field in header");
    start + at + needle.len()
}

fn flipped(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at] ^= 0x01;
    out
}

/// Reseals a package's content with a changed header (what a newer program
/// or a damaged writer would produce, sealed properly).
fn resealed(bytes: &[u8], key: &OfficeKey, edit: impl FnOnce(&mut Header, &mut package::Body)) -> Vec<u8> {
    let (mut header, mut body) = package::open("x", bytes, key).unwrap();
    edit(&mut header, &mut body);
    package::seal(header, &body, key)
}

fn millis_now() -> u64 {
    chrono::Utc::now().timestamp_millis() as u64
}

#[test]
fn the_byte_comparison_sees_a_good_import() {
    let mut p = pair();
    let path = p.put("A.slsync", &p.package());
    let before = p.b.db_bytes();
    let applied = sync::import_file(p.b.store(), &clerk(), &path, &p.key).unwrap();
    assert!(applied.received > 0 && applied.records_changed >= 4, "{applied:?}");
    let after = p.b.db_bytes();
    assert_ne!(before, after, "an import shows in the closed database file");
    assert_eq!(records(p.b.store()), records(&p.a.store));
    assert_eq!(persons_named(p.b.store(), "孙秀英"), 1);
}

#[test]
fn a_package_sealed_with_another_key_is_refused_as_wrong_key() {
    let mut p = pair();
    // Sealed on a PC where someone typed another passphrase.
    let other = sync::office_key(p.a.store.conn(), "另一个同步密钥20250").unwrap();
    let m = p.refused("A.slsync", &p.package_with(&other), "sync.wrong_key");
    assert!(m.contains("A.slsync") && m.contains("密钥"), "{m}");
    // And a good package opened with a wrong key on this side.
    let path = p.put("A2.slsync", &p.package());
    refused_unchanged(&mut p.b, "sync.wrong_key", |s| sync::import_file(s, &clerk(), &path, &other));
    assert_eq!(persons_named(p.b.store(), "孙秀英"), 0);
}

#[test]
fn a_truncated_package_is_refused_as_truncated_wherever_it_was_cut() {
    let mut p = pair();
    let bytes = p.package();
    let (header_start, body_start) = header_span(&bytes);
    let cuts = [
        ("inside the magic", 3),
        ("after the magic", 8),
        ("inside the format", 9),
        ("inside the header length", 12),
        ("before the header", header_start),
        ("just inside the header", header_start + 1),
        ("mid header", (header_start + body_start) / 2),
        ("just before the body", body_start - 1),
        ("before the body", body_start),
        ("just inside the body", body_start + 1),
        ("mid body", (body_start + bytes.len()) / 2),
        ("inside the tag", bytes.len() - 8),
        ("last byte missing", bytes.len() - 1),
    ];
    for (what, cut) in cuts {
        let m = p.refused("A.slsync", &bytes[..cut], "sync.truncated");
        assert!(m.contains("A.slsync") && m.contains("不完整"), "{what}: {m}");
    }
    assert_eq!(persons_named(p.b.store(), "孙秀英"), 0);
}

#[test]
fn a_package_with_a_flipped_byte_is_refused_as_damaged() {
    let mut p = pair();
    let bytes = p.package();
    let (header_start, body_start) = header_span(&bytes);
    let places = [
        ("header opening brace", header_start),
        ("header: package id", header_value_at(&bytes, "package_id") + 3),
        ("header: writer PC name", header_value_at(&bytes, "writer_pc")),
        ("header: created_at", header_value_at(&bytes, "created_at") + 3),
        ("header: nonce", header_value_at(&bytes, "nonce") + 5),
        ("header: closing brace", body_start - 1),
        ("body: first byte", body_start),
        ("body: middle", (body_start + bytes.len()) / 2),
        ("body: the tag's last byte", bytes.len() - 1),
    ];
    for (what, at) in places {
        let m = p.refused("A.slsync", &flipped(&bytes, at), "sync.damaged");
        assert!(m.contains("A.slsync") && m.contains("损坏"), "{what}: {m}");
    }
    // The format byte is sealed too: format 2 passed off as format 1.
    let mut as_format_1 = bytes.clone();
    as_format_1[8] = 1;
    p.refused("A.slsync", &as_format_1, "sync.damaged");
    assert_eq!(persons_named(p.b.store(), "孙秀英"), 0);
}

/// Every single-byte flip in the header and the prefix (two bit positions
/// each), and one every few bytes of the body, is refused and writes
/// nothing; in the body it is always `sync.damaged`. (In the header, a flip
/// can read as another refusal: the key check value, the office id, the
/// schema version are read before the seal is checked.)
#[test]
fn no_single_flipped_byte_anywhere_gets_a_package_in() {
    let mut p = pair();
    let bytes = p.package();
    let (_, body_start) = header_span(&bytes);
    let path = p.folder.path().join("A.slsync");
    let flips = (0..body_start)
        .flat_map(|at| [(at, 0x01u8), (at, 0x80)])
        .chain((body_start..bytes.len()).step_by(7).map(|at| (at, 0x10)))
        .chain([(bytes.len() - 1, 0x01)]);
    let before = p.b.db_bytes();
    let store = p.b.store();
    let mut codes = std::collections::BTreeMap::<&str, usize>::new();
    for (at, mask) in flips {
        let mut altered = bytes.clone();
        altered[at] ^= mask;
        std::fs::write(&path, &altered).unwrap();
        let err = sync::import_file(store, &clerk(), &path, &p.key).expect_err("an altered package is refused");
        assert!(is_chinese(&err.to_string()), "{err}");
        if at >= body_start {
            assert_eq!(err.code(), "sync.damaged", "byte {at} of the body");
        }
        *codes.entry(err.code()).or_default() += 1;
    }
    eprintln!("{} bytes, {body_start} before the body: {codes:?}", bytes.len());
    assert!(codes["sync.damaged"] > 1000, "{codes:?}");
    assert!(before == p.b.db_bytes(), "no flipped byte wrote anything");
}

#[test]
fn a_foreign_file_is_refused_as_not_a_package() {
    let mut p = pair();
    // A spreadsheet someone put in the sync folder, under its own name and
    // renamed.
    let xlsx = p.folder.path().join("花名册.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "姓名").unwrap();
    book.save(&xlsx).unwrap();
    let xlsx_bytes = std::fs::read(&xlsx).unwrap();
    assert_eq!(&xlsx_bytes[..2], b"PK");
    let m = p.refused("花名册.xlsx", &xlsx_bytes, "sync.not_a_package");
    assert!(m.contains("花名册.xlsx") && m.contains("不是"), "{m}");
    p.refused("花名册.slsync", &xlsx_bytes, "sync.not_a_package");

    let mut noise = vec![0u8; 10_000];
    getrandom_like(&mut noise);
    p.refused("随机.slsync", &noise, "sync.not_a_package");
    p.refused("说明.slsync", "这不是同步包\r\n".as_bytes(), "sync.not_a_package");
    // A text-mode copy turns the magic's \r\n into \n.
    let bytes = p.package();
    let mut mangled = bytes[..6].to_vec();
    mangled.extend_from_slice(b"\n");
    mangled.extend_from_slice(&bytes[8..]);
    p.refused("A.slsync", &mangled, "sync.not_a_package");
}

/// Pseudo-random bytes (splitmix64): no magic by chance.
fn getrandom_like(out: &mut [u8]) {
    let mut s = 0x5EED_u64;
    for b in out.iter_mut() {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        *b = (z ^ (z >> 31)) as u8;
    }
}

#[test]
fn a_package_of_a_newer_file_format_is_refused_as_newer_format() {
    let mut p = pair();
    let mut bytes = p.package();
    bytes[8..10].copy_from_slice(&(FORMAT + 1).to_le_bytes());
    let m = p.refused("A.slsync", &bytes, "sync.newer_format");
    assert!(m.contains("A.slsync") && m.contains("升级"), "{m}");
    assert!(m.contains(&format!("第{}版", FORMAT + 1)), "{m}");
}

#[test]
fn a_package_of_a_newer_schema_is_refused_as_newer_schema() {
    let mut p = pair();
    let bytes = resealed(&p.package(), &p.key, |h, _| h.schema_version = LATEST_VERSION + 1);
    assert_eq!(package::open("x", &bytes, &p.key).unwrap().0.schema_version, LATEST_VERSION + 1, "sealed properly");
    let m = p.refused("A.slsync", &bytes, "sync.newer_schema");
    assert!(m.contains("A.slsync") && m.contains("升级"), "{m}");
    assert!(m.contains(&format!("第{}版", LATEST_VERSION + 1)) && m.contains(&format!("第{LATEST_VERSION}版")), "{m}");
}

#[test]
fn a_package_written_by_an_older_version_is_taken_in() {
    let mut p = pair();
    // Schema 4 is the first that syncs: a PC not yet upgraded writes it.
    let older = resealed(&p.package(), &p.key, |h, _| h.schema_version = 4);
    assert_eq!(package::open("x", &older, &p.key).unwrap().0.schema_version, 4, "sealed properly");
    let path = p.put("旧版本.slsync", &older);
    let key = p.key.clone();
    sync::import_file(p.b.store(), &clerk(), &path, &key).expect("an older package is read");
    assert_eq!(persons_named(p.b.store(), "孙秀英"), 1);
    assert_eq!(records(p.b.store()), records(&p.a.store), "B holds what A holds");
}

#[test]
fn a_package_of_another_office_is_refused_as_other_office() {
    let mut p = pair();
    // Another office set up separately (same name, same passphrase).
    let mut c = new_office();
    sync::set_key(&c.store, &clerk(), PASSPHRASE).unwrap();
    c.register(&elder("周建华", &id_number(1950, 1, 2, 15), &c.dongfeng.clone()));
    let c_key = sync::office_key(c.store.conn(), PASSPHRASE).unwrap();
    assert_ne!(c_key, p.key, "the office id salts the key");
    for kind in [Kind::Changes, Kind::Snapshot] {
        let bytes = sync::export(&c.store, kind, &c_key).unwrap();
        let m = p.refused("C.slsync", &bytes, "sync.other_office");
        assert!(m.contains("C.slsync") && m.contains("和平街道"), "{m}");
        // Opened with C's own key, too.
        let path = p.put("C.slsync", &bytes);
        refused_unchanged(&mut p.b, "sync.other_office", |s| sync::import_file(s, &clerk(), &path, &c_key));
    }
    assert_eq!(persons_named(p.b.store(), "周建华"), 0);
}

#[test]
fn a_package_from_a_pc_whose_clock_is_days_ahead_is_refused_as_clock_ahead() {
    let mut p = pair();
    let three_days = 3 * 24 * 3600 * 1000;
    let ahead = format!("{:015}-{:06}", millis_now() + three_days - 60_000, 0);
    let bytes = resealed(&p.package(), &p.key, |_, body| {
        let last = body.changes.last_mut().expect("changes");
        last.hlc = ahead.clone();
    });
    let m = p.refused("A.slsync", &bytes, "sync.clock_ahead");
    assert!(m.contains("3天") && m.contains("时钟"), "{m}");

    // The same through `apply`, on a bundle.
    let a_id = p.a.store.installation_id().to_string();
    let mut bundle = sync::bundle(p.a.store.conn(), &a_id, Kind::Changes).unwrap();
    let first_new = bundle.body.changes.len() - 3;
    bundle.body.changes[first_new].hlc = ahead.clone();
    let m = refused_unchanged(&mut p.b, "sync.clock_ahead", |s| sync::apply(s, &clerk(), &bundle));
    assert!(m.contains(&bundle.writer_pc), "names the PC: {m}");

    // Less than a day ahead is only a clock a little fast: taken in.
    let hours = format!("{:015}-{:06}", millis_now() + 20 * 3600 * 1000, 0);
    let mut bundle = sync::bundle(p.a.store.conn(), &a_id, Kind::Changes).unwrap();
    bundle.body.changes.last_mut().unwrap().hlc = hours;
    let applied = sync::apply(p.b.store(), &clerk(), &bundle).unwrap();
    assert!(applied.received > 0, "{applied:?}");
}

#[test]
fn a_folder_run_takes_in_the_good_package_and_reports_the_bad_one() {
    let mut p = pair();
    let good = p.package();
    p.put("A.slsync", &good);
    p.put("坏的.slsync", &good[..good.len() / 2]);
    p.put("不相干.txt", b"not a package, not named like one");
    let folder = p.folder.path().to_path_buf();
    let r = sync::run_in(p.b.store(), &clerk(), "测试", &folder, &p.key).unwrap();
    assert_eq!(r.read, 1, "{r:?}");
    assert!(r.changes_in > 0 && r.records_changed > 0, "{r:?}");
    assert_eq!(r.messages.len(), 1, "{:?}", r.messages);
    assert!(r.messages[0].contains("坏的.slsync") && r.messages[0].contains("不完整"), "{:?}", r.messages);
    assert_eq!(r.written, 1, "B's own package is written all the same");
    assert_eq!(records(p.b.store()), records(&p.a.store));
    let history = sync::history(p.b.store().conn(), 10).unwrap();
    assert_eq!(history[0].messages, r.messages, "the history keeps the message");
    assert!(folder.join("坏的.slsync").exists(), "the bad file is left for the user");
    // One sentence says what the run did, wherever it is shown.
    let said = format!(
        "读入1个同步包、{}条修改，写出{}条修改，更新记录{}条，冲突待核0项",
        r.changes_in, r.changes_out, r.records_changed
    );
    assert_eq!((r.summary.as_str(), history[0].summary.as_str()), (said.as_str(), said.as_str()));
}

#[test]
fn a_folder_run_leaves_a_newer_schema_package_waiting_in_the_folder() {
    let mut p = pair();
    let newer = resealed(&p.package(), &p.key, |h, _| h.schema_version = LATEST_VERSION + 1);
    let (header, _) = package::read_header("x", &newer).unwrap();
    let path = p.put("新版本.slsync", &newer);
    let folder = p.folder.path().to_path_buf();
    for run in 0..2 {
        let changes = count(p.b.store().conn(), "change_log");
        let r = sync::run_in(p.b.store(), &clerk(), "测试", &folder, &p.key).unwrap();
        assert_eq!((r.read, r.changes_in), (0, 0), "run {run}: {r:?}");
        assert_eq!(r.messages.len(), 1, "{:?}", r.messages);
        assert!(r.messages[0].contains("新版本.slsync") && r.messages[0].contains("升级"), "{:?}", r.messages);
        assert_eq!(count(p.b.store().conn(), "change_log"), changes);
        assert!(path.exists(), "run {run}: the package stays in the folder");
        let marked: bool = p
            .b
            .store()
            .conn()
            .query_row("SELECT EXISTS (SELECT 1 FROM sync_package WHERE package_id = ?1)", [&header.package_id], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(!marked, "run {run}: not marked as read, so an upgraded program takes it in");
    }
    assert_eq!(persons_named(p.b.store(), "孙秀英"), 0);
}

#[test]
fn importing_the_same_package_twice_changes_nothing_the_second_time() {
    let mut p = pair();
    let path = p.put("A.slsync", &p.package());
    let first = sync::import_file(p.b.store(), &clerk(), &path, &p.key).unwrap();
    assert!(first.received > 0, "{first:?}");
    let (dump, log) = (records(p.b.store()), count(p.b.store().conn(), "change_log"));
    let second = sync::import_file(p.b.store(), &clerk(), &path, &p.key).unwrap();
    assert_eq!(second.received, 0, "{second:?}");
    assert_eq!(second.records_changed, 0, "{second:?}");
    assert_eq!(second.known, first.received + first.known, "{second:?}");
    assert_eq!(records(p.b.store()), dump);
    assert_eq!(count(p.b.store().conn(), "change_log"), log);
    assert_eq!(dump, records(&p.a.store));

    // A folder run that finds it marks it read and skips it thereafter.
    let folder = p.folder.path().to_path_buf();
    let r = sync::run_in(p.b.store(), &clerk(), "测试", &folder, &p.key).unwrap();
    assert_eq!(r.changes_in, 0, "{r:?}");
    let r = sync::run_in(p.b.store(), &clerk(), "测试", &folder, &p.key).unwrap();
    assert_eq!((r.read, r.changes_in), (0, 0), "{r:?}");
    assert_eq!(records(p.b.store()), dump);
    assert_eq!(count(p.b.store().conn(), "change_log"), log);
    let check = street_ledger::check::check(p.b.store().conn()).unwrap();
    assert!(check.ok(), "{:?}", check.problems);
}

#[test]
fn a_wrong_key_is_refused_when_the_folder_holds_a_package_of_the_office() {
    let mut p = pair();
    p.put("A.slsync", &p.package());
    let folder = p.folder.path().display().to_string();
    sync::set_folder(p.b.store(), &clerk(), &folder).unwrap();
    let kept = sync::stored_key(p.b.store().conn()).unwrap();

    let m = refused_unchanged(&mut p.b, "sync.wrong_key", |s| sync::set_key(s, &clerk(), "错误的同步密钥20250"));
    assert!(m.contains("A.slsync"), "{m}");
    assert_eq!(sync::stored_key(p.b.store().conn()).unwrap(), kept, "the kept key is unchanged");

    // The right passphrase is taken, and works.
    sync::set_key(p.b.store(), &clerk(), PASSPHRASE).unwrap();
    assert_eq!(sync::stored_key(p.b.store().conn()).unwrap(), p.key);
    let r = sync::run(p.b.store(), &clerk(), "测试").unwrap();
    assert!(r.messages.is_empty() && r.read == 1, "{r:?}");
}

#[test]
fn a_snapshot_joined_with_a_wrong_passphrase_is_refused_and_the_new_pc_stays_empty() {
    let mut p = pair();
    let snapshot = p.folder.path().join("快照.slsync");
    sync::snapshot(&mut p.a.store, &clerk(), &snapshot, &p.key).unwrap();
    let dir = TempDir::new().unwrap();
    drop(Store::open_dir(dir.path()).unwrap());
    let mut new_pc = Peer { store: None, dir };
    let m = refused_unchanged(&mut new_pc, "sync.wrong_key", |s| sync::join(s, &snapshot, "错误的同步密钥20250"));
    assert!(m.contains("快照.slsync"), "{m}");
    assert!(street_ledger::office::get(new_pc.store().conn()).unwrap().is_none(), "not joined");
    assert!(sync::stored_key(new_pc.store().conn()).is_err(), "no key kept");
    // The right passphrase then joins (its own PC number is the one record
    // A does not have yet).
    sync::join(new_pc.store(), &snapshot, PASSPHRASE).unwrap();
    let (joined, a) = (records(new_pc.store()), records(&p.a.store));
    for table in ["office", "community", "person", "elderly"] {
        assert_eq!(joined[table], a[table], "{table}");
    }
}

/// The CLI says the same, in Chinese, with exit code 2, and writes nothing.
#[test]
fn the_cli_refuses_a_bad_package_with_a_chinese_message_and_exit_code_2() {
    let mut p = pair();
    let bytes = p.package();
    let cut = p.put("A.slsync", &bytes[..bytes.len() - 100]);
    let before = p.b.db_bytes();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_street-ledger"))
        .arg("--data-dir")
        .arg(p.b.dir.path())
        .args(["sync", "import"])
        .arg(&cut)
        .env_remove("STREET_LEDGER_DATA_DIR")
        .env("STREET_LEDGER_SYNC_KEY", PASSPHRASE)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("错误：") && stderr.contains("A.slsync") && stderr.contains("不完整"), "{stderr}");
    assert!(before == p.b.db_bytes(), "the CLI wrote nothing");
}

#[test]
fn a_key_shorter_than_12_characters_is_refused() {
    let mut p = pair();
    refused_unchanged(&mut p.b, "sync.weak_key", |s| sync::set_key(s, &clerk(), "正确的同步密钥2025"));
}

#[test]
fn refused_files_keep_the_receiving_database_sound() {
    // After a round of refusals, a good package still goes in whole.
    let mut p = pair();
    let bytes = p.package();
    p.refused("A.slsync", &bytes[..bytes.len() - 1], "sync.truncated");
    p.refused("A.slsync", &flipped(&bytes, bytes.len() / 2), "sync.damaged");
    let path = p.put("A.slsync", &bytes);
    sync::import_file(p.b.store(), &clerk(), &path, &p.key).unwrap();
    assert_eq!(records(p.b.store()), records(&p.a.store));
    let check = street_ledger::check::check(p.b.store().conn()).unwrap();
    assert!(check.ok(), "{:?}", check.problems);
}

/// A damaged or hand-made header whose body length is near `u64::MAX` is
/// refused like any other bad file, not a panic. (`package::read_header`
/// once added it to the header's end unchecked: an overflow panic in debug
/// builds, found by this test.)
#[test]
fn a_header_claiming_an_absurd_body_length_is_refused_not_a_crash() {
    let mut p = pair();
    let bytes = p.package();
    let (mut header, header_end) = package::read_header("x", &bytes).unwrap();
    for body_len in [u64::MAX, u64::MAX - 100, 1 << 62] {
        header.body_len = body_len;
        let json = serde_json::to_vec(&header).unwrap();
        let mut altered = bytes[..10].to_vec();
        altered.extend_from_slice(&(json.len() as u32).to_le_bytes());
        altered.extend_from_slice(&json);
        altered.extend_from_slice(&bytes[header_end..]);
        let path = p.put("A.slsync", &altered);
        let key = p.key.clone();
        let err = sync::import_file(p.b.store(), &clerk(), &path, &key).expect_err("refused");
        assert!(["sync.truncated", "sync.damaged"].contains(&err.code()), "{body_len}: {err}");
    }
}
