//! Shared fixtures: a configured office in a temporary folder, a fixed
//! "today", made-up people with valid ID numbers, and row counts.
use chrono::NaiveDate;
use rusqlite::Connection;
use street_ledger::access::Actor;
use street_ledger::elderly::{self, ElderlyInput};
use street_ledger::idcard;
use street_ledger::office::{self, Community};
use street_ledger::person::PersonInput;
use street_ledger::store::{Store, Table};
use street_ledger::sync::keys;
use tempfile::TempDir;

/// Every test runs on this date, so ages and due dates never drift.
pub fn today() -> NaiveDate {
    date(2025, 6, 16)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn clerk() -> Actor {
    Actor::admin("测试员小王")
}

/// A valid ID number (area 110105) for a birth date; odd `seq` is a man.
pub fn id_number(y: i32, m: u32, d: u32, seq: u16) -> String {
    idcard::compose("110105", date(y, m, d), seq).to_string()
}

/// An office set up on a fresh database: 东风社区 and 西城社区.
pub struct Office {
    pub store: Store,
    pub dongfeng: String,
    pub xicheng: String,
    // Last: the folder outlives the open database.
    pub _dir: TempDir,
}

/// The config folder of this test run, where sync keys are kept (see
/// `sync::keys`): under the target's tmp folder, never the user's own. Every
/// test that sets, joins or opens a database holding a key calls this first
/// (`new_office` does); a child process gets it as STREET_LEDGER_CONFIG_DIR.
pub fn config_dir() -> &'static std::path::Path {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("street-ledger-config");
    assert!(keys::use_config_dir(&dir), "the key store was used before the test run fixed it");
    keys::config_dir()
}

pub fn new_office() -> Office {
    config_dir();
    let dir = TempDir::new().expect("temp dir");
    let mut store = Store::open_dir(dir.path()).expect("open store");
    let o = office::setup(&mut store, &clerk(), "和平街道", &["东风社区".to_string(), "西城社区".to_string()])
        .expect("setup");
    let id_of = |name: &str| o.communities.iter().find(|c: &&Community| c.name == name).expect("community").id.clone();
    Office { dongfeng: id_of("东风社区"), xicheng: id_of("西城社区"), store, _dir: dir }
}

/// A roster entry with only what registration needs.
pub fn elder(name: &str, id_number: &str, community_id: &str) -> ElderlyInput {
    ElderlyInput {
        person: PersonInput {
            name: name.into(),
            id_number: Some(id_number.into()),
            community_id: Some(community_id.into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

impl Office {
    pub fn register(&mut self, input: &ElderlyInput) -> String {
        elderly::register(&mut self.store, &clerk(), input, today()).expect("register")
    }

    pub fn count(&self, table: &str) -> i64 {
        count(self.store.conn(), table)
    }
}

pub fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count")
}

/// Rows in every record table, the search index and the change log.
pub fn all_counts(conn: &Connection) -> Vec<(&'static str, i64)> {
    Table::ALL.iter().map(|t| t.name()).chain(["person_token", "change_log"]).map(|t| (t, count(conn, t))).collect()
}

/// Sets a setting as the settings page does.
pub fn set_setting(store: &mut Store, key: &str, value: &str) {
    street_ledger::settings::set(store, &clerk(), key, value).expect("update setting");
}

pub fn is_chinese(message: &str) -> bool {
    message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A compressed backup's database, unpacked to `to` by zstd itself: what
/// someone holding the backup file could read with the `zstd` tool.
pub fn unpack_backup(backup: &std::path::Path, to: &std::path::Path) {
    let from = std::fs::File::open(backup).expect("open backup");
    let into = std::fs::File::create(to).expect("create unpacked file");
    zstd::stream::copy_decode(from, into).expect("a whole zstd file");
}

/// A database file compressed by zstd itself, as a backup is.
pub fn pack_backup(db: &std::path::Path, to: &std::path::Path) {
    let from = std::fs::File::open(db).expect("open database");
    let into = std::fs::File::create(to).expect("create compressed file");
    zstd::stream::copy_encode(from, into, 3).expect("compress");
}
