-- Tamper-evident case history (issue 20, item 6; README "Tamper-evident history"). A case's
-- history is the evidence in an assessment and in a rating appeal (长沙 第二十七条「责任单位可在5个
-- 工作日内提供佐证材料发起满意度申诉」), so each row carries a SHA-256 hash over its content as
-- stored and the hash of the case's previous row (prev_hash): a per-case chain. The bytes hashed
-- are defined in docs/CONTRACTS.md ("Case history chain"); the reference is
-- `HistoryChain.rowBytes` in HotlineDomain, which `hotline history verify` applies to every row:
-- the verifier must not rest on anything the owner role can redefine in the database, such as
-- this function, so the SQL below is the writer's copy that every verification checks.
CREATE FUNCTION case_history_row_hash(
    previous bytea, row_case_id uuid, row_at timestamptz, row_actor text, row_action text, row_detail jsonb, row_event_id text
) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT sha256(
        convert_to('hotline.case-history.v1', 'UTF8') || previous || uuid_send(row_case_id)
        || int8send((extract(epoch FROM row_at) * 1000000)::bigint)
        || int4send(octet_length(convert_to(row_actor, 'UTF8'))) || convert_to(row_actor, 'UTF8')
        || int4send(octet_length(convert_to(row_action, 'UTF8'))) || convert_to(row_action, 'UTF8')
        || int4send(octet_length(convert_to(row_detail::text, 'UTF8'))) || convert_to(row_detail::text, 'UTF8')
        || CASE WHEN row_event_id IS NULL THEN '\x00'::bytea
                ELSE '\x01'::bytea || int4send(octet_length(convert_to(row_event_id, 'UTF8'))) || convert_to(row_event_id, 'UTF8')
           END)
$$;

ALTER TABLE case_history ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

-- Each case's chain head: the row the next one links to, with that row's own link. The
-- chaining trigger updates it in the statement that computes the new row's hashes, so
-- concurrent writers to one case append one after the other; digested_row_id is the head
-- the last day's digest published (the supervision worker's history digest sweep).
CREATE TABLE case_history_heads (
    case_id         uuid   PRIMARY KEY,
    row_id          bigint NOT NULL,
    prev_hash       bytea  NOT NULL,
    hash            bytea  NOT NULL,
    digested_row_id bigint
);

-- Rows written before this migration are chained now, in their order (id) within each case.
ALTER TABLE case_history DISABLE TRIGGER case_history_append_only;
DO $$
DECLARE
    r             record;
    previous      bytea;
    previous_case uuid;
BEGIN
    FOR r IN SELECT id, case_id, at, actor, action, detail, event_id FROM case_history ORDER BY case_id, id LOOP
        IF previous_case IS DISTINCT FROM r.case_id THEN
            previous := decode(repeat('00', 32), 'hex');
            previous_case := r.case_id;
        END IF;
        UPDATE case_history
        SET prev_hash = previous, hash = case_history_row_hash(previous, r.case_id, r.at, r.actor, r.action, r.detail, r.event_id)
        WHERE id = r.id
        RETURNING hash INTO previous;
    END LOOP;
END
$$;
ALTER TABLE case_history ENABLE TRIGGER case_history_append_only;
ALTER TABLE case_history ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
INSERT INTO case_history_heads (case_id, row_id, prev_hash, hash)
SELECT DISTINCT ON (case_id) case_id, id, prev_hash, hash FROM case_history ORDER BY case_id, id DESC;

-- Every new row is chained as stored (after its values are converted: jsonb, microseconds),
-- whatever the writer put in id, prev_hash and hash. One statement per row: the UPDATE of the
-- case's head locks it (a concurrent writer of the case waits, then chains after what it
-- wrote), takes the head's hash as the new row's link, draws the row's id after the lock (so
-- ids rise along each chain) and computes its hash; a case's first row inserts the head.
-- SECURITY DEFINER: the worker role cannot write the heads itself.
CREATE FUNCTION chain_case_history() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    genesis CONSTANT bytea := decode(repeat('00', 32), 'hex');
BEGIN
    LOOP
        UPDATE case_history_heads h
        SET row_id = nextval('case_history_id_seq'), prev_hash = h.hash,
            hash = case_history_row_hash(h.hash, NEW.case_id, NEW.at, NEW.actor, NEW.action, NEW.detail, NEW.event_id)
        WHERE h.case_id = NEW.case_id
        RETURNING h.row_id, h.prev_hash, h.hash INTO NEW.id, NEW.prev_hash, NEW.hash;
        IF FOUND THEN
            RETURN NEW;
        END IF;
        INSERT INTO case_history_heads (case_id, row_id, prev_hash, hash)
        VALUES (NEW.case_id, nextval('case_history_id_seq'), genesis,
                case_history_row_hash(genesis, NEW.case_id, NEW.at, NEW.actor, NEW.action, NEW.detail, NEW.event_id))
        ON CONFLICT (case_id) DO NOTHING
        RETURNING row_id, prev_hash, hash INTO NEW.id, NEW.prev_hash, NEW.hash;
        IF FOUND THEN
            RETURN NEW;
        END IF;
        -- Another transaction wrote the case's first row meanwhile: chain after it.
    END LOOP;
END;
$$;
CREATE TRIGGER case_history_chain BEFORE INSERT ON case_history
    FOR EACH ROW EXECUTE FUNCTION chain_case_history();

-- One digest per day: the heads of every case whose chain moved since the previous digest,
-- folded with the previous digest (docs/CONTRACTS.md "hotline.history-digests.v1"). Appended,
-- never changed; a copy kept outside the database proves the past (`hotline history verify
-- --digest-file`).
CREATE TABLE history_digests (
    day             date        PRIMARY KEY,
    digest          bytea       NOT NULL CHECK (octet_length(digest) = 32),
    previous_day    date,
    previous_digest bytea       NOT NULL CHECK (octet_length(previous_digest) = 32),
    heads           integer     NOT NULL CHECK (heads >= 0),
    event_id        uuid        NOT NULL UNIQUE,
    published_at    timestamptz NOT NULL
);
CREATE TABLE history_digest_heads (
    day     date   NOT NULL REFERENCES history_digests (day),
    case_id uuid   NOT NULL,
    row_id  bigint NOT NULL,
    hash    bytea  NOT NULL,
    PRIMARY KEY (day, case_id)
);
CREATE FUNCTION refuse_digest_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER history_digests_append_only BEFORE UPDATE OR DELETE ON history_digests
    FOR EACH ROW EXECUTE FUNCTION refuse_digest_change();
CREATE TRIGGER history_digests_no_truncate BEFORE TRUNCATE ON history_digests
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_digest_change();
CREATE TRIGGER history_digest_heads_append_only BEFORE UPDATE OR DELETE ON history_digest_heads
    FOR EACH ROW EXECUTE FUNCTION refuse_digest_change();
CREATE TRIGGER history_digest_heads_no_truncate BEFORE TRUNCATE ON history_digest_heads
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_digest_change();

-- The worker appends digests and marks the heads it digested; the chaining trigger alone writes
-- the heads' row and hash.
GRANT SELECT, INSERT ON history_digests, history_digest_heads TO hotline_worker;
GRANT SELECT, UPDATE (digested_row_id) ON case_history_heads TO hotline_worker;
