-- Intake's repeat check (IntakeStore.openCases, 长沙 第十三条（六）, 兰溪 四.5) asks for the
-- batch's callers' cases that take an urge, are blocked as excessive demands, or closed since
-- the repeat window began, or that the appeals name by case number. The two partial indexes on
-- the caller serve none of it (no predicate implies theirs), so each batch read the whole cases
-- table: 36 ms a batch at 100,000 cases, ten times that at a million. One index on the caller
-- serves every branch, combined with the case number's unique index; a caller has few cases.
-- Built in the migration's transaction, which holds writes to cases while it runs (seconds per
-- million cases); a worker's batch waiting on it is retried (Ops/RUNBOOK.md "Database roles").
CREATE INDEX cases_by_caller ON cases (caller_phone_index);
DROP INDEX cases_open_by_caller;
DROP INDEX cases_blocked_by_caller;
