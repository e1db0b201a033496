-- Schema 7: settings that belong to one PC (本机设置): its backup folder,
-- backup schedule and number of copies, and its sync interval. They live
-- here, outside the change log, and never sync. Their old rows in `setting`
-- stay (records are what their changes make) but are no longer read, so a
-- value received from another PC never applies here.
CREATE TABLE local_setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- This PC keeps its schedule and its number of copies as they were.
INSERT INTO local_setting (key, value)
SELECT key, value FROM setting WHERE key IN ('backup.every_hours', 'backup.keep', 'sync.every_minutes');

-- The backup folder is kept only if this PC chose it (the newest change of
-- it was made here): a folder another PC chose for every PC is dropped, and
-- this PC's backups go back to <data folder>/backups.
INSERT INTO local_setting (key, value)
SELECT s.key, s.value FROM setting s
WHERE s.key = 'backup.dir' AND trim(s.value) <> ''
  AND (SELECT c.installation_id FROM change_log c WHERE c.record_id = s.id
       ORDER BY c.hlc DESC, c.installation_id DESC LIMIT 1) = (SELECT id FROM installation);
