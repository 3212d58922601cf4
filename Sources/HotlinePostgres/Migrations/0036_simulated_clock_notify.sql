-- Every write to the simulated clock (`hotline clock set`, tests, the demo) notifies
-- `hotline_simulated_clock`, so a worker on the simulated clock wakes its sweeps when the clock
-- moves instead of polling for it (SimulatedClockListener). Production runs on the machine's
-- clock and never writes this table.
-- One trigger function serves every channel, named by the trigger's argument; the outbox's
-- trigger (migration 0020, LISTEN hotline_outbox) moves to it.
CREATE FUNCTION notify_channel() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_ARGV[0], '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER simulated_clock_moved AFTER INSERT OR UPDATE ON simulated_clock
    FOR EACH STATEMENT EXECUTE FUNCTION notify_channel('hotline_simulated_clock');

DROP TRIGGER outbox_notify ON outbox;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION notify_channel('hotline_outbox');
DROP FUNCTION outbox_notify();
