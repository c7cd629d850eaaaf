-- What the gateway needs to talk back to a channel about an order it accepted.
CREATE TABLE channel_orders (
    order_id          uuid PRIMARY KEY,
    channel           text NOT NULL,
    channel_order_ref text NOT NULL,
    customer_email    text,
    line_refs         jsonb NOT NULL DEFAULT '{}'  -- SKU -> the channel's line ids
);

-- Status and tracking owed to channels: an outbox for HTTP, drained by the feedback sender.
CREATE TABLE channel_updates (
    id              bigserial   PRIMARY KEY,
    source_event_id uuid        NOT NULL,
    kind            text        NOT NULL,
    channel         text        NOT NULL,
    order_id        uuid        NOT NULL,
    payload         jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'done', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_event_id, kind)
);
CREATE INDEX channel_updates_due ON channel_updates (next_attempt_at) WHERE status = 'pending';

CREATE FUNCTION notify_channel_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_channel_updates', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER channel_updates_notify AFTER INSERT ON channel_updates
    FOR EACH STATEMENT EXECUTE FUNCTION notify_channel_update();
