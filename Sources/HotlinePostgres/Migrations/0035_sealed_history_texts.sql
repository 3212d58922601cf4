-- Sealed at rest, the rest of it (issue 20 item 3): what units and staff write about a case.
-- A unit's reply and reasons (a result's action_taken, a return, an extension, progress), the
-- centre's reasons and a rating appeal's statement are free text that may name the caller or
-- other people. From now on a history row keeps them sealed under its case's data key
-- (`detail.sealed`, base64, with `detail.sealed_key` = 'case'), and the row's hash covers them
-- as stored, so shredding the data key erases them and leaves the chain valid. Rows written
-- before this migration keep their text in clear, as do a case's rows while it has no data key
-- (accepted before migration 0030, until `hotline keys reencrypt`): the history is append-only
-- and hash-chained, and rewriting it is what it exists to refuse.
-- A rating appeal's statement and the centre's reason for its decision were copied into
-- rating_appeals in clear; they stay only in the history rows that filed and decided the
-- appeal (`hotline case show` opens them there), so new rows leave both NULL.
ALTER TABLE rating_appeals ALTER COLUMN statement DROP NOT NULL;

-- The citizens' lookup shows the unit's reply (巴林左旗 第二十四条「办理结果」) without holding the
-- key-encryption key: intake gives each case a reply key, HMAC-SHA256 under the lookup key of
-- the case id and its query code, and keeps it wrapped under the case's data key
-- (`lookup_key_sealed`); dispatch seals the latest result's reply under it here. The lookup
-- service derives the same key only when a citizen presents the right code. Shredding the
-- case deletes the row and its wrapped key.
ALTER TABLE cases ADD COLUMN lookup_key_sealed bytea;
CREATE TABLE case_lookup_replies (
    case_id      uuid        PRIMARY KEY REFERENCES cases (id),
    reply_sealed bytea       NOT NULL,
    submitted_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON case_lookup_replies TO hotline_worker;

-- The lookup's view: a reply in clear only from a history row written before this migration;
-- a sealed one comes from case_lookup_replies, opened by the lookup with the citizen's code.
CREATE OR REPLACE VIEW lookup_case_progress AS
SELECT c.case_number, c.status, c.category, c.received_at, c.accepted_at, c.handling_due, c.resolved_at, c.closed_at,
       (SELECT a.unit_name FROM assignments a WHERE a.case_id = c.id AND a.current AND a.role = 'lead') AS unit_name,
       r.outcome AS result_outcome, r.reply AS result_reply,
       (SELECT t.rating FROM callback_tasks t WHERE t.case_id = c.id AND t.state = 'rated' ORDER BY t.round DESC LIMIT 1) AS rating,
       lr.reply_sealed AS result_reply_sealed
FROM cases c
LEFT JOIN LATERAL (
    SELECT h.detail->>'outcome' AS outcome, h.detail->>'reason' AS reply FROM case_history h
    WHERE h.case_id = c.id AND h.action = 'submit_result' ORDER BY h.id DESC LIMIT 1
) r ON true
LEFT JOIN case_lookup_replies lr ON lr.case_id = c.id;
