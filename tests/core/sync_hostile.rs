//! Hostile sync packages, each taken by the real `street-ledger sync`
//! command under the 1 GB limit of `hostile::run_limited`: cut anywhere, 6 GB
//! long, lying about their lengths, or sealed with the right key but
//! carrying changes this PC cannot store as logged. Each is refused with a
//! Chinese message naming it, and nothing is written. A role change by a
//! user who is not an administrator is different: its package is taken, the
//! change itself is held as refused (listed, not applied, not lost).
use std::path::{Path, PathBuf};

use serde_json::json;
use street_ledger::access::Actor;
use street_ledger::store::write::Change;
use street_ledger::store::{new_id, Store, Table, LATEST_VERSION};
use street_ledger::sync::package::{self, Body, Header, Kind};
use street_ledger::sync::{self, OfficeKey};
use tempfile::TempDir;

use crate::hostile::{assert_unchanged, demo_folder, fingerprint, refused_clearly, run_limited, HANG};

const PASSPHRASE: &str = "和平街道同步密钥2025abc";
/// The PC the packages come from: a PC of the office this one has not met.
const OTHER_PC: &str = "0190aaaa-0000-7000-8000-00000000beef";

/// The demo street with its sync key set, and what the packages refer to.
struct Street {
    dir: TempDir,
    db: PathBuf,
    key: OfficeKey,
    office: (String, String),
    installation: String,
    /// A resident whose address the packages change.
    person: String,
}

