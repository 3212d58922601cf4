-- Issue 19: a signed message's event id is claimed for the party that signed it. Event ids
-- are chosen by each sender; claimed for the consumer alone, an authenticated party could
-- send a message with an id another party will use (refused, but its id claimed), and that
-- party's own message would then be refused as a replay. '' for the unsigned topics (the
-- adapters' intake events, the project's own events), whose ids stay claimed per consumer.
ALTER TABLE processed_events ADD COLUMN sender text NOT NULL DEFAULT '';
ALTER TABLE processed_events DROP CONSTRAINT processed_events_pkey;
ALTER TABLE processed_events ADD PRIMARY KEY (consumer, sender, event_id);
