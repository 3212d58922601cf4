-- Foundation: cases, intake idempotency, history, assignments, outbox, dead letters.

-- Every consumed event a worker applied, so a redelivered event changes nothing.
CREATE TABLE processed_events (
    consumer      text        NOT NULL,
    event_id      text        NOT NULL,
    topic         text        NOT NULL,
    partition     integer     NOT NULL,
    "offset"      bigint      NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

-- Per-day case number sequence (case numbers are 20261009-000123).
CREATE TABLE case_number_days (
    day       text    PRIMARY KEY,
    last_used integer NOT NULL
);

CREATE TABLE cases (
    id                 uuid        PRIMARY KEY,
    case_number        text        NOT NULL UNIQUE,
    policy_id          text        NOT NULL,
    policy_version     text        NOT NULL,
    channel            text        NOT NULL,
    external_id        text        NOT NULL,
    category           text        NOT NULL,
    category_source    text        NOT NULL,
    area_code          text,
    subject            text,
    content            text        NOT NULL,
    urgent             boolean     NOT NULL,
    confidential       boolean     NOT NULL,
    status             text        NOT NULL,
    received_at        timestamptz NOT NULL,
    accepted_at        timestamptz NOT NULL,
    urge_count         integer     NOT NULL DEFAULT 0,
    -- The caller's personal data, AES-GCM sealed; key id kept beside it for rotation.
    caller_sealed      bytea       NOT NULL,
    caller_key_id      text        NOT NULL,
    -- HMAC of the normalised phone number: finds a caller's open cases without decrypting.
    caller_phone_index bytea,
    intake_event_id    text        NOT NULL,
    UNIQUE (channel, external_id)
);
CREATE INDEX cases_open_by_caller ON cases (caller_phone_index) WHERE status NOT IN ('closed', 'archived');
CREATE INDEX cases_status ON cases (status);

-- One row per (channel, external_id): the idempotency key of intake, with the receipt given.
CREATE TABLE intake_requests (
    channel          text        NOT NULL,
    external_id      text        NOT NULL,
    first_event_id   text        NOT NULL,
    outcome          text        NOT NULL,
    reason_code      text,
    case_id          uuid        REFERENCES cases (id),
    category         text,
    receipt          jsonb       NOT NULL,
    received_at      timestamptz NOT NULL,
    recorded_at      timestamptz NOT NULL,
    times_received   integer     NOT NULL DEFAULT 1,
    -- For redirected and not accepted appeals: what was asked, for the record (no caller data).
    content          text,
    PRIMARY KEY (channel, external_id)
);

-- Repeat appeals linked to an open case and recorded as urges (催办).
CREATE TABLE case_urges (
    id           bigserial   PRIMARY KEY,
    case_id      uuid        NOT NULL REFERENCES cases (id),
    channel      text        NOT NULL,
    external_id  text        NOT NULL,
    urged_at     timestamptz NOT NULL,
    UNIQUE (channel, external_id)
);

-- Append-only history of every state change, with actor and time.
CREATE TABLE case_history (
    id          bigserial   PRIMARY KEY,
    case_id     uuid        NOT NULL REFERENCES cases (id),
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    detail      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    event_id    text
);
CREATE INDEX case_history_by_case ON case_history (case_id, id);

CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_history is append-only';
END;
$$;
CREATE TRIGGER case_history_append_only BEFORE UPDATE OR DELETE ON case_history
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();

-- Unit assignments. Exactly one current lead per case; co-units beside it.
CREATE TABLE assignments (
    id          bigserial   PRIMARY KEY,
    case_id     uuid        NOT NULL REFERENCES cases (id),
    round       integer     NOT NULL,
    unit_id     text        NOT NULL,
    unit_name   text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('lead', 'co')),
    rule_id     text,
    current     boolean     NOT NULL DEFAULT true,
    assigned_at timestamptz NOT NULL,
    UNIQUE (case_id, round, unit_id)
);
CREATE UNIQUE INDEX assignments_one_current_lead ON assignments (case_id) WHERE current AND role = 'lead';
CREATE INDEX assignments_by_unit ON assignments (unit_id) WHERE current;

-- Cases no rule could route, waiting for a dispatcher.
CREATE TABLE manual_dispatch_queue (
    case_id     uuid        PRIMARY KEY REFERENCES cases (id),
    reason      text        NOT NULL,
    queued_at   timestamptz NOT NULL,
    resolved_at timestamptz
);

-- Dead letters: one per source message (topic, partition, offset, value digest).
CREATE TABLE dead_letters (
    id            bigserial   PRIMARY KEY,
    event_id      uuid        NOT NULL UNIQUE,
    worker        text        NOT NULL,
    topic         text        NOT NULL,
    partition     integer     NOT NULL,
    "offset"      bigint      NOT NULL,
    value_digest  bytea       NOT NULL,
    reason_code   text        NOT NULL,
    reason        text        NOT NULL,
    field         text,
    dead_lettered_at timestamptz NOT NULL,
    UNIQUE (topic, partition, "offset", value_digest)
);

-- Events to publish, written in the same transaction as the effects that cause them.
CREATE TABLE outbox (
    id          bigserial   PRIMARY KEY,
    topic       text        NOT NULL,
    message_key bytea,
    payload     bytea       NOT NULL,
    headers     jsonb       NOT NULL DEFAULT '[]'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The simulated clock all processes share when HOTLINE_CLOCK=simulated.
CREATE TABLE simulated_clock (
    id   integer     PRIMARY KEY CHECK (id = 1),
    now  timestamptz NOT NULL
);
