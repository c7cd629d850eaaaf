-- The router's view of each shipment it asked for: what, from where, how far it got.
CREATE TABLE order_shipments (
    shipment_id uuid        PRIMARY KEY,
    order_id    uuid        NOT NULL REFERENCES orders (order_id),
    location    text        NOT NULL,
    fulfiller   text        NOT NULL,
    lines       jsonb       NOT NULL,
    shipped     jsonb       NOT NULL DEFAULT '{}',
    status      text        NOT NULL DEFAULT 'requested',
    tracking    jsonb       NOT NULL DEFAULT '[]',
    delivered   boolean     NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_shipments_by_order ON order_shipments (order_id);
