-- Each running worker instance says here, every few seconds, that it is alive and
-- which partitions it holds, so `hotline status` can name a group's members (the dev
-- broker has no group-listing API, and a member that died without leaving the group
-- still shows here as lost). Timestamps are the server's wall clock: liveness is
-- operational time, not the hotline's (possibly simulated) clock.
CREATE TABLE worker_members (
    member_id   uuid PRIMARY KEY,
    worker      text NOT NULL,
    group_id    text,
    host        text NOT NULL,
    pid         integer NOT NULL,
    started_at  timestamptz NOT NULL,
    seen_at     timestamptz NOT NULL,
    partitions  text[] NOT NULL DEFAULT '{}',
    lag         bigint
);
CREATE INDEX worker_members_worker ON worker_members (worker, seen_at);
