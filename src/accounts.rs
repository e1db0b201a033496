//! Staff accounts (账号) and logging in. Passwords are hashed with argon2id
//! and never stored, logged, dumped or exported. Wrong passwords lock an
//! account on this PC for a while (failures are local, not synced).
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::{Actor, Permission, Role};
use crate::audit::{self, Action};
use crate::store::{new_id, Store, Table, WriteTx};
use crate::validate::{clean, invalid};
use crate::{office, settings, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("用户名或密码不对，请重新输入（再错{remaining}次，账号将锁定一段时间）")]
    WrongPassword { remaining: i64 },
    #[error("密码连续输错次数过多，账号已锁定，请{minutes}分钟后再试，或请管理员重置密码")]
    Locked { minutes: i64 },
    #[error("该账号已停用，请联系管理员")]
    Inactive,
    #[error("原密码不对，密码未修改（再错{remaining}次，账号将锁定一段时间）")]
    OldPasswordWrong { remaining: i64 },
    #[error("请先登录")]
    NotLoggedIn,
    #[error("长时间未操作，已自动锁定，请输入密码解锁")]
    IdleLocked,
}

impl AuthError {
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::WrongPassword { .. } => "auth.wrong_password",
            AuthError::Locked { .. } => "auth.locked",
            AuthError::Inactive => "auth.inactive",
            AuthError::OldPasswordWrong { .. } => "auth.old_password_wrong",
            AuthError::NotLoggedIn => "auth.not_logged_in",
            AuthError::IdleLocked => "auth.idle_locked",
        }
    }
}

/// An account as the users page shows it (never the hash).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub row_version: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub role_label: &'static str,
    pub community_id: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    /// A role code (admin, street_staff, community_staff, read_only).
    pub role: String,
    pub community_id: Option<String>,
    pub password: String,
}

const MIN_PASSWORD: usize = 8;

/// Salt and hash in one string: `argon2id$<salt hex>$<hash hex>` with the
/// crate's default parameters (19 MiB, 2 passes).
pub fn hash_password(password: &str) -> String {
    let salt = *uuid::Uuid::new_v4().as_bytes();
    format!("argon2id${}${}", hex(&salt), hex(&derive(password, &salt)))
}

fn derive(password: &str, salt: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    Argon2::default().hash_password_into(password.as_bytes(), salt, &mut out).expect("argon2 with default parameters");
    out
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some("argon2id"), Some(salt), Some(hash)) = (parts.next(), parts.next(), parts.next()) else { return false };
    let (Some(salt), Some(hash)) = (unhex(salt), unhex(hash)) else { return false };
    let got = derive(password, &salt);
    // Constant time: compare every byte whatever the first difference.
    hash.len() == got.len() && hash.iter().zip(got.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

fn check_password(field: &'static str, password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(invalid(field, format!("密码至少{MIN_PASSWORD}位，建议字母和数字混合")).into());
    }
    Ok(())
}

/// Checks a new account and writes it inside a larger write (the first
/// administrator is made with the office at setup).
pub(crate) fn insert(w: &mut WriteTx, a: &NewAccount) -> Result<String> {
    insert_hashed(w, a, || hash_password(&a.password))
}

/// [`insert`], the password's hash made by `hash` once the account is
/// accepted (the demo makes its accounts' hashes on another thread).
pub(crate) fn insert_hashed(w: &mut WriteTx, a: &NewAccount, hash: impl FnOnce() -> String) -> Result<String> {
    let username = clean(&a.username).ok_or_else(|| invalid("username", "请填写登录名"))?;
    if find(w.conn(), &username)?.is_some() {
        return Err(invalid("username", format!("登录名“{username}”已被使用，请换一个")).into());
    }
    let display = clean(&a.display_name).unwrap_or_else(|| username.clone());
    let role = Role::from_code(&a.role).ok_or_else(|| invalid("role", "请选择角色"))?;
    let community = match (role, a.community_id.as_deref().and_then(clean)) {
        (Role::CommunityStaff, Some(c)) => Some(office::resolve(w.conn(), &c)?),
        (Role::CommunityStaff, None) => return Err(invalid("community_id", "社区工作人员必须选择所属社区").into()),
        _ => None,
    };
    check_password("password", &a.password)?;
    let id = new_id();
    w.insert(
        Table::Account,
        &id,
        &[
            ("username", username.into()),
            ("display_name", display.into()),
            ("role", role.code().to_string().into()),
            ("community_id", community.into()),
            ("password_hash", hash().into()),
            ("active", true.into()),
        ],
    )?;
    Ok(id)
}

