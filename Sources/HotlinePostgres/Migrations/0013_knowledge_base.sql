-- Knowledge base (知识库): one row per version of an entry, never changed once written
-- except for the centre's decision and the review-overdue flag (a trigger refuses the
-- rest). Units publish versions (巴林左旗 第十九条; 鄂尔多斯 第十四条（三）); the centre
-- approves or rejects each (长沙 第八条（二）); operators are shown the latest approved
-- version of each entry. `terms` and `title_terms` are the character bigrams of
-- KnowledgeTerms, computed in Swift: pg_trgm's word splitting depends on the cluster's
-- locale and drops Han characters under the C locale.
CREATE TABLE knowledge_entries (
    entry_id         text        NOT NULL,
    version          integer     NOT NULL CHECK (version >= 1),
    unit_id          text        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('duty', 'policy', 'procedure', 'address', 'phone', 'faq', 'notice')),
    duty             text,
    title            text        NOT NULL,
    body             text        NOT NULL,
    keywords         text[]      NOT NULL,
    terms            text[]      NOT NULL,
    title_terms      text[]      NOT NULL,
    published_at     timestamptz NOT NULL,
    published_by     text        NOT NULL,
    event_id         text        NOT NULL,
    review_by        date        NOT NULL,
    -- Published after the previous version's review-by date (巴林左旗 第十五条（八）).
    late             boolean     NOT NULL,
    recorded_at      timestamptz NOT NULL,
    state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    decided_at       timestamptz,
    decided_by       text,
    decision_reason  text,
    review_flagged_at timestamptz,
    PRIMARY KEY (entry_id, version),
    CHECK ((state = 'pending') = (decided_at IS NULL))
);
CREATE INDEX knowledge_entries_shown ON knowledge_entries (entry_id, version DESC) WHERE state = 'approved';
CREATE INDEX knowledge_entries_terms ON knowledge_entries USING gin (terms) WHERE state = 'approved';
CREATE INDEX knowledge_entries_to_flag ON knowledge_entries (review_by) WHERE state <> 'rejected' AND review_flagged_at IS NULL;
CREATE INDEX knowledge_entries_published ON knowledge_entries (published_at);

CREATE FUNCTION knowledge_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'knowledge entry versions are kept; reject a version instead of deleting it';
    END IF;
    IF (NEW.entry_id, NEW.version, NEW.unit_id, NEW.kind, NEW.duty, NEW.title, NEW.body, NEW.keywords, NEW.review_by,
        NEW.published_at, NEW.published_by, NEW.late)
       IS DISTINCT FROM
       (OLD.entry_id, OLD.version, OLD.unit_id, OLD.kind, OLD.duty, OLD.title, OLD.body, OLD.keywords, OLD.review_by,
        OLD.published_at, OLD.published_by, OLD.late) THEN
        RAISE EXCEPTION 'knowledge entry versions are immutable; publish a new version';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER knowledge_entries_immutable BEFORE UPDATE OR DELETE ON knowledge_entries
    FOR EACH ROW EXECUTE FUNCTION knowledge_entries_immutable();
