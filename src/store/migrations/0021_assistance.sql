-- Issue 17, point 2: assistance records (救助与残疾记录) of an elderly
-- person. 困难 and 残疾 on the roster follow from the records in force.

-- kind: 低保 / 特困 / 残疾证 / 困难残疾人生活补贴 / 重度残疾人护理补贴;
-- only the columns of its kind are filled.
CREATE TABLE elderly_assistance (
    id               TEXT PRIMARY KEY,
    row_version      INTEGER NOT NULL,
    elderly_id       TEXT NOT NULL REFERENCES elderly(id),
    kind             TEXT NOT NULL,
    status           TEXT NOT NULL,
    cert_no          TEXT,
    persons          INTEGER,
    amount_cents     INTEGER,
    support_mode     TEXT,
    self_care        TEXT,
    disability_type  TEXT,
    disability_grade TEXT,
    since            TEXT
);
CREATE INDEX elderly_assistance_by_elderly ON elderly_assistance(elderly_id, status);
