//! Staff of the test office (one logged-in account per role), and what the
//! permission and password tests compare: every table's rows before and
//! after, and every text cell searched for a string.
use std::fmt::Debug;

use chrono::Utc;
use rusqlite::Connection;
use street_ledger::access::{Actor, Role};
use street_ledger::accounts::{self, NewAccount};
use street_ledger::store::Store;
use street_ledger::{dump, Error};

/// The password every test account starts with.
pub const PASSWORD: &str = "Hp2025-街道台账";

/// One logged-in actor per role: the session the UI would hold.
pub struct Staff {
    pub admin: Actor,
    pub street: Actor,
    /// 社区工作人员 of 东风社区.
    pub dongfeng: Actor,
    pub readonly: Actor,
}

impl Staff {
    /// In the order the access matrix lists them.
    pub fn all(&self) -> [&Actor; 4] {
        [&self.admin, &self.street, &self.dongfeng, &self.readonly]
    }
}

pub fn account(username: &str, role: Role, community_id: Option<&str>) -> NewAccount {
    NewAccount {
        username: username.into(),
        display_name: format!("{}{username}", role.label()),
        role: role.code().into(),
        community_id: community_id.map(Into::into),
        password: PASSWORD.into(),
    }
}

/// Creates an account as `by` and logs it in.
pub fn hire(store: &mut Store, by: &Actor, username: &str, role: Role, community_id: Option<&str>) -> Actor {
    accounts::create(store, by, &account(username, role, community_id)).expect("create account");
    accounts::login(store, username, PASSWORD, Utc::now()).expect("log in")
}

/// Creates and logs in the four roles' accounts (`setup_actor` creates
/// them: the administrator who set the office up).
pub fn staff(store: &mut Store, setup_actor: &Actor, dongfeng: &str) -> Staff {
    Staff {
        admin: hire(store, setup_actor, "admin", Role::Admin, None),
        street: hire(store, setup_actor, "jiedao", Role::StreetStaff, None),
        dongfeng: hire(store, setup_actor, "dongfeng", Role::CommunityStaff, Some(dongfeng)),
        readonly: hire(store, setup_actor, "chakan", Role::ReadOnly, None),
    }
}

/// Every table of the database (record tables, indexes kept as tables, the
/// change log, the audit trail, login state) with its row count, and every
/// record in full.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    counts: Vec<(String, i64)>,
    records: serde_json::Value,
}

pub fn tables(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("list tables");
    stmt.query_map([], |r| r.get(0)).expect("list tables").collect::<rusqlite::Result<_>>().expect("table names")
}

pub fn snapshot(conn: &Connection) -> Snapshot {
    let counts = tables(conn)
        .into_iter()
        .map(|t| {
            let n = conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0)).expect("count");
            (t, n)
        })
        .collect();
    Snapshot { counts, records: dump::records(conn).expect("records") }
}

/// "table.column" of every cell, in any table, whose text holds `needle`.
pub fn cells_holding(conn: &Connection, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for table in tables(conn) {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .expect("columns")
            .query_map([], |r| r.get(0))
            .expect("columns")
            .collect::<rusqlite::Result<_>>()
            .expect("column names");
        for column in columns {
            let n: i64 = conn
                .query_row(
                    &format!("SELECT count(*) FROM \"{table}\" WHERE instr(CAST(\"{column}\" AS TEXT), ?1) > 0"),
                    [needle],
                    |r| r.get(0),
                )
                .expect("search column");
            if n > 0 {
                found.push(format!("{table}.{column}"));
            }
        }
    }
    found
}

/// The refusal every entry point gives: code `access.denied`, a Chinese
/// message saying 无权限, no field.
pub fn assert_denied<T: Debug>(result: Result<T, Error>, what: &str) -> Error {
    match result {
        Err(e) => {
            let p = e.payload();
            assert_eq!(p.code, "access.denied", "{what}: expected access.denied, got {}: {}", p.code, p.message);
            assert!(p.message.contains("无权限"), "{what}: message should say 无权限: {}", p.message);
            assert_eq!(p.field, None, "{what}");
            e
        }
        Ok(v) => panic!("{what}: expected access.denied, got Ok({v:?})"),
    }
}
