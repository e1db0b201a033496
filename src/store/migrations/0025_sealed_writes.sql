-- Issue 18: the change log's hash chain is kept whole once per write. Every
-- entry is still chained (its hash computed from the one before it) and keeps
-- the first 4 bytes of its hash, enough for `check` to name an altered entry;
-- a write's last entry gets the whole hash when the write commits, and that
-- covers every entry before it. An entry's tag may be replaced by the whole
-- hash it begins, once; nothing else about an entry may change (as before).
DROP TRIGGER change_entry_no_update;
CREATE TRIGGER change_entry_no_update BEFORE UPDATE ON change_entry
WHEN NEW.seq IS NOT OLD.seq OR NEW.txn IS NOT OLD.txn OR NEW.pc IS NOT OLD.pc
  OR NEW.origin_seq IS NOT OLD.origin_seq OR NEW.hlc IS NOT OLD.hlc OR NEW.table_name IS NOT OLD.table_name
  OR NEW.record_id IS NOT OLD.record_id OR NEW.op IS NOT OLD.op
  OR (NEW.hash IS NOT OLD.hash AND NOT (typeof(OLD.hash) = 'blob' AND length(OLD.hash) = 4
      AND typeof(NEW.hash) = 'blob' AND length(NEW.hash) = 32 AND substr(NEW.hash, 1, 4) = OLD.hash))
  OR NEW.seen IS NOT OLD.seen
  OR (OLD.op IS NOT 0 AND (NEW.fields IS NOT OLD.fields OR NEW.mask IS NOT OLD.mask))
BEGIN SELECT RAISE(ABORT, '操作日志不可修改'); END;
