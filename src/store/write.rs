//! The one write path (唯一写入通道). Every insert or update of a record
//! goes through [`WriteTx`], which in the same transaction bumps the row
//! version and appends to `change_log` who changed which fields of which
//! record on which PC, with old and new values. Sync and the audit trail read
//! that log; nothing else writes record tables.
use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension, Transaction};
use serde_json::json;

use super::{Actor, Hlc, StoreError};
use crate::{Error, Result};

/// The record tables, each with the fields the write path may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Office,
    Community,
    DictEntry,
    Setting,
    Account,
    Person,
    Elderly,
    ElderlyService,
    ElderlyVisit,
}

impl Table {
    pub const ALL: [Table; 9] = [
        Table::Office,
        Table::Community,
        Table::DictEntry,
        Table::Setting,
        Table::Account,
        Table::Person,
        Table::Elderly,
        Table::ElderlyService,
        Table::ElderlyVisit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Office => "office",
            Table::Community => "community",
            Table::DictEntry => "dict_entry",
            Table::Setting => "setting",
            Table::Account => "account",
            Table::Person => "person",
            Table::Elderly => "elderly",
            Table::ElderlyService => "elderly_service",
            Table::ElderlyVisit => "elderly_visit",
        }
    }

    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Table::Office => &["name"],
            Table::Community => &["name", "sort", "active"],
            Table::DictEntry => &["dict", "label", "sort", "active"],
            Table::Setting => &["key", "value"],
            Table::Account => &["username", "display_name", "role", "community_id", "password_hash", "active"],
            Table::Person => &[
                "name",
                "name_key",
                "id_number",
                "sex",
                "birth_date",
                "phone",
                "community_id",
                "address",
                "hukou",
                "created_at",
            ],
            Table::Elderly => &[
                "person_id",
                "kinds",
                "sanwu",
                "enterprise_retiree",
                "living_arrangement",
                "economic_status",
                "disability_type",
                "disability_grade",
                "disability_cert",
                "health_notes",
                "emergency_name",
                "emergency_phone",
                "emergency_relation",
                "care_mode",
                "visit_level",
                "status",
                "status_date",
                "status_reason",
                "registered_on",
            ],
            Table::ElderlyService => {
                &["elderly_id", "date", "service_type", "paid", "charge_cents", "provider", "hours", "notes"]
            }
            Table::ElderlyVisit => {
                &["elderly_id", "date", "visitor", "way", "health", "economy", "family_support", "home_safety", "needs"]
            }
        }
    }

    fn check_fields(self, fields: &[(&str, Value)]) {
        for (f, _) in fields {
            assert!(self.fields().contains(f), "{} has no field {f}", self.name());
        }
    }
}

/// Field name to value, as given to the write path.
pub type Fields<'f> = [(&'f str, Value)];

pub struct WriteTx<'a> {
    tx: Transaction<'a>,
    actor: &'a Actor,
    installation_id: &'a str,
    clock: &'a mut Hlc,
    txn_id: String,
    at: String,
    /// The change log's chain head, read at this transaction's first log
    /// entry and carried in memory from row to row (a large import writes
    /// hundreds of thousands), then stored in `audit_head` at commit.
    chain: Option<crate::audit::ChainHead>,
}

impl<'a> WriteTx<'a> {
    pub(super) fn new(tx: Transaction<'a>, actor: &'a Actor, installation_id: &'a str, clock: &'a mut Hlc) -> Self {
        WriteTx {
            tx,
            actor,
            installation_id,
            clock,
            txn_id: super::new_id(),
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            chain: None,
        }
    }

    /// Who this write acts for: the registers check permissions against it.
    pub fn actor(&self) -> &Actor {
        self.actor
    }

    /// Reads inside the transaction (they see this transaction's writes).
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    pub(super) fn commit(self) -> Result<()> {
        if let Some(head) = &self.chain {
            head.store(&self.tx, crate::audit::Log::ChangeLog)?;
        }
        self.tx.commit()?;
        Ok(())
    }

