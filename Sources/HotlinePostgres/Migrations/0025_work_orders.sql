-- Work orders (issue 19): every order is published on hotline.work-orders.v1 with the appeal
-- and the caller's contact sealed to its unit's sealing key (party_keys, migration 0023).
-- An order whose unit had no valid sealing key is published without its sealed content
-- (never in clear) and kept here until the centre enrols the key and reissues it
-- (`hotline units reissue`), or the unit no longer holds that round (superseded).
CREATE TABLE work_orders_withheld (
    event_id    uuid        PRIMARY KEY,
    case_id     uuid        NOT NULL REFERENCES cases (id),
    unit_id     text        NOT NULL,
    round       integer     NOT NULL,
    reason      text        NOT NULL CHECK (reason IN ('no_sealing_key')),
    -- The order as published: codes, ids and instants, no personal data.
    order_json  jsonb       NOT NULL,
    withheld_at timestamptz NOT NULL,
    settled_at  timestamptz,
    -- The reissued order's event id; NULL when superseded.
    reissued_as uuid
);
CREATE INDEX work_orders_withheld_open ON work_orders_withheld (withheld_at) WHERE settled_at IS NULL;

GRANT SELECT, INSERT, UPDATE ON work_orders_withheld TO hotline_worker;
