-- Every accepted webhook delivery, raw, before the 2xx: nothing accepted is ever lost.
CREATE TABLE deliveries (
    id          bigserial   PRIMARY KEY,
    channel     text        NOT NULL,
    platform    text        NOT NULL,
    dedupe_key  text        NOT NULL,
    topic       text        NOT NULL,
    headers     jsonb       NOT NULL,
    body        bytea       NOT NULL,
    status      text        NOT NULL DEFAULT 'received'
                CHECK (status IN ('received', 'accepted', 'quarantined')),
    reason      text,
    order_id    uuid,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, dedupe_key)
);

-- Lines of accepted orders that the hub could not map; the rest of the order flows on.
CREATE TABLE quarantined_lines (
    id          bigserial   PRIMARY KEY,
    delivery_id bigint      NOT NULL REFERENCES deliveries (id),
    channel     text        NOT NULL,
    order_id    uuid        NOT NULL,
    line_ref    text        NOT NULL,
    title       text        NOT NULL,
    quantity    integer     NOT NULL,
    reason      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarantined_lines_by_reason ON quarantined_lines (reason);
