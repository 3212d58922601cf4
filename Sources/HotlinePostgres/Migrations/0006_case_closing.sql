-- A case ends after its callback: closed when rated 满意 or 基本满意, or by the centre.
-- Closed as an excessive demand (兰溪 四.5 「来电人要求过高…可视为办结，不再受理重复来电」),
-- repeat calls about it are not accepted again.
ALTER TABLE cases
    ADD COLUMN closed_at      timestamptz,
    ADD COLUMN repeat_blocked boolean NOT NULL DEFAULT false;
