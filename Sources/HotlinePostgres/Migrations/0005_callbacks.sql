-- Callbacks (回访): one task per attempt of a handling round. The first follows the
-- centre's approval of the result; a manual one follows an automatic 不满意 or an
-- unanswered automatic call (长沙 第二十六条). A round's final rating is the task in
-- state 'rated'; an earlier attempt ends 'followed_up' with its automatic rating kept.
CREATE TABLE callback_tasks (
    id                 uuid        PRIMARY KEY,
    case_id            uuid        NOT NULL REFERENCES cases (id),
    round              integer     NOT NULL,
    attempt            integer     NOT NULL,
    -- The lead unit whose result is called back; the rating counts for it.
    unit_id            text,
    channel            text        NOT NULL CHECK (channel IN ('sms', 'automatic_call', 'manual')),
    performer_unit_id  text,
    issued_at          timestamptz NOT NULL,
    due_at             timestamptz NOT NULL,
    answer_by          timestamptz,
    state              text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'rated', 'followed_up')),
    rating             text        CHECK (rating IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    resolved           boolean,
    rating_source      text        CHECK (rating_source IN ('caller', 'deemed')),
    called_by          text,
    called_at          timestamptz,
    unanswered_calls   integer     NOT NULL DEFAULT 0,
    -- The citizen's or caller-back's comment, sealed like the caller's data (it may name them).
    comment_sealed     bytea,
    comment_key_id     text,
    closed_at          timestamptz,
    UNIQUE (case_id, round, attempt)
);
CREATE INDEX callback_tasks_to_expire ON callback_tasks (answer_by) WHERE state = 'open' AND answer_by IS NOT NULL;
CREATE INDEX callback_tasks_rated ON callback_tasks (closed_at) WHERE state = 'rated';
