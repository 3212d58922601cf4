-- Sealed at rest, per case (issue 20 item 3; README "Personal data"): every case accepted from
-- now on has a data key of its own, 32 random bytes, kept only wrapped (AES-256-GCM) under the
-- key-encryption key HOTLINE_DATA_KEY named by data_key_id (envelope encryption). The caller's
-- data (caller_sealed, caller_key_id = 'case') and the appeal's subject and content
-- (appeal_sealed) are sealed under it; subject and content stay NULL. Destroying the wrapped key
-- erases the case's personal data in every copy of these rows (crypto-shredding, 《个人信息保护法》
-- 第四十七条): backups keep only ciphertext and the wrapped key, which the retired
-- key-encryption key no longer opens once rotated away (RUNBOOK "Keys").
-- Cases accepted before this migration keep their clear subject and content and their
-- caller sealed directly under a key-encryption key until `hotline keys reencrypt` gives each
-- its own data key and seals its text under it.
ALTER TABLE cases ALTER COLUMN content DROP NOT NULL;
ALTER TABLE cases ADD COLUMN data_key_sealed bytea;
ALTER TABLE cases ADD COLUMN data_key_id text;
ALTER TABLE cases ADD COLUMN appeal_sealed bytea;
ALTER TABLE cases ADD COLUMN shredded_at timestamptz;
ALTER TABLE cases ADD CONSTRAINT cases_data_key_whole CHECK ((data_key_sealed IS NULL) = (data_key_id IS NULL));
-- A case's text is in clear (before this migration), sealed, or gone with its shredded key.
ALTER TABLE cases ADD CONSTRAINT cases_text_kept_one_way CHECK (
    content IS NOT NULL OR appeal_sealed IS NOT NULL OR shredded_at IS NOT NULL);
ALTER TABLE cases ADD CONSTRAINT cases_shredded_without_key CHECK (shredded_at IS NULL OR data_key_sealed IS NULL);

-- The retention sweep shreds archived cases past the policy's case_content_after_archive_days
-- (RetentionDecision); one row per case shredded, in the same transaction as the shredding, so
-- the proof and the erasure go together. No personal data: the case number, when, what was
-- erased, the cutoff it was archived before and under which policy.
CREATE TABLE case_shreddings (
    case_id        uuid        PRIMARY KEY REFERENCES cases (id),
    case_number    text        NOT NULL,
    shredded_at    timestamptz NOT NULL,
    archived_at    timestamptz NOT NULL,
    erased         text[]      NOT NULL,
    cutoff         timestamptz NOT NULL,
    retention_days integer     NOT NULL CHECK (retention_days > 0),
    policy_id      text        NOT NULL,
    policy_version text        NOT NULL,
    CHECK (archived_at < cutoff)
);
CREATE FUNCTION refuse_case_shredding_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_shreddings is append-only';
END;
$$;
CREATE TRIGGER case_shreddings_append_only BEFORE UPDATE OR DELETE ON case_shreddings
    FOR EACH ROW EXECUTE FUNCTION refuse_case_shredding_change();
CREATE TRIGGER case_shreddings_no_truncate BEFORE TRUNCATE ON case_shreddings
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_case_shredding_change();

ALTER TABLE retention_runs DROP CONSTRAINT retention_runs_kind_check;
ALTER TABLE retention_runs ADD CONSTRAINT retention_runs_kind_check
    CHECK (kind IN ('lookup_attempts', 'unaccepted_appeal_texts', 'parked_messages', 'case_contents'));

-- The sweep finds archived cases not yet shredded, oldest first.
CREATE INDEX case_archive_by_age ON case_archive (archived_at);

GRANT SELECT, INSERT ON case_shreddings TO hotline_worker;
