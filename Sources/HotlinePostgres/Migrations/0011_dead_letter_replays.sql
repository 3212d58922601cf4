-- `hotline dlq replay` re-publishes a dead letter's original message to its source topic
-- once it was fixed, and records it here, so a second replay of the same selection
-- skips it (unless asked again on purpose).
ALTER TABLE dead_letters
    ADD COLUMN replayed_at  timestamptz,
    ADD COLUMN replay_count integer NOT NULL DEFAULT 0;
