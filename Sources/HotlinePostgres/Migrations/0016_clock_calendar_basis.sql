-- What each clock's count rests on, so a clock counted on days of a year whose State
-- Council notice was not yet published (counted provisionally from the statutory
-- holidays, 国务院令第795号) is recounted when the notice is added
-- (`hotline calendar replan`).
ALTER TABLE case_clocks
    -- The instant the count starts from: the start of the clock, or for a date a party
    -- named (an approved extension, a committed date) where its warning is counted from.
    ADD COLUMN counted_from   timestamptz,
    -- The limit counted ('working_days:10', 'same_day', 'hours:72'); NULL when due_at is
    -- a date a party named, which a recount never moves.
    ADD COLUMN due_limit      text,
    -- The notices of the official years the count crossed, and the provisional years.
    ADD COLUMN calendar_basis text    NOT NULL DEFAULT '',
    ADD COLUMN provisional    boolean NOT NULL DEFAULT false;

-- The replan and the metric read only the open provisional clocks.
CREATE INDEX case_clocks_provisional ON case_clocks (id) WHERE provisional AND state = 'open';
