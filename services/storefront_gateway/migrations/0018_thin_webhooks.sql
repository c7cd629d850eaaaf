-- Thin webhooks (they name an order, nothing more) taken and acknowledged whose
-- documents are still to be fetched from the store: kept here from before the 2xx until
-- the order is stored as a delivery, retried with backoff while the store cannot show it.
CREATE TABLE thin_webhooks (
    id              bigserial   PRIMARY KEY,
    channel         text        NOT NULL,
    dedupe_key      text        NOT NULL,
    kind            text        NOT NULL,
    headers         jsonb       NOT NULL,
    body            bytea       NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    last_error      text,
    UNIQUE (channel, dedupe_key)
);
CREATE INDEX thin_webhooks_due ON thin_webhooks (next_attempt_at);

CREATE FUNCTION notify_thin_webhook() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_thin_webhooks', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER thin_webhooks_notify AFTER INSERT ON thin_webhooks
    FOR EACH STATEMENT EXECUTE FUNCTION notify_thin_webhook();
