//! The roster list index (`roster_index`), kept by the write path as a
//! [`Derived`] of the store: entries inserted in a transaction are indexed
//! together, a few hundred a statement, when the transaction flushes.
use rusqlite::Connection;

use super::roster;
use crate::store::{Derived, DerivedTx, Table, Written};
use crate::Result;

pub(crate) struct RosterIndex;

impl Derived for RosterIndex {
    fn begin(&self) -> Box<dyn DerivedTx> {
        Box::new(Pending::default())
    }
}

/// The person fields the roster list shows.
const PERSON_FIELDS: [&str; 3] = ["name_key", "community_id", "birth_date"];
/// The roster fields it shows (health notes and the like it does not).
const ELDERLY_FIELDS: [&str; 5] = ["person_id", "kinds", "sanwu", "enterprise_retiree", "status"];

/// Roster entries inserted and not yet indexed.
#[derive(Default)]
struct Pending(Vec<String>);

impl DerivedTx for Pending {
    fn changed(&mut self, conn: &Connection, w: &Written) -> Result<()> {
        match w.table {
            Table::Person if !w.new && w.names.iter().any(|n| PERSON_FIELDS.contains(n)) => {
                self.flush(conn)?;
                roster::reindex_person(conn, w.id)?
            }
            Table::Elderly if w.new => self.0.push(w.id.to_string()),
            Table::Elderly if w.names.iter().any(|n| ELDERLY_FIELDS.contains(n)) => roster::reindex(conn, w.id)?,
            _ => {}
        }
        Ok(())
    }

    fn flush(&mut self, conn: &Connection) -> Result<()> {
        Ok(roster::reindex_all(conn, &std::mem::take(&mut self.0))?)
    }

    fn discard(&mut self) {
        self.0.clear();
    }
}
