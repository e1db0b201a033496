//! The one write path: what the change log records for an edit, optimistic
//! concurrency, and that a failed write leaves nothing behind.
use serde_json::{json, Value};
use street_ledger::access::Actor;
use street_ledger::elderly::{self, ElderlyInput};
use street_ledger::person::{self, PersonInput};
use street_ledger::store::log::fields_of;
use street_ledger::store::{new_id, Store, Table};
use street_ledger::Error;
use tempfile::TempDir;

use crate::support::{self, clerk, elder, id_number, new_office, today, Office};

struct LogRow {
    txn_id: String,
    hlc: String,
    at: String,
    installation_id: String,
    user_name: String,
    table_name: String,
    record_id: String,
    op: String,
    fields: Value,
}

/// The newest `n` change-log rows, oldest first.
fn newest_log(store: &Store, n: usize) -> Vec<LogRow> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT txn_id, hlc, at, installation_id, user_name, table_name, record_id, op, fields, mask
             FROM change_log ORDER BY seq DESC LIMIT ?1",
        )
        .unwrap();
    let mut rows: Vec<LogRow> = stmt
        .query_map([n as i64], |r| {
            Ok(LogRow {
                txn_id: r.get(0)?,
                hlc: r.get(1)?,
                at: r.get(2)?,
                installation_id: r.get(3)?,
                user_name: r.get(4)?,
                table_name: r.get(5)?,
                record_id: r.get(6)?,
                op: r.get(7)?,
                fields: serde_json::from_str(
                    &fields_of(store.conn(), &r.get::<_, String>(5)?, &r.get::<_, String>(6)?, r.get(8)?, r.get(9)?)
                        .unwrap(),
                )
                .unwrap(),
            })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.reverse();
    rows
}

fn row_version(store: &Store, table: &str, id: &str) -> i64 {
    store.conn().query_row(&format!("SELECT row_version FROM {table} WHERE id = ?1"), [id], |r| r.get(0)).unwrap()
}

/// 李秀英, 78, living with her children, phone 13800001111.
fn registered(office: &mut Office) -> (String, ElderlyInput) {
    let mut input = elder("李秀英", &id_number(1947, 3, 8, 22), &office.dongfeng.clone());
    input.person.phone = Some("13800001111".into());
    input.living_arrangement = Some("与子女同住".into());
    let id = office.register(&input);
    (id, input)
}

#[test]
fn an_edit_logs_exactly_the_changed_fields_with_old_and_new_values() {
    let mut office = new_office();
    let (id, mut input) = registered(&mut office);
    let person_id = elderly::get(office.store.conn(), &clerk(), &id, today()).unwrap().person.id;
    let log_before = office.count("change_log");

    input.person.phone = Some("13900002222".into());
    input.living_arrangement = Some("独居".into());
    let editor = Actor::admin("社区干部老赵");
    elderly::update(&mut office.store, &editor, &id, Some(1), &input, today()).unwrap();

    assert_eq!(office.count("change_log"), log_before + 2, "one row per changed record");
    let rows = newest_log(&office.store, 2);
    let person_row = rows.iter().find(|r| r.table_name == "person").expect("person logged");
    let elderly_row = rows.iter().find(|r| r.table_name == "elderly").expect("elderly logged");
    assert_eq!(person_row.record_id, person_id);
    assert_eq!(person_row.fields, json!({"phone": {"old": "13800001111", "new": "13900002222"}}));
    assert_eq!(elderly_row.record_id, id);
    assert_eq!(elderly_row.fields, json!({"living_arrangement": {"old": "与子女同住", "new": "独居"}}));
    for row in &rows {
        assert_eq!(row.op, "update");
        assert_eq!(row.user_name, "社区干部老赵");
        assert_eq!(row.installation_id, office.store.installation_id());
        assert_eq!(row.txn_id, rows[0].txn_id, "one edit, one transaction");
        assert!(chrono::DateTime::parse_from_rfc3339(&row.at).is_ok(), "{}", row.at);
    }
    assert!(rows[0].hlc < rows[1].hlc, "stamps increase: {} {}", rows[0].hlc, rows[1].hlc);
    assert_eq!(row_version(&office.store, "person", &person_id), 2);
    assert_eq!(row_version(&office.store, "elderly", &id), 2);
}

#[test]
fn a_new_record_is_logged_as_an_insert_of_the_values_it_was_given() {
    let mut office = new_office();
    let (id, _) = registered(&mut office);
    let rows = newest_log(&office.store, 1);
    assert_eq!(
        (rows[0].table_name.as_str(), rows[0].record_id.as_str(), rows[0].op.as_str()),
        ("elderly", id.as_str(), "insert")
    );
    let fields = rows[0].fields.as_object().unwrap();
    for (field, change) in fields {
        assert!(Table::Elderly.field(field).is_some(), "{field}");
        assert!(change["old"].is_null(), "{field}: {change}");
        let stored: rusqlite::types::Value = office
            .store
            .conn()
            .query_row(&format!("SELECT {field} FROM elderly WHERE id = ?1"), [&id], |r| r.get(0))
            .unwrap();
        assert_eq!(change["new"], street_ledger::store::write::to_json(&stored), "{field}: logged as stored");
    }
    assert_eq!(fields["living_arrangement"], json!({"old": null, "new": "与子女同住"}));
    assert_eq!(fields["status"], json!({"old": null, "new": "在册"}));
    assert_eq!(row_version(&office.store, "elderly", &id), 1);
}

#[test]
fn an_edit_that_changes_nothing_logs_nothing_and_keeps_the_versions() {
    let mut office = new_office();
    let (id, input) = registered(&mut office);
    let before = support::all_counts(office.store.conn());

    elderly::update(&mut office.store, &clerk(), &id, Some(1), &input, today()).unwrap();

    assert_eq!(support::all_counts(office.store.conn()), before);
    let e = elderly::get(office.store.conn(), &clerk(), &id, today()).unwrap();
    assert_eq!((e.row_version, e.person.row_version), (1, 1));
}

#[test]
fn an_edit_based_on_a_stale_version_is_refused_and_saves_nothing() {
    let mut office = new_office();
    let (id, mut input) = registered(&mut office);
    input.living_arrangement = Some("空巢".into());
    elderly::update(&mut office.store, &clerk(), &id, Some(1), &input, today()).unwrap();
    let before = support::all_counts(office.store.conn());

    // A second form, opened before that save, still holds version 1.
    let mut stale = input.clone();
    stale.living_arrangement = Some("独居".into());
    stale.person.phone = Some("13700003333".into());
    let err = elderly::update(&mut office.store, &clerk(), &id, Some(1), &stale, today()).unwrap_err();

    assert_eq!(err.code(), "store.stale");
    assert_eq!(support::all_counts(office.store.conn()), before);
    let e = elderly::get(office.store.conn(), &clerk(), &id, today()).unwrap();
    assert_eq!(e.living_arrangement.as_deref(), Some("空巢"));
    assert_eq!(e.person.phone_masked.as_deref(), Some("138****1111"), "the person's part is rolled back too");
}

#[test]

fn a_stale_form_cannot_revert_an_earlier_edit_of_the_persons_fields() {
    let mut office = new_office();
    let (id, input) = registered(&mut office);
    // Two clerks open the same person at version 1. The first fixes the address only.
    let mut first = input.clone();
    first.person.address = Some("和平路12号3单元402室".into());
    elderly::update(&mut office.store, &clerk(), &id, Some(1), &first, today()).unwrap();
    // The second, still showing the old (empty) address, changes the living arrangement.
    let mut second = input.clone();
    second.living_arrangement = Some("独居".into());
    let result = elderly::update(&mut office.store, &clerk(), &id, Some(1), &second, today());

    let e = elderly::get(office.store.conn(), &clerk(), &id, today()).unwrap();
    assert_eq!(e.person.address.as_deref(), Some("和平路12号3单元402室"), "the first clerk's edit was lost");
    assert_eq!(result.unwrap_err().code(), "store.stale");
}

#[test]
fn a_failed_write_leaves_no_rows_in_any_table_nor_in_the_change_log() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let empty = support::all_counts(store.conn());
    assert!(empty.iter().all(|(_, n)| *n == 0), "{empty:?}");

    let result: Result<(), Error> = store.write(&clerk(), |w| {
        w.insert(Table::Office, &new_id(), &[("name", "和平街道".to_string().into())])?;
        let community = new_id();
        w.insert(
            Table::Community,
            &community,
            &[("name", "东风社区".to_string().into()), ("sort", 0.into()), ("active", 1.into())],
        )?;
        person::create(
            w,
            &PersonInput {
                name: "张三".into(),
                phone: Some("13800001111".into()),
                community_id: Some(community),
                ..Default::default()
            },
            today(),
        )?;
        Err(Error::NotFound { what: "测试记录" })
    });

    assert_eq!(result.unwrap_err().code(), "not_found", "the closure's own error comes back");
    assert_eq!(support::all_counts(store.conn()), empty);
    // The store is still usable, and the clock carries on.
    store.write(&clerk(), |w| w.insert(Table::Office, &new_id(), &[("name", "和平街道".to_string().into())])).unwrap();
    assert_eq!(support::count(store.conn(), "office"), 1);
    assert_eq!(support::count(store.conn(), "change_log"), 1);
}

#[test]
fn a_register_refused_after_its_person_was_written_leaves_no_person_row() {
    let mut office = new_office();
    let before = support::all_counts(office.store.conn());
    // 55 years old: the person is written first, then the roster refuses the age.
    let input = elder("赵小军", &id_number(1970, 1, 15, 31), &office.dongfeng.clone());

    let err = elderly::register(&mut office.store, &clerk(), &input, today()).unwrap_err();

    match &err {
        Error::Invalid(i) => assert_eq!(i.field, "id_number"),
        other => panic!("expected invalid input, got {other:?}"),
    }
    assert!(err.to_string().contains("未满60周岁"), "{err}");
    assert_eq!(support::all_counts(office.store.conn()), before);
}
