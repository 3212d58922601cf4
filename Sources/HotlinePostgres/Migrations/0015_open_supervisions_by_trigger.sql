-- Open supervisions by trigger: the hot-spot check (an open hot_spot supervision for a
-- category and area?) ran for every accepted appeal and scanned all supervisions;
-- Ops/dev bench measured it at 4.7 ms a call, the most PostgreSQL time of any statement.
CREATE INDEX supervisions_open_by_trigger ON supervisions (trigger, case_id) WHERE closed_at IS NULL;
