//! The change log keeps an insert without a copy of its values while its
//! record is exactly as inserted (issue 18): the record is the copy. Every
//! reader still sees the entry as it was logged and hashed: when the record
//! changes, the first values of the fields that change are kept
//! (`change_patch`); before it is deleted, the text is written out.
use rusqlite::types::Value;
use street_ledger::access::Actor;
use street_ledger::store::log::fields_of;
use street_ledger::store::{Store, Table};
use street_ledger::sync::{self, Kind};
use street_ledger::{check, dump};
use tempfile::TempDir;

use crate::support::{clerk, elder, id_number, new_office};

fn kept_without_copy(store: &Store, record: &str) -> bool {
    let sql = "SELECT fields IS NULL FROM change_log WHERE record_id = ?1 AND op = 'insert'";
    store.conn().query_row(sql, [record], |r| r.get(0)).unwrap()
}

/// The insert's text as every reader sees it.
fn insert_text(store: &Store, record: &str) -> String {
    let sql = "SELECT table_name, fields, mask FROM change_log WHERE record_id = ?1 AND op = 'insert'";
    let (table, fields, mask): (String, Option<String>, Option<i64>) =
        store.conn().query_row(sql, [record], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
    fields_of(store.conn(), &table, record, fields, mask).unwrap()
}

fn person_of(store: &Store, elderly: &str) -> String {
    store.conn().query_row("SELECT person_id FROM elderly WHERE id = ?1", [elderly], |r| r.get(0)).unwrap()
}

fn assert_checks(store: &Store) {
    let report = check::check(store.conn()).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
}

#[test]
fn an_insert_keeps_no_copy_of_the_values_its_record_holds_and_reads_as_logged() {
    let mut office = new_office();
    let community = office.dongfeng.clone();
    let elderly = office.register(&elder("王秀英", &id_number(1940, 3, 5, 1), &community));
    let person = person_of(&office.store, &elderly);
    for record in [&elderly, &person] {
        assert!(kept_without_copy(&office.store, record));
    }
    let text: serde_json::Value = serde_json::from_str(&insert_text(&office.store, &person)).unwrap();
    assert_eq!(text["name"], serde_json::json!({"old": null, "new": "王秀英"}));
    assert_eq!(text["community_id"]["new"], serde_json::json!(community));
    assert_checks(&office.store);
}

/// The first values an edited record's insert keeps (`change_patch`).
fn patch(store: &Store, record: &str) -> Option<serde_json::Value> {
    let key = street_ledger::store::log::record_key(record);
    let text: Option<String> =
        store.conn().query_row("SELECT fields FROM change_patch WHERE record_id = ?1", [key], |r| r.get(0)).ok();
    text.map(|t| serde_json::from_str(&t).unwrap())
}

#[test]
fn an_edit_keeps_only_the_first_values_it_changes_and_the_insert_reads_as_logged() {
    let mut office = new_office();
    let community = office.dongfeng.clone();
    let elderly = office.register(&elder("李桂兰", &id_number(1938, 7, 9, 2), &community));
    let person = person_of(&office.store, &elderly);
    let before = insert_text(&office.store, &person);
    let address = |v: &str| [("address", Value::Text(v.into()))];
    let first: Option<String> =
        office.store.conn().query_row("SELECT address FROM person WHERE id = ?1", [&person], |r| r.get(0)).unwrap();
    office.store.write(&clerk(), |w| w.update(Table::Person, &person, None, &address("和平路9号")).map(drop)).unwrap();
    // Still no copy of the whole insert: the one value it changed is kept.
    assert!(kept_without_copy(&office.store, &person));
    assert_eq!(patch(&office.store, &person), Some(serde_json::json!({ "address": first })));
    assert_eq!(insert_text(&office.store, &person), before);
    // A second edit of the same field keeps the first value, not the one between.
    office.store.write(&clerk(), |w| w.update(Table::Person, &person, None, &address("和平路10号")).map(drop)).unwrap();
    assert_eq!(patch(&office.store, &person), Some(serde_json::json!({ "address": first })));
    assert_eq!(insert_text(&office.store, &person), before);
    let now: Option<String> =
        office.store.conn().query_row("SELECT address FROM person WHERE id = ?1", [&person], |r| r.get(0)).unwrap();
    assert_eq!(now.as_deref(), Some("和平路10号"));
    assert_checks(&office.store);
}

#[test]
fn deleting_a_record_writes_its_insert_out_whole_and_drops_its_first_values() {
    let mut office = new_office();
    let community = office.dongfeng.clone();
    let elderly = office.register(&elder("周德明", &id_number(1939, 4, 1, 5), &community));
    let service = street_ledger::store::new_id();
    let fields = [
        ("elderly_id", Value::Text(elderly)),
        ("date", Value::Text("2026-11-02".into())),
        ("service_type", Value::Text("助餐".into())),
        ("paid", Value::Text("免费".into())),
        ("charge_cents", Value::Integer(0)),
        ("notes", Value::Text("午餐".into())),
    ];
    office.store.write(&clerk(), |w| w.insert(Table::ElderlyService, &service, &fields)).unwrap();
    assert!(kept_without_copy(&office.store, &service));
    let before = insert_text(&office.store, &service);
    let notes = [("notes", Value::Text("午餐、晚餐".into()))];
    office.store.write(&clerk(), |w| w.update(Table::ElderlyService, &service, None, &notes).map(drop)).unwrap();
    assert_eq!(patch(&office.store, &service), Some(serde_json::json!({ "notes": "午餐" })));
    office.store.write(&clerk(), |w| w.delete(Table::ElderlyService, &service)).unwrap();
    assert!(!kept_without_copy(&office.store, &service));
    assert_eq!(patch(&office.store, &service), None);
    assert_eq!(insert_text(&office.store, &service), before);
    assert_checks(&office.store);
}

#[test]
fn a_record_altered_behind_the_write_path_is_named_by_the_check() {
    let mut office = new_office();
    let community = office.dongfeng.clone();
    let elderly = office.register(&elder("赵淑珍", &id_number(1935, 1, 2, 3), &community));
    let person = person_of(&office.store, &elderly);
    assert!(kept_without_copy(&office.store, &person));
    let other = rusqlite::Connection::open(office.store.path()).unwrap();
    other.execute("UPDATE person SET name = '篡改名' WHERE id = ?1", [&person]).unwrap();
    let report = check::check(office.store.conn()).unwrap();
    assert!(report.problems.iter().any(|p| p.contains(&person) && p.contains("校验链")), "{:?}", report.problems);
    assert!(report.problems.iter().all(|p| !p.contains("篡改名")), "problems never show personal data");
}

#[test]
fn a_received_insert_is_kept_without_a_copy_once_its_record_is_stored() {
    let mut office = new_office();
    let community = office.dongfeng.clone();
    let elderly = office.register(&elder("孙凤英", &id_number(1942, 11, 20, 4), &community));
    let snapshot = sync::bundle(office.store.conn(), office.store.installation_id(), Kind::Snapshot).unwrap();
    let dir = TempDir::new().unwrap();
    let mut joined = Store::open(&dir.path().join("joined.db")).unwrap();
    sync::apply(&mut joined, &Actor::system(), &snapshot).unwrap();
    assert!(kept_without_copy(&joined, &elderly));
    assert_eq!(insert_text(&joined, &elderly), insert_text(&office.store, &elderly));
    assert_eq!(dump::records(joined.conn()).unwrap(), dump::records(office.store.conn()).unwrap());
    assert_checks(&joined);
}

#[test]
fn an_insert_of_a_value_its_column_would_convert_keeps_its_text() {
    let mut office = new_office();
    let community = office.dongfeng.clone();
    let elderly = office.register(&elder("周玉珍", &id_number(1939, 4, 8, 5), &community));
    // 2 into a REAL column is stored as 2.0: rebuilt, it would read 2.0.
    let id = street_ledger::store::new_id();
    let text = |s: &str| Value::Text(s.into());
    let fields = [
        ("elderly_id", Value::Text(elderly)),
        ("date", text("2025-06-01")),
        ("service_type", text("日常照料")),
        ("paid", text("无偿")),
        ("charge_cents", Value::Integer(0)),
        ("hours", Value::Integer(2)),
    ];
    office.store.write(&clerk(), |w| w.insert(Table::ElderlyService, &id, &fields)).unwrap();
    assert!(!kept_without_copy(&office.store, &id));
    assert!(insert_text(&office.store, &id).contains(r#""hours":{"old":null,"new":2}"#));
    assert_checks(&office.store);
}

#[test]
fn upgrading_a_released_database_keeps_no_copy_of_inserts_its_records_hold_and_its_chain_holds() {
    crate::support::config_dir();
    for fixture in ["schema-3-v0.1.0.db", "schema-6-v0.2.0.db"] {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join(street_ledger::store::DB_FILE);
        std::fs::copy(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(fixture), &db)
            .unwrap();
        let store = Store::open(&db).unwrap();
        let kept: i64 =
            store.conn().query_row("SELECT count(*) FROM change_entry WHERE fields IS NULL", [], |r| r.get(0)).unwrap();
        let persons: i64 = store.conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
        assert!(kept >= persons, "{fixture}: {kept} inserts kept without a copy, {persons} persons");
        // The space the old log took went back to the disk.
        let pages = |p: &str| store.conn().query_row(&format!("PRAGMA {p}"), [], |r| r.get::<_, i64>(0)).unwrap();
        assert!(pages("freelist_count") * 4 <= pages("page_count"), "{fixture}: the file kept its free pages");
        assert_checks(&store);
    }
}
