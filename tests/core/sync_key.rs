//! The office sync key (同步密钥): kept in the key store outside the database,
//! so no database file and no backup carries it; derived by argon2id (64 MiB,
//! t=3) for format-2 packages while format-1 packages of v0.2.0 are still
//! read; a PC upgraded from v0.2.0 syncs on with its old key; passphrases
//! have at least 12 characters.
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use street_ledger::store::{Store, DB_FILE};
use street_ledger::sync::package::{self, Kdf};
use street_ledger::sync::{self, keys, Kind};
use street_ledger::{backup, Error};
use tempfile::TempDir;

use crate::support::{clerk, config_dir, elder, id_number, new_office, today, Office};

const PASSPHRASE: &str = "和平街道同步密钥2025";

/// The keys the key store holds for a store: (KDF version, key bytes).
fn kept_keys(store: &Store) -> Vec<(u16, Vec<u8>)> {
    let text = std::fs::read_to_string(keys::file(store.installation_id())).expect("a key file");
    text.lines()
        .map(|l| {
            let (v, hex) = l.split_once(' ').expect("version and key");
            (
                v.parse().unwrap(),
                (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect(),
            )
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every form in which a key could sit in a file: its bytes, and its hex in
/// either case.
fn forms(key: &[u8]) -> Vec<Vec<u8>> {
    vec![key.to_vec(), hex(key).into_bytes(), hex(key).to_uppercase().into_bytes()]
}

#[track_caller]
fn holds_none(path: &Path, secrets: &[Vec<u8>]) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(bytes.len() > 1000, "{}: a real file", path.display());
    for s in secrets {
        assert!(!bytes.windows(s.len()).any(|w| w == s), "{} holds the sync key", path.display());
    }
}

/// The database file and its write-ahead log (when there is one).
fn db_files(store: &Store) -> Vec<PathBuf> {
    let db = store.path().to_path_buf();
    let wal = db.with_file_name(format!("{DB_FILE}-wal"));
    let wal = std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0).then_some(wal);
    std::iter::once(db).chain(wal).collect()
}

fn code(e: Error) -> (String, String) {
    let p = e.payload();
    (p.code, p.message)
}

fn office_id(conn: &Connection) -> String {
    conn.query_row("SELECT id FROM office", [], |r| r.get(0)).unwrap()
}

/// An office with its folder and key set.
fn office_with_key() -> (Office, TempDir) {
    let office = new_office();
    let folder = TempDir::new().unwrap();
    sync::set_folder(&office.store, &clerk(), &folder.path().display().to_string()).unwrap();
    sync::set_key(&office.store, &clerk(), PASSPHRASE).unwrap();
    (office, folder)
}

#[test]
fn no_database_file_and_no_backup_holds_the_sync_key() {
    let (mut office, folder) = office_with_key();
    let kept = kept_keys(&office.store);
    assert_eq!(kept.iter().map(|k| k.0).collect::<Vec<_>>(), [2, 1], "the new derivation first, the old to read");
    let mut secrets: Vec<Vec<u8>> = kept.iter().flat_map(|(_, k)| forms(k)).collect();
    secrets.push(PASSPHRASE.as_bytes().to_vec());
    for f in db_files(&office.store) {
        holds_none(&f, &secrets);
    }

    let dongfeng = office.dongfeng.clone();
    office.register(&elder("王秀英", &id_number(1940, 3, 8, 22), &dongfeng));
    let r = sync::run(&mut office.store, &clerk(), "测试").unwrap();
    assert_eq!(r.written, 1, "{r:?}");
    for f in db_files(&office.store) {
        holds_none(&f, &secrets);
    }
    for e in std::fs::read_dir(folder.path()).unwrap() {
        holds_none(&e.unwrap().path(), &secrets);
    }
    let b = backup::backup_now(&office.store, &clerk(), "测试").unwrap();
    // Unpacked: compression alone would hide a key, not keep it out.
    let unpacked = folder.path().join("unpacked-backup.db");
    crate::support::unpack_backup(&b.path, &unpacked);
    holds_none(&unpacked, &secrets);
    assert_eq!(
        sync::stored_key(office.store.conn()).unwrap(),
        sync::office_key(office.store.conn(), PASSPHRASE).unwrap()
    );
}

#[cfg(unix)]
#[test]
fn the_key_file_is_readable_by_this_os_user_only_and_one_per_installation() {
    use std::os::unix::fs::PermissionsExt;
    let (office, _folder) = office_with_key();
    let file = keys::file(office.store.installation_id());
    assert!(file.starts_with(config_dir()), "{}", file.display());
    assert!(file.file_name().unwrap().to_string_lossy().contains(office.store.installation_id()));
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(file.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);

    // Another data folder (another installation) has its own, or none.
    let other = new_office();
    assert!(!keys::file(other.store.installation_id()).exists());
    assert!(!sync::config(other.store.conn()).unwrap().key_set);
}

#[test]
fn a_backup_restored_here_finds_its_key_and_restored_elsewhere_asks_for_it() {
    let (office, _folder) = office_with_key();
    let key = sync::stored_key(office.store.conn()).unwrap();
    let b = backup::backup_now(&office.store, &clerk(), "测试").unwrap();
    let installation = office.store.installation_id().to_string();
    let Office { store, _dir: dir, .. } = office;
    drop(store);

    // The key belongs to the installation: restored on this PC, it is there.
    backup::restore(dir.path(), &b.path, &street_ledger::access::Actor::system()).unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    assert!(sync::config(store.conn()).unwrap().key_set);
    assert_eq!(sync::stored_key(store.conn()).unwrap(), key);
    drop(store);

    // On a PC whose key store has no entry for it (another PC, or the key
    // file deleted), the restored database asks for the key.
    std::fs::remove_file(keys::file(&installation)).unwrap();
    backup::restore(dir.path(), &b.path, &street_ledger::access::Actor::system()).unwrap();
    store = Store::open_dir(dir.path()).unwrap();
    let config = sync::config(store.conn()).unwrap();
    assert!(config.folder.is_some() && !config.key_set, "{config:?}");
    let (c, m) = code(sync::stored_key(store.conn()).unwrap_err());
    assert_eq!(c, "sync.no_key");
    assert!(m.starts_with("需要输入同步密钥"), "{m}");
    let (c, m) = code(sync::run(&mut store, &clerk(), "测试").unwrap_err());
    assert!(c == "sync.no_key" && m.contains("需要输入同步密钥"), "{c}: {m}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_street-ledger"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("sync")
        .env(keys::CONFIG_DIR_ENV, config_dir())
        .env_remove("STREET_LEDGER_SYNC_KEY")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.code() == Some(2) && stderr.contains("需要输入同步密钥"), "the CLI says so too: {stderr}");

    sync::set_key(&store, &clerk(), PASSPHRASE).unwrap();
    assert_eq!(sync::stored_key(store.conn()).unwrap(), key);
    assert_eq!(sync::run(&mut store, &clerk(), "测试").unwrap().written, 1);
}

/// What v0.2.0 wrote: format 1, no `kdf` in the header, the key derived by
/// argon2's defaults (19 MiB, t=2), made here without the new code.
fn format_1(header: &package::Header, body: &package::Body, passphrase: &str) -> Vec<u8> {
    let mut key = [0u8; 32];
    argon2::Argon2::default()
        .hash_password_into(
            passphrase.as_bytes(),
            format!("street-ledger-sync:{}", header.office_id).as_bytes(),
            &mut key,
        )
        .unwrap();
    let check = Sha256::new().chain_update(b"street-ledger sync key check\0").chain_update(key).finalize();
    let mut plain = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut plain, &serde_json::to_vec(body).unwrap()).unwrap();
    let plain = plain.finish().unwrap();
    let nonce = [7u8; 24];
    let mut json = serde_json::to_value(header).unwrap();
    let h = json.as_object_mut().unwrap();
    h.remove("kdf");
    h.insert("key_check".into(), hex(&check[..8]).into());
    h.insert("nonce".into(), hex(&nonce).into());
    h.insert("body_len".into(), (plain.len() + 16).into());
    let json = serde_json::to_vec(&json).unwrap();
    let mut out = b"SLSYNC\r\n".to_vec();
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    let sealed = XChaCha20Poly1305::new((&key).into())
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: &out })
        .unwrap();
    out.extend_from_slice(&sealed);
    out
}

