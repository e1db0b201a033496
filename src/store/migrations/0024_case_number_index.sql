-- A case number is looked up before it is given, so that no two cases share
-- one (`mediation::numbering`). Without an index that was a scan of every
-- case for every case numbered. Cases waiting for a number ('') are left out.
CREATE INDEX mediation_case_by_number ON mediation_case(number) WHERE number <> '';