    /// Inserts a new record with the given id (made by [`super::new_id`]).
    pub fn insert(&mut self, table: Table, id: &str, fields: &Fields) -> Result<()> {
        table.check_fields(fields);
        let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
        let sql = format!(
            "INSERT INTO {} (id, row_version, {}) VALUES (?1, 1, {})",
            table.name(),
            names.join(", "),
            (2..fields.len() + 2).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
        );
        let params = std::iter::once(Value::Text(id.to_string())).chain(fields.iter().map(|(_, v)| v.clone()));
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(params))?;
        let old = vec![Value::Null; fields.len()];
        self.derive(table, id, &names, &old, fields, true)?;
        self.log(table, id, "insert", fields.iter().map(|(f, v)| (*f, &Value::Null, v)))
    }

    /// Sets the given fields of a record; logs and bumps the row version only
    /// when something actually changed. With `expected_version`, refuses to
    /// overwrite a record that someone else changed meanwhile.
    /// Returns whether anything changed.
    pub fn update(&mut self, table: Table, id: &str, expected_version: Option<i64>, fields: &Fields) -> Result<bool> {
        table.check_fields(fields);
        let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
        let select = format!("SELECT row_version, {} FROM {} WHERE id = ?1", names.join(", "), table.name());
        let current: Option<(i64, Vec<Value>)> = self
            .tx
            .prepare_cached(&select)?
            .query_row([id], |r| {
                let old = (0..names.len()).map(|i| r.get::<_, Value>(i + 1)).collect::<rusqlite::Result<_>>()?;
                Ok((r.get(0)?, old))
            })
            .optional()?;
        let Some((version, old)) = current else {
            return Err(Error::NotFound { what: "记录" });
        };
        if expected_version.is_some_and(|v| v != version) {
            return Err(StoreError::Stale.into());
        }
        let changed: Vec<usize> = (0..fields.len()).filter(|&i| !same(&old[i], &fields[i].1)).collect();
        if changed.is_empty() {
            return Ok(false);
        }
        let sets: Vec<String> =
            changed.iter().enumerate().map(|(n, &i)| format!("{} = ?{}", names[i], n + 2)).collect();
        let sql =
            format!("UPDATE {} SET row_version = row_version + 1, {} WHERE id = ?1", table.name(), sets.join(", "));
        let params = std::iter::once(Value::Text(id.to_string())).chain(changed.iter().map(|&i| fields[i].1.clone()));
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(params))?;
        self.derive(table, id, &names, &old, fields, false)?;
        self.log(table, id, "update", changed.iter().map(|&i| (names[i], &old[i], &fields[i].1)))?;
        Ok(true)
    }

    /// Bumps a record's version without changing its fields (logged as an
    /// update of no field), for a record whose meaning includes another's.
    pub fn touch(&mut self, table: Table, id: &str) -> Result<()> {
        let sql = format!("UPDATE {} SET row_version = row_version + 1 WHERE id = ?1", table.name());
        if self.tx.prepare_cached(&sql)?.execute([id])? == 0 {
            return Err(Error::NotFound { what: "记录" });
        }
        self.log(table, id, "update", std::iter::empty())
    }

    /// Keeps derived data (the person search index, the roster list index)
    /// in step with the record.
    fn derive(&self, table: Table, id: &str, names: &[&str], old: &[Value], fields: &Fields, new: bool) -> Result<()> {
        match table {
            Table::Person => {
                crate::person::search::reindex(&self.tx, id, names, old, fields, new)?;
                if !new {
                    crate::elderly::roster::reindex_person(&self.tx, id)?;
                }
            }
            Table::Elderly => crate::elderly::roster::reindex(&self.tx, id)?,
            _ => {}
        }
        Ok(())
    }

    fn log<'v>(
        &mut self,
        table: Table,
        id: &str,
        op: &str,
        changes: impl Iterator<Item = (&'v str, &'v Value, &'v Value)>,
    ) -> Result<()> {
        let fields: BTreeMap<&str, serde_json::Value> =
            changes.map(|(f, old, new)| (f, json!({"old": to_json(old), "new": to_json(new)}))).collect();
        let fields = serde_json::to_string(&fields).expect("JSON of plain values");
        let hlc = self.clock.tick();
        if self.chain.is_none() {
            self.chain = Some(crate::audit::ChainHead::load(&self.tx, crate::audit::Log::ChangeLog)?);
        }
        let head = self.chain.as_mut().expect("loaded above");
        // The columns in the order of `audit::Log::ChangeLog.columns()`.
        let hash = crate::audit::chain_hash(
            &head.hash,
            &[
                Some(self.txn_id.as_str()),
                Some(&hlc),
                Some(&self.at),
                Some(self.installation_id),
                Some(&self.actor.user),
                Some(table.name()),
                Some(id),
                Some(op),
                Some(&fields),
            ],
        );
        self.tx
            .prepare_cached(
                "INSERT INTO change_log (txn_id, hlc, at, installation_id, user_name, table_name, record_id, op, fields, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute((
                &self.txn_id,
                &hlc,
                &self.at,
                self.installation_id,
                &self.actor.user,
                table.name(),
                id,
                op,
                &fields,
                &hash,
            ))?;
        head.seq = self.tx.last_insert_rowid();
        head.hash = hash;
        Ok(())
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Real(x), Value::Real(y)) => x == y,
        (Value::Integer(x), Value::Real(y)) | (Value::Real(y), Value::Integer(x)) => *x as f64 == *y,
        _ => a == b,
    }
}

/// The JSON form of a field value in the change log and in dumps.
pub fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => json!(i),
        Value::Real(f) => json!(f),
        Value::Text(s) => json!(s),
        Value::Blob(b) => json!(b),
    }
}
