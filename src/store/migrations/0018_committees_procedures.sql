-- Issue 16: mediation committees (调委会) that number their own cases, the
-- procedures a committee follows, the court's ruling on 司法确认, and the
-- dates statistics count by.

-- 调委会: the street's, each community's (community_id), and others the
-- office adds (物业纠纷、行业调委会). `keeper` is the installation id of the
-- PC that keeps the committee's case sequence (mediation::numbering); only
-- that PC issues its numbers.
CREATE TABLE mediation_committee (
    id           TEXT PRIMARY KEY,
    row_version  INTEGER NOT NULL,
    name         TEXT NOT NULL,
    short_name   TEXT NOT NULL,
    community_id TEXT REFERENCES community(id),
    kind         TEXT NOT NULL,
    keeper       TEXT,
    active       INTEGER NOT NULL DEFAULT 1
);

-- A case's committee and its place in the committee's sequence for the
-- year (NULL: 待编号, or numbered by the 0.2.0 per-PC scheme, whose
-- `number` is kept as it was printed). `procedure`: 简易程序 or NULL.
ALTER TABLE mediation_case ADD COLUMN committee_id TEXT REFERENCES mediation_committee(id);
ALTER TABLE mediation_case ADD COLUMN committee_seq INTEGER;
ALTER TABLE mediation_case ADD COLUMN procedure TEXT;
-- How the case ended and when (调解成功, 调解不成, 终止调解, 不予受理, 撤回),
-- for statistics by event date.
ALTER TABLE mediation_case ADD COLUMN outcome TEXT;
ALTER TABLE mediation_case ADD COLUMN outcome_on TEXT;
ALTER TABLE mediation_case ADD COLUMN outcome_reason TEXT;
-- 延期: the deadline both parties agreed to.
ALTER TABLE mediation_case ADD COLUMN extended_to TEXT;
-- The court's ruling on 司法确认.
ALTER TABLE mediation_case ADD COLUMN judicial_court TEXT;
ALTER TABLE mediation_case ADD COLUMN judicial_ruling_no TEXT;
ALTER TABLE mediation_case ADD COLUMN judicial_outcome TEXT;
ALTER TABLE mediation_case ADD COLUMN judicial_ruled_on TEXT;
CREATE INDEX mediation_case_committee ON mediation_case(committee_id, year, committee_seq);
-- The cases waiting for their number (待编号), looked for after every
-- registration and sync.
CREATE INDEX mediation_case_pending ON mediation_case(committee_id) WHERE number = '';

-- The standard columns 防止群体性械斗 (人) and 防止因民间纠纷引起自杀 (件/人).
ALTER TABLE prevention_entry ADD COLUMN fight_persons INTEGER NOT NULL DEFAULT 0;
ALTER TABLE prevention_entry ADD COLUMN suicide_cases INTEGER NOT NULL DEFAULT 0;
ALTER TABLE prevention_entry ADD COLUMN suicide_persons INTEGER NOT NULL DEFAULT 0;
