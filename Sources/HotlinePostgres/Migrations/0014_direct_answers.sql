-- 即时办结: a case the operator answered at once from a knowledge-base entry keeps the entry
-- version it was answered from (长沙 第十六条（一）「可根据信息库内容等当场答复诉求人的,直接在线办结」),
-- so what the caller was told can be read back after the entry changed; versions are never
-- deleted (knowledge_entries_immutable), so the reference always resolves.
ALTER TABLE cases
    ADD COLUMN answered_entry_id      text,
    ADD COLUMN answered_entry_version integer,
    -- A direct answer the policy calls back (长沙 第二十五条 「全面回访」): it is closed before its
    -- callback task exists, so the archive waits until the callbacks worker has issued it.
    ADD COLUMN callback_owed          boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT cases_answered_entry FOREIGN KEY (answered_entry_id, answered_entry_version)
        REFERENCES knowledge_entries (entry_id, version),
    ADD CONSTRAINT cases_answered_entry_whole CHECK ((answered_entry_id IS NULL) = (answered_entry_version IS NULL));

-- The centre's 即时办结率 counts direct answers among the cases accepted in a period.
CREATE INDEX cases_direct_answers ON cases (accepted_at) WHERE answered_entry_id IS NOT NULL;