fn street() -> Street {
    let (dir, db) = demo_folder();
    let store = Store::open_dir(dir.path()).unwrap();
    sync::set_key(&store, &Actor::admin("测试管理员"), PASSPHRASE).unwrap();
    let key = sync::office_key(store.conn(), PASSPHRASE).unwrap();
    let office = store.conn().query_row("SELECT id, name FROM office", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    let person = store.conn().query_row("SELECT id FROM person ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    Street { installation: store.installation_id().to_string(), dir, db, key, office, person }
}

impl Street {
    fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).unwrap()
    }

    /// What this PC holds of a record, as the other PC would have seen it.
    fn seen(&self, record: &str) -> String {
        let newest: String = self
            .conn()
            .query_row("SELECT max(hlc) FROM change_log WHERE record_id = ?1", [record], |r| r.get(0))
            .unwrap();
        json!({ &self.installation: newest }).to_string()
    }

    fn account(&self, username: &str) -> (String, String) {
        self.conn()
            .query_row("SELECT id, role FROM account WHERE username = ?1", [username], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
    }

    fn address(&self) -> Option<String> {
        self.conn().query_row("SELECT address FROM person WHERE id = ?1", [&self.person], |r| r.get(0)).unwrap()
    }

    /// A change made on the other PC by `user`: its `seq`-th, stamped now.
    fn change(&self, seq: i64, user: &str, table: &str, record: &str, fields: serde_json::Value) -> Change {
        let millis = chrono::Utc::now().timestamp_millis();
        Change {
            installation_id: OTHER_PC.into(),
            origin_seq: seq,
            txn_id: new_id(),
            hlc: format!("{millis:015}-{seq:06}"),
            at: chrono::Utc::now().to_rfc3339(),
            user_name: user.into(),
            table_name: table.into(),
            record_id: record.into(),
            op: "update".into(),
            fields: fields.to_string(),
            seen: Some(self.seen(record)),
        }
    }

    /// The other PC's first change: a new address for the resident.
    fn new_address(&self, seq: i64, address: &str) -> Change {
        self.change(
            seq,
            "演示街道工作人员(jiedao)",
            "person",
            &self.person,
            json!({"address": {"old": null, "new": address}}),
        )
    }

    /// A package of the other PC, sealed with the office key, in the data
    /// folder's `in/` folder.
    fn sealed(&self, name: &str, changes: Vec<Change>) -> PathBuf {
        self.sealed_by(OTHER_PC, name, changes)
    }

    fn sealed_by(&self, writer: &str, name: &str, changes: Vec<Change>) -> PathBuf {
        let last = changes.iter().map(|c| c.origin_seq).max().unwrap_or(0);
        let header = Header {
            kind: Kind::Changes,
            package_id: new_id(),
            office_id: self.office.0.clone(),
            office_name: self.office.1.clone(),
            writer: writer.into(),
            writer_pc: "二号电脑".into(),
            created_at: chrono::Utc::now().to_rfc3339(),
            schema_version: LATEST_VERSION,
            app_version: "test".into(),
            seen: [(writer.to_string(), last)].into(),
            changes: 0,
            kdf: package::Kdf::V2,
            key_check: String::new(),
            nonce: String::new(),
            body_len: 0,
            pc_number: None,
        };
        let body = Body { changes, pcs: [(writer.to_string(), "二号电脑".to_string())].into() };
        self.write(name, &package::seal(header, &body, &self.key))
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let folder = self.dir.path().join("in");
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn import(&self, path: &Path) -> std::process::Output {
        run_limited(self.dir.path(), &["sync", "import", path.to_str().unwrap()], HANG)
    }

    /// Importing `path` is refused with a message naming it and saying
    /// `says`, and writes nothing.
    #[track_caller]
    fn refuses(&self, path: &Path, says: &str) {
        let before = fingerprint(&self.db);
        let err = refused_clearly(&self.import(path));
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(err.contains(&*name), "the message names the file {name}: {err}");
        assert!(err.contains(says), "the message says {says}: {err}");
        assert_unchanged(&self.db, &before);
    }
}

/// Where the header ends in a package's bytes.
fn header_end(bytes: &[u8]) -> usize {
    package::read_header("", bytes).unwrap().1
}

#[test]
fn a_package_cut_short_anywhere_is_refused_as_incomplete_and_writes_nothing() {
    let s = street();
    let good = std::fs::read(s.sealed("完整.slsync", vec![s.new_address(1, "新地址1号")])).unwrap();
    let end = header_end(&good);
    // In the magic, in the prefix (format, header length), in the header, in the body.
    for (place, at) in [("magic", 5), ("prefix", 12), ("header", end - 30), ("body", good.len() - 7)] {
        let path = s.write(&format!("截断-{place}.slsync"), &good[..at]);
        s.refuses(&path, "不完整");
    }
}

#[test]
fn a_6_gb_file_is_refused_by_its_length_and_a_folder_run_skips_it_and_takes_the_rest() {
    let s = street();
    let folder = TempDir::new().unwrap();
    let huge = folder.path().join("巨大.slsync");
    std::fs::File::create(&huge).unwrap().set_len(6 << 30).unwrap();
    s.refuses(&huge, "超过了同步包的上限");

    let good = s.sealed("二号电脑.slsync", vec![s.new_address(1, "新地址2号")]);
    std::fs::copy(&good, folder.path().join("二号电脑.slsync")).unwrap();
    let o = run_limited(s.dir.path(), &["sync", "--dir", folder.path().to_str().unwrap()], HANG);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "a run with a skipped file says so in its exit code: {out}");
    assert!(out.contains("巨大.slsync") && out.contains("超过了同步包的上限"), "{out}");
    assert_eq!(s.address().as_deref(), Some("新地址2号"), "the good package was taken: {out}");
}

/// A package with its header rewritten (the seal then fails too, but the
/// lengths are checked first).
fn with_header(good: &[u8], edit: impl FnOnce(&mut Header)) -> Vec<u8> {
    let (mut header, end) = package::read_header("", good).unwrap();
    edit(&mut header);
    let json = serde_json::to_vec(&header).unwrap();
    let mut out = good[..10].to_vec();
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&good[end..]);
    out
}

