-- Issue 17, point 5: 慰问 (holiday and condolence visits). One row per
-- visit to a person on the elderly roster; the 重阳节 list shows who has
-- had a 重阳节 visit in the year.
CREATE TABLE elderly_condolence (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    elderly_id  TEXT NOT NULL REFERENCES elderly(id),
    kind        TEXT NOT NULL,
    date        TEXT NOT NULL,
    gift        TEXT,
    amount_cents INTEGER,
    staff       TEXT NOT NULL,
    notes       TEXT
);
CREATE INDEX elderly_condolence_by_elderly ON elderly_condolence(elderly_id, date);
