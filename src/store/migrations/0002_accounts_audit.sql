-- Schema 2: staff accounts, local login state, and the audit trail.

-- 账号: office-wide, synced like any record. `password_hash` is argon2id;
-- the password itself is never stored, logged or exported.
CREATE TABLE account (
    id            TEXT PRIMARY KEY,
    row_version   INTEGER NOT NULL,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    community_id  TEXT REFERENCES community(id),
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1
);

-- Failed logins and locks belong to this PC: never synced, not records.
CREATE TABLE login_state (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
);

-- 操作日志 events that are not record changes (those are in change_log):
-- logins, locks, exports, unmasking, backups and restores.
CREATE TABLE audit_event (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    at              TEXT NOT NULL,
    installation_id TEXT NOT NULL,
    user_name       TEXT NOT NULL,
    action          TEXT NOT NULL,
    target          TEXT,
    detail          TEXT
);
CREATE INDEX audit_event_user ON audit_event(user_name, at);
