-- The text of an appeal redirected or not accepted (kept unaccepted_appeal_text_days for the
-- caller who asks again or complains of the refusal, README "Retention") is sealed at rest
-- (issue 20 item 3): AES-256-GCM under the key-encryption key content_key_id names, the
-- request's channel and external id as authenticated data. Intake seals it; `hotline intake
-- show` opens it for the centre's staff; `hotline keys reencrypt` re-seals it. Rows written
-- before this migration keep their clear `content` until the retention sweep clears it.
ALTER TABLE intake_requests ADD COLUMN content_sealed bytea;
ALTER TABLE intake_requests ADD COLUMN content_key_id text;
ALTER TABLE intake_requests ADD CONSTRAINT intake_requests_sealed_text_whole
    CHECK ((content_sealed IS NULL) = (content_key_id IS NULL));

DROP INDEX intake_requests_kept_text;
CREATE INDEX intake_requests_kept_text ON intake_requests (recorded_at)
    WHERE content IS NOT NULL OR content_sealed IS NOT NULL;
