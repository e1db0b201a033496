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

/// The tokens of the persons inserted and not yet written: their text one
/// after another in one string, and (start, end, person rowid) of each, so
/// that a hundred thousand persons' tokens are not a million strings.
#[derive(Default)]
struct Pending {
    text: String,
    tokens: Vec<(u32, u32, i64)>,
}

impl DerivedTx for Pending {
    fn changed(&mut self, conn: &Connection, w: &Written) -> Result<()> {
        if w.table != Table::Person {
            return Ok(());
        }
        if w.new {
            let rowid = match w.rowid {
                Some(r) => r,
                // A person not stored has nothing to be found by.
                None => match search::person_rowid(conn, w.id)? {
                    Some(r) => r,
                    None => return Ok(()),
                },
            };
            let (text, tokens) = (&mut self.text, &mut self.tokens);
            search::each_token(w.values.iter().map(|(n, v)| (*n, v)), &mut |t| {
                let start = text.len() as u32;
                text.push_str(t);
                tokens.push((start, text.len() as u32, rowid));
            });
            if self.tokens.len() >= TOKEN_BATCH {
                self.flush(conn)?;
            }
            return Ok(());
        }
        // An edit removes the tokens of the old values: they must be there.
        self.flush(conn)?;
        search::reindex(conn, w.id, w.names, w.old, w.values)
    }

    fn flush(&mut self, conn: &Connection) -> Result<()> {
        let text = &self.text;
        let mut pairs: Vec<(&str, i64)> =
            self.tokens.iter().map(|&(s, e, rowid)| (&text[s as usize..e as usize], rowid)).collect();
        pairs.sort_unstable();
        pairs.dedup();
        search::insert_tokens(conn, &pairs)?;
        self.discard();
        Ok(())
    }

    fn discard(&mut self) {
        self.text.clear();
        self.tokens.clear();
    }
}
