-- How many interim replies with a committed date a case's current round has had, so a
-- policy can bound how often a unit moves its own deadline (lifecycle.interim_reply.max_count;
-- 宜宾 第十一条（二）2（2） 承诺件 「承诺办结的最后时限」: one final date).
ALTER TABLE cases ADD COLUMN interim_replies_this_round integer NOT NULL DEFAULT 0;
