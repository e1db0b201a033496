//! Person search (人员查询): by name or part of it, pinyin initials, the full
//! ID number or its last 4-6 characters, or the phone or its last 4 digits.
//!
//! A token table keeps each lookup an index probe at the scale of a whole
//! street office (100,000 persons). It holds few, short rows, keyed by the
//! person's rowid (an integer, not the 36-character id): a query is a prefix
//! range over them, so one row serves every part the query may be.
//! - `n` + each suffix of the name: a part of the name is a prefix of one.
//!   Names longer than 6 characters are found by parts of up to 4 only, so
//!   their suffixes are cut to 4, and `f` + the whole name finds them whole.
//! - `p` + the initials of each reading: typed initials are a prefix.
//! - `i` + the ID number reversed: its tail is a prefix (4-6 characters),
//!   the whole number an equal token.
//! - `t` + the phone reversed: likewise for its last 4 digits.
//!
//! The write path keeps it in step with `person` in the same transaction.
//! The rowid of `person` (no INTEGER PRIMARY KEY) survives VACUUM because
//! the table has indexes (SQLite keeps rowids then); tests/core/search.rs
//! holds it to that.
use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::Deserialize;

use super::{from_row, limit_offset, Page, Person, SELECT};
use crate::validate::clean;
use crate::{pinyin, Result};

/// Names up to this many characters are found by any part of them.
const WHOLE_PARTS: usize = 6;
/// Longer names are found by parts up to this many characters, or whole.
const LONG_PARTS: usize = 4;
/// Tails of the ID number that find the person.
const ID_TAILS: std::ops::RangeInclusive<usize> = 4..=6;
/// The tail of the phone that finds the person.
const PHONE_TAIL: usize = 4;

fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

/// The tokens one field of a person contributes.
pub(crate) fn field_tokens(field: &str, value: &Value, out: &mut BTreeSet<String>) {
    emit_tokens(field, value, &mut |t| {
        out.insert(t.to_string());
    });
}

/// Hands each token of one field to `emit` (a token may come twice), made
/// in one buffer: a large import makes millions.
fn emit_tokens(field: &str, value: &Value, emit: &mut dyn FnMut(&str)) {
    let Value::Text(v) = value else { return };
    let mut token = String::with_capacity(32);
    match field {
        "name" => {
            let chars: Vec<char> = v.chars().filter(|c| !c.is_whitespace() && *c != '·').collect();
            let cut = if chars.len() <= WHOLE_PARTS { chars.len() } else { LONG_PARTS };
            for start in 0..chars.len() {
                let end = chars.len().min(start + cut);
                token.clear();
                token.push('n');
                token.extend(&chars[start..end]);
                emit(&token);
            }
            if chars.len() > WHOLE_PARTS {
                token.clear();
                token.push('f');
                token.extend(&chars);
                emit(&token);
            }
            for initials in pinyin::initials_variants(v, 2).into_iter().filter(|i| !i.is_empty()) {
                token.clear();
                token.push('p');
                token.push_str(&initials);
                emit(&token);
            }
        }
        "id_number" | "phone" => {
            token.push(if field == "phone" { 't' } else { 'i' });
            token.extend(v.chars().rev());
            emit(&token);
        }
        _ => {}
    }
}

const INDEXED: [&str; 3] = ["name", "id_number", "phone"];

/// The tokens of a new person's fields.
pub(crate) fn tokens<'v>(fields: impl Iterator<Item = (&'v str, &'v Value)>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (name, value) in fields.filter(|(n, _)| INDEXED.contains(n)) {
        field_tokens(name, value, &mut out);
    }
    out
}

/// Hands each token of a new person's fields to `emit`.
pub(crate) fn each_token<'v>(fields: impl Iterator<Item = (&'v str, &'v Value)>, emit: &mut dyn FnMut(&str)) {
    for (name, value) in fields.filter(|(n, _)| INDEXED.contains(n)) {
        emit_tokens(name, value, emit);
    }
}

/// Pairs a statement inserts at once: a large import writes hundreds of
/// thousands of tokens, and one statement a pair spent more on the
/// statement than on the index.
const TOKENS_A_STATEMENT: usize = 64;

/// The rowid the tokens of a person are kept under.
pub(crate) fn person_rowid(conn: &Connection, person_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT rowid FROM person WHERE id = ?1")?
        .query_row([person_id], |r| r.get(0))
        .optional()?)
}

/// Adds (token, person rowid) pairs; sorted, they go in along the index.
pub(crate) fn insert_tokens(conn: &Connection, pairs: &[(&str, i64)]) -> Result<()> {
    let sql = |n: usize| {
        let values = vec!["(?, ?)"; n].join(", ");
        format!("INSERT OR IGNORE INTO person_token (token, person) VALUES {values}")
    };
    let mut chunks = pairs.chunks_exact(TOKENS_A_STATEMENT);
    if chunks.len() > 0 {
        let mut ins = conn.prepare_cached(&sql(TOKENS_A_STATEMENT))?;
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(2 * TOKENS_A_STATEMENT);
        for chunk in chunks.by_ref() {
            params.clear();
            params.extend(chunk.iter().flat_map(|(t, p)| [t as &dyn rusqlite::ToSql, p]));
            ins.execute(params.as_slice())?;
        }
    }
    // The rest one pair a statement, cached: an edit adds a few tokens, and
    // a statement of its own size would be parsed anew for each.
    let mut one = conn.prepare_cached(&sql(1))?;
    for (t, person) in chunks.remainder() {
        one.execute((t, person))?;
    }
    Ok(())
}

