//! The login session of the window: who acts, and the idle lock. The core
//! checks permissions against the session's actor; this only decides whether
//! there is an unlocked session at all.
use std::time::{Duration, Instant};

use serde::Serialize;
use street_ledger::access::Actor;
use street_ledger::accounts::AuthError;
use street_ledger::audit::{self, Action};
use street_ledger::store::Store;
use street_ledger::{settings, Error};

pub struct Session {
    pub actor: Actor,
    pub username: String,
    last_active: Instant,
    /// Wall clock too: `Instant` stops while the PC sleeps, and a PC woken
    /// after lunch must come back locked.
    last_active_wall: chrono::DateTime<chrono::Utc>,
    pub locked: bool,
}

/// What the UI may know of the session.
#[derive(Serialize)]
pub struct SessionInfo {
    pub user: String,
    pub username: String,
    pub role: &'static str,
    pub role_label: &'static str,
    pub community_id: Option<String>,
    pub locked: bool,
    pub idle_minutes: f64,
}

impl Session {
    pub fn new(actor: Actor, username: String) -> Self {
        Session { actor, username, last_active: Instant::now(), last_active_wall: chrono::Utc::now(), locked: false }
    }

    pub fn info(&self, store: &Store) -> SessionInfo {
        SessionInfo {
            user: self.actor.user.clone(),
            username: self.username.clone(),
            role: self.actor.role.code(),
            role_label: self.actor.role.label(),
            community_id: self.actor.community_id.clone(),
            locked: self.locked,
            idle_minutes: idle_limit(store).as_secs_f64() / 60.0,
        }
    }

    /// The actor, if the session is unlocked and was used recently enough;
    /// an idle session locks itself here (audited), whatever the UI did.
    pub fn active(&mut self, store: &Store) -> Result<Actor, Error> {
        let limit = idle_limit(store);
        let wall = (chrono::Utc::now() - self.last_active_wall).to_std().unwrap_or_default();
        if !self.locked && (self.last_active.elapsed() > limit || wall > limit) {
            self.lock(store, "闲置超时自动锁定")?;
        }
        if self.locked {
            return Err(Error::Auth(AuthError::IdleLocked));
        }
        self.last_active = Instant::now();
        self.last_active_wall = chrono::Utc::now();
        Ok(self.actor.clone())
    }

    pub fn lock(&mut self, store: &Store, why: &str) -> Result<(), Error> {
        if !self.locked {
            self.locked = true;
            audit::record(store, &self.actor.user, Action::IdleLock, &self.username, why)?;
        }
        Ok(())
    }
}

/// How long the window may sit unused before it locks: the setting
/// security.idle_minutes (1 to 240 minutes, whatever is stored), counted in
/// seconds per [`minute`].
fn idle_limit(store: &Store) -> Duration {
    settings::idle_lock(store.conn()) * minute().as_secs() as u32 / 60
}

/// How long a minute of the idle lock and the timed sync lasts: 60 seconds,
/// or fewer under STREET_LEDGER_MINUTE_SECONDS (1 to 60), which the
/// end-to-end tests set to see both happen within seconds. It can only
/// shorten them, never make the lock wait longer.
pub fn minute() -> Duration {
    let seconds = std::env::var("STREET_LEDGER_MINUTE_SECONDS").ok().and_then(|v| v.trim().parse::<u64>().ok());
    Duration::from_secs(seconds.map_or(60, |s| s.clamp(1, 60)))
}
