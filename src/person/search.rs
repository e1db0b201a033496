//! Person search (人员查询): by name or part of it, pinyin initials, the full
//! ID number or its last 4-6 characters, or the phone.
//!
//! A token table keeps each lookup an index probe at the scale of a whole
//! street office (100,000 persons): `n:` parts of the name, `p:` prefixes of
//! the initials, `i:` the ID number and its tails, `t:` the phone and its
//! last four digits. The write path keeps it in step with `person`.
use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::Connection;
use serde::Deserialize;

use super::{from_row, limit_offset, Page, Person, SELECT};
use crate::validate::clean;
use crate::{pinyin, Result};

/// The tokens one field of a person contributes.
pub(crate) fn field_tokens(field: &str, value: &Value, out: &mut BTreeSet<String>) {
    let Value::Text(v) = value else { return };
    match field {
        "name" => {
            let chars: Vec<char> = v.chars().filter(|c| !c.is_whitespace() && *c != '·').collect();
            let max_len = if chars.len() <= 6 { chars.len() } else { 4 };
            for start in 0..chars.len() {
                for len in 1..=max_len.min(chars.len() - start) {
                    out.insert(format!("n:{}", chars[start..start + len].iter().collect::<String>()));
                }
            }
            out.insert(format!("n:{}", chars.iter().collect::<String>()));
            for initials in pinyin::initials_variants(v, 2) {
                for end in 1..=initials.len() {
                    out.insert(format!("p:{}", &initials[..end]));
                }
            }
        }
        "id_number" => {
            out.insert(format!("i:{v}"));
            for tail in 4..=6 {
                out.insert(format!("i:{}", &v[v.len() - tail..]));
            }
        }
        "phone" => {
            out.insert(format!("t:{v}"));
            if v.len() > 4 {
                out.insert(format!("t:{}", &v[v.len() - 4..]));
            }
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

/// Pairs a statement inserts at once: a large import writes millions of
/// tokens, and one statement a pair spent more on the statement than on
/// the index.
const TOKENS_A_STATEMENT: usize = 64;

/// Adds (token, person id) pairs; sorted, they go in along the index.
pub(crate) fn insert_tokens(conn: &Connection, tokens: &[(String, String)]) -> Result<()> {
    let sql = |n: usize| {
        let values = vec!["(?, ?)"; n].join(", ");
        format!("INSERT OR IGNORE INTO person_token (token, person_id) VALUES {values}")
    };
    let mut chunks = tokens.chunks_exact(TOKENS_A_STATEMENT);
    if chunks.len() > 0 {
        let mut ins = conn.prepare_cached(&sql(TOKENS_A_STATEMENT))?;
        for chunk in chunks.by_ref() {
            ins.execute(rusqlite::params_from_iter(chunk.iter().flat_map(|(t, p)| [t, p])))?;
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
    let gone = tokens(names.iter().copied().zip(old));
    let added = tokens(new.iter().map(|(n, v)| (*n, v)));
    let mut del = conn.prepare_cached("DELETE FROM person_token WHERE token = ?1 AND person_id = ?2")?;
    for t in gone.difference(&added) {
        del.execute((t, person_id))?;
    }
    let ins: Vec<(String, String)> = added.difference(&gone).map(|t| (t.clone(), person_id.to_string())).collect();
    insert_tokens(conn, &ins)
}

/// The tokens a typed query may match, or none for an empty query.
pub fn query_tokens(query: &str) -> Vec<String> {
    let Some(q) = clean(query) else { return Vec::new() };
    let q: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    vec![format!("n:{q}"), format!("p:{}", q.to_lowercase()), format!("i:{}", q.to_uppercase()), format!("t:{q}")]
}

/// The SQL condition "the person in column `person_id` matches the query",
/// with its parameters.
pub fn matches_sql(person_id: &str, query: &str) -> Option<(String, Vec<String>)> {
    let tokens = query_tokens(query);
    (!tokens.is_empty())
        .then(|| (format!("{person_id} IN (SELECT person_id FROM person_token WHERE token IN (?, ?, ?, ?))"), tokens))
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
    if let Some((sql, p)) = matches_sql("p.id", &q.text) {
        conds.push(sql);
        params.extend(p);
    }
    if let Some(c) = actor.scope().or(q.community_id.as_deref().filter(|c| !c.is_empty())) {
        conds.push("p.community_id = ?".into());
        params.push(c.to_string());
    }
    let filter = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
    let (page, page_size, limit, offset) = limit_offset(q.page, q.page_size);
    let total: u64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM person p{filter}"))?
        .query_row(rusqlite::params_from_iter(&params), |r| r.get(0))?;
    // The page is chosen on the covering index; only its rows are read whole.
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
