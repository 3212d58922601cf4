-- The citizens' progress lookup over HTTP (issue 20 item 5; 巴林左旗 第二十四条 「诉求人对其提出的
-- 热线事项的办理进度和办理结果享有知情权」, 鄂尔多斯 第十九条（八）). README "Progress lookup".
--
-- A role of its own for `hotline serve-lookup`: it reads the progress view and the query
-- code verifiers, and writes only its throttle and its audit. It never sees the caller's
-- data, the appeal's text or anything staff-only.
-- Roles belong to the server: created by the login running the migration (as in 0022),
-- which may create roles; where a DBA creates roles instead, create it first:
--   CREATE ROLE hotline_lookup NOLOGIN;
RESET ROLE;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hotline_lookup') THEN
        BEGIN
            CREATE ROLE hotline_lookup NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN NULL;
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'the role hotline_lookup does not exist and % may not create it', current_user
                    USING HINT = 'as a DBA: CREATE ROLE hotline_lookup NOLOGIN; then run hotline migrate again (RUNBOOK "Database roles")';
        END;
    END IF;
END
$$;
-- The schema's owner (the database's) grants its use, as in 0022.
GRANT USAGE ON SCHEMA public TO hotline_lookup;
SET LOCAL ROLE hotline_owner;

-- One verifier per case: HMAC-SHA256 under the lookup key (HOTLINE_LOOKUP_KEY, its id in
-- key_id) of the case id and its query code. The code itself is kept nowhere: intake
-- derives it from the case id with HOTLINE_QUERY_CODE_KEY whenever it issues the receipt.
CREATE TABLE lookup_verifiers (
    case_id     uuid        PRIMARY KEY REFERENCES cases (id),
    case_number text        NOT NULL UNIQUE,
    verifier    bytea       NOT NULL CHECK (octet_length(verifier) = 32),
    key_id      text        NOT NULL,
    created_at  timestamptz NOT NULL
);

-- The throttle's counters: wrong tries per case number tried (existing or not) and per
-- client, the window they count in and the lock they reached (LookupThrottle).
CREATE TABLE lookup_limits (
    scope        text        NOT NULL CHECK (scope IN ('case_number', 'client')),
    subject      text        NOT NULL,
    window_start timestamptz NOT NULL,
    failures     integer     NOT NULL CHECK (failures >= 0),
    locked_until timestamptz,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX lookup_limits_by_age ON lookup_limits (window_start);

-- Every attempt: when, from which client, the case number tried (as sent, at most 32
-- characters) and what it came to. Never the code tried.
CREATE TABLE lookup_attempts (
    id                  bigserial   PRIMARY KEY,
    at                  timestamptz NOT NULL,
    client              text        NOT NULL,
    case_number_tried   text,
    outcome             text        NOT NULL CHECK (outcome IN ('answered', 'no_match', 'locked', 'malformed')),
    retry_after_seconds integer
);
CREATE INDEX lookup_attempts_by_case_number ON lookup_attempts (case_number_tried, at);

-- What the citizen may see of a case (CaseProgress): no caller data, no appeal text, no
-- staff ids, reasons or supervisions. The view runs with its owner's rights, so the
-- lookup role reads these columns and nothing else of the tables behind them.
CREATE VIEW lookup_case_progress AS
SELECT c.case_number, c.status, c.category, c.received_at, c.accepted_at, c.handling_due, c.resolved_at, c.closed_at,
       (SELECT a.unit_name FROM assignments a WHERE a.case_id = c.id AND a.current AND a.role = 'lead') AS unit_name,
       r.outcome AS result_outcome, r.reply AS result_reply,
       (SELECT t.rating FROM callback_tasks t WHERE t.case_id = c.id AND t.state = 'rated' ORDER BY t.round DESC LIMIT 1) AS rating
FROM cases c
LEFT JOIN LATERAL (
    SELECT h.detail->>'outcome' AS outcome, h.detail->>'reason' AS reply FROM case_history h
    WHERE h.case_id = c.id AND h.action = 'submit_result' ORDER BY h.id DESC LIMIT 1
) r ON true;

GRANT SELECT ON lookup_case_progress, lookup_verifiers TO hotline_lookup;
-- Development and tests run every process on the shared simulated clock (HOTLINE_CLOCK=simulated).
GRANT SELECT ON simulated_clock TO hotline_lookup;
GRANT SELECT, INSERT, UPDATE, DELETE ON lookup_limits TO hotline_lookup;
GRANT INSERT ON lookup_attempts TO hotline_lookup;
GRANT USAGE ON SEQUENCE lookup_attempts_id_seq TO hotline_lookup;

-- Intake writes a verifier with each case it opens; the workers read the rest (RoleTests).
GRANT SELECT, INSERT ON lookup_verifiers TO hotline_worker;
GRANT SELECT ON lookup_limits, lookup_attempts, lookup_case_progress TO hotline_worker;
