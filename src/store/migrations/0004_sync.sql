-- Schema 4: file-based sync between the office's PCs (同步).
--
-- The change log becomes the set of every change made on any PC of the
-- office, each kept with the PC that made it (installation_id), its place in
-- that PC's own sequence (origin_seq, 1, 2, 3 … without gaps), its hybrid
-- logical clock stamp (hlc), and what that PC had seen of the record when it
-- made the change (seen: {installation_id: newest hlc}). Records are a pure
-- function of that set (store::merge), so every PC holding the same changes
-- holds the same records, whatever order they arrived in.
--
-- The table is rebuilt (SQLite cannot alter a CHECK) to allow 'delete'
-- (tombstones) and to number the existing entries. Hashes are unchanged:
-- origin_seq and seen are not in the chain.
CREATE TABLE change_log_v4 (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    txn_id          TEXT NOT NULL,
    hlc             TEXT NOT NULL,
    at              TEXT NOT NULL,
    installation_id TEXT NOT NULL,
    user_name       TEXT NOT NULL,
    table_name      TEXT NOT NULL,
    record_id       TEXT NOT NULL,
    op              TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    fields          TEXT NOT NULL,
    hash            TEXT,
    origin_seq      INTEGER NOT NULL,
    -- NULL: made here before sync existed, having seen every earlier entry.
    seen            TEXT
);
INSERT INTO change_log_v4
    (seq, txn_id, hlc, at, installation_id, user_name, table_name, record_id, op, fields, hash, origin_seq, seen)
SELECT seq, txn_id, hlc, at, installation_id, user_name, table_name, record_id, op, fields, hash,
       row_number() OVER (PARTITION BY installation_id ORDER BY seq), NULL
FROM change_log;
DROP TABLE change_log;
ALTER TABLE change_log_v4 RENAME TO change_log;

CREATE UNIQUE INDEX change_log_origin ON change_log(installation_id, origin_seq);
CREATE INDEX change_log_record ON change_log(record_id, installation_id, hlc);
CREATE INDEX change_log_stamp ON change_log(hlc, installation_id);
CREATE INDEX change_log_at ON change_log(at);
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;

-- Everything below belongs to this PC and is never synced.

-- Sync settings of this PC: folder, derived office key, office it belongs to.
CREATE TABLE sync_config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The other PCs this one has heard of, with what each said it had seen
-- ({installation_id: origin_seq}), so that packages carry only what some PC
-- may still lack.
CREATE TABLE sync_peer (
    installation_id TEXT PRIMARY KEY,
    pc_name         TEXT NOT NULL,
    seen            TEXT NOT NULL DEFAULT '{}',
    last_read_at    TEXT
);

-- Packages taken in whole, so a run skips them (a PC's file is replaced by
-- a new package, with a new id, on each of its runs).
CREATE TABLE sync_package (
    package_id TEXT PRIMARY KEY,
    writer     TEXT NOT NULL,
    read_at    TEXT NOT NULL
);

-- 同步记录: one row per run.
CREATE TABLE sync_run (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    trigger_kind    TEXT NOT NULL,
    user_name       TEXT NOT NULL,
    written         INTEGER NOT NULL DEFAULT 0,
    read            INTEGER NOT NULL DEFAULT 0,
    changes_in      INTEGER NOT NULL DEFAULT 0,
    changes_out     INTEGER NOT NULL DEFAULT 0,
    records_changed INTEGER NOT NULL DEFAULT 0,
    conflicts       INTEGER NOT NULL DEFAULT 0,
    messages        TEXT NOT NULL DEFAULT '[]'
);

-- 冲突待核 (derived from the change log by store::merge): the heads of a
-- field that two PCs changed without seeing each other's change.
CREATE TABLE sync_conflict (
    record_id       TEXT NOT NULL,
    table_name      TEXT NOT NULL,
    field           TEXT NOT NULL,
    hlc             TEXT NOT NULL,
    installation_id TEXT NOT NULL,
    PRIMARY KEY (record_id, field, hlc, installation_id)
) WITHOUT ROWID;

-- Records whose changes have arrived but that cannot be shown yet: the
-- record they belong to or refer to has not arrived (待关联), or another
-- record already holds the same ID number (重复).
CREATE TABLE sync_pending (
    record_id  TEXT PRIMARY KEY,
    table_name TEXT NOT NULL,
    reason     TEXT NOT NULL
);
