-- Every deletion of audit and parked rows is logged by the database itself (README "Retention"):
-- the worker role may DELETE from lookup_attempts and outbox_parked (the retention sweep removes
-- rows past their period, logging each batch in retention_runs), but nothing stopped a deletion
-- without a retention_runs row. A statement trigger now records every DELETE on those tables,
-- whoever runs it, with how many rows, their oldest and newest dates and the login; `hotline
-- retention status` compares this log with retention_runs and names rows deleted outside the sweep.
CREATE TABLE deletion_log (
    id          bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    table_name  text        NOT NULL,
    rows        integer     NOT NULL CHECK (rows > 0),
    oldest      timestamptz NOT NULL,
    newest      timestamptz NOT NULL,
    login       text        NOT NULL DEFAULT session_user
);

CREATE FUNCTION refuse_deletion_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'deletion_log is append-only';
END;
$$;
CREATE TRIGGER deletion_log_append_only BEFORE UPDATE OR DELETE ON deletion_log
    FOR EACH ROW EXECUTE FUNCTION refuse_deletion_log_change();
CREATE TRIGGER deletion_log_no_truncate BEFORE TRUNCATE ON deletion_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_deletion_log_change();

-- SECURITY DEFINER: the log is written as its owner, so the worker role needs no INSERT on it
-- and cannot write a row of its own. TG_ARGV[0] names the column the rows are dated by.
CREATE FUNCTION log_deletion() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    removed integer;
    first_at timestamptz;
    last_at timestamptz;
BEGIN
    EXECUTE format('SELECT count(*), min(%1$I), max(%1$I) FROM gone', TG_ARGV[0]) INTO removed, first_at, last_at;
    IF removed > 0 THEN
        INSERT INTO deletion_log (table_name, rows, oldest, newest) VALUES (TG_TABLE_NAME, removed, first_at, last_at);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER lookup_attempts_deletions AFTER DELETE ON lookup_attempts
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION log_deletion('at');
CREATE TRIGGER outbox_parked_deletions AFTER DELETE ON outbox_parked
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION log_deletion('parked_at');
GRANT SELECT ON deletion_log TO hotline_worker;
