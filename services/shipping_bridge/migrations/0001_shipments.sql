CREATE TABLE shipments (
    shipment_id        uuid        PRIMARY KEY,
    order_id           uuid        NOT NULL,
    correlation_id     uuid        NOT NULL,
    fulfiller          text        NOT NULL,
    location           text        NOT NULL,
    channel            text        NOT NULL,
    channel_order_ref  text        NOT NULL,
    channel_order_name text        NOT NULL,
    lines              jsonb       NOT NULL,
    ship_to_country    text,
    status             text        NOT NULL DEFAULT 'pending',
    fulfiller_ref      text,
    attempts           integer     NOT NULL DEFAULT 0,
    next_attempt_at    timestamptz NOT NULL DEFAULT now(),
    last_error         text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- The sender's work queue: pending shipments due for an attempt.
CREATE INDEX shipments_due ON shipments (next_attempt_at) WHERE status = 'pending';

-- Each parcel a 3PL reports, once: a repeated report of the same dispatch is a no-op.
CREATE TABLE dispatches (
    shipment_id     uuid        NOT NULL REFERENCES shipments (shipment_id),
    dispatch_id     text        NOT NULL,
    carrier         text        NOT NULL,
    tracking_number text        NOT NULL,
    tracking_url    text,
    lines           jsonb       NOT NULL,
    reported_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (shipment_id, dispatch_id)
);

CREATE FUNCTION notify_shipment_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_shipments', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER shipments_notify AFTER INSERT ON shipments
    FOR EACH STATEMENT EXECUTE FUNCTION notify_shipment_due();