pub fn create(store: &mut Store, actor: &Actor, a: &NewAccount) -> Result<String> {
    actor.require(Permission::Administer)?;
    store.write(actor, |w| insert(w, a))
}

/// An account's display name (for 填报人 and the like).
pub fn display_name(conn: &Connection, username: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn.query_row("SELECT display_name FROM account WHERE username = ?1", [username], |r| r.get(0)).optional()?)
}

pub fn list(conn: &Connection, actor: &Actor) -> Result<Vec<Account>> {
    actor.require(Permission::Administer)?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, row_version, username, display_name, role, community_id, active FROM account ORDER BY username",
    )?;
    let rows = stmt.query_map([], |r| {
        let role = Role::from_code(&r.get::<_, String>(4)?).unwrap_or(Role::ReadOnly);
        Ok(Account {
            id: r.get(0)?,
            row_version: r.get(1)?,
            username: r.get(2)?,
            display_name: r.get(3)?,
            role,
            role_label: role.label(),
            community_id: r.get(5)?,
            active: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// (id, display name, role, community, hash, active) of a username.
type Row = (String, String, String, Option<String>, String, bool);

fn find(conn: &Connection, username: &str) -> Result<Option<Row>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, display_name, role, community_id, password_hash, active FROM account WHERE username = ?1",
        )?
        .query_row([username], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .optional()?)
}

/// What an unknown login name is verified against: the form of every
/// account's hash (16-byte salt, 32-byte argon2id output, the same
/// parameters), of no password anyone knows. So an unknown name costs the
/// same hashing as a known one, and timing does not tell which names exist.
pub const UNKNOWN_NAME_HASH: &str =
    "argon2id$8d3f1c2a9b7e4f60a1c5d2e3f4b5a697$5f0e3a9c1b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d0f";

/// How this PC answers wrong passwords (settings `security.*`).
struct Lockout {
    max: i64,
    minutes: i64,
}

impl Lockout {
    fn read(conn: &Connection) -> Result<Lockout> {
        Ok(Lockout {
            max: settings::integer(conn, "security.max_failures")?.max(1),
            minutes: (settings::account_lock(conn).as_secs() / 60) as i64,
        })
    }
}

/// Whose failures an attempt counts as: a known account by its login name,
/// in the database; an unknown name only in this process's memory, keyed by
/// a keyed hash of it, since what was typed may well be a password typed
/// into the wrong box and nothing derived from it may reach the database or
/// its backups. Unknown names are counted and locked exactly like known
/// ones, so the answers (message, attempts left, lock) never tell whether a
/// name exists; an unknown name's count lasts until the app closes.
struct Attempt {
    key: Key,
    /// The name in the audit trail.
    shown: String,
}

enum Key {
    Known(String),
    Unknown([u8; 32]),
}

/// Failures and lock of unknown names, in memory only.
type Counts = HashMap<[u8; 32], (i64, Option<DateTime<Utc>>)>;

fn unknown_counts() -> std::sync::MutexGuard<'static, Counts> {
    static COUNTS: OnceLock<Mutex<Counts>> = OnceLock::new();
    COUNTS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner())
}

/// A random secret of this process: the memory keys cannot be recomputed
/// from a typed name without it.
fn process_secret() -> &'static [u8; 32] {
    static SECRET: OnceLock<[u8; 32]> = OnceLock::new();
    SECRET.get_or_init(|| {
        let mut secret = [0u8; 32];
        getrandom::getrandom(&mut secret).expect("the operating system gives random bytes");
        secret
    })
}

impl Attempt {
    fn of(store: &Store, username: &str, known: bool) -> Attempt {
        if known {
            return Attempt { key: Key::Known(username.into()), shown: username.into() };
        }
        use sha2::{Digest, Sha256};
        let digest = Sha256::new()
            .chain_update(process_secret())
            .chain_update(store.installation_id().as_bytes())
            .chain_update([0])
            .chain_update(username.as_bytes())
            .finalize();
        Attempt { key: Key::Unknown(digest.into()), shown: "（不存在的登录名）".into() }
    }

