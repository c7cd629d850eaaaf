-- Each posted entry, owed to each accounting system: an outbox for HTTP. A rejected
-- export is kept with the system's reason until someone fixes the cause and retries it.
CREATE TABLE exports (
    entry_id        uuid        NOT NULL REFERENCES journal_entries (entry_id),
    target          text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'exported', 'rejected')),
    external_id     text,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, target)
);
CREATE INDEX exports_due ON exports (next_attempt_at) WHERE status = 'pending';

CREATE FUNCTION notify_export() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_exports', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER exports_notify AFTER INSERT OR UPDATE OF status ON exports
    FOR EACH STATEMENT EXECUTE FUNCTION notify_export();

-- The targets configured now (config/accounts.yaml), installed at start-up.
CREATE TABLE export_targets (id text PRIMARY KEY);
