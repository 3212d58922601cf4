-- A supervision may be about a unit rather than a case (巴林左旗 第十五条（七）
-- 「对超期诉求工单较多，以及响应率、解决率、满意率偏低的单位」): it has no case, so it
-- keeps the policy version it was opened under and the figures that opened it.
ALTER TABLE supervisions
    ALTER COLUMN case_id DROP NOT NULL,
    ADD COLUMN policy_id      text,
    ADD COLUMN policy_version text,
    ADD COLUMN rates          jsonb,
    ADD CONSTRAINT supervisions_case_or_unit CHECK (
        case_id IS NOT NULL
        OR (unit_id IS NOT NULL AND policy_id IS NOT NULL AND policy_version IS NOT NULL AND rates IS NOT NULL));

CREATE UNIQUE INDEX supervisions_one_open_per_unit ON supervisions (unit_id, trigger)
    WHERE case_id IS NULL AND closed_at IS NULL;

-- One unit review per working day, whichever supervision instance gets there first.
CREATE TABLE unit_reviews (
    review_day     date        PRIMARY KEY,
    policy_id      text        NOT NULL,
    policy_version text        NOT NULL,
    reviewed_at    timestamptz NOT NULL,
    units_reviewed integer,
    units_below    integer
);

-- The review counts each unit's sign and handling clocks due in its window.
CREATE INDEX case_clocks_by_due ON case_clocks (due_at) WHERE unit_id IS NOT NULL;
