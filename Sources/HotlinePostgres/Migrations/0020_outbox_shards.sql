-- The relay scales out: each outbox row belongs to one of 16 shards (by its message key,
-- so one key's events stay in one shard and keep their order), and each relay instance
-- publishes the shards it holds a lease on. A lease not renewed expires and another
-- instance takes the shard over.
ALTER TABLE outbox ADD COLUMN shard smallint NOT NULL DEFAULT 0;
CREATE INDEX outbox_by_shard ON outbox (shard, id);

CREATE TABLE outbox_shard_leases (
    shard      smallint    PRIMARY KEY,
    owner      text,
    expires_at timestamptz
);
INSERT INTO outbox_shard_leases (shard) SELECT generate_series(0, 15);

-- The relay instances alive: each says so with every lease renewal; the shards are shared
-- among those seen recently.
CREATE TABLE outbox_relays (
    owner   text        PRIMARY KEY,
    seen_at timestamptz NOT NULL
);

-- Every statement that writes outbox rows wakes the relays (LISTEN hotline_outbox).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hotline_outbox', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