/// Called by the write path after a person's fields were edited: adds the
/// tokens the new values bring and removes those only the old ones had.
pub(crate) fn reindex(
    conn: &Connection,
    person_id: &str,
    names: &[&str],
    old: &[Value],
    new: &[(&str, Value)],
) -> Result<()> {
    let Some(rowid) = person_rowid(conn, person_id)? else { return Ok(()) };
    let gone = tokens(names.iter().copied().zip(old));
    let added = tokens(new.iter().map(|(n, v)| (*n, v)));
    let mut del = conn.prepare_cached("DELETE FROM person_token WHERE token = ?1 AND person = ?2")?;
    for t in gone.difference(&added) {
        del.execute((t, rowid))?;
    }
    let ins: Vec<(&str, i64)> = added.difference(&gone).map(|t| (t.as_str(), rowid)).collect();
    insert_tokens(conn, &ins)
}

/// Above every character a token may hold after a prefix: the end of a
/// prefix range (U+10FFFF, a noncharacter, is in no name, ID or phone).
const PAST_PREFIX: char = '\u{10FFFF}';

/// The token ranges (inclusive) a typed query finds persons by, or none for
/// an empty query: a part of the name, initials, the ID number or its tail,
/// the phone or its last 4 digits.
pub fn query_tokens(query: &str) -> Vec<String> {
    let Some(q) = clean(query) else { return Vec::new() };
    let q: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    let prefix = |p: String| [p.clone(), format!("{p}{PAST_PREFIX}")];
    let equal = |t: String| [t.clone(), t];
    let len = q.chars().count();
    let id = reversed(&q.to_uppercase());
    let phone = reversed(&q);
    [
        prefix(format!("n{q}")),
        equal(format!("f{q}")),
        prefix(format!("p{}", q.to_lowercase())),
        if ID_TAILS.contains(&len) { prefix(format!("i{id}")) } else { equal(format!("i{id}")) },
        if len == PHONE_TAIL { prefix(format!("t{phone}")) } else { equal(format!("t{phone}")) },
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The rowids of the persons the ranges of `query_tokens` find.
fn found_rowids(ranges: usize) -> String {
    vec!["SELECT person FROM person_token WHERE token BETWEEN ? AND ?"; ranges].join(" UNION ALL ")
}

/// The SQL condition "the person whose rowid is in column `rowid` matches
/// the query", with its parameters.
pub(crate) fn matches_rowid_sql(rowid: &str, query: &str) -> Option<(String, Vec<String>)> {
    let tokens = query_tokens(query);
    (!tokens.is_empty()).then(|| (format!("{rowid} IN ({})", found_rowids(tokens.len() / 2)), tokens))
}

/// The SQL condition "the person in column `person_id` matches the query",
/// with its parameters.
pub fn matches_sql(person_id: &str, query: &str) -> Option<(String, Vec<String>)> {
    let (found, tokens) = matches_rowid_sql("rowid", query)?;
    Some((format!("{person_id} IN (SELECT id FROM person WHERE {found})"), tokens))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PersonQuery {
    pub text: String,
    pub community_id: Option<String>,
    pub page: u32,
    pub page_size: u32,
}

/// Persons matching the query, sorted by pinyin, one page at a time.
/// A community worker finds only persons of their own community.
pub fn search(
    conn: &Connection,
    actor: &crate::access::Actor,
    q: &PersonQuery,
    today: NaiveDate,
) -> Result<Page<Person>> {
    let mut conds = Vec::new();
    let mut params: Vec<String> = Vec::new();
    let found = matches_rowid_sql("p.rowid", &q.text);
    if let Some((sql, p)) = &found {
        conds.push(sql.clone());
        params.extend(p.iter().cloned());
    }
    let community = actor.scope().or(q.community_id.as_deref().filter(|c| !c.is_empty()));
    if let Some(c) = community {
        // With a search, `+` keeps the planner on the search index: the
        // community's index walks thousands of persons (see roster::list).
        let plus = if found.is_some() { "+" } else { "" };
        conds.push(format!("{plus}p.community_id = ?"));
        params.push(c.to_string());
    }
    let filter = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
    let (page, page_size, limit, offset) = limit_offset(q.page, q.page_size);
    // Without a community to check, the index alone counts who is found: a
    // surname finds thousands, and their rows need not be read for a count.
    let count = match (&found, community) {
        (Some(_), None) => format!("SELECT count(DISTINCT person) FROM ({})", found_rowids(params.len() / 2)),
        _ => format!("SELECT count(*) FROM person p{filter}"),
    };
    let total: u64 = conn.prepare_cached(&count)?.query_row(rusqlite::params_from_iter(&params), |r| r.get(0))?;
    // The page is chosen on the sort key alone; only its rows are read whole.
    let sql = format!(
        "{SELECT} JOIN (SELECT p.id, p.name_key FROM person p{filter}
                        ORDER BY p.name_key, p.id LIMIT {limit} OFFSET {offset}) pg ON pg.id = p.id
         ORDER BY pg.name_key, pg.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let items = stmt
        .query_map(rusqlite::params_from_iter(&params), |r| from_row(r, today))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Page { items, total, page, page_size })
}
