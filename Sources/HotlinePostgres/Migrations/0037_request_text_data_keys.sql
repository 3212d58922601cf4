-- The text of an appeal redirected or not accepted gets a data key of its own, like a case's
-- (migration 0030; issue 20 item 3): content_sealed is sealed under it, and it is kept only
-- wrapped (AES-256-GCM) under the key-encryption key content_key_id names. The retention sweep
-- removes the wrapped key with the text (unaccepted_appeal_text_days); a rotation re-wraps the
-- 32 bytes. Rows written before this migration keep their text sealed directly under the
-- key-encryption key (content_data_key NULL) until `hotline keys reencrypt` gives each its own.
ALTER TABLE intake_requests ADD COLUMN content_data_key bytea;
ALTER TABLE intake_requests ADD CONSTRAINT intake_requests_data_key_with_text
    CHECK (content_data_key IS NULL OR content_sealed IS NOT NULL);
