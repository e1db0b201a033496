-- Schema 5: the re-employment register (社区再就业).

-- 户: a household with its members (persons from the shared table).
CREATE TABLE household (
    id            TEXT PRIMARY KEY,
    row_version   INTEGER NOT NULL,
    community_id  TEXT NOT NULL REFERENCES community(id),
    address       TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    notes         TEXT
);
CREATE INDEX household_community ON household(community_id);

-- 家庭成员, with the member's work status (就业, 失业, 在校学生, 服兵役, 退休,
-- 无劳动能力) and whether able and willing to work.
CREATE TABLE household_member (
    id           TEXT PRIMARY KEY,
    row_version  INTEGER NOT NULL,
    household_id TEXT NOT NULL REFERENCES household(id),
    person_id    TEXT NOT NULL REFERENCES person(id),
    relation     TEXT NOT NULL,
    work_status  TEXT NOT NULL,
    employer     TEXT,
    since        TEXT,
    able         INTEGER NOT NULL DEFAULT 1,
    willing      INTEGER NOT NULL DEFAULT 1,
    active       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX household_member_household ON household_member(household_id);
CREATE INDEX household_member_person ON household_member(person_id);

-- 零就业家庭认定: one row per time a household was confirmed, closed by its
-- elimination (消除) when a member is placed in work.
CREATE TABLE zero_employment (
    id            TEXT PRIMARY KEY,
    row_version   INTEGER NOT NULL,
    household_id  TEXT NOT NULL REFERENCES household(id),
    confirmed_on  TEXT NOT NULL,
    eliminated_on TEXT,
    eliminated_by TEXT
);
CREATE INDEX zero_employment_household ON zero_employment(household_id);

-- 就业援助台账: a case per person.
CREATE TABLE employment_case (
    id              TEXT PRIMARY KEY,
    row_version     INTEGER NOT NULL,
    person_id       TEXT NOT NULL UNIQUE REFERENCES person(id),
    categories      TEXT NOT NULL DEFAULT '[]',
    registered_on   TEXT NOT NULL,
    education       TEXT,
    skills          TEXT,
    wishes          TEXT,
    status          TEXT NOT NULL,
    placed_employer TEXT,
    placed_post     TEXT,
    placed_on       TEXT,
    placed_way      TEXT,
    closed_on       TEXT,
    closed_reason   TEXT
);
CREATE INDEX employment_case_status ON employment_case(status);

CREATE TABLE employment_training (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    case_id     TEXT NOT NULL REFERENCES employment_case(id),
    kind        TEXT NOT NULL,
    course      TEXT,
    start_on    TEXT,
    end_on      TEXT,
    result      TEXT
);
CREATE INDEX employment_training_case ON employment_training(case_id);

CREATE TABLE employment_followup (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    case_id     TEXT NOT NULL REFERENCES employment_case(id),
    date        TEXT NOT NULL,
    place       TEXT,
    way         TEXT NOT NULL,
    content     TEXT NOT NULL,
    staff       TEXT NOT NULL
);
CREATE INDEX employment_followup_case ON employment_followup(case_id, date);

-- 公益性岗位 and who holds them.
CREATE TABLE welfare_post (
    id           TEXT PRIMARY KEY,
    row_version  INTEGER NOT NULL,
    post_type    TEXT NOT NULL,
    unit         TEXT NOT NULL,
    community_id TEXT REFERENCES community(id),
    active       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE post_placement (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    post_id     TEXT NOT NULL REFERENCES welfare_post(id),
    case_id     TEXT NOT NULL REFERENCES employment_case(id),
    start_on    TEXT NOT NULL,
    end_on      TEXT
);
CREATE INDEX post_placement_post ON post_placement(post_id);
CREATE INDEX post_placement_case ON post_placement(case_id);

-- 创业担保贷款 (formerly 小额担保贷款).
CREATE TABLE startup_loan (
    id                     TEXT PRIMARY KEY,
    row_version            INTEGER NOT NULL,
    person_id              TEXT NOT NULL REFERENCES person(id),
    amount_cents           INTEGER NOT NULL,
    bank                   TEXT NOT NULL,
    guarantee              TEXT,
    granted_on             TEXT NOT NULL,
    term_months            INTEGER NOT NULL,
    extension_months       INTEGER NOT NULL DEFAULT 0,
    interest_subsidy_cents INTEGER NOT NULL DEFAULT 0,
    repayment              TEXT NOT NULL,
    settled_on             TEXT
);
CREATE INDEX startup_loan_person ON startup_loan(person_id);

-- 困难帮扶 (春风行动 and similar).
CREATE TABLE hardship_relief (
    id           TEXT PRIMARY KEY,
    row_version  INTEGER NOT NULL,
    person_id    TEXT NOT NULL REFERENCES person(id),
    programme    TEXT NOT NULL,
    date         TEXT NOT NULL,
    help         TEXT NOT NULL,
    amount_cents INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX hardship_relief_person ON hardship_relief(person_id);
