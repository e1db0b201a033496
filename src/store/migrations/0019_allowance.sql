-- Schema 19: the old-age allowance (高龄津贴, issue 17).

-- One per roster entry: when it was applied for and where it is paid
-- (社保卡 or 银行卡; the account is shown masked).
CREATE TABLE elderly_allowance (
    id           TEXT PRIMARY KEY,
    row_version  INTEGER NOT NULL,
    elderly_id   TEXT NOT NULL UNIQUE REFERENCES elderly(id),
    applied_on   TEXT NOT NULL,
    account_kind TEXT,
    account      TEXT,
    bank         TEXT
);

-- Its history: 在享 (granted or resumed), 暂停, 停发, each dated with a
-- reason, and each 生存认证 (survival check) done.
CREATE TABLE allowance_event (
    id           TEXT PRIMARY KEY,
    row_version  INTEGER NOT NULL,
    allowance_id TEXT NOT NULL REFERENCES elderly_allowance(id),
    event        TEXT NOT NULL,
    date         TEXT NOT NULL,
    reason       TEXT
);
CREATE INDEX allowance_event_allowance ON allowance_event(allowance_id);