#[test]
fn lengths_that_lie_are_refused_and_write_nothing() {
    let s = street();
    let good = std::fs::read(s.sealed("原包.slsync", vec![s.new_address(1, "新地址3号")])).unwrap();
    let end = header_end(&good);
    let header_len = |n: u32| {
        let mut b = good.clone();
        b[10..14].copy_from_slice(&n.to_le_bytes());
        b
    };
    let real = (end - 14) as u32;
    // A header length of 4 GB, one that ends inside the header, one that
    // runs into the body: damaged (the first would otherwise be a read of 4 GB).
    s.refuses(&s.write("头长度-巨大.slsync", &header_len(u32::MAX)), "已损坏");
    s.refuses(&s.write("头长度-偏短.slsync", &header_len(real - 1)), "已损坏");
    s.refuses(&s.write("头长度-偏长.slsync", &header_len(real + 5)), "已损坏");
    // A body shorter than the file says: damaged; longer: cut short.
    s.refuses(&s.write("正文长度-偏短.slsync", &with_header(&good, |h| h.body_len -= 5)), "已损坏");
    s.refuses(&s.write("正文长度-偏长.slsync", &with_header(&good, |h| h.body_len += 5)), "不完整");
    s.refuses(&s.write("正文长度-巨大.slsync", &with_header(&good, |h| h.body_len = u64::MAX)), "已损坏");
}

#[test]
fn a_sealed_package_with_one_change_that_does_not_fit_the_schema_is_refused_whole() {
    let s = street();
    let jiedao = "演示街道工作人员(jiedao)";
    let bad = |c: Change| vec![s.new_address(1, "新地址4号"), c];
    let mut u32_clock = s.change(2, jiedao, "person", &s.person, json!({"address": {"old": null, "new": "x"}}));
    u32_clock.hlc = format!("{:015}-{}", chrono::Utc::now().timestamp_millis(), u32::MAX);
    let mut year_2300 = s.change(2, jiedao, "person", &s.person, json!({"address": {"old": null, "new": "x"}}));
    year_2300.hlc = format!("{:015}-000000", 10_413_792_000_000u64);
    let mut unknown_op = s.change(2, jiedao, "person", &s.person, json!({}));
    unknown_op.op = "drop".into();
    let cases = [
        (
            "字段",
            s.change(2, jiedao, "person", &s.person, json!({"favourite": {"old": null, "new": "红"}})),
            "没有字段",
        ),
        ("表", s.change(2, jiedao, "secret_table", &s.person, json!({"x": {"old": null, "new": 1}})), "未知的数据表"),
        ("类型", s.change(2, jiedao, "person", &s.person, json!({"address": {"old": null, "new": 12345}})), "不是文字"),
        ("时钟", u32_clock, "时间戳"),
        ("2300年", year_2300, "时间戳"),
        ("操作", unknown_op, "未知的操作"),
    ];
    for (what, change, says) in cases {
        let path = s.sealed(&format!("不合规-{what}.slsync"), bad(change));
        s.refuses(&path, "已损坏");
        s.refuses(&path, says);
    }
    assert_ne!(s.address().as_deref(), Some("新地址4号"), "not even the good change was taken");
}

#[test]
fn a_role_change_by_a_non_administrator_is_held_as_refused_and_the_rest_of_the_package_is_taken() {
    let s = street();
    let (shequ, role) = s.account("shequ");
    assert_eq!(role, "community_staff");
    let promote =
        s.change(2, "演示社区工作人员(shequ)", "account", &shequ, json!({"role": {"old": role, "new": "admin"}}));
    let path = s.sealed("提权.slsync", vec![s.new_address(1, "新地址5号"), promote]);
    let o = s.import(&path);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));

    assert_eq!(s.account("shequ").1, "community_staff", "the role did not change");
    assert_eq!(s.address().as_deref(), Some("新地址5号"), "the rest of the package was taken");
    let store = Store::open_dir(s.dir.path()).unwrap();
    let listed = sync::trust::refused(store.conn(), &Actor::admin("测试管理员")).unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].pc_name, "二号电脑");
    assert_eq!(listed[0].user_name, "演示社区工作人员(shequ)");
    assert!(listed[0].what.contains("shequ") && listed[0].what.contains("角色"), "{:?}", listed[0]);
    assert!(listed[0].why.contains("不是管理员"), "{:?}", listed[0]);
    assert!(sync::trust::refused(store.conn(), &Actor::new("职员", street_ledger::access::Role::StreetStaff, None))
        .is_err());
    drop(store);

    // The refused change does not block that PC's later changes (taken in
    // sequence, invariant 1a), and the merge of the log is still the records.
    let later = s.sealed("之后.slsync", vec![s.new_address(3, "新地址6号")]);
    assert_eq!(s.import(&later).status.code(), Some(0));
    assert_eq!(s.address().as_deref(), Some("新地址6号"));
    let check = run_limited(s.dir.path(), &["check"], HANG);
    assert_eq!(check.status.code(), Some(0), "check: {}", String::from_utf8_lossy(&check.stdout));
}

