-- Every policy version a worker has run. A case keeps the policy version it was
-- accepted under (cases.policy_id, cases.policy_version); workers running a newer
-- version read the older text from here to judge that case by its own rules.
CREATE TABLE policy_versions (
    policy_id       text        NOT NULL,
    version         text        NOT NULL,
    document        text        NOT NULL,
    sha256          text        NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (policy_id, version)
);