#[test]
fn packages_are_format_2_with_the_stronger_derivation_and_a_format_1_package_is_still_read() {
    let (mut a, folder) = office_with_key();
    let snapshot = folder.path().join("快照.slsync");
    let a_key = sync::stored_key(a.store.conn()).unwrap();
    sync::snapshot(&mut a.store, &clerk(), &snapshot, &a_key).unwrap();
    let b_dir = TempDir::new().unwrap();
    let mut b = Store::open_dir(b_dir.path()).unwrap();
    sync::join(&mut b, &snapshot, PASSPHRASE).unwrap();

    let dongfeng = a.dongfeng.clone();
    a.register(&elder("钱国强", &id_number(1938, 7, 9, 13), &dongfeng));
    let key = sync::stored_key(a.store.conn()).unwrap();
    let bytes = sync::export(&a.store, Kind::Changes, &key).unwrap();
    assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), 2, "format 2");
    let (header, body) = package::open("A.slsync", &bytes, &key).unwrap();
    assert_eq!(header.kdf, Kdf { version: 2, m_kib: 65536, t: 3, p: 1 }, "argon2id, 64 MiB, t=3");

    let old = folder.path().join("A-v0.2.0.slsync");
    std::fs::write(&old, format_1(&header, &body, PASSPHRASE)).unwrap();
    let b_key = sync::stored_key(b.conn()).unwrap();
    let applied = sync::import_file(&mut b, &clerk(), &old, &b_key).unwrap();
    assert!(applied.received > 0, "{applied:?}");
    let (in_b, in_a) =
        (street_ledger::dump::records(b.conn()).unwrap(), street_ledger::dump::records(a.store.conn()).unwrap());
    for table in ["person", "elderly"] {
        assert_eq!(in_b[table], in_a[table], "{table}: B holds what A holds");
    }

    // The same old package under another passphrase is a wrong key.
    let other = folder.path().join("other.slsync");
    std::fs::write(&other, format_1(&header, &body, "另一个街道的同步密钥")).unwrap();
    let (c, _) = code(sync::import_file(&mut b, &clerk(), &other, &b_key).unwrap_err());
    assert_eq!(c, "sync.wrong_key");
}

