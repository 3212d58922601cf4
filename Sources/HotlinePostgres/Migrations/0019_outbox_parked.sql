-- Outbox rows the broker refuses as they are (too large, an invalid record), moved aside
-- after a few attempts so the relay never retries one row forever while every topic
-- behind it waits. `hotline outbox parked` lists them; each keeps its bytes and why.
CREATE TABLE outbox_parked (
    id          bigint      PRIMARY KEY,
    topic       text        NOT NULL,
    message_key bytea,
    payload     bytea       NOT NULL,
    headers     jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    parked_at   timestamptz NOT NULL DEFAULT now(),
    attempts    integer     NOT NULL,
    reason      text        NOT NULL
);
