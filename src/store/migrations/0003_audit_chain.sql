-- Schema 3: the audit trail is tamper-evident.
--
-- Each row of change_log and of audit_event carries `hash`, the SHA-256 of
-- the previous row's hash and this row's columns (see store::write and
-- audit), so that a row altered, removed or reordered behind the program's
-- back breaks the chain, and `street-ledger check` says where.
-- Rows written before this schema keep a NULL hash: the chain still covers
-- them (their hashes are computed, not stored), so removing one is seen too.
ALTER TABLE change_log ADD COLUMN hash TEXT;
ALTER TABLE audit_event ADD COLUMN hash TEXT;

-- The newest seq and hash of each chain. Without it, removing the newest
-- entries would leave a shorter chain that is still intact.
-- A NULL hash means no chained row yet: the first write computes the chain
-- over the rows up to `seq` (those written before this schema).
CREATE TABLE audit_head (
    log  TEXT PRIMARY KEY,
    seq  INTEGER NOT NULL,
    hash TEXT
);
INSERT INTO audit_head (log, seq) SELECT 'change_log', coalesce(max(seq), 0) FROM change_log;
INSERT INTO audit_head (log, seq) SELECT 'audit_event', coalesce(max(seq), 0) FROM audit_event;

-- Nobody edits or deletes the audit trail from the program, the
-- administrator included. Someone with the sqlite3 tool can drop these;
-- the chain is what catches that.
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.log IS NOT OLD.log OR NEW.seq < OLD.seq
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;

-- The audit page lists newest first and filters by date.
CREATE INDEX change_log_at ON change_log(at);
CREATE INDEX audit_event_at ON audit_event(at);
