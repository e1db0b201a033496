//! The street office (街道办事处) and its communities (社区): the first-start
//! setup and the community list.
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::access::Role;
use crate::accounts::{self, NewAccount};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{clean, invalid};
use crate::{dict, Error, Result};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Community {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Office {
    pub name: String,
    pub communities: Vec<Community>,
}

/// The office as set up on this PC, or `None` before the first-start setup.
pub fn get(conn: &Connection) -> Result<Option<Office>> {
    let name: Option<String> = conn.query_row("SELECT name FROM office LIMIT 1", [], |r| r.get(0)).optional()?;
    let Some(name) = name else { return Ok(None) };
    Ok(Some(Office { name, communities: communities(conn)? }))
}

pub fn communities(conn: &Connection) -> Result<Vec<Community>> {
    let mut stmt = conn.prepare_cached("SELECT id, name FROM community WHERE active = 1 ORDER BY sort, name")?;
    let rows = stmt.query_map([], |r| Ok(Community { id: r.get(0)?, name: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// First start without accounts (CLI `init`, tests): the office name and its
/// communities, with the seed dictionaries and settings, in one transaction.
pub fn setup(store: &mut Store, actor: &Actor, office_name: &str, community_names: &[String]) -> Result<Office> {
    setup_and(store, actor, office_name, community_names, |_, _| Ok(())).map(|(o, _)| o)
}

/// First start in the app: the office and its first administrator (管理员)
/// together, so that an office never exists without someone to log in.
pub fn setup_with_admin(
    store: &mut Store,
    office_name: &str,
    community_names: &[String],
    admin: &NewAccount,
) -> Result<Office> {
    let admin = NewAccount { role: Role::Admin.code().into(), community_id: None, ..admin.clone() };
    let actor = Actor::admin(clean(&admin.display_name).or_else(|| clean(&admin.username)).unwrap_or_default());
    setup_and(store, &actor, office_name, community_names, |w, _| accounts::insert(w, &admin)).map(|(o, _)| o)
}

/// The setup, then `then` with the new communities' ids, all in one
/// transaction (the demo fills the office this way, so a failed demo leaves
/// no half-set-up office behind).
pub(crate) fn setup_and<T>(
    store: &mut Store,
    actor: &Actor,
    office_name: &str,
    community_names: &[String],
    then: impl FnOnce(&mut WriteTx, &[String]) -> Result<T>,
) -> Result<(Office, T)> {
    actor.require(crate::access::Permission::Administer)?;
    if get(store.conn())?.is_some() {
        return Err(Error::AlreadyConfigured);
    }
    let office_name = clean(office_name).ok_or_else(|| invalid("office_name", "请填写街道名称，例如“某某街道”"))?;
    let names = community_list(community_names)?;
    // The first write into the database: the demo street's is large.
    let out = store.write_alone(actor, |w| {
        w.insert(Table::Office, &new_id(), &[("name", office_name.clone().into())])?;
        let mut ids = Vec::new();
        for (i, name) in names.iter().enumerate() {
            ids.push(insert_community(w, name, i as i64)?);
        }
        dict::seed(w)?;
        crate::mediation::committee::ensure_in(w)?;
        then(w, &ids)
    })?;
    Ok((get(store.conn())?.expect("office just written"), out))
}

/// Adds a community later (社区 are editable after setup).
pub fn add_community(store: &mut Store, actor: &Actor, name: &str) -> Result<Community> {
    actor.require(crate::access::Permission::Administer)?;
    let name = clean(name).ok_or_else(|| invalid("community_name", "请填写社区名称"))?;
    if communities(store.conn())?.iter().any(|c| c.name == name) {
        return Err(invalid("community_name", format!("社区“{name}”已存在")).into());
    }
    let sort: i64 = store.conn().query_row("SELECT coalesce(max(sort), -1) + 1 FROM community", [], |r| r.get(0))?;
    let id = store.write(actor, |w| {
        let id = insert_community(w, &name, sort)?;
        // Its 调委会, whose cases this PC numbers until an administrator moves it.
        crate::mediation::committee::ensure_for_new_community(w)?;
        Ok(id)
    })?;
    Ok(Community { id, name })
}

fn insert_community(w: &mut WriteTx, name: &str, sort: i64) -> Result<String> {
    let id = new_id();
    w.insert(Table::Community, &id, &[("name", name.to_string().into()), ("sort", sort.into()), ("active", 1.into())])?;
    Ok(id)
}

/// Community names as typed: one per entry, blank ones dropped, no repeats.
fn community_list(input: &[String]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for raw in input.iter().flat_map(|s| s.split(['\n', '，', ',', '、', ';', '；'])) {
        if let Some(n) = clean(raw) {
            if names.contains(&n) {
                return Err(invalid("communities", format!("社区“{n}”重复填写了，请删去一个")).into());
            }
            names.push(n);
        }
    }
    if names.is_empty() {
        return Err(invalid("communities", "请至少填写一个社区名称，每行一个").into());
    }
    Ok(names)
}

/// The community id for a name or id given by a user or a file.
/// [`resolve`] inside a write, once per transaction for each name or id
/// (an import names the same few communities on every row).
pub fn resolve_in(w: &mut WriteTx, name_or_id: &str) -> Result<String> {
    Ok(w.memo(Table::Community, name_or_id, |conn| resolve(conn, name_or_id))?.as_ref().clone())
}

pub fn resolve(conn: &Connection, name_or_id: &str) -> Result<String> {
    let found: Option<String> = conn
        .prepare_cached("SELECT id FROM community WHERE (id = ?1 OR name = ?1) AND active = 1")?
        .query_row([name_or_id], |r| r.get(0))
        .optional()?;
    found.ok_or_else(|| invalid("community_id", format!("社区“{name_or_id}”不存在，请从列表中选择")).into())
}
