//! The person search index (`person_token`), kept by the write path as a
//! [`Derived`] of the store: the tokens of persons inserted in a transaction
//! are held and written sorted (at commit, before an edit or an attempt, or
//! every [`TOKEN_BATCH`]), because a large import's tokens inserted one
//! person at a time land all over the index.
use rusqlite::Connection;

use super::search;
use crate::store::{Derived, DerivedTx, Table, Written};
use crate::Result;

/// Pending search tokens written at once: about 15 MB held, and most of
/// the gain of writing them sorted.
const TOKEN_BATCH: usize = 100_000;

pub(crate) struct SearchIndex;

impl Derived for SearchIndex {
    fn begin(&self) -> Box<dyn DerivedTx> {
        Box::new(Pending::default())
    }
}

/// (token, person id) of the persons inserted and not yet written.
#[derive(Default)]
struct Pending(Vec<(String, String)>);

impl DerivedTx for Pending {
    fn changed(&mut self, conn: &Connection, w: &Written) -> Result<()> {
        if w.table != Table::Person {
            return Ok(());
        }
        if w.new {
            let tokens = search::tokens(w.values.iter().map(|(n, v)| (*n, v)));
            self.0.extend(tokens.into_iter().map(|t| (t, w.id.to_string())));
            if self.0.len() >= TOKEN_BATCH {
                self.flush(conn)?;
            }
            return Ok(());
        }
        // An edit removes the tokens of the old values: they must be there.
        self.flush(conn)?;
        search::reindex(conn, w.id, w.names, w.old, w.values)
    }

    fn flush(&mut self, conn: &Connection) -> Result<()> {
        let mut tokens = std::mem::take(&mut self.0);
        tokens.sort_unstable();
        search::insert_tokens(conn, &tokens)
    }

    fn discard(&mut self) {
        self.0.clear();
    }
}
