-- Schema 1: the store, the change log, persons and the elderly-care roster.
-- Record tables all carry `id` (UUIDv7 text) and `row_version`; they are
-- written only through store::write (the one write path), which logs every
-- changed field in `change_log` in the same transaction.

-- This PC (本机): made at first start, never synced.
CREATE TABLE installation (
    id          TEXT PRIMARY KEY,
    pc_name     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- The one write path's log: one row per record insert or update, with every
-- changed field's old and new value as JSON {"field": {"old": .., "new": ..}}.
-- `hlc` (hybrid logical clock) orders changes across PCs for sync.
CREATE TABLE change_log (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    txn_id          TEXT NOT NULL,
    hlc             TEXT NOT NULL,
    at              TEXT NOT NULL,
    installation_id TEXT NOT NULL,
    user_name       TEXT NOT NULL,
    table_name      TEXT NOT NULL,
    record_id       TEXT NOT NULL,
    op              TEXT NOT NULL CHECK (op IN ('insert', 'update')),
    fields          TEXT NOT NULL
);
CREATE INDEX change_log_record ON change_log(record_id);

CREATE TABLE office (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    name        TEXT NOT NULL
);

CREATE TABLE community (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    name        TEXT NOT NULL,
    sort        INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1
);

-- Enumerations (categories, service types, statuses) are data, seeded from
-- assets/dictionaries.json, so that an office can adapt them to local rules.
CREATE TABLE dict_entry (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    dict        TEXT NOT NULL,
    label       TEXT NOT NULL,
    sort        INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (dict, label)
);

CREATE TABLE setting (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    key         TEXT NOT NULL UNIQUE,
    value       TEXT NOT NULL
);

-- Shared by every register: an elderly person may also be a party to a
-- dispute or a household member.
CREATE TABLE person (
    id           TEXT PRIMARY KEY,
    row_version  INTEGER NOT NULL,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    id_number    TEXT UNIQUE,
    sex          TEXT,
    birth_date   TEXT,
    phone        TEXT,
    community_id TEXT REFERENCES community(id),
    address      TEXT,
    hukou        TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX person_community ON person(community_id, name_key);
CREATE INDEX person_name_key ON person(name_key);
-- Covers a search's page choice (id to sort key) without reading rows.
CREATE INDEX person_page ON person(id, name_key, community_id);

-- Search index over persons (derived, rebuilt from person by the write path):
-- one row per token: n:<part of name>, p:<initials prefix>, i:<ID tail or
-- full ID>, t:<phone or its tail>.
CREATE TABLE person_token (
    token     TEXT NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (token, person_id)
) WITHOUT ROWID;

-- 为老服务 roster entry, one per elderly person.
CREATE TABLE elderly (
    id                  TEXT PRIMARY KEY,
    row_version         INTEGER NOT NULL,
    person_id           TEXT NOT NULL UNIQUE REFERENCES person(id),
    kinds               TEXT NOT NULL DEFAULT '[]',
    sanwu               INTEGER NOT NULL DEFAULT 0,
    enterprise_retiree  INTEGER NOT NULL DEFAULT 0,
    living_arrangement  TEXT,
    economic_status     TEXT,
    disability_type     TEXT,
    disability_grade    TEXT,
    disability_cert     TEXT,
    health_notes        TEXT,
    emergency_name      TEXT,
    emergency_phone     TEXT,
    emergency_relation  TEXT,
    care_mode           TEXT,
    visit_level         TEXT NOT NULL,
    status              TEXT NOT NULL,
    status_date         TEXT,
    status_reason       TEXT,
    registered_on       TEXT NOT NULL
);
CREATE INDEX elderly_status ON elderly(status);

CREATE TABLE elderly_service (
    id           TEXT PRIMARY KEY,
    row_version  INTEGER NOT NULL,
    elderly_id   TEXT NOT NULL REFERENCES elderly(id),
    date         TEXT NOT NULL,
    service_type TEXT NOT NULL,
    paid         TEXT NOT NULL,
    charge_cents INTEGER NOT NULL DEFAULT 0,
    provider     TEXT,
    hours        REAL,
    notes        TEXT
);
CREATE INDEX elderly_service_by_elderly ON elderly_service(elderly_id, date);

CREATE TABLE elderly_visit (
    id             TEXT PRIMARY KEY,
    row_version    INTEGER NOT NULL,
    elderly_id     TEXT NOT NULL REFERENCES elderly(id),
    date           TEXT NOT NULL,
    visitor        TEXT NOT NULL,
    way            TEXT NOT NULL,
    health         TEXT,
    economy        TEXT,
    family_support TEXT,
    home_safety    TEXT,
    needs          TEXT
);
CREATE INDEX elderly_visit_by_elderly ON elderly_visit(elderly_id, date);

-- Roster list index (derived, rebuilt from elderly + person by the write
-- path): what the roster list filters and sorts on, so that counting and
-- paging 20,000 roster entries never joins them all to person.
CREATE TABLE roster_index (
    elderly_id         TEXT PRIMARY KEY,
    person_id          TEXT NOT NULL,
    status             TEXT NOT NULL,
    name_key           TEXT NOT NULL,
    community_id       TEXT,
    birth_date         TEXT,
    kinds              TEXT NOT NULL,
    sanwu              INTEGER NOT NULL,
    enterprise_retiree INTEGER NOT NULL
) WITHOUT ROWID;
-- Covering the filters, so a filtered count never leaves the index.
CREATE INDEX roster_index_status ON roster_index(status, name_key, elderly_id, birth_date, kinds, sanwu, enterprise_retiree);
CREATE INDEX roster_index_age ON roster_index(status, birth_date);
CREATE INDEX roster_index_community ON roster_index(status, community_id, name_key, elderly_id);
CREATE INDEX roster_index_name ON roster_index(name_key, elderly_id);
CREATE INDEX roster_index_person ON roster_index(person_id);
