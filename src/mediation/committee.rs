//! 调委会 (people's mediation committees): the street's, each community's,
//! and others the office adds (物业纠纷调委会, 行业性调委会). Each numbers and
//! seals its own cases; its 简称 (short name) goes into its case numbers.
//!
//! One PC keeps a committee's sequence (`keeper`, an installation id): only
//! it issues the committee's numbers (see `numbering`). The street's and the
//! communities' committees have fixed ids (`default_id`), so PCs upgrading
//! an office on their own create the same records with the same values, kept
//! by the PC that set the office up, and sync finds nothing to disagree on.
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::{Actor, Permission};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{self, invalid, optional};
use crate::{Error, Result};

/// 街道调委会, 社区调委会, 行业性专业性调委会.
pub const KINDS: [&str; 3] = ["街道", "社区", "行业性专业性"];

/// A committee given by hand to the PC that joins with a snapshot: its
/// keeper until that PC takes it (`take_over`).
const HANDED_OVER: &str = "snapshot:";

/// The fixed id of the street's committee (None) or a community's.
pub fn default_id(community_id: Option<&str>) -> String {
    match community_id {
        Some(c) => format!("committee-{c}"),
        None => "committee-street".to_string(),
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Committee {
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub community_id: Option<String>,
    pub kind: String,
    /// The PC that numbers its cases, by name when known (本机 for this one).
    pub keeper: String,
    /// Whether this PC numbers its cases.
    pub kept_here: bool,
    pub active: bool,
}

/// Every committee, the street's first, then the communities' in their
/// order, then the others by name.
pub fn list(conn: &Connection, installation_id: &str) -> Result<Vec<Committee>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.name, m.short_name, m.community_id, m.kind, m.keeper, m.active,
                (SELECT pc_name FROM sync_peer p WHERE p.installation_id = m.keeper)
         FROM mediation_committee m LEFT JOIN community c ON c.id = m.community_id
         ORDER BY m.kind <> '街道', m.community_id IS NULL, c.sort, m.name",
    )?;
    let rows = stmt.query_map([], |r| {
        let keeper: Option<String> = r.get(5)?;
        let kept_here = keeper.as_deref() == Some(installation_id);
        let keeper = match (kept_here, keeper, r.get::<_, Option<String>>(7)?) {
            (true, _, _) => "本机".to_string(),
            (_, Some(k), _) if k.starts_with(HANDED_OVER) => "待新电脑加入后接管".to_string(),
            (_, Some(_), Some(name)) => name,
            (_, Some(k), None) => format!("电脑 {}", &k[k.len().saturating_sub(6)..]),
            (_, None, _) => "未指定".to_string(),
        };
        Ok(Committee {
            id: r.get(0)?,
            name: r.get(1)?,
            short_name: r.get(2)?,
            community_id: r.get(3)?,
            kind: r.get(4)?,
            keeper,
            kept_here,
            active: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CommitteeInput {
    /// None: a new committee (kept by this PC).
    pub id: Option<String>,
    pub name: String,
    pub short_name: String,
    pub kind: String,
    /// The community it belongs to, if any (its cases are that community's).
    pub community_id: Option<String>,
    pub active: Option<bool>,
}

/// Adds a committee or changes one (administrators). A short name must not
/// be one another committee's numbers carry, so no two numbers can read the
/// same.
pub fn save(store: &mut Store, actor: &Actor, input: &CommitteeInput) -> Result<String> {
    actor.require(Permission::Administer)?;
    store.write(actor, |w| {
        let name = validate::required("name", "调委会名称", &input.name)?;
        let short = validate::required("short_name", "简称", &input.short_name)?;
        if short.chars().count() > 20 || short.contains(['（', '）', '(', ')', '〔', '〕']) {
            return Err(invalid("short_name", "简称不超过20个字，不要带括号，例如“和平社区”").into());
        }
        let kind = validate::one_of("kind", "类别", &input.kind, &KINDS.map(String::from))?;
        let community = match optional(input.community_id.as_deref()) {
            Some(c) => Some(crate::office::resolve(w.conn(), &c)?),
            None => None,
        };
        let id = input.id.clone().unwrap_or_else(new_id);
        let taken: bool = w
            .conn()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM mediation_committee WHERE short_name = ?1 AND id <> ?2)
                 OR EXISTS (SELECT 1 FROM mediation_case WHERE number LIKE '%）' || ?1 || '人调字第%'
                            AND coalesce(committee_id, '') <> ?2)",
            )?
            .query_row((&short, &id), |r| r.get(0))?;
        if taken {
            return Err(invalid("short_name", format!("简称“{short}”已被其他调委会使用，案号会重复，请换一个")).into());
        }
        let mut fields: Vec<(&str, rusqlite::types::Value)> = vec![
            ("name", name.into()),
            ("short_name", short.into()),
            ("kind", kind.into()),
            ("community_id", community.into()),
            ("active", i64::from(input.active.unwrap_or(true)).into()),
        ];
        if input.id.is_some() {
            w.conn()
                .prepare_cached("SELECT 1 FROM mediation_committee WHERE id = ?1")?
                .query_row([&id], |_| Ok(()))
                .optional()?
                .ok_or(Error::NotFound { what: "调委会" })?;
            w.update(Table::MediationCommittee, &id, None, &fields)?;
        } else {
            fields.push(("keeper", w.installation_id().to_string().into()));
            w.insert(Table::MediationCommittee, &id, &fields)?;
        }
        Ok(id)
    })
}

/// The warning an administrator confirms before moving a committee's
/// numbering to this PC.
pub const MOVE_WARNING: &str = "改由本机编号前，请确认原编号电脑已把最后编的案号同步过来，且此后不再为该调委会登记案件；否则两台电脑可能编出相同的案号。确认后勾选“已确认”再提交";

/// Makes this PC the keeper of a committee's sequence (administrators,
/// confirmed), and numbers its cases waiting for a number.
pub fn keep_here(store: &mut Store, actor: &Actor, committee_id: &str, confirmed: bool) -> Result<()> {
    actor.require(Permission::Administer)?;
    let here = store.installation_id().to_string();
    store.write(actor, |w| {
        let keeper = keeper_of(w, committee_id)?;
        if keeper.as_deref() == Some(here.as_str()) {
            return Ok(());
        }
        if !confirmed {
            return Err(invalid("confirm", MOVE_WARNING).into());
        }
        w.update(Table::MediationCommittee, committee_id, None, &[("keeper", here.clone().into())])?;
        super::numbering::number_pending_in(w)?;
        Ok(())
    })
}

/// The PC that keeps a committee's sequence, if any.
fn keeper_of(w: &WriteTx, committee_id: &str) -> Result<Option<String>> {
    w.conn()
        .prepare_cached("SELECT keeper FROM mediation_committee WHERE id = ?1")?
        .query_row([committee_id], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound { what: "调委会" })
}

/// Hands a committee this PC keeps to another PC of the office
/// (administrators). Safe without a warning: the other PC takes it in with
/// every number this PC gave before, and this PC gives none after.
pub fn hand_to(store: &mut Store, actor: &Actor, committee_id: &str, to: &str) -> Result<()> {
    actor.require(Permission::Administer)?;
    let here = store.installation_id().to_string();
    store.write(actor, |w| {
        let keeper = keeper_of(w, committee_id)?;
        if keeper.as_deref() != Some(here.as_str()) {
            return Err(invalid("keeper", "只有该调委会的编号电脑可以把编号移交出去").into());
        }
        let known = "SELECT EXISTS (SELECT 1 FROM sync_peer WHERE installation_id = ?1)";
        if !w.conn().prepare_cached(known)?.query_row([to], |r| r.get::<_, bool>(0))? {
            return Err(invalid("keeper", "本机还没有与这台电脑同步过，请先同步后再移交").into());
        }
        w.update(Table::MediationCommittee, committee_id, None, &[("keeper", to.to_string().into())])?;
        Ok(())
    })
}

/// Hands committees to the PC that will join with the snapshot `package_id`
/// (inside the snapshot's reservation write): nobody numbers them until it
/// takes them over, so the maker must keep them now.
pub(crate) fn hand_over_in(w: &mut WriteTx, committees: &[String], package_id: &str) -> Result<()> {
    let here = w.installation_id().to_string();
    for id in committees {
        let keeper: Option<String> = w
            .conn()
            .prepare_cached("SELECT keeper FROM mediation_committee WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        if keeper.as_deref() != Some(here.as_str()) {
            return Err(invalid("committees", "只能移交由本机编号的调委会；请在该调委会的编号电脑上生成快照").into());
        }
        w.update(Table::MediationCommittee, id, None, &[("keeper", format!("{HANDED_OVER}{package_id}").into())])?;
    }
    Ok(())
}

/// The joining PC takes the committees its snapshot handed over.
pub(crate) fn take_over_in(w: &mut WriteTx, package_id: &str) -> Result<()> {
    let ids: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM mediation_committee WHERE keeper = ?1")?
        .query_map([format!("{HANDED_OVER}{package_id}")], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let here = w.installation_id().to_string();
    for id in ids {
        w.update(Table::MediationCommittee, &id, None, &[("keeper", here.clone().into())])?;
    }
    Ok(())
}

/// The PC that set the office up (its office record's insert): the keeper
/// of the committees made for an office without them.
fn founder(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT installation_id FROM change_log WHERE table_name = 'office' AND op = 'insert' ORDER BY seq LIMIT 1",
        )?
        .query_row([], |r| r.get(0))
        .optional()?)
}

/// Whether `ensure_in` has anything to do.
fn missing(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM office) AND (
             NOT EXISTS (SELECT 1 FROM mediation_committee WHERE id = 'committee-street')
             OR EXISTS (SELECT 1 FROM community c WHERE NOT EXISTS
                        (SELECT 1 FROM mediation_committee m WHERE m.id = 'committee-' || c.id))
             OR EXISTS (SELECT 1 FROM mediation_case WHERE committee_id IS NULL))",
        )?
        .query_row([], |r| r.get(0))?)
}

