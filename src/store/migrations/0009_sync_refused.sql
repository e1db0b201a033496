-- Schema 9: received changes held as refused (被拒收的更改).
--
-- A change to accounts or settings received from another PC counts only
-- when its user was an administrator at its stamp, by this PC's own merged
-- view (sync::trust). A change that fails stays in change_log (so each PC's
-- changes remain without gaps, and it is relayed: every PC judges it by
-- its own view) but is left out of every record: store::merge's callers
-- skip the entries listed here. The verdicts are judged again whenever
-- changes come in, so they depend on the changes held, not on the order
-- they arrived in. This PC's own judgement: never synced.
CREATE TABLE sync_refused (
    installation_id TEXT NOT NULL,
    origin_seq      INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    refused_at      TEXT NOT NULL,
    PRIMARY KEY (installation_id, origin_seq)
) WITHOUT ROWID;

-- The changes judged: few, so judging them at every sync reads only these.
CREATE INDEX change_log_guarded ON change_log(hlc, installation_id)
    WHERE table_name IN ('account', 'setting');