#[test]
fn a_pc_upgraded_from_0_2_0_moves_its_key_out_and_syncs_on_until_the_passphrase_is_typed_again() {
    config_dir();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-6-v0.2.0.db");
    let dir = TempDir::new().unwrap();
    std::fs::copy(&fixture, dir.path().join(DB_FILE)).unwrap();
    let old = Connection::open_with_flags(dir.path().join(DB_FILE), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let old_hex: String = old
        .query_row("SELECT value FROM sync_config WHERE key = 'key'", [], |r| r.get(0))
        .expect("v0.2.0 kept the key in the database");
    // Every copy of the fixture is the same installation: start from no key
    // kept for it (an earlier run set one).
    let installation: String = old.query_row("SELECT id FROM installation", [], |r| r.get(0)).unwrap();
    drop(old);
    let _ = std::fs::remove_file(keys::file(&installation));

    let mut f = Store::open_dir(dir.path()).unwrap();
    let kept = kept_keys(&f);
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].0, hex(&kept[0].1)), (1, old_hex.clone()), "the old key, moved to the key store");
    let left: i64 = f.conn().query_row("SELECT count(*) FROM sync_config WHERE key = 'key'", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
    for file in db_files(&f) {
        holds_none(&file, &forms(&kept[0].1));
    }
    let refused = f.conn().execute("INSERT INTO sync_config (key, value) VALUES ('key', 'x')", []);
    assert!(refused.is_err(), "nothing may put a key back into the database");

    // It goes on syncing with the old key: a PC that knows the passphrase
    // reads what it writes (format 2, KDF 1), here by joining from it.
    let folder = TempDir::new().unwrap();
    sync::set_folder(&f, &clerk(), &folder.path().display().to_string()).unwrap();
    let snapshot = folder.path().join("快照.slsync");
    let f_key = sync::stored_key(f.conn()).unwrap();
    assert_eq!(f_key.kdf(), Kdf::V1);
    sync::snapshot(&mut f, &clerk(), &snapshot, &f_key).unwrap();
    let g_dir = TempDir::new().unwrap();
    let mut g = Store::open_dir(g_dir.path()).unwrap();
    sync::join(&mut g, &snapshot, "fixture-sync-key").unwrap();
    std::fs::remove_file(&snapshot).unwrap();

    // A package sealed with the new derivation: the old key cannot open it,
    // and the message says what to do.
    let community = street_ledger::office::get(g.conn()).unwrap().unwrap().communities[0].id.clone();
    street_ledger::elderly::register(
        &mut g,
        &clerk(),
        &elder("孙秀英", &id_number(1945, 11, 20, 14), &community),
        today(),
    )
    .unwrap();
    let from_g = folder.path().join("G.slsync");
    sync::write_file(&from_g, &sync::export(&g, Kind::Changes, &sync::stored_key(g.conn()).unwrap()).unwrap()).unwrap();
    let (c, m) = code(sync::import_file(&mut f, &clerk(), &from_g, &f_key).unwrap_err());
    assert_eq!(c, "sync.key_upgrade");
    assert!(m.contains("需要输入同步密钥") && m.contains("G.slsync"), "{m}");

    // The administrator types the passphrase again: both derivations kept.
    sync::set_key(&f, &clerk(), "fixture-sync-key").unwrap();
    assert_eq!(kept_keys(&f).iter().map(|k| k.0).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(kept_keys(&f)[1].1, kept[0].1, "the same old key");
    let r = sync::run(&mut f, &clerk(), "测试").unwrap();
    assert!(r.read == 1 && r.changes_in > 0 && r.messages.is_empty(), "{r:?}");
    assert_eq!(office_id(f.conn()), office_id(g.conn()));
}

#[test]
fn a_passphrase_shorter_than_12_characters_is_refused_wherever_it_is_typed() {
    let (mut a, folder) = office_with_key();
    let eleven = "和平街道同步密钥202";
    assert_eq!(eleven.chars().count(), 11);
    let (c, m) = code(sync::set_key(&a.store, &clerk(), eleven).unwrap_err());
    assert!(c == "sync.weak_key" && m.contains("12个字符"), "{m}");
    assert_eq!(code(sync::office_key(a.store.conn(), eleven).unwrap_err()).0, "sync.weak_key");

    let snapshot = folder.path().join("快照.slsync");
    let a_key = sync::stored_key(a.store.conn()).unwrap();
    sync::snapshot(&mut a.store, &clerk(), &snapshot, &a_key).unwrap();
    let dir = TempDir::new().unwrap();
    let mut new_pc = Store::open_dir(dir.path()).unwrap();
    assert_eq!(code(sync::join(&mut new_pc, &snapshot, eleven).unwrap_err()).0, "sync.weak_key");
    assert!(street_ledger::office::get(new_pc.conn()).unwrap().is_none(), "not joined");

    // The CLI, with the passphrase in STREET_LEDGER_SYNC_KEY.
    let out = cli_export(a._dir.path(), &folder.path().join("out.slsync"), Some(eleven));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("12个字符"), "{stderr}");
    assert!(!folder.path().join("out.slsync").exists());
    // Without a passphrase it uses the key kept for this installation, found
    // through STREET_LEDGER_CONFIG_DIR as the app finds it.
    let out = cli_export(a._dir.path(), &folder.path().join("out.slsync"), None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(folder.path().join("out.slsync")).unwrap();
    package::open("out.slsync", &bytes, &sync::stored_key(a.store.conn()).unwrap()).unwrap();
}

/// `street-ledger sync export`, with the passphrase in STREET_LEDGER_SYNC_KEY
/// or none (then no prompt can answer: stdin is empty).
fn cli_export(data_dir: &std::path::Path, output: &std::path::Path, passphrase: Option<&str>) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_street-ledger"));
    cmd.arg("--data-dir").arg(data_dir).args(["sync", "export", "--output"]).arg(output);
    cmd.env(keys::CONFIG_DIR_ENV, config_dir()).stdin(std::process::Stdio::null());
    match passphrase {
        Some(p) => cmd.env("STREET_LEDGER_SYNC_KEY", p),
        None => cmd.env_remove("STREET_LEDGER_SYNC_KEY"),
    };
    cmd.output().unwrap()
}
