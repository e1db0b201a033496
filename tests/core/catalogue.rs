//! The schema catalogue is the one description of the database: what the
//! migrations make, on a new office and on every released database after
//! upgrading, is exactly what it lists, table by table and column by column.
use std::path::Path;

use rusqlite::Connection;
use street_ledger::catalogue::{Table, LOCAL_TABLES};
use street_ledger::store::{Store, DB_FILE};
use tempfile::TempDir;

/// (name, declared type, NOT NULL) of each column, in order.
fn columns(conn: &Connection, table: &str) -> Vec<(String, String, bool)> {
    let mut stmt =
        conn.prepare("SELECT name, upper(type), \"notnull\" FROM pragma_table_info(?1) ORDER BY cid").unwrap();
    stmt.query_map([table], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

fn tables(conn: &Connection) -> Vec<String> {
    let sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
    conn.prepare(sql).unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// Every difference between the database's schema and the catalogue.
fn differences(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    let present = tables(conn);
    for t in Table::ALL {
        let mut want =
            vec![("id".to_string(), "TEXT".to_string(), false), ("row_version".into(), "INTEGER".into(), true)];
        want.extend(t.fields().iter().map(|f| (f.name.to_string(), f.ty.sql().to_string(), f.required)));
        let got = columns(conn, t.name());
        if got != want {
            out.push(format!("record table {}: database {got:?}, catalogue {want:?}", t.name()));
        }
    }
    for l in LOCAL_TABLES {
        let want: Vec<(String, String)> =
            l.columns.iter().map(|(n, ty)| (n.to_string(), ty.sql().to_string())).collect();
        let got: Vec<(String, String)> = columns(conn, l.name).into_iter().map(|(n, ty, _)| (n, ty)).collect();
        if got != want {
            out.push(format!("local table {}: database {got:?}, catalogue {want:?}", l.name));
        }
    }
    for name in present {
        let known = Table::from_name(&name).is_some() || LOCAL_TABLES.iter().any(|l| l.name == name);
        if !known {
            out.push(format!("table {name} is in the database but not in the catalogue"));
        }
    }
    out
}

#[test]
fn the_migrations_make_exactly_the_catalogued_tables() {
    crate::support::config_dir();
    let dir = TempDir::new().unwrap();
    let store = Store::open_dir(dir.path()).unwrap();
    assert_eq!(differences(store.conn()), Vec::<String>::new());
}

#[test]
fn every_released_database_upgrades_to_exactly_the_catalogued_tables() {
    crate::support::config_dir();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "db") {
            continue;
        }
        let dir = TempDir::new().unwrap();
        std::fs::copy(&path, dir.path().join(DB_FILE)).unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        assert_eq!(differences(store.conn()), Vec::<String>::new(), "{}", path.display());
        seen += 1;
    }
    assert!(seen >= 2, "the fixture databases are missing");
}

#[test]
fn a_field_the_catalogue_does_not_list_is_refused_by_the_write_path() {
    let mut office = crate::support::new_office();
    let community = office.dongfeng.clone();
    let err = office
        .store
        .write(&crate::support::clerk(), |w| {
            w.update(Table::Community, &community, None, &[("colour", rusqlite::types::Value::Text("红".into()))])
        })
        .unwrap_err();
    assert_eq!(err.code(), "store.unknown_field");
}
