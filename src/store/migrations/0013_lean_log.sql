-- The change log, leaner (issue 18): what each entry repeats is stored as
-- numbers. The view `change_log` shows every entry as before.
-- * hlc: a stamp 'MMMMMMMMMMMMMMM-CCCCCC' as the integer M*1000000 + C
--   (same order); any other text, kept as it is.
-- * record_id: a lower-case UUID as its 16 bytes; any other text, kept.
--   The view shows the text as `record_id` and the stored form as
--   `record_key`, which finds a record's entries by the index
--   (store::log::record_key makes the key).
-- * table_name: a number from change_table ('office' is 1, so that the
--   first office insert has a small index of its own); op: 0 insert,
--   1 update, 2 delete; seen: '{}' (nothing seen) as 0.
-- The index by stamp is gone: the clock starts from each PC's newest entry
-- (store::mod), and the office's first insert has its own index.
-- The index by transaction is gone: nothing looks entries up by it.
-- No foreign keys and no IN list on change_entry: the write path, its only
-- writer, interns every number it stores, and the lookups cost a tenth of a
-- 100,000-person demo (3 per entry, and a list built per insert).
CREATE TABLE change_table (
    n    INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
INSERT INTO change_table (n, name) VALUES (1, 'office');
INSERT INTO change_table (name)
SELECT table_name FROM change_entry WHERE table_name <> 'office' GROUP BY table_name ORDER BY min(seq);

CREATE TABLE change_entry_new (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    txn        INTEGER NOT NULL,
    pc         INTEGER NOT NULL,
    origin_seq INTEGER NOT NULL,
    hlc        BLOB NOT NULL,
    table_name INTEGER NOT NULL,
    record_id  BLOB NOT NULL,
    op         INTEGER NOT NULL CHECK (op BETWEEN 0 AND 2),
    fields     TEXT,
    mask       INTEGER,
    hash       BLOB,
    seen       BLOB,
    CHECK ((fields IS NULL) = (mask IS NOT NULL)),
    CHECK (fields IS NOT NULL OR op = 0)
);
INSERT INTO change_entry_new (seq, txn, pc, origin_seq, hlc, table_name, record_id, op, fields, mask, hash, seen)
SELECT c.seq, c.txn, c.pc, c.origin_seq,
       CASE WHEN c.hlc GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]' AND substr(c.hlc, 1, 15) <= '009223372036853'
            THEN CAST(substr(c.hlc, 1, 15) AS INTEGER) * 1000000 + CAST(substr(c.hlc, 17, 6) AS INTEGER)
            ELSE c.hlc END,
       t.n,
       CASE WHEN c.record_id GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
            THEN unhex(replace(c.record_id, '-', '')) ELSE c.record_id END,
       CASE c.op WHEN 'insert' THEN 0 WHEN 'update' THEN 1 ELSE 2 END,
       c.fields, c.mask, c.hash,
       CASE WHEN c.seen = '{}' THEN 0 ELSE c.seen END
FROM change_entry c JOIN change_table t ON t.name = c.table_name
ORDER BY c.seq;
-- seq never goes back (the copy made the new table's counter its largest seq).
UPDATE sqlite_sequence
SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_entry'), 0))
WHERE name = 'change_entry_new';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'change_entry_new', seq FROM sqlite_sequence
WHERE name = 'change_entry' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'change_entry_new');
DROP VIEW change_log;
DROP TABLE change_entry;
ALTER TABLE change_entry_new RENAME TO change_entry;

CREATE UNIQUE INDEX change_entry_origin ON change_entry(pc, origin_seq);
CREATE INDEX change_entry_record ON change_entry(record_id);
CREATE INDEX change_entry_office ON change_entry(hlc) WHERE table_name = 1 AND op = 0;

CREATE VIEW change_log AS
SELECT c.seq, t.txn_id,
       CASE typeof(c.hlc) WHEN 'integer' THEN printf('%015d-%06d', c.hlc / 1000000, c.hlc % 1000000)
            ELSE c.hlc END AS hlc,
       t.at, p.installation_id, t.user_name, n.name AS table_name,
       CASE typeof(c.record_id) WHEN 'blob'
            THEN lower(substr(hex(c.record_id), 1, 8) || '-' || substr(hex(c.record_id), 9, 4) || '-'
                 || substr(hex(c.record_id), 13, 4) || '-' || substr(hex(c.record_id), 17, 4) || '-'
                 || substr(hex(c.record_id), 21))
            ELSE c.record_id END AS record_id,
       CASE c.op WHEN 0 THEN 'insert' WHEN 1 THEN 'update' ELSE 'delete' END AS op,
       c.fields, c.mask,
       CASE typeof(c.hash) WHEN 'blob' THEN lower(hex(c.hash)) ELSE c.hash END AS hash,
       c.origin_seq,
       CASE typeof(c.seen) WHEN 'integer' THEN '{}' ELSE c.seen END AS seen,
       c.record_id AS record_key
FROM change_entry c
JOIN change_txn t ON t.n = c.txn
JOIN change_pc p ON p.n = c.pc
JOIN change_table n ON n.n = c.table_name;

CREATE TRIGGER change_entry_no_update BEFORE UPDATE ON change_entry
WHEN NEW.seq IS NOT OLD.seq OR NEW.txn IS NOT OLD.txn OR NEW.pc IS NOT OLD.pc
  OR NEW.origin_seq IS NOT OLD.origin_seq OR NEW.hlc IS NOT OLD.hlc OR NEW.table_name IS NOT OLD.table_name
  OR NEW.record_id IS NOT OLD.record_id OR NEW.op IS NOT OLD.op OR NEW.hash IS NOT OLD.hash
  OR NEW.seen IS NOT OLD.seen OR OLD.op IS NOT 0
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_entry_no_delete BEFORE DELETE ON change_entry
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_log_no_update INSTEAD OF UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_log_no_delete INSTEAD OF DELETE ON change_log
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_log_no_insert INSTEAD OF INSERT ON change_log
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_table_no_update BEFORE UPDATE ON change_table
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
CREATE TRIGGER change_table_no_delete BEFORE DELETE ON change_table
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
