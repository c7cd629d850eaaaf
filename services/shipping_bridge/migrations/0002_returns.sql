-- Goods the 3PL should expect back, and what it reported receiving (once).
CREATE TABLE returns (
    return_id      uuid        PRIMARY KEY,
    order_id       uuid        NOT NULL,
    correlation_id uuid        NOT NULL,
    shipment_id    uuid        NOT NULL REFERENCES shipments (shipment_id),
    fulfiller      text        NOT NULL,
    location       text        NOT NULL,
    lines          jsonb       NOT NULL,
    status         text        NOT NULL DEFAULT 'expected' CHECK (status IN ('expected', 'received')),
    received       jsonb,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX returns_by_fulfiller ON returns (fulfiller, status);
