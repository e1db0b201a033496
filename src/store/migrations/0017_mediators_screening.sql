-- Issue 16, part B: mediators as offices keep them, 以案定补 and 排查 as a list.

-- 调解员: sex, birth year, education, 专职/兼职 and the term of appointment
-- (all optional: mediators on file before keep what they had).
ALTER TABLE mediator ADD COLUMN sex TEXT;
ALTER TABLE mediator ADD COLUMN birth_year INTEGER;
ALTER TABLE mediator ADD COLUMN education TEXT;
ALTER TABLE mediator ADD COLUMN employment TEXT;
ALTER TABLE mediator ADD COLUMN term_from TEXT;
ALTER TABLE mediator ADD COLUMN term_to TEXT;

-- A case's difficulty (简易/一般/疑难/重大), which sets its subsidy; NULL
-- (cases registered before) counts as 一般.
ALTER TABLE mediation_case ADD COLUMN difficulty TEXT;

-- 调解员培训: one row per training a mediator attended.
CREATE TABLE mediator_training (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    mediator_id TEXT NOT NULL REFERENCES mediator(id),
    date        TEXT NOT NULL,
    hours       REAL NOT NULL,
    topic       TEXT NOT NULL
);
CREATE INDEX mediator_training_mediator ON mediator_training(mediator_id, date);

-- 矛盾纠纷排查表: one row per dispute found, linked to its case once one is
-- opened.
CREATE TABLE screening_entry (
    id           TEXT PRIMARY KEY,
    row_version  INTEGER NOT NULL,
    community_id TEXT REFERENCES community(id),
    date         TEXT NOT NULL,
    screener     TEXT NOT NULL,
    parties      TEXT NOT NULL,
    dispute_type TEXT NOT NULL,
    risk         TEXT NOT NULL,
    summary      TEXT,
    owner        TEXT NOT NULL,
    deadline     TEXT,
    result       TEXT,
    case_id      TEXT REFERENCES mediation_case(id)
);
CREATE INDEX screening_entry_date ON screening_entry(date, community_id);
