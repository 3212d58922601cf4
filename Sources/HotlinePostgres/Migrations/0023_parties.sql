-- The directory of parties and their public keys (issue 19): who may act on the inbound
-- topics and to whom a work order is sealed. Private keys never enter this database.
--   centre            the 12345 centre's staff and console (centre actions, knowledge approvals)
--   unit              a 承办单位 of the routing file's network (unit actions; receives sealed work orders)
--   channel_adapter   a channel (phone, web, app…) publishing appeals
--   callback_adapter  an SMS gateway, IVR or the centre's callback seats (callback results)
CREATE TABLE parties (
    party_id     text        PRIMARY KEY CHECK (party_id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    kind         text        NOT NULL CHECK (kind IN ('centre', 'unit', 'channel_adapter', 'callback_adapter')),
    display_name text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- A key is valid from valid_from until valid_until (a rotation's overlap) or revoked_at,
-- whichever comes first; a message is checked against the keys valid at the instant it
-- was received.
--   signing  Ed25519 (RFC 8032), 32-byte public key
--   sealing  HPKE (RFC 9180) DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305; 32-byte public key
CREATE TABLE party_keys (
    key_id      text        PRIMARY KEY CHECK (key_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
    party_id    text        NOT NULL REFERENCES parties (party_id),
    purpose     text        NOT NULL CHECK (purpose IN ('signing', 'sealing')),
    algorithm   text        NOT NULL,
    public_key  bytea       NOT NULL CHECK (octet_length(public_key) = 32),
    valid_from  timestamptz NOT NULL,
    valid_until timestamptz,
    revoked_at  timestamptz,
    CHECK ((purpose = 'signing' AND algorithm = 'ed25519')
        OR (purpose = 'sealing' AND algorithm = 'hpke-x25519-sha256-chacha20poly1305')),
    CHECK (valid_until IS NULL OR valid_until > valid_from),
    UNIQUE (public_key)
);
CREATE INDEX party_keys_by_party ON party_keys (party_id, purpose, valid_from DESC);

-- Every change to the directory, with who made it and when: appended, never changed.
CREATE TABLE party_key_changes (
    id         bigserial   PRIMARY KEY,
    party_id   text        NOT NULL,
    key_id     text,
    change     text        NOT NULL CHECK (change IN ('party_added', 'key_added', 'key_rotated', 'key_revoked')),
    changed_by text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    reason     text
);
CREATE FUNCTION refuse_directory_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'party_key_changes is append-only';
END;
$$;
CREATE TRIGGER party_key_changes_append_only BEFORE UPDATE OR DELETE ON party_key_changes
    FOR EACH ROW EXECUTE FUNCTION refuse_directory_change();
CREATE TRIGGER party_key_changes_no_truncate BEFORE TRUNCATE ON party_key_changes
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_directory_change();

-- The workers read the directory and never change it: keys are added, rotated and revoked
-- by the directory's administrator over the owner's login (`hotline parties`), so a worker's
-- credentials cannot enrol a key of their own.
GRANT SELECT ON parties, party_keys, party_key_changes TO hotline_worker;
