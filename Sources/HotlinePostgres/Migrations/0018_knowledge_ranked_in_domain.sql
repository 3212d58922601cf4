-- Knowledge search ranks in the domain (HotlineDomain KnowledgeSearch: BM25F over the
-- normalised title, keywords and body, with the policy's synonyms and a calibrated "no
-- confident answer"), over the shown entries loaded with one query. The character
-- bigrams stored for the old ranking in SQL are no longer read: a rule exists once.
ALTER TABLE knowledge_entries DROP COLUMN terms, DROP COLUMN title_terms;
