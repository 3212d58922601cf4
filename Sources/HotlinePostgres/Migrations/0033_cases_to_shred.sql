-- The retention sweep looks for archived cases that still have a data key, oldest archive first,
-- every sweep interval. Through case_archive (0030's index) it walked past every case already
-- shredded, a number that only grows; this index holds only the cases left to shred.
DROP INDEX case_archive_by_age;
CREATE INDEX cases_to_shred ON cases (archived_at, id) WHERE archived_at IS NOT NULL AND data_key_sealed IS NOT NULL;
