-- Intake looks up a caller's cases closed as an excessive demand (兰溪 四.5) beside the open ones.
CREATE INDEX cases_blocked_by_caller ON cases (caller_phone_index) WHERE repeat_blocked;
