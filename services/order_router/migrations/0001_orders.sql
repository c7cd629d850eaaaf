CREATE TABLE orders (
    order_id           uuid        PRIMARY KEY,
    channel            text        NOT NULL,
    channel_order_ref  text        NOT NULL,
    channel_order_name text        NOT NULL,
    status             text        NOT NULL,
    placed             jsonb       NOT NULL,
    allocations        jsonb       NOT NULL DEFAULT '[]',
    reason             text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, channel_order_ref)
);

CREATE TABLE order_timeline (
    id          bigserial   PRIMARY KEY,
    order_id    uuid        NOT NULL REFERENCES orders (order_id),
    occurred_at timestamptz NOT NULL,
    event_type  text        NOT NULL,
    event_id    uuid        NOT NULL,
    detail      jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX order_timeline_by_order ON order_timeline (order_id, id);