#[test]
fn a_role_change_by_an_administrator_is_taken() {
    let s = street();
    let (shequ, role) = s.account("shequ");
    let promote =
        s.change(1, "演示管理员(admin)", "account", &shequ, json!({"role": {"old": role, "new": "street_staff"}}));
    let path = s.sealed("调整角色.slsync", vec![promote]);
    assert_eq!(s.import(&path).status.code(), Some(0));
    assert_eq!(s.account("shequ").1, "street_staff");
    let store = Store::open_dir(s.dir.path()).unwrap();
    assert!(sync::trust::refused(store.conn(), &Actor::admin("测试管理员")).unwrap().is_empty());
}

#[test]
fn a_refused_change_counts_once_a_package_shows_its_user_was_made_administrator_before_it() {
    let s = street();
    let (chakan, _) = s.account("chakan");
    let (jiedao, role) = s.account("jiedao");
    let rename = s.change(
        1,
        "演示街道工作人员(jiedao)",
        "account",
        &chakan,
        json!({"display_name": {"old": null, "new": "查看员"}}),
    );
    assert_eq!(s.import(&s.sealed("改名.slsync", vec![rename.clone()])).status.code(), Some(0));
    let display = || -> String {
        s.conn().query_row("SELECT display_name FROM account WHERE id = ?1", [&chakan], |r| r.get(0)).unwrap()
    };
    assert_ne!(display(), "查看员", "refused: jiedao is no administrator as far as this PC knows");

    // A third PC's administrator had made jiedao one, a second earlier.
    let third = "0190bbbb-0000-7000-8000-00000000cafe";
    let mut grant =
        s.change(1, "演示管理员(admin)", "account", &jiedao, json!({"role": {"old": role, "new": "admin"}}));
    let millis: u64 = rename.hlc[..15].parse().unwrap();
    grant.installation_id = third.into();
    grant.hlc = format!("{:015}-000000", millis - 1000);
    assert_eq!(s.import(&s.sealed_by(third, "授权.slsync", vec![grant])).status.code(), Some(0));
    assert_eq!(s.account("jiedao").1, "admin");
    assert_eq!(display(), "查看员", "judged again: the rename now counts");
    let store = Store::open_dir(s.dir.path()).unwrap();
    assert!(sync::trust::refused(store.conn(), &Actor::admin("测试管理员")).unwrap().is_empty());
    drop(store);
    let check = run_limited(s.dir.path(), &["check"], HANG);
    assert_eq!(check.status.code(), Some(0), "check: {}", String::from_utf8_lossy(&check.stdout));
}

