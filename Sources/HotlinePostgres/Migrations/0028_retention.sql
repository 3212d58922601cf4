-- Retention (issue 20 item 4; README "Retention"): 《个人信息保护法》第十九条 “个人信息的保存期限应当为
-- 实现处理目的所必要的最短时间” and 第四十七条 (deletion). The supervision worker's retention sweep
-- removes what the policy's `retention:` periods say is past (RetentionDecision), in batches of one
-- transaction each, and records every batch here in the same transaction: a batch is removed and
-- logged whole, or not at all.
--
-- What it removes, and what stays:
--   lookup_attempts            the row (client address, case number tried), after lookup_audit_days
--   intake_requests.content    the text of a redirected or not-accepted appeal, after
--                              unaccepted_appeal_text_days; outcome, reason code, category and
--                              receipt stay for the figures
--   outbox_parked              the row (its bytes may hold a dead-lettered intake original), after
--                              parked_message_days
-- dead_letters keeps no original bytes (only a digest, the reason, the source position and the
-- times: the figures operators and the assessment count), so it stays whole; the originals live
-- on hotline.intake.dlq.v1, which keeps them 30 days (retention.ms).

-- One row per batch removed: never personal data, only when, what kind, how many, the oldest and
-- newest date removed and the cutoff they were older than, under which policy.
CREATE TABLE retention_runs (
    id             bigserial   PRIMARY KEY,
    run_at         timestamptz NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('lookup_attempts', 'unaccepted_appeal_texts', 'parked_messages')),
    removed        integer     NOT NULL CHECK (removed > 0),
    oldest         timestamptz NOT NULL,
    newest         timestamptz NOT NULL,
    cutoff         timestamptz NOT NULL,
    retention_days integer     NOT NULL CHECK (retention_days > 0),
    policy_id      text        NOT NULL,
    policy_version text        NOT NULL,
    CHECK (oldest <= newest AND newest < cutoff)
);
CREATE INDEX retention_runs_by_kind ON retention_runs (kind, id);

-- The log is the proof the sweep ran: appended, never changed, also not by the owner.
CREATE FUNCTION refuse_retention_run_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'retention_runs is append-only';
END;
$$;
CREATE TRIGGER retention_runs_append_only BEFORE UPDATE OR DELETE ON retention_runs
    FOR EACH ROW EXECUTE FUNCTION refuse_retention_run_change();
CREATE TRIGGER retention_runs_no_truncate BEFORE TRUNCATE ON retention_runs
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_retention_run_change();

-- The sweep takes the oldest rows of each kind first.
CREATE INDEX lookup_attempts_by_age ON lookup_attempts (at);
CREATE INDEX intake_requests_kept_text ON intake_requests (recorded_at) WHERE content IS NOT NULL;
CREATE INDEX outbox_parked_by_age ON outbox_parked (parked_at);

-- The sweep's rights, and nothing more: it appends to its log and deletes the two kinds of rows
-- it removes whole (it already may update intake_requests, migration 0022). Neither table may be
-- updated by the worker.
GRANT SELECT, INSERT ON retention_runs TO hotline_worker;
GRANT DELETE ON lookup_attempts, outbox_parked TO hotline_worker;
