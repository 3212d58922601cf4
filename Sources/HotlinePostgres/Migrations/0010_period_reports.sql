-- One report.period_closed per policy and period, whichever supervision instance
-- claims it first, in the transaction that writes the event to the outbox.
CREATE TABLE period_reports (
    policy_id      text        NOT NULL,
    period         text        NOT NULL,
    period_kind    text        NOT NULL,
    first_day      date        NOT NULL,
    last_day       date        NOT NULL,
    policy_version text        NOT NULL,
    event_id       uuid        NOT NULL UNIQUE,
    published_at   timestamptz NOT NULL,
    PRIMARY KEY (policy_id, period)
);

-- Hot spots count the cases accepted in a period; the publisher asks for each
-- policy's first accepted case.
CREATE INDEX cases_by_accepted_at ON cases (accepted_at);
CREATE INDEX cases_by_policy_accepted_at ON cases (policy_id, accepted_at);
