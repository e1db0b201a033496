-- Schema 6: the people's mediation register (人民调解).

-- 调解员 roster: of the street committee (community_id NULL) or a
-- community's committee.
CREATE TABLE mediator (
    id           TEXT PRIMARY KEY,
    row_version  INTEGER NOT NULL,
    name         TEXT NOT NULL,
    community_id TEXT REFERENCES community(id),
    cert_no      TEXT,
    phone        TEXT,
    active       INTEGER NOT NULL DEFAULT 1
);

-- A dispute case. `number` is "(年)某街人调字第<本机编号>-<序号>号": the
-- sequence is per PC and year, so two PCs registering cases offline never
-- make the same number (see mediation::numbering).
CREATE TABLE mediation_case (
    id                   TEXT PRIMARY KEY,
    row_version          INTEGER NOT NULL,
    number               TEXT NOT NULL,
    year                 INTEGER NOT NULL,
    pc_number            INTEGER NOT NULL,
    seq                  INTEGER NOT NULL,
    community_id         TEXT REFERENCES community(id),
    dispute_type         TEXT NOT NULL,
    source               TEXT NOT NULL,
    mediators            TEXT NOT NULL DEFAULT '[]',
    summary              TEXT NOT NULL,
    requests             TEXT,
    amount_cents         INTEGER NOT NULL DEFAULT 0,
    received_on          TEXT NOT NULL,
    status               TEXT NOT NULL,
    agreement_kind       TEXT,
    agreement_on         TEXT,
    agreement_terms      TEXT,
    performance_way      TEXT,
    performance_place    TEXT,
    performance_deadline TEXT,
    failed_reason        TEXT,
    referral             TEXT,
    performance          TEXT,
    performed_on         TEXT,
    judicial_applied_on  TEXT,
    judicial_result      TEXT,
    closed_on            TEXT
);
CREATE INDEX mediation_case_status ON mediation_case(status, received_on);
CREATE INDEX mediation_case_number ON mediation_case(year, pc_number, seq);

-- 当事人: several per side, linked to the person table when an ID number is
-- given.
CREATE TABLE mediation_party (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    case_id     TEXT NOT NULL REFERENCES mediation_case(id),
    side        TEXT NOT NULL,
    person_id   TEXT REFERENCES person(id),
    name        TEXT NOT NULL,
    sex         TEXT,
    ethnicity   TEXT,
    age         INTEGER,
    occupation  TEXT,
    phone       TEXT,
    address     TEXT
);
CREATE INDEX mediation_party_case ON mediation_party(case_id);

-- The timeline: one row per step (受理, 调查, 调解 session, 协议, 调解不成, 履行,
-- 司法确认, 回访, 结案), dated and signed by who did it.
CREATE TABLE mediation_step (
    id           TEXT PRIMARY KEY,
    row_version  INTEGER NOT NULL,
    case_id      TEXT NOT NULL REFERENCES mediation_case(id),
    step         TEXT NOT NULL,
    date         TEXT NOT NULL,
    staff        TEXT NOT NULL,
    place        TEXT,
    participants TEXT,
    content      TEXT,
    satisfaction TEXT,
    risk         TEXT
);
CREATE INDEX mediation_step_case ON mediation_step(case_id, date);

-- Prevention work counted for the statistics (排查, 预防, 防止民转刑 …).
CREATE TABLE prevention_entry (
    id                 TEXT PRIMARY KEY,
    row_version        INTEGER NOT NULL,
    community_id       TEXT REFERENCES community(id),
    date               TEXT NOT NULL,
    screenings         INTEGER NOT NULL DEFAULT 0,
    disputes_found     INTEGER NOT NULL DEFAULT 0,
    disputes_prevented INTEGER NOT NULL DEFAULT 0,
    criminal_cases     INTEGER NOT NULL DEFAULT 0,
    criminal_persons   INTEGER NOT NULL DEFAULT 0,
    petition_cases     INTEGER NOT NULL DEFAULT 0,
    petition_persons   INTEGER NOT NULL DEFAULT 0,
    fights_prevented   INTEGER NOT NULL DEFAULT 0,
    notes              TEXT
);
