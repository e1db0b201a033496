-- Issue 17, point 4: what the suggested visit level also weighs, and phone
-- check-ins.

-- 风险因素: a JSON list of the dictionary elderly_risk (失能, 失智,
-- 计划生育特殊家庭, 留守); NULL for entries registered before (none).
ALTER TABLE elderly ADD COLUMN risk_factors TEXT;

-- 电话问候: a phone check-in. It is contact, not a home visit: the visit
-- rate and the visits due count only elderly_visit.
CREATE TABLE elderly_call (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    elderly_id  TEXT NOT NULL REFERENCES elderly(id),
    date        TEXT NOT NULL,
    caller      TEXT NOT NULL,
    result      TEXT NOT NULL,
    action      TEXT
);
CREATE INDEX elderly_call_by_elderly ON elderly_call(elderly_id, date);
