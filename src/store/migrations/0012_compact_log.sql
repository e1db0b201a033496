-- The change log, compact (issue 18). What a transaction shares (its id,
-- time and user) is written once in change_txn, each PC's id once in
-- change_pc, the chain hash as 32 bytes, and an insert whose values are the
-- record's as stored keeps no copy of them (`fields` NULL, `mask` the
-- catalogue positions of the fields it set; store::log rebuilds the text,
-- byte for byte, from the record, and writes it out before the record is
-- first changed). The view `change_log` shows the log as before, so every
-- reader keeps its SQL; only the write path writes change_entry.
CREATE TABLE change_pc (
    n               INTEGER PRIMARY KEY,
    installation_id TEXT NOT NULL UNIQUE
);
CREATE TABLE change_txn (
    n         INTEGER PRIMARY KEY,
    txn_id    TEXT NOT NULL,
    at        TEXT NOT NULL,
    user_name TEXT NOT NULL
);
INSERT INTO change_pc (installation_id)
SELECT installation_id FROM change_log GROUP BY installation_id ORDER BY min(seq);
INSERT INTO change_txn (txn_id, at, user_name)
SELECT txn_id, at, user_name FROM change_log GROUP BY txn_id, at, user_name ORDER BY min(seq);
CREATE INDEX change_txn_id ON change_txn(txn_id);
CREATE INDEX change_txn_at ON change_txn(at);

CREATE TABLE change_entry (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    txn        INTEGER NOT NULL REFERENCES change_txn(n),
    pc         INTEGER NOT NULL REFERENCES change_pc(n),
    origin_seq INTEGER NOT NULL,
    hlc        TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    fields     TEXT,
    mask       INTEGER,
    hash       BLOB,
    seen       TEXT,
    CHECK ((fields IS NULL) = (mask IS NOT NULL)),
    CHECK (fields IS NOT NULL OR op = 'insert')
);
-- A hash that is not 64 hex digits (tampered, or never written) is kept as
-- it was, so that `check` reports it as before.
INSERT INTO change_entry (seq, txn, pc, origin_seq, hlc, table_name, record_id, op, fields, mask, hash, seen)
SELECT l.seq, t.n, p.n, l.origin_seq, l.hlc, l.table_name, l.record_id, l.op, l.fields, NULL,
       CASE WHEN length(l.hash) = 64 AND l.hash = lower(l.hash) AND unhex(l.hash) IS NOT NULL
            THEN unhex(l.hash) ELSE l.hash END,
       l.seen
FROM change_log l
JOIN change_pc p ON p.installation_id = l.installation_id
JOIN change_txn t ON t.txn_id = l.txn_id AND t.at = l.at AND t.user_name = l.user_name
ORDER BY l.seq;
-- seq never goes back, even past entries removed by hand.
UPDATE sqlite_sequence
SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), 0))
WHERE name = 'change_entry';
DROP TABLE change_log;

CREATE UNIQUE INDEX change_entry_origin ON change_entry(pc, origin_seq);
CREATE INDEX change_entry_record ON change_entry(record_id);
CREATE INDEX change_entry_stamp ON change_entry(hlc);
CREATE INDEX change_entry_txn ON change_entry(txn);

CREATE VIEW change_log AS
SELECT c.seq, t.txn_id, c.hlc, t.at, p.installation_id, t.user_name, c.table_name, c.record_id, c.op,
       c.fields, c.mask,
       CASE typeof(c.hash) WHEN 'blob' THEN lower(hex(c.hash)) ELSE c.hash END AS hash,
       c.origin_seq, c.seen
FROM change_entry c
JOIN change_txn t ON t.n = c.txn
JOIN change_pc p ON p.n = c.pc;

-- Nobody edits or deletes the log from the program. The one change the
-- write path makes is an insert's values written out (or, for an insert
-- just received and stored, taken back to the record): `fields` and `mask`
-- only, the text the same either way, which the chain hash holds it to.
CREATE TRIGGER change_entry_no_update BEFORE UPDATE ON change_entry
WHEN NEW.seq IS NOT OLD.seq OR NEW.txn IS NOT OLD.txn OR NEW.pc IS NOT OLD.pc
  OR NEW.origin_seq IS NOT OLD.origin_seq OR NEW.hlc IS NOT OLD.hlc OR NEW.table_name IS NOT OLD.table_name
  OR NEW.record_id IS NOT OLD.record_id OR NEW.op IS NOT OLD.op OR NEW.hash IS NOT OLD.hash
  OR NEW.seen IS NOT OLD.seen OR OLD.op IS NOT 'insert'
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_log_no_update INSTEAD OF UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_log_no_delete INSTEAD OF DELETE ON change_log
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_log_no_insert INSTEAD OF INSERT ON change_log
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_entry_no_delete BEFORE DELETE ON change_entry
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_txn_no_update BEFORE UPDATE ON change_txn
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_txn_no_delete BEFORE DELETE ON change_txn
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_pc_no_update BEFORE UPDATE ON change_pc
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_pc_no_delete BEFORE DELETE ON change_pc
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
