-- Schema 11: lean search and roster indexes (issue 18).
--
-- person_token held one row per part of the name, prefix of the initials and
-- tail of the ID number and phone, each with the person's 36-character id:
-- 70 MB at 100,000 persons. It now holds what a prefix range needs, keyed by
-- the person's rowid (see src/person/search.rs): `n` + each suffix of the
-- name (cut to 4 characters for names longer than 6, which `f` + the whole
-- name finds whole), `p` + each reading's initials, `i` + the ID number
-- reversed, `t` + the phone reversed.
--
-- Names, ID numbers and phones are read from the records. The initials come
-- from a pinyin table that SQL does not have, so they are kept from the old
-- index: the longest `p:` tokens of a person are its readings' initials.
CREATE TABLE person_token_lean (
    token  TEXT NOT NULL,
    person INTEGER NOT NULL,
    PRIMARY KEY (token, person)
) WITHOUT ROWID;

-- The name without white space (Rust's char::is_whitespace) and '·'; the
-- ID number and phone reversed.
CREATE TEMP TABLE person_walked AS
WITH RECURSIVE walk(person, field, rest, kept) AS (
    SELECT rowid, 'n', name, '' FROM person
    UNION ALL SELECT rowid, 'i', id_number, '' FROM person WHERE id_number IS NOT NULL
    UNION ALL SELECT rowid, 't', phone, '' FROM person WHERE phone IS NOT NULL
    UNION ALL
    SELECT person, field, substr(rest, 2),
           CASE
               WHEN field <> 'n' THEN substr(rest, 1, 1) || kept
               WHEN unicode(rest) IN (9, 10, 11, 12, 13, 32, 133, 160, 183, 5760, 8192, 8193, 8194, 8195, 8196,
                                      8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288) THEN kept
               ELSE kept || substr(rest, 1, 1)
           END
    FROM walk WHERE rest <> ''
)
SELECT person, field, kept AS value FROM walk WHERE rest = '';

INSERT INTO person_token_lean (token, person)
WITH RECURSIVE suffix(person, name, start) AS (
    SELECT person, value, 1 FROM temp.person_walked WHERE field = 'n' AND value <> ''
    UNION ALL SELECT person, name, start + 1 FROM suffix WHERE start < length(name)
)
SELECT DISTINCT token, person FROM (
    SELECT 'n' || CASE WHEN length(name) <= 6 THEN substr(name, start) ELSE substr(name, start, 4) END AS token,
           person
    FROM suffix
    UNION ALL
    SELECT 'f' || value, person FROM temp.person_walked WHERE field = 'n' AND length(value) > 6
    UNION ALL
    SELECT field || value, person FROM temp.person_walked WHERE field IN ('i', 't')
    UNION ALL
    SELECT 'p' || substr(token, 3), p.rowid
    FROM (SELECT token, person_id, length(token) AS len, max(length(token)) OVER (PARTITION BY person_id) AS longest
          FROM person_token WHERE token >= 'p:' AND token < 'p;') o
    JOIN person p ON p.id = o.person_id
    WHERE len = longest
)
ORDER BY token, person;

DROP TABLE temp.person_walked;
DROP TABLE person_token;
ALTER TABLE person_token_lean RENAME TO person_token;

-- The roster index holds the person by rowid too: a search of the roster
-- then reads the search index only. Rebuilt from the records.
DROP TABLE roster_index;
CREATE TABLE roster_index (
    elderly_id         TEXT PRIMARY KEY,
    person             INTEGER NOT NULL,
    status             TEXT NOT NULL,
    name_key           TEXT NOT NULL,
    community_id       TEXT,
    birth_date         TEXT,
    kinds              TEXT NOT NULL,
    sanwu              INTEGER NOT NULL,
    enterprise_retiree INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO roster_index
SELECT e.id, p.rowid, e.status, p.name_key, p.community_id, p.birth_date, e.kinds, e.sanwu, e.enterprise_retiree
FROM elderly e JOIN person p ON p.id = e.person_id
ORDER BY e.id;
-- Covering the filters, so a filtered count never leaves the index.
CREATE INDEX roster_index_status ON roster_index(status, name_key, elderly_id, birth_date, kinds, sanwu, enterprise_retiree);
CREATE INDEX roster_index_age ON roster_index(status, birth_date);
CREATE INDEX roster_index_community ON roster_index(status, community_id, name_key, elderly_id);
CREATE INDEX roster_index_name ON roster_index(name_key, elderly_id);
CREATE INDEX roster_index_person ON roster_index(person);

-- It covered the choice of a search's page by person id; the search now
-- chooses it by rowid, and the id's own index serves joins as well.
DROP INDEX person_page;
