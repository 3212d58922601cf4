-- 归档 (鄂尔多斯 第二十三条 「承办事项按照档案管理规定归档」; 兰溪 「对已办结事项…存入数据库」;
-- 巴林左旗 第八条): a closed case is archived with its whole history once nothing can
-- change it any more: no callback open, no rating appeal pending, no appeal window open.
-- The archive is read-only: a trigger refuses every UPDATE, DELETE and TRUNCATE.
ALTER TABLE cases ADD COLUMN archived_at timestamptz;
-- When the unit's window to appeal a 不满意 closes (长沙 第二十七条); null where no appeal lies.
ALTER TABLE callback_tasks ADD COLUMN appeal_by timestamptz;

CREATE TABLE case_archive (
    case_id         uuid        PRIMARY KEY REFERENCES cases (id),
    case_number     text        NOT NULL UNIQUE,
    policy_id       text        NOT NULL,
    policy_version  text        NOT NULL,
    closed_at       timestamptz,
    archived_at     timestamptz NOT NULL,
    -- The case, its assignments, clocks, history, callbacks, rating appeals and
    -- supervisions as they stood when archived. No ciphertext: the caller's data and
    -- callback comments stay sealed in cases and callback_tasks, where a key rotation
    -- re-encrypts them (hotline keys reencrypt); the archive never needs the old key.
    record          jsonb       NOT NULL
);

CREATE FUNCTION refuse_archive_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_archive is read-only: an archived case (归档) is never changed';
END;
$$;
CREATE TRIGGER case_archive_read_only BEFORE UPDATE OR DELETE ON case_archive
    FOR EACH ROW EXECUTE FUNCTION refuse_archive_change();
CREATE TRIGGER case_archive_no_truncate BEFORE TRUNCATE ON case_archive
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_archive_change();
CREATE INDEX cases_to_archive ON cases (closed_at) WHERE status = 'closed';
