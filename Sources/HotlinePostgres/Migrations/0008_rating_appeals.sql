-- Rating appeals (满意度申诉, 长沙 第二十七条): the unit a 不满意 rating counts for contests
-- it within the policy's window, on a listed ground, with evidence; the centre upholds or
-- rejects. One appeal per rated callback task. An upheld appeal names the rating the
-- assessment counts (assessed_rating); the citizen's rating in callback_tasks never changes.
CREATE TABLE rating_appeals (
    id               uuid        PRIMARY KEY,
    task_id          uuid        NOT NULL UNIQUE REFERENCES callback_tasks (id),
    case_id          uuid        NOT NULL REFERENCES cases (id),
    round            integer     NOT NULL,
    unit_id          text        NOT NULL,
    ground           text        NOT NULL,
    statement        text        NOT NULL,
    -- References to the supporting material (佐证材料): recording ids, document links.
    evidence         jsonb       NOT NULL,
    filed_at         timestamptz NOT NULL,
    filed_by         text        NOT NULL,
    appeal_by        timestamptz NOT NULL,
    state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'upheld', 'rejected')),
    assessed_rating  text        CHECK (assessed_rating IN ('satisfied', 'basically_satisfied', 'not_counted')),
    decided_at       timestamptz,
    decided_by       text,
    decision_reason  text,
    CHECK ((state = 'upheld') = (assessed_rating IS NOT NULL)),
    CHECK ((state = 'pending') = (decided_at IS NULL))
);
CREATE INDEX rating_appeals_decided ON rating_appeals (decided_at) WHERE state <> 'pending';
