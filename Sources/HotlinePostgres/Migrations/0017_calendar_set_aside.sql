-- A sweep row whose instant the working-day calendar cannot count (the calendar does not
-- cover the year: CalendarError.yearNotCovered) is set aside: the sweep stamps it with
-- calendar_retry_at (an hour on) and goes on, and its claims skip it until then. Before,
-- the one row failed the whole sweep's transaction, which was retried every second, so no
-- supervision climbed and no callback expired. NULL: never set aside.
ALTER TABLE supervisions ADD COLUMN calendar_retry_at timestamptz;
ALTER TABLE callback_tasks ADD COLUMN calendar_retry_at timestamptz;