#[test]
fn the_os_administrators_setting_change_is_refused_after_setup_but_its_pc_number_bookkeeping_counts() {
    let s = street();
    let conn = s.conn();
    let (id, old): (String, String) = conn
        .query_row("SELECT id, value FROM setting WHERE key = 'security.max_failures'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let system = "系统管理员(root)";
    let change = s.change(1, system, "setting", &id, json!({"value": {"old": old, "new": "9"}}));
    let mut reserve = s.change(2, system, "setting", &id, json!({}));
    reserve.record_id = new_id();
    reserve.op = "insert".into();
    reserve.seen = Some("{}".into());
    reserve.fields =
        json!({"key": {"old": null, "new": "pc_number.reserved.test"}, "value": {"old": null, "new": "7"}}).to_string();
    assert_eq!(s.import(&s.sealed("系统.slsync", vec![change, reserve])).status.code(), Some(0));
    let value = |key: &str| -> Option<String> {
        use rusqlite::OptionalExtension;
        conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0)).optional().unwrap()
    };
    assert_eq!(value("security.max_failures"), Some(old), "refused: the OS administrator is no account");
    assert_eq!(value("pc_number.reserved.test").as_deref(), Some("7"));
    let store = Store::open_dir(s.dir.path()).unwrap();
    let listed = sync::trust::refused(store.conn(), &Actor::admin("测试管理员")).unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].what.contains("security.max_failures"), "{:?}", listed[0]);
}

#[test]
fn settling_an_unknown_field_or_deleting_a_kept_record_is_an_error_not_a_panic() {
    let mut o = crate::support::new_office();
    let id = o.dongfeng.clone();
    let e = o.store.write(&crate::support::clerk(), |w| w.settle(Table::Community, &id, "no_such_field", 1.into()));
    assert_eq!(e.unwrap_err().code(), "store.unknown_field");
    let e = o.store.write(&crate::support::clerk(), |w| w.delete(Table::Community, &id));
    assert_eq!(e.unwrap_err().code(), "store.not_deletable");
    let e =
        o.store.write(&crate::support::clerk(), |w| w.update(Table::Community, &id, None, &[("x; DROP", 1.into())]));
    assert_eq!(e.unwrap_err().code(), "store.unknown_field");
}

#[test]
fn an_administrators_setting_out_of_range_or_kept_per_pc_is_held_as_refused_and_the_old_value_stays() {
    let s = street();
    let conn = s.conn();
    let idle: (String, String) = conn
        .query_row("SELECT id, value FROM setting WHERE key = 'security.idle_minutes'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let admin = "演示管理员(admin)";
    // 1e300 minutes made every command panic in 0.2.0; 0 locked at every click.
    let huge = s.change(1, admin, "setting", &idle.0, json!({"value": {"old": idle.1, "new": "1e300"}}));
    let mut share = s.change(2, admin, "setting", &idle.0, json!({}));
    share.record_id = new_id();
    share.op = "insert".into();
    share.seen = Some("{}".into());
    share.fields =
        json!({"key": {"old": null, "new": "backup.dir"}, "value": {"old": null, "new": r"\\share\all"}}).to_string();
    let fine = s.new_address(3, "和平路1号");
    assert_eq!(s.import(&s.sealed("设置.slsync", vec![huge, share, fine])).status.code(), Some(0));

    assert_eq!(
        conn.query_row("SELECT value FROM setting WHERE key = 'security.idle_minutes'", [], |r| r.get::<_, String>(0))
            .unwrap(),
        idle.1,
        "the value that counted stays"
    );
    let store = Store::open_dir(s.dir.path()).unwrap();
    assert_eq!(street_ledger::settings::idle_lock(store.conn()).as_secs(), idle.1.parse::<u64>().unwrap() * 60);
    assert_eq!(street_ledger::settings::folder(store.conn(), "backup.dir"), None);
    let listed = sync::trust::refused(store.conn(), &Actor::admin("测试管理员")).unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed.iter().any(|r| r.why.contains("1到240")), "{listed:?}");
    assert!(listed.iter().any(|r| r.why.contains("每台电脑自己的设置")), "{listed:?}");
    assert_eq!(s.address().as_deref(), Some("和平路1号"), "the rest of the package is taken");
    drop(store);
    let check = run_limited(s.dir.path(), &["check"], HANG);
    assert_eq!(check.status.code(), Some(0), "check: {}", String::from_utf8_lossy(&check.stdout));
}
