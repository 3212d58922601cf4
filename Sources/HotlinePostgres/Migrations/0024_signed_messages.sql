-- Signed inbound messages (issue 19): a signed message's event id is bound to the bytes it
-- was first applied with, so the same id sent again with other bytes is refused as a replay
-- while a plain redelivery of the same bytes is skipped as before. SHA-256 over the topic,
-- key and value (each length-prefixed); NULL for unsigned topics and for events applied
-- before this migration.
ALTER TABLE processed_events ADD COLUMN content_digest bytea;
