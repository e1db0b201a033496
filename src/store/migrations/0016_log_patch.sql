-- An insert kept without a copy of its values (0012) is rebuilt from its
-- record. Until now the first change of such a record wrote the insert's
-- whole text back into the log (a row growing from a few bytes to half a
-- kilobyte, for every record a sync or an import changes). Now only the
-- first values of the fields that change are kept, here, by record: the
-- insert's text is its record's values with these put back.
CREATE TABLE change_patch (
    record_id BLOB PRIMARY KEY,
    fields    TEXT NOT NULL
) WITHOUT ROWID;