/// Makes what an office without committees lacks: the street's committee,
/// one per community, and each case's committee (that of its community).
/// The same on every PC, so PCs that do it apart agree: the committees are
/// kept by the PC that set the office up.
pub(crate) fn ensure_in(w: &mut WriteTx) -> Result<()> {
    ensure_kept_by(w, None)
}

/// A community added here: its committee kept by this PC (no other PC
/// makes it, the community and its committee travel together).
pub(crate) fn ensure_for_new_community(w: &mut WriteTx) -> Result<()> {
    let here = w.installation_id().to_string();
    ensure_kept_by(w, Some(here))
}

fn ensure_kept_by(w: &mut WriteTx, keeper: Option<String>) -> Result<()> {
    if !missing(w.conn())? {
        return Ok(());
    }
    let office: String = w.conn().prepare_cached("SELECT name FROM office LIMIT 1")?.query_row([], |r| r.get(0))?;
    let keeper = match keeper {
        Some(k) => k,
        None => founder(w.conn())?.unwrap_or_else(|| w.installation_id().to_string()),
    };
    let mut wanted = vec![(None, office.clone())];
    let communities: Vec<(String, String)> = w
        .conn()
        .prepare_cached("SELECT id, name FROM community")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    wanted.extend(communities.into_iter().map(|(id, name)| (Some(id), name)));
    for (community, short) in wanted {
        // 和平街道人民调解委员会, 和平街道和平社区人民调解委员会: as sealed.
        let name = match &community {
            Some(_) => format!("{office}{short}人民调解委员会"),
            None => format!("{short}人民调解委员会"),
        };
        let id = default_id(community.as_deref());
        let there = "SELECT EXISTS (SELECT 1 FROM mediation_committee WHERE id = ?1)";
        if w.conn().prepare_cached(there)?.query_row([&id], |r| r.get::<_, bool>(0))? {
            continue;
        }
        let kind = if community.is_some() { "社区" } else { "街道" };
        w.insert(
            Table::MediationCommittee,
            &id,
            &[
                ("name", name.into()),
                ("short_name", short.into()),
                ("community_id", community.into()),
                ("kind", kind.to_string().into()),
                ("keeper", keeper.clone().into()),
                ("active", 1.into()),
            ],
        )?;
    }
    let cases: Vec<(String, Option<String>)> = w
        .conn()
        .prepare_cached("SELECT id, community_id FROM mediation_case WHERE committee_id IS NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, community) in cases {
        w.update(Table::MediationCase, &id, None, &[("committee_id", default_id(community.as_deref()).into())])?;
    }
    Ok(())
}

/// `ensure_in` in a write of its own, only when something is missing (an
/// office upgraded, or a community or case from a PC not yet upgraded).
pub fn ensure(store: &mut Store) -> Result<()> {
    if missing(store.conn())? {
        store.write(&Actor::system(), ensure_in)?;
    }
    Ok(())
}

/// A committee for a case: the one given (active), else the community's or
/// the street's. Returns (id, its community).
pub(crate) fn resolve_for_case(
    w: &mut WriteTx,
    committee_id: Option<&str>,
    community: Option<String>,
) -> Result<(String, Option<String>)> {
    let Some(id) = optional(committee_id) else {
        ensure_in(w)?;
        return Ok((default_id(community.as_deref()), community));
    };
    let found: Option<Option<String>> = w
        .conn()
        .prepare_cached("SELECT community_id FROM mediation_committee WHERE id = ?1 AND active = 1")?
        .query_row([&id], |r| r.get(0))
        .optional()?;
    match found {
        Some(c) => Ok((id, c)),
        None => Err(invalid("committee_id", "所选调委会不存在或已停用，请重新选择").into()),
    }
}