    fn state(&self, conn: &Connection) -> Result<(i64, Option<DateTime<Utc>>)> {
        match &self.key {
            Key::Known(name) => login_state(conn, name),
            Key::Unknown(key) => Ok(unknown_counts().get(key).copied().unwrap_or((0, None))),
        }
    }

    fn set_state(&self, conn: &Connection, failures: i64, locked: Option<DateTime<Utc>>) -> Result<()> {
        match &self.key {
            Key::Known(name) => set_login_state(conn, name, failures, locked),
            Key::Unknown(key) => {
                unknown_counts().insert(*key, (failures, locked));
                Ok(())
            }
        }
    }

    /// Refuses (audited) while locked; a lock that has run out starts the
    /// count again. Gives the failures so far.
    fn unless_locked(&self, store: &Store, now: DateTime<Utc>, what: &str) -> Result<i64> {
        let (failures, locked_until) = self.state(store.conn())?;
        if let Some(until) = locked_until.filter(|u| *u > now) {
            audit::record(store, &self.shown, Action::LoginFailed, &self.shown, what)?;
            let minutes = ((until - now).num_seconds() + 59) / 60;
            return Err(Error::Auth(AuthError::Locked { minutes }));
        }
        Ok(if locked_until.is_some() { 0 } else { failures })
    }

    /// Counts a wrong password (audited), locking at the limit: the lock if
    /// it came, else how many tries are left.
    fn failed(
        &self,
        store: &Store,
        failures: i64,
        now: DateTime<Utc>,
        detail: impl Fn(i64) -> String,
    ) -> Result<Result<i64, Error>> {
        let limits = Lockout::read(store.conn())?;
        let failures = failures + 1;
        let locked = (failures >= limits.max).then(|| now + Duration::minutes(limits.minutes));
        self.set_state(store.local(), failures, locked)?;
        audit::record(store, &self.shown, Action::LoginFailed, &self.shown, &detail(failures))?;
        if locked.is_some() {
            let detail = format!("锁定{}分钟", limits.minutes);
            audit::record(store, &self.shown, Action::AccountLocked, &self.shown, &detail)?;
            return Ok(Err(Error::Auth(AuthError::Locked { minutes: limits.minutes })));
        }
        Ok(Ok(limits.max - failures))
    }
}

/// Logs in: the actor the session will act as. Every attempt is audited;
/// too many failures lock the account on this PC. A known and an unknown
/// name take the same steps (one argon2id verification, one count, one
/// audit event) and get the same answers.
pub fn login(store: &mut Store, username: &str, password: &str, now: DateTime<Utc>) -> Result<Actor> {
    let username = clean(username).unwrap_or_default();
    let found = find(store.conn(), &username)?;
    let known = found.is_some();
    let attempt = Attempt::of(store, &username, known);
    let failures = attempt.unless_locked(store, now, "账号锁定期间尝试登录")?;
    let hash = found.as_ref().map_or(UNKNOWN_NAME_HASH, |(_, _, _, _, hash, _)| hash.as_str());
    let ok = verify_password(password, hash);
    let Some((_, display, role, community, _, active)) = found.filter(|_| ok) else {
        let detail = |n| if known { format!("第{n}次密码错误") } else { "登录名不存在".into() };
        let remaining = attempt.failed(store, failures, now, detail)??;
        return Err(Error::Auth(AuthError::WrongPassword { remaining }));
    };
    if !active {
        audit::record(store, &username, Action::LoginFailed, &username, "账号已停用")?;
        return Err(Error::Auth(AuthError::Inactive));
    }
    set_login_state(store.local(), &username, 0, None)?;
    let role = Role::from_code(&role).unwrap_or(Role::ReadOnly);
    let actor =
        Actor { login: Some(username.clone()), ..Actor::new(format!("{display}({username})"), role, community) };
    audit::record(store, &actor.user, Action::Login, &username, "")?;
    Ok(actor)
}

