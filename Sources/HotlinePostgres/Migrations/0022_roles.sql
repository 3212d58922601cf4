-- Roles (README "Database roles"). Three NOLOGIN group roles that a deployment grants
-- to its own logins:
--   hotline_owner   owns every object and runs the DDL (`hotline migrate`)
--   hotline_worker  the workers: only the DML each table needs; no DDL, no TRUNCATE,
--                   no UPDATE or DELETE on the append-only tables
--   hotline_reader  reads everything (`hotline report`, `hotline status`)
-- Roles belong to the whole server: the DBA, or another database's migration, may have
-- created them already, or be creating them at this moment.
DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['hotline_owner', 'hotline_worker', 'hotline_reader'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$$;

-- The login running this migration hands its objects over, so it must be able to act as the owner.
DO $$
BEGIN
    IF NOT pg_has_role(current_user, 'hotline_owner', 'MEMBER') THEN
        EXECUTE format('GRANT hotline_owner TO %I', current_user);
    END IF;
END
$$;

-- Before PostgreSQL 15 every role could create tables in public: only the owner may.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO hotline_owner;
GRANT USAGE ON SCHEMA public TO hotline_worker, hotline_reader;

-- Every table (with its sequences) and function in the schema; from here on the
-- migrator runs each migration as hotline_owner, so later objects are its own.
DO $$
DECLARE
    object_name text;
BEGIN
    FOR object_name IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
        EXECUTE format('ALTER TABLE %I OWNER TO hotline_owner', object_name);
    END LOOP;
    FOR object_name IN SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO hotline_owner', object_name);
    END LOOP;
END
$$;

-- The worker's grants are per table (a default for every new table would give an
-- append-only one UPDATE and DELETE): a migration that creates a table grants the worker
-- what it needs, and RoleTests fails for a table without a grant.
-- Append-only: inserted and read, never changed.
GRANT SELECT, INSERT ON case_history, case_archive, case_urges, period_reports, policy_versions, outbox_parked
    TO hotline_worker;
-- Rows that change state.
GRANT SELECT, INSERT, UPDATE ON assignments, callback_tasks, case_clocks, case_number_days, cases, dead_letters,
    intake_requests, knowledge_entries, manual_dispatch_queue, processed_events, rating_appeals, routing_precedents,
    simulated_clock, supervisions, unit_reviews
    TO hotline_worker;
-- Queues and membership: rows leave when their work is done.
GRANT SELECT, INSERT, DELETE ON outbox TO hotline_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox_relays, worker_members TO hotline_worker;
-- The relay's shard leases exist from migration 0020 on; relays only claim and renew them.
GRANT SELECT, UPDATE ON outbox_shard_leases TO hotline_worker;
GRANT SELECT ON schema_migrations TO hotline_worker;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO hotline_worker;
ALTER DEFAULT PRIVILEGES FOR ROLE hotline_owner IN SCHEMA public GRANT USAGE ON SEQUENCES TO hotline_worker;

-- The reader reads every table, now and later: one grant fits them all.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO hotline_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE hotline_owner IN SCHEMA public GRANT SELECT ON TABLES TO hotline_reader;

-- The history refuses TRUNCATE too (the archive's trigger, 0009, already does), also for the owner.
CREATE TRIGGER case_history_no_truncate BEFORE TRUNCATE ON case_history
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();
