-- Case lifecycle: unit and centre actions, durable deadline clocks, supervision.

ALTER TABLE cases
    ADD COLUMN round                 integer     NOT NULL DEFAULT 0,
    ADD COLUMN dispatched_at         timestamptz,
    ADD COLUMN signed_at             timestamptz,
    ADD COLUMN handling_due          timestamptz,
    ADD COLUMN extensions_this_round integer     NOT NULL DEFAULT 0,
    ADD COLUMN requested_due         timestamptz,
    ADD COLUMN leader_assigned       boolean     NOT NULL DEFAULT false,
    ADD COLUMN media_exposed         boolean     NOT NULL DEFAULT false,
    ADD COLUMN resolved_at           timestamptz;

-- Hot spots count recent appeals of one category about one area on every accepted case.
CREATE INDEX cases_by_category_area ON cases (category, area_code, accepted_at);

-- One clock per (case, round, obligation): who must do what by when. The
-- deadlines worker claims rows whose next_fire_at has passed; next_fire_at is the
-- warning or the due instant still to announce, NULL when both are announced.
CREATE TABLE case_clocks (
    id           bigserial   PRIMARY KEY,
    case_id      uuid        NOT NULL REFERENCES cases (id),
    round        integer     NOT NULL,
    obligation   text        NOT NULL,
    unit_id      text,
    started_at   timestamptz NOT NULL,
    due_at       timestamptz NOT NULL,
    warn_at      timestamptz,
    state        text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'met', 'cancelled')),
    met_at       timestamptz,
    warned_at    timestamptz,
    overdue_at   timestamptz,
    next_fire_at timestamptz,
    UNIQUE (case_id, round, obligation)
);
CREATE INDEX case_clocks_to_fire ON case_clocks (next_fire_at) WHERE state = 'open' AND next_fire_at IS NOT NULL;
CREATE INDEX case_clocks_by_unit ON case_clocks (unit_id, obligation);

-- Supervisions (督办): one open record per (case, trigger), climbing the policy's ladder.
CREATE TABLE supervisions (
    id            bigserial   PRIMARY KEY,
    public_id     uuid        NOT NULL UNIQUE,
    case_id       uuid        NOT NULL REFERENCES cases (id),
    trigger       text        NOT NULL,
    article       text        NOT NULL,
    unit_id       text,
    level         integer     NOT NULL,
    level_code    text        NOT NULL,
    opened_at     timestamptz NOT NULL,
    level_due_at  timestamptz,
    closed_at     timestamptz,
    close_reason  text
);
CREATE UNIQUE INDEX supervisions_one_open_per_trigger ON supervisions (case_id, trigger) WHERE closed_at IS NULL;
CREATE INDEX supervisions_to_climb ON supervisions (level_due_at) WHERE closed_at IS NULL AND level_due_at IS NOT NULL;

-- Centre decisions that apply to similar cases (长沙 第二十三条 "适用于全市同类事项的转派").
CREATE TABLE routing_precedents (
    category     text        NOT NULL,
    area_code    text        NOT NULL,
    lead_unit_id text        NOT NULL,
    co_unit_ids  text[]      NOT NULL,
    basis_case   uuid        NOT NULL REFERENCES cases (id),
    decided_at   timestamptz NOT NULL,
    PRIMARY KEY (category, area_code)
);