fn login_state(conn: &Connection, username: &str) -> Result<(i64, Option<DateTime<Utc>>)> {
    let row: Option<(i64, Option<String>)> = conn
        .prepare_cached("SELECT failures, locked_until FROM login_state WHERE username = ?1")?
        .query_row([username], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (failures, until) = row.unwrap_or((0, None));
    Ok((failures, until.and_then(|u| DateTime::parse_from_rfc3339(&u).ok()).map(|u| u.with_timezone(&Utc))))
}

/// Local state of this PC, outside the record tables on purpose.
fn set_login_state(conn: &Connection, username: &str, failures: i64, locked: Option<DateTime<Utc>>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO login_state (username, failures, locked_until) VALUES (?1, ?2, ?3)
         ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
    )?
    .execute((username, failures, locked.map(|l| l.to_rfc3339())))?;
    Ok(())
}

/// Anyone changes their own password, knowing the old one. A wrong old
/// password counts toward the lock exactly like a wrong login, and a locked
/// account cannot change its password.
pub fn change_password(
    store: &mut Store,
    actor: &Actor,
    username: &str,
    old: &str,
    new: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let (id, _, _, _, hash, _) = find(store.conn(), username)?.ok_or(Error::NotFound { what: "该账号" })?;
    if actor.login.as_deref() != Some(username) {
        return Err(crate::access::AccessError::Denied("只能修改自己的密码").into());
    }
    let attempt = Attempt::of(store, username, true);
    let failures = attempt.unless_locked(store, now, "账号锁定期间尝试修改密码")?;
    if !verify_password(old, &hash) {
        let remaining = attempt.failed(store, failures, now, |n| format!("第{n}次修改密码时原密码错误"))??;
        return Err(Error::Auth(AuthError::OldPasswordWrong { remaining }));
    }
    set_password(store, actor, &id, new)?;
    set_login_state(store.local(), username, 0, None)
}

/// An administrator sets someone's password (and lifts a lock).
pub fn reset_password(store: &mut Store, actor: &Actor, username: &str, new: &str) -> Result<()> {
    actor.require(Permission::Administer)?;
    let (id, ..) = find(store.conn(), username)?.ok_or(Error::NotFound { what: "该账号" })?;
    set_password(store, actor, &id, new)?;
    set_login_state(store.local(), username, 0, None)
}

fn set_password(store: &mut Store, actor: &Actor, id: &str, new: &str) -> Result<()> {
    check_password("new_password", new)?;
    store.write(actor, |w| w.update(Table::Account, id, None, &[("password_hash", hash_password(new).into())]))?;
    Ok(())
}

/// Whether any account exists: the first start creates the administrator.
pub fn any(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM account)", [], |r| r.get(0))?)
}

/// What an administrator may change on an account: role, community, whether
/// it may log in (a worker who leaves is disabled, never deleted: the audit
/// trail names them).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AccountChange {
    pub display_name: String,
    pub role: String,
    pub community_id: Option<String>,
    pub active: bool,
}

pub fn update(store: &mut Store, actor: &Actor, username: &str, change: &AccountChange) -> Result<()> {
    actor.require(Permission::Administer)?;
    let (id, display, ..) = find(store.conn(), username)?.ok_or(Error::NotFound { what: "该账号" })?;
    let role = Role::from_code(&change.role).ok_or_else(|| invalid("role", "请选择角色"))?;
    let community = match (role, change.community_id.as_deref().and_then(clean)) {
        (Role::CommunityStaff, Some(c)) => Some(office::resolve(store.conn(), &c)?),
        (Role::CommunityStaff, None) => return Err(invalid("community_id", "社区工作人员必须选择所属社区").into()),
        _ => None,
    };
    let other_admins: i64 = store.conn().query_row(
        "SELECT count(*) FROM account WHERE role = 'admin' AND active = 1 AND username <> ?1",
        [username],
        |r| r.get(0),
    )?;
    if other_admins == 0 && (role != Role::Admin || !change.active) {
        return Err(invalid("role", "这是唯一的管理员账号，不能停用或改为其他角色；请先设置另一位管理员").into());
    }
    let display = clean(&change.display_name).unwrap_or(display);
    store.write(actor, |w| {
        let f = [
            ("display_name", display.clone().into()),
            ("role", role.code().to_string().into()),
            ("community_id", community.clone().into()),
            ("active", change.active.into()),
        ];
        w.update(Table::Account, &id, None, &f).map(|_| ())
    })
}
